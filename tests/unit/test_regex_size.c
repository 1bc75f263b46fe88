/* test_regex_size.c — what regex_measure says regcomp will build, and that
 * what a lab file lets through (2000 atoms, 100 loops) compiles quickly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <string.h>
#include <time.h>

#include "core/regex_size.h"

static void test_measures(void **state)
{
    (void)state;
    static const struct {
        const char *re;
        unsigned long atoms, loops;
    } cases[] = {
        {"", 0, 0},                             /* nothing */
        {"abc", 3, 0},                          /* one per character */
        {"a|b", 2, 0},                          /* alternatives add */
        {"a*b?", 2, 2},                         /* a star or a question mark: a loop each */
        {"a+", 2, 1},                           /* x+ is x x* */
        {"a{5}", 5, 0},                         /* five copies */
        {"a{2,}", 3, 1},                        /* x x x* */
        {"a{2,5}", 5, 3},                       /* two copies and three optional ones */
        {"a{0}", 1, 0},                         /* still an atom */
        {"(ab)+", 4, 1},                        /* a group's copies */
        {"()+", 2, 1},                          /* an empty group counts one */
        {"((a{3}){4}|b)c", 14, 0},              /* nesting multiplies */
        {"(a*){3}", 3, 3},                      /* and copies the loops */
        {"((x*)+)*", 2, 4},                     /* (x* x*)* */
        {"[a-z]{3}", 3, 0},                     /* a bracket is one atom */
        {"[]{}+]{3}", 3, 0},                    /* braces and '+' in a bracket are members */
        {"[^]x]+", 2, 1},                       /* ']' first is a member */
        {"[[:alpha:]]{4}", 4, 0},               /* a class inside */
        {"[[.-.]]{2}", 2, 0},                   /* a collating element inside */
        {"\\{3}", 3, 0},                        /* an escaped brace is a character */
        {"a{x}", 4, 0},                         /* not an interval: four characters */
        {"a{3", 3, 0},                          /* unclosed: characters */
        {"^[a-z]+@[a-z0-9-]+:[^ ]+# $", 12, 3}, /* a prompt */
        {"a++", 4, 3},                          /* stacking multiplies */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct regex_size sz;
        regex_measure(cases[i].re, 1000, &sz);
        if (sz.atoms != cases[i].atoms || sz.loops != cases[i].loops)
            fail_msg("'%s': %lu atoms %lu loops, want %lu, %lu", cases[i].re, sz.atoms, sz.loops,
                     cases[i].atoms, cases[i].loops);
        assert_int_equal(sz.stacked, strstr(cases[i].re, "++") != NULL);
    }
}

/* glibc takes seconds on a dozen stacked operators with a star among them
 * (`x*+*+*+*+*+*+*+*+*+*+*+`: 2.1 s), and POSIX leaves them undefined. */
static void test_stacked(void **state)
{
    (void)state;
    static const char *const stacked[] = {
        "a+*", "a*+", "a{2}+", "a?{3}", "(ab)+*", "x+*++++++*+++++", "b|a**"};
    static const char *const fine[] = {"a+b*", "(a+)*", "a{2}(b)+", "\\+*", "[+*]+", "a+\\*"};
    struct regex_size sz;
    for (size_t i = 0; i < sizeof stacked / sizeof *stacked; i++) {
        regex_measure(stacked[i], 10000, &sz);
        if (!sz.stacked)
            fail_msg("'%s' not seen as stacked", stacked[i]);
    }
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++) {
        regex_measure(fine[i], 10000, &sz);
        if (sz.stacked)
            fail_msg("'%s' seen as stacked", fine[i]);
    }
}

static void test_saturates(void **state)
{
    (void)state;
    struct regex_size sz;
    regex_measure("a{99999999999999999999999}", 1000, &sz);
    assert_int_equal(sz.atoms, 1001);
    regex_measure("(()*){99999999999}", 1000, &sz);
    assert_int_equal(sz.loops, 1001);
    regex_measure("a++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++", 1000,
                  &sz);
    assert_int_equal(sz.atoms, 1001);
    assert_int_equal(sz.loops, 1001);
    char deep[300];
    for (int i = 0; i < 100; i++) {
        deep[i] = '(';
        deep[199 - i] = ')';
    }
    deep[100] = 'a';
    deep[200] = '\0';
    regex_measure(deep, 1000, &sz);
    assert_int_equal(sz.atoms, 1001); /* too deep */
    regex_measure("((a)", 1000, &sz);
    assert_int_equal(sz.atoms, 1);
    regex_measure("a)b", 1000, &sz);
    assert_int_equal(sz.atoms, 2);
}

/* At the lab file's limits regcomp takes milliseconds; past them it takes
 * seconds (`(()*){800}` 2 s, `(x?){9999}` 0.45 s, measured without sanitizers). */
static void test_limits_compile_fast(void **state)
{
    (void)state;
    static const char *const res[] = {
        "(a{40}){50}",
        "((((((a+)+)+)+)+)+)x",
        "[[:alnum:]]{1000}.{999}",
        "(()*){100}",
        "(()+){100}",
        "(x?){100}",
        "(a|()*){100}",
        "x{1,100}",
        "((()*){10}){10}",
        "((((((((((x*)+)*)+)*)+)*)+)*)+)*",
    };
    for (size_t i = 0; i < sizeof res / sizeof *res; i++) {
        struct regex_size sz;
        regex_measure(res[i], 2000, &sz);
        if (sz.atoms > 2000 || sz.loops > 100 || sz.stacked)
            fail_msg("'%s' is past the limits: %lu atoms, %lu loops", res[i], sz.atoms, sz.loops);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        regex_t rx;
        assert_int_equal(regcomp(&rx, res[i], REG_EXTENDED | REG_NEWLINE | REG_NOSUB), 0);
        regfree(&rx);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (s > 0.25)
            fail_msg("'%s' took %.2f s", res[i], s);
    }
}

/* What `expect` refuses before regcomp (the lab file's limits). */
static void test_too_hard(void **state)
{
    (void)state;
    char buf[128], big[400];
    assert_null(regex_too_hard("^g1:.*# $", 256, 2000, 100, buf, sizeof buf));
    assert_null(regex_too_hard("(ab|c)+x{3}", 256, 2000, 100, buf, sizeof buf));
    assert_string_equal(regex_too_hard("a+*", 256, 2000, 100, buf, sizeof buf),
                        "regex repeats a repetition (like a+* or a{2}+): put it in a group");
    assert_non_null(strstr(regex_too_hard("(a+){200}", 256, 2000, 100, buf, sizeof buf),
                           "over 100 *, + and ?"));
    assert_non_null(strstr(regex_too_hard("(((a){50}){50})", 256, 2000, 100, buf, sizeof buf),
                           "over 2000 copies"));
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_string_equal(regex_too_hard(big, 256, 2000, 100, buf, sizeof buf),
                        "regex longer than 256 characters");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measures),  cmocka_unit_test(test_stacked),
        cmocka_unit_test(test_saturates), cmocka_unit_test(test_limits_compile_fast),
        cmocka_unit_test(test_too_hard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
