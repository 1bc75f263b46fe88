/* lab_lan.h — the journaled lower layer of a lab's LANs (bridges) and of
 * guests' extra NICs (taps hot-plugged through the mconsole), for the lan and
 * nic commands to build on. Everything is made in the lab's namespace and
 * journaled first, so lab_close and `umlab cleanup` undo it; *SEQ receives
 * the journal record, and the matching _del/_detach undoes it now (and sets
 * *SEQ to -1). A name someone else holds fails and is never adopted. */
#ifndef UMLAB_LAB_LAN_H
#define UMLAB_LAB_LAN_H

#include <stddef.h>
#include "base/err.h"

struct lab;
struct guest;

/* Bridge NAME (a LAN's segment), up. Counters: link_get_stats on NAME. */
int lab_bridge_add(struct lab *lab, const char *name, int *seq, struct err *e);
/* Deletes the bridge of record *SEQ. Detach its ports first: the kernel would
 * release them anyway, but their records would then undo nothing. */
int lab_bridge_del(struct lab *lab, int *seq, struct err *e);
/* Makes PORT (a NIC's tap) a port of BRIDGE. A PORT already in a bridge fails. */
int lab_bridge_attach(struct lab *lab, const char *bridge, const char *port, int *seq,
                      struct err *e);
/* Releases the port of record *SEQ from its bridge. */
int lab_bridge_detach(struct lab *lab, int *seq, struct err *e);

/* A new tap for a guest's NIC, named tapN (the first N free, as a guest's
 * own tap), owned by the guests' user so UML may open it, up. */
int lab_nic_tap_add(struct lab *lab, char *name, size_t namesz, int *seq, struct err *e);
/* Deletes the tap of record *SEQ (unplug it from its guest first). */
int lab_nic_tap_del(struct lab *lab, int *seq, struct err *e);

/* Hot-plugs TAP into running guest G as eth IDX (mconsole `config
 * ethIDX=tuntap,TAP`). The guest sees a new, down ethIDX. */
int lab_guest_nic_plug(struct lab *lab, struct guest *g, unsigned idx, const char *tap,
                       struct err *e);
/* Unplugs eth IDX from running guest G (mconsole `remove ethIDX`). UML
 * refuses while the guest has the interface up: bring it down in the guest
 * first (`ip link set ethIDX down`). */
int lab_guest_nic_unplug(struct lab *lab, struct guest *g, unsigned idx, struct err *e);

#endif
