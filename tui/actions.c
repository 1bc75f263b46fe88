/* actions.c — what the keys do, the command queue and the log. Every lab
 * action goes through cmd_run_line, as in batch mode. Commands run from the
 * top of the event loop only, so a command that waits (and pumps the loop)
 * can never start another one. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/cmd.h"
#include "tui/ui.h"

void tui_mark(struct tui *t, unsigned what)
{
    t->dirty |= what;
}

static void set_status(struct tui *t, bool err, const char *msg)
{
    snprintf(t->status, sizeof t->status, "%s", msg);
    t->status_err = err;
    tui_mark(t, D_STATUS);
}

void tui_log(struct tui *t, enum log_level lv, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    logring_add(&t->log, lv, buf);
    if (lv != LOG_CMD) {
        char *nl = strchr(buf, '\n');
        if (nl)
            *nl = '\0';
        set_status(t, lv == LOG_ERR, buf);
    }
    tui_mark(t, D_LOG);
}

void tui_queue(struct tui *t, const char *line)
{
    char *s = strdup(line);
    char **q = s ? realloc(t->queue, (t->nqueue + 1) * sizeof *q) : NULL;
    if (!q) {
        free(s);
        tui_log(t, LOG_ERR, "%s: out of memory", line);
        return;
    }
    t->queue = q;
    t->queue[t->nqueue++] = s;
}

void tui_submit(struct tui *t, const char *line)
{
    if (t->busy[0] || t->nqueue) {
        char msg[320];
        snprintf(msg, sizeof msg, "busy: %s (wait for it to finish)",
                 t->busy[0] ? t->busy : t->queue[0]);
        set_status(t, true, msg);
        return;
    }
    tui_queue(t, line);
}

static void on_progress(void *ctx, const char *line)
{
    tui_log(ctx, LOG_INFO, "%s", line);
}

static void run_one(struct tui *t, const char *line)
{
    struct out o;
    out_init(&o);
    o.progress = on_progress;
    o.progress_ctx = t;
    snprintf(t->busy, sizeof t->busy, "%s", line);
    tui_log(t, LOG_CMD, "> %s", line);
    tui_mark(t, D_STATUS);
    struct err e = {{0}};
    int rc = cmd_run_line(t->lab, line, &o, &e);
    t->busy[0] = '\0';
    if (rc < 0) {
        tui_log(t, LOG_ERR, "error: %s", e.msg[0] ? e.msg : "failed");
    } else {
        const char *text = sb_str(&o.text);
        size_t n = strlen(text);
        while (n > 0 && text[n - 1] == '\n')
            n--;
        if (n) {
            char *copy = strndup(text, n);
            if (copy) {
                logring_add(&t->log, LOG_INFO, copy);
                const char *last = strrchr(copy, '\n');
                set_status(t, false, last ? last + 1 : copy);
                free(copy);
            }
        } else {
            set_status(t, false, "ok");
        }
    }
    out_free(&o);
    tui_mark(t, D_ALL); /* a command may change tabs, NAT, addresses */
}

void tui_run_queued(struct tui *t)
{
    while (t->nqueue && !t->quit && !t->lab->quit_signal) {
        char *line = t->queue[0];
        memmove(t->queue, t->queue + 1, (t->nqueue - 1) * sizeof *t->queue);
        t->nqueue--;
        run_one(t, line);
        free(line);
    }
}

/* A guest for the focused one to ping: the next with an address round the
 * list, else the internet (sandbox) or the host. */
static const char *ping_target(const struct tui *t, const struct guest *g)
{
    size_t n = t->lab->nguests;
    for (size_t i = 0; i < n; i++) {
        if (t->lab->guests[i] != g)
            continue;
        for (size_t k = 1; k < n; k++) {
            struct guest *o = t->lab->guests[(i + k) % n];
            if (o->addr.s_addr)
                return o->name;
        }
    }
    return t->lab->inet_netns[0] ? "internet" : "host";
}

