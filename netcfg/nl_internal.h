/* nl_internal.h — what netcfg's libnl files (link.c, nettable.c, bridge.c, vxlan.c) share
 * and nobody else uses: the socket behind an nlconn, the name checks and a
 * link lookup. */
#ifndef UMLAB_NL_INTERNAL_H
#define UMLAB_NL_INTERNAL_H

#include <stdbool.h>
#include <netlink/socket.h>

#include "base/err.h"

#include <netinet/in.h>

struct link_stats;
struct nl_addr;
struct rtnl_link;

struct nlconn {
    struct nl_sock *sk;
};

/* NULL when NAME is a valid interface name, else why not (the kernel's
 * dev_valid_name() rules; its own EINVAL would say less). */
const char *netcfg_ifname_problem(const char *name);
/* A libnl error that means "no such object". */
bool netcfg_nl_missing(int rc);
/* Ifindex of NAME in the socket's namespace: > 0, 0 if missing, or a libnl error < 0. */
int netcfg_lookup_ifindex(struct nl_sock *sk, const char *name);
/* The same after checking NAME, for CTX: > 0, 0 if missing, -1 with E set
 * ("CTX: why") on a bad name or a failed lookup. */
int netcfg_find_ifindex(struct nl_sock *sk, const char *ctx, const char *name, struct err *e);
/* Reads link NAME into *OUT (put it with rtnl_link_put): 1 found, 0 missing,
 * -1 error or bad name (E says it under CTX). */
int netcfg_get_link(struct nl_sock *sk, const char *ctx, const char *name, struct rtnl_link **out,
                    struct err *e);

/* LINK's counters, flags and index into *OUT. */
void netcfg_link_stats_of(struct rtnl_link *link, struct link_stats *out);
/* NA is the IPv4 address A. */
bool netcfg_nl_addr_is(struct nl_addr *na, struct in_addr a);

#endif
