/* checklist.c — see checklist.h. */
#include "core/checklist.h"

#include <stdlib.h>
#include <string.h>

#include "core/ctlchan.h"
#include "core/lab.h"

const char *checklist_state_name(enum checklist_state st)
{
    switch (st) {
    case CHECKLIST_PENDING:
        return "pending";
    case CHECKLIST_PASS:
        return "pass";
    case CHECKLIST_FAIL:
        return "FAIL";
    case CHECKLIST_NOEVAL:
        return "not evaluated";
    }
    return "?";
}

int checklist_new(struct checklist **out, struct lab *lab, const struct lab_spec *s,
                  const struct labcheck_base *b, struct err *e)
{
    struct checklist *cl = calloc(1, sizeof *cl);
    if (!cl || !(cl->items = calloc(s->nchecks + 1, sizeof *cl->items))) {
        free(cl);
        return err_sys(e, "checklist");
    }
    cl->lab = lab;
    cl->spec = s;
    cl->base = b;
    cl->n = s->nchecks;
    cl->focus = -1;
    for (size_t i = 0; i < cl->n; i++) {
        cl->items[i].cl = cl;
        cl->items[i].idx = i;
        snprintf(cl->items[i].why, sizeof cl->items[i].why, "not evaluated yet");
    }
    *out = cl;
    return 0;
}

static void judged(struct checklist_item *it, const struct labcheck_result *r)
{
    it->state = r->pass ? CHECKLIST_PASS : CHECKLIST_FAIL;
    it->evals++;
    snprintf(it->why, sizeof it->why, "%s", r->why);
    if (it->cl->changed)
        it->cl->changed(it->cl->ctx, it->idx);
}

static void noeval(struct checklist_item *it, const char *why)
{
    it->state = CHECKLIST_NOEVAL;
    it->evals++;
    snprintf(it->why, sizeof it->why, "%s", why);
    if (it->cl->changed)
        it->cl->changed(it->cl->ctx, it->idx);
}

static void answered(void *ctx, const struct ctlchan_result *res)
{
    struct checklist_item *it = ctx;
    it->busy = false;
    it->on = NULL;
    if (!res->ok) {
        char why[LABCHECK_WHY_MAX];
        snprintf(why, sizeof why, "not evaluated: %s", res->error);
        noeval(it, why);
        return;
    }
    struct labcheck_result r;
    labcheck_judge(it->cl->lab, it->cl->spec, it->idx, res->status, res->output, &r);
    judged(it, &r);
}

static void eval_one(struct checklist *cl, size_t i)
{
    struct checklist_item *it = &cl->items[i];
    if (it->busy)
        return;
    const struct labfile_check *c = &cl->spec->checks[i];
    struct labcheck_result r;
    char cmd[CTLCHAN_CMD_MAX + 1];
    int need = labcheck_guest_cmd(cl->lab, cl->spec, i, cmd, sizeof cmd, &r);
    if (need < 0) {
        judged(it, &r);
        return;
    }
    if (need == 0) { /* counter, screen: read on the host side, nothing typed */
        labcheck_eval(cl->lab, cl->spec, cl->base, i, &r);
        judged(it, &r);
        return;
    }
    const char *name = cl->spec->guests[c->guest].name;
    struct guest *g = lab_find_guest(cl->lab, name);
    char why[LABCHECK_WHY_MAX];
    if (!g || g->state != GUEST_RUNNING) {
        snprintf(why, sizeof why, "not evaluated: %s %s", name,
                 !g ? "is not in the lab" : "is not running");
        noeval(it, why);
        return;
    }
    if (!g->ctl) {
        snprintf(why, sizeof why, "not evaluated: %s has no control channel", name);
        noeval(it, why);
        return;
    }
    struct err e;
    if (ctlchan_exec(g->ctl, cmd, CHECKLIST_EXEC_MS, answered, it, &e) < 0) {
        snprintf(why, sizeof why, "not evaluated: %s", e.msg);
        noeval(it, why);
        return;
    }
    it->busy = true;
    it->on = g;
}

void checklist_round(struct checklist *cl)
{
    for (size_t i = 0; i < cl->n; i++)
        if (cl->focus < 0 || (size_t)cl->focus == i)
            eval_one(cl, i);
    cl->next_ms = loop_now_ms() + CHECKLIST_PERIOD_MS;
}

bool checklist_settled(const struct checklist *cl)
{
    for (size_t i = 0; i < cl->n; i++)
        if ((cl->focus < 0 || (size_t)cl->focus == i) &&
            (cl->items[i].busy || cl->items[i].evals == 0))
            return false;
    return true;
}

void checklist_run(struct checklist *cl, bool on)
{
    if (on && !cl->running)
        checklist_round(cl);
    cl->running = on;
}

void checklist_tick(struct checklist *cl, int64_t now_ms)
{
    if (cl && cl->running && now_ms >= cl->next_ms)
        checklist_round(cl);
}

void checklist_free(struct checklist *cl)
{
    if (!cl)
        return;
    for (size_t i = 0; i < cl->n; i++)
        if (cl->items[i].busy && cl->items[i].on && cl->items[i].on->ctl)
            ctlchan_forget(cl->items[i].on->ctl, &cl->items[i]);
    free(cl->items);
    free(cl);
}
