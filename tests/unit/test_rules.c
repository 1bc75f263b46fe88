/* test_rules.c — byte layout of the x_tables entries netcfg/rules.c builds,
 * and what it reads back. No kernel, no root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/nf_nat.h>

#include "netcfg/rules.h"

#define ENTRY_SZ   XT_ALIGN(sizeof(struct ipt_entry))
#define COMMENT_SZ XT_ALIGN(sizeof(struct xt_entry_match) + sizeof(struct xt_comment_info))
#define STD_SZ     XT_ALIGN(sizeof(struct xt_standard_target))
#define MASQ_SZ                                                                                    \
    XT_ALIGN(sizeof(struct xt_entry_target) + sizeof(struct nf_nat_ipv4_multi_range_compat))

static struct rule_spec make_spec(enum rule_target t, const char *in, const char *out,
                                  const char *comment)
{
    struct rule_spec s;
    memset(&s, 0, sizeof s);
    s.target = t;
    strcpy(s.in_if, in);
    strcpy(s.out_if, out);
    strcpy(s.comment, comment);
    return s;
}

static struct xt_entry_match *first_match(struct ipt_entry *e)
{
    return (struct xt_entry_match *)((char *)e + sizeof(struct ipt_entry));
}

static struct xt_entry_target *target_of(struct ipt_entry *e)
{
    return (struct xt_entry_target *)((char *)e + e->target_offset);
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static void test_aligned_sizes(void **state)
{
    (void)state;
    /* x86_64 numbers, so a change in any header shows up here. */
    assert_int_equal(ENTRY_SZ, 112);
    assert_int_equal(sizeof(struct ipt_entry), 112);
    assert_int_equal(COMMENT_SZ, 288);
    assert_int_equal(STD_SZ, 40);
    assert_int_equal(MASQ_SZ, 56);
}

static void test_accept_layout(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_ACCEPT, "tap0", "", "umlab:lab1:fwd-in");
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);

    assert_int_equal(size, ENTRY_SZ + COMMENT_SZ + STD_SZ);
    assert_int_equal(e->target_offset, ENTRY_SZ + COMMENT_SZ);
    assert_int_equal(e->next_offset, size);
    assert_int_equal(e->target_offset % XT_ALIGN(1), 0);
    assert_int_equal(e->next_offset % XT_ALIGN(1), 0);
    assert_int_equal(e->ip.proto, 0);
    assert_int_equal(e->ip.invflags, 0);
    assert_int_equal(e->ip.src.s_addr, 0);
    assert_int_equal(e->ip.smsk.s_addr, 0);
    assert_int_equal(e->counters.pcnt, 0);

    struct xt_standard_target *t = (struct xt_standard_target *)target_of(e);
    assert_int_equal(t->target.u.user.target_size, STD_SZ);
    /* libiptc turns the label into the kernel's "" + verdict; "" alone would be
     * a fall-through rule with no target. */
    assert_string_equal(t->target.u.user.name, "ACCEPT");
    assert_true(all_zero(t->target.u.user.name + 6, sizeof t->target.u.user.name - 6));
    assert_int_equal(t->target.u.user.revision, 0);
    assert_int_equal(t->verdict, -NF_ACCEPT - 1);
    assert_int_equal(t->verdict, -2);
    free(e);
}

static void test_drop_verdict(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_DROP, "", "tap3", "");
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);
    struct xt_standard_target *t = (struct xt_standard_target *)target_of(e);
    assert_int_equal(t->target.u.user.target_size, STD_SZ);
    assert_string_equal(t->target.u.user.name, "DROP");
    assert_int_equal(t->verdict, -NF_DROP - 1);
    assert_int_equal(t->verdict, -1);
    free(e);
}

static void test_comment_match(void **state)
{
    (void)state;
    const char *c = "umlab:lab1:fwd-in";
    struct rule_spec s = make_spec(RULE_TARGET_ACCEPT, "tap0", "", c);
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);

    struct xt_entry_match *m = first_match(e);
    assert_int_equal(m->u.user.match_size, COMMENT_SZ);
    assert_string_equal(m->u.user.name, "comment");
    assert_int_equal(m->u.user.revision, 0);
    assert_true(
        all_zero(m->u.user.name + strlen("comment"), sizeof m->u.user.name - strlen("comment")));
    const struct xt_comment_info *ci = (const struct xt_comment_info *)m->data;
    assert_string_equal(ci->comment, c);
    /* The rest of the comment buffer is zero: the kernel copies all 256 bytes. */
    assert_true(all_zero(ci->comment + strlen(c), XT_MAX_COMMENT_LEN - strlen(c)));
    free(e);
}

