/* procinfo.h — facts about processes from /proc. */
#ifndef UMLAB_PROCINFO_H
#define UMLAB_PROCINFO_H

#include <stdbool.h>
#include <sys/types.h>

/* Field 22 of /proc/PID/stat (start time in clock ticks since boot). */
int proc_starttime(pid_t pid, unsigned long long *out);
/* Parses the start time out of a /proc/PID/stat line. Pure. */
int proc_parse_starttime(const char *stat, unsigned long long *out);
/* PID exists and has START as its start time (0 = any). */
bool proc_is(pid_t pid, unsigned long long start);

#endif
