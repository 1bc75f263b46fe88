/* test_tui_layout.c — where the console's parts go (tui/layout.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tui/layout.h"

static struct layout lay(int rows, int cols, bool side, bool split, bool big)
{
    struct layout_in in = {rows, cols, side, split, big};
    struct layout l;
    layout_compute(&in, &l);
    return l;
}

/* No two shown rects overlap and all stay on the screen. */
static void check_tiling(const struct layout *l, int rows, int cols)
{
    const struct rect *r[] = {&l->tabs, &l->console, &l->dump, &l->side,
                              &l->log,  &l->status,  &l->help, &l->split_bar};
    size_t n = sizeof r / sizeof r[0];
    for (size_t i = 0; i < n; i++) {
        if (r[i]->h <= 0 || r[i]->w <= 0)
            continue;
        assert_true(r[i]->y >= 0 && r[i]->x >= 0);
        assert_true(r[i]->y + r[i]->h <= rows);
        assert_true(r[i]->x + r[i]->w <= cols);
        for (size_t j = i + 1; j < n; j++) {
            if (r[j]->h <= 0 || r[j]->w <= 0)
                continue;
            bool apart = r[i]->x + r[i]->w <= r[j]->x || r[j]->x + r[j]->w <= r[i]->x ||
                         r[i]->y + r[i]->h <= r[j]->y || r[j]->y + r[j]->h <= r[i]->y;
            assert_true(apart);
        }
    }
}

static void test_80x24(void **state)
{
    (void)state;
    struct layout l = lay(24, 80, true, false, false);
    check_tiling(&l, 24, 80);
    assert_int_equal(l.tabs.y, 0);
    assert_int_equal(l.tabs.w, 80);
    assert_int_equal(l.help.y, 23);
    assert_int_equal(l.status.y, 22);
    /* side pane: a third of 80 is below the minimum of 30 */
    assert_int_equal(l.side.w, LAYOUT_SIDE_MIN);
    assert_int_equal(l.side.x, 80 - LAYOUT_SIDE_MIN);
    assert_int_equal(l.side.h, 21);
    assert_int_equal(l.console.w, 80 - LAYOUT_SIDE_MIN);
    assert_int_equal(l.log.h, LAYOUT_LOG_ROWS);
    assert_int_equal(l.console.h, 21 - LAYOUT_LOG_ROWS);
    assert_int_equal(l.log.y, l.console.y + l.console.h);
    assert_int_equal(l.dump.w, 0);
}

static void test_200x50(void **state)
{
    (void)state;
    struct layout l = lay(50, 200, true, false, false);
    check_tiling(&l, 50, 200);
    assert_int_equal(l.side.w, LAYOUT_SIDE_MAX); /* 66 capped at 56 */
    assert_int_equal(l.console.w, 200 - LAYOUT_SIDE_MAX);
    assert_int_equal(l.console.h, 47 - LAYOUT_LOG_ROWS);
    assert_int_equal(l.console.y, 1);
}

static void test_160x48_like_the_e2e_test(void **state)
{
    (void)state;
    struct layout l = lay(48, 160, true, false, false);
    assert_int_equal(l.side.w, 53);
    assert_int_equal(l.console.w, 107);
    l = lay(40, 120, true, false, false);
    assert_int_equal(l.console.h, 31); /* tests/tui/t_lab.sh expects `stty size` 31 80 */
    assert_int_equal(l.console.w, 80);
}

static void test_hidden_side(void **state)
{
    (void)state;
    struct layout l = lay(24, 80, false, false, false);
    check_tiling(&l, 24, 80);
    assert_int_equal(l.side.w, 0);
    assert_int_equal(l.console.w, 80);
    assert_int_equal(l.log.w, 80);
    /* too narrow for a side pane even when asked */
    l = lay(24, 50, true, false, false);
    assert_int_equal(l.side.w, 0);
    assert_int_equal(l.console.w, 50);
}

