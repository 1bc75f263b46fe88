/* spark.h — a rate history as a sparkline; sizes for humans. Pure (unit-tested). */
#ifndef UMLAB_SPARK_H
#define UMLAB_SPARK_H

#include <stddef.h>

#include "core/rate.h"

/* The last WIDTH rates of R as a UTF-8 sparkline (U+2581..U+2588, scaled to
 * the largest shown; blanks for missing history). Returns bytes written. */
size_t spark_line(const struct rate *r, int width, char *out, size_t outsz);

/* 1234 -> "1.2K", 5 -> "5", 3e9 -> "2.8G" (powers of 1024; at most 5 chars). */
void fmt_size(double v, char *out, size_t outsz);

#endif
