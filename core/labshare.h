/* labshare.h — the lab's shared folder (a lab file's `share`, a Netkit lab's
 * /hostlab) without hostfs.
 *
 * hostfs would make host syscalls for the guest as linux.uml's user, follow
 * host links, and a guest's root can remount it read-write. Instead the
 * directory is copied, at lab start, into an ext2 image in the lab's state
 * directory: checked first (netkit_dir_check: no link, device, FIFO, socket
 * or foreign hard link), then built by mke2fs -d running as the user the
 * guests run as (the sudo user), so a link swapped in during the copy can
 * only reach what that user could read anyway. Every guest started after
 * gets the image as its second disk (/dev/ubdb): read-only at the block
 * level, or (rw) through its own COW file, so a guest's writes stay in that
 * guest and never reach the host's directory. The image is a journaled
 * file, removed with the lab. */
#ifndef UMLAB_LABSHARE_H
#define UMLAB_LABSHARE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct lab;
struct guest;

#define LABSHARE_MAX_BYTES (1024ull * 1024 * 1024) /* the files of a shared folder */

/* Whether MOUNT can be a mount point typed into a guest's shell and put on
 * its kernel command line: absolute, not /, letters, digits, / . _ - only,
 * no "..", shorter than the lab's field. */
bool labshare_mount_ok(const char *mount);

/* Builds the image of DIR (named by the user: opened as them) for the guests
 * started from now on, mounted at MOUNT, read-only unless RW. Refused once
 * guests exist or when the lab has a shared folder already. 0, or -1 with E
 * and nothing left behind. */
int labshare_add(struct lab *lab, const char *dir, const char *mount, bool rw, struct err *e);

/* The shell line that mounts the shared folder in a guest (for an image whose init
 * does not read umlab.share=), into OUT; "" when the lab has none. */
void labshare_mount_line(const struct lab *lab, char *out, size_t outsz);

#endif
