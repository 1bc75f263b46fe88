/* draw.c — one frame: tab bar, consoles, side pane, log, status line, help
 * bar, and the help overlay. Everything goes to stdscr; curses sends only
 * what changed. */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "core/labapply.h"
#include "tui/ui.h"

int draw_text(int y, int x, int w, attr_t attr, int pair, const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int col = 0;
    size_t len = strlen(s);
    while (len > 0 && col < w) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, len, &st);
        if (n == 0)
            break;
        if (n == (size_t)-1 || n == (size_t)-2) { /* not UTF-8: show a '?' */
            wc = L'?';
            n = 1;
            memset(&st, 0, sizeof st);
        }
        int cw = wcwidth(wc);
        if (cw < 0) {
            wc = L'?';
            cw = 1;
        }
        if (col + cw > w)
            break;
        wchar_t ws[2] = {wc, L'\0'};
        cchar_t cc;
        if (cw > 0 && setcchar(&cc, ws, attr, 0, &pair) != ERR)
            mvwadd_wch(stdscr, y, x + col, &cc);
        col += cw;
        s += n;
        len -= n;
    }
    return col;
}

/* Columns S takes as draw_text shows it (unclipped). */
static int draw_width(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int col = 0;
    size_t len = strlen(s);
    while (len > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, len, &st);
        if (n == 0)
            break;
        if (n == (size_t)-1 || n == (size_t)-2) {
            wc = L'?';
            n = 1;
            memset(&st, 0, sizeof st);
        }
        int cw = wcwidth(wc);
        col += cw < 0 ? 1 : cw;
        s += n;
        len -= n;
    }
    return col;
}

void draw_fill(const struct rect *r, attr_t attr, int pair)
{
    cchar_t cc;
    wchar_t sp[2] = {L' ', L'\0'};
    if (setcchar(&cc, sp, attr, 0, &pair) == ERR)
        return;
    for (int y = 0; y < r->h; y++)
        mvwhline_set(stdscr, r->y + y, r->x, &cc, r->w);
}

static void tab_label(const struct tui *t, size_t i, char *buf, size_t bufsz)
{
    char title[96];
    tab_title(t->tabs[i], title, sizeof title);
    snprintf(buf, bufsz, " %zu:%s%s ", i + 1, title, t->tabs[i]->dump ? " +tcpdump" : "");
}

static void draw_tabs(struct tui *t)
{
    const struct rect *r = &t->lay.tabs;
    int bar = ui_pair(COLOR_WHITE, COLOR_BLUE);
    int cur = ui_pair(COLOR_BLACK, COLOR_CYAN);
    draw_fill(r, A_NORMAL, bar);
    char right[96];
    snprintf(right, sizeof right, " lab %s | NAT %s ", t->lab->name, t->lab->nat ? "on" : "off");
    int rw = (int)strlen(right);
    int avail = r->w > rw + 20 ? r->w - rw : r->w;
    /* the lab's title (its lab file's `title`, a Netkit LAB_DESCRIPTION) left
     * of its name, at most TITLE_COLS, when the tabs keep 20 columns */
    enum { TITLE_COLS = 30 };
    const struct lab_spec *spec = labapply_spec(t->lab);
    const char *title = spec && spec->title && spec->title[0] ? spec->title : NULL;
    int tcols = title ? draw_width(title) : 0;
    tcols = tcols > TITLE_COLS ? TITLE_COLS : tcols;
    int tw = tcols + 3; /* " TITLE |" before " lab" */
    if (!title || r->w <= rw + tw + 20)
        tw = 0;
    avail -= tw;
    t->ntab_hits = 0;
    if (t->ntabs > 0) {
        int *widths = malloc(t->ntabs * sizeof *widths);
        if (!widths)
            return;
        for (size_t i = 0; i < t->ntabs; i++) {
            char label[128];
            tab_label(t, i, label, sizeof label);
            widths[i] = draw_width(label);
        }
        struct tabstrip ts;
        layout_tabstrip(widths, t->ntabs, t->focus, avail, &ts);
        free(widths);
        if (ts.more_left)
            draw_text(r->y, 0, avail, A_BOLD, bar, "<");
        int x = ts.x, end = ts.more_right ? avail - LAYOUT_TAB_MARK : avail;
        for (size_t i = ts.first; i < ts.first + ts.count && x < end; i++) {
            char label[128];
            tab_label(t, i, label, sizeof label);
            bool f = i == t->focus;
            int w = draw_text(r->y, x, end - x, f ? A_BOLD : A_NORMAL, f ? cur : bar, label);
            if (t->ntab_hits < (int)(sizeof t->tab_x0 / sizeof t->tab_x0[0])) {
                t->tab_x0[t->ntab_hits] = x;
                t->tab_x1[t->ntab_hits] = x + w;
                t->tab_idx[t->ntab_hits] = i;
                t->ntab_hits++;
            }
            x += w;
            if (x < end)
                x += draw_text(r->y, x, end - x, A_NORMAL, bar, "\u2502");
        }
        if (ts.more_right)
            draw_text(r->y, avail - 1, 1, A_BOLD, bar, ">");
    }
    if (avail < r->w)
        draw_text(r->y, r->w - rw, rw, A_BOLD, bar, right);
    if (avail < r->w && tw > 0) {
        int x = r->w - rw - tw;
        draw_text(r->y, x, 1, A_NORMAL, bar, " ");
        if (draw_text(r->y, x + 1, tcols, A_NORMAL, bar, title) < draw_width(title))
            draw_text(r->y, x + tcols, 1, A_NORMAL, bar, "\u2026"); /* clipped */
        draw_text(r->y, r->w - rw - 1, 1, A_NORMAL, bar, "|");
    }
}

