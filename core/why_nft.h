/* why_nft.h — the host's nf_tables ruleset as `why` needs it (pure: no kernel).
 *
 * umlab's own rules live in the legacy x_tables; anything else on the host — a
 * distribution firewall, `iptables-nft`, docker — is nf_tables, and a packet
 * must get through every base chain at a hook. This reads `nft -j list
 * ruleset` into chains and rules and decides, for one ICMP flow, what the
 * forward chains do with it (and whether a nat chain masquerades it). Only the
 * conditions a lab's traffic meets are read (interface names, IPv4 addresses,
 * ct state, protocol); a rule with anything else "may match", and a verdict
 * that depends on one is "unknown", never a guess. */
#ifndef UMLAB_WHY_NFT_H
#define UMLAB_WHY_NFT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"

#define NFT_NAMESZ     64
#define NFT_VALSZ      16 /* interface names (IFNAMSIZ), ct states, protocols */
#define NFT_MAX_CONDS  8
#define NFT_MAX_VALS   8
#define NFT_MAX_CHAINS 256
#define NFT_MAX_RULES  4096

enum nft_key {
    NFT_K_OTHER, /* not read: may match */
    NFT_K_IIFNAME,
    NFT_K_OIFNAME,
    NFT_K_SADDR,
    NFT_K_DADDR,
    NFT_K_CTSTATE,
    NFT_K_L4PROTO,
    NFT_K_NFPROTO,
};

struct nft_val {
    char s[NFT_VALSZ]; /* names, states, protocols ("tap*": a prefix) */
    uint32_t addr;     /* addresses: network byte order, with prefix length */
    int len;
};

struct nft_cond {
    enum nft_key key;
    bool neg;
    size_t n;
    struct nft_val v[NFT_MAX_VALS];
};

enum nft_verdict { NFT_CONTINUE, NFT_ACCEPT, NFT_DROP, NFT_JUMP, NFT_GOTO, NFT_RETURN };

struct nft_rule {
    size_t chain; /* index into chains */
    long handle;
    size_t ncond;
    struct nft_cond cond[NFT_MAX_CONDS];
    bool unread; /* a condition or statement not read: the rule may or may not match */
    enum nft_verdict verdict;
    char target[NFT_NAMESZ]; /* jump/goto */
    bool masq;               /* masquerade or snat */
};

struct nft_chain {
    char family[8], table[NFT_NAMESZ], name[NFT_NAMESZ];
    char hook[16], type[16]; /* "" for a regular chain */
    long prio;
    bool base, policy_drop;
    size_t first, nrules; /* its rules: rules[first .. first + nrules) */
};

struct why_nft {
    struct nft_chain *chains;
    size_t nchains;
    struct nft_rule *rules;
    size_t nrules;
};

/* Reads the text of `nft -j list ruleset` (LEN bytes). Tables of families
 * other than ip and inet are skipped (they never see an IPv4 packet at
 * forward). Free with why_nft_free. */
int why_nft_parse(const char *text, size_t len, struct why_nft *out, struct err *e);
void why_nft_free(struct why_nft *m);

/* One direction of the probe: an ICMP packet forwarded from IIF to OIF. */
struct why_flow {
    const char *iif, *oif;
    struct in_addr src, dst;
    bool reply; /* ct state established (the echo reply) instead of new */
};

enum why_verdict { WHY_V_ACCEPT, WHY_V_DROP, WHY_V_UNKNOWN };

struct why_nft_result {
    enum why_verdict verdict;
    /* The chain that decided ("inet lockdown forward"), and how ("policy drop",
     * "rule 4 (drop)"); for unknown, the rule that could not be read. */
    char family[8], table[NFT_NAMESZ], chain[NFT_NAMESZ];
    char how[96];
};

/* What the forward base chains (filter type, families ip/inet) do with F.
 * Every chain must accept: the first dropping one (lowest priority) is named.
 * No forward chain at all is accept. */
void why_nft_forward(const struct why_nft *m, const struct why_flow *f, struct why_nft_result *r);
/* Whether a nat postrouting chain masquerades (or SNATs) F: accept = yes,
 * drop = no (none does), unknown = a rule that may. */
void why_nft_masq(const struct why_nft *m, const struct why_flow *f, struct why_nft_result *r);

#endif
