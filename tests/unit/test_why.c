/* test_why.c — the `why` engine on a healthy lab and on eight broken ones
 * (each diagnosis must name the right hop and the command that fixes it),
 * plus the readers it relies on: a guest's `ip` records, nft's JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "core/why.h"
#include "core/why_guest.h"
#include "core/why_nft.h"

static struct in_addr ip4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

/* A lab as the recipe builds it: g1 on tap0, g2 on tap1, NAT on via uplink0. */
struct lab_facts {
    struct why_facts f;
    struct rule_info fwd[4], post[1];
    struct why_nft nft;
};

static void guest(struct why_guest *g, const char *name, const char *addr, int prefix,
                  const char *gw)
{
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    snprintf(g->nic, sizeof g->nic, "eth0");
    g->running = g->known = true;
    g->want = ip4(addr);
    g->want_prefix = 24;
    g->links[g->nlinks++] = (struct why_link){"lo", true, true};
    g->links[g->nlinks++] = (struct why_link){"eth0", true, true};
    g->addrs[g->naddrs++] = (struct why_addr){"eth0", ip4(addr), prefix};
    uint32_t m = prefix ? htonl(0xffffffffU << (32 - prefix)) : 0;
    g->routes[g->nroutes++] = (struct why_route){{ip4(addr).s_addr & m}, prefix, {0}, "eth0"};
    if (gw)
        g->routes[g->nroutes++] = (struct why_route){{0}, 0, ip4(gw), "eth0"};
}

static void tap(struct why_tap *t, const char *name)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->exists = t->up = t->carrier = t->host_addr = t->route = t->src_route = true;
    t->proxy_arp = 1;
    t->rp_filter = 0;
    t->forwarding = 1;
}

static void lab_rule(struct rule_info *r, enum rule_lab_kind k, const char *dev, const char *tag)
{
    memset(r, 0, sizeof *r);
    assert_int_equal(
        rule_spec_lab(k, dev, ip4("192.168.0.0").s_addr, htonl(0xffffff00U), tag, &r->spec), 0);
    snprintf(r->target_name, sizeof r->target_name, "%s",
             k == RULE_LAB_MASQ ? "MASQUERADE" : "ACCEPT");
}

static void set_nft(struct lab_facts *L, const char *json)
{
    struct err e = {""};
    why_nft_free(&L->nft);
    if (why_nft_parse(json, strlen(json), &L->nft, &e) < 0)
        fail_msg("why_nft_parse: %s", e.msg);
    L->f.nft_state = WHY_NFT_READ;
    L->f.nft = &L->nft;
}

static void healthy(struct lab_facts *L, enum why_target_kind kind)
{
    memset(L, 0, sizeof *L);
    struct why_facts *f = &L->f;
    snprintf(f->lab, sizeof f->lab, "lab");
    struct err e;
    assert_int_equal(subnet_parse("192.168.0.0/24", &f->subnet, &e), 0);
    f->host = ip4("192.168.0.254");
    f->nat = true;
    snprintf(f->uplink, sizeof f->uplink, "uplink0");
    f->uplink_exists = f->uplink_up = f->uplink_carrier = true;
    guest(&f->src, "g1", "192.168.0.1", 24, "192.168.0.254");
    tap(&f->src_tap, "tap0");
    f->kind = kind;
    if (kind == WHY_T_GUEST) {
        guest(&f->dst_guest, "g2", "192.168.0.2", 24, "192.168.0.254");
        tap(&f->dst_tap, "tap1");
        snprintf(f->target, sizeof f->target, "g2");
        f->dst = ip4("192.168.0.2");
    } else if (kind == WHY_T_HOST) {
        snprintf(f->target, sizeof f->target, "host");
        f->dst = f->host;
    } else {
        snprintf(f->target, sizeof f->target, "internet");
        f->dst = ip4("198.51.100.1");
    }
    f->ip_forward = 1;
    f->rp_filter_all = 2;
    f->iptables_flavor = "nf_tables";
    f->xt_known = true;
    snprintf(f->fwd_policy, sizeof f->fwd_policy, "ACCEPT");
    lab_rule(&L->fwd[0], RULE_LAB_FWD_IN, "tap1", "umlab:lab:tap1");
    lab_rule(&L->fwd[1], RULE_LAB_FWD_OUT, "tap1", "umlab:lab:tap1");
    lab_rule(&L->fwd[2], RULE_LAB_FWD_IN, "tap0", "umlab:lab:tap0");
    lab_rule(&L->fwd[3], RULE_LAB_FWD_OUT, "tap0", "umlab:lab:tap0");
    lab_rule(&L->post[0], RULE_LAB_MASQ, "uplink0", "umlab:lab:masq");
    f->fwd = L->fwd;
    f->nfwd = 4;
    f->post = L->post;
    f->npost = 1;
    set_nft(L, "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}]}");
    f->probed = true;
    f->sent = f->received = 1;
    f->after = (struct why_counters){3, 3, 3, 3, 2, 1};
}

