/* test_shellcmd.c — journal records as the shell commands that make and undo
 * them, the linux.uml line, typed text, and sh quoting of hostile names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/shellcmd.h"

static struct jrecord rec(enum jkind kind, const char *ns, int nargs, const char *a0,
                          const char *a1, const char *a2)
{
    struct jrecord r = {.seq = 1, .kind = kind, .nargs = nargs};
    const char *a[3] = {a0, a1, a2};
    for (int i = 0; i < nargs; i++)
        snprintf(r.args[i], sizeof r.args[i], "%s", a[i]);
    snprintf(r.netns, sizeof r.netns, "%s", ns ? ns : "");
    return r;
}

static const struct shell_veth sandbox_veth = {"uplink0", "eth0", "umlab-lab-inet",
                                               "198.51.100.2/24", "198.51.100.1/24"};

static struct shell_ctx ctx(void)
{
    struct shell_ctx c = {.lab = "lab", .uplink = "uplink0", .veth = &sandbox_veth, .nveth = 1};
    c.net = inet_addr("192.168.0.0");
    c.mask = inet_addr("255.255.255.0");
    return c;
}

/* The make (UNDO false) or undo commands of R, which must map. */
static void expect_map(const struct jrecord *r, const struct shell_ctx *c, bool undo,
                       const char *want)
{
    struct strbuf b = {0};
    struct err e = {""};
    int n = undo ? shellcmd_undo(r, c, &b, &e) : shellcmd_make(r, c, &b, &e);
    if (n < 0)
        fail_msg("%s %s: %s", undo ? "undo" : "make", journal_kind_name(r->kind), e.msg);
    assert_string_equal(sb_str(&b), want);
    int lines = 0;
    for (const char *p = sb_str(&b); *p; p++)
        lines += *p == '\n';
    assert_int_equal(n, lines);
    sb_free(&b);
}

static void expect_refused(const struct jrecord *r, const struct shell_ctx *c, const char *why)
{
    struct strbuf b = {0};
    struct err e = {""};
    assert_int_equal(shellcmd_make(r, c, &b, &e), -1);
    assert_int_equal(b.len, 0); /* nothing half-written */
    if (!strstr(e.msg, why))
        fail_msg("message \"%s\" lacks \"%s\"", e.msg, why);
    assert_int_equal(shellcmd_undo(r, c, &b, &e), -1);
    assert_int_equal(b.len, 0);
    sb_free(&b);
}

static void test_links(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    struct jrecord r = rec(J_TAP, NULL, 1, "tap0", NULL, NULL);
    expect_map(&r, &c, false, "ip tuntap add dev tap0 mode tap\nip link set tap0 up\n");
    expect_map(&r, &c, true, "ip link del tap0\n");
    r = rec(J_TAP, "umlab-lab", 1, "tap0", NULL, NULL);
    expect_map(&r, &c, false,
               "ip -n umlab-lab tuntap add dev tap0 mode tap\nip -n umlab-lab link set tap0 up\n");
    r = rec(J_BRIDGE, "umlab-lab", 1, "br0", NULL, NULL);
    expect_map(&r, &c, false,
               "ip -n umlab-lab link add br0 type bridge\nip -n umlab-lab link set br0 up\n");
    expect_map(&r, &c, true, "ip -n umlab-lab link del br0\n");
    r = rec(J_BRPORT, "umlab-lab", 2, "tap0", "br0", NULL);
    expect_map(&r, &c, false, "ip -n umlab-lab link set tap0 master br0\n");
    expect_map(&r, &c, true, "ip -n umlab-lab link set tap0 nomaster\n");
    r = rec(J_VXLAN, NULL, 2, "vxlan0", "42", NULL);
    expect_map(&r, &c, false,
               "ip link add vxlan0 type vxlan id 42 dstport 4789\nip link set vxlan0 up\n");
    expect_map(&r, &c, true, "ip link del vxlan0\n");
}

