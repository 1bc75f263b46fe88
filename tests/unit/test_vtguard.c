/* test_vtguard.c — the filter in front of libvterm: what it drops and what it
 * must leave alone, whole or cut into pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pty/vtguard.h"

struct sink {
    char buf[1024];
    size_t len;
};

static void emit(const char *bytes, size_t len, void *ctx)
{
    struct sink *s = ctx;
    assert_true(len > 0);
    assert_true(s->len + len < sizeof s->buf);
    memcpy(s->buf + s->len, bytes, len);
    s->len += len;
    s->buf[s->len] = '\0';
}

/* IN through a fresh guard, whole and then one byte at a time: both give WANT. */
static void filters_to(const char *in, const char *want)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        struct vtguard g = {0};
        struct sink s = {.len = 0};
        size_t n = strlen(in);
        if (bytewise)
            for (size_t i = 0; i < n; i++)
                vtguard_feed(&g, in + i, 1, emit, &s);
        else
            vtguard_feed(&g, in, n, emit, &s);
        assert_string_equal(s.buf, want);
    }
}

static void test_passes_ordinary_output(void **state)
{
    (void)state;
    filters_to("hello \xe4\xb8\xad\r\n", "hello \xe4\xb8\xad\r\n");
    filters_to("\x1b[1;31mred\x1b[0m \x1b[?1049h\x1b[10;20H",
               "\x1b[1;31mred\x1b[0m \x1b[?1049h\x1b[10;20H");
    filters_to("\x1b[38:2::255:0:0m", "\x1b[38:2::255:0:0m");
    filters_to("\x1b]0;title [b]\x07b", "\x1b]0;title [b]\x07b");
    filters_to("\x1b[00000000001A", "\x1b[00000000001A"); /* leading zeros are no risk */
    filters_to("\x1b[?5b\x1b[5 b", "\x1b[?5b\x1b[5 b");   /* not REP */
}

static void test_caps_parameters(void **state)
{
    (void)state;
    filters_to("\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18mX",
               "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16mX");
    filters_to("\x1b[1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17m",
               "\x1b[1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16m");
    filters_to("\x1b[123456789A\x1b[99999;4294967296H", "\x1b[12345A\x1b[99999;42949H");
    /* a new CSI starts counting again; CAN and ESC end the old one */
    filters_to("\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1\x18\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m",
               "\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1\x18\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m");
}

static void test_cancels_rep(void **state)
{
    (void)state;
    filters_to("\x1b[5b", "\x1b[5\x18");
    filters_to("x\x1b[b\x1b[\n3b", "x\x1b[\x18\x1b[\n3\x18"); /* C0 inside a CSI runs in it */
}

static void test_drops_dcs(void **state)
{
    (void)state;
    filters_to("a\x1bP$qx\x1b\\b", "a\x1b\x18"
                                   "b");
    filters_to("a\x1bP1;2|data\x07"
               "b",
               "a\x1b\x18"
               "b");
    filters_to("a\x1bPjunk\x18"
               "b",
               "a\x1b\x18"
               "b");
    /* an ESC that is not ST ends the string and starts what follows */
    filters_to("a\x1bPjunk\x1b[1mb\x1bPx\x1b\x1b\\c", "a\x1b\x18\x1b[1mb\x1b\x18\x1b\x1b\\c");
}

static void test_drops_utf8_c1(void **state)
{
    (void)state;
    filters_to("a\xc2\x85"
               "b\xc2\x9f\xc2\xa9\xc3\x85",
               "ab\xc2\xa9\xc3\x85");
    filters_to("\x1b[4h\xc2\x98u", "\x1b[4hu");
}

/* A character cut short becomes U+FFFD (libvterm overran its array); one cut
 * by the end of a call is passed whole with the next. */
static void test_utf8_cut(void **state)
{
    (void)state;
    filters_to("\xce\rp\r", "\xef\xbf\xbd\rp\r");
    filters_to("\xe4\xb8"
               "a\xf8"
               "b\xce\xce\x91",
               "\xef\xbf\xbd"
               "a\xef\xbf\xbd"
               "b\xef\xbf\xbd\xce\x91");
    filters_to("\xfd\x80\x80\x80\x80\x80z", "\xfd\x80\x80\x80\x80\x80z");
    struct vtguard g = {0};
    struct sink s = {.len = 0};
    vtguard_feed(&g, "x\xe4\xb8", 3, emit, &s);
    assert_string_equal(s.buf, "x");
    vtguard_feed(&g,
                 "\xad"
                 "y",
                 2, emit, &s);
    assert_string_equal(s.buf, "x\xe4\xb8\xad"
                               "y");
    assert_int_equal(g.u8need, 0);
}

/* ESC and "\\" of an OSC's ST always reach libvterm in one write. */
static void test_osc_st_never_cut(void **state)
{
    (void)state;
    filters_to("\x1b]0;t\x1b\\x\x1b]0;\x1b[5b", "\x1b]0;t\x1b\\x\x1b]0;\x1b[5\x18");
    struct vtguard g = {0};
    struct sink s = {.len = 0};
    vtguard_feed(&g, "\x1b]2;title\x1b", 10, emit, &s);
    assert_string_equal(s.buf, "\x1b]2;title");
    size_t before = s.len;
    vtguard_feed(&g, "\\", 1, emit, &s);
    assert_int_equal(s.len, before + 2); /* one run of two bytes */
    assert_string_equal(s.buf + before, "\x1b\\");
    vtguard_feed(&g, "\x1b]0;\x1b", 5, emit, &s);
    vtguard_feed(&g, "P$qx\x1b\\ok", 8, emit, &s); /* a DCS right after: still dropped */
    assert_string_equal(s.buf + before, "\x1b\\\x1b]0;\x1b\x18ok");
    /* a control between ESC and \\ (libvterm: length -1 again) is dropped */
    filters_to("\x1b]0;a\x1b\x19\x01\x7f\\b", "\x1b]0;a\x1b\\b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passes_ordinary_output),
        cmocka_unit_test(test_caps_parameters),
        cmocka_unit_test(test_cancels_rep),
        cmocka_unit_test(test_drops_dcs),
        cmocka_unit_test(test_drops_utf8_c1),
        cmocka_unit_test(test_utf8_cut),
        cmocka_unit_test(test_osc_st_never_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
