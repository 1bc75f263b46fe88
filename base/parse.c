/* parse.c — see parse.h. */
#include "base/parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

int parse_long(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno == ERANGE || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int parse_count_prefix(const char *s, long hi, long *out, const char **end)
{
    long v = 0;
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        int d = *p - '0';
        if (v > (hi - d) / 10)
            return -1; /* past HI: no wrap-around */
        v = v * 10 + d;
    }
    *out = v;
    if (end)
        *end = p;
    return 0;
}

int parse_decimal(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s)
        return -1;
    /* plain decimals only: strtod would also take "nan", "inf", hex, signs and spaces */
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno == ERANGE || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int parse_seconds(const char *s, double min_s, double max_s, int *ms)
{
    double v;
    if (parse_decimal(s, min_s, max_s, &v) < 0)
        return -1;
    double m = v * 1000.0;
    if (m > INT_MAX)
        return -1;
    *ms = (int)m;
    return 0;
}

int parse_file_path(const char *what, const char *path, char *out, size_t outsz, struct err *e)
{
    if (!path || !*path)
        return err_set(e, "%s: give a file path", what);
    char *abs = realpath(path, NULL);
    if (!abs)
        return err_sys(e, "%s '%s'", what, path);
    struct stat st;
    int rc = 0;
    if (stat(abs, &st) < 0)
        rc = err_sys(e, "%s '%s'", what, path);
    else if (!S_ISREG(st.st_mode))
        rc = err_set(e, "%s '%s': not a regular file", what, path);
    else if (strlen(abs) >= outsz)
        rc = err_set(e, "%s '%s': path too long", what, path);
    else
        memcpy(out, abs, strlen(abs) + 1);
    free(abs);
    return rc;
}
