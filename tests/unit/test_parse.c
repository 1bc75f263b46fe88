/* test_parse.c — checked parsing: integers, seconds, file paths from the
 * user, and the ping summary a (possibly hostile) guest prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/parse.h"
#include "core/ping_parse.h"

static void test_parse_long(void **state)
{
    (void)state;
    long v = -7;
    assert_int_equal(parse_long("42", 1, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_long("-3", -5, 5, &v), 0);
    assert_int_equal(v, -3);
    const char *bad[] = {"",
                         " 5",
                         "5 ",
                         "5x",
                         "x",
                         "nan",
                         "0x10",
                         "101",
                         "0",
                         "99999999999999999999999",
                         "-99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = -7;
        if (parse_long(bad[i], 1, 100, &v) == 0)
            fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(v, -7); /* untouched on failure */
    }
    assert_int_equal(parse_long(NULL, 1, 100, &v), -1);
}

static void test_parse_seconds(void **state)
{
    (void)state;
    int ms = -1;
    assert_int_equal(parse_seconds("0.5", 0.001, 3600, &ms), 0);
    assert_int_equal(ms, 500);
    assert_int_equal(parse_seconds("3600", 0.001, 3600, &ms), 0);
    assert_int_equal(ms, 3600000);
    assert_int_equal(parse_seconds("5", 0.001, 3600, &ms), 0);
    assert_int_equal(ms, 5000);
    const char *bad[] = {"nan",
                         "NAN",
                         "inf",
                         "-inf",
                         "infinity",
                         "-1",
                         "0",
                         "3600.5",
                         "1e3",
                         "0x10",
                         " 1",
                         "1 ",
                         "",
                         ".",
                         "1..2",
                         "+1",
                         "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ms = -1;
        if (parse_seconds(bad[i], 0.001, 3600, &ms) == 0)
            fail_msg("accepted '%s' (%d ms)", bad[i], ms);
        assert_int_equal(ms, -1);
    }
}

static void test_parse_decimal(void **state)
{
    (void)state;
    double v = -1;
    assert_int_equal(parse_decimal("10", 0, 100, &v), 0);
    assert_true(v == 10.0);
    assert_int_equal(parse_decimal("0.5", 0, 100, &v), 0);
    assert_true(v == 0.5);
    assert_int_equal(parse_decimal("100", 0, 100, &v), 0);
    assert_int_equal(parse_decimal("0", 0, 100, &v), 0);
    assert_int_equal(parse_decimal(".25", 0, 100, &v), 0);
    assert_true(v == 0.25);
    const char *bad[] = {"nan", "inf", "-1", "100.01", "1e1", "0x1", " 1",
                         "1 ",  "",    ".",  "1..2",   "+1",  "1%",  "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = -7;
        if (parse_decimal(bad[i], 0, 100, &v) == 0)
            fail_msg("accepted '%s' (%g)", bad[i], v);
        assert_true(v == -7); /* untouched on failure */
    }
    assert_int_equal(parse_decimal(NULL, 0, 100, &v), -1);
}

static void test_parse_count_prefix(void **state)
{
    (void)state;
    long v;
    const char *end;
    assert_int_equal(parse_count_prefix("123 packets", 1000, &v, &end), 0);
    assert_int_equal(v, 123);
    assert_string_equal(end, " packets");
    assert_int_equal(parse_count_prefix("1000", 1000, &v, NULL), 0);
    assert_int_equal(parse_count_prefix("1001", 1000, &v, NULL), -1);
    assert_int_equal(parse_count_prefix("-1", 1000, &v, NULL), -1);
    assert_int_equal(parse_count_prefix("", 1000, &v, NULL), -1);
    assert_int_equal(parse_count_prefix("99999999999999999999999999", LONG_MAX, &v, NULL), -1);
    assert_int_equal(parse_count_prefix("9223372036854775807", LONG_MAX, &v, NULL), 0);
    assert_true(v == LONG_MAX);
    assert_int_equal(parse_count_prefix("9223372036854775808", LONG_MAX, &v, NULL), -1);
}

static void test_parse_file_path(void **state)
{
    (void)state;
    char dir[] = "/tmp/umlab-test-parse-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cwd[PATH_MAX], file[PATH_MAX + 32], out[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(file, sizeof file, "%s/kernel", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chdir(dir), 0);
    struct err e;
    /* relative, with or without a slash: made absolute */
    assert_int_equal(parse_file_path("--kernel", "kernel", out, sizeof out, &e), 0);
    assert_string_equal(out, file);
    assert_int_equal(parse_file_path("--kernel", "./kernel", out, sizeof out, &e), 0);
    assert_string_equal(out, file);
    /* a bare name is never searched on PATH */
    assert_int_equal(parse_file_path("--kernel", "sh", out, sizeof out, &e), -1);
    assert_non_null(strstr(e.msg, "--kernel 'sh'"));
    assert_int_equal(parse_file_path("--rootfs", "nosuch.ext2", out, sizeof out, &e), -1);
    assert_int_equal(parse_file_path("--rootfs", ".", out, sizeof out, &e), -1);
    assert_non_null(strstr(e.msg, "not a regular file"));
    assert_int_equal(parse_file_path("--rootfs", "", out, sizeof out, &e), -1);
    char tiny[8];
    assert_int_equal(parse_file_path("--kernel", "kernel", tiny, sizeof tiny, &e), -1);
    assert_int_equal(chdir(cwd), 0);
    unlink(file);
    rmdir(dir);
}

static void test_ping_summary(void **state)
{
    (void)state;
    struct ping_result r;
    const char *bb = "PING 192.168.0.2 (192.168.0.2): 56 data bytes\n"
                     "--- 192.168.0.2 ping statistics ---\n"
                     "3 packets transmitted, 2 packets received, 33% packet loss\n"
                     "round-trip min/avg/max = 0.120/0.250/0.400 ms\n";
    assert_int_equal(ping_parse_summary(bb, &r), 0);
    assert_int_equal(r.sent, 3);
    assert_int_equal(r.received, 2);
    assert_int_equal(r.loss, 33);
    assert_true(r.have_rtt);
    assert_true(r.max > 0.39 && r.max < 0.41);

    const char *none = "10 packets transmitted, 0 received, 100% packet loss\n";
    assert_int_equal(ping_parse_summary(none, &r), 0);
    assert_int_equal(r.loss, 100);
    assert_false(r.have_rtt);

    /* a guest printing its own "summary": nothing overflows, nothing is believed */
    const char *bad[] = {
        "99999999999999999999999 packets transmitted, 1 packets received\n",
        "9223372036854775807 packets transmitted, 0 packets received\n",
        "3 packets transmitted, 99999999999999999999 packets received\n",
        "3 packets transmitted, 4 packets received\n",
        "3 packets transmitted, -1 packets received\n",
        " packets transmitted, 1 packets received\n",
        "no summary here\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ping_parse_summary(bad[i], &r) == 0)
            fail_msg("believed: %s", bad[i]);

    const char *nanrtt = "1 packets transmitted, 1 packets received\n"
                         "round-trip min/avg/max = nan/inf/-1 ms\n";
    assert_int_equal(ping_parse_summary(nanrtt, &r), 0);
    assert_false(r.have_rtt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_long),      cmocka_unit_test(test_parse_seconds),
        cmocka_unit_test(test_parse_decimal),   cmocka_unit_test(test_parse_count_prefix),
        cmocka_unit_test(test_parse_file_path), cmocka_unit_test(test_ping_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
