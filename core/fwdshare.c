/* fwdshare.c — see fwdshare.h. */
#include "core/fwdshare.h"
#include "base/logline.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define REG_DIR   ".forwarding"
#define SAVED_MAX 65536

struct reg {
    int dfd;         /* the registry directory */
    int lockfd;      /* flock'ed while we look and change */
    char prefix[64]; /* "net-DEV-INO" of the current namespace */
};

static void reg_close(struct reg *r)
{
    if (r->lockfd >= 0)
        close(r->lockfd); /* drops the flock */
    if (r->dfd >= 0)
        close(r->dfd);
    r->lockfd = r->dfd = -1;
}

/* Opens (creating) STATEDIR/../.forwarding, checks it is root's own and not a
 * link, and takes its lock for the current namespace. */
static int reg_open(const char *statedir, struct reg *r, struct err *e)
{
    r->dfd = r->lockfd = -1;
    struct stat ns;
    if (stat("/proc/self/ns/net", &ns) < 0)
        return err_sys(e, "forwarding: /proc/self/ns/net");
    snprintf(r->prefix, sizeof r->prefix, "net-%lx-%lu", (unsigned long)ns.st_dev,
             (unsigned long)ns.st_ino);
    char base[4096];
    if (snprintf(base, sizeof base, "%s", statedir) >= (int)sizeof base)
        return err_set(e, "forwarding: state path too long");
    char *slash = strrchr(base, '/');
    if (!slash)
        return err_set(e, "forwarding: state dir %s has no parent", statedir);
    if (slash == base)
        slash[1] = '\0';
    else
        *slash = '\0';
    int bfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (bfd < 0)
        return err_sys(e, "forwarding: %s", base);
    if (mkdirat(bfd, REG_DIR, 0700) < 0 && errno != EEXIST) {
        err_sys(e, "forwarding: mkdir %s/%s", base, REG_DIR);
        close(bfd);
        return -1;
    }
    r->dfd = openat(bfd, REG_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(bfd);
    struct stat st;
    if (r->dfd < 0 || fstat(r->dfd, &st) < 0) {
        err_sys(e, "forwarding: %s/%s", base, REG_DIR);
        reg_close(r);
        return -1;
    }
    if (st.st_uid != geteuid() || (st.st_mode & 0022)) {
        reg_close(r);
        return err_set(e, "forwarding: %s/%s is not root's own 0700 directory (refused)", base,
                       REG_DIR);
    }
    /* one lock for every namespace: the registry keeps no per-namespace file
     * once the last lab of that namespace is out */
    const char *name = "lock";
    r->lockfd = openat(r->dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (r->lockfd < 0 || flock(r->lockfd, LOCK_EX) < 0) {
        err_sys(e, "forwarding: lock %s", name);
        reg_close(r);
        return -1;
    }
    return 0;
}

/* Counts the live holders other than LAB; removes the files of dead ones. */
static int live_holders(struct reg *r, const char *lab, size_t *live, struct err *e)
{
    *live = 0;
    int fd = dup(r->dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return err_sys(e, "forwarding: read registry");
    }
    char pfx[96];
    int plen = snprintf(pfx, sizeof pfx, "%s.holder.", r->prefix);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, pfx, (size_t)plen) != 0 || strcmp(de->d_name + plen, lab) == 0)
            continue;
        int h = openat(r->dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (h < 0)
            continue;
        if (flock(h, LOCK_EX | LOCK_NB) == 0)
            unlinkat(r->dfd, de->d_name, 0); /* its lab died: it needs nothing */
        else if (errno == EWOULDBLOCK)
            (*live)++;
        close(h);
    }
    closedir(d);
    return 0;
}

