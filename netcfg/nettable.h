/* nettable.h — the namespace's links with their counters, its IPv4 routes
 * and its IPv4 per-link settings (forwarding, proxy_arp), each read in ONE
 * netlink dump, for a caller asking about many links at once: the side pane,
 * every second (a request per tap grew with the taps, a route dump per tap
 * with their square, a /proc/sys file per tap cost a path walk each). */
#ifndef UMLAB_NETTABLE_H
#define UMLAB_NETTABLE_H

#include <netinet/in.h>
#include <stdbool.h>

#include "base/err.h"
#include "netcfg/link.h"

struct nl_cache;

enum nettable_part {
    NETTABLE_LINKS = 1,   /* links and counters (RTM_GETLINK) */
    NETTABLE_ROUTES = 2,  /* IPv4 routes (RTM_GETROUTE); the links come with them */
    NETTABLE_NETCONF = 4, /* IPv4 forwarding and proxy_arp (RTM_GETNETCONF) */
};

struct nettable {
    struct nl_cache *links, *routes, *netconf; /* NULL: not read, nothing is found */
    char links_err[96];                        /* why the links were not read, "" */
};

/* Reads PARTS; what cannot be read stays NULL (lookups then answer "unknown"). */
void nettable_load(struct nlconn *c, unsigned parts, struct nettable *t);
void nettable_free(struct nettable *t);

/* As link_get_stats, from the table: 0, or -1 with "link NAME: why" in E. */
int nettable_stats(const struct nettable *t, const char *ifname, struct link_stats *out,
                   struct err *e);
/* As route_exists (link.h), from the table. */
bool nettable_has_route(const struct nettable *t, struct in_addr dst, int prefix,
                        const char *ifname);
/* IFNAME's IPv4 proxy_arp, or (IFNAME NULL) the namespace's ip_forward: the
 * value (0, 1, ...) or -1 when the table does not have it. */
int nettable_proxy_arp(const struct nettable *t, const char *ifname);
int nettable_ip_forward(const struct nettable *t);

#endif
