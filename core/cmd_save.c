/* cmd_save.c — `save FILE`: the running lab as a lab file. */
#include "core/cmds.h"
#include "core/labsave.h"

static int save_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    if (labsave_write(lab, a->argv[0], e) < 0)
        return -1;
    out_str(o, "file", "saved the lab to %s\n", a->argv[0]);
    return 0;
}

const struct cmd_entry cmd_save = {
    .name = "save",
    .usage = "FILE",
    .summary = "write the running lab as a lab file (LANs, guests, NICs, addresses, routes, "
               "forwarding, images, memory, NAT); "
               "FILE must not exist",
    .args = {.min = 1, .max = 1},
    .exec = save_cmd,
};
