/* test_fwdshare.c — the forwarding registry's saved originals (core/fwdshare.c)
 * and which sysctls count as forwarding ones (netcfg/sysctl.c). Pure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/fwdshare.h"
#include "netcfg/sysctl.h"

static void test_forward_keys(void **state)
{
    (void)state;
    assert_true(sysctl_is_forward_key("net/ipv4/ip_forward"));
    assert_true(sysctl_is_forward_key("net/ipv4/conf/all/accept_redirects"));
    assert_true(sysctl_is_forward_key("net/ipv4/conf/default/forwarding"));
    assert_true(sysctl_is_forward_key("net/ipv4/conf/eth0.100/forwarding"));
    assert_false(sysctl_is_forward_key("net/ipv4/conf/eth0/proxy_arp"));
    assert_false(sysctl_is_forward_key("net/ipv4/conf/../forwarding"));
    assert_false(sysctl_is_forward_key("net/ipv4/conf//forwarding"));
    assert_false(sysctl_is_forward_key("net/ipv4/conf/a/b/forwarding"));
    assert_false(sysctl_is_forward_key("net/ipv4/conf/abcdefghijklmnopq/forwarding"));
    assert_false(sysctl_is_forward_key("kernel/core_pattern"));
    assert_false(sysctl_is_forward_key("net/ipv4/conf/eth0/accept_redirects"));
}

static void test_parse(void **state)
{
    (void)state;
    struct fwd_saved s;
    struct err e = {""};
    assert_int_equal(fwdshare_parse("net/ipv4/conf/all/accept_redirects 0\n"
                                    "net/ipv4/conf/lo/forwarding 1\n"
                                    "net/ipv4/ip_forward 0\n",
                                    &s, &e),
                     0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.v[1].key, "net/ipv4/conf/lo/forwarding");
    assert_string_equal(s.v[1].val, "1");
    assert_string_equal(s.v[2].key, "net/ipv4/ip_forward");
    fwdshare_saved_free(&s);

    static const char *const bad[] = {
        "",                                                       /* no ip_forward */
        "net/ipv4/conf/lo/forwarding 1\n",                        /* no ip_forward */
        "net/ipv4/ip_forward 0\nnet/ipv4/conf/lo/forwarding 1\n", /* not last */
        "kernel/core_pattern |/tmp/x\nnet/ipv4/ip_forward 0\n",   /* not ours */
        "net/ipv4/ip_forward 1; reboot\n",
        "net/ipv4/ip_forward\n",
        "net/ipv4/ip_forward 00000000000000000000\n",
        "net/ipv4/conf/../../../kernel/x/forwarding 1\nnet/ipv4/ip_forward 0\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (fwdshare_parse(bad[i], &s, &e) != -1)
            fail_msg("accepted: %s", bad[i]);
        assert_null(s.v);
        assert_non_null(strstr(e.msg, "malformed"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_keys),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
