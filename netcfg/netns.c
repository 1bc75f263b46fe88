/* netns.c — named network namespaces, made the way `ip netns add` makes them:
 * a namespace kept alive by a bind mount of its nsfs file on /run/netns/NAME. */
#include "netcfg/netns.h"

#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#define NETNS_RUN_DIR "/run/netns"

/* Builds /run/netns/NAME; -1 (with E set) for names that are not one file name. */
static int netns_path(const char *name, char *buf, size_t sz, struct err *e)
{
    if (!name || !*name)
        return err_set(e, "netns: empty name");
    if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
        return err_set(e, "netns %s: invalid name", name);
    int n = snprintf(buf, sz, NETNS_RUN_DIR "/%s", name);
    if (n < 0 || (size_t)n >= sz || strlen(name) > NAME_MAX)
        return err_set(e, "netns %s: name too long", name);
    return 0;
}

bool netns_exists(const char *name)
{
    char path[PATH_MAX];
    struct stat st;
    if (netns_path(name, path, sizeof path, NULL) < 0)
        return false;
    return lstat(path, &st) == 0;
}

/* Makes /run/netns a shared mount so the bind mounts in it propagate to
 * other mount namespaces (and their unmounts too), as iproute2 does. */
static int prepare_run_dir(const char *name, struct err *e)
{
    if (mkdir(NETNS_RUN_DIR, 0755) == 0) {
        if (chmod(NETNS_RUN_DIR, 0755) < 0) /* whatever the umask */
            return err_sys(e, "netns %s: chmod " NETNS_RUN_DIR, name);
    } else if (errno != EEXIST) {
        return err_sys(e, "netns %s: mkdir " NETNS_RUN_DIR, name);
    }
    bool bound = false;
    while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
        /* EINVAL: not a mount point yet; make it one by binding it on itself. */
        if (errno != EINVAL || bound)
            return err_sys(e, "netns %s: mount --make-shared " NETNS_RUN_DIR, name);
        if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
            return err_sys(e, "netns %s: mount --bind " NETNS_RUN_DIR " " NETNS_RUN_DIR, name);
        bound = true;
    }
    return 0;
}

/* What the child reports through the pipe. */
enum child_step { STEP_OK, STEP_UNSHARE, STEP_SOCKET, STEP_GETFLAGS, STEP_SETFLAGS, STEP_MOUNT };

struct child_report {
    int step;
    int err;
};

static const char *const step_names[] = {
    [STEP_OK] = "ok",
    [STEP_UNSHARE] = "unshare(CLONE_NEWNET)",
    [STEP_SOCKET] = "socket in the new namespace",
    [STEP_GETFLAGS] = "lo: SIOCGIFFLAGS",
    [STEP_SETFLAGS] = "lo: SIOCSIFFLAGS (up)",
    [STEP_MOUNT] = "mount --bind /proc/self/ns/net",
};

/* The forked child: only async-signal-safe calls, since the parent may have threads. */
static _Noreturn void child_make_netns(int wfd, const char *path)
{
    struct child_report r = {STEP_OK, 0};
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);

    if (unshare(CLONE_NEWNET) < 0) {
        r = (struct child_report){STEP_UNSHARE, errno};
        goto out;
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        r = (struct child_report){STEP_SOCKET, errno};
        goto out;
    }
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        r = (struct child_report){STEP_GETFLAGS, errno};
        close(s);
        goto out;
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
        r = (struct child_report){STEP_SETFLAGS, errno};
        close(s);
        goto out;
    }
    close(s);
    /* Bind last: once the name works, the namespace is ready. */
    if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
        r = (struct child_report){STEP_MOUNT, errno};
out:;
    ssize_t n;
    do
        n = write(wfd, &r, sizeof r);
    while (n < 0 && errno == EINTR);
    _exit(r.step == STEP_OK && n == (ssize_t)sizeof r ? 0 : 1);
}

