/* netkit_save.h — `save --netkit DIR`: the running lab written as a
 * Netkit/Kathará lab directory (netkit_write), as the user who called sudo. */
#ifndef UMLAB_NETKIT_SAVE_H
#define UMLAB_NETKIT_SAVE_H

#include "base/err.h"
#include "core/labfile.h"

struct lab;

/* A new spec of LAB for netkit_write (free with labfile_free): what `save`
 * writes (labsave_spec: LANs, each guest's NICs with their addresses, routes,
 * forwarding, the lab file's startup lines), and the seed's routed tap even
 * without an address (a lab file leaves it out, lab.conf then would leave out
 * the machine). NULL with E (a NIC gap, as save). */
struct lab_spec *netkit_save_spec(const struct lab *lab, const char *dir, struct err *e);

/* Writes it into DIR (made 0755 when missing; a link is refused, never
 * followed): lab.conf and one M.startup per guest, created as the sudo user,
 * nothing written when any of them exists. */
int netkit_save(const struct lab *lab, const char *dir, struct err *e);

#endif
