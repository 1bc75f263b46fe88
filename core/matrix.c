/* matrix.c — see matrix.h. */
#include "core/matrix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/matrix_internal.h"

/* `matrix` waits this long for the host's answers. */
#define MX_WAIT_MS 1500
/* What a watched round may spend inferring guests' rows (the loop waits). */
#define MX_BUDGET_MS 8

const char *mx_col_name(const struct mx_matrix *m, size_t c)
{
    return c < m->nguests ? m->names[c] : c == m->nguests ? "host" : "internet";
}

const char *mx_state_name(enum mx_state s)
{
    static const char *const n[] = {"self", "pending", "pass", "fail", "unknown"};
    return s <= MX_UNKNOWN ? n[s] : "?";
}

static struct matrix_state *state(struct lab *lab)
{
    if (!lab->matrix) {
        lab->matrix = calloc(1, sizeof *lab->matrix);
        if (lab->matrix) {
            lab->matrix->fd = -1;
            lab->matrix->ident = (uint16_t)(getpid() ^ 0x4d58);
        }
    }
    return lab->matrix;
}

const struct mx_matrix *lab_matrix(struct lab *lab)
{
    static const struct mx_matrix empty;
    struct matrix_state *s = state(lab);
    return s ? &s->m : &empty;
}

void mx_cell_set(struct mx_cell *c, enum mx_state st, bool inferred, const char *why)
{
    memset(c, 0, sizeof *c);
    c->st = st;
    c->inferred = inferred;
    snprintf(c->why, sizeof c->why, "%s", why ? why : "");
}

/* ---- the host's row: echo requests from the lab's namespace ---- */

static uint16_t icmp_sum(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        s += (uint32_t)b[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return htons((uint16_t)~s);
}

static void on_reply(void *ctx, int fd, short revents)
{
    (void)revents;
    struct lab *lab = ctx;
    struct matrix_state *s = lab->matrix;
    uint8_t buf[1500];
    for (int budget = 64; budget > 0; budget--) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0)
            return; /* EAGAIN, or an error the next round will meet again */
        if (n < 20)
            continue;
        size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
        if (ihl < 20 || (size_t)n < ihl + sizeof(struct icmphdr))
            continue;
        struct icmphdr ic;
        memcpy(&ic, buf + ihl, sizeof ic);
        if (ic.type != ICMP_ECHOREPLY || ntohs(ic.un.echo.id) != s->ident ||
            ntohs(ic.un.echo.sequence) != s->seq)
            continue;
        struct in_addr from;
        memcpy(&from.s_addr, buf + 12, 4);
        size_t row = mx_host(&s->m);
        for (size_t c = 0; c < mx_ncols(&s->m); c++) {
            if (!s->pending[c] || s->dst[c].s_addr != from.s_addr)
                continue;
            s->pending[c] = false;
            struct mx_cell *cell = &s->m.cell[row][c];
            if (cell->st != MX_PASS)
                s->m.gen++;
            mx_cell_set(cell, MX_PASS, false, "answered");
        }
    }
}

static int sock_open(struct lab *lab, struct matrix_state *s, struct err *e)
{
    if (s->fd >= 0)
        return 0;
    /* umlab lives in the lab's namespace: the socket is made there. */
    int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0)
        return err_sys(e, "matrix: raw ICMP socket");
    struct icmp_filter f = {~(1U << ICMP_ECHOREPLY)};
    if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof f) < 0 ||
        loop_watch(lab->loop, fd, POLLIN, on_reply, lab, e) < 0) {
        if (errno)
            err_sys(e, "matrix: ICMP_FILTER");
        close(fd);
        return -1;
    }
    s->fd = fd;
    return 0;
}

static void sock_close(struct lab *lab, struct matrix_state *s)
{
    if (s->fd < 0)
        return;
    loop_unwatch(lab->loop, s->fd);
    close(s->fd);
    s->fd = -1;
}

static void send_probe(struct matrix_state *s, size_t c)
{
    struct {
        struct icmphdr h;
        char data[16];
    } pkt;
    memset(&pkt, 0, sizeof pkt);
    pkt.h.type = ICMP_ECHO;
    pkt.h.un.echo.id = htons(s->ident);
    pkt.h.un.echo.sequence = htons(s->seq);
    memcpy(pkt.data, "umlab-matrix", 12);
    pkt.h.checksum = icmp_sum(&pkt, sizeof pkt);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = s->dst[c]};
    if (sendto(s->fd, &pkt, sizeof pkt, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to) < 0) {
        s->pending[c] = false;
        char why[MX_WHYSZ];
        snprintf(why, sizeof why, "the host cannot send to it: %s", strerror(errno));
        mx_cell_set(&s->m.cell[mx_host(&s->m)][c], MX_FAIL, false, why);
    }
}

/* ---- rounds ---- */

static void round_finish(struct matrix_state *s)
{
    if (!s->round_open)
        return;
    size_t row = mx_host(&s->m);
    for (size_t c = 0; c < mx_ncols(&s->m); c++) {
        if (!s->pending[c])
            continue;
        s->pending[c] = false;
        if (s->m.cell[row][c].st != MX_FAIL)
            s->m.gen++;
        mx_cell_set(&s->m.cell[row][c], MX_FAIL, false, "no answer to the host's echo request");
    }
    s->round_open = false;
    s->m.rounds++;
}

const struct mx_cell *mx_old_cell(const struct mx_matrix *o, const char *row, const char *col)
{
    size_t r = SIZE_MAX, c = SIZE_MAX;
    for (size_t i = 0; i <= o->nguests; i++)
        if (strcmp(i < o->nguests ? o->names[i] : "host", row) == 0)
            r = i;
    for (size_t i = 0; i < mx_ncols(o); i++)
        if (strcmp(mx_col_name(o, i), col) == 0)
            c = i;
    return r == SIZE_MAX || c == SIZE_MAX ? NULL : &o->cell[r][c];
}

