/* mxprobe.h — what a guest runs for its row of the ping matrix, and how its
 * answer is read. One command per round pings every target at once (busybox
 * sh: a background `ping -c1 -W1` per address, then `wait`) and prints
 * "ok ADDRESS" for each that answered; the rest failed. The answer is the
 * guest's, so only exact lines count. */
#ifndef UMLAB_MXPROBE_H
#define UMLAB_MXPROBE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* A round's ping waits this long for its reply (ping -W), in seconds. */
#define MXPROBE_WAIT_S 1

/* The command pinging ADDRS[0..N) in parallel, in BUF. -1 when it does not
 * fit (or N is 0). */
int mxprobe_cmd(char *buf, size_t size, const struct in_addr *addrs, size_t n);
/* Whether OUTPUT (the command's, lines joined by '\n') says A answered. */
bool mxprobe_answered(const char *output, struct in_addr a);

#endif
