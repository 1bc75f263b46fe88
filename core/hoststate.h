/* hoststate.h — the host-side facts that decide whether a guest's packets flow. */
#ifndef UMLAB_HOSTSTATE_H
#define UMLAB_HOSTSTATE_H

#include <stdbool.h>
#include "core/lab.h"

struct host_tap_state {
    bool proxy_arp; /* net/ipv4/conf/TAP/proxy_arp = 1 */
    bool route;     /* a host route to the guest's address through its tap */
    bool up;
    bool carrier; /* the guest has its end open */
};

void host_tap_state(struct lab *lab, const struct guest *g, struct host_tap_state *out);

#endif
