/* test_addr.c — IPv4 parsing, the lab subnet and guest address allocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "core/addr.h"

static void assert_msg_has(const struct err *e, const char *needle)
{
    if (!strstr(e->msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", e->msg, needle);
}

static struct in_addr ip4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static struct subnet sn(const char *s)
{
    struct subnet n;
    struct err e = {""};
    if (subnet_parse(s, &n, &e) != 0)
        fail_msg("subnet_parse(%s): %s", s, e.msg);
    return n;
}

/* ---- addr_parse ---- */

static void test_parse_plain(void **state)
{
    (void)state;
    struct in_addr a;
    int prefix = 99;
    struct err e = {""};
    assert_int_equal(addr_parse("1.2.3.4", &a, &prefix, &e), 0);
    assert_int_equal(a.s_addr, ip4("1.2.3.4").s_addr);
    assert_int_equal(prefix, -1);

    assert_int_equal(addr_parse("0.0.0.0", &a, &prefix, &e), 0);
    assert_int_equal(a.s_addr, 0);
    assert_int_equal(addr_parse("255.255.255.255", &a, &prefix, &e), 0);
    assert_int_equal(a.s_addr, 0xffffffffU);
    assert_int_equal(addr_parse("192.168.100.200", &a, NULL, &e), 0);
    assert_int_equal(a.s_addr, ip4("192.168.100.200").s_addr);
}

static void test_parse_with_prefix(void **state)
{
    (void)state;
    struct in_addr a;
    int prefix = 99;
    struct err e = {""};
    assert_int_equal(addr_parse("1.2.3.4/24", &a, &prefix, &e), 0);
    assert_int_equal(a.s_addr, ip4("1.2.3.4").s_addr);
    assert_int_equal(prefix, 24);
    assert_int_equal(addr_parse("10.0.0.0/0", &a, &prefix, &e), 0);
    assert_int_equal(prefix, 0);
    assert_int_equal(addr_parse("10.0.0.1/32", &a, &prefix, &e), 0);
    assert_int_equal(prefix, 32);
    assert_int_equal(addr_parse("10.0.0.1/8", &a, &prefix, &e), 0);
    assert_int_equal(prefix, 8);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    const char *bad[] = {
        "",           "1.2.3",       "1.2.3.",      "1.2.3.4.5",    "1.2.3.4.",    "256.1.1.1",
        "1.2.3.256",  "1.2.3.999",   "01234.1.1.1", "1.2.3.0004",   " 1.2.3.4",    "1.2.3.4 ",
        "1.2.3.4x",   "x1.2.3.4",    "1..2.3",      "1.2.3.4/33",   "1.2.3.4/",    "1.2.3.4/-1",
        "1.2.3.4/+8", "1.2.3.4/024", "1.2.3.4/2x",  "1.2.3.4/24/1", "1.2.3.4/ 24", "-1.2.3.4",
        "+1.2.3.4",   "1.2.3.-4",    "1,2,3,4",     "0x1.2.3.4",    "1.2.3.4\n",   "4294967295",
        "::1",        "1.2.3.4/100", "1.2.3.4//24", "a.b.c.d",      "1 .2.3.4",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct in_addr a;
        int prefix;
        struct err e = {""};
        if (addr_parse(bad[i], &a, &prefix, &e) != -1)
            fail_msg("addr_parse accepted \"%s\"", bad[i]);
        if (!strstr(e.msg, bad[i]))
            fail_msg("message \"%s\" does not quote \"%s\"", e.msg, bad[i]);
    }
}

static void test_parse_prefix_when_not_expected(void **state)
{
    (void)state;
    struct in_addr a;
    struct err e = {""};
    assert_int_equal(addr_parse("1.2.3.4/24", &a, NULL, &e), -1);
    assert_msg_has(&e, "no prefix length expected");
    assert_int_equal(addr_parse("1.2.3.4/0", &a, NULL, &e), -1);
    assert_int_equal(addr_parse("1.2.3.4", &a, NULL, &e), 0);
}

static void test_parse_null_err(void **state)
{
    (void)state;
    struct in_addr a;
    assert_int_equal(addr_parse("nope", &a, NULL, NULL), -1);
    assert_int_equal(addr_parse("1.2.3.4", &a, NULL, NULL), 0);
}

/* ---- subnets ---- */

