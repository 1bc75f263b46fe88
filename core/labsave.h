/* labsave.h — the running lab as a lab file's spec (`save FILE`): what can be
 * read from the lab's state — guests, their images and memory, addresses,
 * NAT — plus the title, description and lab name of the lab file it was
 * built from. (LANs and NICs join once the lab has them.) */
#ifndef UMLAB_LABSAVE_H
#define UMLAB_LABSAVE_H

#include "base/err.h"
#include "core/labfile.h"

struct lab;

/* A new spec describing LAB (free with labfile_free); NULL with E. */
struct lab_spec *labsave_spec(const struct lab *lab, const char *source, struct err *e);

/* Writes it to PATH, created as the sudo user (O_EXCL|O_NOFOLLOW, 0644):
 * an existing file or link is refused. */
int labsave_write(const struct lab *lab, const char *path, struct err *e);

#endif
