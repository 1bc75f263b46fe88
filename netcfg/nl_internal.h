/* nl_internal.h — what netcfg's libnl files (link.c, bridge.c) share and
 * nobody else uses: the socket behind an nlconn and the name checks. */
#ifndef UMLAB_NL_INTERNAL_H
#define UMLAB_NL_INTERNAL_H

#include <stdbool.h>
#include <netlink/socket.h>

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

#endif
