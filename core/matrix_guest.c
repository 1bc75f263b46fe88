/* matrix_guest.c — a guest's row of the ping matrix: pinged from the guest
 * through its hidden control channel (one command per round, every target at
 * once, mxprobe.h), or, for an image without that channel, inferred by `why`
 * on umlab's view of the lab. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/ctlchan.h"
#include "core/matrix_internal.h"
#include "core/mxprobe.h"
#include "core/why_facts.h"

bool mx_guest_probed(const struct guest *g)
{
    return g->ctl != NULL;
}

/* ---- inferred: `why` on umlab's view of the lab ---- */

static void infer(struct lab *lab, struct guest *g, const char *target, struct mx_cell *c)
{
    struct why_gathered got;
    struct err e;
    if (why_gather_host(lab, g, target, &got, &e) < 0) {
        mx_cell_set(c, MX_FAIL, true, e.msg);
        return;
    }
    struct why_report r;
    why_diagnose(&got.f, &r);
    why_gathered_free(&got);
    const struct why_hop *unknown = NULL;
    for (size_t i = 0; i < r.n; i++) {
        const struct why_hop *h = &r.hops[i];
        if (strcmp(h->id, "probe") == 0 || strcmp(h->id, "nftables") == 0)
            continue; /* no probe is sent; nf_tables is not read here */
        if (h->status == WHY_FAIL) {
            char why[MX_WHYSZ];
            snprintf(why, sizeof why, "%s: %s", h->id, h->detail);
            mx_cell_set(c, MX_FAIL, true, why);
            return;
        }
        if (h->status == WHY_UNKNOWN && !unknown)
            unknown = h;
    }
    if (unknown) {
        char why[MX_WHYSZ];
        snprintf(why, sizeof why, "%s: %s", unknown->id, unknown->detail);
        mx_cell_set(c, MX_UNKNOWN, true, why);
    } else
        mx_cell_set(c, MX_PASS, true, "every hop `why` checks passes");
}

static void inferred_row(struct lab *lab, struct matrix_state *s, struct mx_matrix *n, size_t r,
                         bool now)
{
    for (size_t c = 0; c < mx_ncols(n); c++) {
        const struct mx_cell *o = now ? NULL : mx_old_cell(&s->m, n->names[r], mx_col_name(n, c));
        if (c == r)
            mx_cell_set(&n->cell[r][c], MX_SELF, false, NULL);
        else if (now)
            infer(lab, lab->guests[r], mx_col_name(n, c), &n->cell[r][c]);
        else if (o)
            n->cell[r][c] = *o;
        else
            mx_cell_set(&n->cell[r][c], MX_PENDING, true, "not inferred yet");
    }
}

/* ---- probed: the guest pings ---- */

static void cell_update(struct mx_matrix *m, struct mx_cell *cell, enum mx_state st,
                        const char *why)
{
    struct mx_cell was = *cell;
    mx_cell_set(cell, st, false, why);
    if (memcmp(&was, cell, sizeof was) != 0)
        m->gen++;
}

static void probed(void *ctx, const struct ctlchan_result *res)
{
    struct mx_probe *p = ctx;
    p->on = NULL;
    struct mx_matrix *m = &p->lab->matrix->m;
    size_t r = 0;
    while (r < m->nguests && strcmp(m->names[r], p->row) != 0)
        r++;
    if (r == m->nguests)
        return; /* the guest left the matrix meanwhile */
    for (size_t i = 0; i < p->n; i++) {
        size_t c = 0;
        while (c < mx_ncols(m) && strcmp(mx_col_name(m, c), p->col[i]) != 0)
            c++;
        if (c == mx_ncols(m) || c == r)
            continue;
        char why[MX_WHYSZ];
        if (!res->ok) {
            snprintf(why, sizeof why, "%s's control channel: %s", p->row, res->error);
            cell_update(m, &m->cell[r][c], MX_UNKNOWN, why);
        } else if (mxprobe_answered(res->output, p->addr[i]))
            cell_update(m, &m->cell[r][c], MX_PASS, "answered");
        else {
            snprintf(why, sizeof why, "no answer to %s's echo request", p->row);
            cell_update(m, &m->cell[r][c], MX_FAIL, why);
        }
    }
}

static struct mx_probe *probe_out(struct matrix_state *s, const struct ctlchan *on)
{
    for (size_t i = 0; i < MX_MAX_GUESTS; i++)
        if (s->probe[i].on == on)
            return &s->probe[i];
    return NULL;
}

/* Where guest R pings column C: 0, or 1 with a failure's cause in WHY. */
static int target(struct lab *lab, const struct mx_matrix *n, size_t c, struct in_addr *a,
                  const char **why)
{
    if (c < n->nguests) {
        const struct guest *t = lab->guests[c];
        *a = t->addr;
        *why = t->state == GUEST_EXITED ? "not running" : !t->addr.s_addr ? "no address yet" : NULL;
    } else if (c == mx_host(n)) {
        *a = lab->host;
        *why = !lab->host.s_addr ? "the host has no address" : NULL;
    } else
        *why = inet_pton(AF_INET, SANDBOX_INET, a) == 1 ? NULL : "no internet address";
    return *why ? 1 : 0;
}

