/* cmd_topo.c — `topology [--dot]`: the lab as text (host, uplink, LANs,
 * guests and their NICs) or as a Graphviz graph. */
#include <stdio.h>

#include "core/cmds.h"

static void nic_label(const struct guest_nic *n, char *out, size_t outsz, unsigned idx)
{
    char as[INET_ADDRSTRLEN];
    if (n->addr.s_addr)
        snprintf(out, outsz, "eth%u %s/%d", idx, addr_str(n->addr, as), n->prefix);
    else
        snprintf(out, outsz, "eth%u", idx);
}

static void lan_subnet(const struct lab_lan *l, char *out, size_t outsz)
{
    char ns[INET_ADDRSTRLEN];
    if (l->has_subnet)
        snprintf(out, outsz, "%s/%d", addr_str(l->subnet.net, ns), l->subnet.prefix);
    else
        snprintf(out, outsz, "no subnet");
}

/* Graphviz: names quoted, and the names umlab allows hold no quote. */
static void topo_dot(struct lab *lab, struct strbuf *b)
{
    char hs[INET_ADDRSTRLEN], lbl[64];
    sb_printf(b, "graph \"%s\" {\n  node [fontname=monospace];\n", lab->name);
    sb_printf(b, "  \"host\" [shape=box3d, label=\"host\\n%s\"];\n", addr_str(lab->host, hs));
    if (lab->uplink[0] || lab->inet_netns[0]) {
        sb_printf(b, "  \"uplink\" [shape=cloud, label=\"%s\\nNAT %s\"];\n",
                  lab->uplink[0] ? lab->uplink : SANDBOX_UPLINK, lab->nat ? "on" : "off");
        sb_printf(b, "  \"host\" -- \"uplink\";\n");
    }
    for (size_t i = 0; i < lab->nlans; i++) {
        lan_subnet(lab->lans[i], lbl, sizeof lbl);
        sb_printf(b, "  \"lan:%s\" [shape=ellipse, label=\"LAN %s\\n%s\"];\n", lab->lans[i]->name,
                  lab->lans[i]->name, lbl);
    }
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        sb_printf(b, "  \"guest:%s\" [shape=box, label=\"%s%s\"];\n", g->name, g->name,
                  g->forward ? "\\n(router)" : "");
        for (unsigned k = 0; k < GUEST_MAX_NICS; k++) {
            const struct guest_nic *n = &g->nics[k];
            if (!n->present)
                continue;
            nic_label(n, lbl, sizeof lbl, k);
            if (n->lan)
                sb_printf(b, "  \"guest:%s\" -- \"lan:%s\" [label=\"%s\"];\n", g->name,
                          n->lan->name, lbl);
            else
                sb_printf(b, "  \"guest:%s\" -- \"host\" [label=\"%s\\n%s\"];\n", g->name, lbl,
                          n->tap);
        }
    }
    sb_printf(b, "}\n");
}

static void topo_text(struct lab *lab, struct out *o)
{
    char hs[INET_ADDRSTRLEN], ns[INET_ADDRSTRLEN], buf[64], as[INET_ADDRSTRLEN];
    out_str(o, "lab", "lab %s: ", lab->name);
    out_str(o, "host", "host %s", addr_str(lab->host, hs));
    snprintf(buf, sizeof buf, "%s/%d", addr_str(lab->subnet.net, ns), lab->subnet.prefix);
    out_str(o, "subnet", " (routed taps' subnet %s)\n", buf);
    out_str(o, "uplink", "uplink %s", lab->uplink[0] ? lab->uplink : NULL);
    out_bool(o, "nat", ", NAT %s\n", lab->nat);
    out_arr_begin(o, "lans");
    for (size_t i = 0; i < lab->nlans; i++) {
        const struct lab_lan *l = lab->lans[i];
        out_obj_begin(o, NULL);
        out_str(o, "name", "LAN %s", l->name);
        out_str(o, "bridge", " (bridge %s, ", l->bridge);
        lan_subnet(l, buf, sizeof buf);
        out_str(o, "subnet", "%s):", l->has_subnet ? buf : NULL);
        out_arr_begin(o, "members");
        size_t members = 0;
        for (size_t k = 0; k < lab->nguests; k++)
            for (unsigned j = 0; j < GUEST_MAX_NICS; j++) {
                const struct guest *g = lab->guests[k];
                if (!g->nics[j].present || g->nics[j].lan != l)
                    continue;
                char m[GUEST_NAME_MAX + 80];
                nic_label(&g->nics[j], buf, sizeof buf, j);
                snprintf(m, sizeof m, "%s %s", g->name, buf);
                out_str(o, NULL, members++ ? ", %s" : " %s", m);
            }
        out_arr_end(o);
        out_printf(o, "%s\n", members ? "" : " (nobody)");
        out_obj_end(o);
    }
    out_arr_end(o);
    out_arr_begin(o, "guests");
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        char st[48];
        out_obj_begin(o, NULL);
        out_str(o, "name", "guest %s", g->name);
        out_str(o, "state", " (%s)", guest_state_name(g, st, sizeof st));
        out_bool(o, "forward", g->forward ? ", router" : NULL, g->forward);
        out_printf(o, "\n");
        out_arr_begin(o, "nics");
        for (unsigned k = 0; k < GUEST_MAX_NICS; k++) {
            const struct guest_nic *n = &g->nics[k];
            if (!n->present)
                continue;
            char eth[8];
            snprintf(eth, sizeof eth, "eth%u", k);
            out_obj_begin(o, NULL);
            out_str(o, "name", "  %-5s", eth);
            out_str(o, "tap", " %-7s", n->tap);
            if (n->lan)
                out_str(o, "lan", " LAN %-10s", n->lan->name);
            else
                out_str(o, "lan", " routed via host ", NULL);
            out_str(o, "address", " %s", n->addr.s_addr ? addr_str(n->addr, as) : NULL);
            if (n->addr.s_addr)
                out_int(o, "prefix", "/%lld", n->prefix);
            out_printf(o, "\n");
            out_obj_end(o);
        }
        out_arr_end(o);
        out_arr_begin(o, "routes");
        for (size_t k = 0; k < g->nroutes; k++) {
            const struct guest_route *r = &g->routes[k];
            char d[40], gs[INET_ADDRSTRLEN];
            if (r->prefix)
                snprintf(d, sizeof d, "%s/%d", addr_str(r->dest, ns), r->prefix);
            else
                snprintf(d, sizeof d, "default");
            out_obj_begin(o, NULL);
            out_str(o, "dest", "  route %s", d);
            out_str(o, "via", " via %s\n", addr_str(r->gw, gs));
            out_obj_end(o);
        }
        out_arr_end(o);
        out_obj_end(o);
    }
    out_arr_end(o);
}

static int topology_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)e;
    if (!cmd_flag(a, "dot")) {
        topo_text(lab, o);
        return 0;
    }
    struct strbuf b = {0};
    topo_dot(lab, &b);
    if (b.oom) {
        sb_free(&b);
        return err_set(e, "topology: out of memory");
    }
    out_str(o, "dot", "%s", sb_str(&b));
    sb_free(&b);
    return 0;
}

const struct cmd_entry cmd_topology = {
    .name = "topology",
    .usage = "[--dot]",
    .summary = "the lab as text (host, uplink, LANs, guests and their NICs) or Graphviz (--dot)",
    .args = {.max = 0, .opts = "dot"},
    .exec = topology_cmd,
};
