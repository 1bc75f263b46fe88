/* layout.h — where each part of the screen goes. Pure arithmetic (unit-tested).
 *
 *   row 0          tab bar
 *   rows 1..R-3    console [| tcpdump]  |  side pane (counters, host, rules)
 *                  log pane (under the console)
 *   row R-2        status line / prompt
 *   row R-1        function-key help bar
 */
#ifndef UMLAB_LAYOUT_H
#define UMLAB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

struct rect {
    int y, x, h, w; /* h or w 0: not shown */
};

struct layout_in {
    int rows, cols;
    bool side;    /* the side pane is wanted */
    bool split;   /* console | tcpdump */
    bool log_big; /* the log pane takes most of the left column */
};

struct layout {
    struct rect tabs, console, dump, side, log, status, help;
    /* the vertical bar between console and tcpdump (w 1 when split) */
    struct rect split_bar;
};

#define LAYOUT_SIDE_MIN 30
#define LAYOUT_SIDE_MAX 56
#define LAYOUT_LOG_ROWS 6 /* including its title line */
#define LAYOUT_MIN_CONS 4 /* console rows kept before the log pane shrinks */

void layout_compute(const struct layout_in *in, struct layout *out);

/* The tab bar when the labels do not all fit: the tabs go in pages, and the
 * page with the focused tab shows, with "< " and " >" marking hidden ones
 * (LAYOUT_TAB_MARK columns kept for each). Each label takes its width plus
 * one column for the separator. Paging (rather than scrolling by one) keeps
 * the bar still while the focus moves within a page. */
#define LAYOUT_TAB_MARK 2
struct tabstrip {
    size_t first, count; /* tabs first .. first+count-1 show */
    int x;               /* where the first one starts */
    bool more_left, more_right;
};
void layout_tabstrip(const int *widths, size_t n, size_t focus, int w, struct tabstrip *out);

/* A pane of TOTAL lines in H rows, scrolled down by *SCROLL lines (clamped
 * here). A marker row takes the top when lines are hidden above, the bottom
 * when lines are hidden below: lines top .. top+rows-1 fill the rest. */
struct vscroll {
    int top, rows;
    bool above, below;
};
void layout_vscroll(int total, int h, int *scroll, struct vscroll *out);

/* True when (Y, X) is inside R. */
bool rect_contains(const struct rect *r, int y, int x);

#endif
