/* snapshot.c — see snapshot.h. */
#include "core/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lab.h"
#include "core/lab_fault.h"
#include "netcfg/iptc.h"
#include "netcfg/link.h"
#include "netcfg/nettable.h"
#include "netcfg/rules.h"
#include "netcfg/sysctl.h"

_Static_assert(GUEST_NAME_MAX <= SNAP_IFNAMSIZ, "a guest's name fits a snap_iface");
_Static_assert(RULE_IFNAMSIZ <= SNAP_IFNAMSIZ, "a rule's interface fits a snap_rule");
_Static_assert(RULE_CIDRSZ <= sizeof((struct snap_rule *)0)->src, "a CIDR fits a snap_rule");
_Static_assert(RULE_COMMENTSZ <= sizeof((struct snap_rule *)0)->comment, "comments fit");

static const char *const chain_names[SNAP_CHAINS][2] = {
    {"nat", "POSTROUTING"},
    {"filter", "FORWARD"},
};

void snapshot_init(struct snapshot *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->ip_forward, sizeof s->ip_forward, "?");
    for (int i = 0; i < SNAP_CHAINS; i++) {
        s->chains[i].table = chain_names[i][0];
        s->chains[i].chain = chain_names[i][1];
    }
}

void snapshot_free(struct snapshot *s)
{
    free(s->ifs);
    for (int i = 0; i < SNAP_CHAINS; i++)
        free(s->chains[i].rules);
    snapshot_init(s);
}

const struct snap_iface *snapshot_iface(const struct snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->nifs; i++)
        if (strcmp(s->ifs[i].name, name) == 0)
            return &s->ifs[i];
    return NULL;
}

static void forget_rates(struct snap_iface *f)
{
    rate_forget(&f->rx);
    rate_forget(&f->tx);
}

void snap_iface_feed(struct snap_iface *f, const struct snap_counters *c, int ifindex,
                     int64_t now_ms, bool rates)
{
    if (!c) { /* gone: rate 0 (every sample while gone), no base to jump from */
        f->have = false;
        if (rates || f->rx.have_last)
            forget_rates(f);
        return;
    }
    f->have = true;
    f->err[0] = '\0';
    f->c = *c;
    if (f->ifindex != ifindex) { /* made again: its counters started over */
        if (f->rx.have_last)
            forget_rates(f);
        f->ifindex = ifindex;
    }
    if (!rates)
        return;
    if (f->rx.have_last) {
        int64_t age = now_ms - f->rx.last_ms;
        if (age > SNAP_RATE_STALE_MS)
            forget_rates(f);
        else if (age < SNAP_RATE_MIN_MS)
            return; /* too close to the last sample for a rate: keep its base */
    }
    rate_sample(&f->rx, c->rx_bytes, now_ms);
    rate_sample(&f->tx, c->tx_bytes, now_ms);
}

/* A LAN's bridge or VXLAN port into *F, with its history when it had one. */
static size_t keep(const struct snapshot *s, struct snap_iface *f, const char *name,
                   enum snap_kind kind, const char *lan)
{
    const struct snap_iface *old = snapshot_iface(s, name);
    if (old && old->kind == kind)
        *f = *old;
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->lan, sizeof f->lan, "%s", lan);
    f->kind = kind;
    return 1;
}

/* The interfaces the lab has now, keeping the history of those it had. */
static int sync_ifaces(struct snapshot *s, const struct lab *lab)
{
    size_t n = lab->nguests + (lab->uplink[0] ? 1 : 0) + 2 * lab->nlans;
    struct snap_iface *ifs = calloc(n ? n : 1, sizeof *ifs);
    if (!ifs)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < lab->nguests; i++, k++) {
        const struct guest *g = lab->guests[i];
        const struct snap_iface *old = snapshot_iface(s, g->tap);
        if (old && old->kind == SNAP_TAP)
            ifs[k] = *old;
        snprintf(ifs[k].name, sizeof ifs[k].name, "%s", g->tap);
        snprintf(ifs[k].guest, sizeof ifs[k].guest, "%s", g->name);
        ifs[k].kind = SNAP_TAP;
        /* the host's side (proxy_arp, route) is the routed tap's: none on a LAN */
        ifs[k].addr = g->routed == 0 ? g->addr : (struct in_addr){0};
    }
    if (lab->uplink[0]) {
        const struct snap_iface *old = snapshot_iface(s, lab->uplink);
        if (old && old->kind == SNAP_UPLINK)
            ifs[k] = *old;
        snprintf(ifs[k].name, sizeof ifs[k].name, "%s", lab->uplink);
        ifs[k].kind = SNAP_UPLINK;
        k++;
    }
    for (size_t i = 0; i < lab->nlans; i++) {
        const struct lab_lan *l = lab->lans[i];
        char vx[SNAP_IFNAMSIZ];
        lab_lan_vxlan_port(lab, l->bridge, vx, sizeof vx);
        k += keep(s, &ifs[k], l->bridge, SNAP_BRIDGE, l->name);
        if (vx[0])
            k += keep(s, &ifs[k], vx, SNAP_VXLAN, l->name);
    }
    free(s->ifs);
    s->ifs = ifs;
    s->nifs = k;
    return 0;
}

