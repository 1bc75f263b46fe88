/* guest.c — one UML guest on its pane (core/pane.h): what is UML's — its
 * command line, journal record, CPU, prompt and getty detection, stall kick. */
#include "core/guest.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/wait.h>

#include "core/ctlchan.h"
#include "core/lab_shell.h"
#include "core/procinfo.h"
#include "core/umlargv.h"

/* A wakeup that drained this much may have emptied a pty the guest was blocked
 * on (big writes, e.g. `cat` of a file): see guest_kick_if_stalled. */
#define DRAIN_KICK 4096
/* The autogroup nice of each guest's session (pty.h: session_nice). */
#define GUEST_SESSION_NICE 5

static void notify(struct guest *g)
{
    if (g->lab->hooks.guest_changed)
        g->lab->hooks.guest_changed(g->lab->hooks.ctx, g);
}

bool guest_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= GUEST_NAME_MAX)
        return false;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return strcmp(name, "host") != 0 && strcmp(name, "all") != 0;
}

const char *guest_state_name(const struct guest *g, char *buf, size_t bufsz)
{
    switch (g->state) {
    case GUEST_BOOTING:
        return "booting";
    case GUEST_RUNNING:
        return "running";
    case GUEST_EXITED:
        if (g->panicked)
            return "exited (kernel panic)";
        if (WIFSIGNALED(g->pane.wstatus))
            snprintf(buf, bufsz, "exited (signal %d)", WTERMSIG(g->pane.wstatus));
        else
            snprintf(buf, bufsz, "exited (status %d)", WEXITSTATUS(g->pane.wstatus));
        return buf;
    }
    return "?";
}

/* The text of the cursor row when the cursor waits at its end (right after
 * it, or one blank after): what a prompt looks like. Length, or 0 if not. */
static size_t waiting_row(const struct guest *g, char *row, size_t rowsz)
{
    if (!g->pane.term || g->state == GUEST_EXITED)
        return 0;
    struct term_cursor c;
    term_get_cursor(g->pane.term, &c);
    size_t n = term_row_text(g->pane.term, c.row, row, rowsz);
    /* column of the cursor vs. characters on the row (ASCII prompts) */
    return ((size_t)c.col == n + 1 || (size_t)c.col == n) ? n : 0;
}

/* A shell prompt: the row ends with '#', '$' or '>' (busybox, bash, dash). */
bool guest_at_prompt(const struct guest *g)
{
    char row[1024];
    size_t n = waiting_row(g, row, sizeof row);
    return n > 0 && strchr("#$>", row[n - 1]) != NULL;
}

/* A getty's login prompt ("buildroot login: "). */
bool guest_at_login(const struct guest *g)
{
    char row[1024];
    static const char tail[] = "login:";
    size_t n = waiting_row(g, row, sizeof row), tl = sizeof tail - 1;
    return n >= tl && strcmp(row + n - tl, tail) == 0;
}

/* A getty's password prompt ("Password: "). */
static bool guest_at_password(const struct guest *g)
{
    char row[1024];
    size_t n = waiting_row(g, row, sizeof row);
    return n >= 9 && strcasecmp(row + n - 9, "password:") == 0;
}

__attribute__((format(printf, 2, 3))) static void login_note(struct guest *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->login_note, sizeof g->login_note, fmt, ap);
    va_end(ap);
    if (g->lab->hooks.guest_note)
        g->lab->hooks.guest_note(g->lab->hooks.ctx, g, g->login_note);
}

static int type_line(struct guest *g, const char *text)
{
    struct err e;
    char line[LOGIN_PASS_MAX + 2];
    snprintf(line, sizeof line, "%s\r", text);
    return pane_write(&g->pane, line, strlen(line), &e);
}

/* Answers a getty (a Buildroot or Debian image) as the lab or guest asks:
 * the user at "login:", the password at "Password:", each once per boot so
 * a wrong password cannot loop. The log shows the user, never the password. */
