/* rules.c — x_tables entry layout for umlab's rules: built and read in memory,
 * never handed to the kernel here (netcfg/iptc.c does that). */
#include "netcfg/rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* glibc's headers first: the linux/ ones below defer to them (libc-compat.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/nf_nat.h>

_Static_assert(RULE_IFNAMSIZ == IFNAMSIZ, "rule_spec interface names are kernel-sized");
_Static_assert(RULE_COMMENTSZ == XT_MAX_COMMENT_LEN, "rule_spec comments are xt_comment-sized");

#define LAB_TAG_PREFIX "umlab:"

/* Copies an interface name the way iptables does: a trailing '+' is a wildcard
 * (the mask stops before it), otherwise the mask covers the name and its NUL so
 * "tap1" does not match "tap10". */
static bool put_iface(const char *name, char *iface, unsigned char *mask)
{
    size_t len = strnlen(name, IFNAMSIZ);
    if (len >= IFNAMSIZ)
        return false;
    if (len == 0)
        return true; /* any interface: all zero */
    memcpy(iface, name, len);
    iface[len] = '\0';
    memset(mask, 0xff, name[len - 1] == '+' ? len - 1 : len + 1);
    return true;
}

static size_t target_size(enum rule_target t)
{
    switch (t) {
    case RULE_TARGET_ACCEPT:
    case RULE_TARGET_DROP:
        return XT_ALIGN(sizeof(struct xt_standard_target));
    case RULE_TARGET_MASQUERADE:
        return XT_ALIGN(sizeof(struct xt_entry_target) +
                        sizeof(struct nf_nat_ipv4_multi_range_compat));
    case RULE_TARGET_OTHER:
        break;
    }
    return 0;
}

void *rule_entry_build(const struct rule_spec *spec, size_t *size)
{
    if (!spec || !size)
        goto invalid;
    size_t tsize = target_size(spec->target);
    if (tsize == 0)
        goto invalid;
    size_t clen = strnlen(spec->comment, RULE_COMMENTSZ);
    if (clen >= RULE_COMMENTSZ)
        goto invalid; /* the kernel wants the comment NUL-terminated */
    size_t msize =
        clen ? XT_ALIGN(sizeof(struct xt_entry_match) + sizeof(struct xt_comment_info)) : 0;
    size_t esize = XT_ALIGN(sizeof(struct ipt_entry));
    size_t total = esize + msize + tsize;

    struct ipt_entry *e = calloc(1, total);
    if (!e)
        return NULL;
    if (!put_iface(spec->in_if, e->ip.iniface, e->ip.iniface_mask) ||
        !put_iface(spec->out_if, e->ip.outiface, e->ip.outiface_mask)) {
        free(e);
        goto invalid;
    }
    /* The kernel compares (saddr & smsk) with src: keep src inside its mask. */
    e->ip.src.s_addr = spec->src & spec->smsk;
    e->ip.smsk.s_addr = spec->smsk;
    e->ip.dst.s_addr = spec->dst & spec->dmsk;
    e->ip.dmsk.s_addr = spec->dmsk;
    e->target_offset = (uint16_t)(esize + msize);
    e->next_offset = (uint16_t)total;

    if (msize) {
        struct xt_entry_match *m = (struct xt_entry_match *)((char *)e + esize);
        m->u.user.match_size = (uint16_t)msize;
        snprintf(m->u.user.name, sizeof m->u.user.name, "%s", "comment");
        m->u.user.revision = 0;
        struct xt_comment_info *ci = (struct xt_comment_info *)m->data;
        memcpy(ci->comment, spec->comment, clen); /* calloc left the NUL */
    }

    struct xt_entry_target *t = (struct xt_entry_target *)((char *)e + e->target_offset);
    t->u.user.target_size = (uint16_t)tsize;
    if (spec->target == RULE_TARGET_MASQUERADE) {
        snprintf(t->u.user.name, sizeof t->u.user.name, "%s", "MASQUERADE");
        t->u.user.revision = 0;
        /* The kernel's masquerade_tg_check insists on exactly one range. */
        struct nf_nat_ipv4_multi_range_compat *mr = (void *)t->data;
        mr->rangesize = 1;
    } else {
        /* A standard target (verdict -NF_x - 1), named by its label: libiptc maps
         * "ACCEPT"/"DROP" to the kernel's "" + verdict on append. An empty name
         * would mean "fall through" to libiptc: a rule with no target at all. */
        struct xt_standard_target *st = (struct xt_standard_target *)t;
        bool accept = spec->target == RULE_TARGET_ACCEPT;
        snprintf(t->u.user.name, sizeof t->u.user.name, "%s", accept ? "ACCEPT" : "DROP");
        st->verdict = accept ? -NF_ACCEPT - 1 : -NF_DROP - 1;
    }
    *size = total;
    return e;
invalid:
    errno = EINVAL;
    return NULL;
}

