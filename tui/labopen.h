/* labopen.h — the lab file or Netkit directory named on umlab's command line:
 * told apart from a batch file, opened as the sudo user, parsed before the
 * lab exists (a bad file creates nothing). */
#ifndef UMLAB_LABOPEN_H
#define UMLAB_LABOPEN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "core/labfile.h"
#include "core/netkit.h"

#define LABOPEN_MAX_IMAGES 16

struct labopen {
    struct lab_spec *spec; /* the spec to build (NK's when a directory) */
    struct netkit_lab *nk; /* a Netkit lab directory, else NULL */
};

/* Whether --batch PATH names a lab (a file ending in ".lab", or a
 * directory) rather than a file of commands. */
bool labopen_is_lab(const char *path);

/* Reads PATH: a directory with lab.conf (Netkit/Kathará, IMAGES mapping their
 * M[image] names), else a lab file. Opened as the user who called sudo. */
int labopen_read(const char *path, const struct netkit_image *images, size_t nimages,
                 const char *subnet, struct labopen *out, struct err *e);

#endif
