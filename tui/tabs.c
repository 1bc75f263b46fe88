/* tabs.c — the tab list: one tab per guest (kept in step through the lab's
 * hooks), the host shell tab, the tcpdump split, and terminal sizes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/ui.h"

extern char **environ;

struct tab *tab_focused(struct tui *t)
{
    return t->ntabs ? t->tabs[t->focus] : NULL;
}

struct term *tab_term(const struct tab *tab)
{
    if (!tab)
        return NULL;
    if (tab->kind == TAB_SHELL)
        return tab->shell ? tab->shell->term : NULL;
    return tab->g->term;
}

const char *tab_title(const struct tab *tab, char *buf, size_t bufsz)
{
    if (tab->kind == TAB_SHELL) {
        snprintf(buf, bufsz, "host %s", aux_running(tab->shell) ? "shell" : "shell exited");
        return buf;
    }
    char st[48];
    snprintf(buf, bufsz, "%s %s", tab->g->name, guest_state_name(tab->g, st, sizeof st));
    return buf;
}

void tabs_focus(struct tui *t, size_t i)
{
    if (i >= t->ntabs || i == t->focus)
        return;
    t->focus = i;
    tabs_apply_sizes(t); /* the split belongs to the tab */
    tui_mark(t, D_ALL);
}

static struct tab *find_guest_tab(struct tui *t, const struct guest *g, size_t *idx)
{
    for (size_t i = 0; i < t->ntabs; i++)
        if (t->tabs[i]->kind == TAB_GUEST && t->tabs[i]->g == g) {
            if (idx)
                *idx = i;
            return t->tabs[i];
        }
    return NULL;
}

static struct tab *add_tab(struct tui *t, enum tab_kind kind)
{
    struct tab **nt = realloc(t->tabs, (t->ntabs + 1) * sizeof *nt);
    if (!nt)
        return NULL;
    t->tabs = nt;
    struct tab *tab = calloc(1, sizeof *tab);
    if (!tab)
        return NULL;
    tab->kind = kind;
    tab->hl_row = INT32_MIN;
    /* guests before the host shell, in the lab's order */
    size_t pos = t->ntabs;
    if (kind == TAB_GUEST)
        while (pos > 0 && t->tabs[pos - 1]->kind == TAB_SHELL)
            pos--;
    for (size_t i = t->ntabs; i > pos; i--)
        t->tabs[i] = t->tabs[i - 1];
    t->tabs[pos] = tab;
    t->ntabs++;
    if (t->ntabs > 1 && pos <= t->focus)
        t->focus++;
    return tab;
}

static void free_tab(struct tab *tab)
{
    aux_free(tab->dump);
    aux_free(tab->shell);
    free(tab);
}

static void remove_tab(struct tui *t, size_t i)
{
    free_tab(t->tabs[i]);
    for (size_t k = i; k + 1 < t->ntabs; k++)
        t->tabs[k] = t->tabs[k + 1];
    t->ntabs--;
    if (t->focus > i || (t->focus == i && t->focus == t->ntabs && t->focus > 0))
        t->focus--;
    tabs_apply_sizes(t);
    tui_mark(t, D_ALL);
}

/* Not inlined: GCC 12 then warns of a "dangling pointer" to the locals
 * handed to term_size (a false positive). */
__attribute__((noinline)) static bool term_has_size(const struct term *term, int rows, int cols)
{
    int r = 0, c = 0;
    term_size(term, &r, &c);
    return r == rows && c == cols;
}

/* FORCE_PTY: a restarted guest's pty starts at the lab's size while its
 * terminal kept the tab's: tell the pty even when the terminal is right. */
static void size_guest(struct tui *t, struct guest *g, int rows, int cols, bool force_pty)
{
    if (!g->term)
        return;
    if (term_has_size(g->term, rows, cols) && !force_pty)
        return;
    term_resize(g->term, rows, cols);
    if (g->pty_open) {
        struct err e;
        if (pty_resize(&g->pty, (unsigned short)rows, (unsigned short)cols, &e) < 0)
            tui_log(t, LOG_ERR, "%s: resize: %s", g->name, e.msg);
    }
}

