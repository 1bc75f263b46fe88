/* cmd_matrix.c — `matrix`: the ping matrix once (matrix.h); the console's
 * pane keeps the same one current. */
#include "core/cmds.h"
#include "core/matrix.h"

/* How a cell reads in text: "~" marks an inferred one. */
static const char *cell_word(const struct mx_cell *c)
{
    switch (c->st) {
    case MX_SELF:
        return "-";
    case MX_PENDING:
        return "...";
    case MX_PASS:
        return c->inferred ? "~ok" : "ok";
    case MX_FAIL:
        return c->inferred ? "~FAIL" : "FAIL";
    default:
        return c->inferred ? "~?" : "?";
    }
}

static int matrix_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)a;
    if (lab_matrix_now(lab, e) < 0)
        return -1;
    const struct mx_matrix *m = lab_matrix(lab);
    size_t ncols = mx_ncols(m);
    out_printf(o, "%-10s", "from\\to");
    out_arr_begin(o, "columns");
    for (size_t c = 0; c < ncols; c++)
        out_str(o, NULL, " %-8s", mx_col_name(m, c));
    out_arr_end(o);
    out_printf(o, "\n");
    int failures = 0;
    out_arr_begin(o, "cells");
    for (size_t r = 0; r <= m->nguests; r++) {
        const char *from = r < m->nguests ? m->names[r] : "host";
        out_printf(o, "%-10s", from);
        for (size_t c = 0; c < ncols; c++) {
            const struct mx_cell *cell = &m->cell[r][c];
            out_printf(o, " %-8s", cell_word(cell));
            if (cell->st == MX_SELF)
                continue;
            failures += cell->st == MX_FAIL;
            out_obj_begin(o, NULL);
            out_str(o, "from", NULL, from);
            out_str(o, "to", NULL, mx_col_name(m, c));
            out_str(o, "state", NULL, mx_state_name(cell->st));
            out_bool(o, "inferred", NULL, cell->inferred);
            out_str(o, "why", NULL, cell->why);
            out_obj_end(o);
        }
        out_printf(o, "\n");
    }
    out_arr_end(o);
    out_int(o, "failures", NULL, failures);
    bool inferred = false;
    for (size_t r = 0; r < m->nguests; r++)
        for (size_t c = 0; c < ncols; c++)
            inferred |= m->cell[r][c].inferred;
    if (inferred)
        out_printf(o,
                   "(~ inferred from the lab's state by `why`: the guest has no control channel, "
                   "its image its own init; the other cells are real pings)\n");
    for (size_t r = 0; r <= m->nguests; r++)
        for (size_t c = 0; c < ncols; c++) {
            const struct mx_cell *cell = &m->cell[r][c];
            if (cell->st == MX_FAIL || cell->st == MX_UNKNOWN)
                out_printf(o, "%s -> %s: %s\n", r < m->nguests ? m->names[r] : "host",
                           mx_col_name(m, c), cell->why);
        }
    return 0;
}

const struct cmd_entry cmd_matrix = {
    .name = "matrix",
    .usage = "",
    .summary = "the reachability matrix (guests, host, internet), pinged from the host and the "
               "guests; a guest without a control channel inferred by `why` (~)",
    .exec = matrix_cmd,
};
