/* castfile.h — the file `record FILE` writes: a new regular file created
 * 0644 as the user who called sudo (asuser.h), never through a link, never
 * an existing file unless FORCE (then truncated, still only a regular file
 * that user may write). */
#ifndef UMLAB_CASTFILE_H
#define UMLAB_CASTFILE_H

#include <stdbool.h>

#include "base/err.h"
#include "tui/histfile.h"

/* Returns a descriptor open for writing (O_CLOEXEC, blocking) or -1 with a
 * one-line error in E. */
int castfile_open(const struct histfile_owner *o, const char *path, bool force, struct err *e);

#endif
