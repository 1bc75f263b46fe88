/* guest.h — internals of a guest shared by the lab (struct guest is in lab.h). */
#ifndef UMLAB_GUEST_H
#define UMLAB_GUEST_H

#include "core/lab.h"

/* Starts linux.uml on a new pty (guest fields already filled in: its NICs,
 * addresses, routes and forwarding go on the kernel command line). */
int guest_start(struct guest *g, struct err *e);
void guest_free(struct guest *g);
/* Wakes a guest whose console output stalled (see guest.c); call once a second. */
void guest_kick_if_stalled(struct guest *g, int64_t now);

#endif
