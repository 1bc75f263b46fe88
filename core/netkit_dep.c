/* netkit_dep.c — lab.dep, the boot order: make-like rules `M: A B …` (M
 * boots after A and B have booted), `#` comments. Every name must be a
 * machine of the lab; a cycle is refused, naming it. The guests are put in
 * waves: wave 0 depends on nothing, wave k on guests of earlier waves only,
 * and reordered by wave (lab.conf order within one). */
#include <stdlib.h>
#include <string.h>

#include "core/netkit_internal.h"

struct graph {
    size_t n;
    int *line; /* line[a * n + b]: the line saying a boots after b, 0: none */
};

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Reads the names of the words in LIST (blank-separated) into IDX. */
static int names(const struct lab_spec *s, char *list, int *idx, size_t *n, const char *file,
                 int line, struct err *e)
{
    *n = 0;
    char *save = NULL;
    for (char *w = strtok_r(list, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        int g = labfile_find_guest(s, w);
        if (g < 0)
            return nk_fail(e, file, line, "unknown machine '%s'", w);
        if (*n == LABFILE_MAX_GUESTS)
            return nk_fail(e, file, line, "more than %d names", LABFILE_MAX_GUESTS);
        idx[(*n)++] = g;
    }
    return 0;
}

static int read_rules(struct netkit_lab *lab, struct graph *gr, const char *file, const char *text,
                      size_t len, struct err *e)
{
    char *buf = malloc(NK_LINE_MAX);
    int *tg = malloc(sizeof *tg * LABFILE_MAX_GUESTS),
        *dp = malloc(sizeof *dp * LABFILE_MAX_GUESTS);
    int rc = -1, got;
    if (!buf || !tg || !dp) {
        nk_fail(e, file, 0, "out of memory");
        goto out;
    }
    struct nk_lines it;
    nk_lines_init(&it, text, len);
    while ((got = nk_next_line(&it, buf, file, e)) > 0) {
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *s = buf;
        while (blank(*s))
            s++;
        if (!*s)
            continue;
        char *colon = strchr(s, ':');
        if (!colon || colon[1] == ':' || strchr(s, '=')) {
            nk_fail(e, file, it.line, "expected MACHINE: MACHINE …");
            goto out;
        }
        *colon = '\0';
        size_t nt, nd;
        if (names(lab->spec, s, tg, &nt, file, it.line, e) < 0 ||
            names(lab->spec, colon + 1, dp, &nd, file, it.line, e) < 0)
            goto out;
        if (nt == 0) {
            nk_fail(e, file, it.line, "expected MACHINE: MACHINE …");
            goto out;
        }
        for (size_t a = 0; a < nt; a++)
            for (size_t b = 0; b < nd; b++)
                if (!gr->line[(size_t)tg[a] * gr->n + (size_t)dp[b]])
                    gr->line[(size_t)tg[a] * gr->n + (size_t)dp[b]] = it.line;
    }
    rc = got < 0 ? -1 : 0;
out:
    free(buf);
    free(tg);
    free(dp);
    return rc;
}

/* Names a cycle among the guests left (LEFT), from the one with the lowest
 * index: "a -> b -> a", and the line of its first rule. */
static int cycle(const struct lab_spec *s, const struct graph *gr, const bool *left,
                 const char *file, struct err *e)
{
    size_t n = gr->n, start = 0;
    while (!left[start])
        start++;
    /* Walk dependencies among the guests left until one repeats: each has one. */
    int *seen = calloc(n, sizeof *seen); /* position on the walk, from 1 */
    size_t *path = calloc(n + 1, sizeof *path);
    if (!seen || !path) {
        free(seen);
        free(path);
        return nk_fail(e, file, 0, "out of memory");
    }
    size_t len = 0, at = start;
    while (!seen[at]) {
        seen[at] = (int)++len;
        path[len - 1] = at;
        size_t next = n;
        for (size_t b = 0; b < n && next == n; b++)
            if (left[b] && gr->line[at * n + b])
                next = b;
        at = next; /* a guest left has a dependency left */
    }
    size_t from = (size_t)seen[at] - 1;
    struct strbuf b = {0};
    for (size_t i = from; i < len; i++)
        sb_printf(&b, "%s -> ", s->guests[path[i]].name);
    sb_printf(&b, "%s", s->guests[at].name);
    int line = gr->line[path[from] * n + (from + 1 < len ? path[from + 1] : at)];
    nk_fail(e, file, line, "a boot order cycle: %s", b.oom ? "(out of memory)" : sb_str(&b));
    sb_free(&b);
    free(seen);
    free(path);
    return -1;
}

/* Waves by repeatedly taking the guests whose dependencies are all placed. */
static int waves(struct netkit_lab *lab, const struct graph *gr, const char *file, struct err *e)
{
    size_t n = gr->n, placed = 0;
    bool *left = malloc(n ? n : 1);
    bool *now = malloc(n ? n : 1);
    if (!left || !now) {
        free(left);
        free(now);
        return nk_fail(e, file, 0, "out of memory");
    }
    memset(left, 1, n);
    int w = 0;
    while (placed < n) {
        size_t got = 0;
        for (size_t a = 0; a < n; a++) {
            now[a] = false;
            if (!left[a])
                continue;
            bool ready = true;
            for (size_t b = 0; b < n && ready; b++)
                ready = !(left[b] && gr->line[a * n + b]);
            now[a] = ready;
            got += ready;
        }
        if (!got) {
            int rc = cycle(lab->spec, gr, left, file, e);
            free(left);
            free(now);
            return rc;
        }
        for (size_t a = 0; a < n; a++) {
            if (now[a]) {
                left[a] = false;
                lab->guests[a].wave = w;
            }
        }
        placed += got;
        w++;
    }
    lab->nwaves = w ? w : 1;
    free(left);
    free(now);
    return 0;
}

/* Stable reorder of the guests (and their netkit_guest) by wave. */
static int reorder(struct netkit_lab *lab, struct err *e)
{
    struct lab_spec *s = lab->spec;
    size_t n = s->nguests;
    struct labfile_guest *g = malloc(sizeof *g * (n ? n : 1));
    struct netkit_guest *ng = malloc(sizeof *ng * (n ? n : 1));
    if (!g || !ng) {
        free(g);
        free(ng);
        return err_set(e, "out of memory");
    }
    size_t k = 0;
    for (int w = 0; w < lab->nwaves; w++) {
        for (size_t i = 0; i < n; i++) {
            if (lab->guests[i].wave == w) {
                g[k] = s->guests[i];
                ng[k++] = lab->guests[i];
            }
        }
    }
    memcpy(s->guests, g, sizeof *g * n);
    memcpy(lab->guests, ng, sizeof *ng * n);
    free(g);
    free(ng);
    return 0;
}

int netkit_parse_dep(struct netkit_lab *lab, const char *name, const char *text, size_t len,
                     struct err *e)
{
    if (len > NETKIT_FILE_MAX)
        return nk_fail(e, name, 0, "larger than %d bytes", NETKIT_FILE_MAX);
    struct graph gr = {.n = lab->spec->nguests};
    if (!(gr.line = calloc(gr.n * gr.n + 1, sizeof *gr.line)))
        return nk_fail(e, name, 0, "out of memory");
    int rc = read_rules(lab, &gr, name, text, len, e);
    if (rc == 0)
        rc = waves(lab, &gr, name, e);
    if (rc == 0)
        rc = reorder(lab, e);
    free(gr.line);
    return rc;
}
