/* pty.c — a child process on a pseudo-terminal (see pty.h). */
#include "pty/pty.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* What the child reports through the exec pipe when a step fails. */
enum child_step {
    STEP_SETSID = 1,
    STEP_OPEN_SLAVE,
    STEP_SCTTY,
    STEP_DUP2,
    STEP_KEEP_FD,
    STEP_SETGROUPS,
    STEP_SETGID,
    STEP_SETUID,
    STEP_CHDIR,
    STEP_AFFINITY,
    STEP_EXEC,
};

struct child_report {
    int step;
    int err;
};

#define N_KEEP (sizeof(((struct pty_spawn_opts *)0)->keep_fds) / sizeof(int))

/* Child side of the exec pipe: only async-signal-safe calls from here on. */
static _Noreturn void child_fail(int fd, int step)
{
    struct child_report r = {.step = step, .err = errno};
    ssize_t n;
    do
        n = write(fd, &r, sizeof r);
    while (n < 0 && errno == EINTR);
    _exit(127);
}

static bool is_kept(int fd, const int *keep, size_t nkeep)
{
    for (size_t i = 0; i < nkeep; i++)
        if (keep[i] == fd)
            return true;
    return false;
}

/* Closes every fd >= 3 except those in KEEP (sorted, all >= 3). */
static void close_others(const int *keep, size_t nkeep)
{
    unsigned int lo = 3;
    for (size_t i = 0; i <= nkeep; i++) {
        unsigned int hi = i < nkeep ? (unsigned int)keep[i] : UINT_MAX;
        if (hi > lo && close_range(lo, hi - 1, 0) < 0) {
            /* old kernel: close by hand up to the fd limit */
            long max = sysconf(_SC_OPEN_MAX);
            if (max < 0 || max > 65536)
                max = 65536;
            unsigned int top = hi - 1 < (unsigned int)max ? hi - 1 : (unsigned int)max;
            for (unsigned int fd = lo; fd <= top && fd >= lo; fd++)
                close((int)fd);
        }
        if (i < nkeep)
            lo = (unsigned int)keep[i] + 1;
    }
}

static _Noreturn void child(const char *slave_name, int errfd, char *const argv[],
                            const struct pty_spawn_opts *o, int *keep, size_t nkeep)
{
    /* Dispositions set to SIG_IGN survive exec: give the program defaults. */
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        struct sigaction sa = {.sa_handler = SIG_DFL};
        (void)sigaction(sig, &sa, NULL); /* fails only for glibc's reserved signals */
    }
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL); /* cannot fail with a valid set */

    if (setsid() < 0)
        child_fail(errfd, STEP_SETSID);
    if (o->session_nice > 0) { /* before dropping root: others may set it 10 times a second */
        int ag = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC);
        int nice = o->session_nice > 19 ? 19 : o->session_nice;
        char v[3] = {(char)('0' + nice / 10), (char)('0' + nice % 10), '\0'};
        if (ag >= 0) {
            (void)!write(ag, nice < 10 ? v + 1 : v, nice < 10 ? 1 : 2); /* a hint only */
            close(ag);
        }
    }
    int s = open(slave_name, O_RDWR);
    if (s < 0)
        child_fail(errfd, STEP_OPEN_SLAVE);
    if (ioctl(s, TIOCSCTTY, 0) < 0)
        child_fail(errfd, STEP_SCTTY);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(s, fd) < 0)
            child_fail(errfd, STEP_DUP2);

    /* keep the exec pipe until exec (it is close-on-exec) */
    keep[nkeep++] = errfd;
    for (size_t i = 1; i < nkeep; i++) /* insertion sort: at most 5 */
        for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int tmp = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = tmp;
        }
    close_others(keep, nkeep);
    for (size_t i = 0; i < nkeep; i++) {
        if (keep[i] == errfd)
            continue;
        int fl = fcntl(keep[i], F_GETFD);
        if (fl < 0 || fcntl(keep[i], F_SETFD, fl & ~FD_CLOEXEC) < 0)
            child_fail(errfd, STEP_KEEP_FD);
    }

    if (o->drop_priv) {
        if (setgroups(0, NULL) < 0)
            child_fail(errfd, STEP_SETGROUPS);
        if (setgid(o->gid) < 0)
            child_fail(errfd, STEP_SETGID);
        if (setuid(o->uid) < 0)
            child_fail(errfd, STEP_SETUID);
    }
    if (o->cwd && chdir(o->cwd) < 0)
        child_fail(errfd, STEP_CHDIR);
    if (o->affinity && sched_setaffinity(0, sizeof *o->affinity, o->affinity) < 0)
        child_fail(errfd, STEP_AFFINITY);
    if (o->env)
        execvpe(argv[0], argv, o->env);
    else
        execvp(argv[0], argv);
    child_fail(errfd, STEP_EXEC);
}

