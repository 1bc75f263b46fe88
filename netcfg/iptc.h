/* iptc.h — umlab's rules in the kernel through libiptc (legacy x_tables).
 * Each call runs a whole init..commit cycle under /run/xtables.lock (as the
 * iptables command does) and retries the cycle on EAGAIN. */
#ifndef UMLAB_IPTC_H
#define UMLAB_IPTC_H

#include <stddef.h>
#include "base/err.h"
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

/* The policy of built-in chain TABLE/CHAIN ("ACCEPT", "DROP"; "" for a user
 * chain) into POLICY. */
int iptc_chain_policy(const char *table, const char *chain, char *policy, size_t policysz,
                      struct err *e);

/* Someone else (an iptables command) may hold /run/xtables.lock for a while.
 * umlab never blocks on it: it tries without blocking and, between tries,
 * calls the waiter (which serves the event loop for a few tens of ms, reports
 * progress and returns -1 with E set to give up, e.g. on a quit signal).
 * WHAT names the lock and its holder. Without a waiter it sleeps 50 ms between
 * tries. Either way it gives up after IPTC_LOCK_TIMEOUT_MS. OLD_FN/OLD_CTX (may
 * be NULL) receive the previous waiter, to put back. */
#define IPTC_LOCK_TIMEOUT_MS 15000
typedef int (*iptc_lock_wait_fn)(void *ctx, const char *what, int waited_ms, struct err *e);
void iptc_set_lock_waiter(iptc_lock_wait_fn fn, void *ctx, iptc_lock_wait_fn *old_fn,
                          void **old_ctx);

/* Which backend the `iptables` command on PATH uses: "nf_tables", "legacy" or
 * "unknown". When "nf_tables", umlab's rules show only in `iptables-legacy -L`. */
const char *iptables_flavor(void);

#endif
