/* batch.h — running commands without a screen (umlab --batch FILE). */
#ifndef UMLAB_BATCH_H
#define UMLAB_BATCH_H

#include <stdbool.h>
#include <stdio.h>
#include "base/err.h"

struct lab;

struct batch_opts {
    bool json;       /* one JSON object per command instead of text */
    bool keep_going; /* do not stop at the first failing command */
    bool echo;       /* print each command before its result (text mode) */
};

/* Runs every line read from FD (served by the lab's event loop, so signals and
 * guests are handled while the input is silent). Returns the number of failed
 * commands (0: all ok), or -1 when FD cannot be read or OUT was closed (EPIPE:
 * then lab->quit_signal is SIGPIPE, as if asked to quit). */
int batch_run(struct lab *lab, int fd, const char *name, const struct batch_opts *o, FILE *out,
              struct err *e);

#endif
