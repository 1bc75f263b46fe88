/* cmd_save.c — `save FILE`: the running lab as a lab file; `save --netkit
 * DIR`: as a Netkit/Kathará lab directory. */
#include "core/cmds.h"
#include "core/labsave.h"
#include "core/netkit_save.h"

static int save_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    if (cmd_flag(a, "netkit")) {
        if (netkit_save(lab, a->argv[0], e) < 0)
            return -1;
        out_str(o, "dir", "saved the lab as a Netkit lab in %s: lab.conf and ", a->argv[0]);
        out_int(o, "startups", "%lld startup script(s)\n", (long long)lab->nguests);
        return 0;
    }
    if (labsave_write(lab, a->argv[0], e) < 0)
        return -1;
    out_str(o, "file", "saved the lab to %s\n", a->argv[0]);
    return 0;
}

const struct cmd_entry cmd_save = {
    .name = "save",
    .usage = "[--netkit] FILE|DIR",
    .summary = "write the running lab as a lab file (LANs, guests, NICs, addresses, routes, "
               "forwarding, images, memory, NAT; FILE must not exist), or with --netkit as a "
               "Netkit/Kathará lab directory (lab.conf, M.startup; none of them may exist)",
    .args = {.min = 1, .max = 1, .opts = "netkit"},
    .exec = save_cmd,
};