static void test_split(void **state)
{
    (void)state;
    struct layout l = lay(50, 200, true, true, false);
    check_tiling(&l, 50, 200);
    int left = 200 - LAYOUT_SIDE_MAX;
    assert_int_equal(l.console.w + 1 + l.dump.w, left);
    assert_int_equal(l.split_bar.x, l.console.w);
    assert_int_equal(l.dump.x, l.console.w + 1);
    assert_int_equal(l.dump.h, l.console.h);
    assert_true(l.dump.w - l.console.w <= 1);
    l = lay(24, 80, false, true, false);
    check_tiling(&l, 24, 80);
    assert_int_equal(l.console.w, 39);
    assert_int_equal(l.dump.w, 40);
    /* no room for two terminals: no split */
    l = lay(24, 20, false, true, false);
    assert_int_equal(l.dump.w, 0);
    assert_int_equal(l.console.w, 20);
}

static void test_big_log(void **state)
{
    (void)state;
    struct layout l = lay(24, 80, false, false, true);
    check_tiling(&l, 24, 80);
    assert_int_equal(l.console.h, LAYOUT_MIN_CONS);
    assert_int_equal(l.log.h, 21 - LAYOUT_MIN_CONS);
}

static void test_tiny_screens(void **state)
{
    (void)state;
    for (int rows = 0; rows < 12; rows++)
        for (int cols = 0; cols < 30; cols += 3) {
            struct layout l = lay(rows, cols, true, true, rows & 1);
            int r = rows < 1 ? 1 : rows, c = cols < 1 ? 1 : cols;
            check_tiling(&l, r, c);
            assert_true(l.console.h >= 0 && l.console.w >= 0);
        }
    struct layout l = lay(8, 40, true, false, false);
    assert_int_equal(l.log.h, 0); /* 5 body rows: all for the console */
    assert_int_equal(l.console.h, 5);
}

static void test_contains(void **state)
{
    (void)state;
    struct rect r = {1, 2, 3, 4};
    assert_true(rect_contains(&r, 1, 2));
    assert_true(rect_contains(&r, 3, 5));
    assert_false(rect_contains(&r, 4, 5));
    assert_false(rect_contains(&r, 1, 6));
    struct rect empty = {0, 0, 0, 10};
    assert_false(rect_contains(&empty, 0, 0));
}

/* Labels as the tab bar makes them: " 12:g12 running ". */
static size_t labels(int *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char l[64];
        w[i] = snprintf(l, sizeof l, " %zu:g%zu running ", i + 1, i + 1);
    }
    return n;
}

/* Whatever the focus, it shows; what shows fits beside the markers; the
 * markers say exactly whether tabs are hidden on each side. */
static void check_strip(size_t n, int width)
{
    int w[64];
    labels(w, n);
    long all = 0;
    for (size_t i = 0; i < n; i++)
        all += w[i] + 1;
    size_t prev_first = 0;
    for (size_t focus = 0; focus < n; focus++) {
        struct tabstrip ts;
        layout_tabstrip(w, n, focus, width, &ts);
        assert_true(ts.count >= 1);
        assert_true(focus >= ts.first && focus < ts.first + ts.count);
        assert_int_equal(ts.more_left, ts.first > 0);
        assert_int_equal(ts.more_right, ts.first + ts.count < n);
        assert_int_equal(ts.x, ts.more_left ? LAYOUT_TAB_MARK : 0);
        long used = 0;
        for (size_t i = ts.first; i < ts.first + ts.count; i++)
            used += w[i] + 1;
        if (all <= width) {
            assert_int_equal(ts.first, 0);
            assert_int_equal(ts.count, n);
        } else {
            assert_true(used <= width - 2 * LAYOUT_TAB_MARK);
        }
        /* pages: the bar moves only when the focus leaves the page */
        assert_true(ts.first == prev_first || ts.first == focus);
        prev_first = ts.first;
    }
}

