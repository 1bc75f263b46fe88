/* test_netkit_save.c — `save --netkit DIR` from a lab as it runs (a struct
 * lab filled by the test: LANs, guests with NICs on them and a routed tap,
 * addresses, routes, forwarding, a lab file's startup line): netkit_read of
 * what it wrote gives the same LANs, NICs, addresses and routes; DIR is made
 * when missing; a lab.conf there, a link as DIR and a NIC gap are refused with
 * nothing written; as root for a sudo user, the files are the user's and a
 * directory the user may not write is refused. The gallery's OSPF lab as a
 * Netkit directory (examples/netkit/ospf) reads into the network of its lab
 * file (examples/labs/ospf.lab). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rmtree.h"
#include "core/lab.h"
#include "core/labapply.h"
#include "core/labfile.h"
#include "core/netkit.h"
#include "core/netkit_save.h"

#define NOBODY 65534

static struct in_addr ip(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

/* ---- a running lab, as the lab's structures hold it ---- */

struct fake {
    struct lab lab;
    struct lab_lan lans[2], *lanp[2];
    struct guest guests[3], *guestp[3];
    struct labapply applied;
    char top[64]; /* a temporary directory for the saves */
};

static void nic(struct guest *g, unsigned i, struct lab_lan *lan, const char *addr, int prefix)
{
    g->nics[i] = (struct guest_nic){.present = true, .lan = lan, .prefix = prefix};
    snprintf(g->nics[i].tap, sizeof g->nics[i].tap, "tap%u", i);
    if (addr)
        g->nics[i].addr = ip(addr);
    if (i == 0)
        g->addr = g->nics[0].addr;
}

static void route(struct guest *g, const char *dest, int prefix, const char *gw)
{
    g->routes[g->nroutes++] = (struct guest_route){ip(dest), prefix, ip(gw)};
}

static void guest(struct fake *f, size_t i, const char *name)
{
    struct guest *g = &f->guests[i];
    snprintf(g->name, sizeof g->name, "%s", name);
    snprintf(g->rootfs, sizeof g->rootfs, "%s", f->lab.rootfs);
    g->mem_mb = f->lab.mem_mb;
    g->routed = -1;
    g->lab = &f->lab;
    login_parse(NULL, &g->login, NULL);
    f->guestp[i] = g;
}

/* pc1 on A with a default route and a startup line from its lab file; r1 on
 * A and B (no subnet) and a routed tap, forwarding, a route; g3 the seed's
 * tap without an address. */
static struct fake *fake_new(void)
{
    struct fake *f = calloc(1, sizeof *f);
    assert_non_null(f);
    struct lab *lab = &f->lab;
    snprintf(lab->name, sizeof lab->name, "nks");
    struct err e;
    assert_int_equal(subnet_parse("192.168.0.0/24", &lab->subnet, &e), 0);
    lab->host = ip("192.168.0.254");
    snprintf(lab->rootfs, sizeof lab->rootfs, "/srv/debian.ext4");
    snprintf(lab->embedded_rootfs, sizeof lab->embedded_rootfs, "/usr/share/umlab/rootfs.ext2");
    lab->mem_mb = LAB_DEFAULT_MEM;
    snprintf(f->lans[0].name, sizeof f->lans[0].name, "A");
    f->lans[0].has_subnet = true;
    assert_int_equal(subnet_parse("10.0.1.0/24", &f->lans[0].subnet, &e), 0);
    snprintf(f->lans[1].name, sizeof f->lans[1].name, "B");
    f->lanp[0] = &f->lans[0];
    f->lanp[1] = &f->lans[1];
    lab->lans = f->lanp;
    lab->nlans = 2;

    guest(f, 0, "pc1");
    nic(&f->guests[0], 0, &f->lans[0], "10.0.1.1", 24);
    route(&f->guests[0], "0.0.0.0", 0, "10.0.1.254");
    guest(f, 1, "r1");
    f->guests[1].mem_mb = 64;
    nic(&f->guests[1], 0, &f->lans[0], "10.0.1.254", 24);
    nic(&f->guests[1], 1, &f->lans[1], "10.0.2.254", 24);
    nic(&f->guests[1], 2, NULL, "192.168.0.9", 24);
    f->guests[1].routed = 2;
    f->guests[1].forward = true;
    route(&f->guests[1], "10.9.0.0", 16, "10.0.2.1");
    guest(f, 2, "g3");
    nic(&f->guests[2], 0, NULL, NULL, 24);
    f->guests[2].routed = 0;
    lab->guests = f->guestp;
    lab->nguests = 3;

