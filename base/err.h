/* err.h — an error message carried back to the caller.
 *
 * A leaf utility (header only, no dependencies) shared by every layer:
 * functions that can fail take a `struct err *` and fill it with one line
 * of context ("tap umlab0: TUNSETIFF: Operation not permitted"). */
#ifndef UMLAB_ERR_H
#define UMLAB_ERR_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct err {
    char msg[512];
};

__attribute__((format(printf, 2, 3))) static inline int err_set(struct err *e, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Like err_set, appending ": strerror(errno)". Saves errno for the caller. */
__attribute__((format(printf, 2, 3))) static inline int err_sys(struct err *e, const char *fmt, ...)
{
    int saved = errno;
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < sizeof e->msg)
            snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s", strerror(saved));
    }
    errno = saved;
    return -1;
}

#endif
