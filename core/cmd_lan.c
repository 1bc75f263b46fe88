/* cmd_lan.c — LANs and a guest's NICs, routes and forwarding: lan add/del,
 * nic add/del, route, forward. The host side is the lab's (lab_lans.c,
 * lab_nics.c); the guest side is typed into the guest's console. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/cmds.h"
#include "core/console.h"

static void put_lan(struct out *o, const struct lab_lan *lan, const char *fmt_name)
{
    char ns[INET_ADDRSTRLEN], sub[40] = "";
    if (lan->has_subnet)
        snprintf(sub, sizeof sub, "%s/%d", addr_str(lan->subnet.net, ns), lan->subnet.prefix);
    out_str(o, "lan", fmt_name, lan->name);
    out_str(o, "bridge", " (bridge %s", lan->bridge);
    out_str(o, "subnet", ", subnet %s)", lan->has_subnet ? sub : NULL);
}

/* --vxlan REMOTE[,REMOTE...]: IPv4 addresses, at most LAB_VXLAN_MAX_REMOTES. */
static int parse_remotes(const char *list, struct in_addr *out, size_t *n, struct err *e)
{
    *n = 0;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        char word[INET_ADDRSTRLEN];
        if (len == 0 || len >= sizeof word)
            return err_set(e, "--vxlan '%s': give REMOTE[,REMOTE...] (IPv4 addresses)", list);
        memcpy(word, p, len);
        word[len] = '\0';
        if (*n == LAB_VXLAN_MAX_REMOTES)
            return err_set(e, "--vxlan: at most %d remotes", LAB_VXLAN_MAX_REMOTES);
        if (inet_pton(AF_INET, word, &out[*n]) != 1)
            return err_set(e, "--vxlan: '%s' is not an IPv4 address", word);
        for (size_t i = 0; i < *n; i++)
            if (out[i].s_addr == out[*n].s_addr)
                return err_set(e, "--vxlan: %s given twice", word);
        (*n)++;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/* The VXLAN options of `lan add`, checked before anything is made. */
struct vx_req {
    bool on;
    struct in_addr remotes[LAB_VXLAN_MAX_REMOTES];
    size_t n;
    uint32_t vni;
    const char *dev;
};

static int parse_vx(const struct cmd_args *a, const char *name, struct vx_req *r, struct err *e)
{
    const char *list = cmd_opt(a, "vxlan"), *vni = cmd_opt(a, "vni");
    r->dev = cmd_opt(a, "dev");
    r->on = list != NULL;
    if (!r->on)
        return (vni || r->dev) ? err_set(e, "--vni and --dev go with --vxlan REMOTE[,...]") : 0;
    if (parse_remotes(list, r->remotes, &r->n, e) < 0)
        return -1;
    r->vni = lab_lan_default_vni(name);
    if (vni) {
        char *end;
        unsigned long v = strtoul(vni, &end, 10);
        if (!*vni || *end || v < 1 || v > 16777215)
            return err_set(e, "--vni '%s': give a number between 1 and 16777215", vni);
        r->vni = (uint32_t)v;
    }
    return 0;
}

/* A stretched LAN's port, peers and MTU, for the log and --json. */
static void put_vxlan(struct out *o, const struct lab_lan *lan)
{
    char as[INET_ADDRSTRLEN];
    out_obj_begin(o, "vxlan");
    out_str(o, "device", "%s", lan->vx.name);
    out_uint(o, "vni", " VNI %llu to", lan->vx.vni);
    out_arr_begin(o, "remotes");
    for (size_t i = 0; i < lan->vx_nremotes; i++)
        out_str(o, NULL, i ? ",%s" : " %s", addr_str(lan->vx_remotes[i], as));
    out_arr_end(o);
    out_str(o, "dev", " over %s", lan->vx.underlay);
    out_uint(o, "mtu", ", NIC MTU %llu", lan->vx.nic_mtu);
    out_obj_end(o);
}

static int lan_add(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    const char *cidr = cmd_opt(a, "subnet");
    struct subnet sn;
    if (cidr && subnet_parse(cidr, &sn, e) < 0)
        return -1;
    struct vx_req vx;
    if (parse_vx(a, a->argv[0], &vx, e) < 0)
        return -1;
    struct lab_lan *lan;
    if (lab_lan_add(lab, a->argv[0], cidr ? &sn : NULL, &lan, e) < 0)
        return -1;
    if (vx.on && lab_lan_stretch(lab, lan, vx.vni, vx.remotes, vx.n, vx.dev, e) < 0) {
        struct err e2;
        if (lab_lan_del(lab, lan, &e2) < 0)
            out_progress(o, "LAN %s: could not remove it again: %s", a->argv[0], e2.msg);
        return -1;
    }
    if (vx.on)
        out_progress(o, "LAN %s: %s", lan->name, lan->vx.mtu_note);
    put_lan(o, lan, "LAN %s");
    out_printf(o, " added");
    if (lan->stretched) {
        out_printf(o, ", stretched: ");
        put_vxlan(o, lan);
    }
    out_printf(o, "\n");
    return 0;
}

static int lan_del(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct lab_lan *lan = lab_find_lan(lab, a->argv[0]);
    if (!lan)
        return err_set(e, "no LAN named '%s'", a->argv[0]);
    char name[LAN_NAME_MAX], bridge[16], vx[16] = "";
    snprintf(name, sizeof name, "%s", lan->name);
    snprintf(bridge, sizeof bridge, "%s", lan->bridge);
    if (lan->stretched)
        snprintf(vx, sizeof vx, "%s", lan->vx.name);
    if (lab_lan_del(lab, lan, e) < 0)
        return -1;
    out_str(o, "lan", "LAN %s removed", name);
    out_str(o, "bridge", " (bridge %s is gone", bridge);
    out_str(o, "vxlan", ", and this host's VXLAN port %s", vx[0] ? vx : NULL);
    out_printf(o, ")\n");
    return 0;
}

/* The guest side of eth IDX's LAN address (or, for the routed tap, the
 * seed's: address and default route via the host). */
static int type_nic_addr(struct lab *lab, struct guest *g, unsigned idx, bool wait_dev,
                         struct err *e)
{
    const struct guest_nic *n = &g->nics[idx];
    char line[512], as[INET_ADDRSTRLEN];
    int len = 0;
    if (wait_dev) /* a hot-plugged NIC appears a moment after the mconsole answers */
        len = snprintf(line, sizeof line,
                       "for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/class/net/eth%u ] && break; "
                       "sleep 0.2; done; ",
                       idx);
    if (lab_lan_nic_mtu(n->lan) != 1500) /* a stretched LAN: VXLAN's 50 bytes */
        len += snprintf(line + len, sizeof line - (size_t)len, "ip link set eth%u mtu %u; ", idx,
                        lab_lan_nic_mtu(n->lan));
    if (n->addr.s_addr)
        snprintf(line + len, sizeof line - (size_t)len,
                 "ip addr flush dev eth%u; ip link set eth%u up; ip addr add %s/%d dev eth%u", idx,
                 idx, addr_str(n->addr, as), n->prefix, idx);
    else
        snprintf(line + len, sizeof line - (size_t)len, "ip link set eth%u up", idx);
    return cmd_guest_type(lab, g, line, e);
}

static void put_nic(struct out *o, const struct guest *g, unsigned idx)
{
    const struct guest_nic *n = &g->nics[idx];
    char eth[8], as[INET_ADDRSTRLEN];
    snprintf(eth, sizeof eth, "eth%u", idx);
    out_str(o, "name", "%s: ", g->name);
    out_str(o, "nic", "%s", eth);
    out_str(o, "tap", " on %s", n->tap);
    out_str(o, "lan", n->lan ? " (LAN %s)" : " (routed)", n->lan ? n->lan->name : NULL);
    out_str(o, "address", ", address %s", n->addr.s_addr ? addr_str(n->addr, as) : NULL);
    if (n->addr.s_addr)
        out_int(o, "prefix", "/%lld", n->prefix);
}

static int nic_add(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    struct nic_spec spec;
    unsigned idx;
    if (nic_spec_parse(a->argv[1], &spec, e) < 0 || lab_nic_add(lab, g, &spec, &idx, e) < 0)
        return -1;
    out_progress(o, "%s: %s plugged in as eth%u", g->name, g->nics[idx].tap, idx);
    if (type_nic_addr(lab, g, idx, true, e) < 0)
        return -1;
    put_nic(o, g, idx);
    out_printf(o, "\n");
    return 0;
}

static int nic_del(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    unsigned idx;
    if (nic_index_parse(a->argv[1], GUEST_MAX_NICS, &idx, e) < 0)
        return -1;
    if (!g->nics[idx].present)
        return err_set(e, "%s has no eth%u", g->name, idx);
    char tap[16];
    snprintf(tap, sizeof tap, "%s", g->nics[idx].tap);
    if (!g->pane.reaped) { /* UML refuses to unplug an interface that is up */
        char line[64];
        snprintf(line, sizeof line, "ip link set eth%u down", idx);
        if (cmd_guest_type(lab, g, line, e) < 0)
            return -1;
    }
    if (lab_nic_del(lab, g, idx, e) < 0)
        return -1;
    char eth[8];
    snprintf(eth, sizeof eth, "eth%u", idx);
    out_str(o, "name", "%s: ", g->name);
    out_str(o, "nic", "%s unplugged", eth);
    out_str(o, "tap", " (tap %s is gone)\n", tap);
    return 0;
}

/* DEST as "default" or ADDR/LEN with its host bits zero. */
static int parse_dest(const char *s, struct in_addr *dest, int *prefix, struct err *e)
{
    if (strcmp(s, "default") == 0) {
        dest->s_addr = 0;
        *prefix = 0;
        return 0;
    }
    struct err pe;
    if (addr_parse(s, dest, prefix, &pe) < 0 || *prefix < 0)
        return err_set(e, "route destination '%s': give default or ADDR/LEN", s);
    uint32_t m = *prefix ? htonl(0xffffffffU << (32 - *prefix)) : 0;
    if (dest->s_addr & ~m)
        return err_set(e, "route destination '%s' has host bits set", s);
    return 0;
}

static void dest_str(const struct guest_route *r, char *out, size_t outsz)
{
    char ds[INET_ADDRSTRLEN];
    if (r->prefix == 0)
        snprintf(out, outsz, "default");
    else
        snprintf(out, outsz, "%s/%d", addr_str(r->dest, ds), r->prefix);
}

static int route_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    const char *verb = a->argv[1];
    struct guest_route r = {0};
    bool add = strcmp(verb, "add") == 0;
    if ((add && (a->argc != 5 || strcmp(a->argv[3], "via") != 0)) ||
        (!add && (strcmp(verb, "del") != 0 || a->argc != 3)))
        return err_set(e, "usage: route GUEST add DEST|default via GW | route GUEST del DEST");
    if (parse_dest(a->argv[2], &r.dest, &r.prefix, e) < 0)
        return -1;
    size_t k = 0;
    while (k < g->nroutes &&
           !(g->routes[k].dest.s_addr == r.dest.s_addr && g->routes[k].prefix == r.prefix))
        k++;
    char dest[40], gs[INET_ADDRSTRLEN], line[160];
    dest_str(&r, dest, sizeof dest);
    if (add) {
        struct err pe;
        int gp;
        if (addr_parse(a->argv[4], &r.gw, &gp, &pe) < 0 || gp >= 0)
            return err_set(e, "gateway '%s': give an IPv4 address", a->argv[4]);
        if (guest_nic_for(g, r.gw) < 0)
            return err_set(e, "gateway %s is on none of %s's NICs' subnets", a->argv[4], g->name);
        if (k < g->nroutes)
            return err_set(e, "%s already has a route to %s (via %s)", g->name, dest,
                           addr_str(g->routes[k].gw, gs));
        if (g->nroutes == GUEST_MAX_ROUTES)
            return err_set(e, "%s has %d routes, the most umlab keeps", g->name, GUEST_MAX_ROUTES);
        addr_str(r.gw, gs);
        /* replace: the seed's default via the host may be there already */
        snprintf(line, sizeof line, "ip route replace %s via %s", dest, gs);
        if (cmd_guest_type(lab, g, line, e) < 0)
            return -1;
        g->routes[g->nroutes++] = r;
        out_str(o, "name", "%s: route ", g->name);
        out_str(o, "dest", "%s", dest);
        out_str(o, "via", " via %s\n", gs);
        return 0;
    }
    snprintf(line, sizeof line, "ip route del %s", dest);
    if (cmd_guest_type(lab, g, line, e) < 0)
        return -1;
    if (k < g->nroutes) {
        g->nroutes--;
        memmove(&g->routes[k], &g->routes[k + 1], (g->nroutes - k) * sizeof *g->routes);
    }
    out_str(o, "name", "%s: route ", g->name);
    out_str(o, "dest", "%s removed\n", dest);
    return 0;
}

