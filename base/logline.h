/* logline.h — one formatted line to a caller's log callback (cleanup, undo and
 * the ip_forward registry report what they do this way; NULL LOG: silent). */
#ifndef UMLAB_LOGLINE_H
#define UMLAB_LOGLINE_H

#include <stdarg.h>
#include <stdio.h>

typedef void (*logline_fn)(void *ctx, const char *line);

__attribute__((format(printf, 3, 0))) static inline void logline_v(logline_fn log, void *ctx,
                                                                   const char *fmt, va_list ap)
{
    if (!log)
        return;
    char line[600];
    vsnprintf(line, sizeof line, fmt, ap);
    log(ctx, line);
}

__attribute__((format(printf, 3, 4))) static inline void logline(logline_fn log, void *ctx,
                                                                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    logline_v(log, ctx, fmt, ap);
    va_end(ap);
}

#endif
