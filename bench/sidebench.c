/* sidebench.c — the side pane's cost: a lab snapshot with N taps (traffic in
 * their rates) and R rules drawn into a 48x160 curses screen that writes to
 * /dev/null, once a "second" as the console does (rates move, so the
 * sparklines shift), with the frame sent (doupdate). Prints µs per refresh.
 *   usage: make sidebench; build/sidebench [TAPS] [RULES] [ITER] [idle|live]
 * (idle: no traffic, nothing changes). live: the snapshot is read from the
 * kernel each refresh as the console does (snapshot_tick: counters, routes,
 * proxy_arp, ip_forward, both chains), the taps tap0.. of guests g1..: root,
 * in a namespace with those taps and rules — bench/sidebench.sh makes one.
 * bench/scale.sh measures the whole console at scale. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include "netcfg/link.h"
#include "tui/ui.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* The lab's guests g1.. on taps tap0.. (routed, 10.0.0.1..), read from the
 * namespace this runs in: the snapshot replaces the made-up one. */
static int live_lab(struct lab *lab, int ntaps)
{
    struct err e;
    if (nlconn_open(&lab->nl, &e) < 0) {
        fprintf(stderr, "sidebench: %s\n", e.msg);
        return -1;
    }
    snapshot_free(&lab->snap);
    lab->guests = calloc(ntaps, sizeof *lab->guests);
    if (!lab->guests)
        return -1;
    for (int i = 0; i < ntaps; i++) {
        struct guest *g = calloc(1, sizeof *g);
        if (!g)
            return -1;
        g->lab = lab;
        snprintf(g->name, sizeof g->name, "g%d", i + 1);
        snprintf(g->tap, sizeof g->tap, "tap%d", i);
        g->addr.s_addr = htonl(0x0a000001 + i);
        g->routed = 0;
        lab->guests[lab->nguests++] = g;
    }
    snprintf(lab->uplink, sizeof lab->uplink, "uplink0");
    lab_snapshot_watch(lab, true);
    const struct snap_iface *f = snapshot_iface(&lab->snap, "tap0");
    if (!f || !f->have || !f->route || !f->proxy_arp || lab->snap.chains[1].err[0]) {
        fprintf(stderr, "sidebench: live: no tap0 with its route and proxy_arp, or no rules "
                        "(run it through bench/sidebench.sh)\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int ntaps = argc > 1 ? atoi(argv[1]) : 32, nrules = argc > 2 ? atoi(argv[2]) : 200;
    int iters = argc > 3 ? atoi(argv[3]) : 300;
    bool idle = argc > 4 && strcmp(argv[4], "idle") == 0; /* nothing moves */
    bool live = argc > 4 && strcmp(argv[4], "live") == 0; /* read from the kernel */
    setlocale(LC_ALL, "C.UTF-8");
    FILE *out = fopen("/dev/null", "w");
    if (!out)
        return 1;
    SCREEN *scr = newterm("xterm-256color", out, stdin);
    if (!scr)
        return 1;
    start_color();
    use_default_colors();
    resizeterm(48, 160);
    static struct lab lab;
    static struct tui t;
    snprintf(lab.name, sizeof lab.name, "bench");
    lab.nat = true;
    snprintf(lab.uplink, sizeof lab.uplink, "eth0");
    lab.host.s_addr = htonl(0x0a000001);
    struct snapshot *s = &lab.snap;
    snprintf(s->ip_forward, sizeof s->ip_forward, "1");
    s->nifs = ntaps + 1;
    s->ifs = calloc(s->nifs, sizeof *s->ifs);
    for (int i = 0; i < ntaps; i++) {
        struct snap_iface *f = &s->ifs[i];
        snprintf(f->name, sizeof f->name, "tap%d", i);
        snprintf(f->guest, sizeof f->guest, "g%d", i + 1);
        f->kind = SNAP_TAP;
        f->have = true;
        f->c.up = f->c.carrier = true;
        f->addr.s_addr = htonl(0x0a000002 + i);
        f->proxy_arp = f->route = true;
    }
    s->ifs[ntaps].kind = SNAP_UPLINK;
    s->ifs[ntaps].have = true;
    snprintf(s->ifs[ntaps].name, sizeof s->ifs[ntaps].name, "eth0");
    s->chains[0].table = "nat";
    s->chains[0].chain = "POSTROUTING";
    s->chains[1].table = "filter";
    s->chains[1].chain = "FORWARD";
    s->chains[1].n = nrules;
    s->chains[1].rules = calloc(nrules, sizeof(struct snap_rule));
    for (int i = 0; i < nrules; i++) {
        snprintf(s->chains[1].rules[i].target, 32, "ACCEPT");
        snprintf(s->chains[1].rules[i].in_if, 16, "tap%d", i % 32);
    }
    if (live && live_lab(&lab, ntaps) < 0)
        return 1;
    t.lab = &lab;
    t.side = true;
    t.rows = 48;
    t.cols = 160;
    struct layout_in in = {48, 160, true, false, false};
    layout_compute(&in, &t.lay);
    double total = 0, worst = 0, rtotal = 0, rworst = 0;
    int64_t ms = 0;
    for (int k = 0; k < iters; k++) {
        ms += 1000;
        if (live) {
            double a = now_us();
            snapshot_tick(&lab);
            double d = now_us() - a;
            rtotal += d;
            rworst = d > rworst ? d : rworst;
        }
        for (int i = 0; i <= ntaps && !idle && !live; i++) { /* a second of traffic */
            struct snap_iface *f = &s->ifs[i];
            f->c.rx_bytes += 1000 * (i + 1) + (k % 7) * 3000;
            f->c.tx_bytes += 500 * (i + 1);
            f->c.rx_packets += 10;
            rate_sample(&f->rx, f->c.rx_bytes, ms);
            rate_sample(&f->tx, f->c.tx_bytes, ms);
        }
        for (int i = 0; i < nrules; i++)
            s->chains[1].rules[i].packets += !idle && !live && i % 3 == 0;
        double a = now_us();
        side_draw(&t);
        wnoutrefresh(stdscr);
        doupdate();
        double d = now_us() - a;
        total += d;
        worst = d > worst ? d : worst;
    }
    endwin();
    delscreen(scr);
    if (live) {
        size_t nr = lab.snap.chains[0].n + lab.snap.chains[1].n;
        printf("side pane, live: %d taps, %zu rules: read %.0f us (max %.0f), draw %.0f us (max "
               "%.0f), per refresh over %d\n",
               ntaps, nr, rtotal / iters, rworst, total / iters, worst, iters);
        return 0;
    }
    printf("side pane: %d taps, %d rules: %.0f us per refresh (max %.0f) over %d\n", ntaps, nrules,
           total / iters, worst, iters);
    return 0;
}
