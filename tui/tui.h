/* tui.h — the full-screen lab console (ncursesw) over a lab. */
#ifndef UMLAB_TUI_H
#define UMLAB_TUI_H

#include "base/err.h"

struct lab;
struct histfile_owner;

struct tui_opts {
    const char *history_path;                   /* readline history file; NULL: none */
    const struct histfile_owner *history_owner; /* whose file: opened as them */
    const char *history_error;                  /* why there is no history file (logged), or NULL */
    int boot_guests;                            /* guests to add at start (the run command: 1) */
    const struct histfile_owner *user; /* whose files `record` writes (as them); NULL: refused */
    const char *user_error;            /* why there is no user, or NULL */
    const char *lesson;                /* a lesson file to start (`lesson FILE`), or NULL */
};

/* Runs the console until the user quits or a quit signal arrives. The terminal
 * is restored before returning. The caller closes the lab afterwards. */
int tui_run(struct lab *lab, const struct tui_opts *opts, struct err *e);

#endif
