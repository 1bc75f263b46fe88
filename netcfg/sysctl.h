/* sysctl.h — read and write /proc/sys/net values of the current namespace. */
#ifndef UMLAB_SYSCTL_H
#define UMLAB_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"

#define SYSCTL_FORWARD "net/ipv4/ip_forward"
#define SYSCTL_KEYSZ   96

/* KEY is a dotted or slashed path below /proc/sys, e.g. "net/ipv4/ip_forward"
 * or "net/ipv4/conf/tap0/proxy_arp". VAL receives the value without newline. */
int sysctl_read(const char *key, char *val, size_t valsz, struct err *e);
int sysctl_write(const char *key, const char *val, struct err *e);

/* Builds "/proc/sys/KEY" into OUT. Dots become slashes only when KEY has no '/'
 * (interface names may contain dots: use the slashed form for those). Empty, "."
 * and ".." components are refused. 0, or -1 with errno EINVAL / ENAMETOOLONG. */
int sysctl_path(const char *key, char *out, size_t outsz);

/* Writing net/ipv4/ip_forward (the same value as conf/all/forwarding) makes
 * the kernel rewrite more (net/ipv4/devinet.c, inet_forward_change):
 * conf/all/accept_redirects = !on, conf/default/forwarding = on and every
 * device's conf/DEV/forwarding = on (and LRO is switched off on each device
 * when turning on: not a sysctl, not restored). Calls FN with each of those
 * keys of the current namespace. */
int sysctl_forward_side_keys(void (*fn)(void *ctx, const char *key), void *ctx, struct err *e);
/* KEY is ip_forward or one of its side-effect keys (any device name). */
bool sysctl_is_forward_key(const char *key);

#endif
