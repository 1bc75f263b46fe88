/* pktwalk.h — the packet walk shown by `ping --walk`: the counters a ping
 * moved, in the order its packets pass them (the source's tap rx, FORWARD,
 * MASQUERADE, the way out's tx, and back), and where the count stops.
 *
 * Pure: the path comes from `why` (why_path_of, why_xt_may_count), the
 * counters are read around the ping by the caller. */
#ifndef UMLAB_PKTWALK_H
#define UMLAB_PKTWALK_H

#include "core/why.h"

/* Interface and rule counters (packets) at one moment. */
struct pktwalk_counts {
    uint64_t src_rx, src_tx; /* the source's tap: rx = from the guest */
    uint64_t out_rx, out_tx; /* the way out: the target's tap or the uplink */
    const struct rule_info *fwd, *post;
    size_t nfwd, npost;
};

#define PKTWALK_MAX 8

struct pktwalk_step {
    const char *dir;  /* "request" or "reply" */
    const char *kind; /* "rx", "tx", "forward", "masquerade", "policy" */
    char where[48];   /* "tap0 rx", "FORWARD rule 1", ... */
    char note[96];    /* "from g1", "-j ACCEPT -i tap0 (umlab:lab:tap0)" */
    bool counted;     /* a counter exists (a chain's policy has none here) */
    uint64_t delta;
    bool reached; /* enough packets passed (see pktwalk_build) */
};

struct pktwalk {
    struct pktwalk_step steps[PKTWALK_MAX];
    size_t n;
    int stop; /* the first step not reached, -1: none */
    char summary[256];
};

/* The steps of F's path with the deltas from B to A; SENT and RECEIVED are
 * the ping's. A request step is reached when it counted at least SENT packets
 * (MASQUERADE counts only a flow's first packet: one), a reply step at least
 * RECEIVED (SENT when nothing came back). ARP and other chatter only add to
 * the counts, so the first step short of that is where packets stopped. */
void pktwalk_build(const struct why_facts *f, const struct pktwalk_counts *b,
                   const struct pktwalk_counts *a, long sent, long received, struct pktwalk *w);

#endif
