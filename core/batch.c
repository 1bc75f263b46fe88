/* batch.c — see batch.h. */
#include "core/batch.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/cmd.h"
#include "core/lab.h"
#include "core/loop.h"
#include "core/out.h"

struct progress_ctx {
    struct lab *lab;
    FILE *out;
    bool json;
};

/* Whoever reads our output went away (`umlab --batch f | head -3`): that is a
 * request to stop. SIGPIPE does not kill umlab (see main), so the write fails
 * with EPIPE, the running command's waits stop like on SIGTERM, and the lab is
 * undone on the way out. */
static bool output_lost(struct lab *lab, FILE *out)
{
    if (fflush(out) == 0 && !ferror(out))
        return false;
    if (!lab->quit_signal)
        lab->quit_signal = SIGPIPE;
    return true;
}

static void print_progress(void *ctx, const char *line)
{
    struct progress_ctx *p = ctx;
    if (p->json)
        return;
    fprintf(p->out, "  ... %s\n", line);
    output_lost(p->lab, p->out);
}

static void print_json(FILE *out, int lineno, const char *line, bool ok, int64_t ms, struct out *o,
                       const char *error)
{
    struct strbuf b = {0};
    sb_printf(&b, "{\"line\":%d,\"command\":", lineno);
    json_escape(&b, line);
    sb_printf(&b, ",\"ok\":%s,\"ms\":%lld,\"result\":%s", ok ? "true" : "false", (long long)ms,
              out_json_result(o));
    if (o->log.len) { /* what it said while it ran: "booting…", what it typed at a login */
        sb_append(&b, ",\"log\":", 7);
        out_json_log(o, &b);
    }
    if (o->shell.len) { /* the commands a person would type for the same effect */
        sb_append(&b, ",\"shell\":", 9);
        out_json_shell(o, &b);
    }
    if (!ok) {
        sb_append(&b, ",\"error\":", 9);
        json_escape(&b, error);
    }
    sb_append(&b, "}\n", 2);
    fputs(sb_str(&b), out);
    sb_free(&b);
}

/* Lines are read from the fd through the event loop, so a signal (or the guests'
 * output) is served while the input is silent, e.g. a pipe or a FIFO. */
struct line_reader {
    int fd;
    char *buf;
    size_t len, cap, start;
    bool eof, readable;
};

static void on_readable(void *ctx, int fd, short revents)
{
    (void)fd;
    (void)revents;
    ((struct line_reader *)ctx)->readable = true;
}

static bool input_ready(void *ctx)
{
    return ((struct line_reader *)ctx)->readable;
}

/* The next line (without '\n') or NULL at the end; -1 in *RC on error. */
static char *next_line(struct lab *lab, struct line_reader *r, int *rc, struct err *e)
{
    *rc = 0;
    for (;;) {
        char *nl = r->len > r->start ? memchr(r->buf + r->start, '\n', r->len - r->start) : NULL;
        if (nl) {
            *nl = '\0';
            char *line = r->buf + r->start;
            r->start = (size_t)(nl - r->buf) + 1;
            return line;
        }
        if (r->eof) {
            if (r->start < r->len) { /* a last line without '\n' */
                r->buf[r->len] = '\0';
                char *line = r->buf + r->start;
                r->start = r->len;
                return line;
            }
            return NULL;
        }
        if (r->start > 0) { /* keep the partial line at the front */
            memmove(r->buf, r->buf + r->start, r->len - r->start);
            r->len -= r->start;
            r->start = 0;
        }
        if (r->len + 4096 + 1 > r->cap) {
            size_t ncap = r->cap ? r->cap * 2 : 8192;
            char *nb = realloc(r->buf, ncap);
            if (!nb) {
                *rc = err_sys(e, "batch input");
                return NULL;
            }
            r->buf = nb;
            r->cap = ncap;
        }
        /* Armed only while waiting for input: while a command runs, a readable
         * fd (a file, a pipe with more lines) would make every poll return at
         * once and the loop spin. */
        r->readable = false;
        loop_set_events(lab->loop, r->fd, POLLIN);
        int wrc = lab_wait(lab, input_ready, r, 24 * 3600 * 1000, "input", e);
        loop_set_events(lab->loop, r->fd, 0);
        if (wrc < 0) {
            *rc = -1;
            return NULL;
        }
        ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len - 1);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0) {
            *rc = err_sys(e, "read");
            return NULL;
        }
        if (n == 0)
            r->eof = true;
        r->len += (size_t)n;
    }
}

