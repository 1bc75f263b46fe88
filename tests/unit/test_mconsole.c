/* test_mconsole.c — the mconsole client: packet encoding and decoding (pure),
 * and real calls over an AF_UNIX datagram socket in a temporary directory,
 * answered by a fake "UML" running in a thread of this process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/mconsole.h"

#define HEAD offsetof(struct mconsole_reply, data)

static void assert_msg_has(const struct err *e, const char *needle)
{
    if (!strstr(e->msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", e->msg, needle);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- encode ---- */

static void test_encode(void **state)
{
    (void)state;
    struct mconsole_request req;
    memset(&req, 0x55, sizeof req);
    struct err e = {""};
    assert_int_equal(mconsole_encode("sysrq s", &req, &e), 0);
    assert_int_equal(req.magic, 0xcafebabeU);
    assert_int_equal(req.version, 2);
    assert_int_equal(req.len, 7);
    assert_memory_equal(req.data, "sysrq s", 7);
    /* the rest is cleared, not left over */
    for (size_t i = 7; i < sizeof req.data; i++)
        assert_int_equal(req.data[i], 0);

    /* the wire layout UML expects: three u32 then the text */
    assert_int_equal(offsetof(struct mconsole_request, magic), 0);
    assert_int_equal(offsetof(struct mconsole_request, version), 4);
    assert_int_equal(offsetof(struct mconsole_request, len), 8);
    assert_int_equal(offsetof(struct mconsole_request, data), 12);
    assert_int_equal(HEAD, 12);
}

static void test_encode_limits(void **state)
{
    (void)state;
    struct mconsole_request req;
    struct err e = {""};
    assert_int_equal(mconsole_encode("", &req, &e), -1);
    assert_msg_has(&e, "empty command");

    char cmd[MCONSOLE_MAX + 2];
    memset(cmd, 'c', sizeof cmd);
    cmd[MCONSOLE_MAX - 1] = '\0'; /* 511 bytes: the most that fits */
    assert_int_equal(mconsole_encode(cmd, &req, &e), 0);
    assert_int_equal(req.len, MCONSOLE_MAX - 1);
    assert_int_equal(req.data[MCONSOLE_MAX - 2], 'c');
    assert_int_equal(req.data[MCONSOLE_MAX - 1], '\0');

    cmd[MCONSOLE_MAX - 1] = 'c';
    cmd[MCONSOLE_MAX] = '\0'; /* 512 */
    assert_int_equal(mconsole_encode(cmd, &req, &e), -1);
    assert_msg_has(&e, "command too long (512 bytes, max 511)");
    cmd[MCONSOLE_MAX + 1] = '\0';
    cmd[MCONSOLE_MAX] = 'c';
    assert_int_equal(mconsole_encode(cmd, &req, &e), -1);
}

/* ---- decode ---- */

static size_t mkreply(void *buf, uint32_t err, uint32_t more, const char *text)
{
    struct mconsole_reply r;
    memset(&r, 0, sizeof r);
    r.err = err;
    r.more = more;
    r.len = (uint32_t)strlen(text);
    memcpy(r.data, text, r.len);
    memcpy(buf, &r, sizeof r);
    return HEAD + r.len;
}

