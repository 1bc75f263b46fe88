/* qdisc.h — umlab's link emulation on an interface (tc netem and tbf) through
 * libnl-route-3: set it as the interface's root qdisc, read it back, remove it.
 *
 * umlab's root qdisc carries its own handle (QDISC_UMLAB_HANDLE, "1ab:"), so
 * "ours" can be told from anyone else's. It replaces only the kernel's
 * default root qdisc (handle 0: noqueue, pfifo_fast, fq_codel, mq) or its own,
 * and removes only its own: a qdisc someone else put there is left alone.
 * Everything acts on the namespace the nlconn was opened in. */
#ifndef UMLAB_QDISC_H
#define UMLAB_QDISC_H

#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"
#include "netcfg/link.h"

#define QDISC_UMLAB_HANDLE   0x01ab0000u /* the root qdisc umlab sets: "1ab:" */
#define QDISC_UMLAB_CHILD    0x01ac0000u /* netem under umlab's tbf: "1ac:" */
#define QDISC_KINDSZ         16
#define QDISC_TBF_LATENCY_MS 400 /* how long a packet may wait for tbf's tokens */

/* Limits of what netem_params may ask for (checked by qdisc_netem_set). */
#define NETEM_DELAY_MAX_US 60000000u /* 60 s */
#define NETEM_RATE_MIN_BPS 8000ull   /* 8 kbit/s */
#define NETEM_RATE_MAX_BPS 10000000000ull

/* What a packet leaving the interface meets. Probabilities are the kernel's
 * scale: 0 = never, UINT32_MAX = always (netem_pct_to_prob). Zero means off. */
struct netem_params {
    uint32_t delay_us;
    uint32_t jitter_us; /* delay varies by up to +- this */
    uint32_t loss;      /* probability a packet is dropped */
    uint32_t duplicate; /* probability a packet is sent twice */
    uint64_t rate_bps;  /* bits per second (tbf), 0: unlimited */
};

/* Percent (0..100) to the kernel's probability scale and back. */
uint32_t netem_pct_to_prob(double pct);
double netem_prob_to_pct(uint32_t prob);
/* tbf's bucket (bytes) for RATE_BPS on a link of MTU: 20 ms of the rate,
 * at least one full frame. */
uint32_t qdisc_tbf_bucket(uint64_t rate_bps, unsigned mtu);
/* Nothing asked for: all zero. */
bool netem_params_empty(const struct netem_params *p);

/* The root qdisc of an interface as read from the kernel. */
struct qdisc_root {
    char kind[QDISC_KINDSZ]; /* "netem", "tbf", "noqueue", "fq_codel"...; "" none */
    uint32_t handle;         /* 0 for the kernel's default */
    bool is_default;         /* the kernel's own (handle 0 or no root qdisc) */
    bool ours;               /* netem or tbf with QDISC_UMLAB_HANDLE */
    struct netem_params p;   /* when ours: what it does */
};

/* Reads the root qdisc of IFNAME. A missing interface is an error. */
int qdisc_root_get(struct nlconn *c, const char *ifname, struct qdisc_root *out, struct err *e);

/* Makes P the emulation of IFNAME: netem (delay, jitter, loss, duplicate) as
 * root, tbf as root when a rate is given (netem under it when there is more).
 * Replaces the kernel's default root qdisc or umlab's own; refuses anyone
 * else's (errno EEXIST, E names it). A kernel without netem or tbf fails with
 * errno EOPNOTSUPP and says which option it lacks. */
int qdisc_netem_set(struct nlconn *c, const char *ifname, const struct netem_params *p,
                    struct err *e);

/* Removes umlab's root qdisc from IFNAME (the kernel puts its default back).
 * Success when IFNAME is missing or its root qdisc is not umlab's (*REMOVED,
 * when not NULL, says whether anything was removed). */
int qdisc_netem_clear(struct nlconn *c, const char *ifname, bool *removed, struct err *e);

#endif