int rule_spec_lab(enum rule_lab_kind kind, const char *ifname, uint32_t net, uint32_t mask,
                  const char *comment, struct rule_spec *out)
{
    memset(out, 0, sizeof *out);
    if (!ifname || !*ifname || strlen(ifname) >= RULE_IFNAMSIZ || !comment ||
        strlen(comment) >= RULE_COMMENTSZ || mask == 0) {
        errno = EINVAL;
        return -1;
    }
    snprintf(out->comment, sizeof out->comment, "%s", comment);
    switch (kind) {
    case RULE_LAB_MASQ:
        out->target = RULE_TARGET_MASQUERADE;
        snprintf(out->out_if, sizeof out->out_if, "%s", ifname);
        out->src = net & mask;
        out->smsk = mask;
        return 0;
    case RULE_LAB_FWD_IN: /* a guest's packets: only with its lab's source */
        out->target = RULE_TARGET_ACCEPT;
        snprintf(out->in_if, sizeof out->in_if, "%s", ifname);
        out->src = net & mask;
        out->smsk = mask;
        return 0;
    case RULE_LAB_FWD_OUT:
        out->target = RULE_TARGET_ACCEPT;
        snprintf(out->out_if, sizeof out->out_if, "%s", ifname);
        out->dst = net & mask;
        out->dmsk = mask;
        return 0;
    }
    errno = EINVAL;
    return -1;
}

static const char *standard_verdict_name(int verdict)
{
    switch (verdict) {
    case -NF_ACCEPT - 1:
        return "ACCEPT";
    case -NF_DROP - 1:
        return "DROP";
    case -NF_QUEUE - 1:
        return "QUEUE";
    case XT_RETURN:
        return "RETURN";
    }
    return ""; /* a jump: only libiptc knows the chain's name */
}

