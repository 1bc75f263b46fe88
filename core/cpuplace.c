/* cpuplace.c — see cpuplace.h. */
#include "core/cpuplace.h"

#include <limits.h>
#include <stdlib.h>

static int parse_cpu(const char **s, int *out)
{
    const char *p = *s;
    if (*p < '0' || *p > '9')
        return -1;
    long v = 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v >= CPU_SETSIZE)
            return -1;
        p++;
    }
    *out = (int)v;
    *s = p;
    return 0;
}

int cpuplace_parse(const char *list, int *cpus, size_t max, size_t *n, struct err *e)
{
    bool seen[CPU_SETSIZE] = {false};
    const char *s = list;
    if (!*s)
        return err_set(e, "--cpus '': give CPUs like 1, 0-1 or 1,3");
    while (*s) {
        int lo, hi;
        if (parse_cpu(&s, &lo) < 0)
            return err_set(e, "--cpus '%s': give CPUs like 1, 0-1 or 1,3 (below %d)", list,
                           CPU_SETSIZE);
        hi = lo;
        if (*s == '-') {
            s++;
            if (parse_cpu(&s, &hi) < 0 || hi < lo)
                return err_set(e, "--cpus '%s': give ranges as LOW-HIGH, e.g. 0-1", list);
        }
        if (*s == ',' && s[1])
            s++;
        else if (*s)
            return err_set(e, "--cpus '%s': give CPUs like 1, 0-1 or 1,3", list);
        for (int c = lo; c <= hi; c++)
            seen[c] = true;
    }
    size_t k = 0;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!seen[c])
            continue;
        if (k == max)
            return err_set(e, "--cpus '%s': at most %zu CPUs", list, max);
        cpus[k++] = c;
    }
    *n = k;
    return 0;
}

size_t cpuplace_pick(const unsigned *load, size_t n, long prefer, size_t *next)
{
    unsigned least = UINT_MAX;
    for (size_t i = 0; i < n; i++)
        if (load[i] < least)
            least = load[i];
    if (prefer >= 0 && (size_t)prefer < n && load[prefer] == least)
        return (size_t)prefer;
    size_t start = *next < n ? *next : 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = (start + k) % n;
        if (load[i] == least) {
            *next = (i + 1) % n;
            return i;
        }
    }
    return 0; /* n == 0: the caller does not pin */
}

static bool has(const int *set, size_t n, int cpu)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == cpu)
            return true;
    return false;
}

int cpuplace_self_cpu(const int *guest_cpus, size_t n, const int *allowed, size_t nallowed)
{
    for (size_t i = 0; i < nallowed; i++)
        if (!has(guest_cpus, n, allowed[i]))
            return allowed[i];
    return n >= 2 ? guest_cpus[0] : -1;
}

int cpuplace_choose(struct cpuplace *p, const int *in_use, size_t nused, int prev)
{
    if (!p->pin || p->n == 0)
        return -1;
    unsigned load[CPUPLACE_MAX] = {0};
    long prefer = -1;
    for (size_t i = 0; i < p->n; i++) {
        if (p->cpus[i] == p->self_cpu)
            load[i]++;
        if (p->cpus[i] == prev)
            prefer = (long)i;
        for (size_t k = 0; k < nused; k++)
            if (in_use[k] == p->cpus[i])
                load[i]++;
    }
    return p->cpus[cpuplace_pick(load, p->n, prefer, &p->next)];
}

void cpuplace_set(int cpu, cpu_set_t *set)
{
    CPU_ZERO(set);
    CPU_SET(cpu, set);
}

int cpuplace_init(struct cpuplace *p, const char *list, bool pin, struct err *e)
{
    p->pin = false;
    p->n = 0;
    p->self_cpu = -1;
    p->next = 0;
    if (!pin)
        return 0;
    cpu_set_t mine;
    if (sched_getaffinity(0, sizeof mine, &mine) < 0)
        return err_sys(e, "sched_getaffinity");
    int allowed[CPUPLACE_MAX];
    size_t nallowed = 0;
    for (int c = 0; c < CPU_SETSIZE && nallowed < CPUPLACE_MAX; c++)
        if (CPU_ISSET(c, &mine))
            allowed[nallowed++] = c;
    if (list) {
        if (cpuplace_parse(list, p->cpus, CPUPLACE_MAX, &p->n, e) < 0)
            return -1;
        for (size_t i = 0; i < p->n; i++)
            if (!has(allowed, nallowed, p->cpus[i]))
                return err_set(e, "--cpus '%s': CPU %d is not available to umlab here", list,
                               p->cpus[i]);
    } else {
        for (size_t i = 0; i < nallowed; i++)
            p->cpus[i] = allowed[i];
        p->n = nallowed;
    }
    p->pin = p->n > 0;
    p->self_cpu = cpuplace_self_cpu(p->cpus, p->n, allowed, nallowed);
    if (p->self_cpu >= 0) {
        cpu_set_t one;
        cpuplace_set(p->self_cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) < 0)
            return err_sys(e, "pin umlab to CPU %d", p->self_cpu);
    }
    return 0;
}
