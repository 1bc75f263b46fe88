/* cmd_ping.c — ping from a guest, and the all-pairs ping matrix. */
#include <math.h>
#include <regex.h>
#include <stdlib.h>

#include "core/cmds.h"
#include "core/console.h"
#include "base/parse.h"
#include "core/ping_parse.h"
#include "core/pktwalk.h"
#include "core/why_facts.h"
#include "netcfg/iptc.h"
#include "netcfg/link.h"

/* TARGET: a guest name, "host", "internet" (sandbox) or an IPv4 address. */
static int resolve_target(struct lab *lab, const char *t, struct in_addr *out, struct err *e)
{
    if (strcmp(t, "host") == 0) {
        *out = lab->host;
        return 0;
    }
    if (strcmp(t, "internet") == 0) {
        if (!lab->inet_netns[0])
            return err_set(e, "'internet' names the sandbox's stand-in (only with --sandbox)");
        return addr_parse(SANDBOX_INET, out, NULL, e);
    }
    struct guest *g = lab_find_guest(lab, t);
    if (g) {
        if (!g->addr.s_addr)
            return err_set(e, "%s has no address yet (give it one with `ip %s`)", g->name, g->name);
        *out = g->addr;
        return 0;
    }
    struct err pe;
    if (addr_parse(t, out, NULL, &pe) < 0)
        return err_set(e, "ping target '%s' is neither a guest, 'host', nor an IPv4 address", t);
    return 0;
}

/* The packet walk's counters now: the source's tap, the way out, the rules.
 * RULES_FROM: the rules already read (the walk's "before"), else read here
 * into FWD/POST (the caller frees them). */
static void walk_counts(struct lab *lab, const struct why_facts *f, struct pktwalk_counts *c,
                        struct rule_info **fwd, struct rule_info **post)
{
    memset(c, 0, sizeof *c);
    struct why_path p;
    why_path_of(f, &p);
    struct link_stats s;
    if (link_get_stats(lab->nl, f->src_tap.name, &s, NULL) == 0) {
        c->src_rx = s.rx_packets;
        c->src_tx = s.tx_packets;
    }
    if (p.out_dev && link_get_stats(lab->nl, p.out_dev, &s, NULL) == 0) {
        c->out_rx = s.rx_packets;
        c->out_tx = s.tx_packets;
    }
    if (!fwd) {
        c->fwd = f->fwd;
        c->nfwd = f->nfwd;
        c->post = f->post;
        c->npost = f->npost;
        return;
    }
    if (iptc_rule_list("filter", "FORWARD", fwd, &c->nfwd, NULL) < 0)
        *fwd = NULL, c->nfwd = 0;
    if (iptc_rule_list("nat", "POSTROUTING", post, &c->npost, NULL) < 0)
        *post = NULL, c->npost = 0;
    c->fwd = *fwd;
    c->post = *post;
}

static void put_walk(struct out *o, const struct pktwalk *w)
{
    out_printf(o, "walk (packets each counter moved, in path order):\n");
    out_obj_begin(o, "walk");
    out_arr_begin(o, "steps");
    for (size_t i = 0; i < w->n; i++) {
        const struct pktwalk_step *s = &w->steps[i];
        out_obj_begin(o, NULL);
        out_printf(o, "  %s ", (int)i == w->stop ? "STOP" : s->reached ? "  ok" : "   -");
        out_str(o, "dir", "%-8s ", s->dir);
        out_str(o, "kind", NULL, s->kind);
        out_str(o, "where", "%-18s ", s->where);
        if (s->counted)
            out_uint(o, "delta", "+%-5llu ", (unsigned long long)s->delta);
        else
            out_printf(o, "%-7s", "");
        out_bool(o, "counted", NULL, s->counted);
        out_bool(o, "reached", NULL, s->reached);
        out_str(o, "note", "%s\n", s->note);
        out_obj_end(o);
    }
    out_arr_end(o);
    out_str(o, "stopped_at", NULL, w->stop >= 0 ? w->steps[w->stop].where : NULL);
    out_str(o, "summary", "  %s\n", w->summary);
    out_obj_end(o);
}

