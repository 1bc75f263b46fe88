/* test_netkit.c — Netkit/Kathará lab directories: a small lab written into a
 * temporary directory read into its spec (LANs, NICs, memory, images, boot
 * waves, startup lines, what the scripts configure, ltest files, notes);
 * malformed lab.conf and lab.dep naming their line; links, FIFOs and hard
 * links in the directory refused; save --netkit and reading it back; the
 * ltest comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rmtree.h"
#include "core/labfile.h"
#include "core/netkit.h"
#include "core/netkit_internal.h" /* nk_add_startup */

/* ---- a lab directory written by the test ---- */

struct tdir {
    char path[64];
    int fd;
};

static void put(struct tdir *t, const char *rel, const char *text, mode_t mode)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", t->path, rel);
    for (char *s = strchr(path + strlen(t->path) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(path, 0755) < 0)
            assert_int_equal(errno, EEXIST);
        *s = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void tdir_open(struct tdir *t)
{
    snprintf(t->path, sizeof t->path, "/tmp/test_netkit.XXXXXX");
    assert_non_null(mkdtemp(t->path));
    t->fd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(t->fd >= 0);
}

static void tdir_close(struct tdir *t)
{
    struct err e;
    close(t->fd);
    assert_int_equal(rmtree_path(t->path, &e), 0);
}

/* The lab: two routers, two PCs, three collision domains. */
static const char LAB_CONF[] = "# the issue's lab\n"
                               "LAB_DESCRIPTION=\"Two routers, two PCs\"\n"
                               "LAB_AUTHOR=A Teacher\n"
                               "LAB_VERSION=1.0\n"
                               "LAB_WEB=http://example.org/#labs\n"
                               "\n"
                               "pc1[0]=\"A\"\n"
                               "pc1[mem]=64\n"
                               "r1[0]=A\n"
                               "r1[1]='B'     # the link between the routers\n"
                               "r1[image]=\"debian-frr\"\n"
                               "r2[0]=\"B\"\r\n"
                               "r2[1]=\"C\"\n"
                               "r2[mem]=128m\n"
                               "r2[image]=kathara/frr\n"
                               "r2[bridged]=true\n"
                               "pc2[0]=\"C\"\n"
                               "pc2[exec]=\"echo hi\"\n"
                               "pc2[sysctl]=\"net.ipv4.conf.all.rp_filter=0\"\n"
                               "pc2[bridged]=false\n";

static void write_lab(struct tdir *t)
{
    put(t, "lab.conf", LAB_CONF, 0644);
    put(t, "lab.dep", "# routers first\nr2: r1\npc2: r2\npc1:r1\n", 0644);
    put(t, "pc1.startup", /* from a Windows editor */
        "ifconfig eth0 10.0.1.1 netmask 255.255.255.0 up\r\n"
        "route add default gw 10.0.1.254\r\n",
        0644);
    put(t, "r1.startup",
        "ifconfig eth0 10.0.1.254 netmask 255.255.255.0 up\n"
        "ifconfig eth1 10.0.2.1/24 up\n"
        "route add -net 10.0.3.0 netmask 255.255.255.0 gw 10.0.2.2 dev eth1\n",
        0644);
    put(t, "r2.startup",
        "ip addr add 10.0.2.2/24 dev eth0\n"
        "ip link set eth0 up\n"
        "ip address add 10.0.3.254/24 dev eth1\n"
        "ip route add 10.0.1.0/24 via 10.0.2.1 # back to pc1\n",
        0755);
    put(t, "pc2.startup",
        "ip addr add 10.0.3.1/24 dev eth0; ip link set eth0 up\n"
        "ip route add default via 10.0.3.254\n"
        "route add -net $NET gw 10.0.3.9\n",
        0644);
    put(t, "shared.startup", "echo shared > /tmp/shared\n", 0644);
    put(t, "r1/etc/frr/frr.conf", "hostname r1\n", 0644);
    put(t, "shared/readme", "for everyone\n", 0644);
    put(t, "pc1.shutdown", "true\n", 0644);
    put(t, "docs/notes.txt", "not a machine\n", 0644);
    put(t, "_test/pc1.test", "#!/bin/sh\nping -c1 10.0.3.1 >/dev/null && echo reach\n", 0755);
    put(t, "_test/pc2.test", "ip route\n", 0644);
    put(t, "_test/signature/pc1.user", "reach\n", 0644);
    put(t, "_test/signature/r1.default", "[INTERFACES]\n", 0644);
}

static const struct netkit_image IMAGES[] = {{"debian-frr", "/srv/umlab/frr.ext4"}};
static const struct netkit_opts OPTS = {IMAGES, 1, false};

static int find_guest(const struct lab_spec *s, const char *name)
{
    for (size_t i = 0; i < s->nguests; i++)
        if (!strcmp(s->guests[i].name, name))
            return (int)i;
    fail_msg("no guest %s", name);
    return -1;
}

static const char *lan_of(const struct lab_spec *s, const char *guest, size_t eth)
{
    const struct labfile_guest *g = &s->guests[find_guest(s, guest)];
    assert_true(eth < g->nnics);
    return g->nics[eth].lan < 0 ? "tap" : s->lans[g->nics[eth].lan].name;
}

static bool has_note(const struct netkit_lab *lab, const char *text)
{
    for (size_t i = 0; i < lab->nnotes; i++)
        if (strstr(lab->notes[i], text))
            return true;
    return false;
}

static void assert_addr(const struct labfile_nic *n, const char *addr, int prefix)
{
    char b[INET_ADDRSTRLEN];
    assert_true(n->has_addr);
    assert_string_equal(inet_ntop(AF_INET, &n->addr, b, sizeof b), addr);
    assert_int_equal(n->prefix, prefix);
}

static void assert_route(const struct labfile_route *r, const char *dest, int prefix,
                         const char *gw)
{
    char b[INET_ADDRSTRLEN];
    assert_string_equal(inet_ntop(AF_INET, &r->dest, b, sizeof b), dest);
    assert_int_equal(r->prefix, prefix);
    assert_string_equal(inet_ntop(AF_INET, &r->gw, b, sizeof b), gw);
}

static void test_read_lab(void **state)
{
    (void)state;
    struct tdir t;
    tdir_open(&t);
    write_lab(&t);
    struct netkit_lab *lab = NULL;
    struct err e = {""};
    if (netkit_read(t.fd, t.path, &OPTS, &lab, &e) < 0)
        fail_msg("%s", e.msg);
    const struct lab_spec *s = lab->spec;

    /* boot waves from lab.dep: r1; pc1 and r2 (lab.conf order); pc2 */
    assert_int_equal(s->nguests, 4);
    const char *order[] = {"r1", "pc1", "r2", "pc2"};
    const int wave[] = {0, 1, 1, 2};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(s->guests[i].name, order[i]);
        assert_int_equal(lab->guests[i].wave, wave[i]);
        assert_true(s->guests[i].forward);
    }
    assert_int_equal(lab->nwaves, 3);

    /* collision domains: LANs without a subnet, in order of first use */
    assert_int_equal(s->nlans, 3);
    assert_string_equal(s->lans[0].name, "A");
    assert_string_equal(s->lans[1].name, "B");
    assert_string_equal(s->lans[2].name, "C");
    for (int i = 0; i < 3; i++)
        assert_false(s->lans[i].has_subnet);
    assert_string_equal(lan_of(s, "r1", 0), "A");
    assert_string_equal(lan_of(s, "r1", 1), "B");
    assert_string_equal(lan_of(s, "r2", 0), "B");
    assert_string_equal(lan_of(s, "r2", 1), "C");
    assert_int_equal(s->guests[find_guest(s, "pc2")].nnics, 1);
    for (size_t g = 0; g < 4; g++)
        for (size_t i = 0; i < s->guests[g].nnics; i++)
            assert_false(s->guests[g].nics[i].has_addr); /* the scripts do it */
    assert_int_equal(s->guests[find_guest(s, "pc1")].mem_mb, 64);
    assert_int_equal(s->guests[find_guest(s, "r2")].mem_mb, 128);
    assert_string_equal(s->guests[find_guest(s, "r1")].image, "/srv/umlab/frr.ext4");
    assert_null(s->guests[find_guest(s, "r2")].image);
    assert_string_equal(lab->guests[find_guest(s, "r2")].image_name, "kathara/frr");

    /* the lab's words */
    assert_string_equal(s->title, "Two routers, two PCs");
    assert_string_equal(lab->author, "A Teacher");
    assert_string_equal(lab->web, "http://example.org/#labs");
    assert_int_equal(s->ndesc, 3);
    assert_string_equal(s->desc[0], "Author: A Teacher");
    assert_string_equal(s->desc[1], "Version: 1.0");

    /* the directory, read-only at /hostlab; startup lines in Netkit's order */
    assert_string_equal(s->share_dir, ".");
    assert_string_equal(s->share_mount, "/hostlab");
    assert_false(s->share_rw);
    assert_true(lab->shared_dir);
    assert_true(lab->shared_startup);
    const struct labfile_guest *r1 = &s->guests[0];
    assert_true(lab->guests[0].tree);
    assert_int_equal(r1->nstartup, 4);
    assert_string_equal(r1->startup[0], "ln -sfn /hostlab/shared /shared");
    assert_string_equal(r1->startup[1], "cp -R /hostlab/r1/. /");
    assert_string_equal(r1->startup[2], "sh /hostlab/shared.startup");
    assert_string_equal(r1->startup[3], "sh /hostlab/r1.startup");
    const struct labfile_guest *pc1 = &s->guests[1];
    assert_int_equal(pc1->nstartup, 3);
    assert_string_equal(pc1->startup[2], "tr -d '\\r' < /hostlab/pc1.startup | sh");
    const struct labfile_guest *pc2 = &s->guests[3];
    assert_false(lab->guests[3].tree);
    assert_int_equal(pc2->nstartup, 4);
    assert_string_equal(pc2->startup[0], "sysctl -w net.ipv4.conf.all.rp_filter=0");
    assert_string_equal(pc2->startup[3], "sh /hostlab/pc2.startup");

    /* what the scripts configure */
    const struct netkit_guest *g = &lab->guests[0];
    assert_addr(&g->addrs[0], "10.0.1.254", 24);
    assert_addr(&g->addrs[1], "10.0.2.1", 24);
    assert_int_equal(g->nroutes, 1);
    assert_route(&g->routes[0], "10.0.3.0", 24, "10.0.2.2");
    g = &lab->guests[1]; /* pc1 */
    assert_addr(&g->addrs[0], "10.0.1.1", 24);
    assert_int_equal(g->nroutes, 1);
    assert_route(&g->routes[0], "0.0.0.0", 0, "10.0.1.254");
    g = &lab->guests[2]; /* r2 */
    assert_addr(&g->addrs[0], "10.0.2.2", 24);
    assert_addr(&g->addrs[1], "10.0.3.254", 24);
    assert_int_equal(g->nroutes, 1);
    assert_route(&g->routes[0], "10.0.1.0", 24, "10.0.2.1");
    g = &lab->guests[3]; /* pc2: the route through $NET is not read */
    assert_addr(&g->addrs[0], "10.0.3.1", 24);
    assert_int_equal(g->nroutes, 1);
    assert_route(&g->routes[0], "0.0.0.0", 0, "10.0.3.254");

    /* ltest */
    assert_string_equal(lab->guests[1].test_cmd, "/hostlab/_test/pc1.test");
    assert_string_equal(lab->guests[3].test_cmd, "sh /hostlab/_test/pc2.test");
    assert_null(lab->guests[0].test_cmd);
    assert_string_equal(lab->guests[1].sig_user, "reach\n");
    assert_int_equal(lab->guests[1].sig_user_len, 6);
    assert_true(lab->guests[0].sig_builtin);
    assert_null(lab->shared_test_cmd);

    /* notes: each unhonoured thing once, naming where */
    assert_true(has_note(lab, "lab.conf:16: M[bridged] is not honoured by umlab (r2, pc2)"));
    assert_true(has_note(lab, "lab.conf:18: M[exec] is not honoured by umlab (pc2); put"));
    assert_true(has_note(lab, "lab.conf:15: r2: image 'kathara/frr' is not mapped (--image "
                              "kathara/frr=IMAGE): the lab's default image"));
    assert_true(has_note(lab, "shutdown scripts are not run by umlab (pc1)"));
    assert_true(has_note(lab, "/docs/: not a machine of lab.conf, not started"));
    assert_int_equal(lab->nnotes, 5);
    netkit_free(lab);
    tdir_close(&t);
}