    static const char text[] = "title Saved\nguest pc1\nstartup pc1 echo \"pc1 is up\" > /tmp/up\n";
    if (labfile_parse("old.lab", text, strlen(text), &f->applied.spec, &e) < 0)
        fail_msg("%s", e.msg);
    lab->applied = &f->applied;

    snprintf(f->top, sizeof f->top, "/tmp/test_netkit_save.XXXXXX");
    assert_non_null(mkdtemp(f->top));
    return f;
}

static void fake_free(struct fake *f)
{
    struct err e;
    assert_int_equal(rmtree_path(f->top, &e), 0);
    labfile_free(f->applied.spec);
    free(f);
}

static void read_file(const char *dir, const char *name, char *buf, size_t size, struct stat *st)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_NOFOLLOW);
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, st), 0);
    ssize_t n = read(fd, buf, size - 1);
    assert_true(n >= 0);
    buf[n] = '\0';
    close(fd);
}

static const char *lan_name(const struct lab_spec *s, const struct labfile_guest *g, size_t i)
{
    return g->nics[i].lan < 0 ? "tap" : s->lans[g->nics[i].lan].name;
}

static size_t count_entries(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    unsigned long n = 0;
    assert_int_equal(fscanf(p, "%lu", &n), 1);
    pclose(p);
    return n;
}

