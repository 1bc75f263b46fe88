/* rmtree.h — removing files and trees as root inside directories another user
 * may write to: every step is relative to a directory fd opened with
 * O_NOFOLLOW|O_DIRECTORY, so a directory swapped for a symlink mid-walk makes
 * us unlink the link, never what it points to. */
#ifndef UMLAB_RMTREE_H
#define UMLAB_RMTREE_H

#include "base/err.h"

/* Opens absolute PATH as a directory, refusing a symlink in any component. */
int rmtree_open_dir(const char *path, struct err *e);
/* Removes entry NAME of directory DIRFD and, if a directory, all under it. */
int rmtree_at(int dirfd, const char *name, struct err *e);
/* Removes absolute PATH (a tree or a file) without following any link. A
 * missing PATH is not an error. */
int rmtree_path(const char *path, struct err *e);
/* Unlinks absolute PATH (not a directory) without following any link. */
int rmtree_unlink(const char *path, struct err *e);
/* Checks absolute PATH and every directory above it: root-owned, not a
 * symlink, not writable by group or others (a sticky ancestor such as /tmp
 * is fine). */
int rmtree_check_chain(const char *path, struct err *e);

#endif