/* A broken lab's probe: the request got onto the source's tap and no further. */
static void no_answer(struct lab_facts *L)
{
    L->f.received = 0;
    L->f.after = (struct why_counters){2, 0, 0, 0, 0, 0};
}

static const struct why_hop *find(const struct why_report *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->hops[i].id, id) == 0)
            return &r->hops[i];
    fail_msg("no hop %s", id);
    return NULL;
}

/* The diagnosis names CAUSE first, its detail says WORDS, and its first fix is FIX. */
static void expect_cause(const struct why_report *r, const char *cause, const char *words,
                         const char *fixcmd, const char *shellcmd)
{
    if (r->first_fail < 0)
        fail_msg("no failing hop (summary: %s)", r->summary);
    const struct why_hop *h = &r->hops[r->first_fail];
    if (strcmp(h->id, cause) != 0)
        fail_msg("first failing hop is %s (%s), not %s", h->id, h->detail, cause);
    if (words && !strstr(h->detail, words))
        fail_msg("detail \"%s\" lacks \"%s\"", h->detail, words);
    if (fixcmd && (h->nfix == 0 || strcmp(h->fix[0], fixcmd) != 0))
        fail_msg("fix is \"%s\", not \"%s\"", h->nfix ? h->fix[0] : "", fixcmd);
    if (shellcmd && (h->nshell == 0 || strcmp(h->shell[0], shellcmd) != 0))
        fail_msg("shell fix is \"%s\", not \"%s\"", h->nshell ? h->shell[0] : "", shellcmd);
    assert_false(r->reachable);
    assert_non_null(strstr(r->summary, cause));
}

static void teardown_lab(struct lab_facts *L)
{
    why_nft_free(&L->nft);
}

/* ---- healthy ---- */

static void test_healthy(void **state)
{
    (void)state;
    enum why_target_kind kinds[] = {WHY_T_GUEST, WHY_T_HOST, WHY_T_INTERNET};
    for (size_t k = 0; k < 3; k++) {
        struct lab_facts L;
        healthy(&L, kinds[k]);
        struct why_report r;
        why_diagnose(&L.f, &r);
        assert_int_equal(r.first_fail, -1);
        assert_true(r.reachable);
        for (size_t i = 0; i < r.n; i++)
            if (r.hops[i].status != WHY_PASS)
                fail_msg("%s: hop %s is %s: %s", L.f.target, r.hops[i].id,
                         why_status_name(r.hops[i].status), r.hops[i].detail);
        assert_non_null(strstr(r.summary, "reachable"));
        teardown_lab(&L);
    }
}

/* ---- the eight broken setups ---- */

