/* test_pty.c — spawning on a pty, reading to EIO, the write queue, sizes, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pty/pty.h"

struct buf {
    char *data;
    size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Event loop in miniature: reads into OUT, flushes the queue on POLLOUT,
 * until the child side closes (returns true) or UNTIL shows up in OUT
 * (returns false), failing after 10 s. */
static bool pump(struct ptyproc *p, struct buf *out, const char *until)
{
    long deadline = now_ms() + 10000;
    for (;;) {
        if (until && out->len && strstr(out->data, until))
            return false;
        struct pollfd pfd = {.fd = p->master, .events = POLLIN};
        if (pty_wants_pollout(p))
            pfd.events |= POLLOUT;
        long left = deadline - now_ms();
        assert_true(left > 0);
        int n = poll(&pfd, 1, (int)left);
        assert_true(n >= 0);
        if (pfd.revents & POLLOUT) {
            struct err e;
            assert_int_equal(pty_flush(p, &e), 0);
        }
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            /* drain until EAGAIN, as the real loop does */
            for (;;) {
                char tmp[4096];
                ssize_t r = pty_read(p, tmp, sizeof tmp);
                if (r < 0)
                    return true;
                if (r == 0)
                    break;
                buf_add(out, tmp, (size_t)r);
            }
        }
    }
}

static int reap(struct ptyproc *p)
{
    int st = 0;
    struct err e;
    assert_int_equal(pty_reap(p, true, &st, &e), 1);
    assert_int_equal(p->pid, 0);
    return st;
}

static struct pty_spawn_opts opts(unsigned short rows, unsigned short cols)
{
    struct pty_spawn_opts o = {.rows = rows, .cols = cols, .keep_fds = {-1, -1, -1, -1}};
    return o;
}

static void test_output_and_exit(void **state)
{
    (void)state;
    struct ptyproc p;
    struct err e = {{0}};
    char *argv[] = {"/bin/sh", "-c", "printf abc; exit 3", NULL};
    struct pty_spawn_opts o = opts(24, 80);
    assert_int_equal(pty_spawn(&p, argv, &o, &e), 0);
    assert_true(p.master >= 0);
    assert_true(p.pid > 0);
    int fl = fcntl(p.master, F_GETFL);
    assert_true(fl & O_NONBLOCK);
    assert_true(fcntl(p.master, F_GETFD) & FD_CLOEXEC);

    struct buf out = {0};
    assert_true(pump(&p, &out, NULL));
    assert_string_equal(out.data, "abc");
    int st = reap(&p);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 3);
    /* after the end, reads keep saying so */
    char tmp[16];
    assert_int_equal(pty_read(&p, tmp, sizeof tmp), -1);
    pty_close(&p);
    assert_int_equal(p.master, -1);
    free(out.data);
}

static void test_nothing_lost(void **state)
{
    (void)state;
    /* the child writes a lot and exits at once: reading on until EIO must
     * still deliver every byte */
    struct ptyproc p;
    struct err e = {{0}};
    char *argv[] = {"seq", "1", "30000", NULL};
    assert_int_equal(pty_spawn(&p, argv, NULL, &e), 0);
    struct buf out = {0};
    assert_true(pump(&p, &out, NULL));

    struct buf want = {0};
    for (int i = 1; i <= 30000; i++) {
        char line[16];
        int n = snprintf(line, sizeof line, "%d\r\n", i); /* ONLCR */
        buf_add(&want, line, (size_t)n);
    }
    assert_int_equal(out.len, want.len);
    assert_memory_equal(out.data, want.data, want.len);
    int st = reap(&p);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    pty_close(&p);
    free(out.data);
    free(want.data);
}

