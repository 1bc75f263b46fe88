/* asuser.h — opening a file for the user who called sudo, as that user.
 *
 * umlab runs as root; a file the user names (history, a recording) sits in a
 * directory the user controls, where a link could point root's writes
 * anywhere. So the open runs in a short child that drops to the user's
 * uid/gid and hands the descriptor back over a socket: root gets exactly what
 * the user could have opened. The mechanism is core/useropen.c's; this
 * takes the console's notion of the user (struct histfile_owner). */
#ifndef UMLAB_ASUSER_H
#define UMLAB_ASUSER_H

#include "base/err.h"
#include "tui/histfile.h"

/* Opens PATH, returns a descriptor or -1 with E set. Runs as the user. */
typedef int (*asuser_open_fn)(const char *path, const void *arg, struct err *e);

/* Calls OPENER(PATH, ARG) as O's user when O->drop (in a child), else here.
 * WHAT starts the errors of the handover ("history"). */
int asuser_open(const struct histfile_owner *o, const char *what, const char *path,
                asuser_open_fn opener, const void *arg, struct err *e);

#endif