static void test_no_comment_no_match(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_ACCEPT, "", "tap1", "");
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);
    assert_int_equal(e->target_offset, ENTRY_SZ);
    assert_int_equal(size, ENTRY_SZ + STD_SZ);
    assert_int_equal(e->next_offset, size);
    free(e);
}

static void test_interface_masks(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_ACCEPT, "tap0", "", "x");
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);
    assert_string_equal(e->ip.iniface, "tap0");
    /* strlen + 1: the NUL is compared too, so "tap0" does not match "tap01". */
    for (int i = 0; i < IFNAMSIZ; i++)
        assert_int_equal(e->ip.iniface_mask[i], i < 5 ? 0xff : 0);
    assert_true(all_zero(e->ip.outiface, IFNAMSIZ));
    assert_true(all_zero(e->ip.outiface_mask, IFNAMSIZ));
    free(e);

    s = make_spec(RULE_TARGET_MASQUERADE, "", "enp0s31f6", "x");
    e = rule_entry_build(&s, &size);
    assert_non_null(e);
    assert_string_equal(e->ip.outiface, "enp0s31f6");
    for (int i = 0; i < IFNAMSIZ; i++)
        assert_int_equal(e->ip.outiface_mask[i], i < 10 ? 0xff : 0);
    assert_true(all_zero(e->ip.iniface, IFNAMSIZ));
    assert_true(all_zero(e->ip.iniface_mask, IFNAMSIZ));
    free(e);
}

static void test_interface_max_len(void **state)
{
    (void)state;
    /* 15 characters is the longest name; its mask fills all 16 bytes. */
    struct rule_spec s = make_spec(RULE_TARGET_ACCEPT, "abcdefghijklmno", "", "");
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);
    assert_string_equal(e->ip.iniface, "abcdefghijklmno");
    for (int i = 0; i < IFNAMSIZ; i++)
        assert_int_equal(e->ip.iniface_mask[i], 0xff);
    free(e);
}

static void test_interface_wildcard(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_ACCEPT, "tap+", "", "");
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);
    /* As iptables: the name keeps the '+', the mask covers only the prefix. */
    assert_string_equal(e->ip.iniface, "tap+");
    for (int i = 0; i < IFNAMSIZ; i++)
        assert_int_equal(e->ip.iniface_mask[i], i < 3 ? 0xff : 0);
    free(e);
}

static void test_masquerade_layout(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_MASQUERADE, "", "eth0", "umlab:lab1:masq");
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);
    assert_int_equal(size, ENTRY_SZ + COMMENT_SZ + MASQ_SZ);
    assert_int_equal(e->target_offset, ENTRY_SZ + COMMENT_SZ);
    assert_int_equal(e->next_offset, size);

    struct xt_entry_target *t = target_of(e);
    assert_int_equal(t->u.user.target_size, MASQ_SZ);
    assert_string_equal(t->u.user.name, "MASQUERADE");
    assert_int_equal(t->u.user.revision, 0);
    const struct nf_nat_ipv4_multi_range_compat *mr = (const void *)t->data;
    assert_int_equal(mr->rangesize, 1);
    /* No address or port range: the kernel picks the uplink's address. */
    assert_int_equal(mr->range[0].flags, 0);
    assert_int_equal(mr->range[0].min_ip, 0);
    assert_int_equal(mr->range[0].max_ip, 0);
    assert_true(all_zero(&mr->range[0], sizeof mr->range[0]));
    free(e);
}