/* Types the ping and reports it; R gets its counts (R->sent -1: none read). */
static int ping_run(struct lab *lab, struct guest *g, const struct cmd_args *a, struct in_addr dst,
                    long count, struct out *o, struct ping_result *res, struct err *e)
{
    res->sent = -1;
    char ds[INET_ADDRSTRLEN], line[128];
    addr_str(dst, ds);
    snprintf(line, sizeof line, "ping -c %ld -i 0.2 -w %ld %s", count, count + 2, ds);
    uint64_t start;
    if (console_run(lab, g, line, (int)(count + 10) * 1000, &start, e) < 0)
        return -1;
    struct strbuf text = {0};
    pane_text(&g->pane, start, &text);
    struct ping_result r;
    int rc = ping_parse_summary(sb_str(&text), &r);
    sb_free(&text);
    if (rc < 0)
        return err_set(e, "%s: ping %s printed no (sane) summary (is `ping` in the guest?)",
                       g->name, ds);
    out_str(o, "from", "%s -> ", g->name);
    out_str(o, "to", "%s ", a->argv[1]);
    out_str(o, "address", "(%s): ", ds);
    out_printf(o, "%ld/%ld received, ", r.received, r.sent);
    out_int(o, "sent", NULL, r.sent);
    out_int(o, "received", NULL, r.received);
    out_int(o, "loss_percent", "%lld%% loss", r.loss);
    if (r.have_rtt) {
        out_double(o, "rtt_min_ms", ", rtt min/avg/max %.3f", r.min);
        out_double(o, "rtt_avg_ms", "/%.3f", r.avg);
        out_double(o, "rtt_max_ms", "/%.3f ms", r.max);
    }
    out_printf(o, "\n");
    *res = r;
    if (r.received == 0)
        return err_set(e, "%s -> %s (%s): 100%% packet loss", g->name, a->argv[1], ds);
    return 0;
}

static int ping_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    struct in_addr dst;
    if (resolve_target(lab, a->argv[1], &dst, e) < 0)
        return -1;
    long count = 3;
    const char *n = cmd_opt(a, "count");
    if (n && parse_long(n, 1, 100, &count) < 0)
        return err_set(e, "--count '%s': give 1..100", n);
    bool walk = cmd_flag(a, "walk");
    struct why_gathered wg;
    struct pktwalk_counts before;
    if (walk) {
        if (why_gather_host(lab, g, a->argv[1], &wg, e) < 0)
            return -1;
        walk_counts(lab, &wg.f, &before, NULL, NULL);
    }
    struct ping_result r;
    int rc = ping_run(lab, g, a, dst, count, o, &r, e);
    if (walk) {
        struct pktwalk_counts after;
        struct rule_info *fwd = NULL, *post = NULL;
        walk_counts(lab, &wg.f, &after, &fwd, &post);
        struct pktwalk w;
        pktwalk_build(&wg.f, &before, &after, r.sent >= 0 ? r.sent : count,
                      r.sent >= 0 ? r.received : 0, &w);
        put_walk(o, &w);
        free(fwd);
        free(post);
        why_gathered_free(&wg);
    }
    return rc < 0 ? -1 : 0;
}

/* pingall: every guest pings every other guest and the host, all guests at once. */
struct pingall_row {
    struct guest *g;
    uint64_t start;
    bool done;
};

struct pingall_ctx {
    struct pingall_row *rows;
    size_t n;
};

static bool pingall_done(void *ctx)
{
    struct pingall_ctx *c = ctx;
    for (size_t i = 0; i < c->n; i++) {
        struct pingall_row *r = &c->rows[i];
        if (r->done)
            continue;
        if (r->g->state == GUEST_EXITED)
            return true;
        struct strbuf t = {0};
        pane_text(&r->g->pane, r->start, &t);
        r->done = strstr(sb_str(&t), "\numlab-pingall-done") != NULL && guest_at_prompt(r->g);
        sb_free(&t);
        if (!r->done)
            return false;
    }
    return true;
}

