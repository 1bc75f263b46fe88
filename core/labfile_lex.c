/* labfile_lex.c — the words and bytes of a lab file's lines: splitting like
 * umlab's prompt, text fields, and which bytes a line may hold. */
#include <stdarg.h>
#include <stdlib.h>

#include "base/utf8.h"
#include "core/labfile_internal.h"

int lf_fail(struct lf_parser *p, const char *fmt, ...)
{
    char msg[sizeof p->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(p->e, "%s:%d: %s", p->name, p->line, msg);
}

/* Reads up to MAX words of LINE with cmd_split's rules (blanks separate,
 * '...' and "..." quote, backslash escapes, '#' at a word start ends the
 * line). Past LF_MAX_WORDS words is an error; with a smaller MAX the rest of the
 * line is left in WS->rest for a text field. */
int lf_split(struct lf_parser *p, const char *line, int max, struct lf_words *ws)
{
    ws->n = 0;
    char *out = ws->buf;
    const char *q = line;
    for (;;) {
        while (*q == ' ' || *q == '\t')
            q++;
        if (!*q || *q == '#' || ws->n == max) {
            if (*q && *q != '#' && max == LF_MAX_WORDS)
                return lf_fail(p, "too many words (at most %d)", LF_MAX_WORDS);
            break;
        }
        char *w = out;
        while (*q && *q != ' ' && *q != '\t') {
            if (*q == '"' || *q == '\'') {
                char quote = *q++;
                while (*q && *q != quote) {
                    if (quote == '"' && *q == '\\' && q[1])
                        q++;
                    *out++ = *q++;
                }
                if (!*q)
                    return lf_fail(p, "unterminated %c quote", quote);
                q++;
            } else if (*q == '\\' && q[1]) {
                *out++ = q[1];
                q += 2;
            } else {
                *out++ = *q++;
            }
        }
        *out++ = '\0';
        if (strchr(w, '\t'))
            return lf_fail(p, "a tab inside a quoted word");
        ws->w[ws->n++] = w;
    }
    ws->rest = q;
    return 0;
}

/* The text after the words read: blanks around it removed, no tab inside. */
int lf_text_field(struct lf_parser *p, const struct lf_words *ws, bool may_be_empty,
                  const char *usage, char **out)
{
    const char *t = ws->rest;
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    if (!n && !may_be_empty)
        return lf_fail(p, "usage: %s", usage);
    if (memchr(t, '\t', n))
        return lf_fail(p, "a tab inside the text: use spaces");
    *out = strndup(t, n);
    if (!*out)
        return lf_fail(p, "out of memory");
    return 0;
}

/* Checks one line's bytes: no control characters (C0, DEL, C1) but tabs,
 * valid UTF-8. */
int lf_line_bytes_ok(struct lf_parser *p, const char *line, size_t len)
{
    if (len >= LABFILE_LINE_MAX)
        return lf_fail(p, "line longer than %d characters", LABFILE_LINE_MAX - 1);
    size_t at;
    const unsigned char *u = (const unsigned char *)line;
    switch (utf8_text_check(line, len, &at)) {
    case UTF8_TEXT:
        break;
    case UTF8_CONTROL:
        return lf_fail(p, "control character 0x%02x", u[at]);
    case UTF8_INVALID:
        return lf_fail(p, "invalid UTF-8");
    case UTF8_C1:
        return lf_fail(p, "control character U+%04X", u[at + 1]);
    }
    return 0;
}