static void test_reject_long_names(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_ACCEPT, "", "", "");
    size_t size = 12345;

    memset(s.in_if, 'a', sizeof s.in_if); /* 16 chars, no room for the NUL */
    errno = 0;
    assert_null(rule_entry_build(&s, &size));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(size, 12345);

    s = make_spec(RULE_TARGET_ACCEPT, "", "", "");
    memset(s.out_if, 'b', sizeof s.out_if);
    errno = 0;
    assert_null(rule_entry_build(&s, &size));
    assert_int_equal(errno, EINVAL);

    /* 255 chars of comment is the limit; 256 leaves no NUL. */
    s = make_spec(RULE_TARGET_ACCEPT, "", "", "");
    memset(s.comment, 'c', sizeof s.comment - 1);
    void *e = rule_entry_build(&s, &size);
    assert_non_null(e);
    free(e);
    memset(s.comment, 'c', sizeof s.comment);
    errno = 0;
    assert_null(rule_entry_build(&s, &size));
    assert_int_equal(errno, EINVAL);
}

static void test_reject_other_target(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_OTHER, "tap0", "", "umlab:x");
    size_t size = 0;
    errno = 0;
    assert_null(rule_entry_build(&s, &size));
    assert_int_equal(errno, EINVAL);
    assert_null(rule_entry_build(NULL, &size));
}

static void check_round_trip(const struct rule_spec *s, const char *name)
{
    size_t size = 0;
    struct ipt_entry *e = rule_entry_build(s, &size);
    assert_non_null(e);
    e->counters.pcnt = 42;
    e->counters.bcnt = 4242;

    struct rule_info info;
    memset(&info, 0xa5, sizeof info); /* read must overwrite everything it reports */
    rule_entry_read(e, NULL, &info);
    assert_int_equal(info.spec.target, s->target);
    assert_string_equal(info.spec.in_if, s->in_if);
    assert_string_equal(info.spec.out_if, s->out_if);
    assert_string_equal(info.spec.comment, s->comment);
    assert_string_equal(info.target_name, name);
    assert_int_equal(info.packets, 42);
    assert_int_equal(info.bytes, 4242);
    assert_int_equal(info.spec.src, 0);
    assert_int_equal(info.spec.smsk, 0);
    assert_int_equal(info.spec.dst, 0);
    assert_int_equal(info.spec.dmsk, 0);
    assert_int_equal(info.proto, 0);

    /* With the name libiptc would give, the same result. */
    struct rule_info info2;
    rule_entry_read(e, name, &info2);
    assert_int_equal(info2.spec.target, s->target);
    assert_string_equal(info2.target_name, name);
    assert_string_equal(info2.spec.comment, s->comment);
    free(e);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct rule_spec s = make_spec(RULE_TARGET_ACCEPT, "tap0", "", "umlab:lab1:fwd-in");
    check_round_trip(&s, "ACCEPT");
    s = make_spec(RULE_TARGET_ACCEPT, "", "umlab-lab1-g2", "umlab:lab1:fwd-out");
    check_round_trip(&s, "ACCEPT");
    s = make_spec(RULE_TARGET_DROP, "tap+", "eth0", "");
    check_round_trip(&s, "DROP");
    s = make_spec(RULE_TARGET_MASQUERADE, "", "eth0", "umlab:lab1:masq");
    check_round_trip(&s, "MASQUERADE");
    s = make_spec(RULE_TARGET_ACCEPT, "abcdefghijklmno", "onmlkjihgfedcba", "");
    memset(s.comment, 'z', sizeof s.comment - 1);
    check_round_trip(&s, "ACCEPT");
}

/* An entry iptables could have made: ip part, a 16-byte dummy match before the
 * comment, and a target named by NAME (standard when "", with VERDICT). */
static struct ipt_entry *hand_entry(const char *comment, const char *name, int verdict,
                                    size_t *size)
{
    size_t dummy = XT_ALIGN(sizeof(struct xt_entry_match) + 16);
    size_t tsz = XT_ALIGN(sizeof(struct xt_standard_target));
    *size = ENTRY_SZ + dummy + COMMENT_SZ + tsz;
    struct ipt_entry *e = calloc(1, *size);
    assert_non_null(e);
    e->ip.src.s_addr = htonl(0x0a000001);
    e->ip.smsk.s_addr = htonl(0xffffff00);
    e->ip.proto = IPPROTO_TCP;
    struct xt_entry_match *m = first_match(e);
    m->u.user.match_size = (uint16_t)dummy;
    strcpy(m->u.user.name, "tcp");
    m = (struct xt_entry_match *)((char *)m + dummy);
    m->u.user.match_size = COMMENT_SZ;
    strcpy(m->u.user.name, "comment");
    strcpy(((struct xt_comment_info *)m->data)->comment, comment);
    e->target_offset = (uint16_t)(ENTRY_SZ + dummy + COMMENT_SZ);
    e->next_offset = (uint16_t)*size;
    struct xt_standard_target *t = (struct xt_standard_target *)target_of(e);
    t->target.u.user.target_size = (uint16_t)tsz;
    strcpy(t->target.u.user.name, name);
    t->verdict = verdict;
    return e;
}

