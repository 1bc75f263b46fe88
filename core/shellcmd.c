/* shellcmd.c — see shellcmd.h. */
#include "core/shellcmd.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/netem_args.h"
#include "netcfg/qdisc.h"
#include "netcfg/rules.h"

static bool safe_char(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           strchr("_@%+=:,./-", ch) != NULL;
}

static int quote_plain(struct strbuf *b, const char *s, struct err *e)
{
    bool bare = *s != '\0';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return err_set(e, "'%.40s...' holds a control character: not written as a shell word",
                           s);
        bare = bare && safe_char(*p);
    }
    if (bare) {
        sb_append(b, s, strlen(s));
        return 0;
    }
    sb_append(b, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            sb_append(b, "'\\''", 4);
        else
            sb_append(b, p, 1);
    }
    sb_append(b, "'", 1);
    return 0;
}

/* The substitution whose literal starts at S[I] as a whole name: after the
 * start of the word, '=' or ',' and before its end, '/' or ','. */
static const struct shell_subst *subst_at(const char *s, size_t i, const struct shell_ctx *c)
{
    if (!c || (i > 0 && s[i - 1] != '=' && s[i - 1] != ','))
        return NULL;
    for (size_t k = 0; k < c->nsubst; k++) {
        const char *lit = c->subst[k].literal;
        size_t n = lit ? strlen(lit) : 0;
        if (n && strncmp(s + i, lit, n) == 0 &&
            (s[i + n] == '\0' || s[i + n] == '/' || s[i + n] == ','))
            return &c->subst[k];
    }
    return NULL;
}

int shell_quote(struct strbuf *b, const char *s, const struct shell_ctx *c, struct err *e)
{
    if (!c || !c->nsubst)
        return quote_plain(b, s, e);
    size_t start = 0, i = 0, len = strlen(s);
    bool any = false;
    struct strbuf part = {0};
    int rc = 0;
    for (; i <= len && rc == 0; i++) {
        const struct shell_subst *sub = i < len ? subst_at(s, i, c) : NULL;
        if (!sub && i < len)
            continue;
        if (i > start) { /* the literal text before it */
            part.len = 0;
            sb_append(&part, s + start, i - start);
            rc = quote_plain(b, sb_str(&part), e);
        }
        if (sub && rc == 0) {
            sb_printf(b, "\"$%s\"", sub->var);
            i += strlen(sub->literal) - 1;
            start = i + 1;
            any = true;
        }
    }
    sb_free(&part);
    if (rc == 0 && !any && len == 0)
        rc = quote_plain(b, s, e);
    return rc;
}

/* One command being written: words appended with a space between. */
struct cmdw {
    struct strbuf *out;
    const struct shell_ctx *c;
    struct err *e;
    int rc;
    int lines;
    bool mid; /* a word is on the current line */
};

static void lit(struct cmdw *w, const char *s)
{
    if (w->mid)
        sb_append(w->out, " ", 1);
    sb_append(w->out, s, strlen(s));
    w->mid = true;
}

static void val(struct cmdw *w, const char *s)
{
    if (w->mid)
        sb_append(w->out, " ", 1);
    if (w->rc == 0 && shell_quote(w->out, s, w->c, w->e) < 0)
        w->rc = -1;
    w->mid = true;
}

static void endl(struct cmdw *w)
{
    sb_append(w->out, "\n", 1);
    w->mid = false;
    w->lines++;
}

/* "ip" or "ip -n NS" for a record made in namespace NS. */
static void ip(struct cmdw *w, const char *ns)
{
    lit(w, "ip");
    if (ns && *ns) {
        lit(w, "-n");
        val(w, ns);
    }
}

/* "tc" or "tc -n NS". */
static void tc(struct cmdw *w, const char *ns)
{
    lit(w, "tc");
    if (ns && *ns) {
        lit(w, "-n");
        val(w, ns);
    }
}

/* "ip netns exec NS" before a command that is not ip's. */
static void in_ns(struct cmdw *w, const char *ns)
{
    if (ns && *ns) {
        lit(w, "ip netns exec");
        val(w, ns);
    }
}

