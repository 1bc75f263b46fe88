/* why_nft.c — see why_nft.h. */
#include "core/why_nft.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

#define NFT_MAX_DEPTH 16 /* jumps followed before a verdict counts as unknown */
/* Rules looked at for one flow: nft refuses loops, but a chain jumped to from
 * many rules is walked again each time; past this the verdict is unknown. */
#define NFT_MAX_STEPS 200000

static bool family_seen(const char *family)
{
    return family && (strcmp(family, "ip") == 0 || strcmp(family, "inet") == 0);
}

static void copy(char *dst, size_t sz, const char *src)
{
    snprintf(dst, sz, "%s", src ? src : "");
}

static bool num(const struct json *j, long *out)
{
    if (!j || j->type != JSON_NUM || j->num < -1e15 || j->num > 1e15)
        return false;
    *out = (long)j->num;
    return true;
}

static int add_chain(struct why_nft *m, const struct json *c, struct err *e)
{
    if (!family_seen(json_str(json_get(c, "family"))))
        return 0;
    if (m->nchains >= NFT_MAX_CHAINS)
        return err_set(e, "nft: more than %d chains", NFT_MAX_CHAINS);
    struct nft_chain *nc = realloc(m->chains, (m->nchains + 1) * sizeof *nc);
    if (!nc)
        return err_sys(e, "nft");
    m->chains = nc;
    struct nft_chain *ch = &nc[m->nchains];
    memset(ch, 0, sizeof *ch);
    copy(ch->family, sizeof ch->family, json_str(json_get(c, "family")));
    copy(ch->table, sizeof ch->table, json_str(json_get(c, "table")));
    copy(ch->name, sizeof ch->name, json_str(json_get(c, "name")));
    const char *hook = json_str(json_get(c, "hook"));
    if (hook) {
        ch->base = true;
        copy(ch->hook, sizeof ch->hook, hook);
        copy(ch->type, sizeof ch->type, json_str(json_get(c, "type")));
        if (!num(json_get(c, "prio"), &ch->prio))
            ch->prio = 0;
        const char *pol = json_str(json_get(c, "policy"));
        ch->policy_drop = pol && strcmp(pol, "drop") == 0;
    }
    m->nchains++;
    return 0;
}