static void test_decode(void **state)
{
    (void)state;
    unsigned char buf[sizeof(struct mconsole_reply)];
    struct mconsole_reply rep;
    struct err e = {""};
    size_t n = mkreply(buf, 0, 1, "OK 6.1.0");
    memset(&rep, 0x77, sizeof rep);
    assert_int_equal(mconsole_decode(buf, n, &rep, &e), 0);
    assert_int_equal(rep.err, 0);
    assert_int_equal(rep.more, 1);
    assert_int_equal(rep.len, 8);
    assert_string_equal(rep.data, "OK 6.1.0");

    /* the text is terminated even when the sender did not clear the rest */
    memset(buf, 'Z', sizeof buf);
    struct mconsole_reply h = {.err = 1, .more = 0, .len = 3};
    memcpy(buf, &h, HEAD);
    memcpy(buf + HEAD, "bad", 3);
    assert_int_equal(mconsole_decode(buf, HEAD + 3, &rep, &e), 0);
    assert_int_equal(rep.err, 1);
    assert_string_equal(rep.data, "bad");

    /* an empty text */
    n = mkreply(buf, 0, 0, "");
    assert_int_equal(n, HEAD);
    assert_int_equal(mconsole_decode(buf, n, &rep, &e), 0);
    assert_string_equal(rep.data, "");

    /* the longest text */
    char longest[MCONSOLE_MAX];
    memset(longest, 'l', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    n = mkreply(buf, 0, 0, longest);
    assert_int_equal(mconsole_decode(buf, n, &rep, &e), 0);
    assert_int_equal(strlen(rep.data), MCONSOLE_MAX - 1);

    /* a datagram longer than its len is fine: the text is len bytes */
    n = mkreply(buf, 0, 0, "abc");
    assert_int_equal(mconsole_decode(buf, n + 10, &rep, &e), 0);
    assert_string_equal(rep.data, "abc");
}

static void test_decode_refuses(void **state)
{
    (void)state;
    unsigned char buf[sizeof(struct mconsole_reply)];
    struct mconsole_reply rep;
    struct err e = {""};
    size_t n = mkreply(buf, 0, 0, "hello");

    for (size_t short_n = 0; short_n < HEAD; short_n++) {
        assert_int_equal(mconsole_decode(buf, short_n, &rep, &e), -1);
        assert_msg_has(&e, "short reply");
    }
    /* len says more than arrived */
    assert_int_equal(mconsole_decode(buf, n - 1, &rep, &e), -1);
    assert_msg_has(&e, "reply length 5 does not fit");
    assert_int_equal(mconsole_decode(buf, HEAD, &rep, &e), -1);

    /* len beyond the data area, whatever arrived */
    struct mconsole_reply h = {.len = MCONSOLE_MAX};
    memcpy(buf, &h, HEAD);
    assert_int_equal(mconsole_decode(buf, sizeof buf, &rep, &e), -1);
    assert_msg_has(&e, "does not fit");
    h.len = 0xffffffffU;
    memcpy(buf, &h, HEAD);
    assert_int_equal(mconsole_decode(buf, sizeof buf, &rep, &e), -1);
    h.len = 0xfffffff4U; /* HEAD + len wraps a 32-bit size */
    memcpy(buf, &h, HEAD);
    assert_int_equal(mconsole_decode(buf, sizeof buf, &rep, &e), -1);
}

/* ---- real calls ---- */

struct fake {
    char dir[64];
    char path[128];
    int fd;
    /* what to answer */
    int nreplies;
    unsigned char replies[4][sizeof(struct mconsole_reply)];
    size_t lens[4];
    /* what arrived */
    struct mconsole_request got;
    ssize_t gotlen;
    int recv_errno;
    pthread_t thread;
    bool running;
};

static int fake_setup(void **state)
{
    struct fake *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/umlab-test-mconsole-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/mconsole", f->dir);
    f->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", f->path);
    if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        if (f->fd >= 0)
            close(f->fd);
        rmdir(f->dir);
        free(f);
        return -1;
    }
    f->gotlen = -1;
    *state = f;
    return 0;
}

static int fake_teardown(void **state)
{
    struct fake *f = *state;
    if (f->running)
        pthread_join(f->thread, NULL);
    if (f->fd >= 0)
        close(f->fd);
    unlink(f->path);
    int rc = rmdir(f->dir);
    free(f);
    return rc;
}

/* The fake UML: one request, then the prepared replies to its sender. */
static void *fake_uml(void *arg)
{
    struct fake *f = arg;
    struct pollfd p = {.fd = f->fd, .events = POLLIN};
    if (poll(&p, 1, 5000) != 1) {
        f->recv_errno = ETIMEDOUT;
        return NULL;
    }
    struct sockaddr_un from;
    socklen_t fromlen = sizeof from;
    f->gotlen = recvfrom(f->fd, &f->got, sizeof f->got, 0, (struct sockaddr *)&from, &fromlen);
    if (f->gotlen < 0) {
        f->recv_errno = errno;
        return NULL;
    }
    for (int i = 0; i < f->nreplies; i++)
        if (sendto(f->fd, f->replies[i], f->lens[i], 0, (struct sockaddr *)&from, fromlen) < 0)
            f->recv_errno = errno;
    return NULL;
}

static void fake_reply(struct fake *f, uint32_t err, uint32_t more, const char *text)
{
    assert_true(f->nreplies < 4);
    f->lens[f->nreplies] = mkreply(f->replies[f->nreplies], err, more, text);
    f->nreplies++;
}

static void fake_start(struct fake *f)
{
    assert_int_equal(pthread_create(&f->thread, NULL, fake_uml, f), 0);
    f->running = true;
}

static void fake_join(struct fake *f)
{
    assert_true(f->running);
    assert_int_equal(pthread_join(f->thread, NULL), 0);
    f->running = false;
    assert_int_equal(f->recv_errno, 0);
}

