/* rmtree.c — see rmtree.h. */
#include "base/rmtree.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define RMTREE_MAX_DEPTH 32

static int open_dir_at(int dirfd, const char *name)
{
    return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Walks absolute PATH's components but the last with O_NOFOLLOW; returns the
 * parent's fd and points *LAST at the last component (in BUF). */
static int open_parent(const char *path, char *buf, size_t bufsz, const char **last, struct err *e)
{
    if (path[0] != '/')
        return err_set(e, "%s: not an absolute path", path);
    if (snprintf(buf, bufsz, "%s", path) >= (int)bufsz)
        return err_set(e, "%s: path too long", path);
    size_t len = strlen(buf);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = '\0';
    char *slash = strrchr(buf, '/');
    *last = slash + 1;
    if (!**last || strcmp(*last, ".") == 0 || strcmp(*last, "..") == 0)
        return err_set(e, "%s: not a removable path", path);
    int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_sys(e, "open /");
    *slash = '\0';
    char *save = NULL;
    for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, "..") == 0) {
            close(fd);
            return err_set(e, "%s: '..' in path", path);
        }
        int next = open_dir_at(fd, c);
        if (next < 0) {
            err_sys(e, "%s: open %s", path, c);
            close(fd);
            return -1;
        }
        close(fd);
        fd = next;
    }
    return fd;
}

int rmtree_open_dir(const char *path, struct err *e)
{
    char buf[PATH_MAX];
    const char *last;
    if (strcmp(path, "/") == 0)
        return err_set(e, "refusing /");
    int pfd = open_parent(path, buf, sizeof buf, &last, e);
    if (pfd < 0)
        return -1;
    int fd = open_dir_at(pfd, last);
    if (fd < 0)
        err_sys(e, "%s", path);
    close(pfd);
    return fd;
}

static int rm_children(int fd, int depth, struct err *e);

static int rm_entry(int dirfd, const char *name, int depth, struct err *e)
{
    /* A few rounds: the entry may change type under us (then look again). */
    for (int round = 0; round < 4; round++) {
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return errno == ENOENT ? 0 : err_sys(e, "stat %s", name);
        if (!S_ISDIR(st.st_mode)) {
            if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
                return 0;
            if (errno == EISDIR || errno == EPERM)
                continue; /* became a directory */
            return err_sys(e, "remove %s", name);
        }
        if (depth >= RMTREE_MAX_DEPTH)
            return err_set(e, "remove %s: tree deeper than %d levels", name, RMTREE_MAX_DEPTH);
        int fd = open_dir_at(dirfd, name);
        if (fd < 0) {
            if (errno == ENOENT)
                return 0;
            if (errno == ELOOP || errno == ENOTDIR)
                continue; /* swapped for a link or a file: unlink that instead */
            return err_sys(e, "open %s", name);
        }
        struct stat fst;
        if (fstat(fd, &fst) < 0) {
            close(fd);
            return err_sys(e, "stat %s", name);
        }
        if (fst.st_dev != st.st_dev || fst.st_ino != st.st_ino) {
            close(fd);
            continue; /* not the directory we looked at */
        }
        int rc = rm_children(fd, depth + 1, e);
        close(fd);
        if (rc < 0)
            return -1;
        if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
            return 0;
        if (errno == ENOTDIR || errno == ENOTEMPTY || errno == EEXIST)
            continue; /* swapped or refilled meanwhile: go again */
        return err_sys(e, "remove %s", name);
    }
    return err_set(e, "remove %s: it keeps changing", name);
}

static int rm_children(int fd, int depth, struct err *e)
{
    int dfd = dup(fd);
    if (dfd < 0)
        return err_sys(e, "dup");
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return err_sys(e, "fdopendir");
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                rc = err_sys(e, "readdir");
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (rm_entry(fd, de->d_name, depth, e) < 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    return rc;
}

int rmtree_at(int dirfd, const char *name, struct err *e)
{
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return err_set(e, "remove '%s': not a name", name);
    return rm_entry(dirfd, name, 0, e);
}

int rmtree_path(const char *path, struct err *e)
{
    char buf[PATH_MAX];
    const char *last;
    int pfd = open_parent(path, buf, sizeof buf, &last, e);
    if (pfd < 0)
        return errno == ENOENT ? 0 : -1;
    struct err one;
    int rc = rmtree_at(pfd, last, &one);
    close(pfd);
    if (rc < 0)
        return err_set(e, "remove %s: %s", path, one.msg);
    return 0;
}

int rmtree_unlink(const char *path, struct err *e)
{
    char buf[PATH_MAX];
    const char *last;
    int pfd = open_parent(path, buf, sizeof buf, &last, e);
    if (pfd < 0)
        return errno == ENOENT ? 0 : -1;
    int rc = 0;
    if (unlinkat(pfd, last, 0) < 0 && errno != ENOENT)
        rc = err_sys(e, "remove %s", path);
    close(pfd);
    return rc;
}

static int check_one(int fd, const char *path, const char *upto, bool last, struct err *e)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return err_sys(e, "state directory %s: stat %s", path, upto);
    if (st.st_uid != 0)
        return err_set(e, "state directory %s: %s is not owned by root", path, upto);
    bool sticky_ok = !last && (st.st_mode & S_ISVTX);
    if ((st.st_mode & 022) && !sticky_ok)
        return err_set(e, "state directory %s: %s is writable by group or others (mode %04o)", path,
                       upto, (unsigned)(st.st_mode & 07777));
    return 0;
}

int rmtree_check_chain(const char *path, struct err *e)
{
    if (path[0] != '/')
        return err_set(e, "state directory %s: not an absolute path", path);
    char buf[PATH_MAX], upto[PATH_MAX] = "";
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return err_set(e, "state directory %s: path too long", path);
    int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_sys(e, "open /");
    char *save = NULL;
    char *c = strtok_r(buf, "/", &save);
    if (check_one(fd, path, "/", c == NULL, e) < 0) {
        close(fd);
        return -1;
    }
    size_t ulen = 0;
    while (c) {
        char *next_c = strtok_r(NULL, "/", &save);
        if (strcmp(c, "..") == 0 || strcmp(c, ".") == 0) {
            close(fd);
            return err_set(e, "state directory %s: '.' or '..' in path", path);
        }
        ulen += (size_t)snprintf(upto + ulen, sizeof upto - ulen, "/%s", c);
        int next = open_dir_at(fd, c);
        if (next < 0) {
            err_sys(e, "state directory %s: %s (symlinks are refused)", path, upto);
            close(fd);
            return -1;
        }
        close(fd);
        fd = next;
        if (check_one(fd, path, upto, next_c == NULL, e) < 0) {
            close(fd);
            return -1;
        }
        c = next_c;
    }
    close(fd);
    return 0;
}
