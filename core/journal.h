/* journal.h — the record of everything a lab created, written before creating it.
 *
 * A text file, one record a line: "SEQ KIND ARG...". Undoing record SEQ appends
 * "SEQ-done". On exit the lab undoes what is left in reverse order; after a
 * crash, `umlab cleanup` replays the same file. Each record also knows the
 * network namespace it was made in (the last "enter" record before it). */
#ifndef UMLAB_JOURNAL_H
#define UMLAB_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"

enum jkind {
    J_NETNS,    /* NAME: a named network namespace umlab created */
    J_ENTER,    /* NAME: later records live in netns NAME ("-" = the starting one) */
    J_TAP,      /* IFNAME */
    J_VETH,     /* IFNAME (its peer goes with it) */
    J_ADDR,     /* IFNAME ADDR/PREFIX */
    J_ROUTE,    /* DST/PREFIX IFNAME [GW] */
    J_SYSCTL,   /* KEY OLDVALUE */
    J_RULE,     /* TABLE CHAIN COMMENT */
    J_PROC,     /* PID STARTTIME (a process group leader: the whole group is killed) */
    J_FILE,     /* PATH */
    J_DIR,      /* PATH (removed with everything in it) */
    J_BRIDGE,   /* IFNAME: a bridge umlab created (a LAN) */
    J_BRPORT,   /* PORT BRIDGE: PORT was made a port of BRIDGE (released on undo) */
    J_VXLAN,    /* IFNAME VNI: a VXLAN device umlab created (a LAN stretched to other hosts) */
    J_NETEM,    /* IFNAME SETTINGS: umlab's netem/tbf root qdisc on IFNAME doing SETTINGS
                 * ("delay=50ms,loss=10%"; removed on undo) */
    J_LINKDOWN, /* IFNAME: umlab set IFNAME down (brought up on undo) */
    J_KIND_COUNT
};

#define JOURNAL_MAX_ARGS 3
#define JOURNAL_ARG_MAX  256

struct jrecord {
    unsigned seq;
    enum jkind kind;
    int nargs;
    char args[JOURNAL_MAX_ARGS][JOURNAL_ARG_MAX];
    char netns[JOURNAL_ARG_MAX]; /* where it was made; "" = the starting namespace */
    bool done;
    bool invalid; /* unreadable line (NUL, over-long field): never undone, reported */
    char why[64]; /* what made it invalid */
};

struct journal {
    int fd;
    unsigned next_seq;
    char netns[JOURNAL_ARG_MAX]; /* where new records are being made */
    struct jrecord *recs;        /* every record so far, in order (what the file says) */
    size_t nrecs, caprecs;
    /* Told of each record once it is written (before the change is made) and
     * of each "done" mark (UNDONE): the shell equivalents (core/lab_shell.c). */
    void (*on_record)(void *ctx, const struct jrecord *rec, bool undone);
    void *on_record_ctx;
};

const char *journal_kind_name(enum jkind k);

/* Formats REC as one line (with '\n'); returns length or -1 if it does not fit
 * or an argument holds whitespace. Pure. */
int journal_format(const struct jrecord *rec, char *buf, size_t bufsz);
/* Parses a whole journal text into records (malloc'd array), resolving "done"
 * marks and the namespace of each record. Pure. Unknown lines are an error. A
 * text shorter than the header (a lab killed while creating it, or a full
 * disk) holds no records. A line with a NUL byte or an over-long field is kept
 * as an invalid record (r->invalid, r->why) so that it is reported, not
 * silently cut. */
int journal_parse(const char *text, struct jrecord **out, size_t *n, struct err *e);
/* The same for LEN bytes that may hold NULs. */
int journal_parse_n(const char *text, size_t len, struct jrecord **out, size_t *n, struct err *e);

/* Creates PATH (must not exist, mode 0600) and writes the header. */
int journal_create(struct journal *j, const char *path, struct err *e);
/* Opens an existing journal PATH to append "done" marks (`umlab cleanup`). */
int journal_reopen(struct journal *j, const char *path, struct err *e);
/* Appends a record (fsync'd) and returns its seq, or -1. */
int journal_add(struct journal *j, enum jkind kind, struct err *e, int nargs, ...);
int journal_done(struct journal *j, unsigned seq, struct err *e);
/* Closes the file and frees the records. */
void journal_close(struct journal *j);

/* Reads and parses the journal at PATH. */
int journal_load(const char *path, struct jrecord **out, size_t *n, struct err *e);

#endif
