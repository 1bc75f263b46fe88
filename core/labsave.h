/* labsave.h — the running lab as a lab file's spec (`save FILE`): what can be
 * read from the lab's state — LANs and their subnets, guests with their
 * images, memory, logins, NICs (LAN or routed tap) and addresses, static
 * routes and forwarding, NAT — plus what only the lab file it was built from
 * knows: its title, description, lab name, the guests' startup lines and the
 * checks (of the guests and LANs still there). */
#ifndef UMLAB_LABSAVE_H
#define UMLAB_LABSAVE_H

#include "base/err.h"
#include "core/labfile.h"

struct lab;

/* A new spec describing LAB (free with labfile_free); NULL with E. A guest
 * with a gap in its NICs (eth1 unplugged, eth2 there) cannot be written: a
 * lab file numbers NICs from eth0. */
struct lab_spec *labsave_spec(const struct lab *lab, const char *source, struct err *e);

/* Copies into S what FROM (the lab file S's lab came from; NULL: nothing)
 * says and the running lab cannot: title, description and name, each
 * guest's startup lines (by name), and the checks whose guests and LANs S
 * still has (indices remapped by name). Pure. 0, or -1 out of memory. */
int labsave_carry(struct lab_spec *s, const struct lab_spec *from);

/* A multi-host lab's part (FROM has labfile_set_as): copies FROM's `host`
 * lines into S, places S's guests (the running ones) on this host, and
 * adds the other hosts' guests as FROM has them, with the LANs they are on
 * and FROM's NAT when another host does it, so the saved file is the whole
 * lab again. Called by labsave_carry. Pure. 0, or -1 out of memory. */
int labsave_carry_part(struct lab_spec *s, const struct lab_spec *from);

/* True when S holds a password (a `login USER:PW`): save then makes the file
 * 0600, not 0644. */
bool labsave_has_password(const struct lab_spec *s);

/* Writes it to PATH, created as the sudo user (O_EXCL|O_NOFOLLOW, 0644, or
 * 0600 with a password): an existing file or link is refused. */
int labsave_write(const struct lab *lab, const char *path, struct err *e);

#endif
