/* test_umlargv.c — the linux.uml command line built for a guest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/umlargv.h"

static void assert_msg_has(const struct err *e, const char *needle)
{
    if (!strstr(e->msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", e->msg, needle);
}

static struct uml_params full(void)
{
    struct uml_params p = {
        .kernel = "/usr/lib/uml/linux.uml",
        .rootfs = "/usr/share/umlab/rootfs.ext2",
        .cow = "/var/lib/umlab/lab1/g1.cow",
        .umid = "umlab-lab1-g1",
        .uml_dir = "/var/lib/umlab/lab1/uml",
        .tap = "umlab-g1",
        .hostname = "g1",
        .ip_cidr = "192.168.0.1/24",
        .gateway = "192.168.0.254",
        .mem_mb = 64,
    };
    return p;
}

static void argv_is(char **argv, const char *const *want, size_t n)
{
    assert_non_null(argv);
    for (size_t i = 0; i < n; i++) {
        if (!argv[i])
            fail_msg("argv ends at %zu, want \"%s\" there", i, want[i]);
        if (strcmp(argv[i], want[i]) != 0)
            fail_msg("argv[%zu] = \"%s\", want \"%s\"", i, argv[i], want[i]);
    }
    if (argv[n])
        fail_msg("argv[%zu] = \"%s\", want the end", n, argv[n]);
}

static void test_full(void **state)
{
    (void)state;
    struct uml_params p = full();
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    static const char *const want[] = {
        "/usr/lib/uml/linux.uml",
        "mem=64M",
        "ubd0=/var/lib/umlab/lab1/g1.cow,/usr/share/umlab/rootfs.ext2",
        "root=/dev/ubda",
        "rw",
        "umid=umlab-lab1-g1",
        "uml_dir=/var/lib/umlab/lab1/uml",
        "con=null",
        "con1=fd:0,fd:1",
        "console=tty1",
        "ssl=null",
        "quiet",
        "eth0=tuntap,umlab-g1",
        "umlab.hostname=g1",
        "umlab.ip=192.168.0.1/24",
        "umlab.gw=192.168.0.254",
    };
    argv_is(argv, want, sizeof want / sizeof want[0]);
    uml_argv_free(argv);
}

/* The shared folder: read-only disk, or the guest's own COW over it, and
 * where the embedded init mounts it; a comma in a path is refused. */
static void test_shared_folder(void **state)
{
    (void)state;
    struct uml_params p = full();
    p.share_image = "/run/umlab/lab1/guests/share.ext2";
    p.share_mount = "/hostlab";
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    assert_non_null(argv);
    size_t n = 0;
    while (argv[n])
        n++;
    assert_string_equal(argv[n - 2], "ubd1r=/run/umlab/lab1/guests/share.ext2");
    assert_string_equal(argv[n - 1], "umlab.share=/hostlab");
    uml_argv_free(argv);
    p.share_cow = "/run/umlab/lab1/guests/g1.share.cow";
    argv = uml_argv_build(&p, &e);
    assert_non_null(argv);
    for (n = 0; argv[n];)
        n++;
    assert_string_equal(
        argv[n - 3], "ubd1=/run/umlab/lab1/guests/g1.share.cow,/run/umlab/lab1/guests/share.ext2");
    assert_string_equal(argv[n - 2], "umlab.share=/hostlab");
    assert_string_equal(argv[n - 1], "umlab.share_rw=1");
    uml_argv_free(argv);
    p.share_mount = "/a,b";
    assert_null(uml_argv_build(&p, &e));
    assert_msg_has(&e, "shared folder mount point");
}

static void test_minimal_no_network(void **state)
{
    (void)state;
    struct uml_params p = full();
    p.tap = NULL;
    p.hostname = NULL;
    p.ip_cidr = NULL;
    p.gateway = NULL;
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    static const char *const want[] = {
        "/usr/lib/uml/linux.uml",
        "mem=64M",
        "ubd0=/var/lib/umlab/lab1/g1.cow,/usr/share/umlab/rootfs.ext2",
        "root=/dev/ubda",
        "rw",
        "umid=umlab-lab1-g1",
        "uml_dir=/var/lib/umlab/lab1/uml",
        "con=null",
        "con1=fd:0,fd:1",
        "console=tty1",
        "ssl=null",
        "quiet",
    };
    argv_is(argv, want, sizeof want / sizeof want[0]);
    uml_argv_free(argv);
}