static void test_save_read_back(void **state)
{
    (void)state;
    struct fake *f = fake_new();
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/lab", f->top); /* missing: made */
    struct err e = {""};
    mode_t old = umask(077);
    int rc = netkit_save(&f->lab, dir, &e);
    umask(old);
    if (rc < 0)
        fail_msg("%s", e.msg);

    char buf[4096];
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);
    read_file(dir, "lab.conf", buf, sizeof buf, &st);
    assert_int_equal(st.st_mode & 07777, 0644);
    assert_non_null(strstr(buf, "r1[2]=\"tap,192.168.0.254,192.168.0.9\"\nr1[mem]=64\n"));
    assert_non_null(strstr(buf, "g3[0]=\"tap\"\n"));
    read_file(dir, "pc1.startup", buf, sizeof buf, &st);
    assert_int_equal(st.st_mode & 07777, 0755);
    assert_string_equal(buf, "# pc1.startup, written by umlab (save --netkit)\n"
                             "ip addr add 10.0.1.1/24 dev eth0\n"
                             "ip link set eth0 up\n"
                             "ip route add default via 10.0.1.254\n"
                             "echo \"pc1 is up\" > /tmp/up\n");
    read_file(dir, "r1.startup", buf, sizeof buf, &st);
    assert_string_equal(buf, "# r1.startup, written by umlab (save --netkit)\n"
                             "ip addr add 10.0.1.254/24 dev eth0\n"
                             "ip link set eth0 up\n"
                             "ip addr add 10.0.2.254/24 dev eth1\n"
                             "ip link set eth1 up\n"
                             "ip route add 10.9.0.0/16 via 10.0.2.1\n"
                             "sysctl -w net.ipv4.ip_forward=1\n");

    /* read back: the lab's LANs, NICs, addresses and routes */
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    struct netkit_lab *nk = NULL;
    if (netkit_read(fd, dir, NULL, &nk, &e) < 0)
        fail_msg("%s", e.msg);
    close(fd);
    const struct lab_spec *b = nk->spec;
    assert_string_equal(b->title, "Saved");
    assert_int_equal(b->nlans, 2);
    assert_string_equal(b->lans[0].name, "A");
    assert_string_equal(b->lans[1].name, "B");
    assert_int_equal(b->nguests, 3);
    const struct lab *lab = &f->lab;
    for (size_t gi = 0; gi < 3; gi++) {
        const struct guest *g = lab->guests[gi];
        const struct labfile_guest *h = &b->guests[gi];
        const struct netkit_guest *k = &nk->guests[gi];
        assert_string_equal(h->name, g->name);
        size_t n = 0;
        while (n < GUEST_MAX_NICS && g->nics[n].present)
            n++;
        assert_int_equal(h->nnics, n);
        for (size_t i = 0; i < n; i++) {
            const struct guest_nic *gn = &g->nics[i];
            assert_string_equal(lan_name(b, h, i), gn->lan ? gn->lan->name : "tap");
            /* a LAN NIC's address is in its startup script, a tap's in lab.conf */
            const struct labfile_nic *m = gn->lan ? &k->addrs[i] : &h->nics[i];
            assert_int_equal(m->has_addr, gn->addr.s_addr != 0);
            assert_int_equal(m->addr.s_addr, gn->addr.s_addr);
            if (gn->addr.s_addr)
                assert_int_equal(m->prefix, gn->prefix);
        }
        assert_int_equal(k->nroutes, g->nroutes);
        for (size_t i = 0; i < g->nroutes; i++) {
            assert_int_equal(k->routes[i].dest.s_addr, g->routes[i].dest.s_addr);
            assert_int_equal(k->routes[i].prefix, g->routes[i].prefix);
            assert_int_equal(k->routes[i].gw.s_addr, g->routes[i].gw.s_addr);
        }
    }
    assert_int_equal(b->guests[1].mem_mb, 64);
    netkit_free(nk);

    /* again into the same directory: refused, nothing changed */
    struct stat before, after;
    char conf[PATH_MAX + 16];
    snprintf(conf, sizeof conf, "%s/lab.conf", dir);
    assert_int_equal(stat(conf, &before), 0);
    assert_int_equal(netkit_save(&f->lab, dir, &e), -1);
    char want[PATH_MAX + 80];
    snprintf(want, sizeof want, "%s/lab.conf exists: umlab does not overwrite a lab's files", dir);
    assert_string_equal(e.msg, want);
    assert_int_equal(stat(conf, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    assert_int_equal(before.st_mtime, after.st_mtime);
    assert_int_equal(count_entries(dir), 4);
    fake_free(f);
}

static void test_refused(void **state)
{
    (void)state;
    struct fake *f = fake_new();
    char dir[PATH_MAX], path[PATH_MAX + 16];
    struct err e = {""};

    /* a directory holding someone's lab.conf: only that file stays */
    snprintf(dir, sizeof dir, "%s/theirs", f->top);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/lab.conf", dir);
    FILE *c = fopen(path, "w");
    assert_non_null(c);
    fputs("pc[0]=A\n", c);
    assert_int_equal(fclose(c), 0);
    assert_int_equal(netkit_save(&f->lab, dir, &e), -1);
    assert_non_null(strstr(e.msg, "/theirs/lab.conf exists"));
    assert_int_equal(count_entries(dir), 1);

    /* a link as DIR, to a directory or dangling: not followed */
    snprintf(path, sizeof path, "%s/link", f->top);
    assert_int_equal(symlink(dir, path), 0);
    assert_int_equal(unlink(dir), -1); /* (it is a directory) */
    assert_int_equal(rmtree_path(dir, &e), 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(netkit_save(&f->lab, path, &e), -1);
    assert_non_null(strstr(e.msg, "refused"));
    assert_int_equal(count_entries(dir), 0);
    char dangling[PATH_MAX + 16];
    snprintf(dangling, sizeof dangling, "%s/dangling", f->top);
    snprintf(path, sizeof path, "%s/nowhere", f->top);
    assert_int_equal(symlink(path, dangling), 0);
    assert_int_equal(netkit_save(&f->lab, dangling, &e), -1);
    assert_int_equal(access(path, F_OK), -1);

    /* a file as DIR */
    snprintf(path, sizeof path, "%s/theirs/lab.conf", f->top);
    c = fopen(path, "w");
    assert_non_null(c);
    assert_int_equal(fclose(c), 0);
    assert_int_equal(netkit_save(&f->lab, path, &e), -1);
    assert_non_null(strstr(e.msg, "not a directory"));

    /* r1 with eth0 and eth2 (eth1 unplugged): Netkit has no gaps; no DIR made */
    f->guests[1].nics[1].present = false;
    snprintf(dir, sizeof dir, "%s/gap", f->top);
    assert_int_equal(netkit_save(&f->lab, dir, &e), -1);
    assert_non_null(strstr(e.msg, "r1 has eth2 but no eth1"));
    assert_int_equal(access(dir, F_OK), -1);
    fake_free(f);
}

/* As root for a sudo user: made as that user, and only where they may write. */
static void test_as_user(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    struct fake *f = fake_new();
    f->lab.drop_priv = true;
    f->lab.guest_uid = NOBODY;
    f->lab.guest_gid = NOBODY;
    char dir[PATH_MAX];
    struct err e = {""};
    /* root's own directory (0755): the user may not write there */
    snprintf(dir, sizeof dir, "%s/lab", f->top);
    assert_int_equal(chmod(f->top, 0755), 0);
    assert_int_equal(netkit_save(&f->lab, dir, &e), -1);
    assert_non_null(strstr(e.msg, "Permission denied"));
    assert_int_equal(access(dir, F_OK), -1);
    /* a directory of theirs */
    assert_int_equal(chmod(f->top, 0777), 0);
    if (netkit_save(&f->lab, dir, &e) < 0)
        fail_msg("%s", e.msg);
    static const char *const files[] = {"", "/lab.conf", "/pc1.startup", "/r1.startup",
                                        "/g3.startup"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[PATH_MAX + 16];
        snprintf(path, sizeof path, "%s%s", dir, files[i]);
        struct stat st;
        assert_int_equal(lstat(path, &st), 0);
        assert_int_equal(st.st_uid, NOBODY);
        assert_int_equal(st.st_gid, NOBODY);
    }
    fake_free(f);
}

/* ---- examples/netkit/ospf is examples/labs/ospf.lab ---- */

/* PATH under the source tree: $UMLAB_SRCDIR (the Makefile sets it), else two
 * levels above this binary (build/tests/). */
static void src_path(const char *rel, char *out, size_t size)
{
    const char *src = getenv("UMLAB_SRCDIR");
    char exe[PATH_MAX];
    if (!src) {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        assert_true(n > 0);
        exe[n] = '\0';
        snprintf(out, size, "%s/../../%s", dirname(exe), rel);
        return;
    }
    snprintf(out, size, "%s/%s", src, rel);
}

static const struct labfile_nic *nic_of(const struct lab_spec *s, const char *guest, size_t eth,
                                        const struct netkit_lab *nk, const char **lan)
{
    for (size_t gi = 0; gi < s->nguests; gi++) {
        const struct labfile_guest *g = &s->guests[gi];
        if (strcmp(g->name, guest) != 0)
            continue;
        assert_true(eth < g->nnics);
        *lan = lan_name(s, g, eth);
        return nk ? &nk->guests[gi].addrs[eth] : &g->nics[eth];
    }
    fail_msg("no guest %s", guest);
    return NULL;
}

static void test_ospf_example(void **state)
{
    (void)state;
    char path[PATH_MAX];
    struct err e = {""};
    src_path("examples/netkit/ospf", path, sizeof path);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fail_msg("cannot open %s (set UMLAB_SRCDIR to the source tree)", path);
    struct netkit_image map = {"kathara/frr", "/srv/debian12-frr.ext4"};
    struct netkit_opts o = {&map, 1, false, NULL};
    struct netkit_lab *nk = NULL;
    if (netkit_read(fd, path, &o, &nk, &e) < 0)
        fail_msg("%s", e.msg);
    close(fd);

    src_path("examples/labs/ospf.lab", path, sizeof path);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[LABFILE_SIZE_MAX];
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    struct lab_spec *lf = NULL;
    if (labfile_parse(path, text, len, &lf, &e) < 0)
        fail_msg("%s", e.msg);

    const struct lab_spec *s = nk->spec;
    assert_non_null(strstr(s->title, "OSPF"));
    assert_int_equal(s->nlans, lf->nlans);
    for (size_t i = 0; i < lf->nlans; i++) {
        bool found = false;
        for (size_t k = 0; k < s->nlans; k++)
            found |= strcmp(s->lans[k].name, lf->lans[i].name) == 0;
        assert_true(found);
    }
    assert_int_equal(s->nguests, lf->nguests);
    for (size_t gi = 0; gi < lf->nguests; gi++) {
        const struct labfile_guest *g = &lf->guests[gi];
        for (size_t i = 0; i < g->nnics; i++) {
            const char *want_lan, *got_lan;
            const struct labfile_nic *want = nic_of(lf, g->name, i, NULL, &want_lan);
            const struct labfile_nic *got = nic_of(s, g->name, i, nk, &got_lan);
            assert_string_equal(got_lan, want_lan);
            assert_true(got->has_addr);
            assert_int_equal(got->addr.s_addr, want->addr.s_addr);
            assert_int_equal(got->prefix, want->prefix);
        }
        /* the PCs' default routes from their scripts; the routers have none */
        size_t k = 0;
        while (strcmp(s->guests[k].name, g->name) != 0)
            k++;
        assert_int_equal(nk->guests[k].nroutes, g->nroutes);
        for (size_t i = 0; i < g->nroutes; i++)
            assert_int_equal(nk->guests[k].routes[i].gw.s_addr, g->routes[i].gw.s_addr);
        bool router = g->name[0] == 'r';
        assert_int_equal(nk->guests[k].tree, router); /* r1/etc/frr/… */
        if (router) {
            assert_string_equal(nk->guests[k].image_name, "kathara/frr");
            assert_string_equal(s->guests[k].image, "/srv/debian12-frr.ext4");
        }
    }
    labfile_free(lf);
    netkit_free(nk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_read_back),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_as_user),
        cmocka_unit_test(test_ospf_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
