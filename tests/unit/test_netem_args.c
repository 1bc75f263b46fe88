/* test_netem_args.c — the netem command's words into netem_params and back,
 * the probability scale netcfg hands the kernel, and a fault in words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/lab_fault.h"
#include "core/netem_args.h"

/* Splits LINE at blanks into at most 16 words (LINE is modified). */
static int words(char *line, char **w)
{
    int n = 0;
    for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < 16;
         t = strtok_r(NULL, " ", &save))
        w[n++] = t;
    return n;
}

static struct netem_params parse_ok(const char *text)
{
    char line[256], *w[16];
    snprintf(line, sizeof line, "%s", text);
    int n = words(line, w);
    struct netem_params p;
    memset(&p, 0xaa, sizeof p);
    struct err e = {""};
    if (netem_args_parse(n, w, &p, &e) != 0)
        fail_msg("\"%s\" refused: %s", text, e.msg);
    return p;
}

static void parse_fails(const char *text, const char *needle)
{
    char line[256], *w[16];
    snprintf(line, sizeof line, "%s", text);
    int n = words(line, w);
    struct netem_params p, before;
    memset(&p, 0x55, sizeof p);
    before = p;
    struct err e = {""};
    if (netem_args_parse(n, w, &p, &e) != -1)
        fail_msg("\"%s\" accepted", text);
    if (!strstr(e.msg, needle))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, e.msg, needle);
    assert_memory_equal(&p, &before, sizeof p); /* nothing written on bad input */
}

