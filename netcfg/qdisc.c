/* qdisc.c — umlab's netem/tbf root qdisc through libnl-route-3; see qdisc.h.
 *
 * A delete names the handle and kind umlab read, so the kernel refuses it
 * (EINVAL) if someone replaced the qdisc in between. */
#include "netcfg/qdisc.h"
#include "netcfg/nl_internal.h"

#include <stdlib.h>
#include <linux/pkt_sched.h>
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/tc.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>

#define NETEM_LIMIT_PKTS  1000 /* netem's queue, as tc's default */
#define TBF_BUCKET_PER_S  50   /* a bucket of 20 ms worth of the rate... */
#define TBF_BUCKET_EXTRA  64   /* ...or one MTU-sized frame and its headers */
#define QDISC_TBF_CHILD_P (QDISC_UMLAB_HANDLE | 1u)

uint32_t netem_pct_to_prob(double pct)
{
    if (!(pct > 0)) /* NaN included */
        return 0;
    if (pct >= 100)
        return UINT32_MAX;
    return (uint32_t)(pct / 100.0 * (double)UINT32_MAX + 0.5); /* rounded, below 2^32 */
}

double netem_prob_to_pct(uint32_t prob)
{
    return (double)prob * 100.0 / (double)UINT32_MAX;
}

uint32_t qdisc_tbf_bucket(uint64_t rate_bps, unsigned mtu)
{
    uint64_t bucket = rate_bps / 8 / TBF_BUCKET_PER_S;
    if (bucket < (uint64_t)mtu + TBF_BUCKET_EXTRA)
        bucket = (uint64_t)mtu + TBF_BUCKET_EXTRA;
    return bucket > UINT32_MAX ? UINT32_MAX : (uint32_t)bucket;
}

bool netem_params_empty(const struct netem_params *p)
{
    return !p->delay_us && !p->jitter_us && !p->loss && !p->duplicate && !p->rate_bps;
}

static bool has_netem(const struct netem_params *p)
{
    return p->delay_us || p->jitter_us || p->loss || p->duplicate;
}

/* The interface's index for CTX: > 0, or -1 with E set (missing is an error). */
static int ifindex_of(struct nlconn *c, const char *ctx, const char *ifname, struct err *e)
{
    int idx = netcfg_find_ifindex(c->sk, ctx, ifname, e);
    if (idx == 0)
        return err_set(e, "%s: no such interface", ctx);
    return idx;
}

static bool kind_is(struct rtnl_qdisc *q, const char *kind)
{
    const char *k = rtnl_tc_get_kind(TC_CAST(q));
    return k && strcmp(k, kind) == 0;
}

/* netem's settings of Q (a netem qdisc) into P. */
static void read_netem(struct rtnl_qdisc *q, struct netem_params *p)
{
    int v;
    if ((v = rtnl_netem_get_delay(q)) > 0)
        p->delay_us = (uint32_t)v;
    if ((v = rtnl_netem_get_jitter(q)) > 0)
        p->jitter_us = (uint32_t)v;
    /* The kernel's u32 comes back as an int: a parsed netem always has both. */
    p->loss = (uint32_t)rtnl_netem_get_loss(q);
    p->duplicate = (uint32_t)rtnl_netem_get_duplicate(q);
}

int qdisc_root_get(struct nlconn *c, const char *ifname, struct qdisc_root *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    char ctx[64];
    snprintf(ctx, sizeof ctx, "qdisc of %s", ifname ? ifname : "");
    int idx = ifindex_of(c, ctx, ifname, e);
    if (idx < 0)
        return -1;
    struct nl_cache *cache = NULL;
    int rc = rtnl_qdisc_alloc_cache(c->sk, &cache);
    if (rc < 0)
        return err_set(e, "%s: listing qdiscs: %s", ctx, nl_geterror(rc));
    struct rtnl_qdisc *root = rtnl_qdisc_get_by_parent(cache, idx, TC_H_ROOT);
    if (!root) {
        out->is_default = true; /* none dumped: the device runs without (noqueue) */
        nl_cache_free(cache);
        return 0;
    }
    const char *kind = rtnl_tc_get_kind(TC_CAST(root));
    snprintf(out->kind, sizeof out->kind, "%s", kind ? kind : "?");
    out->handle = rtnl_tc_get_handle(TC_CAST(root));
    out->is_default = out->handle == 0;
    out->ours =
        out->handle == QDISC_UMLAB_HANDLE && (kind_is(root, "netem") || kind_is(root, "tbf"));
    if (out->ours && kind_is(root, "netem")) {
        read_netem(root, &out->p);
    } else if (out->ours) {
        int rate = rtnl_qdisc_tbf_get_rate(root); /* bytes per second */
        if (rate > 0)
            out->p.rate_bps = (uint64_t)(unsigned)rate * 8;
        struct rtnl_qdisc *child = rtnl_qdisc_get_by_parent(cache, idx, QDISC_TBF_CHILD_P);
        if (child && kind_is(child, "netem"))
            read_netem(child, &out->p);
        if (child)
            rtnl_qdisc_put(child);
    }
    rtnl_qdisc_put(root);
    nl_cache_free(cache);
    return 0;
}

