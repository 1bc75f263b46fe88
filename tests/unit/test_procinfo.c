/* test_procinfo.c — process start times from /proc/PID/stat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/procinfo.h"

/* A stat line as the kernel writes it; field 22 (starttime) is 987654. */
#define AFTER_COMM                                                                                 \
    " S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 12345678 100 "                  \
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n"

static unsigned long long parsed(const char *line)
{
    unsigned long long v = 0;
    if (proc_parse_starttime(line, &v) != 0)
        fail_msg("proc_parse_starttime failed on: %s", line);
    return v;
}

static void test_parse_plain(void **state)
{
    (void)state;
    assert_int_equal(parsed("1234 (umlab)" AFTER_COMM), 987654);
    assert_int_equal(parsed("1 (init)" AFTER_COMM), 987654);
    /* the last field, with or without a newline */
    assert_int_equal(parsed("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 424242"), 424242);
    assert_int_equal(parsed("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 5\n"), 5);
    assert_int_equal(parsed("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 0 77"), 0);
    assert_true(parsed("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
                       "18446744073709551615") == 18446744073709551615ULL);
}

static void test_parse_hostile_comm(void **state)
{
    (void)state;
    /* comm holds spaces, parentheses and ')' followed by things that look like fields */
    assert_int_equal(parsed("42 (a b)" AFTER_COMM), 987654);
    assert_int_equal(parsed("42 (a) b (c) d)" AFTER_COMM), 987654);
    assert_int_equal(parsed("42 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99)" AFTER_COMM),
                     987654);
    assert_int_equal(parsed("42 ())" AFTER_COMM), 987654);
    assert_int_equal(parsed("42 ( )" AFTER_COMM), 987654);
    assert_int_equal(parsed("42 ((((()" AFTER_COMM), 987654);
}

static void test_parse_refuses(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "1234 umlab S 1 2 3",                                        /* no ')' at all */
        "1234 (umlab)",                                              /* nothing after comm */
        "1234 (umlab) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",  /* 20 fields */
        "1234 (umlab) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 ", /* 20 and a blank */
        "1234 (umlab) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x",
        "1234 (umlab) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned long long v = 31337;
        if (proc_parse_starttime(bad[i], &v) != -1)
            fail_msg("proc_parse_starttime accepted \"%s\" (%llu)", bad[i], v);
        assert_int_equal(v, 31337); /* untouched */
    }
}

/* Field 22 of /proc/self/stat the long way: an independent reading. */
static unsigned long long self_starttime(char *comm, size_t commsz)
{
    char buf[2048];
    int fd = open("/proc/self/stat", O_RDONLY);
    assert_true(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    assert_true(n > 0);
    assert_int_equal(close(fd), 0);
    buf[n] = '\0';
    char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
    assert_non_null(open_paren);
    assert_non_null(close_paren);
    snprintf(comm, commsz, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    unsigned long long start = 0;
    int got = sscanf(close_paren + 2,
                     "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
                     "%*d %llu",
                     &start);
    assert_int_equal(got, 1);
    return start;
}

static void test_starttime_self(void **state)
{
    (void)state;
    char comm[64];
    unsigned long long want = self_starttime(comm, sizeof comm);
    unsigned long long st = 0;
    assert_int_equal(proc_starttime(getpid(), &st), 0);
    assert_true(st == want);
    assert_true(st > 0);

    /* no later than now, in clock ticks since boot */
    FILE *f = fopen("/proc/uptime", "r");
    assert_non_null(f);
    double up = 0;
    assert_int_equal(fscanf(f, "%lf", &up), 1);
    assert_int_equal(fclose(f), 0);
    long hz = sysconf(_SC_CLK_TCK);
    assert_true(hz > 0);
    assert_true((double)st <= (up + 1.0) * (double)hz);

    /* stable */
    unsigned long long again = 0;
    assert_int_equal(proc_starttime(getpid(), &again), 0);
    assert_true(again == st);
}

static void test_starttime_self_hostile_name(void **state)
{
    (void)state;
    /* give this very process a comm with spaces and ')' and read it back */
    char old[17] = "";
    assert_int_equal(prctl(PR_GET_NAME, old, 0, 0, 0), 0);
    const char *name = "a) b (9 9) R 1)";
    assert_int_equal(prctl(PR_SET_NAME, name, 0, 0, 0), 0);

    char comm[64];
    unsigned long long want = self_starttime(comm, sizeof comm);
    unsigned long long st = 0;
    int rc = proc_starttime(getpid(), &st);
    assert_int_equal(prctl(PR_SET_NAME, old, 0, 0, 0), 0);

    assert_string_equal(comm, name);
    assert_int_equal(rc, 0);
    assert_true(st == want);
    assert_true(proc_is(getpid(), want));
}

static pid_t absent_pid(void)
{
    /* pids are below pid_max, so pid_max itself never exists */
    FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
    assert_non_null(f);
    int max = 0;
    assert_int_equal(fscanf(f, "%d", &max), 1);
    assert_int_equal(fclose(f), 0);
    assert_true(max > 1);
    return (pid_t)max;
}

static void test_starttime_absent(void **state)
{
    (void)state;
    unsigned long long st = 31337;
    assert_int_equal(proc_starttime(absent_pid(), &st), -1);
    assert_int_equal(proc_starttime(INT_MAX, &st), -1);
    assert_int_equal(st, 31337);
}

static void test_proc_is(void **state)
{
    (void)state;
    unsigned long long st = 0;
    assert_int_equal(proc_starttime(getpid(), &st), 0);
    assert_true(proc_is(getpid(), st));
    assert_true(proc_is(getpid(), 0)); /* any start time */
    assert_false(proc_is(getpid(), st + 1));
    assert_false(proc_is(getpid(), st - 1));
    assert_false(proc_is(0, 0));
    assert_false(proc_is(-1, 0));
    assert_false(proc_is(absent_pid(), 0));

    /* the parent started no later than we did */
    unsigned long long pst = 0;
    assert_int_equal(proc_starttime(getppid(), &pst), 0);
    assert_true(pst <= st);
    assert_true(proc_is(getppid(), pst));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_plain),
        cmocka_unit_test(test_parse_hostile_comm),
        cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_starttime_self),
        cmocka_unit_test(test_starttime_self_hostile_name),
        cmocka_unit_test(test_starttime_absent),
        cmocka_unit_test(test_proc_is),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
