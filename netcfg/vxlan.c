/* vxlan.c — kernel VXLAN devices through libnl-route-3; see vxlan.h.
 *
 * libnl builds the device; its neighbour API leaves NDA_DST out of bridge
 * (AF_BRIDGE) entries, so the remotes are plain rtnetlink messages. */
#include "netcfg/vxlan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/handlers.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "netcfg/netns.h"
#include "netcfg/nl_internal.h"

#define ETH_ALEN_ 6

static const uint8_t zero_mac[ETH_ALEN_];

const char *vxlan_spec_problem(const struct vxlan_spec *s)
{
    if (s->vni < 1 || s->vni > VXLAN_VNI_MAX)
        return "the VNI must be 1..16777215";
    uint32_t l = ntohl(s->local.s_addr);
    if (l && ((l >> 28) == 0xe || l == 0xffffffffu || (l >> 24) == 127))
        return "the local address must be a unicast address of this host";
    if (s->underlay && netcfg_ifname_problem(s->underlay))
        return "bad underlay device name";
    if (s->mtu && (s->mtu < VXLAN_MTU_MIN || s->mtu > 65535))
        return "the MTU must be 576..65535";
    return NULL;
}

const char *vxlan_remote_problem(struct in_addr remote)
{
    uint32_t r = ntohl(remote.s_addr);
    if (r == 0)
        return "a remote cannot be 0.0.0.0";
    if ((r >> 28) == 0xe)
        return "a remote cannot be a multicast address (umlab uses unicast peers)";
    if (r == 0xffffffffu)
        return "a remote cannot be the broadcast address";
    if ((r >> 24) == 127)
        return "a remote cannot be a loopback address";
    return NULL;
}

/* Reads VXLAN device NAME for CTX: 1 found (*OUT, a VXLAN), 0 missing, -1
 * error or not a VXLAN. */
static int get_vxlan(struct nlconn *c, const char *ctx, const char *name, struct rtnl_link **out,
                     struct err *e)
{
    int found = netcfg_get_link(c->sk, ctx, name, out, e);
    if (found <= 0)
        return found;
    if (!rtnl_link_is_vxlan(*out)) {
        rtnl_link_put(*out);
        *out = NULL;
        return err_set(e, "%s: this interface is not a VXLAN device (left alone)", ctx);
    }
    return 1;
}

/* 1: a link NAME exists in the namespace open at FD, 0: none, -1: error.
 * A netlink socket stays in the namespace it was opened in: open one there. */
static int name_taken_in(int fd, const char *ctx, const char *name, struct err *e)
{
    int back = netns_open_current(e);
    if (back < 0)
        return -1;
    struct nlconn *there = NULL;
    int rc = netns_enter_fd(fd, e);
    if (rc == 0) {
        rc = nlconn_open(&there, e);
        struct err e2;
        if (netns_enter_fd(back, &e2) < 0) {
            err_set(e, "%s: cannot return to this namespace: %s", ctx, e2.msg);
            rc = -1;
        }
    }
    close(back);
    if (rc < 0) {
        nlconn_close(there);
        return -1;
    }
    int idx = netcfg_lookup_ifindex(there->sk, name);
    nlconn_close(there);
    if (idx < 0)
        return err_set(e, "%s: looking up %s there: %s", ctx, name, nl_geterror(idx));
    return idx > 0;
}

/* NAME is free here and in the target namespace: the kernel's EEXIST then
 * means the VNI (both would say "File exists"). */
static int name_free(struct nlconn *c, const char *ctx, const char *name, int netns_fd,
                     struct err *e)
{
    int idx = netcfg_lookup_ifindex(c->sk, name);
    if (idx < 0)
        return err_set(e, "%s: looking up %s: %s", ctx, name, nl_geterror(idx));
    int taken = idx > 0;
    if (!taken && netns_fd >= 0 && (taken = name_taken_in(netns_fd, ctx, name, e)) < 0)
        return -1;
    if (taken) {
        err_set(e, "%s: an interface with this name already exists", ctx);
        errno = EEXIST; /* someone else's: not to be undone */
        return -1;
    }
    return 0;
}

