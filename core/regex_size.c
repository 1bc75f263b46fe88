/* regex_size.c — see regex_size.h. A small recursive descent over ERE syntax:
 * alternatives add, repetitions multiply. */
#include "core/regex_size.h"

#include <stdbool.h>

#define MAX_DEPTH 64 /* deeper groups count as too big (and keep the stack small) */

struct rx {
    const char *p;
    unsigned long limit;
};

static unsigned long sat_add(const struct rx *r, unsigned long a, unsigned long b)
{
    return a + b > r->limit ? r->limit + 1 : a + b;
}

static unsigned long sat_mul(const struct rx *r, unsigned long a, unsigned long b)
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

/* Reads a decimal number at R->p, saturating at LIMIT + 1. */
static unsigned long number(struct rx *r)
{
    unsigned long v = 0;
    while (is_digit(*r->p)) {
        v = sat_add(r, sat_mul(r, v, 10), (unsigned long)(*r->p - '0'));
        r->p++;
    }
    return v;
}

/* The copies one repetition operator at R->p makes (1 when there is none
 * and R->p does not move). `{m}` m, `{m,n}` n, `{m,}` m + 1, `+` 2. */
static unsigned long repetition(struct rx *r, bool *found)
{
    *found = true;
    switch (*r->p) {
    case '*':
    case '?':
        r->p++;
        return 1;
    case '+':
        r->p++;
        return 2;
    case '{': {
        const char *start = r->p;
        r->p++;
        if (!is_digit(*r->p) && *r->p != ',') {
            r->p = start; /* not an interval: a '{' character */
            break;
        }
        unsigned long m = number(r), n = 0;
        bool comma = *r->p == ',';
        if (comma) {
            r->p++;
            n = is_digit(*r->p) ? number(r) : sat_add(r, m, 1);
        } else {
            n = m;
        }
        if (*r->p != '}') {
            r->p = start; /* not an interval: a '{' character */
            break;
        }
        r->p++;
        return n ? n : 1;
    }
    }
    *found = false;
    return 1;
}

static unsigned long alternatives(struct rx *r, int depth);

static unsigned long atom(struct rx *r, int depth)
{
    char c = *r->p++;
    if (c == '(') {
        unsigned long n = alternatives(r, depth + 1);
        if (*r->p == ')')
            r->p++;
        return n ? n : 1;
    }
    if (c == '[') {
        skip_bracket(r);
        return 1;
    }
    if (c == '\\' && *r->p)
        r->p++;
    return 1;
}

static unsigned long alternatives(struct rx *r, int depth)
{
    if (depth > MAX_DEPTH)
        return r->limit + 1;
    unsigned long total = 0;
    while (*r->p && *r->p != ')') {
        if (*r->p == '|') {
            r->p++;
            continue;
        }
        unsigned long n = atom(r, depth);
        bool found = true;
        while (found)
            n = sat_mul(r, n, repetition(r, &found));
        total = sat_add(r, total, n);
        if (total > r->limit)
            return total;
    }
    return total;
}

unsigned long regex_expanded_size(const char *re, unsigned long limit)
{
    struct rx r = {re, limit};
    unsigned long total = 0;
    while (*r.p && total <= limit) {
        total = sat_add(&r, total, alternatives(&r, 0));
        if (*r.p == ')') /* unbalanced: regcomp says so later */
            r.p++;
    }
    return total;
}
