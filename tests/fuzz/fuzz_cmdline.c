/* fuzz_cmdline.c — a command line as typed at the prompt or read from a batch
 * file: split into words, matched against the real command table, options and
 * arguments sorted out (cmd_run_line up to, not including, the exec), then
 * the argument parsers that commands share (addresses, timeouts). Nothing is
 * executed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/cmd.h"
#include "core/cmds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when P points into one of A's words. */
static bool in_words(const struct cmd_args *a, const char *p)
{
    for (int i = 0; i < a->nwords; i++)
        if (p >= a->words[i] && p <= a->words[i] + strlen(a->words[i]))
            return true;
    return false;
}

static void parse_word(const char *w)
{
    struct err e;
    struct in_addr ip;
    int prefix;
    struct subnet sn;
    int ms;
    char buf[INET_ADDRSTRLEN];
    if (addr_parse(w, &ip, &prefix, &e) == 0) {
        if (prefix < -1 || prefix > 32)
            abort();
        addr_str(ip, buf);
    }
    if (subnet_parse(w, &sn, &e) == 0) {
        if (sn.prefix < 8 || sn.prefix > 30)
            abort();
        (void)subnet_size(&sn);
        (void)subnet_host(&sn, 1);
    }
    if (cmd_parse_timeout(w, 1000, &ms, &e) == 0 && (ms < 0 || ms > 3600 * 1000))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';

    struct cmd_args a;
    struct err e;
    int n = cmd_split(line, &a, &e);
    free(line); /* the words must not point into the line */
    if (n < 0) {
        if (a.nwords != 0) /* a failed split leaves nothing to free */
            abort();
        return 0;
    }
    if (n != a.nwords || n > CMD_MAX_WORDS)
        abort();
    for (int i = 0; i < n; i++)
        parse_word(a.words[i]);
    if (n > 0) {
        const struct cmd_entry *c = cmd_resolve(cmd_table, &a, &e);
        if (c) {
            if (a.argc < c->args.min || a.argc > c->args.max || a.argc > CMD_MAX_ARGS)
                abort();
            for (int i = 0; i < a.argc; i++)
                if (!in_words(&a, a.argv[i]))
                    abort();
            for (int k = 0; k < CMD_MAX_OPTS; k++)
                if (a.optval[k] && a.optval[k][0] && !in_words(&a, a.optval[k]))
                    abort();
        }
    }
    cmd_args_free(&a);
    return 0;
}
