/* rate.c — see rate.h. */
#include "core/rate.h"

static void push(struct rate *r, double v)
{
    if (r->n < RATE_LEN) {
        r->v[(r->head + r->n) % RATE_LEN] = v;
        r->n++;
    } else {
        r->v[r->head] = v;
        r->head = (r->head + 1) % RATE_LEN;
    }
}

void rate_sample(struct rate *r, uint64_t counter, int64_t now_ms)
{
    if (r->have_last) {
        int64_t dt = now_ms - r->last_ms;
        /* unsigned difference: right across a wrap; more than half the range
         * means the counter went backwards */
        uint64_t d = counter - r->last;
        bool reset = d > UINT64_MAX / 2;
        push(r, reset || dt <= 0 ? 0 : (double)d * 1000.0 / (double)dt);
    }
    r->last = counter;
    r->last_ms = now_ms;
    r->have_last = true;
}

void rate_forget(struct rate *r)
{
    push(r, 0);
    r->have_last = false;
}

double rate_at(const struct rate *r, int i)
{
    if (i < 0 || i >= r->n)
        return 0;
    return r->v[(r->head + i) % RATE_LEN];
}

double rate_last(const struct rate *r)
{
    return r->n ? rate_at(r, r->n - 1) : 0;
}
