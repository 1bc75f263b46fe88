/* test_labfile.c — lab files: a good file parsed into its spec, every kind of
 * error with its line, the canonical round trip, and the commands a lab runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cmd.h"
#include "core/labfile.h"

/* The gallery's "two LANs joined by a router", written in a jumbled order
 * with comments, quoting and odd spacing. */
static const char ROUTER_LAB[] = "# Two LANs joined by a router\n"
                                 "check reach pc1 pc2            # checks may come first\n"
                                 "check ! reach pc1 internet\n"
                                 "title Two LANs and a router\n"
                                 "description pc1 and pc2 sit on different LANs;\n"
                                 "description\n"
                                 "description    r1 routes between them.   \n"
                                 "nic pc1 A 10.0.1.1\n"
                                 "lab twolans\n"
                                 "image images/deb.ext4\n"
                                 "mem 128M\n"
                                 "nat on\n"
                                 "share shared /hostlab rw\n"
                                 "\n"
                                 "guest pc1 login 'root:it'\\''s'\n"
                                 "guest r1 mem 64 image \"/srv/router img.ext4\"\n"
                                 "\tguest pc2\n"
                                 "lan A subnet 10.0.1.0/24\r\n"
                                 "lan B subnet 10.0.2.0/24\n"
                                 "nic r1 A 10.0.1.254/24\n"
                                 "nic r1 B 10.0.2.254\n"
                                 "nic pc2 B 10.0.2.1/24\n"
                                 "route pc1 default via 10.0.1.254\n"
                                 "route pc2 0.0.0.0/0 via 10.0.2.254\n"
                                 "route pc2 10.0.1.0/24 via 10.0.2.254\n"
                                 "forward r1 on\n"
                                 "startup pc1 echo \"hello # world\" > /tmp/x   \n"
                                 "startup pc1   ip link set eth0 mtu 1400\n"
                                 "check addr pc1 eth0 10.0.1.1/24\n"
                                 "check route pc1 default via 10.0.1.254\n"
                                 "check counter A rx moved\n"
                                 "check counter r1 eth1 tx moved\n"
                                 "check counter uplink tx moved\n"
                                 "check screen pc1 ^pc1:.*# $\n"
                                 "check exec pc1 test -f /tmp/x\n"
                                 "check ! exec pc2 grep -q '#' /etc/motd\n";

/* Its canonical form, as labfile_write gives it. */
static const char ROUTER_CANON[] = "# umlab lab file (docs/LABFILE.md)\n"
                                   "title Two LANs and a router\n"
                                   "description pc1 and pc2 sit on different LANs;\n"
                                   "description\n"
                                   "description r1 routes between them.\n"
                                   "lab twolans\n"
                                   "image images/deb.ext4\n"
                                   "mem 128\n"
                                   "share shared /hostlab rw\n"
                                   "nat on\n"
                                   "\n"
                                   "lan A subnet 10.0.1.0/24\n"
                                   "lan B subnet 10.0.2.0/24\n"
                                   "\n"
                                   "guest pc1 login 'root:it'\\''s'\n"
                                   "nic pc1 A 10.0.1.1/24\n"
                                   "route pc1 default via 10.0.1.254\n"
                                   "startup pc1 echo \"hello # world\" > /tmp/x\n"
                                   "startup pc1 ip link set eth0 mtu 1400\n"
                                   "\n"
                                   "guest r1 image '/srv/router img.ext4' mem 64\n"
                                   "nic r1 A 10.0.1.254/24\n"
                                   "nic r1 B 10.0.2.254/24\n"
                                   "forward r1 on\n"
                                   "\n"
                                   "guest pc2\n"
                                   "nic pc2 B 10.0.2.1/24\n"
                                   "route pc2 default via 10.0.2.254\n"
                                   "route pc2 10.0.1.0/24 via 10.0.2.254\n"
                                   "\n"
                                   "check reach pc1 pc2\n"
                                   "check ! reach pc1 internet\n"
                                   "check addr pc1 eth0 10.0.1.1/24\n"
                                   "check route pc1 default via 10.0.1.254\n"
                                   "check counter A rx moved\n"
                                   "check counter r1 eth1 tx moved\n"
                                   "check counter uplink tx moved\n"
                                   "check screen pc1 ^pc1:.*# $\n"
                                   "check exec pc1 test -f /tmp/x\n"
                                   "check ! exec pc2 grep -q '#' /etc/motd\n";

static struct lab_spec *parse_ok(const char *name, const char *text)
{
    struct lab_spec *s = NULL;
    struct err e = {""};
    if (labfile_parse(name, text, strlen(text), &s, &e) != 0)
        fail_msg("parse failed: %s", e.msg);
    assert_non_null(s);
    return s;
}

