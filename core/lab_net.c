/* lab_net.c — the host side of the guests' network: addresses, routes,
 * proxy_arp, ip_forward, and NAT (MASQUERADE + FORWARD rules). */
#include "core/lab.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/fwdshare.h"
#include "core/lab_internal.h"
#include "netcfg/iptc.h"
#include "netcfg/link.h"
#include "netcfg/sysctl.h"

static size_t used_addrs(const struct lab *lab, const struct guest *except, struct in_addr *out,
                         size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < lab->nguests && n < max; i++) {
        const struct guest *g = lab->guests[i];
        if (g != except && g->routed >= 0 && g->nics[g->routed].addr.s_addr)
            out[n++] = g->nics[g->routed].addr;
    }
    return n;
}

int lab_check_addr(const struct lab *lab, const struct guest *g, struct in_addr a, struct err *e)
{
    struct in_addr used[1024];
    size_t n = used_addrs(lab, g, used, 1024);
    return addr_check_guest(&lab->subnet, lab->host, used, n, a, e);
}

int lab_alloc_addr(const struct lab *lab, struct in_addr *out, struct err *e)
{
    struct in_addr used[1024];
    size_t n = used_addrs(lab, NULL, used, 1024);
    return addr_alloc(&lab->subnet, lab->host, used, n, out, e);
}

static void fwd_comment(const struct lab *lab, const char *tap, char *out, size_t outsz)
{
    snprintf(out, outsz, "umlab:%s:%s", lab->name, tap);
}

/* The lab's subnet as the rules match it (network byte order). */
static uint32_t lab_mask(const struct lab *lab)
{
    return lab->subnet.prefix ? htonl(0xffffffffU << (32 - lab->subnet.prefix)) : 0;
}

int lab_guest_fwd_rules(struct lab *lab, struct guest *g, struct err *e)
{
    if (g->routed < 0 || g->j_fwd >= 0)
        return 0; /* only the routed tap goes through the host; it has them */
    const char *tap = g->nics[g->routed].tap;
    struct rule_spec in, outr;
    char comment[RULE_COMMENTSZ];
    fwd_comment(lab, tap, comment, sizeof comment);
    /* -s SUBNET -i TAP / -d SUBNET -o TAP: the lab's own traffic, no more (a
     * guest cannot get spoofed sources forwarded). */
    if (rule_spec_lab(RULE_LAB_FWD_IN, tap, lab->subnet.net.s_addr, lab_mask(lab), comment, &in) <
            0 ||
        rule_spec_lab(RULE_LAB_FWD_OUT, tap, lab->subnet.net.s_addr, lab_mask(lab), comment,
                      &outr) < 0)
        return err_set(e, "FORWARD rules for %s: bad interface name", tap);
    g->j_fwd = journal_add(&lab->journal, J_RULE, e, 3, "filter", "FORWARD", in.comment);
    if (g->j_fwd < 0)
        return -1;
    /* At the head, as the recipe's `iptables -I`: ahead of a host's own REJECTs. */
    if (iptc_rule_insert("filter", "FORWARD", &outr, e) < 0 ||
        iptc_rule_insert("filter", "FORWARD", &in, e) < 0) {
        struct err e2;
        lab_undo_now(lab, &g->j_fwd, &e2);
        return -1;
    }
    return 0;
}

int lab_guest_undo_net(struct lab *lab, struct guest *g, struct err *e)
{
    int rc = 0;
    for (unsigned i = 0; i < GUEST_MAX_NICS; i++) {
        struct err one;
        if (g->nics[i].present && lab_nic_undo(lab, g, i, &one) < 0 && rc == 0) {
            *e = one;
            rc = -1;
        }
    }
    int *seqs[] = {&g->j_share_cow,  &g->j_cow,      &g->j_fwd,  &g->j_route,
                   &g->j_proxydelay, &g->j_proxyarp, &g->j_addr, &g->j_tap};
    for (size_t i = 0; i < sizeof seqs / sizeof *seqs; i++) {
        struct err one;
        if (lab_undo_now(lab, seqs[i], &one) < 0 && rc == 0) {
            *e = one;
            rc = -1;
        }
    }
    return rc;
}

/* Sets sysctl KEY to VAL, journaling the old value first; *SEQ gets the
 * record (0 when it already had VAL: not ours to change back). */