/* A lesson's faults: a link set down, umlab's root qdisc by its handle. */
static void test_faults(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    struct jrecord r = rec(J_LINKDOWN, "umlab-lab", 1, "tap0", NULL, NULL);
    expect_map(&r, &c, false, "ip -n umlab-lab link set tap0 down\n");
    expect_map(&r, &c, true, "ip -n umlab-lab link set tap0 up\n");
    r = rec(J_NETEM, "umlab-lab", 2, "tap0", "delay=100ms,loss=10%", NULL);
    expect_map(
        &r, &c, false,
        "tc -n umlab-lab qdisc replace dev tap0 root handle 1ab: netem delay 100ms loss 10%\n");
    expect_map(&r, &c, true, "tc -n umlab-lab qdisc del dev tap0 root handle 1ab:\n");
    /* a rate: tbf (burst for a 1500-byte MTU: one frame, or 20 ms of the rate) */
    r = rec(J_NETEM, NULL, 2, "lan0", "rate=64kbit", NULL);
    expect_map(
        &r, &c, false,
        "tc qdisc replace dev lan0 root handle 1ab: tbf rate 64kbit burst 1564 latency 400ms\n");
    r = rec(J_NETEM, NULL, 2, "tap1", "delay=5ms,jitter=1.5ms,duplicate=1%,rate=10mbit", NULL);
    expect_map(
        &r, &c, false,
        "tc qdisc replace dev tap1 root handle 1ab: tbf rate 10mbit burst 25000 latency 400ms\n"
        "tc qdisc replace dev tap1 parent 1ab:1 handle 1ac: netem delay 5ms jitter 1.5ms "
        "duplicate 1%\n");
    expect_map(&r, &c, true, "tc qdisc del dev tap1 root handle 1ab:\n");
    r = rec(J_NETEM, NULL, 2, "tap0", "delay=1ms;reboot", NULL);
    expect_refused(&r, &c, "delay '1ms;reboot'");
    r = rec(J_NETEM, NULL, 2, "tap0", "loss=10%,$(reboot)=1", NULL);
    expect_refused(&r, &c, "unknown option");
    r = rec(J_LINKDOWN, NULL, 1, "a b", NULL, NULL);
    expect_refused(&r, &c, "");
}

static void test_sandbox_veth(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    struct jrecord r = rec(J_VETH, "umlab-lab", 1, "uplink0", NULL, NULL);
    expect_map(&r, &c, false,
               "ip -n umlab-lab link add uplink0 type veth peer name eth0 netns umlab-lab-inet\n"
               "ip -n umlab-lab addr add 198.51.100.2/24 dev uplink0\n"
               "ip -n umlab-lab-inet addr add 198.51.100.1/24 dev eth0\n"
               "ip -n umlab-lab-inet link set eth0 up\n"
               "ip -n umlab-lab link set uplink0 up\n");
    expect_map(&r, &c, true, "ip -n umlab-lab link del uplink0\n");
    /* a veth whose peer nobody told the mapper cannot be made by hand */
    c.nveth = 0;
    struct strbuf b = {0};
    struct err e;
    assert_int_equal(shellcmd_make(&r, &c, &b, &e), -1);
    assert_non_null(strstr(e.msg, "peer is not known"));
    sb_free(&b);
}

static void test_addresses_routes_namespaces(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    struct jrecord r = rec(J_ADDR, "umlab-lab", 2, "tap0", "192.168.0.254/32", NULL);
    expect_map(&r, &c, false, "ip -n umlab-lab addr add 192.168.0.254/32 dev tap0\n");
    expect_map(&r, &c, true, "ip -n umlab-lab addr del 192.168.0.254/32 dev tap0\n");
    r = rec(J_ROUTE, NULL, 2, "192.168.0.1/32", "tap0", NULL);
    expect_map(&r, &c, false, "ip route add 192.168.0.1/32 dev tap0\n");
    expect_map(&r, &c, true, "ip route del 192.168.0.1/32 dev tap0\n");
    r = rec(J_ROUTE, NULL, 3, "10.0.0.0/8", "tap0", "192.168.0.1");
    expect_map(&r, &c, false, "ip route add 10.0.0.0/8 dev tap0 via 192.168.0.1\n");
    /* named namespaces are global: made and deleted from anywhere */
    r = rec(J_NETNS, "umlab-lab", 1, "umlab-lab-inet", NULL, NULL);
    expect_map(&r, &c, false, "ip netns add umlab-lab-inet\n");
    expect_map(&r, &c, true, "ip netns del umlab-lab-inet\n");
    r = rec(J_ENTER, NULL, 1, "umlab-lab", NULL, NULL);
    expect_map(&r, &c, false, "");
    expect_map(&r, &c, true, "");
}

