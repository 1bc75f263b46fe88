/* cast.c — see cast.h. */
#include "tui/cast.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/out.h"

/* How many bytes at the end of P (N bytes) are the valid start of a UTF-8
 * sequence that needs more: 0 when it ends complete, or invalid (then the
 * escaper replaces the bytes, holding them would not help). */
static size_t cut_tail(const unsigned char *p, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        unsigned char c = p[n - k];
        if (c >= 0x80 && c <= 0xBF)
            continue; /* a continuation byte: its lead is further back */
        size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF; /* what the second byte may be */
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlongs */
            hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing past U+10FFFF */
        }
        if (len <= k)
            return 0; /* complete, ASCII, or no lead at all */
        if (k >= 2 && (p[n - k + 1] < lo || p[n - k + 1] > hi))
            return 0;
        return k;
    }
    return 0;
}

static void event(struct strbuf *b, int64_t t_us, const char *code, const char *data, size_t n)
{
    if (t_us < 0)
        t_us = 0;
    /* integer arithmetic: no locale's decimal comma, no float rounding */
    sb_printf(b, "[%lld.%06lld, \"%s\", ", (long long)(t_us / 1000000), (long long)(t_us % 1000000),
              code);
    json_escape_n(b, data, n);
    sb_append(b, "]\n", 2);
}

void cast_header(struct strbuf *b, int width, int height, int64_t unix_s, const char *title,
                 const char *term)
{
    sb_printf(b, "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld", width,
              height, (long long)unix_s);
    if (title) {
        sb_append(b, ", \"title\": ", 11);
        json_escape(b, title);
    }
    if (term) {
        sb_append(b, ", \"env\": {\"TERM\": ", 18);
        json_escape(b, term);
        sb_append(b, "}", 1);
    }
    sb_append(b, "}\n", 2);
}

void cast_output(struct cast_utf8 *u, struct strbuf *b, int64_t t_us, const char *data, size_t n)
{
    const char *p = data;
    size_t total = n;
    char *joined = NULL;
    if (u->nheld) {
        total = u->nheld + n;
        joined = malloc(total);
        if (!joined) {
            b->oom = true; /* the writer sees it as a failed event */
            return;
        }
        memcpy(joined, u->held, u->nheld);
        memcpy(joined + u->nheld, data, n);
        p = joined;
    }
    size_t keep = cut_tail((const unsigned char *)p, total);
    size_t send = total - keep;
    memcpy(u->held, p + send, keep);
    u->nheld = keep;
    if (send)
        event(b, t_us, "o", p, send);
    free(joined);
}

void cast_flush(struct cast_utf8 *u, struct strbuf *b, int64_t t_us)
{
    if (u->nheld)
        event(b, t_us, "o", (const char *)u->held, u->nheld);
    u->nheld = 0;
}

void cast_resize(struct strbuf *b, int64_t t_us, int width, int height)
{
    char size[32];
    int n = snprintf(size, sizeof size, "%dx%d", width, height);
    event(b, t_us, "r", size, (size_t)n);
}