static void test_write_queue(void **state)
{
    (void)state;
    struct ptyproc p;
    struct err e = {{0}};
    char *argv[] = {"cat", NULL};
    assert_int_equal(pty_spawn(&p, argv, NULL, &e), 0);
    /* a session leader with the pty as its controlling terminal */
    assert_int_equal(getsid(p.pid), p.pid);
    assert_int_equal(tcgetsid(p.master), p.pid);

    struct buf out = {0};
    assert_int_equal(pty_write(&p, "hello\n", 6, &e), 0);
    assert_false(pump(&p, &out, "hello\r\nhello\r\n")); /* echo, then cat */

    /* ^D at the start of a line: cat sees EOF and exits */
    assert_int_equal(pty_write(&p, "\x04", 1, &e), 0);
    assert_true(pump(&p, &out, NULL));
    int st = reap(&p);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    pty_close(&p);
    assert_int_equal(pty_write(&p, "x", 1, &e), -1);
    assert_non_null(strstr(e.msg, "closed"));
    free(out.data);
}

/* A child that takes no input until its GO pipe says how much to read:
 * stty raw, READY, read N from GO, then `head -c N | wc -c`. */
static void spawn_waiting_reader(struct ptyproc *p, int *go_w)
{
    int go[2];
    assert_int_equal(pipe2(go, O_CLOEXEC), 0);
    char script[200];
    snprintf(script, sizeof script,
             "stty raw -echo; echo READY; read n </proc/self/fd/%d;"
             " head -c $n | wc -c",
             go[0]);
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    struct pty_spawn_opts o = opts(24, 80);
    o.keep_fds[1] = go[0];
    struct err e = {{0}};
    assert_int_equal(pty_spawn(p, argv, &o, &e), 0);
    close(go[0]);
    *go_w = go[1];
    struct buf out = {0};
    assert_false(pump(p, &out, "READY"));
    free(out.data);
}

