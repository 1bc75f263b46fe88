/* ctlchan.c — see ctlchan.h. */
#include "core/ctlchan.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define CTLCHAN_BUF_MAX (2 * CTLCHAN_OUTPUT_MAX)

struct ctl_req {
    char *line; /* what is written */
    unsigned long sum;
    int timeout_ms;
    ctlchan_done_fn fn;
    void *ctx;
};

struct ctlchan {
    struct loop *loop;
    int master, slave; /* -1 when closed */
    bool watching;
    struct ctl_req q[CTLCHAN_QUEUE_MAX]; /* q[0] runs when RUNNING */
    size_t nq;
    bool running;
    int64_t deadline;
    struct strbuf in; /* what the guest wrote since the running command was sent */
    bool cut;         /* IN lost its middle (too much output) */
    struct strbuf wq; /* not yet written */
};

static void on_io(void *ctx, int fd, short revents);

int ctlchan_new(struct ctlchan **out, struct loop *loop, struct err *e)
{
    struct ctlchan *c = calloc(1, sizeof *c);
    if (!c)
        return err_sys(e, "control channel");
    c->loop = loop;
    /* A socket pair, not a pty: UML starts a SIGWINCH thread for a console on
     * a tty, which takes it as its controlling terminal in a session of its
     * own (setsid), and so outlives the guest's process group being killed. */
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        free(c);
        return err_sys(e, "control channel: socketpair");
    }
    c->master = sv[0];
    c->slave = sv[1];
    int fl = fcntl(c->master, F_GETFL);
    if (fl < 0 || fcntl(c->master, F_SETFL, fl | O_NONBLOCK) < 0) {
        err_sys(e, "control channel: O_NONBLOCK");
        ctlchan_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int ctlchan_guest_fd(const struct ctlchan *c)
{
    return c->slave;
}

int ctlchan_started(struct ctlchan *c, struct err *e)
{
    if (c->slave >= 0) {
        close(c->slave);
        c->slave = -1;
    }
    if (loop_watch(c->loop, c->master, POLLIN, on_io, c, e) < 0)
        return -1;
    c->watching = true;
    return 0;
}

bool ctlchan_idle(const struct ctlchan *c)
{
    return c->nq == 0;
}

void ctlchan_line(struct strbuf *b, const char *cmd, unsigned long x, unsigned long y)
{
    /* the subshell keeps the loop alive through `exit` or `cd` */
    sb_printf(b, "echo umlab-b-$((%lu+%lu)); (eval '", x, y);
    for (const char *p = cmd; *p; p++) {
        if (*p == '\'')
            sb_append(b, "'\\''", 4);
        else
            sb_append(b, p, 1);
    }
    sb_printf(b, "') </dev/null 2>&1; echo umlab-e-$((%lu+%lu))-$?\n", x, y);
}

/* Where NEEDLE starts a line of TEXT[0..LEN) at or after FROM, or NULL. */
static const char *line_start(const char *text, size_t len, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = from; i + n <= len; i++)
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, needle, n) == 0)
            return text + i;
    return NULL;
}

int ctlchan_scan(const char *text, size_t len, unsigned long sum, int *status, struct strbuf *out,
                 size_t *used, struct err *e)
{
    char begin[40], end[40];
    snprintf(begin, sizeof begin, "umlab-b-%lu\n", sum);
    snprintf(end, sizeof end, "umlab-e-%lu-", sum);
    const char *b = line_start(text, len, 0, begin);
    if (!b)
        return 0;
    size_t from = (size_t)(b - text) + strlen(begin);
    const char *x = line_start(text, len, from, end);
    if (!x)
        return 0;
    const char *s = x + strlen(end);
    size_t rest = len - (size_t)(s - text), nd = 0;
    while (nd < rest && s[nd] >= '0' && s[nd] <= '9')
        nd++;
    if (nd == rest)
        return 0; /* the status's line is not complete yet */
    if (nd == 0 || nd > 3 || s[nd] != '\n')
        return err_set(e, "the guest printed no sane exit status");
    int v = atoi(s);
    if (v > 255)
        return err_set(e, "the guest printed no sane exit status");
    *status = v;
    size_t n = (size_t)(x - (text + from));
    if (n > 0 && text[from + n - 1] == '\n')
        n--;
    sb_append(out, text + from, n);
    *used = (size_t)(s - text) + nd + 1;
    return 1;
}

static void flush(struct ctlchan *c)
{
    while (c->wq.len > 0 && c->master >= 0) {
        ssize_t n = write(c->master, c->wq.s, c->wq.len);
        if (n <= 0)
            break; /* EAGAIN (POLLOUT below) or an error the reader sees as the end */
        memmove(c->wq.s, c->wq.s + n, c->wq.len - (size_t)n);
        c->wq.len -= (size_t)n;
    }
    if (c->watching)
        loop_set_events(c->loop, c->master, POLLIN | (c->wq.len ? POLLOUT : 0));
}

static void start_next(struct ctlchan *c)
{
    if (c->running || c->nq == 0 || c->master < 0)
        return;
    c->running = true;
    c->in.len = 0;
    c->cut = false;
    c->deadline = loop_now_ms() + c->q[0].timeout_ms;
    sb_append(&c->wq, c->q[0].line, strlen(c->q[0].line));
    flush(c);
}

