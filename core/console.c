/* console.c — see console.h. */
#include "core/console.h"

#include <stdlib.h>

#include "core/guest.h"

static bool at_prompt(void *ctx)
{
    return guest_at_prompt(ctx);
}

static bool exited(const struct guest *g)
{
    return g->state == GUEST_EXITED;
}

int console_wait_prompt(struct lab *lab, struct guest *g, int timeout_ms, struct err *e)
{
    char what[64];
    snprintf(what, sizeof what, "%s's shell prompt", g->name);
    if (exited(g))
        return err_set(e, "%s is not running", g->name);
    if (lab_wait(lab, at_prompt, g, timeout_ms, what, e) < 0)
        return -1;
    return 0;
}

int console_ready(struct lab *lab, struct guest *g, int timeout_ms, struct err *e)
{
    if (exited(g))
        return err_set(e, "%s is not running (restart it with `guest restart %s`)", g->name,
                       g->name);
    if (g->state == GUEST_BOOTING)
        return console_wait_prompt(lab, g, timeout_ms, e);
    if (!guest_at_prompt(g))
        return err_set(e, "%s is not at a shell prompt (busy with a command?)", g->name);
    return 0;
}

struct after_ctx {
    struct guest *g;
    uint64_t line;
};

/* The prompt again, on a later line than the one the command was typed on. */
static bool prompt_after(void *ctx)
{
    struct after_ctx *a = ctx;
    return exited(a->g) || (guest_at_prompt(a->g) && pane_cursor_line(&a->g->pane) > a->line);
}

int console_run(struct lab *lab, struct guest *g, const char *line, int timeout_ms, uint64_t *start,
                struct err *e)
{
    if (console_ready(lab, g, timeout_ms, e) < 0)
        return -1;
    struct after_ctx a = {g, pane_cursor_line(&g->pane)};
    if (start)
        *start = a.line;
    size_t n = strlen(line);
    char *typed = malloc(n + 2);
    if (!typed)
        return err_sys(e, "console");
    memcpy(typed, line, n);
    typed[n] = '\r';
    typed[n + 1] = '\0';
    int rc = guest_send(g, typed, e);
    free(typed);
    if (rc < 0)
        return -1;
    char what[80];
    snprintf(what, sizeof what, "%s to finish the command", g->name);
    if (lab_wait(lab, prompt_after, &a, timeout_ms, what, e) < 0)
        return -1;
    if (exited(g))
        return err_set(e, "%s exited", g->name);
    return 0;
}

/* Lines above the cursor are settled; a pattern is looked for again only from
 * a few lines above the cursor, so a flood costs O(output), not O(output^2). */
#define EXPECT_OVERLAP 4

struct expect_ctx {
    struct guest *g;
    const regex_t *re;
    struct strbuf text;
    uint64_t from; /* absolute line the text starts at */
    regmatch_t m;
    bool found;
};

static bool expect_match(void *ctx)
{
    struct expect_ctx *x = ctx;
    uint64_t cur = pane_cursor_line(&x->g->pane);
    if (x->from < x->g->expect_mark)
        x->from = x->g->expect_mark;
    x->text.len = 0;
    if (x->text.s)
        x->text.s[0] = '\0';
    pane_text(&x->g->pane, x->from, &x->text);
    x->found = regexec(x->re, sb_str(&x->text), 1, &x->m, 0) == 0;
    if (!x->found && cur > x->from + EXPECT_OVERLAP)
        x->from = cur - EXPECT_OVERLAP;
    return x->found || exited(x->g);
}

int console_expect(struct lab *lab, struct guest *g, const regex_t *re, int timeout_ms, char *match,
                   size_t matchsz, struct err *e)
{
    struct expect_ctx x = {.g = g, .re = re};
    char what[64];
    snprintf(what, sizeof what, "the pattern on %s", g->name);
    int rc = lab_wait(lab, expect_match, &x, timeout_ms, what, e);
    if (rc == 0 && !x.found)
        rc = err_set(e, "%s exited before the pattern appeared", g->name);
    if (rc == 0) {
        const char *t = sb_str(&x.text);
        /* the whole line holding the match, and where the mark goes next */
        size_t bol = (size_t)x.m.rm_so, eol = (size_t)x.m.rm_eo;
        while (bol > 0 && t[bol - 1] != '\n')
            bol--;
        while (t[eol] && t[eol] != '\n')
            eol++;
        if (matchsz)
            snprintf(match, matchsz, "%.*s", (int)(eol - bol), t + bol);
        uint64_t lines = 0;
        for (size_t i = 0; i < eol; i++)
            lines += t[i] == '\n';
        uint64_t pushed = term_lines_pushed(g->pane.term);
        uint64_t oldest = pushed - (uint64_t)term_scrollback_count(g->pane.term);
        uint64_t from = x.from < oldest ? oldest : x.from;
        uint64_t next = from + lines + 1;
        uint64_t cur = pane_cursor_line(&g->pane);
        g->expect_mark = next > cur ? cur : next;
    }
    sb_free(&x.text);
    return rc;
}
