/* labfile.c — parsing a lab file (see labfile.h and docs/LABFILE.md).
 *
 * Three passes over the lines, so declarations may come in any order: first
 * the lab's settings, LANs and guests; then NICs (they name LANs and guests);
 * then routes, forwarding, startup commands and checks (they need the NICs).
 * Unknown keywords are reported in the first pass. */
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/parse.h"
#include "core/lab.h"
#include "core/labfile_internal.h"
#include "core/login.h"
#include "core/regex_size.h"

#define MAX_WORDS  16
#define IFNAME_LEN 15

struct parser {
    struct lab_spec *s;
    const char *name;
    int line;
    struct err *e;
    /* where a once-only setting was given (0: not yet) */
    int title_line, lab_line, subnet_line, image_line, kernel_line, mem_line, login_line, nat_line,
        share_line;
    int forward_line[LABFILE_MAX_GUESTS];
};

struct words {
    int n;
    char *w[MAX_WORDS];
    const char *rest; /* the line after the last word read */
    char buf[LABFILE_LINE_MAX + MAX_WORDS + 1];
};

__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
    char msg[sizeof p->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(p->e, "%s:%d: %s", p->name, p->line, msg);
}

/* Reads up to MAX words of LINE with cmd_split's rules (blanks separate,
 * '...' and "..." quote, backslash escapes, '#' at a word start ends the
 * line). Past MAX_WORDS words is an error; with a smaller MAX the rest of the
 * line is left in WS->rest for a text field. */
static int split(struct parser *p, const char *line, int max, struct words *ws)
{
    ws->n = 0;
    char *out = ws->buf;
    const char *q = line;
    for (;;) {
        while (*q == ' ' || *q == '\t')
            q++;
        if (!*q || *q == '#' || ws->n == max) {
            if (*q && *q != '#' && max == MAX_WORDS)
                return fail(p, "too many words (at most %d)", MAX_WORDS);
            break;
        }
        char *w = out;
        while (*q && *q != ' ' && *q != '\t') {
            if (*q == '"' || *q == '\'') {
                char quote = *q++;
                while (*q && *q != quote) {
                    if (quote == '"' && *q == '\\' && q[1])
                        q++;
                    *out++ = *q++;
                }
                if (!*q)
                    return fail(p, "unterminated %c quote", quote);
                q++;
            } else if (*q == '\\' && q[1]) {
                *out++ = q[1];
                q += 2;
            } else {
                *out++ = *q++;
            }
        }
        *out++ = '\0';
        if (strchr(w, '\t'))
            return fail(p, "a tab inside a quoted word");
        ws->w[ws->n++] = w;
    }
    ws->rest = q;
    return 0;
}

/* The text after the words read: blanks around it removed, no tab inside. */
static int text_field(struct parser *p, const struct words *ws, bool may_be_empty,
                      const char *usage, char **out)
{
    const char *t = ws->rest;
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    if (!n && !may_be_empty)
        return fail(p, "usage: %s", usage);
    if (memchr(t, '\t', n))
        return fail(p, "a tab inside the text: use spaces");
    *out = strndup(t, n);
    if (!*out)
        return fail(p, "out of memory");
    return 0;
}

static int once(struct parser *p, int *seen, const char *what)
{
    if (*seen)
        return fail(p, "%s given twice (first at line %d)", what, *seen);
    *seen = p->line;
    return 0;
}

static int dup_word(struct parser *p, const char *w, char **out)
{
    if (!*w)
        return fail(p, "an empty word where a value is needed");
    *out = strdup(w);
    if (!*out)
        return fail(p, "out of memory");
    return 0;
}