int batch_run(struct lab *lab, int fd, const char *name, const struct batch_opts *o, FILE *out,
              struct err *e)
{
    int lineno = 0, failed = 0;
    struct progress_ctx pc = {lab, out, o->json};
    struct out res;
    out_init(&res);
    res.progress = print_progress;
    res.progress_ctx = &pc;
    struct line_reader rd = {.fd = fd};
    if (loop_watch(lab->loop, fd, 0, on_readable, &rd, e) < 0) {
        out_free(&res);
        return -1;
    }

    for (;;) {
        int rrc;
        struct err re;
        char *line = next_line(lab, &rd, &rrc, &re);
        if (!line) {
            if (rrc < 0 && lab->quit_signal == SIGPIPE) {
                failed = -1;
                err_set(e, "output closed (broken pipe): stopped");
            } else if (rrc < 0 && lab->quit_signal) {
                failed++;
                if (!o->json)
                    fprintf(out, "stopped: signal %d\n", lab->quit_signal);
            } else if (rrc < 0) {
                err_set(e, "%s: %s", name, re.msg);
                failed = -1;
            }
            break;
        }
        lineno++;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\r'))
            line[--n] = '\0';
        if (lab->quit_signal == SIGPIPE) {
            failed = -1;
            err_set(e, "output closed (broken pipe): stopped before %s:%d", name, lineno);
            break;
        }
        if (lab->quit_signal) {
            failed++;
            if (!o->json)
                fprintf(out, "stopped: signal %d\n", lab->quit_signal);
            break;
        }
        out_reset(&res);
        struct err ce = {""};
        bool blank = true;
        for (const char *p = line; *p && blank; p++)
            blank = *p == ' ' || *p == '\t';
        if (blank || line[strspn(line, " \t")] == '#')
            continue;
        if (!o->json && o->echo) {
            fprintf(out, "> %s\n", line + strspn(line, " \t"));
            if (output_lost(lab, out)) {
                failed = -1;
                err_set(e, "output closed (broken pipe): stopped at %s:%d", name, lineno);
                break;
            }
        }
        /* "! command": the command is expected to fail (e.g. a ping before NAT). */
        const char *cmd = line + strspn(line, " \t");
        bool negate = cmd[0] == '!';
        if (negate)
            cmd++;
        int64_t t0 = loop_now_ms();
        int rc = cmd_run_line(lab, cmd, &res, &ce);
        if (o->json) {
            print_json(out, lineno, line, rc >= 0, loop_now_ms() - t0, &res, ce.msg);
        } else {
            fwrite(sb_str(&res.text), 1, res.text.len, out); /* guest text may hold NULs */
            if (rc < 0)
                fprintf(out, "%s: %s:%d: %s\n", negate ? "failed as expected" : "error", name,
                        lineno, ce.msg);
            else if (negate)
                fprintf(out, "error: %s:%d: succeeded but was expected to fail\n", name, lineno);
        }
        if (negate)
            rc = rc < 0 ? 0 : -1;
        if (output_lost(lab, out)) {
            failed = -1;
            err_set(e, "output closed (broken pipe): stopped after %s:%d", name, lineno);
            break;
        }
        if (rc < 0) {
            failed++;
            if (!o->keep_going)
                break;
        }
    }
    loop_unwatch(lab->loop, fd);
    free(rd.buf);
    out_free(&res);
    return failed;
}
