/* lab_guest.c — guests of a lab: adding (tap, host address, COW file, boot),
 * halting, restarting and removing them. */
#include "core/lab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/guest.h"
#include "core/image.h"
#include "core/lab_internal.h"
#include "core/mconsole.h"
#include "netcfg/link.h"
#include "netcfg/tap.h"

#define MCONSOLE_TIMEOUT 1500

struct guest *lab_find_guest(const struct lab *lab, const char *name)
{
    for (size_t i = 0; i < lab->nguests; i++)
        if (strcmp(lab->guests[i]->name, name) == 0)
            return lab->guests[i];
    return NULL;
}

bool lab_tap_taken(const struct lab *lab, const char *name)
{
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        if (strcmp(g->tap, name) == 0)
            return true;
        for (size_t k = 0; k < GUEST_MAX_NICS; k++)
            if (g->nics[k].present && strcmp(g->nics[k].tap, name) == 0)
                return true;
    }
    return link_ifindex(lab->nl, name) != 0;
}

static void remove_guest(struct lab *lab, struct guest *g)
{
    for (size_t i = 0; i < lab->nguests; i++) {
        if (lab->guests[i] == g) {
            memmove(&lab->guests[i], &lab->guests[i + 1],
                    (lab->nguests - i - 1) * sizeof *lab->guests);
            lab->nguests--;
            break;
        }
    }
    if (lab->hooks.guest_removed)
        lab->hooks.guest_removed(lab->hooks.ctx, g);
    guest_free(g);
}

static int make_guest(struct lab *lab, const struct guest_opts *o, struct guest *g, struct err *e)
{
    if (o->name) {
        if (!guest_name_valid(o->name))
            return err_set(e,
                           "guest name '%s': use up to %d letters, digits, '-' or '_', "
                           "starting with a letter (not 'host' or 'all')",
                           o->name, GUEST_NAME_MAX - 1);
        if (lab_find_guest(lab, o->name))
            return err_set(e, "a guest named '%s' already exists", o->name);
        if (lab_find_lan(lab, o->name))
            return err_set(e, "'%s' is a LAN's name: give the guest another", o->name);
        snprintf(g->name, sizeof g->name, "%s", o->name);
    } else {
        for (unsigned i = 1;; i++) {
            snprintf(g->name, sizeof g->name, "g%u", i);
            if (!lab_find_guest(lab, g->name))
                break;
        }
    }
    snprintf(g->kernel, sizeof g->kernel, "%s", o->kernel ? o->kernel : lab->kernel);
    snprintf(g->rootfs, sizeof g->rootfs, "%s", o->rootfs ? o->rootfs : lab->rootfs);
    g->mem_mb = o->mem_mb > 0 ? o->mem_mb : lab->mem_mb;
    if (g->mem_mb < 16 || g->mem_mb > 65536)
        return err_set(e, "memory %d MiB out of range (16..65536)", g->mem_mb);
    if (lab_check_file("kernel", g->kernel, X_OK, e) < 0 || image_check(g->rootfs, e) < 0)
        return -1;
    if (o->login) {
        if (login_parse(o->login, &g->login, e) < 0)
            return -1;
    } else {
        g->login = lab->login;
    }
    if (o->nnics > GUEST_MAX_NICS)
        return err_set(e, "%zu NICs: a guest has at most %d", o->nnics, GUEST_MAX_NICS);
    if (o->nnics && (o->addr.s_addr || o->auto_addr))
        return err_set(e, "give the address with --nic tap:ADDR, not --ip, when there are NICs");
    for (size_t i = 0; i < o->nnics; i++)
        if (lab_nic_check(lab, NULL, &o->nics[i], g->nics, i, &g->nics[i], e) < 0)
            return -1;
    g->nic_list = o->nnics > 0;
    if (!o->nnics) { /* the seed's one routed tap */
        g->nics[0].present = true;
        g->nics[0].prefix = lab->subnet.prefix;
        if (o->addr.s_addr) {
            if (lab_check_addr(lab, NULL, o->addr, e) < 0)
                return -1;
            g->nics[0].addr = o->addr;
        } else if (o->auto_addr && lab_alloc_addr(lab, &g->nics[0].addr, e) < 0) {
            return -1;
        }
    }
    snprintf(g->umid, sizeof g->umid, "umlab-%s-%s", lab->name, g->name);
    snprintf(g->cow, sizeof g->cow, "%s/guests/%s.cow", lab->statedir, g->name);
    if (lab->share.image[0] && lab->share.rw)
        snprintf(g->share_cow, sizeof g->share_cow, "%s/guests/%s.share.cow", lab->statedir,
                 g->name);
    return 0;
}

