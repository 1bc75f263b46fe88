/* labapply.c — see labapply.h. */
#include "core/labapply.h"

#include <stdlib.h>
#include <string.h>

#include "core/cmd.h"
#include "core/guest_exec.h"
#include "core/lab.h"
#include "core/labshare.h"

static void applied_free(void *p)
{
    struct labapply *a = p;
    if (!a)
        return;
    labcheck_base_free(&a->base);
    if (a->nk)
        netkit_free(a->nk);
    else
        labfile_free(a->spec);
    free(a);
}

bool labapply_netkit(const struct lab *lab)
{
    const struct labapply *a = lab->applied;
    return a && a->nk;
}

const struct lab_spec *labapply_spec(const struct lab *lab)
{
    const struct labapply *a = lab->applied;
    return a ? a->spec : NULL;
}

/* The lab file's line a command comes from: the LAN, or the guest it names
 * (0: none, e.g. `nat on`). */
static int source_line(const struct lab_spec *s, const char *line)
{
    struct cmd_args a = {0};
    struct err e;
    int n = cmd_split(line, &a, &e), found = 0;
    if (n >= 3 && strcmp(a.words[0], "lan") == 0) {
        for (size_t i = 0; i < s->nlans && !found; i++)
            if (strcmp(s->lans[i].name, a.words[2]) == 0)
                found = s->lans[i].line;
    } else if (n >= 2) {
        const char *name = strcmp(a.words[0], "guest") == 0 && n >= 3 ? a.words[2] : a.words[1];
        for (size_t i = 0; i < s->nguests && !found; i++)
            if (strcmp(s->guests[i].name, name) == 0)
                found = s->guests[i].line;
    }
    if (n > 0)
        cmd_args_free(&a);
    return found;
}

struct run_ctx {
    struct lab *lab;
    const struct lab_spec *spec;
    void (*progress)(void *ctx, const char *line);
    void *pctx;
    int k, n;
    struct err *e;
};

static int count_line(void *ctx, const char *line)
{
    (void)line;
    ((struct run_ctx *)ctx)->n++;
    return 0;
}

/* `share DIR MOUNT ro|rw` (labfile_to_commands' line): the shared folder's
 * image, built before any guest (labshare.h). Not a console command: a
 * guest started later could not get it. */
static int share_line(struct lab *lab, const char *line, struct err *e)
{
    struct cmd_args a = {0};
    int n = cmd_split(line, &a, e);
    if (n < 0)
        return -1;
    int rc = n == 4 ? labshare_add(lab, a.words[1], a.words[2], strcmp(a.words[3], "rw") == 0, e)
                    : err_set(e, "share: usage: share DIR MOUNTPOINT ro|rw");
    if (n > 0)
        cmd_args_free(&a);
    return rc;
}

static int run_line(void *ctx, const char *line)
{
    struct run_ctx *r = ctx;
    r->k++;
    if (r->progress) {
        char buf[LABFILE_LINE_MAX + 32];
        snprintf(buf, sizeof buf, "[%d/%d] %s", r->k, r->n, line);
        r->progress(r->pctx, buf);
    }
    if (r->lab->quit_signal)
        return err_set(r->e, "%s: stopped by signal %d", r->spec->source, r->lab->quit_signal);
    struct out o;
    out_init(&o);
    /* what the command says as it runs (a stretched LAN's MTU decision) */
    o.progress = r->progress;
    o.progress_ctx = r->pctx;
    struct err ce = {""};
    int rc = strncmp(line, "share ", 6) == 0 ? share_line(r->lab, line, &ce)
                                             : cmd_run_line(r->lab, line, &o, &ce);
    out_free(&o);
    if (rc < 0) {
        int ln = source_line(r->spec, line);
        if (ln > 0)
            return err_set(r->e, "%s:%d: `%s`: %s", r->spec->source, ln, line, ce.msg);
        return err_set(r->e, "%s: `%s`: %s", r->spec->source, line, ce.msg);
    }
    return 0;
}

