/* lab.c — a lab's life: its state directory and lock, opening, closing, waiting,
 * and `umlab cleanup`. */
#include "core/lab.h"
#include "base/logline.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fwdshare.h"
#include "core/checklist.h"
#include "core/ctlchan.h"
#include "core/guest.h"
#include "core/matrix.h"
#include "core/image.h"
#include "core/lab_internal.h"
#include "core/lab_shell.h"
#include "core/lesson.h"
#include "base/rmtree.h"
#include "core/undo.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/tap.h"

#define DEFAULT_STATE_BASE "/run/umlab"
#define DEFAULT_KERNEL     "/usr/bin/linux.uml"
#define DEFAULT_SUBNET     "192.168.0.0/24"

bool lab_name_valid(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len >= LAB_NAME_MAX - 6) /* room for "umlab-" and "-inet" in netns names */
        return false;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

/* mkdir that leaves MODE on a directory it made, whatever the umask. */
static int mkdir_mode(const char *path, mode_t mode, struct err *e)
{
    if (mkdir(path, mode) < 0)
        return errno == EEXIST ? 0 : err_sys(e, "mkdir %s", path);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return err_sys(e, "open %s", path);
    int rc = fchmod(fd, mode) < 0 ? err_sys(e, "chmod %s", path) : 0;
    close(fd);
    return rc;
}

/* The base of state directories: absolute, and no one but root can change
 * anything on the way to it (umlab trusts what it finds there). */
static int check_state_base(const char *base, struct err *e)
{
    if (base[0] != '/')
        return err_set(e, "state directory %s: not an absolute path", base);
    return rmtree_check_chain(base, e);
}

int lab_check_file(const char *what, const char *path, int mode, struct err *e)
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

/* A file shipped with umlab: beside the binary (build tree), or installed
 * under the binary's prefix (CANDS are relative to the binary's directory).
 * Returns false when none is readable. */
static bool find_beside_binary(const char *const *cands, size_t ncands, char *out, size_t outsz)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    for (size_t i = 0; i < ncands; i++) {
        snprintf(out, outsz, "%s%s", exe, cands[i]);
        if (access(out, R_OK) == 0)
            return true;
    }
    return false;
}

/* The embedded rootfs: beside the binary (build tree), or installed. */
static void default_rootfs(char *out, size_t outsz)
{
    const char *env = getenv("UMLAB_ROOTFS");
    if (env && *env) {
        snprintf(out, outsz, "%s", env);
        return;
    }
    static const char *const cands[] = {"/rootfs.ext2", "/build/rootfs.ext2",
                                        "/../share/umlab/rootfs.ext2"};
    if (!find_beside_binary(cands, sizeof cands / sizeof *cands, out, outsz))
        snprintf(out, outsz, "%s/rootfs.ext2", UMLAB_DATADIR);
}

/* The preload library that lets linux.uml 6.1 run on hosts with a large XSAVE
 * area (core/umlshim/xstate.c). Used only when it is root's and nobody else
 * can write it: it runs inside every guest's host process. "" when absent. */
static void find_uml_preload(char *out, size_t outsz)
{
    static const char *const cands[] = {"/umlab-xstate.so", "/build/umlab-xstate.so",
                                        "/../lib/umlab/umlab-xstate.so"};
    struct stat st;
    if (!find_beside_binary(cands, sizeof cands / sizeof *cands, out, outsz) ||
        stat(out, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & (S_IWGRP | S_IWOTH)))
        out[0] = '\0';
}

