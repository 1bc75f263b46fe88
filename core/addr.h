/* addr.h — IPv4 addresses of a lab: parsing, the lab subnet, allocation. Pure. */
#ifndef UMLAB_ADDR_H
#define UMLAB_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"

struct subnet {
    struct in_addr net; /* network address (host bits zero) */
    int prefix;         /* 8..30 */
};

/* "192.168.0.1" (PREFIX_OUT gets -1) or "192.168.0.1/24". Strict: four decimal
 * octets, no leading junk, prefix 0..32. */
int addr_parse(const char *s, struct in_addr *out, int *prefix_out, struct err *e);
/* "192.168.0.0/24"; host bits must be zero; prefix 8..30. */
int subnet_parse(const char *s, struct subnet *out, struct err *e);

bool subnet_contains(const struct subnet *sn, struct in_addr a);
/* Network or broadcast address of SN. */
bool subnet_is_edge(const struct subnet *sn, struct in_addr a);
/* The Nth usable host address (1-based): n=1 is .1 in a /24. */
struct in_addr subnet_host(const struct subnet *sn, unsigned n);
unsigned subnet_size(const struct subnet *sn); /* usable host addresses */

/* Checks A may be given to a guest: inside SN, not an edge, not HOST, not in
 * USED (N entries). One-line error otherwise. */
int addr_check_guest(const struct subnet *sn, struct in_addr host, const struct in_addr *used,
                     size_t n, struct in_addr a, struct err *e);
/* The lowest free guest address, or -1 when the subnet is full. */
int addr_alloc(const struct subnet *sn, struct in_addr host, const struct in_addr *used, size_t n,
               struct in_addr *out, struct err *e);

/* inet_ntop into a static-free caller buffer of at least INET_ADDRSTRLEN. */
const char *addr_str(struct in_addr a, char *buf);

#endif
