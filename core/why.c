/* why.c — see why.h. The path of one ping, hop by hop, from the facts alone. */
#include "core/why.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *why_status_name(enum why_status s)
{
    return s == WHY_PASS ? "pass" : s == WHY_FAIL ? "fail" : "unknown";
}

static uint32_t mask_of(int prefix)
{
    return prefix <= 0 ? 0 : htonl(0xffffffffU << (32 - (prefix > 32 ? 32 : prefix)));
}

static bool in_prefix(struct in_addr a, struct in_addr net, int prefix)
{
    return (a.s_addr & mask_of(prefix)) == (net.s_addr & mask_of(prefix));
}

static const char *ip(struct in_addr a, char *buf)
{
    return addr_str(a, buf);
}

/* ---- building hops ---- */

static struct why_hop *hop(struct why_report *r, const char *id, const char *title)
{
    if (r->n >= WHY_MAX_HOPS)
        return &r->hops[WHY_MAX_HOPS - 1]; /* never: the walk has fewer hops */
    struct why_hop *h = &r->hops[r->n++];
    memset(h, 0, sizeof *h);
    h->id = id;
    h->title = title;
    h->status = WHY_PASS;
    return h;
}

__attribute__((format(printf, 3, 4))) static void say(struct why_hop *h, enum why_status s,
                                                      const char *fmt, ...)
{
    h->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->detail, sizeof h->detail, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void fix(struct why_hop *h, const char *fmt, ...)
{
    if (h->nfix >= WHY_MAX_FIXES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->fix[h->nfix++], WHY_FIXSZ, fmt, ap);
    va_end(ap);
}

/* A shell command on ON ("host" or a guest). A host-side one is also the
 * umlab command `host CMD` (run in the lab's namespace) unless UMLAB_TOO is false. */
__attribute__((format(printf, 4, 5))) static void shell(struct why_hop *h, const char *on,
                                                        bool umlab_too, const char *fmt, ...)
{
    if (h->nshell >= WHY_MAX_FIXES)
        return;
    snprintf(h->shell_on, sizeof h->shell_on, "%s", on);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->shell[h->nshell], WHY_FIXSZ, fmt, ap);
    va_end(ap);
    if (umlab_too)
        fix(h, "host %s", h->shell[h->nshell]);
    h->nshell++;
}

/* ---- reading a guest's facts ---- */

static const struct why_link *g_link(const struct why_guest *g, const char *dev)
{
    for (size_t i = 0; i < g->nlinks; i++)
        if (strcmp(g->links[i].dev, dev) == 0)
            return &g->links[i];
    return NULL;
}

/* The address on DEV: umlab's when it is there, else the first. */
static const struct why_addr *g_addr(const struct why_guest *g, const char *dev)
{
    const struct why_addr *first = NULL;
    for (size_t i = 0; i < g->naddrs; i++) {
        if (strcmp(g->addrs[i].dev, dev) != 0)
            continue;
        if (g->addrs[i].addr.s_addr == g->want.s_addr)
            return &g->addrs[i];
        if (!first)
            first = &g->addrs[i];
    }
    return first;
}

/* Longest-prefix match in the guest's main table. */
static const struct why_route *g_route(const struct why_guest *g, struct in_addr dst)
{
    const struct why_route *best = NULL;
    for (size_t i = 0; i < g->nroutes; i++) {
        const struct why_route *rt = &g->routes[i];
        if (in_prefix(dst, rt->dst, rt->prefix) && (!best || rt->prefix > best->prefix))
            best = rt;
    }
    return best;
}

/* " (its eth0 is A/P, the lab's subnet is /W)" when the prefix is not umlab's. */
static void netmask_note(const struct why_guest *g, char *out, size_t outsz)
{
    out[0] = '\0';
    const struct why_addr *a = g_addr(g, g->nic);
    char as[INET_ADDRSTRLEN];
    if (a && g->want_prefix && a->prefix != g->want_prefix)
        snprintf(out, outsz, ": a wrong netmask, %s/%d on %s where the subnet is /%d",
                 ip(a->addr, as), a->prefix, a->dev, g->want_prefix);
}

/* The guest-side fix that puts umlab's address, prefix and default route back. */
static void fix_guest_ip(struct why_hop *h, const struct why_guest *g, struct in_addr gw, bool lan)
{
    char as[INET_ADDRSTRLEN], gs[INET_ADDRSTRLEN];
    /* `ip GUEST ADDR` without ethN addresses the routed tap: a LAN NIC is named. */
    if (g->want.s_addr && lan)
        fix(h, "ip %s %s %s/%d", g->name, g->nic, ip(g->want, as), g->want_prefix);
    else
        fix(h, "ip %s", g->name);
    if (!g->want.s_addr)
        return;
    snprintf(h->shell_on, sizeof h->shell_on, "%s", g->name);
    snprintf(h->shell[0], WHY_FIXSZ, "ip link set %s up; ip addr flush dev %s", g->nic, g->nic);
    snprintf(h->shell[1], WHY_FIXSZ, "ip addr add %s/%d dev %s", ip(g->want, as), g->want_prefix,
             g->nic);
    h->nshell = 2;
    if (gw.s_addr)
        snprintf(h->shell[h->nshell++], WHY_FIXSZ, "ip route add default via %s", ip(gw, gs));
}

