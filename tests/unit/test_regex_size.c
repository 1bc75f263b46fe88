/* test_regex_size.c — the estimate of regcomp's expanded size, and that the
 * largest regex it lets through compiles quickly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <time.h>

#include "core/regex_size.h"

static void test_sizes(void **state)
{
    (void)state;
    static const struct {
        const char *re;
        unsigned long size;
    } cases[] = {
        {"", 0},                             /* nothing */
        {"abc", 3},                          /* one per character */
        {"a|b", 2},                          /* alternatives add */
        {"a*b?", 2},                         /* a star or a question mark copies nothing */
        {"a+", 2},                           /* x+ is x x* */
        {"a{5}", 5},                         /* five copies */
        {"a{2,}", 3},                        /* x x x* */
        {"a{2,5}", 5},                       /* the upper bound */
        {"a{0}", 1},                         /* still an atom */
        {"(ab)+", 4},                        /* a group's copies */
        {"()+", 2},                          /* an empty group counts one */
        {"((a{3}){4}|b)c", 14},              /* nesting multiplies */
        {"[a-z]{3}", 3},                     /* a bracket is one atom */
        {"[]{}+]{3}", 3},                    /* braces and '+' in a bracket are members */
        {"[^]x]+", 2},                       /* ']' first is a member */
        {"[[:alpha:]]{4}", 4},               /* a class inside */
        {"[[.-.]]{2}", 2},                   /* a collating element inside */
        {"\\{3}", 3},                        /* an escaped brace is a character */
        {"a{x}", 4},                         /* not an interval: four characters */
        {"a{3", 3},                          /* unclosed: characters */
        {"^[a-z]+@[a-z0-9-]+:[^ ]+# $", 12}, /* a prompt */
        {"a++", 4},                          /* stacking multiplies */
        {"((a+)+)+", 8},                     /* and nesting */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unsigned long n = regex_expanded_size(cases[i].re, 1000);
        if (n != cases[i].size)
            fail_msg("'%s': %lu, want %lu", cases[i].re, n, cases[i].size);
    }
}

static void test_saturates(void **state)
{
    (void)state;
    assert_int_equal(regex_expanded_size("a{99999999999999999999999}", 1000), 1001);
    assert_int_equal(regex_expanded_size("a++++++++++++++++++++++++++++++++++++++++++++++++++++++"
                                         "+++++++++++++++++",
                                         1000),
                     1001);
    char deep[300];
    for (int i = 0; i < 100; i++)
        deep[i] = '(', deep[199 - i] = ')';
    deep[100] = 'a';
    deep[200] = '\0';
    assert_int_equal(regex_expanded_size(deep, 1000), 1001); /* too deep */
    assert_int_equal(regex_expanded_size("((a)", 1000), 1);
    assert_int_equal(regex_expanded_size("a)b", 1000), 2);
}

/* What passes at the lab file's limit (10000) compiles in well under a second. */
static void test_limit_compiles_fast(void **state)
{
    (void)state;
    static const char *const res[] = {"(a{100}){100}", "((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+x",
                                      "[[:alnum:]]{5000}.{4999}"};
    for (size_t i = 0; i < sizeof res / sizeof *res; i++) {
        assert_true(regex_expanded_size(res[i], 10000) <= 10000);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        regex_t rx;
        assert_int_equal(regcomp(&rx, res[i], REG_EXTENDED | REG_NOSUB), 0);
        regfree(&rx);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (s > 1.0)
            fail_msg("'%s' took %.2f s", res[i], s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_saturates),
        cmocka_unit_test(test_limit_compiles_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
