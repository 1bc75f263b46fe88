/* test_labfile_host.c — lab files across machines: `host` lines and guests'
 * placement parsed and refused, written back, each host's part as commands
 * (--as: its guests, shared LANs with --vxlan to the other hosts, NAT only
 * with a routed tap), checks of another host's guests skipped with a reason,
 * and the default VNI of a LAN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpeer.h"
#include "core/lab.h"
#include "core/labfile.h"

static const char TWO_HOSTS[] = "lab mh\n"
                                "nat on\n"
                                "host a 203.0.113.1\n"
                                "host b 203.0.113.2\n"
                                "host c 203.0.113.3\n"
                                "lan lan0 subnet 10.79.1.0/24\n"
                                "lan lan1 subnet 10.79.2.0/24\n"
                                "lan spare\n"
                                "guest ra host a\n"
                                "nic ra tap 192.168.0.1\n"
                                "nic ra lan0 10.79.1.1\n"
                                "forward ra on\n"
                                "guest pb host b\n"
                                "nic pb lan0 10.79.1.2\n"
                                "route pb default via 10.79.1.1\n"
                                "guest pc host c\n"
                                "nic pc lan0 10.79.1.3\n"
                                "nic pc lan1 10.79.2.3\n"
                                "guest pd\n" /* no host: the first (a) */
                                "nic pd lan1 10.79.2.4\n"
                                "check reach pb ra\n"
                                "check reach ra pb\n"
                                "check exec pb true\n"
                                "check counter lan1 rx moved\n"
                                "check counter lan0 rx moved\n";

static struct lab_spec *parse_ok(const char *text)
{
    struct lab_spec *s = NULL;
    struct err e = {""};
    int rc = labfile_parse("mh.lab", text, strlen(text), &s, &e);
    if (rc < 0)
        fprintf(stderr, "unexpected: %s\n", e.msg);
    assert_int_equal(rc, 0);
    return s;
}

static void parse_bad(const char *text, const char *want)
{
    struct lab_spec *s = NULL;
    struct err e = {""};
    assert_int_equal(labfile_parse("mh.lab", text, strlen(text), &s, &e), -1);
    assert_null(s);
    if (!strstr(e.msg, want))
        fprintf(stderr, "got: %s\nwant: %s\n", e.msg, want);
    assert_non_null(strstr(e.msg, want));
}

struct lines {
    char *l[32];
    int n;
};

static int collect(void *ctx, const char *line)
{
    struct lines *ls = ctx;
    assert_true(ls->n < 32);
    ls->l[ls->n++] = strdup(line);
    return 0;
}

static void expect_lines(const struct lab_spec *s, const char *const *want, int n)
{
    struct lines ls = {0};
    assert_int_equal(labfile_to_commands(s, collect, &ls), 0);
    for (int i = 0; i < ls.n && i < n; i++)
        if (strcmp(ls.l[i], want[i]) != 0)
            fprintf(stderr, "line %d: got '%s', want '%s'\n", i, ls.l[i], want[i]);
    assert_int_equal(ls.n, n);
    for (int i = 0; i < n; i++) {
        assert_string_equal(ls.l[i], want[i]);
        free(ls.l[i]);
    }
}

static void test_parse_placement(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok(TWO_HOSTS);
    assert_int_equal(s->nhosts, 3);
    assert_string_equal(s->hosts[1].name, "b");
    assert_int_equal(s->guests[0].host, 0);
    assert_int_equal(s->guests[1].host, 1);
    assert_int_equal(s->guests[2].host, 2);
    assert_int_equal(s->guests[3].host, 0); /* unplaced: the first host */
    assert_int_equal(s->as_host, -1);
    labfile_free(s);
}

static void test_refused(void **state)
{
    (void)state;
    parse_bad("host a 203.0.113.1\nhost a 203.0.113.2\n", "mh.lab:2: host a given twice");
    parse_bad("host a 203.0.113.1\nhost b 203.0.113.1\n", "mh.lab:2: host a has address");
    parse_bad("host a 127.0.0.1\n", "mh.lab:1: host a's address 127.0.0.1");
    parse_bad("host a 224.0.0.5\n", "mh.lab:1: host a's address 224.0.0.5");
    parse_bad("host a\n", "mh.lab:1: usage: host NAME ADDR");
    parse_bad("host 1a 203.0.113.1\n", "mh.lab:1: host name '1a'");
    parse_bad("host a not-an-address\n", "mh.lab:1:");
    parse_bad("host a 203.0.113.1\n\nguest g host z\n", "mh.lab:3: guest g: unknown host 'z'");
    parse_bad("guest g host a\n", "mh.lab:1: guest g: unknown host 'a'");
    parse_bad("host a 203.0.113.1\nguest g host a host a\n", "usage: guest NAME");
}