static void test_no_tap_keeps_the_rest(void **state)
{
    (void)state;
    struct uml_params p = full();
    p.tap = NULL;
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    assert_non_null(argv);
    int n = 0;
    for (; argv[n]; n++)
        if (strncmp(argv[n], "eth", 3) == 0)
            fail_msg("argv[%d] = \"%s\" without a tap", n, argv[n]);
    assert_int_equal(n, 15);
    assert_string_equal(argv[12], "umlab.hostname=g1");
    assert_string_equal(argv[14], "umlab.gw=192.168.0.254");
    uml_argv_free(argv);
}

/* No init= unless asked: every image boots its own init (/sbin/init). */
static void test_init_only_when_given(void **state)
{
    (void)state;
    struct uml_params p = full();
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    assert_non_null(argv);
    for (int i = 0; argv[i]; i++)
        if (strncmp(argv[i], "init=", 5) == 0)
            fail_msg("argv[%d] = \"%s\" without an init asked for", i, argv[i]);
    uml_argv_free(argv);
    p.init = "/bin/sh";
    argv = uml_argv_build(&p, &e);
    assert_non_null(argv);
    assert_string_equal(argv[5], "init=/bin/sh");
    uml_argv_free(argv);
    p.init = "/bin/sh -x";
    assert_null(uml_argv_build(&p, &e));
    assert_msg_has(&e, "uml: init '");
}

/* Builds with one field changed, expecting a refusal naming WHAT. */
static void refused(struct uml_params p, const char *what)
{
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    if (argv) {
        uml_argv_free(argv);
        fail_msg("uml_argv_build accepted a bad %s", what);
    }
    assert_msg_has(&e, what);
}

#define REFUSED(field, value, what)                                                                \
    do {                                                                                           \
        struct uml_params p_ = full();                                                             \
        p_.field = (value);                                                                        \
        refused(p_, what);                                                                         \
    } while (0)

static void test_refuses_spaces_and_commas(void **state)
{
    (void)state;
    const char *bad[] = {"a b", "a,b", "a\tb", "a\nb", ",", " "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        REFUSED(kernel, bad[i], "uml: kernel '");
        REFUSED(rootfs, bad[i], "uml: rootfs '");
        REFUSED(cow, bad[i], "uml: cow file '");
        REFUSED(umid, bad[i], "uml: umid '");
        REFUSED(uml_dir, bad[i], "uml: uml_dir '");
        REFUSED(tap, bad[i], "uml: tap '");
        REFUSED(hostname, bad[i], "uml: hostname '");
        REFUSED(ip_cidr, bad[i], "uml: address '");
        REFUSED(gateway, bad[i], "uml: gateway '");
    }
    struct uml_params p = full();
    p.cow = "/tmp/my dir/g1.cow";
    refused(p, "uml: cow file '/tmp/my dir/g1.cow' must not contain spaces or commas");
}

static void test_refuses_missing(void **state)
{
    (void)state;
    REFUSED(kernel, NULL, "uml: missing kernel");
    REFUSED(kernel, "", "uml: missing kernel");
    REFUSED(rootfs, NULL, "uml: missing rootfs");
    REFUSED(cow, "", "uml: missing cow file");
    REFUSED(umid, NULL, "uml: missing umid");
    REFUSED(uml_dir, NULL, "uml: missing uml_dir");
    /* optional ones may be NULL, but not empty */
    REFUSED(tap, "", "uml: missing tap");
    REFUSED(hostname, "", "uml: missing hostname");
    REFUSED(ip_cidr, "", "uml: missing address");
    REFUSED(gateway, "", "uml: missing gateway");
}

static void test_mem_range(void **state)
{
    (void)state;
    const int bad[] = {-1, 0, 15, 65537, 1 << 30};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct uml_params p = full();
        p.mem_mb = bad[i];
        refused(p, "out of range (16..65536)");
    }
    const struct {
        int mb;
        const char *arg;
    } good[] = {{16, "mem=16M"}, {256, "mem=256M"}, {65536, "mem=65536M"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct uml_params p = full();
        p.mem_mb = good[i].mb;
        struct err e = {""};
        char **argv = uml_argv_build(&p, &e);
        if (!argv)
            fail_msg("mem %d refused: %s", good[i].mb, e.msg);
        assert_string_equal(argv[1], good[i].arg);
        uml_argv_free(argv);
    }
}