/* ---- x_tables (umlab's rules) ---- */

static bool xt_name_is(const char *rule_if, const char *dev)
{
    size_t n = strlen(rule_if);
    if (n == 0)
        return true;
    if (rule_if[n - 1] == '+')
        return strncmp(rule_if, dev ? dev : "", n - 1) == 0;
    return strcmp(rule_if, dev ? dev : "") == 0;
}

enum xt_match { XT_NO, XT_YES, XT_MAYBE };

static enum xt_match xt_matches(const struct rule_info *r, const struct why_flow *f)
{
    const struct rule_spec *s = &r->spec;
    bool m = xt_name_is(s->in_if, f->iif) && xt_name_is(s->out_if, f->oif) &&
             (f->src.s_addr & s->smsk) == (s->src & s->smsk) &&
             (f->dst.s_addr & s->dmsk) == (s->dst & s->dmsk) &&
             (r->proto == 0 || r->proto == IPPROTO_ICMP);
    if (r->inverted)
        return XT_MAYBE; /* a "!" turns any of the above around */
    if (!m)
        return XT_NO;
    return r->other_match ? XT_MAYBE : XT_YES;
}

/* Targets that let the packet go on to the next rule. */
static bool xt_passes_on(const char *t)
{
    static const char *const on[] = {"LOG", "NFLOG", "ULOG", "TRACE", "MARK", "CONNMARK", NULL};
    for (size_t i = 0; on[i]; i++)
        if (strcmp(t, on[i]) == 0)
            return true;
    return false;
}

/* What filter FORWARD does with F. HOW says which rule or the policy. */
static enum why_verdict xt_forward(const struct why_facts *fa, const struct why_flow *f, char *how,
                                   size_t howsz)
{
    bool maybe_accept = false, maybe_drop = false;
    char maybe[96] = "";
    for (size_t i = 0; i < fa->nfwd; i++) {
        const struct rule_info *r = &fa->fwd[i];
        enum xt_match m = xt_matches(r, f);
        if (m == XT_NO || xt_passes_on(r->target_name))
            continue;
        enum why_verdict v =
            strcmp(r->target_name, "ACCEPT") == 0 ? WHY_V_ACCEPT
            : strcmp(r->target_name, "DROP") == 0 || strcmp(r->target_name, "REJECT") == 0
                ? WHY_V_DROP
                : WHY_V_UNKNOWN; /* a user chain, RETURN, ... */
        if (strcmp(r->target_name, "RETURN") == 0 && m == XT_YES)
            break; /* RETURN from a built-in chain: its policy */
        if (m == XT_MAYBE || v == WHY_V_UNKNOWN) {
            maybe_accept |= v != WHY_V_DROP;
            maybe_drop |= v != WHY_V_ACCEPT;
            if (!maybe[0])
                snprintf(maybe, sizeof maybe,
                         "FORWARD rule %zu (-j %s) tests what umlab does not read", i + 1,
                         r->target_name);
            continue;
        }
        if ((v == WHY_V_ACCEPT && maybe_drop) || (v == WHY_V_DROP && maybe_accept)) {
            snprintf(how, howsz, "%s", maybe);
            return WHY_V_UNKNOWN;
        }
        snprintf(how, howsz, "FORWARD rule %zu (-j %s%s%s)", i + 1, r->target_name,
                 r->spec.comment[0] ? ", " : "", r->spec.comment);
        return v;
    }
    enum why_verdict v = strcmp(fa->fwd_policy, "DROP") == 0 ? WHY_V_DROP : WHY_V_ACCEPT;
    if ((v == WHY_V_ACCEPT && maybe_drop) || (v == WHY_V_DROP && maybe_accept)) {
        snprintf(how, howsz, "%s", maybe);
        return WHY_V_UNKNOWN;
    }
    snprintf(how, howsz, "FORWARD policy %s", fa->fwd_policy[0] ? fa->fwd_policy : "ACCEPT");
    return v;
}

/* Whether nat POSTROUTING masquerades F: accept = yes, drop = no. */
static enum why_verdict xt_masq(const struct why_facts *fa, const struct why_flow *f)
{
    for (size_t i = 0; i < fa->npost; i++) {
        const struct rule_info *r = &fa->post[i];
        enum xt_match m = xt_matches(r, f);
        bool nat = strcmp(r->target_name, "MASQUERADE") == 0 || strcmp(r->target_name, "SNAT") == 0;
        if (m == XT_NO || xt_passes_on(r->target_name))
            continue;
        if (m == XT_MAYBE)
            return WHY_V_UNKNOWN;
        return nat ? WHY_V_ACCEPT : WHY_V_DROP; /* ACCEPT in nat: no NAT for it */
    }
    return WHY_V_DROP;
}

