/* vxlan.h — kernel VXLAN devices (a LAN stretched to other hosts) through
 * libnl-route-3 and rtnetlink.
 *
 * One device per stretched LAN: a VNI, UDP port 4789, learning on and no
 * multicast group: every broadcast is copied to each listed remote (unicast
 * head-end replication), the remotes being all-zeros FDB entries (what
 * `bridge fdb append 00:00:00:00:00:00 dst REMOTE dev NAME` makes).
 *
 * The device may be made in another namespace than the one its UDP socket
 * lives in: C is the underlay's namespace (the host's real network), and
 * spec->netns_fd the lab's, where the device becomes a port of a LAN bridge.
 * Everything else acts on the namespace the nlconn was opened in. IPv4 only. */
#ifndef UMLAB_VXLAN_H
#define UMLAB_VXLAN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"
#include "netcfg/link.h"

#define VXLAN_UDP_PORT 4789     /* IANA's; the kernel's default (8472) is not */
#define VXLAN_VNI_MAX  16777215 /* 24 bits */
#define VXLAN_OVERHEAD 50       /* outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 */
#define VXLAN_MTU_MIN  576      /* a guest NIC below this is not worth a LAN */

struct vxlan_spec {
    uint32_t vni;         /* 1..VXLAN_VNI_MAX */
    struct in_addr local; /* source address on the underlay; 0: chosen by route */
    const char *underlay; /* device the packets leave by, in C's namespace; NULL: by route */
    unsigned mtu;         /* the device's MTU; 0: the kernel's choice */
    int netns_fd;         /* >= 0: the device is made in that namespace; -1: in C's */
};

/* A problem with SPEC (one phrase), NULL when it is fine. Pure. */
const char *vxlan_spec_problem(const struct vxlan_spec *s);
/* A problem with REMOTE as a peer (one phrase), NULL when it is fine: not
 * 0.0.0.0, multicast, broadcast or loopback. Pure. */
const char *vxlan_remote_problem(struct in_addr remote);

/* Creates VXLAN device NAME from SPEC, down, with no remote. A link NAME that
 * exists already (in C's namespace or the target's) fails with errno EEXIST,
 * as does a VNI another device of this underlay namespace already uses (on
 * port 4789): neither is made, adopted nor to be undone. */
int vxlan_create(struct nlconn *c, const char *name, const struct vxlan_spec *s, struct err *e);

/* Deletes VXLAN device NAME (its remotes go with it). A missing NAME is
 * success; a link that is not a VXLAN, or whose VNI is not VNI (when VNI is
 * not 0), is refused and left alone: it is not the one we made. */
int vxlan_delete(struct nlconn *c, const char *name, uint32_t vni, struct err *e);

/* NAME exists and is a VXLAN device; its VNI into *VNI (may be NULL). */
bool vxlan_exists(struct nlconn *c, const char *name, uint32_t *vni);

/* Adds REMOTE to the peers NAME sends broadcasts and unknown unicast to. A
 * remote it has already is success (nothing changes). */
int vxlan_remote_add(struct nlconn *c, const char *name, struct in_addr remote, struct err *e);
/* Removes REMOTE from NAME's peers; one it does not have is success. */
int vxlan_remote_del(struct nlconn *c, const char *name, struct in_addr remote, struct err *e);
/* NAME's peers (all-zeros FDB entries): up to MAX into OUT, their total
 * count into *N (may exceed MAX). */
int vxlan_remotes(struct nlconn *c, const char *name, struct in_addr *out, size_t max, size_t *n,
                  struct err *e);

/* The MTU of link NAME (an underlay). */
int vxlan_link_mtu(struct nlconn *c, const char *name, unsigned *mtu, struct err *e);
/* The name of the device the route to DST leaves by, into DEV. No route is
 * an error that names DST. */
int vxlan_route_dev(struct nlconn *c, struct in_addr dst, char *dev, size_t devsz, struct err *e);

/* How big the frames of a stretched LAN may be. */
struct vxlan_mtu_plan {
    unsigned nic_mtu; /* the guests' NICs (and the VXLAN device) on the LAN */
    char note[200];   /* the decision as one sentence, for the log */
};
/* Decides from the underlay's MTU: one of at least 1500 + 50 keeps 1500 on
 * the LAN; a smaller one gives the LAN 50 bytes less (1450 for the usual
 * 1500). Fails when that is below VXLAN_MTU_MIN. Pure. */
int vxlan_mtu_decide(const char *underlay, unsigned underlay_mtu, struct vxlan_mtu_plan *p,
                     struct err *e);

#endif