void fwdshare_saved_free(struct fwd_saved *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int saved_add(struct fwd_saved *s, const char *key, const char *val)
{
    struct fwd_value *nv = realloc(s->v, (s->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    s->v = nv;
    snprintf(nv[s->n].key, sizeof nv[s->n].key, "%s", key);
    snprintf(nv[s->n].val, sizeof nv[s->n].val, "%s", val);
    s->n++;
    return 0;
}

static bool value_ok(const char *v)
{
    size_t n = strlen(v);
    return n > 0 && n < sizeof((struct fwd_value *)0)->val && strspn(v, "-0123456789") == n;
}

int fwdshare_parse(const char *text, struct fwd_saved *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    bool have_forward = false;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[SYSCTL_KEYSZ + 32], key[SYSCTL_KEYSZ], val[32];
        if (len >= sizeof line)
            goto bad;
        memcpy(line, p, len);
        line[len] = '\0';
        char *sp = strchr(line, ' ');
        if (!sp || (size_t)(sp - line) >= sizeof key || strlen(sp + 1) >= sizeof val)
            goto bad;
        *sp = '\0';
        snprintf(key, sizeof key, "%s", line);
        snprintf(val, sizeof val, "%s", sp + 1);
        if (!sysctl_is_forward_key(key) || !value_ok(val) || have_forward)
            goto bad; /* ip_forward must come last */
        have_forward = strcmp(key, SYSCTL_FORWARD) == 0;
        if (saved_add(out, key, val) < 0) {
            fwdshare_saved_free(out);
            return err_sys(e, "forwarding");
        }
        p = nl ? nl + 1 : p + len;
    }
    if (have_forward)
        return 0;
bad:
    fwdshare_saved_free(out);
    return err_set(e, "forwarding: saved values are malformed (refused)");
}

static void collect_key(void *ctx, const char *key)
{
    struct fwd_saved *s = ctx;
    char val[32];
    if (sysctl_read(key, val, sizeof val, NULL) == 0 && value_ok(val))
        (void)saved_add(s, key, val); /* a device gone meanwhile: nothing to keep */
}

static int read_current(struct fwd_saved *s, struct err *e)
{
    memset(s, 0, sizeof *s);
    char val[32];
    if (sysctl_forward_side_keys(collect_key, s, e) < 0 ||
        sysctl_read(SYSCTL_FORWARD, val, sizeof val, e) < 0 ||
        saved_add(s, SYSCTL_FORWARD, val) < 0) {
        fwdshare_saved_free(s);
        return -1;
    }
    return 0;
}

static int read_saved(struct reg *r, const char *name, struct fwd_saved *s, struct err *e)
{
    int fd = openat(r->dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 1 : err_sys(e, "forwarding: %s", name);
    struct stat st;
    char *buf = NULL;
    int rc = -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        st.st_size >= SAVED_MAX) {
        err_set(e, "forwarding: %s is not root's small regular file (refused)", name);
    } else if (!(buf = calloc(1, (size_t)st.st_size + 1))) {
        err_sys(e, "forwarding");
    } else if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
        err_set(e, "forwarding: short read of %s", name);
    } else {
        rc = fwdshare_parse(buf, s, e);
    }
    free(buf);
    close(fd);
    return rc;
}

static int write_saved(struct reg *r, const char *name, const struct fwd_saved *s, struct err *e)
{
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s.tmp", name);
    (void)unlinkat(r->dfd, tmp, 0);
    int fd = openat(r->dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_sys(e, "forwarding: %s", tmp);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return err_sys(e, "forwarding: %s", tmp);
    }
    for (size_t i = 0; i < s->n; i++)
        fprintf(f, "%s %s\n", s->v[i].key, s->v[i].val);
    if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
        err_sys(e, "forwarding: write %s", tmp);
        fclose(f);
        return -1;
    }
    if (fclose(f) != 0 || renameat(r->dfd, tmp, r->dfd, name) < 0)
        return err_sys(e, "forwarding: %s", name);
    return 0;
}