bool why_xt_may_count(const struct rule_info *r, const struct why_flow *f)
{
    return xt_matches(r, f) != XT_NO;
}

bool why_xt_terminal(const struct rule_info *r)
{
    return !xt_passes_on(r->target_name);
}

void why_path_of(const struct why_facts *f, struct why_path *p)
{
    memset(p, 0, sizeof *p);
    p->to_host = f->kind == WHY_T_HOST;
    p->lan = f->kind == WHY_T_GUEST && f->src_tap.bridge[0] &&
             strcmp(f->src_tap.bridge, f->dst_tap.bridge) == 0;
    if (p->to_host)
        return;
    if (f->kind == WHY_T_GUEST)
        p->out_dev = f->dst_tap.name;
    else if (!subnet_contains(&f->subnet, f->dst) && f->uplink[0])
        p->out_dev = f->uplink;
    p->masq = p->out_dev && !p->lan && f->uplink[0] && strcmp(p->out_dev, f->uplink) == 0;
}

/* ---- the walk ---- */

struct walk {
    const struct why_facts *f;
    struct why_report *r;
    struct in_addr src;  /* the address the source really uses */
    struct in_addr next; /* the source's next hop for dst (0: no route) */
    const char *out_dev; /* the host's way to the target: the target's tap or the uplink */
    bool to_host, lan;
};

static const char *xt_cmd(const struct why_facts *f)
{
    return f->iptables_flavor && strcmp(f->iptables_flavor, "nf_tables") == 0 ? "iptables-legacy"
                                                                              : "iptables";
}

static bool guest_ready(struct walk *w, const struct why_guest *g, const char *id,
                        const char *title)
{
    struct why_hop *h = hop(w->r, id, title);
    if (!g->running) {
        say(h, WHY_FAIL, "%s is not running", g->name);
        fix(h, "guest restart %s", g->name);
        return false;
    }
    if (!g->known) {
        say(h, WHY_UNKNOWN, "%s's own view of its network was not read: %s", g->name,
            g->unknown_why[0] ? g->unknown_why : "no answer");
        return false;
    }
    say(h, WHY_PASS, "%s is running; its `ip` output was read", g->name);
    return true;
}

/* NIC up, umlab's address on it. */
static void guest_nic_addr(struct walk *w, const struct why_guest *g, bool known, bool is_src)
{
    char as[INET_ADDRSTRLEN], ws[INET_ADDRSTRLEN];
    struct in_addr gw = w->lan ? (struct in_addr){0} : w->f->host;
    struct why_hop *h = hop(w->r, is_src ? "guest-nic" : "target-nic",
                            is_src ? "the source's NIC is up" : "the target's NIC is up");
    const struct why_link *l = known ? g_link(g, g->nic) : NULL;
    if (!known)
        say(h, WHY_UNKNOWN, "not read");
    else if (!l)
        say(h, WHY_FAIL, "%s has no %s", g->name, g->nic);
    else if (!l->up) {
        say(h, WHY_FAIL, "%s's %s is down", g->name, g->nic);
        fix_guest_ip(h, g, gw, w->lan);
    } else
        say(h, WHY_PASS, "%s's %s is up%s", g->name, g->nic, l->lower_up ? "" : " (no carrier)");

    h = hop(w->r, is_src ? "guest-addr" : "target-addr",
            is_src ? "the source's address" : "the target's address");
    const struct why_addr *a = known ? g_addr(g, g->nic) : NULL;
    if (!g->want.s_addr) {
        say(h, WHY_FAIL, "umlab has given %s no address yet", g->name);
        fix(h, "ip %s", g->name);
    } else if (!known) {
        say(h, WHY_UNKNOWN, "not read");
    } else if (!a) {
        say(h, WHY_FAIL, "%s has no IPv4 address on %s (umlab gave it %s)", g->name, g->nic,
            ip(g->want, ws));
        fix_guest_ip(h, g, gw, w->lan);
    } else if (a->addr.s_addr != g->want.s_addr) {
        say(h, WHY_FAIL, "%s's %s has %s/%d, not umlab's %s", g->name, g->nic, ip(a->addr, as),
            a->prefix, ip(g->want, ws));
        fix_guest_ip(h, g, gw, w->lan);
    } else {
        say(h, WHY_PASS, "%s/%d on %s", ip(a->addr, as), a->prefix, g->nic);
    }
    if (is_src)
        w->src = a ? a->addr : g->want;
}

