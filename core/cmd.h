/* cmd.h — the command table: one entry per command, shared by batch mode, the
 * prompt and the one-key actions (which build a command line and run it). */
#ifndef UMLAB_CMD_H
#define UMLAB_CMD_H

#include <stdbool.h>
#include "base/err.h"
#include "core/out.h"

struct lab;
struct guest;
struct pane;

#define CMD_MAX_OPTS  8
#define CMD_MAX_ARGS  16
#define CMD_MAX_WORDS 32

/* What the first argument names. The table resolves it before the handler
 * runs (like tmux's .target), so every command rejects a wrong name alike. */
enum cmd_target {
    CMD_TARGET_NONE,
    CMD_TARGET_GUEST, /* an existing guest, handed over in cmd_args.guest */
    CMD_TARGET_PANE,  /* a guest's console, host or dump:GUEST|IFACE: cmd_args.pane */
};

struct cmd_args {
    const struct cmd_entry *cmd; /* what cmd_resolve found */
    int argc;                    /* positional arguments */
    char *argv[CMD_MAX_ARGS];
    const char *optval[CMD_MAX_OPTS]; /* in the order of cmd->args.opts; see cmd_opt() */
    /* Values of repeatable options, in the order given; see cmd_opt_all(). */
    const char *repval[CMD_MAX_ARGS];
    int repopt[CMD_MAX_ARGS]; /* which option (index in cmd->args.opts) each is */
    int nrep;
    struct guest *guest;        /* the target of a CMD_TARGET_GUEST command */
    struct pane *pane;          /* the target of a CMD_TARGET_PANE command */
    char *words[CMD_MAX_WORDS]; /* storage of every word */
    int nwords;
};

/* How an entry takes its words (like tmux's args_parse). */
struct cmd_argspec {
    int min, max; /* positional arguments */
    /* Options without their "--", blank-separated; "=" marks one that takes a
     * value: "mem= wait" accepts --mem 64, --mem=64 and --wait. "=*" marks
     * one that may be given several times ("nic=*": --nic A --nic B). */
    const char *opts;
    /* Once this positional argument (1-based; 0: never) has been seen, the
     * remaining words are taken as they are, "--x" included:
     * `host tcpdump --help`, `send g1 --raw ls --color`. */
    int verbatim_from;
};

struct cmd_entry {
    const char *name;  /* "guest add": one or two words */
    const char *usage; /* arguments as shown in help */
    const char *summary;
    struct cmd_argspec args;
    enum cmd_target target;
    int (*exec)(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e);
};

extern const struct cmd_entry *const cmd_table[];

/* Splits LINE into words: blanks separate, "..." and '...' quote, backslash
 * escapes, '#' at a word start begins a comment. Words are malloc'd into A.
 * Returns the number of words (0: blank line). */
int cmd_split(const char *line, struct cmd_args *a, struct err *e);
void cmd_args_free(struct cmd_args *a);

/* Finds the entry named by the first words of A (TABLE NULL-terminated) and
 * moves the remaining words into positional args and options. */
const struct cmd_entry *cmd_resolve(const struct cmd_entry *const *table, struct cmd_args *a,
                                    struct err *e);

/* The value of option NAME (--NAME VALUE, --NAME=VALUE; "" for a flag) when
 * given, else NULL. NAME must be one the entry declares. */
const char *cmd_opt(const struct cmd_args *a, const char *name);
bool cmd_flag(const struct cmd_args *a, const char *name);
/* The values of repeatable option NAME ("=*"), in the order given, into
 * VALS (up to MAX); returns how many were given. */
int cmd_opt_all(const struct cmd_args *a, const char *name, const char **vals, int max);

/* Parses and runs LINE. Returns 0, -1 on error (E says why), or 1 for a blank
 * line. */
int cmd_run_line(struct lab *lab, const char *line, struct out *o, struct err *e);

/* Command names for completion: the Nth name (NULL past the end). */
const char *cmd_name(int n);

#endif
