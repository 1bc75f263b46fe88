/* undo.h — undoing journal records: the one path for a normal exit, a guest
 * removed mid-session and `umlab cleanup` after a crash. */
#ifndef UMLAB_UNDO_H
#define UMLAB_UNDO_H

#include "core/err.h"
#include "core/journal.h"

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

/* Undoes every record not yet done, newest first. Marks each in J when J is
 * not NULL. Goes on after a failure; returns -1 if any failed (E: the first). */
int undo_all(struct undo_ctx *u, struct jrecord *recs, size_t n, struct journal *j, struct err *e);

#endif
