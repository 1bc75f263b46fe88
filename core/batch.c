/* batch.c — see batch.h. */
#include "core/batch.h"

#include <stdlib.h>

#include "core/cmd.h"
#include "core/lab.h"
#include "core/loop.h"
#include "core/out.h"

struct progress_ctx {
    FILE *out;
    bool json;
};

static void print_progress(void *ctx, const char *line)
{
    struct progress_ctx *p = ctx;
    if (p->json)
        return;
    fprintf(p->out, "  ... %s\n", line);
    fflush(p->out);
}

static void print_json(FILE *out, int lineno, const char *line, bool ok, int64_t ms,
                       struct out *o, const char *error)
{
    struct strbuf b = {0};
    sb_printf(&b, "{\"line\":%d,\"command\":", lineno);
    json_escape(&b, line);
    sb_printf(&b, ",\"ok\":%s,\"ms\":%lld,\"result\":%s", ok ? "true" : "false", (long long)ms,
              out_json_result(o));
    if (!ok) {
        sb_append(&b, ",\"error\":", 9);
        json_escape(&b, error);
    }
    sb_append(&b, "}\n", 2);
    fputs(sb_str(&b), out);
    sb_free(&b);
}

int batch_run(struct lab *lab, FILE *in, const char *name, const struct batch_opts *o, FILE *out,
              struct err *e)
{
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, failed = 0;
    struct progress_ctx pc = {out, o->json};
    struct out res;
    out_init(&res);
    res.progress = print_progress;
    res.progress_ctx = &pc;

    for (;;) {
        errno = 0;
        ssize_t n = getline(&line, &cap, in);
        if (n < 0) {
            if (errno) {
                err_sys(e, "read %s", name);
                free(line);
                out_free(&res);
                return -1;
            }
            break;
        }
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
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
            fflush(out);
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
            fputs(sb_str(&res.text), out);
            if (rc < 0)
                fprintf(out, "%s: %s:%d: %s\n", negate ? "failed as expected" : "error", name,
                        lineno, ce.msg);
            else if (negate)
                fprintf(out, "error: %s:%d: succeeded but was expected to fail\n", name, lineno);
        }
        if (negate)
            rc = rc < 0 ? 0 : -1;
        fflush(out);
        if (rc < 0) {
            failed++;
            if (!o->keep_going)
                break;
        }
    }
    free(line);
    out_free(&res);
    return failed;
}
