/* aux.h — a program of the console's own on a pty with a terminal: the host
 * shell tab and the tcpdump split. It runs in the lab's namespace because
 * umlab itself does. */
#ifndef UMLAB_AUX_H
#define UMLAB_AUX_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "core/loop.h"
#include "pty/pty.h"
#include "pty/term.h"

struct aux {
    struct loop *loop;
    struct ptyproc pty;
    bool pty_open, reaped;
    int wstatus;
    struct term *term;
    char title[48];
    void (*changed)(void *ctx); /* output or exit */
    void *ctx;
};

/* Starts ARGV on a ROWS x COLS pty with a terminal keeping SCROLLBACK lines.
 * ENV: NULL inherits. */
int aux_spawn(struct aux **out, struct loop *loop, char *const argv[], char *const env[], int rows,
              int cols, int scrollback, struct err *e);
/* Kills the program (its process group), reaps it, frees everything. */
void aux_free(struct aux *a);
/* Resizes the terminal and the pty (the program gets SIGWINCH). */
void aux_resize(struct aux *a, int rows, int cols);
bool aux_running(const struct aux *a);

#endif