/* Forks a child that makes the namespace and binds it on PATH. */
static int spawn_netns(const char *name, const char *path, struct err *e)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return err_sys(e, "netns %s: pipe", name);
    pid_t pid = fork();
    if (pid < 0) {
        err_sys(e, "netns %s: fork", name);
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        child_make_netns(p[1], path);
    }
    close(p[1]);

    struct child_report r;
    ssize_t n;
    do
        n = read(p[0], &r, sizeof r);
    while (n < 0 && errno == EINTR);
    int read_errno = errno;
    close(p[0]);

    int status = 0;
    pid_t w;
    do
        w = waitpid(pid, &status, 0);
    while (w < 0 && errno == EINTR);
    /* ECHILD: someone else reaped it (SIGCHLD ignored or a waitpid(-1) loop);
     * the pipe report is enough then. */
    if (w < 0 && errno != ECHILD)
        return err_sys(e, "netns %s: waitpid", name);

    if (n == (ssize_t)sizeof r) {
        if (r.step == STEP_OK)
            return 0;
        const char *what = r.step > 0 && r.step <= STEP_MOUNT ? step_names[r.step] : "?";
        return err_set(e, "netns %s: %s: %s", name, what, strerror(r.err));
    }
    if (n < 0) {
        errno = read_errno;
        return err_sys(e, "netns %s: reading the child's report", name);
    }
    if (w > 0 && WIFSIGNALED(status))
        return err_set(e, "netns %s: child killed by signal %d", name, WTERMSIG(status));
    return err_set(e, "netns %s: child exited without a report", name);
}

int netns_create(const char *name, struct err *e)
{
    char path[PATH_MAX];
    if (netns_path(name, path, sizeof path, e) < 0)
        return -1;
    if (prepare_run_dir(name, e) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == EEXIST) {
            err_set(e, "network namespace %s already exists (not umlab's?)", name);
            errno = EEXIST; /* the caller must not undo it: it is not ours */
            return -1;
        }
        return err_sys(e, "netns %s: create %s", name, path);
    }
    close(fd);
    if (spawn_netns(name, path, e) < 0) {
        /* The child binds last, so on failure nothing is mounted on path. */
        unlink(path);
        return -1;
    }
    return 0;
}

int netns_delete(const char *name, struct err *e)
{
    char path[PATH_MAX];
    if (netns_path(name, path, sizeof path, e) < 0)
        return -1;
    /* Detach: the namespace lives on while processes are still in it. */
    if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return 0;
        if (errno != EINVAL) /* EINVAL: not mounted (a stale file): just unlink */
            return err_sys(e, "netns %s: umount %s", name, path);
    }
    if (unlink(path) < 0 && errno != ENOENT)
        return err_sys(e, "netns %s: unlink %s", name, path);
    return 0;
}

int netns_open(const char *name, struct err *e)
{
    char path[PATH_MAX];
    if (netns_path(name, path, sizeof path, e) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return err_set(e, "netns %s: no such namespace", name);
        return err_sys(e, "netns %s: open %s", name, path);
    }
    /* A file left by a failed create is not a namespace: say so now, not at setns. */
    int type = ioctl(fd, NS_GET_NSTYPE);
    if (type != CLONE_NEWNET) {
        close(fd);
        return err_set(e, "netns %s: %s is not a network namespace (stale file?)", name, path);
    }
    return fd;
}

int netns_enter(const char *name, struct err *e)
{
    int fd = netns_open(name, e);
    if (fd < 0)
        return -1;
    if (setns(fd, CLONE_NEWNET) < 0) {
        err_sys(e, "netns %s: setns", name);
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int netns_open_current(struct err *e)
{
    /* thread-self: setns moves only the calling thread. */
    int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_sys(e, "netns: open /proc/thread-self/ns/net");
    return fd;
}

int netns_enter_fd(int fd, struct err *e)
{
    if (setns(fd, CLONE_NEWNET) < 0)
        return err_sys(e, "netns: setns fd %d", fd);
    return 0;
}
