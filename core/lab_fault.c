/* lab_fault.c — links set down and link emulation, journaled; see lab_fault.h. */
#include "core/lab_fault.h"

#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "core/lab.h"
#include "core/lab_internal.h"
#include "core/lab_shell.h"
#include "core/netem_args.h"
#include "netcfg/link.h"

/* The newest record of KIND for IFNAME, made in the lab's namespace, not yet
 * undone; NULL when none. */
static const struct jrecord *live_record(const struct lab *lab, enum jkind kind, const char *ifname)
{
    for (size_t i = lab->journal.nrecs; i-- > 0;) {
        const struct jrecord *r = &lab->journal.recs[i];
        if (r->kind == kind && !r->done && r->nargs >= 1 && strcmp(r->args[0], ifname) == 0 &&
            strcmp(r->netns, lab->journal.netns) == 0)
            return r;
    }
    return NULL;
}

bool lab_fault_link_ok(const struct lab *lab, const char *ifname)
{
    if (!ifname || link_name_problem(ifname))
        return false;
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        if (strcmp(g->tap, ifname) == 0)
            return true;
        for (unsigned k = 0; k < GUEST_MAX_NICS; k++)
            if (g->nics[k].present && strcmp(g->nics[k].tap, ifname) == 0)
                return true;
    }
    for (size_t i = 0; i < lab->nlans; i++)
        if (strcmp(lab->lans[i]->bridge, ifname) == 0)
            return true;
    return false;
}

static int not_ours(const char *what, const char *ifname, struct err *e)
{
    return err_set(e, "%s %s: not one of this lab's links (a guest's tap or a LAN's bridge)", what,
                   ifname ? ifname : "");
}

/* The shell line of what R makes (or undoes) done without a record of its
 * own: a route put back, a link brought up that umlab did not set down. */
static void shell_echo(struct lab *lab, const struct jrecord *r, bool undo)
{
    struct lab_shell_ctx lc;
    struct strbuf b = {0};
    lab_shell_ctx(lab, false, &lc);
    if ((undo ? shellcmd_undo(r, &lc.c, &b, NULL) : shellcmd_make(r, &lc.c, &b, NULL)) > 0) {
        char line[600];
        snprintf(line, sizeof line, "$ %.*s", (int)strcspn(sb_str(&b), "\n"), sb_str(&b));
        lab_shell_emit(lab, line);
    }
    sb_free(&b);
}

/* Puts back the routes the lab journaled through IFNAME that are missing. */
static int restore_routes(struct lab *lab, const char *ifname, struct err *e)
{
    int rc = 0;
    for (size_t i = 0; i < lab->journal.nrecs; i++) {
        const struct jrecord *r = &lab->journal.recs[i];
        if (r->kind != J_ROUTE || r->done || r->nargs < 2 || strcmp(r->args[1], ifname) != 0 ||
            strcmp(r->netns, lab->journal.netns) != 0)
            continue;
        struct in_addr dst, gw = {0};
        int prefix;
        struct err one;
        if (addr_parse(r->args[0], &dst, &prefix, &one) < 0 ||
            (r->nargs > 2 && addr_parse(r->args[2], &gw, NULL, &one) < 0)) {
            if (rc == 0)
                *e = one;
            rc = -1;
            continue;
        }
        if (prefix < 0)
            prefix = 32;
        if (route_exists(lab->nl, dst, prefix, ifname))
            continue;
        shell_echo(lab, r, false);
        if (route_add(lab->nl, dst, prefix, ifname, gw, &one) < 0 && rc == 0) {
            *e = one;
            rc = -1;
        }
    }
    return rc;
}

int lab_link_set(struct lab *lab, const char *ifname, bool up, bool *changed, struct err *e)
{
    bool dummy;
    if (!changed)
        changed = &dummy;
    *changed = false;
    if (!lab_fault_link_ok(lab, ifname))
        return not_ours("link", ifname, e);
    struct link_stats st;
    if (link_get_stats(lab->nl, ifname, &st, e) < 0)
        return -1;
    if (!up) {
        if (!st.up)
            return 0; /* down already: by umlab (journaled then) or by someone else */
        int seq = journal_add(&lab->journal, J_LINKDOWN, e, 1, ifname);
        if (seq < 0)
            return -1;
        if (link_set_up(lab->nl, ifname, false, e) < 0) {
            lab_forget(lab, &seq);
            return -1;
        }
        *changed = true;
        return 0;
    }
    const struct jrecord *r = live_record(lab, J_LINKDOWN, ifname);
    if (r) {
        int seq = (int)r->seq;
        if (lab_undo_now(lab, &seq, e) < 0) /* brings it up */
            return -1;
    } else if (!st.up) {
        struct jrecord down = {.kind = J_LINKDOWN, .nargs = 1};
        snprintf(down.args[0], sizeof down.args[0], "%s", ifname);
        snprintf(down.netns, sizeof down.netns, "%s", lab->journal.netns);
        shell_echo(lab, &down, true);
        if (link_set_up(lab->nl, ifname, true, e) < 0)
            return -1;
    }
    *changed = !st.up;
    return restore_routes(lab, ifname, e);
}

