/* checkserve.c — a part's check service (checkpeer.h): peers' requests for
 * this host's checks, run without blocking the event loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/checkpeer.h"
#include "core/ctlchan.h"
#include "core/lab.h"
#include "netcfg/netns.h"

struct conn {
    struct checkserve *cs;
    int fd; /* -1: free */
    char buf[CHECKPEER_REQ_MAX];
    size_t len;
    int64_t deadline; /* closed then, whatever it was doing */
    struct guest *on; /* its check's command runs on this guest's channel */
    size_t ci;
};

struct checkserve {
    struct lab *lab;
    const struct lab_spec *spec;
    const struct labcheck_base *base;
    int lfd;
    struct conn conns[CHECKPEER_MAX_CONNS];
};

int checkpeer_socket(struct lab *lab, struct err *e)
{
    if (lab->netns[0] && netns_enter_fd(lab->orig_netns_fd, e) < 0)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        err_sys(e, "check service: socket");
    struct err e2;
    if (lab->netns[0] && netns_enter(lab->netns, &e2) < 0) {
        if (fd >= 0)
            close(fd);
        return err_set(e, "check service: cannot return to namespace %s: %s", lab->netns, e2.msg);
    }
    return fd;
}

static void conn_close(struct conn *c)
{
    if (c->fd < 0)
        return;
    if (c->on && c->on->ctl)
        ctlchan_forget(c->on->ctl, c);
    c->on = NULL;
    loop_unwatch(c->cs->lab->loop, c->fd);
    close(c->fd);
    c->fd = -1;
    c->len = 0;
}

/* The one reply, then the connection ends (a reply fits any socket buffer:
 * a peer that does not read loses it). */