int vxlan_create(struct nlconn *c, const char *name, const struct vxlan_spec *s, struct err *e)
{
    const char *bad = netcfg_ifname_problem(name);
    if (bad)
        return err_set(e, "vxlan %s: %s", name ? name : "", bad);
    char ctx[48];
    snprintf(ctx, sizeof ctx, "vxlan %s", name);
    if ((bad = vxlan_spec_problem(s)))
        return err_set(e, "%s: %s", ctx, bad);
    if (name_free(c, ctx, name, s->netns_fd, e) < 0)
        return -1;
    int under = 0;
    if (s->underlay) {
        under = netcfg_lookup_ifindex(c->sk, s->underlay);
        if (under < 0)
            return err_set(e, "%s: looking up %s: %s", ctx, s->underlay, nl_geterror(under));
        if (under == 0)
            return err_set(e, "%s: no underlay device %s", ctx, s->underlay);
    }
    struct rtnl_link *link = rtnl_link_vxlan_alloc();
    if (!link)
        return err_set(e, "%s: out of memory", ctx);
    struct nl_addr *local = NULL;
    rtnl_link_set_name(link, name);
    int rc = rtnl_link_vxlan_set_id(link, s->vni);
    if (rc == 0)
        rc = rtnl_link_vxlan_set_port(link, VXLAN_UDP_PORT);
    if (rc == 0)
        rc = rtnl_link_vxlan_set_learning(link, 1);
    if (rc == 0 && under)
        rc = rtnl_link_vxlan_set_link(link, (uint32_t)under);
    if (rc == 0 && s->local.s_addr) {
        local = nl_addr_build(AF_INET, &s->local, sizeof s->local);
        rc = local ? rtnl_link_vxlan_set_local(link, local) : -NLE_NOMEM;
    }
    if (s->mtu)
        rtnl_link_set_mtu(link, s->mtu);
    if (s->netns_fd >= 0)
        rtnl_link_set_ns_fd(link, s->netns_fd);
    /* EXCL: without it the kernel would change an existing link of that name. */
    if (rc == 0)
        rc = rtnl_link_add(c->sk, link, NLM_F_CREATE | NLM_F_EXCL);
    if (local)
        nl_addr_put(local);
    rtnl_link_put(link);
    if (rc == -NLE_EXIST) {
        err_set(e, "%s: VNI %u is taken by another VXLAN device of this host (UDP port %d)", ctx,
                s->vni, VXLAN_UDP_PORT);
        errno = EEXIST; /* someone else's: not to be undone */
        return -1;
    }
    if (rc == -NLE_OPNOTSUPP)
        return err_set(e, "%s: the kernel has no VXLAN support (modprobe vxlan)", ctx);
    if (rc < 0)
        return err_set(e, "%s: %s", ctx, nl_geterror(rc));
    return 0;
}

int vxlan_delete(struct nlconn *c, const char *name, uint32_t vni, struct err *e)
{
    char ctx[48];
    snprintf(ctx, sizeof ctx, "vxlan %s", name ? name : "");
    struct rtnl_link *link;
    int found = get_vxlan(c, ctx, name, &link, e);
    if (found <= 0)
        return found;
    uint32_t have = 0;
    if (vni && (rtnl_link_vxlan_get_id(link, &have) < 0 || have != vni)) {
        rtnl_link_put(link);
        return err_set(e, "%s: its VNI is %u, not %u: not ours (left alone)", ctx, have, vni);
    }
    int rc = rtnl_link_delete(c->sk, link); /* by the ifindex just checked */
    rtnl_link_put(link);
    if (rc < 0 && !netcfg_nl_missing(rc))
        return err_set(e, "%s: delete: %s", ctx, nl_geterror(rc));
    return 0;
}

bool vxlan_exists(struct nlconn *c, const char *name, uint32_t *vni)
{
    struct rtnl_link *link;
    if (get_vxlan(c, "vxlan", name, &link, NULL) <= 0)
        return false;
    uint32_t id = 0;
    bool ok = rtnl_link_vxlan_get_id(link, &id) == 0;
    rtnl_link_put(link);
    if (vni)
        *vni = id;
    return ok;
}

/* The ifindex of VXLAN device NAME for CTX, or -1 (missing included). */
static int vxlan_ifindex(struct nlconn *c, const char *ctx, const char *name, struct err *e)
{
    struct rtnl_link *link;
    int found = get_vxlan(c, ctx, name, &link, e);
    if (found < 0)
        return -1;
    if (found == 0)
        return err_set(e, "%s: no such interface", ctx);
    int idx = rtnl_link_get_ifindex(link);
    rtnl_link_put(link);
    return idx;
}

