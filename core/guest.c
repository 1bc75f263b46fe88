/* guest.c — one UML guest: its process on a pty, its terminal, its state. */
#include "core/guest.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/procinfo.h"
#include "core/umlargv.h"

#define READ_CHUNK  65536
#define READ_BUDGET (512 * 1024) /* per wakeup, so one flood cannot starve the rest */
/* A wakeup that drained this much may have emptied a pty the guest was blocked
 * on (big writes, e.g. `cat` of a file): see guest_kick_if_stalled. */
#define DRAIN_KICK 4096

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
        if (WIFSIGNALED(g->wstatus))
            snprintf(buf, bufsz, "exited (signal %d)", WTERMSIG(g->wstatus));
        else
            snprintf(buf, bufsz, "exited (status %d)", WEXITSTATUS(g->wstatus));
        return buf;
    }
    return "?";
}

/* The text of the cursor row when the cursor waits at its end (right after
 * it, or one blank after): what a prompt looks like. Length, or 0 if not. */
static size_t waiting_row(const struct guest *g, char *row, size_t rowsz)
{
    if (!g->term || g->state == GUEST_EXITED)
        return 0;
    struct term_cursor c;
    term_get_cursor(g->term, &c);
    size_t n = term_row_text(g->term, c.row, row, rowsz);
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
    if (pty_write(&g->pty, line, strlen(line), &e) < 0)
        return -1;
    loop_set_events(g->lab->loop, g->pty.master, POLLIN | POLLOUT);
    return 0;
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
    if (!g->term)
        return false;
    struct term_cursor c;
    term_get_cursor(g->term, &c);
    int oldest = -term_scrollback_count(g->term);
    int from = c.row - 300 > oldest ? c.row - 300 : oldest;
    char row[1024];
    for (int r = from; r <= c.row; r++) {
        term_row_text(g->term, r, row, sizeof row);
        if (strstr(row, "Kernel panic - not syncing"))
            return true;
    }
    return false;
}

static void maybe_finish(struct guest *g)
{
    if (g->state != GUEST_EXITED && !g->pty_open && g->reaped) {
        g->panicked = console_shows_panic(g);
        g->state = GUEST_EXITED;
        notify(g);
    }
}

static void close_pty(struct guest *g)
{
    if (!g->pty_open)
        return;
    loop_unwatch(g->lab->loop, g->pty.master);
    pty_close(&g->pty);
    g->pty_open = false;
}

static void on_pty(void *ctx, int fd, short revents)
{
    struct guest *g = ctx;
    (void)fd;
    if (revents & POLLOUT) {
        struct err e;
        if (pty_flush(&g->pty, &e) < 0)
            revents |= POLLHUP;
        else if (!pty_wants_pollout(&g->pty))
            loop_set_events(g->lab->loop, g->pty.master, POLLIN);
    }
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        /* The UML console arrives a few bytes per read: gather what is there
         * and feed the terminal once (its damage flush is per call). */
        char buf[READ_CHUNK];
        size_t total = 0, used = 0;
        bool eof = false;
        while (total < READ_BUDGET) {
            ssize_t n = pty_read(&g->pty, buf + used, sizeof buf - used);
            if (n > 0) {
                used += (size_t)n;
                total += (size_t)n;
                if (used == sizeof buf) {
                    term_feed(g->term, buf, used);
                    used = 0;
                }
                continue;
            }
            eof = n < 0;
            break;
        }
        if (used)
            term_feed(g->term, buf, used);
        if (total)
            g->output_ms = loop_now_ms();
        /* wake a writer that may be blocked on the pty now, not at the stall kick */
        if (total >= DRAIN_KICK && total < READ_BUDGET && !eof)
            kill(g->pty.pid, SIGIO);
        if (eof) { /* the guest closed its console: everything has been read */
            close_pty(g);
            maybe_finish(g);
        }
        if (g->state == GUEST_BOOTING && guest_at_prompt(g)) {
            g->state = GUEST_RUNNING;
            g->ready_ms = loop_now_ms();
        } else if (g->state == GUEST_BOOTING) {
            answer_getty(g);
        }
        if (total)
            notify(g);
    }
}

