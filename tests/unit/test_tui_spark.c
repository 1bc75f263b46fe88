/* test_tui_spark.c — a rate history's sparkline, sizes for humans
 * (tui/spark.c), and the log pane's ring (tui/logring.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tui/spark.h"
#include "tui/logring.h"

static void test_sparkline(void **state)
{
    (void)state;
    struct rate h;
    memset(&h, 0, sizeof h);
    char out[256];
    assert_int_equal(spark_line(&h, 4, out, sizeof out), 4);
    assert_string_equal(out, "    "); /* no history yet: blanks */
    uint64_t c = 0;
    rate_sample(&h, c, 0);
    int rates[] = {0, 1, 7, 14};
    for (int i = 0; i < 4; i++) {
        c += (uint64_t)rates[i];
        rate_sample(&h, c, (i + 1) * 1000);
    }
    spark_line(&h, 4, out, sizeof out);
    /* scaled to the largest; any traffic shows above the floor */
    assert_string_equal(out, "\u2581\u2582\u2585\u2588");
    spark_line(&h, 6, out, sizeof out); /* right-aligned: newest last */
    assert_string_equal(out, "  \u2581\u2582\u2585\u2588");
    spark_line(&h, 2, out, sizeof out); /* only the newest, scaled among them */
    assert_string_equal(out, "\u2585\u2588");
    /* a small buffer is never overrun and stays terminated */
    size_t n = spark_line(&h, 4, out, 5);
    assert_true(n < 5);
    assert_int_equal(out[n], '\0');
    assert_int_equal(spark_line(&h, 0, out, sizeof out), 0);
    assert_string_equal(out, "");
}

static void test_fmt_size(void **state)
{
    (void)state;
    char b[16];
    fmt_size(0, b, sizeof b);
    assert_string_equal(b, "0");
    fmt_size(1023, b, sizeof b);
    assert_string_equal(b, "1023");
    fmt_size(1024, b, sizeof b);
    assert_string_equal(b, "1.0K");
    fmt_size(1536, b, sizeof b);
    assert_string_equal(b, "1.5K");
    fmt_size(500 * 1024, b, sizeof b);
    assert_string_equal(b, "500K");
    fmt_size(3.0 * 1024 * 1024 * 1024, b, sizeof b);
    assert_string_equal(b, "3.0G");
    fmt_size(-5, b, sizeof b);
    assert_string_equal(b, "0");
    fmt_size(1e18, b, sizeof b); /* huge: stays short */
    assert_true(strlen(b) <= 6);
}

static void test_logring(void **state)
{
    (void)state;
    struct logring r;
    assert_int_equal(logring_init(&r, 3), 0);
    assert_null(logring_back(&r, 0));
    logring_add(&r, LOG_INFO, "one");
    logring_add(&r, LOG_ERR, "two\nthree\n"); /* lines split, trailing newline dropped */
    assert_int_equal(r.n, 3);
    assert_string_equal(logring_back(&r, 0)->text, "three");
    assert_int_equal(logring_back(&r, 0)->level, LOG_ERR);
    assert_string_equal(logring_back(&r, 2)->text, "one");
    logring_add(&r, LOG_CMD, "four"); /* the oldest goes */
    assert_int_equal(r.n, 3);
    assert_string_equal(logring_back(&r, 2)->text, "two");
    assert_string_equal(logring_back(&r, 0)->text, "four");
    assert_null(logring_back(&r, 3));
    assert_null(logring_back(&r, -1));
    logring_add(&r, LOG_INFO, ""); /* an empty message is one empty line */
    assert_string_equal(logring_back(&r, 0)->text, "");
    assert_int_equal(r.added, 5);
    for (int i = 0; i < 100; i++) {
        char s[16];
        snprintf(s, sizeof s, "l%d", i);
        logring_add(&r, LOG_INFO, s);
    }
    assert_string_equal(logring_back(&r, 0)->text, "l99");
    assert_string_equal(logring_back(&r, 2)->text, "l97");
    logring_free(&r);
    logring_free(&r); /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sparkline),
        cmocka_unit_test(test_fmt_size),
        cmocka_unit_test(test_logring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