/* ---- the commands, wave by wave ---- */

static int collect(void *ctx, const char *line)
{
    struct strbuf *b = ctx;
    sb_printf(b, "%s\n", line);
    return 0;
}

static void test_commands(void **state)
{
    (void)state;
    struct netkit_lab *lab = NULL;
    struct err e = {""};
    const char conf[] = "a[0]=X\nb[0]=X\nb[1]=Y\nc[0]=Y\nc[mem]=32\n";
    if (netkit_parse_conf("lab/lab.conf", conf, strlen(conf), NULL, &lab, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(netkit_parse_dep(lab, "lab/lab.dep", "c: b\n", 5, &e), 0);
    assert_int_equal(nk_add_startup(lab, 1, "sh /hostlab/b.startup", &e), 0);
    struct strbuf b = {0};
    assert_int_equal(netkit_to_commands(lab, collect, &b), 0);
    assert_string_equal(sb_str(&b), "lan add X\n"
                                    "lan add Y\n"
                                    "guest add a --nic X\n"
                                    "guest add b --nic X --nic Y\n"
                                    "wait a\n"
                                    "wait b\n"
                                    "forward a on\n"
                                    "forward b on\n"
                                    "exec b 'sh /hostlab/b.startup'\n"
                                    "guest add c --mem 32 --nic Y\n"
                                    "wait c\n"
                                    "forward c on\n");
    sb_free(&b);
    netkit_free(lab);
}

/* ---- malformed lab.conf and lab.dep ---- */

struct bad {
    const char *text;
    size_t len; /* 0: strlen */
    const char *msg;
};

static void test_bad_conf(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"pc1[0]=A\nthis is junk\n", 0,
         "lab.conf:2: expected M[N]=DOMAIN, M[OPTION]=VALUE, machines=… or LAB_…=VALUE"},
        {"pc1[0]=A\npc1 [0]=B\n", 0, "lab.conf:2: expected M[N]=DOMAIN"},
        {"pc1[]=A\n", 0, "lab.conf:1: expected M[N]=DOMAIN"},
        {"pc1[0]=\"A\n", 0, "lab.conf:1: unterminated \" quote"},
        {"pc1[0]=\"A\" B\n", 0, "lab.conf:1: text after the closing \" quote"},
        {"pc1[0]=A\n\npc1[0]=B\n", 0, "lab.conf:3: pc1[0] given twice (first at line 1)"},
        {"pc1[0]=A\npc1[2]=B\n", 0,
         "lab.conf:2: pc1 has eth2 but no eth1: umlab numbers interfaces without gaps"},
        {"pc1[8]=A\n", 0, "lab.conf:1: pc1[8]: a umlab guest has at most 8 interfaces (eth0-eth7)"},
        {"pc1[0]=A\npc1[1]=A\n", 0, "lab.conf:2: pc1 is on A twice (eth0 and eth1)"},
        {"1pc[0]=A\n", 0, "lab.conf:1: machine name '1pc': umlab takes 1-15 letters"},
        {"averyveryverylongname[0]=A\n", 0, "lab.conf:1: machine name 'averyveryverylongname'"},
        {"pc1[0]=A B\n", 0, "lab.conf:1: collision domain 'A B': umlab takes"},
        {"pc1[0]=host\n", 0, "lab.conf:1: collision domain 'host'"},
        {"pc1[0]=\n", 0, "lab.conf:1: pc1[0]: no collision domain"},
        {"pc1[0]=A\nA[0]=B\n", 0,
         "lab.conf:2: 'A' is both a machine and a collision domain (umlab needs two names)"},
        {"pc1[0]=A\npc2[0]=pc1\n", 0, "lab.conf:2: 'pc1' is both a machine"},
        {"pc1[mem]=12k\n", 0, "lab.conf:1: pc1[mem]=12k: give MiB between 16 and 65536"},
        {"pc1[mem]=8\n", 0, "lab.conf:1: pc1[mem]=8: give MiB"},
        {"pc1[mem]=64\npc1[M]=32\n", 0, "lab.conf:2: pc1's mem given twice (first at line 1)"},
        {"pc1[image]=x\npc1[m]=y\n", 0, "lab.conf:2: pc1's image given twice (first at line 1)"},
        {"pc1[sysctl]=kernel.x=1\n", 0, "lab.conf:1: pc1[sysctl]=kernel.x=1: give net.KEY=VALUE"},
        {"pc1[sysctl]=\"net.a=1;reboot\"\n", 0, "lab.conf:1: pc1[sysctl]="},
        {"pc1[0]=tap,1.2.3.4\n", 0, "lab.conf:1: usage: M[N]=tap,TAP-ADDRESS,GUEST-ADDRESS"},
        {"pc1[0]=tap,1.2.3.4,x\n", 0, "lab.conf:1: tap: "},
        {"pc1[0]=tap\npc1[1]=tap\n", 0, "lab.conf:2: pc1 has two tap interfaces"},
        {"pc1[0]=A/zz\n", 0, "lab.conf:1: pc1[0]: 'zz' is not a MAC address"},
        {"LAB_AUTHOR=x\nLAB_AUTHOR=y\n", 0, "lab.conf:2: LAB_AUTHOR given twice (first at line 1)"},
        {"machines=\"a a\"\n", 0, "lab.conf:1: machines names a twice"},
        {"machines=\"a\"\nmachines=\"b\"\n", 0, "lab.conf:2: machines given twice"},
        {"pc1[0]=A\x01\n", 0, "lab.conf:1: control character 0x01"},
        {"pc1[0]=A\n\x1b[31m\n", 0, "lab.conf:2: control character 0x1b"},
        {"pc1[0]=A\nx\0y\n", 13, "lab.conf:2: NUL byte"},
        {"pc1[0]=\xff\n", 0, "lab.conf:1: invalid UTF-8"},
        {"pc1[0]=\xc2\x9b\n", 0, "lab.conf:1: invalid UTF-8 (or a C1 control character)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct bad *c = &cases[i];
        struct netkit_lab *lab = (struct netkit_lab *)&cases; /* must come back NULL */
        struct err e = {""};
        size_t len = c->len ? c->len : strlen(c->text);
        if (netkit_parse_conf("lab.conf", c->text, len, NULL, &lab, &e) == 0)
            fail_msg("case %zu parsed", i);
        assert_null(lab);
        if (strncmp(e.msg, c->msg, strlen(c->msg)) != 0)
            fail_msg("case %zu: got \"%s\"", i, e.msg);
        assert_null(strchr(e.msg, '\n'));
    }
}

/* What is accepted: quoting, comments, Windows line ends, a BOM, MACs, taps,
 * machines=, the options noted and not dropped. */
static void test_good_conf(void **state)
{
    (void)state;
    const char conf[] = "\xef\xbb\xbf# from Windows\r\n"
                        "machines=\"r1 pc1 lonely\"\r\n"
                        "pc1[0]=\"A/02:42:ac:11:00:02\"\r\n"
                        "pc1[1]=tap,10.0.0.1,192.168.0.7\r\n"
                        "r1[0] = 'A' # spaced out\r\n"
                        "r1[1]=\"tap\"\r\n"
                        "r1[mem]=1g\r\n"
                        "pc3[0]=A\r\n"
                        "pc3[1]=B\r\n"
                        "LAB_NAME=mylab\r\n"
                        "LAB_COLOUR=red\r\n"
                        "r1[num_terms]=2\r\n";
    struct netkit_lab *lab = NULL;
    struct err e = {""};
    if (netkit_parse_conf("lab.conf", conf, strlen(conf), NULL, &lab, &e) < 0)
        fail_msg("%s", e.msg);
    const struct lab_spec *s = lab->spec;
    assert_int_equal(s->nguests, 3); /* machines=, in its order */
    assert_string_equal(s->guests[0].name, "r1");
    assert_string_equal(s->guests[1].name, "pc1");
    assert_string_equal(s->guests[2].name, "lonely");
    assert_int_equal(s->guests[2].nnics, 0);
    assert_int_equal(s->nlans, 1); /* pc3's B never made */
    assert_int_equal(s->guests[0].mem_mb, 1024);
    assert_string_equal(lan_of(s, "pc1", 0), "A");
    assert_string_equal(lan_of(s, "pc1", 1), "tap");
    assert_addr(&s->guests[1].nics[1], "192.168.0.7", 24);
    assert_false(s->guests[0].nics[1].has_addr);
    assert_string_equal(s->name, "mylab");
    assert_true(has_note(lab, "lab.conf:3: pc1 eth0's MAC address is not honoured"));
    assert_true(has_note(lab, "lab.conf:4: a tap domain is umlab's routed tap: the host is the "
                              "gateway at 192.168.0.254 on 192.168.0.0/24"));
    assert_true(has_note(lab, "lab.conf:8: pc3 is not in machines= (line 2): not started"));
    assert_true(has_note(lab, "lab.conf:11: LAB_COLOUR is not honoured by umlab"));
    assert_true(has_note(lab, "lab.conf:12: M[num_terms] is not honoured by umlab (r1)"));
    assert_int_equal(lab->nnotes, 5);
    netkit_free(lab);

    /* a tap address umlab's routed taps cannot take: a note, no address */
    const char tap[] = "pc1[0]=tap,10.0.0.1,10.0.0.2\n";
    assert_int_equal(netkit_parse_conf("lab.conf", tap, strlen(tap), NULL, &lab, &e), 0);
    assert_false(lab->spec->guests[0].nics[0].has_addr);
    assert_true(has_note(lab, "lab.conf:1: pc1's tap address: "));
    netkit_free(lab);
    /* ... unless umlab runs with that subnet */
    struct subnet sn;
    assert_int_equal(subnet_parse("10.0.0.0/29", &sn, &e), 0);
    struct netkit_opts o = {.subnet = &sn};
    assert_int_equal(netkit_parse_conf("lab.conf", tap, strlen(tap), &o, &lab, &e), 0);
    assert_addr(&lab->spec->guests[0].nics[0], "10.0.0.2", 29);
    assert_true(has_note(lab, "the host is the gateway at 10.0.0.6 on 10.0.0.0/29"));
    assert_int_equal(lab->nnotes, 1);
    netkit_free(lab);
}

static struct netkit_lab *three(void)
{
    struct netkit_lab *lab = NULL;
    struct err e;
    const char conf[] = "r1[0]=A\nr2[0]=A\npc1[0]=A\n";
    assert_int_equal(netkit_parse_conf("lab.conf", conf, strlen(conf), NULL, &lab, &e), 0);
    return lab;
}

static void test_bad_dep(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"r1: r2\nr2: pc1\npc1: r1\n", 0, "lab.dep:1: a boot order cycle: r1 -> r2 -> pc1 -> r1"},
        {"pc1: r2\n# c\nr2: pc1 r1\n", 0, "lab.dep:3: a boot order cycle: r2 -> pc1 -> r2"},
        {"r1: r1\n", 0, "lab.dep:1: a boot order cycle: r1 -> r1"},
        {"r1: r2\nr2 r3\n", 0, "lab.dep:2: expected MACHINE: MACHINE …"},
        {"r1: r2\nX = 1\n", 0, "lab.dep:2: expected MACHINE: MACHINE …"},
        {": r2\n", 0, "lab.dep:1: expected MACHINE: MACHINE …"},
        {"r1: nosuch\n", 0, "lab.dep:1: unknown machine 'nosuch'"},
        {"r1: r2\x7f\n", 0, "lab.dep:1: control character 0x7f"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct netkit_lab *lab = three();
        struct err e = {""};
        if (netkit_parse_dep(lab, "lab.dep", cases[i].text, strlen(cases[i].text), &e) == 0)
            fail_msg("case %zu parsed", i);
        if (strcmp(e.msg, cases[i].msg) != 0)
            fail_msg("case %zu: got \"%s\"", i, e.msg);
        netkit_free(lab);
    }
    /* a diamond and a chain: waves, lab.conf order kept within one */
    struct netkit_lab *lab = three();
    struct err e;
    const char dep[] = "pc1 r2: r1\n\n";
    assert_int_equal(netkit_parse_dep(lab, "lab.dep", dep, strlen(dep), &e), 0);
    assert_int_equal(lab->nwaves, 2);
    assert_string_equal(lab->spec->guests[0].name, "r1");
    assert_string_equal(lab->spec->guests[1].name, "r2");
    assert_string_equal(lab->spec->guests[2].name, "pc1");
    netkit_free(lab);
}

