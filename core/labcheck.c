/* labcheck.c — see labcheck.h. */
#include "core/labcheck.h"

#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd.h"
#include "core/guest_exec.h"
#include "core/lab.h"
#include "netcfg/link.h"

#define CHECK_EXEC_MS 15000

__attribute__((format(printf, 2, 3))) static void why(struct labcheck_result *r, const char *fmt,
                                                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
    for (char *p = r->why; *p; p++) /* one line, whatever a guest printed */
        if ((unsigned char)*p < 0x20)
            *p = ' ';
}

/* The interface a counter check names, "" when there is none (yet). */
static void counter_iface(struct lab *lab, const struct lab_spec *s, const struct labfile_check *c,
                          char *out, size_t outsz)
{
    out[0] = '\0';
    if (c->uplink) {
        snprintf(out, outsz, "%s", lab->uplink[0] ? lab->uplink : SANDBOX_UPLINK);
    } else if (c->lan >= 0) {
        const struct lab_lan *l = lab_find_lan(lab, s->lans[c->lan].name);
        if (l)
            snprintf(out, outsz, "%s", l->bridge);
    } else if (c->guest >= 0) {
        /* ethN's tap (eth0 when no NIC is named), as the side pane counts it */
        struct guest *g = lab_find_guest(lab, s->guests[c->guest].name);
        int n = c->nic < 0 ? 0 : c->nic;
        if (g && n < GUEST_MAX_NICS && g->nics[n].present)
            snprintf(out, outsz, "%s", g->nics[n].tap);
        else if (g && n == 0)
            snprintf(out, outsz, "%s", g->tap);
    }
}

static int read_counter(struct lab *lab, const char *iface, bool tx, uint64_t *v)
{
    struct link_stats st;
    struct err e;
    const struct lab_lan *lan = lab_lan_of_bridge(lab, iface);
    if (lan) { /* a LAN counts as the side pane shows it: the sum of its ports */
        struct snap_counters c;
        int ifindex, nports;
        if (lab_lan_counters(lab, NULL, lan, &c, &ifindex, &nports) < 0)
            return -1;
        *v = tx ? c.tx_packets : c.rx_packets;
        return 0;
    }
    if (!iface[0] || link_get_stats(lab->nl, iface, &st, &e) < 0)
        return -1;
    *v = tx ? st.tx_packets : st.rx_packets;
    return 0;
}

int labcheck_baseline(struct lab *lab, const struct lab_spec *s, struct labcheck_base *b,
                      struct err *e)
{
    b->n = s->nchecks;
    b->rx = calloc(s->nchecks + 1, sizeof *b->rx);
    b->tx = calloc(s->nchecks + 1, sizeof *b->tx);
    if (!b->rx || !b->tx) {
        labcheck_base_free(b);
        return err_sys(e, "checks");
    }
    for (size_t i = 0; i < s->nchecks; i++) {
        const struct labfile_check *c = &s->checks[i];
        if (c->kind != LABFILE_CHECK_COUNTER)
            continue;
        char iface[32];
        counter_iface(lab, s, c, iface, sizeof iface);
        if (read_counter(lab, iface, false, &b->rx[i]) < 0)
            b->rx[i] = 0;
        if (read_counter(lab, iface, true, &b->tx[i]) < 0)
            b->tx[i] = 0;
    }
    return 0;
}

void labcheck_base_free(struct labcheck_base *b)
{
    free(b->rx);
    free(b->tx);
    b->rx = b->tx = NULL;
    b->n = 0;
}

/* One ping of the check's guest to TO; R says how it went. */
static int ping_once(struct lab *lab, const char *from, const char *to, struct labcheck_result *r)
{
    struct strbuf line = {0};
    sb_printf(&line, "ping %s %s --count 2", from, to);
    struct out o;
    out_init(&o);
    struct err e = {""};
    int rc = line.oom ? err_set(&e, "out of memory") : cmd_run_line(lab, sb_str(&line), &o, &e);
    r->pass = rc == 0;
    if (rc == 0) {
        size_t n = strcspn(sb_str(&o.text), "\n");
        why(r, "%.*s", (int)n, sb_str(&o.text));
    } else {
        why(r, "%s", e.msg);
    }
    out_free(&o);
    sb_free(&line);
    return rc;
}

