/* netkit_script.c — what a machine's startup script configures, read from
 * its ifconfig, ip and route lines, so umlab can show the lab's addresses and
 * routes. The script itself still does the work in the guest: this is a
 * reading, best effort — a line it does not understand (a loop, a variable, a
 * quote, another command) is skipped, never an error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "base/parse.h"
#include "core/netkit_internal.h"

#define MAX_WORDS 24
#define WORD_MAX  64

struct words {
    int n;
    char w[MAX_WORDS][WORD_MAX];
};

/* Splits one command (S, N bytes) into words; false when it holds something
 * a plain reading would get wrong (quotes, $, `, \, too many or long words). */
static bool split(const char *s, size_t n, struct words *ws)
{
    ws->n = 0;
    size_t i = 0;
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        if (i == n || s[i] == '#')
            return true;
        if (ws->n == MAX_WORDS)
            return false;
        size_t k = 0;
        while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
            if (strchr("\"'$`\\", s[i]) || k + 1 == WORD_MAX)
                return false;
            ws->w[ws->n][k++] = s[i++];
        }
        ws->w[ws->n++][k] = '\0';
    }
}

/* "eth3" -> 3; -1 for anything else (aliases like eth0:1 too). */
static int eth_index(const char *w)
{
    long v;
    if (strncmp(w, "eth", 3) != 0 || parse_long(w + 3, 0, LABFILE_MAX_NICS - 1, &v) < 0)
        return -1;
    return (int)v;
}

static int mask_prefix(struct in_addr m)
{
    uint32_t v = ntohl(m.s_addr);
    int p = 0;
    while (p < 32 && (v & (0x80000000u >> p)))
        p++;
    return (p == 32 || (v << p) == 0) ? p : -1;
}

/* A/LEN or A; *PREFIX -1 without /LEN. */
static bool addr_word(const char *w, struct in_addr *a, int *prefix)
{
    return addr_parse(w, a, prefix, NULL) == 0;
}

/* ifconfig's default netmask: the address's class. */
static int classful(struct in_addr a)
{
    uint32_t v = ntohl(a.s_addr);
    if (v < 0x80000000u)
        return 8;
    if (v < 0xc0000000u)
        return 16;
    if (v < 0xe0000000u)
        return 24;
    return -1;
}

static bool prefix_of(const char *w, const char *word)
{
    size_t n = strlen(w);
    return n > 0 && n <= strlen(word) && strncmp(w, word, n) == 0;
}

static void add_addr(struct netkit_lab *lab, size_t gi, int eth, struct in_addr a, int prefix,
                     int line)
{
    const struct labfile_guest *g = &lab->spec->guests[gi];
    if (eth < 0 || (size_t)eth >= g->nnics || prefix < 0 || prefix > 32)
        return;
    struct labfile_nic *n = &lab->guests[gi].addrs[eth];
    if (n->has_addr)
        return;
    n->lan = g->nics[eth].lan;
    n->has_addr = true;
    n->addr = a;
    n->prefix = prefix;
    n->line = line;
}

static void add_route(struct netkit_lab *lab, size_t gi, struct in_addr dest, int prefix,
                      struct in_addr gw, int line)
{
    struct netkit_guest *g = &lab->guests[gi];
    if (prefix < 0 || prefix > 32 || g->nroutes == LABFILE_MAX_ROUTES)
        return;
    uint32_t mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
    if (ntohl(dest.s_addr) & ~mask)
        return; /* host bits set: the kernel refuses it too */
    for (size_t i = 0; i < g->nroutes; i++)
        if (g->routes[i].prefix == prefix && g->routes[i].dest.s_addr == dest.s_addr)
            return;
    g->routes[g->nroutes++] = (struct labfile_route){dest, prefix, gw, line};
}

/* ifconfig IF [inet] ADDR[/LEN] [netmask MASK] … */
static void do_ifconfig(struct netkit_lab *lab, size_t gi, const struct words *ws, int line)
{
    int at = 1, eth = ws->n > at ? eth_index(ws->w[at]) : -1;
    if (eth < 0)
        return;
    at++;
    if (at < ws->n && strcmp(ws->w[at], "inet") == 0)
        at++;
    struct in_addr a, m;
    int prefix;
    if (at >= ws->n || !addr_word(ws->w[at], &a, &prefix))
        return;
    for (int i = at + 1; i + 1 < ws->n; i++)
        if (strcmp(ws->w[i], "netmask") == 0 && prefix < 0 && addr_word(ws->w[i + 1], &m, NULL))
            prefix = mask_prefix(m);
    add_addr(lab, gi, eth, a, prefix >= 0 ? prefix : classful(a), line);
}

