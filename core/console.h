/* console.h — talking to a guest through its console as a person would:
 * typing, waiting for the prompt, matching what the terminal shows. */
#ifndef UMLAB_CONSOLE_H
#define UMLAB_CONSOLE_H

#include <regex.h>
#include <stdint.h>
#include "core/lab.h"
#include "core/out.h"

/* Waits until the guest shows its shell prompt (booted, or done with a command). */
int console_wait_prompt(struct lab *lab, struct guest *g, int timeout_ms, struct err *e);

/* Types LINE + Enter at the prompt and waits for the next prompt. *START gets
 * the absolute line the command was typed on (for reading its output). */
int console_run(struct lab *lab, struct guest *g, const char *line, int timeout_ms, uint64_t *start,
                struct err *e);

/* Waits until RE matches the text shown since the guest's expect mark; MATCH
 * receives the matching line. The mark moves past that line. */
int console_expect(struct lab *lab, struct guest *g, const regex_t *re, int timeout_ms, char *match,
                   size_t matchsz, struct err *e);

/* Fails unless G can take typed commands now (running and at a prompt, or
 * booting: then it waits for the prompt first). */
int console_ready(struct lab *lab, struct guest *g, int timeout_ms, struct err *e);

#endif