static void test_subnet_parse(void **state)
{
    (void)state;
    struct subnet n;
    struct err e = {""};
    assert_int_equal(subnet_parse("192.168.0.0/24", &n, &e), 0);
    assert_int_equal(n.net.s_addr, ip4("192.168.0.0").s_addr);
    assert_int_equal(n.prefix, 24);
    assert_int_equal(subnet_parse("10.0.0.0/8", &n, &e), 0);
    assert_int_equal(n.prefix, 8);
    assert_int_equal(subnet_parse("10.1.2.4/30", &n, &e), 0);
    assert_int_equal(n.prefix, 30);
    assert_int_equal(n.net.s_addr, ip4("10.1.2.4").s_addr);

    struct subnet keep = {ip4("9.9.9.0"), 24}, t = keep;
    assert_int_equal(subnet_parse("192.168.0.1/24", &t, &e), -1);
    assert_msg_has(&e, "host bits set");
    assert_int_equal(subnet_parse("10.1.2.2/30", &t, &e), -1);
    assert_msg_has(&e, "host bits set");
    assert_int_equal(subnet_parse("10.0.0.0/7", &t, &e), -1);
    assert_msg_has(&e, "between 8 and 30");
    assert_int_equal(subnet_parse("10.0.0.0/31", &t, &e), -1);
    assert_msg_has(&e, "between 8 and 30");
    assert_int_equal(subnet_parse("10.0.0.0/32", &t, &e), -1);
    assert_int_equal(subnet_parse("0.0.0.0/0", &t, &e), -1);
    assert_int_equal(subnet_parse("192.168.0.0", &t, &e), -1);
    assert_msg_has(&e, "needs a prefix length");
    assert_int_equal(subnet_parse("192.168.0/24", &t, &e), -1);
    assert_msg_has(&e, "not an IPv4 address");
    assert_int_equal(subnet_parse("192.168.0.0/33", &t, &e), -1);
    /* a failed parse leaves the output alone */
    assert_int_equal(t.net.s_addr, keep.net.s_addr);
    assert_int_equal(t.prefix, keep.prefix);
}

static void test_subnet_contains_edge_host_size(void **state)
{
    (void)state;
    struct subnet n = sn("192.168.0.0/24");
    assert_true(subnet_contains(&n, ip4("192.168.0.0")));
    assert_true(subnet_contains(&n, ip4("192.168.0.1")));
    assert_true(subnet_contains(&n, ip4("192.168.0.255")));
    assert_false(subnet_contains(&n, ip4("192.168.1.0")));
    assert_false(subnet_contains(&n, ip4("192.167.255.255")));
    assert_false(subnet_contains(&n, ip4("10.0.0.1")));

    assert_true(subnet_is_edge(&n, ip4("192.168.0.0")));
    assert_true(subnet_is_edge(&n, ip4("192.168.0.255")));
    assert_false(subnet_is_edge(&n, ip4("192.168.0.1")));
    assert_false(subnet_is_edge(&n, ip4("192.168.0.254")));

    assert_int_equal(subnet_size(&n), 254);
    assert_int_equal(subnet_host(&n, 1).s_addr, ip4("192.168.0.1").s_addr);
    assert_int_equal(subnet_host(&n, 254).s_addr, ip4("192.168.0.254").s_addr);

    struct subnet s30 = sn("10.1.2.4/30");
    assert_int_equal(subnet_size(&s30), 2);
    assert_int_equal(subnet_host(&s30, 1).s_addr, ip4("10.1.2.5").s_addr);
    assert_int_equal(subnet_host(&s30, 2).s_addr, ip4("10.1.2.6").s_addr);
    assert_true(subnet_is_edge(&s30, ip4("10.1.2.4")));
    assert_true(subnet_is_edge(&s30, ip4("10.1.2.7")));
    assert_false(subnet_is_edge(&s30, ip4("10.1.2.5")));
    assert_true(subnet_contains(&s30, ip4("10.1.2.7")));
    assert_false(subnet_contains(&s30, ip4("10.1.2.8")));
    assert_false(subnet_contains(&s30, ip4("10.1.2.3")));

    struct subnet s8 = sn("10.0.0.0/8");
    assert_int_equal(subnet_size(&s8), 16777214);
    assert_true(subnet_contains(&s8, ip4("10.255.255.255")));
    assert_false(subnet_contains(&s8, ip4("11.0.0.0")));
    assert_true(subnet_is_edge(&s8, ip4("10.255.255.255")));
    assert_false(subnet_is_edge(&s8, ip4("10.0.1.0"))); /* .0 inside a /8 is a host */
    assert_int_equal(subnet_host(&s8, 256).s_addr, ip4("10.0.1.0").s_addr);

    struct subnet s23 = sn("172.16.2.0/23");
    assert_int_equal(subnet_size(&s23), 510);
    assert_true(subnet_contains(&s23, ip4("172.16.3.255")));
    assert_true(subnet_is_edge(&s23, ip4("172.16.3.255")));
    assert_false(subnet_is_edge(&s23, ip4("172.16.2.255")));
    assert_false(subnet_contains(&s23, ip4("172.16.4.0")));
}

static void test_addr_str(void **state)
{
    (void)state;
    char buf[INET_ADDRSTRLEN];
    assert_string_equal(addr_str(ip4("192.168.0.254"), buf), "192.168.0.254");
    assert_ptr_equal(addr_str(ip4("0.0.0.0"), buf), buf);
    assert_string_equal(buf, "0.0.0.0");
}

