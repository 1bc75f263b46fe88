/* shellcmd.h — the shell commands a person would type for what umlab does:
 * each journal record's make and undo commands (iproute2, sysctl,
 * iptables-legacy for umlab's libiptc rules), a guest's linux.uml line, and
 * sh quoting. Pure: nothing is run here.
 *
 * A record made inside a namespace gets `ip -n NS ...` or
 * `ip netns exec NS ...`. An export turns names (namespaces, the state
 * directory) into shell variables through SUBST so that the script can be
 * run elsewhere. */
#ifndef UMLAB_SHELLCMD_H
#define UMLAB_SHELLCMD_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "core/journal.h"

/* A value equal to LITERAL, or a path below it (LITERAL "/..."), is written as
 * "$VAR" (followed by the quoted rest). */
struct shell_subst {
    const char *literal;
    const char *var;
};

/* What a veth record does besides creating the pair (the sandbox's uplink):
 * the peer's name and namespace, and each end's address. */
struct shell_veth {
    const char *ifname, *peer, *peer_netns;
    const char *cidr, *peer_cidr; /* NULL: none */
};

struct shell_ctx {
    const char *lab;    /* rule comments are "umlab:LAB:TAP" and "umlab:LAB:masq" */
    uint32_t net, mask; /* the lab's subnet, network byte order (the rules match it) */
    const char *uplink; /* MASQUERADE's out interface */
    const struct shell_veth *veth;
    size_t nveth;
    const struct shell_subst *subst;
    size_t nsubst;
};

/* Appends S to B as one sh word: bare when it holds only safe characters,
 * else in single quotes ('\'' for a quote), or "$VAR"... per C's SUBST (C may
 * be NULL). Control characters (newline included) are refused. */
int shell_quote(struct strbuf *b, const char *s, const struct shell_ctx *c, struct err *e);

/* Appends to OUT the commands that make REC, one a line (each ending in
 * '\n'), or that undo it. Returns the number of lines (0: nothing a person
 * types, e.g. an "enter" record or a process), or -1 for a record it cannot
 * map (bad names: nothing appended). */
int shellcmd_make(const struct jrecord *rec, const struct shell_ctx *c, struct strbuf *out,
                  struct err *e);
int shellcmd_undo(const struct jrecord *rec, const struct shell_ctx *c, struct strbuf *out,
                  struct err *e);

/* ARGV (NULL-terminated) as one line: "ip netns exec NETNS " when NETNS is
 * not empty, "env NAME=VALUE ... " for each of ENV
 * (NULL-terminated, may be NULL), "taskset -c CPU " when CPU >= 0, then the
 * quoted words. No trailing newline. */
int shellcmd_argv(const char *netns, char *const *env, int cpu, char *const *argv,
                  const struct shell_ctx *c, struct strbuf *out, struct err *e);

/* Text typed into a guest as a log line: "NAME# " and TEXT with the final
 * carriage return / newline dropped and other control characters as ^X. */
void shellcmd_typed(const char *name, const char *text, struct strbuf *out);

#endif