static void answer_getty(struct guest *g)
{
    const struct login *l = &g->login;
    if (l->off || g->state != GUEST_BOOTING)
        return;
    if (g->login_step == 0 && guest_at_login(g)) {
        if (type_line(g, l->user) == 0) {
            g->login_step = 1;
            g->logged_in = true;
            login_note(g, "typed '%s' at its login prompt", l->user);
        }
    } else if (g->login_step == 1 && guest_at_password(g)) {
        g->login_step = 2;
        if (!l->has_pass)
            login_note(g, "asks %s's password: give it with --login %s:PASSWORD", l->user, l->user);
        else if (type_line(g, l->pass) == 0)
            login_note(g, "typed '%s' and password **** at its login prompt", l->user);
    }
}

/* The kernel's last words, if it panicked: looked for in what the console
 * showed last (a panic ends the UML process). */
static bool console_shows_panic(const struct guest *g)
{
    struct strbuf t = {0};
    uint64_t cur = pane_cursor_line(&g->pane);
    pane_text(&g->pane, cur > 300 ? cur - 300 : 0, &t);
    bool panic = strstr(sb_str(&t), "Kernel panic - not syncing") != NULL;
    sb_free(&t);
    return panic;
}

/* The process was reaped or its console closed: exited once both. */
static void on_ended(void *ctx)
{
    struct guest *g = ctx;
    if (g->pane.reaped && g->j_proc > 0) {
        struct err e;
        if (journal_done(&g->lab->journal, (unsigned)g->j_proc, &e) == 0)
            g->j_proc = -1;
    }
    if (g->state != GUEST_EXITED && !g->pane.open && g->pane.reaped) {
        g->panicked = console_shows_panic(g);
        g->state = GUEST_EXITED;
    }
    notify(g);
}

static void on_output(void *ctx, size_t n, bool drained)
{
    struct guest *g = ctx;
    /* wake a writer that may be blocked on the pty now, not at the stall kick */
    if (n >= DRAIN_KICK && drained)
        kill(g->pane.pty.pid, SIGIO);
    if (g->state == GUEST_BOOTING && guest_at_prompt(g)) {
        g->state = GUEST_RUNNING;
        g->ready_ms = loop_now_ms();
    } else if (g->state == GUEST_BOOTING) {
        answer_getty(g);
    }
    if (n)
        notify(g);
}

static const struct pane_hooks guest_pane_hooks = {on_output, on_ended};

/* UML's console can lose the SIGIO that tells it its pty is writable again
 * (seen when the reader falls behind a flood): the guest then sleeps with its
 * output pending. A guest that was talking and went quiet gets a SIGIO: for
 * UML a spurious one is harmless (it polls its fds), a lost one is fatal.
 * Big writes (`cat` of a file) fill the pty at once and stalled every time
 * until this kick (1.5 MB: ~15 s vs ~3 s in small writes), so on_output also
 * sends one right away whenever it drained a pty that had a lot in it. */
void guest_kick_if_stalled(struct guest *g, int64_t now)
{
    if (!g->pane.open || g->pane.reaped || g->state == GUEST_EXITED || !g->pane.output_ms)
        return;
    int64_t quiet = now - g->pane.output_ms;
    if (quiet >= 900 && quiet < 5000)
        kill(g->pane.pty.pid, SIGIO);
}

int guest_send(struct guest *g, const char *text, struct err *e)
{
    if (!g->pane.open)
        return err_set(e, "%s is not running", g->name);
    if (pane_write(&g->pane, text, strlen(text), e) < 0)
        return -1;
    lab_shell_typed(g, text);
    /* `expect` looks at what the guest shows from here on */
    g->expect_mark = pane_cursor_line(&g->pane);
    return 0;
}

/* The CPU for G's processes this boot: least loaded among the lab's CPUs,
 * its previous one among equals (restarts keep their place when they can). */