/* ---- links, FIFOs and hard links in the directory ---- */

static void expect_refused(struct tdir *t, const char *msg)
{
    struct netkit_lab *lab = NULL;
    struct err e = {""};
    if (netkit_read(t->fd, t->path, &OPTS, &lab, &e) == 0)
        fail_msg("read a lab that should be refused (%s)", msg);
    assert_null(lab);
    if (!strstr(e.msg, msg))
        fail_msg("got \"%s\", expected \"%s\"", e.msg, msg);
    assert_null(strchr(e.msg, '\x1b'));
}

static void test_links(void **state)
{
    (void)state;
    struct tdir t;
    char path[PATH_MAX];

    /* lab.conf itself a link to a file outside */
    tdir_open(&t);
    snprintf(path, sizeof path, "%s/lab.conf", t.path);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    expect_refused(&t, "/lab.conf: a symbolic link");
    tdir_close(&t);

    /* the machine's tree a link to / */
    tdir_open(&t);
    write_lab(&t);
    snprintf(path, sizeof path, "%s/r1", t.path);
    struct err e;
    assert_int_equal(rmtree_path(path, &e), 0);
    assert_int_equal(symlink("/", path), 0);
    expect_refused(&t, "/r1: a symbolic link (the directory is copied into the guests' disk image");
    tdir_close(&t);

    /* a link deep in a tree */
    tdir_open(&t);
    write_lab(&t);
    snprintf(path, sizeof path, "%s/r1/etc/shadow", t.path);
    assert_int_equal(symlink("/etc/shadow", path), 0);
    expect_refused(&t, "/r1/etc/shadow: a symbolic link");
    tdir_close(&t);

    /* a startup script, _test and a signature as links */
    const char *const links[] = {"r2.startup", "_test/signature/pc2.user", "shared/x"};
    for (int i = 0; i < 3; i++) {
        tdir_open(&t);
        write_lab(&t);
        snprintf(path, sizeof path, "%s/%s", t.path, links[i]);
        unlink(path);
        assert_int_equal(symlink("/etc/hostname", path), 0);
        char msg[128];
        snprintf(msg, sizeof msg, "/%s: a symbolic link", links[i]);
        expect_refused(&t, msg);
        tdir_close(&t);
    }

    /* a name with a terminal escape in it, shown escaped */
    tdir_open(&t);
    write_lab(&t);
    snprintf(path, sizeof path, "%s/shared/\x1b[31mred", t.path);
    assert_int_equal(symlink("/", path), 0);
    expect_refused(&t, "/shared/\\x1b[31mred: a symbolic link");
    tdir_close(&t);

    /* a FIFO where a startup script should be: refused, not waited on */
    tdir_open(&t);
    write_lab(&t);
    snprintf(path, sizeof path, "%s/pc1.startup", t.path);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0644), 0);
    expect_refused(&t, "/pc1.startup: a device node, FIFO or socket");
    tdir_close(&t);

    /* no lab.conf: not a lab */
    tdir_open(&t);
    put(&t, "r1/etc/x", "x\n", 0644);
    expect_refused(&t, ": no lab.conf (not a Netkit or Kathará lab directory)");
    tdir_close(&t);

    /* a malformed lab.conf named by its path and line */
    tdir_open(&t);
    put(&t, "lab.conf", "pc1[0]=A\npc1[0]=B\n", 0644);
    snprintf(path, sizeof path, "%s/lab.conf:2: pc1[0] given twice", t.path);
    expect_refused(&t, path);
    tdir_close(&t);

    /* a lab.dep cycle, the same */
    tdir_open(&t);
    write_lab(&t);
    put(&t, "lab.dep", "r1: pc2\npc2: r1\n", 0644);
    snprintf(path, sizeof path, "%s/lab.dep:1: a boot order cycle: r1 -> pc2 -> r1", t.path);
    expect_refused(&t, path);
    tdir_close(&t);
}

