/* test_nicspec.c — how a NIC is asked for: LAN[:ADDR[/LEN]], tap[:ADDR],
 * ethN, and LAN names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "core/nicspec.h"

static void parses(const char *s, const char *lan, const char *addr, int prefix)
{
    struct nic_spec n;
    struct err e = {""};
    if (nic_spec_parse(s, &n, &e) < 0)
        fail_msg("nic_spec_parse(%s): %s", s, e.msg);
    assert_string_equal(n.lan, lan);
    char as[INET_ADDRSTRLEN];
    assert_string_equal(inet_ntop(AF_INET, &n.addr, as, sizeof as), addr);
    assert_int_equal(n.prefix, prefix);
}

static void refused(const char *s, const char *msg)
{
    struct nic_spec n;
    struct err e = {""};
    if (nic_spec_parse(s, &n, &e) == 0)
        fail_msg("nic_spec_parse(%s) succeeded", s);
    if (!strstr(e.msg, msg))
        fail_msg("nic_spec_parse(%s): \"%s\", want \"%s\"", s, e.msg, msg);
}

static void test_nic_spec(void **state)
{
    (void)state;
    parses("A", "A", "0.0.0.0", -1);
    parses("lan-1:10.0.1.1/24", "lan-1", "10.0.1.1", 24);
    parses("B:10.0.2.7", "B", "10.0.2.7", -1); /* the LAN's prefix */
    parses("tap", "", "0.0.0.0", -1);          /* the seed's routed tap */
    parses("tap:192.168.0.9", "", "192.168.0.9", -1);
    refused("", "give LAN");
    refused(":10.0.0.1", "give LAN");
    refused("A:", "not an IPv4 address");
    refused("A:10.0.0", "not an IPv4 address");
    refused("A:10.0.0.1/33", "not an IPv4 address");
    refused("A:10.0.0.1/31", "prefix /31");
    refused("A:0.0.0.0/24", "no address");
    refused("tap:192.168.0.9/24", "lab subnet's");
    refused("1lan", "not a LAN name");
    refused("a b", "not a LAN name");
    refused("uplink", "not a LAN name");
    refused("averyveryverylongname", "give LAN");
}

static void test_lan_names(void **state)
{
    (void)state;
    assert_true(lan_name_valid("A"));
    assert_true(lan_name_valid("dmz_2-b"));
    assert_true(lan_name_valid("abcdefghijklmno")); /* 15 */
    assert_false(lan_name_valid("abcdefghijklmnop"));
    assert_false(lan_name_valid(""));
    assert_false(lan_name_valid("-a"));
    assert_false(lan_name_valid("a.b"));
    for (const char *const *r =
             (const char *const[]){"tap", "uplink", "internet", "host", "all", NULL};
         *r; r++)
        assert_false(lan_name_valid(*r));
}

static void test_nic_index(void **state)
{
    (void)state;
    unsigned i = 99;
    struct err e = {""};
    assert_int_equal(nic_index_parse("eth0", 8, &i, &e), 0);
    assert_int_equal(i, 0);
    assert_int_equal(nic_index_parse("eth7", 8, &i, &e), 0);
    assert_int_equal(i, 7);
    assert_int_equal(nic_index_parse("eth8", 8, &i, &e), -1);
    assert_non_null(strstr(e.msg, "at most 8"));
    const char *bad[] = {"eth", "eth-1", "eth01", "eth1x", "wlan0", "0", ""};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        if (nic_index_parse(bad[k], 8, &i, &e) == 0)
            fail_msg("nic_index_parse(%s) succeeded", bad[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nic_spec),
        cmocka_unit_test(test_lan_names),
        cmocka_unit_test(test_nic_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
