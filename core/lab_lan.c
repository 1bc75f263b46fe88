/* lab_lan.c — a lab's bridges and their ports, journaled; see lab_lan.h. */
#include "core/lab_lan.h"

#include <errno.h>

#include "core/lab.h"
#include "core/lab_internal.h"
#include "netcfg/bridge.h"
#include "netcfg/link.h"

int lab_bridge_add(struct lab *lab, const char *name, int *seq, struct err *e)
{
    *seq = -1;
    const char *bad = link_name_problem(name);
    if (bad)
        return err_set(e, "bridge '%s': %s", name ? name : "", bad);
    if ((*seq = journal_add(&lab->journal, J_BRIDGE, e, 1, name)) < 0)
        return -1;
    if (bridge_create(lab->nl, name, e) < 0) {
        lab_forget(lab, seq); /* EEXIST: someone else's; otherwise nothing was made */
        return -1;
    }
    if (link_set_up(lab->nl, name, true, e) < 0) {
        struct err e2;
        lab_undo_now(lab, seq, &e2);
        return -1;
    }
    return 0;
}

int lab_bridge_del(struct lab *lab, int *seq, struct err *e)
{
    return lab_undo_now(lab, seq, e);
}

int lab_bridge_attach(struct lab *lab, const char *bridge, const char *port, int *seq,
                      struct err *e)
{
    *seq = -1;
    const char *bad = link_name_problem(bridge);
    if (bad || (bad = link_name_problem(port)))
        return err_set(e, "bridge '%s': port '%s': %s", bridge ? bridge : "", port ? port : "",
                       bad);
    if ((*seq = journal_add(&lab->journal, J_BRPORT, e, 2, port, bridge)) < 0)
        return -1;
    if (bridge_enslave(lab->nl, bridge, port, e) < 0) {
        lab_forget(lab, seq); /* a port of someone's bridge stays theirs */
        return -1;
    }
    return 0;
}

int lab_bridge_detach(struct lab *lab, int *seq, struct err *e)
{
    return lab_undo_now(lab, seq, e);
}
