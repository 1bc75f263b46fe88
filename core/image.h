/* image.h — is a file a root filesystem image linux.uml can boot? */
#ifndef UMLAB_IMAGE_H
#define UMLAB_IMAGE_H

#include <stddef.h>
#include "base/err.h"

/* Fails with one line (missing, unreadable, qcow2 and how to convert it, no
 * filesystem linux.uml mounts) unless PATH is a raw ext2/3/4, XFS or Btrfs image. */
int image_check(const char *path, struct err *e);

/* Which filesystem the first bytes of an image hold: "ext", "xfs", "btrfs",
 * "qcow2" or NULL. HEAD holds the first LEN bytes of the image. Pure. */
const char *image_kind(const unsigned char *head, size_t len);

/* Bytes of an image image_kind needs to see (the Btrfs superblock is at 64 KiB). */
#define IMAGE_HEAD_LEN (0x10040 + 8)

#endif
