/* iptc.c — umlab's rules in the kernel through libiptc (legacy x_tables).
 * No libnl here: libiptc's headers and libnl's disagree about <linux/if.h>. */
#include <libiptc/libiptc.h> /* first: it pulls <net/if.h> before any <linux/if.h> */

#include "netcfg/iptc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define XT_LOCK_DEFAULT "/run/xtables.lock"
#define IPTC_TRIES      5 /* init..commit cycles before giving up on EAGAIN */

/* One operation on one chain, run inside iptc_cycle. */
struct iptc_job {
    const char *table, *chain;
    xt_chainlabel label; /* CHAIN, zero-padded: libiptc's prototypes take char[32] */
    int (*run)(struct xtc_handle *h, struct iptc_job *job);
    const void *entry;   /* append or insert */
    bool at_head;        /* insert as rule 1 instead of appending */
    const char *comment; /* delete by comment */
    const char *lab;     /* delete by lab */
    int deleted;
    struct rule_info *list;
    size_t n;
    char policy[32];  /* list: a built-in chain's policy, "" for a user chain */
    const char *what; /* the step that failed, for the message */
    bool dirty;       /* commit needed */
};

static iptc_lock_wait_fn lock_waiter;
static void *lock_waiter_ctx;

void iptc_set_lock_waiter(iptc_lock_wait_fn fn, void *ctx, iptc_lock_wait_fn *old_fn,
                          void **old_ctx)
{
    if (old_fn)
        *old_fn = lock_waiter;
    if (old_ctx)
        *old_ctx = lock_waiter_ctx;
    lock_waiter = fn;
    lock_waiter_ctx = ctx;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "PATH (held by pid N, COMM)" from /proc/locks, or just PATH. */
static void describe_holder(int fd, const char *path, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s", path);
    struct stat st;
    FILE *f = fstat(fd, &st) == 0 ? fopen("/proc/locks", "re") : NULL;
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        int pid;
        unsigned maj, min;
        unsigned long ino;
        /* "1: FLOCK  ADVISORY  WRITE 1234 00:19:567 0 EOF" ("->" lines are waiters) */
        if (sscanf(line, "%*d: FLOCK %*s %*s %d %x:%x:%lu", &pid, &maj, &min, &ino) != 4 ||
            maj != major(st.st_dev) || min != minor(st.st_dev) || ino != st.st_ino || pid <= 0)
            continue;
        char comm[64] = "?", cpath[64];
        snprintf(cpath, sizeof cpath, "/proc/%d/comm", pid);
        FILE *c = fopen(cpath, "re");
        if (c) {
            if (fgets(comm, sizeof comm, c))
                comm[strcspn(comm, "\n")] = '\0';
            fclose(c);
        }
        snprintf(out, outsz, "%s (held by pid %d, %s)", path, pid, comm);
        break;
    }
    fclose(f);
}

/* The same lock file the iptables command takes (it honours XTABLES_LOCKFILE).
 * Never a blocking flock: umlab's event loop must keep serving guests and
 * signals, so it tries, lets the waiter serve the loop, and tries again. */
static int xtables_lock(const struct iptc_job *job, struct err *e)
{
    const char *path = getenv("XTABLES_LOCKFILE");
    if (!path || !*path)
        path = XT_LOCK_DEFAULT;
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_sys(e, "iptables %s/%s: open %s", job->table, job->chain, path);
    int64_t start = now_ms(), describe_at = 0;
    char what[PATH_MAX + 96] = "";
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK) {
            err_sys(e, "iptables %s/%s: flock %s", job->table, job->chain, path);
            break;
        }
        int64_t waited = now_ms() - start;
        if (waited >= describe_at) { /* who holds it, looked up once a second */
            describe_holder(fd, path, what, sizeof what);
            describe_at = waited + 1000;
        }
        if (waited >= IPTC_LOCK_TIMEOUT_MS) {
            err_set(e, "iptables %s/%s: gave up after %d s waiting for %s", job->table, job->chain,
                    IPTC_LOCK_TIMEOUT_MS / 1000, what);
            break;
        }
        if (lock_waiter) {
            if (lock_waiter(lock_waiter_ctx, what, (int)waited, e) < 0)
                break;
        } else {
            struct timespec ts = {0, 50 * 1000000};
            nanosleep(&ts, NULL);
        }
    }
    close(fd);
    return -1;
}

