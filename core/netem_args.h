/* netem_args.h — the words of the `netem` command (loss 10% delay 50ms ...)
 * into netcfg's netem_params, and netem_params back into the same words, as
 * `status` and the side pane show them. Pure. */
#ifndef UMLAB_NETEM_ARGS_H
#define UMLAB_NETEM_ARGS_H

#include <stddef.h>
#include "base/err.h"
#include "netcfg/qdisc.h"

#define NETEM_ARGS_USAGE "[loss P%] [delay MS] [jitter MS] [duplicate P%] [rate N(kbit|mbit|gbit)]"

/* Reads ARGC words of KEY VALUE pairs: loss and duplicate in percent (0..100,
 * '%' optional), delay and jitter as a time (ms when no unit; us, ms or s),
 * rate with its unit (bit, kbit, mbit, gbit: per second). Each key at most
 * once; at least one. *P is written only on success. */
int netem_args_parse(int argc, char *const *argv, struct netem_params *p, struct err *e);

/* "delay 50ms jitter 5ms loss 10% duplicate 1% rate 1mbit" (the parts that
 * are on), "none" when nothing is. */
void netem_args_format(const struct netem_params *p, char *buf, size_t bufsz);

/* P as one word without blanks, for the journal: "delay=50ms,loss=10%"
 * (netem_args_format's pairs joined by '=' and ','). -1 when it does not fit. */
int netem_args_word(const struct netem_params *p, char *buf, size_t bufsz);
/* Reads such a word back (checked as netem_args_parse checks the command's
 * words). *P is written only on success. */
int netem_args_from_word(const char *word, struct netem_params *p, struct err *e);

#endif