static void test_read_foreign_entries(void **state)
{
    (void)state;
    size_t size;
    struct rule_info info;

    /* The comment is found after another match. */
    struct ipt_entry *e = hand_entry("someone else", "", XT_RETURN, &size);
    rule_entry_read(e, NULL, &info);
    assert_string_equal(info.spec.comment, "someone else");
    assert_string_equal(info.target_name, "RETURN");
    assert_int_equal(info.spec.target, RULE_TARGET_OTHER);
    assert_int_equal(info.spec.src, htonl(0x0a000001));
    assert_int_equal(info.spec.smsk, htonl(0xffffff00));
    assert_int_equal(info.proto, IPPROTO_TCP);
    free(e);

    /* A jump: libiptc names the chain; without it the name is unknown. */
    e = hand_entry("umlab:lab1", "", 1234, &size);
    rule_entry_read(e, NULL, &info);
    assert_string_equal(info.target_name, "");
    assert_int_equal(info.spec.target, RULE_TARGET_OTHER);
    rule_entry_read(e, "MYCHAIN", &info);
    assert_string_equal(info.target_name, "MYCHAIN");
    assert_int_equal(info.spec.target, RULE_TARGET_OTHER);
    free(e);

    /* An extension target is read by its own name. */
    e = hand_entry("", "LOG", 0, &size);
    rule_entry_read(e, NULL, &info);
    assert_string_equal(info.target_name, "LOG");
    assert_int_equal(info.spec.target, RULE_TARGET_OTHER);
    assert_string_equal(info.spec.comment, "");
    free(e);

    /* A zero match_size must not loop forever or read past the target. */
    e = hand_entry("lost", "", -NF_ACCEPT - 1, &size);
    first_match(e)->u.match_size = 0;
    rule_entry_read(e, NULL, &info);
    assert_string_equal(info.spec.comment, "");
    assert_string_equal(info.target_name, "ACCEPT");
    assert_int_equal(info.spec.target, RULE_TARGET_ACCEPT);
    free(e);
}

static void test_lab_tag(void **state)
{
    (void)state;
    char buf[64];
    rule_lab_tag("lab1", buf, sizeof buf);
    assert_string_equal(buf, "umlab:lab1");
    char small[8];
    rule_lab_tag("lab1", small, sizeof small);
    assert_string_equal(small, "umlab:l"); /* truncated, still terminated */
}

static void test_comment_is_lab(void **state)
{
    (void)state;
    assert_true(rule_comment_is_lab("umlab:lab1", "lab1"));
    assert_true(rule_comment_is_lab("umlab:lab1:masq", "lab1"));
    assert_true(rule_comment_is_lab("umlab:lab1:fwd-in:tap0", "lab1"));
    assert_false(rule_comment_is_lab("umlab:lab1", "lab"));
    assert_false(rule_comment_is_lab("umlab:lab1", "lab10"));
    assert_false(rule_comment_is_lab("umlab:lab10", "lab1"));
    assert_false(rule_comment_is_lab("umlab:lab10:masq", "lab1"));
    assert_false(rule_comment_is_lab("umlab:lab1-x", "lab1"));
    assert_false(rule_comment_is_lab("xumlab:lab1", "lab1"));
    assert_false(rule_comment_is_lab("lab1", "lab1"));
    assert_false(rule_comment_is_lab("UMLAB:lab1", "lab1"));
    assert_false(rule_comment_is_lab("", "lab1"));
    assert_false(rule_comment_is_lab("umlab:", ""));
    assert_false(rule_comment_is_lab(NULL, "lab1"));
    assert_false(rule_comment_is_lab("umlab:lab1", NULL));

    /* The tag builder and the predicate agree. */
    char tag[64];
    rule_lab_tag("lab7", tag, sizeof tag);
    assert_true(rule_comment_is_lab(tag, "lab7"));
}

/* umlab's own rules match the lab's subnet: MASQUERADE and FORWARD never take
 * the host's other traffic (issue 11). */