/* The guest's route to DST and where it sends the packet first (NEXT). */
static void guest_route(struct walk *w, struct why_hop *h, const struct why_guest *g,
                        struct in_addr dst, struct in_addr *next, const char *to)
{
    char ds[INET_ADDRSTRLEN], vs[INET_ADDRSTRLEN], note[160];
    next->s_addr = 0;
    struct in_addr gw = w->lan ? (struct in_addr){0} : w->f->host;
    const struct why_route *rt = g_route(g, dst);
    netmask_note(g, note, sizeof note);
    if (!rt) {
        say(h, WHY_FAIL, "%s has no route to %s (%s)%s", g->name, ip(dst, ds), to,
            note[0] ? note : ": no default route");
        fix_guest_ip(h, g, gw, w->lan);
        return;
    }
    if (strcmp(rt->dev, g->nic) != 0) {
        say(h, WHY_FAIL, "%s routes %s out of %s, not %s (umlab's NIC)%s", g->name, ip(dst, ds),
            rt->dev, g->nic, note);
        fix_guest_ip(h, g, gw, w->lan);
        return;
    }
    if (w->lan && rt->via.s_addr) {
        say(h, WHY_FAIL, "%s sends %s to its gateway %s instead of straight onto the LAN%s",
            g->name, ip(dst, ds), ip(rt->via, vs), note);
        fix_guest_ip(h, g, gw, w->lan);
        return;
    }
    *next = rt->via.s_addr ? rt->via : dst;
    if (rt->via.s_addr)
        say(h, WHY_PASS, "%s reaches %s via %s on %s", g->name, ip(dst, ds), ip(rt->via, vs),
            rt->dev);
    else
        say(h, WHY_PASS, "%s reaches %s on-link on %s (ARP)", g->name, ip(dst, ds), rt->dev);
}

static void tap_hop(struct walk *w, const struct why_tap *t, const struct why_guest *g, bool is_src)
{
    struct why_hop *h = hop(w->r, is_src ? "tap" : "target-tap",
                            is_src ? "the source's tap is up" : "the target's tap is up");
    if (!t->exists) {
        say(h, WHY_FAIL, "the host has no %s (%s's NIC)", t->name, g->name);
        fix(h, "guest del %s", g->name);
        fix(h, "guest add %s", g->name);
    } else if (!t->up) {
        say(h, WHY_FAIL, "%s is down on the host", t->name);
        shell(h, "host", true, "ip link set %s up", t->name);
    } else if (!t->carrier) {
        say(h, WHY_FAIL, "%s is up but has no carrier: %s does not hold it open", t->name, g->name);
        fix(h, "guest restart %s", g->name);
    } else if (w->lan && !t->bridge_up) {
        say(h, WHY_FAIL, "%s's LAN bridge %s is down", t->name, t->bridge);
        shell(h, "host", true, "ip link set %s up", t->bridge);
    } else {
        say(h, WHY_PASS, "%s is up with carrier%s%s", t->name, w->lan ? ", on LAN bridge " : "",
            w->lan ? t->bridge : "");
    }
}

/* The host's route to a guest through its tap. */
static void host_route_hop(struct walk *w, const struct why_tap *t, const struct why_guest *g,
                           const char *id, const char *title)
{
    char as[INET_ADDRSTRLEN];
    struct why_hop *h = hop(w->r, id, title);
    if (!g->want.s_addr)
        say(h, WHY_UNKNOWN, "%s has no address", g->name);
    else if (!t->route) {
        say(h, WHY_FAIL, "the host has no route to %s through %s", ip(g->want, as), t->name);
        shell(h, "host", true, "ip route add %s/32 dev %s", as, t->name);
    } else
        say(h, WHY_PASS, "%s/32 dev %s", ip(g->want, as), t->name);
}

/* Who answers the source's ARP for NEXT on its tap: the host for its own
 * address, proxy_arp for anything it routes elsewhere. */
static void arp_hop(struct walk *w, const struct why_tap *t, const struct why_guest *g,
                    struct in_addr next, const char *id, const char *title)
{
    char ns[INET_ADDRSTRLEN];
    struct why_hop *h = hop(w->r, id, title);
    if (!next.s_addr) {
        say(h, WHY_UNKNOWN, "%s has no next hop", g->name);
    } else if (next.s_addr == w->f->host.s_addr) {
        if (t->host_addr)
            say(h, WHY_PASS, "the host answers ARP for its own %s on %s", ip(next, ns), t->name);
        else {
            say(h, WHY_FAIL, "the host's address %s is not on %s: nobody answers %s's ARP",
                ip(next, ns), t->name, g->name);
            shell(h, "host", true, "ip addr add %s/32 dev %s", ns, t->name);
        }
    } else if (t->proxy_arp == 1) {
        say(h, WHY_PASS, "proxy_arp on %s: the host answers ARP for %s", t->name, ip(next, ns));
    } else if (t->proxy_arp < 0) {
        say(h, WHY_UNKNOWN, "proxy_arp of %s could not be read", t->name);
    } else {
        say(h, WHY_FAIL,
            "proxy_arp is off on %s: nobody answers %s's ARP for %s (it is on another tap)",
            t->name, g->name, ip(next, ns));
        shell(h, "host", true, "sysctl -w net.ipv4.conf.%s.proxy_arp=1", t->name);
    }
}

