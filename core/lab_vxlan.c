/* lab_vxlan.c — a lab's LANs stretched to other hosts over kernel VXLAN,
 * journaled; see lab_lan.h. */
#include "core/lab_lan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "core/lab.h"
#include "core/lab_internal.h"
#include "netcfg/bridge.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/vxlan.h"

/* A netlink socket in the namespace umlab started in (the underlay's). In a
 * lab without a namespace of its own that is the lab's: *OWNED false. */
static int open_underlay(struct lab *lab, struct nlconn **out, bool *owned, struct err *e)
{
    *out = NULL;
    *owned = false;
    if (!lab->netns[0]) {
        *out = lab->nl;
        return 0;
    }
    if (netns_enter_fd(lab->orig_netns_fd, e) < 0)
        return -1;
    int rc = nlconn_open(out, e);
    struct err e2;
    if (netns_enter(lab->netns, &e2) < 0) {
        err_set(e, "vxlan: cannot return to namespace %s: %s", lab->netns, e2.msg);
        rc = -1;
    }
    if (rc < 0) {
        nlconn_close(*out);
        *out = NULL;
        return -1;
    }
    *owned = true;
    return 0;
}

/* Checks what the caller asked for before anything is looked up or made. */
static int check_request(struct lab *lab, const char *bridge, uint32_t vni,
                         const struct in_addr *remotes, size_t nremotes, const char *underlay,
                         struct err *e)
{
    const char *bad = link_name_problem(bridge);
    if (bad)
        return err_set(e, "vxlan: bridge '%s': %s", bridge ? bridge : "", bad);
    if (vni < 1 || vni > VXLAN_VNI_MAX)
        return err_set(e, "vxlan: VNI %u: must be 1..%d", vni, VXLAN_VNI_MAX);
    if (underlay && (bad = link_name_problem(underlay)))
        return err_set(e, "vxlan: underlay '%s': %s", underlay, bad);
    if (nremotes == 0)
        return err_set(e, "vxlan: at least one remote host is needed");
    if (nremotes > LAB_VXLAN_MAX_REMOTES)
        return err_set(e, "vxlan: %zu remotes, at most %d", nremotes, LAB_VXLAN_MAX_REMOTES);
    for (size_t i = 0; i < nremotes; i++) {
        if ((bad = vxlan_remote_problem(remotes[i]))) {
            char ip[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &remotes[i], ip, sizeof ip);
            return err_set(e, "vxlan: remote %s: %s", ip, bad);
        }
    }
    if (!bridge_exists(lab->nl, bridge))
        return err_set(e, "vxlan: no bridge %s in this lab", bridge);
    return 0;
}

/* The underlay device and its MTU: UNDERLAY's, or the smallest among the
 * devices the remotes' routes leave by (every remote must have a route). */
static int underlay_mtu(struct nlconn *unl, const struct in_addr *remotes, size_t nremotes,
                        const char *underlay, struct lab_vxlan *vx, unsigned *mtu, struct err *e)
{
    if (underlay) {
        snprintf(vx->underlay, sizeof vx->underlay, "%s", underlay);
        if (vxlan_link_mtu(unl, underlay, mtu, e) < 0)
            return err_set(e, "vxlan: underlay %s: no such device where umlab started", underlay);
    }
    for (size_t i = 0; i < nremotes; i++) {
        char dev[16];
        unsigned m;
        if (vxlan_route_dev(unl, remotes[i], dev, sizeof dev, e) < 0)
            return -1;
        if (underlay)
            continue; /* reachable; the packets still leave by UNDERLAY */
        if (vxlan_link_mtu(unl, dev, &m, e) < 0)
            return -1;
        if (i == 0 || m < *mtu) {
            *mtu = m;
            snprintf(vx->underlay, sizeof vx->underlay, "%s", dev);
        }
    }
    return 0;
}

/* The first vxlanN free both in the lab's namespace and the underlay's (the
 * device is made from the one and lands in the other). */
