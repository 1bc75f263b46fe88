/* bridge.c — Linux bridges through libnl-route-3; see bridge.h.
 *
 * Links are looked up once and then acted on by ifindex, so a link renamed or
 * replaced between the check and the change is not the one changed. */
#include "netcfg/bridge.h"

#include <stdlib.h>
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>

#include "netcfg/nl_internal.h"

/* Reads link NAME into *OUT: 1 found, 0 missing, -1 error (E says it under CTX). */
static int get_link(struct nlconn *c, const char *ctx, const char *name, struct rtnl_link **out,
                    struct err *e)
{
    return netcfg_get_link(c->sk, ctx, name, out, e);
}

static bool is_bridge(struct rtnl_link *link)
{
    const char *kind = rtnl_link_get_type(link);
    return kind && strcmp(kind, "bridge") == 0;
}

/* The name of link IFINDEX into OUT ("?" when it cannot be read). */
static void ifindex_name(struct nlconn *c, int ifindex, char *out, size_t outsz)
{
    struct rtnl_link *link = NULL;
    if (rtnl_link_get_kernel(c->sk, ifindex, NULL, &link) == 0 && link && rtnl_link_get_name(link))
        snprintf(out, outsz, "%s", rtnl_link_get_name(link));
    else
        snprintf(out, outsz, "?");
    if (link)
        rtnl_link_put(link);
}