static void test_free_null(void **state)
{
    (void)state;
    uml_argv_free(NULL);
}

/* The words after "quiet" (where the NICs start). */
static void tail_is(const struct uml_params *p, const char *const *want, size_t n)
{
    struct err e = {""};
    char **argv = uml_argv_build(p, &e);
    if (!argv)
        fail_msg("refused: %s", e.msg);
    size_t q = 0;
    while (argv[q] && strcmp(argv[q], "quiet") != 0)
        q++;
    assert_non_null(argv[q]);
    argv_is(argv + q + 1, want, n);
    uml_argv_free(argv);
}

/* loglevel=N right after quiet when asked (the embedded image's init puts
 * quiet's 4 back), nothing otherwise; a level the kernel has not is refused. */
static void test_loglevel(void **state)
{
    (void)state;
    struct uml_params p = full();
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    assert_non_null(argv);
    for (int i = 0; argv[i]; i++)
        if (strncmp(argv[i], "loglevel=", 9) == 0)
            fail_msg("argv[%d] = \"%s\" without a loglevel asked for", i, argv[i]);
    uml_argv_free(argv);
    p.loglevel = 3;
    static const char *const want[] = {"loglevel=3", "eth0=tuntap,umlab-g1", "umlab.hostname=g1",
                                       "umlab.ip=192.168.0.1/24", "umlab.gw=192.168.0.254"};
    tail_is(&p, want, sizeof want / sizeof want[0]);
    REFUSED(loglevel, 8, "loglevel 8");
    REFUSED(loglevel, -1, "loglevel -1");
}

static void test_several_nics(void **state)
{
    (void)state;
    const struct uml_nic nics[] = {
        {"tap0", "192.168.0.1/24"}, {"lan1t0", "10.1.0.2/24"}, {NULL, NULL}, {"tap9", NULL}};
    const struct uml_route routes[] = {{"10.2.0.0/24", "10.1.0.1"}, {"default", "192.168.0.254"}};
    struct uml_params p = full();
    p.tap = p.ip_cidr = p.gateway = NULL;
    p.nics = nics;
    p.nnics = 4;
    p.routes = routes;
    p.nroutes = 2;
    p.forward = true;
    static const char *const want[] = {
        "eth0=tuntap,tap0",
        "eth1=tuntap,lan1t0",
        "eth3=tuntap,tap9", /* eth2 was unplugged: the others keep their numbers */
        "umlab.hostname=g1",
        "umlab.ip=192.168.0.1/24",
        "umlab.eth1=10.1.0.2/24",
        "umlab.route=10.2.0.0/24,10.1.0.1",
        "umlab.route=default,192.168.0.254",
        "umlab.forward=1",
    };
    tail_is(&p, want, sizeof want / sizeof want[0]);
}

/* A NIC on a LAN stretched over VXLAN: its MTU for the embedded image's
 * init, after its address (none on a gap or a NIC that keeps its own). */
static void test_nic_mtu(void **state)
{
    (void)state;
    const struct uml_nic nics[] = {{"tap0", "192.168.0.1/24", 0},
                                   {"tap1", "10.79.1.2/24", 1450},
                                   {NULL, NULL, 1450},
                                   {"tap3", NULL, 1370}};
    struct uml_params p = full();
    p.tap = p.ip_cidr = p.gateway = NULL;
    p.nics = nics;
    p.nnics = 4;
    static const char *const want[] = {
        "eth0=tuntap,tap0",    "eth1=tuntap,tap1",        "eth3=tuntap,tap3",
        "umlab.hostname=g1",   "umlab.ip=192.168.0.1/24", "umlab.eth1=10.79.1.2/24",
        "umlab.mtu=eth1,1450", "umlab.mtu=eth3,1370",
    };
    tail_is(&p, want, sizeof want / sizeof want[0]);
}

/* One NIC in the list is the same command line as the single tap of before,
 * so images whose init reads umlab.ip= keep working. */
