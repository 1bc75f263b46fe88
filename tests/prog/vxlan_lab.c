/* vxlan_lab.c — one "host" of a LAN stretched over VXLAN (issue 12's lower
 * layers), for tests/integration/t_vxlan.sh. From the stand-in host's
 * namespace HOST (entered here, not with `ip netns exec`, whose private mount
 * namespace would hide the lab's /run/netns mount from everyone else), it
 * opens lab LAB in a namespace of its own (umlab-LAB, as --netns would),
 * makes bridge BRIDGE and, through
 * lab_lan_vxlan_add, a VXLAN port to REMOTE whose UDP socket stays in HOST
 * (the underlay, UNDERLAY being the device of the route to REMOTE). It checks
 * the refusals on the way, plugs a veth end into the bridge whose peer is
 * eth0 of namespace END (a stand-in guest), prints "ready VXLAN NIC_MTU" and
 * waits: a line "close" (or end of input) closes the lab, which must undo
 * everything. Each check prints "ok: ..." or "FAIL: ..."; exit 0 when all held.
 *
 *   vxlan_lab HOST LAB BRIDGE VNI UNDERLAY REMOTE END ROOTFS */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/lab.h"
#include "core/lab_lan.h"
#include "netcfg/bridge.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/vxlan.h"

#define END_VETH "vxend"
#define SPARE_IP "203.0.113.99"

static int failures;

static void check(int cond, const char *what, const char *why)
{
    if (cond) {
        printf("ok: %s\n", what);
    } else {
        printf("FAIL: %s%s%s\n", what, why ? ": " : "", why ? why : "");
        failures++;
    }
    fflush(stdout);
}

static struct in_addr ip4(const char *s)
{
    struct in_addr a = {0};
    if (inet_pton(AF_INET, s, &a) != 1)
        check(0, "an IPv4 address", s);
    return a;
}

static size_t nports(struct lab *lab, const char *bridge)
{
    char names[8][BRIDGE_IFNAMSIZ];
    size_t n = 0;
    struct err e;
    return bridge_ports(lab->nl, bridge, names, 8, &n, &e) == 0 ? n : 99;
}

static size_t nremotes(struct lab *lab, const char *vx, struct in_addr *first)
{
    struct in_addr r[4];
    size_t n = 0;
    struct err e;
    if (vxlan_remotes(lab->nl, vx, r, 4, &n, &e) < 0)
        return 99;
    if (first && n)
        *first = r[0];
    return n;
}

/* Every bad request fails with NEEDLE in its message and journals nothing. */
static void refused(struct lab *lab, const char *bridge, uint32_t vni, const struct in_addr *r,
                    size_t n, const char *underlay, const char *needle, const char *what)
{
    struct err e = {""};
    struct lab_vxlan vx;
    size_t before = lab->journal.nrecs;
    int rc = lab_lan_vxlan_add(lab, bridge, vni, r, n, underlay, &vx, &e);
    printf("%s: %s\n", what, rc < 0 ? e.msg : "accepted");
    check(rc < 0 && strstr(e.msg, needle) && lab->journal.nrecs == before && !vx.name[0] &&
              vx.seq_dev == -1,
          what, e.msg);
}

static void refusals(struct lab *lab, const char *bridge, uint32_t vni, struct in_addr remote)
{
    struct in_addr mc = ip4("239.1.1.1"), nowhere = ip4("192.0.2.77");
    refused(lab, "nolan9", vni, &remote, 1, NULL, "no bridge nolan9", "an unknown bridge");
    refused(lab, bridge, 0, &remote, 1, NULL, "VNI 0", "VNI 0");
    refused(lab, bridge, VXLAN_VNI_MAX + 1, &remote, 1, NULL, "must be 1..", "VNI 2^24");
    refused(lab, bridge, vni, &remote, 0, NULL, "at least one remote", "no remote");
    refused(lab, bridge, vni, &mc, 1, NULL, "multicast", "a multicast remote");
    refused(lab, bridge, vni, &nowhere, 1, NULL, "no route to 192.0.2.77",
            "a remote the underlay has no route to");
    refused(lab, bridge, vni, &remote, 1, "nodev9", "underlay nodev9",
            "an underlay device that does not exist where umlab started");
}