static void test_call_round_trip(void **state)
{
    struct fake *f = *state;
    fake_reply(f, 0, 0, "OK umlab-guest 6.1.0");
    fake_start(f);
    char out[256] = "junk";
    struct err e = {""};
    int rc = mconsole_call(f->path, "version", 2000, out, sizeof out, &e);
    fake_join(f);
    if (rc != 0)
        fail_msg("mconsole_call: %d %s", rc, e.msg);
    assert_string_equal(out, "OK umlab-guest 6.1.0");

    /* what the guest received: exactly header + text */
    assert_int_equal(f->gotlen, (ssize_t)(HEAD + 7));
    assert_int_equal(f->got.magic, MCONSOLE_MAGIC);
    assert_int_equal(f->got.version, MCONSOLE_VERSION);
    assert_int_equal(f->got.len, 7);
    assert_memory_equal(f->got.data, "version", 7);
}

static void test_call_multi_part(void **state)
{
    struct fake *f = *state;
    fake_reply(f, 0, 1, "part one, ");
    fake_reply(f, 0, 1, "part two, ");
    fake_reply(f, 0, 0, "the end");
    fake_start(f);
    char out[256];
    struct err e = {""};
    int rc = mconsole_call(f->path, "proc meminfo", 2000, out, sizeof out, &e);
    fake_join(f);
    if (rc != 0)
        fail_msg("mconsole_call: %d %s", rc, e.msg);
    assert_string_equal(out, "part one, part two, the end");
    assert_int_equal(f->got.len, 12);
}

static void test_call_small_buffer(void **state)
{
    struct fake *f = *state;
    fake_reply(f, 0, 1, "0123456789");
    fake_reply(f, 0, 0, "abcdef");
    fake_start(f);
    char out[16];
    memset(out, 'X', sizeof out);
    struct err e = {""};
    /* the text is cut to the buffer, and every part is still collected */
    assert_int_equal(mconsole_call(f->path, "help", 2000, out, 8, &e), 0);
    fake_join(f);
    assert_string_equal(out, "0123456");
    for (size_t i = 8; i < sizeof out; i++)
        assert_int_equal(out[i], 'X');
}

static void test_call_guest_error(void **state)
{
    struct fake *f = *state;
    fake_reply(f, 1, 0, "Unknown command");
    fake_start(f);
    char out[256];
    struct err e = {""};
    assert_int_equal(mconsole_call(f->path, "frobnicate", 2000, out, sizeof out, &e), 1);
    fake_join(f);
    assert_string_equal(out, "Unknown command");
    assert_string_equal(e.msg, "mconsole 'frobnicate': Unknown command");
}

/* No room for the text at all: the error must not read the (unwritten)
 * buffer. Found by tests/fuzz/fuzz_mconsole. */
static void test_call_guest_error_no_room(void **state)
{
    struct fake *f = *state;
    fake_reply(f, 1, 0, "Unknown command");
    fake_start(f);
    char out[2] = {'X', 'Y'}; /* no NUL: reading it runs off the end */
    struct err e = {""};
    assert_int_equal(mconsole_call(f->path, "frobnicate", 2000, out, 0, &e), 1);
    fake_join(f);
    assert_int_equal(out[0], 'X'); /* OUTSZ 0: untouched */
    assert_string_equal(e.msg, "mconsole 'frobnicate': ");
}

static void test_call_bad_reply(void **state)
{
    struct fake *f = *state;
    f->lens[0] = 4; /* shorter than a header */
    memset(f->replies[0], 0, 4);
    f->nreplies = 1;
    fake_start(f);
    char out[64];
    struct err e = {""};
    assert_int_equal(mconsole_call(f->path, "version", 2000, out, sizeof out, &e), -1);
    fake_join(f);
    assert_msg_has(&e, "short reply (4 bytes)");
}

static void test_call_timeout(void **state)
{
    struct fake *f = *state;
    /* the socket exists but nobody answers */
    char out[64] = "junk";
    struct err e = {""};
    int64_t t0 = now_ms();
    assert_int_equal(mconsole_call(f->path, "halt", 300, out, sizeof out, &e), -1);
    int64_t took = now_ms() - t0;
    if (took < 290 || took > 1500)
        fail_msg("timeout of 300 ms took %lld ms", (long long)took);
    assert_string_equal(e.msg, "mconsole 'halt': no answer within 300 ms");
    assert_string_equal(out, "");

    /* the request did arrive: the guest simply stayed silent */
    struct mconsole_request req;
    assert_int_equal(recv(f->fd, &req, sizeof req, MSG_DONTWAIT), (ssize_t)(HEAD + 4));
    assert_memory_equal(req.data, "halt", 4);
}

static void test_call_timeout_after_partial(void **state)
{
    struct fake *f = *state;
    /* "more" promised, never sent */
    fake_reply(f, 0, 1, "first half");
    fake_start(f);
    char out[64];
    struct err e = {""};
    int64_t t0 = now_ms();
    assert_int_equal(mconsole_call(f->path, "version", 300, out, sizeof out, &e), -1);
    int64_t took = now_ms() - t0;
    fake_join(f);
    if (took < 290 || took > 1500)
        fail_msg("timeout of 300 ms took %lld ms", (long long)took);
    assert_msg_has(&e, "no answer within 300 ms");
    assert_string_equal(out, "first half");
}

