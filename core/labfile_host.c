/* labfile_host.c — a lab file that spans machines (docs/MULTIHOST.md):
 * `host NAME ADDR` lines, each guest's host, and the part of the lab one
 * host builds (`umlab LABFILE --as HOST`): its guests, the LANs they are on
 * (stretched over VXLAN to the other hosts with guests on them) and the
 * checks it can run. Pure, as the rest of the parser. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/lab.h"
#include "core/labfile_internal.h"
#include "netcfg/vxlan.h"

static int find_host(const struct lab_spec *s, const char *name)
{
    for (size_t i = 0; i < s->nhosts; i++)
        if (strcmp(s->hosts[i].name, name) == 0)
            return (int)i;
    return -1;
}

int lf_kw_host(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 3 && !(ws.n == 5 && strcmp(ws.w[3], "check-port") == 0))
        return lf_fail(p, "usage: host NAME ADDR [check-port PORT|off] (the address the other "
                          "hosts reach it at)");
    struct lab_spec *s = p->s;
    if (!guest_name_valid(ws.w[1]))
        return lf_fail(p,
                       "host name '%s': use up to %d letters, digits, '-' or '_', starting with "
                       "a letter",
                       ws.w[1], LABFILE_NAME_MAX - 1);
    int k = find_host(s, ws.w[1]);
    if (k >= 0)
        return lf_fail(p, "host %s given twice (first at line %d)", ws.w[1], s->hosts[k].line);
    if (s->nhosts == LABFILE_MAX_HOSTS)
        return lf_fail(p, "more than %d hosts", LABFILE_MAX_HOSTS);
    struct labfile_host h = {.line = p->line, .check_port = LABFILE_CHECK_PORT};
    if (ws.n == 5 && strcmp(ws.w[4], "off") == 0) {
        h.check_port = 0;
    } else if (ws.n == 5) {
        char *end;
        long v = strtol(ws.w[4], &end, 10);
        if (*end || end == ws.w[4] || v < 1 || v > 65535)
            return lf_fail(p, "host %s: check-port '%s': a TCP port 1..65535, or off", ws.w[1],
                           ws.w[4]);
        h.check_port = (int)v;
    }
    snprintf(h.name, sizeof h.name, "%s", ws.w[1]);
    if (lf_addr_value(p, ws.w[2], &h.addr) < 0)
        return -1;
    const char *bad = vxlan_remote_problem(h.addr);
    if (bad)
        return lf_fail(p, "host %s's address %s: %s", h.name, ws.w[2], bad);
    for (size_t i = 0; i < s->nhosts; i++)
        if (s->hosts[i].addr.s_addr == h.addr.s_addr)
            return lf_fail(p, "host %s has address %s too (line %d)", s->hosts[i].name, ws.w[2],
                           s->hosts[i].line);
    s->hosts[s->nhosts++] = h;
    return 0;
}

int lf_resolve_hosts(struct lf_parser *p)
{
    struct lab_spec *s = p->s;
    for (size_t i = 0; i < s->nguests; i++) {
        struct labfile_guest *g = &s->guests[i];
        g->host = 0; /* unplaced: the first host */
        if (!g->host_name[0])
            continue;
        p->line = g->line;
        if ((g->host = find_host(s, g->host_name)) < 0)
            return lf_fail(p, "guest %s: unknown host '%s' (give a `host %s ADDR` line)", g->name,
                           g->host_name, g->host_name);
    }
    return 0;
}

int labfile_set_as(struct lab_spec *s, const char *name, struct err *e)
{
    if (!s->nhosts)
        return err_set(e, "%s: --as %s: the lab file has no `host` lines", s->source, name);
    int k = find_host(s, name);
    if (k < 0) {
        char names[256] = "";
        size_t n = 0;
        for (size_t i = 0; i < s->nhosts && n < sizeof names; i++)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
                                  s->hosts[i].name);
        return err_set(e, "%s: --as %s: no such host (the file has %s)", s->source, name, names);
    }
    s->as_host = k;
    return 0;
}

bool labfile_guest_here(const struct lab_spec *s, size_t gi)
{
    return s->as_host < 0 || s->guests[gi].host == s->as_host;
}