/* A LAN: the sum of its ports; one joining or leaving restarts the rates
 * instead of counting a jump. */
static void read_lan(struct snap_iface *f, struct lab *lab, const struct nettable *t, int64_t now,
                     bool rates)
{
    const struct lab_lan *l = lab_lan_of_bridge(lab, f->name);
    struct snap_counters c;
    int ifindex = 0, nports = 0;
    if (!l || lab_lan_counters(lab, t, l, &c, &ifindex, &nports) < 0) {
        snap_iface_feed(f, NULL, 0, now, rates);
        snprintf(f->err, sizeof f->err, "%s: cannot read its bridge", f->name);
        return;
    }
    if (nports != f->nports && f->rx.have_last)
        forget_rates(f);
    f->nports = nports;
    snap_iface_feed(f, &c, ifindex, now, rates);
}

static void read_ifaces(struct snapshot *s, struct lab *lab, const struct nettable *t, int64_t now,
                        bool rates)
{
    for (size_t i = 0; i < s->nifs; i++) {
        struct snap_iface *f = &s->ifs[i];
        struct link_stats st;
        struct err e;
        if (f->kind == SNAP_BRIDGE) {
            read_lan(f, lab, t, now, rates);
            continue;
        }
        if (nettable_stats(t, f->name, &st, &e) < 0) {
            snap_iface_feed(f, NULL, 0, now, rates);
            snprintf(f->err, sizeof f->err, "%s", e.msg);
            continue;
        }
        struct snap_counters c = {
            .rx_bytes = st.rx_bytes,
            .tx_bytes = st.tx_bytes,
            .rx_packets = st.rx_packets,
            .tx_packets = st.tx_packets,
            .rx_errors = st.rx_errors,
            .tx_errors = st.tx_errors,
            .rx_dropped = st.rx_dropped,
            .tx_dropped = st.tx_dropped,
            .up = st.up,
            .carrier = st.carrier,
        };
        snap_iface_feed(f, &c, st.ifindex, now, rates);
    }
}

/* A /proc/sys value as 0/1/..., -1 when unreadable: what the table lacks. */
static int sysctl_int(const char *key)
{
    char val[16];
    if (sysctl_read(key, val, sizeof val, NULL) < 0 || val[0] < '0' || val[0] > '9')
        return -1;
    return atoi(val);
}

static void read_host(struct snapshot *s, struct lab *lab, const struct nettable *t)
{
    int fwd = nettable_ip_forward(t);
    if (fwd < 0)
        fwd = sysctl_int(SYSCTL_FORWARD);
    if (fwd < 0)
        snprintf(s->ip_forward, sizeof s->ip_forward, "?");
    else
        snprintf(s->ip_forward, sizeof s->ip_forward, "%d", fwd);
    for (size_t i = 0; i < s->nifs; i++) {
        struct snap_iface *f = &s->ifs[i];
        if (f->kind != SNAP_TAP)
            continue;
        int proxy = nettable_proxy_arp(t, f->name);
        if (proxy < 0) {
            char key[SYSCTL_KEYSZ];
            snprintf(key, sizeof key, "net/ipv4/conf/%s/proxy_arp", f->name);
            proxy = sysctl_int(key);
        }
        f->proxy_arp = proxy == 1;
        f->route = f->addr.s_addr && nettable_has_route(t, f->addr, 32, f->name);
    }
    /* The faults are in the journal: only the faulted links are read. */
    struct lab_fault faults[16];
    size_t nf = lab_faults(lab, faults, sizeof faults / sizeof *faults);
    for (size_t i = 0; i < s->nifs; i++) {
        struct snap_iface *f = &s->ifs[i];
        f->fault[0] = '\0';
        for (size_t k = 0; k < nf && k < sizeof faults / sizeof *faults; k++)
            if (strcmp(faults[k].ifname, f->name) == 0)
                lab_fault_describe(&faults[k], f->fault, sizeof f->fault);
    }
}