static void test_one_nic_in_the_list_is_the_old_line(void **state)
{
    (void)state;
    struct uml_params old = full();
    const struct uml_nic nic = {old.tap, old.ip_cidr};
    struct uml_params p = old;
    p.tap = p.ip_cidr = NULL;
    p.nics = &nic;
    p.nnics = 1;
    struct err e = {""};
    char **a = uml_argv_build(&old, &e), **b = uml_argv_build(&p, &e);
    assert_non_null(a);
    assert_non_null(b);
    size_t i = 0;
    for (; a[i] && b[i]; i++)
        assert_string_equal(a[i], b[i]);
    assert_null(a[i]);
    assert_null(b[i]);
    uml_argv_free(a);
    uml_argv_free(b);
}

/* As many NICs and routes as allowed, each with all its words, and every
 * optional word, fit. */
static void test_most_nics_and_routes(void **state)
{
    (void)state;
    struct uml_nic nics[UML_MAX_NICS];
    char taps[UML_MAX_NICS][16], addrs[UML_MAX_NICS][32];
    for (int i = 0; i < UML_MAX_NICS; i++) {
        snprintf(taps[i], sizeof taps[i], "tap%d", i);
        snprintf(addrs[i], sizeof addrs[i], "10.%d.0.2/24", i);
        nics[i] = (struct uml_nic){taps[i], addrs[i], 1450};
    }
    struct uml_route routes[UML_MAX_ROUTES];
    for (int i = 0; i < UML_MAX_ROUTES; i++)
        routes[i] = (struct uml_route){"default", "10.0.0.1"};
    struct uml_params p = full();
    p.tap = p.ip_cidr = NULL;
    p.init = "/init";
    p.nics = nics;
    p.nnics = UML_MAX_NICS;
    p.routes = routes;
    p.nroutes = UML_MAX_ROUTES;
    p.forward = true;
    p.ctl_fd = 9;
    p.loglevel = 3;
    p.share_image = "/run/umlab/lab1/guests/share.ext2";
    p.share_cow = "/run/umlab/lab1/guests/g1.share.cow";
    p.share_mount = "/hostlab";
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    if (!argv)
        fail_msg("refused: %s", e.msg);
    int n = 0;
    while (argv[n])
        n++;
    /* 17 fixed words with init=, con2=, loglevel=, hostname, gw; three per NIC
     * (ethN=, address, MTU); the routes; forward; three of the shared folder */
    assert_int_equal(n, 17 + 3 * UML_MAX_NICS + UML_MAX_ROUTES + 1 + 3);
    assert_string_equal(argv[n - 1], "umlab.share_rw=1");
    uml_argv_free(argv);
}

static void test_refuses_bad_nics_and_routes(void **state)
{
    (void)state;
    const struct uml_nic two[] = {{"tap0", NULL}, {"tap0", NULL}};
    const struct uml_nic no_tap[] = {{"tap0", NULL}, {NULL, "10.0.0.2/24"}};
    const struct uml_nic comma[] = {{"tap0,x", NULL}};
    const struct uml_nic longname[] = {{"tap-much-too-long", NULL}};
    const struct uml_nic spaced[] = {{"tap0", "10.0.0.2/24 x"}};
    struct uml_params p = full();
    p.nics = two;
    p.nnics = 1;
    refused(p, "give eth0 in the NIC list, not as tap/address as well");
    p.tap = p.ip_cidr = NULL;
    p.nnics = 2;
    refused(p, "uml: tap 'tap0' is both eth0 and eth1");
    p.nics = no_tap;
    refused(p, "uml: eth1 has an address but no tap");
    p.nics = comma;
    p.nnics = 1;
    refused(p, "uml: tap 'tap0,x' must not contain");
    p.nics = longname;
    refused(p, "longer than 15 characters");
    p.nics = spaced;
    refused(p, "uml: address '10.0.0.2/24 x'");
    p.nics = NULL;
    p.nnics = 2;
    refused(p, "2 NICs but no list");
    struct uml_nic many[UML_MAX_NICS + 1] = {{0}};
    p.nics = many;
    p.nnics = UML_MAX_NICS + 1;
    refused(p, "at most 16");

    struct uml_route r[UML_MAX_ROUTES + 1] = {{"10.0.0.0/8", "10.0.0.1"}};
    struct uml_params q = full();
    q.routes = r;
    q.nroutes = UML_MAX_ROUTES + 1;
    refused(q, "routes, at most 32");
    q.nroutes = 1;
    r[0].gw = "10.0.0.1,1";
    refused(q, "uml: route gateway '10.0.0.1,1'");
    r[0].gw = "10.0.0.1";
    r[0].dest = NULL;
    refused(q, "uml: missing route destination");
    q.routes = NULL;
    refused(q, "1 routes but no list");
}

