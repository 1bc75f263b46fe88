/* undo.h — undoing journal records: the one path for a normal exit, a guest
 * removed mid-session and `umlab cleanup` after a crash. */
#ifndef UMLAB_UNDO_H
#define UMLAB_UNDO_H

#include "base/err.h"
#include "core/journal.h"
#include "core/undo_plan.h"

struct nlconn;

struct undo_ctx {
    int orig_netns_fd; /* the namespace records with netns "" belong to */
    char cur_netns[JOURNAL_ARG_MAX];
    struct nlconn *nl; /* opened lazily in the current namespace */
    void (*log)(void *ctx, const char *line);
    void *logctx;
};

/* ORIG_NETNS_FD is borrowed. CUR is the namespace the caller is in now. */
void undo_init(struct undo_ctx *u, int orig_netns_fd, const char *cur);
void undo_fini(struct undo_ctx *u);

/* Undoes one record, in the namespace it was made in. Missing objects are not
 * an error (someone removed them already). */
int undo_record(struct undo_ctx *u, const struct jrecord *r, struct err *e);

/* Plans (undo_plan) and executes: undoes every valid record not yet done,
 * newest first, marking each in J (when not NULL). Goes on after a failure,
 * but then keeps the state directory (dir records): the journal must survive
 * for `umlab cleanup` to retry. Refused and failed records are logged, one
 * line each, and counted in *LEFT. Returns -1 if anything is left (E: the
 * first problem). */
int undo_all(struct undo_ctx *u, struct jrecord *recs, size_t n, const struct undo_scope *s,
             struct journal *j, size_t *left, struct err *e);

#endif
