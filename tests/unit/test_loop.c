/* test_loop.c — the event loop's dispatch while callbacks change the watch
 * list: adding many watches (the arrays grow), removing others, reusing an fd
 * number, polling again from inside a callback. Run under `make SANITIZE=1`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/loop.h"

#define NPIPES 6
#define NEXTRA 200

struct fixture {
    struct loop *l;
    int rd[NPIPES], wr[NPIPES];
    int calls[NPIPES];
    int extra_calls;
    int extra_fds[NEXTRA];
    int nextra;
};

static struct fixture *F;

static int index_of(int fd)
{
    for (int i = 0; i < NPIPES; i++)
        if (F->rd[i] == fd)
            return i;
    return -1;
}

static void on_extra(void *ctx, int fd, short revents)
{
    (void)ctx;
    (void)fd;
    (void)revents;
    F->extra_calls++;
}

/* The first ready fd adds NEXTRA watches (the watch array is reallocated several
 * times) and removes every other pipe after it. */
static void on_pipe_grow(void *ctx, int fd, short revents)
{
    (void)ctx;
    assert_true(revents & POLLIN);
    int i = index_of(fd);
    assert_true(i >= 0);
    F->calls[i]++;
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
    if (F->nextra == 0) {
        for (int k = 0; k < NEXTRA; k++) {
            int d = dup(F->wr[0]); /* a write end: never readable */
            assert_true(d >= 0);
            F->extra_fds[F->nextra++] = d;
            struct err e;
            assert_int_equal(loop_watch(F->l, d, POLLIN, on_extra, NULL, &e), 0);
        }
        for (int k = i + 1; k < NPIPES; k += 2)
            loop_unwatch(F->l, F->rd[k]);
    }
}

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    struct err e;
    f.l = loop_new(&e);
    assert_non_null(f.l);
    for (int i = 0; i < NPIPES; i++) {
        int p[2];
        assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
        f.rd[i] = p[0];
        f.wr[i] = p[1];
    }
    F = &f;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < NPIPES; i++) {
        close(f->rd[i]);
        close(f->wr[i]);
    }
    for (int i = 0; i < f->nextra; i++)
        close(f->extra_fds[i]);
    loop_free(f->l);
    return 0;
}

static void make_all_ready(void)
{
    for (int i = 0; i < NPIPES; i++)
        assert_int_equal(write(F->wr[i], "x", 1), 1);
}

static void test_grow_and_remove_during_dispatch(void **state)
{
    (void)state;
    struct err e;
    for (int i = 0; i < NPIPES; i++)
        assert_int_equal(loop_watch(F->l, F->rd[i], POLLIN, on_pipe_grow, NULL, &e), 0);
    make_all_ready();
    assert_int_equal(loop_run_once(F->l, 100, &e), 0);
    /* the first pipe ran, the ones it removed did not, the others did once */
    assert_int_equal(F->calls[0], 1);
    for (int i = 1; i < NPIPES; i++)
        assert_int_equal(F->calls[i], i % 2 ? 0 : 1);
    assert_int_equal(F->extra_calls, 0); /* added after the poll: not dispatched */
    assert_int_equal(F->nextra, NEXTRA);
    /* the loop still works with the grown list */
    assert_int_equal(write(F->wr[2], "y", 1), 1);
    assert_int_equal(loop_run_once(F->l, 100, &e), 0);
    assert_int_equal(F->calls[2], 2);
}

/* An fd number closed and watched again by someone else inside a callback must
 * not receive the events polled for the old watch. */
static int reused_calls;
static void on_reused(void *ctx, int fd, short revents)
{
    (void)ctx;
    (void)fd;
    (void)revents;
    reused_calls++;
}

static void on_pipe_replace(void *ctx, int fd, short revents)
{
    (void)ctx;
    (void)revents;
    int i = index_of(fd);
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
    if (++F->calls[i] == 1 && i == 0) { /* replace pipe 1's watch: a new owner, same fd */
        loop_unwatch(F->l, F->rd[1]);
        struct err e;
        assert_int_equal(loop_watch(F->l, F->rd[1], POLLIN, on_reused, NULL, &e), 0);
    }
}

