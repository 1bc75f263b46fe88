/* netkit_dir.c — reading a Netkit/Kathará lab directory (netkit.h).
 *
 * The directory belongs to someone else: every file is opened beneath the
 * lab's descriptor one component at a time with O_NOFOLLOW (a link at any
 * level fails), O_NONBLOCK (a FIFO does not hang us) and checked to be a
 * regular file of bounded size. Before anything is built the whole tree is
 * walked (netkit_dir_check, also for a lab file's `share`): it is copied
 * into the ext2 image the guests mount, so a symbolic link, a device node, a
 * FIFO or a socket anywhere is refused, as is a hard link to a file of
 * another user (a root-owned file linked in). */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/netkit_internal.h"

#define REL_MAX 4096

static const char link_why[] = "the directory is copied into the guests' disk image as the user, "
                               "who can swap a link in while it is read";

/* "DIR/REL" with REL escaped, for a message. */
static void where(struct strbuf *b, const char *dir, const char *rel)
{
    sb_printf(b, "%s/", dir);
    nk_escape(b, rel, strlen(rel), 200);
}

__attribute__((format(printf, 4, 5))) static int fail_at(struct err *e, const char *dir,
                                                         const char *rel, const char *fmt, ...)
{
    char msg[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct strbuf b = {0};
    where(&b, dir, rel);
    err_set(e, "%s: %s", b.oom ? "(out of memory)" : sb_str(&b), msg);
    sb_free(&b);
    return -1;
}

/* Opens the directory holding REL's last component, beneath DIRFD with no
 * link followed; *LAST points at that component. A new fd, or -1 (errno). */
static int open_parent(int dirfd, const char *rel, char *buf, const char **last)
{
    snprintf(buf, REL_MAX, "%s", rel);
    int fd = dirfd;
    char *p = buf;
    for (char *slash; (slash = strchr(p, '/')); p = slash + 1) {
        *slash = '\0';
        int nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int saved = errno;
        if (fd != dirfd)
            close(fd);
        if (nfd < 0) {
            errno = saved;
            return -1;
        }
        fd = nfd;
    }
    *last = p;
    if (fd == dirfd && (fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) < 0)
        return -1;
    return fd;
}

/* lstat of REL beneath DIRFD: 0 with *ST, 1 when absent, -1 with E. */
static int stat_at(int dirfd, const char *dir, const char *rel, struct stat *st, struct err *e)
{
    char buf[REL_MAX];
    const char *last;
    int fd = open_parent(dirfd, rel, buf, &last);
    if (fd >= 0) {
        int rc = fstatat(fd, last, st, AT_SYMLINK_NOFOLLOW);
        int saved = errno;
        close(fd);
        errno = saved;
        if (rc == 0)
            return S_ISLNK(st->st_mode) ? fail_at(e, dir, rel, "a symbolic link (%s)", link_why)
                                        : 0;
    }
    if (errno == ENOENT || errno == ENOTDIR)
        return 1;
    if (errno == ELOOP)
        return fail_at(e, dir, rel, "a symbolic link on the way (%s)", link_why);
    return fail_at(e, dir, rel, "%s", strerror(errno));
}

/* Reads the regular file REL beneath DIRFD, at most MAX bytes, into *BUF
 * (NUL-terminated; *LEN bytes). 0, 1 when absent, -1 with E. */
static int read_at(int dirfd, const char *dir, const char *rel, size_t max, char **buf, size_t *len,
                   struct err *e)
{
    *buf = NULL;
    *len = 0;
    char path[REL_MAX];
    const char *last;
    int pfd = open_parent(dirfd, rel, path, &last), fd = -1;
    if (pfd >= 0) {
        fd = openat(pfd, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        int saved = errno;
        close(pfd);
        errno = saved;
    }
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 1;
        if (errno == ELOOP)
            return fail_at(e, dir, rel, "a symbolic link (%s)", link_why);
        return fail_at(e, dir, rel, "%s", strerror(errno));
    }
    struct stat st;
    int rc = -1;
    char *b = NULL;
    if (fstat(fd, &st) < 0) {
        fail_at(e, dir, rel, "%s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        fail_at(e, dir, rel, "not a regular file");
        goto out;
    }
    if ((size_t)st.st_size > max) {
        fail_at(e, dir, rel, "larger than %zu bytes", max);
        goto out;
    }
    if (!(b = malloc(max + 1))) {
        fail_at(e, dir, rel, "out of memory");
        goto out;
    }
    size_t n = 0;
    for (;;) {
        ssize_t got = read(fd, b + n, max + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fail_at(e, dir, rel, "read: %s", strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max) { /* it grew while we read */
            fail_at(e, dir, rel, "larger than %zu bytes", max);
            goto out;
        }
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    b = NULL;
    rc = 0;
out:
    free(b);
    close(fd);
    return rc;
}

/* ---- the walk ---- */

struct walk {
    const char *dir;
    struct netkit_lab *lab;
    uid_t owner; /* the lab directory's */
    size_t count;
    uint64_t bytes; /* regular files' sizes, each rounded up to 4 KiB */
    struct err *e;
    char rel[REL_MAX];
};

/* A directory at the top that is no machine of lab.conf: Netkit would have
 * started one for it, umlab says it does not. */
static int top_dir(struct walk *w, const char *name)
{
    if (!w->lab || name[0] == '.' || !strcmp(name, "shared") || !strcmp(name, "_test") ||
        labfile_find_guest(w->lab->spec, name) >= 0)
        return 0;
    struct strbuf b = {0};
    where(&b, w->dir, name);
    int rc =
        b.oom ? -1 : nk_note(w->lab, "%s/: not a machine of lab.conf, not started", sb_str(&b));
    sb_free(&b);
    return rc < 0 ? err_set(w->e, "out of memory") : 0;
}

static int walk(struct walk *w, int fd, size_t rel_len, int depth)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return fail_at(w->e, w->dir, rel_len ? w->rel : ".", "%s", strerror(errno));
    }
    int rc = 0;
    struct dirent *de;
    errno = 0;
    while (rc == 0 && (de = readdir(d))) {
        const char *name = de->d_name;
        if (!strcmp(name, ".") || !strcmp(name, ".."))
            continue;
        size_t n = strlen(name);
        if (rel_len + n + 2 > sizeof w->rel) {
            rc = fail_at(w->e, w->dir, w->rel, "path too long");
            break;
        }
        if (rel_len)
            w->rel[rel_len] = '/';
        memcpy(w->rel + rel_len + (rel_len ? 1 : 0), name, n + 1);
        size_t len = rel_len + (rel_len ? 1 : 0) + n;
        if (++w->count > NETKIT_TREE_MAX) {
            rc = fail_at(w->e, w->dir, ".", "more than %d files (umlab reads at most that many)",
                         NETKIT_TREE_MAX);
            break;
        }
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            rc = fail_at(w->e, w->dir, w->rel, "%s", strerror(errno));
        } else if (S_ISLNK(st.st_mode)) {
            rc = fail_at(w->e, w->dir, w->rel, "a symbolic link (%s)", link_why);
        } else if (S_ISREG(st.st_mode)) {
            if (st.st_nlink > 1 && st.st_uid != w->owner)
                rc = fail_at(w->e, w->dir, w->rel, "a hard link to a file of another user (uid %u)",
                             (unsigned)st.st_uid);
            w->bytes += ((uint64_t)st.st_size + 4095) / 4096 * 4096;
        } else if (S_ISDIR(st.st_mode)) {
            if (depth + 1 > NETKIT_DEPTH_MAX) {
                rc = fail_at(w->e, w->dir, w->rel, "more than %d levels deep", NETKIT_DEPTH_MAX);
            } else if (depth == 0 && top_dir(w, name) < 0) {
                rc = -1;
            } else {
                int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                rc = sub < 0 ? fail_at(w->e, w->dir, w->rel, "%s", strerror(errno))
                             : walk(w, sub, len, depth + 1);
            }
        } else {
            rc = fail_at(w->e, w->dir, w->rel, "a device node, FIFO or socket");
        }
        w->rel[rel_len] = '\0';
        errno = 0;
    }
    if (rc == 0 && errno)
        rc = fail_at(w->e, w->dir, rel_len ? w->rel : ".", "readdir: %s", strerror(errno));
    closedir(d);
    return rc;
}

int netkit_dir_check(int dirfd, const char *dirname, uint64_t *bytes, size_t *entries,
                     struct err *e)
{
    struct stat st;
    if (fstat(dirfd, &st) < 0)
        return err_sys(e, "%s", dirname);
    if (!S_ISDIR(st.st_mode))
        return err_set(e, "%s: not a directory", dirname);
    struct walk *w = calloc(1, sizeof *w);
    if (!w)
        return err_set(e, "%s: out of memory", dirname);
    *w = (struct walk){.dir = dirname, .owner = st.st_uid, .e = e};
    int top = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = top < 0 ? err_sys(e, "%s", dirname) : walk(w, top, 0, 0);
    *bytes = w->bytes;
    *entries = w->count;
    free(w);
    return rc;
}

/* ---- the parts of a lab ---- */

struct reader {
    int fd;
    const char *dir;
    struct netkit_lab *lab;
    struct err *e;
};

/* 1 when REL is there with type TYPE (S_IFDIR, S_IFREG), 0 when absent, -1. */
static int has(struct reader *r, const char *rel, mode_t type, struct stat *st_out)
{
    struct stat st;
    int rc = stat_at(r->fd, r->dir, rel, &st, r->e);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if ((st.st_mode & S_IFMT) != type)
        return fail_at(r->e, r->dir, rel, "not a %s",
                       type == S_IFDIR ? "directory" : "regular file");
    if (st_out)
        *st_out = st;
    return 1;
}

static bool crlf(const char *text, size_t len)
{
    return memmem(text, len, "\r\n", 2) != NULL;
}

static int startups(struct reader *r)
{
    struct netkit_lab *lab = r->lab;
    struct lab_spec *s = lab->spec;
    char *shared;
    size_t slen;
    int sd = has(r, "shared", S_IFDIR, NULL), ss = -1;
    if (sd >= 0)
        ss = read_at(r->fd, r->dir, "shared.startup", NETKIT_FILE_MAX, &shared, &slen, r->e);
    if (ss < 0)
        return -1;
    bool shared_crlf = ss == 0 && crlf(shared, slen);
    free(shared);
    lab->shared_dir = sd;
    lab->shared_startup = ss == 0;
    struct strbuf down = {0};
    for (size_t i = 0; i < s->nguests; i++) {
        const char *m = s->guests[i].name;
        char rel[LABFILE_NAME_MAX + 16];
        char *text = NULL;
        size_t len;
        int tree = has(r, m, S_IFDIR, NULL), st = -1, sh = -1;
        snprintf(rel, sizeof rel, "%s.startup", m);
        if (tree >= 0)
            st = read_at(r->fd, r->dir, rel, NETKIT_FILE_MAX, &text, &len, r->e);
        snprintf(rel, sizeof rel, "%s.shutdown", m);
        if (st >= 0)
            sh = has(r, rel, S_IFREG, NULL);
        if (sh < 0) {
            free(text);
            sb_free(&down);
            return -1;
        }
        bool text_crlf = st == 0 && crlf(text, len);
        if (st == 0)
            netkit_parse_script(lab, i, text, len);
        free(text);
        lab->guests[i].tree = tree;
        lab->guests[i].startup = st == 0;
        if (sh)
            sb_printf(&down, "%s%s", down.len ? ", " : "", m);
        /* in Netkit's order: the trees, then the scripts */
        char line[LABFILE_NAME_MAX + 64];
        int rc = 0;
        if (lab->shared_dir)
            rc = nk_add_startup(lab, i, "ln -sfn " NETKIT_HOSTLAB "/shared /shared", r->e);
        if (!rc && tree) {
            snprintf(line, sizeof line, "cp -R " NETKIT_HOSTLAB "/%s/. /", m);
            rc = nk_add_startup(lab, i, line, r->e);
        }
        if (!rc && lab->shared_startup)
            rc = nk_script_line(line, sizeof line, "shared.startup", shared_crlf) < 0
                     ? err_set(r->e, "startup line too long")
                     : nk_add_startup(lab, i, line, r->e);
        snprintf(rel, sizeof rel, "%s.startup", m);
        if (!rc && st == 0)
            rc = nk_script_line(line, sizeof line, rel, text_crlf) < 0
                     ? err_set(r->e, "startup line too long")
                     : nk_add_startup(lab, i, line, r->e);
        if (rc < 0) {
            sb_free(&down);
            return -1;
        }
    }
    int rc = down.oom ? -1 : 0;
    if (!rc && down.len)
        rc = nk_note(lab, "%s: shutdown scripts are not run by umlab (%s)", r->dir, sb_str(&down));
    sb_free(&down);
    int ssd = has(r, "shared.shutdown", S_IFREG, NULL), ext = has(r, "lab.ext", S_IFREG, NULL);
    if (ssd < 0 || ext < 0)
        return -1;
    if (!rc && ssd)
        rc = nk_note(lab, "%s/shared.shutdown: not run by umlab", r->dir);
    if (!rc && ext)
        rc = nk_note(lab, "%s/lab.ext: not honoured by umlab (machines on other hosts)", r->dir);
    return rc < 0 ? err_set(r->e, "out of memory") : 0;
}

/* The command that runs test script REL in a guest: as is when executable
 * (Netkit ran it so), else with sh. NULL in *CMD when there is none. */
static int test_cmd(struct reader *r, const char *rel, char **cmd)
{
    struct stat st;
    *cmd = NULL;
    int rc = has(r, rel, S_IFREG, &st);
    if (rc <= 0)
        return rc;
    if (asprintf(cmd, "%s" NETKIT_HOSTLAB "/%s", (st.st_mode & 0111) ? "" : "sh ", rel) < 0) {
        *cmd = NULL;
        return err_set(r->e, "out of memory");
    }
    return 0;
}

static int tests(struct reader *r)
{
    struct netkit_lab *lab = r->lab;
    const struct lab_spec *s = lab->spec;
    int t = has(r, "_test", S_IFDIR, NULL);
    if (t <= 0)
        return t;
    if (test_cmd(r, "_test/shared.test", &lab->shared_test_cmd) < 0)
        return -1;
    for (size_t i = 0; i < s->nguests; i++) {
        struct netkit_guest *g = &lab->guests[i];
        const char *m = s->guests[i].name;
        char rel[LABFILE_NAME_MAX + 32];
        snprintf(rel, sizeof rel, "_test/%s.test", m);
        if (test_cmd(r, rel, &g->test_cmd) < 0)
            return -1;
        snprintf(rel, sizeof rel, "_test/signature/%s.user", m);
        if (read_at(r->fd, r->dir, rel, NETKIT_SIG_MAX, &g->sig_user, &g->sig_user_len, r->e) < 0)
            return -1;
        snprintf(rel, sizeof rel, "_test/signature/%s.shared", m);
        if (read_at(r->fd, r->dir, rel, NETKIT_SIG_MAX, &g->sig_shared, &g->sig_shared_len, r->e) <
            0)
            return -1;
        const char *const builtin[] = {"default", "builtin"};
        for (int k = 0; k < 2; k++) {
            snprintf(rel, sizeof rel, "_test/signature/%s.%s", m, builtin[k]);
            int b = has(r, rel, S_IFREG, NULL);
            if (b < 0)
                return -1;
            g->sig_builtin |= b;
        }
    }
    return 0;
}

int netkit_read(int labfd, const char *dirname, const struct netkit_opts *o,
                struct netkit_lab **out, struct err *e)
{
    *out = NULL;
    struct stat st;
    if (fstat(labfd, &st) < 0)
        return err_sys(e, "%s", dirname);
    if (!S_ISDIR(st.st_mode))
        return err_set(e, "%s: not a directory", dirname);
    char *conf = NULL, *dep = NULL, *conf_name = NULL, *dep_name = NULL;
    size_t clen, dlen;
    struct netkit_lab *lab = NULL;
    struct walk *w = NULL;
    int rc = read_at(labfd, dirname, "lab.conf", NETKIT_FILE_MAX, &conf, &clen, e);
    if (rc == 1)
        err_set(e, "%s: no lab.conf (not a Netkit or Kathará lab directory)", dirname);
    if (rc != 0)
        goto fail;
    if (asprintf(&conf_name, "%s/lab.conf", dirname) < 0 ||
        asprintf(&dep_name, "%s/lab.dep", dirname) < 0) {
        conf_name = dep_name = NULL;
        err_set(e, "%s: out of memory", dirname);
        goto fail;
    }
    if (netkit_parse_conf(conf_name, conf, clen, o, &lab, e) < 0)
        goto fail;
    if (lab->spec->nguests == 0) {
        err_set(e, "%s: no machines", conf_name);
        goto fail;
    }
    rc = read_at(labfd, dirname, "lab.dep", NETKIT_FILE_MAX, &dep, &dlen, e);
    if (rc < 0 || (rc == 0 && netkit_parse_dep(lab, dep_name, dep, dlen, e) < 0))
        goto fail;
    if (!(w = calloc(1, sizeof *w))) {
        err_set(e, "%s: out of memory", dirname);
        goto fail;
    }
    *w = (struct walk){.dir = dirname, .lab = lab, .owner = st.st_uid, .e = e};
    int top = openat(labfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* its own position */
    if (top < 0) {
        err_sys(e, "%s", dirname);
        goto fail;
    }
    if (walk(w, top, 0, 0) < 0)
        goto fail;
    struct reader r = {labfd, dirname, lab, e};
    if (startups(&r) < 0 || tests(&r) < 0)
        goto fail;
    struct lab_spec *s = lab->spec;
    if (!(s->share_dir = strdup(".")) || !(s->share_mount = strdup(NETKIT_HOSTLAB))) {
        err_set(e, "%s: out of memory", dirname);
        goto fail;
    }
    s->share_rw = o && o->hostlab_rw;
    free(conf);
    free(dep);
    free(conf_name);
    free(dep_name);
    free(w);
    *out = lab;
    return 0;
fail:
    free(conf);
    free(dep);
    free(conf_name);
    free(dep_name);
    free(w);
    netkit_free(lab);
    return -1;
}
