/* lab_nics.c — a guest's NICs: checking a NIC asked for, making its tap (a
 * LAN's port, or the seed's routed tap), hot-plugging and unplugging it. */
#include "core/lab.h"

#include <errno.h>
#include <stdio.h>

#include "core/lab_fault.h"
#include "core/lab_internal.h"
#include "core/lab_lan.h"
#include "netcfg/link.h"
#include "netcfg/tap.h"

void guest_nic_set_addr(struct guest *g, unsigned idx, struct in_addr a, int prefix)
{
    g->nics[idx].addr = a;
    g->nics[idx].prefix = prefix;
    if (idx == 0)
        g->addr = a;
}

int guest_nic_for(const struct guest *g, struct in_addr a)
{
    for (int i = 0; i < GUEST_MAX_NICS; i++) {
        const struct guest_nic *n = &g->nics[i];
        if (!n->present || !n->addr.s_addr)
            continue;
        uint32_t m = n->prefix ? htonl(0xffffffffU << (32 - n->prefix)) : 0;
        if ((n->addr.s_addr & m) == (a.s_addr & m))
            return i;
    }
    return -1;
}

/* The guest, if any, whose NIC on LAN has address A (other than EXCEPT). */
static const struct guest *lan_addr_user(const struct lab *lab, const struct lab_lan *lan,
                                         struct in_addr a, const struct guest *except, int *idx)
{
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        for (int k = 0; k < GUEST_MAX_NICS && g != except; k++)
            if (g->nics[k].present && g->nics[k].lan == lan && g->nics[k].addr.s_addr == a.s_addr) {
                *idx = k;
                return g;
            }
    }
    return NULL;
}

static int check_lan_addr(const struct lab *lab, const struct guest *g, const struct lab_lan *lan,
                          const struct nic_spec *spec, int *prefix, struct err *e)
{
    char as[INET_ADDRSTRLEN], ns[INET_ADDRSTRLEN];
    addr_str(spec->addr, as);
    *prefix = spec->prefix;
    if (lan->has_subnet) {
        addr_str(lan->subnet.net, ns);
        if (*prefix < 0)
            *prefix = lan->subnet.prefix;
        if (!subnet_contains(&lan->subnet, spec->addr) || *prefix != lan->subnet.prefix)
            return err_set(e, "%s/%d is outside LAN %s's subnet %s/%d", as, *prefix, lan->name, ns,
                           lan->subnet.prefix);
        if (subnet_is_edge(&lan->subnet, spec->addr))
            return err_set(e, "%s is LAN %s's network or broadcast address", as, lan->name);
    } else if (*prefix < 0) {
        return err_set(e, "LAN %s has no subnet: give the address with its length (%s/24)",
                       lan->name, as);
    }
    int k;
    const struct guest *other = lan_addr_user(lab, lan, spec->addr, g, &k);
    if (other)
        return err_set(e, "%s is taken on LAN %s by %s's eth%d", as, lan->name, other->name, k);
    return 0;
}

int lab_nic_check(const struct lab *lab, const struct guest *g, const struct nic_spec *spec,
                  const struct guest_nic *sofar, size_t n, struct guest_nic *nic, struct err *e)
{
    memset(nic, 0, sizeof *nic);
    nic->j_tap = nic->j_port = -1;
    const struct guest_nic *have = g ? g->nics : sofar;
    size_t nhave = g ? GUEST_MAX_NICS : n;
    const char *who = g ? g->name : "the guest";
    if (!spec->lan[0]) {
        for (size_t i = 0; i < nhave; i++)
            if (have[i].present && !have[i].lan)
                return err_set(e, "%s already has a routed tap (eth%zu)", who, i);
        if (spec->addr.s_addr && lab_check_addr(lab, g, spec->addr, e) < 0)
            return -1;
        nic->prefix = lab->subnet.prefix;
    } else {
        struct lab_lan *lan = lab_find_lan(lab, spec->lan);
        if (!lan)
            return err_set(e, "no LAN named '%s' (add it with `lan add %s`)", spec->lan, spec->lan);
        for (size_t i = 0; i < nhave; i++)
            if (have[i].present && have[i].lan == lan)
                return err_set(e, "%s already has a NIC on LAN %s (eth%zu)", who, lan->name, i);
        /* two NICs of a new guest with one address on different LANs is odd but legal */
        if (spec->addr.s_addr && check_lan_addr(lab, g, lan, spec, &nic->prefix, e) < 0)
            return -1;
        nic->lan = lan;
    }
    nic->present = true;
    nic->addr = spec->addr;
    return 0;
}

