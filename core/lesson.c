/* lesson.c — see lesson.h. */
#include "core/lesson.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/checklist.h"
#include "core/lab.h"
#include "core/labapply.h"

/* Blanks and tabs at both ends of [*S, *S + *N) dropped (and a CR). */
static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* Whether LINE's first word is KW; *REST is what follows it, trimmed. */
static bool keyword(const char *line, size_t n, const char *kw, const char **rest, size_t *rn)
{
    const char *s = line;
    trim(&s, &n);
    size_t k = strlen(kw);
    if (n < k || memcmp(s, kw, k) != 0 || (n > k && s[k] != ' ' && s[k] != '\t'))
        return false;
    *rest = s + k;
    *rn = n - k;
    trim(rest, rn);
    return true;
}

static int fail(struct err *e, const char *name, int line, const char *msg)
{
    return err_set(e, "%s:%d: %s", name, line, msg);
}

/* Takes `lesson`, `step` and `guest NAME later` lines out of TEXT (made
 * comments, so line numbers and the lab-file parser's byte checks stay) into
 * LS; the rest is the lab file. */
static int take_lines(struct lesson *ls, const char *name, char *text, size_t len,
                      char later[][LABFILE_NAME_MAX], size_t *nlater, struct err *e)
{
    int line = 0;
    for (size_t i = 0; i < len;) {
        char *l = text + i;
        size_t n = strcspn(l, "\n");
        if (i + n > len)
            n = len - i;
        line++;
        const char *rest;
        size_t rn;
        if (keyword(l, n, "lesson", &rest, &rn) || keyword(l, n, "step", &rest, &rn)) {
            bool step = !keyword(l, n, "lesson", &rest, &rn);
            if (rn == 0)
                return fail(e, name, line,
                            step ? "a step needs its text" : "a lesson needs its title");
            if (rn > LESSON_TEXT_MAX)
                return fail(e, name, line, "text longer than 400 bytes");
            char *copy = strndup(rest, rn);
            if (!copy)
                return err_sys(e, "%s", name);
            if (step) {
                if (ls->nsteps == LESSON_MAX_STEPS) {
                    free(copy);
                    return fail(e, name, line, "more than 64 steps");
                }
                ls->steps[ls->nsteps++] = (struct lesson_step){copy, (size_t)-1, line};
            } else {
                if (ls->title) {
                    free(copy);
                    return fail(e, name, line, "a second lesson title");
                }
                ls->title = copy;
            }
            *l = '#'; /* a comment for the lab-file parser, which still checks its bytes */
        } else if (keyword(l, n, "guest", &rest, &rn) && rn > 6 &&
                   memcmp(rest + rn - 6, " later", 6) == 0) {
            size_t w = rn - 6;
            while (w && (rest[w - 1] == ' ' || rest[w - 1] == '\t'))
                w--;
            if (w == 0 || w >= LABFILE_NAME_MAX || memchr(rest, ' ', w))
                return fail(e, name, line, "`guest NAME later` takes a name and nothing else");
            memcpy(later[*nlater], rest, w);
            later[*nlater][w] = '\0';
            (*nlater)++;
            /* the parser sees `guest NAME` */
            char *p = (char *)rest + rn - 5;
            memset(p, ' ', 5);
        }
        i += n + 1;
    }
    return 0;
}

/* Each step's check: the one check line after it, before the next step. */
static int bind_checks(struct lesson *ls, const char *name, struct err *e)
{
    const struct lab_spec *s = ls->spec;
    for (size_t c = 0; c < s->nchecks; c++) {
        int ln = s->checks[c].line;
        size_t k = ls->nsteps;
        while (k > 0 && ls->steps[k - 1].line > ln)
            k--;
        if (k == 0)
            return fail(e, name, ln, "a check before the first step");
        if (ls->steps[k - 1].check != (size_t)-1)
            return fail(e, name, ln, "a step takes one check (this is its second)");
        ls->steps[k - 1].check = c;
    }
    for (size_t k = 0; k < ls->nsteps; k++)
        if (ls->steps[k].check == (size_t)-1)
            return fail(e, name, ls->steps[k].line, "a step needs a check line after it");
    if (ls->nsteps == 0)
        return err_set(e, "%s: a lesson needs at least one `step` line", name);
    return 0;
}

