/* side.c — the side pane: the lab's snapshot drawn (core/snapshot.h): each
 * interface's counters with rates and sparklines, the host state that decides
 * whether packets flow, and the NAT/FORWARD rules with their counters. The lab
 * refreshes it once a tick while the pane shows. */
#include <stdio.h>
#include <stdlib.h>

#include "core/checklist.h"
#include "core/lesson.h"
#include "tui/spark.h"
#include "tui/ui.h"

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
                      const struct rate *h)
{
    char b[16], r[16], head[64], spark[RATE_LEN * 3 + 1];
    fmt_size((double)bytes, b, sizeof b);
    fmt_size(rate_last(h), r, sizeof r);
    int n =
        snprintf(head, sizeof head, " %s %5s %5llup %5s/s ", dir, b, (unsigned long long)pkts, r);
    int sw = p->w - n;
    if (sw > RATE_LEN)
        sw = RATE_LEN;
    if (sw < 0)
        sw = 0;
    spark_line(h, sw, spark, sizeof spark);
    int y = pen_row(p);
    if (y < 0)
        return;
    int x = draw_text(y, p->x, p->w, A_NORMAL, 0, head);
    if (x < p->w)
        draw_text(y, p->x + x, p->w - x, A_NORMAL, ui_pair(COLOR_GREEN, -1), spark);
}

/* "g1   tap0   1.2K   340 ▁▂▅█" (! when errors or drops); WHO: the guest or LAN */
static void compact_line(struct pen *p, const struct snap_iface *f, const char *who)
{
    char rx[16], tx[16], head[64], spark[RATE_LEN * 3 + 1];
    const struct snap_counters *s = &f->c;
    fmt_size(rate_last(&f->rx), rx, sizeof rx);
    fmt_size(rate_last(&f->tx), tx, sizeof tx);
    bool bad = s->rx_errors + s->tx_errors + s->rx_dropped + s->tx_dropped > 0;
    int n = snprintf(head, sizeof head, "%-6s %-7s%c%5s %5s ", who, f->name, bad ? '!' : ' ',
                     f->have ? rx : "-", f->have ? tx : "-");
    int sw = p->w - n;
    sw = sw > RATE_LEN ? RATE_LEN : sw < 0 ? 0 : sw;
    spark_line(&f->rx, sw, spark, sizeof spark);
    int y = pen_row(p);
    if (y < 0)
        return;
    int x = draw_text(y, p->x, p->w, A_NORMAL, bad ? ui_pair(COLOR_RED, -1) : 0, head);
    if (x < p->w)
        draw_text(y, p->x + x, p->w - x, A_NORMAL, ui_pair(COLOR_GREEN, -1), spark);
}

static void draw_chain(struct pen *p, const struct snap_chain *cv)
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
        const struct snap_rule *r = &cv->rules[i];
        bool ours = r->ours, moved = r->moved;
        char pk[16], by[16];
        fmt_size((double)r->packets, pk, sizeof pk);
        fmt_size((double)r->bytes, by, sizeof by);
        char ifs[48] = "";
        if (r->in_if[0] && r->out_if[0])
            snprintf(ifs, sizeof ifs, "-i %s -o %s", r->in_if, r->out_if);
        else if (r->in_if[0] || r->out_if[0])
            snprintf(ifs, sizeof ifs, "-%c %s", r->in_if[0] ? 'i' : 'o',
                     r->in_if[0] ? r->in_if : r->out_if);
        line(p, moved ? A_BOLD : A_NORMAL,
             moved  ? hot
             : ours ? mine
                    : 0,
             "%c%5sp %5sB %s %s", ours ? '*' : ' ', pk, by, r->target, ifs);
    }
}

static const char *const kind_name[] = {"tap", "uplink", "LAN", "VXLAN port"};

/* Each LAN: its bridge with the sum of its ports, and its VXLAN port. */
static void lan_lines(struct pen *p, const struct snapshot *snap, bool compact)
{
    int n = 0;
    for (size_t i = 0; i < snap->nifs; i++) {
        const struct snap_iface *f = &snap->ifs[i];
        if (f->kind != SNAP_BRIDGE && f->kind != SNAP_VXLAN)
            continue;
        if (!n++)
            line(p, A_BOLD, ui_pair(COLOR_CYAN, -1),
                 compact ? "LANs: rx/s tx/s (rx = into the segment)"
                         : "LANs (rx = into the segment, all ports)");
        if (!f->have) {
            line(p, A_NORMAL, 0, "%s %s: %s", f->lan, f->name, f->err);
            continue;
        }
        if (compact) {
            compact_line(p, f, f->lan);
        } else if (f->kind == SNAP_BRIDGE) {
            line(p, A_BOLD, 0, "LAN %s %s %s %d port%s", f->lan, f->name, f->c.up ? "up" : "DOWN",
                 f->nports, f->nports == 1 ? "" : "s");
        } else {
            line(p, A_BOLD, 0, "LAN %s %s (%s, to other hosts)", f->lan, f->name,
                 kind_name[f->kind]);
        }
        if (f->fault[0])
            line(p, A_NORMAL, ui_pair(COLOR_YELLOW, -1), " fault: %s", f->fault);
        if (compact)
            continue;
        rate_line(p, "rx", f->c.rx_bytes, f->c.rx_packets, &f->rx);
        rate_line(p, "tx", f->c.tx_bytes, f->c.tx_packets, &f->tx);
    }
    if (n)
        p->n++;
}