/* An interface name the kernel takes and sh and ip read back as a name. */
static int ifname_check(const char *n, struct err *e)
{
    size_t len = strlen(n);
    if (len == 0 || len > 15 || n[0] == '-' || strchr(n, '/'))
        return err_set(e, "bad interface name '%s'", n);
    for (const unsigned char *p = (const unsigned char *)n; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == ':')
            return err_set(e, "bad interface name '%s'", n);
    return 0;
}

/* A.B.C.D or A.B.C.D/LEN, as iproute2 takes it. */
static int cidr_check(const char *s, struct err *e)
{
    char a[INET_ADDRSTRLEN];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    struct in_addr in;
    if (n >= sizeof a)
        return err_set(e, "bad address '%s'", s);
    memcpy(a, s, n);
    a[n] = '\0';
    if (inet_pton(AF_INET, a, &in) != 1)
        return err_set(e, "bad address '%s'", s);
    if (slash) {
        const char *p = slash + 1;
        int len = 0;
        if (!*p || strlen(p) > 2)
            return err_set(e, "bad address '%s'", s);
        for (; *p; p++) {
            if (*p < '0' || *p > '9')
                return err_set(e, "bad address '%s'", s);
            len = len * 10 + (*p - '0');
        }
        if (len > 32)
            return err_set(e, "bad address '%s'", s);
    }
    return 0;
}

static int name_check(const char *s, const char *what, struct err *e)
{
    if (!*s || s[0] == '-')
        return err_set(e, "bad %s '%s'", what, s);
    return 0;
}

/* The value umlab writes to sysctl KEY, or NULL for one the kernel sets
 * itself (ip_forward's side effects, journaled to be restored). */
static const char *sysctl_new_value(const char *key)
{
    static const struct {
        const char *leaf, *val;
    } set[] = {{"/proxy_arp", "1"}, {"/proxy_delay", "0"}};
    if (strcmp(key, "net/ipv4/ip_forward") == 0)
        return "1";
    size_t kl = strlen(key);
    for (size_t i = 0; i < sizeof set / sizeof *set; i++) {
        size_t ll = strlen(set[i].leaf);
        if (kl > ll && strcmp(key + kl - ll, set[i].leaf) == 0)
            return set[i].val;
    }
    return NULL;
}

/* sysctl's dotted name when no component holds a dot (an interface "eth0.5"
 * keeps the slashed form, which sysctl also reads). */
static int sysctl_name(const char *key, char *out, size_t outsz, struct err *e)
{
    if (!*key || key[0] == '-' || key[0] == '/' || strstr(key, "..") || strlen(key) >= outsz)
        return err_set(e, "bad sysctl '%s'", key);
    bool dots = strchr(key, '.') != NULL;
    for (size_t i = 0;; i++) {
        out[i] = (!dots && key[i] == '/') ? '.' : key[i];
        if (!key[i])
            break;
    }
    return 0;
}

static int sysctl_check_value(const char *v, struct err *e)
{
    if (!*v || strlen(v) > 20)
        return err_set(e, "bad sysctl value '%s'", v);
    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9')
            return err_set(e, "bad sysctl value '%s'", v);
    return 0;
}

static void sysctl_cmd(struct cmdw *w, const char *ns, const char *name, const char *v)
{
    char kv[160];
    snprintf(kv, sizeof kv, "%s=%s", name, v);
    in_ns(w, ns);
    lit(w, "sysctl -w");
    val(w, kv);
    endl(w);
}

/* The rules behind a rule record, in the order umlab inserts them (each at
 * the head of its chain). */
