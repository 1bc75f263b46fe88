/* cmd_pane.c — shell, dump: the lab's own programs on panes (the host shell,
 * tcpdump of a guest's tap or of an interface), and naming any pane. */
#include <stdio.h>
#include <string.h>

#include "core/cmds.h"

/* The interface a dump target names: a guest's tap, a LAN's bridge, or the
 * name itself. */
static const char *dump_iface(struct lab *lab, const char *target, struct guest **g)
{
    *g = lab_find_guest(lab, target);
    if (*g)
        return (*g)->tap;
    const struct lab_lan *lan = lab_find_lan(lab, target);
    return lan ? lan->bridge : target;
}

struct pane *cmd_pane(struct lab *lab, const char *name, struct err *e)
{
    struct guest *g = lab_find_guest(lab, name);
    if (g)
        return &g->pane;
    struct lab_pane *lp = NULL;
    if (strcmp(name, "host") == 0 && !(lp = lab_find_pane(lab, LAB_PANE_SHELL, NULL)))
        return err_set(e, "no host shell (`shell` starts one)"), NULL;
    if (strncmp(name, "dump:", 5) == 0 &&
        !(lp = lab_find_pane(lab, LAB_PANE_DUMP, dump_iface(lab, name + 5, &g))))
        return err_set(e, "no tcpdump on '%s' (`dump %s on` starts one)", name + 5, name + 5), NULL;
    if (!lp)
        return err_set(e, "no guest or pane named '%s' (GUEST, host, dump:GUEST|IFACE)", name),
               NULL;
    return &lp->pane;
}

static void put_pane(struct out *o, const char *name, const char *iface, const struct guest *g,
                     const struct pane *p)
{
    out_str(o, "pane", NULL, name);
    if (iface) {
        out_str(o, "iface", NULL, iface);
        out_str(o, "guest", NULL, g ? g->name : NULL);
    }
    out_bool(o, "running", NULL, p && !p->reaped);
    out_int(o, "pid", NULL, p ? pane_pid(p) : 0);
}

/* Opens the pane (ARGV[ON_ARG] "on" or absent) or closes it ("off"): *LP
 * is the open pane, NULL after "off". */
static int on_off(struct lab *lab, const struct cmd_args *a, int on_arg, enum lab_pane_kind kind,
                  const char *iface, struct lab_pane **lp, struct err *e)
{
    const char *arg = a->argc > on_arg ? a->argv[on_arg] : "on";
    if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0)
        return err_set(e, "say on or off, not '%s'", arg);
    *lp = lab_find_pane(lab, kind, iface);
    if (strcmp(arg, "on") == 0)
        return lab_pane_open(lab, kind, iface, lp, e);
    if (*lp)
        lab_pane_close(lab, *lp);
    *lp = NULL;
    return 0;
}

static int shell_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct lab_pane *lp;
    if (on_off(lab, a, 0, LAB_PANE_SHELL, NULL, &lp, e) < 0)
        return -1;
    if (lp)
        out_printf(o, "host shell: /bin/sh, pid %d, in %s (`screen host` prints it)\n",
                   (int)pane_pid(&lp->pane), lab->netns[0] ? lab->netns : "the host's namespace");
    else
        out_printf(o, "host shell: off\n");
    put_pane(o, "host", NULL, NULL, lp ? &lp->pane : NULL);
    return 0;
}

static int dump_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g;
    const char *iface = dump_iface(lab, a->argv[0], &g);
    char name[32], beside[32] = "";
    snprintf(name, sizeof name, "dump:%s", iface);
    if (g)
        snprintf(beside, sizeof beside, " (%s's tap)", g->name);
    else if (lab_find_lan(lab, a->argv[0])) /* promiscuous: every frame across the LAN */
        snprintf(beside, sizeof beside, " (LAN %s)", a->argv[0]);
    struct lab_pane *lp;
    if (on_off(lab, a, 1, LAB_PANE_DUMP, iface, &lp, e) < 0)
        return -1;
    if (lp)
        out_printf(o, "tcpdump -l -n -i %s%s, pid %d (`screen dump:%s` prints it)\n", iface, beside,
                   (int)pane_pid(&lp->pane), a->argv[0]);
    else
        out_printf(o, "tcpdump on %s%s: off\n", iface, beside);
    put_pane(o, name, iface, g, lp ? &lp->pane : NULL);
    return 0;
}

const struct cmd_entry cmd_shell = {
    .name = "shell",
    .usage = "[on|off]",
    .summary = "a host shell on a pane of its own, in the lab's namespace (F9)",
    .args = {.max = 1},
    .exec = shell_cmd,
};
const struct cmd_entry cmd_dump = {
    .name = "dump",
    .usage = "GUEST|LAN|IFACE [on|off]",
    .summary = "tcpdump of a guest's tap (beside the guest, F5), a LAN's bridge or an interface",
    .args = {.min = 1, .max = 2},
    .exec = dump_cmd,
};