static void test_lab_rules_match_subnet(void **state)
{
    (void)state;
    uint32_t net = htonl(0xc0a86400), mask = htonl(0xffffff00); /* 192.168.100.0/24 */
    struct rule_spec s;
    size_t size;

    assert_int_equal(rule_spec_lab(RULE_LAB_MASQ, "eth0", net | htonl(5), mask, "umlab:l:masq", &s),
                     0);
    assert_int_equal(s.target, RULE_TARGET_MASQUERADE);
    assert_string_equal(s.out_if, "eth0");
    assert_string_equal(s.in_if, "");
    assert_string_equal(s.comment, "umlab:l:masq");
    struct ipt_entry *e = rule_entry_build(&s, &size);
    assert_non_null(e);
    assert_int_equal(e->ip.src.s_addr, net); /* host bits dropped */
    assert_int_equal(e->ip.smsk.s_addr, mask);
    assert_int_equal(e->ip.dmsk.s_addr, 0);
    struct rule_info info;
    rule_entry_read(e, NULL, &info);
    char cidr[RULE_CIDRSZ];
    rule_cidr_str(info.spec.src, info.spec.smsk, cidr, sizeof cidr);
    assert_string_equal(cidr, "192.168.100.0/24");
    free(e);

    assert_int_equal(rule_spec_lab(RULE_LAB_FWD_IN, "tap0", net, mask, "umlab:l:tap0", &s), 0);
    assert_int_equal(s.target, RULE_TARGET_ACCEPT);
    assert_string_equal(s.in_if, "tap0");
    e = rule_entry_build(&s, &size);
    assert_non_null(e);
    assert_int_equal(e->ip.src.s_addr, net);
    assert_int_equal(e->ip.smsk.s_addr, mask);
    assert_int_equal(e->ip.dmsk.s_addr, 0);
    free(e);

    assert_int_equal(rule_spec_lab(RULE_LAB_FWD_OUT, "tap0", net, mask, "umlab:l:tap0", &s), 0);
    assert_string_equal(s.out_if, "tap0");
    e = rule_entry_build(&s, &size);
    assert_non_null(e);
    assert_int_equal(e->ip.dst.s_addr, net);
    assert_int_equal(e->ip.dmsk.s_addr, mask);
    assert_int_equal(e->ip.smsk.s_addr, 0);
    free(e);

    /* no "any" subnet, no over-long names */
    errno = 0;
    assert_int_equal(rule_spec_lab(RULE_LAB_MASQ, "eth0", net, 0, "c", &s), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(rule_spec_lab(RULE_LAB_FWD_IN, "abcdefghijklmnop", net, mask, "c", &s), -1);
    assert_int_equal(rule_spec_lab(RULE_LAB_FWD_IN, "", net, mask, "c", &s), -1);
}

static void test_cidr_str(void **state)
{
    (void)state;
    char b[RULE_CIDRSZ];
    rule_cidr_str(0, 0, b, sizeof b);
    assert_string_equal(b, "*");
    rule_cidr_str(htonl(0x0a000001), htonl(0xffffffff), b, sizeof b);
    assert_string_equal(b, "10.0.0.1");
    rule_cidr_str(htonl(0x0a000000), htonl(0xff000000), b, sizeof b);
    assert_string_equal(b, "10.0.0.0/8");
    rule_cidr_str(htonl(0x0a000000), htonl(0xff00ff00), b, sizeof b);
    assert_string_equal(b, "10.0.0.0/255.0.255.0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aligned_sizes),
        cmocka_unit_test(test_accept_layout),
        cmocka_unit_test(test_drop_verdict),
        cmocka_unit_test(test_comment_match),
        cmocka_unit_test(test_no_comment_no_match),
        cmocka_unit_test(test_interface_masks),
        cmocka_unit_test(test_interface_max_len),
        cmocka_unit_test(test_interface_wildcard),
        cmocka_unit_test(test_masquerade_layout),
        cmocka_unit_test(test_reject_long_names),
        cmocka_unit_test(test_reject_other_target),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_read_foreign_entries),
        cmocka_unit_test(test_lab_tag),
        cmocka_unit_test(test_comment_is_lab),
        cmocka_unit_test(test_lab_rules_match_subnet),
        cmocka_unit_test(test_cidr_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
