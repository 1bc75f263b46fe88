/* json.c — see json.h. Recursive descent; every step checks the input bound. */
#include "base/json.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct jp {
    const char *s;
    size_t len, pos;
    size_t nodes;
    struct err *e;
};

static int fail(struct jp *p, const char *what)
{
    return err_set(p->e, "JSON: %s at byte %zu", what, p->pos);
}

static void skip_ws(struct jp *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static bool lit(struct jp *p, const char *w)
{
    size_t n = strlen(w);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0)
        return false;
    p->pos += n;
    return true;
}

static int hex4(struct jp *p, unsigned *out)
{
    if (p->len - p->pos < 4)
        return fail(p, "short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return fail(p, "bad \\u escape");
    }
    *out = v;
    return 0;
}

static void put_utf8(char *o, size_t *n, unsigned cp)
{
    if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        cp = 0xfffd;
    if (cp < 0x80) {
        o[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        o[(*n)++] = (char)(0xc0 | (cp >> 6));
        o[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        o[(*n)++] = (char)(0xe0 | (cp >> 12));
        o[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        o[(*n)++] = (char)(0xf0 | (cp >> 18));
        o[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[(*n)++] = (char)(0x80 | (cp & 0x3f));
    }
}

/* At the opening quote. The decoded text is never longer than the raw one
 * (an escape of 6 bytes gives at most 3, a pair of 12 at most 4). */
static int parse_string(struct jp *p, char **out)
{
    p->pos++;
    size_t start = p->pos;
    while (p->pos < p->len && p->s[p->pos] != '"')
        p->pos += p->s[p->pos] == '\\' ? 2 : 1;
    if (p->pos >= p->len)
        return fail(p, "unterminated string");
    size_t end = p->pos;
    char *o = malloc(end - start + 1);
    if (!o)
        return err_sys(p->e, "JSON");
    size_t n = 0;
    p->pos = start;
    while (p->pos < end) {
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c < 0x20) {
            free(o);
            return fail(p, "control character in string");
        }
        if (c != '\\') {
            o[n++] = (char)c;
            continue;
        }
        char x = p->s[p->pos++];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *k = x ? strchr(from, x) : NULL;
        if (k) {
            o[n++] = to[k - from];
            continue;
        }
        unsigned cp, lo;
        if (x != 'u' || hex4(p, &cp) < 0) {
            free(o);
            return x != 'u' ? fail(p, "bad escape") : -1;
        }
        if (cp >= 0xd800 && cp < 0xdc00 && end - p->pos >= 6 && p->s[p->pos] == '\\' &&
            p->s[p->pos + 1] == 'u') {
            p->pos += 2;
            if (hex4(p, &lo) < 0) {
                free(o);
                return -1;
            }
            cp = lo >= 0xdc00 && lo <= 0xdfff ? 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
                                              : 0xfffd;
        }
        put_utf8(o, &n, cp);
    }
    o[n] = '\0';
    p->pos = end + 1;
    *out = o;
    return 0;
}

static int parse_value(struct jp *p, struct json **out, int depth);

static int push(struct jp *p, struct json *j, struct json *kid, char *key)
{
    if (j->n == j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 4;
        struct json **nk = realloc(j->kids, cap * sizeof *nk);
        if (!nk)
            return err_sys(p->e, "JSON");
        j->kids = nk;
        if (j->type == JSON_OBJ) {
            char **nkeys = realloc(j->keys, cap * sizeof *nkeys);
            if (!nkeys)
                return err_sys(p->e, "JSON");
            j->keys = nkeys;
        }
        j->cap = cap;
    }
    if (j->type == JSON_OBJ)
        j->keys[j->n] = key;
    j->kids[j->n++] = kid;
    return 0;
}

static int parse_container(struct jp *p, struct json *j, int depth)
{
    bool obj = j->type == JSON_OBJ;
    char close = obj ? '}' : ']';
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        if (obj) {
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return fail(p, "expected a key");
            if (parse_string(p, &key) < 0)
                return -1;
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                free(key);
                return fail(p, "expected ':'");
            }
            p->pos++;
        }
        struct json *kid = NULL;
        if (parse_value(p, &kid, depth + 1) < 0 || push(p, j, kid, key) < 0) {
            free(key);
            json_free(kid);
            return -1;
        }
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return 0;
        }
        return fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int parse_number(struct jp *p, struct json *j)
{
    size_t start = p->pos;
    while (p->pos < p->len && strchr("+-0123456789.eE", p->s[p->pos]) && p->s[p->pos])
        p->pos++;
    char buf[64];
    size_t n = p->pos - start;
    if (n == 0 || n >= sizeof buf)
        return fail(p, "bad number");
    memcpy(buf, p->s + start, n);
    buf[n] = '\0';
    char *end;
    j->num = strtod(buf, &end);
    if (*end || !isfinite(j->num))
        return fail(p, "bad number");
    j->type = JSON_NUM;
    return 0;
}

static int parse_value(struct jp *p, struct json **out, int depth)
{
    *out = NULL;
    if (depth > JSON_MAX_DEPTH)
        return fail(p, "nested too deep");
    if (++p->nodes > JSON_MAX_NODES)
        return fail(p, "too many values");
    skip_ws(p);
    if (p->pos >= p->len)
        return fail(p, "unexpected end");
    struct json *j = calloc(1, sizeof *j);
    if (!j)
        return err_sys(p->e, "JSON");
    *out = j;
    char c = p->s[p->pos];
    if (c == '{' || c == '[') {
        j->type = c == '{' ? JSON_OBJ : JSON_ARR;
        return parse_container(p, j, depth);
    }
    if (c == '"') {
        j->type = JSON_STR;
        return parse_string(p, &j->str);
    }
    if (lit(p, "null"))
        return 0;
    if (lit(p, "true") || lit(p, "false")) {
        j->type = JSON_BOOL;
        j->b = c == 't';
        return 0;
    }
    return parse_number(p, j);
}

int json_parse(const char *text, size_t len, struct json **out, struct err *e)
{
    *out = NULL;
    if (len > JSON_MAX_INPUT)
        return err_set(e, "JSON: input of %zu bytes is over the %u limit", len, JSON_MAX_INPUT);
    struct jp p = {.s = text, .len = len, .e = e};
    struct json *j;
    if (parse_value(&p, &j, 0) < 0) {
        json_free(j);
        return -1;
    }
    skip_ws(&p);
    if (p.pos != p.len) {
        json_free(j);
        return fail(&p, "trailing text");
    }
    *out = j;
    return 0;
}

void json_free(struct json *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++) {
        json_free(j->kids[i]);
        if (j->type == JSON_OBJ)
            free(j->keys[i]);
    }
    free(j->kids);
    free(j->keys);
    free(j->str);
    free(j);
}

const struct json *json_get(const struct json *j, const char *key)
{
    if (!j || j->type != JSON_OBJ)
        return NULL;
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->keys[i], key) == 0)
            return j->kids[i];
    return NULL;
}

const char *json_str(const struct json *j)
{
    return j && j->type == JSON_STR ? j->str : NULL;
}

const char *json_only_key(const struct json *j)
{
    return j && j->type == JSON_OBJ && j->n == 1 ? j->keys[0] : NULL;
}
