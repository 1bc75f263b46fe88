/* render.c — a terminal's cells into a rectangle of stdscr. Only the focused
 * tab's terminals are drawn, at most once per frame; curses then sends only
 * the cells that changed. */
#include <stdio.h>

#include "tui/cellmap.h"
#include "tui/ui.h"

int ui_pair(int fg, int bg)
{
    if (!has_colors())
        return 0;
    int p = alloc_pair(fg, bg);
    return p < 0 ? 0 : p; /* table full: the default colours still read */
}

bool render_term(struct tui *t, struct term *term, const struct rect *r, int scroll, int hl_row,
                 int *cy, int *cx)
{
    /* adjacent cells mostly share colours: remember the last pair */
    int last_fg = -2, last_bg = -2, last_pair = 0;
    for (int y = 0; y < r->h; y++) {
        int row = y - scroll;
        for (int x = 0; x < r->w; x++) {
            struct term_cell c;
            term_get_cell(term, row, x, &c);
            if (c.width == 0)
                continue; /* the right half of a wide character drawn at x-1 */
            wchar_t wch[CCHARW_MAX + 1];
            if (c.width == 2 && x == r->w - 1) {
                wch[0] = L' ';
                wch[1] = L'\0';
            } else {
                cellmap_chars(&c, wch);
            }
            int fg = cellmap_color(&c.fg, t->ncolors);
            int bg = cellmap_color(&c.bg, t->ncolors);
            if (fg != last_fg || bg != last_bg) {
                last_pair = ui_pair(fg, bg);
                last_fg = fg;
                last_bg = bg;
            }
            attr_t a = cellmap_attrs(&c);
            if (row == hl_row)
                a ^= A_REVERSE;
            cchar_t cc;
            int pair = last_pair;
            if (setcchar(&cc, wch, a, 0, &pair) == ERR)
                continue;
            mvwadd_wch(stdscr, r->y + y, r->x + x, &cc);
        }
    }
    if (scroll > 0) {
        char tag[48];
        snprintf(tag, sizeof tag, "[scrollback -%d/%d]", scroll, term_scrollback_count(term));
        int w = (int)strlen(tag);
        if (w <= r->w)
            draw_text(r->y, r->x + r->w - w, w, A_REVERSE, 0, tag);
        return false;
    }
    struct term_cursor cur;
    term_get_cursor(term, &cur);
    if (!cur.visible || cur.row < 0 || cur.row >= r->h || cur.col < 0 || cur.col >= r->w)
        return false;
    *cy = r->y + cur.row;
    *cx = r->x + cur.col;
    return true;
}
