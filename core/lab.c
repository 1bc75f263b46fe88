/* lab.c — a lab's life: setting up, guests, host networking, NAT, undoing. */
#include "core/lab.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/guest.h"
#include "core/mconsole.h"
#include "core/undo.h"
#include "netcfg/iptc.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/sysctl.h"
#include "netcfg/tap.h"

#define DEFAULT_STATE_BASE "/run/umlab"
#define DEFAULT_KERNEL     "/usr/bin/linux.uml"
#define DEFAULT_SUBNET     "192.168.0.0/24"
#define MCONSOLE_TIMEOUT   1500

/* ---- small helpers ---------------------------------------------------- */

static bool lab_name_valid(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len >= LAB_NAME_MAX - 6) /* room for "umlab-" and "-inet" in netns names */
        return false;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

static int mkdir_p(const char *path, mode_t mode, struct err *e)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
        return err_set(e, "path too long: %s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, mode) < 0 && errno != EEXIST)
            return err_sys(e, "mkdir %s", tmp);
        *p = '/';
    }
    if (mkdir(tmp, mode) < 0 && errno != EEXIST)
        return err_sys(e, "mkdir %s", tmp);
    return 0;
}

static int check_file(const char *what, const char *path, int mode, struct err *e)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return err_sys(e, "%s %s", what, path);
    if (!S_ISREG(st.st_mode))
        return err_set(e, "%s %s is not a regular file", what, path);
    if (access(path, mode) < 0)
        return err_sys(e, "%s %s", what, path);
    return 0;
}

/* The embedded rootfs: beside the binary (build tree), or installed. */
static void default_rootfs(char *out, size_t outsz)
{
    const char *env = getenv("UMLAB_ROOTFS");
    if (env && *env) {
        snprintf(out, outsz, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            /* build tree, then an installed tree wherever its prefix is */
            const char *cands[] = {"/rootfs.ext2", "/build/rootfs.ext2",
                                   "/../share/umlab/rootfs.ext2"};
            for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
                snprintf(out, outsz, "%s%s", exe, cands[i]);
                if (access(out, R_OK) == 0)
                    return;
            }
        }
    }
    snprintf(out, outsz, "%s/rootfs.ext2", UMLAB_DATADIR);
}

static int read_lock_pid(const char *statedir)
{
    char path[PATH_MAX], buf[32] = "";
    snprintf(path, sizeof path, "%s/lock", statedir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 ? atoi(buf) : 0;
}

/* Takes STATEDIR/lock. 1: held by a live umlab (its pid in *PID). */
static int take_lock(const char *statedir, int *fd_out, int *pid, struct err *e)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lock", statedir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_sys(e, "lock %s", path);
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int saved = errno;
        close(fd);
        if (saved == EWOULDBLOCK) {
            *pid = read_lock_pid(statedir);
            return 1;
        }
        errno = saved;
        return err_sys(e, "lock %s", path);
    }
    *fd_out = fd;
    return 0;
}

static int write_pid(int fd, struct err *e)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
        return err_sys(e, "lock file");
    return 0;
}

/* ---- opening and closing ---------------------------------------------- */

static int guest_user(struct lab *lab, struct err *e)
{
    lab->guest_uid = 0;
    lab->guest_gid = 0;
    lab->drop_priv = false;
    const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
    if (geteuid() != 0 || !su || !sg || atoi(su) == 0)
        return 0;
    lab->guest_uid = (uid_t)atoi(su);
    lab->guest_gid = (gid_t)atoi(sg);
    lab->drop_priv = true;
    /* UML opens /dev/net/tun itself, as the guest's user. */
    struct stat st;
    if (stat("/dev/net/tun", &st) == 0) {
        bool ok = (st.st_mode & 0006) == 0006 ||
                  (st.st_uid == lab->guest_uid && (st.st_mode & 0600) == 0600) ||
                  (st.st_gid == lab->guest_gid && (st.st_mode & 0060) == 0060);
        if (!ok)
            return err_set(e,
                           "guests run as uid %d but /dev/net/tun is mode %04o: run "
                           "`chmod 0666 /dev/net/tun` (Debian's default) or start umlab as root "
                           "without sudo",
                           (int)lab->guest_uid, (unsigned)(st.st_mode & 07777));
    }
    return 0;
}