/* A hard link to another user's file (root-owned, say) would be served by
 * the guests' image as the lab's own: refused. Needs root to give the file away. */
/* netkit_dir_check, the walk a lab file's `share` gets: sizes counted (each
 * file to 4 KiB), a link refused with its place. */
static void test_dir_check(void **state)
{
    (void)state;
    struct tdir t;
    tdir_open(&t);
    put(&t, "a.txt", "hello\n", 0644);
    put(&t, "sub/b.txt", "x", 0600);
    uint64_t bytes = 0;
    size_t n = 0;
    struct err e = {""};
    assert_int_equal(netkit_dir_check(t.fd, t.path, &bytes, &n, &e), 0);
    assert_int_equal(bytes, 8192);
    assert_int_equal(n, 3);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sub/passwd", t.path);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    assert_int_equal(netkit_dir_check(t.fd, t.path, &bytes, &n, &e), -1);
    if (!strstr(e.msg, "/sub/passwd: a symbolic link"))
        fail_msg("unexpected message: %s", e.msg);
    tdir_close(&t);
}

static void test_hard_link(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    struct tdir t;
    tdir_open(&t);
    write_lab(&t);
    char secret[PATH_MAX], lpath[PATH_MAX];
    snprintf(secret, sizeof secret, "%s/../%s.secret", t.path, t.path + 5);
    put(&t, "shared/mine", "a second name is fine for my own file\n", 0644);
    snprintf(lpath, sizeof lpath, "%s/shared/mine2", t.path);
    char mine[PATH_MAX];
    snprintf(mine, sizeof mine, "%s/shared/mine", t.path);
    assert_int_equal(link(mine, lpath), 0);
    struct netkit_lab *lab = NULL;
    struct err e = {""};
    if (netkit_read(t.fd, t.path, &OPTS, &lab, &e) < 0)
        fail_msg("%s", e.msg);
    netkit_free(lab);

    FILE *f = fopen(secret, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chown(secret, 4321, 4321), 0);
    snprintf(lpath, sizeof lpath, "%s/r1/etc/secret", t.path);
    assert_int_equal(link(secret, lpath), 0);
    expect_refused(&t, "/r1/etc/secret: a hard link to a file of another user (uid 4321)");
    assert_int_equal(unlink(secret), 0);
    tdir_close(&t);
}

