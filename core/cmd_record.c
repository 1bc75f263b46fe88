/* cmd_record.c — record: the console's screen to an asciicast file. The
 * console does the recording (lab_hooks.record); batch mode has no screen. */
#include "core/cmds.h"

static int record_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    bool off = strcmp(a->argv[0], "off") == 0;
    bool force = cmd_flag(a, "force");
    if (!lab->hooks.record)
        return err_set(e, "record: no screen to record here (batch mode); use it in the console");
    if (off && force)
        return err_set(e, "record off: --force is for a file (record FILE --force)");
    return lab->hooks.record(lab->hooks.ctx, off ? NULL : a->argv[0], force, o, e);
}

const struct cmd_entry cmd_record = {
    .name = "record",
    .usage = "FILE [--force] | off",
    .summary = "record the console's screen to FILE (asciicast v2), or stop",
    .args = {.min = 1, .max = 1, .opts = "force"},
    .exec = record_cmd,
};
