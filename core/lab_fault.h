/* lab_fault.h — faults a lesson puts on a lab's links: an interface set down,
 * or link emulation (netem: delay, jitter, loss, duplication; tbf: a rate) as
 * its root qdisc. Made in the lab's namespace and journaled first (J_LINKDOWN,
 * J_NETEM), so lab_close and `umlab cleanup` undo them; the journal is also
 * where the lab remembers them (no state of its own to drift).
 *
 * IFNAME must be one of the lab's own links: a guest's tap or a LAN's bridge.
 * The command layer resolves GUEST and LAN names to it. */
#ifndef UMLAB_LAB_FAULT_H
#define UMLAB_LAB_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "netcfg/qdisc.h"

struct lab;

/* IFNAME is one of a guest's taps (a NIC's) or a LAN's bridge. */
bool lab_fault_link_ok(const struct lab *lab, const char *ifname);

/* Sets IFNAME down (journaled, so that undo brings it up again) or up. Up
 * also puts back the routes the lab journaled through IFNAME (the kernel
 * drops a link's routes when it goes down: a guest's host route /32). A link
 * already down that umlab did not set down is left unjournaled: *CHANGED
 * (may be NULL) says whether anything changed. */
int lab_link_set(struct lab *lab, const char *ifname, bool up, bool *changed, struct err *e);

/* Makes P the emulation on IFNAME (replacing umlab's earlier one). Refused
 * when IFNAME has a root qdisc umlab did not set, or the kernel lacks netem
 * (or tbf for a rate): nothing changes then. */
int lab_netem_set(struct lab *lab, const char *ifname, const struct netem_params *p, struct err *e);
/* Removes umlab's emulation from IFNAME; an error when there is none. */
int lab_netem_clear(struct lab *lab, const char *ifname, struct err *e);

/* What a lab's link has of umlab's faults now. */
struct lab_fault {
    char ifname[16];
    bool down;             /* umlab set it down */
    bool netem;            /* umlab's emulation is on it */
    bool netem_read;       /* ... and was read back (else netem_err says why) */
    struct netem_params p; /* when netem_read */
    char netem_err[128];
};

/* The lab's faulted links (in the order they were first faulted) into OUT,
 * at most MAX; returns how many there are (may exceed MAX). */
size_t lab_faults(struct lab *lab, struct lab_fault *out, size_t max);

/* F in words, as status and the side pane show it: "down", "netem delay
 * 100ms loss 10%", "down, netem rate 1mbit", or why the emulation could not
 * be read. Pure. */
void lab_fault_describe(const struct lab_fault *f, char *buf, size_t bufsz);

/* Undoes umlab's faults on IFNAME now (its link is going away). */
int lab_faults_undo(struct lab *lab, const char *ifname, struct err *e);

#endif
