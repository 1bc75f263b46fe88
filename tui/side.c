/* side.c — the side pane: per-tap counters with rates and sparklines, the
 * host state that decides whether packets flow, and the NAT/FORWARD rules
 * with their counters. Refreshed once a second (counters change without any
 * event to wait for). */
#include <stdio.h>
#include <stdlib.h>

#include "netcfg/iptc.h"
#include "netcfg/sysctl.h"
#include "tui/ui.h"

static void refresh_chain(struct chain_view *cv, const char *lab)
{
    struct rule_info *rules;
    size_t n;
    struct err e;
    if (iptc_rule_list(cv->table, cv->chain, &rules, &n, &e) < 0) {
        snprintf(cv->err, sizeof cv->err, "%s", e.msg);
        return;
    }
    cv->err[0] = '\0';
    bool *moved = calloc(n ? n : 1, sizeof *moved);
    for (size_t i = 0; moved && i < n; i++) {
        /* the same rule at the same place: compare its counters */
        if (i < cv->n && strcmp(rules[i].target_name, cv->rules[i].target_name) == 0 &&
            strcmp(rules[i].spec.comment, cv->rules[i].spec.comment) == 0 &&
            strcmp(rules[i].spec.in_if, cv->rules[i].spec.in_if) == 0 &&
            strcmp(rules[i].spec.out_if, cv->rules[i].spec.out_if) == 0)
            moved[i] = rules[i].packets != cv->rules[i].packets;
        else
            moved[i] = rules[i].packets > 0 && rule_comment_is_lab(rules[i].spec.comment, lab);
    }
    free(cv->rules);
    free(cv->moved);
    cv->rules = rules;
    cv->n = n;
    cv->moved = moved;
}

void side_refresh(struct tui *t)
{
    struct lab *lab = t->lab;
    int64_t now = loop_now_ms();
    for (size_t i = 0; i < t->ntabs; i++) {
        struct tab *tab = t->tabs[i];
        if (tab->kind != TAB_GUEST)
            continue;
        struct err e;
        tab->have_st = link_get_stats(lab->nl, tab->g->tap, &tab->st, &e) == 0;
        if (tab->have_st) {
            hist_sample(&tab->rx, tab->st.rx_bytes, now);
            hist_sample(&tab->tx, tab->st.tx_bytes, now);
        }
        host_tap_state(lab, tab->g, &tab->hs);
    }
    t->have_uplink = false;
    if (lab->uplink[0]) {
        struct err e;
        t->have_uplink = link_get_stats(lab->nl, lab->uplink, &t->uplink, &e) == 0;
        if (t->have_uplink) {
            hist_sample(&t->up_rx, t->uplink.rx_bytes, now);
            hist_sample(&t->up_tx, t->uplink.tx_bytes, now);
        }
    }
    if (sysctl_read("net/ipv4/ip_forward", t->ip_forward, sizeof t->ip_forward, NULL) < 0)
        snprintf(t->ip_forward, sizeof t->ip_forward, "?");
    if (t->side) { /* libiptc reads whole tables: only when they are shown */
        for (int c = 0; c < 2; c++)
            refresh_chain(&t->chains[c], lab->name);
    }
    tui_mark(t, D_SIDE);
}

void side_free(struct tui *t)
{
    for (int c = 0; c < 2; c++) {
        free(t->chains[c].rules);
        free(t->chains[c].moved);
        t->chains[c].rules = NULL;
        t->chains[c].moved = NULL;
        t->chains[c].n = 0;
    }
}

/* Draws the pane's lines as a list: line n shows at row y0 + n - top when
 * top <= n < top + rows (the pane scrolls); a counting pass draws nothing. */
struct pen {
    struct tui *t;
    int x, w;
    int n, top, rows, y0;
    bool count_only;
};

/* The screen row for the next line, or -1 when it is scrolled out of view. */
static int pen_row(struct pen *p)
{
    int n = p->n++;
    if (p->count_only || n < p->top || n >= p->top + p->rows)
        return -1;
    return p->y0 + n - p->top;
}

