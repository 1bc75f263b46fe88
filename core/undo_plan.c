/* undo_plan.c — see undo_plan.h. */
#include "core/undo_plan.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/addr.h"
#include "core/netem_args.h"

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
    /* the second: off in a lab's own namespace with LANs (lab_lans.c) */
    if (strcmp(k, "net/ipv4/ip_forward") == 0 ||
        strcmp(k, "net/bridge/bridge-nf-call-iptables") == 0)
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
        [J_NETNS] = 1,  [J_ENTER] = 1, [J_TAP] = 1,    [J_VETH] = 1,
        [J_ADDR] = 2,   [J_ROUTE] = 2, [J_SYSCTL] = 2, [J_RULE] = 3,
        [J_PROC] = 2,   [J_FILE] = 1,  [J_DIR] = 1,    [J_BRIDGE] = 1,
        [J_BRPORT] = 2, [J_VXLAN] = 2, [J_NETEM] = 2,  [J_LINKDOWN] = 1,
    };
    static const int nargs_max[J_KIND_COUNT] = {
        [J_NETNS] = 1,  [J_ENTER] = 1, [J_TAP] = 1,    [J_VETH] = 1,
        [J_ADDR] = 2,   [J_ROUTE] = 3, [J_SYSCTL] = 2, [J_RULE] = 3,
        [J_PROC] = 2,   [J_FILE] = 1,  [J_DIR] = 1,    [J_BRIDGE] = 1,
        [J_BRPORT] = 2, [J_VXLAN] = 2, [J_NETEM] = 2,  [J_LINKDOWN] = 1,
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
    case J_LINKDOWN:
        return ifname_ok(a0) ? 0 : err_set(e, "bad interface name '%s'", a0);
    case J_NETEM: {
        struct netem_params p;
        struct err pe;
        if (!ifname_ok(a0))
            return err_set(e, "bad interface name '%s'", a0);
        return netem_args_from_word(a1, &p, &pe) == 0 ? 0 : err_set(e, "bad %s", pe.msg);
    }
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

/* Ordering: a record that acts on a link while it lives is undone before the
 * link itself is deleted: a bridge waits for the release of every port from
 * it, a VXLAN device for its own release from its bridge, and any link (tap,
 * veth, bridge, VXLAN) for umlab's qdisc on it to be removed and its being
 * down to be undone. Newest first gives that for any journal umlab writes (a
 * link is made before anything acts on it); this keeps it for any other order
 * too, in O(n log n) for a journal of any size. Only link deletions move, and
 * only behind records that never move. */

enum hold {
    HOLD_BRIDGE = 0, /* a port's release from bridge NAME */
    HOLD_PORT = 1,   /* port NAME's release from its bridge */
    HOLD_LINK = 2,   /* umlab's qdisc on NAME, NAME set down */
    HOLD_COUNT
};

/* What link R deletes (NULL: none) and which holds it waits for (a mask). */
static const char *deletes_link(const struct jrecord *r, unsigned *waits)
{
    *waits = 1u << HOLD_LINK;
    if (r->kind == J_BRIDGE)
        *waits |= 1u << HOLD_BRIDGE;
    else if (r->kind == J_VXLAN)
        *waits |= 1u << HOLD_PORT;
    else if (r->kind != J_TAP && r->kind != J_VETH)
        return NULL;
    return r->args[0];
}

struct actor {
    const char *name, *netns;
    size_t pos;              /* its step */
    enum hold hold;          /* what it holds back */
    size_t last[HOLD_COUNT]; /* a group's first entry: its last step of each hold, + 1 (0: none) */
};

static int cmp_actor(const void *a, const void *b)
{
    const struct actor *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (!c)
        c = strcmp(x->netns, y->netns);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

struct placed {
    size_t anchor, pos; /* after step ANCHOR (itself when not moved), in the order of POS */
    bool moved;
};

static int cmp_placed(const void *a, const void *b)
{
    const struct placed *x = a, *y = b;
    if (x->anchor != y->anchor)
        return x->anchor < y->anchor ? -1 : 1;
    if (x->moved != y->moved)
        return x->moved ? 1 : -1;
    /* Several behind one step: the later first, as if each had been moved in
     * turn to right behind it. */
    return x->moved ? (x->pos < y->pos) - (x->pos > y->pos) : (x->pos > y->pos) - (x->pos < y->pos);
}

static bool same_group(const struct actor *a, const char *name, const char *netns)
{
    return strcmp(a->name, name) == 0 && strcmp(a->netns, netns) == 0;
}

static int links_after_what_acts_on_them(const struct jrecord *recs, struct undo_step *st, size_t n,
                                         struct err *e)
{
    struct actor *act = malloc(2 * n * sizeof *act); /* a port release holds two links */
    struct placed *pl = malloc(n * sizeof *pl);
    struct undo_step *copy = malloc(n * sizeof *copy);
    if (!act || !pl || !copy) {
        free(act);
        free(pl);
        free(copy);
        return err_sys(e, "undo plan");
    }
    size_t na = 0;
    for (size_t k = 0; k < n; k++) {
        const struct jrecord *r = &recs[st[k].rec];
        if (st[k].act != UNDO_RUN)
            continue;
        if (r->kind == J_BRPORT) {
            act[na++] = (struct actor){r->args[1], r->netns, k, HOLD_BRIDGE, {0}};
            act[na++] = (struct actor){r->args[0], r->netns, k, HOLD_PORT, {0}};
        } else if (r->kind == J_NETEM || r->kind == J_LINKDOWN) {
            act[na++] = (struct actor){r->args[0], r->netns, k, HOLD_LINK, {0}};
        }
    }
    qsort(act, na, sizeof *act, cmp_actor);
    for (size_t i = 0, j; i < na; i = j) /* each group's last steps, in its first entry */
        for (j = i; j < na && same_group(&act[j], act[i].name, act[i].netns); j++)
            act[i].last[act[j].hold] = act[j].pos + 1; /* positions ascend in a group */
    for (size_t k = 0; k < n; k++) {
        const struct jrecord *r = &recs[st[k].rec];
        unsigned waits;
        const char *name = deletes_link(r, &waits);
        pl[k] = (struct placed){k, k, false};
        if (st[k].act != UNDO_RUN || !name)
            continue;
        struct actor key = {name, r->netns, 0, HOLD_LINK, {0}}; /* before the group's first */
        size_t lo = 0, hi = na;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_actor(&act[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == na || !same_group(&act[lo], name, r->netns))
            continue;
        size_t last = 0;
        for (int h = 0; h < HOLD_COUNT; h++)
            if ((waits & (1u << h)) && act[lo].last[h] > last)
                last = act[lo].last[h];
        if (last > k + 1) /* the last that holds it comes after it */
            pl[k] = (struct placed){last - 1, k, true};
    }
    qsort(pl, n, sizeof *pl, cmp_placed);
    memcpy(copy, st, n * sizeof *st);
    for (size_t k = 0; k < n; k++)
        st[k] = copy[pl[k].pos];
    free(act);
    free(pl);
    free(copy);
    return 0;
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
    if (links_after_what_acts_on_them(recs, st, n, e) < 0) {
        free(st);
        return -1;
    }
    *steps = st;
    *nsteps = n;
    return 0;
}
