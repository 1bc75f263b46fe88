/* link.h — links, addresses, routes and counters through libnl-route-3.
 * All calls act on the network namespace the process is in. */
#ifndef UMLAB_LINK_H
#define UMLAB_LINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"

struct nlconn; /* an open rtnetlink socket */

int nlconn_open(struct nlconn **out, struct err *e);
void nlconn_close(struct nlconn *c);

/* NULL when NAME is a valid interface name, else why not (one phrase). */
const char *link_name_problem(const char *name);
/* Interface index of NAME, 0 when there is no such link. */
int link_ifindex(struct nlconn *c, const char *name);
int link_set_up(struct nlconn *c, const char *name, bool up, struct err *e);
/* Deletes link NAME; a missing link is success. */
int link_delete(struct nlconn *c, const char *name, struct err *e);
/* Creates a veth pair NAME <-> PEER; PEER is moved into the namespace open at
 * PEER_NETNS_FD (-1: stays here). */
int veth_create(struct nlconn *c, const char *name, const char *peer, int peer_netns_fd,
                struct err *e);

/* IPv4 address ADDR/PREFIX on IFNAME. add fails with a message if it exists;
 * del treats a missing address as success. */
int addr_add(struct nlconn *c, const char *ifname, struct in_addr addr, int prefix, struct err *e);
int addr_del(struct nlconn *c, const char *ifname, struct in_addr addr, int prefix, struct err *e);
bool addr_exists(struct nlconn *c, const char *ifname, struct in_addr addr, int prefix);

/* Route DST/PREFIX out of IFNAME (scope link), or via GATEWAY when gw.s_addr != 0.
 * del treats a missing route as success. */
int route_add(struct nlconn *c, struct in_addr dst, int prefix, const char *ifname,
              struct in_addr gw, struct err *e);
int route_del(struct nlconn *c, struct in_addr dst, int prefix, const char *ifname,
              struct in_addr gw, struct err *e);
bool route_exists(struct nlconn *c, struct in_addr dst, int prefix, const char *ifname);
/* (Many links or routes at once: nettable.h.) */

struct link_stats {
    uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
    uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
    bool up;      /* IFF_UP */
    bool carrier; /* lower layer up (for a tap: a guest has it open) */
    int ifindex;  /* a link deleted and made again under its name gets a new one */
};

/* Fresh counters of IFNAME read from the kernel (no cache: counters change
 * without netlink events). */
int link_get_stats(struct nlconn *c, const char *ifname, struct link_stats *out, struct err *e);

#endif
