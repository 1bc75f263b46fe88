/* parse.h — checked parsing of numbers and file paths from users and guests:
 * no overflow, no NaN or infinity, no trailing garbage, ranges enforced. */
#ifndef UMLAB_PARSE_H
#define UMLAB_PARSE_H

#include <stddef.h>
#include "base/err.h"

/* A whole decimal integer S in LO..HI. 0, or -1 (ERANGE/garbage/range). */
int parse_long(const char *s, long lo, long hi, long *out);

/* A decimal integer at the start of S (the digits only, no sign, no space)
 * in 0..HI; *END (may be NULL) gets where it stopped. For text a guest printed. */
int parse_count_prefix(const char *s, long hi, long *out, const char **end);

/* A plain decimal number (digits and one optional '.': no sign, exponent,
 * hex, nan or inf) in LO..HI. */
int parse_decimal(const char *s, double lo, double hi, double *out);

/* Seconds (decimals allowed) in MIN_S..MAX_S, finite, as milliseconds. */
int parse_seconds(const char *s, double min_s, double max_s, int *ms);

/* An existing regular file named by the user, as an absolute path (realpath),
 * so it means the same after a chdir and is never searched on PATH. WHAT names
 * it in the error ("--kernel"). OUT holds at least OUTSZ bytes. */
int parse_file_path(const char *what, const char *path, char *out, size_t outsz, struct err *e);

#endif
