/* layout.c — see layout.h. */
#include "tui/layout.h"

#include <string.h>

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void layout_compute(const struct layout_in *in, struct layout *out)
{
    memset(out, 0, sizeof *out);
    int rows = in->rows < 1 ? 1 : in->rows;
    int cols = in->cols < 1 ? 1 : in->cols;

    /* Bars first, from the edges; the console keeps at least one row. */
    out->tabs = (struct rect){0, 0, 1, cols};
    int top = 1, bottom = rows;
    if (bottom - top >= 2) {
        out->help = (struct rect){--bottom, 0, 1, cols};
    }
    if (bottom - top >= 2) {
        out->status = (struct rect){--bottom, 0, 1, cols};
    }
    if (bottom <= top) { /* a 1-row screen: the tab bar only */
        out->console = (struct rect){0, 0, 0, cols};
        return;
    }
    int body_h = bottom - top;

    int left_w = cols;
    if (in->side && cols >= 2 * LAYOUT_SIDE_MIN) {
        int sw = clamp(cols / 3, LAYOUT_SIDE_MIN, LAYOUT_SIDE_MAX);
        out->side = (struct rect){top, cols - sw, body_h, sw};
        left_w = cols - sw;
    }

    int log_h = 0;
    if (in->log_big)
        log_h = body_h - LAYOUT_MIN_CONS;
    else if (body_h >= LAYOUT_LOG_ROWS + LAYOUT_MIN_CONS)
        log_h = LAYOUT_LOG_ROWS;
    else if (body_h >= 3 + LAYOUT_MIN_CONS)
        log_h = 3;
    if (log_h < 2)
        log_h = 0;
    if (log_h)
        out->log = (struct rect){top + body_h - log_h, 0, log_h, left_w};
    int cons_h = body_h - log_h;

    if (in->split && left_w >= 21) {
        int cw = (left_w - 1) / 2;
        out->console = (struct rect){top, 0, cons_h, cw};
        out->split_bar = (struct rect){top, cw, cons_h, 1};
        out->dump = (struct rect){top, cw + 1, cons_h, left_w - cw - 1};
    } else {
        out->console = (struct rect){top, 0, cons_h, left_w};
    }
}

bool rect_contains(const struct rect *r, int y, int x)
{
    return r->h > 0 && r->w > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

void layout_tabstrip(const int *widths, size_t n, size_t focus, int w, struct tabstrip *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    if (focus >= n)
        focus = n - 1;
    long total = 0;
    for (size_t i = 0; i < n; i++)
        total += widths[i] + 1;
    if (total <= w) {
        out->count = n;
        return;
    }
    long avail = w - 2 * LAYOUT_TAB_MARK;
    size_t first = 0;
    for (;;) {
        size_t end = first + 1; /* a page holds at least one tab, clipped if need be */
        long used = widths[first] + 1;
        while (end < n && used + widths[end] + 1 <= avail)
            used += widths[end++] + 1;
        if (focus < end || end == n) {
            out->first = first;
            out->count = end - first;
            break;
        }
        first = end;
    }
    out->more_left = out->first > 0;
    out->more_right = out->first + out->count < n;
    out->x = out->more_left ? LAYOUT_TAB_MARK : 0;
}

void layout_vscroll(int total, int h, int *scroll, struct vscroll *out)
{
    memset(out, 0, sizeof *out);
    if (h < 0)
        h = 0;
    if (total <= h || h < 3) { /* all fits, or no room for markers: the top part */
        *scroll = 0;
        out->rows = total < h ? total : h;
        return;
    }
    int max = total - (h - 1); /* at the bottom: the "above" marker and h-1 lines */
    if (*scroll > max)
        *scroll = max;
    if (*scroll < 0)
        *scroll = 0;
    out->top = *scroll;
    out->above = *scroll > 0;
    out->rows = h - out->above;
    if (out->top + out->rows < total) {
        out->below = true;
        out->rows--;
    }
}
