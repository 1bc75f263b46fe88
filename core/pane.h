/* pane.h — a program on a pty with its terminal: what a guest's console, the
 * host shell and tcpdump have in common (tmux's window_pane). The pane reads
 * the program's output into the terminal, a bounded amount per loop round;
 * queues what is typed (at most PTY_WQ_MAX); resizes terminal and pty
 * together; reaps the process; and keeps the terminal and its scrollback
 * across runs. Its owner hears of output and of the end. */
#ifndef UMLAB_PANE_H
#define UMLAB_PANE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "core/loop.h"
#include "pty/pty.h"
#include "pty/term.h"

/* Output read per loop round: one flood cannot starve the keyboard or the
 * other panes. */
#define PANE_READ_BUDGET (256 * 1024)

struct pane_hooks {
    /* A round of reading fed N bytes to the terminal; DRAINED: it stopped
     * because the pty was empty (not at the budget, not at the end). */
    void (*output)(void *ctx, size_t n, bool drained);
    /* The process was reaped, or the pty closed (all output read). */
    void (*ended)(void *ctx);
};

struct pane {
    struct loop *loop;
    struct term *term;
    struct ptyproc pty; /* pty.pid stays set after the reap, for the record */
    bool open;          /* the pty is open: output may still come */
    bool reaped;        /* no process: not started yet, or exited and reaped */
    int wstatus;        /* as from waitpid, once reaped */
    int64_t output_ms;  /* when the program last wrote */
    const struct pane_hooks *hooks;
    void *ctx;
};

/* A ROWS x COLS terminal keeping SCROLLBACK lines, no process yet. */
int pane_init(struct pane *p, struct loop *loop, int rows, int cols, int scrollback,
              const struct pane_hooks *hooks, void *ctx, struct err *e);
/* Starts ARGV on a new pty the size of the terminal (OPTS' rows and cols are
 * ignored). The pane must have no process. */
int pane_spawn(struct pane *p, char *const argv[], const struct pty_spawn_opts *opts,
               struct err *e);
/* Queues bytes for the program (see pty_write: all or none). */
int pane_write(struct pane *p, const char *bytes, size_t len, struct err *e);
/* Resizes the terminal and the pty (the program gets SIGWINCH). */
int pane_resize(struct pane *p, int rows, int cols, struct err *e);
/* SIGKILLs the process group and reaps it (the ended hook runs). */
void pane_kill(struct pane *p);
/* Reads what is left in the pty after the process exited, then closes it. */
void pane_drain(struct pane *p);
/* Kills the process if any (no hooks), closes the pty, frees the terminal. */
void pane_fini(struct pane *p);
/* The running process, 0 when none. */
pid_t pane_pid(const struct pane *p);

/* The environment for a program on a pane: umlab's, with each NAME=VALUE of
 * SET replacing any NAME it had. Only the array is allocated (free() it);
 * NULL when out of memory. */
char **pane_env(const char *const set[], size_t nset);

/* Absolute line number of the cursor row (grows as output scrolls). */
uint64_t pane_cursor_line(const struct pane *p);
/* Appends the terminal's text from absolute line FROM (clamped to what the
 * scrollback still holds) to the cursor row, lines joined by '\n'. */
void pane_text(const struct pane *p, uint64_t from, struct strbuf *out);

#endif
