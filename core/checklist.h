/* checklist.h — a lab's checks evaluated live, at low rate, for the console's
 * checklist pane and for lessons: each check pending, pass, FAIL or not
 * evaluated (a guest without a control channel: never typed into its
 * console). A round starts every CHECKLIST_PERIOD_MS while the checklist
 * runs: counter and screen checks are judged at once (no guest involved),
 * the others run their command on the guest's control channel (ctlchan.h)
 * and are judged when it answers. Nothing blocks the event loop. */
#ifndef UMLAB_CHECKLIST_H
#define UMLAB_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/labcheck.h"
#include "core/labfile.h"

#define CHECKLIST_PERIOD_MS 3000
#define CHECKLIST_EXEC_MS   8000 /* a guest command's time (a ping waits 2 s) */

struct lab;
struct checklist;

enum checklist_state { CHECKLIST_PENDING, CHECKLIST_PASS, CHECKLIST_FAIL, CHECKLIST_NOEVAL };

struct checklist_item {
    struct checklist *cl;
    size_t idx;
    enum checklist_state state;
    bool busy;        /* its command runs in the guest */
    struct guest *on; /* ...on this guest's channel */
    unsigned evals;   /* how many times it was judged */
    char why[LABCHECK_WHY_MAX];
};

struct checklist {
    struct lab *lab;
    const struct lab_spec *spec;      /* not owned */
    const struct labcheck_base *base; /* may be NULL */
    struct checklist_item *items;
    size_t n;
    bool running;
    int64_t next_ms;
    long focus; /* -1: every check; else only this one is evaluated (a lesson's step) */
    void (*changed)(void *ctx, size_t idx); /* a check was judged; may be NULL */
    void *ctx;
};

int checklist_new(struct checklist **out, struct lab *lab, const struct lab_spec *s,
                  const struct labcheck_base *b, struct err *e);
/* Starts (a round now, then one every period) or stops evaluating. */
void checklist_run(struct checklist *cl, bool on);
/* One round now (checks whose command still runs are left to it). */
void checklist_round(struct checklist *cl);
/* Whether every check of the round (or the focus) has been judged once. */
bool checklist_settled(const struct checklist *cl);
void checklist_tick(struct checklist *cl, int64_t now_ms);
void checklist_free(struct checklist *cl);
const char *checklist_state_name(enum checklist_state st); /* "pass", "FAIL", … */

#endif
