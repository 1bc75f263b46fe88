/* undo_plan.h — deciding what to undo from a parsed journal, before touching
 * anything: which records are this lab's to undo, in which order, and which
 * are refused (a journal is data on disk: a hostile or corrupt one must not
 * make root kill pid 1, remove /, or write any sysctl). Pure: no system calls. */
#ifndef UMLAB_UNDO_PLAN_H
#define UMLAB_UNDO_PLAN_H

#include <stddef.h>

#include "base/err.h"
#include "core/journal.h"

/* What the journal is allowed to name: this lab's state directory and name. */
struct undo_scope {
    const char *statedir; /* absolute, e.g. /run/umlab/lab */
    const char *lab;      /* rule comments must start with "umlab:LAB:" */
};

enum undo_action {
    UNDO_RUN,    /* undo it */
    UNDO_DONE,   /* already undone (or nothing to do: enter) */
    UNDO_REFUSE, /* invalid for this lab: never executed, reported */
};

struct undo_step {
    size_t rec; /* index into the records */
    enum undo_action act;
    char why[160]; /* UNDO_REFUSE: the reason */
};

/* Checks one record (and the namespace it was made in) against SCOPE. */
int undo_check_record(const struct jrecord *r, const struct undo_scope *s, struct err *e);

/* One step per record, newest first, except that a link's deletion waits
 * for every record that acts on it: a bridge's for every release of a port
 * from it, a VXLAN device's for its release from its bridge, and any link's
 * (tap, veth, bridge, VXLAN) for umlab's qdisc on it to be removed and its
 * being down to be undone. *STEPS is malloc'd (free it). */
int undo_plan(const struct jrecord *recs, size_t n, const struct undo_scope *s,
              struct undo_step **steps, size_t *nsteps, struct err *e);

#endif