/* What the first device must be, seen from the lab's namespace. */
static void inspect(struct lab *lab, const struct lab_vxlan *vx, const char *bridge, uint32_t vni,
                    const char *underlay, struct in_addr remote)
{
    printf("vxlan: %s vni %u underlay %s nic_mtu %u\nnote: %s\n", vx->name, vx->vni, vx->underlay,
           vx->nic_mtu, vx->mtu_note);
    uint32_t have = 0;
    check(vxlan_exists(lab->nl, vx->name, &have) && have == vni,
          "the device is a VXLAN with the VNI, in the lab's namespace", NULL);
    check(strcmp(vx->underlay, underlay) == 0, "the underlay is the device of the route", NULL);
    check(vx->nic_mtu == 1450 && strstr(vx->mtu_note, "MTU 1450"),
          "a 1500 underlay gives the LAN 1450, and says so", vx->mtu_note);
    char m[BRIDGE_IFNAMSIZ] = "";
    struct err e = {""};
    check(bridge_port_master(lab->nl, vx->name, m, sizeof m, &e) == 0 && !strcmp(m, bridge),
          "it is a port of the bridge", e.msg);
    struct link_stats st;
    check(link_get_stats(lab->nl, vx->name, &st, &e) == 0 && st.up, "it is up", e.msg);
    struct in_addr first = {0};
    check(nremotes(lab, vx->name, &first) == 1 && first.s_addr == remote.s_addr,
          "its one remote is the one asked for", NULL);
}

static void second_device(struct lab *lab, const char *bridge, uint32_t vni, const char *underlay,
                          struct in_addr remote, const struct lab_vxlan *first)
{
    struct err e = {""};
    struct lab_vxlan vx;
    size_t ports = nports(lab, bridge);
    /* The same VNI on the same underlay: the kernel's refusal, nothing left. */
    int rc = lab_lan_vxlan_add(lab, bridge, vni, &remote, 1, NULL, &vx, &e);
    printf("same VNI again: %s\n", rc < 0 ? e.msg : "accepted");
    check(rc < 0 && strstr(e.msg, "is taken by another VXLAN device") && vx.seq_dev == -1 &&
              link_ifindex(lab->nl, "vxlan1") == 0 && nports(lab, bridge) == ports,
          "the same VNI twice is refused and leaves nothing", e.msg);

    check(lab_lan_vxlan_add(lab, bridge, vni + 1, &remote, 1, underlay, &vx, &e) == 0 &&
              strcmp(vx.name, first->name) != 0 && vx.seq_dev > 0 && vx.seq_port > 0,
          "a second VNI, with the underlay given", e.msg);
    check(nports(lab, bridge) == ports + 1, "it is one more port", NULL);
    struct in_addr spare = ip4(SPARE_IP);
    check(lab_lan_vxlan_remote_add(lab, &vx, spare, &e) == 0 &&
              lab_lan_vxlan_remote_add(lab, &vx, spare, &e) == 0 && nremotes(lab, vx.name, 0) == 2,
          "a remote added twice is there once", e.msg);
    check(lab_lan_vxlan_remote_del(lab, &vx, spare, &e) == 0 &&
              lab_lan_vxlan_remote_del(lab, &vx, spare, &e) == 0 && nremotes(lab, vx.name, 0) == 1,
          "a remote removed twice is gone, and only it", e.msg);

    /* netcfg's refusals on a real device */
    check(vxlan_delete(lab->nl, vx.name, vni + 7, &e) < 0 && strstr(e.msg, "not ours") &&
              vxlan_exists(lab->nl, vx.name, NULL),
          "vxlan_delete refuses a device with another VNI", e.msg);
    check(bridge_delete(lab->nl, vx.name, &e) < 0 && vxlan_exists(lab->nl, vx.name, NULL),
          "bridge_delete refuses a VXLAN device", e.msg);
    check(vxlan_delete(lab->nl, bridge, 0, &e) < 0 && strstr(e.msg, "not a VXLAN") &&
              bridge_exists(lab->nl, bridge),
          "vxlan_delete refuses a bridge", e.msg);
    struct vxlan_spec spec = {.vni = vni + 2, .netns_fd = -1};
    errno = 0;
    check(vxlan_create(lab->nl, vx.name, &spec, &e) < 0 && errno == EEXIST &&
              strstr(e.msg, "already exists"),
          "vxlan_create refuses an existing name", e.msg);

