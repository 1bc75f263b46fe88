/* test_netcfg.c — netcfg behaviour that needs no privilege and changes nothing:
 * key translation, argument checks and lookups of things that do not exist.
 * Safe as root too: no call here may create or change anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netcfg/bridge.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/nettable.h"
#include "netcfg/sysctl.h"
#include "netcfg/tap.h"
#include "netcfg/vxlan.h"

#define LONG_IFNAME "umlab-much-too-long-name" /* >= IFNAMSIZ (16) */
#define MISSING_IF  "umlab-nx9q"               /* valid, and surely absent */

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

/* ---- sysctl ---- */

static void test_sysctl_path_dotted(void **state)
{
    (void)state;
    char p[128];
    assert_int_equal(sysctl_path("net.ipv4.ip_forward", p, sizeof p), 0);
    assert_string_equal(p, "/proc/sys/net/ipv4/ip_forward");
}

static void test_sysctl_path_slashed_keeps_dots(void **state)
{
    (void)state;
    char p[128];
    /* A vlan-style interface name with a dot must survive. */
    assert_int_equal(sysctl_path("net/ipv4/conf/eth0.100/proxy_arp", p, sizeof p), 0);
    assert_string_equal(p, "/proc/sys/net/ipv4/conf/eth0.100/proxy_arp");
    assert_int_equal(sysctl_path("net/ipv4/conf/umlab-g1/proxy_arp", p, sizeof p), 0);
    assert_string_equal(p, "/proc/sys/net/ipv4/conf/umlab-g1/proxy_arp");
}

static void test_sysctl_path_rejects_escapes(void **state)
{
    (void)state;
    char p[128];
    const char *bad[] = {"",
                         "/net/ipv4/ip_forward",
                         "net/../../etc/passwd",
                         "net..ipv4",
                         "net/ipv4/",
                         "net//ipv4",
                         "./net",
                         "net.ipv4.",
                         ".."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        if (sysctl_path(bad[i], p, sizeof p) != -1)
            fail_msg("accepted bad key \"%s\" as %s", bad[i], p);
        assert_int_equal(errno, EINVAL);
    }
    errno = 0;
    assert_int_equal(sysctl_path(NULL, p, sizeof p), -1);
    assert_int_equal(errno, EINVAL);
}