static int find_guest(const struct lab_spec *s, const char *name)
{
    for (size_t i = 0; i < s->nguests; i++)
        if (strcmp(s->guests[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int find_lan(const struct lab_spec *s, const char *name)
{
    for (size_t i = 0; i < s->nlans; i++)
        if (strcmp(s->lans[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int guest_ref(struct parser *p, const char *name, int *out)
{
    if ((*out = find_guest(p->s, name)) < 0)
        return fail(p, "unknown guest '%s'", name);
    return 0;
}

/* Words a guest or LAN may not be called: they mean something else here. */
static bool reserved(const char *name)
{
    static const char *const words[] = {"tap", "uplink", "internet", "host", "all", NULL};
    for (int i = 0; words[i]; i++)
        if (strcmp(name, words[i]) == 0)
            return true;
    return false;
}

static int new_name(struct parser *p, const char *what, const char *name)
{
    if (reserved(name))
        return fail(p, "%s name '%s' is reserved", what, name);
    if (!guest_name_valid(name))
        return fail(p,
                    "%s name '%s': use up to %d letters, digits, '-' or '_', starting with a "
                    "letter",
                    what, name, LABFILE_NAME_MAX - 1);
    int g = find_guest(p->s, name), l = find_lan(p->s, name);
    if (g >= 0)
        return fail(p, "'%s' is already a guest (line %d)", name, p->s->guests[g].line);
    if (l >= 0)
        return fail(p, "'%s' is already a LAN (line %d)", name, p->s->lans[l].line);
    return 0;
}

static int mem_value(struct parser *p, const char *w, int *out)
{
    char num[16];
    size_t n = strlen(w);
    long m;
    if (n >= sizeof num)
        return fail(p, "mem '%s': give MiB between 16 and 65536 (e.g. 64 or 64M)", w);
    memcpy(num, w, n + 1);
    if (n > 1 && num[n - 1] == 'M')
        num[n - 1] = '\0';
    if (parse_long(num, 16, 65536, &m) < 0)
        return fail(p, "mem '%s': give MiB between 16 and 65536 (e.g. 64 or 64M)", w);
    *out = (int)m;
    return 0;
}

static int login_value(struct parser *p, const char *w, char **out)
{
    struct login l;
    struct err sub;
    if (login_parse(w, &l, &sub) < 0)
        return fail(p, "%s", sub.msg);
    return dup_word(p, w, out);
}

static int addr_value(struct parser *p, const char *w, struct in_addr *a)
{
    struct err sub;
    if (addr_parse(w, a, NULL, &sub) < 0)
        return fail(p, "%s", sub.msg);
    return 0;
}

/* `default` or NET/LEN with no host bits. */
static int dest_value(struct parser *p, const char *w, struct in_addr *dest, int *prefix)
{
    struct err sub;
    if (strcmp(w, "default") == 0) {
        dest->s_addr = 0;
        *prefix = 0;
        return 0;
    }
    if (addr_parse(w, dest, prefix, &sub) < 0)
        return fail(p, "%s", sub.msg);
    if (*prefix < 0)
        return fail(p, "'%s': give default or NETWORK/LEN", w);
    if (ntohl(dest->s_addr) & ~lf_mask(*prefix))
        return fail(p, "'%s' has host bits set", w);
    return 0;
}

/* ethN of guest GI. */
static int nic_value(struct parser *p, int gi, const char *w, int *out)
{
    const struct labfile_guest *g = &p->s->guests[gi];
    size_t have = g->nnics ? g->nnics : 1;
    if (strncmp(w, "eth", 3) != 0 || w[3] < '0' || w[3] > '9' || w[4])
        return fail(p, "'%s': give an interface eth0..eth%d", w, LABFILE_MAX_NICS - 1);
    if ((size_t)(w[3] - '0') >= have)
        return fail(p, "%s has no %s (it has %zu NIC%s)", g->name, w, have, have > 1 ? "s" : "");
    *out = w[3] - '0';
    return 0;
}

static bool ifname_ok(const char *w)
{
    size_t n = strlen(w);
    if (n == 0 || n > IFNAME_LEN || !strcmp(w, ".") || !strcmp(w, ".."))
        return false;
    for (; *w; w++)
        if (!((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') || (*w >= '0' && *w <= '9') ||
              *w == '-' || *w == '_' || *w == '.'))
            return false;
    return true;
}

/* A POSIX extended regex, refused when regcomp would work too hard on it
 * (see regex_size.h). */
static int regex_value(struct parser *p, const char *re)
{
    if (strlen(re) > LABFILE_REGEX_MAX)
        return fail(p, "regex longer than %d characters", LABFILE_REGEX_MAX);
    struct regex_size sz;
    regex_measure(re, LABFILE_REGEX_ATOMS, &sz);
    if (sz.stacked)
        return fail(p, "regex repeats a repetition (like a+* or a{2}+): put it in a group");
    if (sz.atoms > LABFILE_REGEX_ATOMS)
        return fail(p, "regex too large once its repetitions are expanded (over %d copies)",
                    LABFILE_REGEX_ATOMS);
    if (sz.loops > LABFILE_REGEX_LOOPS)
        return fail(p, "regex has over %d *, + and ? once its repetitions are expanded",
                    LABFILE_REGEX_LOOPS);
    regex_t rx;
    int rc = regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
    if (rc != 0) {
        char why[128];
        regerror(rc, &rx, why, sizeof why);
        return fail(p, "bad regex '%s': %s", re, why);
    }
    regfree(&rx);
    return 0;
}

/* ---- the lab's own settings ---- */

static int kw_title(struct parser *p, const char *line)
{
    struct words ws;
    if (split(p, line, 1, &ws) < 0 || once(p, &p->title_line, "title") < 0)
        return -1;
    return text_field(p, &ws, false, "title TEXT", &p->s->title);
}

static int kw_description(struct parser *p, const char *line)
{
    struct words ws;
    if (split(p, line, 1, &ws) < 0)
        return -1;
    if (p->s->ndesc == LABFILE_MAX_DESC)
        return fail(p, "more than %d description lines", LABFILE_MAX_DESC);
    char *t;
    if (text_field(p, &ws, true, "", &t) < 0)
        return -1;
    p->s->desc[p->s->ndesc++] = t;
    return 0;
}

static int kw_lab(struct parser *p, const char *line)
{
    struct words ws;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 2)
        return fail(p, "usage: lab NAME");
    if (!lab_name_valid(ws.w[1]))
        return fail(p, "lab name '%s': use 1-9 characters a-z, 0-9 and '-'", ws.w[1]);
    if (once(p, &p->lab_line, "lab") < 0)
        return -1;
    snprintf(p->s->name, sizeof p->s->name, "%s", ws.w[1]);
    return 0;
}

static int kw_subnet(struct parser *p, const char *line)
{
    struct words ws;
    struct err sub;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 2)
        return fail(p, "usage: subnet CIDR");
    if (subnet_parse(ws.w[1], &p->s->subnet, &sub) < 0)
        return fail(p, "%s", sub.msg);
    if (once(p, &p->subnet_line, "subnet") < 0)
        return -1;
    p->s->has_subnet = true;
    return 0;
}

/* image / kernel / mem / login: the default for every guest. */
static int kw_default(struct parser *p, const char *line)
{
    struct words ws;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 2)
        return fail(p, "usage: %s VALUE", ws.w[0]);
    struct lab_spec *s = p->s;
    switch (ws.w[0][0]) {
    case 'i':
        return once(p, &p->image_line, "image") < 0 ? -1 : dup_word(p, ws.w[1], &s->image);
    case 'k':
        return once(p, &p->kernel_line, "kernel") < 0 ? -1 : dup_word(p, ws.w[1], &s->kernel);
    case 'm':
        return once(p, &p->mem_line, "mem") < 0 ? -1 : mem_value(p, ws.w[1], &s->mem_mb);
    default:
        return once(p, &p->login_line, "login") < 0 ? -1 : login_value(p, ws.w[1], &s->login);
    }
}

static int kw_nat(struct parser *p, const char *line)
{
    struct words ws;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    bool on = ws.n >= 2 && strcmp(ws.w[1], "on") == 0;
    if (ws.n < 2 || ws.n > (on ? 3 : 2) || (!on && strcmp(ws.w[1], "off") != 0))
        return fail(p, "usage: nat on [UPLINK] | nat off");
    if (ws.n == 3 && !ifname_ok(ws.w[2]))
        return fail(p, "uplink '%s' is not an interface name", ws.w[2]);
    if (once(p, &p->nat_line, "nat") < 0)
        return -1;
    p->s->nat = on;
    return ws.n == 3 ? dup_word(p, ws.w[2], &p->s->uplink) : 0;
}

static int kw_share(struct parser *p, const char *line)
{
    static const char usage[] = "usage: share DIR [MOUNTPOINT] [ro|rw]";
    struct words ws;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n < 2 || ws.n > 4)
        return fail(p, "%s", usage);
    struct lab_spec *s = p->s;
    const char *mount = NULL, *mode = NULL;
    for (int i = 2; i < ws.n; i++) {
        const char *w = ws.w[i];
        if (!strcmp(w, "ro") || !strcmp(w, "rw")) {
            if (mode)
                return fail(p, "%s", usage);
            mode = w;
        } else if (w[0] == '/' && !mount) {
            mount = w;
        } else {
            return fail(p, "share: '%s' is neither ro, rw nor a mount point (/PATH)", w);
        }
    }
    if (mount && !mount[1])
        return fail(p, "share: the mount point cannot be /");
    if (once(p, &p->share_line, "share") < 0 || dup_word(p, ws.w[1], &s->share_dir) < 0 ||
        dup_word(p, mount ? mount : LABFILE_DEFAULT_SHARE, &s->share_mount) < 0)
        return -1;
    s->share_rw = mode && !strcmp(mode, "rw");
    return 0;
}

static int kw_lan(struct parser *p, const char *line)
{
    struct words ws;
    struct err sub;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if ((ws.n != 2 && ws.n != 4) || (ws.n == 4 && strcmp(ws.w[2], "subnet") != 0))
        return fail(p, "usage: lan NAME [subnet CIDR]");
    if (new_name(p, "LAN", ws.w[1]) < 0)
        return -1;
    if (p->s->nlans == LABFILE_MAX_LANS)
        return fail(p, "more than %d LANs", LABFILE_MAX_LANS);
    struct labfile_lan l = {.line = p->line};
    snprintf(l.name, sizeof l.name, "%s", ws.w[1]);
    if (ws.n == 4) {
        if (subnet_parse(ws.w[3], &l.subnet, &sub) < 0)
            return fail(p, "%s", sub.msg);
        l.has_subnet = true;
        for (size_t i = 0; i < p->s->nlans; i++) {
            const struct labfile_lan *o = &p->s->lans[i];
            int pfx = o->subnet.prefix < l.subnet.prefix ? o->subnet.prefix : l.subnet.prefix;
            if (o->has_subnet && lf_net_contains(o->subnet.net, pfx, l.subnet.net))
                return fail(p, "subnet %s overlaps LAN %s's (line %d)", ws.w[3], o->name, o->line);
        }
    }
    p->s->lans[p->s->nlans++] = l;
    return 0;
}

static int kw_guest(struct parser *p, const char *line)
{
    static const char usage[] =
        "usage: guest NAME [image PATH] [kernel PATH] [mem MIB] [login USER[:PW]|none]";
    struct words ws;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n < 2 || ws.n % 2 != 0)
        return fail(p, "%s", usage);
    if (new_name(p, "guest", ws.w[1]) < 0)
        return -1;
    struct lab_spec *s = p->s;
    if (s->nguests == LABFILE_MAX_GUESTS)
        return fail(p, "more than %d guests", LABFILE_MAX_GUESTS);
    struct labfile_guest *g = &s->guests[s->nguests];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", ws.w[1]);
    g->line = p->line;
    s->nguests++; /* from here labfile_free frees what it holds */
    for (int i = 2; i < ws.n; i += 2) {
        const char *k = ws.w[i], *v = ws.w[i + 1];
        int rc;
        if (!strcmp(k, "image") && !g->image)
            rc = dup_word(p, v, &g->image);
        else if (!strcmp(k, "kernel") && !g->kernel)
            rc = dup_word(p, v, &g->kernel);
        else if (!strcmp(k, "mem") && !g->mem_mb)
            rc = mem_value(p, v, &g->mem_mb);
        else if (!strcmp(k, "login") && !g->login)
            rc = login_value(p, v, &g->login);
        else
            rc = fail(p, "%s", usage);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- NICs ---- */

static int kw_nic(struct parser *p, const char *line)
{
    struct words ws;
    struct err sub;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 3 && ws.n != 4)
        return fail(p, "usage: nic GUEST LAN|tap [ADDR[/LEN]]");
    struct lab_spec *s = p->s;
    int gi;
    if (guest_ref(p, ws.w[1], &gi) < 0)
        return -1;
    struct labfile_nic n = {.lan = -1, .prefix = -1, .line = p->line};
    if (strcmp(ws.w[2], "tap") != 0 && (n.lan = find_lan(s, ws.w[2])) < 0)
        return fail(p, "unknown LAN '%s'", ws.w[2]);
    if (ws.n == 4) {
        if (addr_parse(ws.w[3], &n.addr, &n.prefix, &sub) < 0)
            return fail(p, "%s", sub.msg);
        n.has_addr = true;
        if (n.prefix < 0 && n.lan < 0)
            n.prefix = s->subnet.prefix;
        else if (n.prefix < 0 && s->lans[n.lan].has_subnet)
            n.prefix = s->lans[n.lan].subnet.prefix;
    } else if (n.lan < 0) {
        n.prefix = s->subnet.prefix;
    }
    struct labfile_guest *g = &s->guests[gi];
    if (g->nnics == LABFILE_MAX_NICS)
        return fail(p, "%s has more than %d NICs", g->name, LABFILE_MAX_NICS);
    if (lf_check_nic(s, (size_t)gi, &n, &sub) < 0)
        return fail(p, "%s", sub.msg);
    g->nics[g->nnics++] = n;
    return 0;
}

/* ---- routes, forwarding, startup commands ---- */

static int kw_route(struct parser *p, const char *line)
{
    struct words ws;
    struct err sub;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 5 || strcmp(ws.w[3], "via") != 0)
        return fail(p, "usage: route GUEST DEST|default via GATEWAY");
    int gi;
    struct labfile_route r = {.line = p->line};
    if (guest_ref(p, ws.w[1], &gi) < 0 || dest_value(p, ws.w[2], &r.dest, &r.prefix) < 0 ||
        addr_value(p, ws.w[4], &r.gw) < 0)
        return -1;
    struct labfile_guest *g = &p->s->guests[gi];
    if (g->nroutes == LABFILE_MAX_ROUTES)
        return fail(p, "%s has more than %d routes", g->name, LABFILE_MAX_ROUTES);
    if (lf_check_route(p->s, (size_t)gi, &r, &sub) < 0)
        return fail(p, "%s", sub.msg);
    g->routes[g->nroutes++] = r;
    return 0;
}

static int kw_forward(struct parser *p, const char *line)
{
    struct words ws;
    if (split(p, line, MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 3 || (strcmp(ws.w[2], "on") != 0 && strcmp(ws.w[2], "off") != 0))
        return fail(p, "usage: forward GUEST on|off");
    int gi;
    if (guest_ref(p, ws.w[1], &gi) < 0)
        return -1;
    if (p->forward_line[gi])
        return fail(p, "forward %s given twice (first at line %d)", ws.w[1], p->forward_line[gi]);
    p->forward_line[gi] = p->line;
    p->s->guests[gi].forward = strcmp(ws.w[2], "on") == 0;
    return 0;
}

static int kw_startup(struct parser *p, const char *line)
{
    static const char usage[] = "startup GUEST COMMAND";
    struct words ws;
    if (split(p, line, 2, &ws) < 0)
        return -1;
    if (ws.n != 2)
        return fail(p, "usage: %s", usage);
    int gi;
    if (guest_ref(p, ws.w[1], &gi) < 0)
        return -1;
    struct labfile_guest *g = &p->s->guests[gi];
    if (g->nstartup == LABFILE_MAX_STARTUP)
        return fail(p, "%s has more than %d startup lines", g->name, LABFILE_MAX_STARTUP);
    if (!g->startup && !(g->startup = calloc(LABFILE_MAX_STARTUP, sizeof *g->startup)))
        return fail(p, "out of memory");
    char *t;
    if (text_field(p, &ws, false, usage, &t) < 0)
        return -1;
    g->startup[g->nstartup++] = t;
    return 0;
}

/* ---- checks ---- */

static int check_reach(struct parser *p, struct words *ws, int at, struct labfile_check *c)
{
    if (ws->n != at + 2)
        return fail(p, "usage: check [!] reach GUEST GUEST|host|internet|ADDR");
    if (guest_ref(p, ws->w[at], &c->guest) < 0)
        return -1;
    const char *t = ws->w[at + 1];
    if (!strcmp(t, "host"))
        c->to = LABFILE_TO_HOST;
    else if (!strcmp(t, "internet"))
        c->to = LABFILE_TO_INTERNET;
    else if ((c->to_guest = find_guest(p->s, t)) >= 0)
        c->to = LABFILE_TO_GUEST;
    else if (t[0] >= '0' && t[0] <= '9') {
        c->to = LABFILE_TO_ADDR;
        return addr_value(p, t, &c->to_addr);
    } else
        return fail(p, "unknown guest '%s' (or give host, internet or an address)", t);
    return 0;
}

static int check_addr(struct parser *p, struct words *ws, int at, struct labfile_check *c)
{
    struct err sub;
    if (ws->n != at + 3)
        return fail(p, "usage: check [!] addr GUEST ethN ADDR/LEN");
    if (guest_ref(p, ws->w[at], &c->guest) < 0 ||
        nic_value(p, c->guest, ws->w[at + 1], &c->nic) < 0)
        return -1;
    if (addr_parse(ws->w[at + 2], &c->addr, &c->prefix, &sub) < 0)
        return fail(p, "%s", sub.msg);
    if (c->prefix < 0)
        return fail(p, "'%s': give ADDR/LEN", ws->w[at + 2]);
    return 0;
}

static int check_route(struct parser *p, struct words *ws, int at, struct labfile_check *c)
{
    if (ws->n != at + 4 || strcmp(ws->w[at + 2], "via") != 0)
        return fail(p, "usage: check [!] route GUEST DEST|default via GATEWAY");
    if (guest_ref(p, ws->w[at], &c->guest) < 0 ||
        dest_value(p, ws->w[at + 1], &c->addr, &c->prefix) < 0)
        return -1;
    return addr_value(p, ws->w[at + 3], &c->gw);
}

static int check_counter(struct parser *p, struct words *ws, int at, struct labfile_check *c)
{
    static const char usage[] = "usage: check [!] counter LAN|GUEST [ethN]|uplink rx|tx moved";
    int left = ws->n - at;
    if (left != 3 && left != 4)
        return fail(p, "%s", usage);
    const char *dir = ws->w[ws->n - 2], *what = ws->w[ws->n - 1], *t = ws->w[at];
    if ((strcmp(dir, "rx") != 0 && strcmp(dir, "tx") != 0) || strcmp(what, "moved") != 0)
        return fail(p, "%s", usage);
    c->tx = dir[0] == 't';
    c->guest = find_guest(p->s, t);
    if (c->guest >= 0)
        return left == 4 ? nic_value(p, c->guest, ws->w[at + 1], &c->nic) : 0;
    if (left == 4)
        return fail(p, "%s", usage);
    if (!strcmp(t, "uplink"))
        c->uplink = true;
    else if ((c->lan = find_lan(p->s, t)) < 0)
        return fail(p, "unknown LAN or guest '%s'", t);
    return 0;
}

static int kw_check(struct parser *p, const char *line)
{
    struct words ws;
    if (split(p, line, 3, &ws) < 0)
        return -1;
    struct labfile_check c = {.guest = -1, .to_guest = -1, .lan = -1, .line = p->line};
    int at = 1;
    if (ws.n > 1 && !strcmp(ws.w[1], "!")) {
        c.negate = true;
        at = 2;
    }
    if (ws.n <= at)
        return fail(p, "usage: check [!] reach|addr|route|counter|screen|exec ...");
    static const char *const kinds[] = {"reach", "addr", "route", "counter", "screen", "exec"};
    size_t k = 0;
    while (k < sizeof kinds / sizeof *kinds && strcmp(ws.w[at], kinds[k]) != 0)
        k++;
    if (k == sizeof kinds / sizeof *kinds)
        return fail(p, "unknown check '%s' (reach, addr, route, counter, screen, exec)", ws.w[at]);
    c.kind = (enum labfile_check_kind)k;
    bool text = c.kind == LABFILE_CHECK_SCREEN || c.kind == LABFILE_CHECK_EXEC;
    if (split(p, line, text ? at + 2 : MAX_WORDS, &ws) < 0)
        return -1;
    at++;
    int rc;
    switch (c.kind) {
    case LABFILE_CHECK_REACH:
        rc = check_reach(p, &ws, at, &c);
        break;
    case LABFILE_CHECK_ADDR:
        rc = check_addr(p, &ws, at, &c);
        break;
    case LABFILE_CHECK_ROUTE:
        rc = check_route(p, &ws, at, &c);
        break;
    case LABFILE_CHECK_COUNTER:
        rc = check_counter(p, &ws, at, &c);
        break;
    default: {
        const char *usage = c.kind == LABFILE_CHECK_SCREEN ? "check [!] screen GUEST REGEX"
                                                           : "check [!] exec GUEST COMMAND";
        if (ws.n != at + 1)
            return fail(p, "usage: %s", usage);
        rc = guest_ref(p, ws.w[at], &c.guest);
        if (rc == 0)
            rc = text_field(p, &ws, false, usage, &c.text);
        if (rc == 0 && c.kind == LABFILE_CHECK_SCREEN && regex_value(p, c.text) < 0) {
            free(c.text);
            return -1;
        }
    }
    }
    if (rc < 0)
        return -1;
    if (p->s->nchecks == LABFILE_MAX_CHECKS) {
        free(c.text);
        return fail(p, "more than %d checks", LABFILE_MAX_CHECKS);
    }
    p->s->checks[p->s->nchecks++] = c;
    return 0;
}

/* ---- the file ---- */

struct keyword {
    const char *name;
    int pass;
    int (*fn)(struct parser *p, const char *line);
};

static const struct keyword keywords[] = {
    {"title", 1, kw_title},     {"description", 1, kw_description},
    {"lab", 1, kw_lab},         {"subnet", 1, kw_subnet},
    {"image", 1, kw_default},   {"kernel", 1, kw_default},
    {"mem", 1, kw_default},     {"login", 1, kw_default},
    {"nat", 1, kw_nat},         {"share", 1, kw_share},
    {"lan", 1, kw_lan},         {"guest", 1, kw_guest},
    {"nic", 2, kw_nic},         {"route", 3, kw_route},
    {"forward", 3, kw_forward}, {"startup", 3, kw_startup},
    {"check", 3, kw_check},
};

static int run_line(struct parser *p, const char *line, int pass)
{
    struct words ws;
    if (split(p, line, 1, &ws) < 0)
        return -1;
    if (ws.n == 0)
        return 0;
    for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
        if (!strcmp(keywords[i].name, ws.w[0]))
            return keywords[i].pass == pass ? keywords[i].fn(p, line) : 0;
    return pass == 1 ? fail(p, "unknown keyword '%s'", ws.w[0]) : 0;
}

/* The length of the UTF-8 sequence at S (N bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, min = 0x80;
    else if ((s[0] & 0xf0) == 0xe0)
        len = 3, min = 0x800;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned v = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    return len;
}

/* Checks one line's bytes: no control characters (C0, DEL, C1) but tabs,
 * valid UTF-8. */
static int line_bytes_ok(struct parser *p, const char *line, size_t len)
{
    if (len >= LABFILE_LINE_MAX)
        return fail(p, "line longer than %d characters", LABFILE_LINE_MAX - 1);
    const unsigned char *u = (const unsigned char *)line;
    for (size_t i = 0; i < len;) {
        if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
            return fail(p, "control character 0x%02x", u[i]);
        size_t n = utf8_len(u + i, len - i);
        if (!n)
            return fail(p, "invalid UTF-8");
        if (u[i] == 0xc2 && u[i + 1] < 0xa0) /* C1: U+009B is a terminal's CSI */
            return fail(p, "control character U+%04X", u[i + 1]);
        i += n;
    }
    return 0;
}

static char *dir_of(const char *name)
{
    const char *slash = strrchr(name, '/');
    if (!slash)
        return NULL;
    return slash == name ? strdup("/") : strndup(name, (size_t)(slash - name));
}

struct lab_spec *labfile_new(const char *source)
{
    struct lab_spec *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->nat = -1;
    s->source = strdup(source ? source : "-");
    s->desc = calloc(LABFILE_MAX_DESC, sizeof *s->desc);
    s->lans = calloc(LABFILE_MAX_LANS, sizeof *s->lans);
    s->guests = calloc(LABFILE_MAX_GUESTS, sizeof *s->guests);
    s->checks = calloc(LABFILE_MAX_CHECKS, sizeof *s->checks);
    if (!s->source || !s->desc || !s->lans || !s->guests || !s->checks ||
        subnet_parse(LABFILE_DEFAULT_NET, &s->subnet, NULL) < 0) {
        labfile_free(s);
        return NULL;
    }
    if (source && strcmp(source, "-") != 0 && strchr(source, '/') && !(s->dir = dir_of(source))) {
        labfile_free(s);
        return NULL;
    }
    return s;
}

void labfile_free(struct lab_spec *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nguests; i++) {
        struct labfile_guest *g = &s->guests[i];
        free(g->image);
        free(g->kernel);
        free(g->login);
        for (size_t k = 0; k < g->nstartup; k++)
            free(g->startup[k]);
        free(g->startup);
    }
    for (size_t i = 0; i < s->nchecks; i++)
        free(s->checks[i].text);
    for (size_t i = 0; i < s->ndesc; i++)
        free(s->desc[i]);
    free(s->desc);
    free(s->lans);
    free(s->guests);
    free(s->checks);
    free(s->source);
    free(s->dir);
    free(s->title);
    free(s->image);
    free(s->kernel);
    free(s->login);
    free(s->uplink);
    free(s->share_dir);
    free(s->share_mount);
    free(s);
}

int labfile_parse(const char *name, const char *text, size_t len, struct lab_spec **out,
                  struct err *e)
{
    *out = NULL;
    struct parser *p = calloc(1, sizeof *p);
    if (!p)
        return err_set(e, "%s: out of memory", name);
    p->name = name;
    p->e = e;
    int rc = -1;
    char *buf = NULL;
    size_t nlines = 1;
    const char **lines = NULL;
    if (len > LABFILE_SIZE_MAX) {
        err_set(e, "%s: larger than %d bytes", name, LABFILE_SIZE_MAX);
        goto out;
    }
    if (!(p->s = labfile_new(name)) || !(buf = malloc(len + 1))) {
        err_set(e, "%s: out of memory", name);
        goto out;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        nlines += buf[i] == '\n';
    if (!(lines = calloc(nlines, sizeof *lines))) {
        err_set(e, "%s: out of memory", name);
        goto out;
    }
    /* cut into lines, each checked once */
    char *ln = buf;
    for (size_t i = 0; i < nlines; i++) {
        char *nl = memchr(ln, '\n', (size_t)(buf + len - ln));
        char *end = nl ? nl : buf + len;
        size_t n = (size_t)(end - ln);
        p->line = (int)i + 1;
        if (memchr(ln, '\0', n)) {
            fail(p, "NUL byte");
            goto out;
        }
        if (n && ln[n - 1] == '\r') /* a file from Windows */
            n--;
        ln[n] = '\0';
        if (line_bytes_ok(p, ln, n) < 0)
            goto out;
        lines[i] = ln;
        ln = end + (nl ? 1 : 0);
    }
    for (int pass = 1; pass <= 3; pass++) {
        for (size_t i = 0; i < nlines; i++) {
            p->line = (int)i + 1;
            if (run_line(p, lines[i], pass) < 0)
                goto out;
        }
    }
    struct err sub;
    if (lf_find_loop(p->s, &p->line, &sub) < 0) {
        fail(p, "%s", sub.msg);
        goto out;
    }
    *out = p->s;
    p->s = NULL;
    rc = 0;
out:
    free(lines);
    free(buf);
    labfile_free(p->s);
    free(p);
    return rc;
}

int labfile_read_fd(int fd, const char *name, struct lab_spec **out, struct err *e)
{
    *out = NULL;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return err_sys(e, "%s", name);
    if (!S_ISREG(st.st_mode))
        return err_set(e, "%s: not a regular file", name);
    if (st.st_size > LABFILE_SIZE_MAX)
        return err_set(e, "%s: larger than %d bytes", name, LABFILE_SIZE_MAX);
    char *buf = malloc(LABFILE_SIZE_MAX + 1);
    if (!buf)
        return err_sys(e, "%s", name);
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, LABFILE_SIZE_MAX + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return err_sys(e, "%s: read", name);
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > LABFILE_SIZE_MAX) { /* grew while we read */
            free(buf);
            return err_set(e, "%s: larger than %d bytes", name, LABFILE_SIZE_MAX);
        }
    }
    int rc = labfile_parse(name, buf, len, out, e);
    free(buf);
    return rc;
}
