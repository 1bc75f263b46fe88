/* useropen.c — see useropen.h. */
#include "core/useropen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void useropen_who(struct useropen_who *w)
{
    w->uid = geteuid();
    w->gid = getegid();
    w->drop = false;
    const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
    if (geteuid() != 0 || !su || !sg)
        return;
    char *end1, *end2;
    long u = strtol(su, &end1, 10), g = strtol(sg, &end2, 10);
    if (*end1 || *end2 || u <= 0 || g < 0 || end1 == su || end2 == sg)
        return;
    w->uid = (uid_t)u;
    w->gid = (gid_t)g;
    w->drop = true;
}

static int open_here(const char *path, int flags, mode_t mode, struct err *e)
{
    bool dir = flags & O_DIRECTORY;
    /* O_NONBLOCK: a FIFO must not block the open; cleared below. */
    int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | (dir ? 0 : O_NONBLOCK), mode);
    if (fd < 0) {
        if (errno == ELOOP)
            return err_set(e, "%s: a symbolic link (refused)", path);
        return err_sys(e, "%s", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        err_sys(e, "%s", path);
        close(fd);
        return -1;
    }
    if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, "%s: not a %s (refused)", path, dir ? "directory" : "regular file");
    }
    int fl = fcntl(fd, F_GETFL);
    if (!dir && (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)) {
        err_sys(e, "%s", path);
        close(fd);
        return -1;
    }
    return fd;
}

int useropen_become(const struct useropen_who *w, struct err *e)
{
    if (setgroups(1, &w->gid) < 0 || setgid(w->gid) < 0 || setuid(w->uid) < 0)
        return err_sys(e, "cannot become uid %u", (unsigned)w->uid);
    return 0;
}

/* In the child: become the user, open, send the descriptor (or the error
 * text) back over SOCK. Never returns. */
static void open_as_user(const struct useropen_who *w, const char *what, const char *path,
                         useropen_fn opener, const void *arg, int sock)
{
    struct err ce = {""};
    int fd = -1;
    if (useropen_become(w, &ce) < 0) {
        if (what) {
            struct err why = ce;
            err_set(&ce, "%s: %s", what, why.msg);
        }
    } else {
        fd = opener(path, arg, &ce);
    }
    struct iovec iov = {.iov_base = ce.msg, .iov_len = strlen(ce.msg) + 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (fd >= 0) {
        m.msg_control = u.buf;
        m.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    _exit(sendmsg(sock, &m, MSG_NOSIGNAL) < 0 ? 1 : 0);
}

int useropen_with(const struct useropen_who *w, const char *what, const char *path,
                  useropen_fn opener, const void *arg, struct err *e)
{
    if (!w->drop)
        return opener(path, arg, e);
    /* "history PATH" or "PATH": what the handover's own errors start with */
    const char *pre = what ? what : "", *sp = what ? " " : "";
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return err_sys(e, "%s%s%s: socketpair", pre, sp, path);
    pid_t pid = fork();
    if (pid < 0) {
        err_sys(e, "%s%s%s: fork", pre, sp, path);
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        close(sv[0]);
        open_as_user(w, what, path, opener, arg, sv[1]);
    }
    close(sv[1]);
    struct err ce = {""};
    struct iovec iov = {.iov_base = ce.msg, .iov_len = sizeof ce.msg - 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t n;
    do
        n = recvmsg(sv[0], &m, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    int saved = errno;
    close(sv[0]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    int fd = -1;
    struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
        c->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (fd >= 0)
        return fd;
    if (n <= 0) {
        errno = n < 0 ? saved : EIO;
        return err_sys(e, "%s%s%s: no answer from the opener", pre, sp, path);
    }
    if (ce.msg[0])
        return err_set(e, "%s", ce.msg);
    return err_set(e, "%s%s%s: cannot open", pre, sp, path);
}

struct open_how {
    int flags;
    mode_t mode;
};

static int open_how_here(const char *path, const void *arg, struct err *e)
{
    const struct open_how *how = arg;
    return open_here(path, how->flags, how->mode, e);
}

int useropen(const struct useropen_who *w, const char *path, int flags, mode_t mode, struct err *e)
{
    struct open_how how = {flags, mode};
    return useropen_with(w, NULL, path, open_how_here, &how, e);
}

int useropen_run(const struct useropen_who *w, int (*fn)(void *ctx, struct err *e), void *ctx,
                 struct err *e)
{
    if (!w->drop)
        return fn(ctx, e);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return err_sys(e, "pipe");
    pid_t pid = fork();
    if (pid < 0) {
        err_sys(e, "fork");
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) { /* the answer: one byte '0' or '1', then the message */
        close(p[0]);
        struct err ce = {""};
        char rc = '1';
        if (setgroups(1, &w->gid) < 0 || setgid(w->gid) < 0 || setuid(w->uid) < 0)
            err_sys(&ce, "cannot become uid %u", (unsigned)w->uid);
        else if (fn(ctx, &ce) == 0)
            rc = '0';
        char buf[sizeof ce.msg + 1];
        buf[0] = rc;
        size_t n = strlen(ce.msg);
        memcpy(buf + 1, ce.msg, n);
        _exit(write(p[1], buf, n + 1) == (ssize_t)(n + 1) ? 0 : 1);
    }
    close(p[1]);
    char buf[sizeof e->msg + 1];
    size_t got = 0;
    for (;;) {
        ssize_t n = read(p[0], buf + got, sizeof buf - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == sizeof buf - 1)
            break;
    }
    close(p[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    buf[got] = '\0';
    if (got == 0)
        return err_set(e, "no answer from the child running as uid %u", (unsigned)w->uid);
    if (buf[0] == '0')
        return 0;
    return err_set(e, "%s", buf[1] ? buf + 1 : "failed");
}