static void format_is(const struct netem_params *p, const char *want)
{
    char buf[128];
    netem_args_format(p, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_probability_scale(void **state)
{
    (void)state;
    assert_int_equal(netem_pct_to_prob(0), 0);
    assert_int_equal(netem_pct_to_prob(-5), 0);
    assert_int_equal(netem_pct_to_prob(100), UINT32_MAX);
    assert_int_equal(netem_pct_to_prob(250), UINT32_MAX);
    assert_int_equal(netem_pct_to_prob(50), 2147483648u); /* as iproute2's tc computes it */
    assert_int_equal(netem_pct_to_prob(10), 429496730u);
    assert_true(netem_prob_to_pct(UINT32_MAX) == 100.0);
    assert_true(netem_prob_to_pct(0) == 0.0);
    double back = netem_prob_to_pct(netem_pct_to_prob(0.5));
    assert_true(back > 0.4999999 && back < 0.5000001);
}

static void test_parse_units(void **state)
{
    (void)state;
    struct netem_params p = parse_ok("delay 100ms");
    assert_int_equal(p.delay_us, 100000);
    assert_int_equal(p.jitter_us, 0);
    assert_int_equal(p.loss, 0);
    assert_int_equal(p.duplicate, 0);
    assert_int_equal(p.rate_bps, 0);
    assert_int_equal(parse_ok("delay 50").delay_us, 50000); /* ms when no unit */
    assert_int_equal(parse_ok("delay 1.5ms").delay_us, 1500);
    assert_int_equal(parse_ok("delay 200us").delay_us, 200);
    assert_int_equal(parse_ok("delay 2s").delay_us, 2000000);
    assert_int_equal(parse_ok("delay 60s").delay_us, 60000000);
    p = parse_ok("loss 10% delay 50ms jitter 5ms duplicate 1 rate 512kbit");
    assert_int_equal(p.loss, netem_pct_to_prob(10));
    assert_int_equal(p.delay_us, 50000);
    assert_int_equal(p.jitter_us, 5000);
    assert_int_equal(p.duplicate, netem_pct_to_prob(1));
    assert_int_equal(p.rate_bps, 512000);
    assert_int_equal(parse_ok("loss 100%").loss, UINT32_MAX);
    assert_int_equal(parse_ok("loss 0.5%").loss, netem_pct_to_prob(0.5));
    assert_int_equal(parse_ok("rate 1mbit").rate_bps, 1000000);
    assert_int_equal(parse_ok("rate 10gbit").rate_bps, 10000000000ull);
    assert_int_equal(parse_ok("rate 8000bit").rate_bps, 8000);
    assert_int_equal(parse_ok("rate 1.5mbit").rate_bps, 1500000);
    /* a zero among others is fine: it is off */
    assert_int_equal(parse_ok("loss 0 delay 10").delay_us, 10000);
}

static void test_parse_refusals(void **state)
{
    (void)state;
    parse_fails("", "give what to emulate");
    parse_fails("delay", "needs a value");
    parse_fails("loss 10% delay", "needs a value");
    parse_fails("latency 10ms", "unknown option 'latency'");
    parse_fails("delay 10ms delay 20ms", "delay given twice");
    parse_fails("delay 61s", "up to 60 s");
    parse_fails("delay 60001ms", "up to 60 s");
    parse_fails("delay -1ms", "delay '-1ms'");
    parse_fails("delay 1e3", "delay '1e3'");
    parse_fails("delay nan", "delay 'nan'");
    parse_fails("delay inf", "delay 'inf'");
    parse_fails("delay 10m", "delay '10m'");
    parse_fails("delay ms", "delay 'ms'");
    parse_fails("jitter 0x10", "jitter '0x10'");
    parse_fails("loss 101%", "percentage 0..100");
    parse_fails("loss -1%", "percentage");
    parse_fails("loss 10%%", "percentage");
    parse_fails("loss %", "percentage");
    parse_fails("duplicate 1e2", "duplicate '1e2'");
    parse_fails("rate 1000", "rate '1000'");    /* a unit is required */
    parse_fails("rate 7kbit", "8kbit..10gbit"); /* below what tbf shapes well */
    parse_fails("rate 11gbit", "8kbit..10gbit");
    parse_fails("rate 1mbps", "rate '1mbps'"); /* bytes: not tc's confusing bps */
    parse_fails("rate 99999999999999999999gbit", "8kbit..10gbit");
    parse_fails("delay 0", "everything given is zero");
    parse_fails("loss 0% delay 0ms", "everything given is zero");
}

static void test_format(void **state)
{
    (void)state;
    struct netem_params p = {0};
    format_is(&p, "none");
    p.delay_us = 100000;
    format_is(&p, "delay 100ms");
    p.jitter_us = 1500;
    p.loss = netem_pct_to_prob(10);
    p.duplicate = netem_pct_to_prob(0.5);
    p.rate_bps = 512000;
    format_is(&p, "delay 100ms jitter 1.5ms loss 10% duplicate 0.5% rate 512kbit");
    p = (struct netem_params){.loss = UINT32_MAX, .rate_bps = 1000000};
    format_is(&p, "loss 100% rate 1mbit");
    p = (struct netem_params){.rate_bps = 1500000};
    format_is(&p, "rate 1500kbit");
    p = (struct netem_params){.rate_bps = 8001};
    format_is(&p, "rate 8001bit");
    /* what the formatter writes parses back to the same */
    struct netem_params q = {.delay_us = 123456,
                             .jitter_us = 7,
                             .loss = netem_pct_to_prob(33.33),
                             .rate_bps = 2000000000};
    char buf[128];
    netem_args_format(&q, buf, sizeof buf);
    struct netem_params back = parse_ok(buf);
    assert_int_equal(back.delay_us, q.delay_us);
    assert_int_equal(back.jitter_us, q.jitter_us);
    assert_int_equal(back.rate_bps, q.rate_bps);
    assert_true(back.loss > q.loss - 5000 && back.loss < q.loss + 5000);
    /* a small buffer is cut, never overrun */
    char small[12];
    memset(small, 'Z', sizeof small);
    netem_args_format(&q, small, 8);
    assert_int_equal(strlen(small), 7);
    assert_int_equal(small[8], 'Z');
}

static void test_journal_word(void **state)
{
    (void)state;
    char w[64];
    struct netem_params p = {.delay_us = 100000, .loss = netem_pct_to_prob(10), .rate_bps = 512000};
    assert_int_equal(netem_args_word(&p, w, sizeof w), 0);
    assert_string_equal(w, "delay=100ms,loss=10%,rate=512kbit");
    struct netem_params back, before;
    memset(&back, 0x5a, sizeof back);
    assert_int_equal(netem_args_from_word(w, &back, NULL), 0);
    assert_int_equal(back.delay_us, p.delay_us);
    assert_int_equal(back.loss, p.loss);
    assert_int_equal(back.rate_bps, p.rate_bps);
    assert_int_equal(back.jitter_us, 0);
    p = (struct netem_params){.jitter_us = 200};
    assert_int_equal(netem_args_word(&p, w, sizeof w), 0);
    assert_string_equal(w, "jitter=0.2ms");
    assert_int_equal(netem_args_word(&p, w, 8), -1); /* does not fit */
    p = (struct netem_params){0};
    assert_int_equal(netem_args_word(&p, w, sizeof w), -1); /* nothing to say */
    const char *bad[] = {"",
                         "delay",
                         "delay=",
                         "=5ms",
                         "delay=5ms,",
                         "delay 5ms",
                         "delay=5ms,loss",
                         "x=1",
                         "loss=101%",
                         "delay=0",
                         "delay=1ms,delay=2ms"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct err e = {""};
        memset(&back, 0x5a, sizeof back);
        before = back;
        if (netem_args_from_word(bad[i], &back, &e) == 0)
            fail_msg("word \"%s\" accepted", bad[i]);
        assert_memory_equal(&back, &before, sizeof back);
        assert_true(e.msg[0] != '\0');
    }
}

static void describe_is(const struct lab_fault *f, const char *want)
{
    char buf[160];
    lab_fault_describe(f, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_fault_describe(void **state)
{
    (void)state;
    struct lab_fault f = {.ifname = "tap0", .down = true};
    describe_is(&f, "down");
    f.netem = f.netem_read = true;
    f.p.rate_bps = 512000;
    describe_is(&f, "down, netem rate 512kbit");
    f.down = false;
    f.p.delay_us = 100000;
    describe_is(&f, "netem delay 100ms rate 512kbit");
    f.netem_read = false;
    snprintf(f.netem_err, sizeof f.netem_err, "umlab's qdisc is gone");
    describe_is(&f, "netem umlab's qdisc is gone");
    f = (struct lab_fault){.ifname = "tap0"};
    describe_is(&f, "");
    char small[6];
    f.down = f.netem = f.netem_read = true;
    f.p.loss = UINT32_MAX;
    lab_fault_describe(&f, small, sizeof small);
    assert_string_equal(small, "down,");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probability_scale), cmocka_unit_test(test_parse_units),
        cmocka_unit_test(test_parse_refusals),    cmocka_unit_test(test_format),
        cmocka_unit_test(test_fault_describe),    cmocka_unit_test(test_journal_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