static void check_reach(struct lab *lab, const struct lab_spec *s, const struct labfile_check *c,
                        int tries, struct labcheck_result *r)
{
    char as[INET_ADDRSTRLEN];
    const char *to = c->to == LABFILE_TO_HOST       ? "host"
                     : c->to == LABFILE_TO_INTERNET ? "internet"
                     : c->to == LABFILE_TO_GUEST    ? s->guests[c->to_guest].name
                                                    : addr_str(c->to_addr, as);
    const char *from = s->guests[c->guest].name;
    struct in_addr ra;
    if (c->to != LABFILE_TO_GUEST || labfile_guest_here(s, (size_t)c->to_guest) ||
        !labfile_remote_addr(s, (size_t)c->guest, (size_t)c->to_guest, &ra)) {
        ping_once(lab, from, to, r);
        return;
    }
    /* A guest on another host (a multi-host lab's part): by its address, and
     * while that host's part may still be starting, for a while. */
    addr_str(ra, as);
    const char *host = s->hosts[s->guests[c->to_guest].host].name;
    for (int t = 0; t < tries; t++) {
        if (ping_once(lab, from, as, r) == 0 || c->negate || lab->quit_signal)
            break;
        if (t == 0 && tries > 1 && lab->cur_out)
            out_progress(lab->cur_out, "waiting for %s (%s) on host %s to answer", to, as, host);
    }
    if (!r->pass) {
        char inner[LABCHECK_WHY_MAX];
        snprintf(inner, sizeof inner, "%s", r->why);
        why(r, "%s (on host %s) %s", to, host, inner);
    }
}

/* Runs CMD in the check's guest; 0 with its output, -1 with R failed. */
static int run_in_guest(struct lab *lab, const struct lab_spec *s, const struct labfile_check *c,
                        const char *cmd, int *status, struct strbuf *out, struct labcheck_result *r)
{
    const char *name = s->guests[c->guest].name;
    struct guest *g = lab_find_guest(lab, name);
    if (!g) {
        why(r, "no guest named '%s' in the lab", name);
        return -1;
    }
    struct err e;
    /* on its control channel when it has one: nothing typed into its console */
    if ((g->ctl ? guest_exec_hidden(lab, g, cmd, CHECK_EXEC_MS, status, out, &e)
                : guest_exec(lab, g, cmd, CHECK_EXEC_MS, status, out, &e)) < 0) {
        why(r, "%s", e.msg);
        return -1;
    }
    return 0;
}

/* Whether a row of `ip -o -4 addr show dev ethN` holds "inet A/P". */
static bool has_inet(const char *text, const char *want)
{
    for (const char *p = text; (p = strstr(p, "inet ")) != NULL; p += 5) {
        const char *a = p + 5;
        size_t n = strcspn(a, " \n");
        if (n == strlen(want) && strncmp(a, want, n) == 0)
            return true;
    }
    return false;
}

static void judge_addr(const struct lab_spec *s, const struct labfile_check *c, int st,
                       const char *out, struct labcheck_result *r)
{
    char want[40], as[INET_ADDRSTRLEN];
    snprintf(want, sizeof want, "%s/%d", addr_str(c->addr, as), c->prefix);
    r->pass = st == 0 && has_inet(out, want);
    if (r->pass)
        why(r, "eth%d has %s", c->nic, want);
    else if (st != 0)
        why(r, "no eth%d in %s", c->nic, s->guests[c->guest].name);
    else
        why(r, "eth%d does not have %s", c->nic, want);
}

static void check_addr(struct lab *lab, const struct lab_spec *s, const struct labfile_check *c,
                       struct labcheck_result *r)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "ip -o -4 addr show dev eth%d", c->nic);
    struct strbuf out = {0};
    int st;
    if (run_in_guest(lab, s, c, cmd, &st, &out, r) == 0)
        judge_addr(s, c, st, sb_str(&out), r);
    sb_free(&out);
}

/* "DEST[/P]" or "default" as `ip route` prints it, vs the check's. */
static bool same_dest(const char *w, size_t n, const struct labfile_check *c)
{
    if (n == 7 && strncmp(w, "default", 7) == 0)
        return c->prefix == 0;
    char buf[40];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, w, n);
    buf[n] = '\0';
    struct in_addr a;
    int p = -1;
    struct err e;
    if (addr_parse(buf, &a, &p, &e) < 0)
        return false;
    return a.s_addr == c->addr.s_addr && (p < 0 ? 32 : p) == c->prefix;
}

