/* aux.c — see aux.h. */
#include "tui/aux.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#define READ_CHUNK  16384
#define READ_BUDGET (256 * 1024) /* per wakeup: a flood cannot starve the keyboard */

static void notify(struct aux *a)
{
    if (a->changed)
        a->changed(a->ctx);
}

static void close_pty(struct aux *a)
{
    if (!a->pty_open)
        return;
    loop_unwatch(a->loop, a->pty.master);
    pty_close(&a->pty);
    a->pty_open = false;
}

static void on_pty(void *ctx, int fd, short revents)
{
    struct aux *a = ctx;
    (void)fd;
    if (revents & POLLOUT) {
        struct err e;
        if (pty_flush(&a->pty, &e) < 0)
            revents |= POLLHUP;
        else if (!pty_wants_pollout(&a->pty))
            loop_set_events(a->loop, a->pty.master, POLLIN);
    }
    if (!(revents & (POLLIN | POLLHUP | POLLERR)))
        return;
    char buf[READ_CHUNK];
    size_t total = 0;
    while (total < READ_BUDGET) {
        ssize_t n = pty_read(&a->pty, buf, sizeof buf);
        if (n > 0) {
            term_feed(a->term, buf, (size_t)n);
            total += (size_t)n;
            continue;
        }
        if (n < 0) /* the program closed the pty: all its output has been read */
            close_pty(a);
        break;
    }
    notify(a);
}

static void on_exit_status(void *ctx, pid_t pid, int wstatus)
{
    struct aux *a = ctx;
    (void)pid;
    a->reaped = true;
    a->wstatus = wstatus;
    a->pty.pid = 0;
    notify(a); /* keep reading until EIO: poll drives it */
}

static void term_to_pty(const char *bytes, size_t len, void *ctx)
{
    struct aux *a = ctx;
    if (!a->pty_open)
        return;
    struct err e;
    if (pty_write(&a->pty, bytes, len, &e) < 0)
        return; /* the program is going away: EIO follows */
    if (pty_wants_pollout(&a->pty))
        loop_set_events(a->loop, a->pty.master, POLLIN | POLLOUT);
}

int aux_spawn(struct aux **out, struct loop *loop, char *const argv[], char *const env[], int rows,
              int cols, int scrollback, struct err *e)
{
    *out = NULL;
    struct aux *a = calloc(1, sizeof *a);
    if (!a)
        return err_sys(e, "%s", argv[0]);
    a->loop = loop;
    snprintf(a->title, sizeof a->title, "%s", argv[0]);
    if (rows < 1)
        rows = 1;
    if (cols < 1)
        cols = 1;
    a->term = term_new(rows, cols, scrollback, term_to_pty, a);
    if (!a->term) {
        free(a);
        return err_set(e, "%s: cannot create its terminal", argv[0]);
    }
    struct pty_spawn_opts so = {
        .rows = (unsigned short)rows,
        .cols = (unsigned short)cols,
        .env = env,
        .keep_fds = {-1, -1, -1, -1},
    };
    if (pty_spawn(&a->pty, argv, &so, e) < 0) {
        term_free(a->term);
        free(a);
        return -1;
    }
    a->pty_open = true;
    if (loop_watch(loop, a->pty.master, POLLIN, on_pty, a, e) < 0) {
        a->pty_open = false;
        kill(-a->pty.pid, SIGKILL);
        waitpid(a->pty.pid, NULL, 0);
        pty_close(&a->pty);
        term_free(a->term);
        free(a);
        return -1;
    }
    if (loop_watch_child(loop, a->pty.pid, on_exit_status, a, e) < 0) {
        a->reaped = false;
        aux_free(a);
        return -1;
    }
    *out = a;
    return 0;
}

void aux_free(struct aux *a)
{
    if (!a)
        return;
    if (!a->reaped && a->pty.pid > 0) {
        loop_unwatch_child(a->loop, a->pty.pid);
        kill(-a->pty.pid, SIGKILL);
        kill(a->pty.pid, SIGKILL);
        pid_t r;
        do
            r = waitpid(a->pty.pid, NULL, 0);
        while (r < 0 && errno == EINTR);
    }
    close_pty(a);
    term_free(a->term);
    free(a);
}

void aux_resize(struct aux *a, int rows, int cols)
{
    int r, c;
    term_size(a->term, &r, &c);
    if (rows < 1 || cols < 1 || (r == rows && c == cols))
        return;
    term_resize(a->term, rows, cols);
    if (a->pty_open) {
        struct err e;
        (void)pty_resize(&a->pty, (unsigned short)rows, (unsigned short)cols, &e);
        /* a failure here only leaves the program with its old size */
    }
}

bool aux_running(const struct aux *a)
{
    return a && !a->reaped;
}
