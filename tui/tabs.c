/* tabs.c — the tab list, kept in step with the lab through its hooks: one
 * tab per guest, one per lab pane (the host shell, tcpdump of an interface
 * no guest owns), tcpdump of a guest's tap beside its console; sizes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "tui/ui.h"

struct tab *tab_focused(struct tui *t)
{
    return t->ntabs ? t->tabs[t->focus] : NULL;
}

static struct pane *tab_pane(const struct tab *tab)
{
    return tab->kind == TAB_PANE ? &tab->lp->pane : &tab->g->pane;
}

struct term *tab_term(const struct tab *tab)
{
    return tab ? tab_pane(tab)->term : NULL;
}

const char *tab_title(const struct tab *tab, char *buf, size_t bufsz)
{
    if (tab->kind == TAB_PANE) {
        const char *end = tab->lp->pane.reaped ? " exited" : "";
        if (tab->lp->kind == LAB_PANE_SHELL)
            snprintf(buf, bufsz, "host shell%s", end);
        else
            snprintf(buf, bufsz, "tcpdump %s%s", tab->lp->iface, end);
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

/* The tab of guest G or of lab pane LP (the other NULL); *IDX gets its index. */
static struct tab *find_tab(struct tui *t, const struct guest *g, const struct lab_pane *lp,
                            size_t *idx)
{
    for (size_t i = 0; i < t->ntabs; i++)
        if (t->tabs[i]->g == g && t->tabs[i]->lp == lp) {
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
    /* guests before the lab's panes, in the lab's order */
    size_t pos = t->ntabs;
    if (kind == TAB_GUEST)
        while (pos > 0 && t->tabs[pos - 1]->kind == TAB_PANE)
            pos--;
    for (size_t i = t->ntabs; i > pos; i--)
        t->tabs[i] = t->tabs[i - 1];
    t->tabs[pos] = tab;
    t->ntabs++;
    if (t->ntabs > 1 && pos <= t->focus)
        t->focus++;
    return tab;
}

static void remove_tab(struct tui *t, size_t i)
{
    free(t->tabs[i]);
    for (size_t k = i; k + 1 < t->ntabs; k++)
        t->tabs[k] = t->tabs[k + 1];
    t->ntabs--;
    if (t->focus > i || (t->focus == i && t->focus == t->ntabs && t->focus > 0))
        t->focus--;
    tabs_apply_sizes(t);
    tui_mark(t, D_ALL);
}

/* Called for every batch of guest output: keep it cheap. */
static void on_guest_changed(void *ctx, struct guest *g)
{
    struct tui *t = ctx;
    size_t idx = 0;
    struct tab *tab = find_tab(t, g, NULL, &idx);
    if (!tab) {
        tab = add_tab(t, TAB_GUEST);
        if (!tab) {
            tui_log(t, LOG_ERR, "%s: no memory for its tab", g->name);
            return;
        }
        tab->g = g;
        tab->last_state = g->state;
        find_tab(t, g, NULL, &idx);
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
    }
}

static void on_guest_removed(void *ctx, struct guest *g)
{
    struct tui *t = ctx;
    size_t idx;
    if (find_tab(t, g, NULL, &idx))
        remove_tab(t, idx);
}

/* What umlab typed at a guest's getty (login notes) goes to the log. */
static void on_guest_note(void *ctx, struct guest *g, const char *text)
{
    tui_log(ctx, LOG_INFO, "%s: %s", g->name, text);
}

/* The shell equivalent of what the lab did: to the log, not the status line. */
static void on_shell_line(void *ctx, const char *line)
{
    struct tui *t = ctx;
    logring_add(&t->log, LOG_SHELL, line);
    tui_mark(t, D_LOG);
}

/* A lab pane shows beside the guest whose tap it dumps, else in a tab of its own. */
static void on_pane_event(void *ctx, struct lab_pane *lp, enum lab_pane_event ev)
{
    struct tui *t = ctx;
    size_t idx = 0;
    struct tab *tab = find_tab(t, NULL, lp, &idx), *gt = NULL;
    for (size_t i = 0; !tab && lp->kind == LAB_PANE_DUMP && i < t->lab->nguests; i++)
        if (strcmp(t->lab->guests[i]->tap, lp->iface) == 0)
            gt = find_tab(t, t->lab->guests[i], NULL, NULL);
    if (gt) {
        gt->dump = ev == LAB_PANE_CLOSED ? NULL : &lp->pane;
        struct layout_in in = {t->rows, t->cols, t->side, true, t->log_big};
        struct layout l;
        layout_compute(&in, &l);
        if (ev == LAB_PANE_OPENED && l.dump.w <= 0)
            tui_log(t, LOG_ERR, "too narrow to show tcpdump on %s beside the console (it runs)",
                    lp->iface);
    } else if (ev == LAB_PANE_CLOSED) {
        if (tab)
            remove_tab(t, idx);
        return;
    } else if (ev == LAB_PANE_OPENED) {
        if (!tab && (tab = add_tab(t, TAB_PANE)))
            tab->lp = lp;
        if (!tab || !find_tab(t, NULL, lp, &t->focus)) {
            tui_log(t, LOG_ERR, "no memory for a tab");
            return;
        }
        tab->scroll = 0;
    }
    tabs_apply_sizes(t);
    tui_mark(t, D_ALL);
}

void tabs_install_hooks(struct tui *t)
{
    lab_set_hooks(t->lab, &(struct lab_hooks){.guest_changed = on_guest_changed,
                                              .guest_removed = on_guest_removed,
                                              .guest_note = on_guest_note,
                                              .pane_event = on_pane_event,
                                              .record = record_hook,
                                              .shell_line = on_shell_line,
                                              .ctx = t});
    for (size_t i = 0; i < t->lab->nguests; i++)
        on_guest_changed(t, t->lab->guests[i]);
    for (size_t i = 0; i < t->lab->npanes; i++)
        on_pane_event(t, t->lab->panes[i], LAB_PANE_OPENED);
}

void tabs_free_all(struct tui *t)
{
    lab_set_hooks(t->lab, NULL);
    for (size_t i = 0; i < t->ntabs; i++)
        free(t->tabs[i]);
    free(t->tabs);
    t->tabs = NULL;
    t->ntabs = 0;
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
    lab_set_term_size(t->lab, rows, cols);
    struct layout_in in = {t->rows, t->cols, t->side, true, t->log_big};
    struct layout split;
    layout_compute(&in, &split);
    struct err e;
    for (size_t i = 0; i < t->ntabs; i++) {
        struct tab *tab = t->tabs[i];
        tabs_console_size(t, tab, &rows, &cols);
        if (pane_resize(tab_pane(tab), rows, cols, &e) < 0 ||
            (tab->dump && split.dump.h > 0 &&
             pane_resize(tab->dump, split.dump.h, split.dump.w, &e) < 0))
            tui_log(t, LOG_ERR, "resize: %s", e.msg);
    }
}

void tabs_note_dropped(struct tui *t)
{
    for (size_t i = 0; i < t->ntabs; i++) {
        struct tab *tab = t->tabs[i];
        const struct pane *pane = tab_pane(tab);
        /* a full pty queue, and replies to queries it floods (see term.h) */
        unsigned long long dropped = pane->pty.dropped + term_replies_dropped(pane->term);
        if (dropped < tab->dropped_seen) /* restarted on a new pty */
            tab->dropped_seen = 0;
        if (dropped == tab->dropped_seen)
            continue;
        char title[64];
        tui_log(t, LOG_ERR,
                "%s does not read its input: %llu bytes dropped (keys, terminal replies)",
                tab->kind == TAB_GUEST ? tab->g->name : tab_title(tab, title, sizeof title),
                dropped - tab->dropped_seen);
        tab->dropped_seen = dropped;
    }
}
