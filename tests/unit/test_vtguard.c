/* test_vtguard.c — the filter in front of libvterm: what it drops and what it
 * must leave alone, whole or cut into pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
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

/* IN through a fresh guard, whole and (unless WHOLE) one byte at a time: both
 * give WANT. */
static void filters_to_as(const char *in, const char *want, bool whole)
{
    for (int bytewise = 0; bytewise < (whole ? 1 : 2); bytewise++) {
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

static void filters_to(const char *in, const char *want)
{
    filters_to_as(in, want, false);
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
    /* term_feed holds back a cut UTF-8 character, so the guard sees it whole */
    filters_to_as("a\xc2\x85"
                  "b\xc2\x9f\xc2\xa9\xc3\x85",
                  "ab\xc2\xa9\xc3\x85", true);
    filters_to_as("\x1b[4h\xc2\x98u", "\x1b[4hu", true);
    /* cut anyway: the continuation byte goes (libvterm shows U+FFFD for the rest) */
    struct vtguard g = {0};
    struct sink s = {.len = 0};
    vtguard_feed(&g, "a\xc2", 2, emit, &s);
    vtguard_feed(&g,
                 "\x85"
                 "b",
                 2, emit, &s);
    assert_string_equal(s.buf, "a\xc2"
                               "b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passes_ordinary_output),
        cmocka_unit_test(test_caps_parameters),
        cmocka_unit_test(test_cancels_rep),
        cmocka_unit_test(test_drops_dcs),
        cmocka_unit_test(test_drops_utf8_c1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
