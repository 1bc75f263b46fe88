/* tui.c — tui_run: curses setup, the event loop's hooks (keys, frames, the
 * 1-second tick, signals) and an orderly exit. */
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/labfile.h"
#include "tui/ui.h"

static bool needs_frame(struct tui *t)
{
    if (t->dirty)
        return true;
    struct tab *tab = tab_focused(t);
    struct term *term = tab_term(tab);
    if (term && term_is_dirty(term))
        return true;
    return tab && tab->dump && term_is_dirty(tab->dump->term);
}

/* How long this thread has waited for a CPU while it could run, ns: the
 * second figure of /proc/thread-self/schedstat; 0 when unknown. */
static int64_t run_delay_ns(const struct tui *t)
{
    char buf[96];
    ssize_t n = t->schedfd >= 0 ? pread(t->schedfd, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    unsigned long long cpu, delay;
    return sscanf(buf, "%llu %llu", &cpu, &delay) == 2 ? (int64_t)delay : 0;
}

/* After every batch of events: draw when something changed, at most once per
 * FRAME_MS, and never spending more than a quarter of the time drawing (a
 * slow terminal or build); a frame not due yet is caught by a one-shot timer.
 * A frame's cost leaves out the time it waited for a CPU: with guests
 * booting beside umlab a 0.2 ms frame preempted for 30 ms would hold the
 * next one (a key's echo) back 120 ms. */
static void on_idle(void *ctx)
{
    struct tui *t = ctx;
    if (!needs_frame(t))
        return;
    int64_t now = loop_now_ms();
    int64_t interval = FRAME_MS > 4 * t->frame_cost ? FRAME_MS : 4 * t->frame_cost;
    int64_t wait = interval - (now - t->last_frame);
    if (wait <= 0) {
        int64_t delay = run_delay_ns(t);
        draw_frame(t);
        record_pump(t);
        t->last_frame = now;
        t->frame_cost = loop_now_ms() - now - (run_delay_ns(t) - delay) / 1000000;
        return;
    }
    if (t->timer_armed)
        return;
    struct itimerspec its = {.it_value = {.tv_sec = 0, .tv_nsec = (long)wait * 1000000L}};
    if (timerfd_settime(t->timerfd, 0, &its, NULL) == 0)
        t->timer_armed = true;
}

static void on_timer(void *ctx, int fd, short revents)
{
    struct tui *t = ctx;
    (void)revents;
    uint64_t n;
    (void)!read(fd, &n, sizeof n); /* EAGAIN is fine: the idle hook draws */
    t->timer_armed = false;
}

static void on_tick(void *ctx)
{
    struct tui *t = ctx;
    tabs_note_dropped(t); /* the lab's tick refreshed the snapshot the pane shows */
    tui_mark(t, t->lay.side.w > 0 ? D_TABS | D_SIDE : D_TABS);
}

void tui_resize(struct tui *t, bool from_signal)
{
    struct winsize ws;
    /* resizeterm queues a KEY_RESIZE: answering that one with another
     * resizeterm would loop, so it only relayouts */
    if (from_signal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    getmaxyx(stdscr, t->rows, t->cols);
    tabs_apply_sizes(t);
    record_resize(t);
    tui_mark(t, D_ALL);
}

static void on_signal(void *ctx, int signo)
{
    struct tui *t = ctx;
    if (signo == SIGWINCH) {
        tui_resize(t, true);
        return;
    }
    lab_quit(t->lab, signo); /* waits stop; main closes the lab */
    t->quit = true;
}

/* Wide characters need a UTF-8 LC_CTYPE. Only LC_CTYPE: LC_NUMERIC would
 * change how the engine prints numbers. */
static void setup_locale(void)
{
    setlocale(LC_CTYPE, "");
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
}

static int start_curses(struct tui *t, SCREEN **scr, struct err *e)
{
    set_escdelay(25); /* Esc alone is a key here, not the start of a slow sequence */
    /* a descriptor of its own, which `record` can swap (record.c) */
    t->curses_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (t->curses_fd < 0)
        return err_sys(e, "terminal");
    t->curses_out = fdopen(t->curses_fd, "w");
    if (!t->curses_out)
        return err_sys(e, "terminal");
    *scr = newterm(NULL, t->curses_out, stdin);
    if (!*scr)
        return err_set(e, "cannot start curses on terminal type '%s'",
                       getenv("TERM") ? getenv("TERM") : "(unset)");
    set_term(*scr);
    raw();
    noecho();
    nonl();
    /* no typeahead check: it polls stdin and flushes output line by line
     * during doupdate (thousands of tiny writes a second in a flood) */
    typeahead(-1);
    if (has_colors()) {
        start_color();
        use_default_colors();
        t->ncolors = COLORS;
    }
    t->inwin = newwin(1, 1, 0, 0);
    if (!t->inwin)
        return err_set(e, "curses: cannot create the input window");
    keypad(t->inwin, TRUE);
    nodelay(t->inwin, TRUE);
    /* xterm's Shift-PgUp/PgDn even where terminfo does not name them */
    define_key("\033[5;2~", KEY_SPREVIOUS);
    define_key("\033[6;2~", KEY_SNEXT);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                  | BUTTON5_PRESSED
#endif
              ,
              NULL);
    mouseinterval(0);
    getmaxyx(stdscr, t->rows, t->cols);
    return 0;
}

static void teardown(struct tui *t, SCREEN *scr)
{
    struct loop *l = t->loop;
    record_end(t); /* endwin needs the terminal back */
    loop_on_idle(l, NULL, NULL);
    loop_on_tick(l, NULL, NULL);
    loop_on_signal(l, NULL, NULL);
    loop_unwatch(l, STDIN_FILENO);
    if (t->timerfd >= 0) {
        loop_unwatch(l, t->timerfd);
        close(t->timerfd);
    }
    if (t->schedfd >= 0)
        close(t->schedfd);
    lab_snapshot_watch(t->lab, false);
    tabs_free_all(t);
    prompt_fini(t);
    if (scr) {
        if (t->inwin)
            delwin(t->inwin);
        endwin();
        delscreen(scr);
    }
    if (t->curses_out)
        fclose(t->curses_out);
    else if (t->curses_fd >= 0)
        close(t->curses_fd);
    crash_uninstall();
    for (size_t i = 0; i < t->nqueue; i++)
        free(t->queue[i]);
    free(t->queue);
    free(t->overlay);
    logring_free(&t->log);
    free(t);
}

int tui_run(struct lab *lab, const struct tui_opts *opts, struct err *e)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return err_set(e, "the console needs a terminal (scripts: umlab --batch FILE)");
    struct tui *t = calloc(1, sizeof *t);
    if (!t)
        return err_sys(e, "console");
    t->lab = lab;
    t->loop = lab->loop;
    t->opts = opts;
    t->timerfd = -1;
    t->curses_fd = -1;
    t->schedfd = -1;
    SCREEN *scr = NULL;
    if (logring_init(&t->log, 1000) < 0) {
        free(t);
        return err_sys(e, "console log");
    }
    t->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (t->timerfd < 0) {
        err_sys(e, "timerfd");
        teardown(t, NULL);
        return -1;
    }
    /* -1 (no scheduler statistics): frames are costed by wall time */
    t->schedfd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    setup_locale();
    crash_install();
    if (start_curses(t, &scr, e) < 0 || prompt_init(t, e) < 0) {
        teardown(t, scr);
        return -1;
    }
    t->side = t->cols >= 100; /* narrower: the console gets the width (Ctrl-] s) */
    tabs_install_hooks(t);
    tabs_apply_sizes(t);
    if (loop_watch(t->loop, STDIN_FILENO, POLLIN, input_on_stdin, t, e) < 0 ||
        loop_watch(t->loop, t->timerfd, POLLIN, on_timer, t, e) < 0) {
        teardown(t, scr);
        return -1;
    }
    loop_on_idle(t->loop, on_idle, t);
    loop_on_tick(t->loop, on_tick, t);
    loop_on_signal(t->loop, on_signal, t);

    tui_log(t, LOG_INFO, "umlab: lab %s%s%s. F1 help, F2 add a guest, %s : command prompt.",
            lab->name, lab->netns[0] ? " in namespace " : "", lab->netns, KEYS_PREFIX_NAME);
    for (int i = 0; opts && i < opts->boot_guests; i++)
        tui_queue(t, "guest add --ip auto");
    t->boot_pending = opts && opts->boot_guests > 0 ? opts->boot_guests : 0;
    if (opts && opts->lesson) {
        struct strbuf cmd = {0};
        sb_printf(&cmd, "lesson ");
        labfile_quote(&cmd, opts->lesson);
        if (!cmd.oom)
            tui_queue(t, sb_str(&cmd));
        sb_free(&cmd);
    }
    tui_mark(t, D_ALL);

    int rc = 0;
    while (!t->quit && !lab->quit_signal) {
        tui_run_queued(t);
        if (t->quit || lab->quit_signal)
            break;
        if (loop_run_once(t->loop, -1, e) < 0) {
            rc = -1;
            break;
        }
    }
    teardown(t, scr);
    return rc;
}
