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
    assert_int_equal(n, 14);
    assert_string_equal(argv[11], "umlab.hostname=g1");
    assert_string_equal(argv[13], "umlab.gw=192.168.0.254");
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
    assert_string_equal(argv[4], "init=/bin/sh");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_minimal_no_network),
        cmocka_unit_test(test_no_tap_keeps_the_rest),
        cmocka_unit_test(test_init_only_when_given),
        cmocka_unit_test(test_refuses_spaces_and_commas),
        cmocka_unit_test(test_refuses_missing),
        cmocka_unit_test(test_mem_range),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