static void test_whole_lab_without_as(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok(TWO_HOSTS);
    static const char *const want[] = {
        "lan add lan0 --subnet 10.79.1.0/24",
        "lan add lan1 --subnet 10.79.2.0/24",
        "lan add spare",
        "guest add ra --nic tap:192.168.0.1 --nic lan0:10.79.1.1/24",
        "guest add pb --nic lan0:10.79.1.2/24",
        "guest add pc --nic lan0:10.79.1.3/24 --nic lan1:10.79.2.3/24",
        "guest add pd --nic lan1:10.79.2.4/24",
        "nat on",
        "wait ra",
        "wait pb",
        "wait pc",
        "wait pd",
        "forward ra on",
        "route pb add default via 10.79.1.1",
    };
    expect_lines(s, want, sizeof want / sizeof *want);
    labfile_free(s);
}

static void test_parts(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok(TWO_HOSTS);
    struct err e = {""};
    assert_int_equal(labfile_set_as(s, "a", &e), 0);
    static const char *const a[] = {
        "lan add lan0 --subnet 10.79.1.0/24 --vxlan 203.0.113.2,203.0.113.3",
        "lan add lan1 --subnet 10.79.2.0/24 --vxlan 203.0.113.3",
        "lan add spare", /* nobody's: the first host keeps it */
        "guest add ra --nic tap:192.168.0.1 --nic lan0:10.79.1.1/24",
        "guest add pd --nic lan1:10.79.2.4/24",
        "nat on",
        "wait ra",
        "wait pd",
        "forward ra on",
    };
    expect_lines(s, a, sizeof a / sizeof *a);
    assert_int_equal(labfile_set_as(s, "b", &e), 0);
    static const char *const b[] = {
        "lan add lan0 --subnet 10.79.1.0/24 --vxlan 203.0.113.1,203.0.113.3",
        "guest add pb --nic lan0:10.79.1.2/24",
        "wait pb", /* no nat: no routed tap on b */
        "route pb add default via 10.79.1.1",
    };
    expect_lines(s, b, sizeof b / sizeof *b);
    assert_int_equal(labfile_set_as(s, "z", &e), -1);
    assert_non_null(strstr(e.msg, "--as z: no such host (the file has a, b, c)"));
    labfile_free(s);

    s = parse_ok("guest g\n");
    assert_int_equal(labfile_set_as(s, "a", &e), -1);
    assert_non_null(strstr(e.msg, "no `host` lines"));
    labfile_free(s);
}

static void test_checks_elsewhere(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok(TWO_HOSTS);
    char why[200];
    assert_false(labfile_check_elsewhere(s, 0, why, sizeof why)); /* whole lab: all run */
    struct err e;
    assert_int_equal(labfile_set_as(s, "b", &e), 0);
    assert_false(labfile_check_elsewhere(s, 0, why, sizeof why)); /* reach pb ra: by address */
    struct in_addr a;
    assert_true(labfile_remote_addr(s, 1, 0, &a));
    assert_int_equal(a.s_addr, htonl(0x0a4f0101)); /* ra's lan0 address, not its tap's */
    assert_true(labfile_check_elsewhere(s, 1, why, sizeof why));
    assert_string_equal(why,
                        "ra runs on host a, not b: check it there (`umlab check mh.lab --as a`)");
    assert_false(labfile_check_elsewhere(s, 2, why, sizeof why));
    assert_true(labfile_check_elsewhere(s, 3, why, sizeof why));
    assert_string_equal(why, "LAN lan1 has no guest on host b");
    assert_false(labfile_check_elsewhere(s, 4, why, sizeof why));
    labfile_free(s);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok(TWO_HOSTS);
    struct strbuf b1 = {0}, b2 = {0};
    labfile_format(s, &b1);
    assert_non_null(strstr(sb_str(&b1), "\nhost a 203.0.113.1\nhost b 203.0.113.2\n"));
    assert_non_null(strstr(sb_str(&b1), "\nguest pd host a\n"));
    struct lab_spec *s2 = parse_ok(sb_str(&b1));
    labfile_format(s2, &b2);
    assert_string_equal(sb_str(&b1), sb_str(&b2));
    sb_free(&b1);
    sb_free(&b2);
    labfile_free(s);
    labfile_free(s2);
}