static void rp_filter_hop(struct walk *w)
{
    const struct why_facts *f = w->f;
    char as[INET_ADDRSTRLEN];
    struct why_hop *h = hop(w->r, "rp-filter", "rp_filter lets the source in");
    int mode = f->rp_filter_all > f->src_tap.rp_filter ? f->rp_filter_all : f->src_tap.rp_filter;
    if (mode < 0)
        say(h, WHY_UNKNOWN, "rp_filter could not be read");
    else if (mode == 0)
        say(h, WHY_PASS, "rp_filter is off on %s", f->src_tap.name);
    else if (f->src_tap.src_route)
        say(h, WHY_PASS, "rp_filter=%d: the host routes %s back through %s", mode, ip(w->src, as),
            f->src_tap.name);
    else {
        say(h, WHY_FAIL, "rp_filter=%d drops what %s sends from %s: the host routes it elsewhere",
            mode, f->src.name, ip(w->src, as));
        if (w->src.s_addr != f->src.want.s_addr && f->src.want.s_addr)
            fix_guest_ip(h, &f->src, f->host, false);
        else
            shell(h, "host", true, "ip route add %s/32 dev %s", as, f->src_tap.name);
    }
}

static void forwarding_hop(struct walk *w)
{
    const struct why_facts *f = w->f;
    struct why_hop *h = hop(w->r, "ip-forward", "the host forwards (ip_forward)");
    if (f->ip_forward < 0)
        say(h, WHY_UNKNOWN, "net.ipv4.ip_forward could not be read");
    else if (f->ip_forward == 0) {
        say(h, WHY_FAIL,
            "net.ipv4.ip_forward is 0: the host routes nothing between its interfaces");
        shell(h, "host", true, "sysctl -w net.ipv4.ip_forward=1");
    } else if (f->src_tap.forwarding == 0) {
        say(h, WHY_FAIL, "forwarding is off on %s (net.ipv4.conf.%s.forwarding=0)", f->src_tap.name,
            f->src_tap.name);
        shell(h, "host", true, "sysctl -w net.ipv4.conf.%s.forwarding=1", f->src_tap.name);
    } else
        say(h, WHY_PASS, "net.ipv4.ip_forward=1");
}

/* The host's way on to the target: its tap, or the uplink. */
static void target_route_hop(struct walk *w)
{
    const struct why_facts *f = w->f;
    char ds[INET_ADDRSTRLEN];
    if (f->kind == WHY_T_GUEST) {
        tap_hop(w, &f->dst_tap, &f->dst_guest, false);
        host_route_hop(w, &f->dst_tap, &f->dst_guest, "target-route",
                       "the host routes to the target's tap");
        w->out_dev = f->dst_tap.name;
        return;
    }
    struct why_hop *h = hop(w->r, "target-route", "the host routes to the target");
    if (subnet_contains(&f->subnet, f->dst)) {
        say(h, WHY_FAIL, "no guest has %s: the host has no route for it", ip(f->dst, ds));
        return;
    }
    if (!f->uplink[0]) {
        say(h, WHY_UNKNOWN,
            "%s is outside the lab; without an uplink (`nat on UPLINK`) umlab "
            "does not know the host's way there",
            ip(f->dst, ds));
        return;
    }
    w->out_dev = f->uplink;
    if (!f->uplink_exists)
        say(h, WHY_FAIL, "the uplink %s does not exist", f->uplink);
    else if (!f->uplink_up) {
        say(h, WHY_FAIL, "the uplink %s is down", f->uplink);
        shell(h, "host", true, "ip link set %s up", f->uplink);
    } else if (!f->uplink_carrier)
        say(h, WHY_FAIL, "the uplink %s has no carrier", f->uplink);
    else
        say(h, WHY_PASS, "out of the uplink %s", f->uplink);
}

static void flows(const struct walk *w, struct why_flow *req, struct why_flow *rep)
{
    const struct why_facts *f = w->f;
    *req = (struct why_flow){f->src_tap.name, w->out_dev, w->src, f->dst, false};
    *rep = (struct why_flow){w->out_dev, f->src_tap.name, f->dst, w->src, true};
}