static void draw_empty(const struct rect *r)
{
    draw_fill(r, A_NORMAL, 0);
    static const char *const lines[] = {
        "No guest yet.",
        "",
        "F2 boots a guest, F9 opens a shell in the lab's namespace,",
        KEYS_PREFIX_NAME " : opens the command prompt (try `help`).",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0] && (int)i + 1 < r->h; i++)
        draw_text(r->y + 1 + (int)i, r->x + 2, r->w - 2, i == 0 ? A_BOLD : A_NORMAL, 0, lines[i]);
}

static void draw_log(struct tui *t)
{
    const struct rect *r = &t->lay.log;
    if (r->h <= 0)
        return;
    int title = ui_pair(COLOR_CYAN, -1);
    draw_fill(r, A_NORMAL, 0);
    cchar_t hl;
    wchar_t h[2] = {L'\u2500', L'\0'};
    int tp = title;
    if (setcchar(&hl, h, A_NORMAL, 0, &tp) != ERR)
        mvwhline_set(stdscr, r->y, r->x, &hl, r->w);
    draw_text(r->y, r->x + 1, r->w - 1, A_BOLD, title,
              t->log_big ? " log (" KEYS_PREFIX_NAME " l: smaller) "
                         : " log (" KEYS_PREFIX_NAME " l: bigger) ");
    int err = ui_pair(COLOR_RED, -1), cmd = ui_pair(COLOR_YELLOW, -1);
    int sh = ui_pair(COLOR_GREEN, -1);
    for (int i = 0, k = 0; i < r->h - 1; k++) {
        const struct log_line *l = logring_back(&t->log, k);
        if (!l)
            break;
        if (l->level == LOG_SHELL && t->hide_shell)
            continue;
        int y = r->y + r->h - 1 - i++;
        attr_t a = l->level == LOG_CMD ? A_BOLD : A_NORMAL;
        int p = l->level == LOG_ERR     ? err
                : l->level == LOG_CMD   ? cmd
                : l->level == LOG_SHELL ? sh
                                        : 0;
        draw_text(y, r->x, r->w, a, p, l->text);
    }
}

/* TEXT fits in W columns whole (draw_text would not clip it). */
static bool text_fits(const char *text, int w)
{
    wchar_t ws[512];
    size_t n = mbstowcs(ws, text, sizeof ws / sizeof ws[0]);
    if (n == (size_t)-1 || n >= sizeof ws / sizeof ws[0])
        return false;
    int cols = wcswidth(ws, n);
    return cols >= 0 && cols <= w;
}

/* The log pane shows TEXT whole on one of its rows (as draw_log fills them):
 * a clipped row does not count, the status line still has the whole text. */
static bool log_shows(const struct tui *t, const char *text)
{
    if (!text_fits(text, t->lay.log.w))
        return false;
    int rows = t->lay.log.h - 1;
    for (int i = 0, k = 0; i < rows; k++) {
        const struct log_line *l = logring_back(&t->log, k);
        if (!l)
            return false;
        if (l->level == LOG_SHELL && t->hide_shell)
            continue;
        if (strcmp(l->text, text) == 0)
            return true;
        i++;
    }
    return false;
}