static void test_sysctl_path_too_small(void **state)
{
    (void)state;
    char p[20];
    /* "/proc/sys/" + "net/ipv4/ip_forward" needs 30 bytes. */
    errno = 0;
    assert_int_equal(sysctl_path("net/ipv4/ip_forward", p, sizeof p), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    char q[sizeof "/proc/sys/kernel/ostype"];
    assert_int_equal(sysctl_path("kernel.ostype", q, sizeof q), 0);
    assert_string_equal(q, "/proc/sys/kernel/ostype");
}

static void test_sysctl_read_strips_newline(void **state)
{
    (void)state;
    struct err e = {{0}};
    char v[32];
    assert_int_equal(sysctl_read("kernel.ostype", v, sizeof v, &e), 0);
    assert_string_equal(v, "Linux");
    assert_int_equal(sysctl_read("net/ipv4/ip_forward", v, sizeof v, &e), 0);
    assert_true(!strcmp(v, "0") || !strcmp(v, "1"));
}

static void test_sysctl_read_small_buffer(void **state)
{
    (void)state;
    struct err e = {{0}};
    char v[6]; /* exactly "Linux" + NUL: the newline may be dropped */
    assert_int_equal(sysctl_read("kernel/ostype", v, sizeof v, &e), 0);
    assert_string_equal(v, "Linux");
    char w[4];
    assert_int_equal(sysctl_read("kernel/ostype", w, sizeof w, &e), -1);
    assert_msg_has(&e, "kernel/ostype");
    assert_msg_has(&e, "longer than 3");
}

static void test_sysctl_missing_key(void **state)
{
    (void)state;
    struct err e = {{0}};
    char v[16];
    assert_int_equal(sysctl_read("net.ipv4.umlab_no_such_key", v, sizeof v, &e), -1);
    assert_msg_has(&e, "net.ipv4.umlab_no_such_key");
    assert_msg_has(&e, strerror(ENOENT));
    /* Writing a missing key fails on open (ENOENT) for root and non-root alike. */
    memset(&e, 0, sizeof e);
    assert_int_equal(sysctl_write("net/ipv4/umlab_no_such_key", "1", &e), -1);
    assert_msg_has(&e, "net/ipv4/umlab_no_such_key");
    memset(&e, 0, sizeof e);
    assert_int_equal(sysctl_write("net/../../etc/passwd", "x", &e), -1);
    assert_msg_has(&e, "bad key");
}

/* ---- tap ---- */

static void test_tap_bad_names(void **state)
{
    (void)state;
    struct err e = {{0}};
    assert_int_equal(tap_create(LONG_IFNAME, 0, 0, &e), -1);
    assert_msg_has(&e, LONG_IFNAME);
    assert_msg_has(&e, "too long");
    memset(&e, 0, sizeof e);
    assert_int_equal(tap_delete(LONG_IFNAME, &e), -1);
    assert_msg_has(&e, "too long");
    memset(&e, 0, sizeof e);
    assert_int_equal(tap_create("bad/name", 0, 0, &e), -1);
    assert_msg_has(&e, "invalid character");
    memset(&e, 0, sizeof e);
    assert_int_equal(tap_delete("", &e), -1);
    assert_msg_has(&e, "empty");
}

static void test_tap_delete_missing_is_success(void **state)
{
    (void)state;
    struct err e = {{0}};
    assert_int_equal(tap_delete(MISSING_IF, &e), 0);
}

static void test_tap_check_available_message(void **state)
{
    (void)state;
    struct err e = {{0}};
    /* Either usable, or a one-line reason that names the device. */
    if (tap_check_available(&e) < 0) {
        assert_msg_has(&e, "/dev/net/tun");
        assert_null(strchr(e.msg, '\n'));
        assert_true(strstr(e.msg, "CAP_NET_ADMIN") || strstr(e.msg, "modprobe tun"));
        if (access("/dev/net/tun", F_OK) != 0)
            assert_msg_has(&e, "modprobe tun");
    } else {
        assert_int_equal(access("/dev/net/tun", R_OK | W_OK), 0);
    }
}

/* ---- link (read-only kernel queries need no privilege) ---- */

static int link_setup(void **state)
{
    struct err e = {{0}};
    struct nlconn *c = NULL;
    if (nlconn_open(&c, &e) < 0) {
        print_error("%s\n", e.msg);
        return -1;
    }
    *state = c;
    return 0;
}

static int link_teardown(void **state)
{
    nlconn_close(*state);
    return 0;
}

static void test_link_lookup(void **state)
{
    struct nlconn *c = *state;
    assert_int_equal(link_ifindex(c, "lo"), 1);
    assert_int_equal(link_ifindex(c, MISSING_IF), 0);
    assert_int_equal(link_ifindex(c, LONG_IFNAME), 0);
    assert_int_equal(link_ifindex(c, ""), 0);
}

static void test_link_bad_names(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    assert_int_equal(link_set_up(c, LONG_IFNAME, true, &e), -1);
    assert_msg_has(&e, "link " LONG_IFNAME ": interface name too long");
    memset(&e, 0, sizeof e);
    assert_int_equal(link_delete(c, LONG_IFNAME, &e), -1);
    assert_msg_has(&e, "too long");
    memset(&e, 0, sizeof e);
    assert_int_equal(veth_create(c, "umlab-v0", LONG_IFNAME, -1, &e), -1);
    assert_msg_has(&e, "too long");
    memset(&e, 0, sizeof e);
    assert_int_equal(addr_add(c, LONG_IFNAME, ip4("192.168.0.254"), 32, &e), -1);
    assert_msg_has(&e, "addr 192.168.0.254/32 on " LONG_IFNAME ": interface name too long");
    memset(&e, 0, sizeof e);
    assert_int_equal(addr_del(c, "a:b", ip4("192.168.0.254"), 32, &e), -1);
    assert_msg_has(&e, "invalid character");
    memset(&e, 0, sizeof e);
    assert_int_equal(route_add(c, ip4("192.168.0.1"), 32, LONG_IFNAME, ip4("0.0.0.0"), &e), -1);
    assert_msg_has(&e, "route 192.168.0.1/32 dev " LONG_IFNAME);
    memset(&e, 0, sizeof e);
    struct link_stats st;
    assert_int_equal(link_get_stats(c, LONG_IFNAME, &st, &e), -1);
    assert_msg_has(&e, "too long");
}

static void test_link_bad_prefix(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    assert_int_equal(addr_add(c, "lo", ip4("10.9.9.9"), 33, &e), -1);
    assert_msg_has(&e, "prefix");
    memset(&e, 0, sizeof e);
    assert_int_equal(route_del(c, ip4("10.9.9.0"), -1, "lo", ip4("0.0.0.0"), &e), -1);
    assert_msg_has(&e, "prefix");
    memset(&e, 0, sizeof e);
    assert_int_equal(route_add(c, ip4("10.9.9.1"), 24, "lo", ip4("0.0.0.0"), &e), -1);
    assert_msg_has(&e, "route 10.9.9.1/24 dev lo: host bits set beyond the prefix (network is "
                       "10.9.9.0/24)");
    memset(&e, 0, sizeof e);
    assert_int_equal(route_del(c, ip4("0.0.0.1"), 0, NULL, ip4("10.0.0.1"), &e), -1);
    assert_msg_has(&e, "route 0.0.0.1/0 via 10.0.0.1: host bits");
    memset(&e, 0, sizeof e);
    assert_int_equal(route_add(c, ip4("10.9.9.0"), 24, NULL, ip4("0.0.0.0"), &e), -1);
    assert_msg_has(&e, "needs an interface or a gateway");
}

static void test_link_missing_interface(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    struct link_stats st;
    assert_int_equal(link_get_stats(c, MISSING_IF, &st, &e), -1);
    assert_msg_has(&e, "link " MISSING_IF ": no such interface");
    memset(&e, 0, sizeof e);
    assert_int_equal(link_set_up(c, MISSING_IF, true, &e), -1);
    assert_msg_has(&e, "no such interface");
    memset(&e, 0, sizeof e);
    assert_int_equal(addr_add(c, MISSING_IF, ip4("192.168.0.254"), 32, &e), -1);
    assert_msg_has(&e, "addr 192.168.0.254/32 on " MISSING_IF ": no such interface");
    memset(&e, 0, sizeof e);
    assert_int_equal(route_add(c, ip4("192.168.0.1"), 32, MISSING_IF, ip4("0.0.0.0"), &e), -1);
    assert_msg_has(&e, "no such interface");
    /* Deleting from a missing interface is success, with no request sent. */
    assert_int_equal(addr_del(c, MISSING_IF, ip4("192.168.0.254"), 32, &e), 0);
    assert_int_equal(route_del(c, ip4("192.168.0.1"), 32, MISSING_IF, ip4("0.0.0.0"), &e), 0);
    assert_false(addr_exists(c, MISSING_IF, ip4("192.168.0.254"), 32));
    assert_false(route_exists(c, ip4("192.168.0.1"), 32, MISSING_IF));
}

static void test_link_loopback_queries(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    struct link_stats st;
    memset(&st, 0xff, sizeof st);
    assert_int_equal(link_get_stats(c, "lo", &st, &e), 0);
    assert_true(st.rx_bytes != UINT64_MAX);
    /* lo's 127.0.0.1/8 lives in the local table with a /8 prefix, not /32. */
    if (st.up) {
        assert_true(addr_exists(c, "lo", ip4("127.0.0.1"), 8));
        assert_false(addr_exists(c, "lo", ip4("127.0.0.1"), 32));
    }
    assert_false(addr_exists(c, "lo", ip4("192.0.2.77"), 32));
    /* The local-table route for 127.0.0.1 must not count as a main-table route. */
    assert_false(route_exists(c, ip4("127.0.0.1"), 32, "lo"));
    assert_false(route_exists(c, ip4("192.0.2.77"), 32, NULL));
}

/* The side pane's one-dump table answers as the per-link reads and /proc/sys do. */
static void test_nettable_agrees(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    struct nettable t;
    nettable_load(c, NETTABLE_LINKS | NETTABLE_ROUTES | NETTABLE_NETCONF, &t);
    assert_non_null(t.links);
    struct link_stats one, all;
    assert_int_equal(link_get_stats(c, "lo", &one, &e), 0);
    assert_int_equal(nettable_stats(&t, "lo", &all, &e), 0);
    assert_int_equal(all.ifindex, one.ifindex);
    assert_int_equal(all.up, one.up);
    assert_true(all.rx_bytes >= one.rx_bytes);
    assert_int_equal(nettable_stats(&t, MISSING_IF, &all, &e), -1);
    assert_msg_has(&e, "link " MISSING_IF ": no such interface");
    assert_int_equal(nettable_stats(&t, LONG_IFNAME, &all, &e), -1);
    assert_msg_has(&e, "too long");
    assert_false(nettable_has_route(&t, ip4("127.0.0.1"), 32, "lo"));
    assert_false(nettable_has_route(&t, ip4("192.168.0.1"), 32, MISSING_IF));
    char val[16];
    assert_int_equal(sysctl_read("net/ipv4/ip_forward", val, sizeof val, &e), 0);
    assert_int_equal(nettable_ip_forward(&t), atoi(val));
    assert_int_equal(sysctl_read("net/ipv4/conf/lo/proxy_arp", val, sizeof val, &e), 0);
    assert_int_equal(nettable_proxy_arp(&t, "lo"), atoi(val));
    assert_int_equal(nettable_proxy_arp(&t, MISSING_IF), -1);
    nettable_free(&t);
    assert_null(t.links); /* not read: nothing is found */
    assert_int_equal(nettable_stats(&t, "lo", &all, &e), -1);
    assert_int_equal(nettable_ip_forward(&t), -1);
}

/* ---- bridge (lookups, refusals and a create that EXCL makes fail) ---- */

static void test_bridge_bad_names(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    assert_int_equal(bridge_create(c, LONG_IFNAME, &e), -1);
    assert_msg_has(&e, "bridge " LONG_IFNAME ": interface name too long");
    memset(&e, 0, sizeof e);
    assert_int_equal(bridge_create(c, "", &e), -1);
    assert_msg_has(&e, "empty interface name");
    memset(&e, 0, sizeof e);
    assert_int_equal(bridge_delete(c, "a/b", &e), -1);
    assert_msg_has(&e, "invalid character");
    memset(&e, 0, sizeof e);
    assert_int_equal(bridge_enslave(c, "br0", LONG_IFNAME, &e), -1);
    assert_msg_has(&e, "too long");
    memset(&e, 0, sizeof e);
    assert_int_equal(bridge_release(c, "a:b", "tap0", &e), -1);
    assert_msg_has(&e, "invalid character");
    assert_false(bridge_exists(c, LONG_IFNAME));
}

static void test_bridge_missing(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    assert_false(bridge_exists(c, MISSING_IF));
    /* Undo paths: what is gone already is success. */
    assert_int_equal(bridge_delete(c, MISSING_IF, &e), 0);
    assert_int_equal(bridge_release(c, MISSING_IF, "lo", &e), 0);
    assert_int_equal(bridge_release(c, "lo", MISSING_IF, &e), 0);
    assert_int_equal(bridge_enslave(c, MISSING_IF, "lo", &e), -1);
    assert_msg_has(&e, "bridge " MISSING_IF ": port lo: no such interface " MISSING_IF);
    memset(&e, 0, sizeof e);
    char names[2][BRIDGE_IFNAMSIZ];
    size_t n = 99;
    assert_int_equal(bridge_ports(c, MISSING_IF, names, 2, &n, &e), -1);
    assert_int_equal(n, 0);
    assert_msg_has(&e, "no such interface");
    memset(&e, 0, sizeof e);
    char m[BRIDGE_IFNAMSIZ] = "x";
    assert_int_equal(bridge_port_master(c, MISSING_IF, m, sizeof m, &e), -1);
    assert_string_equal(m, "");
    assert_msg_has(&e, "link " MISSING_IF ": no such interface");
}

/* lo is no bridge: every bridge operation on it is refused or a no-op. */
static void test_bridge_refuses_a_non_bridge(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    assert_false(bridge_exists(c, "lo"));
    assert_int_equal(bridge_delete(c, "lo", &e), -1);
    assert_msg_has(&e, "bridge lo: this interface is not a bridge (left alone)");
    memset(&e, 0, sizeof e);
    assert_int_equal(bridge_enslave(c, "lo", "lo", &e), -1);
    assert_msg_has(&e, "lo is not a bridge");
    assert_int_equal(bridge_release(c, "lo", "lo", &e), 0);
    char names[2][BRIDGE_IFNAMSIZ];
    size_t n;
    memset(&e, 0, sizeof e);
    assert_int_equal(bridge_ports(c, "lo", names, 2, &n, &e), -1);
    assert_msg_has(&e, "not a bridge");
    char m[BRIDGE_IFNAMSIZ] = "x";
    assert_int_equal(bridge_port_master(c, "lo", m, sizeof m, &e), 0);
    assert_string_equal(m, "");
    /* NLM_F_EXCL: an existing name is refused, never adopted or changed. */
    memset(&e, 0, sizeof e);
    errno = 0;
    assert_int_equal(bridge_create(c, "lo", &e), -1);
    if (geteuid() == 0) {
        assert_int_equal(errno, EEXIST);
        assert_msg_has(&e, "bridge lo: an interface with this name already exists");
    }
}

/* ---- vxlan (pure checks, lookups and refusals; nothing is created) ---- */

static void test_vxlan_spec_and_remote_problems(void **state)
{
    (void)state;
    struct vxlan_spec s = {.vni = 42, .netns_fd = -1};
    assert_null(vxlan_spec_problem(&s));
    s.vni = 0;
    assert_non_null(vxlan_spec_problem(&s));
    s.vni = VXLAN_VNI_MAX + 1;
    assert_non_null(vxlan_spec_problem(&s));
    s.vni = VXLAN_VNI_MAX;
    assert_null(vxlan_spec_problem(&s));
    s.local = ip4("224.0.0.1");
    assert_non_null(vxlan_spec_problem(&s));
    s.local = ip4("127.0.0.1");
    assert_non_null(vxlan_spec_problem(&s));
    s.local = ip4("203.0.113.1");
    assert_null(vxlan_spec_problem(&s));
    s.underlay = LONG_IFNAME;
    assert_non_null(vxlan_spec_problem(&s));
    s.underlay = "eth0";
    s.mtu = 575;
    assert_non_null(vxlan_spec_problem(&s));
    s.mtu = 1450;
    assert_null(vxlan_spec_problem(&s));

    assert_null(vxlan_remote_problem(ip4("203.0.113.2")));
    assert_null(vxlan_remote_problem(ip4("10.0.0.1")));
    const char *bad[] = {"0.0.0.0", "239.1.1.1", "224.0.0.1", "255.255.255.255", "127.0.0.2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (!vxlan_remote_problem(ip4(bad[i])))
            fail_msg("remote %s accepted", bad[i]);
}

static void test_vxlan_mtu_decide(void **state)
{
    (void)state;
    struct vxlan_mtu_plan p;
    struct err e = {{0}};
    assert_int_equal(vxlan_mtu_decide("eth0", 1500, &p, &e), 0);
    assert_int_equal(p.nic_mtu, 1450);
    assert_non_null(strstr(p.note, "eth0 (MTU 1500)"));
    assert_non_null(strstr(p.note, "MTU 1450"));
    assert_non_null(strstr(p.note, "1550 would keep 1500"));
    assert_int_equal(vxlan_mtu_decide("eth0", 1549, &p, &e), 0);
    assert_int_equal(p.nic_mtu, 1499);
    assert_int_equal(vxlan_mtu_decide("wg0", 1550, &p, &e), 0);
    assert_int_equal(p.nic_mtu, 1500);
    assert_non_null(strstr(p.note, "keep MTU 1500"));
    assert_int_equal(vxlan_mtu_decide(NULL, 9000, &p, &e), 0);
    assert_int_equal(p.nic_mtu, 1500); /* never more than an Ethernet guest expects */
    assert_non_null(strstr(p.note, "the underlay (MTU 9000)"));
    /* WireGuard's usual 1420 still leaves a workable LAN */
    assert_int_equal(vxlan_mtu_decide("wg0", 1420, &p, &e), 0);
    assert_int_equal(p.nic_mtu, 1370);
    assert_int_equal(vxlan_mtu_decide("eth0", VXLAN_MTU_MIN + VXLAN_OVERHEAD, &p, &e), 0);
    assert_int_equal(p.nic_mtu, VXLAN_MTU_MIN);
    assert_int_equal(vxlan_mtu_decide("eth0", VXLAN_MTU_MIN + VXLAN_OVERHEAD - 1, &p, &e), -1);
    assert_msg_has(&e, "too small");
    assert_int_equal(p.nic_mtu, 0);
    assert_int_equal(vxlan_mtu_decide("eth0", 0, &p, &e), -1);
}

static void test_vxlan_refusals(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    struct vxlan_spec s = {.vni = 42, .netns_fd = -1};
    assert_int_equal(vxlan_create(c, LONG_IFNAME, &s, &e), -1);
    assert_msg_has(&e, "interface name too long");
    s.vni = 0;
    assert_int_equal(vxlan_create(c, MISSING_IF, &s, &e), -1);
    assert_msg_has(&e, "VNI must be");
    /* A name that exists is refused before the kernel is asked (never adopted). */
    s.vni = 42;
    errno = 0;
    assert_int_equal(vxlan_create(c, "lo", &s, &e), -1);
    assert_int_equal(errno, EEXIST);
    assert_msg_has(&e, "vxlan lo: an interface with this name already exists");
    s.underlay = MISSING_IF;
    assert_int_equal(vxlan_create(c, MISSING_IF, &s, &e), -1);
    assert_msg_has(&e, "no underlay device " MISSING_IF);
    assert_int_equal(link_ifindex(c, MISSING_IF), 0);

    /* lo is no VXLAN: refused and left alone. */
    assert_false(vxlan_exists(c, "lo", NULL));
    assert_int_equal(vxlan_delete(c, "lo", 0, &e), -1);
    assert_msg_has(&e, "vxlan lo: this interface is not a VXLAN device (left alone)");
    assert_int_equal(vxlan_remote_add(c, "lo", ip4("203.0.113.2"), &e), -1);
    assert_msg_has(&e, "not a VXLAN device");
    assert_int_equal(vxlan_remote_add(c, "lo", ip4("239.1.1.1"), &e), -1);
    assert_msg_has(&e, "multicast");
    size_t n = 9;
    struct in_addr r[2];
    assert_int_equal(vxlan_remotes(c, "lo", r, 2, &n, &e), -1);
    assert_int_equal(n, 0);

    /* Missing: deleting is success, the rest an error that names it. */
    assert_false(vxlan_exists(c, MISSING_IF, NULL));
    assert_int_equal(vxlan_delete(c, MISSING_IF, 42, &e), 0);
    assert_int_equal(vxlan_remote_del(c, MISSING_IF, ip4("203.0.113.2"), &e), -1);
    assert_msg_has(&e, "no such interface");
    assert_int_equal(vxlan_remotes(c, MISSING_IF, r, 2, &n, &e), -1);
    assert_msg_has(&e, "vxlan " MISSING_IF ": no such interface");
}

static void test_vxlan_underlay_queries(void **state)
{
    struct nlconn *c = *state;
    struct err e = {{0}};
    unsigned mtu = 0;
    assert_int_equal(vxlan_link_mtu(c, "lo", &mtu, &e), 0);
    assert_true(mtu >= 1500);
    assert_int_equal(vxlan_link_mtu(c, MISSING_IF, &mtu, &e), -1);
    assert_msg_has(&e, "no such interface");
    char dev[16] = "";
    assert_int_equal(vxlan_route_dev(c, ip4("127.0.0.1"), dev, sizeof dev, &e), 0);
    assert_string_equal(dev, "lo");
    assert_int_equal(vxlan_route_dev(c, ip4("127.0.0.1"), dev, 2, &e), -1);
}

/* ---- netns ---- */

static void test_netns_names(void **state)
{
    (void)state;
    struct err e = {{0}};
    assert_false(netns_exists("definitely-not-there"));
    assert_false(netns_exists("../../etc"));
    assert_false(netns_exists(""));
    assert_false(netns_exists(NULL));
    assert_int_equal(netns_create("a/b", &e), -1);
    assert_msg_has(&e, "netns a/b: invalid name");
    memset(&e, 0, sizeof e);
    assert_int_equal(netns_create("..", &e), -1);
    assert_msg_has(&e, "invalid name");
    memset(&e, 0, sizeof e);
    assert_int_equal(netns_delete("x/../y", &e), -1);
    assert_msg_has(&e, "invalid name");
}

static void test_netns_missing(void **state)
{
    (void)state;
    struct err e = {{0}};
    assert_int_equal(netns_delete("definitely-not-there", &e), 0);
    assert_int_equal(netns_open("definitely-not-there", &e), -1);
    assert_msg_has(&e, "netns definitely-not-there: no such namespace");
    memset(&e, 0, sizeof e);
    assert_int_equal(netns_enter("definitely-not-there", &e), -1);
    assert_msg_has(&e, "no such namespace");
}

static void test_netns_current_roundtrip(void **state)
{
    (void)state;
    struct err e = {{0}};
    int fd = netns_open_current(&e);
    assert_true(fd >= 0);
    /* Re-entering one's own namespace is allowed only with CAP_SYS_ADMIN. */
    if (geteuid() == 0)
        assert_int_equal(netns_enter_fd(fd, &e), 0);
    close(fd);
    memset(&e, 0, sizeof e);
    assert_int_equal(netns_enter_fd(-1, &e), -1);
    assert_msg_has(&e, "setns");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sysctl_path_dotted),
        cmocka_unit_test(test_sysctl_path_slashed_keeps_dots),
        cmocka_unit_test(test_sysctl_path_rejects_escapes),
        cmocka_unit_test(test_sysctl_path_too_small),
        cmocka_unit_test(test_sysctl_read_strips_newline),
        cmocka_unit_test(test_sysctl_read_small_buffer),
        cmocka_unit_test(test_sysctl_missing_key),
        cmocka_unit_test(test_tap_bad_names),
        cmocka_unit_test(test_tap_delete_missing_is_success),
        cmocka_unit_test(test_tap_check_available_message),
        cmocka_unit_test_setup_teardown(test_link_lookup, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_bad_names, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_bad_prefix, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_missing_interface, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_loopback_queries, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_bridge_bad_names, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_bridge_missing, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_bridge_refuses_a_non_bridge, link_setup,
                                        link_teardown),
        cmocka_unit_test(test_vxlan_spec_and_remote_problems),
        cmocka_unit_test(test_vxlan_mtu_decide),
        cmocka_unit_test_setup_teardown(test_vxlan_refusals, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_vxlan_underlay_queries, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_nettable_agrees, link_setup, link_teardown),
        cmocka_unit_test(test_netns_names),
        cmocka_unit_test(test_netns_missing),
        cmocka_unit_test(test_netns_current_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
