/* matrix_internal.h — the ping matrix's state, shared by matrix.c (rounds,
 * the host's row) and matrix_guest.c (the guests' rows). */
#ifndef UMLAB_MATRIX_INTERNAL_H
#define UMLAB_MATRIX_INTERNAL_H

#include <netinet/in.h>

#include "core/lab.h"
#include "core/matrix.h"

#define MX_COLS (MX_MAX_GUESTS + 2)
/* A guest's probe (one command pinging its targets) ends in this time or
 * leaves its row unknown. */
#define MX_PROBE_MS 5000

/* One guest's outstanding probe: what it pings, for which row. */
struct mx_probe {
    struct lab *lab;
    struct ctlchan *on; /* the channel it runs on, NULL: none out */
    char row[MX_NAMESZ];
    int64_t sent_ms; /* when it was queued on the channel */
    size_t n;
    char col[MX_COLS][MX_NAMESZ];
    struct in_addr addr[MX_COLS];
};

struct matrix_state {
    struct mx_matrix m;
    bool watched;
    int fd; /* raw ICMP socket in the lab's namespace, -1: closed */
    uint16_t ident, seq;
    bool round_open;
    int64_t round_start;
    struct in_addr dst[MX_COLS]; /* the host row's probe per column */
    bool pending[MX_COLS];
    size_t next_row; /* the inferred row a watched round infers first */
    struct mx_probe probe[MX_MAX_GUESTS];
};

void mx_cell_set(struct mx_cell *c, enum mx_state st, bool inferred, const char *why);
/* The cell ROW -> COL of O, NULL when O has none. */
const struct mx_cell *mx_old_cell(const struct mx_matrix *o, const char *row, const char *col);
/* Row R of N (a round being made) for G: probed on G's control channel when
 * it has one (the answer fills s->m later; meanwhile the last probed cells
 * stay), else inferred by `why` when INFER (else the last cells stay). */
void mx_guest_row(struct lab *lab, struct matrix_state *s, struct mx_matrix *n, size_t r,
                  bool infer);
/* Whether G's row is probed, not inferred. */
bool mx_guest_probed(const struct guest *g);
/* Whether a guest's probe is still out. */
bool mx_probes_out(const struct matrix_state *s);
/* The rows of the guests whose probe is still out turn unknown. */
void mx_probes_late(struct matrix_state *s);
/* Their answers go nowhere (the matrix goes away). */
void mx_probes_forget(struct matrix_state *s);

#endif
