/* netem_args.c — see netem_args.h. */
#include "core/netem_args.h"

#include <stdio.h>
#include <string.h>

#include "base/parse.h"

/* S ends with SUFFIX: its length without it, else -1. */
static long stem(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0 ? (long)(n - k) : -1;
}

/* The number in the first LEN bytes of S, a plain decimal in LO..HI. */
static int number(const char *s, long len, double lo, double hi, double *out)
{
    char buf[32];
    if (len <= 0 || (size_t)len >= sizeof buf)
        return -1;
    memcpy(buf, s, (size_t)len);
    buf[len] = '\0';
    return parse_decimal(buf, lo, hi, out);
}

static int parse_time(const char *key, const char *s, uint32_t *us, struct err *e)
{
    static const struct {
        const char *unit;
        double us;
    } units[] = {{"us", 1}, {"ms", 1000}, {"s", 1000000}}; /* "ms" before "s" */
    double v, scale = 1000;
    long len = (long)strlen(s);
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        long l = stem(s, units[i].unit);
        if (l >= 0) {
            len = l;
            scale = units[i].us;
            break;
        }
    }
    if (number(s, len, 0, NETEM_DELAY_MAX_US / scale, &v) < 0)
        return err_set(e, "netem: %s '%s': give a time up to %u s (50ms, 1.5ms, 200us, 2s)", key, s,
                       NETEM_DELAY_MAX_US / 1000000);
    *us = (uint32_t)(v * scale + 0.5);
    return 0;
}

static int parse_pct(const char *key, const char *s, uint32_t *prob, struct err *e)
{
    long len = stem(s, "%");
    double v;
    if (number(s, len >= 0 ? len : (long)strlen(s), 0, 100, &v) < 0)
        return err_set(e, "netem: %s '%s': give a percentage 0..100 (10%%, 0.5%%)", key, s);
    *prob = netem_pct_to_prob(v);
    return 0;
}

static const struct {
    const char *unit;
    double bps;
} rate_units[] = {{"gbit", 1e9}, {"mbit", 1e6}, {"kbit", 1e3}, {"bit", 1}};

static int parse_rate(const char *s, uint64_t *bps, struct err *e)
{
    for (size_t i = 0; i < sizeof rate_units / sizeof *rate_units; i++) {
        long l = stem(s, rate_units[i].unit);
        double v;
        if (l < 0)
            continue;
        if (number(s, l, 0, (double)NETEM_RATE_MAX_BPS / rate_units[i].bps, &v) < 0)
            break;
        double b = v * rate_units[i].bps + 0.5;
        if (b < (double)NETEM_RATE_MIN_BPS)
            break;
        *bps = (uint64_t)b;
        return 0;
    }
    return err_set(e, "netem: rate '%s': give bits per second 8kbit..10gbit (512kbit, 1mbit)", s);
}

int netem_args_parse(int argc, char *const *argv, struct netem_params *p, struct err *e)
{
    static const char *const keys[] = {"delay", "jitter", "loss", "duplicate", "rate"};
    struct netem_params n = {0};
    bool seen[sizeof keys / sizeof *keys] = {false};
    if (argc == 0)
        return err_set(e, "netem: give what to emulate: %s", NETEM_ARGS_USAGE);
    for (int i = 0; i < argc; i += 2) {
        size_t k = 0;
        while (k < sizeof keys / sizeof *keys && strcmp(argv[i], keys[k]) != 0)
            k++;
        if (k == sizeof keys / sizeof *keys)
            return err_set(e, "netem: unknown option '%s' (loss, delay, jitter, duplicate, rate)",
                           argv[i]);
        if (seen[k])
            return err_set(e, "netem: %s given twice", keys[k]);
        seen[k] = true;
        if (i + 1 >= argc)
            return err_set(e, "netem: %s needs a value", keys[k]);
        const char *v = argv[i + 1];
        int rc = k == 0   ? parse_time("delay", v, &n.delay_us, e)
                 : k == 1 ? parse_time("jitter", v, &n.jitter_us, e)
                 : k == 2 ? parse_pct("loss", v, &n.loss, e)
                 : k == 3 ? parse_pct("duplicate", v, &n.duplicate, e)
                          : parse_rate(v, &n.rate_bps, e);
        if (rc < 0)
            return -1;
    }
    if (netem_params_empty(&n))
        return err_set(e,
                       "netem: everything given is zero (to remove the emulation: netem ... off)");
    *p = n;
    return 0;
}

/* Appends " "-separated FMT to BUF at *LEN (truncating at BUFSZ). */
__attribute__((format(printf, 4, 5))) static void add(char *buf, size_t bufsz, size_t *len,
                                                      const char *fmt, ...)
{
    if (*len >= bufsz)
        return;
    if (*len) {
        buf[(*len)++] = ' ';
        buf[*len] = '\0';
        if (*len >= bufsz) {
            buf[bufsz - 1] = '\0';
            return;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, bufsz - *len, fmt, ap);
    va_end(ap);
    *len = n < 0 ? bufsz : *len + (size_t)n;
}

void netem_args_format(const struct netem_params *p, char *buf, size_t bufsz)
{
    if (!bufsz)
        return;
    size_t len = 0;
    buf[0] = '\0';
    if (p->delay_us)
        add(buf, bufsz, &len, "delay %gms", p->delay_us / 1000.0);
    if (p->jitter_us)
        add(buf, bufsz, &len, "jitter %gms", p->jitter_us / 1000.0);
    if (p->loss)
        add(buf, bufsz, &len, "loss %.6g%%", netem_prob_to_pct(p->loss));
    if (p->duplicate)
        add(buf, bufsz, &len, "duplicate %.6g%%", netem_prob_to_pct(p->duplicate));
    if (p->rate_bps) {
        size_t i = 0;
        while (i + 1 < sizeof rate_units / sizeof *rate_units &&
               p->rate_bps % (uint64_t)rate_units[i].bps != 0)
            i++;
        add(buf, bufsz, &len, "rate %llu%s",
            (unsigned long long)(p->rate_bps / (uint64_t)rate_units[i].bps), rate_units[i].unit);
    }
    if (!len)
        snprintf(buf, bufsz, "none");
}

int netem_args_word(const struct netem_params *p, char *buf, size_t bufsz)
{
    char text[160];
    netem_args_format(p, text, sizeof text);
    if (netem_params_empty(p) || strlen(text) >= bufsz)
        return -1;
    /* "delay 50ms loss 10%": every other blank is a pair's '=', the rest ',' */
    size_t n = 0;
    for (char *c = text; *c; c++)
        if (*c == ' ')
            *c = n++ % 2 == 0 ? '=' : ',';
    snprintf(buf, bufsz, "%s", text);
    return 0;
}

int netem_args_from_word(const char *word, struct netem_params *p, struct err *e)
{
    char copy[256], *argv[16];
    int argc = 0;
    if (!word || strlen(word) >= sizeof copy)
        return err_set(e, "netem settings: missing or too long");
    snprintf(copy, sizeof copy, "%s", word);
    /* exactly what netem_args_word writes: no empty pair, no blank */
    for (char *pair = copy, *next; pair; pair = next) {
        next = strchr(pair, ',');
        if (next)
            *next++ = '\0';
        char *eq = strchr(pair, '=');
        if (!eq || eq == pair || !eq[1] || strchr(pair, ' ') ||
            argc + 2 > (int)(sizeof argv / sizeof *argv))
            return err_set(e, "netem settings '%s': not KEY=VALUE,...", word);
        *eq = '\0';
        argv[argc++] = pair;
        argv[argc++] = eq + 1;
    }
    return netem_args_parse(argc, argv, p, e);
}
