/* procinfo.c — see procinfo.h. */
#include "core/procinfo.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int proc_parse_starttime(const char *stat, unsigned long long *out)
{
    /* "pid (comm) S ppid ..." — comm may hold spaces and ')': skip to the last ')'. */
    const char *p = strrchr(stat, ')');
    if (!p)
        return -1;
    p++;
    /* fields after comm start at field 3 (state); starttime is field 22 */
    for (int field = 3; field < 22; field++) {
        while (*p == ' ')
            p++;
        if (!*p)
            return -1;
        while (*p && *p != ' ')
            p++;
    }
    while (*p == ' ')
        p++;
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p)
        return -1;
    *out = v;
    return 0;
}

int proc_starttime(pid_t pid, unsigned long long *out)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return proc_parse_starttime(buf, out);
}

bool proc_is(pid_t pid, unsigned long long start)
{
    unsigned long long st;
    if (pid <= 0 || proc_starttime(pid, &st) < 0)
        return false;
    return start == 0 || st == start;
}