static char *format(const struct lab_spec *s)
{
    struct strbuf b = {0};
    labfile_format(s, &b);
    assert_false(b.oom);
    return b.s;
}

static struct in_addr ip4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

/* ---- a good file ---- */

static void test_parse_router_lab(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok("labs/router.lab", ROUTER_LAB);
    assert_string_equal(s->source, "labs/router.lab");
    assert_string_equal(s->dir, "labs");
    assert_string_equal(s->title, "Two LANs and a router");
    assert_int_equal(s->ndesc, 3);
    assert_string_equal(s->desc[1], "");
    assert_string_equal(s->desc[2], "r1 routes between them.");
    assert_string_equal(s->name, "twolans");
    assert_false(s->has_subnet); /* the default 192.168.0.0/24 stands */
    assert_int_equal(s->subnet.prefix, 24);
    assert_string_equal(s->image, "images/deb.ext4");
    assert_int_equal(s->mem_mb, 128);
    assert_int_equal(s->nat, 1);
    assert_null(s->uplink);
    assert_string_equal(s->share_dir, "shared");
    assert_string_equal(s->share_mount, "/hostlab");
    assert_true(s->share_rw);

    assert_int_equal(s->nlans, 2);
    assert_string_equal(s->lans[0].name, "A");
    assert_int_equal(s->lans[0].line, 18);
    assert_int_equal(s->lans[1].subnet.net.s_addr, ip4("10.0.2.0").s_addr);

    assert_int_equal(s->nguests, 3);
    const struct labfile_guest *pc1 = &s->guests[0], *r1 = &s->guests[1], *pc2 = &s->guests[2];
    assert_string_equal(pc1->name, "pc1");
    assert_string_equal(pc1->login, "root:it's");
    assert_null(pc1->image);
    assert_string_equal(r1->image, "/srv/router img.ext4");
    assert_int_equal(r1->mem_mb, 64);
    assert_int_equal(pc1->nnics, 1);
    assert_int_equal(pc1->nics[0].lan, 0);
    assert_int_equal(pc1->nics[0].prefix, 24); /* taken from the LAN's subnet */
    assert_int_equal(pc1->nics[0].line, 8);
    assert_int_equal(r1->nnics, 2);
    assert_int_equal(r1->nics[1].lan, 1);
    assert_int_equal(r1->nics[1].addr.s_addr, ip4("10.0.2.254").s_addr);
    assert_true(r1->forward);
    assert_false(pc1->forward);
    assert_int_equal(pc2->nroutes, 2);
    assert_int_equal(pc2->routes[0].prefix, 0); /* 0.0.0.0/0 is default */
    assert_int_equal(pc2->routes[1].gw.s_addr, ip4("10.0.2.254").s_addr);
    assert_int_equal(pc1->nstartup, 2);
    assert_string_equal(pc1->startup[0], "echo \"hello # world\" > /tmp/x");
    assert_string_equal(pc1->startup[1], "ip link set eth0 mtu 1400");

    assert_int_equal(s->nchecks, 10);
    const struct labfile_check *c = s->checks;
    assert_int_equal(c[0].kind, LABFILE_CHECK_REACH);
    assert_int_equal(c[0].line, 2);
    assert_false(c[0].negate);
    assert_int_equal(c[0].to, LABFILE_TO_GUEST);
    assert_int_equal(c[0].to_guest, 2);
    assert_true(c[1].negate);
    assert_int_equal(c[1].to, LABFILE_TO_INTERNET);
    assert_int_equal(c[2].kind, LABFILE_CHECK_ADDR);
    assert_int_equal(c[2].prefix, 24);
    assert_int_equal(c[4].kind, LABFILE_CHECK_COUNTER);
    assert_int_equal(c[4].lan, 0);
    assert_int_equal(c[4].guest, -1);
    assert_false(c[4].tx);
    assert_int_equal(c[5].guest, 1);
    assert_int_equal(c[5].nic, 1);
    assert_true(c[5].tx);
    assert_true(c[6].uplink);
    assert_string_equal(c[7].text, "^pc1:.*# $");
    assert_int_equal(c[8].kind, LABFILE_CHECK_EXEC);
    assert_string_equal(c[9].text, "grep -q '#' /etc/motd");
    assert_true(c[9].negate);
    labfile_free(s);
}

