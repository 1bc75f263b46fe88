/* test_tui_cellmap.c — terminal cells to curses colours and attributes
 * (tui/cellmap.c): no screen needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tui/cellmap.h"

static struct term_color idx(uint8_t i)
{
    struct term_color c = {.kind = TERM_COLOR_INDEX, .index = i};
    return c;
}

static struct term_color rgb(uint8_t r, uint8_t g, uint8_t b)
{
    struct term_color c = {.kind = TERM_COLOR_RGB, .r = r, .g = g, .b = b};
    return c;
}

static void test_default_is_minus_one(void **state)
{
    (void)state;
    struct term_color d = {.kind = TERM_COLOR_DEFAULT};
    assert_int_equal(cellmap_color(&d, 256), -1);
    assert_int_equal(cellmap_color(&d, 8), -1);
    /* a monochrome terminal draws everything in the default colours */
    struct term_color red = idx(1);
    assert_int_equal(cellmap_color(&red, 2), -1);
}

static void test_palette(void **state)
{
    (void)state;
    uint8_t r, g, b;
    cellmap_palette_rgb(1, &r, &g, &b);
    assert_int_equal(r, 205);
    assert_int_equal(g, 0);
    cellmap_palette_rgb(16, &r, &g, &b); /* cube origin */
    assert_int_equal(r + g + b, 0);
    cellmap_palette_rgb(196, &r, &g, &b); /* 16 + 36*5: pure red */
    assert_int_equal(r, 255);
    assert_int_equal(g, 0);
    assert_int_equal(b, 0);
    cellmap_palette_rgb(232, &r, &g, &b); /* first grey */
    assert_int_equal(r, 8);
    cellmap_palette_rgb(255, &r, &g, &b);
    assert_int_equal(r, 238);
    assert_int_equal(b, 238);
}

static void test_index_colours(void **state)
{
    (void)state;
    struct term_color c = idx(5);
    assert_int_equal(cellmap_color(&c, 8), 5);
    assert_int_equal(cellmap_color(&c, 256), 5);
    c = idx(12); /* bright blue: its dark sibling on 8 colours */
    assert_int_equal(cellmap_color(&c, 8), 4);
    assert_int_equal(cellmap_color(&c, 16), 12);
    c = idx(196); /* cube red: kept on 256, nearest base colour below */
    assert_int_equal(cellmap_color(&c, 256), 196);
    assert_int_equal(cellmap_color(&c, 16), 9);
    assert_int_equal(cellmap_color(&c, 8), 1);
    c = idx(244); /* a mid grey */
    assert_int_equal(cellmap_color(&c, 256), 244);
    int g16 = cellmap_color(&c, 16);
    assert_true(g16 == 8 || g16 == 7);
}

static void test_rgb_colours(void **state)
{
    (void)state;
    struct term_color c = rgb(255, 0, 0);
    assert_int_equal(cellmap_color(&c, 256), 196);
    assert_int_equal(cellmap_color(&c, 16), 9);
    assert_int_equal(cellmap_color(&c, 8), 1);
    c = rgb(0, 0, 0);
    assert_int_equal(cellmap_color(&c, 256), 16);
    assert_int_equal(cellmap_color(&c, 8), 0);
    c = rgb(128, 128, 128); /* greys go to the grey ramp, not the cube */
    int g = cellmap_color(&c, 256);
    assert_true(g >= 232 && g <= 255);
    c = rgb(255, 255, 255);
    assert_int_equal(cellmap_color(&c, 256), 231);
    assert_int_equal(cellmap_color(&c, 16), 15);
    c = rgb(0, 135, 175); /* exactly a cube colour: 16 + 36*0 + 6*2 + 3 */
    assert_int_equal(cellmap_color(&c, 256), 31);
    /* every result stays inside the palette the terminal has */
    for (int v = 0; v < 256; v += 5) {
        struct term_color x = rgb((uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v / 2));
        int n8 = cellmap_color(&x, 8), n256 = cellmap_color(&x, 256);
        assert_true(n8 >= 0 && n8 < 8);
        assert_true(n256 >= 16 && n256 < 256);
    }
}

static void test_attrs(void **state)
{
    (void)state;
    struct term_cell c;
    memset(&c, 0, sizeof c);
    assert_int_equal(cellmap_attrs(&c), A_NORMAL);
    c.bold = true;
    c.underline = true;
    assert_int_equal(cellmap_attrs(&c), A_BOLD | A_UNDERLINE);
    memset(&c, 0, sizeof c);
    c.reverse = true;
    c.italic = true;
    c.blink = true;
    c.strike = true; /* curses has no strike-through: ignored */
    assert_int_equal(cellmap_attrs(&c), A_REVERSE | A_ITALIC | A_BLINK);
}

static void test_chars(void **state)
{
    (void)state;
    struct term_cell c;
    wchar_t w[CCHARW_MAX + 1];
    memset(&c, 0, sizeof c);
    c.width = 1;
    cellmap_chars(&c, w);
    assert_true(w[0] == L' ' && w[1] == 0); /* blank */
    c.ch[0] = 'e';
    c.ch[1] = 0x301; /* combining acute */
    cellmap_chars(&c, w);
    assert_true(w[0] == L'e' && w[1] == 0x301 && w[2] == 0);
    memset(&c, 0, sizeof c);
    c.ch[0] = 0x4e2d; /* a wide CJK character */
    c.width = 2;
    cellmap_chars(&c, w);
    assert_true(w[0] == 0x4e2d && w[1] == 0);
    c.ch[0] = 0x1b; /* a control character never reaches curses */
    cellmap_chars(&c, w);
    assert_true(w[0] == L'?');
    c.ch[0] = 0xd800; /* a surrogate is not a character */
    cellmap_chars(&c, w);
    assert_true(w[0] == L'?');
    /* more combining marks than a cchar_t holds are cut, never overflow */
    memset(&c, 0, sizeof c);
    c.ch[0] = 'a';
    for (int i = 1; i < 6; i++)
        c.ch[i] = 0x300 + (uint32_t)i;
    cellmap_chars(&c, w);
    int n = 0;
    while (w[n])
        n++;
    assert_true(n <= CCHARW_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_minus_one),
        cmocka_unit_test(test_palette),
        cmocka_unit_test(test_index_colours),
        cmocka_unit_test(test_rgb_colours),
        cmocka_unit_test(test_attrs),
        cmocka_unit_test(test_chars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
