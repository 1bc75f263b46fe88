/* labfile_internal.h — shared by labfile.c (parser), labfile_net.c (address
 * and route rules) and labfile_out.c (writer, commands). Not for other users. */
#ifndef UMLAB_LABFILE_INTERNAL_H
#define UMLAB_LABFILE_INTERNAL_H

#include <stdint.h>
#include "core/labfile.h"

uint32_t lf_mask(int prefix);
bool lf_net_contains(struct in_addr net, int prefix, struct in_addr a);
/* The host's address on the routed taps: the last usable one of S's subnet. */
struct in_addr lf_host_addr(const struct lab_spec *s);

/* Rules for NIC N about to become guest GI's next NIC: one NIC per LAN (and
 * one routed tap) per guest, the address inside the LAN's (or the lab's)
 * subnet, not an edge, not the host's, not taken on the same segment. */
int lf_check_nic(const struct lab_spec *s, size_t gi, const struct labfile_nic *n, struct err *e);
/* Rules for route R about to be added to guest GI: a new destination, a
 * gateway on one of its addressed NICs' networks and not its own address. */
int lf_check_route(const struct lab_spec *s, size_t gi, const struct labfile_route *r,
                   struct err *e);
/* A loop among the guests' static routes (through guests that forward):
 * -1 with *LINE the route that starts it and E naming the path, or 0. */
int lf_find_loop(const struct lab_spec *s, int *line, struct err *e);

/* "10.0.1.0/24", or "default" for 0.0.0.0/0. */
void lf_format_dest(struct strbuf *out, struct in_addr dest, int prefix);

#endif