static void test_minimal_and_empty(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok("x", "");
    assert_int_equal(s->nguests, 0);
    assert_int_equal(s->nat, -1);
    assert_null(s->dir);
    labfile_free(s);
    s = parse_ok("x", "# nothing\n\n   \n# but comments");
    assert_int_equal(s->nguests, 0);
    labfile_free(s);
    s = parse_ok("/abs.lab", "guest g1\nnic g1 tap\n");
    assert_string_equal(s->dir, "/");
    assert_int_equal(s->guests[0].nnics, 1);
    assert_int_equal(s->guests[0].nics[0].lan, -1);
    assert_false(s->guests[0].nics[0].has_addr);
    labfile_free(s);
}

/* The seed's recipe: routed taps in the lab subnet, the host as gateway. */
static void test_routed_taps(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok("seed.lab", "subnet 10.9.0.0/16\n"
                                              "nat on uplink0\n"
                                              "guest g1\nguest g2\n"
                                              "nic g1 tap 10.9.0.1\n"
                                              "nic g2 tap 10.9.3.7/16\n"
                                              "route g2 10.1.0.0/16 via 10.9.255.254\n"
                                              "check reach g1 host\n"
                                              "check reach g1 10.9.3.7\n");
    assert_true(s->has_subnet);
    assert_string_equal(s->uplink, "uplink0");
    assert_int_equal(s->guests[1].nics[0].prefix, 16);
    assert_int_equal(s->checks[0].to, LABFILE_TO_HOST);
    assert_int_equal(s->checks[1].to, LABFILE_TO_ADDR);
    char *t = format(s);
    assert_non_null(strstr(t, "nic g2 tap 10.9.3.7\n")); /* a tap's address is written bare */
    assert_non_null(strstr(t, "nat on uplink0\n"));
    free(t);
    labfile_free(s);
}

/* ---- the canonical text ---- */

static void test_write_canonical(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok("router.lab", ROUTER_LAB);
    char *t = format(s);
    assert_string_equal(t, ROUTER_CANON);
    /* labfile_write gives the same bytes through a FILE */
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    assert_non_null(f);
    assert_int_equal(labfile_write(s, f), 0);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(mem, ROUTER_CANON);
    free(mem);
    free(t);
    labfile_free(s);
}

static void test_round_trip(void **state)
{
    (void)state;
    static const char *const files[] = {
        ROUTER_LAB,
        ROUTER_CANON,
        "guest g1 image 'my image' login none\nnic g1 tap\n",
        "lan X\nguest a\nguest b\nnic a X 172.16.5.5/12\nnic b X 172.16.5.6/12\n"
        "check counter a rx moved\n",
        "subnet 10.0.0.0/8\nimage ../i/rootfs\nlogin 'user:p a#s\"s'\nmem 64\nshare "
        "'my dir'\nnat off\n",
        "title ünïcödé “title”\ndescription\ndescription\n",
        "guest g\ncheck screen g \"quoted\" 'single' #hash\n",
        "share . /hostlab\n",   /* the lab's directory itself, as Netkit's /hostlab */
        "share ./a/..b/c ro\n", /* '..b' is a name */
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        struct lab_spec *s1 = parse_ok("rt.lab", files[i]);
        char *t1 = format(s1);
        struct lab_spec *s2 = parse_ok("rt.lab", t1);
        char *t2 = format(s2);
        assert_string_equal(t1, t2);
        free(t1);
        free(t2);
        labfile_free(s1);
        labfile_free(s2);
    }
}

/* The same declarations in another order give the same spec, except for the
 * order the file keeps (guests, LANs, NICs of a guest, routes, checks). */
static void test_order_independent(void **state)
{
    (void)state;
    const char *a = "lan L subnet 10.1.0.0/24\nguest h1\nguest h2\nnic h1 L 10.1.0.1\n"
                    "nic h2 L 10.1.0.2\nroute h1 default via 10.1.0.2\ncheck reach h1 h2\n";
    const char *b = "check reach h1 h2\nroute h1 default via 10.1.0.2\nnic h2 L 10.1.0.2\n"
                    "nic h1 L 10.1.0.1\nguest h1\nlan L subnet 10.1.0.0/24\nguest h2\n";
    struct lab_spec *sa = parse_ok("a", a), *sb = parse_ok("a", b);
    char *ta = format(sa), *tb = format(sb);
    assert_string_equal(ta, tb);
    free(ta);
    free(tb);
    labfile_free(sa);
    labfile_free(sb);
}

/* ---- errors: one line naming file and line, no spec ---- */

struct bad {
    const char *text;
    const char *msg; /* the whole message after "bad.lab:" */
};