static void test_big_write(void **state)
{
    (void)state;
    /* more than the pty holds: the queue keeps the rest and POLLOUT drains it */
    struct ptyproc p;
    int go;
    spawn_waiting_reader(&p, &go);
    struct err e = {{0}};
    char piece[1000];
    for (size_t i = 0; i < sizeof piece; i++)
        piece[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    /* in pieces, as keys and pastes arrive, until a good part waits */
    size_t total = 0;
    while (p.wq_len < PTY_WQ_MAX / 2) {
        assert_int_equal(pty_write(&p, piece, sizeof piece, &e), 0);
        total += sizeof piece;
        assert_true(total < 100 * 1000 * 1000);
    }
    assert_true(pty_wants_pollout(&p));
    char n[32];
    int len = snprintf(n, sizeof n, "%zu\n", total);
    assert_int_equal(write(go, n, (size_t)len), len);
    close(go);

    struct buf out = {0};
    assert_true(pump(&p, &out, NULL));
    assert_false(pty_wants_pollout(&p));
    assert_non_null(strstr(out.data, n)); /* "TOTAL\n": wc -c counted every byte */
    reap(&p);
    pty_close(&p);
    free(out.data);
}

/* A child that never reads (a guest looping on printf '\e[6n'): the queue
 * stops at PTY_WQ_MAX, whole replies are refused and counted, never cut. */
static void test_queue_cap(void **state)
{
    (void)state;
    struct ptyproc p;
    int go;
    spawn_waiting_reader(&p, &go);
    struct err e = {{0}};
    static const char reply[] = "\x1b[24;80R";
    size_t rl = sizeof reply - 1, refused = 0, queued = 0;
    for (int i = 0; i < 200000; i++) {
        if (pty_write(&p, reply, rl, &e) == 0) {
            queued += rl;
        } else {
            refused++;
            assert_non_null(strstr(e.msg, "dropped"));
        }
        assert_true(p.wq_len <= PTY_WQ_MAX);
    }
    assert_true(p.wq_cap <= PTY_WQ_MAX);
    assert_true(p.wq_len > PTY_WQ_MAX - rl);
    assert_true(refused > 0);
    assert_int_equal(p.dropped, (unsigned long long)(refused * rl));

    /* what was queued reaches the child whole, and the queue takes input again */
    char n[32];
    int len = snprintf(n, sizeof n, "%zu\n", queued);
    assert_int_equal(write(go, n, (size_t)len), len);
    close(go);
    struct buf out = {0};
    assert_true(pump(&p, &out, NULL));
    assert_non_null(strstr(out.data, n));
    assert_int_equal(p.wq_len, 0);
    reap(&p);
    pty_close(&p);
    free(out.data);
}

static void test_size_and_resize(void **state)
{
    (void)state;
    struct ptyproc p;
    struct err e = {{0}};
    char *argv[] = {"stty", "size", NULL};
    struct pty_spawn_opts o = opts(30, 100);
    assert_int_equal(pty_spawn(&p, argv, &o, &e), 0);
    struct buf out = {0};
    assert_true(pump(&p, &out, NULL));
    assert_string_equal(out.data, "30 100\r\n");
    reap(&p);
    pty_close(&p);

    char *argv2[] = {"/bin/sh", "-c", "stty size; read x; stty size", NULL};
    assert_int_equal(pty_spawn(&p, argv2, &o, &e), 0);
    out.len = 0;
    assert_false(pump(&p, &out, "30 100\r\n"));
    assert_int_equal(pty_resize(&p, 40, 132, &e), 0);
    assert_int_equal(pty_write(&p, "\n", 1, &e), 0);
    assert_true(pump(&p, &out, NULL));
    assert_non_null(strstr(out.data, "40 132\r\n"));
    reap(&p);
    assert_int_equal(pty_resize(&p, 10, 10, &e), 0); /* master still open */
    pty_close(&p);
    assert_int_equal(pty_resize(&p, 10, 10, &e), -1);
    free(out.data);
}

/* SESSION_NICE: the child's new session (its autogroup) runs at that nice;
 * without it the child's session keeps the default. */
static void test_session_nice(void **state)
{
    (void)state;
    if (access("/proc/self/autogroup", R_OK) != 0)
        skip(); /* a kernel without autogroups */
    struct ptyproc p;
    struct err e = {{0}};
    char *argv[] = {"cat", "/proc/self/autogroup", NULL};
    struct pty_spawn_opts o = opts(24, 80);
    o.session_nice = 5;
    assert_int_equal(pty_spawn(&p, argv, &o, &e), 0);
    struct buf out = {0};
    assert_true(pump(&p, &out, NULL));
    assert_non_null(strstr(out.data, " nice 5\r\n"));
    reap(&p);
    pty_close(&p);
    o.session_nice = 0;
    assert_int_equal(pty_spawn(&p, argv, &o, &e), 0);
    out.len = 0;
    assert_true(pump(&p, &out, NULL));
    assert_non_null(strstr(out.data, " nice 0\r\n"));
    reap(&p);
    pty_close(&p);
    free(out.data);
}

static void test_exec_errors(void **state)
{
    (void)state;
    struct ptyproc p;
    struct err e = {{0}};
    char *argv[] = {"umlab-no-such-program", NULL};
    assert_int_equal(pty_spawn(&p, argv, NULL, &e), -1);
    assert_string_equal(e.msg, "exec umlab-no-such-program: No such file or directory");
    assert_int_equal(p.master, -1);
    assert_int_equal(p.pid, 0);
    /* the failed child was reaped */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);

    char *argv2[] = {"/etc/passwd", NULL};
    assert_int_equal(pty_spawn(&p, argv2, NULL, &e), -1);
    assert_string_equal(e.msg, "exec /etc/passwd: Permission denied");

    char *argv3[] = {"true", NULL};
    struct pty_spawn_opts o = opts(24, 80);
    o.cwd = "/nonexistent/umlab";
    assert_int_equal(pty_spawn(&p, argv3, &o, &e), -1);
    assert_string_equal(e.msg, "spawn true: chdir /nonexistent/umlab: No such file or directory");

    o.cwd = NULL;
    o.keep_fds[0] = 1000; /* not open */
    assert_int_equal(pty_spawn(&p, argv3, &o, &e), -1);
    assert_string_equal(e.msg, "spawn true: keep fd 1000: Bad file descriptor");

    char *empty[] = {NULL};
    assert_int_equal(pty_spawn(&p, empty, NULL, &e), -1);
}

