/* logring.c — see logring.h. */
#include "tui/logring.h"

#include <stdlib.h>
#include <string.h>

int logring_init(struct logring *r, int cap)
{
    memset(r, 0, sizeof *r);
    if (cap < 1)
        cap = 1;
    r->lines = calloc((size_t)cap, sizeof *r->lines);
    if (!r->lines)
        return -1;
    r->cap = cap;
    return 0;
}

void logring_free(struct logring *r)
{
    for (int i = 0; r->lines && i < r->cap; i++)
        free(r->lines[i].text);
    free(r->lines);
    memset(r, 0, sizeof *r);
}

static void add_one(struct logring *r, enum log_level level, const char *s, size_t n)
{
    char *t = strndup(s, n);
    if (!t)
        return;
    struct log_line *l;
    if (r->n < r->cap) {
        l = &r->lines[(r->head + r->n) % r->cap];
        r->n++;
    } else {
        l = &r->lines[r->head];
        r->head = (r->head + 1) % r->cap;
        free(l->text);
    }
    l->text = t;
    l->level = level;
    r->added++;
}

void logring_add(struct logring *r, enum log_level level, const char *text)
{
    if (!r->lines || !text)
        return;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        add_one(r, level, p, n);
        if (!nl)
            break;
        p = nl + 1;
    }
    if (!*text)
        add_one(r, level, "", 0);
}

const struct log_line *logring_back(const struct logring *r, int i)
{
    if (i < 0 || i >= r->n)
        return NULL;
    return &r->lines[(r->head + r->n - 1 - i) % r->cap];
}
