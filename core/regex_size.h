/* regex_size.h — how hard glibc's regcomp works on a POSIX extended regex.
 *
 * regcomp copies a repeated expression once per repetition (`x{100}` is 100
 * copies, `x+` two), and its epsilon-closure pass is about cubic in the
 * number of loops and optional parts once copied: `(()*){800}` takes 2 s,
 * `x*+*+*+*+*+*+*+*+*+*+*+` 2 s, 60 stacked `+` all memory. Measuring first
 * lets a regex from a file be refused instead. Pure. */
#ifndef UMLAB_REGEX_SIZE_H
#define UMLAB_REGEX_SIZE_H

#include <stdbool.h>

struct regex_size {
    unsigned long atoms; /* characters, brackets and groups, repetitions expanded */
    unsigned long loops; /* `*`, `+`, `?` and optional interval parts, expanded */
    bool stacked;        /* a repetition of a repetition (`a+*`): undefined in POSIX */
};

/* Measures RE; both counts saturate at LIMIT + 1. */
void regex_measure(const char *re, unsigned long limit, struct regex_size *out);

/* Why RE is refused before regcomp sees it — longer than MAXLEN, a
 * repetition repeated, over MAX_ATOMS or MAX_LOOPS once expanded — as a short
 * phrase ("regex longer than 256 characters") in BUF; NULL when it is fine. */
const char *regex_too_hard(const char *re, unsigned long maxlen, unsigned long max_atoms,
                           unsigned long max_loops, char *buf, unsigned long bufsz);

#endif