static const struct bad bad_files[] = {
    /* the file's bytes */
    {"guest g1\nfrobnicate now\n", "2: unknown keyword 'frobnicate'"},
    {"guest g1\nguest 'g2\n", "2: unterminated ' quote"},
    {"guest g1\nstartup g1 echo \"it's\"\nguest \"g2\n", "3: unterminated \" quote"},
    {"lab a b c d e f g h i j k l m n o p q\n", "1: too many words (at most 16)"},
    {"title a\nguest g1\x01\n", "2: control character 0x01"},
    {"guest g1\n\nguest g\xc3\x28\n", "3: invalid UTF-8"},
    {"guest g1\n\xed\xa0\x80\n", "2: invalid UTF-8"},   /* a UTF-16 surrogate */
    {"guest g1\ntitle \xc0\xae\n", "2: invalid UTF-8"}, /* overlong */
    {"title a\x7f\n", "1: control character 0x7f"},
    {"title a\xc2\x9b\n", "1: control character U+009B"},
    {"guest 'a\tb'\n", "1: a tab inside a quoted word"},
    {"guest g\nstartup g echo a\tb\n", "2: a tab inside the text: use spaces"},
    /* the lab's settings */
    {"title one\ntitle two\n", "2: title given twice (first at line 1)"},
    {"title\n", "1: usage: title TEXT"},
    {"lab TooLongName\n", "1: lab name 'TooLongName': use 1-9 characters a-z, 0-9 and '-'"},
    {"subnet 10.0.0.1/24\n", "1: subnet '10.0.0.1/24' has host bits set"},
    {"subnet 10.0.0.0/24\nsubnet 10.1.0.0/24\n", "2: subnet given twice (first at line 1)"},
    {"mem lots\n", "1: mem 'lots': give MiB between 16 and 65536 (e.g. 64 or 64M)"},
    {"guest g mem 8\n", "1: mem '8': give MiB between 16 and 65536 (e.g. 64 or 64M)"},
    {"login -x\n", "1: --login: give USER[:PASSWORD] (user of 1-32 characters) or none"},
    {"image ''\n", "1: an empty word where a value is needed"},
    {"nat maybe\n", "1: usage: nat on [UPLINK] | nat off"},
    {"nat off eth0\n", "1: usage: nat on [UPLINK] | nat off"},
    {"nat on eth0/1\n", "1: uplink 'eth0/1' is not an interface name"},
    {"share d somewhere\n", "1: share: 'somewhere' is neither ro, rw nor a mount point (/PATH)"},
    {"share d / ro\n", "1: share: the mount point cannot be /"},
    {"share /etc\n", "1: share: '/etc' is not inside the lab's directory (give a relative path, "
                     "no '..')"},
    {"share a/../../b\n", "1: share: 'a/../../b' is not inside the lab's directory (give a "
                          "relative path, no '..')"},
    {"share ..\n", "1: share: '..' is not inside the lab's directory (give a relative path, "
                   "no '..')"},
    /* LANs and guests */
    {"lan tap\n", "1: LAN name 'tap' is reserved"},
    {"guest internet\n", "1: guest name 'internet' is reserved"},
    {"lan 1st\n", "1: LAN name '1st': use up to 15 letters, digits, '-' or '_', starting with a "
                  "letter"},
    {"guest g1\nguest g1\n", "2: 'g1' is already a guest (line 1)"},
    {"lan A\nguest A\n", "2: 'A' is already a LAN (line 1)"},
    {"lan A subnet 10.0.0.0/16\nlan B subnet 10.0.4.0/24\n",
     "2: subnet 10.0.4.0/24 overlaps LAN A's (line 1)"},
    {"lan A sub 10.0.0.0/16\n", "1: usage: lan NAME [subnet CIDR]"},
    {"guest g1 mem\n", "1: usage: guest NAME [image PATH] [mem MIB] "
                       "[login USER[:PW]|none]"},
    {"guest g1 mem 64 mem 64\n", "1: usage: guest NAME [image PATH] [mem MIB] "
                                 "[login USER[:PW]|none]"},
    /* NICs */
    {"lan A\nnic g1 A\n", "2: unknown guest 'g1'"},
    {"guest g1\nnic g1 C\n", "2: unknown LAN 'C'"},
    {"lan A\nguest g1\nnic g1 A\nnic g1 A\n", "4: g1 already has a NIC on LAN A (eth0, line 3)"},
    {"guest g1\nnic g1 tap\nnic g1 tap\n", "3: g1 already has a routed tap (eth0, line 2)"},
    {"lan A subnet 10.0.1.0/24\nguest g\nnic g A 10.0.2.1\n",
     "3: 10.0.2.1 is outside LAN A's subnet 10.0.1.0/24"},
    {"lan A subnet 10.0.1.0/24\nguest g\nnic g A 10.0.1.255\n",
     "3: 10.0.1.255 is the network or broadcast address of 10.0.1.0/24"},
    {"lan A subnet 10.0.1.0/24\nguest g\nnic g A 10.0.1.9/16\n",
     "3: 10.0.1.9/16: LAN A's subnet is a /24"},
    {"lan A\nguest g\nnic g A 10.0.1.9\n",
     "3: 10.0.1.9: give the prefix length (ADDR/LEN): LAN A has no subnet"},
    {"guest g\nnic g tap 192.168.0.254\n", "2: 192.168.0.254 is the host's address on the "
                                           "routed taps"},
    {"guest g\nnic g tap 10.0.0.1\n", "2: 10.0.0.1 is outside the lab subnet 192.168.0.0/24"},
    {"guest g\nnic g tap 192.168.0.9/25\n", "2: 192.168.0.9/25: the lab subnet is a /24"},
    {"lan A\nguest g\nguest h\nnic g A 10.0.0.1/24\nnic h A 10.0.0.1/24\n",
     "5: 10.0.0.1 is already g's on LAN A (line 4)"},
    {"lan A\nlan B\nguest g\nnic g A 10.0.0.1/24\nnic g B 10.0.0.1/24\n",
     "5: g already has 10.0.0.1 (eth0, line 4)"},
    {"guest g\nnic g tap 1.2.3\n", "2: '1.2.3' is not an IPv4 address"},
    {"lan a\nlan b\nlan c\nlan d\nlan e\nlan f\nlan g\nlan h\nlan i\nguest x\nnic x a\nnic x "
     "b\nnic x c\nnic x d\nnic x e\nnic x f\nnic x g\nnic x h\nnic x i\n",
     "19: x has more than 8 NICs"},
    /* routes and forwarding */
    {"guest g\nroute g default 10.0.0.1\n", "2: usage: route GUEST DEST|default via GATEWAY"},
    {"guest g\nroute g 10.0.0.1/8 via 10.0.0.1\n", "2: '10.0.0.1/8' has host bits set"},
    {"guest g\nroute g 10.0.0.0 via 10.0.0.1\n", "2: '10.0.0.0': give default or NETWORK/LEN"},
    {"lan A subnet 10.0.1.0/24\nguest g\nnic g A 10.0.1.1\nroute g default via 10.0.9.1\n",
     "4: gateway 10.0.9.1 is on none of g's networks (give its NICs addresses)"},
    {"lan A\nguest g\nnic g A\nroute g default via 10.0.9.1\n",
     "4: gateway 10.0.9.1 is on none of g's networks (give its NICs addresses)"},
    {"lan A subnet 10.0.1.0/24\nguest g\nnic g A 10.0.1.1\nroute g default via 10.0.1.1\n",
     "4: gateway 10.0.1.1 is g's own address (eth0)"},
    {"lan A subnet 10.0.1.0/24\nguest g\nnic g A 10.0.1.1\nroute g default via 10.0.1.2\n"
     "route g 0.0.0.0/0 via 10.0.1.3\n",
     "5: g already has a route to default (line 4)"},
    {"guest g\nforward g on\nforward g off\n", "3: forward g given twice (first at line 2)"},
    {"guest g\nforward g yes\n", "2: usage: forward GUEST on|off"},
    {"forward nobody on\n", "1: unknown guest 'nobody'"},
    {"guest g\nstartup g\n", "2: usage: startup GUEST COMMAND"},
    {"guest g\nstartup g   \n", "2: usage: startup GUEST COMMAND"},
    /* a loop: r1 and r2 send 10.0.9.0/24 to each other */
    {"lan A subnet 10.0.1.0/24\nguest r1\nguest r2\nnic r1 A 10.0.1.1\nnic r2 A 10.0.1.2\n"
     "forward r1 on\nforward r2 on\nroute r1 10.0.9.0/24 via 10.0.1.2\n"
     "route r2 10.0.9.0/24 via 10.0.1.1\n",
     "8: route loop for 10.0.9.0/24: r1 -> r2 -> r1"},
    /* three routers, the loop through a default route */
    {"lan A subnet 10.0.1.0/24\nguest a\nguest b\nguest c\nnic a A 10.0.1.1\nnic b A "
     "10.0.1.2\nnic c A 10.0.1.3\nforward a on\nforward b on\nforward c on\n"
     "route a default via 10.0.1.2\nroute b default via 10.0.1.3\nroute c 10.8.0.0/16 via "
     "10.0.1.1\n",
     "13: route loop for 10.8.0.0/16: c -> a -> b -> c"},
    /* checks */
    {"guest g\ncheck frob g\n",
     "2: unknown check 'frob' (reach, addr, route, counter, screen, exec)"},
    {"guest g\ncheck !\n", "2: usage: check [!] reach|addr|route|counter|screen|exec ..."},
    {"guest g\ncheck reach g nowhere\n",
     "2: unknown guest 'nowhere' (or give host, internet or an address)"},
    {"guest g\ncheck reach g\n", "2: usage: check [!] reach GUEST GUEST|host|internet|ADDR"},
    {"guest g\ncheck reach g 10.0.0.256\n", "2: '10.0.0.256' is not an IPv4 address"},
    {"guest g\ncheck reach x g\n", "2: unknown guest 'x'"},
    {"guest g\ncheck addr g eth0 10.0.0.1\n", "2: '10.0.0.1': give ADDR/LEN"},
    {"guest g\ncheck addr g eth1 10.0.0.1/24\n", "2: g has no eth1 (it has 1 NIC)"},
    {"guest g\ncheck addr g lo 10.0.0.1/24\n", "2: 'lo': give an interface eth0..eth7"},
    {"guest g\ncheck route g default 10.0.0.1\n",
     "2: usage: check [!] route GUEST DEST|default via GATEWAY"},
    {"guest g\ncheck counter g rx\n",
     "2: usage: check [!] counter LAN|GUEST [ethN]|uplink rx|tx moved"},
    {"guest g\ncheck counter g up moved\n",
     "2: usage: check [!] counter LAN|GUEST [ethN]|uplink rx|tx moved"},
    {"guest g\ncheck counter B rx moved\n", "2: unknown LAN or guest 'B'"},
    {"lan B\ncheck counter B eth0 rx moved\n",
     "2: usage: check [!] counter LAN|GUEST [ethN]|uplink rx|tx moved"},
    {"guest g\ncheck screen g (unclosed\n", "2: bad regex '(unclosed': "},
    {"guest g\ncheck screen g ((a{101}){100})\n",
     "2: regex too large once its repetitions are expanded (over 2000 copies)"},
    {"guest g\ncheck screen g ((((((((((((((x+)+)+)+)+)+)+)+)+)+)+)+)+)+)+\n",
     "2: regex too large once its repetitions are expanded (over 2000 copies)"},
    {"guest g\ncheck screen g (()*){101}\n",
     "2: regex has over 100 *, + and ? once its repetitions are expanded"},
    {"guest g\ncheck screen g ^a++++++++++++++++++++++++++++++++++++++++++++++++++++++++++$\n",
     "2: regex repeats a repetition (like a+* or a{2}+): put it in a group"},
    {"guest g\ncheck screen g x*+*+*+*+*+*+*+*+*+*+*+\n",
     "2: regex repeats a repetition (like a+* or a{2}+): put it in a group"},
    {"guest g\ncheck screen g\n", "2: usage: check [!] screen GUEST REGEX"},
    {"guest g\ncheck exec g    \n", "2: usage: check [!] exec GUEST COMMAND"},
};

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_files / sizeof *bad_files; i++) {
        struct lab_spec *s = (struct lab_spec *)1;
        struct err e = {""};
        const char *t = bad_files[i].text;
        int rc = labfile_parse("bad.lab", t, strlen(t), &s, &e);
        if (rc != -1 || s != NULL)
            fail_msg("case %zu parsed: %s", i, t);
        char want[600];
        snprintf(want, sizeof want, "bad.lab:%s", bad_files[i].msg);
        if (strncmp(e.msg, want, strlen(want)) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, e.msg, want);
        assert_null(strchr(e.msg, '\n')); /* one line */
    }
}