static int rule_specs(const struct jrecord *r, const struct shell_ctx *c, struct rule_spec *specs,
                      struct err *e)
{
    const char *table = r->args[0], *chain = r->args[1], *comment = r->args[2];
    char tag[64];
    int tl = snprintf(tag, sizeof tag, "umlab:%s:", c->lab ? c->lab : "");
    if (tl < 0 || (size_t)tl >= sizeof tag || strncmp(comment, tag, (size_t)tl) != 0)
        return err_set(e, "rule '%s' is not this lab's", comment);
    const char *what = comment + tl;
    if (strcmp(table, "nat") == 0 && strcmp(chain, "POSTROUTING") == 0 &&
        strcmp(what, "masq") == 0) {
        if (!c->uplink || ifname_check(c->uplink, e) < 0)
            return err_set(e, "MASQUERADE rule: no uplink known");
        if (rule_spec_lab(RULE_LAB_MASQ, c->uplink, c->net, c->mask, comment, &specs[0]) < 0)
            return err_set(e, "MASQUERADE rule: bad subnet or uplink");
        return 1;
    }
    if (strcmp(table, "filter") == 0 && strcmp(chain, "FORWARD") == 0) {
        if (ifname_check(what, e) < 0)
            return -1;
        if (rule_spec_lab(RULE_LAB_FWD_OUT, what, c->net, c->mask, comment, &specs[0]) < 0 ||
            rule_spec_lab(RULE_LAB_FWD_IN, what, c->net, c->mask, comment, &specs[1]) < 0)
            return err_set(e, "FORWARD rules for %s: bad subnet", what);
        return 2;
    }
    return err_set(e, "rule %s/%s '%s' is not one umlab makes", table, chain, comment);
}

static void rule_cmd(struct cmdw *w, const char *ns, const char *table, const char *op,
                     const char *chain, const struct rule_spec *s)
{
    char cidr[RULE_CIDRSZ];
    in_ns(w, ns);
    lit(w, "iptables-legacy -t");
    val(w, table);
    lit(w, op);
    val(w, chain);
    if (s->smsk) {
        rule_cidr_str(s->src, s->smsk, cidr, sizeof cidr);
        lit(w, "-s");
        val(w, cidr);
    }
    if (s->dmsk) {
        rule_cidr_str(s->dst, s->dmsk, cidr, sizeof cidr);
        lit(w, "-d");
        val(w, cidr);
    }
    if (s->in_if[0]) {
        lit(w, "-i");
        val(w, s->in_if);
    }
    if (s->out_if[0]) {
        lit(w, "-o");
        val(w, s->out_if);
    }
    if (s->comment[0]) {
        lit(w, "-m comment --comment");
        val(w, s->comment);
    }
    lit(w, "-j");
    lit(w, s->target == RULE_TARGET_MASQUERADE ? "MASQUERADE"
           : s->target == RULE_TARGET_DROP     ? "DROP"
                                               : "ACCEPT");
    endl(w);
}

static const struct shell_veth *find_veth(const struct shell_ctx *c, const char *ifname)
{
    for (size_t i = 0; c && i < c->nveth; i++)
        if (c->veth[i].ifname && strcmp(c->veth[i].ifname, ifname) == 0)
            return &c->veth[i];
    return NULL;
}