static void test_sysctls(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    struct jrecord r = rec(J_SYSCTL, "umlab-lab", 2, "net/ipv4/conf/tap0/proxy_arp", "0", NULL);
    expect_map(&r, &c, false, "ip netns exec umlab-lab sysctl -w net.ipv4.conf.tap0.proxy_arp=1\n");
    expect_map(&r, &c, true, "ip netns exec umlab-lab sysctl -w net.ipv4.conf.tap0.proxy_arp=0\n");
    r = rec(J_SYSCTL, NULL, 2, "net/ipv4/neigh/tap0/proxy_delay", "80", NULL);
    expect_map(&r, &c, false, "sysctl -w net.ipv4.neigh.tap0.proxy_delay=0\n");
    expect_map(&r, &c, true, "sysctl -w net.ipv4.neigh.tap0.proxy_delay=80\n");
    r = rec(J_SYSCTL, NULL, 2, "net/ipv4/ip_forward", "0", NULL);
    expect_map(&r, &c, false, "sysctl -w net.ipv4.ip_forward=1\n");
    /* ip_forward's side effects: the kernel sets them, umlab restores them */
    r = rec(J_SYSCTL, NULL, 2, "net/ipv4/conf/all/accept_redirects", "1", NULL);
    expect_map(&r, &c, false, "");
    expect_map(&r, &c, true, "sysctl -w net.ipv4.conf.all.accept_redirects=1\n");
    /* a device with a dot keeps sysctl's slashed form */
    r = rec(J_SYSCTL, NULL, 2, "net/ipv4/conf/eth0.5/proxy_arp", "0", NULL);
    expect_map(&r, &c, false, "sysctl -w net/ipv4/conf/eth0.5/proxy_arp=1\n");
    r = rec(J_SYSCTL, NULL, 2, "net/ipv4/ip_forward", "1;reboot", NULL);
    expect_refused(&r, &c, "bad sysctl value");
    r = rec(J_SYSCTL, NULL, 2, "net/../../etc/x", "1", NULL);
    expect_refused(&r, &c, "bad sysctl");
}

static void test_rules(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    struct jrecord r = rec(J_RULE, "umlab-lab", 3, "nat", "POSTROUTING", "umlab:lab:masq");
    expect_map(&r, &c, false,
               "ip netns exec umlab-lab iptables-legacy -t nat -I POSTROUTING -s 192.168.0.0/24 "
               "-o uplink0 -m comment --comment umlab:lab:masq -j MASQUERADE\n");
    expect_map(&r, &c, true,
               "ip netns exec umlab-lab iptables-legacy -t nat -D POSTROUTING -s 192.168.0.0/24 "
               "-o uplink0 -m comment --comment umlab:lab:masq -j MASQUERADE\n");
    /* one record, two rules, in umlab's insert order (each at the head) */
    r = rec(J_RULE, NULL, 3, "filter", "FORWARD", "umlab:lab:tap1");
    expect_map(&r, &c, false,
               "iptables-legacy -t filter -I FORWARD -d 192.168.0.0/24 -o tap1 -m comment "
               "--comment umlab:lab:tap1 -j ACCEPT\n"
               "iptables-legacy -t filter -I FORWARD -s 192.168.0.0/24 -i tap1 -m comment "
               "--comment umlab:lab:tap1 -j ACCEPT\n");
    r = rec(J_RULE, NULL, 3, "filter", "FORWARD", "umlab:other:tap1");
    expect_refused(&r, &c, "not this lab's");
    r = rec(J_RULE, NULL, 3, "filter", "INPUT", "umlab:lab:tap1");
    expect_refused(&r, &c, "not one umlab makes");
    r = rec(J_RULE, NULL, 3, "filter", "FORWARD", "umlab:lab:a;b c");
    expect_refused(&r, &c, "bad interface name");
    c.uplink = NULL;
    r = rec(J_RULE, NULL, 3, "nat", "POSTROUTING", "umlab:lab:masq");
    expect_refused(&r, &c, "no uplink");
}

