/* why_facts.c — see why_facts.h. */
#include "core/why_facts.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"
#include "core/console.h"
#include "core/guest_exec.h"
#include "core/ping_parse.h"
#include "core/why_guest.h"
#include "netcfg/bridge.h"
#include "netcfg/iptc.h"
#include "netcfg/link.h"
#include "netcfg/sysctl.h"

#define GUEST_READY_MS 20000
#define GUEST_CMD_MS   15000
#define GUEST_BUSY_MS  3000
#define PROBE_MS       10000
#define NFT_TIMEOUT_MS 5000
#define NFT_OUTPUT_MAX JSON_MAX_INPUT

extern char **environ;

/* ---- the guests ---- */

struct until_end {
    struct guest *g;
    uint64_t start;
};

/* The end marker printed, and the prompt back after it. */
static bool printed_end(void *ctx)
{
    struct until_end *u = ctx;
    if (u->g->state == GUEST_EXITED)
        return true;
    if (!guest_at_prompt(u->g))
        return false;
    struct strbuf t = {0};
    pane_text(&u->g->pane, u->start, &t);
    bool done = strstr(sb_str(&t), WHY_GUEST_END) != NULL;
    sb_free(&t);
    return done;
}

/* Types WHY_GUEST_CMD and waits for its end marker (console_run's wait for the
 * prompt would stop at the first echoed row ending in '$' or '#'). */
static int run_ip(struct lab *lab, struct guest *g, uint64_t *start, struct err *e)
{
    /* A command typed just before (`send g1 ...`) may still be finishing. */
    if (g->state == GUEST_RUNNING && !guest_at_prompt(g) &&
        console_wait_prompt(lab, g, GUEST_BUSY_MS, e) < 0)
        return err_set(e, "%s is not at a shell prompt (busy with a command?)", g->name);
    if (console_ready(lab, g, GUEST_READY_MS, e) < 0)
        return -1;
    struct until_end u = {g, pane_cursor_line(&g->pane)};
    *start = u.start;
    if (guest_send(g, WHY_GUEST_CMD "\r", e) < 0)
        return -1;
    char what[64];
    snprintf(what, sizeof what, "%s's `ip` output", g->name);
    if (lab_wait(lab, printed_end, &u, GUEST_CMD_MS, what, e) < 0)
        return -1;
    if (g->state == GUEST_EXITED)
        return err_set(e, "%s exited", g->name);
    return 0;
}

/* The NIC G's packets toward A leave by: the one whose subnet holds A, else
 * the one holding the gateway of G's most specific route to A, else the
 * routed tap (the host is the default gateway), else eth0. */
static int why_nic(const struct guest *g, struct in_addr a)
{
    int k = guest_nic_for(g, a), best = -1;
    for (size_t i = 0; i < g->nroutes && k < 0; i++) {
        const struct guest_route *r = &g->routes[i];
        uint32_t m = r->prefix ? htonl(0xffffffffU << (32 - r->prefix)) : 0;
        if ((a.s_addr & m) == r->dest.s_addr && (best < 0 || r->prefix > g->routes[best].prefix))
            best = (int)i;
    }
    if (k < 0 && best >= 0)
        k = guest_nic_for(g, g->routes[best].gw);
    if (k < 0)
        k = g->routed >= 0 ? g->routed : 0;
    return g->nics[k].present ? k : 0;
}

/* NIC K's tap and address (the seed's g->tap and g->addr for eth0). */
static const char *nic_tap(const struct guest *g, int k)
{
    return g->nics[k].present ? g->nics[k].tap : g->tap;
}

static struct in_addr nic_addr(const struct guest *g, int k)
{
    return g->nics[k].present ? g->nics[k].addr : g->addr;
}

/* What umlab knows of G through NIC K without asking it; false when it is not
 * running (nothing more to learn). */
static bool guest_known(const struct lab *lab, const struct guest *g, int k, struct why_guest *w)
{
    memset(w, 0, sizeof *w);
    snprintf(w->name, sizeof w->name, "%s", g->name);
    snprintf(w->nic, sizeof w->nic, "eth%d", k);
    w->want = nic_addr(g, k);
    w->want_prefix =
        g->nics[k].present && g->nics[k].addr.s_addr ? g->nics[k].prefix : lab->subnet.prefix;
    w->running = g->state != GUEST_EXITED;
    return w->running;
}