/* Returns the cursor column when the prompt is open, else -1. */
static int draw_status(struct tui *t)
{
    const struct rect *r = &t->lay.status;
    if (r->h <= 0)
        return -1;
    draw_fill(r, A_NORMAL, 0);
    if (t->prompt != PROMPT_NONE) {
        const char *p, *line;
        int cur;
        prompt_view(&p, &line, &cur);
        int pw = draw_text(r->y, 0, r->w, A_BOLD, ui_pair(COLOR_GREEN, -1), p);
        /* scroll the line so the cursor stays visible */
        int avail = r->w - pw - 1, skip = 0;
        if (avail < 1)
            return r->w - 1;
        if (cur > avail)
            skip = cur - avail;
        const char *s = line;
        int col = 0;
        mbstate_t st;
        memset(&st, 0, sizeof st);
        while (*s && col < skip) {
            wchar_t wc;
            size_t n = mbrtowc(&wc, s, strlen(s), &st);
            if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
                n = 1;
            int cw = wcwidth(wc);
            col += cw > 0 ? cw : 1;
            s += n;
        }
        draw_text(r->y, pw, r->w - pw, A_NORMAL, 0, s);
        return pw + cur - col;
    }
    char right[64];
    snprintf(right, sizeof right, " %s prefix ", KEYS_PREFIX_NAME);
    int rw = (int)strlen(right);
    int left_w = r->w > rw ? r->w - rw : r->w;
    if (t->confirm_quit) {
        draw_text(r->y, 0, left_w, A_BOLD, ui_pair(COLOR_YELLOW, -1),
                  "Guests are running: quit, halt them and undo the lab? (y/n)");
    } else if (t->ks.prefix) {
        draw_text(r->y, 0, left_w, A_BOLD, 0,
                  KEYS_PREFIX_NAME
                  " ... (n/p tab, : prompt, s side pane, { } scroll it, / search, ? help)");
    } else {
        int x = 0;
        if (t->busy[0]) {
            char b[300];
            snprintf(b, sizeof b, "busy: %s ", t->busy);
            x = draw_text(r->y, 0, left_w, A_BOLD, ui_pair(COLOR_BLACK, COLOR_YELLOW), b);
            x++;
        }
        /* the last message, unless the log pane shows it already (it
         * would be on screen twice: "b: running" in both) */
        if (x < left_w && !log_shows(t, t->status))
            draw_text(r->y, x, left_w - x, t->status_err ? A_BOLD : A_NORMAL,
                      t->status_err ? ui_pair(COLOR_RED, -1) : 0, t->status);
    }
    if (r->w > rw)
        draw_text(r->y, r->w - rw, rw, A_NORMAL, ui_pair(COLOR_CYAN, -1), right);
    return -1;
}

/* The F-key bar: the keymap's rows with a label (F4's says what it will do). */
static void draw_helpbar(struct tui *t)
{
    const struct rect *r = &t->lay.help;
    if (r->h <= 0)
        return;
    struct key_vars v = {.nat = t->lab->nat ? "off" : "on"};
    int lab = ui_pair(COLOR_BLACK, COLOR_CYAN);
    draw_fill(r, A_NORMAL, lab);
    int x = 0;
    for (size_t i = 0; i < keys_ntable && x < r->w; i++) {
        char label[32], name[8];
        if (!keys_table[i].bar || keys_fill(keys_table[i].bar, &v, label, sizeof label) < 0)
            continue;
        x += draw_text(r->y, x, r->w - x, A_NORMAL, 0, keys_name(&keys_table[i].keys[0], name));
        if (x < r->w)
            x += draw_text(r->y, x, r->w - x, A_NORMAL, lab, label);
        if (x < r->w)
            x += draw_text(r->y, x, r->w - x, A_NORMAL, lab, " ");
    }
}

static const char *const help_head[] = {
    "umlab keys. " KEYS_PREFIX_NAME " is the prefix key: keys under \"" KEYS_PREFIX_NAME
    " +\" come after it.",
    "",
};

static const char *const help_foot[] = {
    "",
    "Every other key goes to the focused console. In the scrollback: Up/Down,",
    "PgUp/PgDn, n the next search hit, q or Esc back to live. The mouse selects",
    "tabs; < and > mark tabs that do not fit (" KEYS_PREFIX_NAME " n/p reach them).",
    "",
    "Any key closes this help.",
};

