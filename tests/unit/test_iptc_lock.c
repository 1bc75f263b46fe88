/* test_iptc_lock.c — a busy xtables lock never blocks: the waiter is called
 * between non-blocking tries, learns who holds the lock, and can give up.
 * No root needed: XTABLES_LOCKFILE points at a file this test locks itself,
 * and the table named does not exist, so nothing is ever written (as root the
 * test also runs in a network namespace of its own, for good measure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "netcfg/iptc.h"

#define NO_TABLE "umlabnotable" /* never a real table */

struct waits {
    int calls;
    int last_ms;
    char what[512];
    int give_up_after;
    int holder_fd; /* released at give_up_after when >= 0 */
};

static int waiter(void *ctx, const char *what, int waited_ms, struct err *e)
{
    struct waits *w = ctx;
    w->calls++;
    w->last_ms = waited_ms;
    snprintf(w->what, sizeof w->what, "%s", what);
    if (w->calls >= w->give_up_after) {
        if (w->holder_fd < 0)
            return err_set(e, "given up");
        close(w->holder_fd); /* the holder lets go: the next try gets it */
        w->holder_fd = -1;
    }
    usleep(10000);
    return 0;
}

static void test_busy_lock_calls_the_waiter(void **state)
{
    (void)state;
    if (geteuid() == 0)
        assert_int_equal(unshare(CLONE_NEWNET), 0);
    char path[] = "/tmp/umlab-test-xtlock-XXXXXX";
    int hold = mkstemp(path);
    assert_true(hold >= 0);
    assert_int_equal(flock(hold, LOCK_EX), 0);
    setenv("XTABLES_LOCKFILE", path, 1);

    struct waits w = {.give_up_after = 5, .holder_fd = -1};
    iptc_set_lock_waiter(waiter, &w, NULL, NULL);
    struct rule_spec spec = {.target = RULE_TARGET_ACCEPT};
    snprintf(spec.comment, sizeof spec.comment, "umlab:test:x");
    struct err e = {""};
    int64_t t0 = (int64_t)time(NULL);
    assert_int_equal(iptc_rule_insert(NO_TABLE, "FORWARD", &spec, &e), -1);
    assert_true((int64_t)time(NULL) - t0 < 5); /* did not block */
    assert_int_equal(w.calls, 5);
    assert_string_equal(e.msg, "given up");
    char holder[64];
    snprintf(holder, sizeof holder, "(held by pid %d, ", (int)getpid());
    if (!strstr(w.what, path) || !strstr(w.what, holder))
        fail_msg("waiter told: %s", w.what);

    /* the holder lets go after 3 waits: the lock is taken and the cycle goes
     * on to the (missing) table */
    w = (struct waits){.give_up_after = 3, .holder_fd = hold};
    assert_int_equal(iptc_rule_insert(NO_TABLE, "FORWARD", &spec, &e), -1);
    assert_int_equal(w.calls, 3);
    if (!strstr(e.msg, "iptables " NO_TABLE ": init"))
        fail_msg("expected the table's error, got: %s", e.msg);

    iptc_set_lock_waiter(NULL, NULL, NULL, NULL);
    unsetenv("XTABLES_LOCKFILE");
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_busy_lock_calls_the_waiter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
