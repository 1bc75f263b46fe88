/* cmd_check.c — `check`: the lab file's checks, evaluated now. */
#include "core/cmds.h"
#include "core/labapply.h"

static int check_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)a;
    int failed = labapply_check(lab, o, NULL, e);
    if (failed < 0)
        return -1;
    if (failed > 0)
        return err_set(e, "check: %d of %zu check(s) failed", failed, labapply_spec(lab)->nchecks);
    return 0;
}

const struct cmd_entry cmd_check = {
    .name = "check",
    .usage = "",
    .summary = "evaluate the lab file's checks now: one line each, pass or FAIL and why",
    .exec = check_cmd,
};