/* SRC into DST, cut to fit: a rule's strings every second (snprintf's
 * format parsing was a tenth of reading 200 rules). */
static void copy(char *dst, size_t dstsz, const char *src)
{
    size_t n = strnlen(src, dstsz - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void rule_from(struct snap_rule *out, const struct rule_info *r, const char *lab)
{
    memset(out, 0, sizeof *out);
    copy(out->target, sizeof out->target, r->target_name);
    copy(out->in_if, sizeof out->in_if, r->spec.in_if);
    copy(out->out_if, sizeof out->out_if, r->spec.out_if);
    if (r->spec.smsk)
        rule_cidr_str(r->spec.src, r->spec.smsk, out->src, sizeof out->src);
    if (r->spec.dmsk)
        rule_cidr_str(r->spec.dst, r->spec.dmsk, out->dst, sizeof out->dst);
    copy(out->comment, sizeof out->comment, r->spec.comment);
    out->ours = rule_comment_is_lab(r->spec.comment, lab);
    out->packets = r->packets;
    out->bytes = r->bytes;
}

static bool same_rule(const struct snap_rule *a, const struct snap_rule *b)
{
    return strcmp(a->target, b->target) == 0 && strcmp(a->comment, b->comment) == 0 &&
           strcmp(a->in_if, b->in_if) == 0 && strcmp(a->out_if, b->out_if) == 0;
}

static void read_chain(struct snap_chain *cv, const char *lab)
{
    struct rule_info *ri;
    size_t n;
    struct err e;
    if (iptc_rule_list(cv->table, cv->chain, &ri, &n, &e) < 0) {
        snprintf(cv->err, sizeof cv->err, "%s", e.msg);
        return;
    }
    struct snap_rule *rules = calloc(n ? n : 1, sizeof *rules);
    if (!rules) {
        free(ri);
        snprintf(cv->err, sizeof cv->err, "%s %s: out of memory", cv->table, cv->chain);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        rule_from(&rules[i], &ri[i], lab);
        /* the same rule at the same place: compare its counters */
        if (i < cv->n && same_rule(&rules[i], &cv->rules[i]))
            rules[i].moved = rules[i].packets != cv->rules[i].packets;
        else
            rules[i].moved = rules[i].packets > 0 && rules[i].ours;
    }
    free(ri);
    free(cv->rules);
    cv->rules = rules;
    cv->n = n;
    cv->err[0] = '\0';
}

static int refresh(struct lab *lab, unsigned parts, bool rates)
{
    struct snapshot *s = &lab->snap;
    if (sync_ifaces(s, lab) < 0) /* out of memory: the last snapshot stays */
        return -1;
    /* one dump each of the links, routes and per-link settings for all */
    struct nettable t;
    nettable_load(lab->nl,
                  (parts & SNAP_IFACES ? NETTABLE_LINKS : 0) |
                      (parts & SNAP_HOST ? NETTABLE_ROUTES | NETTABLE_NETCONF : 0),
                  &t);
    if (parts & SNAP_IFACES)
        read_ifaces(s, lab, &t, loop_now_ms(), rates);
    if (parts & SNAP_HOST)
        read_host(s, lab, &t);
    nettable_free(&t);
    if (parts & SNAP_RULES) {
        if (!s->iptables)
            s->iptables = iptables_flavor();
        for (int i = 0; i < SNAP_CHAINS; i++)
            read_chain(&s->chains[i], lab->name);
    }
    return 0;
}

const struct snapshot *lab_snapshot(struct lab *lab, unsigned parts, struct err *e)
{
    if (refresh(lab, parts, false) < 0) {
        err_set(e, "reading counters and rules: out of memory");
        return NULL;
    }
    return &lab->snap;
}

void lab_snapshot_watch(struct lab *lab, bool on)
{
    bool was = lab->snap.watched;
    lab->snap.watched = on;
    if (on && !was)
        refresh(lab, SNAP_ALL, true);
}

void snapshot_tick(struct lab *lab)
{
    if (lab->snap.watched)
        refresh(lab, SNAP_ALL, true);
}