static int free_tap_name(const struct lab *lab, char *out, size_t sz, struct err *e)
{
    for (unsigned i = 0; i <= 4096; i++) {
        char tap[16];
        snprintf(tap, sizeof tap, "tap%u", i);
        if (!lab_tap_taken(lab, tap))
            return snprintf(out, sz, "%s", tap) < (int)sz ? 0 : err_set(e, "tap name too long");
    }
    return err_set(e, "no free tap name");
}

int lab_routed_tap_create(struct lab *lab, struct guest *g, unsigned idx, struct err *e)
{
    struct guest_nic *nic = &g->nics[idx];
    char hostcidr[32], hs[INET_ADDRSTRLEN];
    snprintf(hostcidr, sizeof hostcidr, "%s/32", addr_str(lab->host, hs));
    if (free_tap_name(lab, nic->tap, sizeof nic->tap, e) < 0)
        return -1;
    if ((g->j_tap = journal_add(&lab->journal, J_TAP, e, 1, nic->tap)) < 0)
        return -1;
    if (tap_create(nic->tap, lab->guest_uid, lab->guest_gid, e) < 0) {
        if (errno == EEXIST) /* someone else's tap (made since we looked): not ours to undo */
            lab_forget(lab, &g->j_tap);
        return -1;
    }
    g->routed = (int)idx;
    if (link_set_up(lab->nl, nic->tap, true, e) < 0 ||
        (g->j_addr = journal_add(&lab->journal, J_ADDR, e, 2, nic->tap, hostcidr)) < 0 ||
        addr_add(lab->nl, nic->tap, lab->host, 32, e) < 0)
        return -1;
    return 0;
}

int lab_lan_tap_create(struct lab *lab, struct guest_nic *nic, struct err *e)
{
    if (lab_nic_tap_add(lab, nic->tap, sizeof nic->tap, &nic->j_tap, e) < 0)
        return -1;
    return lab_bridge_attach(lab, nic->lan->bridge, nic->tap, &nic->j_port, e);
}

/* Undoes the records of eth IDX (the routed tap's are the guest's). */
int lab_nic_undo(struct lab *lab, struct guest *g, unsigned idx, struct err *e)
{
    struct guest_nic *nic = &g->nics[idx];
    struct lab_pane *dump = nic->tap[0] ? lab_find_pane(lab, LAB_PANE_DUMP, nic->tap) : NULL;
    if (dump) /* its tap goes away */
        lab_pane_close(lab, dump);
    bool routed = !nic->lan && g->routed == (int)idx;
    int *routed_seqs[] = {&g->j_fwd,      &g->j_route, &g->j_proxydelay,
                          &g->j_proxyarp, &g->j_addr,  &g->j_tap};
    int *lan_seqs[] = {&nic->j_port, &nic->j_tap};
    int **seqs = routed ? routed_seqs : lan_seqs;
    size_t n = routed ? 6 : 2;
    /* A lesson's faults on the tap first (link down, netem): the tap goes last. */
    int rc = nic->tap[0] ? lab_faults_undo(lab, nic->tap, e) : 0;
    for (size_t i = 0; i < n; i++) {
        struct err one;
        if (lab_undo_now(lab, seqs[i], &one) < 0 && rc == 0) {
            *e = one;
            rc = -1;
        }
    }
    if (g->routed == (int)idx)
        g->routed = -1;
    return rc;
}