static int free_name(struct lab *lab, struct nlconn *unl, char *name, size_t namesz, struct err *e)
{
    for (unsigned i = 0; i <= 4096; i++) {
        snprintf(name, namesz, "vxlan%u", i);
        if (link_ifindex(lab->nl, name) == 0 && link_ifindex(unl, name) == 0)
            return 0;
    }
    return err_set(e, "vxlan: no free device name");
}

/* Makes the device (journaled) with its remotes and puts it on BRIDGE, up. */
static int build(struct lab *lab, struct nlconn *unl, const char *bridge,
                 const struct in_addr *remotes, size_t nremotes, const char *underlay,
                 struct lab_vxlan *vx, struct err *e)
{
    char vni[16];
    snprintf(vni, sizeof vni, "%u", vx->vni);
    if ((vx->seq_dev = journal_add(&lab->journal, J_VXLAN, e, 2, vx->name, vni)) < 0)
        return -1;
    int here = -1; /* the lab's namespace, where the device goes */
    if (lab->netns[0] && (here = netns_open_current(e)) < 0) {
        lab_forget(lab, &vx->seq_dev);
        return -1;
    }
    struct vxlan_spec spec = {
        .vni = vx->vni, .underlay = underlay, .mtu = vx->nic_mtu, .netns_fd = here};
    int rc = vxlan_create(unl, vx->name, &spec, e);
    if (here >= 0)
        close(here);
    if (rc < 0) {
        lab_forget(lab, &vx->seq_dev); /* EEXIST: someone else's; otherwise nothing was made */
        return -1;
    }
    struct err e2;
    for (size_t i = 0; i < nremotes; i++)
        if (vxlan_remote_add(lab->nl, vx->name, remotes[i], e) < 0) {
            lab_undo_now(lab, &vx->seq_dev, &e2);
            return -1;
        }
    if (lab_bridge_attach(lab, bridge, vx->name, &vx->seq_port, e) < 0) {
        lab_undo_now(lab, &vx->seq_dev, &e2);
        return -1;
    }
    if (link_set_up(lab->nl, vx->name, true, e) < 0) {
        lab_lan_vxlan_del(lab, vx, &e2);
        return -1;
    }
    return 0;
}

int lab_lan_vxlan_add(struct lab *lab, const char *bridge, uint32_t vni,
                      const struct in_addr *remotes, size_t nremotes, const char *underlay,
                      struct lab_vxlan *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->seq_dev = out->seq_port = -1;
    out->vni = vni;
    if (check_request(lab, bridge, vni, remotes, nremotes, underlay, e) < 0)
        return -1;
    struct nlconn *unl;
    bool owned;
    if (open_underlay(lab, &unl, &owned, e) < 0)
        return -1;
    unsigned mtu = 0;
    struct vxlan_mtu_plan plan;
    int rc = -1;
    if (underlay_mtu(unl, remotes, nremotes, underlay, out, &mtu, e) == 0 &&
        vxlan_mtu_decide(out->underlay, mtu, &plan, e) == 0 &&
        free_name(lab, unl, out->name, sizeof out->name, e) == 0) {
        out->nic_mtu = plan.nic_mtu;
        snprintf(out->mtu_note, sizeof out->mtu_note, "%s", plan.note);
        rc = build(lab, unl, bridge, remotes, nremotes, underlay, out, e);
    }
    if (owned)
        nlconn_close(unl);
    if (rc < 0)
        out->name[0] = '\0';
    return rc;
}

int lab_lan_vxlan_del(struct lab *lab, struct lab_vxlan *vx, struct err *e)
{
    /* Released first: the bridge's port record then has undone what it says. */
    if (lab_undo_now(lab, &vx->seq_port, e) < 0)
        return -1;
    return lab_undo_now(lab, &vx->seq_dev, e);
}

int lab_lan_vxlan_remote_add(struct lab *lab, const struct lab_vxlan *vx, struct in_addr remote,
                             struct err *e)
{
    return vxlan_remote_add(lab->nl, vx->name, remote, e);
}

int lab_lan_vxlan_remote_del(struct lab *lab, const struct lab_vxlan *vx, struct in_addr remote,
                             struct err *e)
{
    return vxlan_remote_del(lab->nl, vx->name, remote, e);
}
