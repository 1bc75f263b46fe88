/* lab_lans.c — a lab's LANs: the registry of named segments over the
 * journaled bridges of lab_lan.c. */
#include "core/lab.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/lab_fault.h"
#include "core/lab_lan.h"
#include "netcfg/link.h"
#include "netcfg/sysctl.h"

#define BRIDGE_NF_KEY "net/bridge/bridge-nf-call-iptables"

struct lab_lan *lab_find_lan(const struct lab *lab, const char *name)
{
    for (size_t i = 0; i < lab->nlans; i++)
        if (strcmp(lab->lans[i]->name, name) == 0)
            return lab->lans[i];
    return NULL;
}

size_t lab_lan_users(const struct lab *lab, const struct lab_lan *lan)
{
    size_t n = 0;
    for (size_t i = 0; i < lab->nguests; i++)
        for (size_t k = 0; k < GUEST_MAX_NICS; k++)
            n += lab->guests[i]->nics[k].present && lab->guests[i]->nics[k].lan == lan;
    return n;
}

/* br-NAME when it fits an interface name, else the first free lbrN. */
static void bridge_name(const struct lab *lab, const char *name, char *out, size_t outsz)
{
    if (snprintf(out, outsz, "br-%s", name) < (int)outsz)
        return;
    for (unsigned i = 0;; i++) {
        snprintf(out, outsz, "lbr%u", i);
        bool taken = link_ifindex(lab->nl, out) != 0;
        for (size_t k = 0; k < lab->nlans && !taken; k++)
            taken = strcmp(lab->lans[k]->bridge, out) == 0;
        if (!taken)
            return;
    }
}

/* Two LANs with overlapping subnets would make a guest's routes ambiguous. */
static bool subnets_overlap(const struct subnet *a, const struct subnet *b)
{
    int p = a->prefix < b->prefix ? a->prefix : b->prefix;
    uint32_t m = p ? htonl(0xffffffffU << (32 - p)) : 0;
    return (a->net.s_addr & m) == (b->net.s_addr & m);
}

/* A LAN's frames must not go through the lab's iptables as bridged frames
 * (br_netfilter, on by default in each namespace once loaded): the conntrack
 * entry a bridged frame makes has no NAT, and when a router guest then sends
 * that packet on to the host, its MASQUERADE is skipped. Only in the lab's
 * own namespace (journaled; undone with it): on the host it would change
 * everyone's bridges. */
static int bridge_nf_off(struct lab *lab, struct err *e)
{
    char old[16];
    struct err none;
    if (!lab->netns[0] || sysctl_read(BRIDGE_NF_KEY, old, sizeof old, &none) < 0 ||
        strcmp(old, "0") == 0) /* not ours, no br_netfilter, or off already */
        return 0;
    if (journal_add(&lab->journal, J_SYSCTL, e, 2, BRIDGE_NF_KEY, old) < 0)
        return -1;
    return sysctl_write(BRIDGE_NF_KEY, "0", e);
}

int lab_lan_add(struct lab *lab, const char *name, const struct subnet *subnet,
                struct lab_lan **out, struct err *e)
{
    if (!lan_name_valid(name))
        return err_set(e,
                       "LAN name '%s': use up to %d letters, digits, '-' or '_', starting with "
                       "a letter (not tap, uplink, internet, host or all)",
                       name, LAN_NAME_MAX - 1);
    if (lab_find_lan(lab, name))
        return err_set(e, "a LAN named '%s' already exists", name);
    if (lab_find_guest(lab, name))
        return err_set(e, "'%s' is a guest's name: give the LAN another", name);
    char ns[INET_ADDRSTRLEN], os[INET_ADDRSTRLEN];
    for (size_t i = 0; subnet && i < lab->nlans; i++)
        if (lab->lans[i]->has_subnet && subnets_overlap(subnet, &lab->lans[i]->subnet))
            return err_set(e, "subnet %s/%d overlaps LAN %s's %s/%d", addr_str(subnet->net, ns),
                           subnet->prefix, lab->lans[i]->name,
                           addr_str(lab->lans[i]->subnet.net, os), lab->lans[i]->subnet.prefix);
    if (bridge_nf_off(lab, e) < 0)
        return -1;
    struct lab_lan *lan = calloc(1, sizeof *lan);
    struct lab_lan **nl = lan ? realloc(lab->lans, (lab->nlans + 1) * sizeof *nl) : NULL;
    if (!nl) {
        free(lan);
        return err_sys(e, "LAN %s", name);
    }
    lab->lans = nl;
    snprintf(lan->name, sizeof lan->name, "%s", name);
    bridge_name(lab, name, lan->bridge, sizeof lan->bridge);
    if (subnet) {
        lan->has_subnet = true;
        lan->subnet = *subnet;
    }
    if (lab_bridge_add(lab, lan->bridge, &lan->j_bridge, e) < 0) {
        free(lan);
        return -1;
    }
    lab->lans[lab->nlans++] = lan;
    if (out)
        *out = lan;
    return 0;
}

int lab_lan_del(struct lab *lab, struct lab_lan *lan, struct err *e)
{
    size_t users = lab_lan_users(lab, lan);
    if (users)
        return err_set(e, "LAN %s has %zu NIC(s) on it: remove them first (`nic del GUEST ethN`)",
                       lan->name, users);
    /* This host's VXLAN port only; the other hosts keep theirs. */
    if (lan->stretched) {
        if (lab_lan_vxlan_del(lab, &lan->vx, e) < 0)
            return -1;
        lan->stretched = false;
    }
    struct lab_pane *dump = lab_find_pane(lab, LAB_PANE_DUMP, lan->bridge);
    if (dump)
        lab_pane_close(lab, dump);
    /* A lesson's faults on the bridge first (link down, netem). */
    if (lab_faults_undo(lab, lan->bridge, e) < 0 || lab_bridge_del(lab, &lan->j_bridge, e) < 0)
        return -1;
    for (size_t i = 0; i < lab->nlans; i++)
        if (lab->lans[i] == lan) {
            memmove(&lab->lans[i], &lab->lans[i + 1], (lab->nlans - i - 1) * sizeof *lab->lans);
            lab->nlans--;
            break;
        }
    free(lan);
    return 0;
}

int lab_lan_stretch(struct lab *lab, struct lab_lan *lan, uint32_t vni,
                    const struct in_addr *remotes, size_t nremotes, const char *underlay,
                    struct err *e)
{
    if (lan->stretched)
        return err_set(e, "LAN %s is stretched already (%s, VNI %u)", lan->name, lan->vx.name,
                       lan->vx.vni);
    if (lab_lan_users(lab, lan))
        return err_set(e, "LAN %s has NICs on it: stretch it before guests join (their MTU)",
                       lan->name);
    if (lab_lan_vxlan_add(lab, lan->bridge, vni, remotes, nremotes, underlay, &lan->vx, e) < 0)
        return -1;
    lan->stretched = true;
    memcpy(lan->vx_remotes, remotes, nremotes * sizeof *remotes);
    lan->vx_nremotes = nremotes;
    return 0;
}

uint32_t lab_lan_default_vni(const char *name)
{
    uint32_t h = 2166136261U; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619U;
    return h % 16777215U + 1;
}

unsigned lab_lan_nic_mtu(const struct lab_lan *lan)
{
    return lan && lan->stretched && lan->vx.nic_mtu ? lan->vx.nic_mtu : 1500;
}
