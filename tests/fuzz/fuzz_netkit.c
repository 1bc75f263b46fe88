/* fuzz_netkit.c — what a Netkit/Kathará lab directory hands umlab, as text
 * in memory. The first byte picks the part: 0 lab.conf, 1 lab.dep (over a
 * fixed lab.conf), 2 a startup script read for its addresses and routes, 3
 * an ltest signature and a test's output (split at the first NUL).
 *   lab.conf: a failure is one "lab.conf:…" line and no lab; what parses
 *   has sane NICs, builds command lines that split back into words, and is
 *   written (netkit_format_conf) and parsed again into the same machines,
 *   NICs and memory.
 *   lab.dep: a failure is one "lab.dep:…" line; else the guests are in
 *   wave order and every rule's machine is in a later wave than its needs.
 *   script: addresses on existing NICs, prefixes 0-32, at most 32 routes.
 *   ltest: a text matches itself; matching is symmetric; the reason holds
 *   printable ASCII only (the output is a guest's). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd.h"
#include "core/netkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct netkit_image IMAGES[] = {{"frr", "/srv/frr.ext4"}};
static const struct netkit_opts OPTS = {IMAGES, 1, false};

static int split_ok(void *ctx, const char *line)
{
    (void)ctx;
    struct cmd_args a;
    struct err e;
    if (cmd_split(line, &a, &e) < 2)
        abort();
    cmd_args_free(&a);
    return 0;
}

static void one_line(const struct err *e, const char *prefix)
{
    if (strncmp(e->msg, prefix, strlen(prefix)) != 0 || strchr(e->msg, '\n'))
        abort();
}

static const char *lan_name(const struct lab_spec *s, const struct labfile_nic *n)
{
    return n->lan < 0 ? "tap" : s->lans[n->lan].name;
}

/* Guests the written lab.conf names: those with a NIC, memory or image. */
static bool written(const struct labfile_guest *g)
{
    return g->nnics || g->mem_mb || g->image;
}

static void conf(const char *text, size_t len)
{
    struct netkit_lab *lab = (struct netkit_lab *)text; /* must come back NULL on failure */
    struct err e = {""};
    if (netkit_parse_conf("lab.conf", text, len, &OPTS, &lab, &e) < 0) {
        if (lab)
            abort();
        one_line(&e, "lab.conf:");
        return;
    }
    const struct lab_spec *s = lab->spec;
    for (size_t i = 0; i < s->nguests; i++) {
        const struct labfile_guest *g = &s->guests[i];
        if (g->nnics > LABFILE_MAX_NICS)
            abort();
        for (size_t k = 0; k < g->nnics; k++)
            if (g->nics[k].lan >= (int)s->nlans)
                abort();
        struct strbuf b = {0};
        netkit_format_startup(s, i, &b);
        if (b.oom)
            abort();
        sb_free(&b);
    }
    if (netkit_to_commands(lab, split_ok, NULL) != 0)
        abort();

    struct strbuf out = {0};
    if (netkit_format_conf(s, &out, &e) == 0) {
        struct netkit_lab *back = NULL;
        if (netkit_parse_conf("lab.conf", sb_str(&out), out.len, &OPTS, &back, &e) < 0)
            abort(); /* what we write, we read */
        const struct lab_spec *t = back->spec;
        size_t k = 0;
        for (size_t i = 0; i < s->nguests; i++) {
            const struct labfile_guest *g = &s->guests[i];
            if (!written(g))
                continue;
            if (k >= t->nguests)
                abort();
            const struct labfile_guest *h = &t->guests[k++];
            if (strcmp(g->name, h->name) != 0 || g->nnics != h->nnics || g->mem_mb != h->mem_mb)
                abort();
            for (size_t n = 0; n < g->nnics; n++)
                if (strcmp(lan_name(s, &g->nics[n]), lan_name(t, &h->nics[n])) != 0 ||
                    g->nics[n].has_addr != h->nics[n].has_addr ||
                    g->nics[n].addr.s_addr != h->nics[n].addr.s_addr)
                    abort();
        }
        if (k != t->nguests || (s->title && (!t->title || strcmp(s->title, t->title) != 0)))
            abort();
        netkit_free(back);
    } else if (!s->title || !strchr(s->title, '"') || !strchr(s->title, '\'')) {
        abort(); /* only a title with both quotes cannot be written */
    }
    sb_free(&out);
    netkit_free(lab);
}