static void test_proxy_arp_off(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    L.f.src_tap.proxy_arp = 0;
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "arp", "proxy_arp is off on tap0",
                 "host sysctl -w net.ipv4.conf.tap0.proxy_arp=1",
                 "sysctl -w net.ipv4.conf.tap0.proxy_arp=1");
    /* The host itself needs no proxy_arp: g1 -> host still passes. */
    teardown_lab(&L);
    healthy(&L, WHY_T_HOST);
    L.f.src_tap.proxy_arp = 0;
    why_diagnose(&L.f, &r);
    assert_int_equal(r.first_fail, -1);
    teardown_lab(&L);
}

static void test_no_host_route(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_HOST);
    L.f.src_tap.route = L.f.src_tap.src_route = false;
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "host-route", "no route to 192.168.0.1 through tap0",
                 "host ip route add 192.168.0.1/32 dev tap0",
                 "ip route add 192.168.0.1/32 dev tap0");
    teardown_lab(&L);
}

static void test_ip_forward_off(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    L.f.ip_forward = 0;
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "ip-forward", "ip_forward is 0", "host sysctl -w net.ipv4.ip_forward=1",
                 "sysctl -w net.ipv4.ip_forward=1");
    teardown_lab(&L);
}

static void test_nat_off(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_INTERNET);
    L.f.nat = false; /* `nat off`: umlab's MASQUERADE and FORWARD rules gone */
    L.f.nfwd = L.f.npost = 0;
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "nat", "nothing masquerades g1 out of uplink0", "nat on uplink0",
                 "iptables-legacy -t nat -I POSTROUTING -s 192.168.0.0/24 -o uplink0 -j "
                 "MASQUERADE");
    assert_int_equal(find(&r, "forward")->status, WHY_PASS); /* policy ACCEPT */
    teardown_lab(&L);
}

/* `iptables-nft -P FORWARD DROP` as `nft -j list ruleset` shows it. */
static const char NFT_FORWARD_DROP[] =
    "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, "
    "{\"table\": {\"family\": \"ip\", \"name\": \"filter\", \"handle\": 2}}, "
    "{\"chain\": {\"family\": \"ip\", \"table\": \"filter\", \"name\": \"FORWARD\", \"handle\": "
    "1, \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": \"drop\"}}]}";

static void test_nft_forward_policy_drop(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_INTERNET);
    set_nft(&L, NFT_FORWARD_DROP);
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "nftables", "ip filter FORWARD drops the request (policy drop)",
                 "host nft insert rule ip filter FORWARD iifname tap0 accept",
                 "nft insert rule ip filter FORWARD iifname tap0 accept");
    /* umlab's own (x_tables) rules accept it: they are not the cause. */
    assert_int_equal(find(&r, "forward")->status, WHY_PASS);
    /* Guest to guest is forwarded too, so it stops there as well. */
    teardown_lab(&L);
    healthy(&L, WHY_T_GUEST);
    set_nft(&L, NFT_FORWARD_DROP);
    no_answer(&L);
    why_diagnose(&L.f, &r);
    expect_cause(&r, "nftables", "policy drop", NULL, NULL);
    teardown_lab(&L);
}

static void test_no_default_route(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_INTERNET);
    L.f.src.nroutes = 1; /* only the subnet's route is left */
    no_answer(&L);
    L.f.after.src_rx = 0; /* "Network unreachable": nothing left the guest */
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "guest-route", "no route to 198.51.100.1", "ip g1", NULL);
    const struct why_hop *h = &r.hops[r.first_fail];
    assert_string_equal(h->shell_on, "g1");
    assert_string_equal(h->shell[2], "ip route add default via 192.168.0.254");
    /* The host and the other guests are on-link: still reachable. */
    teardown_lab(&L);
    healthy(&L, WHY_T_GUEST);
    L.f.src.nroutes = 1;
    why_diagnose(&L.f, &r);
    assert_int_equal(r.first_fail, -1);
    teardown_lab(&L);
}

static void test_tap_down(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_HOST);
    L.f.src_tap.up = L.f.src_tap.carrier = false;
    L.f.src_tap.route = L.f.src_tap.src_route = false; /* the kernel drops its routes too */
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "tap", "tap0 is down", "host ip link set tap0 up", "ip link set tap0 up");
    teardown_lab(&L);
}

