/* labapply.h — building a lab from a lab file (or a Netkit lab directory)
 * and running its checks: the command lines of labfile_to_commands run
 * through the command table one by one, with progress; the first failure
 * stops it with "FILE:LINE: command: why" (the caller then undoes the lab by
 * closing it). The spec stays with the lab (lab->applied) for the `check`
 * and `save` commands and the console's checklist. */
#ifndef UMLAB_LABAPPLY_H
#define UMLAB_LABAPPLY_H

#include "base/err.h"
#include "core/checkpeer.h"
#include "core/labcheck.h"
#include "core/labfile.h"
#include "core/netkit.h"
#include "core/out.h"

struct lab;

struct labapply {
    struct lab_spec *spec; /* owned, unless NK holds it */
    struct netkit_lab *nk; /* owned when the lab came from a Netkit directory */
    struct labcheck_base base;
    struct checkserve *serve; /* a multi-host lab's part: its check service (checkpeer.h) */
};

/* Hands SPEC (or NK, whose spec is used) to LAB and builds it. PROGRESS
 * (may be NULL) hears "[k/n] command" before each line. A multi-host lab's
 * part then serves its check service (a failure to is said, not fatal). 0,
 * or -1 with E. */
int labapply_build(struct lab *lab, struct lab_spec *spec, struct netkit_lab *nk,
                   void (*progress)(void *ctx, const char *line), void *ctx, struct err *e);

/* The spec the lab was built from, NULL when none. */
const struct lab_spec *labapply_spec(const struct lab *lab);

/* Whether the lab came from a Netkit directory. */
bool labapply_netkit(const struct lab *lab);

/* Runs every check, one line each to O (text) and a "checks" array (JSON).
 * Returns the number that failed, or -1 with E when the lab has none;
 * *SKIPPED (may be NULL) gets the number skipped. A multi-host lab's part
 * asks the host of a check's guest to run it (checkpeer.h). A
 * Netkit lab's checks are its _test/ scripts compared with their signatures
 * (one line per machine, a "tests" array; a machine with nothing to compare
 * does not fail): built, it passes when none fails. */
int labapply_check(struct lab *lab, struct out *o, int *skipped, struct err *e);

#endif