static int check_record(const struct jrecord *r, const struct shell_ctx *c, struct err *e)
{
    static const int need[J_KIND_COUNT] = {
        [J_NETNS] = 1,  [J_ENTER] = 1, [J_TAP] = 1,    [J_VETH] = 1,
        [J_ADDR] = 2,   [J_ROUTE] = 2, [J_SYSCTL] = 2, [J_RULE] = 3,
        [J_PROC] = 2,   [J_FILE] = 1,  [J_DIR] = 1,    [J_BRIDGE] = 1,
        [J_BRPORT] = 2, [J_VXLAN] = 2, [J_NETEM] = 2,  [J_LINKDOWN] = 1,
    };
    if (r->invalid || r->kind < 0 || r->kind >= J_KIND_COUNT)
        return err_set(e, "unreadable record");
    if (r->nargs < need[r->kind] || r->nargs > JOURNAL_MAX_ARGS)
        return err_set(e, "%s record: wrong number of fields", journal_kind_name(r->kind));
    if (r->netns[0] && name_check(r->netns, "namespace", e) < 0)
        return -1;
    const char *a0 = r->args[0], *a1 = r->args[1];
    switch (r->kind) {
    case J_NETNS:
    case J_ENTER:
        return name_check(a0, "namespace", e);
    case J_TAP:
    case J_BRIDGE:
    case J_LINKDOWN:
        return ifname_check(a0, e);
    case J_NETEM: {
        struct netem_params p;
        return ifname_check(a0, e) < 0 ? -1 : netem_args_from_word(a1, &p, e);
    }
    case J_VETH: {
        if (ifname_check(a0, e) < 0)
            return -1;
        const struct shell_veth *v = find_veth(c, a0);
        if (v && (ifname_check(v->peer, e) < 0 || name_check(v->peer_netns, "namespace", e) < 0 ||
                  (v->cidr && cidr_check(v->cidr, e) < 0) ||
                  (v->peer_cidr && cidr_check(v->peer_cidr, e) < 0)))
            return -1;
        return 0;
    }
    case J_BRPORT:
        return ifname_check(a0, e) < 0 ? -1 : ifname_check(a1, e);
    case J_VXLAN:
        if (ifname_check(a0, e) < 0)
            return -1;
        return sysctl_check_value(a1, e) < 0 ? err_set(e, "bad VNI '%s'", a1) : 0;
    case J_ADDR:
        return ifname_check(a0, e) < 0 ? -1 : cidr_check(a1, e);
    case J_ROUTE:
        if (cidr_check(a0, e) < 0 || ifname_check(a1, e) < 0)
            return -1;
        return r->nargs > 2 ? cidr_check(r->args[2], e) : 0;
    case J_SYSCTL:
        return sysctl_check_value(a1, e);
    case J_PROC:
        return sysctl_check_value(a0, e) < 0 ? err_set(e, "bad process id '%s'", a0) : 0;
    case J_FILE:
    case J_DIR:
        return a0[0] == '/' ? 0 : err_set(e, "path '%s' is not absolute", a0);
    case J_RULE:
    case J_KIND_COUNT:
        break;
    }
    return 0;
}

/* Appends each blank-separated word of TEXT. */
static void words(struct cmdw *w, const char *text)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        val(w, t);
}

/* umlab's root qdisc on IFNAME doing SETTINGS (checked): tbf for a rate (its
 * burst as for a 1500-byte MTU), netem (under the tbf when both); undone by
 * deleting the root qdisc by its handle, which deletes only umlab's. */
static void netem_cmds(struct cmdw *w, const char *ns, const char *ifname, const char *settings,
                       bool undo)
{
    char h[16], ch[16], parent[24], what[160];
    snprintf(h, sizeof h, "%x:", QDISC_UMLAB_HANDLE >> 16);
    snprintf(ch, sizeof ch, "%x:", QDISC_UMLAB_CHILD >> 16);
    snprintf(parent, sizeof parent, "%x:1", QDISC_UMLAB_HANDLE >> 16);
    tc(w, ns);
    lit(w, undo ? "qdisc del dev" : "qdisc replace dev");
    val(w, ifname);
    lit(w, "root handle");
    lit(w, h);
    if (undo) {
        endl(w);
        return;
    }
    struct netem_params p, np;
    netem_args_from_word(settings, &p, NULL); /* checked by check_record */
    np = p;
    np.rate_bps = 0;
    if (p.rate_bps) {
        char num[24];
        struct netem_params rate = {.rate_bps = p.rate_bps};
        netem_args_format(&rate, what, sizeof what); /* "rate 512kbit" */
        lit(w, "tbf");
        words(w, what);
        snprintf(num, sizeof num, "%u", (unsigned)qdisc_tbf_bucket(p.rate_bps, 1500));
        lit(w, "burst");
        lit(w, num);
        snprintf(num, sizeof num, "%dms", QDISC_TBF_LATENCY_MS);
        lit(w, "latency");
        lit(w, num);
        endl(w);
        if (netem_params_empty(&np))
            return;
        tc(w, ns);
        lit(w, "qdisc replace dev");
        val(w, ifname);
        lit(w, "parent");
        lit(w, parent);
        lit(w, "handle");
        lit(w, ch);
    }
    netem_args_format(&np, what, sizeof what);
    lit(w, "netem");
    words(w, what);
    endl(w);
}

