/* iptc.h — umlab's rules in the kernel through libiptc (legacy x_tables).
 * Each call runs a whole init..commit cycle under /run/xtables.lock (as the
 * iptables command does) and retries the cycle on EAGAIN. */
#ifndef UMLAB_IPTC_H
#define UMLAB_IPTC_H

#include <stddef.h>
#include "core/err.h"
#include "netcfg/rules.h"

/* Appends SPEC to TABLE/CHAIN ("nat"/"POSTROUTING", "filter"/"FORWARD"). */
int iptc_rule_append(const char *table, const char *chain, const struct rule_spec *spec,
                     struct err *e);
/* Inserts SPEC as the first rule of TABLE/CHAIN (as the recipe's `iptables -I`):
 * ahead of a host's own DROP/REJECT rules. */
int iptc_rule_insert(const char *table, const char *chain, const struct rule_spec *spec,
                     struct err *e);
/* Deletes every rule of TABLE/CHAIN whose comment is exactly COMMENT.
 * *DELETED (may be NULL) receives how many. No match is success. */
int iptc_rule_delete_comment(const char *table, const char *chain, const char *comment,
                             int *deleted, struct err *e);
/* Deletes every rule in TABLE/CHAIN that belongs to lab LAB (rule_comment_is_lab). */
int iptc_rule_delete_lab(const char *table, const char *chain, const char *lab, int *deleted,
                         struct err *e);
/* Lists TABLE/CHAIN with counters; *OUT is malloc'd (free it), *N its length. */
int iptc_rule_list(const char *table, const char *chain, struct rule_info **out, size_t *n,
                   struct err *e);

/* Which backend the `iptables` command on PATH uses: "nf_tables", "legacy" or
 * "unknown". When "nf_tables", umlab's rules show only in `iptables-legacy -L`. */
const char *iptables_flavor(void);

#endif
