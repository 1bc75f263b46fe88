/* useropen.c — see useropen.h. */
#include "core/useropen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
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

/* In the child: become the user, run FN(CTX), send its answer back over
 * SOCK: a status byte ('0' done, '1' failed), the message and, when PASS_FD,
 * FN's descriptor. WHAT starts the error of a failed drop. Never returns. */
static void child_as_user(const struct useropen_who *w, const char *what,
                          int (*fn)(void *ctx, struct err *e), void *ctx, bool pass_fd, int sock)
{
    struct err ce = {""};
    int r = -1;
    if (useropen_become(w, &ce) < 0) {
        if (what) {
            struct err why = ce;
            err_set(&ce, "%s: %s", what, why.msg);
        }
    } else {
        r = fn(ctx, &ce);
    }
    char msg[1 + sizeof ce.msg];
    msg[0] = r >= 0 ? '0' : '1';
    size_t len = strlen(ce.msg) + 1;
    memcpy(msg + 1, ce.msg, len);
    struct iovec iov = {.iov_base = msg, .iov_len = 1 + len};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (pass_fd && r >= 0) {
        m.msg_control = u.buf;
        m.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &r, sizeof r);
    }
    _exit(sendmsg(sock, &m, MSG_NOSIGNAL) < 0 ? 1 : 0);
}

/* Runs FN(CTX) as W's user in a short child (W->drop is true) and returns
 * its answer: with PASS_FD the descriptor it opened, else 0; -1 with its
 * message in E. WHAT, when not NULL, starts the errors; LABEL ("history
 * PATH", "PATH" or "") names what the handover's own errors are about. */
static int as_user(const struct useropen_who *w, const char *what, const char *label,
                   int (*fn)(void *ctx, struct err *e), void *ctx, bool pass_fd, struct err *e)
{
    const char *colon = *label ? ": " : "";
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return err_sys(e, "%s%ssocketpair", label, colon);
    pid_t pid = fork();
    if (pid < 0) {
        err_sys(e, "%s%sfork", label, colon);
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        close(sv[0]);
        child_as_user(w, what, fn, ctx, pass_fd, sv[1]);
    }
    close(sv[1]);
    char msg[1 + sizeof e->msg + 1];
    struct iovec iov = {.iov_base = msg, .iov_len = sizeof msg - 1};
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
    if (n <= 0) {
        errno = n < 0 ? saved : EIO;
        return err_sys(e, "%s%sno answer from the child running as uid %u", label, colon,
                       (unsigned)w->uid);
    }
    msg[n] = '\0';
    if (msg[0] == '0' && (!pass_fd || fd >= 0))
        return pass_fd ? fd : 0;
    if (fd >= 0)
        close(fd);
    if (msg[0] != '0' && msg[1])
        return err_set(e, "%s", msg + 1);
    return err_set(e, "%s%s%s", label, colon, pass_fd ? "cannot open" : "failed");
}

struct opener_call {
    useropen_fn opener;
    const char *path;
    const void *arg;
};

static int call_opener(void *ctx, struct err *e)
{
    const struct opener_call *oc = ctx;
    return oc->opener(oc->path, oc->arg, e);
}

int useropen_with(const struct useropen_who *w, const char *what, const char *path,
                  useropen_fn opener, const void *arg, struct err *e)
{
    if (!w->drop)
        return opener(path, arg, e);
    char label[PATH_MAX + 64];
    snprintf(label, sizeof label, "%s%s%s", what ? what : "", what ? " " : "", path);
    struct opener_call oc = {opener, path, arg};
    return as_user(w, what, label, call_opener, &oc, true, e);
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
    return as_user(w, NULL, "", fn, ctx, false, e);
}