static void test_tabstrip(void **state)
{
    (void)state;
    int w[64];
    struct tabstrip ts;
    /* 1 tab: shown, no markers */
    labels(w, 1);
    layout_tabstrip(w, 1, 0, 80, &ts);
    assert_int_equal(ts.first, 0);
    assert_int_equal(ts.count, 1);
    assert_false(ts.more_left || ts.more_right);
    /* 14 tabs (~16 columns each) in 80: pages, markers */
    labels(w, 14);
    layout_tabstrip(w, 14, 0, 80, &ts);
    assert_int_equal(ts.first, 0);
    assert_false(ts.more_left);
    assert_true(ts.more_right);
    layout_tabstrip(w, 14, 13, 80, &ts);
    assert_true(ts.more_left);
    assert_false(ts.more_right);
    assert_int_equal(ts.first + ts.count, 14);
    layout_tabstrip(w, 14, 6, 120, &ts);
    assert_true(ts.first <= 6 && 6 < ts.first + ts.count);
    size_t sizes[] = {1, 14, 40};
    int widths[] = {80, 120};
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < 2; k++)
            check_strip(sizes[i], widths[k]);
    /* a label wider than the bar still shows (clipped when drawn) */
    int huge[3] = {200, 200, 200};
    layout_tabstrip(huge, 3, 1, 80, &ts);
    assert_int_equal(ts.first, 1);
    assert_int_equal(ts.count, 1);
    assert_true(ts.more_left && ts.more_right);
    /* no tabs */
    layout_tabstrip(w, 0, 0, 80, &ts);
    assert_int_equal(ts.count, 0);
}

static void test_vscroll(void **state)
{
    (void)state;
    struct vscroll vs;
    int scroll = 5;
    layout_vscroll(10, 20, &scroll, &vs); /* all fits: no scrolling */
    assert_int_equal(scroll, 0);
    assert_int_equal(vs.top, 0);
    assert_int_equal(vs.rows, 10);
    assert_false(vs.above || vs.below);

    scroll = 0; /* 50 lines in 20 rows: the top, a marker below */
    layout_vscroll(50, 20, &scroll, &vs);
    assert_int_equal(vs.top, 0);
    assert_int_equal(vs.rows, 19);
    assert_false(vs.above);
    assert_true(vs.below);

    scroll = 10; /* the middle: markers both sides */
    layout_vscroll(50, 20, &scroll, &vs);
    assert_int_equal(vs.top, 10);
    assert_int_equal(vs.rows, 18);
    assert_true(vs.above && vs.below);

    scroll = 1000; /* past the end: clamped so the last line is the last row */
    layout_vscroll(50, 20, &scroll, &vs);
    assert_int_equal(scroll, 31);
    assert_int_equal(vs.top, 31);
    assert_int_equal(vs.rows, 19);
    assert_int_equal(vs.top + vs.rows, 50);
    assert_true(vs.above);
    assert_false(vs.below);

    scroll = -4;
    layout_vscroll(50, 20, &scroll, &vs);
    assert_int_equal(scroll, 0);

    /* every position: lines and markers fill the rows exactly, none lost */
    for (int s = 0; s < 40; s++) {
        scroll = s;
        layout_vscroll(50, 20, &scroll, &vs);
        assert_int_equal(vs.rows + vs.above + vs.below, 20);
        assert_int_equal(vs.above, vs.top > 0);
        assert_int_equal(vs.below, vs.top + vs.rows < 50);
    }

    scroll = 3; /* too small for markers: the top part */
    layout_vscroll(50, 2, &scroll, &vs);
    assert_int_equal(scroll, 0);
    assert_int_equal(vs.rows, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_80x24),
        cmocka_unit_test(test_200x50),
        cmocka_unit_test(test_160x48_like_the_e2e_test),
        cmocka_unit_test(test_hidden_side),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_big_log),
        cmocka_unit_test(test_tiny_screens),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_tabstrip),
        cmocka_unit_test(test_vscroll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