static void test_files_and_processes(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    struct jrecord r = rec(J_DIR, NULL, 1, "/run/umlab/lab", NULL, NULL);
    expect_map(&r, &c, false, "mkdir -p -- /run/umlab/lab\n");
    expect_map(&r, &c, true, "rm -rf -- /run/umlab/lab\n");
    r = rec(J_FILE, NULL, 1, "/run/umlab/lab/guests/g1.cow", NULL, NULL);
    expect_map(&r, &c, false, ""); /* linux.uml makes its COW file */
    expect_map(&r, &c, true, "rm -f -- /run/umlab/lab/guests/g1.cow\n");
    r = rec(J_FILE, NULL, 1, "relative/x", NULL, NULL);
    expect_refused(&r, &c, "not absolute");
    r = rec(J_PROC, NULL, 2, "1234", "99", NULL);
    expect_map(&r, &c, false, "");
    expect_map(&r, &c, true, "kill -s KILL -- -1234\n");
    r = rec(J_PROC, NULL, 2, "-1", "99", NULL);
    expect_refused(&r, &c, "bad process id");
}

static void test_bad_records(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    struct jrecord r = rec(J_ADDR, NULL, 1, "tap0", NULL, NULL);
    expect_refused(&r, &c, "wrong number of fields");
    r = rec(J_TAP, NULL, 1, "tap0", NULL, NULL);
    r.invalid = true;
    expect_refused(&r, &c, "unreadable");
    r = rec(J_TAP, NULL, 1, "-x", NULL, NULL); /* would be read as an option */
    expect_refused(&r, &c, "bad interface name");
    r = rec(J_TAP, NULL, 1, "averyveryverylongname", NULL, NULL);
    expect_refused(&r, &c, "bad interface name");
    r = rec(J_ADDR, NULL, 2, "tap0", "192.168.0.300/24", NULL);
    expect_refused(&r, &c, "bad address");
    r = rec(J_ROUTE, NULL, 2, "1.2.3.4/33", "tap0", NULL);
    expect_refused(&r, &c, "bad address");
    r = rec(J_TAP, "-n", 1, "tap0", NULL, NULL);
    expect_refused(&r, &c, "bad namespace");
}

static void test_hostile_names_are_quoted(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    /* the journal holds no blanks, but sh cares about more than blanks */
    struct jrecord r = rec(J_TAP, NULL, 1, "t$(id)`x`", NULL, NULL);
    expect_map(&r, &c, true, "ip link del 't$(id)`x`'\n");
    r = rec(J_TAP, NULL, 1, "it's;*", NULL, NULL);
    expect_map(&r, &c, true, "ip link del 'it'\\''s;*'\n");
    r = rec(J_NETNS, NULL, 1, "ns|&>x", NULL, NULL);
    expect_map(&r, &c, false, "ip netns add 'ns|&>x'\n");
    r = rec(J_FILE, NULL, 1, "/run/a b/'c'", NULL, NULL);
    expect_map(&r, &c, true, "rm -f -- '/run/a b/'\\''c'\\'''\n");

    struct strbuf b = {0};
    struct err e;
    assert_int_equal(shell_quote(&b, "a\nb", NULL, &e), -1); /* a newline ends a command */
    assert_non_null(strstr(e.msg, "control character"));
    assert_int_equal(shell_quote(&b, "a\033b", NULL, &e), -1);
    assert_int_equal(shell_quote(&b, "x\x7f", NULL, &e), -1);
    assert_int_equal(shell_quote(&b, "", NULL, &e), 0);
    assert_string_equal(sb_str(&b), "''");
    b.len = 0;
    assert_int_equal(shell_quote(&b, "plain-1.2/x:y=z,w@h%+", NULL, &e), 0);
    assert_string_equal(sb_str(&b), "plain-1.2/x:y=z,w@h%+");
    sb_free(&b);
    r = rec(J_DIR, NULL, 1, "/run/a\tb", NULL, NULL);
    expect_refused(&r, &c, "control character");
}

