/* cmd_export.c — export FILE: a POSIX sh script that rebuilds the running lab
 * without umlab (`sh FILE up`) and takes it down again (`sh FILE down`), from
 * the journal (what is not undone, in order), each running guest's linux.uml
 * line and what was typed into it. Names become variables (NS, NS_INET, DIR,
 * XSTATE, KERNEL, ROOTFS) so that it can be run in other namespaces. */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/cmds.h"
#include "core/lab_shell.h"
#include "core/useropen.h"

static const char script_head[] =
    "#\n"
    "#   sh FILE up                 make it: namespaces, taps, addresses, routes, sysctls,\n"
    "#                              rules; start the guests and type into them what was typed\n"
    "#   sh FILE down               undo all of it, newest first\n"
    "#   sh FILE type GUEST TEXT    type a line into GUEST's console\n"
    "#\n"
    "# A guest's console (con1) reads the FIFO $DIR/GUEST.in (kept open by a sleeping\n"
    "# writer, $DIR/GUEST.holder) and writes to the file $DIR/GUEST.log; its linux.uml\n"
    "# runs in a session of its own, process group id in $DIR/GUEST.pid.\n"
    "# The names below can be given in the environment (NS=mylab sh FILE up), so that\n"
    "# the lab is built in other namespaces; iptables-legacy: umlab's rules are\n"
    "# x_tables rules (libiptc), as iptables-legacy shows them.\n"
    "set -eu\n";

/* The guest whose running linux.uml is journal record SEQ, or NULL. */
static struct guest *guest_of_proc(const struct lab *lab, unsigned seq)
{
    for (size_t i = 0; i < lab->nguests; i++) {
        struct guest *g = lab->guests[i];
        if (g->j_proc > 0 && (unsigned)g->j_proc == seq && g->shell && g->shell->argv &&
            !g->pane.reaped)
            return g;
    }
    return NULL;
}

static int put_guest_start(const struct lab *lab, struct guest *g, const struct shell_ctx *c,
                           struct strbuf *b, struct err *e)
{
    struct guest_shell *s = g->shell;
    char *env[] = {s->preload, NULL};
    sb_printf(b, "    # guest %s\n", g->name);
    sb_printf(b, "    mkdir -p \"$DIR/guests/uml\"\n");
    sb_printf(b, "    rm -f \"$DIR/%s.in\"\n    mkfifo -m 600 \"$DIR/%s.in\"\n", g->name, g->name);
    sb_append(b, "    ", 4);
    if (lab->netns[0]) {
        sb_append(b, "ip netns exec ", 14);
        if (shell_quote(b, lab->netns, c, e) < 0)
            return -1;
        sb_append(b, " ", 1);
    }
    sb_append(b, "setsid ", 7);
    if (shellcmd_argv(NULL, env, s->cpu, s->argv, c, b, e) < 0)
        return -1;
    sb_printf(b, " <\"$DIR/%s.in\" >\"$DIR/%s.log\" 2>&1 &\n", g->name, g->name);
    sb_printf(b, "    echo $! >\"$DIR/%s.pid\"\n", g->name);
    sb_printf(b, "    sleep 2147483647 >\"$DIR/%s.in\" &\n", g->name);
    sb_printf(b, "    echo $! >\"$DIR/%s.holder\"\n", g->name);
    return 0;
}

static int put_up(struct lab *lab, const struct shell_ctx *c, struct strbuf *b, struct err *e)
{
    sb_append(b, "\nup() {\n", 8);
    for (size_t i = 0; i < lab->journal.nrecs; i++) {
        const struct jrecord *r = &lab->journal.recs[i];
        if (r->done || r->invalid)
            continue;
        if (r->kind == J_PROC) {
            struct guest *g = guest_of_proc(lab, r->seq);
            if (g && put_guest_start(lab, g, c, b, e) < 0)
                return -1;
            continue;
        }
        struct strbuf cmds = {0};
        int n = shellcmd_make(r, c, &cmds, e);
        for (const char *p = sb_str(&cmds); n > 0 && *p;) {
            const char *nl = strchr(p, '\n');
            sb_printf(b, "    %.*s\n", (int)(nl - p), p);
            p = nl + 1;
        }
        sb_free(&cmds);
        if (n < 0)
            return err_set(e, "export: record %u (%s): %s", r->seq, journal_kind_name(r->kind),
                           e->msg);
    }
    for (size_t i = 0; i < lab->nguests; i++) {
        struct guest *g = lab->guests[i];
        if (!g->shell || !g->shell->typed.len || !guest_of_proc(lab, (unsigned)g->j_proc))
            continue;
        sb_printf(b, "    # typed into %s\n    wait_prompt %s\n", g->name, g->name);
        const char *p = sb_str(&g->shell->typed);
        while (*p) {
            const char *nl = strchr(p, '\n');
            struct strbuf fmt = {0};
            sb_append(&fmt, p, (size_t)(nl - p));
            sb_printf(b, "    type_raw %s ", g->name);
            int rc = shell_quote(b, sb_str(&fmt), NULL, e);
            sb_free(&fmt);
            if (rc < 0)
                return -1;
            sb_append(b, "\n", 1);
            p = nl + 1;
        }
    }
    sb_append(b, "}\n", 2);
    return 0;
}

