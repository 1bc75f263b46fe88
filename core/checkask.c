/* checkask.c — asking another host's part to run one of its checks
 * (checkpeer.h). The waits serve the event loop, so this part's own check
 * service answers meanwhile (two parts asking each other do not wait for
 * each other), and a silent peer costs at most CHECKPEER_REPLY_MS. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/checkpeer.h"
#include "core/lab.h"

static void on_ready(void *ctx, int fd, short revents)
{
    (void)fd;
    *(short *)ctx |= revents;
}

/* Waits until FD has EVENTS (or an error) or DEADLINE: 1 ready, 0 timed
 * out, -1 with WHY (the lab quits, the wait was cancelled). */
static int wait_fd(struct lab *lab, int fd, short events, int64_t deadline, char *why, size_t whysz)
{
    short got = 0;
    struct err e;
    if (loop_watch(lab->loop, fd, events, on_ready, &got, &e) < 0) {
        snprintf(why, whysz, "%s", e.msg);
        return -1;
    }
    int rc = 0;
    for (;;) {
        if (got) {
            rc = 1;
            break;
        }
        if (lab->quit_signal || lab->cancel) {
            snprintf(why, whysz, "stopped");
            rc = -1;
            break;
        }
        int64_t left = deadline - loop_now_ms();
        if (left <= 0)
            break;
        if (loop_run_once(lab->loop, left > 500 ? 500 : (int)left, &e) < 0) {
            snprintf(why, whysz, "%s", e.msg);
            rc = -1;
            break;
        }
    }
    loop_unwatch(lab->loop, fd);
    return rc;
}

/* Connects FD to SA within CHECKPEER_CONNECT_MS: 0, or -1 with WHY. */
static int connect_peer(struct lab *lab, int fd, const struct sockaddr_in *sa, const char *peer,
                        char *why, size_t whysz)
{
    if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
        return 0;
    if (errno != EINPROGRESS) {
        snprintf(why, whysz, "%s: %s", peer, strerror(errno));
        return -1;
    }
    int w = wait_fd(lab, fd, POLLOUT, loop_now_ms() + CHECKPEER_CONNECT_MS, why, whysz);
    if (w == 0)
        snprintf(why, whysz, "%s did not answer within %d s", peer, CHECKPEER_CONNECT_MS / 1000);
    if (w <= 0)
        return -1;
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        soerr = errno;
    if (soerr) {
        snprintf(why, whysz, "%s: %s%s", peer, strerror(soerr),
                 soerr == ECONNREFUSED ? " (is that host's part running?)" : "");
        return -1;
    }
    return 0;
}

/* Reads the reply line within DEADLINE into BUF: 0, or -1 with WHY. */
static int read_reply(struct lab *lab, int fd, int64_t deadline, const char *peer, char *buf,
                      size_t bufsz, char *why, size_t whysz)
{
    size_t len = 0;
    for (;;) {
        int w = wait_fd(lab, fd, POLLIN, deadline, why, whysz);
        if (w == 0)
            snprintf(why, whysz, "%s sent no answer within %d s", peer, CHECKPEER_REPLY_MS / 1000);
        if (w <= 0)
            return -1;
        ssize_t n = recv(fd, buf + len, bufsz - 1 - len, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0) {
            snprintf(why, whysz, "%s closed the connection without an answer%s", peer,
                     n == 0 ? " (busy, or the check is not its)" : "");
            return -1;
        }
        len += (size_t)n;
        buf[len] = '\0';
        char *nl = memchr(buf, '\n', len);
        if (nl) {
            *nl = '\0';
            return 0;
        }
        if (len == bufsz - 1) {
            snprintf(why, whysz, "%s: answer too long (not umlab's check service?)", peer);
            return -1;
        }
    }
}

int checkask_run(struct lab *lab, const struct lab_spec *s, size_t ci, enum checkpeer_verdict *v,
                 struct labcheck_result *r)
{
    const struct labfile_check *c = &s->checks[ci];
    const struct labfile_host *h = &s->hosts[s->guests[c->guest].host];
    char as[INET_ADDRSTRLEN], peer[96];
    snprintf(peer, sizeof peer, "host %s (%s port %d)", h->name, addr_str(h->addr, as),
             h->check_port);
    r->pass = false;
    r->why[0] = '\0';
    struct strbuf req = {0};
    struct strbuf text = {0};
    labfile_check_format(s, c, &text);
    checkpeer_request(sb_str(&text), &req);
    sb_free(&text);
    struct err e;
    int fd = -1, rc = -1;
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)h->check_port), .sin_addr = h->addr};
    int64_t deadline = loop_now_ms() + CHECKPEER_REPLY_MS;
    char buf[CHECKPEER_REPLY_MAX];
    if (req.oom || req.len >= CHECKPEER_REQ_MAX) {
        snprintf(r->why, sizeof r->why, "the check is too long to ask %s", peer);
    } else if ((fd = checkpeer_socket(lab, &e)) < 0) {
        snprintf(r->why, sizeof r->why, "%s", e.msg);
    } else if (connect_peer(lab, fd, &sa, peer, r->why, sizeof r->why) == 0) {
        /* the request fits an empty socket buffer: one send */
        ssize_t n = send(fd, sb_str(&req), req.len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n != (ssize_t)req.len)
            snprintf(r->why, sizeof r->why, "%s: cannot send: %s", peer,
                     n < 0 ? strerror(errno) : "short write");
        else if (read_reply(lab, fd, deadline, peer, buf, sizeof buf, r->why, sizeof r->why) == 0) {
            if (checkpeer_parse_reply(buf, v, r->why, sizeof r->why) < 0)
                snprintf(r->why, sizeof r->why, "%s: not a check service's answer", peer);
            else
                rc = 0;
        }
    }
    if (fd >= 0)
        close(fd);
    sb_free(&req);
    if (rc == 0)
        r->pass = *v == CHECKPEER_PASS;
    return rc;
}
