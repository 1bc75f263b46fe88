/* snapshot_lan.c — a LAN's counters for the side pane and the lab file's
 * `counter LAN` check: the sum of its ports' (snapshot.h). */
#include <stdio.h>
#include <string.h>

#include "core/lab.h"
#include "core/snapshot.h"
#include "netcfg/link.h"
#include "netcfg/nettable.h"

const struct lab_lan *lab_lan_of_bridge(const struct lab *lab, const char *name)
{
    for (size_t i = 0; i < lab->nlans; i++)
        if (strcmp(lab->lans[i]->bridge, name) == 0)
            return lab->lans[i];
    return NULL;
}

/* The live record of KIND in the lab's namespace whose first argument is
 * NAME (and second SECOND, unless NULL). */
static bool live(const struct lab *lab, enum jkind kind, const char *name, const char *second)
{
    for (size_t i = 0; i < lab->journal.nrecs; i++) {
        const struct jrecord *r = &lab->journal.recs[i];
        if (r->kind == kind && !r->done && r->nargs >= (second ? 2 : 1) &&
            strcmp(r->netns, lab->journal.netns) == 0 && strcmp(r->args[0], name) == 0 &&
            (!second || strcmp(r->args[1], second) == 0))
            return true;
    }
    return false;
}

void lab_lan_vxlan_port(const struct lab *lab, const char *bridge, char *out, size_t outsz)
{
    out[0] = '\0';
    for (size_t i = 0; i < lab->journal.nrecs && !out[0]; i++) {
        const struct jrecord *r = &lab->journal.recs[i];
        if (r->kind == J_VXLAN && !r->done && r->nargs >= 1 &&
            strcmp(r->netns, lab->journal.netns) == 0 && live(lab, J_BRPORT, r->args[0], bridge))
            snprintf(out, outsz, "%s", r->args[0]);
    }
}

static void add(struct snap_counters *sum, const struct link_stats *st)
{
    sum->rx_bytes += st->rx_bytes;
    sum->tx_bytes += st->tx_bytes;
    sum->rx_packets += st->rx_packets;
    sum->tx_packets += st->tx_packets;
    sum->rx_errors += st->rx_errors;
    sum->tx_errors += st->tx_errors;
    sum->rx_dropped += st->rx_dropped;
    sum->tx_dropped += st->tx_dropped;
}

/* From the table when there is one, else asked for. */
static int stats(struct lab *lab, const struct nettable *t, const char *name, struct link_stats *st,
                 struct err *e)
{
    return t ? nettable_stats(t, name, st, e) : link_get_stats(lab->nl, name, st, e);
}

int lab_lan_counters(struct lab *lab, const struct nettable *t, const struct lab_lan *lan,
                     struct snap_counters *sum, int *ifindex, int *nports)
{
    struct link_stats st;
    struct err e;
    memset(sum, 0, sizeof *sum);
    *nports = 0;
    if (stats(lab, t, lan->bridge, &st, &e) < 0)
        return -1;
    sum->up = st.up;
    sum->carrier = st.carrier;
    *ifindex = st.ifindex;
    for (size_t i = 0; i < lab->nguests; i++)
        for (int k = 0; k < GUEST_MAX_NICS; k++) {
            const struct guest_nic *n = &lab->guests[i]->nics[k];
            if (n->present && n->lan == lan && stats(lab, t, n->tap, &st, &e) == 0) {
                add(sum, &st);
                ++*nports;
            }
        }
    char vx[SNAP_IFNAMSIZ];
    lab_lan_vxlan_port(lab, lan->bridge, vx, sizeof vx);
    if (vx[0] && stats(lab, t, vx, &st, &e) == 0) {
        /* its rx is what came from other hosts: into the segment, as a
         * guest's tap rx is what the guest sent */
        add(sum, &st);
        ++*nports;
    }
    return 0;
}
