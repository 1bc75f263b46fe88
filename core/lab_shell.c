/* lab_shell.c — see lab_shell.h. */
#include "core/lab_shell.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/out.h"

void lab_shell_emit(struct lab *lab, const char *line)
{
    if (lab->cur_out)
        out_shell(lab->cur_out, line);
    if (lab->hooks.shell_line)
        lab->hooks.shell_line(lab->hooks.ctx, line);
}

/* Each line of TEXT as "$ LINE". */
static void emit_lines(struct lab *lab, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char line[1200];
        snprintf(line, sizeof line, "$ %.*s", (int)(n < sizeof line - 3 ? n : sizeof line - 3), p);
        lab_shell_emit(lab, line);
        p += n + (nl ? 1 : 0);
    }
}

void lab_shell_ctx(const struct lab *lab, bool export, struct lab_shell_ctx *lc)
{
    memset(lc, 0, sizeof *lc);
    struct shell_ctx *c = &lc->c;
    c->lab = lab->name;
    c->net = lab->subnet.net.s_addr;
    c->mask = lab->subnet.prefix ? htonl(0xffffffffU << (32 - lab->subnet.prefix)) : 0;
    c->uplink = lab->uplink[0] ? lab->uplink : NULL;
    if (lab->inet_netns[0]) { /* the sandbox's uplink to its stand-in internet */
        snprintf(lc->veth_cidr, sizeof lc->veth_cidr, "%s/24", SANDBOX_UPLINK_ADDR);
        snprintf(lc->peer_cidr, sizeof lc->peer_cidr, "%s/24", SANDBOX_INET);
        lc->veth = (struct shell_veth){SANDBOX_UPLINK, "eth0", lab->inet_netns, lc->veth_cidr,
                                       lc->peer_cidr};
        c->veth = &lc->veth;
        c->nveth = 1;
    }
    if (!export)
        return;
    const struct {
        const char *lit, *var;
    } names[] = {
        {lab->netns, "NS"},           {lab->inet_netns, "NS_INET"}, {lab->statedir, "DIR"},
        {lab->uml_preload, "XSTATE"}, {lab->kernel, "KERNEL"},      {lab->rootfs, "ROOTFS"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].lit[0])
            lc->subst[c->nsubst++] = (struct shell_subst){names[i].lit, names[i].var};
    c->subst = lc->subst;
}

static void on_record(void *ctx, const struct jrecord *rec, bool undone)
{
    struct lab *lab = ctx;
    if (undone && rec->kind == J_PROC)
        return; /* a guest that exited, or halted through its mconsole: no command */
    struct lab_shell_ctx lc;
    lab_shell_ctx(lab, false, &lc);
    struct strbuf b = {0};
    struct err e;
    int n = undone ? shellcmd_undo(rec, &lc.c, &b, &e) : shellcmd_make(rec, &lc.c, &b, &e);
    if (n < 0) {
        char line[600];
        snprintf(line, sizeof line, "# %s: %s", journal_kind_name(rec->kind), e.msg);
        lab_shell_emit(lab, line);
    } else {
        emit_lines(lab, sb_str(&b));
    }
    sb_free(&b);
}

void lab_shell_attach(struct lab *lab)
{
    lab->journal.on_record = on_record;
    lab->journal.on_record_ctx = lab;
}

void lab_shell_detach(struct lab *lab)
{
    lab->journal.on_record = NULL;
    lab->journal.on_record_ctx = NULL;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

void lab_shell_guest_free(struct guest *g)
{
    if (!g->shell)
        return;
    free_argv(g->shell->argv);
    free(g->shell->preload);
    sb_free(&g->shell->typed);
    free(g->shell);
    g->shell = NULL;
}

static struct guest_shell *shell_of(struct guest *g)
{
    if (!g->shell && (g->shell = calloc(1, sizeof *g->shell)))
        g->shell->cpu = -1;
    return g->shell;
}

void lab_shell_guest_started(struct guest *g, char *const *argv, const char *preload, int cpu)
{
    struct guest_shell *s = shell_of(g);
    if (!s)
        return;
    size_t n = 0;
    while (argv[n])
        n++;
    char **copy = calloc(n + 1, sizeof *copy);
    /* con2=fd:N is umlab's control channel (ctlchan.h): an fd only umlab has,
     * nothing a person or an exported script could give the guest */
    for (size_t i = 0, j = 0; copy && i < n; i++)
        if (strncmp(argv[i], "con2=fd:", 8) != 0 && !(copy[j++] = strdup(argv[i]))) {
            free_argv(copy);
            copy = NULL;
        }
    free_argv(s->argv);
    s->argv = copy;
    free(s->preload);
    s->preload = NULL;
    if (preload && *preload) {
        size_t len = strlen("LD_PRELOAD=") + strlen(preload) + 1;
        if ((s->preload = malloc(len)))
            snprintf(s->preload, len, "LD_PRELOAD=%s", preload);
    }
    s->cpu = cpu;
    if (!s->argv)
        return;
    struct lab_shell_ctx lc;
    lab_shell_ctx(g->lab, false, &lc);
    char *env[] = {s->preload, NULL};
    struct strbuf b = {0};
    struct err e;
    sb_append(&b, "$ ", 2);
    if (shellcmd_argv(g->lab->netns, env, cpu, s->argv, &lc.c, &b, &e) < 0) {
        b.len = 0;
        sb_printf(&b, "# %s: linux.uml: %s", g->name, e.msg);
    }
    lab_shell_emit(g->lab, sb_str(&b));
    sb_free(&b);
}

/* TEXT as a printf(1) format: the same bytes, with no control character
 * or quote-breaking surprise left in it. */
static void printf_format(const char *text, struct strbuf *out)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '%')
            sb_append(out, "%%", 2);
        else if (*p == '\\')
            sb_append(out, "\\\\", 2);
        else if (*p < 0x20 || *p >= 0x7f)
            sb_printf(out, "\\%03o", *p);
        else
            sb_append(out, (const char *)p, 1);
    }
}

void lab_shell_typed(struct guest *g, const char *text)
{
    struct guest_shell *s = shell_of(g);
    if (s) {
        printf_format(text, &s->typed);
        sb_append(&s->typed, "\n", 1);
    }
    struct strbuf b = {0};
    shellcmd_typed(g->name, text, &b);
    lab_shell_emit(g->lab, sb_str(&b));
    sb_free(&b);
}