/* Two guests on one LAN (a bridge): g2 got /25 where the LAN is /24, so it
 * sends its answer to g1 to its gateway instead of back on the segment. */
static void test_wrong_netmask_on_lan(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    struct why_facts *f = &L.f;
    guest(&f->src, "g1", "10.0.1.1", 24, NULL);
    guest(&f->dst_guest, "g2", "10.0.1.130", 25, "10.0.1.254");
    f->dst = ip4("10.0.1.130");
    snprintf(f->src_tap.bridge, sizeof f->src_tap.bridge, "lan1");
    snprintf(f->dst_tap.bridge, sizeof f->dst_tap.bridge, "lan1");
    f->src_tap.bridge_up = f->dst_tap.bridge_up = true;
    no_answer(&L);
    f->after.dst_tx = f->after.dst_rx = 1; /* g2 got it and answered elsewhere */
    struct why_report r;
    why_diagnose(f, &r);
    expect_cause(&r, "return", "wrong netmask, 10.0.1.130/25 on eth0 where the subnet is /24",
                 "ip g2 eth0 10.0.1.130/24", NULL);
    /* A LAN is one segment: no host route, proxy_arp or forwarding hop. */
    for (size_t i = 0; i < r.n; i++)
        assert_true(strcmp(r.hops[i].id, "ip-forward") != 0 && strcmp(r.hops[i].id, "arp") != 0);
    teardown_lab(&L);
}

/* A LAN NIC beside the routed tap: g1 and g2 are also on LAN L (their eth1),
 * g2 typed /30 there, so g1's 10.0.1.1 is off-link for it and its default
 * route takes the answer out of eth0 to the host. The fix names eth1: `ip g2
 * 10.0.1.6/24` would readdress the routed tap. */
static void lan_nic(struct why_guest *g, const char *addr, int prefix)
{
    snprintf(g->nic, sizeof g->nic, "eth1");
    g->want = ip4(addr);
    g->want_prefix = 24;
    g->links[g->nlinks++] = (struct why_link){"eth1", true, true};
    g->addrs[g->naddrs++] = (struct why_addr){"eth1", ip4(addr), prefix};
    uint32_t m = htonl(0xffffffffU << (32 - prefix));
    g->routes[g->nroutes++] = (struct why_route){{ip4(addr).s_addr & m}, prefix, {0}, "eth1"};
}

static void test_wrong_netmask_on_lan_nic(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    struct why_facts *f = &L.f;
    lan_nic(&f->src, "10.0.1.1", 24);
    lan_nic(&f->dst_guest, "10.0.1.6", 30);
    f->dst = ip4("10.0.1.6");
    snprintf(f->target, sizeof f->target, "10.0.1.6");
    tap(&f->src_tap, "tap2");
    tap(&f->dst_tap, "tap3");
    snprintf(f->src_tap.bridge, sizeof f->src_tap.bridge, "br-L");
    snprintf(f->dst_tap.bridge, sizeof f->dst_tap.bridge, "br-L");
    f->src_tap.bridge_up = f->dst_tap.bridge_up = true;
    no_answer(&L);
    struct why_report r;
    why_diagnose(f, &r);
    expect_cause(&r, "return", "wrong netmask, 10.0.1.6/30 on eth1 where the subnet is /24",
                 "ip g2 eth1 10.0.1.6/24", "ip link set eth1 up; ip addr flush dev eth1");
    assert_string_equal(r.hops[r.first_fail].shell[1], "ip addr add 10.0.1.6/24 dev eth1");
    assert_int_equal(r.hops[r.first_fail].nshell, 2); /* no default route on a LAN */
    teardown_lab(&L);
}

/* The same mistake on the recipe's routed taps: a /32 leaves g1 no route at all. */
static void test_wrong_netmask_routed(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    guest(&L.f.src, "g1", "192.168.0.1", 32, NULL); /* `ip route add default` was refused */
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "guest-route", "wrong netmask, 192.168.0.1/32", "ip g1", NULL);
    teardown_lab(&L);
}