/* ---- guests ---- */

static void test_check_guest(void **state)
{
    (void)state;
    struct subnet n = sn("192.168.0.0/24");
    struct in_addr host = ip4("192.168.0.254");
    struct in_addr used[] = {ip4("192.168.0.1"), ip4("192.168.0.2")};
    struct err e = {""};

    assert_int_equal(addr_check_guest(&n, host, used, 2, ip4("192.168.0.3"), &e), 0);
    assert_int_equal(addr_check_guest(&n, host, NULL, 0, ip4("192.168.0.1"), &e), 0);

    assert_int_equal(addr_check_guest(&n, host, used, 2, ip4("10.0.0.1"), &e), -1);
    assert_string_equal(e.msg, "10.0.0.1 is outside the lab subnet 192.168.0.0/24");

    assert_int_equal(addr_check_guest(&n, host, used, 2, ip4("192.168.0.0"), &e), -1);
    assert_string_equal(e.msg, "192.168.0.0 is the network or broadcast address of "
                               "192.168.0.0/24");
    assert_int_equal(addr_check_guest(&n, host, used, 2, ip4("192.168.0.255"), &e), -1);
    assert_msg_has(&e, "network or broadcast");

    assert_int_equal(addr_check_guest(&n, host, used, 2, ip4("192.168.0.254"), &e), -1);
    assert_string_equal(e.msg, "192.168.0.254 is the host's own address");

    assert_int_equal(addr_check_guest(&n, host, used, 2, ip4("192.168.0.2"), &e), -1);
    assert_string_equal(e.msg, "192.168.0.2 is already used by another guest");
    /* only the first N entries of USED count */
    assert_int_equal(addr_check_guest(&n, host, used, 1, ip4("192.168.0.2"), &e), 0);
}

static void test_alloc_lowest_free(void **state)
{
    (void)state;
    struct subnet n = sn("192.168.0.0/24");
    struct in_addr out;
    struct err e = {""};
    char b[INET_ADDRSTRLEN];

    assert_int_equal(addr_alloc(&n, ip4("192.168.0.254"), NULL, 0, &out, &e), 0);
    assert_string_equal(addr_str(out, b), "192.168.0.1");

    /* skips the host address */
    assert_int_equal(addr_alloc(&n, ip4("192.168.0.1"), NULL, 0, &out, &e), 0);
    assert_string_equal(addr_str(out, b), "192.168.0.2");

    /* skips used ones, in any order, and fills holes */
    struct in_addr used[] = {ip4("192.168.0.3"), ip4("192.168.0.2"), ip4("192.168.0.5")};
    assert_int_equal(addr_alloc(&n, ip4("192.168.0.1"), used, 3, &out, &e), 0);
    assert_string_equal(addr_str(out, b), "192.168.0.4");

    /* the result always passes addr_check_guest */
    assert_int_equal(addr_check_guest(&n, ip4("192.168.0.1"), used, 3, out, &e), 0);
}

static void test_alloc_full(void **state)
{
    (void)state;
    struct subnet n = sn("10.1.2.4/30");
    struct in_addr out = ip4("1.1.1.1");
    struct err e = {""};
    char b[INET_ADDRSTRLEN];

    /* a /30 has two hosts: the host takes one, a guest the other */
    assert_int_equal(addr_alloc(&n, ip4("10.1.2.5"), NULL, 0, &out, &e), 0);
    assert_string_equal(addr_str(out, b), "10.1.2.6");

    struct in_addr one[] = {ip4("10.1.2.6")};
    assert_int_equal(addr_alloc(&n, ip4("10.1.2.5"), one, 1, &out, &e), -1);
    assert_string_equal(e.msg, "no free address left in 10.1.2.4/30");

    /* both used by guests, host elsewhere */
    struct in_addr both[] = {ip4("10.1.2.5"), ip4("10.1.2.6")};
    out = ip4("1.1.1.1");
    assert_int_equal(addr_alloc(&n, ip4("192.168.0.254"), both, 2, &out, &e), -1);
    assert_msg_has(&e, "no free address left");
    assert_int_equal(out.s_addr, ip4("1.1.1.1").s_addr); /* untouched */
    /* never the broadcast address */
    assert_int_equal(addr_alloc(&n, ip4("10.1.2.6"), both, 1, &out, &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_plain),
        cmocka_unit_test(test_parse_with_prefix),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_parse_prefix_when_not_expected),
        cmocka_unit_test(test_parse_null_err),
        cmocka_unit_test(test_subnet_parse),
        cmocka_unit_test(test_subnet_contains_edge_host_size),
        cmocka_unit_test(test_addr_str),
        cmocka_unit_test(test_check_guest),
        cmocka_unit_test(test_alloc_lowest_free),
        cmocka_unit_test(test_alloc_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