static int map(const struct jrecord *r, const struct shell_ctx *c, bool undo, struct strbuf *out,
               struct err *e)
{
    if (check_record(r, c, e) < 0)
        return -1;
    struct strbuf b = {0};
    struct cmdw w = {.out = &b, .c = c, .e = e};
    const char *ns = r->netns, *a0 = r->args[0], *a1 = r->args[1];
    switch (r->kind) {
    case J_NETNS: /* named namespaces are global: no -n */
        lit(&w, undo ? "ip netns del" : "ip netns add");
        val(&w, a0);
        endl(&w);
        break;
    case J_ENTER:
        break;
    case J_TAP:
    case J_BRIDGE:
    case J_VETH:
    case J_VXLAN:
        if (undo) {
            ip(&w, ns);
            lit(&w, "link del");
            val(&w, a0);
            endl(&w);
            break;
        }
        if (r->kind == J_TAP) {
            ip(&w, ns);
            lit(&w, "tuntap add dev");
            val(&w, a0);
            lit(&w, "mode tap");
            endl(&w);
        } else if (r->kind == J_VXLAN) {
            /* the record holds name and VNI; remotes (bridge fdb append) and
             * the underlay are the vxlan command's, not journaled */
            ip(&w, ns);
            lit(&w, "link add");
            val(&w, a0);
            lit(&w, "type vxlan id");
            val(&w, a1);
            lit(&w, "dstport 4789");
            endl(&w);
        } else if (r->kind == J_BRIDGE) {
            ip(&w, ns);
            lit(&w, "link add");
            val(&w, a0);
            lit(&w, "type bridge");
            endl(&w);
        } else {
            const struct shell_veth *v = find_veth(c, a0);
            if (!v) {
                sb_free(&b);
                return err_set(e, "veth %s: its peer is not known", a0);
            }
            ip(&w, ns);
            lit(&w, "link add");
            val(&w, a0);
            lit(&w, "type veth peer name");
            val(&w, v->peer);
            lit(&w, "netns");
            val(&w, v->peer_netns);
            endl(&w);
            if (v->cidr) {
                ip(&w, ns);
                lit(&w, "addr add");
                val(&w, v->cidr);
                lit(&w, "dev");
                val(&w, a0);
                endl(&w);
            }
            if (v->peer_cidr) {
                ip(&w, v->peer_netns);
                lit(&w, "addr add");
                val(&w, v->peer_cidr);
                lit(&w, "dev");
                val(&w, v->peer);
                endl(&w);
            }
            ip(&w, v->peer_netns);
            lit(&w, "link set");
            val(&w, v->peer);
            lit(&w, "up");
            endl(&w);
        }
        ip(&w, ns);
        lit(&w, "link set");
        val(&w, a0);
        lit(&w, "up");
        endl(&w);
        break;
    case J_ADDR:
        ip(&w, ns);
        lit(&w, undo ? "addr del" : "addr add");
        val(&w, a1);
        lit(&w, "dev");
        val(&w, a0);
        endl(&w);
        break;
    case J_ROUTE:
        ip(&w, ns);
        lit(&w, undo ? "route del" : "route add");
        val(&w, a0);
        lit(&w, "dev");
        val(&w, a1);
        if (r->nargs > 2) {
            lit(&w, "via");
            val(&w, r->args[2]);
        }
        endl(&w);
        break;
    case J_SYSCTL: {
        char name[128];
        const char *nv = sysctl_new_value(a0);
        if (sysctl_name(a0, name, sizeof name, e) < 0) {
            sb_free(&b);
            return -1;
        }
        if (undo)
            sysctl_cmd(&w, ns, name, a1);
        else if (nv) /* the others change with ip_forward */
            sysctl_cmd(&w, ns, name, nv);
        break;
    }
    case J_RULE: {
        struct rule_spec specs[2];
        int n = rule_specs(r, c, specs, e);
        if (n < 0) {
            sb_free(&b);
            return -1;
        }
        for (int i = 0; i < n; i++)
            rule_cmd(&w, ns, a0, undo ? "-D" : "-I", a1, &specs[i]);
        break;
    }
    case J_PROC: /* started by its own line (shellcmd_argv); its group goes on undo */
        if (undo) {
            char grp[24];
            snprintf(grp, sizeof grp, "-%s", a0);
            lit(&w, "kill -s KILL --");
            val(&w, grp);
            endl(&w);
        }
        break;
    case J_FILE: /* made by the program that writes it (linux.uml's COW) */
        if (undo) {
            lit(&w, "rm -f --");
            val(&w, a0);
            endl(&w);
        }
        break;
    case J_DIR:
        lit(&w, undo ? "rm -rf --" : "mkdir -p --");
        val(&w, a0);
        endl(&w);
        break;
    case J_LINKDOWN:
        ip(&w, ns);
        lit(&w, "link set");
        val(&w, a0);
        lit(&w, undo ? "up" : "down");
        endl(&w);
        break;
    case J_NETEM:
        netem_cmds(&w, ns, a0, a1, undo);
        break;
    case J_BRPORT:
        ip(&w, ns);
        lit(&w, "link set");
        val(&w, a0);
        if (undo) {
            lit(&w, "nomaster");
        } else {
            lit(&w, "master");
            val(&w, a1);
        }
        endl(&w);
        break;
    case J_KIND_COUNT:
        break;
    }
    if (w.rc < 0 || b.oom) {
        if (b.oom)
            err_set(e, "shell command: out of memory");
        sb_free(&b);
        return -1;
    }
    sb_append(out, sb_str(&b), b.len);
    sb_free(&b);
    return w.lines;
}

