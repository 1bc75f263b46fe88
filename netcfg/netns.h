/* netns.h — named network namespaces (the /run/netns/NAME files of `ip netns`). */
#ifndef UMLAB_NETNS_H
#define UMLAB_NETNS_H

#include <stdbool.h>
#include "base/err.h"

bool netns_exists(const char *name);
/* Creates /run/netns/NAME (fails if it exists) with loopback up, without
 * moving the calling process into it. An existing NAME fails with errno EEXIST. */
int netns_create(const char *name, struct err *e);
/* Removes the name; a missing one is success. */
int netns_delete(const char *name, struct err *e);
/* Opens /run/netns/NAME (O_RDONLY|O_CLOEXEC) for setns or veth peers; -1 on error. */
int netns_open(const char *name, struct err *e);
/* Moves the calling process (its network namespace only) into NAME. */
int netns_enter(const char *name, struct err *e);
/* The fd of the caller's current network namespace, to come back later. */
int netns_open_current(struct err *e);
int netns_enter_fd(int fd, struct err *e);

#endif