/* A route through a guest that does not forward is no loop (the packet is
 * dropped there), and the checker, not the parser, says why it fails. */
static void test_no_loop_without_forwarding(void **state)
{
    (void)state;
    struct lab_spec *s =
        parse_ok("x", "lan A subnet 10.0.1.0/24\nguest r1\nguest r2\nnic r1 A 10.0.1.1\nnic r2 A "
                      "10.0.1.2\nforward r1 on\nroute r1 10.0.9.0/24 via 10.0.1.2\n"
                      "route r2 10.0.9.0/24 via 10.0.1.1\n");
    labfile_free(s);
    /* a route to a connected network ends there */
    s = parse_ok("x", "lan A subnet 10.0.1.0/24\nlan B subnet 10.0.2.0/24\nguest a\nguest "
                      "r\nnic a A 10.0.1.1\nnic r A 10.0.1.254\nnic r B 10.0.2.254\nforward r "
                      "on\nroute a 10.0.2.0/24 via 10.0.1.254\nroute r default via 10.0.1.1\n");
    labfile_free(s);
}

static void test_bytes_and_limits(void **state)
{
    (void)state;
    struct lab_spec *s = (struct lab_spec *)1;
    struct err e = {""};
    static const char nul[] = "guest g\ntitle a\0b\n";
    assert_int_equal(labfile_parse("n.lab", nul, sizeof nul - 1, &s, &e), -1);
    assert_null(s);
    assert_string_equal(e.msg, "n.lab:2: NUL byte");

    size_t big = LABFILE_LINE_MAX + 10;
    char *line = malloc(big + 1);
    assert_non_null(line);
    memset(line, 'x', big);
    memcpy(line, "title ", 6);
    line[big] = '\0';
    assert_int_equal(labfile_parse("n.lab", line, big, &s, &e), -1);
    assert_string_equal(e.msg, "n.lab:1: line longer than 4095 characters");
    free(line);

    char *huge = calloc(1, LABFILE_SIZE_MAX + 2);
    assert_non_null(huge);
    memset(huge, '\n', LABFILE_SIZE_MAX + 1);
    assert_int_equal(labfile_parse("n.lab", huge, LABFILE_SIZE_MAX + 1, &s, &e), -1);
    assert_string_equal(e.msg, "n.lab: larger than 262144 bytes");
    free(huge);

    struct strbuf b = {0};
    for (int i = 0; i <= LABFILE_MAX_GUESTS; i++)
        sb_printf(&b, "guest g%d\n", i);
    assert_int_equal(labfile_parse("n.lab", b.s, b.len, &s, &e), -1);
    assert_string_equal(e.msg, "n.lab:129: more than 128 guests");
    sb_free(&b);
}

