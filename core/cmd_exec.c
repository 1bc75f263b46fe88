/* cmd_exec.c — `exec GUEST CMD…`: run a command in a guest's shell, wait for
 * it to end, print its output; fails when it exits non-zero. */
#include "core/cmds.h"
#include "core/guest_exec.h"

static int exec_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    int timeout;
    if (cmd_parse_timeout(cmd_opt(a, "timeout"), GUEST_EXEC_TIMEOUT_MS, &timeout, e) < 0)
        return -1;
    struct strbuf cmd = {0};
    for (int i = 1; i < a->argc; i++) {
        if (i > 1)
            sb_append(&cmd, " ", 1);
        sb_append(&cmd, a->argv[i], strlen(a->argv[i]));
    }
    struct strbuf output = {0};
    int status = -1;
    int rc = cmd.oom ? err_set(e, "exec: out of memory")
             : cmd_flag(a, "hidden")
                 ? guest_exec_hidden(lab, g, sb_str(&cmd), timeout, &status, &output, e)
                 : guest_exec(lab, g, sb_str(&cmd), timeout, &status, &output, e);
    if (rc == 0) {
        out_int(o, "exit", NULL, status);
        out_str(o, "output", output.len ? "%s\n" : NULL, sb_str(&output));
        if (status != 0)
            rc = err_set(e, "%s: `%s` exited with status %d", g->name, sb_str(&cmd), status);
    }
    sb_free(&output);
    sb_free(&cmd);
    return rc;
}

const struct cmd_entry cmd_exec = {
    .name = "exec",
    .usage = "GUEST [--timeout S] [--hidden] COMMAND...",
    .summary = "run COMMAND in the guest's shell, wait for it to end and print its output "
               "(fails when it exits non-zero); --hidden: on its control channel, nothing "
               "typed into its console",
    .args = {.min = 2, .max = CMD_MAX_ARGS, .opts = "timeout= hidden", .verbatim_from = 2},
    .target = CMD_TARGET_GUEST,
    .exec = exec_cmd,
};