/* ---- beyond the eight ---- */

static void test_legacy_forward_drop(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    L.f.nat = false;
    L.f.nfwd = L.f.npost = 0;
    snprintf(L.f.fwd_policy, sizeof L.f.fwd_policy, "DROP");
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "forward", "FORWARD policy DROP drops the request", "nat on uplink0",
                 "iptables-legacy -I FORWARD 1 -i tap0 -s 192.168.0.0/24 -j ACCEPT");
    /* With NAT on, umlab's rules ahead of the policy let it through. */
    teardown_lab(&L);
    healthy(&L, WHY_T_GUEST);
    snprintf(L.f.fwd_policy, sizeof L.f.fwd_policy, "DROP");
    why_diagnose(&L.f, &r);
    assert_int_equal(r.first_fail, -1);
    teardown_lab(&L);
}

/* A rule that tests what umlab does not read is "unknown", never a guess. */
static void test_nft_unread_rule_is_unknown(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_INTERNET);
    set_nft(&L, "{\"nftables\": [{\"chain\": {\"family\": \"inet\", \"table\": \"fw\", \"name\": "
                "\"fwd\", \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": "
                "\"drop\"}}, {\"rule\": {\"family\": \"inet\", \"table\": \"fw\", \"chain\": "
                "\"fwd\", \"handle\": 3, \"expr\": [{\"match\": {\"op\": \"==\", \"left\": "
                "{\"meta\": {\"key\": \"mark\"}}, \"right\": 1}}, {\"accept\": null}]}}]}");
    struct why_report r;
    why_diagnose(&L.f, &r);
    const struct why_hop *h = find(&r, "nftables");
    assert_int_equal(h->status, WHY_UNKNOWN);
    assert_non_null(strstr(h->detail, "handle 3"));
    assert_int_equal(r.first_fail, -1);
    teardown_lab(&L);
}

/* Every hop passes on paper, the probe gets no answer: the counters say where. */
static void test_probe_counters_locate(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    no_answer(&L);
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "probe", "nothing left towards the target", NULL, NULL);
    L.f.after = (struct why_counters){2, 0, 0, 1, 1, 0};
    why_diagnose(&L.f, &r);
    expect_cause(&r, "probe", "the target did not answer", NULL, NULL);
    L.f.after = (struct why_counters){0, 0, 0, 0, 0, 0};
    why_diagnose(&L.f, &r);
    expect_cause(&r, "probe", "stops inside the source guest", NULL, NULL);
    teardown_lab(&L);
}

/* Fixed on the host, but g1 still remembers the ARP that failed before. */
static void test_stale_failed_arp(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    L.f.src.neighs[0] = (struct why_neigh){ip4("192.168.0.2"), "eth0", "FAILED"};
    L.f.src.nneighs = 1;
    no_answer(&L);
    L.f.after.src_rx = 0;
    struct why_report r;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "probe", "ARP entry for 192.168.0.2 is FAILED",
                 "send g1 ip neigh flush dev eth0", "ip neigh flush dev eth0");
    teardown_lab(&L);
}

static void test_guest_not_read(void **state)
{
    (void)state;
    struct lab_facts L;
    healthy(&L, WHY_T_GUEST);
    L.f.src.known = false;
    L.f.probed = false;
    snprintf(L.f.src.unknown_why, sizeof L.f.src.unknown_why, "busy with a command");
    struct why_report r;
    why_diagnose(&L.f, &r);
    assert_int_equal(find(&r, "guest")->status, WHY_UNKNOWN);
    assert_int_equal(find(&r, "guest-route")->status, WHY_UNKNOWN);
    L.f.src.running = false;
    why_diagnose(&L.f, &r);
    expect_cause(&r, "guest", "not running", "guest restart g1", NULL);
    teardown_lab(&L);
}

/* ---- a guest's `ip` records ---- */

