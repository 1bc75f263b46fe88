/* rules.h — pure builders and readers of x_tables rule entries (no kernel access).
 *
 * umlab owns three kinds of rule, each tagged with an xt "comment" match:
 *   nat    POSTROUTING -o UPLINK -j MASQUERADE
 *   filter FORWARD     -i TAP    -j ACCEPT
 *   filter FORWARD     -o TAP    -j ACCEPT
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
};

/* What a rule in a chain looks like, as the panes and `rules` show it. */
struct rule_info {
    struct rule_spec spec;
    char target_name[32];          /* "ACCEPT", "MASQUERADE", a chain name, ... */
    uint32_t src, smsk, dst, dmsk; /* network byte order */
    uint16_t proto;
    uint64_t packets, bytes;
};

/* Allocates (malloc) an entry for SPEC; *SIZE receives its total size.
 * Returns NULL on a spec it cannot build (RULE_TARGET_OTHER, over-long names:
 * errno EINVAL) or when out of memory (errno ENOMEM). An interface name ending
 * in '+' is a prefix wildcard, as in iptables. */
void *rule_entry_build(const struct rule_spec *spec, size_t *size);

/* Reads an entry (struct ipt_entry *) as libiptc hands it out. TARGET_NAME is
 * what iptc_get_target returned for it; when NULL it comes from the entry itself
 * (standard verdicts as "ACCEPT", "DROP", ...; "" for a jump to a chain). */
void rule_entry_read(const void *entry, const char *target_name, struct rule_info *out);

/* The tag umlab puts on rules of lab LAB: "umlab:LAB". A rule belongs to the lab
 * when its comment is exactly the tag or starts with the tag followed by ':'. */
void rule_lab_tag(const char *lab, char *out, size_t outsz);
bool rule_comment_is_lab(const char *comment, const char *lab);

#endif