static void on_exit_status(void *ctx, pid_t pid, int wstatus)
{
    struct guest *g = ctx;
    (void)pid;
    g->wstatus = wstatus;
    g->reaped = true;
    if (g->j_proc > 0) {
        struct err e;
        if (journal_done(&g->lab->journal, (unsigned)g->j_proc, &e) == 0)
            g->j_proc = -1;
    }
    /* Keep reading until EIO: the last output is still in the pty. Poll drives it. */
    maybe_finish(g);
    notify(g);
}

/* Terminal replies (cursor position reports, keys) go to the guest. */
static void term_to_pty(const char *bytes, size_t len, void *ctx)
{
    struct guest *g = ctx;
    if (!g->pty_open)
        return;
    struct err e;
    if (pty_write(&g->pty, bytes, len, &e) < 0)
        return; /* the guest is going away; its EIO will follow */
    if (pty_wants_pollout(&g->pty))
        loop_set_events(g->lab->loop, g->pty.master, POLLIN | POLLOUT);
}

/* UML's console can lose the SIGIO that tells it its pty is writable again
 * (seen when the reader falls behind a flood): the guest then sleeps with its
 * output pending. A guest that was talking and went quiet gets a SIGIO: for
 * UML a spurious one is harmless (it polls its fds), a lost one is fatal.
 * Big writes (`cat` of a file) fill the pty at once and stalled every time
 * until this kick (1.5 MB: ~15 s vs ~3 s in small writes), so on_pty also
 * sends one right away whenever it drained a pty that had a lot in it. */
void guest_kick_if_stalled(struct guest *g, int64_t now)
{
    if (!g->pty_open || g->reaped || g->state == GUEST_EXITED || !g->output_ms)
        return;
    int64_t quiet = now - g->output_ms;
    if (quiet >= 900 && quiet < 5000)
        kill(g->pty.pid, SIGIO);
}

int guest_send(struct guest *g, const char *text, struct err *e)
{
    if (!g->pty_open)
        return err_set(e, "%s is not running", g->name);
    if (pty_write(&g->pty, text, strlen(text), e) < 0)
        return -1;
    if (pty_wants_pollout(&g->pty))
        loop_set_events(g->lab->loop, g->pty.master, POLLIN | POLLOUT);
    /* `expect` looks at what the guest shows from here on */
    g->expect_mark = term_lines_pushed(g->term) + (uint64_t)guest_cursor_row(g);
    return 0;
}

int guest_cursor_row(const struct guest *g)
{
    struct term_cursor c;
    term_get_cursor(g->term, &c);
    return c.row;
}

extern char **environ;

/* umlab's environment with LD_PRELOAD=PRELOAD instead of any it had (see
 * core/umlshim/xstate.c). NULL when out of memory. */
static char **uml_env(const char *preload)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "LD_PRELOAD=", 11) == 0)
            continue;
        if (!(env[k++] = strdup(environ[i])))
            goto fail;
    }
    if (asprintf(&env[k], "LD_PRELOAD=%s", preload) < 0) {
        env[k] = NULL;
        goto fail;
    }
    return env;
fail:
    for (size_t i = 0; env[i]; i++)
        free(env[i]);
    free(env);
    return NULL;
}

static void free_env(char **env)
{
    if (!env)
        return;
    for (size_t i = 0; env[i]; i++)
        free(env[i]);
    free(env);
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
        if (o != g && !o->reaped && o->cpu >= 0)
            in_use[n++] = o->cpu;
    }
    return cpuplace_choose(&lab->place, in_use, n, g->boots ? g->cpu : -1);
}

