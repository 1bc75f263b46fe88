/* link.c — links, addresses, routes and counters through libnl-route-3.
 *
 * Every request goes through the nlconn's socket, so everything acts on the
 * namespace the socket was opened in, even if the thread moved since. */
#include "netcfg/link.h"
#include "netcfg/nettable.h"
#include "netcfg/nl_internal.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

int nlconn_open(struct nlconn **out, struct err *e)
{
    *out = NULL;
    struct nlconn *c = calloc(1, sizeof *c);
    if (!c)
        return err_sys(e, "netlink: calloc");
    c->sk = nl_socket_alloc();
    if (!c->sk) {
        free(c);
        return err_set(e, "netlink: cannot allocate a socket");
    }
    int rc = nl_connect(c->sk, NETLINK_ROUTE);
    if (rc < 0) {
        err_set(e, "netlink: connect NETLINK_ROUTE: %s", nl_geterror(rc));
        nl_socket_free(c->sk);
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void nlconn_close(struct nlconn *c)
{
    if (!c)
        return;
    nl_socket_free(c->sk); /* also closes the fd */
    free(c);
}

const char *netcfg_ifname_problem(const char *name)
{
    if (!name || !*name)
        return "empty interface name";
    if (strlen(name) >= IFNAMSIZ)
        return "interface name too long (max 15 characters)";
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return "invalid interface name";
    for (const char *p = name; *p; p++) {
        if (*p == '/' || *p == ':' || *p == ' ' || (*p >= '\t' && *p <= '\r'))
            return "invalid character in interface name";
    }
    return NULL;
}

bool netcfg_nl_missing(int rc)
{
    return rc == -NLE_NODEV || rc == -NLE_OBJ_NOTFOUND;
}

int netcfg_lookup_ifindex(struct nl_sock *sk, const char *name)
{
    struct rtnl_link *link = NULL;
    int rc = rtnl_link_get_kernel(sk, 0, name, &link);
    if (rc < 0)
        return netcfg_nl_missing(rc) ? 0 : rc;
    if (!link)
        return 0;
    int idx = rtnl_link_get_ifindex(link);
    rtnl_link_put(link);
    return idx;
}

int netcfg_get_link(struct nl_sock *sk, const char *ctx, const char *name, struct rtnl_link **out,
                    struct err *e)
{
    *out = NULL;
    const char *bad = netcfg_ifname_problem(name);
    if (bad)
        return err_set(e, "%s: %s '%s'", ctx, bad, name ? name : "");
    int rc = rtnl_link_get_kernel(sk, 0, name, out);
    if (rc < 0) {
        *out = NULL;
        if (netcfg_nl_missing(rc))
            return 0;
        return err_set(e, "%s: looking up %s: %s", ctx, name, nl_geterror(rc));
    }
    return *out ? 1 : 0;
}

/* Like lookup_ifindex, with the error (missing included) in E under CTX. */
int netcfg_find_ifindex(struct nl_sock *sk, const char *ctx, const char *name, struct err *e)
{
    const char *bad = netcfg_ifname_problem(name);
    if (bad)
        return err_set(e, "%s: %s", ctx, bad);
    int idx = netcfg_lookup_ifindex(sk, name);
    if (idx < 0)
        return err_set(e, "%s: looking up %s: %s", ctx, name, nl_geterror(idx));
    return idx;
}

/* The answer to an NLM_F_EXCL add of WHAT ("route"): 0, or -1 with E set. */
static int added(const char *ctx, const char *what, int rc, struct err *e)
{
    if (rc == -NLE_EXIST)
        return err_set(e, "%s: %s already exists", ctx, what);
    if (rc < 0)
        return err_set(e, "%s: %s", ctx, nl_geterror(rc));
    return 0;
}

static int need_ifindex(struct nl_sock *sk, const char *ctx, const char *name, struct err *e)
{
    int idx = netcfg_find_ifindex(sk, ctx, name, e);
    if (idx == 0)
        return err_set(e, "%s: no such interface %s", ctx, name);
    return idx;
}

const char *link_name_problem(const char *name)
{
    return netcfg_ifname_problem(name);
}

int link_ifindex(struct nlconn *c, const char *name)
{
    if (netcfg_ifname_problem(name))
        return 0;
    int idx = netcfg_lookup_ifindex(c->sk, name);
    return idx > 0 ? idx : 0;
}

/* NAME's link as the kernel has it, or NULL with "link NAME: why" in E
 * (WHAT, when not NULL, says what it was read for: "stats"). */
static struct rtnl_link *get_named_link(struct nlconn *c, const char *name, const char *what,
                                        struct err *e)
{
    const char *bad = netcfg_ifname_problem(name);
    if (bad) {
        err_set(e, "link %s: %s", name ? name : "", bad);
        return NULL;
    }
    struct rtnl_link *link = NULL;
    int rc = rtnl_link_get_kernel(c->sk, 0, name, &link);
    if (rc < 0 || !link) {
        if (rc == 0 || netcfg_nl_missing(rc))
            err_set(e, "link %s: no such interface", name);
        else
            err_set(e, "link %s: %s%s%s", name, what ? what : "", what ? ": " : "",
                    nl_geterror(rc));
        return NULL;
    }
    return link;
}

int link_set_up(struct nlconn *c, const char *name, bool up, struct err *e)
{
    struct rtnl_link *orig = get_named_link(c, name, NULL, e);
    if (!orig)
        return -1;
    struct rtnl_link *change = rtnl_link_alloc();
    if (!change) {
        rtnl_link_put(orig);
        return err_set(e, "link %s: out of memory", name);
    }
    if (up)
        rtnl_link_set_flags(change, IFF_UP);
    else
        rtnl_link_unset_flags(change, IFF_UP);
    int rc = rtnl_link_change(c->sk, orig, change, 0);
    rtnl_link_put(change);
    rtnl_link_put(orig);
    if (rc < 0)
        return err_set(e, "link %s: set %s: %s", name, up ? "up" : "down", nl_geterror(rc));
    return 0;
}

int link_delete(struct nlconn *c, const char *name, struct err *e)
{
    const char *bad = netcfg_ifname_problem(name);
    if (bad)
        return err_set(e, "link %s: %s", name ? name : "", bad);
    struct rtnl_link *link = rtnl_link_alloc();
    if (!link)
        return err_set(e, "link %s: out of memory", name);
    rtnl_link_set_name(link, name);
    int rc = rtnl_link_delete(c->sk, link);
    rtnl_link_put(link);
    if (rc < 0 && !netcfg_nl_missing(rc))
        return err_set(e, "link %s: delete: %s", name, nl_geterror(rc));
    return 0;
}

int veth_create(struct nlconn *c, const char *name, const char *peer, int peer_netns_fd,
                struct err *e)
{
    const char *bad = netcfg_ifname_problem(name);
    if (!bad)
        bad = netcfg_ifname_problem(peer);
    if (bad)
        return err_set(e, "veth %s <-> %s: %s", name ? name : "", peer ? peer : "", bad);
    if (!strcmp(name, peer) && peer_netns_fd < 0)
        return err_set(e, "veth %s <-> %s: both ends have the same name", name, peer);

    struct rtnl_link *link = rtnl_link_veth_alloc();
    if (!link)
        return err_set(e, "veth %s <-> %s: out of memory", name, peer);
    struct rtnl_link *pl = rtnl_link_veth_get_peer(link); /* takes a reference */
    if (!pl) {
        rtnl_link_put(link);
        return err_set(e, "veth %s <-> %s: libnl has no veth peer", name, peer);
    }
    rtnl_link_set_name(link, name);
    rtnl_link_set_name(pl, peer);
    if (peer_netns_fd >= 0)
        rtnl_link_set_ns_fd(pl, peer_netns_fd); /* IFLA_NET_NS_FD inside VETH_INFO_PEER */
    rtnl_link_put(pl);
    int rc = rtnl_link_add(c->sk, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(link); /* frees the peer with it */
    if (rc == -NLE_EXIST)
        return err_set(e, "veth %s <-> %s: an interface with one of these names already exists",
                       name, peer);
    if (rc < 0)
        return err_set(e, "veth %s <-> %s: %s", name, peer, nl_geterror(rc));
    return 0;
}

/* ---- addresses ---- */

static void addr_ctx(char *buf, size_t sz, const char *ifname, struct in_addr a, int prefix)
{
    char ip[INET_ADDRSTRLEN];
    if (!inet_ntop(AF_INET, &a, ip, sizeof ip))
        snprintf(ip, sizeof ip, "?");
    snprintf(buf, sz, "addr %s/%d on %s", ip, prefix, ifname ? ifname : "");
}

static struct rtnl_addr *addr_build(int ifindex, struct in_addr a, int prefix)
{
    struct rtnl_addr *ra = rtnl_addr_alloc();
    if (!ra)
        return NULL;
    struct nl_addr *local = nl_addr_build(AF_INET, &a, sizeof a);
    if (!local) {
        rtnl_addr_put(ra);
        return NULL;
    }
    nl_addr_set_prefixlen(local, prefix);
    rtnl_addr_set_ifindex(ra, ifindex);
    int rc = rtnl_addr_set_local(ra, local); /* sets family and prefix too */
    nl_addr_put(local);
    if (rc < 0) {
        rtnl_addr_put(ra);
        return NULL;
    }
    return ra;
}

int addr_add(struct nlconn *c, const char *ifname, struct in_addr addr, int prefix, struct err *e)
{
    char ctx[96];
    addr_ctx(ctx, sizeof ctx, ifname, addr, prefix);
    if (prefix < 0 || prefix > 32)
        return err_set(e, "%s: prefix length must be 0..32", ctx);
    int idx = need_ifindex(c->sk, ctx, ifname, e);
    if (idx < 0)
        return -1;
    struct rtnl_addr *ra = addr_build(idx, addr, prefix);
    if (!ra)
        return err_set(e, "%s: out of memory", ctx);
    /* EXCL: the kernel reports an existing address instead of accepting it. */
    int rc = rtnl_addr_add(c->sk, ra, NLM_F_EXCL);
    rtnl_addr_put(ra);
    return added(ctx, "address", rc, e);
}

int addr_del(struct nlconn *c, const char *ifname, struct in_addr addr, int prefix, struct err *e)
{
    char ctx[96];
    addr_ctx(ctx, sizeof ctx, ifname, addr, prefix);
    if (prefix < 0 || prefix > 32)
        return err_set(e, "%s: prefix length must be 0..32", ctx);
    int idx = netcfg_find_ifindex(c->sk, ctx, ifname, e);
    if (idx <= 0)
        return idx; /* no interface, no address */
    struct rtnl_addr *ra = addr_build(idx, addr, prefix);
    if (!ra)
        return err_set(e, "%s: out of memory", ctx);
    int rc = rtnl_addr_delete(c->sk, ra, 0);
    rtnl_addr_put(ra);
    /* IPv4 reports a missing address as EADDRNOTAVAIL. */
    if (rc < 0 && rc != -NLE_NOADDR && !netcfg_nl_missing(rc))
        return err_set(e, "%s: delete: %s", ctx, nl_geterror(rc));
    return 0;
}

bool netcfg_nl_addr_is(struct nl_addr *na, struct in_addr a)
{
    return na && nl_addr_get_family(na) == AF_INET && nl_addr_get_len(na) == sizeof a &&
           memcmp(nl_addr_get_binary_addr(na), &a, sizeof a) == 0;
}

bool addr_exists(struct nlconn *c, const char *ifname, struct in_addr addr, int prefix)
{
    if (netcfg_ifname_problem(ifname) || prefix < 0 || prefix > 32)
        return false;
    int idx = netcfg_lookup_ifindex(c->sk, ifname);
    if (idx <= 0)
        return false;
    struct nl_cache *cache = NULL;
    if (rtnl_addr_alloc_cache(c->sk, &cache) < 0)
        return false;
    bool found = false;
    for (struct nl_object *o = nl_cache_get_first(cache); o && !found; o = nl_cache_get_next(o)) {
        struct rtnl_addr *ra = (struct rtnl_addr *)o;
        found = rtnl_addr_get_family(ra) == AF_INET && rtnl_addr_get_ifindex(ra) == idx &&
                rtnl_addr_get_prefixlen(ra) == prefix &&
                netcfg_nl_addr_is(rtnl_addr_get_local(ra), addr);
    }
    nl_cache_free(cache);
    return found;
}

/* ---- routes ---- */

static void route_ctx(char *buf, size_t sz, struct in_addr dst, int prefix, const char *ifname,
                      struct in_addr gw)
{
    char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
    if (!inet_ntop(AF_INET, &dst, d, sizeof d))
        snprintf(d, sizeof d, "?");
    int n = snprintf(buf, sz, "route %s/%d", d, prefix);
    if (gw.s_addr != 0 && n >= 0 && (size_t)n < sz) {
        if (!inet_ntop(AF_INET, &gw, g, sizeof g))
            snprintf(g, sizeof g, "?");
        n += snprintf(buf + n, sz - (size_t)n, " via %s", g);
    }
    if (ifname && *ifname && n >= 0 && (size_t)n < sz)
        snprintf(buf + n, sz - (size_t)n, " dev %s", ifname);
}

/* FOR_DELETE leaves scope and protocol open so any matching route goes. */
static struct rtnl_route *route_build(struct in_addr dst, int prefix, int ifindex,
                                      struct in_addr gw, bool for_delete)
{
    struct rtnl_route *r = rtnl_route_alloc();
    if (!r)
        return NULL;
    rtnl_route_set_table(r, RT_TABLE_MAIN);
    if (rtnl_route_set_family(r, AF_INET) < 0 || rtnl_route_set_type(r, RTN_UNICAST) < 0)
        goto fail;
    if (for_delete) {
        rtnl_route_set_scope(r, RT_SCOPE_NOWHERE); /* kernel: any scope */
        rtnl_route_set_protocol(r, RTPROT_UNSPEC); /* kernel: any protocol */
    } else {
        rtnl_route_set_scope(r, gw.s_addr ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
        rtnl_route_set_protocol(r, RTPROT_BOOT); /* as `ip route add` */
    }
    struct nl_addr *d = nl_addr_build(AF_INET, &dst, sizeof dst);
    if (!d)
        goto fail;
    nl_addr_set_prefixlen(d, prefix);
    int rc = rtnl_route_set_dst(r, d);
    nl_addr_put(d);
    if (rc < 0)
        goto fail;

    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    if (!nh)
        goto fail;
    if (ifindex > 0)
        rtnl_route_nh_set_ifindex(nh, ifindex);
    if (gw.s_addr) {
        struct nl_addr *g = nl_addr_build(AF_INET, &gw, sizeof gw);
        if (!g) {
            rtnl_route_nh_free(nh);
            goto fail;
        }
        rtnl_route_nh_set_gateway(nh, g); /* takes its own reference */
        nl_addr_put(g);
    }
    rtnl_route_add_nexthop(r, nh); /* the route owns nh from here */
    return r;
fail:
    rtnl_route_put(r);
    return NULL;
}

/* The kernel refuses host bits beyond the prefix with a bare EINVAL; say why. */
static int check_route_dst(const char *ctx, struct in_addr dst, int prefix, struct err *e)
{
    if (prefix < 0 || prefix > 32)
        return err_set(e, "%s: prefix length must be 0..32", ctx);
    uint32_t mask = prefix == 0 ? 0 : htonl(~0u << (32 - prefix));
    if (dst.s_addr & ~mask) {
        struct in_addr net = {dst.s_addr & mask};
        char n[INET_ADDRSTRLEN];
        if (!inet_ntop(AF_INET, &net, n, sizeof n))
            snprintf(n, sizeof n, "?");
        return err_set(e, "%s: host bits set beyond the prefix (network is %s/%d)", ctx, n, prefix);
    }
    return 0;
}

/* What route_add and route_del share: CTX names the route, the destination is
 * checked and the route built into *R (for a delete: matching any protocol
 * and scope). 1 with *R, 0 when IFNAME names no link, -1 with E set. */
static int route_prepare(struct nlconn *c, char *ctx, size_t ctxsz, struct in_addr dst, int prefix,
                         const char *ifname, struct in_addr gw, bool del, struct rtnl_route **r,
                         struct err *e)
{
    route_ctx(ctx, ctxsz, dst, prefix, ifname, gw);
    if (check_route_dst(ctx, dst, prefix, e) < 0)
        return -1;
    int idx = 0;
    if (ifname && *ifname) {
        idx = netcfg_find_ifindex(c->sk, ctx, ifname, e);
        if (idx <= 0)
            return idx;
    } else if (!del && gw.s_addr == 0) {
        return err_set(e, "%s: needs an interface or a gateway", ctx);
    }
    *r = route_build(dst, prefix, idx, gw, del);
    if (!*r)
        return err_set(e, "%s: out of memory", ctx);
    return 1;
}

int route_add(struct nlconn *c, struct in_addr dst, int prefix, const char *ifname,
              struct in_addr gw, struct err *e)
{
    char ctx[128];
    struct rtnl_route *r;
    int found = route_prepare(c, ctx, sizeof ctx, dst, prefix, ifname, gw, false, &r, e);
    if (found <= 0)
        return found < 0 ? -1 : err_set(e, "%s: no such interface %s", ctx, ifname);
    int rc = rtnl_route_add(c->sk, r, NLM_F_EXCL);
    rtnl_route_put(r);
    return added(ctx, "route", rc, e);
}

int route_del(struct nlconn *c, struct in_addr dst, int prefix, const char *ifname,
              struct in_addr gw, struct err *e)
{
    char ctx[128];
    struct rtnl_route *r;
    int found = route_prepare(c, ctx, sizeof ctx, dst, prefix, ifname, gw, true, &r, e);
    if (found <= 0)
        return found; /* no link: the kernel dropped its routes with it */
    int rc = rtnl_route_delete(c->sk, r, 0);
    rtnl_route_put(r);
    if (rc < 0 && !netcfg_nl_missing(rc)) /* a missing route is ESRCH */
        return err_set(e, "%s: delete: %s", ctx, nl_geterror(rc));
    return 0;
}

bool route_exists(struct nlconn *c, struct in_addr dst, int prefix, const char *ifname)
{
    struct nettable t;
    nettable_load(c, NETTABLE_ROUTES, &t);
    bool found = nettable_has_route(&t, dst, prefix, ifname);
    nettable_free(&t);
    return found;
}

/* ---- counters ---- */

void netcfg_link_stats_of(struct rtnl_link *link, struct link_stats *out)
{
    *out = (struct link_stats){
        .rx_bytes = rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES),
        .tx_bytes = rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES),
        .rx_packets = rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS),
        .tx_packets = rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS),
        .rx_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_ERRORS),
        .tx_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_ERRORS),
        .rx_dropped = rtnl_link_get_stat(link, RTNL_LINK_RX_DROPPED),
        .tx_dropped = rtnl_link_get_stat(link, RTNL_LINK_TX_DROPPED),
        .up = (rtnl_link_get_flags(link) & IFF_UP) != 0,
        .carrier = rtnl_link_get_carrier(link) != 0,
        .ifindex = rtnl_link_get_ifindex(link),
    };
}

int link_get_stats(struct nlconn *c, const char *ifname, struct link_stats *out, struct err *e)
{
    struct rtnl_link *link = get_named_link(c, ifname, "stats", e);
    if (!link)
        return -1;
    netcfg_link_stats_of(link, out);
    rtnl_link_put(link);
    return 0;
}