static int setup_sandbox(struct lab *lab, struct err *e)
{
    snprintf(lab->inet_netns, sizeof lab->inet_netns, "%s-inet", lab->netns);
    if (netns_exists(lab->inet_netns))
        return err_set(e, "network namespace %s already exists (not umlab's?)", lab->inet_netns);
    if (journal_add(&lab->journal, J_NETNS, e, 1, lab->inet_netns) < 0 ||
        netns_create(lab->inet_netns, e) < 0)
        return -1;
    int inet_fd = netns_open(lab->inet_netns, e);
    if (inet_fd < 0)
        return -1;
    struct in_addr up, inet;
    if (addr_parse(SANDBOX_UPLINK_ADDR, &up, NULL, e) < 0 ||
        addr_parse(SANDBOX_INET, &inet, NULL, e) < 0 ||
        journal_add(&lab->journal, J_VETH, e, 1, SANDBOX_UPLINK) < 0 ||
        veth_create(lab->nl, SANDBOX_UPLINK, "eth0", inet_fd, e) < 0 ||
        addr_add(lab->nl, SANDBOX_UPLINK, up, 24, e) < 0 ||
        link_set_up(lab->nl, SANDBOX_UPLINK, true, e) < 0) {
        close(inet_fd);
        return -1;
    }
    /* The stand-in internet: 198.51.100.1 on its eth0, and no route back to the
     * lab's private subnet (like the real one): only NAT'ed packets get answers. */
    int rc = 0;
    struct nlconn *inl = NULL;
    if (netns_enter_fd(inet_fd, e) < 0 || nlconn_open(&inl, e) < 0 ||
        addr_add(inl, "eth0", inet, 24, e) < 0 || link_set_up(inl, "eth0", true, e) < 0)
        rc = -1;
    if (inl)
        nlconn_close(inl);
    close(inet_fd);
    struct err e2;
    if (netns_enter(lab->netns, rc < 0 ? &e2 : e) < 0)
        return -1;
    if (rc == 0)
        snprintf(lab->uplink, sizeof lab->uplink, "%s", SANDBOX_UPLINK);
    return rc;
}

static int setup_netns(struct lab *lab, const struct lab_opts *o, struct err *e)
{
    if (!o->netns && !o->sandbox)
        return 0;
    if (o->netns)
        snprintf(lab->netns, sizeof lab->netns, "%s", o->netns);
    else
        snprintf(lab->netns, sizeof lab->netns, "umlab-%s", lab->name);
    if (netns_exists(lab->netns))
        return err_set(e, "network namespace %s already exists (not umlab's?)", lab->netns);
    if (journal_add(&lab->journal, J_NETNS, e, 1, lab->netns) < 0 ||
        netns_create(lab->netns, e) < 0 ||
        journal_add(&lab->journal, J_ENTER, e, 1, lab->netns) < 0 || netns_enter(lab->netns, e) < 0)
        return -1;
    return 0;
}

