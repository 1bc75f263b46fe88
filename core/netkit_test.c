/* netkit_test.c — ltest: a machine's test output against its stored
 * signature, the way Netkit's ltest compares them (`diff -bB`): a run of
 * blanks counts as one, blanks (and CRs) at a line's end and blank lines do
 * not count. One line per machine. The output comes from a guest: it is
 * only ever quoted escaped and cut short. */
#include <string.h>

#include "core/netkit_internal.h"

#define QUOTE_MAX 60

/* A text walked one significant line at a time. */
struct cursor {
    const char *p, *end;
    int line; /* of the line last returned, from 1 */
};

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next line with something but blanks in it: [*S, *S + *N) without its
 * trailing blanks. false at the end. */
static bool next(struct cursor *c, const char **s, size_t *n)
{
    while (c->p < c->end) {
        const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
        const char *stop = nl ? nl : c->end;
        const char *b = c->p;
        c->p = nl ? nl + 1 : c->end;
        c->line++;
        while (stop > b && space(stop[-1]))
            stop--;
        if (stop > b) {
            *s = b;
            *n = (size_t)(stop - b);
            return true;
        }
    }
    return false;
}

/* Equal when runs of blanks are taken as one. */
static bool same(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, k = 0;
    while (i < an && k < bn) {
        if (space(a[i]) && space(b[k])) {
            while (i < an && space(a[i]))
                i++;
            while (k < bn && space(b[k]))
                k++;
        } else if (a[i++] != b[k++]) {
            return false;
        }
    }
    return i == an && k == bn;
}

static void quote(struct strbuf *b, const char *s, size_t n)
{
    sb_printf(b, "'");
    nk_escape(b, s, n, QUOTE_MAX);
    sb_printf(b, "'");
}

int netkit_test_compare(const char *sig, size_t siglen, const char *out, size_t outlen,
                        struct strbuf *why)
{
    struct cursor cs = {sig, sig + siglen, 0}, co = {out, out + outlen, 0};
    for (;;) {
        const char *a, *b;
        size_t an, bn;
        bool ha = next(&cs, &a, &an), hb = next(&co, &b, &bn);
        if (!ha && !hb)
            return 0;
        if (ha && hb && same(a, an, b, bn))
            continue;
        if (ha && hb) {
            sb_printf(why, "line %d: expected ", cs.line);
            quote(why, a, an);
            sb_printf(why, ", got ");
            quote(why, b, bn);
        } else if (ha) {
            sb_printf(why, "line %d: expected ", cs.line);
            quote(why, a, an);
            sb_printf(why, ", the output ended");
        } else {
            sb_printf(why, "after the signature's end: ");
            quote(why, b, bn);
        }
        return 1;
    }
}

/* One test of guest GI (its user or shared test): 0 pass, 1 fail (WHY
 * says so), 2 nothing to compare. */
static int one(const char *kind, const char *sig, size_t siglen, const char *out, size_t outlen,
               struct strbuf *why)
{
    if (!sig)
        return 2;
    if (!out) {
        sb_printf(why, "%s test not run", kind);
        return 1;
    }
    struct strbuf r = {0};
    int rc = netkit_test_compare(sig, siglen, out, outlen, &r);
    if (rc)
        sb_printf(why, "%s test, %s", kind, sb_str(&r));
    sb_free(&r);
    return rc;
}

int netkit_test_line(const struct netkit_lab *lab, size_t gi, const char *user_out, size_t user_len,
                     const char *shared_out, size_t shared_len, struct strbuf *line)
{
    const struct netkit_guest *g = &lab->guests[gi];
    const char *name = lab->spec->guests[gi].name;
    struct strbuf why = {0};
    int u = one("user", g->sig_user, g->sig_user_len, user_out, user_len, &why);
    if (u == 1) {
        sb_printf(line, "%s: FAIL: %s", name, sb_str(&why));
        sb_free(&why);
        return 1;
    }
    int s = one("shared", g->sig_shared, g->sig_shared_len, shared_out, shared_len, &why);
    if (s == 1) {
        sb_printf(line, "%s: FAIL: %s", name, sb_str(&why));
        sb_free(&why);
        return 1;
    }
    sb_free(&why);
    if (u == 0 || s == 0) {
        sb_printf(line, "%s: pass (%s)", name,
                  u == 0 && s == 0 ? "user and shared tests"
                  : u == 0         ? "user test"
                                   : "shared test");
        return 0;
    }
    if (g->test_cmd)
        sb_printf(line, "%s: no signature for _test/%s.test (_test/signature/%s.user)", name, name,
                  name);
    else if (g->sig_builtin)
        sb_printf(line, "%s: only a built-in signature: not compared (umlab runs the user tests)",
                  name);
    else
        sb_printf(line, "%s: no test", name);
    return 2;
}