static long find_chain(const struct why_nft *m, const char *family, const char *table,
                       const char *name)
{
    for (size_t i = 0; i < m->nchains; i++)
        if (strcmp(m->chains[i].family, family) == 0 && strcmp(m->chains[i].table, table) == 0 &&
            strcmp(m->chains[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* The left side of a match: which field it tests. */
static enum nft_key match_key(const struct json *left)
{
    const struct json *meta = json_get(left, "meta");
    const struct json *pl = json_get(left, "payload");
    const struct json *ct = json_get(left, "ct");
    const char *k = json_str(json_get(meta ? meta : ct, "key"));
    if (meta && k) {
        if (strcmp(k, "iifname") == 0 || strcmp(k, "iif") == 0)
            return NFT_K_IIFNAME;
        if (strcmp(k, "oifname") == 0 || strcmp(k, "oif") == 0)
            return NFT_K_OIFNAME;
        if (strcmp(k, "l4proto") == 0)
            return NFT_K_L4PROTO;
        if (strcmp(k, "nfproto") == 0)
            return NFT_K_NFPROTO;
    }
    if (ct && k && strcmp(k, "state") == 0 && !json_get(ct, "dir"))
        return NFT_K_CTSTATE;
    if (pl) {
        const char *proto = json_str(json_get(pl, "protocol"));
        const char *field = json_str(json_get(pl, "field"));
        if (proto && field && strcmp(proto, "ip") == 0) {
            if (strcmp(field, "saddr") == 0)
                return NFT_K_SADDR;
            if (strcmp(field, "daddr") == 0)
                return NFT_K_DADDR;
            if (strcmp(field, "protocol") == 0)
                return NFT_K_L4PROTO;
        }
    }
    return NFT_K_OTHER;
}

/* One value of the right side into V; false when it is of a kind not read. */
static bool read_val(enum nft_key key, const struct json *r, struct nft_val *v)
{
    memset(v, 0, sizeof *v);
    if (key == NFT_K_SADDR || key == NFT_K_DADDR) {
        const struct json *pre = json_get(r, "prefix");
        const char *a = pre ? json_str(json_get(pre, "addr")) : json_str(r);
        long len = 32;
        if (pre && !num(json_get(pre, "len"), &len))
            return false;
        struct in_addr ia;
        if (!a || len < 0 || len > 32 || inet_pton(AF_INET, a, &ia) != 1)
            return false;
        v->addr = ia.s_addr;
        v->len = (int)len;
        return true;
    }
    const char *s = json_str(r);
    long n;
    if (!s && num(r, &n) && n >= 0 && n < 256) { /* a protocol by number */
        snprintf(v->s, sizeof v->s, "%ld", n);
        return true;
    }
    if (!s || strlen(s) >= sizeof v->s)
        return false;
    copy(v->s, sizeof v->s, s);
    return true;
}

/* {"match": {"op", "left", "right"}} into C; false when not read. */
static bool read_match(const struct json *m, struct nft_cond *c)
{
    memset(c, 0, sizeof *c);
    const char *op = json_str(json_get(m, "op"));
    c->key = match_key(json_get(m, "left"));
    if (c->key == NFT_K_OTHER || !op)
        return false;
    if (strcmp(op, "!=") == 0)
        c->neg = true;
    else if (strcmp(op, "==") != 0 && strcmp(op, "in") != 0)
        return false;
    const struct json *r = json_get(m, "right");
    const struct json *set = json_get(r, "set");
    const struct json *list = set ? set : r && r->type == JSON_ARR ? r : NULL;
    if (!list)
        return (c->n = 1, read_val(c->key, r, &c->v[0]));
    if (list->type != JSON_ARR || list->n == 0 || list->n > NFT_MAX_VALS)
        return false;
    for (size_t i = 0; i < list->n; i++)
        if (!read_val(c->key, list->kids[i], &c->v[i]))
            return false;
    c->n = list->n;
    return true;
}

/* Statements that neither stop a packet nor decide anything. */
static bool harmless(const char *k)
{
    static const char *const ok[] = {"counter", "log", "notrack", "comment", NULL};
    for (size_t i = 0; ok[i]; i++)
        if (strcmp(k, ok[i]) == 0)
            return true;
    return false;
}

static void read_expr(const struct json *x, struct nft_rule *r)
{
    const char *k = json_only_key(x);
    const struct json *v = k ? json_get(x, k) : NULL;
    if (!k) {
        r->unread = true;
    } else if (strcmp(k, "match") == 0) {
        if (r->ncond >= NFT_MAX_CONDS || !read_match(v, &r->cond[r->ncond]))
            r->unread = true;
        else
            r->ncond++;
    } else if (strcmp(k, "accept") == 0) {
        r->verdict = NFT_ACCEPT;
    } else if (strcmp(k, "drop") == 0 || strcmp(k, "reject") == 0) {
        r->verdict = NFT_DROP;
    } else if (strcmp(k, "return") == 0) {
        r->verdict = NFT_RETURN;
    } else if (strcmp(k, "jump") == 0 || strcmp(k, "goto") == 0) {
        const char *t = json_str(json_get(v, "target"));
        if (!t || strlen(t) >= sizeof r->target) {
            r->unread = true;
            return;
        }
        r->verdict = k[0] == 'j' ? NFT_JUMP : NFT_GOTO;
        copy(r->target, sizeof r->target, t);
    } else if (strcmp(k, "masquerade") == 0 || strcmp(k, "snat") == 0) {
        r->masq = true;
    } else if (!harmless(k)) {
        r->unread = true; /* limit, quota, a set lookup, queue, ...: may stop it */
    }
}

static int add_rule(struct why_nft *m, const struct json *rj, struct err *e)
{
    const char *fam = json_str(json_get(rj, "family"));
    if (!family_seen(fam))
        return 0;
    const char *table = json_str(json_get(rj, "table"));
    const char *chain = json_str(json_get(rj, "chain"));
    long ci = table && chain ? find_chain(m, fam, table, chain) : -1;
    if (ci < 0)
        return 0; /* a rule of a chain not listed: nothing reaches it */
    if (m->nrules >= NFT_MAX_RULES)
        return err_set(e, "nft: more than %d rules", NFT_MAX_RULES);
    struct nft_rule *nr = realloc(m->rules, (m->nrules + 1) * sizeof *nr);
    if (!nr)
        return err_sys(e, "nft");
    m->rules = nr;
    struct nft_rule *r = &nr[m->nrules];
    memset(r, 0, sizeof *r);
    r->chain = (size_t)ci;
    if (!num(json_get(rj, "handle"), &r->handle))
        r->handle = 0;
    const struct json *expr = json_get(rj, "expr");
    if (!expr || expr->type != JSON_ARR)
        r->unread = true;
    else
        for (size_t i = 0; i < expr->n; i++)
            read_expr(expr->kids[i], r);
    m->nrules++;
    return 0;
}

/* Puts each chain's rules together, in their order (a counting sort), so a
 * walk looks only at its chain's rules. */
static int group_rules(struct why_nft *m, struct err *e)
{
    if (m->nrules == 0)
        return 0;
    struct nft_rule *sorted = malloc(m->nrules * sizeof *sorted);
    if (!sorted)
        return err_sys(e, "nft");
    size_t at = 0;
    for (size_t c = 0; c < m->nchains; c++) {
        m->chains[c].first = at;
        for (size_t i = 0; i < m->nrules; i++)
            if (m->rules[i].chain == c)
                sorted[at++] = m->rules[i];
        m->chains[c].nrules = at - m->chains[c].first;
    }
    free(m->rules);
    m->rules = sorted;
    return 0;
}

int why_nft_parse(const char *text, size_t len, struct why_nft *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct json *root;
    if (json_parse(text, len, &root, e) < 0)
        return -1;
    const struct json *list = json_get(root, "nftables");
    int rc = 0;
    if (!list || list->type != JSON_ARR)
        rc = err_set(e, "nft: no \"nftables\" list in its JSON");
    /* Chains first: a rule names its chain, and nft lists chains before rules
     * per table, but read every chain before any rule all the same. */
    for (size_t pass = 0; pass < 2 && rc == 0; pass++)
        for (size_t i = 0; list && i < list->n && rc == 0; i++) {
            const struct json *c = json_get(list->kids[i], pass == 0 ? "chain" : "rule");
            if (c)
                rc = pass == 0 ? add_chain(out, c, e) : add_rule(out, c, e);
        }
    json_free(root);
    if (rc == 0)
        rc = group_rules(out, e);
    if (rc < 0)
        why_nft_free(out);
    return rc;
}

void why_nft_free(struct why_nft *m)
{
    free(m->chains);
    free(m->rules);
    memset(m, 0, sizeof *m);
}

enum tri { NO, YES, MAYBE };

static bool name_is(const char *pattern, const char *name)
{
    size_t n = strlen(pattern);
    if (n && pattern[n - 1] == '*')
        return strncmp(pattern, name, n - 1) == 0;
    return strcmp(pattern, name) == 0;
}

static bool prefix_has(const struct nft_val *v, struct in_addr a)
{
    uint32_t mask = v->len ? htonl(0xffffffffU << (32 - v->len)) : 0;
    return (a.s_addr & mask) == (v->addr & mask);
}

static bool val_matches(const struct nft_cond *c, const struct nft_val *v, const struct why_flow *f)
{
    switch (c->key) {
    case NFT_K_IIFNAME:
        return name_is(v->s, f->iif ? f->iif : "");
    case NFT_K_OIFNAME:
        return name_is(v->s, f->oif ? f->oif : "");
    case NFT_K_SADDR:
        return prefix_has(v, f->src);
    case NFT_K_DADDR:
        return prefix_has(v, f->dst);
    case NFT_K_CTSTATE:
        return strcmp(v->s, f->reply ? "established" : "new") == 0;
    case NFT_K_L4PROTO:
        return strcmp(v->s, "icmp") == 0 || strcmp(v->s, "1") == 0;
    case NFT_K_NFPROTO:
        return strcmp(v->s, "ipv4") == 0;
    case NFT_K_OTHER:
        break;
    }
    return false;
}

static enum tri rule_matches(const struct nft_rule *r, const struct why_flow *f)
{
    for (size_t i = 0; i < r->ncond; i++) {
        const struct nft_cond *c = &r->cond[i];
        bool any = false;
        for (size_t k = 0; k < c->n && !any; k++)
            any = val_matches(c, &c->v[k], f);
        if (any == c->neg)
            return NO;
    }
    return r->unread ? MAYBE : YES;
}

static void set_where(struct why_nft_result *res, const struct nft_chain *ch, const char *how)
{
    copy(res->family, sizeof res->family, ch->family);
    copy(res->table, sizeof res->table, ch->table);
    copy(res->chain, sizeof res->chain, ch->name);
    copy(res->how, sizeof res->how, how);
}

/* What chain CI does with F: accept, drop, unknown, or -1 for "falls through"
 * (end of a regular chain, return). */
static int eval_chain(const struct why_nft *m, size_t ci, const struct why_flow *f, int depth,
                      long *steps, struct why_nft_result *res)
{
    const struct nft_chain *ch = &m->chains[ci];
    char how[96];
    if (depth > NFT_MAX_DEPTH || *steps > NFT_MAX_STEPS) {
        set_where(res, ch, "jumps nested too deep or too many to follow");
        return WHY_V_UNKNOWN;
    }
    bool maybe_accept = false, maybe_drop = false;
    struct why_nft_result maybe_at = {0};
    int idx = 0;
    if (++*steps > NFT_MAX_STEPS) {
        set_where(res, ch, "jumps nested too deep or too many to follow");
        return WHY_V_UNKNOWN;
    }
    for (size_t i = ch->first; i < ch->first + ch->nrules; i++) {
        const struct nft_rule *r = &m->rules[i];
        idx++;
        if (++*steps > NFT_MAX_STEPS) {
            set_where(res, ch, "jumps nested too deep or too many to follow");
            return WHY_V_UNKNOWN;
        }
        enum tri t = r->verdict == NFT_CONTINUE ? NO : rule_matches(r, f);
        if (t == NO)
            continue;
        int v;
        if (r->verdict == NFT_JUMP || r->verdict == NFT_GOTO) {
            long ti = find_chain(m, ch->family, ch->table, r->target);
            if (ti < 0) {
                continue; /* nft refuses such a rule; nothing to follow */
            }
            v = eval_chain(m, (size_t)ti, f, depth + 1, steps, res);
            if (v < 0 && r->verdict == NFT_GOTO)
                v = -2; /* a goto's end returns from this chain too */
        } else {
            v = r->verdict == NFT_ACCEPT ? WHY_V_ACCEPT : r->verdict == NFT_DROP ? WHY_V_DROP : -2;
            snprintf(how, sizeof how, "rule %d (handle %ld, %s)", idx, r->handle,
                     v == WHY_V_ACCEPT ? "accept"
                     : v == WHY_V_DROP ? "drop"
                                       : "return");
            if (v >= 0)
                set_where(res, ch, how);
        }
        if (t == MAYBE) {
            if (v != WHY_V_DROP)
                maybe_accept = true;
            if (v != WHY_V_ACCEPT)
                maybe_drop = true;
            if (!maybe_at.how[0]) {
                snprintf(how, sizeof how, "rule %d (handle %ld) tests what umlab does not read",
                         idx, r->handle);
                set_where(&maybe_at, ch, how);
            }
            continue;
        }
        if (v == -2)
            return -1;
        if (v == -1)
            continue;
        if ((v == WHY_V_ACCEPT && maybe_drop) || (v == WHY_V_DROP && maybe_accept) ||
            v == WHY_V_UNKNOWN) {
            if (v != WHY_V_UNKNOWN)
                *res = maybe_at;
            return WHY_V_UNKNOWN;
        }
        return v;
    }
    if (!ch->base)
        return -1;
    int v = ch->policy_drop ? WHY_V_DROP : WHY_V_ACCEPT;
    if ((v == WHY_V_ACCEPT && maybe_drop) || (v == WHY_V_DROP && maybe_accept)) {
        *res = maybe_at;
        return WHY_V_UNKNOWN;
    }
    set_where(res, ch, ch->policy_drop ? "policy drop" : "policy accept");
    return v;
}

/* Base chains at HOOK of TYPE in priority order: each in turn. */
static size_t base_chains(const struct why_nft *m, const char *hook, const char *type,
                          size_t *order, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nchains && n < max; i++) {
        const struct nft_chain *c = &m->chains[i];
        if (!c->base || strcmp(c->hook, hook) != 0 || strcmp(c->type, type) != 0)
            continue;
        size_t k = n++;
        while (k > 0 && m->chains[order[k - 1]].prio > c->prio) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    return n;
}

void why_nft_forward(const struct why_nft *m, const struct why_flow *f, struct why_nft_result *r)
{
    memset(r, 0, sizeof *r);
    r->verdict = WHY_V_ACCEPT;
    size_t order[NFT_MAX_CHAINS];
    size_t n = base_chains(m, "forward", "filter", order, NFT_MAX_CHAINS);
    struct why_nft_result unknown = {0};
    bool any_unknown = false;
    for (size_t i = 0; i < n; i++) {
        struct why_nft_result one = {0};
        long steps = 0;
        int v = eval_chain(m, order[i], f, 0, &steps, &one);
        if (v == WHY_V_DROP) {
            *r = one;
            r->verdict = WHY_V_DROP;
            return;
        }
        if (v == WHY_V_UNKNOWN && !any_unknown) {
            unknown = one;
            any_unknown = true;
        }
    }
    if (any_unknown) {
        *r = unknown;
        r->verdict = WHY_V_UNKNOWN;
    }
}

void why_nft_masq(const struct why_nft *m, const struct why_flow *f, struct why_nft_result *r)
{
    memset(r, 0, sizeof *r);
    r->verdict = WHY_V_DROP;
    size_t order[NFT_MAX_CHAINS];
    size_t n = base_chains(m, "postrouting", "nat", order, NFT_MAX_CHAINS);
    for (size_t i = 0; i < n; i++) {
        int idx = 0;
        const struct nft_chain *ch = &m->chains[order[i]];
        for (size_t k = ch->first; k < ch->first + ch->nrules; k++) {
            const struct nft_rule *rule = &m->rules[k];
            idx++;
            if (!rule->masq)
                continue;
            enum tri t = rule_matches(rule, f);
            if (t == NO)
                continue;
            char how[96];
            snprintf(how, sizeof how, "rule %d (handle %ld, masquerade)", idx, rule->handle);
            set_where(r, &m->chains[order[i]], how);
            r->verdict = t == YES ? WHY_V_ACCEPT : WHY_V_UNKNOWN;
            if (t == YES)
                return;
        }
    }
}