static int lab_setup(struct lab *lab, const struct lab_opts *o, struct err *e)
{
    const char *base = o->state_base ? o->state_base : DEFAULT_STATE_BASE;
    if (snprintf(lab->statedir, sizeof lab->statedir, "%s/%s", base, lab->name) >=
        (int)sizeof lab->statedir)
        return err_set(e, "state directory path too long");
    if (mkdir_p(base, 0755, e) < 0)
        return -1;
    if (mkdir(lab->statedir, 0755) < 0) {
        if (errno != EEXIST)
            return err_sys(e, "mkdir %s", lab->statedir);
        int fd = -1, pid = 0;
        int r = take_lock(lab->statedir, &fd, &pid, e);
        if (r < 0)
            return -1;
        if (r == 1)
            return err_set(e, "lab '%s' is already running (umlab pid %d)", lab->name, pid);
        close(fd);
        return err_set(e,
                       "lab '%s' has leftovers of an umlab that did not exit cleanly: run "
                       "`umlab cleanup %s` first",
                       lab->name, lab->name);
    }
    int pid = 0;
    int r = take_lock(lab->statedir, &lab->lockfd, &pid, e);
    if (r != 0) {
        rmdir(lab->statedir);
        return r < 0 ? -1 : err_set(e, "lab '%s' is already running (pid %d)", lab->name, pid);
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/journal", lab->statedir);
    if (write_pid(lab->lockfd, e) < 0 || journal_create(&lab->journal, path, e) < 0) {
        char lock[PATH_MAX];
        snprintf(lock, sizeof lock, "%s/lock", lab->statedir);
        unlink(lock);
        rmdir(lab->statedir);
        return -1;
    }
    /* First record: undone last, it removes the whole state directory. */
    if (journal_add(&lab->journal, J_DIR, e, 1, lab->statedir) < 0)
        return -1;

    snprintf(path, sizeof path, "%s/guests", lab->statedir);
    if (mkdir(path, 0755) < 0)
        return err_sys(e, "mkdir %s", path);
    if (lab->drop_priv && chown(path, lab->guest_uid, lab->guest_gid) < 0)
        return err_sys(e, "chown %s", path);

    lab->orig_netns_fd = netns_open_current(e);
    if (lab->orig_netns_fd < 0)
        return -1;
    if (setup_netns(lab, o, e) < 0)
        return -1;
    if (tap_check_available(e) < 0 || nlconn_open(&lab->nl, e) < 0)
        return -1;
    if (o->sandbox && setup_sandbox(lab, e) < 0)
        return -1;
    return 0;
}

int lab_open(struct lab **out, const struct lab_opts *o, struct loop *loop, struct err *e)
{
    *out = NULL;
    const char *name = o->name ? o->name : "lab";
    if (!lab_name_valid(name))
        return err_set(e, "lab name '%s': use 1-9 characters a-z, 0-9 and '-'", name);
    if (geteuid() != 0)
        return err_set(e, "umlab needs root (CAP_NET_ADMIN) to create taps and rules: run it "
                          "with sudo");
    struct lab *lab = calloc(1, sizeof *lab);
    if (!lab)
        return err_sys(e, "lab");
    snprintf(lab->name, sizeof lab->name, "%s", name);
    lab->loop = loop;
    lab->lockfd = -1;
    lab->orig_netns_fd = -1;
    lab->journal.fd = -1;
    lab->j_masq = -1;
    lab->j_forward = -1;
    lab->mem_mb = o->mem_mb > 0 ? o->mem_mb : LAB_DEFAULT_MEM;
    lab->rows = o->rows > 0 ? o->rows : 24;
    lab->cols = o->cols > 0 ? o->cols : 80;
    snprintf(lab->kernel, sizeof lab->kernel, "%s", o->kernel ? o->kernel : DEFAULT_KERNEL);
    if (o->rootfs)
        snprintf(lab->rootfs, sizeof lab->rootfs, "%s", o->rootfs);
    else
        default_rootfs(lab->rootfs, sizeof lab->rootfs);

    /* Everything that can be checked without changing anything, first. */
    if (subnet_parse(o->subnet ? o->subnet : DEFAULT_SUBNET, &lab->subnet, e) < 0 ||
        check_file("kernel", lab->kernel, X_OK, e) < 0 ||
        check_file("rootfs", lab->rootfs, R_OK, e) < 0 || guest_user(lab, e) < 0) {
        free(lab);
        return -1;
    }
    if (o->host_addr) {
        if (addr_parse(o->host_addr, &lab->host, NULL, e) < 0 ||
            (!subnet_contains(&lab->subnet, lab->host) &&
             err_set(e, "host address %s is outside the lab subnet", o->host_addr)) ||
            (subnet_is_edge(&lab->subnet, lab->host) &&
             err_set(e, "host address %s is the network or broadcast address", o->host_addr))) {
            free(lab);
            return -1;
        }
    } else {
        lab->host = subnet_host(&lab->subnet, subnet_size(&lab->subnet));
    }
    if (o->netns &&
        (!o->netns[0] || strlen(o->netns) >= 32 || strchr(o->netns, '/') || o->netns[0] == '.')) {
        free(lab);
        return err_set(e, "namespace name '%s': 1-31 characters, no '/' (and not . or ..)",
                       o->netns);
    }

    if (lab_setup(lab, o, e) < 0) {
        struct err e2;
        if (lab->journal.fd >= 0)
            lab_close(lab, &e2);
        else
            free(lab);
        return -1;
    }
    *out = lab;
    return 0;
}

static bool all_exited(void *ctx)
{
    struct lab *lab = ctx;
    for (size_t i = 0; i < lab->nguests; i++)
        if (!lab->guests[i]->reaped)
            return false;
    return true;
}

int lab_close(struct lab *lab, struct err *e)
{
    if (!lab)
        return 0;
    /* Ask every guest to halt at once, give them a moment, then kill the rest. */
    for (size_t i = 0; i < lab->nguests; i++) {
        struct guest *g = lab->guests[i];
        if (!g->reaped) {
            char reply[128];
            struct err ignore;
            lab_guest_mconsole(lab, g, "halt", reply, sizeof reply, &ignore);
        }
    }
    int saved_quit = lab->quit_signal;
    lab->quit_signal = 0;
    struct err ignore;
    lab_wait(lab, all_exited, lab, 3000, "guests to halt", &ignore);
    lab->quit_signal = saved_quit;
    for (size_t i = 0; i < lab->nguests; i++) {
        guest_kill(lab->guests[i]);
        guest_drain(lab->guests[i]);
    }

    struct undo_ctx u;
    undo_init(&u, lab->orig_netns_fd, lab->journal.netns);
    if (lab->nl)
        nlconn_close(lab->nl);
    lab->nl = NULL;
    int rc = undo_all(&u, lab->journal.recs, lab->journal.nrecs, &lab->journal, e);
    undo_fini(&u);

    for (size_t i = 0; i < lab->nguests; i++) {
        if (lab->hooks.guest_removed)
            lab->hooks.guest_removed(lab->hooks.ctx, lab->guests[i]);
        guest_free(lab->guests[i]);
    }
    free(lab->guests);
    journal_close(&lab->journal);
    if (lab->lockfd >= 0)
        close(lab->lockfd);
    if (lab->orig_netns_fd >= 0)
        close(lab->orig_netns_fd);
    free(lab);
    return rc;
}

int lab_cleanup(const char *name, const char *state_base, void (*log)(void *, const char *),
                void *logctx, struct err *e)
{
    if (!lab_name_valid(name))
        return err_set(e, "lab name '%s' is not valid", name);
    char dir[PATH_MAX], path[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", state_base ? state_base : DEFAULT_STATE_BASE, name);
    struct stat st;
    if (stat(dir, &st) < 0) {
        if (errno == ENOENT) {
            if (log)
                log(logctx, "nothing to clean up");
            return 0;
        }
        return err_sys(e, "%s", dir);
    }
    int fd = -1, pid = 0;
    int r = take_lock(dir, &fd, &pid, e);
    if (r < 0)
        return -1;
    if (r == 1)
        return err_set(e, "lab '%s' is running (umlab pid %d): quit it instead", name, pid);

    snprintf(path, sizeof path, "%s/journal", dir);
    struct jrecord *recs = NULL;
    size_t n = 0;
    int rc = 0;
    if (access(path, F_OK) < 0 && errno == ENOENT) {
        /* killed before its first record: nothing but the directory was made */
        recs = calloc(1, sizeof *recs);
        if (!recs) {
            close(fd);
            return err_sys(e, "cleanup");
        }
        recs[0].kind = J_DIR;
        recs[0].nargs = 1;
        snprintf(recs[0].args[0], sizeof recs[0].args[0], "%s", dir);
        n = 1;
    } else if (journal_load(path, &recs, &n, e) < 0) {
        close(fd);
        return -1;
    }
    int orig = netns_open_current(e);
    if (orig < 0) {
        free(recs);
        close(fd);
        return -1;
    }
    struct undo_ctx u;
    undo_init(&u, orig, "");
    u.log = log;
    u.logctx = logctx;
    rc = undo_all(&u, recs, n, NULL, e);
    undo_fini(&u);
    close(orig);
    free(recs);
    close(fd);
    return rc;
}

/* ---- guests ------------------------------------------------------------- */

struct guest *lab_find_guest(const struct lab *lab, const char *name)
{
    for (size_t i = 0; i < lab->nguests; i++)
        if (strcmp(lab->guests[i]->name, name) == 0)
            return lab->guests[i];
    return NULL;
}

static size_t used_addrs(const struct lab *lab, const struct guest *except, struct in_addr *out,
                         size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < lab->nguests && n < max; i++)
        if (lab->guests[i] != except && lab->guests[i]->addr.s_addr)
            out[n++] = lab->guests[i]->addr;
    return n;
}

int lab_check_addr(const struct lab *lab, const struct guest *g, struct in_addr a, struct err *e)
{
    struct in_addr used[1024];
    size_t n = used_addrs(lab, g, used, 1024);
    return addr_check_guest(&lab->subnet, lab->host, used, n, a, e);
}

int lab_alloc_addr(const struct lab *lab, struct in_addr *out, struct err *e)
{
    struct in_addr used[1024];
    size_t n = used_addrs(lab, NULL, used, 1024);
    return addr_alloc(&lab->subnet, lab->host, used, n, out, e);
}

static bool tap_taken(const struct lab *lab, const char *name)
{
    for (size_t i = 0; i < lab->nguests; i++)
        if (strcmp(lab->guests[i]->tap, name) == 0)
            return true;
    return link_ifindex(lab->nl, name) != 0;
}

/* Undoes journal record SEQ now (a guest going away) and marks it done. */
static int undo_now(struct lab *lab, int *seq, struct err *e)
{
    if (*seq <= 0)
        return 0;
    for (size_t i = 0; i < lab->journal.nrecs; i++) {
        struct jrecord *r = &lab->journal.recs[i];
        if (r->seq != (unsigned)*seq)
            continue;
        if (!r->done) {
            struct undo_ctx u;
            undo_init(&u, lab->orig_netns_fd, lab->journal.netns);
            u.nl = lab->nl; /* same namespace: borrow the lab's socket */
            int rc = undo_record(&u, r, e);
            u.nl = NULL;
            if (strcmp(u.cur_netns, lab->journal.netns) != 0) {
                struct err e2;
                if (lab->journal.netns[0])
                    netns_enter(lab->journal.netns, &e2);
                else
                    netns_enter_fd(lab->orig_netns_fd, &e2);
            }
            undo_fini(&u);
            if (rc < 0)
                return -1;
            if (journal_done(&lab->journal, r->seq, e) < 0)
                return -1;
        }
        break;
    }
    *seq = -1;
    return 0;
}

static void fwd_comment(const struct lab *lab, const char *tap, char *out, size_t outsz)
{
    snprintf(out, outsz, "umlab:%s:%s", lab->name, tap);
}

static int guest_fwd_rules(struct lab *lab, struct guest *g, struct err *e)
{
    struct rule_spec in = {.target = RULE_TARGET_ACCEPT}, outr = {.target = RULE_TARGET_ACCEPT};
    fwd_comment(lab, g->tap, in.comment, sizeof in.comment);
    snprintf(outr.comment, sizeof outr.comment, "%s", in.comment);
    snprintf(in.in_if, sizeof in.in_if, "%s", g->tap);
    snprintf(outr.out_if, sizeof outr.out_if, "%s", g->tap);
    g->j_fwd = journal_add(&lab->journal, J_RULE, e, 3, "filter", "FORWARD", in.comment);
    if (g->j_fwd < 0)
        return -1;
    /* At the head, as the recipe's `iptables -I`: ahead of a host's own REJECTs. */
    if (iptc_rule_insert("filter", "FORWARD", &outr, e) < 0 ||
        iptc_rule_insert("filter", "FORWARD", &in, e) < 0) {
        struct err e2;
        undo_now(lab, &g->j_fwd, &e2);
        return -1;
    }
    return 0;
}

static int guest_undo_net(struct lab *lab, struct guest *g, struct err *e)
{
    int rc = 0;
    int *seqs[] = {&g->j_cow,      &g->j_fwd,  &g->j_route, &g->j_proxydelay,
                   &g->j_proxyarp, &g->j_addr, &g->j_tap};
    for (size_t i = 0; i < sizeof seqs / sizeof *seqs; i++) {
        struct err one;
        if (undo_now(lab, seqs[i], &one) < 0 && rc == 0) {
            *e = one;
            rc = -1;
        }
    }
    return rc;
}

static void remove_guest(struct lab *lab, struct guest *g)
{
    for (size_t i = 0; i < lab->nguests; i++) {
        if (lab->guests[i] == g) {
            memmove(&lab->guests[i], &lab->guests[i + 1],
                    (lab->nguests - i - 1) * sizeof *lab->guests);
            lab->nguests--;
            break;
        }
    }
    if (lab->hooks.guest_removed)
        lab->hooks.guest_removed(lab->hooks.ctx, g);
    guest_free(g);
}

static int make_guest(struct lab *lab, const struct guest_opts *o, struct guest *g, struct err *e)
{
    if (o->name) {
        if (!guest_name_valid(o->name))
            return err_set(e,
                           "guest name '%s': use up to %d letters, digits, '-' or '_', "
                           "starting with a letter (not 'host' or 'all')",
                           o->name, GUEST_NAME_MAX - 1);
        if (lab_find_guest(lab, o->name))
            return err_set(e, "a guest named '%s' already exists", o->name);
        snprintf(g->name, sizeof g->name, "%s", o->name);
    } else {
        for (unsigned i = 1;; i++) {
            snprintf(g->name, sizeof g->name, "g%u", i);
            if (!lab_find_guest(lab, g->name))
                break;
        }
    }
    snprintf(g->kernel, sizeof g->kernel, "%s", o->kernel ? o->kernel : lab->kernel);
    snprintf(g->rootfs, sizeof g->rootfs, "%s", o->rootfs ? o->rootfs : lab->rootfs);
    g->mem_mb = o->mem_mb > 0 ? o->mem_mb : lab->mem_mb;
    if (g->mem_mb < 16 || g->mem_mb > 65536)
        return err_set(e, "memory %d MiB out of range (16..65536)", g->mem_mb);
    if (check_file("kernel", g->kernel, X_OK, e) < 0 ||
        check_file("rootfs", g->rootfs, R_OK, e) < 0)
        return -1;
    if (o->addr.s_addr) {
        if (lab_check_addr(lab, NULL, o->addr, e) < 0)
            return -1;
        g->addr = o->addr;
    } else if (o->auto_addr && lab_alloc_addr(lab, &g->addr, e) < 0) {
        return -1;
    }
    for (unsigned i = 0;; i++) {
        snprintf(g->tap, sizeof g->tap, "tap%u", i);
        if (!tap_taken(lab, g->tap))
            break;
        if (i > 4096)
            return err_set(e, "no free tap name");
    }
    snprintf(g->umid, sizeof g->umid, "umlab-%s-%s", lab->name, g->name);
    snprintf(g->cow, sizeof g->cow, "%s/guests/%s.cow", lab->statedir, g->name);
    return 0;
}

/* Sets sysctl KEY to VAL, journaling the old value first; *SEQ gets the
 * record (0 when it already had VAL: not ours to change back). */
static int set_sysctl(struct lab *lab, const char *key, const char *val, int *seq, struct err *e)
{
    char old[64];
    if (sysctl_read(key, old, sizeof old, e) < 0)
        return -1;
    if (strcmp(old, val) == 0) {
        *seq = 0;
        return 0;
    }
    *seq = journal_add(&lab->journal, J_SYSCTL, e, 2, key, old);
    if (*seq < 0 || sysctl_write(key, val, e) < 0)
        return -1;
    return 0;
}

static int lab_ip_forward(struct lab *lab, struct err *e)
{
    if (lab->j_forward >= 0)
        return 0;
    return set_sysctl(lab, "net/ipv4/ip_forward", "1", &lab->j_forward, e);
}

int lab_host_side(struct lab *lab, struct guest *g, struct in_addr a, struct err *e)
{
    char key[96], cidr[32], as[INET_ADDRSTRLEN];
    snprintf(cidr, sizeof cidr, "%s/32", addr_str(a, as));
    if (g->j_route > 0 && g->addr.s_addr != a.s_addr && undo_now(lab, &g->j_route, e) < 0)
        return -1;
    if (g->j_route <= 0) {
        struct in_addr nogw = {0};
        g->j_route = journal_add(&lab->journal, J_ROUTE, e, 2, cidr, g->tap);
        if (g->j_route < 0 || route_add(lab->nl, a, 32, g->tap, nogw, e) < 0)
            return -1;
    }
    /* proxy_arp: the host answers ARP for the other guests, so guest<->guest works. */
    if (g->j_proxyarp < 0) {
        snprintf(key, sizeof key, "net/ipv4/conf/%s/proxy_arp", g->tap);
        if (set_sysctl(lab, key, "1", &g->j_proxyarp, e) < 0)
            return -1;
        /* answer at once, not after the default random delay of up to 0.8 s */
        snprintf(key, sizeof key, "net/ipv4/neigh/%s/proxy_delay", g->tap);
        if (set_sysctl(lab, key, "0", &g->j_proxydelay, e) < 0)
            return -1;
    }
    if (lab_ip_forward(lab, e) < 0)
        return -1;
    g->addr = a;
    return 0;
}

int lab_guest_add(struct lab *lab, const struct guest_opts *o, struct guest **out, struct err *e)
{
    struct guest *g = calloc(1, sizeof *g);
    if (!g)
        return err_sys(e, "guest");
    g->lab = lab;
    g->j_tap = g->j_addr = g->j_proxyarp = g->j_proxydelay = g->j_route = g->j_cow = g->j_proc =
        g->j_fwd = -1;
    if (make_guest(lab, o, g, e) < 0) {
        free(g);
        return -1;
    }
    struct guest **ng = realloc(lab->guests, (lab->nguests + 1) * sizeof *ng);
    if (!ng) {
        free(g);
        return err_sys(e, "guest");
    }
    lab->guests = ng;
    lab->guests[lab->nguests++] = g;
    struct in_addr wanted = g->addr;
    g->addr.s_addr = 0;

    char hostcidr[32], gcidr[32], hs[INET_ADDRSTRLEN], gs[INET_ADDRSTRLEN];
    snprintf(hostcidr, sizeof hostcidr, "%s/32", addr_str(lab->host, hs));
    snprintf(gcidr, sizeof gcidr, "%s/%d", addr_str(wanted, gs), lab->subnet.prefix);

    if ((g->j_tap = journal_add(&lab->journal, J_TAP, e, 1, g->tap)) < 0 ||
        tap_create(g->tap, lab->guest_uid, lab->guest_gid, e) < 0)
        goto fail;
    if (link_set_up(lab->nl, g->tap, true, e) < 0 ||
        (g->j_addr = journal_add(&lab->journal, J_ADDR, e, 2, g->tap, hostcidr)) < 0 ||
        addr_add(lab->nl, g->tap, lab->host, 32, e) < 0)
        goto fail;
    if (wanted.s_addr && lab_host_side(lab, g, wanted, e) < 0)
        goto fail;
    if (lab->nat && guest_fwd_rules(lab, g, e) < 0)
        goto fail;
    if ((g->j_cow = journal_add(&lab->journal, J_FILE, e, 1, g->cow)) < 0)
        goto fail;
    if (guest_start(g, wanted.s_addr ? gcidr : NULL, wanted.s_addr ? hs : NULL, e) < 0)
        goto fail;
    if (out)
        *out = g;
    return 0;
fail:;
    struct err e2;
    guest_undo_net(lab, g, &e2);
    remove_guest(lab, g);
    return -1;
}

int lab_guest_mconsole(struct lab *lab, struct guest *g, const char *cmd, char *reply,
                       size_t replysz, struct err *e)
{
    if (g->reaped)
        return err_set(e, "%s is not running", g->name);
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/guests/uml/%s/mconsole", lab->statedir, g->umid) >=
        (int)sizeof path)
        return err_set(e, "mconsole path too long");
    int r = mconsole_call(path, cmd, MCONSOLE_TIMEOUT, reply, replysz, e);
    return r == 0 ? 0 : -1;
}

