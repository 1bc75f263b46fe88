/* ping_parse.c — see ping_parse.h. */
#include "core/ping_parse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/parse.h"

#define TRANSMITTED " packets transmitted, "

int ping_parse_summary(const char *text, struct ping_result *r)
{
    memset(r, 0, sizeof *r);
    const char *p = strstr(text, TRANSMITTED);
    if (!p)
        return -1;
    const char *b = p;
    while (b > text && b[-1] >= '0' && b[-1] <= '9')
        b--;
    const char *end;
    if (parse_count_prefix(b, PING_MAX_PACKETS, &r->sent, &end) < 0 || end != p)
        return -1;
    p += strlen(TRANSMITTED);
    if (parse_count_prefix(p, PING_MAX_PACKETS, &r->received, NULL) < 0 || r->received > r->sent)
        return -1;
    r->loss = r->sent ? 100 * (r->sent - r->received) / r->sent : 100;
    const char *rt = strstr(text, "min/avg/max");
    if (rt && (rt = strstr(rt, "= ")) != NULL) {
        double v[3];
        if (sscanf(rt + 2, "%lf/%lf/%lf", &v[0], &v[1], &v[2]) == 3) {
            r->have_rtt = true;
            for (int i = 0; i < 3; i++)
                r->have_rtt = r->have_rtt && isfinite(v[i]) && v[i] >= 0 && v[i] < 1e9;
            if (r->have_rtt) {
                r->min = v[0];
                r->avg = v[1];
                r->max = v[2];
            }
        }
    }
    return 0;
}