static void judge_route(const struct labfile_check *c, const char *out, struct labcheck_result *r)
{
    char gw[INET_ADDRSTRLEN], via[64];
    addr_str(c->gw, gw);
    snprintf(via, sizeof via, " via %s ", gw);
    r->pass = false;
    for (const char *p = out; *p;) {
        size_t len = strcspn(p, "\n");
        size_t n = strcspn(p, " \n");
        /* the row with a blank after it, so "via 10.0.0.1" is not "via 10.0.0.10" */
        struct strbuf row = {0};
        sb_append(&row, p, len);
        sb_append(&row, " ", 1);
        if (same_dest(p, n, c) && strstr(sb_str(&row), via))
            r->pass = true;
        sb_free(&row);
        p += len + (p[len] == '\n');
    }
    why(r, r->pass ? "the route is there" : "no such route in `ip route`");
}

static void check_route(struct lab *lab, const struct lab_spec *s, const struct labfile_check *c,
                        struct labcheck_result *r)
{
    struct strbuf out = {0};
    int st;
    if (run_in_guest(lab, s, c, "ip -4 route show", &st, &out, r) == 0)
        judge_route(c, sb_str(&out), r);
    sb_free(&out);
}

static void check_counter(struct lab *lab, const struct lab_spec *s, const struct labcheck_base *b,
                          size_t i, struct labcheck_result *r)
{
    const struct labfile_check *c = &s->checks[i];
    char iface[32];
    counter_iface(lab, s, c, iface, sizeof iface);
    if (!iface[0]) {
        why(r, "no interface for this counter in the running lab");
        return;
    }
    uint64_t now, before = b && i < b->n ? (c->tx ? b->tx[i] : b->rx[i]) : 0;
    if (read_counter(lab, iface, c->tx, &now) < 0) {
        why(r, "cannot read the counters of %s", iface);
        return;
    }
    r->pass = now > before;
    why(r, "%s %s packets: %llu, %llu before the lab was built", iface, c->tx ? "tx" : "rx",
        (unsigned long long)now, (unsigned long long)before);
}