int guest_start(struct guest *g, const char *ip_cidr, const char *gateway, struct err *e)
{
    struct lab *lab = g->lab;
    char uml_dir[PATH_MAX];
    if (snprintf(uml_dir, sizeof uml_dir, "%s/guests/uml", lab->statedir) >= (int)sizeof uml_dir)
        return err_set(e, "state directory path too long");
    struct uml_params p = {
        .kernel = g->kernel,
        .rootfs = g->rootfs,
        .cow = g->cow,
        .umid = g->umid,
        .uml_dir = uml_dir,
        .tap = g->tap,
        .hostname = g->name,
        .ip_cidr = ip_cidr,
        .gateway = gateway,
        .mem_mb = g->mem_mb,
    };
    char **argv = uml_argv_build(&p, e);
    if (!argv)
        return -1;

    if (!g->term) {
        g->term = term_new(lab->rows, lab->cols, LAB_SCROLLBACK, term_to_pty, g);
        if (!g->term) {
            uml_argv_free(argv);
            return err_set(e, "%s: cannot create its terminal", g->name);
        }
    }
    char **env = NULL;
    if (lab->uml_preload[0] && !(env = uml_env(lab->uml_preload))) {
        uml_argv_free(argv);
        return err_sys(e, "%s: environment", g->name);
    }
    struct pty_spawn_opts so = {
        .env = env,
        .rows = (unsigned short)lab->rows,
        .cols = (unsigned short)lab->cols,
        .uid = lab->guest_uid,
        .gid = lab->guest_gid,
        .drop_priv = lab->drop_priv,
        .cwd = lab->statedir,
        .keep_fds = {-1, -1, -1, -1},
    };
    cpu_set_t one;
    g->cpu = place_guest(g);
    if (g->cpu >= 0) {
        cpuplace_set(g->cpu, &one);
        so.affinity = &one; /* set in the child: UML's helpers and tracees inherit it */
    }
    int rc = pty_spawn(&g->pty, argv, &so, e);
    uml_argv_free(argv);
    free_env(env);
    if (rc < 0)
        return -1;
    g->pty_open = true;
    g->reaped = false;
    g->state = GUEST_BOOTING;
    g->started_ms = loop_now_ms();
    g->ready_ms = 0;
    g->logged_in = false;
    g->login_step = 0;
    g->login_note[0] = '\0';
    g->panicked = false;
    g->boots++;

    /* Recorded right after fork: a pid cannot be known before. */
    char pid[16], start[32];
    snprintf(pid, sizeof pid, "%d", (int)g->pty.pid);
    unsigned long long st = 0;
    if (proc_starttime(g->pty.pid, &st) < 0)
        st = 0;
    snprintf(start, sizeof start, "%llu", st);
    g->j_proc = journal_add(&lab->journal, J_PROC, e, 2, pid, start);
    if (g->j_proc < 0 || loop_watch(lab->loop, g->pty.master, POLLIN, on_pty, g, e) < 0 ||
        loop_watch_child(lab->loop, g->pty.pid, on_exit_status, g, e) < 0) {
        kill(-g->pty.pid, SIGKILL);
        waitpid(g->pty.pid, NULL, 0);
        loop_unwatch(lab->loop, g->pty.master);
        pty_close(&g->pty);
        g->pty_open = false;
        g->reaped = true;
        g->state = GUEST_EXITED;
        return -1;
    }
    notify(g);
    return 0;
}

/* Kills the guest's whole process group and reaps it (no mconsole). */
void guest_kill(struct guest *g)
{
    if (g->reaped || g->pty.pid <= 0)
        return;
    kill(-g->pty.pid, SIGKILL);
    kill(g->pty.pid, SIGKILL);
    int st;
    pid_t r;
    do
        r = waitpid(g->pty.pid, &st, 0);
    while (r < 0 && errno == EINTR);
    loop_unwatch_child(g->lab->loop, g->pty.pid);
    on_exit_status(g, g->pty.pid, r == g->pty.pid ? st : 0);
}

/* Reads what is left in the pty (after the child exited) and closes it. */
void guest_drain(struct guest *g)
{
    if (!g->pty_open)
        return;
    char buf[READ_CHUNK];
    for (int i = 0; i < 64; i++) {
        ssize_t n = pty_read(&g->pty, buf, sizeof buf);
        if (n > 0) {
            term_feed(g->term, buf, (size_t)n);
            continue;
        }
        if (n < 0)
            break;
        if (!g->reaped)
            break;
        /* reaped but no EIO yet: UML helpers may still hold the slave */
        usleep(2000);
    }
    close_pty(g);
    maybe_finish(g);
}

void guest_free(struct guest *g)
{
    if (!g)
        return;
    if (g->pty_open) {
        loop_unwatch(g->lab->loop, g->pty.master);
        pty_close(&g->pty);
    }
    term_free(g->term);
    free(g);
}
