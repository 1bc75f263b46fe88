/* asuser.c — see asuser.h. */
#include "tui/asuser.h"

#include <grp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child: become the user, open, send the descriptor (or the error
 * text) back over SOCK. Never returns. */
static void open_as_user(const struct histfile_owner *o, const char *what, const char *path,
                         asuser_open_fn opener, const void *arg, int sock)
{
    struct err ce = {""};
    int fd = -1;
    if (setgroups(1, &o->gid) < 0 || setgid(o->gid) < 0 || setuid(o->uid) < 0)
        err_sys(&ce, "%s: cannot become uid %u", what, (unsigned)o->uid);
    else
        fd = opener(path, arg, &ce);
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

int asuser_open(const struct histfile_owner *o, const char *what, const char *path,
                asuser_open_fn opener, const void *arg, struct err *e)
{
    if (!o->drop)
        return opener(path, arg, e);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return err_sys(e, "%s: socketpair", what);
    pid_t pid = fork();
    if (pid < 0) {
        err_sys(e, "%s: fork", what);
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        close(sv[0]);
        open_as_user(o, what, path, opener, arg, sv[1]);
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
        return err_sys(e, "%s %s: no answer from the opener", what, path);
    }
    if (ce.msg[0])
        return err_set(e, "%s", ce.msg);
    return err_set(e, "%s %s: cannot open", what, path);
}