static int put_down(struct lab *lab, const struct shell_ctx *c, struct strbuf *b, struct err *e)
{
    sb_printf(b, "\n# Everything is tried; the status says whether all of it went.\ndown() {\n"
                 "    fail=0\n");
    for (size_t i = 0; i < lab->nguests; i++) {
        struct guest *g = lab->guests[i];
        if (!guest_of_proc(lab, (unsigned)g->j_proc))
            continue;
        sb_printf(b, "    stop_guest %s || fail=1\n", g->name);
    }
    for (size_t i = lab->journal.nrecs; i-- > 0;) {
        const struct jrecord *r = &lab->journal.recs[i];
        if (r->done || r->invalid || r->kind == J_PROC)
            continue;
        struct strbuf cmds = {0};
        int n = shellcmd_undo(r, c, &cmds, e);
        for (const char *p = sb_str(&cmds); n > 0 && *p;) {
            const char *nl = strchr(p, '\n');
            sb_printf(b, "    %.*s || fail=1\n", (int)(nl - p), p);
            p = nl + 1;
        }
        sb_free(&cmds);
        if (n < 0)
            return err_set(e, "export: record %u (%s): %s", r->seq, journal_kind_name(r->kind),
                           e->msg);
    }
    sb_printf(b, "    return $fail\n}\n");
    return 0;
}

static const char script_funcs[] =
    "\n# GUEST's console shows a shell prompt (busybox asks for the cursor: ESC[6n).\n"
    "wait_prompt() {\n"
    "    i=0\n"
    "    until tail -c 64 \"$DIR/$1.log\" 2>/dev/null | tr -d '\\033' |\n"
    "        grep -q '[#$] \\{0,1\\}\\(\\[6n\\)\\{0,1\\}$'; do\n"
    "        i=$((i + 1))\n"
    "        [ $i -le 600 ] || { echo \"$1: no shell prompt in 60 s (see $DIR/$1.log)\" >&2; "
    "return 1; }\n"
    "        sleep 0.1\n"
    "    done\n"
    "}\n"
    "\n# Types printf(1) format FORMAT into GUEST's console.\n"
    "type_raw() {\n"
    "    # shellcheck disable=SC2059\n"
    "    printf \"$2\" >\"$DIR/$1.in\"\n"
    "    sleep 0.3\n"
    "}\n"
    "\nstop_guest() {\n"
    "    rc=0\n"
    "    if [ -f \"$DIR/$1.pid\" ]; then kill -s KILL -- \"-$(cat \"$DIR/$1.pid\")\" 2>/dev/null "
    "|| "
    "rc=1; fi\n"
    "    if [ -f \"$DIR/$1.holder\" ]; then kill \"$(cat \"$DIR/$1.holder\")\" 2>/dev/null || "
    "true; fi\n"
    "    rm -f \"$DIR/$1.pid\" \"$DIR/$1.holder\" \"$DIR/$1.in\"\n"
    "    return $rc\n"
    "}\n"
    "\ncase \"${1:-}\" in\n"
    "up) up ;;\n"
    "down) down ;;\n"
    "type)\n"
    "    [ $# -eq 3 ] || { echo \"usage: $0 type GUEST TEXT\" >&2; exit 2; }\n"
    "    printf '%s\\r' \"$3\" >\"$DIR/$2.in\"\n"
    "    ;;\n"
    "*)\n"
    "    echo \"usage: $0 up | down | type GUEST TEXT\" >&2\n"
    "    exit 2\n"
    "    ;;\n"
    "esac\n";

int lab_export_script(struct lab *lab, struct strbuf *b, struct err *e)
{
    struct lab_shell_ctx lc;
    lab_shell_ctx(lab, true, &lc);
    sb_printf(b, "#!/bin/sh\n# Lab '%s' as umlab left it, rebuilt without umlab.\n", lab->name);
    sb_append(b, script_head, strlen(script_head));
    for (size_t i = 0; i < lc.c.nsubst; i++) {
        sb_printf(b, "%s=${%s:-", lc.subst[i].var, lc.subst[i].var);
        if (shell_quote(b, lc.subst[i].literal, NULL, e) < 0)
            return -1;
        sb_append(b, "}\n", 2);
    }
    if (put_up(lab, &lc.c, b, e) < 0 || put_down(lab, &lc.c, b, e) < 0)
        return -1;
    sb_append(b, script_funcs, strlen(script_funcs));
    if (b->oom)
        return err_set(e, "export: out of memory");
    return 0;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int export_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    const char *path = a->argv[0];
    struct strbuf b = {0};
    if (lab_export_script(lab, &b, e) < 0) {
        sb_free(&b);
        return -1;
    }
    /* Created as the user who called sudo (the name is theirs, in a
     * directory they may control), never over an existing file or a link. */
    struct useropen_who who;
    useropen_who(&who);
    int fd = useropen(&who, path, O_WRONLY | O_CREAT | O_EXCL, 0644, e);
    if (fd < 0) {
        sb_free(&b);
        return -1;
    }
    int rc = 0;
    if (fchmod(fd, 0644) < 0 || write_all(fd, sb_str(&b), b.len) < 0 || fsync(fd) < 0)
        rc = err_sys(e, "export %s (left incomplete)", path);
    if (close(fd) < 0 && rc == 0)
        rc = err_sys(e, "export %s (left incomplete)", path);
    /* an incomplete file is not removed: root does not unlink in the user's directory */
    if (rc == 0) {
        out_printf(o, "exported lab %s to %s: sh %s up | down\n", lab->name, path, path);
        out_str(o, "file", NULL, path);
        out_uint(o, "bytes", NULL, b.len);
    }
    sb_free(&b);
    return rc;
}

const struct cmd_entry cmd_export = {
    .name = "export",
    .usage = "FILE",
    .summary = "write a sh script that rebuilds the lab without umlab (FILE up | down)",
    .args = {.min = 1, .max = 1},
    .exec = export_cmd,
};