int shellcmd_make(const struct jrecord *rec, const struct shell_ctx *c, struct strbuf *out,
                  struct err *e)
{
    return map(rec, c, false, out, e);
}

int shellcmd_undo(const struct jrecord *rec, const struct shell_ctx *c, struct strbuf *out,
                  struct err *e)
{
    return map(rec, c, true, out, e);
}

int shellcmd_argv(const char *netns, char *const *env, int cpu, char *const *argv,
                  const struct shell_ctx *c, struct strbuf *out, struct err *e)
{
    struct strbuf b = {0};
    struct cmdw w = {.out = &b, .c = c, .e = e};
    if (netns && *netns && name_check(netns, "namespace", e) < 0)
        return -1;
    in_ns(&w, netns);
    if (env && env[0]) {
        lit(&w, "env");
        for (size_t i = 0; env[i]; i++) {
            const char *eq = strchr(env[i], '=');
            size_t n = eq ? (size_t)(eq - env[i]) : 0;
            bool ok = n > 0;
            for (size_t k = 0; k < n && ok; k++)
                ok = env[i][k] == '_' || (env[i][k] >= 'A' && env[i][k] <= 'Z') ||
                     (env[i][k] >= 'a' && env[i][k] <= 'z') ||
                     (k > 0 && env[i][k] >= '0' && env[i][k] <= '9');
            if (!ok) {
                sb_free(&b);
                return err_set(e, "bad environment entry '%s'", env[i]);
            }
            sb_append(&b, " ", 1);
            sb_append(&b, env[i], n + 1);
            if (w.rc == 0 && shell_quote(&b, eq + 1, c, e) < 0)
                w.rc = -1;
            w.mid = true;
        }
    }
    if (cpu >= 0) {
        char cs[16];
        snprintf(cs, sizeof cs, "%d", cpu);
        lit(&w, "taskset -c");
        lit(&w, cs);
    }
    for (size_t i = 0; argv && argv[i]; i++)
        val(&w, argv[i]);
    if (w.rc < 0 || b.oom || !argv || !argv[0]) {
        if (w.rc == 0)
            err_set(e, b.oom ? "shell command: out of memory" : "empty command line");
        sb_free(&b);
        return -1;
    }
    sb_append(out, sb_str(&b), b.len);
    sb_free(&b);
    return 0;
}

void shellcmd_typed(const char *name, const char *text, struct strbuf *out)
{
    sb_printf(out, "%s# ", name);
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == '\n'))
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch < 0x20 || ch == 0x7f) {
            char caret[2] = {'^', ch == 0x7f ? '?' : (char)(ch + '@')};
            sb_append(out, caret, 2);
        } else {
            sb_append(out, (const char *)&text[i], 1);
        }
    }
}
