/* why.h — `why GUEST TARGET`: walks the path a ping takes and names the first
 * hop where packets stop, with the command that fixes it.
 *
 * Pure: the input is a struct of facts (what the guests' own `ip` said, the
 * host's links, routes, sysctls and rules, the counters around one probe) and
 * the output an ordered list of hops, each pass, fail or unknown. Gathering the
 * facts is why_facts.c's job; this file decides. */
#ifndef UMLAB_WHY_H
#define UMLAB_WHY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/why_nft.h"
#include "netcfg/rules.h"

#define WHY_NAMESZ     16
#define WHY_MAX_LINKS  8
#define WHY_MAX_ADDRS  16
#define WHY_MAX_ROUTES 32
#define WHY_MAX_NEIGHS 32

struct why_link {
    char dev[WHY_NAMESZ];
    bool up, lower_up;
};
struct why_addr {
    char dev[WHY_NAMESZ];
    struct in_addr addr;
    int prefix;
};
struct why_route {
    struct in_addr dst; /* 0/0: default */
    int prefix;
    struct in_addr via; /* 0: on-link */
    char dev[WHY_NAMESZ];
};

struct why_neigh {
    struct in_addr addr;
    char dev[WHY_NAMESZ];
    char state[16]; /* REACHABLE, STALE, FAILED, INCOMPLETE, ... */
};

/* A guest as its own `ip` describes it, and what umlab gave it. */
struct why_guest {
    char name[WHY_NAMESZ];
    bool running;
    bool known;           /* its `ip` output was read */
    char unknown_why[96]; /* when not known: "busy with a command", ... */
    char nic[WHY_NAMESZ]; /* its NIC on umlab's tap ("eth0") */
    struct in_addr want;  /* umlab's address for it (0: none yet) */
    int want_prefix;      /* the prefix umlab types (the lab's or the LAN's) */
    struct why_link links[WHY_MAX_LINKS];
    size_t nlinks;
    struct why_addr addrs[WHY_MAX_ADDRS];
    size_t naddrs;
    struct why_route routes[WHY_MAX_ROUTES];
    size_t nroutes;
    struct why_neigh neighs[WHY_MAX_NEIGHS]; /* its ARP cache, read before the probe */
    size_t nneighs;
};

/* The host's end of a guest's NIC. */
struct why_tap {
    char name[WHY_NAMESZ];
    bool exists, up, carrier;
    bool host_addr; /* the host's address is on it (the guests' gateway) */
    bool route;     /* host route WANT/32 dev TAP */
    bool src_route; /* host route to the address the guest really uses, via TAP */
    int proxy_arp, rp_filter, forwarding; /* conf/TAP/...; -1 unknown */
    char bridge[WHY_NAMESZ];              /* "" routed (the recipe); else its LAN's bridge */
    bool bridge_up;
};

/* Interface and rule counters (packets), read around the probe. */
struct why_counters {
    uint64_t src_rx, src_tx; /* the source's tap: rx = from the guest */
    uint64_t dst_rx, dst_tx; /* the target's tap, or the uplink */
    uint64_t fwd, masq;      /* every FORWARD / POSTROUTING rule of the lab, summed */
};

enum why_target_kind { WHY_T_HOST, WHY_T_GUEST, WHY_T_INTERNET, WHY_T_ADDR };
enum why_nft_state { WHY_NFT_READ, WHY_NFT_ABSENT, WHY_NFT_ERROR };

struct why_facts {
    char lab[WHY_NAMESZ];
    struct subnet subnet;
    struct in_addr host;
    bool nat; /* umlab's NAT is on */
    char uplink[WHY_NAMESZ];
    bool uplink_exists, uplink_up, uplink_carrier;

    struct why_guest src;
    struct why_tap src_tap;

    enum why_target_kind kind;
    char target[32]; /* as given: "g2", "host", "internet", "10.0.0.1" */
    struct in_addr dst;
    struct why_guest dst_guest; /* kind GUEST */
    struct why_tap dst_tap;

    int ip_forward, rp_filter_all; /* -1 unknown */

    const char *iptables_flavor; /* "nf_tables": umlab's rules show in iptables-legacy */
    bool xt_known;               /* FORWARD and POSTROUTING were read */
    char xt_error[128];
    char fwd_policy[16];
    const struct rule_info *fwd; /* filter FORWARD */
    size_t nfwd;
    const struct rule_info *post; /* nat POSTROUTING */
    size_t npost;

    enum why_nft_state nft_state;
    char nft_error[128];
    const struct why_nft *nft;

    bool probed; /* one ping was sent and its summary read */
    long sent, received;
    struct why_counters before, after;
};

enum why_status { WHY_PASS, WHY_FAIL, WHY_UNKNOWN };

#define WHY_MAX_HOPS  24
#define WHY_MAX_FIXES 3
#define WHY_FIXSZ     160

struct why_hop {
    const char *id;    /* stable, for JSON and tests: "proxy-arp", "nat", ... */
    const char *title; /* "proxy_arp on the source's tap" */
    enum why_status status;
    char detail[320];
    /* The fix as umlab commands, and as plain shell commands run on SHELL_ON
     * ("host" or a guest's name). */
    char fix[WHY_MAX_FIXES][WHY_FIXSZ];
    size_t nfix;
    char shell[WHY_MAX_FIXES][WHY_FIXSZ];
    size_t nshell;
    char shell_on[WHY_NAMESZ];
};

struct why_report {
    struct why_hop hops[WHY_MAX_HOPS];
    size_t n;
    int first_fail; /* index of the first failing hop, -1: none */
    bool reachable; /* the probe got an answer */
    char summary[512];
};

void why_diagnose(const struct why_facts *f, struct why_report *r);

/* The host's part of the path, as why_diagnose walks it: OUT_DEV is where the
 * host sends the request (the target's tap, the uplink; NULL: nowhere umlab
 * knows, or the host itself), LAN when both ends are ports of one bridge
 * (nothing is routed), MASQ when the request leaves by the uplink. */
struct why_path {
    const char *out_dev;
    bool lan, to_host, masq;
};
void why_path_of(const struct why_facts *f, struct why_path *p);
/* Whether x_tables rule R may count a packet of F (a match umlab does not read
 * counts as may), and whether its target ends the chain for it. */
bool why_xt_may_count(const struct rule_info *r, const struct why_flow *f);
bool why_xt_terminal(const struct rule_info *r);

const char *why_status_name(enum why_status s);

#endif