static void check_screen(struct lab *lab, const struct lab_spec *s, const struct labfile_check *c,
                         struct labcheck_result *r)
{
    const char *name = s->guests[c->guest].name;
    struct guest *g = lab_find_guest(lab, name);
    if (!g) {
        why(r, "no guest named '%s' in the lab", name);
        return;
    }
    /* The parser bounded the regex (regex_size.h) before it got here. */
    regex_t re;
    if (regcomp(&re, c->text, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0) {
        why(r, "bad regex");
        return;
    }
    uint64_t cur = pane_cursor_line(&g->pane);
    uint64_t rows = (uint64_t)(lab->rows > 0 ? lab->rows : 24);
    struct strbuf t = {0};
    pane_text(&g->pane, cur >= rows ? cur - rows + 1 : 0, &t);
    /* rows without their trailing blanks, as LABFILE.md says */
    struct strbuf trimmed = {0};
    for (const char *p = sb_str(&t); *p;) {
        size_t len = strcspn(p, "\n"), n = len;
        while (n > 0 && p[n - 1] == ' ')
            n--;
        sb_append(&trimmed, p, n);
        sb_append(&trimmed, "\n", 1);
        p += len + (p[len] == '\n');
    }
    r->pass = regexec(&re, sb_str(&trimmed), 0, NULL, 0) == 0;
    why(r, r->pass ? "%s's screen matches" : "%s's screen does not match", name);
    regfree(&re);
    sb_free(&t);
    sb_free(&trimmed);
}

static void judge_exec(int st, const char *o, struct labcheck_result *r)
{
    r->pass = st == 0;
    size_t n = strcspn(o, "\n");
    if (n > 80)
        n = 80;
    why(r, "exit %d%s%.*s", st, n ? ": " : "", (int)n, o);
}

static void check_exec(struct lab *lab, const struct lab_spec *s, const struct labfile_check *c,
                       struct labcheck_result *r)
{
    struct strbuf out = {0};
    int st;
    if (run_in_guest(lab, s, c, c->text, &st, &out, r) == 0)
        judge_exec(st, sb_str(&out), r);
    sb_free(&out);
}

/* The address a reach check pings, as the `ping` command resolves it. */
static int reach_addr(struct lab *lab, const struct lab_spec *s, const struct labfile_check *c,
                      struct in_addr *a, struct labcheck_result *r)
{
    struct err e;
    switch (c->to) {
    case LABFILE_TO_HOST:
        *a = lab->host;
        return 0;
    case LABFILE_TO_INTERNET:
        if (!lab->inet_netns[0]) {
            why(r, "'internet' is the sandbox's stand-in (only with --sandbox)");
            return -1;
        }
        return addr_parse(SANDBOX_INET, a, NULL, &e) < 0 ? -1 : 0;
    case LABFILE_TO_ADDR:
        *a = c->to_addr;
        return 0;
    case LABFILE_TO_GUEST: {
        const char *name = s->guests[c->to_guest].name;
        /* a guest on another host: by its address in the lab file */
        if (!labfile_guest_here(s, (size_t)c->to_guest) &&
            labfile_remote_addr(s, (size_t)c->guest, (size_t)c->to_guest, a))
            return 0;
        const struct guest *t = lab_find_guest(lab, name);
        if (!t || !t->addr.s_addr) {
            why(r, t ? "%s has no address yet" : "no guest named '%s' in the lab", name);
            return -1;
        }
        *a = t->addr;
        return 0;
    }
    }
    return -1;
}

static void negate(const struct labfile_check *c, struct labcheck_result *r)
{
    if (c->negate) {
        r->pass = !r->pass;
        char inner[LABCHECK_WHY_MAX];
        snprintf(inner, sizeof inner, "%s", r->why);
        why(r, "%s (expected to fail)", inner);
    }
}

int labcheck_guest_cmd(struct lab *lab, const struct lab_spec *s, size_t i, char *cmd, size_t cmdsz,
                       struct labcheck_result *r)
{
    const struct labfile_check *c = &s->checks[i];
    r->pass = false;
    r->why[0] = '\0';
    struct in_addr a;
    char as[INET_ADDRSTRLEN];
    int n;
    switch (c->kind) {
    case LABFILE_CHECK_REACH:
        if (reach_addr(lab, s, c, &a, r) < 0) {
            negate(c, r);
            return -1;
        }
        n = snprintf(cmd, cmdsz, "ping -c 1 -W 2 %s", addr_str(a, as));
        break;
    case LABFILE_CHECK_ADDR:
        n = snprintf(cmd, cmdsz, "ip -o -4 addr show dev eth%d", c->nic);
        break;
    case LABFILE_CHECK_ROUTE:
        n = snprintf(cmd, cmdsz, "ip -4 route show");
        break;
    case LABFILE_CHECK_EXEC:
        n = snprintf(cmd, cmdsz, "%s", c->text);
        break;
    default:
        return 0;
    }
    if (n < 0 || (size_t)n >= cmdsz) {
        why(r, "the check's command is too long");
        return -1;
    }
    return 1;
}

void labcheck_judge(struct lab *lab, const struct lab_spec *s, size_t i, int status,
                    const char *output, struct labcheck_result *r)
{
    const struct labfile_check *c = &s->checks[i];
    struct in_addr a;
    char as[INET_ADDRSTRLEN];
    r->pass = false;
    r->why[0] = '\0';
    switch (c->kind) {
    case LABFILE_CHECK_REACH:
        r->pass = status == 0;
        if (reach_addr(lab, s, c, &a, r) == 0)
            why(r, r->pass ? "%s answered" : "no answer from %s", addr_str(a, as));
        break;
    case LABFILE_CHECK_ADDR:
        judge_addr(s, c, status, output, r);
        break;
    case LABFILE_CHECK_ROUTE:
        judge_route(c, output, r);
        break;
    case LABFILE_CHECK_EXEC:
        judge_exec(status, output, r);
        break;
    default:
        break;
    }
    negate(c, r);
}

void labcheck_eval(struct lab *lab, const struct lab_spec *s, const struct labcheck_base *b,
                   size_t i, struct labcheck_result *r)
{
    labcheck_eval_tries(lab, s, b, i, LABCHECK_PEER_TRIES, r);
}

void labcheck_eval_tries(struct lab *lab, const struct lab_spec *s, const struct labcheck_base *b,
                         size_t i, int peer_tries, struct labcheck_result *r)
{
    const struct labfile_check *c = &s->checks[i];
    r->pass = false;
    r->why[0] = '\0';
    switch (c->kind) {
    case LABFILE_CHECK_REACH:
        check_reach(lab, s, c, peer_tries < 1 ? 1 : peer_tries, r);
        break;
    case LABFILE_CHECK_ADDR:
        check_addr(lab, s, c, r);
        break;
    case LABFILE_CHECK_ROUTE:
        check_route(lab, s, c, r);
        break;
    case LABFILE_CHECK_COUNTER:
        check_counter(lab, s, b, i, r);
        break;
    case LABFILE_CHECK_SCREEN:
        check_screen(lab, s, c, r);
        break;
    case LABFILE_CHECK_EXEC:
        check_exec(lab, s, c, r);
        break;
    }
    negate(c, r);
}
