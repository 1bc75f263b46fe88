/* cmd_exec.c — `exec GUEST CMD…`: run a command in a guest's shell, wait for
 * it to end, print its output; fails when it exits non-zero. */
#include "core/cmds.h"
#include "core/ctlchan.h"
#include "core/guest_exec.h"

struct hidden_wait {
    bool done, ok;
    int status;
    struct strbuf output;
    char error[200];
};

static void hidden_done(void *ctx, const struct ctlchan_result *r)
{
    struct hidden_wait *w = ctx;
    w->done = true;
    w->ok = r->ok;
    w->status = r->status;
    sb_append(&w->output, r->output, strlen(r->output));
    snprintf(w->error, sizeof w->error, "%s", r->error ? r->error : "");
}

static bool hidden_ended(void *ctx)
{
    return ((struct hidden_wait *)ctx)->done;
}

/* CMD on G's control channel: nothing typed into its console. */
static int exec_hidden(struct lab *lab, struct guest *g, const char *cmd, int timeout, int *status,
                       struct strbuf *output, struct err *e)
{
    if (!g->ctl)
        return err_set(e, "%s has no control channel (only umlab's embedded image has one)",
                       g->name);
    struct hidden_wait w = {0};
    if (ctlchan_exec(g->ctl, cmd, timeout, hidden_done, &w, e) < 0)
        return -1;
    char what[64];
    snprintf(what, sizeof what, "%s to finish the command", g->name);
    /* the channel times the command out itself; the wait only for a stop */
    if (lab_wait(lab, hidden_ended, &w, timeout + 2000, what, e) < 0) {
        if (!w.done)
            ctlchan_forget(g->ctl, &w);
        sb_free(&w.output);
        return -1;
    }
    int rc = 0;
    if (!w.ok)
        rc = err_set(e, "%s: control channel: %s", g->name, w.error);
    else {
        *status = w.status;
        sb_append(output, sb_str(&w.output), w.output.len);
    }
    sb_free(&w.output);
    return rc;
}

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
                 ? exec_hidden(lab, g, sb_str(&cmd), timeout, &status, &output, e)
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
