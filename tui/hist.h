/* hist.h — rates from counters, a short history of them and its sparkline;
 * human-readable sizes. Pure (unit-tested). */
#ifndef UMLAB_HIST_H
#define UMLAB_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIST_LEN 32

struct hist {
    uint64_t last;   /* the counter at the last sample */
    int64_t last_ms; /* when it was taken */
    bool have_last;
    double v[HIST_LEN]; /* rates per second, oldest first from head */
    int n, head;
};

/* Samples COUNTER at NOW_MS. The first sample only sets the base; a counter
 * that went backwards (the link was recreated) counts as rate 0. */
void hist_sample(struct hist *h, uint64_t counter, int64_t now_ms);
/* The newest rate (0 before two samples). */
double hist_rate(const struct hist *h);
/* The I-th rate, 0 = oldest kept. */
double hist_at(const struct hist *h, int i);

/* The last WIDTH rates as a UTF-8 sparkline (U+2581..U+2588, scaled to the
 * largest shown; blanks for missing history). Returns bytes written. */
size_t hist_sparkline(const struct hist *h, int width, char *out, size_t outsz);

/* 1234 -> "1.2K", 5 -> "5", 3e9 -> "2.8G" (powers of 1024; at most 5 chars). */
void fmt_size(double v, char *out, size_t outsz);

#endif