static void guest_facts(struct lab *lab, struct guest *g, int k, struct why_guest *w)
{
    if (!guest_known(lab, g, k, w))
        return;
    struct err e;
    struct strbuf text = {0};
    if (g->ctl) {
        /* The hidden control channel: nothing typed into the student's console. */
        int status;
        if (guest_exec_hidden(lab, g, WHY_GUEST_CMD, GUEST_CMD_MS, &status, &text, &e) < 0) {
            snprintf(w->unknown_why, sizeof w->unknown_why, "%s", e.msg);
            sb_free(&text);
            return;
        }
    } else {
        uint64_t start = 0;
        if (run_ip(lab, g, &start, &e) < 0) {
            snprintf(w->unknown_why, sizeof w->unknown_why, "%s", e.msg);
            return;
        }
        pane_text(&g->pane, start, &text);
    }
    if (why_guest_parse(sb_str(&text), w) < 0)
        snprintf(w->unknown_why, sizeof w->unknown_why,
                 "its answer to `ip` was not understood (is `ip` in the image?)");
    else
        w->known = true;
    sb_free(&text);
}

/* What umlab set up in G, as if its own `ip` had said so: its NICs up with
 * their addresses, the default route via the host on the routed tap, the
 * static routes umlab typed. Looked at through NIC K. */
static void guest_assumed(struct lab *lab, struct guest *g, int k, struct why_guest *w)
{
    if (!guest_known(lab, g, k, w))
        return;
    if (g->state != GUEST_RUNNING) {
        snprintf(w->unknown_why, sizeof w->unknown_why, "still booting");
        return;
    }
    w->known = true;
    for (int i = 0; i < GUEST_MAX_NICS && w->nlinks < WHY_MAX_LINKS; i++) {
        if (!g->nics[i].present && i != k)
            continue;
        struct why_link *l = &w->links[w->nlinks++];
        snprintf(l->dev, sizeof l->dev, "eth%d", i);
        l->up = l->lower_up = true;
        struct in_addr a = nic_addr(g, i);
        int prefix =
            g->nics[i].present && g->nics[i].addr.s_addr ? g->nics[i].prefix : lab->subnet.prefix;
        if (!a.s_addr || w->naddrs >= WHY_MAX_ADDRS || w->nroutes + 2 > WHY_MAX_ROUTES)
            continue;
        struct why_addr *ad = &w->addrs[w->naddrs++];
        snprintf(ad->dev, sizeof ad->dev, "eth%d", i);
        ad->addr = a;
        ad->prefix = prefix;
        uint32_t m = prefix ? htonl(0xffffffffU << (32 - prefix)) : 0;
        struct why_route *rt = &w->routes[w->nroutes++];
        *rt = (struct why_route){{a.s_addr & m}, prefix, {0}, ""};
        snprintf(rt->dev, sizeof rt->dev, "eth%d", i);
        if (i == (g->routed >= 0 ? g->routed : 0) && !g->nics[i].lan) {
            rt = &w->routes[w->nroutes++];
            *rt = (struct why_route){{0}, 0, lab->host, ""};
            snprintf(rt->dev, sizeof rt->dev, "eth%d", i);
        }
    }
    for (size_t i = 0; i < g->nroutes && w->nroutes < WHY_MAX_ROUTES; i++) {
        int n = guest_nic_for(g, g->routes[i].gw);
        struct why_route *rt = &w->routes[w->nroutes++];
        *rt = (struct why_route){g->routes[i].dest, g->routes[i].prefix, g->routes[i].gw, ""};
        snprintf(rt->dev, sizeof rt->dev, "eth%d", n < 0 ? 0 : n);
    }
}

/* The address the guest really sends from: umlab's when it has it. */
static struct in_addr guest_source(const struct why_guest *w)
{
    struct in_addr first = {0};
    for (size_t i = 0; i < w->naddrs; i++) {
        if (strcmp(w->addrs[i].dev, w->nic) != 0)
            continue;
        if (w->addrs[i].addr.s_addr == w->want.s_addr)
            return w->want;
        if (!first.s_addr)
            first = w->addrs[i].addr;
    }
    return first.s_addr ? first : w->want;
}

/* ---- the host ---- */