/* Called for every batch of guest output: keep it cheap. */
static void on_guest_changed(void *ctx, struct guest *g)
{
    struct tui *t = ctx;
    size_t idx = 0;
    int rows = 0, cols = 0;
    struct tab *tab = find_guest_tab(t, g, &idx);
    if (!tab) {
        tab = add_tab(t, TAB_GUEST);
        if (!tab) {
            tui_log(t, LOG_ERR, "%s: no memory for its tab", g->name);
            return;
        }
        tab->g = g;
        tab->last_state = g->state;
        find_guest_tab(t, g, &idx);
        /* a guest the user added: show it booting; the ones booted at start
         * leave the first in front */
        bool at_start = t->boot_pending > 0;
        if (at_start)
            t->boot_pending--;
        if (!at_start || t->ntabs == 1)
            t->focus = idx;
        tabs_apply_sizes(t);
        tui_mark(t, D_ALL);
        return;
    }
    if (tab->last_state != g->state) {
        char st[48];
        tui_log(t, LOG_INFO, "%s: %s", g->name, guest_state_name(g, st, sizeof st));
        tab->last_state = g->state;
        tui_mark(t, D_TABS | D_SIDE);
        if (g->state == GUEST_BOOTING) { /* restarted on a new pty */
            tabs_console_size(t, tab, &rows, &cols);
            size_guest(t, g, rows, cols, true);
        }
    }
}

static void on_guest_removed(void *ctx, struct guest *g)
{
    struct tui *t = ctx;
    size_t idx;
    if (find_guest_tab(t, g, &idx))
        remove_tab(t, idx);
}

/* What umlab typed at a guest's getty (login notes) goes to the log. */
static void on_guest_note(void *ctx, struct guest *g, const char *text)
{
    tui_log(ctx, LOG_INFO, "%s: %s", g->name, text);
}

void tabs_install_hooks(struct tui *t)
{
    t->lab->hooks.guest_changed = on_guest_changed;
    t->lab->hooks.guest_removed = on_guest_removed;
    t->lab->hooks.guest_note = on_guest_note;
    t->lab->hooks.ctx = t;
    for (size_t i = 0; i < t->lab->nguests; i++)
        on_guest_changed(t, t->lab->guests[i]);
}

void tabs_free_all(struct tui *t)
{
    t->lab->hooks.guest_changed = NULL;
    t->lab->hooks.guest_removed = NULL;
    t->lab->hooks.guest_note = NULL;
    t->lab->hooks.ctx = NULL;
    for (size_t i = 0; i < t->ntabs; i++)
        free_tab(t->tabs[i]);
    free(t->tabs);
    t->tabs = NULL;
    t->ntabs = 0;
}

static void aux_changed(void *ctx)
{
    struct tui *t = ctx;
    tui_mark(t, D_TABS); /* output itself shows through the term's dirty flag */
}

void tabs_console_size(const struct tui *t, const struct tab *tab, int *rows, int *cols)
{
    struct layout_in in = {t->rows, t->cols, t->side, tab && tab->dump, t->log_big};
    struct layout l;
    layout_compute(&in, &l);
    *rows = l.console.h > 0 ? l.console.h : 1;
    *cols = l.console.w > 0 ? l.console.w : 1;
}

void tabs_apply_sizes(struct tui *t)
{
    /* New guests start at the unsplit console size. */
    int rows, cols;
    tabs_console_size(t, NULL, &rows, &cols);
    t->lab->rows = rows;
    t->lab->cols = cols;
    struct layout_in in = {t->rows, t->cols, t->side, true, t->log_big};
    struct layout split;
    layout_compute(&in, &split);
    for (size_t i = 0; i < t->ntabs; i++) {
        struct tab *tab = t->tabs[i];
        tabs_console_size(t, tab, &rows, &cols);
        if (tab->kind == TAB_GUEST)
            size_guest(t, tab->g, rows, cols, false);
        else if (tab->shell)
            aux_resize(tab->shell, rows, cols);
        if (tab->dump && split.dump.h > 0)
            aux_resize(tab->dump, split.dump.h, split.dump.w);
    }
}