static int run_list(struct xtc_handle *h, struct iptc_job *job);

/* init..commit under the lock; the whole cycle again when the table changed
 * under us (EAGAIN from init or commit). */
static int iptc_cycle(struct iptc_job *job, struct err *e)
{
    if (!job->table || !job->chain)
        return err_set(e, "iptables: no table or chain");
    if (strlen(job->chain) >= sizeof job->label)
        return err_set(e, "iptables %s/%s: chain name too long", job->table, job->chain);
    memset(job->label, 0, sizeof job->label);
    memcpy(job->label, job->chain, strlen(job->chain));
    /* Only writers need the lock (their read-modify-write must not interleave);
     * a listing is one atomic read, and the console's once-a-second refresh
     * must never wait behind someone else's iptables. */
    bool writes = job->run != run_list;
    for (int attempt = 1;; attempt++) {
        int lock = writes ? xtables_lock(job, e) : -1;
        if (writes && lock < 0)
            return -1;
        struct xtc_handle *h = iptc_init(job->table);
        if (!h) {
            int saved = errno;
            bool again = saved == EAGAIN && attempt < IPTC_TRIES;
            if (!again)
                err_set(e, "iptables %s: init: %s%s", job->table, iptc_strerror(saved),
                        saved == EAGAIN ? " (table kept changing)" : "");
            if (lock >= 0)
                close(lock);
            if (again)
                continue;
            return -1;
        }

        int rc = 0;
        bool again = false;
        job->what = "";
        job->dirty = false;
        if (!iptc_is_chain(job->label, h)) {
            rc = err_set(e, "iptables %s/%s: no such chain", job->table, job->chain);
        } else if (job->run(h, job) < 0) {
            /* iptc_strerror depends on the last libiptc call: format before iptc_free. */
            rc = err_set(e, "iptables %s/%s: %s: %s", job->table, job->chain, job->what,
                         iptc_strerror(errno));
        } else if (job->dirty && !iptc_commit(h)) {
            int saved = errno;
            again = saved == EAGAIN && attempt < IPTC_TRIES;
            if (!again)
                rc = err_set(e, "iptables %s/%s: commit: %s%s", job->table, job->chain,
                             iptc_strerror(saved), saved == EAGAIN ? " (table kept changing)" : "");
        }
        iptc_free(h); /* iptc_commit does not free the handle */
        if (lock >= 0)
            close(lock);
        if (!again)
            return rc;
    }
}

static int run_append(struct xtc_handle *h, struct iptc_job *job)
{
    int ok = job->at_head ? iptc_insert_entry(job->label, job->entry, 0, h)
                          : iptc_append_entry(job->label, job->entry, h);
    if (!ok) {
        job->what = job->at_head ? "insert" : "append";
        return -1;
    }
    job->dirty = true;
    return 0;
}

static bool job_wants(const struct iptc_job *job, const char *comment)
{
    if (job->comment)
        return strcmp(comment, job->comment) == 0;
    return rule_comment_is_lab(comment, job->lab);
}

/* Deletes matching rules one at a time by number (0-based for
 * iptc_delete_num_entry), rescanning from the top after each delete so no
 * index or entry pointer outlives the rule list it came from. */
static int run_delete(struct xtc_handle *h, struct iptc_job *job)
{
    job->deleted = 0;
    for (;;) {
        unsigned int idx = 0;
        bool found = false;
        for (const struct ipt_entry *r = iptc_first_rule(job->label, h); r;
             r = iptc_next_rule(r, h), idx++) {
            struct rule_info info;
            rule_entry_read(r, NULL, &info);
            if (job_wants(job, info.spec.comment)) {
                found = true;
                break;
            }
        }
        if (!found)
            return 0;
        if (!iptc_delete_num_entry(job->label, idx, h)) {
            job->what = "delete";
            return -1;
        }
        job->deleted++;
        job->dirty = true;
    }
}