static void reply(struct conn *c, enum checkpeer_verdict v, const char *why)
{
    struct strbuf b = {0};
    checkpeer_reply(v, why, &b);
    /* a failed send: the peer went, there is nobody to tell */
    ssize_t n = b.oom ? -1 : send(c->fd, sb_str(&b), b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
    (void)n;
    sb_free(&b);
    conn_close(c);
}

static void judged(struct conn *c, const struct labcheck_result *r)
{
    reply(c, r->pass ? CHECKPEER_PASS : CHECKPEER_FAIL, r->why);
}

static void answered(void *ctx, const struct ctlchan_result *res)
{
    struct conn *c = ctx;
    c->on = NULL;
    if (!res->ok) {
        char why[LABCHECK_WHY_MAX];
        snprintf(why, sizeof why, "not evaluated: %s", res->error);
        reply(c, CHECKPEER_FAIL, why);
        return;
    }
    struct labcheck_result r;
    labcheck_judge(c->cs->lab, c->cs->spec, c->ci, res->status, res->output, &r);
    judged(c, &r);
}

/* Request LINE is complete: one of this host's checks, or refused. */
static void serve(struct conn *c, const char *line)
{
    struct checkserve *cs = c->cs;
    const struct lab_spec *s = cs->spec;
    char why[LABCHECK_WHY_MAX];
    long ci = checkpeer_match(s, line, why, sizeof why);
    if (ci < 0) {
        reply(c, CHECKPEER_REFUSED, why);
        return;
    }
    const struct labfile_check *k = &s->checks[ci];
    if (k->guest < 0 || !labfile_guest_here(s, (size_t)k->guest)) {
        reply(c, CHECKPEER_REFUSED, "its guest does not run on this host");
        return;
    }
    if (labfile_check_elsewhere(s, (size_t)ci, why, sizeof why)) {
        reply(c, CHECKPEER_SKIP, why);
        return;
    }
    struct labcheck_result r;
    char cmd[CTLCHAN_CMD_MAX + 1];
    int need = labcheck_guest_cmd(cs->lab, s, (size_t)ci, cmd, sizeof cmd, &r);
    if (need <= 0) {
        if (need == 0) /* counter, screen: read here, nothing runs in a guest */
            labcheck_eval(cs->lab, s, cs->base, (size_t)ci, &r);
        judged(c, &r);
        return;
    }
    if (k->kind == LABFILE_CHECK_REACH && !k->negate) { /* "ping -c 1 -W 2 A", retried */
        char one[sizeof cmd];
        snprintf(one, sizeof one, "%s", cmd);
        size_t n = 0;
        for (int t = 0; t < CHECKPEER_REACH_TRIES && n < sizeof cmd; t++)
            n += (size_t)snprintf(cmd + n, sizeof cmd - n, "%s%s >/dev/null", t ? " || " : "", one);
    }
    const char *name = s->guests[k->guest].name;
    struct guest *g = lab_find_guest(cs->lab, name);
    struct err e;
    if (!g || g->state != GUEST_RUNNING) {
        snprintf(why, sizeof why, "%s %s", name, !g ? "is not in the lab" : "is not running");
        reply(c, CHECKPEER_FAIL, why);
    } else if (!g->ctl) { /* typing into a student's console for a peer: no */
        snprintf(why, sizeof why, "%s has no control channel: run `check` on its host", name);
        reply(c, CHECKPEER_SKIP, why);
    } else if (ctlchan_exec(g->ctl, cmd, CHECKPEER_EXEC_MS, answered, c, &e) < 0) {
        snprintf(why, sizeof why, "not evaluated: %s", e.msg);
        reply(c, CHECKPEER_FAIL, why);
    } else {
        c->on = g;
        c->ci = (size_t)ci;
    }
}

static void on_conn(void *ctx, int fd, short revents)
{
    struct conn *c = ctx;
    (void)revents;
    ssize_t n = recv(fd, c->buf + c->len, sizeof c->buf - 1 - c->len, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) { /* the peer went, or an error */
        conn_close(c);
        return;
    }
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    char *nl = memchr(c->buf, '\n', c->len);
    if (!nl && c->len == sizeof c->buf - 1) {
        reply(c, CHECKPEER_REFUSED, "request too long");
        return;
    }
    if (!nl)
        return;
    if (strlen(c->buf) < (size_t)(nl - c->buf)) {
        reply(c, CHECKPEER_REFUSED, "a NUL byte in the request");
        return;
    }
    *nl = '\0';
    loop_set_events(c->cs->lab->loop, fd, 0); /* one request per connection */
    serve(c, c->buf);
}

static void on_listen(void *ctx, int fd, short revents)
{
    struct checkserve *cs = ctx;
    (void)revents;
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
        return; /* EAGAIN, or the peer already went */
    struct conn *c = NULL;
    for (size_t i = 0; i < CHECKPEER_MAX_CONNS && !c; i++)
        if (cs->conns[i].fd < 0)
            c = &cs->conns[i];
    struct err e;
    if (!c || loop_watch(cs->lab->loop, cfd, POLLIN, on_conn, c, &e) < 0) {
        close(cfd); /* busy: the asking side says so */
        return;
    }
    c->fd = cfd;
    c->len = 0;
    c->on = NULL;
    c->deadline = loop_now_ms() + CHECKPEER_SERVE_MS;
}

static void serve_tick(void *ctx)
{
    struct checkserve *cs = ctx;
    int64_t now = loop_now_ms();
    for (size_t i = 0; i < CHECKPEER_MAX_CONNS; i++)
        if (cs->conns[i].fd >= 0 && now >= cs->conns[i].deadline)
            conn_close(&cs->conns[i]); /* a silent peer, or a command that never ends */
}

int checkserve_start(struct checkserve **out, struct lab *lab, const struct lab_spec *s,
                     const struct labcheck_base *base, struct err *e)
{
    *out = NULL;
    if (s->as_host < 0 || s->hosts[s->as_host].check_port == 0)
        return 0;
    const struct labfile_host *h = &s->hosts[s->as_host];
    struct checkserve *cs = calloc(1, sizeof *cs);
    if (!cs)
        return err_sys(e, "check service");
    cs->lab = lab;
    cs->spec = s;
    cs->base = base;
    for (size_t i = 0; i < CHECKPEER_MAX_CONNS; i++)
        cs->conns[i] = (struct conn){.cs = cs, .fd = -1};
    char as[INET_ADDRSTRLEN];
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)h->check_port), .sin_addr = h->addr};
    int one = 1;
    if ((cs->lfd = checkpeer_socket(lab, e)) < 0) {
        free(cs);
        return -1;
    }
    if (setsockopt(cs->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(cs->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(cs->lfd, CHECKPEER_MAX_CONNS) < 0) {
        err_sys(e, "check service on %s port %d (host %s)", addr_str(h->addr, as), h->check_port,
                h->name);
        close(cs->lfd);
        free(cs);
        return -1;
    }
    if (loop_watch(lab->loop, cs->lfd, POLLIN, on_listen, cs, e) < 0) {
        close(cs->lfd);
        free(cs);
        return -1;
    }
    if (loop_add_tick(lab->loop, serve_tick, cs, e) < 0) {
        loop_unwatch(lab->loop, cs->lfd);
        close(cs->lfd);
        free(cs);
        return -1;
    }
    *out = cs;
    return 0;
}

void checkserve_stop(struct checkserve *cs)
{
    if (!cs)
        return;
    for (size_t i = 0; i < CHECKPEER_MAX_CONNS; i++)
        conn_close(&cs->conns[i]);
    loop_remove_tick(cs->lab->loop, serve_tick, cs);
    loop_unwatch(cs->lab->loop, cs->lfd);
    close(cs->lfd);
    free(cs);
}