/* A qdisc of KIND on interface IDX under PARENT with HANDLE, or NULL. */
static struct rtnl_qdisc *qdisc_new(int idx, uint32_t parent, uint32_t handle, const char *kind)
{
    struct rtnl_qdisc *q = rtnl_qdisc_alloc();
    if (!q)
        return NULL;
    rtnl_tc_set_ifindex(TC_CAST(q), idx);
    rtnl_tc_set_parent(TC_CAST(q), parent);
    rtnl_tc_set_handle(TC_CAST(q), handle);
    if (rtnl_tc_set_kind(TC_CAST(q), kind) < 0) {
        rtnl_qdisc_put(q);
        return NULL;
    }
    return q;
}

/* Says why adding a KIND qdisc failed with libnl error RC. */
static int add_failed(const char *ctx, const char *kind, int rc, struct err *e)
{
    /* The kernel answers ENOENT ("Specified qdisc kind is unknown"). */
    if (rc == -NLE_OBJ_NOTFOUND) {
        err_set(e, "%s: this kernel has no %s qdisc (CONFIG_NET_SCH_%s; try modprobe sch_%s)", ctx,
                kind, strcmp(kind, "netem") == 0 ? "NETEM" : "TBF", kind);
        errno = EOPNOTSUPP;
        return -1;
    }
    return err_set(e, "%s: adding %s: %s", ctx, kind, nl_geterror(rc));
}