int lab_guest_add(struct lab *lab, const struct guest_opts *o, struct guest **out, struct err *e)
{
    struct guest *g = calloc(1, sizeof *g);
    if (!g)
        return err_sys(e, "guest");
    g->lab = lab;
    g->j_tap = g->j_addr = g->j_proxyarp = g->j_proxydelay = g->j_route = g->j_cow = g->j_proc =
        g->j_fwd = g->j_share_cow = -1;
    g->routed = -1;
    for (size_t i = 0; i < GUEST_MAX_NICS; i++)
        g->nics[i].j_tap = g->nics[i].j_port = -1;
    if (make_guest(lab, o, g, e) < 0) {
        free(g);
        return -1;
    }
    struct guest **ng = realloc(lab->guests, (lab->nguests + 1) * sizeof *ng);
    if (!ng) {
        free(g);
        return err_sys(e, "guest");
    }
    lab->guests = ng;
    lab->guests[lab->nguests++] = g;

    /* The addresses are set as each host side is made (the routed tap's) or,
     * for LAN NICs, once their taps are. */
    struct in_addr wanted[GUEST_MAX_NICS];
    for (unsigned i = 0; i < GUEST_MAX_NICS; i++) {
        wanted[i] = g->nics[i].addr;
        g->nics[i].addr.s_addr = 0;
    }
    for (unsigned i = 0; i < GUEST_MAX_NICS; i++) {
        struct guest_nic *nic = &g->nics[i];
        if (!nic->present)
            continue;
        if (nic->lan) {
            if (lab_lan_tap_create(lab, nic, e) < 0)
                goto fail;
            if (wanted[i].s_addr)
                guest_nic_set_addr(g, i, wanted[i], nic->prefix);
        } else if (lab_routed_tap_create(lab, g, i, e) < 0 ||
                   (wanted[i].s_addr && lab_host_side(lab, g, wanted[i], e) < 0)) {
            goto fail;
        }
    }
    snprintf(g->tap, sizeof g->tap, "%s", g->nics[0].tap);
    if (lab->nat && lab_guest_fwd_rules(lab, g, e) < 0)
        goto fail;
    if ((g->j_cow = journal_add(&lab->journal, J_FILE, e, 1, g->cow)) < 0)
        goto fail;
    if (g->share_cow[0] &&
        (g->j_share_cow = journal_add(&lab->journal, J_FILE, e, 1, g->share_cow)) < 0)
        goto fail;
    if (guest_start(g, e) < 0)
        goto fail;
    if (out)
        *out = g;
    return 0;
fail:;
    struct err e2;
    lab_guest_undo_net(lab, g, &e2);
    remove_guest(lab, g);
    return -1;
}

int lab_guest_mconsole(struct lab *lab, struct guest *g, const char *cmd, char *reply,
                       size_t replysz, struct err *e)
{
    if (g->pane.reaped)
        return err_set(e, "%s is not running", g->name);
    /* guests/ belongs to the guest's user: resolved without following links. */
    char rel[PATH_MAX];
    if (snprintf(rel, sizeof rel, "guests/uml/%s/mconsole", g->umid) >= (int)sizeof rel)
        return err_set(e, "mconsole path too long");
    int r = mconsole_call_at(lab->statedir, rel, lab->guest_uid, cmd, MCONSOLE_TIMEOUT, reply,
                             replysz, e);
    return r == 0 ? 0 : -1;
}

static bool guest_reaped(void *ctx)
{
    return ((struct guest *)ctx)->pane.reaped;
}

int lab_guest_halt(struct lab *lab, struct guest *g, int timeout_ms, struct err *e)
{
    if (g->pane.reaped)
        return err_set(e, "%s is not running", g->name);
    char reply[256];
    struct err me;
    int rc = 0;
    if (lab_guest_mconsole(lab, g, "halt", reply, sizeof reply, &me) < 0) {
        /* refused (a link planted in guests/) or no answer: stop it the hard
         * way, and say so */
        pane_kill(&g->pane);
        rc = err_set(e, "%s (killed it instead)", me.msg);
    } else if (lab_wait(lab, guest_reaped, g, timeout_ms, "the guest to halt", &me) < 0) {
        pane_kill(&g->pane);
    }
    pane_drain(&g->pane);
    return rc;
}

int lab_guest_del(struct lab *lab, struct guest *g, struct err *e)
{
    if (!g->pane.reaped) {
        struct err ignore;
        lab_guest_halt(lab, g, 3000, &ignore);
    }
    pane_kill(&g->pane);
    pane_drain(&g->pane);
    int rc = lab_guest_undo_net(lab, g, e);
    remove_guest(lab, g);
    return rc;
}

int lab_guest_restart(struct lab *lab, struct guest *g, struct err *e)
{
    if (!g->pane.reaped) {
        char reply[256];
        if (lab_guest_mconsole(lab, g, "reboot", reply, sizeof reply, e) < 0)
            return -1;
        g->state = GUEST_BOOTING;
        g->started_ms = loop_now_ms();
        g->boots++;
        g->logged_in = false;
        g->login_step = 0;
        g->login_note[0] = '\0';
        return 0;
    }
    pane_drain(&g->pane);
    /* a fresh disk: the old COW file would replay the previous boot's changes */
    if (unlink(g->cow) < 0 && errno != ENOENT)
        return err_sys(e, "remove %s", g->cow);
    return guest_start(g, e);
}
