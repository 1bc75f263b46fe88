/* why_guest.c — see why_guest.h. */
#include "core/why_guest.h"

#include <stdlib.h>
#include <string.h>

#define BEGIN_MARK "umlab-why-42"
#define RECORD_MAX 512 /* longer is not one of ours */
#define FIELDS_MAX 40

/* An interface name as `ip` prints it: "eth0", "eth0:" or "eth0@if5:". */
static bool read_dev(const char *s, char *out)
{
    size_t n = strcspn(s, "@:");
    if (n == 0 || n >= WHY_NAMESZ || (s[n] && s[n + strspn(s + n, ":")] && s[n] != '@'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/* "a.b.c.d/len", "a.b.c.d" (len 32) or "default" (0/0). */
static bool read_prefix(const char *s, struct in_addr *a, int *prefix)
{
    if (strcmp(s, "default") == 0) {
        a->s_addr = 0;
        *prefix = 0;
        return true;
    }
    int p = -1;
    if (addr_parse(s, a, &p, NULL) < 0)
        return false;
    *prefix = p < 0 ? 32 : p;
    return true;
}

/* Whether "<A,B,C>" holds the flag WORD exactly. */
static bool has_flag(const char *flags, const char *word)
{
    size_t n = strlen(word);
    if (*flags == '<')
        flags++;
    for (const char *p = flags; *p && *p != '>';) {
        size_t len = strcspn(p, ",>");
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

/* "{link|2:|eth0:|<BROADCAST,UP,LOWER_UP>|mtu|1500|...}" */
static void read_link(struct why_guest *g, char **f, size_t nf)
{
    if (nf < 4 || g->nlinks >= WHY_MAX_LINKS || f[3][0] != '<')
        return;
    struct why_link *l = &g->links[g->nlinks];
    if (!read_dev(f[2], l->dev))
        return;
    l->up = has_flag(f[3], "UP");
    l->lower_up = has_flag(f[3], "LOWER_UP");
    g->nlinks++;
}

/* "{addr|2:|eth0|inet|192.168.0.1/24|brd|...}" */
static void read_addr(struct why_guest *g, char **f, size_t nf)
{
    if (nf < 5 || g->naddrs >= WHY_MAX_ADDRS || strcmp(f[3], "inet") != 0)
        return;
    struct why_addr *a = &g->addrs[g->naddrs];
    int p = -1;
    if (!read_dev(f[2], a->dev) || addr_parse(f[4], &a->addr, &p, NULL) < 0)
        return;
    a->prefix = p < 0 ? 32 : p;
    g->naddrs++;
}

/* "{route|default|via|192.168.0.254|dev|eth0}", "{route|192.168.0.0/24|dev|eth0|scope|link|...}".
 * A typed route (unreachable, blackhole, ...) starts with its type: skipped. */
static void read_route(struct why_guest *g, char **f, size_t nf)
{
    if (nf < 4 || g->nroutes >= WHY_MAX_ROUTES)
        return;
    struct why_route *r = &g->routes[g->nroutes];
    memset(r, 0, sizeof *r);
    if (!read_prefix(f[1], &r->dst, &r->prefix))
        return;
    for (size_t i = 2; i + 1 < nf; i++) {
        int vp = -1;
        if (strcmp(f[i], "via") == 0 && (addr_parse(f[i + 1], &r->via, &vp, NULL) < 0 || vp >= 0))
            return;
        if (strcmp(f[i], "dev") == 0 && !read_dev(f[i + 1], r->dev))
            return;
    }
    if (r->dev[0])
        g->nroutes++;
}

/* "{neigh|192.168.0.2|dev|eth0|lladdr|aa:bb:..|REACHABLE}", "{neigh|192.168.0.9|dev|eth0|FAILED}"
 */
static void read_neigh(struct why_guest *g, char **f, size_t nf)
{
    if (nf < 5 || g->nneighs >= WHY_MAX_NEIGHS || strcmp(f[2], "dev") != 0)
        return;
    struct why_neigh *n = &g->neighs[g->nneighs];
    int p = -1;
    const char *st = f[nf - 1];
    size_t len = strlen(st);
    if (addr_parse(f[1], &n->addr, &p, NULL) < 0 || p >= 0 || !read_dev(f[3], n->dev) || len == 0 ||
        len >= sizeof n->state || strspn(st, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != len)
        return;
    memcpy(n->state, st, len + 1);
    g->nneighs++;
}

static void record(struct why_guest *g, char *rec)
{
    char *f[FIELDS_MAX];
    size_t nf = 0;
    for (char *p = rec; nf < FIELDS_MAX;) {
        f[nf++] = p;
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    if (strcmp(f[0], "link") == 0)
        read_link(g, f, nf);
    else if (strcmp(f[0], "addr") == 0)
        read_addr(g, f, nf);
    else if (strcmp(f[0], "route") == 0)
        read_route(g, f, nf);
    else if (strcmp(f[0], "neigh") == 0)
        read_neigh(g, f, nf);
}

int why_guest_parse(const char *text, struct why_guest *g)
{
    g->nlinks = g->naddrs = g->nroutes = g->nneighs = 0;
    const char *b = strstr(text, BEGIN_MARK);
    const char *e = b ? strstr(b, WHY_GUEST_END) : NULL;
    if (!b || !e)
        return -1;
    b += strlen(BEGIN_MARK);
    /* The terminal wraps long records: rows are joined again (records hold no
     * blanks, so a blank lost at a row's end costs nothing). */
    char rec[RECORD_MAX + 1];
    size_t n = 0;
    bool in = false;
    for (const char *p = b; p < e; p++) {
        if (*p == '\n' || *p == '\r')
            continue;
        if (*p == '{') {
            in = true;
            n = 0;
        } else if (*p == '}' && in) {
            rec[n] = '\0';
            record(g, rec);
            in = false;
        } else if (in) {
            if (n >= RECORD_MAX || (unsigned char)*p < 0x20 || *p == ' ')
                in = false; /* not ours */
            else
                rec[n++] = *p;
        }
    }
    return 0;
}