/* A guest's NICs when it has more than the seed's one routed tap: ethN, its
 * tap, where it goes and its address. */
static void nic_lines(struct pen *p, const struct guest *g)
{
    bool seed = g->routed == 0;
    for (int k = 1; k < GUEST_MAX_NICS && seed; k++)
        seed = !g->nics[k].present;
    if (seed)
        return;
    for (int k = 0; k < GUEST_MAX_NICS; k++) {
        const struct guest_nic *n = &g->nics[k];
        if (!n->present)
            continue;
        char as[INET_ADDRSTRLEN], where[LAN_NAME_MAX + 8];
        snprintf(where, sizeof where, n->lan ? "LAN %s" : "routed", n->lan ? n->lan->name : "");
        if (n->addr.s_addr)
            line(p, A_NORMAL, 0, " %s eth%d %s %s %s/%d", g->name, k, n->tap, where,
                 addr_str(n->addr, as), n->prefix);
        else
            line(p, A_NORMAL, 0, " %s eth%d %s %s (no address)", g->name, k, n->tap, where);
    }
}

/* Every line of the pane, through the pen (which shows the visible ones). */
/* TEXT word-wrapped to the pane's width, INDENT blanks before each row. */
static void wrapped(struct pen *p, attr_t a, int pair, int indent, const char *text)
{
    int w = p->w - indent;
    if (w < 10)
        w = 10;
    for (const char *s = text; *s;) {
        size_t n = strlen(s);
        if (n > (size_t)w) {
            n = (size_t)w;
            while (n > 0 && s[n] != ' ')
                n--;
            if (n == 0)
                n = (size_t)w;
        }
        line(p, a, pair, "%*s%.*s", indent, "", (int)n, s);
        s += n;
        while (*s == ' ')
            s++;
    }
}

/* One check: a mark, the check as its lab-file line, why on the next row. */
static void check_row(struct pen *p, const struct checklist *cl, size_t i)
{
    const struct checklist_item *it = &cl->items[i];
    static const char *const mark[] = {"[ ]", "[\u2713]", "[\u2717]", "[?]"};
    int pair = it->state == CHECKLIST_PASS   ? ui_pair(COLOR_GREEN, -1)
               : it->state == CHECKLIST_FAIL ? ui_pair(COLOR_RED, -1)
                                             : ui_pair(COLOR_YELLOW, -1);
    struct strbuf what = {0};
    labfile_check_format(cl->spec, &cl->spec->checks[i], &what);
    line(p, it->state == CHECKLIST_PASS ? A_BOLD : A_NORMAL, pair, "%s %s", mark[it->state],
         sb_str(&what));
    sb_free(&what);
    wrapped(p, A_DIM, 0, 4, it->why);
}

/* The lesson's current step, and the checklist while it is shown: at the
 * top, where a learner looks. */
static void checks_lines(struct tui *t, struct pen *p, int title)
{
    const struct lab *lab = t->lab;
    const struct lesson *ls = lab->lesson;
    if (ls) {
        bool done = ls->cur >= ls->nsteps;
        line(p, A_BOLD, title, "Lesson: %s", ls->title ? ls->title : ls->source);
        if (done) {
            line(p, A_BOLD, ui_pair(COLOR_GREEN, -1), " done: all %zu steps", ls->nsteps);
        } else {
            line(p, A_BOLD, 0, " step %zu of %zu", ls->cur + 1, ls->nsteps);
            wrapped(p, A_NORMAL, 0, 1, ls->steps[ls->cur].text);
            check_row(p, ls->cl, ls->steps[ls->cur].check);
        }
        p->n++;
    }
    if (lab->checklist && lab->checklist_shown) {
        const struct checklist *cl = lab->checklist;
        size_t pass = 0;
        for (size_t i = 0; i < cl->n; i++)
            pass += cl->items[i].state == CHECKLIST_PASS;
        line(p, A_BOLD, title, "Checklist %zu/%zu (" KEYS_PREFIX_NAME " k: hide)", pass, cl->n);
        for (size_t i = 0; i < cl->n; i++)
            check_row(p, cl, i);
        p->n++;
    }
}