static void copy_iface(char *dst, const char *src)
{
    /* Bounded: the entry's name need not be NUL-terminated within IFNAMSIZ. */
    size_t len = strnlen(src, IFNAMSIZ - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Finds the comment match between the ip part and the target; returns its text
 * (bounded copy into OUT) or leaves OUT empty. *OTHER says whether any other
 * match is there. */
static void read_matches(const struct ipt_entry *e, char *out, size_t outsz, bool *other)
{
    size_t off = sizeof(struct ipt_entry);
    out[0] = '\0';
    *other = false;
    while (off + sizeof(struct xt_entry_match) <= e->target_offset) {
        const struct xt_entry_match *m = (const void *)((const char *)e + off);
        size_t msize = m->u.match_size;
        if (msize < sizeof(struct xt_entry_match) || off + msize > e->target_offset) {
            *other = true; /* malformed: stop rather than loop or overrun */
            return;
        }
        if (strncmp(m->u.user.name, "comment", sizeof m->u.user.name) != 0) {
            *other = true;
        } else if (!out[0]) {
            size_t avail = msize - sizeof(struct xt_entry_match);
            if (avail > XT_MAX_COMMENT_LEN)
                avail = XT_MAX_COMMENT_LEN;
            size_t len = strnlen((const char *)m->data, avail);
            if (len >= outsz)
                len = outsz - 1;
            memcpy(out, m->data, len);
            out[len] = '\0';
        }
        off += msize;
    }
}

static enum rule_target target_kind(const char *name)
{
    if (strcmp(name, "ACCEPT") == 0)
        return RULE_TARGET_ACCEPT;
    if (strcmp(name, "DROP") == 0)
        return RULE_TARGET_DROP;
    if (strcmp(name, "MASQUERADE") == 0)
        return RULE_TARGET_MASQUERADE;
    return RULE_TARGET_OTHER;
}

void rule_entry_read(const void *entry, const char *target_name, struct rule_info *out)
{
    memset(out, 0, sizeof *out);
    if (!entry)
        return;
    const struct ipt_entry *e = entry;

    copy_iface(out->spec.in_if, e->ip.iniface);
    copy_iface(out->spec.out_if, e->ip.outiface);
    out->spec.src = e->ip.src.s_addr;
    out->spec.smsk = e->ip.smsk.s_addr;
    out->spec.dst = e->ip.dst.s_addr;
    out->spec.dmsk = e->ip.dmsk.s_addr;
    out->proto = e->ip.proto;
    out->packets = e->counters.pcnt;
    out->bytes = e->counters.bcnt;
    out->inverted = (e->ip.invflags & IPT_INV_MASK) != 0;
    read_matches(e, out->spec.comment, sizeof out->spec.comment, &out->other_match);

    if (!target_name && e->target_offset >= sizeof(struct ipt_entry) &&
        (size_t)e->target_offset + sizeof(struct xt_entry_target) <= e->next_offset) {
        const struct xt_entry_target *t = (const void *)((const char *)e + e->target_offset);
        char tname[sizeof t->u.user.name + 1];
        snprintf(tname, sizeof tname, "%.*s", (int)(sizeof t->u.user.name), t->u.user.name);
        if (tname[0] == '\0' && t->u.target_size >= sizeof(struct xt_standard_target))
            target_name = standard_verdict_name(((const struct xt_standard_target *)t)->verdict);
        else
            snprintf(out->target_name, sizeof out->target_name, "%s", tname);
    }
    if (target_name)
        snprintf(out->target_name, sizeof out->target_name, "%s", target_name);
    out->spec.target = target_kind(out->target_name);
}

void rule_lab_tag(const char *lab, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    snprintf(out, outsz, LAB_TAG_PREFIX "%s", lab ? lab : "");
}

bool rule_comment_is_lab(const char *comment, const char *lab)
{
    if (!comment || !lab || !*lab)
        return false; /* an empty lab name would not be a lab */
    size_t plen = strlen(LAB_TAG_PREFIX);
    if (strncmp(comment, LAB_TAG_PREFIX, plen) != 0)
        return false;
    comment += plen;
    size_t llen = strlen(lab);
    if (strncmp(comment, lab, llen) != 0)
        return false;
    /* "umlab:lab1" belongs to lab1 only, not to "lab" nor "lab10". */
    return comment[llen] == '\0' || comment[llen] == ':';
}

void rule_cidr_str(uint32_t addr, uint32_t mask, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    if (mask == 0) {
        snprintf(out, outsz, "*");
        return;
    }
    char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];
    struct in_addr ia = {.s_addr = addr}, im = {.s_addr = mask};
    inet_ntop(AF_INET, &ia, a, sizeof a);
    uint32_t h = ntohl(mask);
    int prefix = 0;
    while (prefix < 32 && (h & (0x80000000U >> prefix)))
        prefix++;
    bool is_prefix = prefix == 32 || (h << prefix) == 0;
    if (!is_prefix) {
        inet_ntop(AF_INET, &im, m, sizeof m);
        snprintf(out, outsz, "%s/%s", a, m);
    } else if (prefix == 32) {
        snprintf(out, outsz, "%s", a);
    } else {
        snprintf(out, outsz, "%s/%d", a, prefix);
    }
}
