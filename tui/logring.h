/* logring.h — the last lines of command results and errors (the log pane).
 * Pure (unit-tested). */
#ifndef UMLAB_LOGRING_H
#define UMLAB_LOGRING_H

#include <stdbool.h>
#include <stddef.h>

/* LOG_SHELL: a shell equivalent of what umlab did ("$ ip ...", "g1# ..."). */
enum log_level { LOG_INFO, LOG_CMD, LOG_ERR, LOG_SHELL };

struct log_line {
    char *text;
    enum log_level level;
};

struct logring {
    struct log_line *lines;
    int cap, n, head;    /* n lines, the oldest at head */
    unsigned long added; /* total ever added: changes when the ring does */
};

int logring_init(struct logring *r, int cap);
void logring_free(struct logring *r);
/* Adds TEXT, one entry per line ('\n' splits; empty trailing line dropped).
 * Out of memory drops the line. */
void logring_add(struct logring *r, enum log_level level, const char *text);
/* The I-th line counted back from the newest (0 = newest), or NULL. */
const struct log_line *logring_back(const struct logring *r, int i);

#endif
