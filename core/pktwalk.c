/* pktwalk.c — see pktwalk.h. */
#include "core/pktwalk.h"

#include <stdio.h>
#include <string.h>

static uint64_t delta(uint64_t b, uint64_t a)
{
    return a >= b ? a - b : 0;
}

static struct pktwalk_step *step(struct pktwalk *w, const char *dir, const char *kind)
{
    if (w->n >= PKTWALK_MAX)
        return NULL;
    struct pktwalk_step *s = &w->steps[w->n++];
    memset(s, 0, sizeof *s);
    s->dir = dir;
    s->kind = kind;
    s->counted = true;
    return s;
}

static void iface(struct pktwalk *w, const char *dir, const char *dev, const char *kind, uint64_t b,
                  uint64_t a, const char *note)
{
    struct pktwalk_step *s = step(w, dir, kind);
    if (!s)
        return;
    snprintf(s->where, sizeof s->where, "%s %s", dev, kind);
    snprintf(s->note, sizeof s->note, "%s", note);
    s->delta = delta(b, a);
}

/* The same rule before and after: the chain may have changed under the ping. */
static const struct rule_info *same_rule(const struct rule_info *r, size_t i,
                                         const struct rule_info *v, size_t n)
{
    if (i >= n || strcmp(v[i].target_name, r->target_name) != 0 ||
        strcmp(v[i].spec.comment, r->spec.comment) != 0)
        return NULL;
    return &v[i];
}

/* The rule of CHAIN that decides FL (the first that may count it and ends
 * the chain), or its policy. */
static void rule(struct pktwalk *w, const char *dir, const char *kind, const char *chain,
                 const struct rule_info *bv, size_t bn, const struct rule_info *av, size_t an,
                 const struct why_flow *fl)
{
    struct pktwalk_step *s = step(w, dir, kind);
    if (!s)
        return;
    for (size_t i = 0; i < bn; i++) {
        const struct rule_info *r = &bv[i];
        if (!why_xt_may_count(r, fl) || !why_xt_terminal(r))
            continue;
        snprintf(s->where, sizeof s->where, "%s rule %zu", chain, i + 1);
        snprintf(s->note, sizeof s->note, "-j %s%s%s%s%s%s%s", r->target_name,
                 r->spec.in_if[0] ? " -i " : "", r->spec.in_if, r->spec.out_if[0] ? " -o " : "",
                 r->spec.out_if, r->spec.comment[0] ? ", " : "", r->spec.comment);
        const struct rule_info *ra = same_rule(r, i, av, an);
        s->delta = ra ? delta(r->packets, ra->packets) : 0;
        return;
    }
    snprintf(s->where, sizeof s->where, "%s policy", chain);
    snprintf(s->note, sizeof s->note, "no rule matches; the chain's policy (no counter read)");
    s->kind = "policy";
    s->counted = false;
}

void pktwalk_build(const struct why_facts *f, const struct pktwalk_counts *b,
                   const struct pktwalk_counts *a, long sent, long received, struct pktwalk *w)
{
    memset(w, 0, sizeof *w);
    w->stop = -1;
    struct why_path p;
    why_path_of(f, &p);
    const char *st = f->src_tap.name, *out = p.out_dev;
    char from[48], to[48];
    const char *br = p.lan ? f->src_tap.bridge : "";
    snprintf(from, sizeof from, "from %s%s%s", f->src.name, br[0] ? ", a port of " : "", br);
    snprintf(to, sizeof to, "to %s%s%s", f->src.name, br[0] ? ", a port of " : "", br);
    iface(w, "request", st, "rx", b->src_rx, a->src_rx, from);
    if (out) {
        struct in_addr src = f->src.want;
        struct why_flow req = {st, out, src, f->dst, false};
        struct why_flow rep = {out, st, f->dst, src, true};
        if (!p.lan)
            rule(w, "request", "forward", "FORWARD", b->fwd, b->nfwd, a->fwd, a->nfwd, &req);
        if (p.masq)
            rule(w, "request", "masquerade", "POSTROUTING", b->post, b->npost, a->post, a->npost,
                 &req);
        char tn[48];
        snprintf(tn, sizeof tn, "to %s", f->target);
        iface(w, "request", out, "tx", b->out_tx, a->out_tx, tn);
        snprintf(tn, sizeof tn, "from %s", f->target);
        iface(w, "reply", out, "rx", b->out_rx, a->out_rx, tn);
        if (!p.lan)
            rule(w, "reply", "forward", "FORWARD", b->fwd, b->nfwd, a->fwd, a->nfwd, &rep);
    }
    iface(w, "reply", st, "tx", b->src_tx, a->src_tx, to);

    uint64_t want_req = sent > 0 ? (uint64_t)sent : 1;
    uint64_t want_rep = received > 0 ? (uint64_t)received : want_req;
    for (size_t i = 0; i < w->n; i++) {
        struct pktwalk_step *s = &w->steps[i];
        uint64_t want = strcmp(s->kind, "masquerade") == 0 ? 1
                        : strcmp(s->dir, "request") == 0   ? want_req
                                                           : want_rep;
        s->reached = !s->counted || s->delta >= want;
        if (!s->reached && w->stop < 0)
            w->stop = (int)i;
    }
    if (w->stop < 0) {
        snprintf(w->summary, sizeof w->summary, "every counter on the path moved");
        return;
    }
    const struct pktwalk_step *s = &w->steps[w->stop];
    if (w->stop == 0)
        snprintf(w->summary, sizeof w->summary,
                 "the count stops at %s: nothing came out of %s onto its tap", s->where,
                 f->src.name);
    else
        snprintf(w->summary, sizeof w->summary, "the count stops at %s (%s, after %s)", s->where,
                 s->dir, w->steps[w->stop - 1].where);
}
