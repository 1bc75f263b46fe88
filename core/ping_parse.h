/* ping_parse.h — reading busybox/iputils ping's summary from a guest's screen.
 * The text is the guest's: every number is checked and bounded. */
#ifndef UMLAB_PING_PARSE_H
#define UMLAB_PING_PARSE_H

#include <stdbool.h>

#define PING_MAX_PACKETS 1000000L /* a summary claiming more is not ours */

struct ping_result {
    long sent, received, loss; /* loss in percent */
    double min, avg, max;      /* ms, when have_rtt */
    bool have_rtt;
};

/* 0 when TEXT holds a sane "N packets transmitted, M ... received" line
 * (N <= PING_MAX_PACKETS, M <= N); the rtt line is used only when its three
 * numbers are finite and >= 0. -1 otherwise. */
int ping_parse_summary(const char *text, struct ping_result *r);

#endif