static void test_fds_env_cwd_signals(void **state)
{
    (void)state;
    int kept[2], leaked[2];
    assert_int_equal(pipe2(kept, O_CLOEXEC), 0); /* kept even though CLOEXEC */
    assert_int_equal(pipe(leaked), 0);           /* not kept even though inheritable */
    int kfd = fcntl(kept[1], F_DUPFD_CLOEXEC, 40);
    int lfd = fcntl(leaked[1], F_DUPFD, 41);
    assert_true(kfd >= 40 && lfd >= 41);

    /* parent state the child must not inherit */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    assert_int_equal(sigprocmask(SIG_BLOCK, &block, &old), 0);
    struct sigaction ign = {.sa_handler = SIG_IGN}, oldsa;
    assert_int_equal(sigaction(SIGINT, &ign, &oldsa), 0);

    char script[256];
    /* dash takes only one-digit fds after >&, so reopen through /proc */
    snprintf(
        script, sizeof script,
        "echo kept >/proc/self/fd/%d; echo \"env=$UMLAB_T pwd=$(pwd)\"; ls /proc/self/fd/%d 2>&1;"
        " grep -E '^Sig(Blk|Ign)' /proc/self/status",
        kfd, lfd);
    char *argv[] = {"sh", "-c", script, NULL};
    char *env[] = {"UMLAB_T=42", "PATH=/usr/bin:/bin", NULL};
    struct pty_spawn_opts o = opts(24, 80);
    o.keep_fds[0] = kfd;
    o.keep_fds[2] = kfd; /* duplicates are fine */
    o.env = env;
    o.cwd = "/tmp";
    struct ptyproc p;
    struct err e = {{0}};
    assert_int_equal(pty_spawn(&p, argv, &o, &e), 0);
    struct buf out = {0};
    assert_true(pump(&p, &out, NULL));
    reap(&p);
    pty_close(&p);
    assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
    assert_int_equal(sigaction(SIGINT, &oldsa, NULL), 0);

    assert_non_null(strstr(out.data, "env=42 pwd=/tmp\r\n"));
    assert_non_null(strstr(out.data, "No such file or directory")); /* lfd closed */
    assert_non_null(strstr(out.data, "SigBlk:\t0000000000000000"));
    /* Signals 32 and 33 are glibc's own (sigaction refuses them), and a parent
     * such as make may leave them ignored: only the standard ones must be reset. */
    const char *sigign = strstr(out.data, "SigIgn:\t");
    assert_non_null(sigign);
    unsigned long long ignmask = strtoull(sigign + strlen("SigIgn:\t"), NULL, 16);
    assert_int_equal(ignmask & 0x7fffffffULL, 0);
    char got[16] = {0};
    close(kfd);
    close(kept[1]);
    assert_int_equal(read(kept[0], got, sizeof got - 1), 5);
    assert_string_equal(got, "kept\n");
    close(kept[0]);
    close(leaked[0]);
    close(leaked[1]);
    close(lfd);
    free(out.data);
}

static void test_drop_priv(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    char *argv[] = {"id", NULL};
    struct pty_spawn_opts o = opts(24, 80);
    o.drop_priv = true;
    o.uid = 65534;
    o.gid = 65534;
    struct ptyproc p;
    struct err e = {{0}};
    assert_int_equal(pty_spawn(&p, argv, &o, &e), 0);
    struct buf out = {0};
    assert_true(pump(&p, &out, NULL));
    reap(&p);
    pty_close(&p);
    assert_non_null(strstr(out.data, "uid=65534"));
    assert_non_null(strstr(out.data, "gid=65534"));
    assert_null(strstr(out.data, "groups=0"));
    free(out.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_and_exit), cmocka_unit_test(test_nothing_lost),
        cmocka_unit_test(test_write_queue),     cmocka_unit_test(test_big_write),
        cmocka_unit_test(test_queue_cap),       cmocka_unit_test(test_size_and_resize),
        cmocka_unit_test(test_exec_errors),     cmocka_unit_test(test_fds_env_cwd_signals),
        cmocka_unit_test(test_drop_priv),       cmocka_unit_test(test_session_nice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
