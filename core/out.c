/* out.c — see out.h. */
#include "core/out.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void out_init(struct out *o)
{
    memset(o, 0, sizeof *o);
}

void out_free(struct out *o)
{
    sb_free(&o->text);
    sb_free(&o->json);
    sb_free(&o->log);
    sb_free(&o->shell);
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
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&o->text, fmt, ap); /* any length: guest text is not cut */
    va_end(ap);
}

void out_write(struct out *o, const char *s, size_t n)
{
    sb_append(&o->text, s, n);
}

void out_progress(struct out *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (o->log.len)
        sb_append(&o->log, ",", 1);
    json_escape(&o->log, buf);
    if (o->progress)
        o->progress(o->progress_ctx, buf);
}

void out_shell(struct out *o, const char *line)
{
    if (o->shell.len)
        sb_append(&o->shell, ",", 1);
    json_escape(&o->shell, line);
}

void out_json_shell(const struct out *o, struct strbuf *b)
{
    sb_append(b, "[", 1);
    sb_append(b, sb_str(&o->shell), o->shell.len);
    sb_append(b, "]", 1);
}

void out_json_log(const struct out *o, struct strbuf *b)
{
    sb_append(b, "[", 1);
    sb_append(b, sb_str(&o->log), o->log.len);
    sb_append(b, "]", 1);
}

/* Length of the valid UTF-8 sequence at P (N bytes left), or 0 when invalid;
 * *BAD then gets how many bytes form the invalid prefix (at least 1), which
 * becomes one U+FFFD. No overlongs, surrogates or code points past U+10FFFF. */
static size_t utf8_len(const unsigned char *p, size_t n, size_t *bad)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *bad = 1;
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        bool ok = i < n && p[i] >= (i == 1 ? lo : 0x80) && p[i] <= (i == 1 ? hi : 0xBF);
        if (!ok) {
            *bad = i;
            return 0;
        }
    }
    return len;
}

void json_escape_n(struct strbuf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    sb_append(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        const char *esc = NULL;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        }
        if (esc) {
            sb_append(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) { /* NUL too: S is counted, not terminated */
            sb_printf(b, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            size_t run = 1; /* plain ASCII in one append */
            while (i + run < n && p[i + run] >= 0x20 && p[i + run] < 0x7f && p[i + run] != '"' &&
                   p[i + run] != '\\')
                run++;
            sb_append(b, s + i, run);
            i += run;
        } else {
            size_t bad = 0, len = utf8_len(p + i, n - i, &bad);
            if (len) {
                sb_append(b, s + i, len);
                i += len;
            } else {
                sb_append(b, "\\ufffd", 6);
                i += bad;
            }
        }
    }
    sb_append(b, "\"", 1);
}

void json_escape(struct strbuf *b, const char *s)
{
    json_escape_n(b, s, strlen(s));
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

/* The text side of a field: FMT with its one value (FMT NULL: none). */
static void text(struct out *o, const char *fmt, ...)
{
    if (!fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&o->text, fmt, ap);
    va_end(ap);
}

void out_str(struct out *o, const char *key, const char *fmt, const char *val)
{
    text(o, fmt, val ? val : "-");
    prefix(o, key);
    if (val)
        json_escape(&o->json, val);
    else
        sb_append(&o->json, "null", 4);
}

void out_strn(struct out *o, const char *key, const char *val, size_t n)
{
    prefix(o, key);
    json_escape_n(&o->json, val, n);
}

void out_int(struct out *o, const char *key, const char *fmt, long long val)
{
    text(o, fmt, val);
    prefix(o, key);
    sb_printf(&o->json, "%lld", val);
}

void out_uint(struct out *o, const char *key, const char *fmt, unsigned long long val)
{
    text(o, fmt, val);
    prefix(o, key);
    sb_printf(&o->json, "%llu", val);
}

void out_double(struct out *o, const char *key, const char *fmt, double val)
{
    text(o, fmt, val);
    prefix(o, key);
    sb_printf(&o->json, "%.3f", val);
}

void out_bool(struct out *o, const char *key, const char *fmt, bool val)
{
    text(o, fmt, val ? "on" : "off");
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
