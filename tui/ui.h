/* ui.h — the console's state, shared by the tui/ files (not by the engine).
 *
 *   tui.c      tui_run: curses, the loop's hooks (keys, frames, tick, signals)
 *   input.c    keys to the prompt, help, quit question, scrollback or actions
 *   actions.c  what keys do; commands queued and run through cmd_run_line
 *   tabs.c     one tab per guest and per lab pane (lab hooks), the tcpdump split, sizes
 *   draw.c     a frame: tab bar, consoles, log, status, help bar, help
 *   render.c   a terminal's cells into the screen
 *   side.c     draws the lab's snapshot: counters, host state and rules
 *   prompt.c   readline in the status line (the only readline user)
 *   crash.c    terminal restore on SIGSEGV/SIGABRT
 *   record.c   `record FILE`: the screen's output teed into an asciicast file
 *   pure, unit-tested: cellmap.c keys.c layout.c spark.c logring.c cast.c */
#ifndef UMLAB_UI_H
#define UMLAB_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/lab.h"
#include "core/matrix.h"
#include "tui/curses_inc.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/logring.h"
#include "tui/tui.h"

#define FRAME_MS 16 /* at most ~60 frames a second */

enum tab_kind { TAB_GUEST, TAB_PANE };

struct tab {
    enum tab_kind kind;
    struct guest *g;     /* TAB_GUEST */
    struct lab_pane *lp; /* TAB_PANE: the host shell, or tcpdump of a non-guest interface */
    struct pane *dump;   /* tcpdump of the guest's tap, beside its console */
    int scroll;          /* lines scrolled back into the scrollback; 0 = live */
    int hl_row;          /* search hit (term row numbering), INT32_MIN: none */
    char search[128];
    enum guest_state last_state;
    unsigned long long dropped_seen; /* input refused by a full pty queue, noted */
};

enum prompt_mode { PROMPT_NONE, PROMPT_CMD, PROMPT_SEARCH };

enum {
    D_TABS = 1,
    D_CONS = 2,
    D_SIDE = 4,
    D_LOG = 8,
    D_STATUS = 16,
    D_ALL = 0xff,
};

struct recording;

struct tui {
    struct lab *lab;
    struct loop *loop;
    const struct tui_opts *opts;
    struct tab **tabs;
    size_t ntabs, focus;
    WINDOW *inwin; /* keys are read here: never drawn, so wgetch never refreshes */
    int curses_fd; /* what curses writes to: the terminal, or record.c's buffer */
    FILE *curses_out;
    struct recording *rec; /* `record FILE` running, else NULL */
    bool side, log_big;
    bool matrix;     /* the ping matrix shows atop the side pane */
    bool hide_shell; /* the log leaves out the shell equivalents (LOG_SHELL) */
    int side_scroll; /* lines of the side pane scrolled out at the top */
    int rows, cols;
    struct layout lay;
    int ncolors;
    unsigned dirty;
    int64_t last_frame;
    int64_t frame_cost; /* how long the last frame took to draw, ms */
    int schedfd;        /* /proc/thread-self/schedstat (tui.c: run_delay_ns), -1 */
    int timerfd;
    bool timer_armed;
    struct keystate ks;
    struct logring log;
    char status[256];
    bool status_err;
    /* commands run one at a time from the top of the loop (never nested) */
    char **queue;
    size_t nqueue;
    char busy[256];
    bool quit, confirm_quit, help_shown;
    char *overlay;    /* a command's text shown over the screen until a key, NULL: none */
    int boot_pending; /* guests of opts->boot_guests not seen yet */
    enum prompt_mode prompt;
    /* tab bar hit boxes for the mouse */
    int tab_x0[64], tab_x1[64];
    size_t tab_idx[64];
    int ntab_hits;
};

/* tabs.c */
struct tab *tab_focused(struct tui *t);
struct term *tab_term(const struct tab *tab);
const char *tab_title(const struct tab *tab, char *buf, size_t bufsz);
void tabs_focus(struct tui *t, size_t i);
void tabs_install_hooks(struct tui *t);
void tabs_free_all(struct tui *t);
/* Gives every terminal the size the layout has for it (terms and ptys). */
void tabs_apply_sizes(struct tui *t);
/* The console rect the focused tab draws into (left of the split or all). */
void tabs_console_size(const struct tui *t, const struct tab *tab, int *rows, int *cols);
/* Logs input a console refused since the last call (a program that does not
 * read: its pty queue is full, keys and terminal replies are dropped). */
void tabs_note_dropped(struct tui *t);

/* render.c */
/* Draws TERM scrolled back by SCROLL lines into R of stdscr; HL_ROW is
 * highlighted. Returns true when the cursor should show (at *CY, *CX). */
bool render_term(struct tui *t, struct term *term, const struct rect *r, int scroll, int hl_row,
                 int *cy, int *cx);
int ui_pair(int fg, int bg);

/* draw.c */
void draw_frame(struct tui *t);
/* Puts UTF-8 text at Y,X clipped to W columns; returns columns used. */
int draw_text(int y, int x, int w, attr_t attr, int pair, const char *s);
void draw_fill(const struct rect *r, attr_t attr, int pair);

/* side.c */
void side_draw(struct tui *t);
/* mxpane.c: the ping matrix in rows Y.. of width W (at most H rows); the rows used. */
int mxpane_draw(struct tui *t, int y, int x, int w, int h);
/* Scrolls the side pane down by LINES (up when negative). */
void side_scroll(struct tui *t, int lines);

/* actions.c */
void tui_log(struct tui *t, enum log_level lv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tui_queue(struct tui *t, const char *line);
void tui_run_queued(struct tui *t);
void tui_action(struct tui *t, const struct key_event *ev);
void tui_mark(struct tui *t, unsigned what);

/* input.c */
void input_on_stdin(void *ctx, int fd, short revents);
/* Runs a search for the focused tab's needle, older than its current hit. */
void input_search(struct tui *t, const char *needle);

/* tui.c */
void tui_resize(struct tui *t, bool from_signal);
/* Runs LINE through the command table unless a command is running. */
void tui_submit(struct tui *t, const char *line);

/* prompt.c: readline in the status line */
int prompt_init(struct tui *t, struct err *e);
void prompt_fini(struct tui *t);
void prompt_open(struct tui *t, enum prompt_mode mode, const char *prefill);
void prompt_close(struct tui *t);
void prompt_feed(struct tui *t, bool is_keycode, int code);
/* The prompt text and line, and the cursor's column in them. */
void prompt_view(const char **prompt, const char **line, int *cursor_col);

/* record.c */
/* lab_hooks.record: starts (PATH) or stops (NULL) recording the screen. */
int record_hook(void *ctx, const char *path, bool force, struct out *o, struct err *e);
/* After a frame: what curses wrote goes to the terminal and the file. */
void record_pump(struct tui *t);
/* After a resize: a resize event. */
void record_resize(struct tui *t);
/* The console closes: the recording ends (before endwin). */
void record_end(struct tui *t);

/* crash.c */
void crash_install(void);
void crash_uninstall(void);

#endif
