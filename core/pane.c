/* pane.c — see pane.h. */
#include "core/pane.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define READ_CHUNK 65536

extern char **environ;

static void ended(struct pane *p)
{
    if (p->hooks && p->hooks->ended)
        p->hooks->ended(p->ctx);
}

static void close_pty(struct pane *p)
{
    if (!p->open)
        return;
    loop_unwatch(p->loop, p->pty.master);
    pty_close(&p->pty);
    p->open = false;
}

static void want_pollout(struct pane *p)
{
    loop_set_events(p->loop, p->pty.master, POLLIN | (pty_wants_pollout(&p->pty) ? POLLOUT : 0));
}

/* Reads up to PANE_READ_BUDGET bytes into the terminal. UML's console arrives a few
 * bytes per read: gather what is there and feed the terminal in big pieces
 * (its damage flush is per call). Returns the last pty_read: 0 drained,
 * -1 at the end, > 0 stopped at the budget. */
static ssize_t read_round(struct pane *p, size_t *total)
{
    char buf[READ_CHUNK];
    size_t used = 0;
    ssize_t n = 0;
    *total = 0;
    while (*total < PANE_READ_BUDGET &&
           (n = pty_read(&p->pty, buf + used, sizeof buf - used)) > 0) {
        used += (size_t)n;
        *total += (size_t)n;
        if (used == sizeof buf) {
            term_feed(p->term, buf, used);
            used = 0;
        }
    }
    if (used)
        term_feed(p->term, buf, used);
    if (*total)
        p->output_ms = loop_now_ms();
    return n;
}

static void on_pty(void *ctx, int fd, short revents)
{
    struct pane *p = ctx;
    (void)fd;
    if (revents & POLLOUT) {
        struct err e;
        if (pty_flush(&p->pty, &e) < 0)
            revents |= POLLHUP;
        else
            want_pollout(p);
    }
    if (!(revents & (POLLIN | POLLHUP | POLLERR)))
        return;
    size_t total;
    ssize_t n = read_round(p, &total);
    if (p->hooks && p->hooks->output)
        p->hooks->output(p->ctx, total, n == 0);
    if (n < 0) { /* the program closed the pty: everything has been read */
        close_pty(p);
        ended(p);
    }
}

static void on_exit_status(void *ctx, pid_t pid, int wstatus)
{
    struct pane *p = ctx;
    (void)pid;
    p->wstatus = wstatus;
    p->reaped = true;
    ended(p); /* the last output is still in the pty: poll reads it until EIO */
}

/* Terminal replies (cursor position reports) and typed keys go to the program. */
static void term_to_pty(const char *bytes, size_t len, void *ctx)
{
    struct err e;
    (void)pane_write(ctx, bytes, len, &e); /* a full queue is counted in pty.dropped */
}

int pane_init(struct pane *p, struct loop *loop, int rows, int cols, int scrollback,
              const struct pane_hooks *hooks, void *ctx, struct err *e)
{
    *p = (struct pane){.loop = loop, .pty.master = -1, .reaped = true, .hooks = hooks, .ctx = ctx};
    p->term = term_new(rows > 0 ? rows : 1, cols > 0 ? cols : 1, scrollback, term_to_pty, p);
    if (!p->term)
        return err_set(e, "cannot create a terminal");
    return 0;
}

/* SIGKILL to the process group and the leader; reaps it. */
static int kill_reap(struct pane *p)
{
    pid_t pid = p->pty.pid;
    loop_unwatch_child(p->loop, pid);
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    int st = 0;
    pid_t r;
    do
        r = waitpid(pid, &st, 0);
    while (r < 0 && errno == EINTR);
    return r == pid ? st : 0;
}

int pane_spawn(struct pane *p, char *const argv[], const struct pty_spawn_opts *opts, struct err *e)
{
    struct pty_spawn_opts so = *opts;
    int rows, cols;
    term_size(p->term, &rows, &cols);
    so.rows = (unsigned short)rows;
    so.cols = (unsigned short)cols;
    if (pty_spawn(&p->pty, argv, &so, e) < 0)
        return -1;
    p->open = true;
    p->reaped = false;
    p->output_ms = 0;
    if (loop_watch(p->loop, p->pty.master, POLLIN, on_pty, p, e) < 0 ||
        loop_watch_child(p->loop, p->pty.pid, on_exit_status, p, e) < 0) {
        kill_reap(p);
        p->reaped = true;
        close_pty(p);
        return -1;
    }
    return 0;
}

int pane_write(struct pane *p, const char *bytes, size_t len, struct err *e)
{
    if (!p->open)
        return err_set(e, "not running");
    if (pty_write(&p->pty, bytes, len, e) < 0)
        return -1;
    want_pollout(p);
    return 0;
}

int pane_resize(struct pane *p, int rows, int cols, struct err *e)
{
    int r = 0, c = 0;
    term_size(p->term, &r, &c);
    if (rows < 1 || cols < 1 || (r == rows && c == cols))
        return 0;
    term_resize(p->term, rows, cols);
    if (p->open)
        return pty_resize(&p->pty, (unsigned short)rows, (unsigned short)cols, e);
    return 0;
}

void pane_kill(struct pane *p)
{
    if (p->reaped || p->pty.pid <= 0)
        return;
    on_exit_status(p, p->pty.pid, kill_reap(p));
}

void pane_drain(struct pane *p)
{
    if (!p->open)
        return;
    size_t total;
    for (int i = 0; i < 64; i++) {
        ssize_t n = read_round(p, &total);
        if (n > 0)
            continue;
        if (n < 0 || !p->reaped)
            break;
        /* reaped but no EIO yet: the program's children may still hold the slave */
        usleep(2000);
    }
    close_pty(p);
    ended(p);
}

void pane_fini(struct pane *p)
{
    if (!p->reaped && p->pty.pid > 0) {
        kill_reap(p);
        p->reaped = true;
    }
    close_pty(p);
    term_free(p->term);
    p->term = NULL;
}

pid_t pane_pid(const struct pane *p)
{
    return p->reaped ? 0 : p->pty.pid;
}

char **pane_env(const char *const set[], size_t nset)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + nset + 1, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool replaced = false;
        for (size_t s = 0; s < nset && !replaced; s++) {
            size_t len = strcspn(set[s], "=") + 1;
            replaced = strncmp(environ[i], set[s], len) == 0;
        }
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t s = 0; s < nset; s++)
        env[k++] = (char *)set[s];
    return env;
}

uint64_t pane_cursor_line(const struct pane *p)
{
    struct term_cursor c;
    term_get_cursor(p->term, &c);
    return term_lines_pushed(p->term) + (uint64_t)c.row;
}

void pane_text(const struct pane *p, uint64_t from, struct strbuf *out)
{
    uint64_t pushed = term_lines_pushed(p->term);
    uint64_t oldest = pushed - (uint64_t)term_scrollback_count(p->term);
    if (from < oldest)
        from = oldest;
    uint64_t last = pane_cursor_line(p);
    char row[2048];
    for (uint64_t l = from; l <= last; l++) {
        size_t n = term_row_text(p->term, (int)((int64_t)l - (int64_t)pushed), row, sizeof row);
        sb_append(out, row, n);
        if (l < last)
            sb_append(out, "\n", 1);
    }
}
