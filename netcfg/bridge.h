/* bridge.h — Linux bridges (the segment of a LAN) through libnl-route-3.
 * Everything acts on the namespace the nlconn was opened in. A bridge is a
 * link like any other: bring it up or down with link_set_up and read its
 * counters with link_get_stats (link.h). */
#ifndef UMLAB_BRIDGE_H
#define UMLAB_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "netcfg/link.h"

#define BRIDGE_IFNAMSIZ 16 /* IFNAMSIZ, for callers that do not include <net/if.h> */

/* Creates bridge NAME (down, STP off: the kernel's defaults). A link of that
 * name that exists already fails with errno EEXIST: it is someone else's and
 * must be neither adopted nor undone. */
int bridge_create(struct nlconn *c, const char *name, struct err *e);

/* Deletes bridge NAME (the kernel releases its ports). A missing NAME is
 * success; a link NAME that is not a bridge is refused and left alone. */
int bridge_delete(struct nlconn *c, const char *name, struct err *e);

/* NAME exists and is a bridge. */
bool bridge_exists(struct nlconn *c, const char *name);

/* Makes PORT (a tap, a veth...) a port of BRIDGE. A PORT that already has a
 * master (this bridge included) fails with errno EEXIST and is not moved; a
 * bridge as PORT is refused (the kernel forbids bridges in bridges). */
int bridge_enslave(struct nlconn *c, const char *bridge, const char *port, struct err *e);

/* Releases PORT from BRIDGE. Nothing to do (success) when PORT or BRIDGE is
 * missing or PORT is not BRIDGE's port (released already, or moved). */
int bridge_release(struct nlconn *c, const char *bridge, const char *port, struct err *e);

/* The name of the master (bridge) of PORT into MASTER, "" when it has none. */
int bridge_port_master(struct nlconn *c, const char *port, char *master, size_t mastersz,
                       struct err *e);

/* The ports of BRIDGE, in ifindex order: up to MAX names into NAMES, their
 * total count into *N (may exceed MAX). */
int bridge_ports(struct nlconn *c, const char *bridge, char (*names)[BRIDGE_IFNAMSIZ], size_t max,
                 size_t *n, struct err *e);

#endif