int lesson_parse(const char *name, const char *text, size_t len, struct lesson **out, struct err *e)
{
    *out = NULL;
    if (len > LABFILE_SIZE_MAX)
        return err_set(e, "%s: larger than %d bytes", name, LABFILE_SIZE_MAX);
    struct lesson *ls = calloc(1, sizeof *ls);
    char *copy = malloc(len + 1);
    char(*later)[LABFILE_NAME_MAX] = calloc(LABFILE_MAX_GUESTS, sizeof *later);
    if (ls)
        ls->steps = calloc(LESSON_MAX_STEPS, sizeof *ls->steps);
    if (!ls || !copy || !later || !ls->steps || !(ls->source = strdup(name))) {
        free(copy);
        free(later);
        lesson_free(ls);
        return err_sys(e, "%s", name);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    size_t nlater = 0;
    int rc = memchr(copy, '\0', len) ? err_set(e, "%s: a NUL byte", name)
                                     : take_lines(ls, name, copy, len, later, &nlater, e);
    if (rc == 0)
        rc = labfile_parse(name, copy, len, &ls->spec, e);
    if (rc == 0) {
        for (size_t i = 0; i < nlater; i++)
            for (size_t g = 0; g < ls->spec->nguests; g++)
                if (strcmp(ls->spec->guests[g].name, later[i]) == 0)
                    ls->spec->guests[g].later = true;
        rc = bind_checks(ls, name, e);
    }
    free(copy);
    free(later);
    if (rc < 0) {
        lesson_free(ls);
        return -1;
    }
    *out = ls;
    return 0;
}

int lesson_read_fd(int fd, const char *name, struct lesson **out, struct err *e)
{
    char *buf;
    size_t len;
    if (labfile_slurp_fd(fd, name, &buf, &len, e) < 0)
        return -1;
    int rc = lesson_parse(name, buf, len, out, e);
    free(buf);
    return rc;
}

/* The current step's check passed: on to the next (and on again if that one
 * is already true: it is judged at once). */
static void on_judged(void *ctx, size_t idx)
{
    struct lesson *ls = ctx;
    if (ls->cur >= ls->nsteps || idx != ls->steps[ls->cur].check ||
        ls->cl->items[idx].state != CHECKLIST_PASS)
        return;
    ls->cur++;
    if (ls->cur >= ls->nsteps) {
        checklist_run(ls->cl, false);
        return;
    }
    ls->cl->focus = (long)ls->steps[ls->cur].check;
    ls->cl->next_ms = 0; /* the next tick judges it */
}

int lesson_start(struct lab *lab, struct lesson *ls, void (*progress)(void *ctx, const char *line),
                 void *pctx, struct err *e)
{
    struct lab_spec *spec = ls->spec;
    ls->spec = NULL;
    if (labapply_build(lab, spec, NULL, progress, pctx, e) < 0) { /* frees lab->lesson */
        lesson_free(ls);
        return -1;
    }
    ls->run_spec = labapply_spec(lab);
    const struct labapply *a = lab->applied;
    if (checklist_new(&ls->cl, lab, ls->run_spec, &a->base, e) < 0) {
        lesson_free(ls);
        return -1;
    }
    ls->cl->changed = on_judged;
    ls->cl->ctx = ls;
    ls->cl->focus = (long)ls->steps[0].check;
    lab->lesson = ls;
    checklist_run(ls->cl, true);
    return 0;
}

void lesson_free(struct lesson *ls)
{
    if (!ls)
        return;
    checklist_free(ls->cl);
    for (size_t i = 0; i < ls->nsteps; i++)
        free(ls->steps[i].text);
    free(ls->steps);
    free(ls->title);
    free(ls->source);
    labfile_free(ls->spec);
    free(ls);
}