static const char FIXED_CONF[] = "r1[0]=A\nr1[1]=B\nr2[0]=B\nr2[1]=C\npc1[0]=A\npc2[0]=C\n"
                                 "m[0]=A\nm[1]=B\nm[2]=C\nm[3]=D\nm[4]=E\nm[5]=F\nm[6]=G\nm[7]=H\n";

static struct netkit_lab *fixed(void)
{
    struct netkit_lab *lab = NULL;
    struct err e;
    if (netkit_parse_conf("lab.conf", FIXED_CONF, strlen(FIXED_CONF), NULL, &lab, &e) < 0)
        abort();
    return lab;
}

static void dep(const char *text, size_t len)
{
    struct netkit_lab *lab = fixed();
    struct err e = {""};
    if (netkit_parse_dep(lab, "lab.dep", text, len, &e) < 0) {
        one_line(&e, "lab.dep:");
    } else {
        const struct lab_spec *s = lab->spec;
        if (s->nguests != 5 || lab->nwaves < 1 || lab->nwaves > 5)
            abort();
        for (size_t i = 0; i < s->nguests; i++)
            if (lab->guests[i].wave < 0 || lab->guests[i].wave >= lab->nwaves ||
                (i && lab->guests[i].wave < lab->guests[i - 1].wave))
                abort();
    }
    netkit_free(lab);
}

static void script(const char *text, size_t len)
{
    struct netkit_lab *lab = fixed();
    size_t gi = lab->spec->nguests - 1; /* m: eight NICs */
    netkit_parse_script(lab, gi, text, len);
    const struct netkit_guest *g = &lab->guests[gi];
    for (int i = 0; i < LABFILE_MAX_NICS; i++)
        if (g->addrs[i].has_addr && (g->addrs[i].prefix < 0 || g->addrs[i].prefix > 32))
            abort();
    if (g->nroutes > LABFILE_MAX_ROUTES)
        abort();
    for (size_t i = 0; i < g->nroutes; i++)
        if (g->routes[i].prefix < 0 || g->routes[i].prefix > 32)
            abort();
    for (int i = 0; i < LABFILE_MAX_NICS - 1; i++) /* pc1, with one NIC, got nothing */
        if (lab->guests[2].addrs[i].has_addr)
            abort();
    netkit_free(lab);
}

static void printable(const struct strbuf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if ((unsigned char)b->s[i] < 0x20 || (unsigned char)b->s[i] >= 0x7f)
            abort();
}

static void ltest(const char *text, size_t len)
{
    const char *nul = memchr(text, '\0', len);
    size_t slen = nul ? (size_t)(nul - text) : len;
    const char *out = nul ? nul + 1 : text + len;
    size_t olen = len - slen - (nul ? 1 : 0);
    struct strbuf a = {0}, b = {0};
    if (netkit_test_compare(text, slen, text, slen, &a) != 0 ||
        netkit_test_compare(out, olen, out, olen, &a) != 0)
        abort();
    int ab = netkit_test_compare(text, slen, out, olen, &a);
    int ba = netkit_test_compare(out, olen, text, slen, &b);
    if (ab != ba || (ab && (!a.len || !b.len)))
        abort();
    printable(&a);
    printable(&b);
    sb_free(&a);
    sb_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    switch (data[0] & 3) {
    case 0:
        conf(text, len);
        break;
    case 1:
        dep(text, len);
        break;
    case 2:
        script(text, len);
        break;
    default:
        ltest(text, len);
        break;
    }
    return 0;
}