static int sysctl_int(const char *fmt, const char *dev)
{
    char key[SYSCTL_KEYSZ], val[32];
    snprintf(key, sizeof key, fmt, dev);
    long v;
    if (sysctl_read(key, val, sizeof val, NULL) < 0)
        return -1;
    char *end;
    v = strtol(val, &end, 10);
    return *end || v < 0 || v > 1000 ? -1 : (int)v;
}

static void tap_facts(struct lab *lab, const struct guest *g, int k, const struct why_guest *wg,
                      struct why_tap *t)
{
    memset(t, 0, sizeof *t);
    const char *tap = nic_tap(g, k);
    struct in_addr ga = nic_addr(g, k);
    snprintf(t->name, sizeof t->name, "%s", tap);
    t->proxy_arp = t->rp_filter = t->forwarding = -1;
    struct link_stats s;
    if (link_ifindex(lab->nl, tap) == 0 || link_get_stats(lab->nl, tap, &s, NULL) < 0)
        return;
    t->exists = true;
    t->up = s.up;
    t->carrier = s.carrier;
    t->host_addr = addr_exists(lab->nl, tap, lab->host, 32);
    t->route = ga.s_addr && route_exists(lab->nl, ga, 32, tap);
    struct in_addr src = guest_source(wg);
    t->src_route =
        src.s_addr == ga.s_addr ? t->route : src.s_addr && route_exists(lab->nl, src, 32, tap);
    /* A tap in a bridge is on a LAN: one segment, no routing between its guests. */
    struct link_stats bs;
    if (bridge_port_master(lab->nl, tap, t->bridge, sizeof t->bridge, NULL) == 0 && t->bridge[0] &&
        link_get_stats(lab->nl, t->bridge, &bs, NULL) == 0)
        t->bridge_up = bs.up;
    t->proxy_arp = sysctl_int("net/ipv4/conf/%s/proxy_arp", tap);
    t->rp_filter = sysctl_int("net/ipv4/conf/%s/rp_filter", tap);
    t->forwarding = sysctl_int("net/ipv4/conf/%s/forwarding", tap);
}

/* `nft -j list ruleset`, run without a shell from a fixed place (never PATH:
 * umlab runs as root). 1 when nft is not installed. */
static int run_nft(struct strbuf *out, struct err *e)
{
    static const char *const where[] = {"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft", NULL};
    const char *prog = NULL;
    for (size_t i = 0; where[i] && !prog; i++)
        if (access(where[i], X_OK) == 0)
            prog = where[i];
    if (!prog)
        return 1;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return err_sys(e, "nft: pipe");
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        close(p[0]);
        close(p[1]);
        return err_set(e, "nft: cannot start it");
    }
    bool ok = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) == 0 &&
              posix_spawn_file_actions_adddup2(&fa, p[1], 1) == 0 &&
              posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) == 0;
    char *argv[] = {(char *)"nft", (char *)"-j", (char *)"list", (char *)"ruleset", NULL};
    pid_t pid = -1;
    int rc = ok ? posix_spawn(&pid, prog, &fa, NULL, argv, environ) : -1;
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        errno = rc > 0 ? rc : EINVAL;
        return err_sys(e, "nft: %s", prog);
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool timeout = false, big = false;
    char buf[8192];
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = NFT_TIMEOUT_MS -
                    ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd pfd = {p[0], POLLIN, 0};
        int pr = left > 0 ? poll(&pfd, 1, (int)left) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            timeout = true;
            break;
        }
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (out->len + (size_t)n > NFT_OUTPUT_MAX) {
            big = true;
            break;
        }
        sb_append(out, buf, (size_t)n);
    }
    close(p[0]);
    if (timeout || big)
        kill(pid, SIGKILL);
    int status = 0;
    /* ECHILD is fine: the event loop's SIGCHLD handler may have reaped it. */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timeout)
        return err_set(e, "nft took over %d s", NFT_TIMEOUT_MS / 1000);
    if (big)
        return err_set(e, "nft printed over %u bytes", NFT_OUTPUT_MAX);
    if (out->oom)
        return err_set(e, "nft: out of memory");
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return err_set(e, "nft -j list ruleset exited with status %d", WEXITSTATUS(status));
    return 0;
}

