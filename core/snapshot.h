/* snapshot.h — what the side pane and the `counters`, `rules` and `status`
 * commands show, read from the kernel in one place: every interface of the lab
 * with its counters and rates, the host state that decides whether packets
 * flow, and the rules with their counters. A front end only draws it.
 *
 * It is refreshed once a tick while a front end shows it (lab_snapshot_watch)
 * and on demand by a command (lab_snapshot); nothing is read while nobody
 * looks (libiptc copies whole tables). */
#ifndef UMLAB_SNAPSHOT_H
#define UMLAB_SNAPSHOT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/rate.h"

struct lab;

enum snap_part {
    SNAP_IFACES = 1, /* counters and rates */
    SNAP_HOST = 2,   /* ip_forward; proxy_arp and the route of each tap */
    SNAP_RULES = 4,  /* nat POSTROUTING and filter FORWARD with counters */
    SNAP_ALL = 7,
};

/* SNAP_BRIDGE: a LAN, its counters the sum of its ports' (rx = what the
 * guests and VXLAN peers sent into the segment, tx = what it delivered to
 * them: a bridge's own counters see only what reaches the host's side).
 * SNAP_VXLAN: a LAN's port to other hosts (rx = from them). */
enum snap_kind { SNAP_TAP, SNAP_UPLINK, SNAP_BRIDGE, SNAP_VXLAN };

#define SNAP_IFNAMSIZ 16
#define SNAP_ERRSZ    160
#define SNAP_FAULTSZ  96
/* Rates are sampled at most this often, and a base older than STALE (nobody
 * looked for a while) starts over rather than averaging the gap. */
#define SNAP_RATE_MIN_MS   500
#define SNAP_RATE_STALE_MS 3000

struct snap_counters {
    uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
    uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
    bool up;      /* IFF_UP */
    bool carrier; /* for a tap: a guest has it open */
};

struct snap_iface {
    char name[SNAP_IFNAMSIZ];
    enum snap_kind kind;
    char guest[SNAP_IFNAMSIZ]; /* SNAP_TAP: the guest on it */
    struct in_addr addr;       /* SNAP_TAP: the guest's address, 0: none */
    char lan[SNAP_IFNAMSIZ];   /* SNAP_BRIDGE, SNAP_VXLAN: the LAN's name */
    int nports;                /* SNAP_BRIDGE: the ports summed at the last refresh */
    /* SNAP_IFACES */
    bool have; /* counters read at the last refresh; else err says why */
    char err[SNAP_ERRSZ];
    struct snap_counters c;
    int ifindex;
    struct rate rx, tx; /* bytes per second */
    /* SNAP_HOST, taps only */
    bool proxy_arp, route;
    /* SNAP_HOST: a lesson's fault umlab put on it (lab_fault.h), "" none */
    char fault[SNAP_FAULTSZ];
};

struct snap_rule {
    char target[32];                                  /* "ACCEPT", "MASQUERADE", a chain */
    char in_if[SNAP_IFNAMSIZ], out_if[SNAP_IFNAMSIZ]; /* "" = any */
    char src[32], dst[32];                            /* "" = any */
    char comment[256];
    bool ours;  /* tagged with this lab */
    bool moved; /* its packets changed since the previous refresh */
    uint64_t packets, bytes;
};

struct snap_chain {
    const char *table, *chain;
    struct snap_rule *rules;
    size_t n;
    char err[SNAP_ERRSZ]; /* "" when read */
};

#define SNAP_CHAINS 2

struct snapshot {
    struct snap_iface *ifs; /* the lab's taps, its uplink, then each LAN and its VXLAN port */
    size_t nifs;
    char ip_forward[8]; /* "?" when unreadable */
    struct snap_chain chains[SNAP_CHAINS];
    const char *iptables; /* iptables_flavor(), read with the first rules */
    bool watched;
};

void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);

/* Refreshes PARTS of the lab's snapshot now and returns it; NULL (E set) when
 * out of memory. What could not be read is in the snapshot (have, err). */
const struct snapshot *lab_snapshot(struct lab *lab, unsigned parts, struct err *e);
/* A front end shows the snapshot (ON) or stopped showing it: while watched it
 * is refreshed whole every tick (and at once when switched on). */
void lab_snapshot_watch(struct lab *lab, bool on);
/* The lab's tick: refreshes the snapshot when watched. */
void snapshot_tick(struct lab *lab);

/* The interface NAME, NULL when the snapshot has none. */
const struct snap_iface *snapshot_iface(const struct snapshot *s, const char *name);

/* The LAN whose bridge is BRIDGE sums its ports' counters into *SUM (up and
 * carrier: the bridge's own) and counts them in *NPORTS: its guests' NICs
 * and its VXLAN port. -1 when the bridge cannot be read. The links are
 * looked up in T (read once for many: nettable.h), or asked for when T is NULL. */
struct lab_lan;
struct nettable;
int lab_lan_counters(struct lab *lab, const struct nettable *t, const struct lab_lan *lan,
                     struct snap_counters *sum, int *ifindex, int *nports);
/* The LAN whose bridge is NAME, NULL when none. */
const struct lab_lan *lab_lan_of_bridge(const struct lab *lab, const char *name);
/* The VXLAN port of BRIDGE that umlab made (from the journal), "" when none. */
void lab_lan_vxlan_port(const struct lab *lab, const char *bridge, char *out, size_t outsz);

/* Feeds one interface's counters read at NOW_MS: C NULL when they could not
 * be read (the link is gone). A link gone or made again (new IFINDEX) restarts
 * its rates instead of counting a jump. RATES says whether this refresh samples
 * rates (a command's look does not). Pure (unit-tested). */
void snap_iface_feed(struct snap_iface *f, const struct snap_counters *c, int ifindex,
                     int64_t now_ms, bool rates);

#endif
