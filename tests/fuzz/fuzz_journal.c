/* fuzz_journal.c — a journal file as `umlab cleanup` finds it after a crash (or
 * as a hostile user left it): parsed into records, each record formatted back,
 * and the formatted journal parsed again, which must give the same records.
 * The undo plan holds every record once, refuses the invalid ones and deletes
 * no bridge before the release of its ports, no VXLAN device before its own
 * release, and no link before umlab's qdisc on it is removed and its being
 * down undone. Nothing is undone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"
#include "core/undo_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_record(const struct jrecord *a, const struct jrecord *b)
{
    if (a->seq != b->seq || a->kind != b->kind || a->nargs != b->nargs || a->done != b->done ||
        strcmp(a->netns, b->netns) != 0)
        return false;
    for (int i = 0; i < a->nargs; i++)
        if (strcmp(a->args[i], b->args[i]) != 0)
            return false;
    return true;
}

/* Formats RECS as a journal text (header, records, done marks) or NULL when a
 * record does not format. */
static char *format_all(const struct jrecord *recs, size_t n)
{
    size_t cap = 64 + n * (JOURNAL_ARG_MAX * (JOURNAL_MAX_ARGS + 1) + 32);
    char *text = malloc(cap);
    if (!text)
        return NULL;
    size_t len = (size_t)snprintf(text, cap, "umlab-journal 1\n");
    for (size_t i = 0; i < n; i++) {
        int m = journal_format(&recs[i], text + len, cap - len);
        if (m < 0) {
            free(text);
            return NULL;
        }
        len += (size_t)m;
        if (recs[i].done)
            len += (size_t)snprintf(text + len, cap - len, "%u-done\n", recs[i].seq);
    }
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct jrecord *recs;
    size_t n;
    struct err e;
    int rc = journal_parse(text, &recs, &n, &e);
    free(text);
    if (rc < 0) {
        if (recs || n) /* a failed parse leaves nothing behind */
            abort();
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const struct jrecord *r = &recs[i];
        if (r->invalid) { /* kept to be reported (NUL, over-long field): must say why */
            if (!r->why[0])
                abort();
            continue;
        }
        if (r->kind < 0 || r->kind >= J_KIND_COUNT || r->nargs < 0 || r->nargs > JOURNAL_MAX_ARGS ||
            strlen(r->netns) >= JOURNAL_ARG_MAX)
            abort();
        for (int k = 0; k < r->nargs; k++)
            if (strnlen(r->args[k], JOURNAL_ARG_MAX) >= JOURNAL_ARG_MAX)
                abort();
        (void)journal_kind_name(r->kind);
    }

    /* Planning never executes anything and refuses every invalid record. */
    static const struct undo_scope scope = {.statedir = "/run/umlab/lab", .lab = "lab"};
    struct undo_step *steps;
    size_t nsteps;
    if (undo_plan(recs, n, &scope, &steps, &nsteps, &e) == 0) {
        if (nsteps != n)
            abort();
        unsigned char *seen = calloc(n ? n : 1, 1);
        if (!seen)
            abort();
        for (size_t k = 0; k < nsteps; k++) {
            size_t i = steps[k].rec;
            if (i >= n || seen[i]++ || (recs[i].invalid && steps[k].act != UNDO_REFUSE))
                abort();
            /* A bridge is deleted after every release of a port from it, a
             * VXLAN device after its release from its bridge, and any link
             * after umlab's qdisc on it is removed and its being down undone. */
            enum jkind k0 = recs[i].kind;
            if (steps[k].act != UNDO_RUN ||
                (k0 != J_BRIDGE && k0 != J_VXLAN && k0 != J_TAP && k0 != J_VETH))
                continue;
            int field = k0 == J_BRIDGE ? 1 : 0; /* brport PORT BRIDGE */
            for (size_t j = k + 1; j < nsteps; j++) {
                const struct jrecord *p = &recs[steps[j].rec];
                if (steps[j].act != UNDO_RUN || strcmp(p->netns, recs[i].netns) != 0)
                    continue;
                if ((p->kind == J_BRPORT && (k0 == J_BRIDGE || k0 == J_VXLAN) &&
                     strcmp(p->args[field], recs[i].args[0]) == 0) ||
                    ((p->kind == J_NETEM || p->kind == J_LINKDOWN) &&
                     strcmp(p->args[0], recs[i].args[0]) == 0))
                    abort();
            }
        }
        free(seen);
        free(steps);
    }

    /* What parses must survive a round trip through the writer's format. */
    char *again = format_all(recs, n);
    if (again) {
        struct jrecord *recs2;
        size_t n2;
        if (journal_parse(again, &recs2, &n2, &e) < 0 || n2 != n)
            abort();
        for (size_t i = 0; i < n; i++)
            if (!same_record(&recs[i], &recs2[i]))
                abort();
        free(recs2);
        free(again);
    }
    free(recs);
    return 0;
}
