/* why_facts.h — gathering what `why` decides from: the guests' own `ip`
 * (typed into their consoles), the host side of the lab (netcfg, in the lab's
 * namespace), the host's nf_tables ruleset (`nft -j`), and one probe ping with
 * the counters read around it. */
#ifndef UMLAB_WHY_FACTS_H
#define UMLAB_WHY_FACTS_H

#include "core/lab.h"
#include "core/why.h"

struct why_gathered {
    struct why_facts f;
    struct rule_info *fwd, *post; /* owned: f points into them */
    struct why_nft nft;
};

/* Fills OUT for SRC -> TARGET (a guest, "host", "internet" or an address).
 * Fails only on a bad TARGET; whatever cannot be read is left unknown. */
int why_gather(struct lab *lab, struct guest *src, const char *target, struct why_gathered *out,
               struct err *e);
/* The same from umlab's side alone, at once: no guest is asked (their views
 * are what umlab set up in them: address, prefix, routes, marked known), no
 * probe is sent and nf_tables is not read (its hop stays unknown). For the
 * ping matrix's inferred cells and the packet walk's path. */
int why_gather_host(struct lab *lab, struct guest *src, const char *target,
                    struct why_gathered *out, struct err *e);
void why_gathered_free(struct why_gathered *g);

#endif
