/* spark.c — see spark.h. */
#include "tui/spark.h"

#include <stdio.h>
#include <string.h>

size_t spark_line(const struct rate *h, int width, char *out, size_t outsz)
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
        if (rate_at(h, i) > max)
            max = rate_at(h, i);
    size_t len = 0;
    for (int k = 0; k < width; k++) {
        int i = h->n - width + k; /* right-aligned: the newest is last */
        const char *s = " ";
        if (i >= 0) {
            double v = rate_at(h, i);
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
