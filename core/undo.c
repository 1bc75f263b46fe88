/* undo.c — see undo.h. */
#include "core/undo.h"
#include "base/logline.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/loop.h"
#include "core/procinfo.h"
#include "base/rmtree.h"
#include "netcfg/bridge.h"
#include "netcfg/iptc.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/qdisc.h"
#include "netcfg/sysctl.h"
#include "netcfg/tap.h"
#include "netcfg/vxlan.h"

void undo_init(struct undo_ctx *u, int orig_netns_fd, const char *cur)
{
    memset(u, 0, sizeof *u);
    u->orig_netns_fd = orig_netns_fd;
    snprintf(u->cur_netns, sizeof u->cur_netns, "%s", cur ? cur : "");
}

void undo_fini(struct undo_ctx *u)
{
    if (u->nl)
        nlconn_close(u->nl);
    u->nl = NULL;
}

static void say(struct undo_ctx *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct undo_ctx *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    logline_v(u->log, u->logctx, fmt, ap);
    va_end(ap);
}

/* A netlink socket belongs to the namespace it was opened in: reopen on switch. */
static int enter_ns(struct undo_ctx *u, const char *ns, struct err *e)
{
    if (strcmp(u->cur_netns, ns) == 0)
        return 0;
    if (ns[0] == '\0') {
        if (netns_enter_fd(u->orig_netns_fd, e) < 0)
            return -1;
    } else if (netns_enter(ns, e) < 0) {
        return -1;
    }
    snprintf(u->cur_netns, sizeof u->cur_netns, "%s", ns);
    undo_fini(u);
    return 0;
}

static struct nlconn *nl(struct undo_ctx *u, struct err *e)
{
    if (!u->nl && nlconn_open(&u->nl, e) < 0)
        return NULL;
    return u->nl;
}

static int kill_group(struct undo_ctx *u, pid_t pid, unsigned long long start, struct err *e)
{
    if (!proc_is(pid, start))
        return 0; /* gone, or the pid was reused by someone else's process */
    if (pid <= 1 || start == 0)
        return err_set(e, "refusing to kill process %d (start %llu)", (int)pid, start);
    /* Only a group this process leads (the guest's setsid): never someone else's. */
    if (getpgid(pid) == pid) {
        say(u, "kill process group %d", (int)pid);
        if (kill(-pid, SIGKILL) < 0 && errno != ESRCH)
            return err_sys(e, "kill process group %d", (int)pid);
    } else {
        say(u, "kill process %d", (int)pid);
    }
    if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
        return err_sys(e, "kill process %d", (int)pid);
    /* Our own child: reap it. Someone else's (after a crash): wait until init has. */
    int64_t deadline = loop_now_ms() + 3000;
    while (loop_now_ms() < deadline) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && !proc_is(pid, start)))
            return 0;
        usleep(10000);
    }
    return err_set(e, "process %d did not exit after SIGKILL", (int)pid);
}

static int parse_cidr(const char *s, struct in_addr *a, int *prefix, struct err *e)
{
    if (addr_parse(s, a, prefix, e) < 0)
        return -1;
    if (*prefix < 0)
        *prefix = 32;
    return 0;
}

