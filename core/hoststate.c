/* hoststate.c — see hoststate.h. */
#include "core/hoststate.h"

#include <stdio.h>
#include <string.h>

#include "netcfg/link.h"
#include "netcfg/sysctl.h"

void host_tap_state(struct lab *lab, const struct guest *g, struct host_tap_state *out)
{
    memset(out, 0, sizeof *out);
    char key[96], val[16];
    snprintf(key, sizeof key, "net/ipv4/conf/%s/proxy_arp", g->tap);
    out->proxy_arp = sysctl_read(key, val, sizeof val, NULL) == 0 && strcmp(val, "1") == 0;
    out->route = g->addr.s_addr && route_exists(lab->nl, g->addr, 32, g->tap);
    struct link_stats s;
    if (link_get_stats(lab->nl, g->tap, &s, NULL) == 0) {
        out->up = s.up;
        out->carrier = s.carrier;
    }
}
