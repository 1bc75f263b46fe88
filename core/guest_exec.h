/* guest_exec.h — running one shell command in a guest through its console
 * and reading back its output and exit status.
 *
 * The command is typed as `echo B$((x+y)); eval 'CMD' </dev/null; echo E$((x+y))-$?`
 * with x and y fresh random numbers: the markers are computed by the guest's
 * shell, so the echo of the typed line never shows them, and output the
 * command prints cannot end the wait early unless it computes the sum. The
 * wait is for the end marker, not for a prompt (a typed line's own '$' or '#'
 * looks like one). What lies between the markers is the guest's: it is
 * bounded, and the status must be a plain number. */
#ifndef UMLAB_GUEST_EXEC_H
#define UMLAB_GUEST_EXEC_H

#include "base/err.h"
#include "base/strbuf.h"
#include "core/lab.h"

#define GUEST_EXEC_TIMEOUT_MS 30000
#define GUEST_EXEC_OUTPUT_MAX (256 * 1024) /* more is cut, with a note */

/* Runs CMD in G's shell. 0 with *STATUS (0..255) and its output (rows of the
 * guest's terminal joined by '\n', without the trailing newline) appended to
 * OUT; -1 with E when it could not be run or did not end in TIMEOUT_MS. */
int guest_exec(struct lab *lab, struct guest *g, const char *cmd, int timeout_ms, int *status,
               struct strbuf *out, struct err *e);

/* The same on G's hidden control channel (ctlchan.h): nothing is typed into
 * its console. Fails when G has none (only umlab's embedded image has one). */
int guest_exec_hidden(struct lab *lab, struct guest *g, const char *cmd, int timeout_ms,
                      int *status, struct strbuf *out, struct err *e);

#endif