/* ---- save --netkit, and reading it back ---- */

static const char ROUTED_LAB[] = "title Two LANs, a router and a tap\n"
                                 "description Author: Someone\n"
                                 "description a line of its own\n"
                                 "mem 96\n"
                                 "lan A subnet 10.0.1.0/24\n"
                                 "lan B subnet 10.0.2.0/24\n"
                                 "guest pc1 image /srv/a.ext4\n"
                                 "nic pc1 A 10.0.1.1\n"
                                 "route pc1 default via 10.0.1.254\n"
                                 "guest r1 mem 64\n"
                                 "nic r1 A 10.0.1.254\n"
                                 "nic r1 B 10.0.2.254\n"
                                 "nic r1 tap 192.168.0.9\n"
                                 "forward r1 on\n"
                                 "guest pc2\n"
                                 "nic pc2 B 10.0.2.1\n"
                                 "route pc2 10.0.1.0/24 via 10.0.2.254\n"
                                 "route pc2 10.9.0.0/16 via 10.0.2.254\n"
                                 "startup pc2 echo \"pc2 is up\" > /tmp/ready\n"
                                 "startup pc2 sh /hostlab/old.startup\n";

static void read_text(struct tdir *t, const char *rel, char *buf, size_t size, mode_t *mode)
{
    int fd = openat(t->fd, rel, O_RDONLY | O_NOFOLLOW);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    *mode = st.st_mode & 07777;
    ssize_t n = read(fd, buf, size - 1);
    assert_true(n >= 0);
    buf[n] = '\0';
    close(fd);
}