static int set_sysctl(struct lab *lab, const char *key, const char *val, int *seq, struct err *e)
{
    char old[64];
    if (sysctl_read(key, old, sizeof old, e) < 0)
        return -1;
    if (strcmp(old, val) == 0) {
        *seq = 0;
        return 0;
    }
    *seq = journal_add(&lab->journal, J_SYSCTL, e, 2, key, old);
    if (*seq < 0 || sysctl_write(key, val, e) < 0)
        return -1;
    return 0;
}

static void add_current(void *ctx, const char *key)
{
    struct fwd_saved *s = ctx;
    char val[16];
    struct fwd_value *nv;
    if (sysctl_read(key, val, sizeof val, NULL) < 0 ||
        !(nv = realloc(s->v, (s->n + 1) * sizeof *nv)))
        return; /* a device gone meanwhile */
    s->v = nv;
    snprintf(nv[s->n].key, sizeof nv[s->n].key, "%s", key);
    snprintf(nv[s->n].val, sizeof nv[s->n].val, "%s", val);
    s->n++;
}

/* Turns ip_forward on. Its original value and those of every sysctl the
 * kernel rewrites with it are journaled first: the side effects before
 * ip_forward, so the undo (newest first) restores ip_forward, which resets
 * them, and then each of them. In host mode the originals come from the
 * namespace's shared registry (core/fwdshare.h): another lab may have turned
 * forwarding on before us, and the last lab out restores. */
static int lab_ip_forward(struct lab *lab, struct err *e)
{
    if (lab->j_forward >= 0)
        return 0;
    struct fwd_saved orig = {0};
    if (lab->fwd_fd >= 0) { /* an earlier attempt failed half-way: join afresh */
        close(lab->fwd_fd);
        lab->fwd_fd = -1;
    }
    if (lab->netns[0] == '\0') {
        if (fwdshare_join(lab->statedir, lab->name, &lab->fwd_fd, &orig, e) < 0)
            return -1;
    } else if (sysctl_forward_side_keys(add_current, &orig, e) < 0) {
        fwdshare_saved_free(&orig);
        return -1;
    } else {
        add_current(&orig, SYSCTL_FORWARD);
    }
    int rc = 0;
    for (size_t i = 0; i < orig.n && rc == 0; i++) {
        int seq = journal_add(&lab->journal, J_SYSCTL, e, 2, orig.v[i].key, orig.v[i].val);
        if (seq < 0)
            rc = -1;
        else if (strcmp(orig.v[i].key, SYSCTL_FORWARD) == 0)
            lab->j_forward = seq;
    }
    fwdshare_saved_free(&orig);
    if (rc == 0 && lab->j_forward <= 0)
        rc = err_set(e, "ip_forward: cannot read its value");
    if (rc == 0)
        rc = sysctl_write(SYSCTL_FORWARD, "1", e);
    return rc;
}

/* Sets sysctl KEY to VAL when it is not: its record exists already (or it
 * was VAL when umlab first looked), so nothing is journaled. */
static int resync_sysctl(const char *key, const char *val, struct err *e)
{
    char cur[64];
    if (sysctl_read(key, cur, sizeof cur, e) < 0)
        return -1;
    return strcmp(cur, val) == 0 ? 0 : sysctl_write(key, val, e);
}

