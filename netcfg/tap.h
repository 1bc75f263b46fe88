/* tap.h — persistent tap devices through /dev/net/tun ioctls.
 * (Taps cannot be created over netlink.) */
#ifndef UMLAB_TAP_H
#define UMLAB_TAP_H

#include <sys/types.h>
#include "base/err.h"

/* Checks /dev/net/tun exists and can be opened; a clear error otherwise. */
int tap_check_available(struct err *e);

/* Creates persistent tap NAME (IFF_TAP|IFF_NO_PI|IFF_TUN_EXCL) owned by OWNER/GROUP
 * (so an unprivileged UML guest may attach). Fails if NAME already exists, with
 * errno EEXIST: then the tap is someone else's and must not be undone. */
int tap_create(const char *name, uid_t owner, gid_t group, struct err *e);

/* Removes the persistence flag so the kernel deletes the tap. ENODEV is success. */
int tap_delete(const char *name, struct err *e);

#endif