static int report_error(const struct child_report *r, char *const argv[],
                        const struct pty_spawn_opts *o, const char *slave, struct err *e)
{
    errno = r->err;
    switch (r->step) {
    case STEP_SETSID:
        return err_sys(e, "spawn %s: setsid", argv[0]);
    case STEP_OPEN_SLAVE:
        return err_sys(e, "spawn %s: open %s", argv[0], slave);
    case STEP_SCTTY:
        return err_sys(e, "spawn %s: TIOCSCTTY %s", argv[0], slave);
    case STEP_DUP2:
        return err_sys(e, "spawn %s: dup2", argv[0]);
    case STEP_KEEP_FD:
        return err_sys(e, "spawn %s: keep fds", argv[0]);
    case STEP_SETGROUPS:
        return err_sys(e, "spawn %s: setgroups", argv[0]);
    case STEP_SETGID:
        return err_sys(e, "spawn %s: setgid %u", argv[0], (unsigned)o->gid);
    case STEP_SETUID:
        return err_sys(e, "spawn %s: setuid %u", argv[0], (unsigned)o->uid);
    case STEP_CHDIR:
        return err_sys(e, "spawn %s: chdir %s", argv[0], o->cwd);
    case STEP_AFFINITY:
        return err_sys(e, "spawn %s: sched_setaffinity", argv[0]);
    case STEP_EXEC:
        return err_sys(e, "exec %s", argv[0]);
    default:
        return err_set(e, "spawn %s: child failed (step %d)", argv[0], r->step);
    }
}

/* Moves FD to a number >= 3 so the child's dup2 onto 0..2 cannot hit it. */
static int fd_above_stdio(int fd)
{
    if (fd >= 3)
        return fd;
    int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int saved = errno;
    close(fd);
    errno = saved;
    return nfd;
}

int pty_spawn(struct ptyproc *p, char *const argv[], const struct pty_spawn_opts *opts,
              struct err *e)
{
    static const struct pty_spawn_opts defaults = {
        .rows = 24, .cols = 80, .keep_fds = {-1, -1, -1, -1}};
    const struct pty_spawn_opts *o = opts ? opts : &defaults;

    p->master = -1;
    p->pid = 0;
    p->wq = NULL;
    p->wq_len = p->wq_cap = 0;
    p->dropped = 0;
    if (!argv || !argv[0])
        return err_set(e, "spawn: empty command");

    int keep[N_KEEP + 1];
    size_t nkeep = 0;
    for (size_t i = 0; i < N_KEEP; i++) {
        int fd = o->keep_fds[i];
        if (fd < 3 || is_kept(fd, keep, nkeep))
            continue; /* 0..2 are the pty; -1 unused */
        if (fcntl(fd, F_GETFD) < 0)
            return err_sys(e, "spawn %s: keep fd %d", argv[0], fd);
        keep[nkeep++] = fd;
    }

    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0)
        return err_sys(e, "spawn %s: posix_openpt", argv[0]);
    char slave[64];
    int rc;
    if (grantpt(m) < 0 || unlockpt(m) < 0) {
        err_sys(e, "spawn %s: grantpt/unlockpt", argv[0]);
        close(m);
        return -1;
    }
    if ((rc = ptsname_r(m, slave, sizeof slave)) != 0) {
        errno = rc;
        err_sys(e, "spawn %s: ptsname", argv[0]);
        close(m);
        return -1;
    }
    /* set on the master before fork: the program sees its size from the start */
    struct winsize ws = {.ws_row = o->rows ? o->rows : 24, .ws_col = o->cols ? o->cols : 80};
    if (ioctl(m, TIOCSWINSZ, &ws) < 0) {
        err_sys(e, "spawn %s: TIOCSWINSZ", argv[0]);
        close(m);
        return -1;
    }
    int fl = fcntl(m, F_GETFL);
    if (fl < 0 || fcntl(m, F_SETFL, fl | O_NONBLOCK) < 0) {
        err_sys(e, "spawn %s: O_NONBLOCK", argv[0]);
        close(m);
        return -1;
    }

    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        err_sys(e, "spawn %s: pipe", argv[0]);
        close(m);
        return -1;
    }
    if ((pfd[1] = fd_above_stdio(pfd[1])) < 0) {
        err_sys(e, "spawn %s: fcntl F_DUPFD", argv[0]);
        close(pfd[0]);
        close(m);
        return -1;
    }

    /* No handler of ours may run in the child between fork and exec. */
    sigset_t all, old;
    sigfillset(&all);
    if ((rc = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
        errno = rc;
        err_sys(e, "spawn %s: pthread_sigmask", argv[0]);
        close(pfd[0]);
        close(pfd[1]);
        close(m);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0)
        child(slave, pfd[1], argv, o, keep, nkeep);
    int fork_errno = errno;
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL); /* the mask it returned: cannot fail */
    close(pfd[1]);
    if (pid < 0) {
        errno = fork_errno;
        err_sys(e, "spawn %s: fork", argv[0]);
        close(pfd[0]);
        close(m);
        return -1;
    }

    /* EOF: exec succeeded (the pipe is close-on-exec); a report: it failed. */
    struct child_report r;
    ssize_t n;
    do
        n = read(pfd[0], &r, sizeof r);
    while (n < 0 && errno == EINTR);
    int read_errno = errno;
    close(pfd[0]);
    if (n != 0) {
        if (n == (ssize_t)sizeof r) {
            report_error(&r, argv, o, slave, e);
        } else {
            errno = read_errno;
            if (n < 0)
                err_sys(e, "spawn %s: read exec pipe", argv[0]);
            else
                err_set(e, "spawn %s: short report from child", argv[0]);
        }
        int saved = errno;
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        close(m);
        errno = saved;
        return -1;
    }

    p->master = m;
    p->pid = pid;
    return 0;
}