static bool guest_reaped(void *ctx)
{
    return ((struct guest *)ctx)->reaped;
}

int lab_guest_halt(struct lab *lab, struct guest *g, int timeout_ms, struct err *e)
{
    if (g->reaped)
        return err_set(e, "%s is not running", g->name);
    char reply[256];
    struct err me;
    if (lab_guest_mconsole(lab, g, "halt", reply, sizeof reply, &me) < 0 ||
        lab_wait(lab, guest_reaped, g, timeout_ms, "the guest to halt", &me) < 0)
        guest_kill(g); /* no mconsole answer: stop it the hard way */
    guest_drain(g);
    (void)e;
    return 0;
}

int lab_guest_del(struct lab *lab, struct guest *g, struct err *e)
{
    if (!g->reaped) {
        struct err ignore;
        lab_guest_halt(lab, g, 3000, &ignore);
    }
    guest_kill(g);
    guest_drain(g);
    int rc = guest_undo_net(lab, g, e);
    remove_guest(lab, g);
    return rc;
}

int lab_guest_restart(struct lab *lab, struct guest *g, struct err *e)
{
    if (!g->reaped) {
        char reply[256];
        if (lab_guest_mconsole(lab, g, "reboot", reply, sizeof reply, e) < 0)
            return -1;
        g->state = GUEST_BOOTING;
        g->started_ms = loop_now_ms();
        g->boots++;
        return 0;
    }
    guest_drain(g);
    char gcidr[32], hs[INET_ADDRSTRLEN], gs[INET_ADDRSTRLEN];
    snprintf(gcidr, sizeof gcidr, "%s/%d", addr_str(g->addr, gs), lab->subnet.prefix);
    addr_str(lab->host, hs);
    /* a fresh disk: the old COW file would replay the previous boot's changes */
    if (unlink(g->cow) < 0 && errno != ENOENT)
        return err_sys(e, "remove %s", g->cow);
    return guest_start(g, g->addr.s_addr ? gcidr : NULL, g->addr.s_addr ? hs : NULL, e);
}