static void test_call_nobody_there(void **state)
{
    struct fake *f = *state;
    char out[64];
    struct err e = {""};
    char missing[160];
    snprintf(missing, sizeof missing, "%s/absent", f->dir);
    int64_t t0 = now_ms();
    assert_int_equal(mconsole_call(missing, "version", 2000, out, sizeof out, &e), -1);
    assert_true(now_ms() - t0 < 1000); /* no waiting for a reply that cannot come */
    assert_msg_has(&e, missing);
    assert_msg_has(&e, strerror(ENOENT));

    /* a stale socket file: UML died without removing it */
    close(f->fd);
    f->fd = -1;
    assert_int_equal(mconsole_call(f->path, "version", 2000, out, sizeof out, &e), -1);
    assert_msg_has(&e, strerror(ECONNREFUSED));

    char longpath[200];
    memset(longpath, 'p', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(mconsole_call(longpath, "version", 2000, out, sizeof out, &e), -1);
    assert_msg_has(&e, "path too long");

    assert_int_equal(mconsole_call(f->path, "", 2000, out, sizeof out, &e), -1);
    assert_msg_has(&e, "empty command");
}

/* ---- the socket in a user-owned tree (mconsole_call_at) ---- */

static int bind_dgram(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* Nothing arrived on FD (a datagram root must not have sent). */
static void assert_nothing_on(int fd)
{
    char buf[64];
    assert_int_equal(recv(fd, buf, sizeof buf, MSG_DONTWAIT), -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void test_call_at_real_socket(void **state)
{
    struct fake *f = *state;
    fake_reply(f, 0, 0, "OK halted");
    fake_start(f);
    char out[64];
    struct err e = {""};
    int rc = mconsole_call_at(f->dir, "mconsole", getuid(), "halt", 2000, out, sizeof out, &e);
    fake_join(f);
    if (rc != 0)
        fail_msg("mconsole_call_at: %d %s", rc, e.msg);
    assert_string_equal(out, "OK halted");
}

/* The user swaps the guest's socket (or a directory on the way) for a symlink
 * to another socket: root sends nothing there, and says why. */
static void test_call_at_refuses_links(void **state)
{
    struct fake *f = *state;
    char canary[200], link[200], sub[200], out[64];
    struct err e = {""};
    snprintf(canary, sizeof canary, "%s/canary", f->dir);
    int cfd = bind_dgram(canary);

    snprintf(link, sizeof link, "%s/link", f->dir);
    assert_int_equal(symlink(canary, link), 0);
    assert_int_equal(mconsole_call_at(f->dir, "link", getuid(), "halt", 300, out, sizeof out, &e),
                     -1);
    assert_msg_has(&e, "symlink");
    assert_nothing_on(cfd);

    /* a relative link, and a directory link on the way */
    assert_int_equal(unlink(link), 0);
    assert_int_equal(symlink("canary", link), 0);
    assert_int_equal(mconsole_call_at(f->dir, "link", getuid(), "halt", 300, out, sizeof out, &e),
                     -1);
    snprintf(sub, sizeof sub, "%s/sub", f->dir);
    assert_int_equal(symlink(".", sub), 0);
    assert_int_equal(
        mconsole_call_at(f->dir, "sub/canary", getuid(), "halt", 300, out, sizeof out, &e), -1);
    assert_msg_has(&e, "symlink");
    /* no way out of the directory either */
    assert_int_equal(
        mconsole_call_at(f->dir, "../x/canary", getuid(), "halt", 300, out, sizeof out, &e), -1);
    assert_int_equal(mconsole_call_at(f->dir, canary, getuid(), "halt", 300, out, sizeof out, &e),
                     -1);
    assert_nothing_on(cfd);
    assert_nothing_on(f->fd);

    /* a socket of someone else, or no socket at all */
    assert_int_equal(
        mconsole_call_at(f->dir, "canary", getuid() + 1, "halt", 300, out, sizeof out, &e), -1);
    assert_msg_has(&e, "not a socket of uid");
    assert_nothing_on(cfd);
    assert_int_equal(mconsole_call_at(f->dir, ".", getuid(), "halt", 300, out, sizeof out, &e), -1);
    assert_msg_has(&e, "not a socket of uid");

    close(cfd);
    unlink(sub);
    unlink(link);
    unlink(canary);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_encode_limits),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_decode_refuses),
        cmocka_unit_test_setup_teardown(test_call_round_trip, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_multi_part, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_small_buffer, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_guest_error, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_bad_reply, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_timeout, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_timeout_after_partial, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_nobody_there, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_guest_error_no_room, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_at_real_socket, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_call_at_refuses_links, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