static void forward_hop(struct walk *w)
{
    const struct why_facts *f = w->f;
    struct why_hop *h = hop(w->r, "forward", "FORWARD (umlab's x_tables rules)");
    if (!w->out_dev) {
        say(h, WHY_UNKNOWN, "no way out to check it against");
        return;
    }
    if (!f->xt_known) {
        say(h, WHY_UNKNOWN, "the FORWARD chain could not be read: %s", f->xt_error);
        return;
    }
    struct why_flow req, rep;
    flows(w, &req, &rep);
    char how1[128], how2[128];
    enum why_verdict v1 = xt_forward(f, &req, how1, sizeof how1);
    enum why_verdict v2 = xt_forward(f, &rep, how2, sizeof how2);
    char sub[RULE_CIDRSZ];
    rule_cidr_str(f->subnet.net.s_addr, mask_of(f->subnet.prefix), sub, sizeof sub);
    if (v1 == WHY_V_DROP || v2 == WHY_V_DROP) {
        say(h, WHY_FAIL, "%s drops the %s (%s -> %s)", v1 == WHY_V_DROP ? how1 : how2,
            v1 == WHY_V_DROP ? "request" : "reply", v1 == WHY_V_DROP ? req.iif : rep.iif,
            v1 == WHY_V_DROP ? req.oif : rep.oif);
        if (!f->nat) {
            fix(h, "nat on%s%s", f->uplink[0] ? " " : "", f->uplink);
            h->nfix = 1;
        }
        char s1[WHY_FIXSZ], s2[WHY_FIXSZ];
        snprintf(s1, sizeof s1, "%s -I FORWARD 1 -i %s -s %s -j ACCEPT", xt_cmd(f), f->src_tap.name,
                 sub);
        snprintf(s2, sizeof s2, "%s -I FORWARD 1 -o %s -d %s -j ACCEPT", xt_cmd(f), f->src_tap.name,
                 sub);
        shell(h, "host", f->nat, "%s", s1);
        shell(h, "host", f->nat, "%s", s2);
    } else if (v1 == WHY_V_UNKNOWN || v2 == WHY_V_UNKNOWN) {
        say(h, WHY_UNKNOWN, "%s", v1 == WHY_V_UNKNOWN ? how1 : how2);
    } else {
        say(h, WHY_PASS, "request: %s; reply: %s", how1, how2);
    }
}

static void nft_hop(struct walk *w)
{
    const struct why_facts *f = w->f;
    struct why_hop *h = hop(w->r, "nftables", "the host's own nf_tables forward chains");
    if (f->nft_state == WHY_NFT_ABSENT) {
        say(h, WHY_UNKNOWN,
            "`nft` is not installed: nf_tables rules (a firewall, iptables-nft, "
            "docker) were not read");
        return;
    }
    if (f->nft_state == WHY_NFT_ERROR || !f->nft) {
        say(h, WHY_UNKNOWN, "nft: %s", f->nft_error);
        return;
    }
    if (!w->out_dev) {
        say(h, WHY_UNKNOWN, "no way out to check it against");
        return;
    }
    struct why_flow req, rep;
    flows(w, &req, &rep);
    struct why_nft_result r1, r2;
    why_nft_forward(f->nft, &req, &r1);
    why_nft_forward(f->nft, &rep, &r2);
    const struct why_nft_result *bad = r1.verdict == WHY_V_DROP   ? &r1
                                       : r2.verdict == WHY_V_DROP ? &r2
                                                                  : NULL;
    if (bad) {
        say(h, WHY_FAIL, "nf_tables chain %s %s %s drops the %s (%s), whatever umlab's rules say",
            bad->family, bad->table, bad->chain, bad == &r1 ? "request" : "reply", bad->how);
        shell(h, "host", true, "nft insert rule %s %s %s iifname %s accept", bad->family,
              bad->table, bad->chain, f->src_tap.name);
        shell(h, "host", true, "nft insert rule %s %s %s oifname %s accept", bad->family,
              bad->table, bad->chain, f->src_tap.name);
    } else if (r1.verdict == WHY_V_UNKNOWN || r2.verdict == WHY_V_UNKNOWN) {
        const struct why_nft_result *u = r1.verdict == WHY_V_UNKNOWN ? &r1 : &r2;
        say(h, WHY_UNKNOWN, "nf_tables chain %s %s %s: %s", u->family, u->table, u->chain, u->how);
    } else if (r1.chain[0]) {
        say(h, WHY_PASS, "nf_tables chain %s %s %s accepts (%s)", r1.family, r1.table, r1.chain,
            r1.how);
    } else {
        say(h, WHY_PASS, "no nf_tables forward chain");
    }
}

