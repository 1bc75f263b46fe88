/* qdisc_ns.c — drives netcfg/qdisc inside network namespace NETNS for
 * tests/integration/t_qdisc.sh, one step per run so that the script can look
 * at the result with `tc` between steps.
 *
 *   qdisc_ns NETNS set IFNAME [delay US] [jitter US] [loss PCT] [dup PCT] [rate BPS]
 *       exit 0 set, 3 refused (someone else's root qdisc: EEXIST),
 *       4 the kernel lacks the qdisc (EOPNOTSUPP), 1 any other failure
 *   qdisc_ns NETNS get IFNAME      one line: kind= handle= default= ours= and
 *                                  what umlab's emulation does
 *   qdisc_ns NETNS clear IFNAME    prints removed=0|1 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/qdisc.h"

static int usage(void)
{
    fprintf(stderr, "usage: qdisc_ns NETNS set|get|clear IFNAME [OPTION VALUE]...\n");
    return 2;
}

static int parse_params(int argc, char **argv, struct netem_params *p)
{
    for (int i = 0; i + 1 < argc; i += 2) {
        long v;
        if (parse_long(argv[i + 1], 0, 2000000000L, &v) < 0)
            return -1;
        if (strcmp(argv[i], "delay") == 0)
            p->delay_us = (uint32_t)v;
        else if (strcmp(argv[i], "jitter") == 0)
            p->jitter_us = (uint32_t)v;
        else if (strcmp(argv[i], "loss") == 0)
            p->loss = netem_pct_to_prob((double)v);
        else if (strcmp(argv[i], "dup") == 0)
            p->duplicate = netem_pct_to_prob((double)v);
        else if (strcmp(argv[i], "rate") == 0)
            p->rate_bps = (uint64_t)v;
        else
            return -1;
    }
    return argc % 2 == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return usage();
    struct err e = {{0}};
    struct nlconn *c;
    if (netns_enter(argv[1], &e) < 0 || nlconn_open(&c, &e) < 0) {
        fprintf(stderr, "qdisc_ns: %s\n", e.msg);
        return 1;
    }
    const char *step = argv[2], *ifname = argv[3];
    int rc = 0;
    if (strcmp(step, "set") == 0) {
        struct netem_params p = {0};
        if (parse_params(argc - 4, argv + 4, &p) < 0) {
            nlconn_close(c);
            return usage();
        }
        if (qdisc_netem_set(c, ifname, &p, &e) < 0) {
            int saved = errno;
            fprintf(stderr, "qdisc_ns: %s\n", e.msg);
            rc = saved == EEXIST ? 3 : saved == EOPNOTSUPP ? 4 : 1;
        }
    } else if (strcmp(step, "get") == 0) {
        struct qdisc_root r;
        if (qdisc_root_get(c, ifname, &r, &e) < 0) {
            fprintf(stderr, "qdisc_ns: %s\n", e.msg);
            rc = 1;
        } else {
            printf("kind=%s handle=%" PRIx32 " default=%d ours=%d delay=%" PRIu32 " jitter=%" PRIu32
                   " loss=%.3f dup=%.3f rate=%" PRIu64 "\n",
                   r.kind, r.handle, r.is_default, r.ours, r.p.delay_us, r.p.jitter_us,
                   netem_prob_to_pct(r.p.loss), netem_prob_to_pct(r.p.duplicate), r.p.rate_bps);
        }
    } else if (strcmp(step, "clear") == 0) {
        bool removed;
        if (qdisc_netem_clear(c, ifname, &removed, &e) < 0) {
            fprintf(stderr, "qdisc_ns: %s\n", e.msg);
            rc = 1;
        } else {
            printf("removed=%d\n", removed);
        }
    } else {
        rc = usage();
    }
    nlconn_close(c);
    return rc;
}
