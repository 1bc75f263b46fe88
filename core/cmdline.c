/* cmdline.c — splitting command lines and matching them to the table. */
#include "core/cmd.h"

#include <stdlib.h>

#include "core/cmds.h"
#include "core/lab.h"
#include "netcfg/iptc.h"

static int add_word(struct cmd_args *a, const char *s, size_t n, struct err *e)
{
    if (a->nwords == CMD_MAX_WORDS)
        return err_set(e, "too many words (max %d)", CMD_MAX_WORDS);
    char *w = strndup(s, n);
    if (!w)
        return err_sys(e, "command");
    a->words[a->nwords++] = w;
    return 0;
}

int cmd_split(const char *line, struct cmd_args *a, struct err *e)
{
    memset(a, 0, sizeof *a);
    size_t cap = strlen(line) + 1;
    char *buf = malloc(cap);
    if (!buf)
        return err_sys(e, "command");
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p || *p == '#')
            break;
        size_t n = 0;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            if (*p == '"' || *p == '\'') {
                char q = *p++;
                while (*p && *p != q) {
                    if (q == '"' && *p == '\\' && p[1])
                        p++;
                    buf[n++] = *p++;
                }
                if (*p != q) {
                    free(buf);
                    cmd_args_free(a);
                    return err_set(e, "unterminated %c quote", q);
                }
                p++;
            } else if (*p == '\\' && p[1]) {
                buf[n++] = p[1];
                p += 2;
            } else {
                buf[n++] = *p++;
            }
        }
        if (add_word(a, buf, n, e) < 0) {
            free(buf);
            cmd_args_free(a);
            return -1;
        }
    }
    free(buf);
    return a->nwords;
}

void cmd_args_free(struct cmd_args *a)
{
    for (int i = 0; i < a->nwords; i++)
        free(a->words[i]);
    memset(a, 0, sizeof *a);
}

/* Does the entry's name equal the first one or two words? Returns words used. */
static int name_match(const struct cmd_entry *c, const struct cmd_args *a)
{
    const char *sp = strchr(c->name, ' ');
    if (!sp)
        return strcmp(c->name, a->words[0]) == 0 ? 1 : 0;
    size_t n1 = (size_t)(sp - c->name);
    if (strlen(a->words[0]) != n1 || strncmp(c->name, a->words[0], n1) != 0)
        return 0;
    return a->nwords > 1 && strcmp(sp + 1, a->words[1]) == 0 ? 2 : 0;
}

/* Index of option NAME (NLEN bytes) in SPEC (see cmd_argspec.opts), or -1;
 * *VALUE says whether it takes a value, *REPEAT whether it may repeat. */
static int opt_find(const char *spec, const char *name, size_t nlen, bool *value, bool *repeat)
{
    const char *p = spec ? spec : "";
    for (int k = 0; k < CMD_MAX_OPTS; k++) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " =");
        if (n == 0)
            break;
        *value = p[n] == '=';
        *repeat = *value && p[n + 1] == '*';
        if (n == nlen && strncmp(p, name, n) == 0)
            return k;
        p += n + *value + *repeat;
    }
    return -1;
}

const char *cmd_opt(const struct cmd_args *a, const char *name)
{
    bool value, repeat;
    int k = opt_find(a->cmd->args.opts, name, strlen(name), &value, &repeat);
    if (k < 0 || repeat)
        abort(); /* a handler reads an option its entry does not declare: a typo in umlab */
    return a->optval[k];
}

int cmd_opt_all(const struct cmd_args *a, const char *name, const char **vals, int max)
{
    bool value, repeat;
    int k = opt_find(a->cmd->args.opts, name, strlen(name), &value, &repeat);
    if (k < 0 || !repeat)
        abort(); /* as in cmd_opt */
    int n = 0;
    for (int i = 0; i < a->nrep; i++)
        if (a->repopt[i] == k) {
            if (n < max)
                vals[n] = a->repval[i];
            n++;
        }
    return n;
}

bool cmd_flag(const struct cmd_args *a, const char *name)
{
    return cmd_opt(a, name) != NULL;
}

static bool is_group(const struct cmd_entry *const *table, const char *word)
{
    size_t n = strlen(word);
    for (int i = 0; table[i]; i++)
        if (strncmp(table[i]->name, word, n) == 0 && table[i]->name[n] == ' ')
            return true;
    return false;
}