static int run_list(struct xtc_handle *h, struct iptc_job *job)
{
    struct rule_info *v = NULL;
    size_t n = 0, cap = 0;
    free(job->list);
    job->list = NULL;
    job->n = 0;
    for (const struct ipt_entry *r = iptc_first_rule(job->label, h); r; r = iptc_next_rule(r, h)) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct rule_info *nv = realloc(v, ncap * sizeof *v);
            if (!nv) {
                free(v);
                job->what = "list";
                errno = ENOMEM;
                return -1;
            }
            v = nv;
            cap = ncap;
        }
        /* The entry carries the counters read at iptc_init. */
        rule_entry_read(r, iptc_get_target(r, h), &v[n++]);
    }
    job->list = v;
    job->n = n;
    struct xt_counters pc;
    const char *pol = iptc_get_policy(job->label, &pc, h);
    snprintf(job->policy, sizeof job->policy, "%s", pol ? pol : "");
    return 0;
}

static int add_rule(const char *table, const char *chain, const struct rule_spec *spec,
                    bool at_head, struct err *e)
{
    size_t size;
    void *entry = rule_entry_build(spec, &size);
    if (!entry) {
        if (errno == ENOMEM)
            return err_sys(e, "iptables %s/%s: append", table, chain);
        return err_set(e,
                       "iptables %s/%s: append: invalid rule (target, interface name over "
                       "%d chars or comment over %d chars)",
                       table, chain, RULE_IFNAMSIZ - 1, RULE_COMMENTSZ - 1);
    }
    struct iptc_job job = {
        .table = table, .chain = chain, .run = run_append, .entry = entry, .at_head = at_head};
    int rc = iptc_cycle(&job, e);
    free(entry);
    return rc;
}

int iptc_rule_append(const char *table, const char *chain, const struct rule_spec *spec,
                     struct err *e)
{
    return add_rule(table, chain, spec, false, e);
}

int iptc_rule_insert(const char *table, const char *chain, const struct rule_spec *spec,
                     struct err *e)
{
    return add_rule(table, chain, spec, true, e);
}

/* Whether TABLE/CHAIN holds a rule JOB would delete, read without the lock:
 * an undo of a rule that never made it in (the lock was busy, umlab was told
 * to quit) must not wait for the lock. Errors say "maybe" (the locked cycle
 * then reports them). */
static bool maybe_has_rules(struct iptc_job *job)
{
    struct iptc_job list = {.table = job->table, .chain = job->chain, .run = run_list};
    struct err ignore;
    if (iptc_cycle(&list, &ignore) < 0) {
        free(list.list);
        return true;
    }
    bool found = false;
    for (size_t i = 0; i < list.n && !found; i++)
        found = job_wants(job, list.list[i].spec.comment);
    free(list.list);
    return found;
}

int iptc_rule_delete_comment(const char *table, const char *chain, const char *comment,
                             int *deleted, struct err *e)
{
    if (deleted)
        *deleted = 0;
    /* An empty comment would match every rule that has none. */
    if (!comment || !*comment)
        return err_set(e, "iptables %s/%s: delete: empty comment", table, chain);
    struct iptc_job job = {.table = table, .chain = chain, .run = run_delete, .comment = comment};
    if (!maybe_has_rules(&job))
        return 0;
    int rc = iptc_cycle(&job, e);
    if (rc == 0 && deleted)
        *deleted = job.deleted;
    return rc;
}