/* route add [-net|-host] DEST|default [netmask MASK] gw GW [dev] [IF] … */
static void do_route(struct netkit_lab *lab, size_t gi, const struct words *ws, int line)
{
    if (ws->n < 3 || strcmp(ws->w[1], "add") != 0)
        return;
    struct in_addr dest = {0}, gw, m;
    int prefix = -1;
    bool host = false, have_dest = false, have_gw = false;
    for (int i = 2; i < ws->n; i++) {
        const char *w = ws->w[i];
        const char *v = i + 1 < ws->n ? ws->w[i + 1] : NULL;
        if (!strcmp(w, "-net")) {
            continue;
        } else if (!strcmp(w, "-host")) {
            host = true;
        } else if (!strcmp(w, "-A") && v) {
            if (strcmp(v, "inet") != 0)
                return;
            i++;
        } else if (!strcmp(w, "default") && !have_dest) {
            have_dest = true;
            prefix = 0;
        } else if (!strcmp(w, "netmask") && v) {
            if (!addr_word(v, &m, NULL))
                return;
            prefix = mask_prefix(m);
            i++;
        } else if ((!strcmp(w, "gw") || !strcmp(w, "gateway")) && v) {
            if (!addr_word(v, &gw, NULL))
                return;
            have_gw = true;
            i++;
        } else if ((!strcmp(w, "metric") || !strcmp(w, "dev") || !strcmp(w, "mss") ||
                    !strcmp(w, "window") || !strcmp(w, "irtt")) &&
                   v) {
            i++;
        } else if (!have_dest) {
            int p;
            if (!addr_word(w, &dest, &p))
                return;
            have_dest = true;
            if (p >= 0)
                prefix = p;
        }
    }
    if (!have_dest || !have_gw)
        return;
    if (prefix < 0)
        prefix = host ? 32 : (dest.s_addr == 0 ? 0 : -1);
    add_route(lab, gi, dest, prefix, gw, line);
}

/* ip [-4] address add ADDR[/LEN] … dev IF; ip route add DEST|default via GW … */
static void do_ip(struct netkit_lab *lab, size_t gi, const struct words *ws, int line)
{
    int at = 1;
    while (at < ws->n && ws->w[at][0] == '-') {
        if (strcmp(ws->w[at], "-4") != 0)
            return; /* -6, -n NETNS, -f …: not an IPv4 setting here */
        at++;
    }
    if (at + 2 >= ws->n)
        return;
    bool addr = prefix_of(ws->w[at], "address"), route = prefix_of(ws->w[at], "route");
    const char *verb = ws->w[at + 1];
    if ((!addr && !route) || (strcmp(verb, "add") != 0 && strcmp(verb, "replace") != 0))
        return;
    struct in_addr a = {0}, gw;
    int prefix = -1, eth = -1;
    bool have_a = false, have_gw = false;
    for (int i = at + 2; i < ws->n; i++) {
        const char *w = ws->w[i];
        const char *v = i + 1 < ws->n ? ws->w[i + 1] : NULL;
        if (!strcmp(w, "dev") && v) {
            eth = eth_index(v);
            i++;
        } else if (!strcmp(w, "via") && v) {
            if (!addr_word(v, &gw, NULL))
                return;
            have_gw = true;
            i++;
        } else if (!strcmp(w, "local") && v && addr && !have_a) {
            if (!addr_word(v, &a, &prefix))
                return;
            have_a = true;
            i++;
        } else if (route && !strcmp(w, "default") && !have_a) {
            have_a = true;
            prefix = 0;
        } else if (!have_a && addr_word(w, &a, &prefix)) {
            have_a = true;
        } else if (v && strcmp(w, "onlink") != 0) {
            i++; /* brd X, metric N, src A, proto P, label L, scope S, … */
        }
    }
    if (!have_a)
        return;
    if (prefix < 0)
        prefix = 32;
    if (addr)
        add_addr(lab, gi, eth, a, prefix, line);
    else if (have_gw)
        add_route(lab, gi, a, prefix, gw, line);
}

static void command(struct netkit_lab *lab, size_t gi, const char *s, size_t n, int line)
{
    struct words ws;
    if (!split(s, n, &ws) || ws.n == 0)
        return;
    const char *cmd = strrchr(ws.w[0], '/');
    cmd = cmd ? cmd + 1 : ws.w[0];
    if (!strcmp(cmd, "ifconfig"))
        do_ifconfig(lab, gi, &ws, line);
    else if (!strcmp(cmd, "route"))
        do_route(lab, gi, &ws, line);
    else if (!strcmp(cmd, "ip"))
        do_ip(lab, gi, &ws, line);
}

void netkit_parse_script(struct netkit_lab *lab, size_t gi, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    for (int line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        /* commands separated by ';' (a '#' comment is cut by split) */
        for (const char *c = p; c < stop;) {
            const char *semi = memchr(c, ';', (size_t)(stop - c));
            const char *cend = semi ? semi : stop;
            if (memchr(c, '#', (size_t)(cend - c)) && semi)
                break; /* a ';' inside a comment */
            command(lab, gi, c, (size_t)(cend - c), line);
            c = semi ? semi + 1 : stop;
        }
        p = nl ? nl + 1 : end;
    }
}