/* Whether host H has a guest with a NIC on LAN LI. */
static bool host_on_lan(const struct lab_spec *s, int h, size_t li)
{
    for (size_t i = 0; i < s->nguests; i++) {
        const struct labfile_guest *g = &s->guests[i];
        for (size_t k = 0; g->host == h && k < g->nnics; k++)
            if (g->nics[k].lan == (int)li)
                return true;
    }
    return false;
}

bool labfile_lan_here(const struct lab_spec *s, size_t li)
{
    if (s->as_host < 0 || host_on_lan(s, s->as_host, li))
        return true;
    for (int h = 0; h < (int)s->nhosts; h++)
        if (host_on_lan(s, h, li))
            return false;
    return s->as_host == 0; /* nobody's: the first host keeps it */
}

void labfile_lan_vxlan_opt(const struct lab_spec *s, size_t li, struct strbuf *out)
{
    if (s->as_host < 0)
        return;
    bool first = true;
    char as[INET_ADDRSTRLEN];
    for (int h = 0; h < (int)s->nhosts; h++) {
        if (h == s->as_host || !host_on_lan(s, h, li))
            continue;
        sb_printf(out, "%s%s", first ? " --vxlan " : ",", addr_str(s->hosts[h].addr, as));
        first = false;
    }
}

bool labfile_nat_here(const struct lab_spec *s)
{
    if (s->as_host < 0)
        return true;
    for (size_t i = 0; i < s->nguests; i++) {
        const struct labfile_guest *g = &s->guests[i];
        if (g->host != s->as_host)
            continue;
        if (g->nnics == 0)
            return true; /* one routed tap, what `guest add` makes */
        for (size_t k = 0; k < g->nnics; k++)
            if (g->nics[k].lan < 0)
                return true;
    }
    return false;
}

bool labfile_remote_addr(const struct lab_spec *s, size_t from, size_t gi, struct in_addr *out)
{
    const struct labfile_guest *g = &s->guests[gi], *f = &s->guests[from];
    bool found = false;
    for (size_t k = 0; k < g->nnics; k++) {
        if (!g->nics[k].has_addr)
            continue;
        for (size_t j = 0; j < f->nnics; j++)
            if (g->nics[k].lan >= 0 && f->nics[j].lan == g->nics[k].lan) {
                *out = g->nics[k].addr; /* on a LAN they share: the direct way */
                return true;
            }
        if (!found)
            *out = g->nics[k].addr;
        found = true;
    }
    return found;
}

bool labfile_check_elsewhere(const struct lab_spec *s, size_t ci, char *why, size_t whysz)
{
    const struct labfile_check *c = &s->checks[ci];
    if (s->as_host < 0)
        return false;
    const char *here = s->hosts[s->as_host].name;
    if (c->guest >= 0 && !labfile_guest_here(s, (size_t)c->guest)) {
        const char *h = s->hosts[s->guests[c->guest].host].name;
        snprintf(why, whysz,
                 "%s runs on host %s, not %s: check it there (`umlab check %s --as %s`)",
                 s->guests[c->guest].name, h, here, s->source, h);
        return true;
    }
    if (c->kind == LABFILE_CHECK_COUNTER && c->lan >= 0 && !labfile_lan_here(s, (size_t)c->lan)) {
        snprintf(why, whysz, "LAN %s has no guest on host %s", s->lans[c->lan].name, here);
        return true;
    }
    struct in_addr a;
    if (c->kind == LABFILE_CHECK_REACH && c->to == LABFILE_TO_GUEST &&
        !labfile_guest_here(s, (size_t)c->to_guest) &&
        !labfile_remote_addr(s, (size_t)c->guest, (size_t)c->to_guest, &a)) {
        snprintf(why, whysz, "%s runs on host %s and has no address in the lab file to ping",
                 s->guests[c->to_guest].name, s->hosts[s->guests[c->to_guest].host].name);
        return true;
    }
    return false;
}

void labfile_format_hosts(const struct lab_spec *s, struct strbuf *out)
{
    char as[INET_ADDRSTRLEN];
    if (s->nhosts)
        sb_printf(out, "\n");
    for (size_t i = 0; i < s->nhosts; i++) {
        const struct labfile_host *h = &s->hosts[i];
        sb_printf(out, "host %s %s", h->name, addr_str(h->addr, as));
        if (h->check_port == 0)
            sb_printf(out, " check-port off");
        else if (h->check_port != LABFILE_CHECK_PORT)
            sb_printf(out, " check-port %d", h->check_port);
        sb_printf(out, "\n");
    }
}