const struct cmd_entry *cmd_resolve(const struct cmd_entry *const *table, struct cmd_args *a,
                                    struct err *e)
{
    const struct cmd_entry *c = NULL;
    int used = 0;
    for (int i = 0; table[i] && !c; i++)
        if ((used = name_match(table[i], a)) > 0)
            c = table[i];
    if (!c) {
        if (is_group(table, a->words[0])) {
            char list[256] = "";
            size_t n = strlen(a->words[0]);
            for (int i = 0; table[i]; i++)
                if (strncmp(table[i]->name, a->words[0], n) == 0 && table[i]->name[n] == ' ') {
                    strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
                    strncat(list, table[i]->name + n + 1, sizeof list - strlen(list) - 1);
                }
            if (a->nwords > 1)
                return err_set(e, "unknown command '%s %s' (%s takes: %s)", a->words[0],
                               a->words[1], a->words[0], list),
                       NULL;
            return err_set(e, "'%s' needs a subcommand: %s", a->words[0], list), NULL;
        }
        return err_set(e, "unknown command '%s' (try `help`)", a->words[0]), NULL;
    }
    a->cmd = c;
    for (int i = used; i < a->nwords; i++) {
        const char *w = a->words[i];
        bool verbatim = c->args.verbatim_from > 0 && a->argc >= c->args.verbatim_from;
        if (!verbatim && strncmp(w, "--", 2) == 0 && w[2]) {
            const char *name = w + 2;
            const char *eq = strchr(name, '=');
            size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
            bool has_value, repeat;
            int k = opt_find(c->args.opts, name, nlen, &has_value, &repeat);
            if (k < 0)
                return err_set(e, "%s: unknown option '%s' (usage: %s %s)", c->name, w, c->name,
                               c->usage),
                       NULL;
            if (!has_value) {
                if (eq)
                    return err_set(e, "%s: option --%.*s takes no value", c->name, (int)nlen, name),
                           NULL;
                a->optval[k] = "";
                continue;
            }
            const char *v;
            if (eq)
                v = eq + 1;
            else if (i + 1 < a->nwords)
                v = a->words[++i];
            else
                return err_set(e, "%s: option --%s needs a value", c->name, name), NULL;
            if (!repeat) {
                a->optval[k] = v;
            } else if (a->nrep == CMD_MAX_ARGS) {
                return err_set(e, "%s: --%.*s given too many times", c->name, (int)nlen, name),
                       NULL;
            } else {
                a->repopt[a->nrep] = k;
                a->repval[a->nrep++] = v;
            }
            continue;
        }
        if (a->argc == CMD_MAX_ARGS)
            return err_set(e, "%s: too many arguments", c->name), NULL;
        a->argv[a->argc++] = a->words[i];
    }
    if (a->argc < c->args.min || a->argc > c->args.max)
        return err_set(e, "usage: %s %s", c->name, c->usage), NULL;
    return c;
}

/* While a command waits for the xtables lock (someone's iptables holds it),
 * the loop keeps serving guests and signals, and the user hears why. */
struct xtlock_wait {
    struct lab *lab;
    struct out *o;
    int report_at; /* ms waited when the next progress line is due */
};

static int serve_while_locked(void *ctx, const char *what, int waited_ms, struct err *e)
{
    struct xtlock_wait *w = ctx;
    if (w->lab->quit_signal)
        return err_set(e, "interrupted while waiting for %s", what);
    if (w->lab->cancel)
        return err_set(e, "cancelled while waiting for %s", what);
    if (waited_ms >= w->report_at) {
        out_progress(w->o, "waiting for %s (gives up after %d s)", what,
                     IPTC_LOCK_TIMEOUT_MS / 1000);
        w->report_at = waited_ms + 5000;
    }
    return loop_run_once(w->lab->loop, 50, e);
}

/* The thing the entry's first argument names (see enum cmd_target). */
static int find_target(struct lab *lab, const struct cmd_entry *c, struct cmd_args *a,
                       struct err *e)
{
    if (c->target == CMD_TARGET_NONE)
        return 0;
    if (c->target == CMD_TARGET_PANE)
        return (a->pane = cmd_pane(lab, a->argv[0], e)) ? 0 : -1;
    a->guest = lab_find_guest(lab, a->argv[0]);
    return a->guest ? 0 : err_set(e, "no guest named '%s'", a->argv[0]);
}

int cmd_run_line(struct lab *lab, const char *line, struct out *o, struct err *e)
{
    struct cmd_args a;
    int n = cmd_split(line, &a, e);
    if (n <= 0)
        return n < 0 ? -1 : 1;
    const struct cmd_entry *c = cmd_resolve(cmd_table, &a, e);
    int rc = -1;
    if (c && find_target(lab, c, &a, e) == 0) {
        lab->cancel = false; /* a cancel is for the command running when it was asked */
        struct xtlock_wait w = {lab, o, 200};
        iptc_lock_wait_fn old_fn;
        void *old_ctx;
        iptc_set_lock_waiter(serve_while_locked, &w, &old_fn, &old_ctx);
        struct out *outer = lab->cur_out; /* `source`-like nesting keeps the outer's */
        lab->cur_out = o;
        rc = c->exec(lab, &a, o, e);
        lab->cur_out = outer;
        iptc_set_lock_waiter(old_fn, old_ctx, NULL, NULL);
    }
    cmd_args_free(&a);
    return rc < 0 ? -1 : 0;
}

const char *cmd_name(int n)
{
    for (int i = 0; cmd_table[i]; i++)
        if (i == n)
            return cmd_table[i]->name;
    return NULL;
}