static int read_lock_pid(const char *statedir)
{
    char path[PATH_MAX], buf[32] = "";
    snprintf(path, sizeof path, "%s/lock", statedir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
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
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_sys(e, "lock %s", path);
    if (fchmod(fd, 0644) < 0) {
        err_sys(e, "lock %s", path);
        close(fd);
        return -1;
    }
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

static int lab_setup(struct lab *lab, const struct lab_opts *o, struct err *e)
{
    const char *base = o->state_base ? o->state_base : DEFAULT_STATE_BASE;
    if (snprintf(lab->statedir, sizeof lab->statedir, "%s/%s", base, lab->name) >=
        (int)sizeof lab->statedir)
        return err_set(e, "state directory path too long");
    if (base[0] != '/')
        return err_set(e, "state directory %s: not an absolute path", base);
    /* Only the last level is made, and only under a directory root alone controls. */
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", base);
    char *slash = strrchr(parent, '/');
    if (slash == parent)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (check_state_base(parent, e) < 0 || mkdir_mode(base, 0755, e) < 0 ||
        check_state_base(base, e) < 0)
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
    if (chmod(lab->statedir, 0755) < 0) { /* just made, in a root-only directory */
        err_sys(e, "chmod %s", lab->statedir);
        rmdir(lab->statedir);
        return -1;
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
    lab_shell_attach(lab);
    /* First record: undone last, it removes the whole state directory. */
    if (journal_add(&lab->journal, J_DIR, e, 1, lab->statedir) < 0)
        return -1;

    snprintf(path, sizeof path, "%s/guests", lab->statedir);
    if (mkdir(path, 0755) < 0 || chmod(path, 0755) < 0)
        return err_sys(e, "mkdir %s", path);
    if (lab->drop_priv && chown(path, lab->guest_uid, lab->guest_gid) < 0)
        return err_sys(e, "chown %s", path);

    lab->orig_netns_fd = netns_open_current(e);
    if (lab->orig_netns_fd < 0)
        return -1;
    if (lab_setup_netns(lab, o, e) < 0)
        return -1;
    if (tap_check_available(e) < 0 || nlconn_open(&lab->nl, e) < 0)
        return -1;
    if (o->sandbox && lab_setup_sandbox(lab, e) < 0)
        return -1;
    return 0;
}

static void lab_tick(void *ctx)
{
    struct lab *lab = ctx;
    int64_t now = loop_now_ms();
    for (size_t i = 0; i < lab->nguests; i++) {
        guest_kick_if_stalled(lab->guests[i], now);
        ctlchan_tick(lab->guests[i]->ctl, now);
    }
    checklist_tick(lab->checklist, now);
    if (lab->lesson)
        checklist_tick(lab->lesson->cl, now);
    snapshot_tick(lab);
    matrix_tick(lab);
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
    lab->fwd_fd = -1;
    snapshot_init(&lab->snap);
    lab->mem_mb = o->mem_mb > 0 ? o->mem_mb : LAB_DEFAULT_MEM;
    lab->rows = o->rows > 0 ? o->rows : 24;
    lab->cols = o->cols > 0 ? o->cols : 80;
    snprintf(lab->kernel, sizeof lab->kernel, "%s", o->kernel ? o->kernel : DEFAULT_KERNEL);
    default_rootfs(lab->embedded_rootfs, sizeof lab->embedded_rootfs);
    if (o->rootfs)
        snprintf(lab->rootfs, sizeof lab->rootfs, "%s", o->rootfs);
    else
        snprintf(lab->rootfs, sizeof lab->rootfs, "%s", lab->embedded_rootfs);
    find_uml_preload(lab->uml_preload, sizeof lab->uml_preload);

    /* Everything that can be checked without changing anything, first. */
    if (subnet_parse(o->subnet ? o->subnet : DEFAULT_SUBNET, &lab->subnet, e) < 0 ||
        lab_check_file("kernel", lab->kernel, X_OK, e) < 0 || image_check(lab->rootfs, e) < 0 ||
        login_parse(o->login, &lab->login, e) < 0 || guest_user(lab, e) < 0 ||
        cpuplace_init(&lab->place, o->cpus, !o->no_pin, e) < 0) {
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

    if (lab_setup(lab, o, e) < 0 || loop_add_tick(loop, lab_tick, lab, e) < 0) {
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

void lab_checks_stop(struct lab *lab)
{
    lesson_free(lab->lesson);
    lab->lesson = NULL;
    checklist_free(lab->checklist);
    lab->checklist = NULL;
    lab->checklist_shown = false;
}

static bool all_exited(void *ctx)
{
    struct lab *lab = ctx;
    for (size_t i = 0; i < lab->nguests; i++)
        if (!lab->guests[i]->pane.reaped)
            return false;
    return true;
}

int lab_close(struct lab *lab, struct err *e)
{
    if (!lab)
        return 0;
    lab_shell_detach(lab); /* the front end may be going: no shell lines while closing */
    loop_remove_tick(lab->loop, lab_tick, lab);
    lab_checks_stop(lab);
    matrix_free(lab);
    if (lab->applied && lab->applied_free)
        lab->applied_free(lab->applied);
    lab->applied = NULL;
    while (lab->npanes)
        lab_pane_close(lab, lab->panes[lab->npanes - 1]);
    free(lab->panes);
    /* Ask every guest to halt at once, give them a moment, then kill the rest. */
    for (size_t i = 0; i < lab->nguests; i++) {
        struct guest *g = lab->guests[i];
        if (!g->pane.reaped) {
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
        pane_kill(&lab->guests[i]->pane);
        pane_drain(&lab->guests[i]->pane);
    }

    struct undo_ctx u;
    undo_init(&u, lab->orig_netns_fd, lab->journal.netns);
    if (lab->nl)
        nlconn_close(lab->nl);
    lab->nl = NULL;
    fwdshare_release(lab->statedir, lab->name, lab->fwd_fd, lab->journal.recs, lab->journal.nrecs,
                     &lab->journal, NULL, NULL);
    struct undo_scope scope = {.statedir = lab->statedir, .lab = lab->name};
    size_t left = 0;
    struct err first;
    int rc =
        undo_all(&u, lab->journal.recs, lab->journal.nrecs, &scope, &lab->journal, &left, &first);
    undo_fini(&u);
    if (rc < 0 && e) {
        if (left)
            err_set(e, "%s; %zu record(s) left over: run `umlab cleanup %s`", first.msg, left,
                    lab->name);
        else
            *e = first;
    }

    for (size_t i = 0; i < lab->nguests; i++) {
        if (lab->hooks.guest_removed)
            lab->hooks.guest_removed(lab->hooks.ctx, lab->guests[i]);
        guest_free(lab->guests[i]);
    }
    free(lab->guests);
    for (size_t i = 0; i < lab->nlans; i++)
        free(lab->lans[i]);
    free(lab->lans);
    journal_close(&lab->journal);
    if (lab->lockfd >= 0)
        close(lab->lockfd);
    if (lab->orig_netns_fd >= 0)
        close(lab->orig_netns_fd);
    snapshot_free(&lab->snap);
    free(lab);
    return rc;
}

/* Undoes what the journal in DIR records (nothing if it is missing, empty or
 * only a header), marking what was undone; *LEFT: what could not be. */
static int cleanup_journal(const char *name, const char *dir, void (*log)(void *, const char *),
                           void *logctx, size_t *left, struct err *e)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/journal", dir);
    struct jrecord *recs = NULL;
    size_t n = 0;
    struct journal j = {.fd = -1};
    if (access(path, F_OK) < 0 && errno == ENOENT) {
        /* killed before its journal existed: nothing but the directory was made */
    } else if (journal_load(path, &recs, &n, e) < 0 || journal_reopen(&j, path, e) < 0) {
        free(recs);
        return -1;
    }
    int orig = netns_open_current(e);
    if (orig < 0) {
        journal_close(&j);
        free(recs);
        return -1;
    }
    struct undo_ctx u;
    undo_init(&u, orig, "");
    u.log = log;
    u.logctx = logctx;
    /* other labs may still need ip_forward */
    fwdshare_release(dir, name, -1, recs, n, j.fd >= 0 ? &j : NULL, log, logctx);
    struct undo_scope scope = {.statedir = dir, .lab = name};
    int rc = undo_all(&u, recs, n, &scope, j.fd >= 0 ? &j : NULL, left, e);
    undo_fini(&u);
    close(orig);
    journal_close(&j);
    free(recs);
    return rc;
}

int lab_cleanup(const char *name, const char *state_base, void (*log)(void *, const char *),
                void *logctx, struct err *e)
{
    if (!lab_name_valid(name))
        return err_set(e, "lab name '%s' is not valid", name);
    const char *base = state_base ? state_base : DEFAULT_STATE_BASE;
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/%s", base, name) >= (int)sizeof dir)
        return err_set(e, "state directory path too long");
    if (base[0] != '/')
        return err_set(e, "state directory %s: not an absolute path", base);
    struct stat st;
    if (lstat(base, &st) == 0 && check_state_base(base, e) < 0)
        return -1;
    if (lstat(dir, &st) < 0) {
        if (errno == ENOENT) {
            logline(log, logctx, "nothing to clean up");
            return 0;
        }
        return err_sys(e, "%s", dir);
    }
    /* The journal is obeyed as root: only if no one else could have written it. */
    if (check_state_base(dir, e) < 0)
        return -1;
    int fd = -1, pid = 0;
    int r = take_lock(dir, &fd, &pid, e);
    if (r < 0)
        return -1;
    if (r == 1)
        return err_set(e, "lab '%s' is running (umlab pid %d): quit it instead", name, pid);

    size_t left = 0;
    struct err first = {""};
    int rc = cleanup_journal(name, dir, log, logctx, &left, &first);
    if (rc == 0 && left == 0) {
        /* Everything undone: the directory goes, whatever the journal said. */
        if (lstat(dir, &st) == 0) {
            logline(log, logctx, "remove %s", dir);
            rc = rmtree_path(dir, &first);
        }
    }
    close(fd);
    if (rc < 0 && e) {
        if (left)
            err_set(e,
                    "%zu record(s) left over (%s): fix what is said above and run `umlab "
                    "cleanup %s` again",
                    left, first.msg, name);
        else
            *e = first;
    }
    return rc;
}

/* Marks journal record *SEQ done without undoing it: its create failed
 * because the name belongs to someone else, whose object must stay. */
void lab_forget(struct lab *lab, int *seq)
{
    struct err e2;
    if (*seq > 0) { /* nothing to undo: no shell line for it */
        void (*cb)(void *, const struct jrecord *, bool) = lab->journal.on_record;
        lab->journal.on_record = NULL;
        journal_done(&lab->journal, (unsigned)*seq, &e2);
        lab->journal.on_record = cb;
    }
    *seq = -1;
}

/* Undoes journal record SEQ now (a guest going away) and marks it done. */
int lab_undo_now(struct lab *lab, int *seq, struct err *e)
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