/* ---- NAT ---------------------------------------------------------------- */

int lab_nat_on(struct lab *lab, const char *uplink, struct err *e)
{
    if (lab->nat)
        return err_set(e, "NAT is already on (out of %s)", lab->uplink);
    const char *up = uplink && *uplink ? uplink : lab->uplink;
    if (!up[0])
        return err_set(e, "nat on needs the uplink interface, e.g. `nat on wlan0`");
    if (strlen(up) >= RULE_IFNAMSIZ || link_ifindex(lab->nl, up) == 0)
        return err_set(e, "uplink '%s' does not exist", up);
    char upl[16];
    snprintf(upl, sizeof upl, "%s", up);

    if (lab_ip_forward(lab, e) < 0)
        return -1;
    struct rule_spec masq = {.target = RULE_TARGET_MASQUERADE};
    snprintf(masq.out_if, sizeof masq.out_if, "%s", upl);
    snprintf(masq.comment, sizeof masq.comment, "umlab:%s:masq", lab->name);
    lab->j_masq = journal_add(&lab->journal, J_RULE, e, 3, "nat", "POSTROUTING", masq.comment);
    if (lab->j_masq < 0)
        return -1;
    if (iptc_rule_insert("nat", "POSTROUTING", &masq, e) < 0) {
        struct err e2;
        undo_now(lab, &lab->j_masq, &e2);
        return -1;
    }
    for (size_t i = 0; i < lab->nguests; i++) {
        if (guest_fwd_rules(lab, lab->guests[i], e) < 0) {
            struct err e2;
            for (size_t k = 0; k < i; k++)
                undo_now(lab, &lab->guests[k]->j_fwd, &e2);
            undo_now(lab, &lab->j_masq, &e2);
            return -1;
        }
    }
    snprintf(lab->uplink, sizeof lab->uplink, "%s", upl);
    lab->nat = true;
    return 0;
}

