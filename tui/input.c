/* input.c — keys from the terminal: to the open prompt, the help overlay,
 * the quit question, the scrollback browser, the console's actions, or the
 * focused terminal. */
#include <stdio.h>
#include <stdlib.h>

#include "tui/ui.h"

void input_search(struct tui *t, const char *needle)
{
    struct tab *tab = tab_focused(t);
    struct term *term = tab_term(tab);
    if (!term)
        return;
    if (needle && *needle)
        snprintf(tab->search, sizeof tab->search, "%s", needle);
    if (!tab->search[0])
        return;
    int rows;
    term_size(term, &rows, NULL);
    /* from the current hit, or from the top of what is shown */
    int from = tab->hl_row != INT32_MIN ? tab->hl_row : (tab->scroll ? -tab->scroll : rows);
    int hit = term_search_back(term, tab->search, from);
    if (hit == INT32_MIN) {
        char msg[200];
        snprintf(msg, sizeof msg, "'%s' not found further back", tab->search);
        tui_log(t, LOG_ERR, "%s", msg);
        return;
    }
    int h = t->lay.console.h > 0 ? t->lay.console.h : rows;
    int scroll = h / 2 - hit; /* the hit in the middle of the view */
    int max = term_scrollback_count(term);
    if (scroll > max)
        scroll = max;
    if (scroll < 0)
        scroll = 0;
    tab->scroll = scroll;
    tab->hl_row = hit;
    if (scroll == 0 && hit >= 0)
        tab->scroll = 0;
    tui_mark(t, D_CONS);
    char msg[200];
    snprintf(msg, sizeof msg, "'%s' found (n: older, q: back to live)", tab->search);
    tui_log(t, LOG_INFO, "%s", msg);
}

/* Keys of the scrollback browser; false when the key is not one of them. */
static bool scroll_key(struct tui *t, struct tab *tab, bool is_key, int code)
{
    if (!tab || (tab->scroll == 0 && tab->hl_row == INT32_MIN) || t->ks.prefix)
        return false;
    struct term *term = tab_term(tab);
    int page = t->lay.console.h > 2 ? t->lay.console.h - 1 : 1;
    int d = 0;
    if (is_key) {
        if (code == KEY_UP)
            d = 1;
        else if (code == KEY_DOWN)
            d = -1;
        else if (code == KEY_PPAGE)
            d = page;
        else if (code == KEY_NPAGE)
            d = -page;
        else
            return false;
    } else if (code == 'q' || code == 0x1b) {
        tab->scroll = 0;
        tab->hl_row = INT32_MIN;
        tui_mark(t, D_CONS);
        return true;
    } else if (code == 'n') {
        input_search(t, NULL);
        return true;
    } else if (code == '/') {
        prompt_open(t, PROMPT_SEARCH, NULL);
        return true;
    } else {
        return false;
    }
    int s = tab->scroll + d, max = term ? term_scrollback_count(term) : 0;
    tab->scroll = s < 0 ? 0 : s > max ? max : s;
    tui_mark(t, D_CONS);
    return true;
}

static void mouse(struct tui *t)
{
    MEVENT me;
    if (getmouse(&me) != OK)
        return;
    if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED)) {
        if (me.y != t->lay.tabs.y)
            return;
        for (int i = 0; i < t->ntab_hits; i++)
            if (me.x >= t->tab_x0[i] && me.x < t->tab_x1[i])
                tabs_focus(t, t->tab_idx[i]);
        return;
    }
    int wheel = me.bstate & BUTTON4_PRESSED ? -1 : 0;
#ifdef BUTTON5_PRESSED
    if (me.bstate & BUTTON5_PRESSED)
        wheel = 1;
#endif
    if (wheel && rect_contains(&t->lay.side, me.y, me.x)) {
        side_scroll(t, 3 * wheel);
        return;
    }
    struct key_event ev = {.act = ACT_NONE};
    if (me.bstate & BUTTON4_PRESSED)
        ev.act = ACT_SCROLL_UP;
#ifdef BUTTON5_PRESSED
    else if (me.bstate & BUTTON5_PRESSED)
        ev.act = ACT_SCROLL_DOWN;
#endif
    tui_action(t, &ev);
}

static void one_key(struct tui *t, bool is_key, int code)
{
    if (is_key && code == KEY_RESIZE) {
        tui_resize(t, false);
        return;
    }
    if (t->overlay) {
        free(t->overlay);
        t->overlay = NULL;
        tui_mark(t, D_ALL);
        return;
    }
    if (t->help_shown) {
        t->help_shown = false;
        tui_mark(t, D_ALL);
        return;
    }
    if (t->confirm_quit) {
        t->confirm_quit = false;
        if (!is_key && (code == 'y' || code == 'Y')) {
            t->quit = true;
            if (t->busy[0]) { /* stop its wait, then the loop can end */
                lab_cancel(t->lab);
                tui_log(t, LOG_INFO, "cancelling `%s` to quit", t->busy);
            }
        } else
            tui_log(t, LOG_INFO, "quit cancelled");
        tui_mark(t, D_STATUS);
        return;
    }
    if (t->prompt != PROMPT_NONE) {
        prompt_feed(t, is_key, code);
        return;
    }
    if (scroll_key(t, tab_focused(t), is_key, code))
        return;
    bool was_prefix = t->ks.prefix;
    struct key_event ev;
    keys_translate(&t->ks, is_key, code, is_key ? keyname(code) : NULL, &ev);
    if (was_prefix != t->ks.prefix)
        tui_mark(t, D_STATUS);
    if (ev.act == ACT_MOUSE)
        mouse(t);
    else if (ev.act == ACT_RESIZE)
        tui_resize(t, false);
    else
        tui_action(t, &ev);
}

void input_on_stdin(void *ctx, int fd, short revents)
{
    struct tui *t = ctx;
    (void)fd;
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        /* the terminal went away: nothing can be shown, leave */
        t->quit = true;
        return;
    }
    /* Everything curses has: it may hold bytes of a paste in its own queue,
     * which poll would not report again. */
    for (;;) {
        wint_t wc;
        int rc = wget_wch(t->inwin, &wc);
        if (rc == ERR)
            break;
        one_key(t, rc == KEY_CODE_YES, (int)wc);
        if (t->quit)
            break;
    }
}
