/* cmd_info.c — status, counters, rules, help. */
#include <stdlib.h>

#include "core/cmds.h"
#include "core/labapply.h"

/* A guest's NICs under its row, unless it has just the seed's one tap
 * (the row says it all). */
static void put_nic_rows(struct out *o, const struct guest *g)
{
    bool seed = g->routed == 0;
    for (int i = 1; i < GUEST_MAX_NICS && seed; i++)
        seed = !g->nics[i].present;
    if (seed)
        return;
    for (int i = 0; i < GUEST_MAX_NICS; i++) {
        const struct guest_nic *n = &g->nics[i];
        char as[INET_ADDRSTRLEN], cidr[40] = "-";
        if (!n->present)
            continue;
        if (n->addr.s_addr)
            snprintf(cidr, sizeof cidr, "%s/%d", addr_str(n->addr, as), n->prefix);
        out_printf(o, "  eth%-2d %-7s %-14s %s\n", i, n->tap, n->lan ? n->lan->name : "(routed)",
                   cidr);
    }
}

/* A stretched LAN's VXLAN port, a line under it ("vxlan": null when not). */
static void lan_vxlan(struct out *o, const struct lab_lan *l)
{
    if (!l->stretched) {
        out_str(o, "vxlan", NULL, NULL);
        return;
    }
    char as[INET_ADDRSTRLEN];
    out_obj_begin(o, "vxlan");
    out_str(o, "device", "  vxlan %s", l->vx.name);
    out_uint(o, "vni", " VNI %llu", l->vx.vni);
    out_str(o, "dev", " over %s", l->vx.underlay);
    out_uint(o, "mtu", ", NIC MTU %llu, remotes", l->vx.nic_mtu);
    out_arr_begin(o, "remotes");
    for (size_t k = 0; k < l->vx_nremotes; k++)
        out_str(o, NULL, " %s", addr_str(l->vx_remotes[k], as));
    out_arr_end(o);
    out_printf(o, "\n");
    out_obj_end(o);
}

/* The LANs: bridge, subnet, how many NICs are on each. */
static void put_lans(struct lab *lab, struct out *o)
{
    if (lab->nlans)
        out_printf(o, "%-15s %-15s %-18s %s\n", "LAN", "BRIDGE", "SUBNET", "NICS");
    out_arr_begin(o, "lans");
    for (size_t i = 0; i < lab->nlans; i++) {
        const struct lab_lan *l = lab->lans[i];
        char ns[INET_ADDRSTRLEN], sub[40];
        snprintf(sub, sizeof sub, "%s/%d", addr_str(l->subnet.net, ns), l->subnet.prefix);
        out_obj_begin(o, NULL);
        out_str(o, "name", "%-15s ", l->name);
        out_str(o, "bridge", "%-15s ", l->bridge);
        out_str(o, "subnet", "%-18s ", l->has_subnet ? sub : NULL);
        out_uint(o, "nics", "%llu\n", lab_lan_users(lab, l));
        lan_vxlan(o, l);
        out_obj_end(o);
    }
    out_arr_end(o);
}

