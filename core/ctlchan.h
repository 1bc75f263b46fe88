/* ctlchan.h — a guest's hidden control channel: a second UML console (con2,
 * the guest's /dev/tty2) on a socket pair umlab owns and never shows. The embedded
 * image's init runs a shell loop there (/sbin/umlab-ctl: no prompt, no echo),
 * so umlab can run commands in the guest without typing into the student's
 * console and without blocking the event loop: a command is written with
 * random begin/end markers the guest's shell computes (as guest_exec does),
 * its output and exit status are read as they come and handed to a callback.
 * One command runs at a time; up to CTLCHAN_QUEUE_MAX wait their turn. */
#ifndef UMLAB_CTLCHAN_H
#define UMLAB_CTLCHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "core/loop.h"

#define CTLCHAN_QUEUE_MAX  32
#define CTLCHAN_CMD_MAX    2048        /* a guest tty line holds 4095 bytes */
#define CTLCHAN_OUTPUT_MAX (64 * 1024) /* more is cut */

struct ctlchan;

struct ctlchan_result {
    bool ok;            /* false: not run or no answer (ERROR says why) */
    int status;         /* its exit status, 0..255, when OK */
    const char *output; /* its stdout and stderr, '\r' dropped, no trailing newline */
    const char *error;  /* one line when !OK */
};
typedef void (*ctlchan_done_fn)(void *ctx, const struct ctlchan_result *r);

/* A channel with its socket pair; hand ctlchan_guest_fd() to linux.uml as
 * con2=fd:N,fd:N, then call ctlchan_started() once it was forked. */
int ctlchan_new(struct ctlchan **out, struct loop *loop, struct err *e);
int ctlchan_guest_fd(const struct ctlchan *c);
/* Closes umlab's copy of the guest side and starts reading the channel. */
int ctlchan_started(struct ctlchan *c, struct err *e);
/* Queues CMD (one line) to run in the guest; FN(CTX, result) is called once,
 * from the event loop, when it ended, failed or timed out. -1 with E (and no
 * call) when the channel is closed or its queue full. */
int ctlchan_exec(struct ctlchan *c, const char *cmd, int timeout_ms, ctlchan_done_fn fn, void *ctx,
                 struct err *e);
/* Drops the callbacks to CTX (its owner goes away); their commands still run. */
void ctlchan_forget(struct ctlchan *c, void *ctx);
bool ctlchan_idle(const struct ctlchan *c);
/* Times out the running command; call about once a second. */
void ctlchan_tick(struct ctlchan *c, int64_t now_ms);
/* Pending callbacks are called with "the guest went away". */
void ctlchan_free(struct ctlchan *c);

/* Pure, for tests: finds the answer for SUM in TEXT (the channel's bytes,
 * '\r' dropped). 1 with *STATUS, OUT (appended) and *USED (bytes up to and
 * with the end marker's line), 0 when not complete yet, -1 with E when the
 * status is not a number 0..255. */
int ctlchan_scan(const char *text, size_t len, unsigned long sum, int *status, struct strbuf *out,
                 size_t *used, struct err *e);
/* The line written for CMD with markers X+Y (CMD in single quotes). */
void ctlchan_line(struct strbuf *b, const char *cmd, unsigned long x, unsigned long y);

#endif
