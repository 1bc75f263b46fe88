/* labfile_net.c — the network rules of a lab file: where a NIC's address may
 * be, which gateways a route may use, and no loop among the static routes. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "core/labfile_internal.h"

uint32_t lf_mask(int prefix)
{
    return prefix <= 0 ? 0 : 0xffffffffU << (32 - prefix);
}

bool lf_net_contains(struct in_addr net, int prefix, struct in_addr a)
{
    uint32_t m = lf_mask(prefix);
    return (ntohl(a.s_addr) & m) == (ntohl(net.s_addr) & m);
}

struct in_addr lf_host_addr(const struct lab_spec *s)
{
    return subnet_host(&s->subnet, subnet_size(&s->subnet));
}

void lf_format_dest(struct strbuf *out, struct in_addr dest, int prefix)
{
    char b[INET_ADDRSTRLEN];
    if (prefix == 0)
        sb_printf(out, "default");
    else
        sb_printf(out, "%s/%d", addr_str(dest, b), prefix);
}

/* "LAN A" or "the routed taps", and the subnet's name: "LAN A's subnet". */
static const char *segment_name(const struct lab_spec *s, int lan, char *buf, size_t sz)
{
    if (lan < 0)
        return "the routed taps";
    snprintf(buf, sz, "LAN %s", s->lans[lan].name);
    return buf;
}

static const char *subnet_name(const struct lab_spec *s, int lan, char *buf, size_t sz)
{
    if (lan < 0)
        return "the lab subnet";
    snprintf(buf, sz, "LAN %s's subnet", s->lans[lan].name);
    return buf;
}

int lf_check_nic(const struct lab_spec *s, size_t gi, const struct labfile_nic *n, struct err *e)
{
    const struct labfile_guest *g = &s->guests[gi];
    char b[INET_ADDRSTRLEN], nb[INET_ADDRSTRLEN], seg[LABFILE_NAME_MAX + 16];
    for (size_t i = 0; i < g->nnics; i++) {
        if (g->nics[i].lan != n->lan)
            continue;
        if (n->lan < 0)
            return err_set(e, "%s already has a routed tap (eth%zu, line %d)", g->name, i,
                           g->nics[i].line);
        return err_set(e, "%s already has a NIC on LAN %s (eth%zu, line %d)", g->name,
                       s->lans[n->lan].name, i, g->nics[i].line);
    }
    if (!n->has_addr)
        return 0;
    const struct subnet *sn = NULL;
    if (n->lan < 0)
        sn = &s->subnet;
    else if (s->lans[n->lan].has_subnet)
        sn = &s->lans[n->lan].subnet;
    if (sn) {
        if (!subnet_contains(sn, n->addr))
            return err_set(e, "%s is outside %s %s/%d", addr_str(n->addr, b),
                           subnet_name(s, n->lan, seg, sizeof seg), addr_str(sn->net, nb),
                           sn->prefix);
        if (subnet_is_edge(sn, n->addr))
            return err_set(e, "%s is the network or broadcast address of %s/%d",
                           addr_str(n->addr, b), addr_str(sn->net, nb), sn->prefix);
        if (n->prefix != sn->prefix)
            return err_set(e, "%s/%d: %s is a /%d", addr_str(n->addr, b), n->prefix,
                           subnet_name(s, n->lan, seg, sizeof seg), sn->prefix);
    } else if (n->prefix < 1 || n->prefix > 32) {
        return err_set(e, "%s: give the prefix length (ADDR/LEN): LAN %s has no subnet",
                       addr_str(n->addr, b), s->lans[n->lan].name);
    }
    if (n->lan < 0 && n->addr.s_addr == lf_host_addr(s).s_addr)
        return err_set(e, "%s is the host's address on the routed taps", addr_str(n->addr, b));
    for (size_t k = 0; k < s->nguests; k++) {
        const struct labfile_guest *o = &s->guests[k];
        for (size_t i = 0; i < o->nnics; i++) {
            const struct labfile_nic *m = &o->nics[i];
            if (!m->has_addr || m->addr.s_addr != n->addr.s_addr)
                continue;
            if (k == gi)
                return err_set(e, "%s already has %s (eth%zu, line %d)", g->name,
                               addr_str(n->addr, b), i, m->line);
            if (m->lan == n->lan)
                return err_set(e, "%s is already %s's on %s (line %d)", addr_str(n->addr, b),
                               o->name, segment_name(s, n->lan, seg, sizeof seg), m->line);
        }
    }
    return 0;
}

