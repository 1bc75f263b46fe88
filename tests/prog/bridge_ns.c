/* bridge_ns.c — drives netcfg/bridge inside network namespace NETNS for
 * tests/integration/t_bridge.sh, one step per run so that the script can look
 * at the result with `ip` between steps. Each step also checks the refusals
 * that belong to it. Exit 0 when every check of the step held.
 *
 *   bridge_ns NETNS build BRIDGE TAP1 TAP2 [PORT...]  bridge, two new taps and
 *                                                    the PORTs enslaved, all up
 *   bridge_ns NETNS stats BRIDGE                     its counters, one line
 *   bridge_ns NETNS release BRIDGE PORT
 *   bridge_ns NETNS delete BRIDGE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netcfg/bridge.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"
#include "netcfg/tap.h"

static int failures;

__attribute__((format(printf, 2, 3))) static void expect(int cond, const char *fmt, ...)
{
    if (cond)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bridge_ns: FAIL: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

/* RC is 0, or E says why not. */
static void ok(int rc, const struct err *e, const char *what)
{
    expect(rc == 0, "%s: %s", what, e->msg);
}

/* RC is -1 with errno WANT_ERRNO (0: any) and a message holding NEEDLE. */
static void refused(int rc, int want_errno, const struct err *e, const char *needle,
                    const char *what)
{
    int saved = errno;
    expect(rc == -1, "%s: succeeded, should have been refused", what);
    expect(!want_errno || saved == want_errno, "%s: errno %d, want %d", what, saved, want_errno);
    expect(strstr(e->msg, needle) != NULL, "%s: message \"%s\" lacks \"%s\"", what, e->msg, needle);
}

static void master_is(struct nlconn *c, const char *port, const char *want)
{
    struct err e = {{0}};
    char m[BRIDGE_IFNAMSIZ];
    ok(bridge_port_master(c, port, m, sizeof m, &e), &e, "bridge_port_master");
    expect(strcmp(m, want) == 0, "master of %s is \"%s\", want \"%s\"", port, m, want);
}

static void build(struct nlconn *c, const char *br, char **ports, int nports)
{
    struct err e = {{0}};
    ok(bridge_create(c, br, &e), &e, "bridge_create");
    expect(bridge_exists(c, br), "bridge %s exists after create", br);
    errno = 0;
    refused(bridge_create(c, br, &e), EEXIST, &e, "already exists", "second bridge_create");
    for (int i = 0; i < 2; i++)
        ok(tap_create(ports[i], (uid_t)-1, (gid_t)-1, &e), &e, "tap_create");
    for (int i = 0; i < nports; i++) {
        ok(bridge_enslave(c, br, ports[i], &e), &e, "bridge_enslave");
        ok(link_set_up(c, ports[i], true, &e), &e, "link_set_up port");
        master_is(c, ports[i], br);
    }
    ok(link_set_up(c, br, true, &e), &e, "link_set_up bridge");
    refused(bridge_enslave(c, br, ports[0], &e), EEXIST, &e, "already a port of", "enslave twice");
    refused(bridge_enslave(c, br, br, &e), 0, &e, "its own port", "bridge into itself");
    refused(bridge_delete(c, ports[0], &e), 0, &e, "not a bridge (left alone)", "delete a tap");
    expect(link_ifindex(c, ports[0]) > 0, "%s survives bridge_delete", ports[0]);

    /* A second bridge may neither take a port of the first nor be a port. */
    char other[BRIDGE_IFNAMSIZ];
    snprintf(other, sizeof other, "%.12sx", br);
    ok(bridge_create(c, other, &e), &e, "bridge_create other");
    refused(bridge_enslave(c, other, ports[0], &e), EEXIST, &e, "already a port of", "steal port");
    master_is(c, ports[0], br);
    refused(bridge_enslave(c, br, other, &e), 0, &e, "is a bridge", "bridge into bridge");
    ok(bridge_delete(c, other, &e), &e, "bridge_delete other");
    expect(!bridge_exists(c, other), "%s gone", other);

    char names[8][BRIDGE_IFNAMSIZ];
    size_t n = 0;
    ok(bridge_ports(c, br, names, 8, &n, &e), &e, "bridge_ports");
    expect(n == (size_t)nports, "%zu ports, want %d", n, nports);
    printf("ports:");
    for (size_t i = 0; i < n && i < 8; i++)
        printf(" %s", names[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bridge_ns NETNS build|stats|release|delete BRIDGE [ARG...]\n");
        return 2;
    }
    const char *step = argv[2], *br = argv[3];
    struct err e = {{0}};
    struct nlconn *c = NULL;
    if (netns_enter(argv[1], &e) < 0 || nlconn_open(&c, &e) < 0) {
        fprintf(stderr, "bridge_ns: %s\n", e.msg);
        return 1;
    }
    if (strcmp(step, "build") == 0 && argc >= 6) {
        build(c, br, argv + 4, argc - 4);
    } else if (strcmp(step, "stats") == 0 && argc == 4) {
        struct link_stats s;
        ok(link_get_stats(c, br, &s, &e), &e, "link_get_stats");
        printf("up=%d rx_packets=%llu tx_packets=%llu rx_bytes=%llu\n", s.up,
               (unsigned long long)s.rx_packets, (unsigned long long)s.tx_packets,
               (unsigned long long)s.rx_bytes);
    } else if (strcmp(step, "release") == 0 && argc == 5) {
        ok(bridge_release(c, br, argv[4], &e), &e, "bridge_release");
        master_is(c, argv[4], "");
        ok(bridge_release(c, br, argv[4], &e), &e, "bridge_release again");
    } else if (strcmp(step, "delete") == 0 && argc == 4) {
        ok(bridge_delete(c, br, &e), &e, "bridge_delete");
        expect(!bridge_exists(c, br), "%s gone after delete", br);
        ok(bridge_delete(c, br, &e), &e, "bridge_delete again");
    } else {
        fprintf(stderr, "bridge_ns: bad step or arguments\n");
        failures++;
    }
    nlconn_close(c);
    return failures ? 1 : 0;
}