void tabs_note_dropped(struct tui *t)
{
    for (size_t i = 0; i < t->ntabs; i++) {
        struct tab *tab = t->tabs[i];
        const struct ptyproc *p = tab->kind == TAB_GUEST ? &tab->g->pty
                                  : tab->shell           ? &tab->shell->pty
                                                         : NULL;
        if (!p)
            continue;
        if (p->dropped < tab->dropped_seen) /* restarted on a new pty */
            tab->dropped_seen = 0;
        if (p->dropped == tab->dropped_seen)
            continue;
        tui_log(t, LOG_ERR,
                "%s does not read its input: %llu bytes dropped (keys, terminal replies)",
                tab->kind == TAB_GUEST ? tab->g->name : "the host shell",
                p->dropped - tab->dropped_seen);
        tab->dropped_seen = p->dropped;
    }
}

/* The environment for our own programs: the user's, with a TERM that matches
 * the emulator (libvterm is an xterm) and a prompt that says where it runs. */
static char **make_env(const char *ps1)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 3, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "TERM=", 5) != 0 && strncmp(environ[i], "PS1=", 4) != 0)
            env[k++] = environ[i];
    env[k++] = "TERM=xterm-256color";
    env[k++] = (char *)ps1;
    env[k] = NULL;
    return env;
}

int tabs_open_shell(struct tui *t, struct err *e)
{
    for (size_t i = 0; i < t->ntabs; i++) {
        struct tab *tab = t->tabs[i];
        if (tab->kind != TAB_SHELL)
            continue;
        if (!aux_running(tab->shell)) { /* exited: start a fresh one in its place */
            aux_free(tab->shell);
            tab->shell = NULL;
            t->focus = i;
            break;
        }
        tabs_focus(t, i);
        return 0;
    }
    char ps1[96];
    snprintf(ps1, sizeof ps1, "PS1=[umlab %s: %s] # ", t->lab->name,
             t->lab->netns[0] ? t->lab->netns : "host netns");
    char **env = make_env(ps1);
    if (!env)
        return err_sys(e, "host shell");
    /* sh, not the user's $SHELL: its rc files would replace our prompt */
    char *argv[] = {(char *)"/bin/sh", NULL};
    int rows, cols;
    tabs_console_size(t, NULL, &rows, &cols);
    struct aux *a;
    int rc = aux_spawn(&a, t->loop, argv, env, rows, cols, AUX_SCROLLBACK, e);
    free(env);
    if (rc < 0)
        return -1;
    a->changed = aux_changed;
    a->ctx = t;
    struct tab *tab = NULL;
    for (size_t i = 0; i < t->ntabs; i++)
        if (t->tabs[i]->kind == TAB_SHELL)
            tab = t->tabs[i];
    if (!tab) {
        tab = add_tab(t, TAB_SHELL);
        if (!tab) {
            aux_free(a);
            return err_sys(e, "host shell tab");
        }
    }
    tab->shell = a;
    tab->scroll = 0;
    for (size_t i = 0; i < t->ntabs; i++)
        if (t->tabs[i] == tab)
            t->focus = i;
    tui_mark(t, D_ALL);
    return 0;
}

int tabs_toggle_dump(struct tui *t, struct err *e)
{
    struct tab *tab = tab_focused(t);
    if (!tab || tab->kind != TAB_GUEST)
        return err_set(e, "tcpdump: focus a guest's tab first");
    if (tab->dump) {
        aux_free(tab->dump);
        tab->dump = NULL;
        tabs_apply_sizes(t);
        tui_mark(t, D_ALL);
        tui_log(t, LOG_INFO, "tcpdump on %s closed", tab->g->tap);
        return 0;
    }
    struct layout_in in = {t->rows, t->cols, t->side, true, t->log_big};
    struct layout l;
    layout_compute(&in, &l);
    if (l.dump.w <= 0)
        return err_set(e, "tcpdump: the window is too narrow for a split");
    char *argv[] = {(char *)"tcpdump", (char *)"-l", (char *)"-n", (char *)"-i", tab->g->tap, NULL};
    struct aux *a;
    if (aux_spawn(&a, t->loop, argv, NULL, l.dump.h, l.dump.w, AUX_SCROLLBACK, e) < 0)
        return -1;
    a->changed = aux_changed;
    a->ctx = t;
    tab->dump = a;
    tabs_apply_sizes(t);
    tui_mark(t, D_ALL);
    tui_log(t, LOG_INFO, "tcpdump -l -n -i %s beside %s (F5 closes it)", tab->g->tap, tab->g->name);
    return 0;
}