/* ---- commands ---- */

struct lines {
    char *l[64];
    int n;
};

static int collect(void *ctx, const char *line)
{
    struct lines *ls = ctx;
    assert_true(ls->n < 64);
    ls->l[ls->n++] = strdup(line);
    return 0;
}

static void free_lines(struct lines *ls)
{
    for (int i = 0; i < ls->n; i++)
        free(ls->l[i]);
}

static void test_commands(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok("labs/router.lab", ROUTER_LAB);
    struct lines ls = {0};
    assert_int_equal(labfile_to_commands(s, collect, &ls), 0);
    static const char *const want[] = {
        "lan add A --subnet 10.0.1.0/24",
        "lan add B --subnet 10.0.2.0/24",
        "share labs/shared /hostlab rw",
        "guest add pc1 --rootfs labs/images/deb.ext4 --mem 128 --login 'root:it'\\''s' --nic "
        "A:10.0.1.1/24",
        "guest add r1 --rootfs '/srv/router img.ext4' --mem 64 --nic A:10.0.1.254/24 --nic "
        "B:10.0.2.254/24",
        "guest add pc2 --rootfs labs/images/deb.ext4 --mem 128 --nic B:10.0.2.1/24",
        "nat on",
        "wait pc1",
        "wait r1",
        "wait pc2",
        "route pc1 add default via 10.0.1.254",
        "forward r1 on",
        "route pc2 add default via 10.0.2.254",
        "route pc2 add 10.0.1.0/24 via 10.0.2.254",
        "exec pc1 'echo \"hello # world\" > /tmp/x'",
        "exec pc1 'ip link set eth0 mtu 1400'",
    };
    assert_int_equal(ls.n, sizeof want / sizeof *want);
    for (int i = 0; i < ls.n; i++)
        assert_string_equal(ls.l[i], want[i]);

    /* cmd_split reads the quoted words back as the lab file meant them */
    struct cmd_args a;
    struct err e = {""};
    assert_int_equal(cmd_split(ls.l[3], &a, &e), 11);
    assert_string_equal(a.words[8], "root:it's");
    cmd_args_free(&a);
    assert_int_equal(cmd_split(ls.l[4], &a, &e), 11);
    assert_string_equal(a.words[4], "/srv/router img.ext4");
    cmd_args_free(&a);
    assert_int_equal(cmd_split(ls.l[14], &a, &e), 3);
    assert_string_equal(a.words[2], "echo \"hello # world\" > /tmp/x");
    cmd_args_free(&a);
    free_lines(&ls);
    labfile_free(s);
}

