/* fuzz_mconsole.c — what a (hostile) guest's mconsole can answer: a fake UML
 * on a socket sends the input as datagrams to mconsole_call, which decodes
 * them and collects the text into a buffer of an input-chosen size (allocated
 * to the byte, so any overrun shows). Each datagram is prefixed in the input
 * by its length (2 bytes, little endian); the first byte is the buffer size.
 * The last datagram gets `more` cleared so that a call never waits out its
 * timeout. Every datagram also goes through mconsole_decode directly. */
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/mconsole.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DGRAMS 8

struct fake {
    int fd;
    const uint8_t *dg[MAX_DGRAMS];
    size_t len[MAX_DGRAMS];
    int n;
};

static struct fake fake = {.fd = -1};
static char sock_dir[64], sock_path[128];

static void cleanup(void)
{
    if (fake.fd >= 0)
        close(fake.fd);
    unlink(sock_path);
    rmdir(sock_dir);
}

static void setup(void)
{
    snprintf(sock_dir, sizeof sock_dir, "/tmp/umlab-fuzz-mconsole-XXXXXX");
    if (!mkdtemp(sock_dir))
        abort();
    snprintf(sock_path, sizeof sock_path, "%s/mconsole", sock_dir);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
    fake.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fake.fd < 0 || bind(fake.fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        abort();
    atexit(cleanup);
}

/* The fake UML: one request, then the datagrams to its sender. */
static void *fake_uml(void *arg)
{
    struct fake *f = arg;
    struct pollfd p = {.fd = f->fd, .events = POLLIN};
    if (poll(&p, 1, 5000) != 1)
        abort(); /* mconsole_call never sent its request */
    struct mconsole_request req;
    struct sockaddr_un from;
    socklen_t fromlen = sizeof from;
    ssize_t got = recvfrom(f->fd, &req, sizeof req, 0, (struct sockaddr *)&from, &fromlen);
    if (got < 0)
        abort();
    for (int i = 0; i < f->n; i++)
        if (sendto(f->fd, f->dg[i], f->len[i], 0, (struct sockaddr *)&from, fromlen) < 0)
            break; /* the caller stopped listening */
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fake.fd < 0)
        setup();
    if (size < 1)
        return 0;
    size_t outsz = (size_t)data[0] * 3; /* 0..765: around MCONSOLE_MAX */
    data++;
    size--;

    /* Split into datagrams; copies so the last one's `more` can be cleared. */
    static uint8_t copies[MAX_DGRAMS][sizeof(struct mconsole_reply) + 16];
    fake.n = 0;
    while (size >= 2 && fake.n < MAX_DGRAMS) {
        size_t len = (size_t)data[0] | (size_t)data[1] << 8;
        data += 2;
        size -= 2;
        if (len > size)
            len = size;
        if (len > sizeof copies[0])
            len = sizeof copies[0];
        memcpy(copies[fake.n], data, len);
        fake.dg[fake.n] = copies[fake.n];
        fake.len[fake.n] = len;
        fake.n++;
        data += len;
        size -= len;
    }
    if (fake.n == 0)
        return 0;
    /* the last datagram's `more` (bytes 4..7) off: no wait for a part never sent */
    struct fake *f = &fake;
    size_t last = f->len[f->n - 1];
    for (size_t b = 4; b < 8 && b < last; b++)
        copies[f->n - 1][b] = 0;

    for (int i = 0; i < f->n; i++) {
        struct mconsole_reply rep;
        struct err e;
        if (mconsole_decode(f->dg[i], f->len[i], &rep, &e) == 0 &&
            (rep.len >= MCONSOLE_MAX || strlen(rep.data) > rep.len))
            abort();
    }

    char *out = malloc(outsz); /* exactly OUTSZ bytes: ASan sees any overrun */
    if (!out && outsz)
        return 0;
    pthread_t th;
    if (pthread_create(&th, NULL, fake_uml, f) != 0)
        abort();
    struct err e;
    int rc = mconsole_call(sock_path, "version", 2000, out, outsz, &e);
    pthread_join(th, NULL);
    if (rc == 0 && outsz > 0 && strlen(out) >= outsz)
        abort();
    free(out);
    /* leftovers the call did not read (it stopped at an error) */
    char drain[sizeof(struct mconsole_reply) + 16];
    while (recv(fake.fd, drain, sizeof drain, MSG_DONTWAIT) >= 0)
        ;
    return 0;
}
