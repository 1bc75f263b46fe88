/* test_pane.c — a program on a pane: its output in the terminal and its exit
 * status, typed input through the queue, resize reaching the program, a flood
 * read at most PANE_READ_BUDGET per loop round, kill, and a new run keeping
 * the scrollback. Real processes on ptys, no root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "core/pane.h"

struct seen {
    int ended;
    size_t rounds, biggest;
    bool undrained; /* a round stopped at the budget */
};

static void on_output(void *ctx, size_t n, bool drained)
{
    struct seen *s = ctx;
    s->rounds++;
    if (n > s->biggest)
        s->biggest = n;
    if (n && !drained)
        s->undrained = true;
}

static void on_ended(void *ctx)
{
    ((struct seen *)ctx)->ended++;
}

static const struct pane_hooks hooks = {on_output, on_ended};

static struct loop *L;
static struct pane P;
static struct seen S;

static int setup(void **state)
{
    (void)state;
    struct err e;
    L = loop_new(&e);
    assert_non_null(L);
    S = (struct seen){0};
    assert_int_equal(pane_init(&P, L, 24, 80, 1000, &hooks, &S, &e), 0);
    assert_true(P.reaped);
    assert_int_equal(pane_pid(&P), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pane_fini(&P);
    loop_free(L);
    return 0;
}

static void spawn(const char *script)
{
    char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)script, NULL};
    struct pty_spawn_opts so = {.keep_fds = {-1, -1, -1, -1}};
    struct err e;
    assert_int_equal(pane_spawn(&P, argv, &so, &e), 0);
    assert_true(pane_pid(&P) > 0);
}

/* Serves the loop until the program exited and all its output was read. */
static void run_to_end(void)
{
    struct err e;
    for (int i = 0; i < 2000 && (P.open || !P.reaped); i++)
        assert_int_equal(loop_run_once(L, 10, &e), 0);
    assert_false(P.open);
    assert_true(P.reaped);
}

static bool shows(const char *needle)
{
    struct strbuf t = {0};
    pane_text(&P, 0, &t);
    bool found = strstr(sb_str(&t), needle) != NULL;
    sb_free(&t);
    return found;
}

static void test_output_and_status(void **state)
{
    (void)state;
    spawn("printf 'hello\\nfrom the pane\\n'; exit 3");
    run_to_end();
    assert_true(shows("hello\nfrom the pane"));
    assert_true(WIFEXITED(P.wstatus));
    assert_int_equal(WEXITSTATUS(P.wstatus), 3);
    assert_int_equal(pane_pid(&P), 0);
    assert_true(S.ended >= 1);
    assert_true(P.output_ms > 0);
}

static void test_input_and_resize(void **state)
{
    (void)state;
    struct err e;
    spawn("read line; echo \"got $line\"; stty size");
    assert_int_equal(pane_resize(&P, 30, 100, &e), 0);
    assert_int_equal(pane_write(&P, "typed\r", 6, &e), 0);
    run_to_end();
    assert_true(shows("got typed"));
    assert_true(shows("30 100"));
    assert_int_equal(pane_write(&P, "x", 1, &e), -1); /* nobody to type to */
}

static void test_flood_budget(void **state)
{
    (void)state;
    spawn("head -c 3000000 /dev/zero | tr '\\000' x; echo; echo flood-end");
    run_to_end();
    assert_true(shows("flood-end"));
    print_message("flood: %zu rounds, biggest %zu, stopped at the budget: %s\n", S.rounds,
                  S.biggest, S.undrained ? "yes" : "no");
    assert_true(S.biggest <= PANE_READ_BUDGET);
    assert_true(S.rounds > 3000000 / PANE_READ_BUDGET);
}

static void test_kill_and_run_again(void **state)
{
    (void)state;
    spawn("echo first-run; exec sleep 100");
    struct err e;
    while (!shows("first-run"))
        assert_int_equal(loop_run_once(L, 10, &e), 0);
    pid_t pid = pane_pid(&P);
    pane_kill(&P);
    assert_true(P.reaped);
    assert_true(WIFSIGNALED(P.wstatus));
    assert_int_equal(WTERMSIG(P.wstatus), SIGKILL);
    assert_int_equal(kill(pid, 0), -1); /* reaped: gone */
    pane_drain(&P);
    assert_false(P.open);
    spawn("echo second-run");
    run_to_end();
    assert_true(shows("first-run")); /* the terminal and its scrollback carry over */
    assert_true(shows("second-run"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_output_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_and_resize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flood_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_and_run_again, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