/* What busybox prints at 40 columns: records wrap anywhere. */
static const char GUEST_TEXT[] =
    "g1:/# echo umlab-why-$((6*7)); for c in link addr route; do ip -o -4 $c show | whi\n"
    "umlab-why-42\n"
    "{link|1:|lo:|<LOOPBACK,UP,LOWER_UP>|mtu|\n"
    "65536}\n"
    "{link|2:|eth0:|<BROADCAST,MULTICAST,UP,L\n"
    "OWER_UP>|mtu|1500|qdisc|pfifo_fast}\n"
    "{link|3:|eth1@if9:|<BROADCAST,MULTICAST>|mtu|1500}\n"
    "{addr|1:|lo|inet|127.0.0.1/8|scope|host|lo\\}\n"
    "{addr|2:|eth0|inet|192.168.0.1/24|scope|global|eth0\\|valid_lft|forever}\n"
    "{route|default|via|192.168.0.254|dev|eth0}\n"
    "{route|192.168.0.0/24|dev|eth0|scope|link|src|192.168.0.1}\n"
    "{route|unreachable|10.0.0.0/8}\n"
    "{neigh|192.168.0.2|dev|eth0|FAILED}\n"
    "{neigh|192.168.0.254|dev|eth0|lladdr|aa:bb:cc:dd:ee:ff|REACH\nABLE}\n"
    "{neigh|192.168.0.9|dev|eth0|lladdr|x|reachable;rm}\n"
    "{addr|2:|eth0|inet|999.1.1.1/24}\n"
    "{route|default|via|1.2.3.4/8|dev|eth0}\n"
    "{link|4:|../../etc:|<UP>}\n"
    "{addr|2:|eth0 inet 6.6.6.6/8}\n"
    "umlab-why-end-42\n"
    "{addr|2:|eth0|inet|7.7.7.7/8}\n"
    "g1:/# ";

static void test_guest_parse(void **state)
{
    (void)state;
    struct why_guest g;
    memset(&g, 0, sizeof g);
    assert_int_equal(why_guest_parse(GUEST_TEXT, &g), 0);
    assert_int_equal(g.nlinks, 3);
    assert_string_equal(g.links[1].dev, "eth0");
    assert_true(g.links[1].up && g.links[1].lower_up); /* joined across the wrap */
    assert_string_equal(g.links[2].dev, "eth1");
    assert_false(g.links[2].up);
    assert_int_equal(g.naddrs, 2); /* the bad address, the blank and the one after the end: out */
    assert_string_equal(g.addrs[1].dev, "eth0");
    assert_int_equal(g.addrs[1].prefix, 24);
    assert_int_equal(g.addrs[1].addr.s_addr, ip4("192.168.0.1").s_addr);
    assert_int_equal(g.nroutes, 2);
    assert_int_equal(g.routes[0].prefix, 0);
    assert_int_equal(g.routes[0].via.s_addr, ip4("192.168.0.254").s_addr);
    assert_int_equal(g.routes[1].prefix, 24);
    assert_int_equal(g.routes[1].via.s_addr, 0);
    assert_int_equal(g.nneighs, 2); /* a state that is not one: out */
    assert_string_equal(g.neighs[0].state, "FAILED");
    assert_string_equal(g.neighs[1].state, "REACHABLE");

    /* The echo of the typed line alone (no output yet) is no answer. */
    assert_int_equal(why_guest_parse("g1:/# " WHY_GUEST_CMD "\n", &g), -1);
    assert_int_equal(g.nlinks + g.naddrs + g.nroutes, 0);
    /* A flood of records stays bounded. */
    static char big[200000];
    size_t n = (size_t)snprintf(big, sizeof big, "umlab-why-42\n");
    while (n + 64 < sizeof big)
        n += (size_t)snprintf(big + n, sizeof big - n, "{route|10.0.0.0/8|dev|eth0}");
    snprintf(big + n, sizeof big - n, "\n%s", WHY_GUEST_END);
    assert_int_equal(why_guest_parse(big, &g), 0);
    assert_int_equal(g.nroutes, WHY_MAX_ROUTES);
}

