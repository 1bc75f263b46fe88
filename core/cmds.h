/* cmds.h — the command entries (one file per family) and helpers they share. */
#ifndef UMLAB_CMDS_H
#define UMLAB_CMDS_H

#include "core/cmd.h"
#include "core/lab.h"

extern const struct cmd_entry cmd_guest_add, cmd_guest_del, cmd_guest_restart, cmd_guest_halt,
    cmd_guest_sysrq, cmd_wait;
extern const struct cmd_entry cmd_ip, cmd_nat;
extern const struct cmd_entry cmd_lan_add, cmd_lan_del, cmd_nic_add, cmd_nic_del, cmd_route,
    cmd_forward, cmd_topology;
extern const struct cmd_entry cmd_exec, cmd_send, cmd_expect, cmd_screen, cmd_sleep, cmd_echo;
extern const struct cmd_entry cmd_ping, cmd_pingall, cmd_matrix, cmd_why, cmd_check, cmd_save;
extern const struct cmd_entry cmd_checklist, cmd_lesson;
extern const struct cmd_entry cmd_link, cmd_netem;
extern const struct cmd_entry cmd_status, cmd_counters, cmd_rules, cmd_help, cmd_host;
extern const struct cmd_entry cmd_shell, cmd_dump;
extern const struct cmd_entry cmd_record, cmd_export;

/* The pane NAME names: a guest's console, host (the host shell) or
 * dump:GUEST|IFACE (a tcpdump); NULL with why in E. */
struct pane *cmd_pane(struct lab *lab, const char *name, struct err *e);
/* Seconds as text (NULL: DEF_MS) into milliseconds. */
int cmd_parse_timeout(const char *s, int def_ms, int *out, struct err *e);
/* The guest's fields into the JSON result; ROW: the first columns of a
 * `status` row into the text too (GUEST STATE TAP ADDRESS). */
void cmd_put_guest(struct out *o, const struct guest *g, bool row);
/* Types LINE into G's shell (after a probe that `ip` exists) and waits for
 * its prompt; fails when G is not running or has no `ip`. */
int cmd_guest_type(struct lab *lab, struct guest *g, const char *line, struct err *e);
/* The faulted links (link down, netem) as status shows them: a line each. */
void cmd_put_faults(struct lab *lab, struct out *o);

#endif