/* The names of B's keys that come after the prefix (or not), blank-separated. */
static void key_names(const struct key_binding *b, bool prefix, char *out, size_t outsz)
{
    size_t len = 0;
    out[0] = '\0';
    for (const struct key_spec *k = b->keys; k < b->keys + KEYS_PER_BINDING && k->code; k++) {
        char name[8];
        if (k->prefix == prefix && len < outsz)
            len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? " " : "",
                                    keys_name(k, name));
    }
}

/* Rows FROM..TO of the keymap as a column: keys, keys after the prefix, help. */
static void draw_help_column(int y, int bottom, int x, int w, int pair, size_t from, size_t to)
{
    static const char pfx[] = KEYS_PREFIX_NAME " +";
    char k1[40], k2[40], line[160];
    int w1 = 0, w2 = (int)strlen(pfx);
    for (size_t i = from; i < to; i++) {
        key_names(&keys_table[i], false, k1, sizeof k1);
        key_names(&keys_table[i], true, k2, sizeof k2);
        w1 = (int)strlen(k1) > w1 ? (int)strlen(k1) : w1;
        w2 = (int)strlen(k2) > w2 ? (int)strlen(k2) : w2;
    }
    int x2 = w1 ? w1 + 1 : 0;
    draw_text(y, x + x2, w - x2, A_BOLD, pair, pfx);
    for (size_t i = from; i < to && y + 1 + (int)(i - from) < bottom; i++) {
        key_names(&keys_table[i], false, k1, sizeof k1);
        key_names(&keys_table[i], true, k2, sizeof k2);
        snprintf(line, sizeof line, "%-*s%s%-*s %s", w1, k1, w1 ? " " : "", w2, k2,
                 keys_table[i].help);
        draw_text(y + 1 + (int)(i - from), x, w, A_NORMAL, pair, line);
    }
}

/* A filled box with a line border, for the overlays. */
static void draw_box(const struct rect *r, int p)
{
    int w = r->w, h = r->h;
    draw_fill(r, A_NORMAL, p);
    cchar_t hz, vt;
    wchar_t hs[2] = {L'\u2500', L'\0'}, vs[2] = {L'\u2502', L'\0'};
    if (w > 2 && h > 2 && setcchar(&hz, hs, A_NORMAL, 0, &p) != ERR &&
        setcchar(&vt, vs, A_NORMAL, 0, &p) != ERR) {
        mvwhline_set(stdscr, r->y, r->x + 1, &hz, w - 2);
        mvwhline_set(stdscr, r->y + h - 1, r->x + 1, &hz, w - 2);
        mvwvline_set(stdscr, r->y + 1, r->x, &vt, h - 2);
        mvwvline_set(stdscr, r->y + 1, r->x + w - 1, &vt, h - 2);
        draw_text(r->y, r->x, 1, A_NORMAL, p, "\u250c");
        draw_text(r->y, r->x + w - 1, 1, A_NORMAL, p, "\u2510");
        draw_text(r->y + h - 1, r->x, 1, A_NORMAL, p, "\u2514");
        draw_text(r->y + h - 1, r->x + w - 1, 1, A_NORMAL, p, "\u2518");
    }
}

/* A command's text (t->overlay) in a box, cut to the screen. */
static void draw_text_overlay(struct tui *t)
{
    int lines = 0, widest = 0;
    for (const char *s = t->overlay; *s; lines++) {
        int n = (int)strcspn(s, "\n");
        widest = n > widest ? n : widest;
        s += n + (s[n] == '\n');
    }
    int w = widest + 4, h = lines + 4;
    w = w < 40 ? 40 : w > t->cols ? t->cols : w;
    h = h > t->rows ? t->rows : h;
    struct rect r = {(t->rows - h) / 2, (t->cols - w) / 2, h, w};
    int p = ui_pair(COLOR_WHITE, COLOR_BLUE);
    draw_box(&r, p);
    int y = r.y + 1, bottom = r.y + h - 2;
    char buf[512];
    for (const char *s = t->overlay; *s && y < bottom; y++) {
        int n = (int)strcspn(s, "\n");
        snprintf(buf, sizeof buf, "%.*s", n, s);
        draw_text(y, r.x + 2, w - 4, A_NORMAL, p, buf);
        s += n + (s[n] == '\n');
    }
    draw_text(r.y + h - 2, r.x + 2, w - 4, A_BOLD, p, "Any key closes this.");
}

