/* labcheck.h — evaluating a lab file's checks against the running lab: each
 * one pass or fail with a one-line why. A check looks at the lab as a person
 * would: `reach` pings (as the `ping` command), `addr` and `route` read the
 * guest's own `ip -o -4 addr` / `ip -4 route` (on its control channel when it
 * has one, else typed: guest_exec.h), `counter` compares
 * a counter with the one taken before the lab was built (labcheck_baseline),
 * `screen` matches the guest's screen, `exec` runs a command. */
#ifndef UMLAB_LABCHECK_H
#define UMLAB_LABCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/labfile.h"

struct lab;

#define LABCHECK_WHY_MAX 200
/* A reach check to a guest on another host (labfile_set_as) pings up to this
 * many times (2 s each when unanswered) while that host's part starts. */
#define LABCHECK_PEER_TRIES 30

struct labcheck_result {
    bool pass;
    char why[LABCHECK_WHY_MAX]; /* one line */
};

/* Counters before the lab is built, for `counter … moved` (an interface that
 * does not exist yet counts from 0). */
struct labcheck_base {
    uint64_t *rx, *tx; /* per check, 0 for checks that are not counters */
    size_t n;
};

/* Takes the counters every counter check of S names. */
int labcheck_baseline(struct lab *lab, const struct lab_spec *s, struct labcheck_base *b,
                      struct err *e);
void labcheck_base_free(struct labcheck_base *b);

/* Evaluates check I of S now (B may be NULL: counters then count from 0). */
void labcheck_eval(struct lab *lab, const struct lab_spec *s, const struct labcheck_base *b,
                   size_t i, struct labcheck_result *r);
/* The same, a reach to a guest on another host pinging at most PEER_TRIES
 * times (1: that host's part is known not to answer). */
void labcheck_eval_tries(struct lab *lab, const struct lab_spec *s, const struct labcheck_base *b,
                         size_t i, int peer_tries, struct labcheck_result *r);

/* For live evaluation (checklist.h), which runs a guest's part through its
 * control channel instead of typing: the command check I runs in its guest
 * into CMD (1), none because it needs none (0: counter, screen: use
 * labcheck_eval), or -1 with R judged already (e.g. a target without an
 * address). */
int labcheck_guest_cmd(struct lab *lab, const struct lab_spec *s, size_t i, char *cmd, size_t cmdsz,
                       struct labcheck_result *r);
/* Judges check I from its command's exit STATUS and OUTPUT (`!` applied). */
void labcheck_judge(struct lab *lab, const struct lab_spec *s, size_t i, int status,
                    const char *output, struct labcheck_result *r);

#endif
