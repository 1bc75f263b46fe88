/* hist.c — see hist.h. */
#include "tui/hist.h"

#include <stdio.h>
#include <string.h>

void hist_sample(struct hist *h, uint64_t counter, int64_t now_ms)
{
    if (h->have_last) {
        double rate = 0;
        int64_t dt = now_ms - h->last_ms;
        if (counter >= h->last && dt > 0)
            rate = (double)(counter - h->last) * 1000.0 / (double)dt;
        if (h->n < HIST_LEN) {
            h->v[(h->head + h->n) % HIST_LEN] = rate;
            h->n++;
        } else {
            h->v[h->head] = rate;
            h->head = (h->head + 1) % HIST_LEN;
        }
    }
    h->last = counter;
    h->last_ms = now_ms;
    h->have_last = true;
}

double hist_at(const struct hist *h, int i)
{
    if (i < 0 || i >= h->n)
        return 0;
    return h->v[(h->head + i) % HIST_LEN];
}

double hist_rate(const struct hist *h)
{
    return h->n ? hist_at(h, h->n - 1) : 0;
}

size_t hist_sparkline(const struct hist *h, int width, char *out, size_t outsz)
{
    static const char *const bars[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                        "\u2585", "\u2586", "\u2587", "\u2588"};
    if (outsz == 0)
        return 0;
    if (width < 0)
        width = 0;
    int shown = h->n < width ? h->n : width;
    double max = 0;
    for (int i = h->n - shown; i < h->n; i++)
        if (hist_at(h, i) > max)
            max = hist_at(h, i);
    size_t len = 0;
    for (int k = 0; k < width; k++) {
        int i = h->n - width + k; /* right-aligned: the newest is last */
        const char *s = " ";
        if (i >= 0) {
            double v = hist_at(h, i);
            int level = max > 0 ? (int)(v / max * 7.0 + 0.5) : 0;
            if (v > 0 && level == 0)
                level = 1; /* any traffic shows */
            s = bars[level];
        }
        size_t n = strlen(s);
        if (len + n >= outsz)
            break;
        memcpy(out + len, s, n);
        len += n;
    }
    out[len] = '\0';
    return len;
}

void fmt_size(double v, char *out, size_t outsz)
{
    static const char units[] = "KMGTP";
    if (v < 0)
        v = 0;
    if (v < 1024) {
        snprintf(out, outsz, "%.0f", v);
        return;
    }
    int u = -1;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (v < 9.95)
        snprintf(out, outsz, "%.1f%c", v, units[u]);
    else
        snprintf(out, outsz, "%.0f%c", v, units[u]);
}
