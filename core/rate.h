/* rate.h — per-second rates from a growing counter, and a short history of
 * them (for a sparkline). Pure (unit-tested). */
#ifndef UMLAB_RATE_H
#define UMLAB_RATE_H

#include <stdbool.h>
#include <stdint.h>

#define RATE_LEN 32

struct rate {
    uint64_t last;   /* the counter at the last sample */
    int64_t last_ms; /* when it was taken */
    bool have_last;
    double v[RATE_LEN]; /* rates per second, oldest first from head */
    int n, head;
};

/* Samples COUNTER (64 bits) at NOW_MS. The first sample after rate_forget only
 * sets the base. A counter that wrapped past 2^64 counts what it moved; one
 * that went backwards (reset) counts as rate 0 and becomes the new base. */
void rate_sample(struct rate *r, uint64_t counter, int64_t now_ms);
/* The counter is gone (its link vanished or was recreated): adds a 0 to the
 * history and forgets the base, so the next sample starts a new one. */
void rate_forget(struct rate *r);
/* The newest rate (0 before two samples). */
double rate_last(const struct rate *r);
/* The I-th rate, 0 = oldest kept. */
double rate_at(const struct rate *r, int i);

#endif
