/* lab_nic.c — taps for guests' extra NICs and their hot-plug through the
 * mconsole; see lab_lan.h. */
#include "core/lab_lan.h"

#include <errno.h>
#include <stdio.h>

#include "core/lab.h"
#include "core/lab_internal.h"
#include "core/umlargv.h"
#include "netcfg/link.h"
#include "netcfg/tap.h"

int lab_nic_tap_add(struct lab *lab, char *name, size_t namesz, int *seq, struct err *e)
{
    *seq = -1;
    char tap[16];
    for (unsigned i = 0;; i++) {
        snprintf(tap, sizeof tap, "tap%u", i);
        if (!lab_tap_taken(lab, tap))
            break;
        if (i > 4096)
            return err_set(e, "no free tap name");
    }
    if (snprintf(name, namesz, "%s", tap) >= (int)namesz)
        return err_set(e, "tap name %s does not fit", tap);
    if ((*seq = journal_add(&lab->journal, J_TAP, e, 1, tap)) < 0)
        return -1;
    if (tap_create(tap, lab->guest_uid, lab->guest_gid, e) < 0) {
        lab_forget(lab, seq); /* EEXIST: made by someone since we looked, not ours */
        return -1;
    }
    if (link_set_up(lab->nl, tap, true, e) < 0) {
        struct err e2;
        lab_undo_now(lab, seq, &e2);
        return -1;
    }
    return 0;
}

int lab_nic_tap_del(struct lab *lab, int *seq, struct err *e)
{
    return lab_undo_now(lab, seq, e);
}

int lab_guest_nic_plug(struct lab *lab, struct guest *g, unsigned idx, const char *tap,
                       struct err *e)
{
    char cmd[64], reply[256];
    if (uml_nic_config_cmd(idx, tap, cmd, sizeof cmd, e) < 0)
        return -1;
    if (lab_guest_mconsole(lab, g, cmd, reply, sizeof reply, e) < 0)
        return -1;
    return 0;
}

int lab_guest_nic_unplug(struct lab *lab, struct guest *g, unsigned idx, struct err *e)
{
    char cmd[32], reply[256];
    if (uml_nic_remove_cmd(idx, cmd, sizeof cmd, e) < 0)
        return -1;
    if (lab_guest_mconsole(lab, g, cmd, reply, sizeof reply, e) < 0)
        return -1;
    return 0;
}