int lab_netem_set(struct lab *lab, const char *ifname, const struct netem_params *p, struct err *e)
{
    if (!lab_fault_link_ok(lab, ifname))
        return not_ours("netem", ifname, e);
    char settings[JOURNAL_ARG_MAX];
    if (netem_args_word(p, settings, sizeof settings) < 0)
        return err_set(e, "netem on %s: nothing to emulate", ifname);
    /* Each setting gets a record of its own (the journal and an export say
     * what is on the link); the one it replaces is then done with. */
    const struct jrecord *r = live_record(lab, J_NETEM, ifname);
    int old = r ? (int)r->seq : -1;
    int seq = journal_add(&lab->journal, J_NETEM, e, 2, ifname, settings);
    if (seq < 0)
        return -1;
    if (qdisc_netem_set(lab->nl, ifname, p, e) < 0) {
        lab_forget(lab, &seq);
        /* A failed change may have taken the old one with it: then nothing
         * of umlab's is there to undo either. */
        struct qdisc_root q;
        if (old > 0 && qdisc_root_get(lab->nl, ifname, &q, NULL) == 0 && !q.ours)
            lab_forget(lab, &old);
        return -1;
    }
    lab_forget(lab, &old);
    return 0;
}

int lab_netem_clear(struct lab *lab, const char *ifname, struct err *e)
{
    if (!lab_fault_link_ok(lab, ifname))
        return not_ours("netem", ifname, e);
    const struct jrecord *r = live_record(lab, J_NETEM, ifname);
    if (!r)
        return err_set(e, "netem %s: umlab has no link emulation on it", ifname);
    int seq = (int)r->seq;
    return lab_undo_now(lab, &seq, e);
}

static bool is_fault(const struct lab *lab, const struct jrecord *r)
{
    return (r->kind == J_NETEM || r->kind == J_LINKDOWN) && !r->done && r->nargs >= 1 &&
           strcmp(r->netns, lab->journal.netns) == 0;
}

size_t lab_faults(struct lab *lab, struct lab_fault *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < lab->journal.nrecs; i++) {
        const struct jrecord *r = &lab->journal.recs[i];
        if (!is_fault(lab, r))
            continue;
        bool earlier = false; /* this link was counted at an older record */
        for (size_t j = 0; j < i && !earlier; j++)
            earlier = is_fault(lab, &lab->journal.recs[j]) &&
                      strcmp(lab->journal.recs[j].args[0], r->args[0]) == 0;
        if (earlier)
            continue;
        if (n < max) {
            struct lab_fault *f = &out[n];
            memset(f, 0, sizeof *f);
            snprintf(f->ifname, sizeof f->ifname, "%s", r->args[0]);
            f->down = live_record(lab, J_LINKDOWN, f->ifname) != NULL;
            f->netem = live_record(lab, J_NETEM, f->ifname) != NULL;
            struct qdisc_root q;
            struct err qe;
            if (f->netem && qdisc_root_get(lab->nl, f->ifname, &q, &qe) < 0)
                snprintf(f->netem_err, sizeof f->netem_err, "%s", qe.msg);
            else if (f->netem && !q.ours)
                snprintf(f->netem_err, sizeof f->netem_err,
                         "umlab's qdisc is gone (someone replaced or removed it)");
            else if (f->netem) {
                f->netem_read = true;
                f->p = q.p;
            }
        }
        n++;
    }
    return n;
}

void lab_fault_describe(const struct lab_fault *f, char *buf, size_t bufsz)
{
    char what[160] = "";
    if (f->netem_read)
        netem_args_format(&f->p, what, sizeof what);
    snprintf(buf, bufsz, "%s%s%s%s", f->down ? "down" : "", f->down && f->netem ? ", " : "",
             f->netem ? "netem " : "", f->netem ? (f->netem_read ? what : f->netem_err) : "");
}

int lab_faults_undo(struct lab *lab, const char *ifname, struct err *e)
{
    int rc = 0;
    const enum jkind kinds[] = {J_NETEM, J_LINKDOWN};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        const struct jrecord *r;
        while ((r = live_record(lab, kinds[k], ifname))) {
            int seq = (int)r->seq;
            struct err one;
            if (lab_undo_now(lab, &seq, &one) < 0) {
                if (rc == 0)
                    *e = one;
                rc = -1;
                break; /* still live: would be found again */
            }
        }
    }
    return rc;
}
