/* useropen.h — opening a file a less trusted user named, as that user.
 *
 * umlab runs as root for a sudo user: a lab file (or a file `save` writes) is
 * named by that user and lives where they control, so it is opened by a short
 * child that drops to the user's uid/gid and hands the descriptor back (like
 * tui/histfile.c does for the history). The last component is never followed
 * when a link, and only regular files (or, with O_DIRECTORY, directories)
 * are returned: /etc/shadow through a lab file's error messages gets nothing. */
#ifndef UMLAB_USEROPEN_H
#define UMLAB_USEROPEN_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"

struct useropen_who {
    uid_t uid;
    gid_t gid;
    bool drop; /* open as UID/GID; false: as we are */
};

/* The sudo user when root was started by sudo (SUDO_UID/SUDO_GID), else
 * ourselves (drop false). */
void useropen_who(struct useropen_who *w);

/* Opens PATH with the caller's ARG; runs as the user (in the child). The
 * descriptor, or -1 with E set. */
typedef int (*useropen_fn)(const char *path, const void *arg, struct err *e);

/* Calls OPENER(PATH, ARG) as W's user when W->drop, in a short child that
 * drops to the user's uid/gid and hands the descriptor back over a socket;
 * else here. WHAT, when not NULL, starts the errors of the handover
 * ("history"). The one way umlab opens what a user named. */
int useropen_with(const struct useropen_who *w, const char *what, const char *path,
                  useropen_fn opener, const void *arg, struct err *e);

/* In a child: becomes W's user (supplementary groups, gid, uid); -1 with
 * "cannot become uid N: why" in E. */
int useropen_become(const struct useropen_who *w, struct err *e);

/* open(PATH, FLAGS | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, MODE) as W's user.
 * The descriptor, or -1 with "PATH: why" in E. */
int useropen(const struct useropen_who *w, const char *path, int flags, mode_t mode, struct err *e);

/* Runs FN(CTX, E) as W's user, in a short child that drops to the user's
 * uid/gid (directly when W->drop is false), for work that makes several
 * files where the user named (save --netkit DIR): what FN creates is the
 * user's, and only where the user may write. FN's result (0 or -1) and, on
 * -1, its message in E. FN must not touch the caller's state: in the child
 * it changes a copy. */
int useropen_run(const struct useropen_who *w, int (*fn)(void *ctx, struct err *e), void *ctx,
                 struct err *e);

#endif
