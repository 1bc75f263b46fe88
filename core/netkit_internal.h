/* netkit_internal.h — shared by the netkit_*.c files (lab.conf, lab.dep,
 * startup scripts, the directory, the writer, ltest). Not for other users. */
#ifndef UMLAB_NETKIT_INTERNAL_H
#define UMLAB_NETKIT_INTERNAL_H

#include "core/netkit.h"

#define NK_LINE_MAX 4096 /* a line of lab.conf or lab.dep, with its end */

/* "FILE:LINE: message" (LINE 0: "FILE: message") into E; returns -1. */
__attribute__((format(printf, 4, 5))) int nk_fail(struct err *e, const char *file, int line,
                                                  const char *fmt, ...);

/* Lines of a text: NUL bytes refused, a trailing CR dropped (files from
 * Windows), a UTF-8 byte order mark at the start skipped. */
struct nk_lines {
    const char *p, *end;
    int line;
};
void nk_lines_init(struct nk_lines *it, const char *text, size_t len);
/* The next line into BUF (NK_LINE_MAX bytes, NUL-terminated), checked: no
 * control characters but tabs, valid UTF-8, not too long. 1 with a line, 0 at
 * the end, -1 with E naming FILE:LINE. */
int nk_next_line(struct nk_lines *it, char *buf, const char *file, struct err *e);

/* A machine's or collision domain's name umlab can use: a guest name
 * (letters, digits, '-', '_', starting with a letter, up to 15) that means
 * nothing else here. */
bool nk_name_ok(const char *name);

/* Appends S (N bytes) for a message: printable ASCII as is, any other byte
 * as \xNN, cut after MAX bytes with "...". Guest output and names read from a
 * directory go through it. */
void nk_escape(struct strbuf *out, const char *s, size_t n, size_t max);

/* A note (one line) on LAB; past NETKIT_MAX_NOTES the last one says more
 * were left out. -1 only when out of memory. */
__attribute__((format(printf, 2, 3))) int nk_note(struct netkit_lab *lab, const char *fmt, ...);

/* An empty lab for the lab.conf named SOURCE; NULL when out of memory. */
struct netkit_lab *nk_new(const char *source);
/* A new guest NAME at the end (no NICs); its index, or -1 with E. */
int nk_add_guest(struct netkit_lab *lab, const char *name, const char *file, int line,
                 struct err *e);
/* Appends TEXT as guest GI's next startup line; -1 with E. */
int nk_add_startup(struct netkit_lab *lab, size_t gi, const char *text, struct err *e);

/* The startup line that runs SCRIPT (a name in the lab directory) with sh
 * from /hostlab; CRLF: Windows line ends, dropped on the way. -1 when BUF
 * (SIZE bytes) is too small. */
int nk_script_line(char *buf, size_t size, const char *script, bool crlf);

/* Startup lines netkit_read writes for a guest (they name /hostlab): not
 * written back into a startup script by netkit_write. */
bool nk_generated_line(const char *line);

/* The host's address on the routed taps: the last usable of S's subnet. */
struct in_addr nk_host_addr(const struct lab_spec *s);

#endif
