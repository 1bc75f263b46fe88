/* cpuplace.h — which host CPU each guest runs on, and umlab's own.
 *
 * UML's tracer and the guest process hand over to each other on every guest
 * syscall and fault; spread over two idle vCPUs each hand-over costs a wake-up,
 * and a guest runs up to 10x slower than when kept on one CPU (see
 * docs/PERFORMANCE.md). So every guest's processes share one CPU (the least
 * loaded, round-robin among equals), and umlab sits on another when it can. */
#ifndef UMLAB_CPUPLACE_H
#define UMLAB_CPUPLACE_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define CPUPLACE_MAX 256

struct cpuplace {
    bool pin;               /* false: --no-pin (or nothing to choose from) */
    int cpus[CPUPLACE_MAX]; /* CPUs the guests may use, ascending */
    size_t n;
    int self_cpu; /* umlab's own CPU, -1: left to the scheduler */
    size_t next;  /* round-robin cursor into cpus */
};

/* Parses a CPU list ("1", "0-1", "1,3", "0-2,5") into ascending, unique CPU
 * numbers. Pure. */
int cpuplace_parse(const char *list, int *cpus, size_t max, size_t *n, struct err *e);

/* The policy, pure: the index (into N CPUs with LOAD[i] users each) for a new
 * guest. The least loaded wins; among equals the guest's previous CPU (PREFER,
 * an index, -1 for none), else the first at or after *NEXT, which then moves on. */
size_t cpuplace_pick(const unsigned *load, size_t n, long prefer, size_t *next);

/* umlab's own CPU, pure: the first of ALLOWED (what umlab may run on) that the
 * guests do not use; else the first guest CPU when there are two or more (it
 * then counts as one guest's load there); else -1. */
int cpuplace_self_cpu(const int *guest_cpus, size_t n, const int *allowed, size_t nallowed);

/* Chooses a CPU for a guest given the CPUs the other live guests are on and
 * the guest's previous CPU (-1: none). Returns the CPU, or -1 when not pinning. */
int cpuplace_choose(struct cpuplace *p, const int *in_use, size_t nused, int prev);

/* Sets up placement: LIST (NULL: every CPU umlab may use) checked against
 * umlab's affinity, then umlab pinned to its own CPU. PIN false: nothing. */
int cpuplace_init(struct cpuplace *p, const char *list, bool pin, struct err *e);

/* One CPU as a set, for the child to apply before exec. */
void cpuplace_set(int cpu, cpu_set_t *set);

#endif