static void nat_hop(struct walk *w)
{
    const struct why_facts *f = w->f;
    char sub[RULE_CIDRSZ];
    rule_cidr_str(f->subnet.net.s_addr, mask_of(f->subnet.prefix), sub, sizeof sub);
    struct why_hop *h = hop(w->r, "nat", "MASQUERADE out of the uplink");
    if (!w->out_dev) {
        say(h, WHY_UNKNOWN, "no uplink to check it against");
        return;
    }
    struct why_flow req, rep;
    flows(w, &req, &rep);
    enum why_verdict xv = f->xt_known ? xt_masq(f, &req) : WHY_V_UNKNOWN;
    struct why_nft_result nr = {.verdict = WHY_V_DROP};
    if (f->nft_state == WHY_NFT_READ && f->nft)
        why_nft_masq(f->nft, &req, &nr);
    if (xv == WHY_V_ACCEPT)
        say(h, WHY_PASS, "MASQUERADE -o %s covers %s", f->uplink, f->src.name);
    else if (nr.verdict == WHY_V_ACCEPT)
        say(h, WHY_PASS, "nf_tables %s %s %s masquerades it (%s)", nr.family, nr.table, nr.chain,
            nr.how);
    else if (xv == WHY_V_UNKNOWN || nr.verdict == WHY_V_UNKNOWN)
        say(h, WHY_UNKNOWN, "a POSTROUTING rule may or may not NAT it%s%s", f->xt_known ? "" : ": ",
            f->xt_known ? "" : f->xt_error);
    else {
        say(h, WHY_FAIL,
            "nothing masquerades %s out of %s: the reply would come back to %s, which %s "
            "has no route to",
            f->src.name, f->uplink, sub, f->target);
        if (f->nat) {
            fix(h, "nat off");
            fix(h, "nat on %s", f->uplink);
        } else {
            fix(h, "nat on%s%s", f->uplink[0] ? " " : "", f->uplink);
        }
        snprintf(h->shell_on, sizeof h->shell_on, "host");
        snprintf(h->shell[0], WHY_FIXSZ, "%s -t nat -I POSTROUTING -s %s -o %s -j MASQUERADE",
                 xt_cmd(f), sub, f->uplink);
        h->nshell = 1;
    }
}

/* The target guest: up, addressed, and able to answer the source. */
static void target_guest(struct walk *w)
{
    const struct why_facts *f = w->f;
    const struct why_guest *t = &f->dst_guest;
    bool known = guest_ready(w, t, "target", "the target is running");
    guest_nic_addr(w, t, known, false);
    struct why_hop *h = hop(w->r, "return", "the target's way back to the source");
    if (!known) {
        say(h, WHY_UNKNOWN, "not read");
        return;
    }
    struct in_addr back;
    char to[64];
    snprintf(to, sizeof to, "the way back to %s", f->src.name);
    guest_route(w, h, t, w->src, &back, to);
    if (h->status != WHY_PASS || w->lan)
        return;
    /* It ARPs for BACK on its tap: the host answers as for the source. */
    arp_hop(w, &f->dst_tap, t, back, "return-arp", "ARP on the target's tap");
}

static void probe_hop(struct walk *w)
{
    const struct why_facts *f = w->f;
    struct why_hop *h = hop(w->r, "probe", "one ping, and the counters it moved");
    if (!f->probed) {
        say(h, WHY_UNKNOWN, "no probe was sent");
        return;
    }
    const struct why_counters *a = &f->after, *b = &f->before;
#define D(x) (a->x >= b->x ? a->x - b->x : 0)
    uint64_t srx = D(src_rx), stx = D(src_tx), drx = D(dst_rx), dtx = D(dst_tx), fwd = D(fwd),
             masq = D(masq);
#undef D
    const char *st = f->src_tap.name;
    const char *dt = f->kind == WHY_T_GUEST ? f->dst_tap.name : w->out_dev ? w->out_dev : "?";
    char moved[160];
    if (f->kind == WHY_T_HOST)
        snprintf(moved, sizeof moved, "%s rx +%llu tx +%llu", st, (unsigned long long)srx,
                 (unsigned long long)stx);
    else
        snprintf(moved, sizeof moved,
                 "%s rx +%llu, %s tx +%llu rx +%llu, %s tx +%llu; FORWARD "
                 "+%llu, MASQUERADE +%llu",
                 st, (unsigned long long)srx, dt, (unsigned long long)dtx, (unsigned long long)drx,
                 st, (unsigned long long)stx, (unsigned long long)fwd, (unsigned long long)masq);
    if (f->received > 0) {
        say(h, WHY_PASS, "%ld/%ld answered (%s)", f->received, f->sent, moved);
        return;
    }
    for (size_t i = 0; i + 1 < w->r->n; i++)
        if (w->r->hops[i].status == WHY_FAIL) {
            /* The counters also move with ARP and IPv6 chatter: they locate a
             * drop only when nothing above explains it. */
            say(h, WHY_FAIL, "0/%ld answered, as %s above explains (%s)", f->sent, w->r->hops[i].id,
                moved);
            return;
        }
    const char *where;
    const struct why_neigh *nb = NULL;
    for (size_t i = 0; i < f->src.nneighs && w->next.s_addr; i++)
        if (f->src.neighs[i].addr.s_addr == w->next.s_addr)
            nb = &f->src.neighs[i];
    if (srx == 0 && nb &&
        (strcmp(nb->state, "FAILED") == 0 || strcmp(nb->state, "INCOMPLETE") == 0)) {
        /* An ARP that failed before the fix is remembered for a while. */
        char ns[INET_ADDRSTRLEN];
        say(h, WHY_FAIL,
            "0/%ld answered; %s's ARP entry for %s is %s (left from before?): it sends "
            "nothing until that entry goes (%s)",
            f->sent, f->src.name, ip(nb->addr, ns), nb->state, moved);
        fix(h, "send %s ip neigh flush dev %s", f->src.name, nb->dev);
        snprintf(h->shell_on, sizeof h->shell_on, "%s", f->src.name);
        snprintf(h->shell[0], WHY_FIXSZ, "ip neigh flush dev %s", nb->dev);
        h->nshell = 1;
        return;
    }
    if (srx == 0)
        where = "nothing came out of the guest onto its tap: it stops inside the source guest";
    else if (f->kind == WHY_T_HOST)
        where = stx == 0 ? "the tap got it and the host sent nothing back (its INPUT rules?)"
                         : "the host answered onto the tap; the source guest dropped the answer";
    else if (dtx == 0)
        where = "the source's tap got it and nothing left towards the target: the host "
                "dropped it";
    else if (drx == 0)
        where = "it left the host towards the target and nothing came back: the target did "
                "not answer";
    else if (stx == 0)
        where = "the answer came back into the host and never went out of the source's tap";
    else
        where = "the answer went out of the source's tap: the source guest dropped it";
    say(h, WHY_FAIL, "0/%ld answered; %s (%s)", f->sent, where, moved);
}