/* An all-zeros FDB entry to REMOTE on device IFINDEX (TYPE: new or del). */
static int fdb_remote(struct nlconn *c, int type, int flags, int ifindex, struct in_addr remote)
{
    struct nl_msg *m = nlmsg_alloc_simple(type, flags);
    if (!m)
        return -NLE_NOMEM;
    struct ndmsg nd = {
        .ndm_family = AF_BRIDGE,
        .ndm_ifindex = ifindex,
        .ndm_state = NUD_PERMANENT | NUD_NOARP,
        .ndm_flags = NTF_SELF, /* the VXLAN device's own table, not a bridge's */
    };
    if (nlmsg_append(m, &nd, sizeof nd, NLMSG_ALIGNTO) < 0 ||
        nla_put(m, NDA_LLADDR, ETH_ALEN_, zero_mac) < 0 ||
        nla_put(m, NDA_DST, sizeof remote.s_addr, &remote.s_addr) < 0) {
        nlmsg_free(m);
        return -NLE_MSGSIZE;
    }
    return nl_send_sync(c->sk, m); /* frees M, waits for the kernel's answer */
}

static int remote_change(struct nlconn *c, const char *name, struct in_addr remote, bool add,
                         struct err *e)
{
    char ctx[80], ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &remote, ip, sizeof ip);
    snprintf(ctx, sizeof ctx, "vxlan %s: remote %s", name ? name : "", ip);
    const char *bad = vxlan_remote_problem(remote);
    if (bad)
        return err_set(e, "%s: %s", ctx, bad);
    int idx = vxlan_ifindex(c, ctx, name, e);
    if (idx < 0)
        return -1;
    /* APPEND: one more peer of the all-zeros entry; one it has is no error. */
    int rc = add ? fdb_remote(c, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, idx, remote)
                 : fdb_remote(c, RTM_DELNEIGH, 0, idx, remote);
    if (rc < 0 && !(!add && netcfg_nl_missing(rc)))
        return err_set(e, "%s: %s: %s", ctx, add ? "add" : "remove", nl_geterror(rc));
    return 0;
}

int vxlan_remote_add(struct nlconn *c, const char *name, struct in_addr remote, struct err *e)
{
    return remote_change(c, name, remote, true, e);
}

int vxlan_remote_del(struct nlconn *c, const char *name, struct in_addr remote, struct err *e)
{
    return remote_change(c, name, remote, false, e);
}

struct remote_walk {
    int ifindex;
    struct in_addr *out;
    size_t max, n;
};

static int remote_seen(struct nl_msg *msg, void *arg)
{
    struct remote_walk *w = arg;
    struct nlmsghdr *h = nlmsg_hdr(msg);
    if (h->nlmsg_type != RTM_NEWNEIGH || nlmsg_datalen(h) < (int)sizeof(struct ndmsg))
        return NL_OK;
    const struct ndmsg *nd = nlmsg_data(h);
    if (nd->ndm_family != AF_BRIDGE || nd->ndm_ifindex != w->ifindex)
        return NL_OK;
    struct nlattr *tb[NDA_MAX + 1];
    if (nlmsg_parse(h, sizeof *nd, tb, NDA_MAX, NULL) < 0)
        return NL_OK;
    /* Only the all-zeros entries are peers; the others are learned MACs. */
    if (!tb[NDA_LLADDR] || nla_len(tb[NDA_LLADDR]) != ETH_ALEN_ ||
        memcmp(nla_data(tb[NDA_LLADDR]), zero_mac, ETH_ALEN_) != 0 || !tb[NDA_DST] ||
        nla_len(tb[NDA_DST]) != (int)sizeof(struct in_addr))
        return NL_OK;
    if (w->n < w->max)
        memcpy(&w->out[w->n], nla_data(tb[NDA_DST]), sizeof(struct in_addr));
    w->n++;
    return NL_OK;
}

