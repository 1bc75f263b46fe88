/* lab_shell.h — the lab's shell equivalents: every journal record, each
 * linux.uml start and everything typed into a guest, as the command lines a
 * person would type, to the running command's JSON ("shell") and the front
 * end (lab_hooks.shell_line); and what an export needs of them. */
#ifndef UMLAB_LAB_SHELL_H
#define UMLAB_LAB_SHELL_H

#include "core/lab.h"
#include "core/shellcmd.h"

/* The context the mapper needs, with its storage. */
struct lab_shell_ctx {
    struct shell_ctx c;
    struct shell_subst subst[6];
    struct shell_veth veth;
    char veth_cidr[24], peer_cidr[24];
};

/* Of one guest: how it was started last, and what was typed into it. */
struct guest_shell {
    char **argv;         /* linux.uml's words (NULL-terminated) */
    char *preload;       /* "LD_PRELOAD=..." or NULL */
    int cpu;             /* taskset CPU, -1: none */
    struct strbuf typed; /* each send as printf(1) format text, one a line */
};

/* Hooks the journal to the lab's shell lines (and unhooks it). */
void lab_shell_attach(struct lab *lab);
void lab_shell_detach(struct lab *lab);
/* LINE to the running command's JSON and to the front end. */
void lab_shell_emit(struct lab *lab, const char *line);
/* The mapper's context for LAB. EXPORT: its names as the script's variables
 * ($NS, $NS_INET, $DIR, $XSTATE, $KERNEL, $ROOTFS). */
void lab_shell_ctx(const struct lab *lab, bool export, struct lab_shell_ctx *lc);

/* G was started with ARGV (and LD_PRELOAD=PRELOAD unless NULL/empty) on CPU:
 * kept for an export and logged. */
void lab_shell_guest_started(struct guest *g, char *const *argv, const char *preload, int cpu);
/* TEXT was typed into G: kept for an export and logged as "G# TEXT". */
void lab_shell_typed(struct guest *g, const char *text);
void lab_shell_guest_free(struct guest *g);

/* The sh script `export` writes (core/cmd_export.c) into B. */
int lab_export_script(struct lab *lab, struct strbuf *b, struct err *e);

#endif
