/* lab_internal.h — what the lab's files (lab*.c) share and nobody else uses. */
#ifndef UMLAB_LAB_INTERNAL_H
#define UMLAB_LAB_INTERNAL_H

#include "core/lab.h"

/* Undoes journal record *SEQ now (something going away mid-session), marks it
 * done and sets *SEQ to -1. A seq <= 0 is nothing to undo. */
int lab_undo_now(struct lab *lab, int *seq, struct err *e);
/* Marks record *SEQ done without undoing it (its create failed with EEXIST:
 * the object is someone else's) and sets *SEQ to -1. */
void lab_forget(struct lab *lab, int *seq);
/* PATH is a regular file we may open with MODE (R_OK, X_OK): "kernel /x: ..." */
int lab_check_file(const char *what, const char *path, int mode, struct err *e);
/* Creates and enters the lab's namespace (--netns / --sandbox). */
int lab_setup_netns(struct lab *lab, const struct lab_opts *o, struct err *e);
/* The sandbox's internet namespace behind the veth uplink (needs lab->nl). */
int lab_setup_sandbox(struct lab *lab, struct err *e);
/* NAME is a guest's tap or any link of the lab's namespace. */
bool lab_tap_taken(const struct lab *lab, const char *name);
/* FORWARD -i TAP / -o TAP ACCEPT for G, journaled as one record (G->j_fwd). */
int lab_guest_fwd_rules(struct lab *lab, struct guest *g, struct err *e);
/* Makes guest G's routed tap as eth IDX (a free tapN, up, the host's /32
 * on it), journaled in G's j_tap and j_addr; sets G->routed. */
int lab_routed_tap_create(struct lab *lab, struct guest *g, unsigned idx, struct err *e);
/* Makes a LAN NIC's tap and attaches it to its LAN's bridge. */
int lab_lan_tap_create(struct lab *lab, struct guest_nic *nic, struct err *e);
/* Undoes eth IDX's records (the routed tap's: G's j_fwd...j_tap). */
int lab_nic_undo(struct lab *lab, struct guest *g, unsigned idx, struct err *e);
/* Undoes G's tap, address, sysctls, route, rules and COW file records. */
int lab_guest_undo_net(struct lab *lab, struct guest *g, struct err *e);

#endif