int vxlan_remotes(struct nlconn *c, const char *name, struct in_addr *out, size_t max, size_t *n,
                  struct err *e)
{
    *n = 0;
    char ctx[48];
    snprintf(ctx, sizeof ctx, "vxlan %s", name ? name : "");
    int idx = vxlan_ifindex(c, ctx, name, e);
    if (idx < 0)
        return -1;
    struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (!cb)
        return err_set(e, "%s: out of memory", ctx);
    struct remote_walk w = {.ifindex = idx, .out = out, .max = max};
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, remote_seen, &w);
    int rc;
    /* A dump the kernel marks interrupted (the table changed) is read again. */
    for (int tries = 0; tries < 3; tries++) {
        w.n = 0;
        struct ndmsg nd = {.ndm_family = AF_BRIDGE};
        rc = nl_send_simple(c->sk, RTM_GETNEIGH, NLM_F_DUMP, &nd, sizeof nd);
        if (rc >= 0)
            rc = nl_recvmsgs(c->sk, cb);
        if (rc != -NLE_DUMP_INTR)
            break;
    }
    nl_cb_put(cb);
    if (rc < 0)
        return err_set(e, "%s: listing remotes: %s", ctx, nl_geterror(rc));
    *n = w.n;
    return 0;
}

int vxlan_link_mtu(struct nlconn *c, const char *name, unsigned *mtu, struct err *e)
{
    char ctx[48];
    snprintf(ctx, sizeof ctx, "link %s", name ? name : "");
    struct rtnl_link *link;
    int found = netcfg_get_link(c->sk, ctx, name, &link, e);
    if (found < 0)
        return -1;
    if (found == 0)
        return err_set(e, "%s: no such interface", ctx);
    *mtu = rtnl_link_get_mtu(link);
    rtnl_link_put(link);
    return 0;
}

int vxlan_route_dev(struct nlconn *c, struct in_addr dst, char *dev, size_t devsz, struct err *e)
{
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &dst, ip, sizeof ip);
    struct nl_addr *a = nl_addr_build(AF_INET, &dst, sizeof dst);
    if (!a)
        return err_set(e, "route to %s: out of memory", ip);
    struct rtnl_route *route = NULL;
    int rc = rtnl_route_lookup(c->sk, a, &route);
    nl_addr_put(a);
    if (rc < 0)
        return err_set(e, "no route to %s on the underlay (%s)", ip, nl_geterror(rc));
    struct rtnl_nexthop *nh = rtnl_route_nexthop_n(route, 0);
    int idx = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
    rtnl_route_put(route);
    struct rtnl_link *link = NULL;
    if (idx <= 0 || rtnl_link_get_kernel(c->sk, idx, NULL, &link) < 0 || !link ||
        !rtnl_link_get_name(link)) {
        if (link)
            rtnl_link_put(link);
        return err_set(e, "no route to %s on the underlay (no outgoing device)", ip);
    }
    int n = snprintf(dev, devsz, "%s", rtnl_link_get_name(link));
    rtnl_link_put(link);
    if (n < 0 || (size_t)n >= devsz)
        return err_set(e, "route to %s: device name too long", ip);
    return 0;
}

int vxlan_mtu_decide(const char *underlay, unsigned underlay_mtu, struct vxlan_mtu_plan *p,
                     struct err *e)
{
    const char *u = underlay && *underlay ? underlay : "the underlay";
    memset(p, 0, sizeof *p);
    if (underlay_mtu >= 1500 + VXLAN_OVERHEAD) {
        p->nic_mtu = 1500;
        snprintf(p->note, sizeof p->note,
                 "VXLAN over %s (MTU %u): guest NICs on this LAN keep MTU 1500 (%d bytes of "
                 "VXLAN headers fit)",
                 u, underlay_mtu, VXLAN_OVERHEAD);
        return 0;
    }
    if (underlay_mtu < VXLAN_MTU_MIN + VXLAN_OVERHEAD)
        return err_set(e,
                       "VXLAN over %s (MTU %u): too small, the LAN would get less than %d bytes "
                       "(the underlay needs %d)",
                       u, underlay_mtu, VXLAN_MTU_MIN, 1500 + VXLAN_OVERHEAD);
    p->nic_mtu = underlay_mtu - VXLAN_OVERHEAD;
    snprintf(p->note, sizeof p->note,
             "VXLAN over %s (MTU %u): guest NICs on this LAN get MTU %u (%d bytes go to VXLAN "
             "headers; an underlay MTU of %d would keep 1500)",
             u, underlay_mtu, p->nic_mtu, VXLAN_OVERHEAD, 1500 + VXLAN_OVERHEAD);
    return 0;
}
