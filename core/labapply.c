/* labapply.c — see labapply.h. */
#include "core/labapply.h"

#include <arpa/inet.h>
#include <stdio.h>
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
    checkserve_stop(a->serve);
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

/* A part's check service, said in the progress (not serving is no error:
 * this host's checks are then only run here). */
static void start_service(struct lab *lab, struct labapply *a,
                          void (*progress)(void *ctx, const char *line), void *ctx)
{
    const struct lab_spec *s = a->spec;
    struct err e;
    char line[LABCHECK_WHY_MAX + 128], as[INET_ADDRSTRLEN];
    if (checkserve_start(&a->serve, lab, s, &a->base, &e) < 0)
        snprintf(line, sizeof line,
                 "check service not started: %s: other hosts' `check` cannot run this host's "
                 "checks",
                 e.msg);
    else if (a->serve)
        snprintf(line, sizeof line,
                 "check service: host %s's checks answered on %s TCP port %d (docs/MULTIHOST.md)",
                 s->hosts[s->as_host].name, addr_str(s->hosts[s->as_host].addr, as),
                 s->hosts[s->as_host].check_port);
    else
        return;
    if (progress)
        progress(ctx, line);
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
    if (labfile_to_commands(s, run_line, &r))
        return -1;
    start_service(lab, a, progress, ctx);
    return 0;
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

/* Whether check I of S is asked of its guest's host (a part's check of
 * another host's guest, that host serving checks). */
static bool asked_elsewhere(const struct lab_spec *s, size_t i)
{
    const struct labfile_check *c = &s->checks[i];
    return s->as_host >= 0 && c->guest >= 0 && !labfile_guest_here(s, (size_t)c->guest) &&
           s->hosts[s->guests[c->guest].host].check_port != 0;
}

/* Check I run by its guest's host; *SKIP when that host says so. A host
 * that did not answer is not asked again in this round (DOWN, its why). */
static void ask_host(struct lab *lab, const struct lab_spec *s, size_t i,
                     char (*down)[LABCHECK_WHY_MAX], bool *skip, struct labcheck_result *r)
{
    int h = s->guests[s->checks[i].guest].host;
    enum checkpeer_verdict v = CHECKPEER_FAIL;
    struct labcheck_result got;
    *skip = false;
    r->pass = false;
    if (down[h][0]) {
        snprintf(r->why, sizeof r->why, "%s", down[h]);
        return;
    }
    if (checkask_run(lab, s, i, &v, &got) < 0) {
        snprintf(down[h], LABCHECK_WHY_MAX, "%s", got.why);
        snprintf(r->why, sizeof r->why, "%s", got.why);
        return;
    }
    *skip = v == CHECKPEER_SKIP;
    r->pass = v == CHECKPEER_PASS;
    snprintf(r->why, sizeof r->why, "on host %s%s: %s", s->hosts[h].name,
             v == CHECKPEER_REFUSED ? ", refused" : "", got.why);
}

/* A reach check of S to a guest on a host that did not answer (DOWN):
 * pinged once, not waited for. */
static bool to_down_host(const struct lab_spec *s, size_t i, char (*down)[LABCHECK_WHY_MAX])
{
    const struct labfile_check *c = &s->checks[i];
    return c->kind == LABFILE_CHECK_REACH && c->to == LABFILE_TO_GUEST && s->as_host >= 0 &&
           !labfile_guest_here(s, (size_t)c->to_guest) && down[s->guests[c->to_guest].host][0];
}

struct judged {
    struct labcheck_result r;
    bool skip, asked;
};

/* Each check's result into J: first those asked of other hosts (quick, and
 * they tell which hosts do not answer), then this host's own. */
static void judge_all(struct lab *lab, struct labapply *a, struct judged *j,
                      char (*down)[LABCHECK_WHY_MAX])
{
    const struct lab_spec *s = a->spec;
    for (size_t i = 0; i < s->nchecks; i++)
        if ((j[i].asked = asked_elsewhere(s, i)))
            ask_host(lab, s, i, down, &j[i].skip, &j[i].r);
    for (size_t i = 0; i < s->nchecks; i++) {
        if (j[i].asked)
            continue;
        /* a multi-host lab's part: what no host here or there can run is skipped */
        if ((j[i].skip = labfile_check_elsewhere(s, i, j[i].r.why, sizeof j[i].r.why)))
            j[i].r.pass = false;
        else
            labcheck_eval_tries(lab, s, &a->base, i,
                                to_down_host(s, i, down) ? 1 : LABCHECK_PEER_TRIES, &j[i].r);
    }
}

int labapply_check(struct lab *lab, struct out *o, int *nskipped, struct err *e)
{
    struct labapply *a = lab->applied;
    if (a && a->nk)
        return netkit_checks(lab, a->nk, o);
    if (!a || a->spec->nchecks == 0)
        return err_set(e, "check: this lab has no checks (open a lab file with `check` lines)");
    const struct lab_spec *s = a->spec;
    int failed = 0, skipped = 0;
    char(*down)[LABCHECK_WHY_MAX] = calloc(s->nhosts + 1, sizeof *down);
    struct judged *j = calloc(s->nchecks, sizeof *j);
    if (!down || !j) {
        free(down);
        free(j);
        return err_sys(e, "check");
    }
    judge_all(lab, a, j, down);
    out_arr_begin(o, "checks");
    for (size_t i = 0; i < s->nchecks; i++) {
        const struct labcheck_result *r = &j[i].r;
        struct strbuf what = {0};
        labfile_check_format(s, &s->checks[i], &what);
        out_printf(o, "%s  %s:", j[i].skip ? "skip" : r->pass ? "pass" : "FAIL", s->source);
        out_obj_begin(o, NULL);
        out_int(o, "line", "%lld: ", s->checks[i].line);
        out_str(o, "check", "%s — ", sb_str(&what));
        out_bool(o, "pass", NULL, r->pass);
        out_bool(o, "skipped", NULL, j[i].skip);
        if (j[i].asked)
            out_str(o, "host", NULL, s->hosts[s->guests[s->checks[i].guest].host].name);
        out_str(o, "why", "%s\n", r->why);
        out_obj_end(o);
        sb_free(&what);
        skipped += j[i].skip;
        if (!r->pass && !j[i].skip)
            failed++;
    }
    out_arr_end(o);
    out_int(o, "passed", NULL, (int)s->nchecks - failed - skipped);
    out_int(o, "failed", NULL, failed);
    out_int(o, "skipped", NULL, skipped);
    free(down);
    free(j);
    if (nskipped)
        *nskipped = skipped;
    return failed;
}
