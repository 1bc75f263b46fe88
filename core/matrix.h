/* matrix.h — the live ping matrix: can each guest and the host reach each
 * guest, the host and the internet? Kept current at a low rate only while a
 * front end shows it (lab_matrix_watch), or made once by the `matrix` command.
 *
 * The host's row is measured: umlab sends ICMP echo requests from the lab's
 * namespace (a raw socket the event loop reads; nothing waits). A guest's row
 * is measured too when the guest has umlab's hidden control channel (the
 * embedded image): one command a round pings all its targets at once
 * (mxprobe.h), its answer, read by the event loop, fills the row; a guest
 * that does not answer in time leaves its row unknown, not the others'.
 * Nothing is typed into its console. The row of a guest without the channel
 * (an image with its own init) is inferred: `why`'s walk run on umlab's own
 * view of the lab (why_gather_host: the host's taps, routes, sysctls and
 * rules, the guests as umlab set them up), so a cell fails at the first hop
 * `why` finds broken and passes when none is. */
#ifndef UMLAB_MATRIX_H
#define UMLAB_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct lab;

#define MX_MAX_GUESTS 16
#define MX_NAMESZ     16
#define MX_WHYSZ      160
/* A round every MX_ROUND_MS while watched; a host probe unanswered by the
 * next round failed. */
#define MX_ROUND_MS 2000

enum mx_state {
    MX_SELF,    /* the diagonal */
    MX_PENDING, /* a probe is out */
    MX_PASS,
    MX_FAIL,
    MX_UNKNOWN, /* a booting guest, a rule umlab cannot read */
};

struct mx_cell {
    enum mx_state st;
    bool inferred;      /* from the lab's state (`why` on paper), not a probe */
    char why[MX_WHYSZ]; /* a failure's cause: "no answer", "nat: nothing masquerades ..." */
};

/* Rows: the guests, then the host. Columns: the guests, the host, then the
 * internet (a sandbox only). */
struct mx_matrix {
    char names[MX_MAX_GUESTS][MX_NAMESZ];
    size_t nguests; /* guests shown (the first MX_MAX_GUESTS) */
    bool internet;
    struct mx_cell cell[MX_MAX_GUESTS + 1][MX_MAX_GUESTS + 2];
    unsigned gen;    /* bumped when a cell changes state */
    unsigned rounds; /* rounds finished */
};

/* Row/column helpers. */
static inline size_t mx_host(const struct mx_matrix *m)
{
    return m->nguests;
}
static inline size_t mx_ncols(const struct mx_matrix *m)
{
    return m->nguests + 1 + (m->internet ? 1 : 0);
}
const char *mx_col_name(const struct mx_matrix *m, size_t c);
const char *mx_state_name(enum mx_state s);

/* The matrix as last made (all empty before the first round). */
const struct mx_matrix *lab_matrix(struct lab *lab);
/* A front end shows it (ON) or stopped showing it. */
void lab_matrix_watch(struct lab *lab, bool on);
/* The lab's tick: a round when watched and due. */
void matrix_tick(struct lab *lab);
/* One whole round now, waiting (the loop keeps running) for the host's and
 * the guests' probes; for the `matrix` command. */
int lab_matrix_now(struct lab *lab, struct err *e);
void matrix_free(struct lab *lab);

#endif