int lab_nic_add(struct lab *lab, struct guest *g, const struct nic_spec *spec, unsigned *idx,
                struct err *e)
{
    if (g->pane.reaped)
        return err_set(e, "%s is not running (a NIC is plugged into a running guest)", g->name);
    unsigned i = 0;
    while (i < GUEST_MAX_NICS && g->nics[i].present)
        i++;
    if (i == GUEST_MAX_NICS)
        return err_set(e, "%s has %d NICs already, the most it may have", g->name, GUEST_MAX_NICS);
    struct guest_nic nic;
    if (lab_nic_check(lab, g, spec, NULL, 0, &nic, e) < 0)
        return -1;
    struct in_addr wanted = nic.addr;
    nic.addr.s_addr = 0; /* set once the host side (or the guest side) has it */
    g->nics[i] = nic;
    struct err e2;
    int rc =
        nic.lan ? lab_lan_tap_create(lab, &g->nics[i], e) : lab_routed_tap_create(lab, g, i, e);
    if (rc == 0 && !nic.lan && wanted.s_addr)
        rc = lab_host_side(lab, g, wanted, e);
    if (rc == 0 && !nic.lan && lab->nat)
        rc = lab_guest_fwd_rules(lab, g, e);
    if (rc == 0)
        rc = lab_guest_nic_plug(lab, g, i, g->nics[i].tap, e);
    if (rc < 0) {
        lab_nic_undo(lab, g, i, &e2);
        memset(&g->nics[i], 0, sizeof g->nics[i]);
        g->nics[i].j_tap = g->nics[i].j_port = -1;
        if (i == 0)
            g->addr.s_addr = 0;
        return -1;
    }
    if (nic.lan && wanted.s_addr)
        guest_nic_set_addr(g, i, wanted, nic.prefix); /* typed by the caller */
    if (i == 0)
        snprintf(g->tap, sizeof g->tap, "%s", g->nics[0].tap);
    *idx = i;
    return 0;
}

int lab_nic_del(struct lab *lab, struct guest *g, unsigned idx, struct err *e)
{
    if (idx >= GUEST_MAX_NICS || !g->nics[idx].present)
        return err_set(e, "%s has no eth%u", g->name, idx);
    if (!g->pane.reaped && lab_guest_nic_unplug(lab, g, idx, e) < 0)
        return -1;
    int rc = lab_nic_undo(lab, g, idx, e);
    struct guest_nic *nic = &g->nics[idx];
    /* the guest's kernel dropped the routes through it */
    size_t k = 0;
    for (size_t r = 0; r < g->nroutes; r++) {
        if (!nic->addr.s_addr || guest_nic_for(g, g->routes[r].gw) != (int)idx)
            g->routes[k++] = g->routes[r];
    }
    g->nroutes = k;
    memset(nic, 0, sizeof *nic);
    nic->j_tap = nic->j_port = -1;
    if (idx == 0) {
        g->addr.s_addr = 0;
        g->tap[0] = '\0';
    }
    return rc;
}

void guest_net_lines(const struct guest *g, char *out, size_t outsz)
{
    size_t n = 0;
    out[0] = '\0';
    char as[INET_ADDRSTRLEN], gs[INET_ADDRSTRLEN];
#define PUT(...)                                                                                   \
    do {                                                                                           \
        int w_ = snprintf(out + n, outsz - n, __VA_ARGS__);                                        \
        if (w_ > 0)                                                                                \
            n = n + (size_t)w_ < outsz ? n + (size_t)w_ : outsz - 1;                               \
    } while (0)
    for (unsigned i = 0; i < GUEST_MAX_NICS; i++) {
        const struct guest_nic *nic = &g->nics[i];
        if (!nic->present)
            continue;
        if (lab_lan_nic_mtu(nic->lan) != 1500)
            PUT("%sip link set eth%u mtu %u", n ? "; " : "", i, lab_lan_nic_mtu(nic->lan));
        PUT("%sip link set eth%u up", n ? "; " : "", i);
        if (nic->addr.s_addr)
            PUT("; ip addr flush dev eth%u; ip addr add %s/%d dev eth%u", i,
                addr_str(nic->addr, as), nic->prefix, i);
    }
    bool has_default = false;
    for (size_t i = 0; i < g->nroutes; i++) {
        const struct guest_route *r = &g->routes[i];
        has_default |= r->prefix == 0;
        if (r->prefix)
            PUT("%sip route replace %s/%d via %s", n ? "; " : "", addr_str(r->dest, as), r->prefix,
                addr_str(r->gw, gs));
        else
            PUT("%sip route replace default via %s", n ? "; " : "", addr_str(r->gw, gs));
    }
    if (!has_default && g->routed >= 0 && g->nics[g->routed].addr.s_addr)
        PUT("%sip route replace default via %s", n ? "; " : "", addr_str(g->lab->host, gs));
    if (g->forward)
        PUT("%secho 1 >/proc/sys/net/ipv4/ip_forward", n ? "; " : "");
#undef PUT
}
