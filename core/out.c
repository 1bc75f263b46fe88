/* out.c — see out.h. */
#include "core/out.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_append(struct strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *ns = realloc(b->s, ncap);
        if (!ns) {
            b->oom = true; /* reported by the reader as a truncated text */
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sb_append(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_append(b, big, (size_t)n);
    free(big);
}

void sb_free(struct strbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

void out_init(struct out *o)
{
    memset(o, 0, sizeof *o);
}

void out_free(struct out *o)
{
    sb_free(&o->text);
    sb_free(&o->json);
}

void out_reset(struct out *o)
{
    void (*progress)(void *, const char *) = o->progress;
    void *ctx = o->progress_ctx;
    out_free(o);
    out_init(o);
    o->progress = progress;
    o->progress_ctx = ctx;
}

void out_printf(struct out *o, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    sb_append(&o->text, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void out_progress(struct out *o, const char *fmt, ...)
{
    if (!o->progress)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    o->progress(o->progress_ctx, buf);
}

void json_escape(struct strbuf *b, const char *s)
{
    sb_append(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            sb_append(b, "\\\"", 2);
            break;
        case '\\':
            sb_append(b, "\\\\", 2);
            break;
        case '\n':
            sb_append(b, "\\n", 2);
            break;
        case '\r':
            sb_append(b, "\\r", 2);
            break;
        case '\t':
            sb_append(b, "\\t", 2);
            break;
        default:
            if (*p < 0x20)
                sb_printf(b, "\\u%04x", *p);
            else
                sb_append(b, (const char *)p, 1);
        }
    }
    sb_append(b, "\"", 1);
}

/* Opens the implicit outer object and writes the separator and key. */
static void prefix(struct out *o, const char *key)
{
    if (o->depth < 0) { /* the result was already taken: start a new one */
        sb_free(&o->json);
        o->depth = 0;
    }
    if (o->depth == 0) {
        sb_append(&o->json, "{", 1);
        o->depth = 1;
        o->first[1] = true;
    }
    if (!o->first[o->depth])
        sb_append(&o->json, ",", 1);
    o->first[o->depth] = false;
    if (key) {
        json_escape(&o->json, key);
        sb_append(&o->json, ":", 1);
    }
}

static void open_nested(struct out *o, const char *key, const char *brace)
{
    prefix(o, key);
    if (o->depth + 1 >= OUT_MAX_DEPTH) {
        /* too deep to track: write a null so the document stays valid */
        sb_append(&o->json, "null", 4);
        o->overflow++;
        return;
    }
    sb_append(&o->json, brace, 1);
    o->depth++;
    o->first[o->depth] = true;
    o->closer[o->depth] = brace[0] == '{' ? '}' : ']';
}

static void close_nested(struct out *o)
{
    if (o->overflow > 0) {
        o->overflow--;
        return;
    }
    if (o->depth > 1) {
        sb_append(&o->json, &o->closer[o->depth], 1);
        o->depth--;
    }
}

void out_obj_begin(struct out *o, const char *key)
{
    open_nested(o, key, "{");
}

void out_obj_end(struct out *o)
{
    close_nested(o);
}

void out_arr_begin(struct out *o, const char *key)
{
    open_nested(o, key, "[");
}

void out_arr_end(struct out *o)
{
    close_nested(o);
}

void out_str(struct out *o, const char *key, const char *val)
{
    prefix(o, key);
    if (val)
        json_escape(&o->json, val);
    else
        sb_append(&o->json, "null", 4);
}

void out_int(struct out *o, const char *key, int64_t val)
{
    prefix(o, key);
    sb_printf(&o->json, "%" PRId64, val);
}

void out_uint(struct out *o, const char *key, uint64_t val)
{
    prefix(o, key);
    sb_printf(&o->json, "%" PRIu64, val);
}

void out_double(struct out *o, const char *key, double val)
{
    prefix(o, key);
    sb_printf(&o->json, "%.3f", val);
}

void out_bool(struct out *o, const char *key, bool val)
{
    prefix(o, key);
    sb_append(&o->json, val ? "true" : "false", val ? 4 : 5);
}

const char *out_json_result(struct out *o)
{
    if (o->depth == 0)
        return "{}";
    if (o->depth < 0)
        return sb_str(&o->json);
    /* Close whatever a failing command left open, then the outer object. */
    while (o->depth > 1)
        close_nested(o);
    sb_append(&o->json, "}", 1);
    o->depth = -1; /* finished */
    return sb_str(&o->json);
}