/* linux.uml exits when its arguments do not fit its 4096-byte command line
 * (measured: 2100 bytes boot, 4200 do not). */
static void test_command_line_length(void **state)
{
    (void)state;
    static char dir[4200];
    struct uml_params p = full();
    memset(dir, 'd', sizeof dir - 1);
    dir[0] = '/';
    dir[sizeof dir - 1] = '\0';
    p.uml_dir = dir;
    refused(p, "bytes, linux.uml takes at most 4096");
    dir[3800] = '\0';
    struct err e = {""};
    char **argv = uml_argv_build(&p, &e);
    if (!argv)
        fail_msg("a 3800-byte uml_dir refused: %s", e.msg);
    uml_argv_free(argv);
}

/* The control channel (ctlchan.h): con2 on the fd umlab hands over, right
 * after the guest's own console; none for fds 0..2 (unset). */
static void test_control_channel(void **state)
{
    (void)state;
    struct uml_params p = full();
    struct err e = {""};
    p.ctl_fd = 7;
    char **argv = uml_argv_build(&p, &e);
    assert_non_null(argv);
    size_t i = 0;
    while (argv[i] && strcmp(argv[i], "console=tty1") != 0)
        i++;
    assert_non_null(argv[i]);
    assert_string_equal(argv[i + 1], "con2=fd:7,fd:7");
    uml_argv_free(argv);
    p.ctl_fd = 0;
    argv = uml_argv_build(&p, &e);
    for (i = 0; argv[i]; i++)
        assert_null(strstr(argv[i], "con2"));
    uml_argv_free(argv);
}

static void test_nic_mconsole_commands(void **state)
{
    (void)state;
    char buf[64];
    struct err e = {""};
    assert_int_equal(uml_nic_config_cmd(1, "tap3", buf, sizeof buf, &e), 0);
    assert_string_equal(buf, "config eth1=tuntap,tap3");
    assert_int_equal(uml_nic_config_cmd(15, "lan1-g2", buf, sizeof buf, &e), 0);
    assert_string_equal(buf, "config eth15=tuntap,lan1-g2");
    assert_int_equal(uml_nic_remove_cmd(2, buf, sizeof buf, &e), 0);
    assert_string_equal(buf, "remove eth2");

    assert_int_equal(uml_nic_config_cmd(16, "tap3", buf, sizeof buf, &e), -1);
    assert_msg_has(&e, "eth16: at most 16 NICs (eth0..eth15)");
    assert_int_equal(uml_nic_remove_cmd(99, buf, sizeof buf, &e), -1);
    assert_msg_has(&e, "eth99: at most 16");
    assert_int_equal(uml_nic_config_cmd(1, "tap3,x", buf, sizeof buf, &e), -1);
    assert_msg_has(&e, "must not contain spaces or commas");
    assert_int_equal(uml_nic_config_cmd(1, NULL, buf, sizeof buf, &e), -1);
    assert_msg_has(&e, "missing tap");
    assert_int_equal(uml_nic_config_cmd(1, "tap-much-too-long", buf, sizeof buf, &e), -1);
    assert_msg_has(&e, "longer than 15");
    assert_int_equal(uml_nic_config_cmd(1, "tap3", buf, 10, &e), -1);
    assert_msg_has(&e, "does not fit");
    assert_int_equal(uml_nic_remove_cmd(1, buf, 5, &e), -1);
    assert_msg_has(&e, "does not fit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_shared_folder),
        cmocka_unit_test(test_minimal_no_network),
        cmocka_unit_test(test_no_tap_keeps_the_rest),
        cmocka_unit_test(test_init_only_when_given),
        cmocka_unit_test(test_refuses_spaces_and_commas),
        cmocka_unit_test(test_refuses_missing),
        cmocka_unit_test(test_mem_range),
        cmocka_unit_test(test_loglevel),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_several_nics),
        cmocka_unit_test(test_nic_mtu),
        cmocka_unit_test(test_one_nic_in_the_list_is_the_old_line),
        cmocka_unit_test(test_most_nics_and_routes),
        cmocka_unit_test(test_refuses_bad_nics_and_routes),
        cmocka_unit_test(test_command_line_length),
        cmocka_unit_test(test_nic_mconsole_commands),
        cmocka_unit_test(test_control_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