static void draw_help_overlay(struct tui *t)
{
    int nhead = (int)(sizeof help_head / sizeof help_head[0]);
    int nfoot = (int)(sizeof help_foot / sizeof help_foot[0]);
    /* left the rows with keys of their own, right those with prefix keys only */
    size_t half = 0;
    while (half < keys_ntable && !keys_table[half].keys[0].prefix)
        half++;
    size_t taller = half > keys_ntable - half ? half : keys_ntable - half;
    int w = 78, h = nhead + 1 + (int)taller + nfoot + 2;
    if (w > t->cols)
        w = t->cols;
    if (h > t->rows)
        h = t->rows;
    struct rect r = {(t->rows - h) / 2, (t->cols - w) / 2, h, w};
    int p = ui_pair(COLOR_WHITE, COLOR_BLUE);
    draw_box(&r, p);
    int y = r.y + 1, x = r.x + 2, inner = w - 4, bottom = r.y + h - 1;
    for (int i = 0; i < nhead && y < bottom; i++, y++)
        draw_text(y, x, inner, i == 0 ? A_BOLD : A_NORMAL, p, help_head[i]);
    if (y < bottom) {
        draw_help_column(y, bottom, x, inner / 2 - 1, p, 0, half);
        draw_help_column(y, bottom, x + inner / 2, inner - inner / 2, p, half, keys_ntable);
    }
    y += 1 + (int)taller;
    for (int i = 0; i < nfoot && y < bottom; i++, y++)
        draw_text(y, x, inner, A_NORMAL, p, help_foot[i]);
}

static void draw_split_bar(struct tui *t)
{
    const struct rect *r = &t->lay.split_bar;
    if (r->w <= 0 || r->h <= 0)
        return;
    cchar_t v;
    wchar_t s[2] = {L'\u2502', L'\0'};
    int p = ui_pair(COLOR_CYAN, -1);
    if (setcchar(&v, s, A_NORMAL, 0, &p) != ERR)
        mvwvline_set(stdscr, r->y, r->x, &v, r->h);
}

void draw_frame(struct tui *t)
{
    unsigned d = t->dirty;
    struct tab *tab = tab_focused(t);
    bool all = (d & D_ALL) == D_ALL;
    struct layout_in in = {t->rows, t->cols, t->side, tab && tab->dump, t->log_big};
    layout_compute(&in, &t->lay);
    if (all)
        erase();
    if (d & D_TABS)
        draw_tabs(t);

    bool show_cursor = false;
    int cy = 0, cx = 0;
    struct term *term = tab_term(tab);
    if (!term) {
        if (all)
            draw_empty(&t->lay.console);
    } else if (all || (d & D_CONS) || term_is_dirty(term)) {
        show_cursor = render_term(t, term, &t->lay.console, tab->scroll, tab->hl_row, &cy, &cx);
        term_clear_dirty(term);
    } else if (tab->scroll == 0) {
        struct term_cursor c;
        term_get_cursor(term, &c);
        show_cursor = c.visible && c.row < t->lay.console.h && c.col < t->lay.console.w;
        cy = t->lay.console.y + c.row;
        cx = t->lay.console.x + c.col;
    }
    if (tab && tab->dump && t->lay.dump.w > 0) {
        if (all)
            draw_split_bar(t);
        if (all || (d & D_CONS) || term_is_dirty(tab->dump->term)) {
            int dy, dx;
            render_term(t, tab->dump->term, &t->lay.dump, 0, INT32_MIN, &dy, &dx);
            term_clear_dirty(tab->dump->term);
        }
    }
    lab_snapshot_watch(t->lab, t->lay.side.w > 0); /* the lab reads it only while shown */
    lab_matrix_watch(t->lab, t->matrix && t->lay.side.w > 0);
    if (t->lay.side.w > 0 && (d & D_SIDE))
        side_draw(t);
    if (d & D_LOG)
        draw_log(t);
    int pc = draw_status(t);
    if (all)
        draw_helpbar(t);
    if (t->help_shown)
        draw_help_overlay(t);
    else if (t->overlay)
        draw_text_overlay(t);
    bool over = t->help_shown || t->overlay;

    if (pc >= 0 && !over) {
        curs_set(1);
        wmove(stdscr, t->lay.status.y, pc);
    } else if (show_cursor && !over && !t->confirm_quit) {
        curs_set(1);
        wmove(stdscr, cy, cx);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
    t->dirty = 0;
}
