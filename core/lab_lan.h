/* lab_lan.h — the journaled lower layer of a lab's LANs (bridges) and of
 * guests' extra NICs (taps hot-plugged through the mconsole), for the lan and
 * nic commands to build on. Everything is made in the lab's namespace and
 * journaled first, so lab_close and `umlab cleanup` undo it; *SEQ receives
 * the journal record, and the matching _del/_detach undoes it now (and sets
 * *SEQ to -1). A name someone else holds fails and is never adopted. */
#ifndef UMLAB_LAB_LAN_H
#define UMLAB_LAB_LAN_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
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

/* A LAN stretched to other hosts: a VXLAN device that is a port of the LAN's
 * bridge (issue 12). Its UDP socket lives in the namespace umlab started in
 * (the host's real network, the underlay) and the device in the lab's, so a
 * --netns or --sandbox lab stays isolated but for this one port. */
#define LAB_VXLAN_MAX_REMOTES 64 /* every broadcast is sent once to each */

struct lab_vxlan {
    char name[16];      /* vxlanN (the first N free), in the lab's namespace */
    char underlay[16];  /* the device its packets leave by (given, or the route's) */
    uint32_t vni;       /* 1..16777215 */
    unsigned nic_mtu;   /* the MTU every guest NIC on this LAN must use (1500 or less) */
    char mtu_note[200]; /* how nic_mtu was decided, one sentence for the log */
    int seq_dev;        /* journal record of the device, -1 when none */
    int seq_port;       /* journal record of its port on the bridge, -1 when none */
};

/* Adds VNI's VXLAN device to BRIDGE (a bridge of this lab), sending
 * broadcasts and unknown unicast to the NREMOTES REMOTES (unicast head-end
 * replication; learning on; UDP port 4789), up. UNDERLAY (NULL: the device of
 * the route to the first remote) is a device of the namespace umlab started
 * in; the smallest MTU among the remotes' routes (or UNDERLAY's) decides
 * OUT->nic_mtu (vxlan_mtu_decide). A VNI this host uses already, a remote
 * without a route, or a missing bridge fail with nothing made. OUT is filled
 * in; lab_lan_vxlan_del undoes it now, lab_close and `umlab cleanup` later
 * (the port released from the bridge, then the device deleted). */
int lab_lan_vxlan_add(struct lab *lab, const char *bridge, uint32_t vni,
                      const struct in_addr *remotes, size_t nremotes, const char *underlay,
                      struct lab_vxlan *out, struct err *e);
/* Releases VX's device from its bridge and deletes it (records done, seqs -1). */
int lab_lan_vxlan_del(struct lab *lab, struct lab_vxlan *vx, struct err *e);
/* One more peer for VX (one it has: success), or one less (one it lacks: success). */
int lab_lan_vxlan_remote_add(struct lab *lab, const struct lab_vxlan *vx, struct in_addr remote,
                             struct err *e);
int lab_lan_vxlan_remote_del(struct lab *lab, const struct lab_vxlan *vx, struct in_addr remote,
                             struct err *e);

#endif
