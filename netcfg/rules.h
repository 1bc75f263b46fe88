/* rules.h — pure builders and readers of x_tables rule entries (no kernel access).
 *
 * umlab owns three kinds of rule, each tagged with an xt "comment" match and
 * limited to the lab's subnet (never the host's other traffic, a VPN's say):
 *   nat    POSTROUTING -s SUBNET -o UPLINK -j MASQUERADE
 *   filter FORWARD     -s SUBNET -i TAP    -j ACCEPT
 *   filter FORWARD     -d SUBNET -o TAP    -j ACCEPT
 * The builders produce the exact byte layout libiptc expects
 * (ipt_entry + matches + target, each XT_ALIGNed). */
#ifndef UMLAB_RULES_H
#define UMLAB_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RULE_IFNAMSIZ  16
#define RULE_COMMENTSZ 256 /* XT_MAX_COMMENT_LEN */

enum rule_target {
    RULE_TARGET_OTHER = 0, /* anything umlab does not build (read side only) */
    RULE_TARGET_ACCEPT,
    RULE_TARGET_DROP,
    RULE_TARGET_MASQUERADE,
};

struct rule_spec {
    enum rule_target target;
    char in_if[RULE_IFNAMSIZ];    /* "" = any */
    char out_if[RULE_IFNAMSIZ];   /* "" = any */
    char comment[RULE_COMMENTSZ]; /* "" = no comment match */
    uint32_t src, smsk;           /* network byte order; smsk 0 = any source */
    uint32_t dst, dmsk;           /* network byte order; dmsk 0 = any destination */
};

/* What a rule in a chain looks like, as the panes and `rules` show it. */
struct rule_info {
    struct rule_spec spec;
    char target_name[32]; /* "ACCEPT", "MASQUERADE", a chain name, ... */
    uint16_t proto;
    uint64_t packets, bytes;
    bool inverted;    /* a "!" on an interface, address or the protocol */
    bool other_match; /* a match besides "comment" (conntrack, ...), not read here */
};

/* umlab's own rules (see the top of this file), limited to the lab's subnet
 * NET/MASK (network byte order): */
enum rule_lab_kind {
    RULE_LAB_MASQ,    /* nat POSTROUTING -s NET/MASK -o IFNAME -j MASQUERADE */
    RULE_LAB_FWD_IN,  /* filter FORWARD -s NET/MASK -i IFNAME -j ACCEPT */
    RULE_LAB_FWD_OUT, /* filter FORWARD -d NET/MASK -o IFNAME -j ACCEPT */
};
/* Fills OUT; -1 (errno EINVAL) on an empty mask, an over-long name or comment. */
int rule_spec_lab(enum rule_lab_kind kind, const char *ifname, uint32_t net, uint32_t mask,
                  const char *comment, struct rule_spec *out);

/* Allocates (malloc) an entry for SPEC; *SIZE receives its total size.
 * Returns NULL on a spec it cannot build (RULE_TARGET_OTHER, over-long names:
 * errno EINVAL) or when out of memory (errno ENOMEM). An interface name ending
 * in '+' is a prefix wildcard, as in iptables. */
void *rule_entry_build(const struct rule_spec *spec, size_t *size);

/* Reads an entry (struct ipt_entry *) as libiptc hands it out. TARGET_NAME is
 * what iptc_get_target returned for it; when NULL it comes from the entry itself
 * (standard verdicts as "ACCEPT", "DROP", ...; "" for a jump to a chain). */
void rule_entry_read(const void *entry, const char *target_name, struct rule_info *out);

/* "192.168.0.0/24" for ADDR/MASK (network byte order), "*" for mask 0, the bare
 * address for /32 and "a.b.c.d/m.m.m.m" for a mask that is not a prefix. OUT
 * needs RULE_CIDRSZ bytes. */
#define RULE_CIDRSZ 32
void rule_cidr_str(uint32_t addr, uint32_t mask, char *out, size_t outsz);

/* The tag umlab puts on rules of lab LAB: "umlab:LAB". A rule belongs to the lab
 * when its comment is exactly the tag or starts with the tag followed by ':'. */
void rule_lab_tag(const char *lab, char *out, size_t outsz);
bool rule_comment_is_lab(const char *comment, const char *lab);

#endif
