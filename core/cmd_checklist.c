/* cmd_checklist.c — `checklist [on|off]`: the lab's checks evaluated live
 * (checklist.h) — shown by the console while on — and `lesson [FILE]`: start a
 * lesson (lesson.h), or say where it is. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/checklist.h"
#include "core/cmds.h"
#include "core/labapply.h"
#include "core/lesson.h"
#include "core/useropen.h"

static int ensure(struct lab *lab, struct err *e)
{
    if (lab->checklist)
        return 0;
    const struct lab_spec *s = labapply_spec(lab);
    if (!s || s->nchecks == 0)
        return err_set(e, "checklist: this lab has no checks (open a lab file with `check` lines)");
    const struct labapply *a = lab->applied;
    return checklist_new(&lab->checklist, lab, s, &a->base, e);
}

static bool settled(void *ctx)
{
    return checklist_settled(ctx);
}

/* Every check of CL in O: a line each and a "checks" array. */
static void put_checks(const struct checklist *cl, size_t only, struct out *o)
{
    const struct lab_spec *s = cl->spec;
    int counts[4] = {0};
    out_arr_begin(o, "checks");
    for (size_t i = 0; i < cl->n; i++) {
        if (only != (size_t)-1 && i != only)
            continue;
        const struct checklist_item *it = &cl->items[i];
        struct strbuf what = {0};
        labfile_check_format(s, &s->checks[i], &what);
        out_obj_begin(o, NULL);
        out_str(o, "state", "%-7s ", checklist_state_name(it->state));
        out_printf(o, "%s:", s->source);
        out_int(o, "line", "%lld: ", s->checks[i].line);
        out_str(o, "check", "%s — ", sb_str(&what));
        out_str(o, "why", "%s\n", it->why);
        out_obj_end(o);
        counts[it->state]++;
        sb_free(&what);
    }
    out_arr_end(o);
    out_int(o, "passed", NULL, counts[CHECKLIST_PASS]);
    out_int(o, "failed", NULL, counts[CHECKLIST_FAIL]);
    out_int(o, "pending", NULL, counts[CHECKLIST_PENDING]);
    out_int(o, "not_evaluated", NULL, counts[CHECKLIST_NOEVAL]);
}

static int checklist_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    if (ensure(lab, e) < 0)
        return -1;
    struct checklist *cl = lab->checklist;
    if (a->argc == 1) {
        bool on = strcmp(a->argv[0], "on") == 0;
        if (!on && strcmp(a->argv[0], "off") != 0)
            return err_set(e, "checklist: on or off, not '%s'", a->argv[0]);
        lab->checklist_shown = on;
        checklist_run(cl, on);
        out_bool(o, "shown", "checklist %s", on);
        out_printf(o, on ? ": re-evaluated every %d s while shown\n" : "\n",
                   CHECKLIST_PERIOD_MS / 1000);
        return 0;
    }
    if (!cl->running) {
        /* no live rounds: one now, through the control channels */
        checklist_round(cl);
        if (lab_wait(lab, settled, cl, CHECKLIST_EXEC_MS * 4, "the checks", e) < 0)
            return -1;
    }
    put_checks(cl, (size_t)-1, o);
    return 0;
}

const struct cmd_entry cmd_checklist = {
    .name = "checklist",
    .usage = "[on|off]",
    .summary = "the lab file's checks as the live checklist sees them (pass, FAIL, pending, not "
               "evaluated), run through the guests' control channels, never typed into a console; "
               "on/off: show it in the console, re-evaluated every few seconds",
    .args = {.max = 1},
    .exec = checklist_cmd,
};

static int lesson_open(struct lab *lab, const char *path, struct out *o, struct err *e)
{
    struct useropen_who who;
    useropen_who(&who);
    int fd = useropen(&who, path, O_RDONLY, 0, e);
    if (fd < 0)
        return -1;
    struct lesson *ls = NULL;
    int rc = lesson_read_fd(fd, path, &ls, e);
    close(fd);
    if (rc < 0)
        return -1;
    out_str(o, "lesson", "lesson: %s\n", ls->title ? ls->title : path);
    size_t n = ls->nsteps;
    if (lesson_start(lab, ls, o->progress, o->progress_ctx, e) < 0)
        return -1;
    out_int(o, "steps", "%lld steps; ", (long long)n);
    out_printf(o, "the console shows the current step at the top of the side pane\n");
    return 0;
}

static int lesson_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    if (a->argc == 1)
        return lesson_open(lab, a->argv[0], o, e);
    struct lesson *ls = lab->lesson;
    if (!ls)
        return err_set(e, "lesson: none running (start one with `lesson FILE`)");
    out_str(o, "lesson", "lesson: %s\n", ls->title ? ls->title : ls->source);
    out_int(o, "step", "step %lld", (long long)(ls->cur < ls->nsteps ? ls->cur + 1 : ls->nsteps));
    out_int(o, "steps", " of %lld", (long long)ls->nsteps);
    out_bool(o, "done", NULL, ls->cur >= ls->nsteps);
    if (ls->cur >= ls->nsteps) {
        out_printf(o, ": done, every step's check passed\n");
        return 0;
    }
    out_str(o, "text", ": %s\n", ls->steps[ls->cur].text);
    put_checks(ls->cl, ls->steps[ls->cur].check, o);
    return 0;
}

const struct cmd_entry cmd_lesson = {
    .name = "lesson",
    .usage = "[FILE]",
    .summary = "start the lesson in FILE (docs/LESSONS.md: its lab is built, the console shows "
               "the current step and moves on when its check is true); no FILE: where it is",
    .args = {.max = 1},
    .exec = lesson_cmd,
};