/* ---- nft's JSON ---- */

static const char NFT_SAMPLE[] =
    "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}},"
    "{\"table\": {\"family\": \"inet\", \"name\": \"lockdown\", \"handle\": 1}},"
    "{\"chain\": {\"family\": \"inet\", \"table\": \"lockdown\", \"name\": \"forward\", "
    "\"handle\": 1, \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": "
    "\"drop\"}},"
    "{\"chain\": {\"family\": \"inet\", \"table\": \"lockdown\", \"name\": \"foo\", \"handle\": "
    "2}},"
    "{\"chain\": {\"family\": \"bridge\", \"table\": \"b\", \"name\": \"forward\", \"type\": "
    "\"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": \"drop\"}},"
    "{\"rule\": {\"family\": \"inet\", \"table\": \"lockdown\", \"chain\": \"forward\", "
    "\"handle\": 3, \"expr\": [{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": "
    "\"state\"}}, \"right\": [\"established\", \"related\"]}}, {\"accept\": null}]}},"
    "{\"rule\": {\"family\": \"inet\", \"table\": \"lockdown\", \"chain\": \"forward\", "
    "\"handle\": 4, \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": "
    "\"iifname\"}}, \"right\": \"tap*\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": "
    "{\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": {\"prefix\": {\"addr\": "
    "\"192.168.0.0\", \"len\": 24}}}}, {\"counter\": {\"packets\": 0, \"bytes\": 0}}, "
    "{\"jump\": {\"target\": \"foo\"}}]}},"
    "{\"rule\": {\"family\": \"inet\", \"table\": \"lockdown\", \"chain\": \"foo\", \"handle\": "
    "5, \"expr\": [{\"match\": {\"op\": \"!=\", \"left\": {\"meta\": {\"key\": \"oifname\"}}, "
    "\"right\": {\"set\": [\"tap1\", \"tap2\"]}}}, {\"accept\": null}]}}]}";

static void test_nft_eval(void **state)
{
    (void)state;
    struct why_nft m;
    struct err e = {""};
    assert_int_equal(why_nft_parse(NFT_SAMPLE, strlen(NFT_SAMPLE), &m, &e), 0);
    assert_int_equal(m.nchains, 2); /* the bridge family is not IPv4's forward path */
    assert_int_equal(m.nrules, 3);
    struct why_nft_result r;
    struct why_flow req = {"tap0", "uplink0", ip4("192.168.0.1"), ip4("198.51.100.1"), false};
    why_nft_forward(&m, &req, &r);
    assert_int_equal(r.verdict, WHY_V_ACCEPT); /* jump foo: oifname not in {tap1, tap2} */
    struct why_flow g2 = {"tap0", "tap1", ip4("192.168.0.1"), ip4("192.168.0.2"), false};
    why_nft_forward(&m, &g2, &r);
    assert_int_equal(r.verdict, WHY_V_DROP); /* foo returns: policy drop */
    assert_string_equal(r.how, "policy drop");
    assert_string_equal(r.table, "lockdown");
    struct why_flow rep = {"uplink0", "tap0", ip4("198.51.100.1"), ip4("192.168.0.1"), true};
    why_nft_forward(&m, &rep, &r);
    assert_int_equal(r.verdict, WHY_V_ACCEPT); /* ct state established */
    struct why_flow spoof = {"tap0", "uplink0", ip4("10.9.9.9"), ip4("198.51.100.1"), false};
    why_nft_forward(&m, &spoof, &r);
    assert_int_equal(r.verdict, WHY_V_DROP);
    why_nft_masq(&m, &req, &r);
    assert_int_equal(r.verdict, WHY_V_DROP); /* no nat chain */
    why_nft_free(&m);

    /* A chain jumped to from every one of its own rules: bounded, unknown. */
    static char loop[200000];
    size_t n = (size_t)snprintf(
        loop, sizeof loop,
        "{\"nftables\": [{\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"f\", "
        "\"type\": \"filter\", \"hook\": \"forward\", \"policy\": \"drop\"}}, {\"chain\": "
        "{\"family\": \"ip\", \"table\": \"t\", \"name\": \"l\"}}");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(loop + n, sizeof loop - n,
                              ", {\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": "
                              "\"%s\", \"expr\": [{\"jump\": {\"target\": \"l\"}}]}}",
                              i == 0 ? "f" : "l");
    snprintf(loop + n, sizeof loop - n, "]}");
    assert_int_equal(why_nft_parse(loop, strlen(loop), &m, &e), 0);
    why_nft_forward(&m, &req, &r);
    assert_int_equal(r.verdict, WHY_V_UNKNOWN);
    assert_non_null(strstr(r.how, "too many"));
    why_nft_free(&m);

    /* Not nft's JSON, or not JSON at all: an error, nothing kept. */
    assert_int_equal(why_nft_parse("{\"x\": 1}", 8, &m, &e), -1);
    assert_int_equal(why_nft_parse("{\"nftables\": [", 14, &m, &e), -1);
    assert_null(m.chains);
}

/* ---- the JSON reader ---- */

static void test_json(void **state)
{
    (void)state;
    struct json *j;
    struct err e = {""};
    const char *ok = " {\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\u00e9\\ud83d\\ude00"
                     "\\n\\u0000\", \"o\": {}} ";
    assert_int_equal(json_parse(ok, strlen(ok), &j, &e), 0);
    const struct json *a = json_get(j, "a");
    assert_int_equal(a->type, JSON_ARR);
    assert_int_equal(a->n, 5);
    assert_true(a->kids[1]->num == -25.0);
    assert_true(a->kids[2]->b);
    assert_false(a->kids[3]->b);
    assert_int_equal(a->kids[4]->type, JSON_NULL);
    assert_string_equal(json_str(json_get(j, "s")), "x\xc3\xa9\xf0\x9f\x98\x80\n\xef\xbf\xbd");
    assert_null(json_only_key(j));
    assert_null(json_get(j, "missing"));
    json_free(j);

    const char *bad[] = {"",    "{",   "[1,]",      "{\"a\" 1}", "\"\\x\"",   "\"\\u12\"",
                         "1 2", "nul", "\"a\x01\"", "[1e999]",   "{\"a\":1,}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (json_parse(bad[i], strlen(bad[i]), &j, &e) == 0)
            fail_msg("accepted bad JSON \"%s\"", bad[i]);
        assert_null(j);
    }
    static char deep[JSON_MAX_DEPTH * 2 + 8];
    memset(deep, '[', JSON_MAX_DEPTH + 2);
    memset(deep + JSON_MAX_DEPTH + 2, ']', JSON_MAX_DEPTH + 2);
    assert_int_equal(json_parse(deep, strlen(deep), &j, &e), -1);
    assert_non_null(strstr(e.msg, "deep"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthy),
        cmocka_unit_test(test_proxy_arp_off),
        cmocka_unit_test(test_no_host_route),
        cmocka_unit_test(test_ip_forward_off),
        cmocka_unit_test(test_nat_off),
        cmocka_unit_test(test_nft_forward_policy_drop),
        cmocka_unit_test(test_no_default_route),
        cmocka_unit_test(test_tap_down),
        cmocka_unit_test(test_wrong_netmask_on_lan),
        cmocka_unit_test(test_wrong_netmask_on_lan_nic),
        cmocka_unit_test(test_wrong_netmask_routed),
        cmocka_unit_test(test_legacy_forward_drop),
        cmocka_unit_test(test_nft_unread_rule_is_unknown),
        cmocka_unit_test(test_probe_counters_locate),
        cmocka_unit_test(test_stale_failed_arp),
        cmocka_unit_test(test_guest_not_read),
        cmocka_unit_test(test_guest_parse),
        cmocka_unit_test(test_nft_eval),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