/* The binding's command line for the focused tab (see key_binding). */
static int fill_cmd(struct tui *t, const char *tpl, char *out, size_t outsz, struct err *e)
{
    struct key_vars v = {.nat = t->lab->nat ? "off" : "on",
                         .checklist = t->lab->checklist_shown ? "off" : "on"};
    char as[INET_ADDRSTRLEN];
    struct tab *tab = tab_focused(t);
    if (tab && tab->kind == TAB_GUEST) {
        struct guest *g = tab->g;
        struct in_addr a = g->addr;
        v.guest = g->name;
        v.target = ping_target(t, g);
        v.dump = lab_find_pane(t->lab, LAB_PANE_DUMP, g->tap) ? "off" : "on";
        if (strstr(tpl, "%a") && !a.s_addr && lab_alloc_addr(t->lab, &a, e) < 0)
            return -1;
        v.addr = addr_str(a, as);
    } else if (strstr(tpl, "%g")) {
        int verb = (int)strcspn(tpl, "%");
        return err_set(e, "%.*s: focus a guest's tab first", verb > 0 ? verb - 1 : 0, tpl);
    }
    if (keys_fill(tpl, &v, out, outsz) < 0)
        return err_set(e, "%s: the command line is too long", tpl);
    return 0;
}

/* A row of the keymap that runs a command or opens the prompt (with one). */
static void run_binding(struct tui *t, enum tui_action act, const struct key_binding *b)
{
    char line[256];
    struct err e;
    bool has_cmd = b && b->cmd;
    if (has_cmd && fill_cmd(t, b->cmd, line, sizeof line, &e) < 0)
        set_status(t, true, e.msg);
    else if (act == ACT_PROMPT)
        prompt_open(t, PROMPT_CMD, has_cmd ? line : NULL);
    else if (has_cmd)
        tui_submit(t, line);
}

/* LINE's output over the screen until a key (the topology). */
static void show_overlay(struct tui *t, const char *line)
{
    struct out o;
    out_init(&o);
    struct err e = {{0}};
    if (cmd_run_line(t->lab, line, &o, &e) < 0) {
        set_status(t, true, e.msg);
    } else {
        free(t->overlay);
        t->overlay = strdup(sb_str(&o.text));
        tui_mark(t, D_ALL);
    }
    out_free(&o);
}

/* F7 on a lab pane's tab: its program again (`shell on`, `dump IFACE on`). */
static void restart_pane(struct tui *t, const struct tab *tab)
{
    char line[64];
    if (tab->lp->kind == LAB_PANE_SHELL)
        snprintf(line, sizeof line, "shell on");
    else
        snprintf(line, sizeof line, "dump %s on", tab->lp->iface);
    tui_submit(t, line);
}

static bool guests_running(const struct tui *t)
{
    for (size_t i = 0; i < t->lab->nguests; i++)
        if (!t->lab->guests[i]->pane.reaped)
            return true;
    return false;
}

static void scroll_by(struct tui *t, int lines)
{
    struct tab *tab = tab_focused(t);
    struct term *term = tab_term(tab);
    if (!term)
        return;
    int s = tab->scroll + lines, max = term_scrollback_count(term);
    if (s > max)
        s = max;
    if (s < 0)
        s = 0;
    if (s == 0)
        tab->hl_row = INT32_MIN;
    tab->scroll = s;
    tui_mark(t, D_CONS);
}

static void send_to_term(struct tui *t, const struct key_event *ev)
{
    struct tab *tab = tab_focused(t);
    struct term *term = tab_term(tab);
    if (!term)
        return;
    if (tab->kind == TAB_GUEST && !tab->g->pane.open) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s is not running: F7 starts it again", tab->g->name);
        set_status(t, true, msg);
        return;
    }
    if (tab->scroll || tab->hl_row != INT32_MIN) { /* typing returns to the live screen */
        tab->scroll = 0;
        tab->hl_row = INT32_MIN;
        tui_mark(t, D_CONS);
    }
    if (ev->act == ACT_SEND_KEY)
        term_send_key(term, ev->key, ev->mods);
    else
        term_send_char(term, ev->ch, ev->mods);
}