static void test_fd_rewatched_during_dispatch(void **state)
{
    (void)state;
    struct err e;
    for (int i = 0; i < 2; i++)
        assert_int_equal(loop_watch(F->l, F->rd[i], POLLIN, on_pipe_replace, NULL, &e), 0);
    make_all_ready();
    reused_calls = 0;
    assert_int_equal(loop_run_once(F->l, 100, &e), 0);
    assert_int_equal(F->calls[0], 1);
    assert_int_equal(F->calls[1], 0);
    assert_int_equal(reused_calls, 0);
    /* next round: the new owner gets the (still pending) data */
    assert_int_equal(loop_run_once(F->l, 100, &e), 0);
    assert_int_equal(reused_calls, 1);
}

/* A callback that waits (serves the loop itself) must not make the outer
 * dispatch deliver events that the inner round already served. */
static int nested_reads;
static void on_pipe_drain(void *ctx, int fd, short revents)
{
    (void)ctx;
    (void)revents;
    char c;
    ssize_t n = read(fd, &c, 1);
    assert_int_equal(n, 1); /* a stale event would find the pipe empty */
    nested_reads++;
}

static void on_pipe_nested(void *ctx, int fd, short revents)
{
    (void)ctx;
    (void)revents;
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
    F->calls[0]++;
    struct err e;
    assert_int_equal(loop_run_once(F->l, 0, &e), 0);
}

static void test_nested_run_once(void **state)
{
    (void)state;
    struct err e;
    assert_int_equal(loop_watch(F->l, F->rd[0], POLLIN, on_pipe_nested, NULL, &e), 0);
    assert_int_equal(loop_watch(F->l, F->rd[1], POLLIN, on_pipe_drain, NULL, &e), 0);
    assert_int_equal(write(F->wr[0], "x", 1), 1);
    assert_int_equal(write(F->wr[1], "x", 1), 1);
    nested_reads = 0;
    assert_int_equal(loop_run_once(F->l, 100, &e), 0);
    assert_int_equal(F->calls[0], 1);
    assert_int_equal(nested_reads, 1);
}

/* A watch with no events is not polled: a hung-up pipe does not wake the loop. */
static void test_disarmed_watch_not_polled(void **state)
{
    (void)state;
    struct err e;
    assert_int_equal(loop_watch(F->l, F->rd[0], POLLIN, on_pipe_grow, NULL, &e), 0);
    close(F->wr[0]);
    F->wr[0] = dup(F->rd[1]); /* keep teardown's close balanced */
    loop_set_events(F->l, F->rd[0], 0);
    int64_t t0 = loop_now_ms();
    assert_int_equal(loop_run_once(F->l, 200, &e), 0);
    assert_true(loop_now_ms() - t0 >= 150);
    assert_int_equal(F->calls[0], 0);
}

static char order[64];
static size_t norder;

static void note(char c)
{
    if (norder + 1 < sizeof order)
        order[norder++] = c;
}
static void on_idle_note(void *ctx)
{
    (void)ctx;
    note('i');
}
static void on_tick_note(void *ctx)
{
    (void)ctx;
    note('t');
}

/* In a round with a tick, the idle hook (the console's frame: a key's echo)
 * runs before the tick's work (the side pane's refresh) as well as after. */
static void test_idle_before_tick(void **state)
{
    (void)state;
    struct err e;
    norder = 0;
    memset(order, 0, sizeof order);
    loop_on_idle(F->l, on_idle_note, NULL);
    assert_int_equal(loop_add_tick(F->l, on_tick_note, NULL, &e), 0);
    int64_t t0 = loop_now_ms();
    while (!strchr(order, 't') && loop_now_ms() - t0 < 3000)
        assert_int_equal(loop_run_once(F->l, -1, &e), 0);
    const char *t = strchr(order, 't');
    assert_non_null(t);
    assert_true(t > order && t[-1] == 'i');
    assert_int_equal(t[1], 'i');
    loop_on_idle(F->l, NULL, NULL);
    loop_remove_tick(F->l, on_tick_note, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_grow_and_remove_during_dispatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_rewatched_during_dispatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_run_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disarmed_watch_not_polled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_before_tick, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
