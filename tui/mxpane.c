/* mxpane.c — the ping matrix atop the side pane (core/matrix.h), kept current
 * by the lab while it shows: a row per source, a column per target; green
 * passes, red fails, yellow unknown; "~" marks a cell inferred from the lab's
 * state by `why` (drawn dim) rather than pinged: the row of a guest without
 * umlab's control channel. */
#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

#define MX_CELLW 6
#define MX_NAMEW 8

static void cell_look(const struct mx_cell *c, const char **word, int *pair, attr_t *a)
{
    *a = c->inferred ? A_DIM : A_BOLD;
    *pair = 0;
    switch (c->st) {
    case MX_SELF:
        *word = "-";
        *a = A_NORMAL;
        break;
    case MX_PENDING:
        *word = "..";
        break;
    case MX_PASS:
        *word = c->inferred ? "~ok" : "ok";
        *pair = ui_pair(COLOR_GREEN, -1);
        break;
    case MX_FAIL:
        *word = c->inferred ? "~FAIL" : "FAIL";
        *pair = ui_pair(COLOR_RED, -1);
        break;
    default:
        *word = c->inferred ? "~?" : "?";
        *pair = ui_pair(COLOR_YELLOW, -1);
        break;
    }
}

int mxpane_draw(struct tui *t, int y, int x, int w, int h)
{
    const struct mx_matrix *m = lab_matrix(t->lab);
    int title = ui_pair(COLOR_CYAN, -1);
    int n = 0;
    if (h < 3 || w < 12)
        return 0;
    draw_text(y + n++, x, w, A_BOLD, title, "Ping matrix (" KEYS_PREFIX_NAME " m)");
    if (m->rounds == 0 && m->nguests == 0 && !m->internet) {
        draw_text(y + n++, x, w, A_DIM, 0, "(measuring...)");
        return n + 1;
    }
    size_t ncols = mx_ncols(m);
    char buf[16];
    int cx = draw_text(y + n, x, w, A_DIM, 0, "from\\to");
    (void)cx;
    for (size_t c = 0; c < ncols; c++) {
        int px = MX_NAMEW + (int)c * MX_CELLW;
        if (px >= w)
            break;
        const char *name = mx_col_name(m, c);
        snprintf(buf, sizeof buf, "%.5s", strcmp(name, "internet") == 0 ? "inet" : name);
        draw_text(y + n, x + px, w - px, A_DIM, 0, buf);
    }
    n++;
    for (size_t r = 0; r <= m->nguests && n < h - 1; r++, n++) {
        snprintf(buf, sizeof buf, "%.5s", r < m->nguests ? m->names[r] : "host");
        draw_text(y + n, x, w, A_NORMAL, 0, buf);
        for (size_t c = 0; c < ncols; c++) {
            int px = MX_NAMEW + (int)c * MX_CELLW;
            if (px >= w)
                break;
            const char *word;
            int pair;
            attr_t a;
            cell_look(&m->cell[r][c], &word, &pair, &a);
            draw_text(y + n, x + px, w - px, a, pair, word);
        }
    }
    bool inferred = false;
    for (size_t r = 0; r < m->nguests; r++)
        for (size_t c = 0; c < ncols; c++)
            inferred |= m->cell[r][c].inferred;
    if (inferred && n < h - 1)
        draw_text(y + n++, x, w, A_DIM, 0, "~ inferred (no control channel)");
    return n + 1; /* and a blank line */
}