static int status_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)a;
    const struct snapshot *snap = lab_snapshot(lab, SNAP_HOST, e);
    if (!snap)
        return -1;
    char hs[INET_ADDRSTRLEN], ns[INET_ADDRSTRLEN];
    const char *fwd = snap->ip_forward;
    out_str(o, "lab", "lab %s: ", lab->name);
    out_str(o, "netns", NULL, lab->netns[0] ? lab->netns : NULL);
    out_str(o, "subnet", "subnet %s", addr_str(lab->subnet.net, ns));
    out_int(o, "prefix", "/%lld", lab->subnet.prefix);
    out_str(o, "host", ", host %s", addr_str(lab->host, hs));
    out_printf(o, ", namespace %s\nip_forward %s, ", lab->netns[0] ? lab->netns : "(the host's)",
               fwd);
    out_bool(o, "ip_forward", NULL, strcmp(fwd, "1") == 0);
    out_bool(o, "nat", "NAT %s", lab->nat);
    out_str(o, "uplink", lab->nat ? ", out of %s" : NULL, lab->uplink[0] ? lab->uplink : NULL);
    out_printf(o, "%s\n", lab->inet_netns[0] ? ", internet 198.51.100.1" : "");
    const struct lab_spec *spec = labapply_spec(lab); /* its lab file's title and lines */
    const char *title = spec ? spec->title : NULL;
    out_str(o, "title", title ? "%s\n" : NULL, title);
    out_arr_begin(o, "description");
    for (size_t i = 0; spec && i < spec->ndesc; i++)
        out_str(o, NULL, "  %s\n", spec->desc[i]);
    out_arr_end(o);
    bool share = lab->share.image[0];
    out_str(o, "shared_folder", share ? "shared folder at %s" : NULL,
            share ? lab->share.mount : NULL);
    if (share)
        out_printf(o, "%s\n",
                   lab->share.rw ? " (rw: each guest writes its own copy)" : " (read-only)");
    if (lab->place.pin) {
        out_printf(o, "CPU placement: guests on");
        for (size_t i = 0; i < lab->place.n; i++)
            out_printf(o, "%s%d", i ? "," : " ", lab->place.cpus[i]);
        if (lab->place.self_cpu >= 0)
            out_printf(o, ", umlab on %d", lab->place.self_cpu);
        out_printf(o, "\n");
    } else {
        out_printf(o, "CPU placement: off (the scheduler's)\n");
    }
    if (lab->place.self_cpu >= 0)
        out_int(o, "umlab_cpu", NULL, lab->place.self_cpu);
    else
        out_str(o, "umlab_cpu", NULL, NULL);
    out_printf(o, "%-10s %-18s %-7s %-15s %-9s %-5s %s\n", "GUEST", "STATE", "TAP", "ADDRESS",
               "PROXYARP", "ROUTE", "CPU");
    out_arr_begin(o, "guests");
    for (size_t i = 0; i < lab->nguests; i++) {
        struct guest *g = lab->guests[i];
        const struct snap_iface *hst = snapshot_iface(snap, g->tap);
        bool proxy_arp = hst && hst->proxy_arp, route = hst && hst->route;
        char cpu[16] = "any";
        if (g->cpu >= 0)
            snprintf(cpu, sizeof cpu, "cpu %d", g->cpu);
        out_obj_begin(o, NULL);
        cmd_put_guest(o, g, true);
        out_bool(o, "proxy_arp", "%-9s ", proxy_arp);
        out_printf(o, "%-5s %s\n", route ? "yes" : "no", cpu);
        out_bool(o, "route", NULL, route);
        put_nic_rows(o, g);
        out_obj_end(o);
    }
    out_arr_end(o);
    put_lans(lab, o);
    cmd_put_faults(lab, o); /* a line per link a lesson faulted */
    return 0;
}

/* A row of `counters`; GUEST NULL for the uplink. */
static void put_stats(struct out *o, const char *ifname, const char *guest,
                      const struct snap_counters *s)
{
    out_obj_begin(o, NULL);
    out_str(o, "interface", "%-9s ", ifname);
    out_str(o, "guest", "%-8s ", guest);
    out_uint(o, "rx_bytes", "%12llu ", s->rx_bytes);
    out_uint(o, "rx_packets", "%9llu ", s->rx_packets);
    out_uint(o, "tx_bytes", "%12llu ", s->tx_bytes);
    out_uint(o, "tx_packets", "%9llu ", s->tx_packets);
    out_printf(o, "%6llu %6llu\n", (unsigned long long)(s->rx_errors + s->tx_errors),
               (unsigned long long)(s->rx_dropped + s->tx_dropped));
    out_uint(o, "rx_errors", NULL, s->rx_errors);
    out_uint(o, "tx_errors", NULL, s->tx_errors);
    out_uint(o, "rx_dropped", NULL, s->rx_dropped);
    out_uint(o, "tx_dropped", NULL, s->tx_dropped);
    out_bool(o, "carrier", NULL, s->carrier);
    out_obj_end(o);
}

static int counters_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)a;
    out_printf(o, "%-9s %-8s %12s %9s %12s %9s %6s %6s\n", "IFACE", "GUEST", "RX-BYTES", "RX-PKTS",
               "TX-BYTES", "TX-PKTS", "ERRS", "DROPS");
    const struct snapshot *snap = lab_snapshot(lab, SNAP_IFACES, e);
    if (!snap)
        return -1;
    out_arr_begin(o, "interfaces");
    for (size_t i = 0; i < snap->nifs; i++) {
        const struct snap_iface *f = &snap->ifs[i];
        if (f->kind == SNAP_BRIDGE) /* a LAN's sum of ports: the side pane's, not a device's */
            continue;
        if (!f->have && f->kind == SNAP_TAP)
            return err_set(e, "%s", f->err);
        if (f->have)
            put_stats(o, f->name, f->kind == SNAP_TAP ? f->guest : NULL, &f->c);
    }
    out_arr_end(o);
    return 0;
}