int lf_check_route(const struct lab_spec *s, size_t gi, const struct labfile_route *r,
                   struct err *e)
{
    const struct labfile_guest *g = &s->guests[gi];
    char b[INET_ADDRSTRLEN];
    for (size_t i = 0; i < g->nroutes; i++) {
        const struct labfile_route *o = &g->routes[i];
        if (o->prefix == r->prefix && o->dest.s_addr == r->dest.s_addr) {
            struct strbuf d = {0};
            lf_format_dest(&d, r->dest, r->prefix);
            err_set(e, "%s already has a route to %s (line %d)", g->name, sb_str(&d), o->line);
            sb_free(&d);
            return -1;
        }
    }
    bool on_link = false;
    for (size_t i = 0; i < g->nnics; i++) {
        const struct labfile_nic *n = &g->nics[i];
        if (!n->has_addr)
            continue;
        if (n->addr.s_addr == r->gw.s_addr)
            return err_set(e, "gateway %s is %s's own address (eth%zu)", addr_str(r->gw, b),
                           g->name, i);
        if (lf_net_contains(n->addr, n->prefix, r->gw))
            on_link = true;
    }
    if (!on_link)
        return err_set(e, "gateway %s is on none of %s's networks (give its NICs addresses)",
                       addr_str(r->gw, b), g->name);
    return 0;
}

/* The guest other than FROM that owns GW on a segment FROM has an address on
 * (the next hop of a route), or -1 (the host, or nobody). */
static int next_hop(const struct lab_spec *s, size_t from, struct in_addr gw)
{
    const struct labfile_guest *g = &s->guests[from];
    for (size_t i = 0; i < g->nnics; i++) {
        const struct labfile_nic *n = &g->nics[i];
        if (!n->has_addr || !lf_net_contains(n->addr, n->prefix, gw))
            continue;
        for (size_t k = 0; k < s->nguests; k++) {
            if (k == from)
                continue;
            const struct labfile_guest *o = &s->guests[k];
            for (size_t j = 0; j < o->nnics; j++)
                if (o->nics[j].has_addr && o->nics[j].addr.s_addr == gw.s_addr &&
                    o->nics[j].lan == n->lan)
                    return (int)k;
        }
    }
    return -1;
}

/* Where guest GI sends a packet for DEST: -1 when it is delivered on one of
 * its networks or leaves the guests (no route, the host), else the next guest. */
static int forward_to(const struct lab_spec *s, size_t gi, struct in_addr dest)
{
    const struct labfile_guest *g = &s->guests[gi];
    for (size_t i = 0; i < g->nnics; i++)
        if (g->nics[i].has_addr && lf_net_contains(g->nics[i].addr, g->nics[i].prefix, dest))
            return -1;
    const struct labfile_route *best = NULL;
    for (size_t i = 0; i < g->nroutes; i++) {
        const struct labfile_route *r = &g->routes[i];
        if (lf_net_contains(r->dest, r->prefix, dest) && (!best || r->prefix > best->prefix))
            best = r;
    }
    return best ? next_hop(s, gi, best->gw) : -1;
}

/* Follows R's destination from guest START, which sent it; a guest that
 * forwards seen twice is a loop, whose path goes into E. */
static int follow(const struct lab_spec *s, size_t start, const struct labfile_route *r,
                  struct err *e)
{
    int *path = calloc(s->nguests + 1, sizeof *path);
    bool *seen = calloc(s->nguests, sizeof *seen);
    if (!path || !seen) {
        free(path);
        free(seen);
        return err_set(e, "out of memory");
    }
    size_t len = 0;
    int cur = (int)start;
    int rc = 0;
    while (cur >= 0) {
        path[len++] = cur;
        if (len > 1 && !s->guests[cur].forward)
            break; /* dropped there: a guest that does not forward ends the path */
        if (seen[cur]) {
            struct strbuf msg = {0};
            sb_printf(&msg, "route loop for ");
            lf_format_dest(&msg, r->dest, r->prefix);
            sb_printf(&msg, ":");
            for (size_t i = 0; i < len; i++)
                sb_printf(&msg, "%s %s", i ? " ->" : "", s->guests[path[i]].name);
            rc = err_set(e, "%s", sb_str(&msg));
            sb_free(&msg);
            break;
        }
        seen[cur] = true;
        cur = forward_to(s, (size_t)cur, r->dest);
    }
    free(path);
    free(seen);
    return rc;
}

int lf_find_loop(const struct lab_spec *s, int *line, struct err *e)
{
    for (size_t gi = 0; gi < s->nguests; gi++) {
        const struct labfile_guest *g = &s->guests[gi];
        for (size_t i = 0; i < g->nroutes; i++) {
            if (follow(s, gi, &g->routes[i], e) < 0) {
                *line = g->routes[i].line;
                return -1;
            }
        }
    }
    return 0;
}