static void side_lines(struct tui *t, struct pen *p, int h)
{
    int title = ui_pair(COLOR_CYAN, -1);
    const struct lab *lab = t->lab;
    const struct snapshot *snap = &lab->snap;

    checks_lines(t, p, title);

    int ng = 0;
    for (size_t i = 0; i < snap->nifs; i++)
        ng += snap->ifs[i].kind == SNAP_TAP;
    /* three rows per tap while they take at most half the pane, else one */
    bool compact = 3 * ng > h / 2;
    line(p, A_BOLD, title,
         compact ? "Taps: rx/s tx/s (rx = from the guest)" : "Taps (rx = from the guest)");
    for (size_t i = 0; i < snap->nifs; i++) {
        const struct snap_iface *f = &snap->ifs[i];
        if (f->kind != SNAP_TAP)
            continue;
        if (compact) {
            compact_line(p, f, f->guest);
            if (f->fault[0]) /* a lesson's fault (link, netem): always in sight */
                line(p, A_NORMAL, ui_pair(COLOR_YELLOW, -1), " %s fault: %s", f->guest, f->fault);
            continue;
        }
        if (!f->have) {
            line(p, A_NORMAL, 0, "%s %s: no counters", f->guest, f->name);
            continue;
        }
        const struct snap_counters *s = &f->c;
        unsigned long long errs = s->rx_errors + s->tx_errors,
                           drops = s->rx_dropped + s->tx_dropped;
        line(p, A_BOLD, 0, "%s %s %s%s err %llu drop %llu", f->guest, f->name,
             s->up ? "up" : "DOWN", s->carrier ? "" : " no-carrier", errs, drops);
        if (f->fault[0])
            line(p, A_NORMAL, ui_pair(COLOR_YELLOW, -1), " fault: %s", f->fault);
        rate_line(p, "rx", s->rx_bytes, s->rx_packets, &f->rx);
        rate_line(p, "tx", s->tx_bytes, s->tx_packets, &f->tx);
    }
    if (ng == 0)
        line(p, A_DIM, 0, " (no guests)");
    for (size_t i = 0; i < snap->nifs; i++) { /* the uplink */
        const struct snap_iface *f = &snap->ifs[i];
        if (f->kind != SNAP_UPLINK || !f->have)
            continue;
        line(p, A_BOLD, 0, "%s (%s)", f->name, kind_name[f->kind]);
        if (f->fault[0])
            line(p, A_NORMAL, ui_pair(COLOR_YELLOW, -1), " fault: %s", f->fault);
        rate_line(p, "rx", f->c.rx_bytes, f->c.rx_packets, &f->rx);
        rate_line(p, "tx", f->c.tx_bytes, f->c.tx_packets, &f->tx);
    }
    p->n++;
    lan_lines(p, snap, compact);

    char hs[INET_ADDRSTRLEN];
    line(p, A_BOLD, title, "Host %s", addr_str(lab->host, hs));
    bool fwd = strcmp(snap->ip_forward, "1") == 0;
    line(p, A_NORMAL, fwd ? 0 : ui_pair(COLOR_RED, -1), " ip_forward=%s  NAT %s%s",
         snap->ip_forward, lab->nat ? "on via " : "off", lab->nat ? lab->uplink : "");
    int fine = 0, bare = 0;
    for (size_t i = 0; i < snap->nifs; i++) {
        const struct snap_iface *f = &snap->ifs[i];
        if (f->kind != SNAP_TAP)
            continue;
        const struct guest *g = lab_find_guest(lab, f->guest);
        if (g && g->routed != 0) /* eth0 on a LAN: no host side, its NICs below */
            continue;
        char as[INET_ADDRSTRLEN];
        bool ok = f->addr.s_addr == 0 || (f->proxy_arp && f->route);
        if (compact && ok) { /* many guests: only the ones that need a look */
            fine += f->addr.s_addr != 0;
            bare += f->addr.s_addr == 0;
            continue;
        }
        line(p, A_NORMAL, ok ? 0 : ui_pair(COLOR_YELLOW, -1), " %s %s proxy_arp %s route %s",
             f->guest, f->addr.s_addr ? addr_str(f->addr, as) : "(no address)",
             f->proxy_arp ? "on" : "off", f->route ? "yes" : "no");
    }
    if (fine || bare)
        line(p, A_NORMAL, 0, " %d routed+proxy_arp, %d no address", fine, bare);
    for (size_t i = 0; i < lab->nguests && !compact; i++)
        nic_lines(p, lab->guests[i]);
    if (lab->inet_netns[0])
        line(p, A_NORMAL, 0, " internet: %s", SANDBOX_INET);
    p->n++;

    line(p, A_BOLD, title, "Rules (* = umlab's, moved = highlighted)");
    for (int c = 0; c < SNAP_CHAINS; c++)
        draw_chain(p, &snap->chains[c]);
    if (snap->iptables && strcmp(snap->iptables, "nf_tables") == 0)
        line(p, A_DIM, 0, "(x_tables: `iptables-legacy -L -v` shows them)");
}

void side_draw(struct tui *t)
{
    struct rect below = t->lay.side;
    const struct rect *r = &below;
    draw_fill(r, A_NORMAL, 0);
    cchar_t v;
    wchar_t bar[2] = {L'\u2502', L'\0'};
    int bp = ui_pair(COLOR_CYAN, -1);
    if (setcchar(&v, bar, A_NORMAL, 0, &bp) != ERR)
        mvwvline_set(stdscr, r->y, r->x, &v, r->h);
    if (t->matrix) {
        int used = mxpane_draw(t, r->y, r->x + 2, r->w - 2, r->h / 2);
        below.y += used;
        below.h -= used;
    }
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
