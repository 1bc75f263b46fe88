/* nicspec.h — how a NIC is asked for on the command line: `LAN[:ADDR[/LEN]]`
 * or `tap[:ADDR]` (the seed's routed tap), and `ethN`. Pure. */
#ifndef UMLAB_NICSPEC_H
#define UMLAB_NICSPEC_H

#include <netinet/in.h>
#include <stdbool.h>
#include "base/err.h"

#define LAN_NAME_MAX 16 /* including the NUL */

struct nic_spec {
    char lan[LAN_NAME_MAX]; /* "" for the routed tap */
    struct in_addr addr;    /* s_addr 0: none */
    int prefix;             /* -1: not given (the LAN's, or the lab's for the tap) */
};

/* Parses S into OUT: one-line error naming S otherwise. */
int nic_spec_parse(const char *s, struct nic_spec *out, struct err *e);
/* A LAN name: 1-15 letters, digits, '-', '_', starting with a letter; not
 * tap, uplink, internet, host or all. */
bool lan_name_valid(const char *name);
/* "eth3" into *IDX (0..MAX-1). */
int nic_index_parse(const char *s, unsigned max, unsigned *idx, struct err *e);

#endif
