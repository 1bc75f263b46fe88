/* test_mxprobe.c — the ping matrix's guest command and the reading of its
 * answer (core/mxprobe.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "core/mxprobe.h"

static struct in_addr ip(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static void test_cmd_pings_all_in_parallel(void **state)
{
    (void)state;
    struct in_addr a[3] = {ip("192.168.0.2"), ip("192.168.0.254"), ip("198.51.100.1")};
    char buf[256];
    assert_int_equal(mxprobe_cmd(buf, sizeof buf, a, 3), 0);
    assert_string_equal(buf, "for a in 192.168.0.2 192.168.0.254 198.51.100.1; do (ping -c1 -W1 "
                             "$a >/dev/null 2>&1 && echo ok $a) & done; wait");
}

static void test_cmd_refuses_what_does_not_fit(void **state)
{
    (void)state;
    struct in_addr a[2] = {ip("10.0.0.1"), ip("10.0.0.2")};
    char buf[40];
    assert_int_equal(mxprobe_cmd(buf, sizeof buf, a, 2), -1);
    assert_int_equal(mxprobe_cmd(buf, sizeof buf, a, 0), -1);
}

static void test_answered_exact_lines_only(void **state)
{
    (void)state;
    const char *out = "ok 10.0.0.10\nok 10.0.0.3\nxok 10.0.0.4\nok 10.0.0.5 \nok 10.0.0.6x";
    assert_true(mxprobe_answered(out, ip("10.0.0.10")));
    assert_true(mxprobe_answered(out, ip("10.0.0.3")));
    assert_false(mxprobe_answered(out, ip("10.0.0.1"))); /* a prefix of 10.0.0.10 */
    assert_false(mxprobe_answered(out, ip("10.0.0.4")));
    assert_false(mxprobe_answered(out, ip("10.0.0.5")));
    assert_false(mxprobe_answered(out, ip("10.0.0.6")));
    assert_false(mxprobe_answered("", ip("10.0.0.3")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmd_pings_all_in_parallel),
        cmocka_unit_test(test_cmd_refuses_what_does_not_fit),
        cmocka_unit_test(test_answered_exact_lines_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