static int list_chain(struct out *o, const struct snap_chain *c, struct err *e)
{
    if (c->err[0])
        return err_set(e, "%s", c->err);
    const char *table = c->table, *chain = c->chain;
    out_printf(o, "%s %s:\n", table, chain);
    if (c->n == 0)
        out_printf(o, "  (no rules)\n");
    for (size_t i = 0; i < c->n; i++) {
        const struct snap_rule *r = &c->rules[i];
        bool ours = r->ours;
        out_printf(
            o, "%s %3zu %8llu pkts %10llu bytes  %-10s in %-9s out %-9s src %-16s dst %-16s %s\n",
            ours ? "*" : " ", i + 1, (unsigned long long)r->packets, (unsigned long long)r->bytes,
            r->target, r->in_if[0] ? r->in_if : "*", r->out_if[0] ? r->out_if : "*",
            r->src[0] ? r->src : "*", r->dst[0] ? r->dst : "*", r->comment);
        out_obj_begin(o, NULL);
        out_str(o, "table", NULL, table);
        out_str(o, "chain", NULL, chain);
        out_str(o, "target", NULL, r->target);
        out_str(o, "in", NULL, r->in_if[0] ? r->in_if : NULL);
        out_str(o, "out", NULL, r->out_if[0] ? r->out_if : NULL);
        out_str(o, "src", NULL, r->src[0] ? r->src : NULL);
        out_str(o, "dst", NULL, r->dst[0] ? r->dst : NULL);
        out_str(o, "comment", NULL, r->comment[0] ? r->comment : NULL);
        out_bool(o, "umlab", NULL, ours);
        out_uint(o, "packets", NULL, r->packets);
        out_uint(o, "bytes", NULL, r->bytes);
        out_obj_end(o);
    }
    return 0;
}

static int rules_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)a;
    const struct snapshot *snap = lab_snapshot(lab, SNAP_RULES, e);
    if (!snap)
        return -1;
    out_arr_begin(o, "rules");
    for (int c = 0; c < SNAP_CHAINS; c++)
        if (list_chain(o, &snap->chains[c], e) < 0)
            return -1;
    out_arr_end(o);
    const char *flavor = snap->iptables;
    out_str(o, "iptables", NULL, flavor);
    out_printf(o, "(* = umlab's rules)\n");
    if (strcmp(flavor, "nf_tables") == 0)
        out_printf(o,
                   "note: `iptables` here is the nf_tables one; umlab's rules are legacy "
                   "x_tables rules: see them with `iptables-legacy -t nat -L -v`%s\n",
                   lab->netns[0] ? " inside the lab's namespace" : "");
    return 0;
}

static void help_one(struct out *o, const struct cmd_entry *c)
{
    out_printf(o, "  %s %s\n      %s\n", c->name, c->usage, c->summary);
}

static int help_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)lab;
    if (a->argc > 0) {
        bool any = false;
        char want[64]; /* "lan" or "lan add": a command is one or two words */
        snprintf(want, sizeof want, "%s%s%s", a->argv[0], a->argc > 1 ? " " : "",
                 a->argc > 1 ? a->argv[1] : "");
        size_t n = strlen(want);
        for (int i = 0; cmd_table[i]; i++) {
            const char *name = cmd_table[i]->name;
            if (strcmp(name, want) == 0 || (strncmp(name, want, n) == 0 && name[n] == ' ')) {
                help_one(o, cmd_table[i]);
                any = true;
            }
        }
        if (!any)
            return err_set(e, "help: no command '%s'", want);
        return 0;
    }
    out_printf(o, "commands:\n");
    out_arr_begin(o, "commands");
    for (int i = 0; cmd_table[i]; i++) {
        help_one(o, cmd_table[i]);
        out_str(o, NULL, NULL, cmd_table[i]->name);
    }
    out_arr_end(o);
    return 0;
}

const struct cmd_entry cmd_status = {
    .name = "status",
    .usage = "",
    .summary = "the lab, its guests and what decides whether packets flow",
    .exec = status_cmd,
};
const struct cmd_entry cmd_counters = {
    .name = "counters",
    .usage = "",
    .summary = "bytes, packets, errors and drops of every tap and the uplink",
    .exec = counters_cmd,
};
const struct cmd_entry cmd_rules = {
    .name = "rules",
    .usage = "",
    .summary = "the nat POSTROUTING and filter FORWARD rules with their counters",
    .exec = rules_cmd,
};
const struct cmd_entry cmd_help = {
    .name = "help",
    .usage = "[COMMAND]",
    .summary = "list the commands, or explain one",
    .args = {.max = 2},
    .exec = help_cmd,
};

const struct cmd_entry *const cmd_table[] = {
    &cmd_guest_add, &cmd_guest_del, &cmd_guest_restart, &cmd_guest_halt, &cmd_guest_sysrq,
    &cmd_wait,      &cmd_ip,        &cmd_nat,           &cmd_lan_add,    &cmd_lan_del,
    &cmd_nic_add,   &cmd_nic_del,   &cmd_route,         &cmd_forward,    &cmd_topology,
    &cmd_exec,      &cmd_send,      &cmd_expect,        &cmd_screen,     &cmd_ping,
    &cmd_pingall,   &cmd_matrix,    &cmd_why,           &cmd_link,       &cmd_netem,
    &cmd_check,     &cmd_checklist, &cmd_lesson,        &cmd_save,       &cmd_status,
    &cmd_counters,  &cmd_rules,     &cmd_host,          &cmd_shell,      &cmd_dump,
    &cmd_record,    &cmd_export,    &cmd_sleep,         &cmd_echo,       &cmd_help,
    NULL,
};
