/* test_out.c — command output: the string buffer, the JSON result builder and
 * the human text side. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/out.h"

/* ---- strbuf ---- */

static void test_sb_append_printf(void **state)
{
    (void)state;
    struct strbuf b = {0};
    assert_string_equal(sb_str(&b), "");
    sb_append(&b, "abc", 3);
    sb_append(&b, "defgh", 2);
    sb_append(&b, "", 0);
    assert_string_equal(sb_str(&b), "abcde");
    assert_int_equal(b.len, 5);
    sb_printf(&b, "[%d|%s]", 42, "x");
    assert_string_equal(sb_str(&b), "abcde[42|x]");

    /* growth well past the first block, and printf output past its stack buffer */
    char big[3000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sb_printf(&b, "<%s>", big);
    assert_int_equal(b.len, 11 + 2 + sizeof big - 1);
    assert_true(b.cap > b.len);
    assert_int_equal(b.s[b.len], '\0');
    assert_memory_equal(b.s + 11, "<qqq", 4);
    assert_string_equal(b.s + b.len - 3, "qq>");
    assert_false(b.oom);
    for (int i = 0; i < 1000; i++)
        sb_append(&b, "0123456789", 10);
    assert_int_equal(b.len, 11 + 2 + sizeof big - 1 + 10000);
    assert_int_equal(strlen(sb_str(&b)), b.len);

    sb_free(&b);
    assert_null(b.s);
    assert_int_equal(b.len, 0);
    assert_string_equal(sb_str(&b), "");
}

/* ---- json_escape ---- */

static void escaped_is(const char *in, const char *want)
{
    struct strbuf b = {0};
    json_escape(&b, in);
    if (strcmp(sb_str(&b), want) != 0)
        fail_msg("json_escape: got %s, want %s", sb_str(&b), want);
    sb_free(&b);
}

static void test_json_escape(void **state)
{
    (void)state;
    escaped_is("", "\"\"");
    escaped_is("plain text", "\"plain text\"");
    escaped_is("say \"hi\"", "\"say \\\"hi\\\"\"");
    escaped_is("C:\\dir", "\"C:\\\\dir\"");
    escaped_is("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
    escaped_is("\x01\x1f\x1b[0m", "\"\\u0001\\u001f\\u001b[0m\"");
    escaped_is("\b\f", "\"\\u0008\\u000c\"");
    /* DEL is escaped too; UTF-8 passes as it is; '/' needs no escape */
    escaped_is("\x7f", "\"\\u007f\"");
    escaped_is("caf\xc3\xa9 / \xe2\x9c\x93", "\"caf\xc3\xa9 / \xe2\x9c\x93\"");
}

static void escaped_n_is(const char *in, size_t n, const char *want)
{
    struct strbuf b = {0};
    json_escape_n(&b, in, n);
    assert_string_equal(sb_str(&b), want);
    sb_free(&b);
}

/* Invalid UTF-8 becomes U+FFFD (one per maximal invalid prefix), valid
 * sequences of every length pass, NUL is data when the length says so. */
static void test_json_escape_invalid_utf8(void **state)
{
    (void)state;
    escaped_is("a\x80"
               "b",
               "\"a\\ufffdb\"");                                        /* lone continuation */
    escaped_is("\xff\xfe", "\"\\ufffd\\ufffd\"");                       /* never valid */
    escaped_is("\xc0\x80", "\"\\ufffd\\ufffd\"");                       /* overlong NUL */
    escaped_is("\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"");            /* overlong */
    escaped_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");            /* surrogate */
    escaped_is("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
    escaped_is("\xe2\x9cx", "\"\\ufffdx\"");                            /* cut short */
    escaped_is("\xe2\x9c", "\"\\ufffd\"");                              /* cut by the end */
    escaped_is("\xf0\x9f\x98\x80!", "\"\xf0\x9f\x98\x80!\"");           /* U+1F600 */
    escaped_is("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");                     /* U+FFFD itself */
    escaped_n_is("a\0"
                 "b\0",
                 4, "\"a\\u0000b\\u0000\"");
    escaped_n_is("abc", 0, "\"\"");
}

/* A minimal JSON string checker, independent of the escaper: printable
 * ASCII or valid UTF-8 (mbrtowc in C.UTF-8), and only JSON's escapes. */
static bool valid_json_string(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return false;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (size_t i = 1; i < n - 1;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '"')
            return false;
        if (c == '\\') {
            char x = s[i + 1];
            if (x == 'u') {
                for (int k = 2; k < 6; k++)
                    if (!isxdigit((unsigned char)s[i + k]))
                        return false;
                i += 6;
            } else if (strchr("\"\\/bfnrt", x) && x) {
                i += 2;
            } else {
                return false;
            }
            continue;
        }
        wchar_t wc;
        size_t len = mbrtowc(&wc, s + i, n - 1 - i, &st);
        if (len == (size_t)-1 || len == (size_t)-2 || len == 0)
            return false;
        if (wc >= 0xD800 && wc <= 0xDFFF)
            return false;
        i += len;
    }
    return true;
}

static void test_json_escape_random_bytes(void **state)
{
    (void)state;
    assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
    srand(11);
    for (int round = 0; round < 2000; round++) {
        char in[64];
        size_t n = (size_t)(rand() % (int)sizeof in);
        for (size_t i = 0; i < n; i++)
            in[i] = (char)(rand() % 256);
        struct strbuf b = {0};
        json_escape_n(&b, in, n);
        assert_false(b.oom);
        assert_int_equal(strlen(sb_str(&b)), b.len); /* no raw NUL */
        if (!valid_json_string(sb_str(&b)))
            fail_msg("invalid JSON for round %d: %s", round, sb_str(&b));
        sb_free(&b);
    }
}

/* ---- the JSON result ---- */

static void test_empty_result(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    assert_string_equal(out_json_result(&o), "{}");
    assert_string_equal(out_json_result(&o), "{}");
    out_free(&o);
}

static void test_scalars(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    out_str(&o, "name", NULL, "g1");
    out_str(&o, "nothing", NULL, NULL);
    out_int(&o, "neg", NULL, -5);
    out_int(&o, "min", NULL, LLONG_MIN);
    out_uint(&o, "max", NULL, ULLONG_MAX);
    out_double(&o, "secs", NULL, 1.5);
    out_double(&o, "small", NULL, -0.0004);
    out_bool(&o, "yes", NULL, true);
    out_bool(&o, "no", NULL, false);
    assert_string_equal(out_json_result(&o), "{\"name\":\"g1\",\"nothing\":null,\"neg\":-5,"
                                             "\"min\":-9223372036854775808,"
                                             "\"max\":18446744073709551615,\"secs\":1.500,"
                                             "\"small\":-0.000,\"yes\":true,\"no\":false}");
    /* asking again gives the same, unchanged */
    assert_string_equal(out_json_result(&o), "{\"name\":\"g1\",\"nothing\":null,\"neg\":-5,"
                                             "\"min\":-9223372036854775808,"
                                             "\"max\":18446744073709551615,\"secs\":1.500,"
                                             "\"small\":-0.000,\"yes\":true,\"no\":false}");
    out_free(&o);
}

static void test_nested(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    out_str(&o, "lab", NULL, "l1");
    out_arr_begin(&o, "guests");
    out_obj_begin(&o, NULL);
    out_str(&o, "name", NULL, "g1");
    out_arr_begin(&o, "addrs");
    out_str(&o, NULL, NULL, "10.0.0.1");
    out_str(&o, NULL, NULL, "10.0.0.2");
    out_arr_end(&o);
    out_obj_end(&o);
    out_obj_begin(&o, NULL);
    out_obj_end(&o);
    out_int(&o, NULL, NULL, 3);
    out_arr_begin(&o, NULL);
    out_arr_end(&o);
    out_arr_end(&o);
    out_obj_begin(&o, "empty");
    out_obj_end(&o);
    out_arr_begin(&o, "none");
    out_arr_end(&o);
    out_bool(&o, "done", NULL, true);
    assert_string_equal(out_json_result(&o),
                        "{\"lab\":\"l1\",\"guests\":[{\"name\":\"g1\",\"addrs\":[\"10.0.0.1\","
                        "\"10.0.0.2\"]},{},3,[]],\"empty\":{},\"none\":[],\"done\":true}");
    out_free(&o);
}

static void test_first_call_nested(void **state)
{
    (void)state;
    /* the implicit outer object opens for a nested first value too */
    struct out o;
    out_init(&o);
    out_arr_begin(&o, "a");
    out_arr_end(&o);
    assert_string_equal(out_json_result(&o), "{\"a\":[]}");
    out_free(&o);
}

static void test_escaped_keys_and_values(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    out_str(&o, "q\"k", NULL, "v\"al\\ue\n");
    out_str(&o, "ctl", NULL, "\x02");
    assert_string_equal(out_json_result(&o),
                        "{\"q\\\"k\":\"v\\\"al\\\\ue\\n\",\"ctl\":\"\\u0002\"}");
    out_free(&o);
}

static void test_result_closes_what_is_open(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    out_obj_begin(&o, "x");
    out_arr_begin(&o, "y");
    out_int(&o, NULL, NULL, 1);
    out_obj_begin(&o, NULL);
    out_str(&o, "half", NULL, "done");
    /* the command failed here */
    assert_string_equal(out_json_result(&o), "{\"x\":{\"y\":[1,{\"half\":\"done\"}]}}");
    assert_string_equal(out_json_result(&o), "{\"x\":{\"y\":[1,{\"half\":\"done\"}]}}");
    out_free(&o);
}

static void test_extra_end_ignored(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    out_obj_end(&o); /* nothing open yet */
    out_arr_end(&o);
    out_int(&o, "a", NULL, 1);
    out_arr_end(&o); /* only the implicit outer object is open */
    out_obj_end(&o);
    out_int(&o, "b", NULL, 2);
    assert_string_equal(out_json_result(&o), "{\"a\":1,\"b\":2}");
    out_free(&o);
}

/* Opens LEVELS containers below the outer object, alternating array/object. */
static void open_levels(struct out *o, int levels, char *want, size_t wantsz)
{
    snprintf(want, wantsz, "{");
    for (int i = 0; i < levels; i++) {
        /* the key comes from the parent: the outer object, an object or an array */
        const char *key = i == 0 ? "a" : (i % 2 ? NULL : "o");
        if (key)
            snprintf(want + strlen(want), wantsz - strlen(want), "\"%s\":", key);
        if (i % 2) {
            out_obj_begin(o, key);
            strcat(want, "{");
        } else {
            out_arr_begin(o, key);
            strcat(want, "[");
        }
    }
    if (levels % 2) {
        out_int(o, NULL, NULL, 7); /* innermost is an array */
        strcat(want, "7");
    } else {
        out_int(o, "k", NULL, 7);
        strcat(want, "\"k\":7");
    }
}

static void close_levels(int levels, char *want)
{
    for (int i = levels - 1; i >= 0; i--)
        strcat(want, i % 2 ? "}" : "]");
    strcat(want, "}");
}

static void test_deep_nesting_within_limit(void **state)
{
    (void)state;
    /* the outer object plus OUT_MAX_DEPTH - 2 nested levels fit */
    for (int levels = 1; levels <= OUT_MAX_DEPTH - 2; levels++) {
        char want[512];
        struct out o;

        /* closed one by one */
        out_init(&o);
        open_levels(&o, levels, want, sizeof want);
        for (int i = levels - 1; i >= 0; i--) {
            if (i % 2)
                out_obj_end(&o);
            else
                out_arr_end(&o);
        }
        out_bool(&o, "after", NULL, true);
        close_levels(levels, want);
        want[strlen(want) - 1] = '\0';
        strcat(want, ",\"after\":true}");
        assert_string_equal(out_json_result(&o), want);
        out_free(&o);

        /* left open: the result closes them all */
        out_init(&o);
        open_levels(&o, levels, want, sizeof want);
        close_levels(levels, want);
        assert_string_equal(out_json_result(&o), want);
        out_free(&o);
    }
}

static void test_large_values(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    char *big = malloc(5000);
    assert_non_null(big);
    memset(big, 'v', 4999);
    big[4999] = '\0';
    out_str(&o, "big", NULL, big);
    const char *r = out_json_result(&o);
    assert_int_equal(strlen(r), 4999 + strlen("{\"big\":\"\"}"));
    assert_memory_equal(r, "{\"big\":\"vvv", 11);
    assert_string_equal(r + strlen(r) - 4, "vv\"}");
    free(big);
    out_free(&o);
}

/* ---- the text side ---- */

static void test_text(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    out_printf(&o, "lab %s: %d guest(s)\n", "l1", 2);
    out_printf(&o, "%-5s|%5s|\n", "ab", "cd");
    out_int(&o, "guests", NULL, 2);
    assert_string_equal(sb_str(&o.text), "lab l1: 2 guest(s)\nab   |   cd|\n");
    /* the two sides stay apart */
    assert_string_equal(out_json_result(&o), "{\"guests\":2}");
    assert_null(strstr(sb_str(&o.text), "guests\""));
    out_free(&o);
    assert_null(o.text.s);
    assert_null(o.json.s);
}

/* One call per field: the value into the JSON, through the format into the
 * text; no format, no text. */
static void test_fields(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    out_str(&o, "name", "%-4s|", "g1");
    out_str(&o, "addr", "%s|", NULL);
    out_str(&o, "quiet", NULL, "json only");
    out_int(&o, "n", "%lld|", -3);
    out_uint(&o, "bytes", "%5llu|", 1234);
    out_double(&o, "secs", "%.1f|", 2.26);
    out_bool(&o, "nat", "NAT %s|", true);
    out_bool(&o, "arp", "%s\n", false);
    assert_string_equal(sb_str(&o.text), "g1  |-|-3| 1234|2.3|NAT on|off\n");
    assert_string_equal(out_json_result(&o),
                        "{\"name\":\"g1\",\"addr\":null,\"quiet\":\"json only\",\"n\":-3,"
                        "\"bytes\":1234,\"secs\":2.260,\"nat\":true,\"arp\":false}");
    out_free(&o);
}

struct progress_log {
    int calls;
    char last[2048];
};

static void on_progress(void *ctx, const char *line)
{
    struct progress_log *p = ctx;
    p->calls++;
    snprintf(p->last, sizeof p->last, "%s", line);
}

static void test_progress_and_reset(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    out_progress(&o, "nobody listens %d", 1); /* no callback: nothing happens */
    assert_string_equal(sb_str(&o.text), "");

    struct progress_log log = {0};
    o.progress = on_progress;
    o.progress_ctx = &log;
    out_progress(&o, "booting %s...", "g1");
    assert_int_equal(log.calls, 1);
    assert_string_equal(log.last, "booting g1...");
    /* progress is not part of the text */
    assert_string_equal(sb_str(&o.text), "");

    out_printf(&o, "text\n");
    out_str(&o, "k", NULL, "v");
    assert_string_equal(out_json_result(&o), "{\"k\":\"v\"}");
    out_reset(&o);
    assert_string_equal(sb_str(&o.text), "");
    assert_string_equal(out_json_result(&o), "{}");
    assert_ptr_equal(o.progress, on_progress);
    assert_ptr_equal(o.progress_ctx, &log);

    /* usable again after reset */
    out_int(&o, "n", NULL, 1);
    assert_string_equal(out_json_result(&o), "{\"n\":1}");
    out_progress(&o, "again");
    assert_int_equal(log.calls, 2);
    out_free(&o);
}

/* Text of any length is kept whole (a `screen` or `host` output of many KiB). */
static void test_text_not_cut(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    size_t n = 20000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'z', n);
    big[n] = '\0';
    out_printf(&o, "%s\n", big);
    assert_int_equal(o.text.len, n + 1);
    assert_int_equal(o.text.s[n], '\n');
    out_write(&o, "a\0b", 3);
    assert_int_equal(o.text.len, n + 4);
    assert_memory_equal(o.text.s + n + 1, "a\0b", 3);
    out_strn(&o, "bin", "x\0y", 3);
    assert_string_equal(out_json_result(&o), "{\"bin\":\"x\\u0000y\"}");
    free(big);
    out_free(&o);
}

/* Progress lines are kept for --json's "log" array, escaped, without a callback
 * too, and cleared by out_reset. */
static void test_progress_log(void **state)
{
    (void)state;
    struct out o;
    out_init(&o);
    struct strbuf b = {0};
    out_json_log(&o, &b);
    assert_string_equal(sb_str(&b), "[]");
    sb_free(&b);
    out_progress(&o, "g1: booting on %s", "tap0");
    out_progress(&o, "g1: typed '%s' at \"login:\"", "root");
    b = (struct strbuf){0};
    out_json_log(&o, &b);
    assert_string_equal(sb_str(&b),
                        "[\"g1: booting on tap0\",\"g1: typed 'root' at \\\"login:\\\"\"]");
    sb_free(&b);
    out_reset(&o);
    assert_int_equal(o.log.len, 0);
    out_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sb_append_printf),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_json_escape_invalid_utf8),
        cmocka_unit_test(test_json_escape_random_bytes),
        cmocka_unit_test(test_text_not_cut),
        cmocka_unit_test(test_empty_result),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_first_call_nested),
        cmocka_unit_test(test_escaped_keys_and_values),
        cmocka_unit_test(test_result_closes_what_is_open),
        cmocka_unit_test(test_extra_end_ignored),
        cmocka_unit_test(test_deep_nesting_within_limit),
        cmocka_unit_test(test_large_values),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_progress_and_reset),
        cmocka_unit_test(test_progress_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
