/* strbuf.h — a growing string; a failed allocation sets oom and drops later
 * appends, so a caller checks once at the end (a truncated text, not a crash). */
#ifndef UMLAB_STRBUF_H
#define UMLAB_STRBUF_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *s;
    size_t len, cap;
    bool oom;
};

void sb_append(struct strbuf *b, const char *s, size_t n);
__attribute__((format(printf, 2, 3))) void sb_printf(struct strbuf *b, const char *fmt, ...);
__attribute__((format(printf, 2, 0))) void sb_vprintf(struct strbuf *b, const char *fmt,
                                                      va_list ap);
void sb_free(struct strbuf *b);
static inline const char *sb_str(const struct strbuf *b)
{
    return b->s ? b->s : "";
}

#endif