int lab_nat_off(struct lab *lab, struct err *e)
{
    if (!lab->nat)
        return err_set(e, "NAT is already off");
    int rc = 0;
    struct err one;
    for (size_t i = 0; i < lab->nguests; i++)
        if (undo_now(lab, &lab->guests[i]->j_fwd, &one) < 0 && rc == 0) {
            *e = one;
            rc = -1;
        }
    if (undo_now(lab, &lab->j_masq, &one) < 0 && rc == 0) {
        *e = one;
        rc = -1;
    }
    lab->nat = false;
    return rc;
}

/* ---- waiting ------------------------------------------------------------ */

int lab_wait(struct lab *lab, bool (*pred)(void *ctx), void *ctx, int timeout_ms, const char *what,
             struct err *e)
{
    int64_t deadline = loop_now_ms() + timeout_ms;
    while (!pred(ctx)) {
        if (lab->quit_signal)
            return err_set(e, "interrupted while waiting for %s", what);
        if (lab->cancel)
            return err_set(e, "cancelled while waiting for %s", what);
        int64_t left = deadline - loop_now_ms();
        if (left <= 0)
            return err_set(e, "timed out after %.1f s waiting for %s", timeout_ms / 1000.0, what);
        if (loop_run_once(lab->loop, (int)left, e) < 0)
            return -1;
    }
    return 0;
}