static void nft_facts(struct why_gathered *g)
{
    struct why_facts *f = &g->f;
    struct strbuf text = {0};
    struct err e;
    int rc = run_nft(&text, &e);
    if (rc == 1) {
        f->nft_state = WHY_NFT_ABSENT;
    } else if (rc < 0 || why_nft_parse(sb_str(&text), text.len, &g->nft, &e) < 0) {
        f->nft_state = WHY_NFT_ERROR;
        snprintf(f->nft_error, sizeof f->nft_error, "%s", e.msg);
    } else {
        f->nft_state = WHY_NFT_READ;
        f->nft = &g->nft;
    }
    sb_free(&text);
}

static void xt_facts(struct why_gathered *g)
{
    struct why_facts *f = &g->f;
    struct err e;
    f->iptables_flavor = iptables_flavor();
    if (iptc_rule_list("filter", "FORWARD", &g->fwd, &f->nfwd, &e) < 0 ||
        iptc_chain_policy("filter", "FORWARD", f->fwd_policy, sizeof f->fwd_policy, &e) < 0 ||
        iptc_rule_list("nat", "POSTROUTING", &g->post, &f->npost, &e) < 0) {
        snprintf(f->xt_error, sizeof f->xt_error, "%s", e.msg);
        return;
    }
    f->fwd = g->fwd;
    f->post = g->post;
    f->xt_known = true;
}

/* ---- the probe ---- */

