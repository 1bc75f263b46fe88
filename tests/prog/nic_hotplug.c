/* nic_hotplug.c — a sandboxed lab (issue 8's lower layers) for
 * tests/integration/t_nic_hotplug.sh: boots guest g1 on Debian's linux.uml,
 * makes a LAN bridge with a new tap as its port (lab_bridge_add, lab_nic_tap_add,
 * lab_bridge_attach), hot-plugs the tap into g1 as eth1 through the mconsole
 * (lab_guest_nic_plug), and proves it inside the guest: eth1 is there, comes
 * up, and pings the host's address on the bridge. Then unplugs it (refused
 * while up), detaches and deletes, and closes the lab (every record undone).
 * Each check prints "ok: ..." or "FAIL: ..."; exit 0 when all held.
 *
 *   nic_hotplug LAB ROOTFS [XSTATE_SO] */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cmd.h"
#include "core/lab.h"
#include "core/lab_lan.h"
#include "core/out.h"
#include "netcfg/bridge.h"
#include "netcfg/link.h"

#define BRIDGE "hplan0"

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

/* Runs a command line of the lab (what a batch file would say). */
static int run(struct lab *lab, const char *line)
{
    struct out o;
    out_init(&o);
    struct err e = {""};
    int rc = cmd_run_line(lab, line, &o, &e);
    printf("> %s\n%s", line, sb_str(&o.text));
    if (rc < 0)
        printf("error: %s\n", e.msg);
    fflush(stdout);
    out_free(&o);
    return rc;
}

static bool carrier(struct lab *lab, const char *ifname)
{
    struct link_stats s;
    struct err e;
    return link_get_stats(lab->nl, ifname, &s, &e) == 0 && s.carrier;
}

static void scenario(struct lab *lab)
{
    struct err e = {""};
    if (run(lab, "guest add g1 --wait") < 0) {
        check(0, "g1 boots", NULL);
        return;
    }
    struct guest *g = lab_find_guest(lab, "g1");

    int jbr = -1, jtap = -1, jport = -1;
    char tap[16] = "";
    check(lab_bridge_add(lab, BRIDGE, &jbr, &e) == 0, "lab_bridge_add " BRIDGE, e.msg);
    check(lab_bridge_add(lab, BRIDGE, &(int){0}, &e) < 0 && strstr(e.msg, "already exists"),
          "a second lab_bridge_add " BRIDGE " is refused", e.msg);
    check(lab_nic_tap_add(lab, tap, sizeof tap, &jtap, &e) == 0, "lab_nic_tap_add", e.msg);
    printf("tap: %s\n", tap);
    check(lab_bridge_attach(lab, BRIDGE, tap, &jport, &e) == 0, "lab_bridge_attach", e.msg);
    struct in_addr host;
    inet_pton(AF_INET, "10.88.0.1", &host);
    check(addr_add(lab->nl, BRIDGE, host, 24, &e) == 0, "10.88.0.1/24 on " BRIDGE, e.msg);

    check(lab_guest_nic_plug(lab, g, 1, tap, &e) == 0, "hot-plug eth1 (mconsole config)", e.msg);
    int again = lab_guest_nic_plug(lab, g, 1, tap, &e);
    printf("plug eth1 again: %s\n", again < 0 ? e.msg : "accepted");
    check(again < 0, "plugging eth1 twice is refused by the guest", NULL);
    check(run(lab, "send g1 ip -o link show eth1") == 0 && run(lab, "expect g1 eth1: 10") == 0,
          "the guest sees eth1", NULL);
    check(run(lab, "send g1 ip link set eth1 up && ip addr add 10.88.0.2/24 dev eth1") == 0 &&
              run(lab, "send g1 ping -c 2 -W 3 10.88.0.1") == 0 &&
              run(lab, "expect g1 \"2 packets received\" 20") == 0,
          "the guest pings the host through eth1, its tap and the bridge", NULL);
    check(carrier(lab, tap), "the tap has carrier (UML opened it)", NULL);

    int busy = lab_guest_nic_unplug(lab, g, 1, &e);
    printf("unplug eth1 while up: %s\n", busy < 0 ? e.msg : "accepted");
    check(busy < 0, "unplugging an interface the guest has up is refused", NULL);
    check(run(lab, "send g1 ip link set eth1 down && echo ETH1-DOWN") == 0 &&
              run(lab, "expect g1 ^ETH1-DOWN 10") == 0 && lab_guest_nic_unplug(lab, g, 1, &e) == 0,
          "unplug eth1 once it is down (mconsole remove)", e.msg);
    check(run(lab, "send g1 ip link show eth1 || echo NO-ETH1") == 0 &&
              run(lab, "expect g1 ^NO-ETH1 10") == 0,
          "eth1 is gone from the guest", NULL);
    check(!carrier(lab, tap), "the tap lost its carrier (UML closed it)", NULL);

    char m[BRIDGE_IFNAMSIZ] = "";
    check(lab_bridge_detach(lab, &jport, &e) == 0 && jport == -1, "lab_bridge_detach", e.msg);
    check(bridge_port_master(lab->nl, tap, m, sizeof m, &e) == 0 && !m[0],
          "the tap is no longer a port", e.msg);
    check(lab_nic_tap_del(lab, &jtap, &e) == 0 && link_ifindex(lab->nl, tap) == 0,
          "lab_nic_tap_del", e.msg);
    check(lab_bridge_del(lab, &jbr, &e) == 0 && !bridge_exists(lab->nl, BRIDGE), "lab_bridge_del",
          e.msg);

    /* Left for lab_close to undo from the journal: a bridge with a port. */
    check(lab_bridge_add(lab, BRIDGE, &jbr, &e) == 0 &&
              lab_nic_tap_add(lab, tap, sizeof tap, &jtap, &e) == 0 &&
              lab_bridge_attach(lab, BRIDGE, tap, &jport, &e) == 0,
          "a second bridge and port, left to lab_close", e.msg);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: nic_hotplug LAB ROOTFS [XSTATE_SO]\n");
        return 2;
    }
    struct err e = {""};
    struct loop *loop = loop_new(&e);
    if (!loop) {
        fprintf(stderr, "nic_hotplug: %s\n", e.msg);
        return 1;
    }
    /* Absolute: the guest runs in the lab's state directory. */
    char rootfs[PATH_MAX], xstate[PATH_MAX] = "";
    if (!realpath(argv[2], rootfs) || (argc > 3 && !realpath(argv[3], xstate))) {
        fprintf(stderr, "nic_hotplug: %s: %s\n", argc > 3 ? argv[3] : argv[2], strerror(errno));
        loop_free(loop);
        return 1;
    }
    struct lab_opts o = {.name = argv[1], .sandbox = true, .rootfs = rootfs, .cols = 120};
    struct lab *lab = NULL;
    if (lab_open(&lab, &o, loop, &e) < 0) {
        fprintf(stderr, "nic_hotplug: %s\n", e.msg);
        loop_free(loop);
        return 1;
    }
    if (xstate[0]) /* not found beside this binary; this CPU needs it (see the README) */
        snprintf(lab->uml_preload, sizeof lab->uml_preload, "%s", xstate);
    scenario(lab);
    int rc = lab_close(lab, &e);
    check(rc == 0, "lab_close undid every record", rc < 0 ? e.msg : NULL);
    loop_free(loop);
    return failures ? 1 : 0;
}
