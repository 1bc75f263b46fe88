/* histfile.h — the console's command history file (~/.umlab_history or
 * $XDG_STATE_HOME/umlab_history).
 *
 * umlab runs as root, the file belongs to the user who called sudo, in a
 * directory that user controls. So the file is opened as that user (a short
 * child process that drops to the user's uid/gid and hands the descriptor
 * back), never through a symlink, only if it is a regular file, and created
 * with mode 0600; root then reads and appends through that descriptor only.
 * A link to /etc/sudoers gets nothing; a path the user cannot write, neither. */
#ifndef UMLAB_HISTFILE_H
#define UMLAB_HISTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

struct histfile_owner {
    uid_t uid;
    gid_t gid;
    bool drop;           /* open as UID/GID (root acting for a sudo user) */
    char home[PATH_MAX]; /* from the password database, not /home/NAME */
};

/* Whose history: as root started by sudo, SUDO_USER's (looked up with
 * getpwnam; SUDO_UID must agree); as plain root or any other user, the
 * effective user's own. -1 with a one-line error when SUDO_USER/SUDO_UID are
 * inconsistent or unknown (then: no history). */
int histfile_owner(struct histfile_owner *o, struct err *e);

/* XDG_STATE/umlab_history when XDG_STATE is set and non-empty, else
 * HOME/.umlab_history. -1 when it does not fit. */
int histfile_path(const struct histfile_owner *o, const char *xdg_state, char *out, size_t outsz);

/* Opens PATH for reading and appending (created 0600, its parent directory
 * 0700 if missing) as O's user; returns the descriptor (O_CLOEXEC) or -1. */
int histfile_open(const struct histfile_owner *o, const char *path, struct err *e);
/* The same without any change of identity: O_NOFOLLOW, O_NONBLOCK at open (a
 * FIFO cannot block), refuses what is not a regular file. */
int histfile_open_here(const char *path, struct err *e);

/* Calls ADD for each line of the file (without its newline), from the start. */
int histfile_read(int fd, void (*add)(void *ctx, const char *line), void *ctx, struct err *e);
/* Appends LINE and a newline in one write. Lines with a newline are refused. */
int histfile_append(int fd, const char *line, struct err *e);
/* Keeps only the last KEEP lines. */
int histfile_trim(int fd, size_t keep, struct err *e);

#endif