static uint64_t lab_rule_packets(struct lab *lab, const char *table, const char *chain)
{
    struct rule_info *v;
    size_t n;
    uint64_t sum = 0;
    if (iptc_rule_list(table, chain, &v, &n, NULL) < 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (rule_comment_is_lab(v[i].spec.comment, lab->name))
            sum += v[i].packets;
    free(v);
    return sum;
}

static void counters(struct lab *lab, const struct why_facts *f, struct why_counters *c)
{
    memset(c, 0, sizeof *c);
    struct link_stats s;
    if (link_get_stats(lab->nl, f->src_tap.name, &s, NULL) == 0) {
        c->src_rx = s.rx_packets;
        c->src_tx = s.tx_packets;
    }
    const char *dst = f->kind == WHY_T_GUEST ? f->dst_tap.name : f->uplink;
    if (dst[0] && link_get_stats(lab->nl, dst, &s, NULL) == 0) {
        c->dst_rx = s.rx_packets;
        c->dst_tx = s.tx_packets;
    }
    c->fwd = lab_rule_packets(lab, "filter", "FORWARD");
    c->masq = lab_rule_packets(lab, "nat", "POSTROUTING");
}

static void probe(struct lab *lab, struct guest *src, struct why_facts *f)
{
    if (!f->src.known || !f->dst.s_addr)
        return; /* not at a prompt: nothing to type the ping at */
    char ds[INET_ADDRSTRLEN], line[96];
    snprintf(line, sizeof line, "ping -c 1 -W 2 -w 3 %s", addr_str(f->dst, ds));
    counters(lab, f, &f->before);
    uint64_t start;
    struct err e;
    if (console_run(lab, src, line, PROBE_MS, &start, &e) < 0)
        return;
    counters(lab, f, &f->after);
    struct strbuf text = {0};
    pane_text(&src->pane, start, &text);
    struct ping_result r;
    if (ping_parse_summary(sb_str(&text), &r) == 0) {
        f->probed = true;
        f->sent = r.sent;
        f->received = r.received;
    }
    sb_free(&text);
}

/* ---- the target ---- */

/* The guest one of whose NICs has A (a LAN NIC's too: `why g1 10.0.1.2`). */
static struct guest *guest_with_addr(const struct lab *lab, struct in_addr a)
{
    for (size_t i = 0; i < lab->nguests; i++) {
        struct guest *g = lab->guests[i];
        if (g->addr.s_addr == a.s_addr)
            return g;
        for (int k = 0; k < GUEST_MAX_NICS; k++)
            if (g->nics[k].present && g->nics[k].addr.s_addr == a.s_addr)
                return g;
    }
    return NULL;
}

static int resolve(struct lab *lab, struct guest *src, const char *t, struct why_facts *f,
                   struct guest **tg, struct err *e)
{
    *tg = NULL;
    snprintf(f->target, sizeof f->target, "%s", t);
    if (strcmp(t, "host") == 0) {
        f->kind = WHY_T_HOST;
        f->dst = lab->host;
        return 0;
    }
    if (strcmp(t, "internet") == 0) {
        if (!lab->inet_netns[0])
            return err_set(e, "'internet' names the sandbox's stand-in (only with --sandbox)");
        f->kind = WHY_T_INTERNET;
        return addr_parse(SANDBOX_INET, &f->dst, NULL, e);
    }
    struct guest *g = lab_find_guest(lab, t);
    struct in_addr a;
    if (!g) {
        struct err pe;
        if (addr_parse(t, &a, NULL, &pe) < 0)
            return err_set(e,
                           "why: target '%s' is neither a guest, 'host', 'internet' nor an "
                           "IPv4 address",
                           t);
        f->dst = a;
        f->kind = a.s_addr == lab->host.s_addr ? WHY_T_HOST : WHY_T_ADDR;
        if (f->kind == WHY_T_ADDR)
            g = guest_with_addr(lab, a);
        if (!g)
            return 0;
    } else {
        if (!g->addr.s_addr)
            return err_set(e, "%s has no address yet (give it one with `ip %s`)", g->name, g->name);
        f->dst = g->addr;
    }
    if (g == src)
        return err_set(e, "why: %s is the source itself", g->name);
    f->kind = WHY_T_GUEST;
    *tg = g;
    return 0;
}

static int gather_start(struct lab *lab, struct guest *src, const char *target,
                        struct why_gathered *out, struct guest **tg, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct why_facts *f = &out->f;
    if (resolve(lab, src, target, f, tg, e) < 0)
        return -1;
    snprintf(f->lab, sizeof f->lab, "%s", lab->name);
    f->subnet = lab->subnet;
    f->host = lab->host;
    f->nat = lab->nat;
    snprintf(f->uplink, sizeof f->uplink, "%s",
             lab->uplink[0]       ? lab->uplink
             : lab->inet_netns[0] ? SANDBOX_UPLINK
                                  : "");
    struct link_stats s;
    if (f->uplink[0] && link_ifindex(lab->nl, f->uplink) &&
        link_get_stats(lab->nl, f->uplink, &s, NULL) == 0) {
        f->uplink_exists = true;
        f->uplink_up = s.up;
        f->uplink_carrier = s.carrier;
    }
    return 0;
}

/* The NICs why looks at: the source's towards the target, the target's
 * holding its address. */
static void nics_of(struct guest *src, struct guest *tg, struct in_addr dst, int *ks, int *kt)
{
    *ks = why_nic(src, dst);
    *kt = tg ? why_nic(tg, dst) : 0;
}

static void host_facts(struct lab *lab, struct guest *src, int ks, struct guest *tg, int kt,
                       struct why_gathered *out)
{
    struct why_facts *f = &out->f;
    tap_facts(lab, src, ks, &f->src, &f->src_tap);
    if (tg)
        tap_facts(lab, tg, kt, &f->dst_guest, &f->dst_tap);
    f->ip_forward = sysctl_int("%s", SYSCTL_FORWARD);
    f->rp_filter_all = sysctl_int("net/ipv4/conf/%s/rp_filter", "all");
    xt_facts(out);
}

int why_gather(struct lab *lab, struct guest *src, const char *target, struct why_gathered *out,
               struct err *e)
{
    struct guest *tg;
    if (gather_start(lab, src, target, out, &tg, e) < 0)
        return -1;
    struct why_facts *f = &out->f;
    int ks, kt;
    nics_of(src, tg, f->dst, &ks, &kt);
    guest_facts(lab, src, ks, &f->src);
    if (tg)
        guest_facts(lab, tg, kt, &f->dst_guest);
    host_facts(lab, src, ks, tg, kt, out);
    nft_facts(out);
    probe(lab, src, f);
    return 0;
}

int why_gather_host(struct lab *lab, struct guest *src, const char *target,
                    struct why_gathered *out, struct err *e)
{
    struct guest *tg;
    if (gather_start(lab, src, target, out, &tg, e) < 0)
        return -1;
    struct why_facts *f = &out->f;
    int ks, kt;
    nics_of(src, tg, f->dst, &ks, &kt);
    guest_assumed(lab, src, ks, &f->src);
    if (tg)
        guest_assumed(lab, tg, kt, &f->dst_guest);
    host_facts(lab, src, ks, tg, kt, out);
    f->nft_state = WHY_NFT_ERROR;
    snprintf(f->nft_error, sizeof f->nft_error, "not read (inferred from umlab's side)");
    return 0;
}

void why_gathered_free(struct why_gathered *g)
{
    free(g->fwd);
    free(g->post);
    why_nft_free(&g->nft);
    memset(g, 0, sizeof *g);
}