static int forward_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    const char *v = a->argv[1];
    bool on = strcmp(v, "on") == 0;
    if (!on && strcmp(v, "off") != 0)
        return err_set(e, "usage: forward GUEST on|off");
    char line[96];
    snprintf(line, sizeof line, "echo %d >/proc/sys/net/ipv4/ip_forward", on);
    if (cmd_guest_type(lab, g, line, e) < 0)
        return -1;
    g->forward = on;
    out_str(o, "name", "%s: ", g->name);
    out_bool(o, "forward", "forwarding %s\n", on);
    return 0;
}

const struct cmd_entry cmd_lan_add = {
    .name = "lan add",
    .usage = "NAME [--subnet CIDR] [--vxlan REMOTE[,REMOTE...] [--vni N] [--dev UNDERLAY]]",
    .summary = "an Ethernet segment (a bridge) guests' NICs join; addresses on it stay inside "
               "CIDR; --vxlan stretches it to other hosts (docs/MULTIHOST.md)",
    .args = {.min = 1, .max = 1, .opts = "subnet= vxlan= vni= dev="},
    .exec = lan_add,
};
const struct cmd_entry cmd_lan_del = {
    .name = "lan del",
    .usage = "NAME",
    .summary = "remove a LAN, its bridge and this host's VXLAN port (refused while NICs are on "
               "it)",
    .args = {.min = 1, .max = 1},
    .exec = lan_del,
};
const struct cmd_entry cmd_nic_add = {
    .name = "nic add",
    .usage = "GUEST LAN[:ADDR/LEN]|tap[:ADDR]",
    .summary = "hot-plug a NIC into a running guest (its next ethN), address typed in the guest",
    .args = {.min = 2, .max = 2},
    .target = CMD_TARGET_GUEST,
    .exec = nic_add,
};
const struct cmd_entry cmd_nic_del = {
    .name = "nic del",
    .usage = "GUEST ethN",
    .summary = "bring ethN down in the guest, unplug it and remove its tap",
    .args = {.min = 2, .max = 2},
    .target = CMD_TARGET_GUEST,
    .exec = nic_del,
};
const struct cmd_entry cmd_route = {
    .name = "route",
    .usage = "GUEST add DEST|default via GW | GUEST del DEST",
    .summary = "a static route in the guest (GW on one of its NICs' subnets)",
    .args = {.min = 3, .max = 5},
    .target = CMD_TARGET_GUEST,
    .exec = route_cmd,
};
const struct cmd_entry cmd_forward = {
    .name = "forward",
    .usage = "GUEST on|off",
    .summary = "the guest routes between its NICs (ip_forward in the guest)",
    .args = {.min = 2, .max = 2},
    .target = CMD_TARGET_GUEST,
    .exec = forward_cmd,
};