static void probed_row(struct lab *lab, struct matrix_state *s, struct mx_matrix *n, size_t r)
{
    struct guest *g = lab->guests[r];
    size_t ncols = mx_ncols(n);
    const char *down = g->state == GUEST_BOOTING ? "booting" : "not running";
    bool up = g->state == GUEST_RUNNING;
    /* One command out per guest: while it runs its row keeps what it had. */
    struct mx_probe *p = probe_out(s, g->ctl);
    bool busy = p != NULL;
    /* Its command may wait behind others on the channel (a check, `exec`):
     * past the probe's time its last cells are no longer news. */
    bool stale = busy && loop_now_ms() - p->sent_ms > MX_PROBE_MS;
    char late[MX_WHYSZ];
    snprintf(late, sizeof late, "no answer from %s in %d s", n->names[r], MX_PROBE_MS / 1000);
    if (!busy && up)
        p = probe_out(s, NULL);
    if (p && !busy)
        *p = (struct mx_probe){.lab = lab};
    for (size_t c = 0; c < ncols; c++) {
        struct mx_cell *cell = &n->cell[r][c];
        struct in_addr a = {0};
        const char *why;
        if (c == r) {
            mx_cell_set(cell, MX_SELF, false, NULL);
            continue;
        }
        if (!up || !p) {
            mx_cell_set(cell, MX_UNKNOWN, false, up ? "too many probes out" : down);
            continue;
        }
        if (target(lab, n, c, &a, &why)) {
            mx_cell_set(cell, MX_FAIL, false, why);
            continue;
        }
        const struct mx_cell *o = mx_old_cell(&s->m, n->names[r], mx_col_name(n, c));
        if (stale)
            mx_cell_set(cell, MX_UNKNOWN, false, late);
        else if (o && !o->inferred && o->st != MX_SELF && (busy || o->st != MX_UNKNOWN))
            *cell = *o;
        else
            mx_cell_set(cell, MX_PENDING, false, "probe sent");
        if (!busy) {
            snprintf(p->col[p->n], MX_NAMESZ, "%s", mx_col_name(n, c));
            p->addr[p->n++] = a;
        }
    }
    if (busy || !p || p->n == 0)
        return;
    char cmd[CTLCHAN_CMD_MAX + 1];
    struct err e = {""};
    if (mxprobe_cmd(cmd, sizeof cmd, p->addr, p->n) < 0)
        err_set(&e, "the probe's command is too long");
    else if (ctlchan_exec(g->ctl, cmd, MX_PROBE_MS, probed, p, &e) == 0) {
        p->on = g->ctl;
        p->sent_ms = loop_now_ms();
        snprintf(p->row, sizeof p->row, "%s", n->names[r]);
        return;
    }
    for (size_t i = 0; i < p->n; i++)
        for (size_t c = 0; c < ncols; c++)
            if (strcmp(mx_col_name(n, c), p->col[i]) == 0)
                mx_cell_set(&n->cell[r][c], MX_UNKNOWN, false, e.msg);
    p->n = 0;
}

void mx_guest_row(struct lab *lab, struct matrix_state *s, struct mx_matrix *n, size_t r,
                  bool infer_now)
{
    if (mx_guest_probed(lab->guests[r]))
        probed_row(lab, s, n, r);
    else
        inferred_row(lab, s, n, r, infer_now);
}

bool mx_probes_out(const struct matrix_state *s)
{
    for (size_t i = 0; i < MX_MAX_GUESTS; i++)
        if (s->probe[i].on)
            return true;
    return false;
}

void mx_probes_late(struct matrix_state *s)
{
    struct mx_matrix *m = &s->m;
    for (size_t i = 0; i < MX_MAX_GUESTS; i++) {
        const struct mx_probe *p = &s->probe[i];
        for (size_t r = 0; p->on && r < m->nguests; r++) {
            if (strcmp(m->names[r], p->row) != 0)
                continue;
            char why[MX_WHYSZ];
            snprintf(why, sizeof why, "no answer from %s in %d s", p->row, MX_PROBE_MS / 1000);
            for (size_t c = 0; c < mx_ncols(m); c++)
                if (c != r && m->cell[r][c].st == MX_PENDING)
                    cell_update(m, &m->cell[r][c], MX_UNKNOWN, why);
        }
    }
}

void mx_probes_forget(struct matrix_state *s)
{
    for (size_t i = 0; i < MX_MAX_GUESTS; i++)
        if (s->probe[i].on) {
            ctlchan_forget(s->probe[i].on, &s->probe[i]);
            s->probe[i].on = NULL;
        }
}