int labapply_build(struct lab *lab, struct lab_spec *spec, struct netkit_lab *nk,
                   void (*progress)(void *ctx, const char *line), void *ctx, struct err *e)
{
    struct labapply *a = calloc(1, sizeof *a);
    if (!a) {
        if (nk)
            netkit_free(nk);
        else
            labfile_free(spec);
        return err_sys(e, "lab file");
    }
    a->nk = nk;
    a->spec = nk ? nk->spec : spec;
    lab_checks_stop(lab); /* they read the spec about to go */
    if (lab->applied && lab->applied_free)
        lab->applied_free(lab->applied);
    lab->applied = a;
    lab->applied_free = applied_free;
    const struct lab_spec *s = a->spec;
    if (labcheck_baseline(lab, s, &a->base, e) < 0)
        return -1;
    struct run_ctx r = {lab, s, progress, ctx, 0, 0, e};
    if (nk) {
        netkit_to_commands(nk, count_line, &r);
        return netkit_to_commands(nk, run_line, &r) ? -1 : 0;
    }
    labfile_to_commands(s, count_line, &r);
    return labfile_to_commands(s, run_line, &r) ? -1 : 0;
}

/* Runs CMD (a test script's line) in guest NAME: its output into OUT; false
 * when it could not be run (a test with output compared to nothing then). */
static bool run_test(struct lab *lab, const char *name, const char *cmd, struct strbuf *out)
{
    struct guest *g = lab_find_guest(lab, name);
    int status;
    struct err e;
    return g && guest_exec(lab, g, cmd, GUEST_EXEC_TIMEOUT_MS, &status, out, &e) == 0;
}

/* A Netkit lab's _test/: each machine's test and shared test run in it and
 * compared with its signatures as ltest does, one line per machine. Returns
 * how many failed. */
static int netkit_checks(struct lab *lab, const struct netkit_lab *nk, struct out *o)
{
    const struct lab_spec *s = nk->spec;
    int failed = 0, passed = 0;
    out_arr_begin(o, "tests");
    for (size_t i = 0; i < s->nguests; i++) {
        const struct netkit_guest *g = &nk->guests[i];
        struct strbuf uo = {0}, so = {0}, line = {0};
        bool ur = g->test_cmd && run_test(lab, s->guests[i].name, g->test_cmd, &uo);
        bool sr = nk->shared_test_cmd && g->sig_shared &&
                  run_test(lab, s->guests[i].name, nk->shared_test_cmd, &so);
        int rc = netkit_test_line(nk, i, ur ? sb_str(&uo) : NULL, uo.len, sr ? sb_str(&so) : NULL,
                                  so.len, &line);
        out_obj_begin(o, NULL);
        out_str(o, "machine", NULL, s->guests[i].name);
        out_str(o, "result", "%s\n", sb_str(&line));
        out_bool(o, "pass", NULL, rc == 0);
        out_obj_end(o);
        failed += rc == 1;
        passed += rc == 0;
        sb_free(&uo);
        sb_free(&so);
        sb_free(&line);
    }
    out_arr_end(o);
    out_int(o, "tests_passed", NULL, passed);
    out_int(o, "tests_failed", NULL, failed);
    return failed;
}

int labapply_check(struct lab *lab, struct out *o, struct err *e)
{
    struct labapply *a = lab->applied;
    if (a && a->nk)
        return netkit_checks(lab, a->nk, o);
    if (!a || a->spec->nchecks == 0)
        return err_set(e, "check: this lab has no checks (open a lab file with `check` lines)");
    const struct lab_spec *s = a->spec;
    int failed = 0, skipped = 0;
    out_arr_begin(o, "checks");
    for (size_t i = 0; i < s->nchecks; i++) {
        struct labcheck_result r;
        /* a multi-host lab's part: a check of another host's guest is skipped */
        bool skip = labfile_check_elsewhere(s, i, r.why, sizeof r.why);
        if (skip)
            r.pass = false;
        else
            labcheck_eval(lab, s, &a->base, i, &r);
        struct strbuf what = {0};
        labfile_check_format(s, &s->checks[i], &what);
        out_printf(o, "%s  %s:", skip ? "skip" : r.pass ? "pass" : "FAIL", s->source);
        out_obj_begin(o, NULL);
        out_int(o, "line", "%lld: ", s->checks[i].line);
        out_str(o, "check", "%s — ", sb_str(&what));
        out_bool(o, "pass", NULL, r.pass);
        out_bool(o, "skipped", NULL, skip);
        out_str(o, "why", "%s\n", r.why);
        out_obj_end(o);
        sb_free(&what);
        skipped += skip;
        if (!r.pass && !skip)
            failed++;
    }
    out_arr_end(o);
    out_int(o, "passed", NULL, (int)s->nchecks - failed - skipped);
    out_int(o, "failed", NULL, failed);
    out_int(o, "skipped", NULL, skipped);
    return failed;
}