static int add_netem(struct nlconn *c, const char *ctx, int idx, uint32_t parent, uint32_t handle,
                     const struct netem_params *p, struct err *e)
{
    struct rtnl_qdisc *q = qdisc_new(idx, parent, handle, "netem");
    if (!q)
        return err_set(e, "%s: out of memory", ctx);
    rtnl_netem_set_limit(q, NETEM_LIMIT_PKTS);
    if (p->delay_us)
        rtnl_netem_set_delay(q, (int)p->delay_us);
    if (p->jitter_us)
        rtnl_netem_set_jitter(q, (int)p->jitter_us);
    if (p->loss)
        rtnl_netem_set_loss(q, (int)p->loss); /* libnl stores it back as the u32 it is */
    if (p->duplicate)
        rtnl_netem_set_duplicate(q, (int)p->duplicate);
    int rc = rtnl_qdisc_add(c->sk, q, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_qdisc_put(q);
    return rc < 0 ? add_failed(ctx, "netem", rc, e) : 0;
}

static int add_tbf(struct nlconn *c, const char *ctx, int idx, uint64_t rate_bps, struct err *e)
{
    struct rtnl_link *link = NULL;
    unsigned mtu = 1500;
    if (rtnl_link_get_kernel(c->sk, idx, NULL, &link) == 0 && link) {
        if (rtnl_link_get_mtu(link) > 0)
            mtu = rtnl_link_get_mtu(link);
        rtnl_link_put(link);
    }
    uint64_t bytes = rate_bps / 8;
    uint32_t bucket = qdisc_tbf_bucket(rate_bps, mtu);
    struct rtnl_qdisc *q = qdisc_new(idx, TC_H_ROOT, QDISC_UMLAB_HANDLE, "tbf");
    if (!q)
        return err_set(e, "%s: out of memory", ctx);
    rtnl_qdisc_tbf_set_rate(q, (int)bytes, (int)bucket, 0);
    int rc = rtnl_qdisc_tbf_set_limit_by_latency(q, QDISC_TBF_LATENCY_MS * 1000);
    if (rc == 0)
        rc = rtnl_qdisc_add(c->sk, q, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_qdisc_put(q);
    return rc < 0 ? add_failed(ctx, "tbf", rc, e) : 0;
}

/* Deletes umlab's root qdisc (KIND) of interface IDX. */
static int delete_ours(struct nlconn *c, const char *ctx, int idx, const char *kind, struct err *e)
{
    struct rtnl_qdisc *q = qdisc_new(idx, TC_H_ROOT, QDISC_UMLAB_HANDLE, kind);
    if (!q)
        return err_set(e, "%s: out of memory", ctx);
    int rc = rtnl_qdisc_delete(c->sk, q);
    rtnl_qdisc_put(q);
    if (rc < 0 && !netcfg_nl_missing(rc))
        return err_set(e, "%s: removing umlab's %s: %s", ctx, kind, nl_geterror(rc));
    return 0;
}

/* Adds umlab's root qdisc(s) for P on interface IDX (none of umlab's there). */
static int install(struct nlconn *c, const char *ctx, int idx, const struct netem_params *p,
                   struct err *e)
{
    if (!p->rate_bps)
        return add_netem(c, ctx, idx, TC_H_ROOT, QDISC_UMLAB_HANDLE, p, e);
    if (add_tbf(c, ctx, idx, p->rate_bps, e) < 0)
        return -1;
    if (has_netem(p) && add_netem(c, ctx, idx, QDISC_TBF_CHILD_P, QDISC_UMLAB_CHILD, p, e) < 0) {
        int saved = errno;
        delete_ours(c, ctx, idx, "tbf", NULL); /* all or nothing */
        errno = saved;
        return -1;
    }
    return 0;
}

static int check_params(const char *ctx, const struct netem_params *p, struct err *e)
{
    if (netem_params_empty(p))
        return err_set(e, "%s: nothing to emulate (give a delay, jitter, loss, duplicate or rate)",
                       ctx);
    if (p->delay_us > NETEM_DELAY_MAX_US || p->jitter_us > NETEM_DELAY_MAX_US)
        return err_set(e, "%s: delay and jitter are at most %u s", ctx,
                       NETEM_DELAY_MAX_US / 1000000);
    if (p->rate_bps && (p->rate_bps < NETEM_RATE_MIN_BPS || p->rate_bps > NETEM_RATE_MAX_BPS))
        return err_set(e, "%s: rate must be 8kbit..10gbit", ctx);
    return 0;
}

int qdisc_netem_set(struct nlconn *c, const char *ifname, const struct netem_params *p,
                    struct err *e)
{
    char ctx[64];
    snprintf(ctx, sizeof ctx, "netem on %s", ifname ? ifname : "");
    if (check_params(ctx, p, e) < 0)
        return -1;
    struct qdisc_root cur;
    if (qdisc_root_get(c, ifname, &cur, e) < 0)
        return -1;
    if (!cur.is_default && !cur.ours) {
        char h[32];
        err_set(e,
                "%s: the interface has a root qdisc umlab did not set (%s %s), left alone; "
                "remove it first (tc qdisc del dev %s root)",
                ctx, cur.kind, rtnl_tc_handle2str(cur.handle, h, sizeof h), ifname);
        errno = EEXIST;
        return -1;
    }
    int idx = ifindex_of(c, ctx, ifname, e);
    if (idx < 0)
        return -1;
    /* The layout may change (netem alone, tbf, tbf over netem): start afresh,
     * and put the old one back if the new one cannot be made. */
    if (cur.ours && delete_ours(c, ctx, idx, cur.kind, e) < 0)
        return -1;
    if (install(c, ctx, idx, p, e) < 0) {
        int saved = errno;
        if (cur.ours)
            install(c, ctx, idx, &cur.p, NULL);
        errno = saved;
        return -1;
    }
    return 0;
}

int qdisc_netem_clear(struct nlconn *c, const char *ifname, bool *removed, struct err *e)
{
    if (removed)
        *removed = false;
    char ctx[64];
    snprintf(ctx, sizeof ctx, "netem on %s", ifname ? ifname : "");
    int idx = netcfg_find_ifindex(c->sk, ctx, ifname, e);
    if (idx <= 0)
        return idx; /* 0: the interface took its qdiscs with it */
    struct qdisc_root cur;
    if (qdisc_root_get(c, ifname, &cur, e) < 0)
        return -1;
    if (!cur.ours)
        return 0;
    if (delete_ours(c, ctx, idx, cur.kind, e) < 0)
        return -1;
    if (removed)
        *removed = true;
    return 0;
}
