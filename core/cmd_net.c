/* cmd_net.c — ip (both sides of a guest's address) and nat. */
#include <stdio.h>

#include "core/cmds.h"
#include "core/console.h"

#define GUEST_CMD_TIMEOUT_MS 20000
#define BOOT_TIMEOUT_MS      120000

static int ip_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    struct in_addr addr;
    if (a->argc > 1) {
        if (addr_parse(a->argv[1], &addr, NULL, e) < 0)
            return -1;
        if (addr.s_addr != g->addr.s_addr && lab_check_addr(lab, g, addr, e) < 0)
            return -1;
    } else if (g->addr.s_addr) {
        addr = g->addr; /* re-apply what it has */
    } else if (lab_alloc_addr(lab, &addr, e) < 0) {
        return -1;
    }
    if (g->state == GUEST_EXITED)
        return err_set(e, "%s is not running (restart it with `guest restart %s`)", g->name,
                       g->name);

    char as[INET_ADDRSTRLEN], hs[INET_ADDRSTRLEN];
    addr_str(addr, as);
    addr_str(lab->host, hs);
    /* Host side: the recipe's `route add -host` and proxy_arp on the tap. */
    if (lab_host_side(lab, g, addr, e) < 0)
        return -1;
    out_progress(o, "host: route %s/32 dev %s, proxy_arp on %s, ip_forward on", as, g->tap, g->tap);
    /* Guest side, typed into its console so the student sees it. */
    /* The probe prints no-ip-42 (not what was typed) when the image has no
     * `ip` (iproute2 or busybox): a clear error instead of "not found"s. */
    char line[320];
    snprintf(line, sizeof line,
             "command -v ip >/dev/null || echo no-ip-$((6*7)); "
             "ip addr flush dev eth0; ip link set eth0 up; ip addr add %s/%d dev eth0; "
             "ip route add default via %s",
             as, lab->subnet.prefix, hs);
    uint64_t start;
    if (console_ready(lab, g, BOOT_TIMEOUT_MS, e) < 0 ||
        console_run(lab, g, line, GUEST_CMD_TIMEOUT_MS, &start, e) < 0)
        return -1;
    struct strbuf said = {0};
    pane_text(&g->pane, start, &said);
    bool no_ip = strstr(sb_str(&said), "no-ip-42") != NULL;
    sb_free(&said);
    if (no_ip)
        return err_set(
            e, "%s has no `ip` command (install iproute2 or a busybox with ip in its image)",
            g->name);
    out_str(o, "name", "%s: ", g->name);
    out_str(o, "address", "%s", as);
    out_int(o, "prefix", "/%lld on eth0", lab->subnet.prefix);
    out_str(o, "gateway", " (default via %s)", hs);
    out_printf(o, "; host route %s/32", as);
    out_str(o, "tap", " dev %s\n", g->tap);
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
    .usage = "GUEST [ADDR]",
    .summary = "give a guest an address: host route + proxy_arp, and `ip addr` typed in the guest",
    .args = {.min = 1, .max = 2},
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