static void test_check_port(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok("host a 203.0.113.1 check-port 4791\nhost b 203.0.113.2 "
                                  "check-port off\nhost c 203.0.113.3\n");
    assert_int_equal(s->hosts[0].check_port, 4791);
    assert_int_equal(s->hosts[1].check_port, 0);
    assert_int_equal(s->hosts[2].check_port, LABFILE_CHECK_PORT);
    struct strbuf b = {0};
    labfile_format(s, &b);
    assert_non_null(strstr(sb_str(&b), "\nhost a 203.0.113.1 check-port 4791\nhost b 203.0.113.2 "
                                       "check-port off\nhost c 203.0.113.3\n"));
    sb_free(&b);
    labfile_free(s);
    parse_bad("host a 203.0.113.1 check-port 0\n", "mh.lab:1: host a: check-port '0'");
    parse_bad("host a 203.0.113.1 check-port 65536\n", "check-port '65536'");
    parse_bad("host a 203.0.113.1 check-port 47x\n", "check-port '47x'");
    parse_bad("host a 203.0.113.1 port 4790\n", "usage: host NAME ADDR [check-port");
    parse_bad("host a 203.0.113.1 check-port\n", "usage: host NAME ADDR [check-port");
}

/* The check service's lines (core/checkpeer.c): a request names one of the
 * lab's checks byte for byte, or nothing is run. */
static void test_checkpeer_lines(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok(TWO_HOSTS);
    char why[LABCHECK_WHY_MAX];
    struct strbuf req = {0};
    checkpeer_request("exec pb true", &req);
    assert_string_equal(sb_str(&req), "umlab-check 1 exec pb true\n");
    sb_free(&req);
    assert_int_equal(checkpeer_match(s, "umlab-check 1 exec pb true", why, sizeof why), 2);
    assert_int_equal(checkpeer_match(s, "umlab-check 1 reach pb ra", why, sizeof why), 0);
    const char *refused[] = {"umlab-check 1 exec pb reboot",
                             "umlab-check 1 exec pb true ",
                             "umlab-check 1 exec pb  true",
                             "umlab-check 1 ",
                             "exec pb true",
                             "umlab-check 2 exec pb true",
                             ""};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_equal(checkpeer_match(s, refused[i], why, sizeof why), -1);
    assert_string_equal(why, "not a umlab check request");
    checkpeer_match(s, "umlab-check 1 exec pb reboot", why, sizeof why);
    assert_string_equal(why, "not a check of this lab (only its own checks are run)");

    struct strbuf rep = {0};
    checkpeer_reply(CHECKPEER_FAIL, "exit 1:\tno\nsuch", &rep);
    assert_string_equal(sb_str(&rep), "FAIL exit 1: no such\n");
    sb_free(&rep);
    enum checkpeer_verdict v;
    assert_int_equal(checkpeer_parse_reply("skip pc has no control channel", &v, why, sizeof why),
                     0);
    assert_int_equal(v, CHECKPEER_SKIP);
    assert_string_equal(why, "pc has no control channel");
    assert_int_equal(checkpeer_parse_reply("refused x\x1b[2J", &v, why, sizeof why), 0);
    assert_int_equal(v, CHECKPEER_REFUSED);
    assert_string_equal(why, "x [2J"); /* a peer's escape is not printed */
    assert_int_equal(checkpeer_parse_reply("SSH-2.0-OpenSSH", &v, why, sizeof why), -1);
    assert_int_equal(checkpeer_parse_reply("pass", &v, why, sizeof why), -1);
    labfile_free(s);
}

static void test_default_vni(void **state)
{
    (void)state;
    /* the same on every host, different for different LANs, in range */
    assert_int_equal(lab_lan_default_vni("lan0"), lab_lan_default_vni("lan0"));
    assert_int_not_equal(lab_lan_default_vni("lan0"), lab_lan_default_vni("lan1"));
    const char *names[] = {"a", "lan0", "backbone", "x_____________"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        uint32_t v = lab_lan_default_vni(names[i]);
        assert_true(v >= 1 && v <= 16777215);
    }
    assert_int_equal(lab_lan_nic_mtu(NULL), 1500);
    struct lab_lan lan = {.stretched = true, .vx = {.nic_mtu = 1450}};
    assert_int_equal(lab_lan_nic_mtu(&lan), 1450);
    lan.stretched = false;
    assert_int_equal(lab_lan_nic_mtu(&lan), 1500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_placement),      cmocka_unit_test(test_refused),
        cmocka_unit_test(test_whole_lab_without_as), cmocka_unit_test(test_parts),
        cmocka_unit_test(test_checks_elsewhere),     cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_default_vni),          cmocka_unit_test(test_check_port),
        cmocka_unit_test(test_checkpeer_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
