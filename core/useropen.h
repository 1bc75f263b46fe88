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
