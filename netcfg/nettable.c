/* nettable.c — see nettable.h. */
#include "netcfg/nettable.h"
#include "netcfg/nl_internal.h"

#include <stdio.h>
#include <netlink/errno.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/netconf.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

void nettable_load(struct nlconn *c, unsigned parts, struct nettable *t)
{
    *t = (struct nettable){0};
    if (parts & (NETTABLE_LINKS | NETTABLE_ROUTES)) {
        int rc = rtnl_link_alloc_cache(c->sk, AF_UNSPEC, &t->links);
        if (rc < 0) {
            t->links = NULL;
            snprintf(t->links_err, sizeof t->links_err, "%s", nl_geterror(rc));
        }
    }
    if ((parts & NETTABLE_ROUTES) && rtnl_route_alloc_cache(c->sk, AF_INET, 0, &t->routes) < 0)
        t->routes = NULL;
    if ((parts & NETTABLE_NETCONF) && rtnl_netconf_alloc_cache(c->sk, &t->netconf) < 0)
        t->netconf = NULL;
}

void nettable_free(struct nettable *t)
{
    if (t->links)
        nl_cache_free(t->links);
    if (t->routes)
        nl_cache_free(t->routes);
    if (t->netconf)
        nl_cache_free(t->netconf);
    *t = (struct nettable){0};
}

/* IFNAME's index in the table: > 0, 0 when there is no such link (or no table). */
static int ifindex_of(const struct nettable *t, const char *ifname)
{
    if (!t->links || netcfg_ifname_problem(ifname))
        return 0;
    int idx = rtnl_link_name2i(t->links, ifname);
    return idx > 0 ? idx : 0;
}

int nettable_stats(const struct nettable *t, const char *ifname, struct link_stats *out,
                   struct err *e)
{
    const char *bad = netcfg_ifname_problem(ifname);
    if (bad)
        return err_set(e, "link %s: %s", ifname ? ifname : "", bad);
    if (!t->links)
        return err_set(e, "link %s: stats: %s", ifname,
                       t->links_err[0] ? t->links_err : "links not read");
    struct rtnl_link *link = rtnl_link_get_by_name(t->links, ifname);
    if (!link)
        return err_set(e, "link %s: no such interface", ifname);
    netcfg_link_stats_of(link, out);
    rtnl_link_put(link);
    return 0;
}

static bool route_matches(struct rtnl_route *r, struct in_addr dst, int prefix, int ifindex)
{
    if (rtnl_route_get_family(r) != AF_INET || rtnl_route_get_table(r) != RT_TABLE_MAIN ||
        rtnl_route_get_type(r) != RTN_UNICAST)
        return false;
    struct nl_addr *d = rtnl_route_get_dst(r);
    if (!d || (int)nl_addr_get_prefixlen(d) != prefix)
        return false;
    /* A default route may come back with an empty address. */
    if (prefix > 0 && !netcfg_nl_addr_is(d, dst))
        return false;
    if (ifindex <= 0)
        return true;
    int n = rtnl_route_get_nnexthops(r);
    for (int i = 0; i < n; i++) {
        struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, i);
        if (nh && rtnl_route_nh_get_ifindex(nh) == ifindex)
            return true;
    }
    return false;
}

bool nettable_has_route(const struct nettable *t, struct in_addr dst, int prefix,
                        const char *ifname)
{
    if (!t->routes || prefix < 0 || prefix > 32)
        return false;
    int idx = 0;
    if (ifname && *ifname) {
        idx = ifindex_of(t, ifname);
        if (idx <= 0)
            return false;
    }
    for (struct nl_object *o = nl_cache_get_first(t->routes); o; o = nl_cache_get_next(o))
        if (route_matches((struct rtnl_route *)o, dst, prefix, idx))
            return true;
    return false;
}

int nettable_proxy_arp(const struct nettable *t, const char *ifname)
{
    int idx = ifindex_of(t, ifname), val;
    if (!t->netconf || idx <= 0)
        return -1;
    struct rtnl_netconf *nc = rtnl_netconf_get_by_idx(t->netconf, AF_INET, idx);
    if (!nc)
        return -1;
    /* NETCONFA_PROXY_NEIGH is IPv4's proxy_arp (net/ipv4/devinet.c) */
    int rc = rtnl_netconf_get_proxy_neigh(nc, &val);
    rtnl_netconf_put(nc);
    return rc < 0 ? -1 : val;
}

int nettable_ip_forward(const struct nettable *t)
{
    int val;
    if (!t->netconf)
        return -1;
    /* ip_forward is conf/all/forwarding (net/ipv4/devinet.c) */
    struct rtnl_netconf *nc = rtnl_netconf_get_all(t->netconf, AF_INET);
    if (!nc)
        return -1;
    int rc = rtnl_netconf_get_forwarding(nc, &val);
    rtnl_netconf_put(nc);
    return rc < 0 ? -1 : val;
}