void tui_action(struct tui *t, const struct key_event *ev)
{
    struct tab *tab = tab_focused(t);
    int half = t->lay.console.h > 2 ? t->lay.console.h / 2 : 1;
    enum tui_action act = ev->act;
    if (tab && tab->kind == TAB_PANE && ev->b && ev->b->on_pane != ACT_NONE)
        act = ev->b->on_pane;
    switch (act) {
    case ACT_NONE:
        break;
    case ACT_SEND_CHAR:
    case ACT_SEND_KEY:
        send_to_term(t, ev);
        break;
    case ACT_PREFIX:
        tui_mark(t, D_STATUS);
        break;
    case ACT_BAD_PREFIX:
        set_status(t, true,
                   KEYS_PREFIX_NAME " and that key do nothing (" KEYS_PREFIX_NAME
                                    " ? lists the keys)");
        break;
    case ACT_HELP:
        t->help_shown = true;
        tui_mark(t, D_ALL);
        break;
    case ACT_TOPOLOGY:
        show_overlay(t, ev->b ? ev->b->cmd : "topology");
        break;
    case ACT_RUN:
    case ACT_PROMPT:
        run_binding(t, act, ev->b);
        break;
    case ACT_SHELL:
        restart_pane(t, tab);
        break;
    case ACT_QUIT:
        if (guests_running(t)) {
            t->confirm_quit = true;
            tui_mark(t, D_STATUS);
        } else {
            t->quit = true;
        }
        break;
    case ACT_CANCEL:
        if (t->busy[0]) {
            lab_cancel(t->lab);
            tui_log(t, LOG_INFO, "cancelling `%s`", t->busy);
        } else {
            set_status(t, true, "no command is running");
        }
        break;
    case ACT_SCROLL_UP:
        scroll_by(t, half);
        break;
    case ACT_SCROLL_DOWN:
        scroll_by(t, -half);
        break;
    case ACT_SEARCH:
        if (tab_term(tab))
            prompt_open(t, PROMPT_SEARCH, NULL);
        break;
    case ACT_NEXT_TAB:
        if (t->ntabs)
            tabs_focus(t, (t->focus + 1) % t->ntabs);
        break;
    case ACT_PREV_TAB:
        if (t->ntabs)
            tabs_focus(t, (t->focus + t->ntabs - 1) % t->ntabs);
        break;
    case ACT_TAB:
        if ((size_t)ev->arg < t->ntabs)
            tabs_focus(t, (size_t)ev->arg);
        break;
    case ACT_SIDE:
        t->side = !t->side;
        tabs_apply_sizes(t);
        tui_mark(t, D_ALL);
        break;
    case ACT_SIDE_UP:
    case ACT_SIDE_DOWN:
        if (t->lay.side.w <= 0) {
            set_status(t, true, "the side pane is off (" KEYS_PREFIX_NAME " s shows it)");
            break;
        }
        side_scroll(t, (act == ACT_SIDE_UP ? -1 : 1) * (t->lay.side.h > 3 ? t->lay.side.h / 2 : 1));
        break;
    case ACT_MATRIX:
        t->matrix = !t->matrix;
        if (t->matrix && !t->side) {
            t->side = true;
            tabs_apply_sizes(t);
        }
        set_status(t, false,
                   t->matrix ? "ping matrix: pinged from the host and the guests, ~ inferred by "
                               "`why` (" KEYS_PREFIX_NAME " m hides it)"
                             : "ping matrix off");
        tui_mark(t, D_ALL);
        break;
    case ACT_LOG:
        t->log_big = !t->log_big;
        tabs_apply_sizes(t);
        tui_mark(t, D_ALL);
        break;
    case ACT_SHELL_LINES:
        t->hide_shell = !t->hide_shell;
        set_status(t, false,
                   t->hide_shell ? "log: shell commands hidden (" KEYS_PREFIX_NAME " $ shows them)"
                                 : "log: shell commands shown ($ host, GUEST# typed)");
        tui_mark(t, D_LOG);
        break;
    case ACT_MOUSE:
    case ACT_RESIZE:
        break; /* input.c handles these: they need curses state */
    }
}