static int round_start(struct lab *lab, struct matrix_state *s, bool all, struct err *e)
{
    round_finish(s);
    struct mx_matrix *n = malloc(sizeof *n);
    if (!n)
        return err_set(e, "matrix: out of memory");
    memset(n, 0, sizeof *n);
    n->internet = lab->inet_netns[0] != '\0';
    for (size_t i = 0; i < lab->nguests && n->nguests < MX_MAX_GUESTS; i++)
        snprintf(n->names[n->nguests++], MX_NAMESZ, "%s", lab->guests[i]->name);
    size_t ncols = mx_ncols(n), host = mx_host(n);
    /* A probed row costs a command written to the guest. An inferred one
     * costs `why`'s reads per cell: a watched round spends at most
     * MX_BUDGET_MS on those, going on from where the last one stopped; the
     * rows it did not reach keep their last cells. */
    int64_t t0 = loop_now_ms();
    size_t done = 0, last = 0;
    for (size_t k = 0; k < n->nguests; k++) {
        size_t r = (s->next_row + k) % n->nguests;
        bool now = all || done == 0 || loop_now_ms() - t0 < MX_BUDGET_MS;
        bool inferred = !mx_guest_probed(lab->guests[r]);
        mx_guest_row(lab, s, n, r, now);
        if (now && inferred) {
            done++;
            last = k;
        }
    }
    s->next_row = done ? (s->next_row + last + 1) % n->nguests : 0;
    /* The host's row: last round's answers stay until this round's are in. */
    s->seq++;
    memset(s->pending, 0, sizeof s->pending);
    memset(s->dst, 0, sizeof s->dst);
    bool sock = sock_open(lab, s, e) == 0;
    for (size_t c = 0; c < ncols; c++) {
        struct mx_cell *cell = &n->cell[host][c];
        if (c == host) {
            mx_cell_set(cell, MX_SELF, false, NULL);
            continue;
        }
        struct guest *g = c < n->nguests ? lab->guests[c] : NULL;
        if (g && g->state == GUEST_EXITED) {
            mx_cell_set(cell, MX_FAIL, false, "not running");
            continue;
        }
        if (g && !g->addr.s_addr) {
            mx_cell_set(cell, MX_FAIL, false, "no address yet");
            continue;
        }
        if (!sock) {
            mx_cell_set(cell, MX_UNKNOWN, false, e->msg);
            continue;
        }
        const struct mx_cell *o = mx_old_cell(&s->m, "host", mx_col_name(n, c));
        if (o && (o->st == MX_PASS || o->st == MX_FAIL))
            *cell = *o;
        else
            mx_cell_set(cell, MX_PENDING, false, "probe sent");
        if (g)
            s->dst[c] = g->addr;
        else if (inet_pton(AF_INET, SANDBOX_INET, &s->dst[c]) != 1)
            continue;
        s->pending[c] = true;
    }
    if (memcmp(n->names, s->m.names, sizeof n->names) != 0 || n->nguests != s->m.nguests ||
        n->internet != s->m.internet || memcmp(n->cell, s->m.cell, sizeof n->cell) != 0)
        n->gen = s->m.gen + 1;
    else
        n->gen = s->m.gen;
    n->rounds = s->m.rounds;
    s->m = *n;
    free(n);
    for (size_t c = 0; c < ncols; c++)
        if (s->pending[c])
            send_probe(s, c);
    s->round_open = true;
    s->round_start = loop_now_ms();
    return 0;
}

void lab_matrix_watch(struct lab *lab, bool on)
{
    struct matrix_state *s = on ? state(lab) : lab->matrix;
    if (!s || s->watched == on)
        return;
    s->watched = on;
    struct err e;
    if (on)
        round_start(lab, s, false, &e);
    else {
        round_finish(s);
        sock_close(lab, s);
    }
}

void matrix_tick(struct lab *lab)
{
    struct matrix_state *s = lab->matrix;
    if (!s || !s->watched)
        return;
    if (loop_now_ms() - s->round_start < MX_ROUND_MS - 200)
        return;
    struct err e;
    round_start(lab, s, false, &e);
}

struct mx_wait {
    struct matrix_state *s;
    int64_t until, give_up;
};

/* The host's replies are in (or late) and every guest answered (its channel
 * times a running command out; one queued behind another is given up). */
static bool answered(void *ctx)
{
    struct mx_wait *w = ctx;
    int64_t now = loop_now_ms();
    if (now >= w->give_up)
        return true;
    if (mx_probes_out(w->s))
        return false;
    if (now >= w->until)
        return true;
    for (size_t c = 0; c < MX_COLS; c++)
        if (w->s->pending[c])
            return false;
    return true;
}

int lab_matrix_now(struct lab *lab, struct err *e)
{
    struct matrix_state *s = state(lab);
    if (!s)
        return err_set(e, "matrix: out of memory");
    if (round_start(lab, s, true, e) < 0)
        return -1;
    int64_t now = loop_now_ms();
    struct mx_wait w = {s, now + MX_WAIT_MS, now + MX_PROBE_MS + 1000};
    int rc = lab_wait(lab, answered, &w, MX_PROBE_MS + 3000, "the matrix's echo replies", e);
    round_finish(s);
    mx_probes_late(s);
    if (!s->watched)
        sock_close(lab, s);
    return rc;
}

void matrix_free(struct lab *lab)
{
    if (!lab->matrix)
        return;
    sock_close(lab, lab->matrix);
    mx_probes_forget(lab->matrix);
    free(lab->matrix);
    lab->matrix = NULL;
}