int lab_host_side(struct lab *lab, struct guest *g, struct in_addr a, struct err *e)
{
    if (g->routed < 0)
        return err_set(e, "%s has no routed tap", g->name);
    const char *tap = g->nics[g->routed].tap;
    const struct in_addr had = g->nics[g->routed].addr;
    char key[96], cidr[32], as[INET_ADDRSTRLEN];
    snprintf(cidr, sizeof cidr, "%s/32", addr_str(a, as));
    struct in_addr nogw = {0};
    if (g->j_route > 0 && had.s_addr != a.s_addr && lab_undo_now(lab, &g->j_route, e) < 0)
        return -1;
    if (g->j_route <= 0) {
        g->j_route = journal_add(&lab->journal, J_ROUTE, e, 2, cidr, tap);
        if (g->j_route < 0 || route_add(lab->nl, a, 32, tap, nogw, e) < 0)
            return -1;
    } else if (!route_exists(lab->nl, a, 32, tap) && route_add(lab->nl, a, 32, tap, nogw, e) < 0) {
        return -1; /* deleted behind umlab's back: its record is there already */
    }
    if (g->j_addr > 0 && !addr_exists(lab->nl, tap, lab->host, 32) &&
        addr_add(lab->nl, tap, lab->host, 32, e) < 0)
        return -1;
    /* proxy_arp: the host answers ARP for the other guests, so guest<->guest works. */
    char arpkey[96];
    snprintf(arpkey, sizeof arpkey, "net/ipv4/conf/%s/proxy_arp", tap);
    /* answer at once, not after the default random delay of up to 0.8 s */
    snprintf(key, sizeof key, "net/ipv4/neigh/%s/proxy_delay", tap);
    if (g->j_proxyarp < 0) {
        if (set_sysctl(lab, arpkey, "1", &g->j_proxyarp, e) < 0 ||
            set_sysctl(lab, key, "0", &g->j_proxydelay, e) < 0)
            return -1;
    } else if (resync_sysctl(arpkey, "1", e) < 0 || resync_sysctl(key, "0", e) < 0) {
        return -1;
    }
    if (lab->j_forward >= 0 && resync_sysctl(SYSCTL_FORWARD, "1", e) < 0)
        return -1;
    if (lab_ip_forward(lab, e) < 0)
        return -1;
    guest_nic_set_addr(g, (unsigned)g->routed, a, lab->subnet.prefix);
    return 0;
}

int lab_nat_on(struct lab *lab, const char *uplink, struct err *e)
{
    if (lab->nat)
        return err_set(e, "NAT is already on (out of %s)", lab->uplink);
    const char *up = uplink && *uplink ? uplink : lab->uplink;
    if (!up[0])
        return err_set(e, "nat on needs the uplink interface, e.g. `nat on wlan0`");
    if (strlen(up) >= RULE_IFNAMSIZ || link_ifindex(lab->nl, up) == 0)
        return err_set(e, "uplink '%s' does not exist", up);
    char upl[16];
    snprintf(upl, sizeof upl, "%s", up);

    if (lab_ip_forward(lab, e) < 0)
        return -1;
    /* -s SUBNET: only the lab's traffic is masqueraded, never the host's own
     * forwarded traffic (a VPN's, a container's). */
    struct rule_spec masq;
    char comment[RULE_COMMENTSZ];
    snprintf(comment, sizeof comment, "umlab:%s:masq", lab->name);
    if (rule_spec_lab(RULE_LAB_MASQ, upl, lab->subnet.net.s_addr, lab_mask(lab), comment, &masq) <
        0)
        return err_set(e, "MASQUERADE rule: bad uplink name '%s'", upl);
    lab->j_masq = journal_add(&lab->journal, J_RULE, e, 3, "nat", "POSTROUTING", masq.comment);
    if (lab->j_masq < 0)
        return -1;
    if (iptc_rule_insert("nat", "POSTROUTING", &masq, e) < 0) {
        struct err e2;
        lab_undo_now(lab, &lab->j_masq, &e2);
        return -1;
    }
    for (size_t i = 0; i < lab->nguests; i++) {
        if (lab_guest_fwd_rules(lab, lab->guests[i], e) < 0) {
            struct err e2;
            for (size_t k = 0; k < i; k++)
                lab_undo_now(lab, &lab->guests[k]->j_fwd, &e2);
            lab_undo_now(lab, &lab->j_masq, &e2);
            return -1;
        }
    }
    snprintf(lab->uplink, sizeof lab->uplink, "%s", upl);
    lab->nat = true;
    return 0;
}

int lab_nat_off(struct lab *lab, struct err *e)
{
    if (!lab->nat)
        return err_set(e, "NAT is already off");
    int rc = 0;
    struct err one;
    for (size_t i = 0; i < lab->nguests; i++)
        if (lab_undo_now(lab, &lab->guests[i]->j_fwd, &one) < 0 && rc == 0) {
            *e = one;
            rc = -1;
        }
    if (lab_undo_now(lab, &lab->j_masq, &one) < 0 && rc == 0) {
        *e = one;
        rc = -1;
    }
    lab->nat = false;
    return rc;
}
