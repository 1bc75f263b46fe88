/* test_cpuplace.c — the CPU placement policy and the --cpus list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/cpuplace.h"

static void parse_ok(const char *s, const int *want, size_t nwant)
{
    int cpus[8];
    size_t n = 99;
    struct err e = {""};
    if (cpuplace_parse(s, cpus, 8, &n, &e) != 0)
        fail_msg("cpuplace_parse(%s): %s", s, e.msg);
    assert_int_equal(n, nwant);
    assert_memory_equal(cpus, want, nwant * sizeof *want);
}

static void test_parse_forms(void **state)
{
    (void)state;
    parse_ok("1", (int[]){1}, 1);
    parse_ok("0-1", (int[]){0, 1}, 2);
    parse_ok("1,3", (int[]){1, 3}, 2);
    parse_ok("3,1,1", (int[]){1, 3}, 2); /* sorted, once each */
    parse_ok("0-2,5", (int[]){0, 1, 2, 5}, 4);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"", "a", "1-", "-1", "2-1", "1,", ",1", "1;2", "1 ", "99999", "0-9"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int cpus[8];
        size_t n = 99;
        struct err e = {""};
        if (cpuplace_parse(bad[i], cpus, 8, &n, &e) != -1)
            fail_msg("'%s' accepted", bad[i]);
        assert_int_equal(n, 99); /* nothing changed */
        assert_non_null(strstr(e.msg, "--cpus"));
    }
}

static void test_pick_least_loaded(void **state)
{
    (void)state;
    size_t next = 0;
    assert_int_equal(cpuplace_pick((unsigned[]){3, 1, 2}, 3, -1, &next), 1);
    assert_int_equal(cpuplace_pick((unsigned[]){0, 5}, 2, 1, &next), 0); /* load beats preference */
}

static void test_pick_round_robin_among_equals(void **state)
{
    (void)state;
    size_t next = 0;
    unsigned load[3] = {0, 0, 0};
    assert_int_equal(cpuplace_pick(load, 3, -1, &next), 0);
    assert_int_equal(cpuplace_pick(load, 3, -1, &next), 1);
    assert_int_equal(cpuplace_pick(load, 3, -1, &next), 2);
    assert_int_equal(cpuplace_pick(load, 3, -1, &next), 0);
}

static void test_pick_keeps_previous_among_equals(void **state)
{
    (void)state;
    size_t next = 0;
    assert_int_equal(cpuplace_pick((unsigned[]){1, 1}, 2, 1, &next), 1);
    assert_int_equal(next, 0); /* a kept place does not move the cursor */
}

static void test_self_cpu(void **state)
{
    (void)state;
    /* a spare CPU umlab may use but the guests do not */
    assert_int_equal(cpuplace_self_cpu((int[]){1}, 1, (int[]){0, 1}, 2), 0);
    assert_int_equal(cpuplace_self_cpu((int[]){0, 1}, 2, (int[]){0, 1, 2}, 3), 2);
    /* none spare: shares the first guest CPU when there are two or more */
    assert_int_equal(cpuplace_self_cpu((int[]){0, 1}, 2, (int[]){0, 1}, 2), 0);
    /* one CPU for everything: left alone */
    assert_int_equal(cpuplace_self_cpu((int[]){0}, 1, (int[]){0}, 1), -1);
}

/* The default on a 2-CPU box: umlab on 0, the first guest alone on 1, then
 * guests alternate so both CPUs carry the same load. */
static void test_choose_two_cpus(void **state)
{
    (void)state;
    struct cpuplace p = {.pin = true, .cpus = {0, 1}, .n = 2, .self_cpu = 0};
    int used[8];
    size_t n = 0;
    int want[] = {1, 0, 1, 0, 1, 0, 1, 0};
    for (size_t i = 0; i < 8; i++) {
        int c = cpuplace_choose(&p, used, n, -1);
        assert_int_equal(c, want[i]);
        used[n++] = c;
    }
    /* a restarted guest that was on 0 keeps it when 0 is among the least loaded */
    assert_int_equal(cpuplace_choose(&p, (int[]){1, 0, 1}, 3, 0), 0);
    /* ... and moves when its old CPU is now the busier one */
    assert_int_equal(cpuplace_choose(&p, (int[]){1, 1, 1, 0}, 4, 1), 0);
}

static void test_choose_off(void **state)
{
    (void)state;
    struct cpuplace p = {.pin = false, .cpus = {0, 1}, .n = 2, .self_cpu = -1};
    assert_int_equal(cpuplace_choose(&p, NULL, 0, -1), -1);
}

/* A guest CPU list that leaves umlab's spare CPU out: guests only on theirs. */
static void test_choose_list(void **state)
{
    (void)state;
    struct cpuplace p = {.pin = true, .cpus = {1, 3}, .n = 2, .self_cpu = 0};
    assert_int_equal(cpuplace_choose(&p, NULL, 0, -1), 1);
    assert_int_equal(cpuplace_choose(&p, (int[]){1}, 1, -1), 3);
    assert_int_equal(cpuplace_choose(&p, (int[]){1, 3, 0}, 3, -1), 1); /* 0 is not its */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_pick_least_loaded),
        cmocka_unit_test(test_pick_round_robin_among_equals),
        cmocka_unit_test(test_pick_keeps_previous_among_equals),
        cmocka_unit_test(test_self_cpu),
        cmocka_unit_test(test_choose_two_cpus),
        cmocka_unit_test(test_choose_off),
        cmocka_unit_test(test_choose_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
