/* undo_plan.c — see undo_plan.h. */
#include "core/undo_plan.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/addr.h"

#define IFNAME_MAX 15
#define NETNS_MAX  31

static bool name_chars_ok(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len == 0 || len > max || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static bool ifname_ok(const char *s)
{
    return name_chars_ok(s, IFNAME_MAX);
}

static bool netns_ok(const char *s)
{
    return name_chars_ok(s, NETNS_MAX);
}

/* A decimal in [MIN, MAX], digits only. */
static bool decimal_in(const char *s, unsigned long long min, unsigned long long max)
{
    if (!*s || strlen(s) > 20)
        return false;
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (v > (ULLONG_MAX - 9) / 10)
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    return v >= min && v <= max;
}

static bool cidr_ok(const char *s)
{
    struct in_addr a;
    int prefix;
    return addr_parse(s, &a, &prefix, NULL) == 0;
}

/* The sysctls umlab changes (and journals): ip_forward, and per interface
 * (or all/default) the forwarding, proxy ARP and redirect knobs. */
static bool sysctl_key_ok(const char *k)
{
    if (strcmp(k, "net/ipv4/ip_forward") == 0)
        return true;
    static const struct {
        const char *prefix;
        const char *const leaves[5];
    } per_if[] = {
        {"net/ipv4/conf/", {"forwarding", "proxy_arp", "accept_redirects", "send_redirects", 0}},
        {"net/ipv4/neigh/", {"proxy_delay", 0}},
    };
    for (size_t i = 0; i < sizeof per_if / sizeof *per_if; i++) {
        size_t pl = strlen(per_if[i].prefix);
        if (strncmp(k, per_if[i].prefix, pl) != 0)
            continue;
        const char *ifn = k + pl, *slash = strchr(ifn, '/');
        if (!slash || (size_t)(slash - ifn) > IFNAME_MAX)
            return false;
        char name[IFNAME_MAX + 1];
        memcpy(name, ifn, (size_t)(slash - ifn));
        name[slash - ifn] = '\0';
        if (!ifname_ok(name))
            return false;
        for (size_t l = 0; per_if[i].leaves[l]; l++)
            if (strcmp(slash + 1, per_if[i].leaves[l]) == 0)
                return true;
        return false;
    }
    return false;
}

/* PATH is STATEDIR/REST with REST one name or SUB/NAME (NAME not . or ..). */
static bool inside_statedir(const char *path, const char *statedir, const char *sub)
{
    size_t sl = strlen(statedir);
    if (strncmp(path, statedir, sl) != 0 || path[sl] != '/')
        return false;
    const char *rest = path + sl + 1;
    if (sub) {
        size_t bl = strlen(sub);
        if (strncmp(rest, sub, bl) != 0 || rest[bl] != '/')
            return false;
        rest += bl + 1;
    }
    return *rest && !strchr(rest, '/') && strcmp(rest, ".") != 0 && strcmp(rest, "..") != 0;
}

int undo_check_record(const struct jrecord *r, const struct undo_scope *s, struct err *e)
{
    if (r->invalid)
        return err_set(e, "unreadable record: %s", r->why);
    if (r->kind < 0 || r->kind >= J_KIND_COUNT)
        return err_set(e, "unknown record kind");
    if (r->netns[0] && !netns_ok(r->netns))
        return err_set(e, "bad namespace name '%s'", r->netns);
    static const int nargs_min[J_KIND_COUNT] = {
        [J_NETNS] = 1, [J_ENTER] = 1,  [J_TAP] = 1,    [J_VETH] = 1,  [J_ADDR] = 2,
        [J_ROUTE] = 2, [J_SYSCTL] = 2, [J_RULE] = 3,   [J_PROC] = 2,  [J_FILE] = 1,
        [J_DIR] = 1,   [J_BRIDGE] = 1, [J_BRPORT] = 2, [J_VXLAN] = 2,
    };
    static const int nargs_max[J_KIND_COUNT] = {
        [J_NETNS] = 1, [J_ENTER] = 1,  [J_TAP] = 1,    [J_VETH] = 1,  [J_ADDR] = 2,
        [J_ROUTE] = 3, [J_SYSCTL] = 2, [J_RULE] = 3,   [J_PROC] = 2,  [J_FILE] = 1,
        [J_DIR] = 1,   [J_BRIDGE] = 1, [J_BRPORT] = 2, [J_VXLAN] = 2,
    };
    if (r->nargs < nargs_min[r->kind] || r->nargs > nargs_max[r->kind])
        return err_set(e, "wrong number of fields");
    const char *a0 = r->args[0], *a1 = r->args[1], *a2 = r->args[2];
    switch (r->kind) {
    case J_NETNS:
        return netns_ok(a0) ? 0 : err_set(e, "bad namespace name '%s'", a0);
    case J_ENTER:
        return strcmp(a0, "-") == 0 || netns_ok(a0) ? 0 : err_set(e, "bad namespace name '%s'", a0);
    case J_TAP:
    case J_VETH:
    case J_BRIDGE:
        return ifname_ok(a0) ? 0 : err_set(e, "bad interface name '%s'", a0);
    case J_BRPORT:
        if (!ifname_ok(a0) || !ifname_ok(a1))
            return err_set(e, "bad interface name '%s'", ifname_ok(a0) ? a1 : a0);
        return strcmp(a0, a1) != 0 ? 0 : err_set(e, "bridge %s cannot be its own port", a0);
    case J_VXLAN:
        if (!ifname_ok(a0))
            return err_set(e, "bad interface name '%s'", a0);
        return decimal_in(a1, 1, 16777215) ? 0 : err_set(e, "bad VNI '%s'", a1);
    case J_ADDR:
        if (!ifname_ok(a0))
            return err_set(e, "bad interface name '%s'", a0);
        return cidr_ok(a1) ? 0 : err_set(e, "bad address '%s'", a1);
    case J_ROUTE:
        if (!cidr_ok(a0))
            return err_set(e, "bad route '%s'", a0);
        if (!ifname_ok(a1))
            return err_set(e, "bad interface name '%s'", a1);
        return r->nargs < 3 || cidr_ok(a2) ? 0 : err_set(e, "bad gateway '%s'", a2);
    case J_SYSCTL:
        if (!sysctl_key_ok(a0))
            return err_set(e, "sysctl '%s' is not one umlab changes", a0);
        return decimal_in(a1, 0, INT_MAX) ? 0 : err_set(e, "bad sysctl value '%s'", a1);
    case J_RULE: {
        if (!((strcmp(a0, "filter") == 0 && strcmp(a1, "FORWARD") == 0) ||
              (strcmp(a0, "nat") == 0 && strcmp(a1, "POSTROUTING") == 0)))
            return err_set(e, "rule chain %s/%s is not one umlab uses", a0, a1);
        char tag[64];
        int tl = snprintf(tag, sizeof tag, "umlab:%s:", s->lab);
        if (tl < 0 || (size_t)tl >= sizeof tag || strncmp(a2, tag, (size_t)tl) != 0 || !a2[tl])
            return err_set(e, "rule comment '%s' is not this lab's (%s...)", a2, tag);
        return 0;
    }
    case J_PROC:
        if (!decimal_in(a0, 2, INT_MAX))
            return err_set(e, "bad process id '%s' (must be > 1)", a0);
        return decimal_in(a1, 1, ULLONG_MAX) ? 0 : err_set(e, "bad process start time '%s'", a1);
    case J_FILE:
        return inside_statedir(a0, s->statedir, "guests")
                   ? 0
                   : err_set(e, "file '%s' is outside %s/guests", a0, s->statedir);
    case J_DIR:
        return strcmp(a0, s->statedir) == 0 || inside_statedir(a0, s->statedir, NULL)
                   ? 0
                   : err_set(e, "directory '%s' is outside %s", a0, s->statedir);
    case J_KIND_COUNT:
        break;
    }
    return err_set(e, "unknown record kind");
}

/* P releases a port of the bridge B deletes (same name and namespace). */
static bool releases_port_of(const struct jrecord *p, const struct jrecord *b)
{
    return p->kind == J_BRPORT && strcmp(p->args[1], b->args[0]) == 0 &&
           strcmp(p->netns, b->netns) == 0;
}

/* P releases the link V deletes from a bridge (same name and namespace). */
static bool releases_link(const struct jrecord *p, const struct jrecord *v)
{
    return p->kind == J_BRPORT && strcmp(p->args[0], v->args[0]) == 0 &&
           strcmp(p->netns, v->netns) == 0;
}

/* Step P must run before step R. */
static bool must_wait(const struct jrecord *r, const struct jrecord *p)
{
    if (r->kind == J_BRIDGE)
        return releases_port_of(p, r);
    if (r->kind == J_VXLAN)
        return releases_link(p, r);
    return false;
}

/* A bridge is deleted only after every port journaled for it is released,
 * and a VXLAN device only after its release from its bridge. Newest first
 * gives that for any journal umlab writes (a port is enslaved after its
 * bridge and its device are made); this keeps it for any other order too.
 * Only bridges and VXLAN devices move, and only behind releases, which never
 * move: one pass settles them all. */
static void links_after_their_releases(const struct jrecord *recs, struct undo_step *st, size_t n)
{
    for (size_t k = 0; k < n;) {
        const struct jrecord *r = &recs[st[k].rec];
        size_t last = k;
        if (st[k].act == UNDO_RUN && (r->kind == J_BRIDGE || r->kind == J_VXLAN))
            for (size_t j = k + 1; j < n; j++)
                if (st[j].act == UNDO_RUN && must_wait(r, &recs[st[j].rec]))
                    last = j;
        if (last == k) {
            k++;
            continue;
        }
        /* Moved behind its last release: it never moves again; look at the new st[k]. */
        struct undo_step moved = st[k];
        memmove(&st[k], &st[k + 1], (last - k) * sizeof *st);
        st[last] = moved;
    }
}

int undo_plan(const struct jrecord *recs, size_t n, const struct undo_scope *s,
              struct undo_step **steps, size_t *nsteps, struct err *e)
{
    *steps = NULL;
    *nsteps = 0;
    if (n == 0)
        return 0;
    struct undo_step *st = calloc(n, sizeof *st);
    if (!st)
        return err_sys(e, "undo plan");
    for (size_t k = 0; k < n; k++) {
        size_t i = n - 1 - k;
        const struct jrecord *r = &recs[i];
        st[k].rec = i;
        struct err why;
        if ((r->done && !r->invalid) || (r->kind == J_ENTER && !r->invalid)) {
            st[k].act = UNDO_DONE; /* nothing will be done for it either way */
        } else if (undo_check_record(r, s, &why) < 0) {
            st[k].act = UNDO_REFUSE;
            snprintf(st[k].why, sizeof st[k].why, "%s", why.msg);
        } else {
            st[k].act = UNDO_RUN;
        }
    }
    links_after_their_releases(recs, st, n);
    *steps = st;
    *nsteps = n;
    return 0;
}