/* The seed's guest (one routed tap) becomes today's `guest add --ip`; a
 * guest with no NIC line is a plain `guest add`. */
static void test_commands_seed(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok("seed.lab", "guest g1\nguest g2\nguest g3 login none\nlan L\n"
                                              "nic g1 tap 192.168.0.1\nnic g3 tap\nnic g3 L\n"
                                              "nat on uplink0\n");
    struct lines ls = {0};
    assert_int_equal(labfile_to_commands(s, collect, &ls), 0);
    static const char *const want[] = {
        "lan add L",      "guest add g1 --ip 192.168.0.1",
        "guest add g2",   "guest add g3 --login none --nic tap --nic L",
        "nat on uplink0", "wait g1",
        "wait g2",        "wait g3",
    };
    assert_int_equal(ls.n, sizeof want / sizeof *want);
    for (int i = 0; i < ls.n; i++)
        assert_string_equal(ls.l[i], want[i]);
    free_lines(&ls);
    labfile_free(s);
}

/* A lab in the seed's model needs only commands umlab has today: each of its
 * lines resolves in the real command table. */
static void test_commands_seed_exist(void **state)
{
    (void)state;
    struct lab_spec *s =
        parse_ok("/labs/seed.lab", "image img/rootfs.ext2\nlogin root:pw\nmem 96\nnat on\n"
                                   "guest g1\nguest g2 mem 64 image /srv/other.ext4\n"
                                   "nic g1 tap 192.168.0.1\nnic g2 tap 192.168.0.2\n");
    struct lines ls = {0};
    assert_int_equal(labfile_to_commands(s, collect, &ls), 0);
    assert_int_equal(ls.n, 5);
    assert_string_equal(ls.l[0], "guest add g1 --rootfs /labs/img/rootfs.ext2 --mem 96 --login "
                                 "root:pw --ip 192.168.0.1");
    for (int i = 0; i < ls.n; i++) {
        struct cmd_args a;
        struct err e = {""};
        assert_true(cmd_split(ls.l[i], &a, &e) > 0);
        if (!cmd_resolve(cmd_table, &a, &e))
            fail_msg("'%s': %s", ls.l[i], e.msg);
        cmd_args_free(&a);
    }
    free_lines(&ls);
    labfile_free(s);
}

