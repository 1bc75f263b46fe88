/* labfile_internal.h — shared by labfile.c (declarations, the file),
 * labfile_lex.c (words, bytes), labfile_check.c (checks), labfile_net.c
 * (address and route rules) and labfile_out.c (writer, commands). Not for
 * other users. */
#ifndef UMLAB_LABFILE_INTERNAL_H
#define UMLAB_LABFILE_INTERNAL_H

#include <stdint.h>
#include "core/labfile.h"

uint32_t lf_mask(int prefix);
bool lf_net_contains(struct in_addr net, int prefix, struct in_addr a);
/* The host's address on the routed taps: the last usable one of S's subnet. */
struct in_addr lf_host_addr(const struct lab_spec *s);

/* Rules for NIC N about to become guest GI's next NIC: one NIC per LAN (and
 * one routed tap) per guest, the address inside the LAN's (or the lab's)
 * subnet, not an edge, not the host's, not taken on the same segment. */
int lf_check_nic(const struct lab_spec *s, size_t gi, const struct labfile_nic *n, struct err *e);
/* Rules for route R about to be added to guest GI: a new destination, a
 * gateway on one of its addressed NICs' networks and not its own address. */
int lf_check_route(const struct lab_spec *s, size_t gi, const struct labfile_route *r,
                   struct err *e);
/* A loop among the guests' static routes (through guests that forward):
 * -1 with *LINE the route that starts it and E naming the path, or 0. */
int lf_find_loop(const struct lab_spec *s, int *line, struct err *e);

/* "10.0.1.0/24", or "default" for 0.0.0.0/0. */
void lf_format_dest(struct strbuf *out, struct in_addr dest, int prefix);

/* ---- the parser ---- */

#define LF_MAX_WORDS 16

struct lf_parser {
    struct lab_spec *s;
    const char *name;
    int line;
    struct err *e;
    /* where a once-only setting was given (0: not yet) */
    int title_line, lab_line, subnet_line, image_line, mem_line, login_line, nat_line, share_line;
    int forward_line[LABFILE_MAX_GUESTS];
};

struct lf_words {
    int n;
    char *w[LF_MAX_WORDS];
    const char *rest; /* the line after the last word read */
    char buf[LABFILE_LINE_MAX + LF_MAX_WORDS + 1];
};

/* "FILE:LINE: message" into P's error; returns -1. */
__attribute__((format(printf, 2, 3))) int lf_fail(struct lf_parser *p, const char *fmt, ...);
/* Reads up to MAX words of LINE (see labfile_lex.c). */
int lf_split(struct lf_parser *p, const char *line, int max, struct lf_words *ws);
/* The text after the words read (a title, a command, a regex), trimmed. */
int lf_text_field(struct lf_parser *p, const struct lf_words *ws, bool may_be_empty,
                  const char *usage, char **out);
/* LEN bytes of LINE: no control character but tabs, valid UTF-8. */
int lf_line_bytes_ok(struct lf_parser *p, const char *line, size_t len);

int lf_guest_ref(struct lf_parser *p, const char *name, int *out); /* or "unknown guest" */
int lf_addr_value(struct lf_parser *p, const char *w, struct in_addr *a);
/* `default` or NET/LEN with no host bits. */
int lf_dest_value(struct lf_parser *p, const char *w, struct in_addr *dest, int *prefix);

/* A `host NAME ADDR` line (labfile_host.c), and the guests' placement once
 * every line is read: -1 with P's error naming the guest's line. */
int lf_kw_host(struct lf_parser *p, const char *line);
int lf_resolve_hosts(struct lf_parser *p);

/* A `check` line. */
int lf_kw_check(struct lf_parser *p, const char *line);

#endif