int fwdshare_join(const char *statedir, const char *lab, int *holder_fd, struct fwd_saved *saved,
                  struct err *e)
{
    *holder_fd = -1;
    memset(saved, 0, sizeof *saved);
    struct reg r;
    if (reg_open(statedir, &r, e) < 0)
        return -1;
    char sname[96], hname[160];
    snprintf(sname, sizeof sname, "%s.saved", r.prefix);
    snprintf(hname, sizeof hname, "%s.holder.%s", r.prefix, lab);
    size_t live;
    int rc = live_holders(&r, lab, &live, e);
    if (rc == 0) {
        /* The originals stay saved while any lab that used them may still be
         * cleaned up (a crashed one): reuse them rather than take the "on"
         * values left behind for originals. */
        rc = read_saved(&r, sname, saved, e);
        if (rc == 1)
            rc = read_current(saved, e) < 0 || write_saved(&r, sname, saved, e) < 0 ? -1 : 0;
    }
    if (rc == 0) {
        int h = openat(r.dfd, hname, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (h < 0 || flock(h, LOCK_EX | LOCK_NB) < 0) {
            rc = err_sys(e, "forwarding: holder %s", hname);
            if (h >= 0)
                close(h);
        } else {
            *holder_fd = h;
        }
    }
    if (rc < 0)
        fwdshare_saved_free(saved);
    reg_close(&r);
    return rc;
}

static bool is_fwd_record(const struct jrecord *r)
{
    return r->kind == J_SYSCTL && !r->done && r->netns[0] == '\0' && r->nargs == 2 &&
           sysctl_is_forward_key(r->args[0]);
}

static void mark_done(struct jrecord *r, struct journal *j)
{
    struct err ignore;
    if (j)
        (void)journal_done(j, r->seq, &ignore); /* a lost mark only repeats a no-op */
    r->done = true;
}

void fwdshare_release(const char *statedir, const char *lab, int holder_fd, struct jrecord *recs,
                      size_t n, struct journal *j, void (*log)(void *ctx, const char *line),
                      void *logctx)
{
    bool any = false;
    for (size_t i = 0; i < n && !any; i++)
        any = is_fwd_record(&recs[i]);
    if (!any) {
        if (holder_fd >= 0)
            close(holder_fd);
        return;
    }
    struct reg r;
    struct err e;
    if (reg_open(statedir, &r, &e) < 0) {
        logline(log, logctx, "%s", e.msg);
        if (holder_fd >= 0)
            close(holder_fd);
        return; /* the normal undo restores */
    }
    char hname[160];
    snprintf(hname, sizeof hname, "%s.holder.%s", r.prefix, lab);
    (void)unlinkat(r.dfd, hname, 0);
    if (holder_fd >= 0)
        close(holder_fd);
    size_t live;
    if (live_holders(&r, lab, &live, &e) < 0) {
        logline(log, logctx, "%s", e.msg);
    } else if (live > 0) {
        logline(log, logctx, "keep ip_forward on: %zu other lab(s) still use it", live);
        for (size_t i = 0; i < n; i++)
            if (is_fwd_record(&recs[i]))
                mark_done(&recs[i], j);
    } else {
        /* The last one out, under the lock: newest first, as the undo would
         * (ip_forward before the values its write resets). */
        bool all = true;
        for (size_t i = n; i-- > 0;) {
            struct jrecord *rec = &recs[i];
            if (!is_fwd_record(rec))
                continue;
            char cur[32];
            if (sysctl_read(rec->args[0], cur, sizeof cur, NULL) < 0) {
                mark_done(rec, j); /* its interface is gone */
                continue;
            }
            if (strcmp(cur, rec->args[1]) != 0) {
                logline(log, logctx, "restore %s = %s", rec->args[0], rec->args[1]);
                if (sysctl_write(rec->args[0], rec->args[1], &e) < 0) {
                    logline(log, logctx, "%s", e.msg);
                    all = false;
                    continue;
                }
            }
            mark_done(rec, j);
        }
        if (all) {
            char sname[96];
            snprintf(sname, sizeof sname, "%s.saved", r.prefix);
            (void)unlinkat(r.dfd, sname, 0);
        }
    }
    reg_close(&r);
}