/* Looks up "umlab-ping ADDR ok|fail" in T. 1 ok, 0 fail, -1 missing. */
static int pair_result(const char *t, const char *addr)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\numlab-ping %s ", addr);
    const char *p = strstr(t, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    return strncmp(p, "ok", 2) == 0 ? 1 : 0;
}

static int pingall_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)a;
    struct pingall_row rows[256];
    size_t n = 0;
    for (size_t i = 0; i < lab->nguests && n < 256; i++)
        if (lab->guests[i]->addr.s_addr && lab->guests[i]->state != GUEST_EXITED)
            rows[n++] = (struct pingall_row){lab->guests[i], 0, false};
    if (n == 0)
        return err_set(e, "pingall: no running guest has an address (use `ip GUEST`)");
    for (size_t i = 0; i < n; i++)
        if (console_ready(lab, rows[i].g, 120000, e) < 0)
            return -1;

    /* One shell loop per guest, typed into each console; they run in parallel. */
    struct strbuf targets = {0};
    char as[INET_ADDRSTRLEN];
    for (size_t i = 0; i < n; i++)
        sb_printf(&targets, "%s ", addr_str(rows[i].g->addr, as));
    sb_printf(&targets, "%s", addr_str(lab->host, as));
    char line[4096];
    snprintf(line, sizeof line,
             "for t in %s; do if ping -c 1 -w 2 $t >/dev/null 2>&1; then r=ok; else r=fail; fi; "
             "echo \"umlab-ping $t $r\"; done; echo umlab-pingall-\"done\"\r",
             sb_str(&targets));
    sb_free(&targets);
    for (size_t i = 0; i < n; i++) {
        rows[i].start = pane_cursor_line(&rows[i].g->pane);
        if (guest_send(rows[i].g, line, e) < 0)
            return -1;
    }
    struct pingall_ctx ctx = {rows, n};
    if (lab_wait(lab, pingall_done, &ctx, (int)(n + 1) * 3000 + 10000, "pingall", e) < 0)
        return -1;

    int failures = 0;
    out_printf(o, "%-10s", "from\\to");
    for (size_t j = 0; j < n; j++)
        out_printf(o, " %-8s", rows[j].g->name);
    out_printf(o, " %-8s\n", "host");
    out_arr_begin(o, "pairs");
    for (size_t i = 0; i < n; i++) {
        struct strbuf t = {0};
        sb_append(&t, "\n", 1);
        pane_text(&rows[i].g->pane, rows[i].start, &t);
        out_printf(o, "%-10s", rows[i].g->name);
        for (size_t j = 0; j <= n; j++) {
            const char *to = j < n ? rows[j].g->name : "host";
            struct in_addr dst = j < n ? rows[j].g->addr : lab->host;
            int res = pair_result(sb_str(&t), addr_str(dst, as));
            const char *cell = i == j ? "-" : res == 1 ? "ok" : res == 0 ? "FAIL" : "?";
            if (i != j && res != 1)
                failures++;
            out_printf(o, " %-8s", cell);
            if (i != j) {
                out_obj_begin(o, NULL);
                out_str(o, "from", NULL, rows[i].g->name);
                out_str(o, "to", NULL, to);
                out_bool(o, "ok", NULL, res == 1);
                out_obj_end(o);
            }
        }
        out_printf(o, "\n");
        sb_free(&t);
    }
    out_arr_end(o);
    out_int(o, "failures", NULL, failures);
    if (failures)
        return err_set(e, "pingall: %d pair(s) could not ping", failures);
    return 0;
}

const struct cmd_entry cmd_ping = {
    .name = "ping",
    .usage = "GUEST TARGET [--count N] [--walk]",
    .summary = "ping from a guest to a guest, 'host', 'internet' or an address (fails on 100% "
               "loss); --walk: the counters it moved, in path order",
    .args = {.min = 2, .max = 2, .opts = "count= walk"},
    .target = CMD_TARGET_GUEST,
    .exec = ping_cmd,
};
const struct cmd_entry cmd_pingall = {
    .name = "pingall",
    .usage = "",
    .summary = "every guest pings every guest and the host: a reachability matrix",
    .exec = pingall_cmd,
};