static int stop_at_third(void *ctx, const char *line)
{
    (void)line;
    return ++*(int *)ctx == 3 ? 7 : 0;
}

static void test_commands_stop(void **state)
{
    (void)state;
    struct lab_spec *s = parse_ok("x", "guest a\nguest b\nguest c\nguest d\n");
    int n = 0;
    assert_int_equal(labfile_to_commands(s, stop_at_third, &n), 7);
    assert_int_equal(n, 3);
    labfile_free(s);
}

static void test_quote(void **state)
{
    (void)state;
    static const char *const words[] = {"plain", "a b",       "it's", "'",     "\"", "#x",
                                        "a#b",   "back\\sla", "",     "$HOME", "*",  "tab-free ~"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        struct strbuf b = {0};
        sb_printf(&b, "w ");
        labfile_quote(&b, words[i]);
        struct cmd_args a;
        struct err e = {""};
        assert_int_equal(cmd_split(sb_str(&b), &a, &e), 2);
        assert_string_equal(a.words[1], words[i]);
        cmd_args_free(&a);
        sb_free(&b);
    }
    struct strbuf b = {0};
    labfile_quote(&b, "10.0.0.1/24");
    assert_string_equal(sb_str(&b), "10.0.0.1/24"); /* safe words stay bare */
    sb_free(&b);
}

/* ---- reading a file ---- */

static void test_read_fd(void **state)
{
    (void)state;
    char path[] = "/tmp/test_labfile.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] = "guest g1\nnic g1 nowhere\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    struct lab_spec *s = (struct lab_spec *)1;
    struct err e = {""};
    assert_int_equal(labfile_read_fd(fd, "my.lab", &s, &e), -1);
    assert_null(s);
    assert_string_equal(e.msg, "my.lab:2: unknown LAN 'nowhere'");
    close(fd);
    unlink(path);

    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    assert_int_equal(labfile_read_fd(dfd, "/tmp", &s, &e), -1);
    assert_string_equal(e.msg, "/tmp: not a regular file");
    close(dfd);

    fd = open("/dev/null", O_RDONLY); /* not regular either */
    assert_int_equal(labfile_read_fd(fd, "/dev/null", &s, &e), -1);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_router_lab),
        cmocka_unit_test(test_minimal_and_empty),
        cmocka_unit_test(test_routed_taps),
        cmocka_unit_test(test_write_canonical),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_order_independent),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_no_loop_without_forwarding),
        cmocka_unit_test(test_bytes_and_limits),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_commands_seed),
        cmocka_unit_test(test_commands_seed_exist),
        cmocka_unit_test(test_commands_stop),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_read_fd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