static void test_write_read(void **state)
{
    (void)state;
    struct lab_spec *s = NULL;
    struct err e = {""};
    if (labfile_parse("routed.lab", ROUTED_LAB, strlen(ROUTED_LAB), &s, &e) < 0)
        fail_msg("%s", e.msg);
    struct tdir t;
    tdir_open(&t);
    mode_t old = umask(077); /* the modes are explicit, not the umask's */
    int rc = netkit_write(s, t.fd, t.path, &e);
    umask(old);
    if (rc < 0)
        fail_msg("%s", e.msg);

    char buf[4096];
    mode_t mode;
    read_text(&t, "lab.conf", buf, sizeof buf, &mode);
    assert_int_equal(mode, 0644);
    assert_string_equal(buf, "# Netkit/Kathará lab written by umlab (save --netkit)\n"
                             "LAB_DESCRIPTION=\"Two LANs, a router and a tap\"\n"
                             "LAB_AUTHOR=\"Someone\"\n"
                             "# a line of its own\n"
                             "\n"
                             "pc1[0]=\"A\"\n"
                             "pc1[mem]=96\n"
                             "pc1[image]=\"/srv/a.ext4\"\n"
                             "\n"
                             "r1[0]=\"A\"\n"
                             "r1[1]=\"B\"\n"
                             "r1[2]=\"tap,192.168.0.254,192.168.0.9\"\n"
                             "r1[mem]=64\n"
                             "\n"
                             "pc2[0]=\"B\"\n"
                             "pc2[mem]=96\n");
    read_text(&t, "pc2.startup", buf, sizeof buf, &mode);
    assert_int_equal(mode, 0755);
    assert_string_equal(buf, "# pc2.startup, written by umlab (save --netkit)\n"
                             "ip addr add 10.0.2.1/24 dev eth0\n"
                             "ip link set eth0 up\n"
                             "ip route add 10.0.1.0/24 via 10.0.2.254\n"
                             "ip route add 10.9.0.0/16 via 10.0.2.254\n"
                             "echo \"pc2 is up\" > /tmp/ready\n");
    read_text(&t, "r1.startup", buf, sizeof buf, &mode);
    assert_string_equal(buf, "# r1.startup, written by umlab (save --netkit)\n"
                             "ip addr add 10.0.1.254/24 dev eth0\n"
                             "ip link set eth0 up\n"
                             "ip addr add 10.0.2.254/24 dev eth1\n"
                             "ip link set eth1 up\n"
                             "sysctl -w net.ipv4.ip_forward=1\n");

    /* read back: the same LANs, NICs, addresses and routes */
    struct netkit_image map = {"/srv/a.ext4", "/srv/a.ext4"};
    struct netkit_opts o = {&map, 1, false};
    struct netkit_lab *lab = NULL;
    if (netkit_read(t.fd, t.path, &o, &lab, &e) < 0)
        fail_msg("%s", e.msg);
    const struct lab_spec *b = lab->spec;
    assert_string_equal(b->title, s->title);
    assert_string_equal(b->desc[0], "Author: Someone");
    assert_int_equal(b->nlans, s->nlans);
    for (size_t i = 0; i < s->nlans; i++)
        assert_string_equal(b->lans[i].name, s->lans[i].name);
    assert_int_equal(b->nguests, s->nguests);
    for (size_t gi = 0; gi < s->nguests; gi++) {
        const struct labfile_guest *g = &s->guests[gi], *h = &b->guests[gi];
        const struct netkit_guest *f = &lab->guests[gi];
        assert_string_equal(h->name, g->name);
        assert_int_equal(h->mem_mb, g->mem_mb ? g->mem_mb : s->mem_mb);
        assert_int_equal(h->nnics, g->nnics);
        for (size_t i = 0; i < g->nnics; i++) {
            const struct labfile_nic *n = &g->nics[i];
            assert_string_equal(lan_of(b, h->name, i), lan_of(s, g->name, i));
            const struct labfile_nic *m = n->lan < 0 ? &h->nics[i] : &f->addrs[i];
            assert_int_equal(m->has_addr, n->has_addr);
            assert_int_equal(m->addr.s_addr, n->addr.s_addr);
            assert_int_equal(m->prefix, n->prefix);
        }
        assert_int_equal(f->nroutes, g->nroutes);
        for (size_t i = 0; i < g->nroutes; i++) {
            assert_int_equal(f->routes[i].dest.s_addr, g->routes[i].dest.s_addr);
            assert_int_equal(f->routes[i].prefix, g->routes[i].prefix);
            assert_int_equal(f->routes[i].gw.s_addr, g->routes[i].gw.s_addr);
        }
    }
    assert_string_equal(b->guests[0].image, "/srv/a.ext4");
    netkit_free(lab);

    /* a second save over it is refused and changes nothing */
    struct stat before, after;
    assert_int_equal(fstatat(t.fd, "lab.conf", &before, 0), 0);
    assert_int_equal(netkit_write(s, t.fd, t.path, &e), -1);
    char msg[256];
    snprintf(msg, sizeof msg, "%s/lab.conf exists: umlab does not overwrite a lab's files", t.path);
    assert_string_equal(e.msg, msg);
    assert_int_equal(fstatat(t.fd, "lab.conf", &after, 0), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    assert_int_equal(before.st_size, after.st_size);
    tdir_close(&t);

    /* a startup script in the way: nothing written, not even lab.conf */
    tdir_open(&t);
    put(&t, "r1.startup", "# mine\n", 0644);
    assert_int_equal(netkit_write(s, t.fd, t.path, &e), -1);
    assert_non_null(strstr(e.msg, "/r1.startup exists"));
    assert_int_equal(faccessat(t.fd, "lab.conf", F_OK, AT_SYMLINK_NOFOLLOW), -1);
    /* a dangling link named lab.conf is not written through either */
    assert_int_equal(unlinkat(t.fd, "r1.startup", 0), 0);
    char target[PATH_MAX + 16];
    snprintf(target, sizeof target, "%s/elsewhere", t.path);
    assert_int_equal(symlinkat(target, t.fd, "lab.conf"), 0);
    assert_int_equal(netkit_write(s, t.fd, t.path, &e), -1);
    assert_int_equal(faccessat(t.fd, "elsewhere", F_OK, 0), -1);
    tdir_close(&t);
    labfile_free(s);
}

/* ---- ltest ---- */

static int cmp(const char *sig, const char *out, struct strbuf *why)
{
    sb_free(why);
    return netkit_test_compare(sig, strlen(sig), out, strlen(out), why);
}

static void test_compare(void **state)
{
    (void)state;
    struct strbuf why = {0};
    assert_int_equal(cmp("a b\nc\n", "a b\nc\n", &why), 0);
    assert_int_equal(cmp("a  b\n\n\nc\n", "a\tb   \r\nc", &why), 0); /* diff -bB */
    assert_int_equal(cmp("", "\n \n\t\n", &why), 0);
    assert_int_equal(cmp(" a\n", "a\n", &why), 1); /* blanks: fewer is not none */
    assert_string_equal(sb_str(&why), "line 1: expected ' a', got 'a'");
    assert_int_equal(cmp("x\n\ny\nz\n", "x\ny\nw\n", &why), 1);
    assert_string_equal(sb_str(&why), "line 4: expected 'z', got 'w'");
    assert_int_equal(cmp("x\ny\n", "x\n", &why), 1);
    assert_string_equal(sb_str(&why), "line 2: expected 'y', the output ended");
    assert_int_equal(cmp("x\n", "x\n\ny\n", &why), 1);
    assert_string_equal(sb_str(&why), "after the signature's end: 'y'");
    /* what a guest prints is hostile: escaped and cut */
    char longline[200];
    memset(longline, 'q', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    assert_int_equal(cmp("ok\n", "\x1b]0;pwned\x07\n", &why), 1);
    assert_string_equal(sb_str(&why), "line 1: expected 'ok', got '\\x1b]0;pwned\\x07'");
    assert_int_equal(cmp("ok\n", longline, &why), 1);
    assert_int_equal(strlen(sb_str(&why)), strlen("line 1: expected 'ok', got ''") + 60 + 3);
    sb_free(&why);
}

static void test_line(void **state)
{
    (void)state;
    struct tdir t;
    tdir_open(&t);
    write_lab(&t);
    put(&t, "_test/signature/pc2.user", "default via 10.0.3.254 dev eth0\n", 0644);
    put(&t, "_test/signature/r2.shared", "shared ok\n", 0644);
    put(&t, "_test/shared.test", "echo shared ok\n", 0755);
    struct netkit_lab *lab = NULL;
    struct err e;
    if (netkit_read(t.fd, t.path, &OPTS, &lab, &e) < 0)
        fail_msg("%s", e.msg);
    assert_string_equal(lab->shared_test_cmd, "/hostlab/_test/shared.test");
    struct strbuf l = {0};
    /* r1, pc1, r2, pc2 */
    assert_int_equal(netkit_test_line(lab, 1, "reach\r\n", 7, NULL, 0, &l), 0);
    assert_string_equal(sb_str(&l), "pc1: pass (user test)");
    sb_free(&l);
    assert_int_equal(netkit_test_line(lab, 1, "unreachable\n", 12, NULL, 0, &l), 1);
    assert_string_equal(sb_str(&l),
                        "pc1: FAIL: user test, line 1: expected 'reach', got 'unreachable'");
    sb_free(&l);
    assert_int_equal(netkit_test_line(lab, 1, NULL, 0, NULL, 0, &l), 1);
    assert_string_equal(sb_str(&l), "pc1: FAIL: user test not run");
    sb_free(&l);
    assert_int_equal(
        netkit_test_line(lab, 3, "default  via 10.0.3.254 dev eth0 \n", 34, "x", 1, &l), 0);
    assert_string_equal(sb_str(&l), "pc2: pass (user test)");
    sb_free(&l);
    assert_int_equal(netkit_test_line(lab, 2, NULL, 0, "shared ok\n", 10, &l), 0);
    assert_string_equal(sb_str(&l), "r2: pass (shared test)");
    sb_free(&l);
    assert_int_equal(netkit_test_line(lab, 2, NULL, 0, "shared KO\n", 10, &l), 1);
    assert_string_equal(sb_str(&l),
                        "r2: FAIL: shared test, line 1: expected 'shared ok', got 'shared KO'");
    sb_free(&l);
    assert_int_equal(netkit_test_line(lab, 0, "x", 1, "y", 1, &l), 2);
    assert_string_equal(sb_str(&l),
                        "r1: only a built-in signature: not compared (umlab runs the user tests)");
    sb_free(&l);
    netkit_free(lab);
    /* a test without its signature */
    put(&t, "_test/r1.test", "true\n", 0644);
    assert_int_equal(unlinkat(t.fd, "_test/signature/r1.default", 0), 0);
    if (netkit_read(t.fd, t.path, &OPTS, &lab, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(netkit_test_line(lab, 0, "", 0, NULL, 0, &l), 2);
    assert_string_equal(sb_str(&l), "r1: no signature for _test/r1.test (_test/signature/r1.user)");
    sb_free(&l);
    netkit_free(lab);
    tdir_close(&t);
}

/* ---- what the startup scripts say ---- */

static void test_script(void **state)
{
    (void)state;
    struct netkit_lab *lab = NULL;
    struct err e;
    const char conf[] = "m[0]=A\nm[1]=B\nm[2]=C\nm[3]=D\n";
    assert_int_equal(netkit_parse_conf("lab.conf", conf, strlen(conf), NULL, &lab, &e), 0);
    const char script[] = "#!/bin/sh\n"
                          "ifconfig eth0 10.1.2.3 up            # class A: /8\n"
                          "/sbin/ifconfig eth1 inet 172.16.5.1 netmask 255.255.0.0\n"
                          "ifconfig eth1 10.9.9.9/24 up         # eth1 already read\n"
                          "ifconfig eth0:1 10.7.7.7/24          # an alias: not eth0\n"
                          "ifconfig eth9 10.8.8.8/24            # no such NIC\n"
                          "ip -4 a add 192.168.7.1/25 brd + dev eth2\n"
                          "ip -6 addr add 2001:db8::1/64 dev eth3\n"
                          "ip addr add \"10.3.3.3/24\" dev eth3\n"
                          "for i in 1 2; do route add -host 10.5.5.$i gw 10.1.0.1; done\n"
                          "route add -host 10.6.6.6 gw 10.1.0.1\n"
                          "route add -net 10.4.0.0/16 gw 10.1.0.1 metric 5\n"
                          "route add -net 10.4.0.1 netmask 255.255.0.0 gw 10.1.0.2\n"
                          "route add default gw 10.1.0.254\n"
                          "ip ro add 10.6.6.6 via 10.1.0.3\n"
                          "ip route add 10.10.0.0/16 dev eth0\n"
                          "ip route replace 10.11.0.0/16 via 172.16.0.1 dev eth1 proto static\n"
                          "if true; then ip route add 10.12.0.0/16 via 10.1.0.1; fi\n";
    netkit_parse_script(lab, 0, script, strlen(script));
    const struct netkit_guest *g = &lab->guests[0];
    assert_addr(&g->addrs[0], "10.1.2.3", 8);
    assert_addr(&g->addrs[1], "172.16.5.1", 16);
    assert_addr(&g->addrs[2], "192.168.7.1", 25);
    assert_false(g->addrs[3].has_addr);
    assert_int_equal(g->nroutes, 4);
    assert_route(&g->routes[0], "10.6.6.6", 32, "10.1.0.1");
    assert_route(&g->routes[1], "10.4.0.0", 16, "10.1.0.1");
    assert_route(&g->routes[2], "0.0.0.0", 0, "10.1.0.254");
    assert_route(&g->routes[3], "10.11.0.0", 16, "172.16.0.1");
    netkit_free(lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_lab),  cmocka_unit_test(test_commands),
        cmocka_unit_test(test_bad_conf),  cmocka_unit_test(test_good_conf),
        cmocka_unit_test(test_bad_dep),   cmocka_unit_test(test_links),
        cmocka_unit_test(test_hard_link), cmocka_unit_test(test_write_read),
        cmocka_unit_test(test_compare),   cmocka_unit_test(test_line),
        cmocka_unit_test(test_script),    cmocka_unit_test(test_dir_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
