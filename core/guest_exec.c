/* guest_exec.c — see guest_exec.h. */
#include "core/guest_exec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/console.h"
#include "core/ctlchan.h"

#define BUSY_MS 3000

struct exec_wait {
    struct guest *g;
    uint64_t start;
    char end[48]; /* "\numlab-e-SUM-" */
};

/* The end marker followed by its status and the end of its row. */
static bool ended(void *ctx)
{
    struct exec_wait *w = ctx;
    if (w->g->state == GUEST_EXITED)
        return true;
    struct strbuf t = {0};
    sb_append(&t, "\n", 1);
    pane_text(&w->g->pane, w->start, &t);
    const char *p = strstr(sb_str(&t), w->end);
    bool done = false;
    if (p) {
        p += strlen(w->end);
        size_t n = strspn(p, "0123456789");
        /* the status's row ended and the prompt is back, so the next command
         * can be typed */
        done = n > 0 && p[n] == '\n' && guest_at_prompt(w->g);
    }
    sb_free(&t);
    return done;
}

static int nonce(unsigned long *out, struct err *e)
{
    unsigned long v;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
        return err_sys(e, "getrandom");
    *out = v % 1000000000UL + 1000000000UL; /* ten digits */
    return 0;
}

/* CMD in single quotes for the guest's shell: ' becomes '\''. */
static void shell_quote(struct strbuf *b, const char *cmd)
{
    sb_append(b, "'", 1);
    for (const char *p = cmd; *p; p++) {
        if (*p == '\'')
            sb_append(b, "'\\''", 4);
        else
            sb_append(b, p, 1);
    }
    sb_append(b, "'", 1);
}

static int type_line(struct guest *g, const char *cmd, unsigned long x, unsigned long y,
                     struct err *e)
{
    struct strbuf line = {0};
    sb_printf(&line, "echo umlab-b-$((%lu+%lu)); eval ", x, y);
    shell_quote(&line, cmd);
    sb_printf(&line, " </dev/null; echo umlab-e-$((%lu+%lu))-$?\r", x, y);
    int rc = line.oom ? err_set(e, "exec: out of memory") : guest_send(g, sb_str(&line), e);
    sb_free(&line);
    return rc;
}

/* The rows between the begin marker's row and the end marker. */
static int collect(const char *text, const char *begin, const char *end, int *status,
                   struct strbuf *out, struct err *e)
{
    const char *b = strstr(text, begin);
    const char *x = b ? strstr(b, end) : NULL;
    if (!b || !x)
        return err_set(e, "exec: the guest's output lost its markers (scrolled away?)");
    const char *s = x + strlen(end);
    long v = strtol(s, NULL, 10);
    if (strspn(s, "0123456789") > 3 || v < 0 || v > 255)
        return err_set(e, "exec: the guest printed no sane exit status");
    *status = (int)v;
    b += strlen(begin);
    b += strcspn(b, "\n");
    if (*b == '\n')
        b++;
    size_t n = b < x ? (size_t)(x - b) : 0;
    if (n > 0 && b[n - 1] == '\n')
        n--;
    if (n > GUEST_EXEC_OUTPUT_MAX) {
        sb_append(out, b, GUEST_EXEC_OUTPUT_MAX);
        sb_printf(out, "\n[umlab: output cut at %d bytes]", GUEST_EXEC_OUTPUT_MAX);
    } else {
        sb_append(out, b, n);
    }
    return 0;
}

int guest_exec(struct lab *lab, struct guest *g, const char *cmd, int timeout_ms, int *status,
               struct strbuf *out, struct err *e)
{
    if (strpbrk(cmd, "\r\n"))
        return err_set(e, "exec: the command must be one line");
    /* A command typed just before (`send g1 ...`) may still be finishing. */
    if (g->state == GUEST_RUNNING && !guest_at_prompt(g) &&
        console_wait_prompt(lab, g, BUSY_MS, e) < 0)
        return err_set(e, "%s is not at a shell prompt (busy with a command?)", g->name);
    if (console_ready(lab, g, timeout_ms, e) < 0)
        return -1;
    unsigned long x = 0, y = 0;
    if (nonce(&x, e) < 0 || nonce(&y, e) < 0)
        return -1;
    struct exec_wait w = {g, pane_cursor_line(&g->pane), ""};
    char begin[48];
    snprintf(begin, sizeof begin, "\numlab-b-%lu", x + y);
    snprintf(w.end, sizeof w.end, "\numlab-e-%lu-", x + y);
    if (type_line(g, cmd, x, y, e) < 0)
        return -1;
    char what[64];
    snprintf(what, sizeof what, "%s to finish the command", g->name);
    if (lab_wait(lab, ended, &w, timeout_ms, what, e) < 0)
        return -1;
    if (g->state == GUEST_EXITED)
        return err_set(e, "%s exited", g->name);
    struct strbuf t = {0};
    sb_append(&t, "\n", 1);
    pane_text(&g->pane, w.start, &t);
    int rc = t.oom ? err_set(e, "exec: out of memory")
                   : collect(sb_str(&t), begin, w.end, status, out, e);
    sb_free(&t);
    return rc;
}

struct hidden_wait {
    bool done, ok;
    int status;
    struct strbuf output;
    char error[200];
};

static void hidden_done(void *ctx, const struct ctlchan_result *r)
{
    struct hidden_wait *w = ctx;
    w->done = true;
    w->ok = r->ok;
    w->status = r->status;
    sb_append(&w->output, r->output, strlen(r->output));
    snprintf(w->error, sizeof w->error, "%s", r->error ? r->error : "");
}

static bool hidden_ended(void *ctx)
{
    return ((struct hidden_wait *)ctx)->done;
}

int guest_exec_hidden(struct lab *lab, struct guest *g, const char *cmd, int timeout_ms,
                      int *status, struct strbuf *out, struct err *e)
{
    if (!g->ctl)
        return err_set(e, "%s has no control channel (only umlab's embedded image has one)",
                       g->name);
    struct hidden_wait w = {0};
    if (ctlchan_exec(g->ctl, cmd, timeout_ms, hidden_done, &w, e) < 0)
        return -1;
    char what[64];
    snprintf(what, sizeof what, "%s to finish the command", g->name);
    /* the channel times the command out itself: this wait ends on a stop */
    if (lab_wait(lab, hidden_ended, &w, timeout_ms + 2000, what, e) < 0) {
        if (!w.done)
            ctlchan_forget(g->ctl, &w);
        sb_free(&w.output);
        return -1;
    }
    int rc = 0;
    if (!w.ok) {
        rc = err_set(e, "%s: control channel: %s", g->name, w.error);
    } else {
        *status = w.status;
        sb_append(out, sb_str(&w.output), w.output.len);
    }
    sb_free(&w.output);
    return rc;
}
