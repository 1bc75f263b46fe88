/* cmd_host.c — `host CMD...`: run a command on the host side of the lab (in the
 * lab's namespace), e.g. `host ping -c 1 192.168.0.1` or `host tcpdump -c 4 -ni tap0`.
 * Its output is collected while the event loop keeps serving the guests. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cmds.h"

#define HOST_TIMEOUT_MS 30000
/* Output kept per command; past it the text ends with HOST_TRUNCATED and the
 * JSON result says "truncated": true (the rest is read and dropped). */
#define HOST_OUTPUT_MAX (256 * 1024)
#define HOST_TRUNCATED  "[truncated: output past 256 KiB dropped]\n"

extern char **environ;

struct host_run {
    int fd;
    struct loop *loop;
    struct strbuf text;
    bool eof, reaped, truncated;
    int status;
};

static void on_output(void *ctx, int fd, short revents)
{
    struct host_run *h = ctx;
    (void)revents;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            size_t room = HOST_OUTPUT_MAX - h->text.len;
            sb_append(&h->text, buf, (size_t)n < room ? (size_t)n : room);
            h->truncated |= (size_t)n > room;
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            h->eof = true;
            /* a hung-up pipe polls ready forever: stop watching until reaped */
            loop_set_events(h->loop, fd, 0);
        }
        break;
    }
}

static void on_exit_cb(void *ctx, pid_t pid, int status)
{
    struct host_run *h = ctx;
    (void)pid;
    h->status = status;
    h->reaped = true;
}

static bool finished(void *ctx)
{
    struct host_run *h = ctx;
    return h->eof && h->reaped;
}

static int spawn(char *const argv[], int *outfd, pid_t *pid, struct err *e)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return err_sys(e, "host: pipe");
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none;
    sigemptyset(&none);
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    if (rc == 0)
        rc = posix_spawnattr_init(&at);
    if (rc == 0)
        rc = posix_spawnattr_setsigmask(&at,
                                        &none); /* the loop blocks signals; the child must not */
    if (rc == 0)
        rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    if (rc == 0)
        rc = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        errno = rc;
        return err_sys(e, "host: %s", argv[0]);
    }
    if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
        close(p[0]);
        return err_sys(e, "host: fcntl");
    }
    *outfd = p[0];
    return 0;
}

static int host_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    char *argv[CMD_MAX_ARGS + 1];
    for (int i = 0; i < a->argc; i++)
        argv[i] = a->argv[i];
    argv[a->argc] = NULL;
    struct host_run h = {.fd = -1, .loop = lab->loop};
    pid_t pid;
    if (spawn(argv, &h.fd, &pid, e) < 0)
        return -1;
    if (loop_watch(lab->loop, h.fd, POLLIN, on_output, &h, e) < 0 ||
        loop_watch_child(lab->loop, pid, on_exit_cb, &h, e) < 0) {
        loop_unwatch(lab->loop, h.fd);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(h.fd);
        sb_free(&h.text);
        return -1;
    }
    int rc = lab_wait(lab, finished, &h, HOST_TIMEOUT_MS, argv[0], e);
    loop_unwatch(lab->loop, h.fd);
    close(h.fd);
    if (!h.reaped) {
        loop_unwatch_child(lab->loop, pid);
        kill(-pid, SIGKILL);
        waitpid(pid, &h.status, 0);
    }
    out_write(o, sb_str(&h.text), h.text.len); /* NULs and all */
    if (h.truncated)
        out_printf(o, "%s%s", h.text.len && h.text.s[h.text.len - 1] != '\n' ? "\n" : "",
                   HOST_TRUNCATED);
    out_strn(o, "output", sb_str(&h.text), h.text.len);
    out_bool(o, "truncated", NULL, h.truncated);
    int code = WIFEXITED(h.status) ? WEXITSTATUS(h.status) : 128 + WTERMSIG(h.status);
    out_int(o, "exit_status", NULL, code);
    sb_free(&h.text);
    if (rc == 0 && code != 0)
        rc = err_set(e, "host: %s exited with status %d", argv[0], code);
    return rc;
}

const struct cmd_entry cmd_host = {
    .name = "host",
    .usage = "COMMAND [ARG...]",
    .summary = "run a command on the host side of the lab (its namespace), e.g. host ip route",
    .args = {.min = 1, .max = CMD_MAX_ARGS, .verbatim_from = 1},
    .exec = host_cmd,
};