int iptc_rule_delete_lab(const char *table, const char *chain, const char *lab, int *deleted,
                         struct err *e)
{
    if (deleted)
        *deleted = 0;
    if (!lab || !*lab)
        return err_set(e, "iptables %s/%s: delete: empty lab name", table, chain);
    struct iptc_job job = {.table = table, .chain = chain, .run = run_delete, .lab = lab};
    if (!maybe_has_rules(&job))
        return 0;
    int rc = iptc_cycle(&job, e);
    if (rc == 0 && deleted)
        *deleted = job.deleted;
    return rc;
}

int iptc_rule_list(const char *table, const char *chain, struct rule_info **out, size_t *n,
                   struct err *e)
{
    *out = NULL;
    *n = 0;
    struct iptc_job job = {.table = table, .chain = chain, .run = run_list};
    if (iptc_cycle(&job, e) < 0) {
        free(job.list);
        return -1;
    }
    *out = job.list;
    *n = job.n;
    return 0;
}

int iptc_chain_policy(const char *table, const char *chain, char *policy, size_t policysz,
                      struct err *e)
{
    struct iptc_job job = {.table = table, .chain = chain, .run = run_list};
    int rc = iptc_cycle(&job, e);
    free(job.list);
    if (rc == 0)
        snprintf(policy, policysz, "%s", job.policy);
    return rc;
}

/* Finds `iptables` on PATH (as a shell would): its path in FOUND and, with
 * every symlink resolved (readlink -f), in RESOLVED. */
static bool find_iptables(char *found, size_t foundsz, char *resolved, size_t resolvedsz)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        char cand[PATH_MAX];
        int w = snprintf(cand, sizeof cand, "%.*s/iptables", len ? (int)len : 1,
                         len ? path : "."); /* an empty element is the current dir */
        char real[PATH_MAX];
        if (w > 0 && (size_t)w < sizeof cand && access(cand, X_OK) == 0 && realpath(cand, real)) {
            snprintf(found, foundsz, "%s", cand);
            snprintf(resolved, resolvedsz, "%s", real);
            return true;
        }
        path += len;
        if (*path == ':')
            path++;
    }
    return false;
}

/* Last resort: `iptables --version`, run without a shell. */
static const char *flavor_from_version(const char *prog)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return "unknown";
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        close(pfd[0]);
        close(pfd[1]);
        return "unknown";
    }
    bool ok = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) == 0 &&
              posix_spawn_file_actions_adddup2(&fa, pfd[1], 1) == 0 &&
              posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) == 0;
    pid_t pid = -1;
    /* argv[0] "iptables": multi-call binaries dispatch on it. */
    char *argv[] = {(char *)"iptables", (char *)"--version", NULL};
    if (ok && posix_spawn(&pid, prog, &fa, NULL, argv, environ) != 0)
        pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);

    char buf[256];
    size_t len = 0;
    if (pid > 0) {
        for (;;) {
            ssize_t r = read(pfd[0], buf + len, sizeof buf - 1 - len);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            len += (size_t)r;
            if (len == sizeof buf - 1)
                break;
        }
    }
    buf[len] = '\0';
    close(pfd[0]);
    /* ECHILD is fine: an event loop's SIGCHLD handler may have reaped it. */
    while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;

    if (strstr(buf, "(nf_tables)"))
        return "nf_tables";
    if (strstr(buf, "(legacy)"))
        return "legacy";
    int major, minor;
    /* Before 1.8 there was only the legacy backend, and no "(...)" tag. */
    if (sscanf(buf, "iptables v%d.%d", &major, &minor) == 2 && major == 1 && minor < 8)
        return "legacy";
    return "unknown";
}

const char *iptables_flavor(void)
{
    char found[PATH_MAX], real[PATH_MAX];
    if (!find_iptables(found, sizeof found, real, sizeof real))
        return "unknown";
    const char *base = strrchr(real, '/');
    base = base ? base + 1 : real;
    if (strcmp(base, "xtables-nft-multi") == 0)
        return "nf_tables";
    if (strcmp(base, "xtables-legacy-multi") == 0)
        return "legacy";
    return flavor_from_version(found);
}