    char name[16];
    snprintf(name, sizeof name, "%s", vx.name);
    check(lab_lan_vxlan_del(lab, &vx, &e) == 0 && vx.seq_dev == -1 && vx.seq_port == -1 &&
              link_ifindex(lab->nl, name) == 0 && nports(lab, bridge) == ports,
          "lab_lan_vxlan_del releases and deletes it", e.msg);
}

/* A stand-in guest: a veth whose other end is eth0 of namespace END. */
static void plug_end(struct lab *lab, const char *bridge, const char *end)
{
    struct err e = {""};
    int fd = netns_open(end, &e);
    int seq = -1;
    check(fd >= 0 && journal_add(&lab->journal, J_VETH, &e, 1, END_VETH) > 0 &&
              veth_create(lab->nl, END_VETH, "eth0", fd, &e) == 0 &&
              lab_bridge_attach(lab, bridge, END_VETH, &seq, &e) == 0 &&
              link_set_up(lab->nl, END_VETH, true, &e) == 0,
          "a veth end on the bridge (peer eth0 in the end namespace)", e.msg);
    if (fd >= 0)
        close(fd);
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: vxlan_lab HOST LAB BRIDGE VNI UNDERLAY REMOTE END ROOTFS\n");
        return 2;
    }
    struct err e = {""};
    if (netns_enter(argv[1], &e) < 0) {
        fprintf(stderr, "vxlan_lab: %s\n", e.msg);
        return 1;
    }
    argv++; /* the rest as if HOST were not there */
    const char *bridge = argv[2], *underlay = argv[4], *end = argv[6];
    uint32_t vni = (uint32_t)strtoul(argv[3], NULL, 10);
    struct in_addr remote = ip4(argv[5]);
    struct loop *loop = loop_new(&e);
    if (!loop) {
        fprintf(stderr, "vxlan_lab: %s\n", e.msg);
        return 1;
    }
    char netns[64];
    snprintf(netns, sizeof netns, "umlab-%s", argv[1]);
    /* No guest boots; lab_open wants an image all the same. */
    char rootfs[PATH_MAX];
    if (!realpath(argv[7], rootfs)) {
        fprintf(stderr, "vxlan_lab: %s: %s\n", argv[7], strerror(errno));
        loop_free(loop);
        return 1;
    }
    struct lab_opts o = {.name = argv[1], .netns = netns, .rootfs = rootfs};
    struct lab *lab = NULL;
    if (lab_open(&lab, &o, loop, &e) < 0) {
        fprintf(stderr, "vxlan_lab: %s\n", e.msg);
        loop_free(loop);
        return 1;
    }
    int jbr = -1;
    check(lab_bridge_add(lab, bridge, &jbr, &e) == 0, "lab_bridge_add", e.msg);
    refusals(lab, bridge, vni, remote);
    struct lab_vxlan vx;
    int rc = lab_lan_vxlan_add(lab, bridge, vni, &remote, 1, NULL, &vx, &e);
    check(rc == 0, "lab_lan_vxlan_add", e.msg);
    if (rc == 0) {
        inspect(lab, &vx, bridge, vni, underlay, remote);
        second_device(lab, bridge, vni, underlay, remote, &vx);
    }
    plug_end(lab, bridge, end);
    printf("ready %s %u\n", rc == 0 ? vx.name : "-", vx.nic_mtu);
    fflush(stdout);

    char line[64];
    while (fgets(line, sizeof line, stdin) && strncmp(line, "close", 5) != 0)
        ;
    rc = lab_close(lab, &e);
    check(rc == 0, "lab_close undid every record", rc < 0 ? e.msg : NULL);
    loop_free(loop);
    return failures ? 1 : 0;
}