/* Ends q[0] with R and starts the next one. */
static void finish(struct ctlchan *c, const struct ctlchan_result *r)
{
    struct ctl_req done = c->q[0];
    memmove(c->q, c->q + 1, (c->nq - 1) * sizeof *c->q);
    c->nq--;
    c->running = false;
    free(done.line);
    if (done.fn)
        done.fn(done.ctx, r);
    start_next(c);
}

static void fail(struct ctlchan *c, const char *why)
{
    struct ctlchan_result r = {.ok = false, .output = "", .error = why};
    finish(c, &r);
}

static void try_complete(struct ctlchan *c)
{
    if (!c->running || c->in.oom)
        return;
    int status = 0;
    size_t used = 0;
    struct strbuf out = {0};
    struct err e = {""};
    int rc = ctlchan_scan(sb_str(&c->in), c->in.len, c->q[0].sum, &status, &out, &used, &e);
    if (rc != 0) {
        if (c->cut)
            sb_printf(&out, "\n[umlab: output cut]");
        struct ctlchan_result r = {
            .ok = rc > 0, .status = status, .output = sb_str(&out), .error = rc > 0 ? "" : e.msg};
        c->in.len = 0;
        finish(c, &r);
    }
    sb_free(&out);
}

/* Appends guest bytes without '\r', keeping IN bounded: past the limit its
 * middle goes (the markers are at its ends). */
static void take(struct ctlchan *c, const char *buf, size_t n)
{
    for (size_t i = 0; i < n;) {
        const char *cr = memchr(buf + i, '\r', n - i);
        size_t k = cr ? (size_t)(cr - (buf + i)) : n - i;
        if (c->running)
            sb_append(&c->in, buf + i, k);
        i += k + 1;
    }
    if (c->in.len > CTLCHAN_BUF_MAX) {
        size_t keep = CTLCHAN_OUTPUT_MAX, tail = 4096;
        memmove(c->in.s + keep, c->in.s + c->in.len - tail, tail);
        c->in.len = keep + tail;
        c->in.s[c->in.len] = '\0';
        c->cut = true;
    }
}

static void close_channel(struct ctlchan *c, const char *why)
{
    if (c->watching)
        loop_unwatch(c->loop, c->master);
    c->watching = false;
    if (c->master >= 0)
        close(c->master);
    c->master = -1;
    while (c->nq > 0)
        fail(c, why);
}

static void on_io(void *ctx, int fd, short revents)
{
    struct ctlchan *c = ctx;
    (void)fd;
    if (revents & POLLOUT)
        flush(c);
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[4096];
        for (int budget = 16; budget > 0; budget--) {
            ssize_t n = read(c->master, buf, sizeof buf);
            if (n > 0) {
                take(c, buf, (size_t)n);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            close_channel(c, "the guest's control channel closed");
            return;
        }
        if (c->in.len && c->in.s)
            c->in.s[c->in.len] = '\0';
        try_complete(c);
    }
}

static int nonce(unsigned long *out)
{
    unsigned long v;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
        return -1;
    *out = v % 1000000000UL + 1000000000UL;
    return 0;
}

int ctlchan_exec(struct ctlchan *c, const char *cmd, int timeout_ms, ctlchan_done_fn fn, void *ctx,
                 struct err *e)
{
    if (c->master < 0)
        return err_set(e, "the guest's control channel is closed");
    if (strpbrk(cmd, "\r\n") || strlen(cmd) > CTLCHAN_CMD_MAX)
        return err_set(e, "control channel: the command must be one line of at most %d bytes",
                       CTLCHAN_CMD_MAX);
    if (c->nq >= CTLCHAN_QUEUE_MAX)
        return err_set(e, "control channel: %d commands already wait", CTLCHAN_QUEUE_MAX);
    unsigned long x, y;
    if (nonce(&x) < 0 || nonce(&y) < 0)
        return err_sys(e, "getrandom");
    struct strbuf line = {0};
    ctlchan_line(&line, cmd, x, y);
    if (line.oom) {
        sb_free(&line);
        return err_set(e, "control channel: out of memory");
    }
    c->q[c->nq++] = (struct ctl_req){line.s, x + y, timeout_ms, fn, ctx};
    start_next(c);
    return 0;
}

void ctlchan_forget(struct ctlchan *c, void *ctx)
{
    for (size_t i = 0; c && i < c->nq; i++)
        if (c->q[i].ctx == ctx)
            c->q[i].fn = NULL;
}

void ctlchan_tick(struct ctlchan *c, int64_t now_ms)
{
    if (!c || !c->running || now_ms < c->deadline)
        return;
    /* Ctrl-C ends the loop's foreground commands (and the loop: init starts
     * it again); a late answer carries markers nobody waits for */
    sb_append(&c->wq, "\003", 1);
    flush(c);
    char why[64];
    snprintf(why, sizeof why, "no answer in %d s", (c->q[0].timeout_ms + 999) / 1000);
    fail(c, why);
}

void ctlchan_free(struct ctlchan *c)
{
    if (!c)
        return;
    close_channel(c, "the guest went away");
    if (c->slave >= 0)
        close(c->slave);
    sb_free(&c->in);
    sb_free(&c->wq);
    free(c);
}