static void test_substitution(void **state)
{
    (void)state;
    const struct shell_subst subst[] = {
        {"umlab-lab", "NS"}, {"umlab-lab-inet", "NS_INET"}, {"/run/umlab/lab", "DIR"}};
    struct shell_ctx c = ctx();
    c.subst = subst;
    c.nsubst = 3;
    struct jrecord r = rec(J_VETH, "umlab-lab", 1, "uplink0", NULL, NULL);
    expect_map(&r, &c, true, "ip -n \"$NS\" link del uplink0\n");
    r = rec(J_NETNS, NULL, 1, "umlab-lab-inet", NULL, NULL);
    expect_map(&r, &c, false, "ip netns add \"$NS_INET\"\n");
    r = rec(J_FILE, NULL, 1, "/run/umlab/lab/guests/it's", NULL, NULL);
    expect_map(&r, &c, true, "rm -f -- \"$DIR\"'/guests/it'\\''s'\n");
    /* only whole names: /run/umlab/lab2 is not "$DIR"2 */
    r = rec(J_DIR, NULL, 1, "/run/umlab/lab2", NULL, NULL);
    expect_map(&r, &c, false, "mkdir -p -- /run/umlab/lab2\n");
    /* inside linux.uml's words too: ubd0=COW,IMAGE */
    char *argv[] = {"/usr/bin/linux.uml", "ubd0=/run/umlab/lab/guests/g1.cow,/img",
                    "uml_dir=/run/umlab/lab/uml", NULL};
    char *env[] = {"LD_PRELOAD=/run/umlab/lab/x.so", NULL};
    struct strbuf b = {0};
    struct err e;
    assert_int_equal(shellcmd_argv("umlab-lab", env, 1, argv, &c, &b, &e), 0);
    assert_string_equal(sb_str(&b), "ip netns exec \"$NS\" env LD_PRELOAD=\"$DIR\"/x.so taskset -c "
                                    "1 /usr/bin/linux.uml ubd0=\"$DIR\"/guests/g1.cow,/img "
                                    "uml_dir=\"$DIR\"/uml");
    sb_free(&b);
}

static void test_argv_and_typed(void **state)
{
    (void)state;
    struct shell_ctx c = ctx();
    char *argv[] = {"/usr/bin/linux.uml", "mem=64M", "con1=fd:0,fd:1", "x y", NULL};
    struct strbuf b = {0};
    struct err e;
    assert_int_equal(shellcmd_argv(NULL, NULL, -1, argv, &c, &b, &e), 0);
    assert_string_equal(sb_str(&b), "/usr/bin/linux.uml mem=64M con1=fd:0,fd:1 'x y'");
    b.len = 0;
    char *badenv[] = {"1X=y", NULL};
    assert_int_equal(shellcmd_argv(NULL, badenv, -1, argv, &c, &b, &e), -1);
    assert_non_null(strstr(e.msg, "environment"));
    char *empty[] = {NULL};
    assert_int_equal(shellcmd_argv(NULL, NULL, -1, empty, &c, &b, &e), -1);
    char *nl[] = {"linux.uml", "a\nb", NULL};
    assert_int_equal(shellcmd_argv(NULL, NULL, -1, nl, &c, &b, &e), -1);
    assert_int_equal(b.len, 0);

    shellcmd_typed("g1", "ip addr add 192.168.0.2/24 dev eth0\r", &b);
    assert_string_equal(sb_str(&b), "g1# ip addr add 192.168.0.2/24 dev eth0");
    b.len = 0;
    shellcmd_typed("g2", "\003x\033[A\x7f\r\n", &b);
    assert_string_equal(sb_str(&b), "g2# ^Cx^[[A^?");
    sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_sandbox_veth),
        cmocka_unit_test(test_addresses_routes_namespaces),
        cmocka_unit_test(test_sysctls),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_files_and_processes),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_hostile_names_are_quoted),
        cmocka_unit_test(test_substitution),
        cmocka_unit_test(test_argv_and_typed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
