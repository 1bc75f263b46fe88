/* regex_size.c — see regex_size.h. A small recursive descent over ERE syntax:
 * a sequence or alternatives add, a repetition multiplies what it repeats. */
#include "core/regex_size.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64 /* deeper groups count as too big (and keep the stack small) */

struct rx {
    const char *p;
    unsigned long limit;
    bool stacked;
};

struct cost {
    unsigned long atoms, loops;
};

static unsigned long add(const struct rx *r, unsigned long a, unsigned long b)
{
    return a + b > r->limit ? r->limit + 1 : a + b;
}

static unsigned long mul(const struct rx *r, unsigned long a, unsigned long b)
{
    if (a && b > r->limit / a)
        return r->limit + 1;
    return a * b > r->limit ? r->limit + 1 : a * b;
}

/* Skips a bracket expression; R->p is just past its '['. */
static void skip_bracket(struct rx *r)
{
    const char *p = r->p;
    if (*p == '^')
        p++;
    if (*p == ']') /* a ']' first is a member */
        p++;
    while (*p && *p != ']') {
        if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
            char kind = p[1];
            p += 2;
            while (*p && !(p[0] == kind && p[1] == ']'))
                p++;
            if (*p)
                p += 2;
        } else {
            p++;
        }
    }
    r->p = *p ? p + 1 : p;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A decimal number at R->p, saturating at LIMIT + 1. */
static unsigned long number(struct rx *r)
{
    unsigned long v = 0;
    while (is_digit(*r->p)) {
        v = add(r, mul(r, v, 10), (unsigned long)(*r->p - '0'));
        r->p++;
    }
    return v;
}

/* Applies the repetition operator at R->p to C; false (R->p unmoved) when
 * there is none. regcomp makes `x+` x x*, `x{m,n}` m copies and n - m
 * optional ones, `x{m,}` m copies and a starred one. */
static bool repetition(struct rx *r, struct cost *c)
{
    char op = *r->p;
    if (op == '*' || op == '?' || op == '+') {
        r->p++;
        unsigned long copies = op == '+' ? 2 : 1;
        c->atoms = mul(r, c->atoms, copies);
        c->loops = add(r, mul(r, c->loops, copies), 1);
        return true;
    }
    if (op != '{')
        return false;
    const char *start = r->p++;
    if (!is_digit(*r->p) && *r->p != ',') {
        r->p = start; /* not an interval: a '{' character */
        return false;
    }
    unsigned long m = number(r), n = m, optional = 0;
    if (*r->p == ',') {
        r->p++;
        if (is_digit(*r->p)) {
            n = number(r);
            optional = n > m ? n - m : 0;
        } else {
            n = add(r, m, 1);
            optional = 1;
        }
    }
    if (*r->p != '}') {
        r->p = start; /* not an interval: a '{' character */
        return false;
    }
    r->p++;
    if (!n)
        n = 1;
    c->atoms = mul(r, c->atoms, n);
    c->loops = add(r, mul(r, c->loops, n), optional);
    return true;
}

static struct cost alternatives(struct rx *r, int depth);

static struct cost atom(struct rx *r, int depth)
{
    struct cost c = {1, 0};
    char ch = *r->p++;
    if (ch == '(') {
        c = alternatives(r, depth + 1);
        if (*r->p == ')')
            r->p++;
        if (!c.atoms)
            c.atoms = 1;
    } else if (ch == '[') {
        skip_bracket(r);
    } else if (ch == '\\' && *r->p) {
        r->p++;
    }
    return c;
}

static struct cost alternatives(struct rx *r, int depth)
{
    struct cost total = {0, 0};
    if (depth > MAX_DEPTH)
        return (struct cost){r->limit + 1, r->limit + 1};
    while (*r->p && *r->p != ')' && total.atoms <= r->limit && total.loops <= r->limit) {
        if (*r->p == '|') {
            r->p++;
            continue;
        }
        struct cost c = atom(r, depth);
        for (int reps = 0; repetition(r, &c); reps++)
            if (reps)
                r->stacked = true;
        total.atoms = add(r, total.atoms, c.atoms);
        total.loops = add(r, total.loops, c.loops);
    }
    return total;
}

void regex_measure(const char *re, unsigned long limit, struct regex_size *out)
{
    struct rx r = {re, limit, false};
    struct cost total = {0, 0};
    while (*r.p && total.atoms <= limit && total.loops <= limit) {
        struct cost c = alternatives(&r, 0);
        total.atoms = add(&r, total.atoms, c.atoms);
        total.loops = add(&r, total.loops, c.loops);
        if (*r.p == ')') /* unbalanced: regcomp says so later */
            r.p++;
    }
    out->atoms = total.atoms;
    out->loops = total.loops;
    out->stacked = r.stacked;
}

const char *regex_too_hard(const char *re, unsigned long maxlen, unsigned long max_atoms,
                           unsigned long max_loops, char *buf, unsigned long bufsz)
{
    if (strlen(re) > maxlen) {
        snprintf(buf, bufsz, "regex longer than %lu characters", maxlen);
        return buf;
    }
    struct regex_size sz;
    regex_measure(re, max_atoms > max_loops ? max_atoms : max_loops, &sz);
    if (sz.stacked)
        snprintf(buf, bufsz, "regex repeats a repetition (like a+* or a{2}+): put it in a group");
    else if (sz.atoms > max_atoms)
        snprintf(buf, bufsz, "regex too large once its repetitions are expanded (over %lu copies)",
                 max_atoms);
    else if (sz.loops > max_loops)
        snprintf(buf, bufsz, "regex has over %lu *, + and ? once its repetitions are expanded",
                 max_loops);
    else
        return NULL;
    return buf;
}
