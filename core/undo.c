/* undo.c — see undo.h. */
#include "core/undo.h"

#include <arpa/inet.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/loop.h"
#include "core/procinfo.h"
#include "netcfg/iptc.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/sysctl.h"
#include "netcfg/tap.h"

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
    if (!u->log)
        return;
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    u->log(u->logctx, line);
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

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    if (remove(path) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

static int kill_group(struct undo_ctx *u, pid_t pid, unsigned long long start, struct err *e)
{
    if (!proc_is(pid, start))
        return 0; /* gone, or the pid was reused by someone else's process */
    say(u, "kill process group %d", (int)pid);
    if (kill(-pid, SIGKILL) < 0 && errno != ESRCH)
        return err_sys(e, "kill process group %d", (int)pid);
    kill(pid, SIGKILL);
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
        say(u, "delete tap %s", a0);
        return tap_delete(a0, e);
    case J_VETH:
        if (!(c = nl(u, e)))
            return -1;
        say(u, "delete link %s", a0);
        return link_delete(c, a0, e);
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
        if (unlink(a0) < 0 && errno != ENOENT)
            return err_sys(e, "remove %s", a0);
        return 0;
    case J_DIR:
        say(u, "remove %s", a0);
        if (nftw(a0, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
            return err_sys(e, "remove %s", a0);
        return 0;
    case J_KIND_COUNT:
        break;
    }
    return err_set(e, "journal: cannot undo record %u", r->seq);
}

int undo_all(struct undo_ctx *u, struct jrecord *recs, size_t n, struct journal *j, struct err *e)
{
    int rc = 0;
    for (size_t i = n; i-- > 0;) {
        struct jrecord *r = &recs[i];
        if (r->done)
            continue;
        struct err one;
        if (undo_record(u, r, &one) < 0) {
            say(u, "failed: %s", one.msg);
            if (rc == 0 && e)
                *e = one;
            rc = -1;
            continue;
        }
        r->done = true;
        if (j && journal_done(j, r->seq, &one) < 0 && rc == 0) {
            if (e)
                *e = one;
            rc = -1;
        }
    }
    /* Back where the records with no namespace live. */
    struct err one;
    if (enter_ns(u, "", &one) < 0 && rc == 0) {
        if (e)
            *e = one;
        rc = -1;
    }
    return rc;
}