int bridge_create(struct nlconn *c, const char *name, struct err *e)
{
    const char *bad = netcfg_ifname_problem(name);
    if (bad)
        return err_set(e, "bridge %s: %s", name ? name : "", bad);
    struct rtnl_link *link = rtnl_link_bridge_alloc();
    if (!link)
        return err_set(e, "bridge %s: out of memory", name);
    rtnl_link_set_name(link, name);
    /* EXCL: without it the kernel would change an existing link of that name. */
    int rc = rtnl_link_add(c->sk, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(link);
    if (rc == -NLE_EXIST) {
        err_set(e, "bridge %s: an interface with this name already exists", name);
        errno = EEXIST; /* someone else's: not to be undone */
        return -1;
    }
    if (rc == -NLE_OPNOTSUPP)
        return err_set(e, "bridge %s: the kernel has no bridge support (modprobe bridge)", name);
    if (rc < 0)
        return err_set(e, "bridge %s: %s", name, nl_geterror(rc));
    return 0;
}

int bridge_delete(struct nlconn *c, const char *name, struct err *e)
{
    char ctx[64];
    snprintf(ctx, sizeof ctx, "bridge %s", name ? name : "");
    struct rtnl_link *link;
    int found = get_link(c, ctx, name, &link, e);
    if (found <= 0)
        return found;
    if (!is_bridge(link)) {
        rtnl_link_put(link);
        return err_set(e, "%s: this interface is not a bridge (left alone)", ctx);
    }
    int rc = rtnl_link_delete(c->sk, link); /* by the ifindex just checked */
    rtnl_link_put(link);
    if (rc < 0 && !netcfg_nl_missing(rc))
        return err_set(e, "%s: delete: %s", ctx, nl_geterror(rc));
    return 0;
}

bool bridge_exists(struct nlconn *c, const char *name)
{
    struct rtnl_link *link;
    if (get_link(c, "bridge", name, &link, NULL) <= 0)
        return false;
    bool yes = is_bridge(link);
    rtnl_link_put(link);
    return yes;
}

/* Reads bridge BRIDGE and interface PORT; CTX (CTXSZ bytes) gets the errors'
 * start. 1 both there, 0 one missing (*WHICH says which), -1 error. */
static int get_pair(struct nlconn *c, char *ctx, size_t ctxsz, const char *bridge, const char *port,
                    struct rtnl_link **bl, struct rtnl_link **pl, const char **which, struct err *e)
{
    snprintf(ctx, ctxsz, "bridge %s: port %s", bridge ? bridge : "", port ? port : "");
    *bl = *pl = NULL;
    /* Both names are checked before anything is looked up. */
    const char *bad = netcfg_ifname_problem(bridge);
    if (bad || (bad = netcfg_ifname_problem(port)))
        return err_set(e, "%s: %s", ctx, bad);
    int found = get_link(c, ctx, bridge, bl, e);
    if (found <= 0) {
        *which = bridge;
        return found;
    }
    found = get_link(c, ctx, port, pl, e);
    if (found <= 0) {
        rtnl_link_put(*bl);
        *bl = NULL;
        *which = port;
    }
    return found;
}

int bridge_enslave(struct nlconn *c, const char *bridge, const char *port, struct err *e)
{
    char ctx[64];
    struct rtnl_link *bl, *pl;
    const char *which = NULL;
    int found = get_pair(c, ctx, sizeof ctx, bridge, port, &bl, &pl, &which, e);
    if (found < 0)
        return -1;
    if (found == 0)
        return err_set(e, "%s: no such interface %s", ctx, which);
    int rc = -1, bidx = rtnl_link_get_ifindex(bl), pidx = rtnl_link_get_ifindex(pl);
    int master = rtnl_link_get_master(pl);
    if (!is_bridge(bl)) {
        err_set(e, "%s: %s is not a bridge", ctx, bridge);
    } else if (bidx == pidx) {
        err_set(e, "%s: a bridge cannot be its own port", ctx);
    } else if (is_bridge(pl)) {
        err_set(e, "%s: %s is a bridge, and a bridge cannot be a port of another", ctx, port);
    } else if (master > 0) {
        char mname[BRIDGE_IFNAMSIZ];
        ifindex_name(c, master, mname, sizeof mname);
        err_set(e, "%s: %s is already a port of %s", ctx, port, mname);
        errno = EEXIST; /* not ours to release */
    } else {
        int nrc = rtnl_link_enslave_ifindex(c->sk, bidx, pidx);
        if (nrc < 0)
            err_set(e, "%s: enslave: %s", ctx, nl_geterror(nrc));
        else
            rc = 0;
    }
    int saved = errno;
    rtnl_link_put(bl);
    rtnl_link_put(pl);
    errno = saved;
    return rc;
}

int bridge_release(struct nlconn *c, const char *bridge, const char *port, struct err *e)
{
    char ctx[64];
    struct rtnl_link *bl, *pl;
    const char *which = NULL;
    int found = get_pair(c, ctx, sizeof ctx, bridge, port, &bl, &pl, &which, e);
    if (found <= 0)
        return found; /* either one gone: PORT is not BRIDGE's any more */
    int pidx = rtnl_link_get_ifindex(pl);
    bool ours = is_bridge(bl) && rtnl_link_get_master(pl) == rtnl_link_get_ifindex(bl);
    rtnl_link_put(bl);
    rtnl_link_put(pl);
    if (!ours)
        return 0;
    int rc = rtnl_link_release_ifindex(c->sk, pidx);
    if (rc < 0 && !netcfg_nl_missing(rc))
        return err_set(e, "%s: release: %s", ctx, nl_geterror(rc));
    return 0;
}

int bridge_port_master(struct nlconn *c, const char *port, char *master, size_t mastersz,
                       struct err *e)
{
    char ctx[64];
    snprintf(ctx, sizeof ctx, "link %s", port ? port : "");
    if (mastersz)
        master[0] = '\0';
    struct rtnl_link *pl;
    int found = get_link(c, ctx, port, &pl, e);
    if (found < 0)
        return -1;
    if (found == 0)
        return err_set(e, "%s: no such interface", ctx);
    int idx = rtnl_link_get_master(pl);
    rtnl_link_put(pl);
    if (idx > 0 && mastersz)
        ifindex_name(c, idx, master, mastersz);
    return 0;
}

int bridge_ports(struct nlconn *c, const char *bridge, char (*names)[BRIDGE_IFNAMSIZ], size_t max,
                 size_t *n, struct err *e)
{
    *n = 0;
    char ctx[64];
    snprintf(ctx, sizeof ctx, "bridge %s", bridge ? bridge : "");
    struct rtnl_link *bl;
    int found = get_link(c, ctx, bridge, &bl, e);
    if (found < 0)
        return -1;
    if (found == 0)
        return err_set(e, "%s: no such interface", ctx);
    bool bridge_ok = is_bridge(bl);
    int bidx = rtnl_link_get_ifindex(bl);
    rtnl_link_put(bl);
    if (!bridge_ok)
        return err_set(e, "%s: this interface is not a bridge", ctx);
    struct nl_cache *cache = NULL;
    int rc = rtnl_link_alloc_cache(c->sk, AF_UNSPEC, &cache);
    if (rc < 0)
        return err_set(e, "%s: listing links: %s", ctx, nl_geterror(rc));
    for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
        struct rtnl_link *l = (struct rtnl_link *)o;
        if (rtnl_link_get_master(l) != bidx || !rtnl_link_get_name(l))
            continue;
        if (*n < max)
            snprintf(names[*n], BRIDGE_IFNAMSIZ, "%s", rtnl_link_get_name(l));
        (*n)++;
    }
    nl_cache_free(cache);
    return 0;
}
