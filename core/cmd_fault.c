/* cmd_fault.c — link and netem: faults a lesson puts on a guest's tap or a
 * LAN's bridge (core/lab_fault.h), journaled and undone with the lab (their
 * shell equivalents come from the journal); and the lines `status` shows for
 * them. */
#include <stdio.h>

#include "core/cmds.h"
#include "core/lab_fault.h"
#include "core/netem_args.h"

/* The link a GUEST (its eth0's tap) or a LAN (its bridge) names, into IFNAME. */
static int fault_target(struct lab *lab, const char *name, char *ifname, size_t ifnamesz,
                        struct err *e)
{
    const struct guest *g = lab_find_guest(lab, name);
    const struct lab_lan *lan = g ? NULL : lab_find_lan(lab, name);
    if (g && !g->tap[0])
        return err_set(e, "%s has no tap", name);
    if (!g && !lan)
        return err_set(e, "no guest or LAN named '%s'", name);
    snprintf(ifname, ifnamesz, "%s", g ? g->tap : lan->bridge);
    return 0;
}

/* The guest with IFNAME as a NIC's tap, or the LAN with it as its bridge;
 * IFNAME itself when neither. */
static const char *target_of(const struct lab *lab, const char *ifname)
{
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        for (unsigned k = 0; k < GUEST_MAX_NICS; k++)
            if (g->nics[k].present && strcmp(g->nics[k].tap, ifname) == 0)
                return g->name;
        if (strcmp(g->tap, ifname) == 0)
            return g->name;
    }
    for (size_t i = 0; i < lab->nlans; i++)
        if (strcmp(lab->lans[i]->bridge, ifname) == 0)
            return lab->lans[i]->name;
    return ifname;
}

/* The emulation as a JSON object "netem" (null when P is NULL). */
static void put_netem(struct out *o, const struct netem_params *p)
{
    if (!p) {
        out_str(o, "netem", NULL, NULL);
        return;
    }
    out_obj_begin(o, "netem");
    out_double(o, "delay_ms", NULL, p->delay_us / 1000.0);
    out_double(o, "jitter_ms", NULL, p->jitter_us / 1000.0);
    out_double(o, "loss_percent", NULL, netem_prob_to_pct(p->loss));
    out_double(o, "duplicate_percent", NULL, netem_prob_to_pct(p->duplicate));
    out_uint(o, "rate_bps", NULL, p->rate_bps);
    out_obj_end(o);
}

static int link_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    const char *name = a->argv[0], *how = a->argv[1];
    bool up = strcmp(how, "up") == 0;
    if (!up && strcmp(how, "down") != 0)
        return err_set(e, "link %s %s: say down or up", name, how);
    char ifname[16];
    bool changed;
    if (fault_target(lab, name, ifname, sizeof ifname, e) < 0 ||
        lab_link_set(lab, ifname, up, &changed, e) < 0)
        return -1;
    out_str(o, "target", "%s: ", name);
    out_str(o, "interface", "%s", ifname);
    out_bool(o, "up", NULL, up);
    out_bool(o, "changed", NULL, changed);
    if (up)
        out_printf(o, " up%s\n", changed ? " (its host routes put back)" : " (it was up)");
    else
        out_printf(o, " down%s\n",
                   changed ? " (up again with `link ... up` or when the lab closes)"
                           : " (it was down already: left as it is when the lab closes)");
    return 0;
}

static int netem_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    const char *name = a->argv[0];
    char ifname[16], what[160];
    if (fault_target(lab, name, ifname, sizeof ifname, e) < 0)
        return -1;
    bool off = a->argc == 2 && strcmp(a->argv[1], "off") == 0;
    struct netem_params p;
    if (!off && a->argc > 1 &&
        (netem_args_parse(a->argc - 1, a->argv + 1, &p, e) < 0 ||
         lab_netem_set(lab, ifname, &p, e) < 0))
        return -1;
    if (off && lab_netem_clear(lab, ifname, e) < 0)
        return -1;
    out_str(o, "target", "%s: ", name);
    out_str(o, "interface", "%s: ", ifname);
    if (off) {
        out_printf(o, "emulation removed\n");
        put_netem(o, NULL);
        return 0;
    }
    if (a->argc > 1) {
        netem_args_format(&p, what, sizeof what);
        out_printf(o,
                   "%s (on what the host sends into it; `netem %s off` or the lab's end "
                   "removes it)\n",
                   what, name);
        put_netem(o, &p);
        return 0;
    }
    struct lab_fault f[64]; /* no options: what is on it now */
    size_t n = lab_faults(lab, f, sizeof f / sizeof *f);
    for (size_t i = 0; i < n && i < sizeof f / sizeof *f; i++)
        if (strcmp(f[i].ifname, ifname) == 0 && f[i].netem_read) {
            netem_args_format(&f[i].p, what, sizeof what);
            out_printf(o, "%s\n", what);
            put_netem(o, &f[i].p);
            return 0;
        }
    out_printf(o, "no emulation of umlab's\n");
    put_netem(o, NULL);
    return 0;
}

void cmd_put_faults(struct lab *lab, struct out *o)
{
    struct lab_fault f[64];
    size_t n = lab_faults(lab, f, sizeof f / sizeof *f);
    out_arr_begin(o, "faults");
    for (size_t i = 0; i < n && i < sizeof f / sizeof *f; i++) {
        char what[320];
        lab_fault_describe(&f[i], what, sizeof what);
        out_obj_begin(o, NULL);
        out_str(o, "target", "fault %s", target_of(lab, f[i].ifname));
        out_str(o, "interface", " (%s): ", f[i].ifname);
        out_printf(o, "%s\n", what);
        out_bool(o, "down", NULL, f[i].down);
        if (f[i].netem_read)
            put_netem(o, &f[i].p);
        else
            out_str(o, "netem", NULL, f[i].netem ? f[i].netem_err : NULL);
        out_obj_end(o);
    }
    if (n > sizeof f / sizeof *f)
        out_printf(o, "(%zu more faulted links)\n", n - sizeof f / sizeof *f);
    out_arr_end(o);
}

const struct cmd_entry cmd_link = {
    .name = "link",
    .usage = "GUEST|LAN down|up",
    .summary = "set a guest's tap or a LAN's bridge down or up (up puts back its host routes); "
               "undone with the lab",
    .args = {.min = 2, .max = 2},
    .exec = link_cmd,
};
const struct cmd_entry cmd_netem = {
    .name = "netem",
    .usage = "GUEST|LAN " NETEM_ARGS_USAGE " | off",
    .summary = "emulate a bad link on what the host sends to a guest or into a LAN (tc netem; tbf "
               "for a rate); no options: show it; undone with the lab",
    .args = {.min = 1, .max = 11},
    .exec = netem_cmd,
};
