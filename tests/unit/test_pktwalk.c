/* test_pktwalk.c — the packet walk's order and where its count stops: through
 * NAT to the internet (every counter moved), with NAT off (stops at the
 * uplink's rx even with an ARP reply counted there), guest to guest and to the
 * host, and a rule that changed under the ping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/pktwalk.h"

static uint32_t ip4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a.s_addr;
}

static struct rule_info rule(const char *target, const char *in, const char *out,
                             const char *comment)
{
    struct rule_info r;
    memset(&r, 0, sizeof r);
    snprintf(r.target_name, sizeof r.target_name, "%s", target);
    snprintf(r.spec.in_if, sizeof r.spec.in_if, "%s", in);
    snprintf(r.spec.out_if, sizeof r.spec.out_if, "%s", out);
    snprintf(r.spec.comment, sizeof r.spec.comment, "%s", comment);
    if (in[0] || strcmp(target, "MASQUERADE") == 0) {
        r.spec.src = ip4("192.168.0.0");
        r.spec.smsk = ip4("255.255.255.0");
    } else {
        r.spec.dst = ip4("192.168.0.0");
        r.spec.dmsk = ip4("255.255.255.0");
    }
    return r;
}

static void facts(struct why_facts *f, enum why_target_kind kind)
{
    memset(f, 0, sizeof *f);
    f->subnet.net.s_addr = ip4("192.168.0.0");
    f->subnet.prefix = 24;
    f->host.s_addr = ip4("192.168.0.254");
    snprintf(f->uplink, sizeof f->uplink, "uplink0");
    snprintf(f->src.name, sizeof f->src.name, "g1");
    f->src.want.s_addr = ip4("192.168.0.1");
    snprintf(f->src_tap.name, sizeof f->src_tap.name, "tap0");
    f->kind = kind;
    if (kind == WHY_T_INTERNET) {
        snprintf(f->target, sizeof f->target, "internet");
        f->dst.s_addr = ip4("198.51.100.1");
    } else if (kind == WHY_T_HOST) {
        snprintf(f->target, sizeof f->target, "host");
        f->dst = f->host;
    } else {
        snprintf(f->target, sizeof f->target, "g2");
        f->dst.s_addr = ip4("192.168.0.2");
        snprintf(f->dst_tap.name, sizeof f->dst_tap.name, "tap1");
    }
}

static void expect(const struct pktwalk *w, const char *const *where)
{
    size_t n = 0;
    while (where[n])
        n++;
    assert_int_equal(w->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(w->steps[i].where, where[i]);
}

static void test_nat(void **state)
{
    (void)state;
    struct why_facts f;
    facts(&f, WHY_T_INTERNET);
    struct rule_info fb[4] = {
        rule("ACCEPT", "tap1", "", "umlab:lab:tap1"), rule("ACCEPT", "", "tap1", "umlab:lab:tap1"),
        rule("ACCEPT", "tap0", "", "umlab:lab:tap0"), rule("ACCEPT", "", "tap0", "umlab:lab:tap0")};
    struct rule_info pb[1] = {rule("MASQUERADE", "", "uplink0", "umlab:lab:masq")};
    struct rule_info fa[4], pa[1];
    memcpy(fa, fb, sizeof fa);
    memcpy(pa, pb, sizeof pa);
    fa[2].packets = 3;
    fa[3].packets = 3;
    pa[0].packets = 1;
    struct pktwalk_counts b = {10, 20, 30, 40, fb, pb, 4, 1};
    struct pktwalk_counts a = {13, 23, 33, 43, fa, pa, 4, 1};
    struct pktwalk w;
    pktwalk_build(&f, &b, &a, 3, 3, &w);
    static const char *const path[] = {"tap0 rx",
                                       "FORWARD rule 3",
                                       "POSTROUTING rule 1",
                                       "uplink0 tx",
                                       "uplink0 rx",
                                       "FORWARD rule 4",
                                       "tap0 tx",
                                       NULL};
    expect(&w, path);
    assert_int_equal(w.stop, -1);
    for (size_t i = 0; i < w.n; i++)
        assert_true(w.steps[i].counted && w.steps[i].reached && w.steps[i].delta > 0);
    assert_string_equal(w.steps[4].dir, "reply");

    /* NAT off: no rules at all; an ARP reply is the one packet back. */
    struct pktwalk_counts b2 = {10, 20, 30, 40, NULL, NULL, 0, 0};
    struct pktwalk_counts a2 = {14, 21, 31, 44, NULL, NULL, 0, 0};
    pktwalk_build(&f, &b2, &a2, 3, 0, &w);
    static const char *const off[] = {"tap0 rx",
                                      "FORWARD policy",
                                      "POSTROUTING policy",
                                      "uplink0 tx",
                                      "uplink0 rx",
                                      "FORWARD policy",
                                      "tap0 tx",
                                      NULL};
    expect(&w, off);
    assert_int_equal(w.stop, 4);
    assert_false(w.steps[1].counted);
    assert_non_null(strstr(w.summary, "stops at uplink0 rx"));

    /* The chain changed under the ping: no delta is made up. */
    struct rule_info fc[1] = {rule("DROP", "tap0", "", "")};
    fc[0].packets = 99;
    struct pktwalk_counts c = {13, 23, 33, 43, fc, pa, 1, 1};
    pktwalk_build(&f, &b, &c, 3, 3, &w);
    assert_int_equal(w.steps[1].delta, 0);
    assert_int_equal(w.stop, 1);
}

static void test_guest_and_host(void **state)
{
    (void)state;
    struct why_facts f;
    facts(&f, WHY_T_GUEST);
    struct pktwalk_counts b = {0, 0, 0, 0, NULL, NULL, 0, 0};
    struct pktwalk_counts a = {3, 0, 0, 3, NULL, NULL, 0, 0};
    struct pktwalk w;
    pktwalk_build(&f, &b, &a, 3, 0, &w);
    static const char *const path[] = {"tap0 rx",        "FORWARD policy", "tap1 tx", "tap1 rx",
                                       "FORWARD policy", "tap0 tx",        NULL};
    expect(&w, path);
    assert_int_equal(w.stop, 3); /* g2 did not answer */

    facts(&f, WHY_T_HOST);
    a = (struct pktwalk_counts){0, 0, 0, 0, NULL, NULL, 0, 0};
    pktwalk_build(&f, &b, &a, 2, 0, &w);
    static const char *const host[] = {"tap0 rx", "tap0 tx", NULL};
    expect(&w, host);
    assert_int_equal(w.stop, 0);
    assert_non_null(strstr(w.summary, "nothing came out of g1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nat),
        cmocka_unit_test(test_guest_and_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
