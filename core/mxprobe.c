/* mxprobe.c — see mxprobe.h. */
#include "core/mxprobe.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int mxprobe_cmd(char *buf, size_t size, const struct in_addr *addrs, size_t n)
{
    if (n == 0 || size == 0)
        return -1;
    size_t used = 0;
    int k = snprintf(buf, size, "for a in");
    if (k < 0 || (size_t)k >= size)
        return -1;
    used = (size_t)k;
    for (size_t i = 0; i < n; i++) {
        char a[INET_ADDRSTRLEN];
        if (!inet_ntop(AF_INET, &addrs[i], a, sizeof a))
            return -1;
        k = snprintf(buf + used, size - used, " %s", a);
        if (k < 0 || (size_t)k >= size - used)
            return -1;
        used += (size_t)k;
    }
    /* the subshells answer in any order; `wait` ends when the slowest did */
    k = snprintf(buf + used, size - used,
                 "; do (ping -c1 -W%d $a >/dev/null 2>&1 && echo ok $a) & done; wait",
                 MXPROBE_WAIT_S);
    if (k < 0 || (size_t)k >= size - used)
        return -1;
    return 0;
}

bool mxprobe_answered(const char *output, struct in_addr a)
{
    char want[INET_ADDRSTRLEN + 4];
    char s[INET_ADDRSTRLEN];
    if (!inet_ntop(AF_INET, &a, s, sizeof s))
        return false;
    snprintf(want, sizeof want, "ok %s", s);
    size_t n = strlen(want);
    for (const char *p = output; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == n && memcmp(p, want, n) == 0)
            return true;
        p = nl ? nl + 1 : NULL;
    }
    return false;
}