ssize_t pty_read(struct ptyproc *p, char *buf, size_t len)
{
    if (p->master < 0)
        return -1;
    if (len == 0)
        return 0;
    ssize_t n;
    do
        n = read(p->master, buf, len);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    return -1; /* EOF or EIO: no slave fd left open */
}

int pty_flush(struct ptyproc *p, struct err *e)
{
    if (p->wq_len == 0)
        return 0;
    if (p->master < 0)
        return err_set(e, "pty write: closed");
    size_t off = 0;
    int rc = 0;
    while (off < p->wq_len) {
        ssize_t n = write(p->master, p->wq + off, p->wq_len - off);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break; /* the rest waits for POLLOUT */
        } else {
            rc = err_sys(e, "pty write (pid %d)", (int)p->pid);
            break;
        }
    }
    if (off > 0) {
        memmove(p->wq, p->wq + off, p->wq_len - off);
        p->wq_len -= off;
    }
    return rc;
}

int pty_write(struct ptyproc *p, const char *buf, size_t len, struct err *e)
{
    if (p->master < 0)
        return err_set(e, "pty write: closed");
    if (len == 0)
        return 0;
    if (p->wq_len + len > PTY_WQ_MAX && pty_flush(p, e) < 0)
        return -1;
    if (len > PTY_WQ_MAX - p->wq_len) {
        p->dropped += len;
        return err_set(e, "pty write: %zu bytes wait unread, %zu more dropped", p->wq_len, len);
    }
    size_t need = p->wq_len + len;
    if (need > p->wq_cap) {
        size_t cap = p->wq_cap ? p->wq_cap : 256;
        while (cap < need)
            cap *= 2; /* need <= PTY_WQ_MAX: no overflow */
        char *nq = realloc(p->wq, cap);
        if (!nq)
            return err_sys(e, "pty write: queue of %zu bytes", cap);
        p->wq = nq;
        p->wq_cap = cap;
    }
    memcpy(p->wq + p->wq_len, buf, len);
    p->wq_len += len;
    return pty_flush(p, e);
}

int pty_resize(struct ptyproc *p, unsigned short rows, unsigned short cols, struct err *e)
{
    if (p->master < 0)
        return err_set(e, "pty resize: closed");
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    if (ioctl(p->master, TIOCSWINSZ, &ws) < 0) /* the kernel sends SIGWINCH */
        return err_sys(e, "pty resize %ux%u", (unsigned)rows, (unsigned)cols);
    return 0;
}

int pty_reap(struct ptyproc *p, bool block, int *status, struct err *e)
{
    if (p->pid <= 0)
        return err_set(e, "pty reap: no child");
    int st;
    pid_t r;
    do
        r = waitpid(p->pid, &st, block ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return err_sys(e, "waitpid %d", (int)p->pid);
    if (r == 0)
        return 0;
    p->pid = 0;
    if (status)
        *status = st;
    return 1;
}

void pty_close(struct ptyproc *p)
{
    if (p->master >= 0)
        close(p->master);
    p->master = -1;
    free(p->wq);
    p->wq = NULL;
    p->wq_len = p->wq_cap = 0;
}