void why_diagnose(const struct why_facts *f, struct why_report *r)
{
    memset(r, 0, sizeof *r);
    r->first_fail = -1;
    struct walk w = {.f = f, .r = r};
    struct why_path path;
    why_path_of(f, &path);
    w.to_host = path.to_host;
    w.lan = path.lan;
    char ds[INET_ADDRSTRLEN];

    bool known = guest_ready(&w, &f->src, "guest", "the source is running");
    guest_nic_addr(&w, &f->src, known, true);
    struct why_hop *h = hop(r, "guest-route", "the source's route to the target");
    if (known) {
        char to[64];
        snprintf(to, sizeof to, "%s", f->target);
        guest_route(&w, h, &f->src, f->dst, &w.next, to);
    } else {
        say(h, WHY_UNKNOWN, "not read");
    }
    tap_hop(&w, &f->src_tap, &f->src, true);
    if (w.lan) {
        tap_hop(&w, &f->dst_tap, &f->dst_guest, false);
        target_guest(&w);
    } else {
        host_route_hop(&w, &f->src_tap, &f->src, "host-route",
                       "the host routes back to the source");
        arp_hop(&w, &f->src_tap, &f->src, w.next, "arp", "ARP on the source's tap");
        rp_filter_hop(&w);
        if (w.to_host) {
            struct why_hop *t = hop(r, "target", "the host answers");
            say(t, WHY_PASS, "%s is the host's own address on %s", ip(f->dst, ds), f->src_tap.name);
        } else {
            forwarding_hop(&w);
            target_route_hop(&w);
            forward_hop(&w);
            nft_hop(&w);
            if (w.out_dev && f->uplink[0] && strcmp(w.out_dev, f->uplink) == 0)
                nat_hop(&w);
            if (f->kind == WHY_T_GUEST)
                target_guest(&w);
        }
    }
    probe_hop(&w);

    for (size_t i = 0; i < r->n; i++)
        if (r->hops[i].status == WHY_FAIL) {
            r->first_fail = (int)i;
            break;
        }
    r->reachable = f->probed && f->received > 0;
    char head[96];
    snprintf(head, sizeof head, "%s -> %s (%s)", f->src.name, f->target, ip(f->dst, ds));
    const struct why_hop *ff = r->first_fail >= 0 ? &r->hops[r->first_fail] : NULL;
    if (r->reachable && (!ff || strcmp(ff->id, "probe") == 0))
        snprintf(r->summary, sizeof r->summary, "%s: reachable, every hop checked passes", head);
    else if (r->reachable)
        snprintf(r->summary, sizeof r->summary,
                 "%s: the probe got through, but %s would stop new traffic: %s", head, ff->title,
                 ff->detail);
    else if (ff)
        snprintf(r->summary, sizeof r->summary, "%s: packets stop at %s: %s", head, ff->id,
                 ff->detail);
    else
        snprintf(r->summary, sizeof r->summary, "%s: no hop fails that umlab can check", head);
}
