/* sysctl.h — read and write /proc/sys/net values of the current namespace. */
#ifndef UMLAB_SYSCTL_H
#define UMLAB_SYSCTL_H

#include <stddef.h>
#include "core/err.h"

/* KEY is a dotted or slashed path below /proc/sys, e.g. "net/ipv4/ip_forward"
 * or "net/ipv4/conf/tap0/proxy_arp". VAL receives the value without newline. */
int sysctl_read(const char *key, char *val, size_t valsz, struct err *e);
int sysctl_write(const char *key, const char *val, struct err *e);

/* Builds "/proc/sys/KEY" into OUT. Dots become slashes only when KEY has no '/'
 * (interface names may contain dots: use the slashed form for those). Empty, "."
 * and ".." components are refused. 0, or -1 with errno EINVAL / ENAMETOOLONG. */
int sysctl_path(const char *key, char *out, size_t outsz);

#endif