static bool line(struct pen *p, attr_t a, int pair, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool line(struct pen *p, attr_t a, int pair, const char *fmt, ...)
{
    int y = pen_row(p);
    if (y < 0)
        return false;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    draw_text(y, p->x, p->w, a, pair, buf);
    return true;
}

/* " rx  12.3K   45p  1.2K/s ▁▂▅█" with the sparkline filling the width. */
static void rate_line(struct pen *p, const char *dir, uint64_t bytes, uint64_t pkts,
                      const struct hist *h)
{
    char b[16], r[16], head[64], spark[HIST_LEN * 3 + 1];
    fmt_size((double)bytes, b, sizeof b);
    fmt_size(hist_rate(h), r, sizeof r);
    int n =
        snprintf(head, sizeof head, " %s %5s %5llup %5s/s ", dir, b, (unsigned long long)pkts, r);
    int sw = p->w - n;
    if (sw > HIST_LEN)
        sw = HIST_LEN;
    if (sw < 0)
        sw = 0;
    hist_sparkline(h, sw, spark, sizeof spark);
    int y = pen_row(p);
    if (y < 0)
        return;
    int x = draw_text(y, p->x, p->w, A_NORMAL, 0, head);
    if (x < p->w)
        draw_text(y, p->x + x, p->w - x, A_NORMAL, ui_pair(COLOR_GREEN, -1), spark);
}

/* "g1   tap0   1.2K   340 ▁▂▅█" (! when errors or drops) */
static void compact_line(struct pen *p, const struct tab *tab)
{
    char rx[16], tx[16], head[64], spark[HIST_LEN * 3 + 1];
    const struct link_stats *s = &tab->st;
    fmt_size(hist_rate(&tab->rx), rx, sizeof rx);
    fmt_size(hist_rate(&tab->tx), tx, sizeof tx);
    bool bad = s->rx_errors + s->tx_errors + s->rx_dropped + s->tx_dropped > 0;
    int n = snprintf(head, sizeof head, "%-6s %-7s%c%5s %5s ", tab->g->name, tab->g->tap,
                     bad ? '!' : ' ', tab->have_st ? rx : "-", tab->have_st ? tx : "-");
    int sw = p->w - n;
    sw = sw > HIST_LEN ? HIST_LEN : sw < 0 ? 0 : sw;
    hist_sparkline(&tab->rx, sw, spark, sizeof spark);
    int y = pen_row(p);
    if (y < 0)
        return;
    int x = draw_text(y, p->x, p->w, A_NORMAL, bad ? ui_pair(COLOR_RED, -1) : 0, head);
    if (x < p->w)
        draw_text(y, p->x + x, p->w - x, A_NORMAL, ui_pair(COLOR_GREEN, -1), spark);
}

static void draw_chain(struct pen *p, const struct chain_view *cv, const char *lab)
{
    int title = ui_pair(COLOR_CYAN, -1);
    line(p, A_BOLD, title, "%s %s", cv->table, cv->chain);
    if (cv->err[0]) {
        line(p, A_NORMAL, ui_pair(COLOR_RED, -1), " %s", cv->err);
        return;
    }
    if (cv->n == 0)
        line(p, A_DIM, 0, " (no rules)");
    int mine = ui_pair(COLOR_GREEN, -1), hot = ui_pair(COLOR_BLACK, COLOR_YELLOW);
    for (size_t i = 0; i < cv->n; i++) {
        const struct rule_info *r = &cv->rules[i];
        bool ours = rule_comment_is_lab(r->spec.comment, lab);
        char pk[16], by[16];
        fmt_size((double)r->packets, pk, sizeof pk);
        fmt_size((double)r->bytes, by, sizeof by);
        bool moved = cv->moved && cv->moved[i];
        char ifs[48] = "";
        if (r->spec.in_if[0] && r->spec.out_if[0])
            snprintf(ifs, sizeof ifs, "-i %s -o %s", r->spec.in_if, r->spec.out_if);
        else if (r->spec.in_if[0] || r->spec.out_if[0])
            snprintf(ifs, sizeof ifs, "-%c %s", r->spec.in_if[0] ? 'i' : 'o',
                     r->spec.in_if[0] ? r->spec.in_if : r->spec.out_if);
        line(p, moved ? A_BOLD : A_NORMAL,
             moved  ? hot
             : ours ? mine
                    : 0,
             "%c%5sp %5sB %s %s", ours ? '*' : ' ', pk, by, r->target_name, ifs);
    }
}

/* Every line of the pane, through the pen (which shows the visible ones). */
static void side_lines(struct tui *t, struct pen *p, int h)
{
    int title = ui_pair(COLOR_CYAN, -1);
    struct lab *lab = t->lab;

    int ng = 0;
    for (size_t i = 0; i < t->ntabs; i++)
        ng += t->tabs[i]->kind == TAB_GUEST;
    /* three rows per tap while they take at most half the pane, else one */
    bool compact = 3 * ng > h / 2;
    line(p, A_BOLD, title,
         compact ? "Taps: rx/s tx/s (rx = from the guest)" : "Taps (rx = from the guest)");
    for (size_t i = 0; i < t->ntabs; i++) {
        struct tab *tab = t->tabs[i];
        if (tab->kind != TAB_GUEST)
            continue;
        if (compact) {
            compact_line(p, tab);
            continue;
        }
        if (!tab->have_st) {
            line(p, A_NORMAL, 0, "%s %s: no counters", tab->g->name, tab->g->tap);
            continue;
        }
        const struct link_stats *s = &tab->st;
        unsigned long long errs = s->rx_errors + s->tx_errors,
                           drops = s->rx_dropped + s->tx_dropped;
        line(p, A_BOLD, 0, "%s %s %s%s err %llu drop %llu", tab->g->name, tab->g->tap,
             s->up ? "up" : "DOWN", s->carrier ? "" : " no-carrier", errs, drops);
        rate_line(p, "rx", s->rx_bytes, s->rx_packets, &tab->rx);
        rate_line(p, "tx", s->tx_bytes, s->tx_packets, &tab->tx);
    }
    if (ng == 0)
        line(p, A_DIM, 0, " (no guests)");
    if (t->have_uplink) {
        line(p, A_BOLD, 0, "%s (uplink)", lab->uplink);
        rate_line(p, "rx", t->uplink.rx_bytes, t->uplink.rx_packets, &t->up_rx);
        rate_line(p, "tx", t->uplink.tx_bytes, t->uplink.tx_packets, &t->up_tx);
    }
    p->n++;

    char hs[INET_ADDRSTRLEN];
    line(p, A_BOLD, title, "Host %s", addr_str(lab->host, hs));
    bool fwd = strcmp(t->ip_forward, "1") == 0;
    line(p, A_NORMAL, fwd ? 0 : ui_pair(COLOR_RED, -1), " ip_forward=%s  NAT %s%s", t->ip_forward,
         lab->nat ? "on via " : "off", lab->nat ? lab->uplink : "");
    int fine = 0, bare = 0;
    for (size_t i = 0; i < t->ntabs; i++) {
        struct tab *tab = t->tabs[i];
        if (tab->kind != TAB_GUEST)
            continue;
        char as[INET_ADDRSTRLEN];
        bool ok = tab->g->addr.s_addr == 0 || (tab->hs.proxy_arp && tab->hs.route);
        if (compact && ok) { /* many guests: only the ones that need a look */
            fine += tab->g->addr.s_addr != 0;
            bare += tab->g->addr.s_addr == 0;
            continue;
        }
        line(p, A_NORMAL, ok ? 0 : ui_pair(COLOR_YELLOW, -1), " %s %s proxy_arp %s route %s",
             tab->g->name, tab->g->addr.s_addr ? addr_str(tab->g->addr, as) : "(no address)",
             tab->hs.proxy_arp ? "on" : "off", tab->hs.route ? "yes" : "no");
    }
    if (fine || bare)
        line(p, A_NORMAL, 0, " %d routed+proxy_arp, %d no address", fine, bare);
    if (lab->inet_netns[0])
        line(p, A_NORMAL, 0, " internet: %s", SANDBOX_INET);
    p->n++;

    line(p, A_BOLD, title, "Rules (* = umlab's, moved = highlighted)");
    for (int c = 0; c < 2; c++)
        draw_chain(p, &t->chains[c], lab->name);
    if (t->iptables && strcmp(t->iptables, "nf_tables") == 0)
        line(p, A_DIM, 0, "(x_tables: `iptables-legacy -L -v` shows them)");
}

void side_draw(struct tui *t)
{
    const struct rect *r = &t->lay.side;
    draw_fill(r, A_NORMAL, 0);
    cchar_t v;
    wchar_t bar[2] = {L'\u2502', L'\0'};
    int bp = ui_pair(COLOR_CYAN, -1);
    if (setcchar(&v, bar, A_NORMAL, 0, &bp) != ERR)
        mvwvline_set(stdscr, r->y, r->x, &v, r->h);
    struct pen p = {.t = t, .x = r->x + 2, .w = r->w - 2, .count_only = true};
    side_lines(t, &p, r->h);
    struct vscroll vs;
    layout_vscroll(p.n, r->h, &t->side_scroll, &vs);
    p = (struct pen){.t = t,
                     .x = r->x + 2,
                     .w = r->w - 2,
                     .top = vs.top,
                     .rows = vs.rows,
                     .y0 = r->y + vs.above};
    side_lines(t, &p, r->h);
    int more = ui_pair(COLOR_BLACK, COLOR_CYAN);
    char m[96];
    if (vs.above) {
        snprintf(m, sizeof m, "\u25b2 %d more (" KEYS_PREFIX_NAME " {, wheel)", vs.top);
        draw_text(r->y, r->x + 2, r->w - 2, A_NORMAL, more, m);
    }
    if (vs.below) {
        snprintf(m, sizeof m, "\u25bc %d more (" KEYS_PREFIX_NAME " }, wheel)",
                 p.n - vs.top - vs.rows);
        draw_text(r->y + r->h - 1, r->x + 2, r->w - 2, A_NORMAL, more, m);
    }
}

void side_scroll(struct tui *t, int lines)
{
    t->side_scroll += lines; /* clamped when drawn */
    if (t->side_scroll < 0)
        t->side_scroll = 0;
    tui_mark(t, D_SIDE);
}
