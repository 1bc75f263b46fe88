/* cmd_net.c — ip (both sides of a guest's address) and nat. */
#include <stdio.h>

#include "core/cmds.h"
#include "core/console.h"

/* A LAN NIC's address: guest side only, inside the LAN's subnet. */
static int ip_lan(struct lab *lab, struct guest *g, unsigned idx, const char *arg, struct out *o,
                  struct err *e)
{
    struct guest_nic *n = &g->nics[idx];
    struct nic_spec spec = {.prefix = n->prefix};
    snprintf(spec.lan, sizeof spec.lan, "%s", n->lan->name);
    if (arg) {
        if (addr_parse(arg, &spec.addr, &spec.prefix, e) < 0)
            return -1;
    } else if (!n->addr.s_addr) {
        return err_set(e, "give eth%u an address: ip %s eth%u ADDR/LEN", idx, g->name, idx);
    } else {
        spec.addr = n->addr; /* type what it has again */
    }
    /* checked as a NIC on the LAN the guest is not on yet (its own address is fine) */
    struct guest_nic check;
    struct lab_lan *lan = n->lan;
    n->lan = NULL;
    struct in_addr had = n->addr;
    n->addr.s_addr = 0;
    int rc = lab_nic_check(lab, g, &spec, NULL, 0, &check, e);
    n->lan = lan;
    n->addr = had;
    if (rc < 0)
        return -1;
    if (g->state == GUEST_EXITED)
        return err_set(e, "%s is not running (restart it with `guest restart %s`)", g->name,
                       g->name);
    char line[256], as[INET_ADDRSTRLEN];
    addr_str(spec.addr, as);
    snprintf(line, sizeof line,
             "ip addr flush dev eth%u; ip link set eth%u up; ip addr add %s/%d dev eth%u", idx, idx,
             as, check.prefix, idx);
    if (cmd_guest_type(lab, g, line, e) < 0)
        return -1;
    guest_nic_set_addr(g, idx, spec.addr, check.prefix);
    char eth[8];
    snprintf(eth, sizeof eth, "eth%u", idx);
    out_str(o, "name", "%s: ", g->name);
    out_str(o, "address", "%s", as);
    out_int(o, "prefix", "/%lld", check.prefix);
    out_str(o, "nic", " on %s", eth);
    out_str(o, "lan", " (LAN %s)\n", lan->name);
    out_str(o, "tap", NULL, n->tap);
    return 0;
}

static int ip_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    /* ip GUEST [ethN] [ADDR]: without ethN, the routed tap (the seed's) */
    unsigned idx = 0;
    int argi = 1;
    if (a->argc > 1 && strncmp(a->argv[1], "eth", 3) == 0) {
        if (nic_index_parse(a->argv[1], GUEST_MAX_NICS, &idx, e) < 0)
            return -1;
        if (!g->nics[idx].present)
            return err_set(e, "%s has no eth%u", g->name, idx);
        argi = 2;
    } else if (a->argc > 2) {
        return err_set(e, "usage: ip GUEST [ethN] [ADDR[/LEN]]");
    } else if (g->routed >= 0) {
        idx = (unsigned)g->routed;
    } else {
        return err_set(e, "%s has no routed tap: name the NIC (ip %s ethN ADDR/LEN)", g->name,
                       g->name);
    }
    const char *arg = a->argc > argi ? a->argv[argi] : NULL;
    if (g->nics[idx].lan)
        return ip_lan(lab, g, idx, arg, o, e);

    struct in_addr addr;
    const struct in_addr had = g->nics[idx].addr;
    if (arg) {
        if (addr_parse(arg, &addr, NULL, e) < 0)
            return -1;
        if (addr.s_addr != had.s_addr && lab_check_addr(lab, g, addr, e) < 0)
            return -1;
    } else if (had.s_addr) {
        addr = had; /* re-apply what it has */
    } else if (lab_alloc_addr(lab, &addr, e) < 0) {
        return -1;
    }
    if (g->state == GUEST_EXITED)
        return err_set(e, "%s is not running (restart it with `guest restart %s`)", g->name,
                       g->name);

    const char *tap = g->nics[idx].tap;
    char as[INET_ADDRSTRLEN], hs[INET_ADDRSTRLEN];
    addr_str(addr, as);
    addr_str(lab->host, hs);
    /* Host side: the recipe's `route add -host` and proxy_arp on the tap. */
    if (lab_host_side(lab, g, addr, e) < 0)
        return -1;
    out_progress(o, "host: route %s/32 dev %s, proxy_arp on %s, ip_forward on", as, tap, tap);
    /* Guest side, typed into its console so the student sees it. */
    char line[320];
    snprintf(line, sizeof line,
             "ip addr flush dev eth%u; ip link set eth%u up; ip addr add %s/%d dev eth%u; "
             "ip route add default via %s",
             idx, idx, as, lab->subnet.prefix, idx, hs);
    if (cmd_guest_type(lab, g, line, e) < 0)
        return -1;
    char eth[8];
    snprintf(eth, sizeof eth, "eth%u", idx);
    out_str(o, "name", "%s: ", g->name);
    out_str(o, "address", "%s", as);
    out_int(o, "prefix", "/%lld", lab->subnet.prefix);
    out_str(o, "nic", " on %s", eth);
    out_str(o, "gateway", " (default via %s)", hs);
    out_printf(o, "; host route %s/32", as);
    out_str(o, "tap", " dev %s\n", tap);
    return 0;
}

static int nat_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    const char *what = a->argv[0];
    if (strcmp(what, "on") == 0) {
        if (lab_nat_on(lab, a->argc > 1 ? a->argv[1] : NULL, e) < 0)
            return -1;
        out_printf(o, "NAT on: MASQUERADE out of %s, FORWARD accepted to/from %zu tap(s)\n",
                   lab->uplink, lab->nguests);
    } else if (strcmp(what, "off") == 0) {
        if (a->argc > 1)
            return err_set(e, "usage: nat off");
        if (lab_nat_off(lab, e) < 0)
            return -1;
        out_printf(o, "NAT off: umlab's MASQUERADE and FORWARD rules removed\n");
    } else {
        return err_set(e, "usage: nat on [UPLINK] | nat off");
    }
    out_bool(o, "nat", NULL, lab->nat);
    out_str(o, "uplink", NULL, lab->uplink[0] ? lab->uplink : NULL);
    return 0;
}

const struct cmd_entry cmd_ip = {
    .name = "ip",
    .usage = "GUEST [ethN] [ADDR[/LEN]]",
    .summary = "give a guest an address: routed tap: host route + proxy_arp (re-applied when "
               "missing); LAN NIC: in the guest only; `ip addr` typed in the guest",
    .args = {.min = 1, .max = 3},
    .target = CMD_TARGET_GUEST,
    .exec = ip_cmd,
};
const struct cmd_entry cmd_nat = {
    .name = "nat",
    .usage = "on [UPLINK] | off",
    .summary = "MASQUERADE out of the uplink and FORWARD the guests' taps",
    .args = {.min = 1, .max = 2},
    .exec = nat_cmd,
};