static int place_guest(struct guest *g)
{
    struct lab *lab = g->lab;
    int in_use[CPUPLACE_MAX * 4];
    size_t n = 0;
    for (size_t i = 0; i < lab->nguests && n < sizeof in_use / sizeof *in_use; i++) {
        const struct guest *o = lab->guests[i];
        if (o != g && !o->pane.reaped && o->cpu >= 0)
            in_use[n++] = o->cpu;
    }
    return cpuplace_choose(&lab->place, in_use, n, g->boots ? g->cpu : -1);
}

/* Destination of a route as the init takes it: "default" or DEST/LEN. */
static void route_dest(const struct guest_route *r, char *out, size_t outsz)
{
    char ds[INET_ADDRSTRLEN];
    if (r->prefix == 0)
        snprintf(out, outsz, "default");
    else
        snprintf(out, outsz, "%s/%d", addr_str(r->dest, ds), r->prefix);
}

int guest_start(struct guest *g, struct err *e)
{
    struct lab *lab = g->lab;
    char uml_dir[PATH_MAX];
    if (snprintf(uml_dir, sizeof uml_dir, "%s/guests/uml", lab->statedir) >= (int)sizeof uml_dir)
        return err_set(e, "state directory path too long");
    /* Every NIC on the command line; the embedded image's init also sets the
     * addresses, routes and forwarding from it (other images get them typed). */
    struct uml_nic nics[GUEST_MAX_NICS] = {0};
    char cidrs[GUEST_MAX_NICS][32], dests[GUEST_MAX_ROUTES][32], gws[GUEST_MAX_ROUTES][16];
    struct uml_route routes[GUEST_MAX_ROUTES];
    size_t nnics = 0;
    bool has_default = false;
    for (size_t i = 0; i < GUEST_MAX_NICS; i++) {
        const struct guest_nic *n = &g->nics[i];
        if (!n->present)
            continue;
        nics[i].tap = n->tap;
        if (lab_lan_nic_mtu(n->lan) != 1500) /* a stretched LAN: VXLAN's 50 bytes */
            nics[i].mtu = lab_lan_nic_mtu(n->lan);
        if (n->addr.s_addr) {
            char as[INET_ADDRSTRLEN];
            snprintf(cidrs[i], sizeof cidrs[i], "%s/%d", addr_str(n->addr, as), n->prefix);
            nics[i].ip_cidr = cidrs[i];
        }
        nnics = i + 1;
    }
    for (size_t i = 0; i < g->nroutes; i++) {
        route_dest(&g->routes[i], dests[i], sizeof dests[i]);
        addr_str(g->routes[i].gw, gws[i]);
        routes[i] = (struct uml_route){dests[i], gws[i]};
        has_default |= g->routes[i].prefix == 0;
    }
    /* the seed's routed tap with an address: the host is the default gateway */
    char hs[INET_ADDRSTRLEN];
    const char *gateway = NULL;
    if (g->routed >= 0 && g->nics[g->routed].addr.s_addr && !has_default)
        gateway = addr_str(lab->host, hs);
    struct uml_params p = {
        .kernel = g->kernel,
        .rootfs = g->rootfs,
        .cow = g->cow,
        .umid = g->umid,
        .uml_dir = uml_dir,
        .hostname = g->name,
        .gateway = gateway,
        .mem_mb = g->mem_mb,
        .nics = nnics ? nics : NULL,
        .nnics = nnics,
        .routes = routes,
        .nroutes = g->nroutes,
        .forward = g->forward,
        .share_image = lab->share.image[0] ? lab->share.image : NULL,
        .share_cow = g->share_cow[0] ? g->share_cow : NULL,
        .share_mount = lab->share.mount,
    };
    /* A new control channel each boot; only the embedded image runs its shell
     * loop on tty2 (other images: none, and checks that need one say so).
     * Its console starts clean too: the kernel's KERN_ERR notes of a UML boot
     * (SELinux's checkreqprot, mmapper_init) stay in dmesg, and its init puts
     * quiet's level back, so the guest's own errors still show. Other images'
     * inits would not: they keep quiet's level. */
    ctlchan_free(g->ctl);
    g->ctl = NULL;
    if (lab->embedded_rootfs[0] && strcmp(g->rootfs, lab->embedded_rootfs) == 0) {
        if (ctlchan_new(&g->ctl, lab->loop, e) < 0)
            return -1;
        p.ctl_fd = ctlchan_guest_fd(g->ctl);
        p.loglevel = 3;
    }
    char **argv = uml_argv_build(&p, e);
    if (!argv) {
        ctlchan_free(g->ctl);
        g->ctl = NULL;
        return -1;
    }

    if (!g->pane.term && pane_init(&g->pane, lab->loop, lab->rows, lab->cols, LAB_SCROLLBACK,
                                   &guest_pane_hooks, g, e) < 0) {
        uml_argv_free(argv);
        return -1;
    }
    char preload[PATH_MAX + 16];
    const char *set[] = {preload};
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", lab->uml_preload);
    char **env = NULL;
    if (lab->uml_preload[0] && !(env = pane_env(set, 1))) {
        uml_argv_free(argv);
        return err_sys(e, "%s: environment", g->name);
    }
    struct pty_spawn_opts so = {
        .env = env,
        .uid = lab->guest_uid,
        .gid = lab->guest_gid,
        .drop_priv = lab->drop_priv,
        .cwd = lab->statedir,
        .keep_fds = {g->ctl ? ctlchan_guest_fd(g->ctl) : -1, -1, -1, -1},
        /* each guest is a session, so a scheduling group as heavy as umlab's
         * own: lighter, umlab answers keys while 32 guests boot on its CPU */
        .session_nice = GUEST_SESSION_NICE,
    };
    cpu_set_t one;
    g->cpu = place_guest(g);
    if (g->cpu >= 0) {
        cpuplace_set(g->cpu, &one);
        so.affinity = &one; /* set in the child: UML's helpers and tracees inherit it */
    }
    int rc = pane_spawn(&g->pane, argv, &so, e);
    if (rc == 0)
        lab_shell_guest_started(g, argv, lab->uml_preload, g->cpu);
    uml_argv_free(argv);
    free(env);
    if (rc == 0 && g->ctl && ctlchan_started(g->ctl, e) < 0) {
        /* the guest runs on; its checks say they have no control channel */
        ctlchan_free(g->ctl);
        g->ctl = NULL;
    }
    if (rc < 0) {
        ctlchan_free(g->ctl);
        g->ctl = NULL;
        return -1;
    }
    g->state = GUEST_BOOTING;
    g->started_ms = loop_now_ms();
    g->net_typed = false;
    g->share_typed = false;
    g->ready_ms = 0;
    g->logged_in = false;
    g->login_step = 0;
    g->login_note[0] = '\0';
    g->panicked = false;
    g->boots++;

    /* Recorded right after fork: a pid cannot be known before. */
    char pid[16], start[32];
    snprintf(pid, sizeof pid, "%d", (int)g->pane.pty.pid);
    unsigned long long st = 0;
    if (proc_starttime(g->pane.pty.pid, &st) < 0)
        st = 0;
    snprintf(start, sizeof start, "%llu", st);
    g->j_proc = journal_add(&lab->journal, J_PROC, e, 2, pid, start);
    if (g->j_proc < 0) {
        pane_kill(&g->pane);
        pane_drain(&g->pane);
        return -1;
    }
    notify(g);
    return 0;
}

void guest_free(struct guest *g)
{
    if (!g)
        return;
    ctlchan_free(g->ctl);
    pane_fini(&g->pane);
    lab_shell_guest_free(g);
    free(g);
}