int undo_record(struct undo_ctx *u, const struct jrecord *r, struct err *e)
{
    /* The namespace record itself is undone from outside it. */
    const char *where = r->kind == J_NETNS ? "" : r->netns;
    if (r->kind != J_ENTER && r->kind != J_FILE && r->kind != J_DIR && r->kind != J_PROC &&
        enter_ns(u, where, e) < 0)
        return -1;
    const char *a0 = r->args[0], *a1 = r->args[1], *a2 = r->args[2];
    struct nlconn *c;
    struct in_addr addr, gw = {0};
    int prefix;

    switch (r->kind) {
    case J_ENTER:
        return 0;
    case J_NETNS:
        say(u, "delete namespace %s", a0);
        return netns_delete(a0, e);
    case J_TAP:
        if (if_nametoindex(a0) == 0) {
            say(u, "tap %s already gone", a0);
            return 0;
        }
        say(u, "delete tap %s", a0);
        return tap_delete(a0, e);
    case J_VETH:
        if (!(c = nl(u, e)))
            return -1;
        say(u, "delete link %s", a0);
        return link_delete(c, a0, e);
    case J_BRIDGE:
        if (!(c = nl(u, e)))
            return -1;
        if (link_ifindex(c, a0) == 0)
            return 0;
        say(u, "delete bridge %s", a0);
        return bridge_delete(c, a0, e); /* refuses a link that is not a bridge */
    case J_VXLAN:
        if (!(c = nl(u, e)))
            return -1;
        if (link_ifindex(c, a0) == 0)
            return 0;
        say(u, "delete vxlan %s (VNI %s)", a0, a1);
        /* refuses a link that is not a VXLAN, or not one with this VNI */
        return vxlan_delete(c, a0, (uint32_t)strtoul(a1, NULL, 10), e);
    case J_BRPORT: {
        char master[BRIDGE_IFNAMSIZ];
        if (!(c = nl(u, e)))
            return -1;
        if (link_ifindex(c, a0) == 0 ||
            bridge_port_master(c, a0, master, sizeof master, NULL) < 0 || strcmp(master, a1) != 0)
            return 0; /* gone, released, or someone else's port now */
        say(u, "release %s from bridge %s", a0, a1);
        return bridge_release(c, a1, a0, e);
    }
    case J_NETEM: {
        bool removed;
        if (!(c = nl(u, e)) || qdisc_netem_clear(c, a0, &removed, e) < 0)
            return -1; /* removes only umlab's own qdisc */
        if (removed)
            say(u, "remove the link emulation (netem) on %s", a0);
        return 0;
    }
    case J_LINKDOWN: {
        struct link_stats st;
        if (!(c = nl(u, e)))
            return -1;
        if (link_ifindex(c, a0) == 0 || link_get_stats(c, a0, &st, NULL) < 0 || st.up)
            return 0; /* gone, or up again already */
        say(u, "set link %s up", a0);
        return link_set_up(c, a0, true, e);
    }
    case J_ADDR:
        if (!(c = nl(u, e)) || parse_cidr(a1, &addr, &prefix, e) < 0)
            return -1;
        if (link_ifindex(c, a0) == 0)
            return 0;
        say(u, "delete address %s from %s", a1, a0);
        return addr_del(c, a0, addr, prefix, e);
    case J_ROUTE:
        if (!(c = nl(u, e)) || parse_cidr(a0, &addr, &prefix, e) < 0)
            return -1;
        if (r->nargs > 2 && addr_parse(a2, &gw, NULL, e) < 0)
            return -1;
        if (link_ifindex(c, a1) == 0)
            return 0; /* the link took its routes with it */
        say(u, "delete route %s dev %s", a0, a1);
        return route_del(c, addr, prefix, a1, gw, e);
    case J_SYSCTL: {
        char cur[64];
        if (sysctl_read(a0, cur, sizeof cur, NULL) < 0)
            return 0; /* its interface is gone */
        if (strcmp(cur, a1) == 0)
            return 0;
        say(u, "restore %s = %s", a0, a1);
        return sysctl_write(a0, a1, e);
    }
    case J_RULE: {
        int n = 0;
        if (iptc_rule_delete_comment(a0, a1, a2, &n, e) < 0)
            return -1;
        if (n)
            say(u, "delete %d rule(s) %s/%s \"%s\"", n, a0, a1, a2);
        return 0;
    }
    case J_PROC:
        return kill_group(u, (pid_t)atoi(a0), strtoull(a1, NULL, 10), e);
    case J_FILE:
        say(u, "remove %s", a0);
        return rmtree_unlink(a0, e);
    case J_DIR:
        say(u, "remove %s", a0);
        return rmtree_path(a0, e);
    case J_KIND_COUNT:
        break;
    }
    return err_set(e, "journal: cannot undo record %u", r->seq);
}

static void first_err(struct err *e, const struct err *one, int *rc)
{
    if (*rc == 0 && e)
        *e = *one;
    *rc = -1;
}

int undo_all(struct undo_ctx *u, struct jrecord *recs, size_t n, const struct undo_scope *s,
             struct journal *j, size_t *left, struct err *e)
{
    int rc = 0;
    size_t nleft = 0;
    struct undo_step *steps = NULL;
    size_t nsteps = 0;
    struct err one;
    if (undo_plan(recs, n, s, &steps, &nsteps, &one) < 0) {
        if (left)
            *left = n;
        if (e)
            *e = one;
        return -1;
    }
    for (size_t k = 0; k < nsteps; k++) {
        struct jrecord *r = &recs[steps[k].rec];
        if (steps[k].act == UNDO_DONE)
            continue;
        if (steps[k].act == UNDO_REFUSE) {
            say(u, "left over: record %u (%s): refused: %s", r->seq, journal_kind_name(r->kind),
                steps[k].why);
            err_set(&one, "journal record %u refused: %s", r->seq, steps[k].why);
            first_err(e, &one, &rc);
            nleft++;
            continue;
        }
        /* The state directory holds the journal: keep it while anything is left. */
        if (r->kind == J_DIR && nleft > 0) {
            say(u, "left over: %s (kept: %zu record(s) not undone)", r->args[0], nleft);
            nleft++;
            continue;
        }
        if (undo_record(u, r, &one) < 0) {
            say(u, "left over: %s %s: %s", journal_kind_name(r->kind), r->args[0], one.msg);
            first_err(e, &one, &rc);
            nleft++;
            continue;
        }
        r->done = true;
        if (j && r->kind != J_DIR && journal_done(j, r->seq, &one) < 0)
            first_err(e, &one, &rc);
    }
    free(steps);
    /* Back where the records with no namespace live. */
    if (enter_ns(u, "", &one) < 0)
        first_err(e, &one, &rc);
    if (left)
        *left = nleft;
    return rc;
}
