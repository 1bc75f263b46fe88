/* labfile.c — parsing a lab file (see labfile.h and docs/LABFILE.md).
 *
 * Three passes over the lines, so declarations may come in any order: first
 * the lab's settings, LANs and guests; then NICs (they name LANs and guests);
 * then routes, forwarding, startup commands and checks (they need the NICs).
 * Unknown keywords are reported in the first pass. Words and bytes are read
 * in labfile_lex.c, checks in labfile_check.c. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/parse.h"
#include "core/lab.h"
#include "core/labfile_internal.h"
#include "core/login.h"

#define IFNAME_LEN 15

static int once(struct lf_parser *p, int *seen, const char *what)
{
    if (*seen)
        return lf_fail(p, "%s given twice (first at line %d)", what, *seen);
    *seen = p->line;
    return 0;
}

static int dup_word(struct lf_parser *p, const char *w, char **out)
{
    if (!*w)
        return lf_fail(p, "an empty word where a value is needed");
    *out = strdup(w);
    if (!*out)
        return lf_fail(p, "out of memory");
    return 0;
}

int labfile_find_guest(const struct lab_spec *s, const char *name)
{
    for (size_t i = 0; i < s->nguests; i++)
        if (strcmp(s->guests[i].name, name) == 0)
            return (int)i;
    return -1;
}

int labfile_find_lan(const struct lab_spec *s, const char *name)
{
    for (size_t i = 0; i < s->nlans; i++)
        if (strcmp(s->lans[i].name, name) == 0)
            return (int)i;
    return -1;
}

int lf_guest_ref(struct lf_parser *p, const char *name, int *out)
{
    if ((*out = labfile_find_guest(p->s, name)) < 0)
        return lf_fail(p, "unknown guest '%s'", name);
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

static int new_name(struct lf_parser *p, const char *what, const char *name)
{
    if (reserved(name))
        return lf_fail(p, "%s name '%s' is reserved", what, name);
    if (!guest_name_valid(name))
        return lf_fail(p,
                       "%s name '%s': use up to %d letters, digits, '-' or '_', starting with a "
                       "letter",
                       what, name, LABFILE_NAME_MAX - 1);
    int g = labfile_find_guest(p->s, name), l = labfile_find_lan(p->s, name);
    if (g >= 0)
        return lf_fail(p, "'%s' is already a guest (line %d)", name, p->s->guests[g].line);
    if (l >= 0)
        return lf_fail(p, "'%s' is already a LAN (line %d)", name, p->s->lans[l].line);
    return 0;
}

static int mem_value(struct lf_parser *p, const char *w, int *out)
{
    char num[16];
    size_t n = strlen(w);
    long m;
    if (n >= sizeof num)
        return lf_fail(p, "mem '%s': give MiB between 16 and 65536 (e.g. 64 or 64M)", w);
    memcpy(num, w, n + 1);
    if (n > 1 && num[n - 1] == 'M')
        num[n - 1] = '\0';
    if (parse_long(num, 16, 65536, &m) < 0)
        return lf_fail(p, "mem '%s': give MiB between 16 and 65536 (e.g. 64 or 64M)", w);
    *out = (int)m;
    return 0;
}

static int login_value(struct lf_parser *p, const char *w, char **out)
{
    struct login l;
    struct err sub;
    if (login_parse(w, &l, &sub) < 0)
        return lf_fail(p, "%s", sub.msg);
    return dup_word(p, w, out);
}

int lf_addr_value(struct lf_parser *p, const char *w, struct in_addr *a)
{
    struct err sub;
    if (addr_parse(w, a, NULL, &sub) < 0)
        return lf_fail(p, "%s", sub.msg);
    return 0;
}

/* `default` or NET/LEN with no host bits. */
int lf_dest_value(struct lf_parser *p, const char *w, struct in_addr *dest, int *prefix)
{
    struct err sub;
    if (strcmp(w, "default") == 0) {
        dest->s_addr = 0;
        *prefix = 0;
        return 0;
    }
    if (addr_parse(w, dest, prefix, &sub) < 0)
        return lf_fail(p, "%s", sub.msg);
    if (*prefix < 0)
        return lf_fail(p, "'%s': give default or NETWORK/LEN", w);
    if (ntohl(dest->s_addr) & ~lf_mask(*prefix))
        return lf_fail(p, "'%s' has host bits set", w);
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

/* ---- the lab's own settings ---- */

static int kw_title(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    if (lf_split(p, line, 1, &ws) < 0 || once(p, &p->title_line, "title") < 0)
        return -1;
    return lf_text_field(p, &ws, false, "title TEXT", &p->s->title);
}

static int kw_description(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    if (lf_split(p, line, 1, &ws) < 0)
        return -1;
    if (p->s->ndesc == LABFILE_MAX_DESC)
        return lf_fail(p, "more than %d description lines", LABFILE_MAX_DESC);
    char *t;
    if (lf_text_field(p, &ws, true, "", &t) < 0)
        return -1;
    p->s->desc[p->s->ndesc++] = t;
    return 0;
}

static int kw_lab(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 2)
        return lf_fail(p, "usage: lab NAME");
    if (!lab_name_valid(ws.w[1]))
        return lf_fail(p, "lab name '%s': use 1-9 characters a-z, 0-9 and '-'", ws.w[1]);
    if (once(p, &p->lab_line, "lab") < 0)
        return -1;
    snprintf(p->s->name, sizeof p->s->name, "%s", ws.w[1]);
    return 0;
}

static int kw_subnet(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    struct err sub;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 2)
        return lf_fail(p, "usage: subnet CIDR");
    if (subnet_parse(ws.w[1], &p->s->subnet, &sub) < 0)
        return lf_fail(p, "%s", sub.msg);
    if (once(p, &p->subnet_line, "subnet") < 0)
        return -1;
    p->s->has_subnet = true;
    return 0;
}

/* image / mem / login: the default for every guest. A lab file names no
 * kernel: that is the program umlab runs, chosen by whoever runs umlab. */
static int kw_default(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 2)
        return lf_fail(p, "usage: %s VALUE", ws.w[0]);
    struct lab_spec *s = p->s;
    switch (ws.w[0][0]) {
    case 'i':
        return once(p, &p->image_line, "image") < 0 ? -1 : dup_word(p, ws.w[1], &s->image);
    case 'm':
        return once(p, &p->mem_line, "mem") < 0 ? -1 : mem_value(p, ws.w[1], &s->mem_mb);
    default:
        return once(p, &p->login_line, "login") < 0 ? -1 : login_value(p, ws.w[1], &s->login);
    }
}

static int kw_nat(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    bool on = ws.n >= 2 && strcmp(ws.w[1], "on") == 0;
    if (ws.n < 2 || ws.n > (on ? 3 : 2) || (!on && strcmp(ws.w[1], "off") != 0))
        return lf_fail(p, "usage: nat on [UPLINK] | nat off");
    if (ws.n == 3 && !ifname_ok(ws.w[2]))
        return lf_fail(p, "uplink '%s' is not an interface name", ws.w[2]);
    if (once(p, &p->nat_line, "nat") < 0)
        return -1;
    p->s->nat = on;
    return ws.n == 3 ? dup_word(p, ws.w[2], &p->s->uplink) : 0;
}

/* The shared folder is the lab's own: a hostile guest sees it, so a lab
 * file may not hand it the host's / or $HOME. */
static bool inside_lab(const char *dir)
{
    if (dir[0] == '/')
        return false;
    for (const char *c = dir; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return false;
        c += n + (c[n] == '/');
    }
    return true;
}

static int kw_share(struct lf_parser *p, const char *line)
{
    static const char usage[] = "usage: share DIR [MOUNTPOINT] [ro|rw]";
    struct lf_words ws;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n < 2 || ws.n > 4)
        return lf_fail(p, "%s", usage);
    struct lab_spec *s = p->s;
    const char *mount = NULL, *mode = NULL;
    for (int i = 2; i < ws.n; i++) {
        const char *w = ws.w[i];
        if (!strcmp(w, "ro") || !strcmp(w, "rw")) {
            if (mode)
                return lf_fail(p, "%s", usage);
            mode = w;
        } else if (w[0] == '/' && !mount) {
            mount = w;
        } else {
            return lf_fail(p, "share: '%s' is neither ro, rw nor a mount point (/PATH)", w);
        }
    }
    if (mount && !mount[1])
        return lf_fail(p, "share: the mount point cannot be /");
    if (!inside_lab(ws.w[1]))
        return lf_fail(p,
                       "share: '%s' is not inside the lab's directory (give a relative path, "
                       "no '..')",
                       ws.w[1]);
    if (once(p, &p->share_line, "share") < 0 || dup_word(p, ws.w[1], &s->share_dir) < 0 ||
        dup_word(p, mount ? mount : LABFILE_DEFAULT_SHARE, &s->share_mount) < 0)
        return -1;
    s->share_rw = mode && !strcmp(mode, "rw");
    return 0;
}

static int kw_lan(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    struct err sub;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if ((ws.n != 2 && ws.n != 4) || (ws.n == 4 && strcmp(ws.w[2], "subnet") != 0))
        return lf_fail(p, "usage: lan NAME [subnet CIDR]");
    if (new_name(p, "LAN", ws.w[1]) < 0)
        return -1;
    if (p->s->nlans == LABFILE_MAX_LANS)
        return lf_fail(p, "more than %d LANs", LABFILE_MAX_LANS);
    struct labfile_lan l = {.line = p->line};
    snprintf(l.name, sizeof l.name, "%s", ws.w[1]);
    if (ws.n == 4) {
        if (subnet_parse(ws.w[3], &l.subnet, &sub) < 0)
            return lf_fail(p, "%s", sub.msg);
        l.has_subnet = true;
        for (size_t i = 0; i < p->s->nlans; i++) {
            const struct labfile_lan *o = &p->s->lans[i];
            int pfx = o->subnet.prefix < l.subnet.prefix ? o->subnet.prefix : l.subnet.prefix;
            if (o->has_subnet && lf_net_contains(o->subnet.net, pfx, l.subnet.net))
                return lf_fail(p, "subnet %s overlaps LAN %s's (line %d)", ws.w[3], o->name,
                               o->line);
        }
    }
    p->s->lans[p->s->nlans++] = l;
    return 0;
}

static int kw_guest(struct lf_parser *p, const char *line)
{
    static const char usage[] =
        "usage: guest NAME [image PATH] [mem MIB] [login USER[:PW]|none] [host HOST]";
    struct lf_words ws;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n < 2 || ws.n % 2 != 0)
        return lf_fail(p, "%s", usage);
    if (new_name(p, "guest", ws.w[1]) < 0)
        return -1;
    struct lab_spec *s = p->s;
    if (s->nguests == LABFILE_MAX_GUESTS)
        return lf_fail(p, "more than %d guests", LABFILE_MAX_GUESTS);
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
        else if (!strcmp(k, "mem") && !g->mem_mb)
            rc = mem_value(p, v, &g->mem_mb);
        else if (!strcmp(k, "login") && !g->login)
            rc = login_value(p, v, &g->login);
        else if (!strcmp(k, "host") && !g->host_name[0] && strlen(v) < sizeof g->host_name && *v)
            rc = snprintf(g->host_name, sizeof g->host_name, "%s", v) < 0 ? -1 : 0;
        else
            rc = lf_fail(p, "%s", usage);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- NICs ---- */

static int kw_nic(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    struct err sub;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 3 && ws.n != 4)
        return lf_fail(p, "usage: nic GUEST LAN|tap [ADDR[/LEN]]");
    struct lab_spec *s = p->s;
    int gi;
    if (lf_guest_ref(p, ws.w[1], &gi) < 0)
        return -1;
    struct labfile_nic n = {.lan = -1, .prefix = -1, .line = p->line};
    if (strcmp(ws.w[2], "tap") != 0 && (n.lan = labfile_find_lan(s, ws.w[2])) < 0)
        return lf_fail(p, "unknown LAN '%s'", ws.w[2]);
    if (ws.n == 4) {
        if (addr_parse(ws.w[3], &n.addr, &n.prefix, &sub) < 0)
            return lf_fail(p, "%s", sub.msg);
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
        return lf_fail(p, "%s has more than %d NICs", g->name, LABFILE_MAX_NICS);
    if (lf_check_nic(s, (size_t)gi, &n, &sub) < 0)
        return lf_fail(p, "%s", sub.msg);
    g->nics[g->nnics++] = n;
    return 0;
}

/* ---- routes, forwarding, startup commands ---- */

static int kw_route(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    struct err sub;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 5 || strcmp(ws.w[3], "via") != 0)
        return lf_fail(p, "usage: route GUEST DEST|default via GATEWAY");
    int gi;
    struct labfile_route r = {.line = p->line};
    if (lf_guest_ref(p, ws.w[1], &gi) < 0 || lf_dest_value(p, ws.w[2], &r.dest, &r.prefix) < 0 ||
        lf_addr_value(p, ws.w[4], &r.gw) < 0)
        return -1;
    struct labfile_guest *g = &p->s->guests[gi];
    if (g->nroutes == LABFILE_MAX_ROUTES)
        return lf_fail(p, "%s has more than %d routes", g->name, LABFILE_MAX_ROUTES);
    if (lf_check_route(p->s, (size_t)gi, &r, &sub) < 0)
        return lf_fail(p, "%s", sub.msg);
    g->routes[g->nroutes++] = r;
    return 0;
}

static int kw_forward(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    if (lf_split(p, line, LF_MAX_WORDS, &ws) < 0)
        return -1;
    if (ws.n != 3 || (strcmp(ws.w[2], "on") != 0 && strcmp(ws.w[2], "off") != 0))
        return lf_fail(p, "usage: forward GUEST on|off");
    int gi;
    if (lf_guest_ref(p, ws.w[1], &gi) < 0)
        return -1;
    if (p->forward_line[gi])
        return lf_fail(p, "forward %s given twice (first at line %d)", ws.w[1],
                       p->forward_line[gi]);
    p->forward_line[gi] = p->line;
    p->s->guests[gi].forward = strcmp(ws.w[2], "on") == 0;
    return 0;
}

static int kw_startup(struct lf_parser *p, const char *line)
{
    static const char usage[] = "startup GUEST COMMAND";
    struct lf_words ws;
    if (lf_split(p, line, 2, &ws) < 0)
        return -1;
    if (ws.n != 2)
        return lf_fail(p, "usage: %s", usage);
    int gi;
    if (lf_guest_ref(p, ws.w[1], &gi) < 0)
        return -1;
    struct labfile_guest *g = &p->s->guests[gi];
    if (g->nstartup == LABFILE_MAX_STARTUP)
        return lf_fail(p, "%s has more than %d startup lines", g->name, LABFILE_MAX_STARTUP);
    if (!g->startup && !(g->startup = calloc(LABFILE_MAX_STARTUP, sizeof *g->startup)))
        return lf_fail(p, "out of memory");
    char *t;
    if (lf_text_field(p, &ws, false, usage, &t) < 0)
        return -1;
    g->startup[g->nstartup++] = t;
    return 0;
}

/* ---- the file ---- */

struct keyword {
    const char *name;
    int pass;
    int (*fn)(struct lf_parser *p, const char *line);
};

static const struct keyword keywords[] = {
    {"title", 1, kw_title},     {"description", 1, kw_description},
    {"lab", 1, kw_lab},         {"subnet", 1, kw_subnet},
    {"image", 1, kw_default},   {"mem", 1, kw_default},
    {"login", 1, kw_default},   {"nat", 1, kw_nat},
    {"share", 1, kw_share},     {"lan", 1, kw_lan},
    {"guest", 1, kw_guest},     {"nic", 2, kw_nic},
    {"route", 3, kw_route},     {"forward", 3, kw_forward},
    {"startup", 3, kw_startup}, {"check", 3, lf_kw_check},
    {"host", 1, lf_kw_host},
};

static int run_line(struct lf_parser *p, const char *line, int pass)
{
    struct lf_words ws;
    if (lf_split(p, line, 1, &ws) < 0)
        return -1;
    if (ws.n == 0)
        return 0;
    for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
        if (!strcmp(keywords[i].name, ws.w[0]))
            return keywords[i].pass == pass ? keywords[i].fn(p, line) : 0;
    return pass == 1 ? lf_fail(p, "unknown keyword '%s'", ws.w[0]) : 0;
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
    s->as_host = -1;
    s->source = strdup(source ? source : "-");
    s->desc = calloc(LABFILE_MAX_DESC, sizeof *s->desc);
    s->lans = calloc(LABFILE_MAX_LANS, sizeof *s->lans);
    s->guests = calloc(LABFILE_MAX_GUESTS, sizeof *s->guests);
    s->checks = calloc(LABFILE_MAX_CHECKS, sizeof *s->checks);
    s->hosts = calloc(LABFILE_MAX_HOSTS, sizeof *s->hosts);
    if (!s->source || !s->desc || !s->lans || !s->guests || !s->checks || !s->hosts ||
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
    free(s->hosts);
    free(s->source);
    free(s->dir);
    free(s->title);
    free(s->image);
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
    struct lf_parser *p = calloc(1, sizeof *p);
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
            lf_fail(p, "NUL byte");
            goto out;
        }
        if (n && ln[n - 1] == '\r') /* a file from Windows */
            n--;
        ln[n] = '\0';
        if (lf_line_bytes_ok(p, ln, n) < 0)
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
    if (lf_resolve_hosts(p) < 0)
        goto out;
    struct err sub;
    if (lf_find_loop(p->s, &p->line, &sub) < 0) {
        lf_fail(p, "%s", sub.msg);
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

int labfile_slurp_fd(int fd, const char *name, char **buf_out, size_t *len_out, struct err *e)
{
    *buf_out = NULL;
    *len_out = 0;
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
    *buf_out = buf;
    *len_out = len;
    return 0;
}

int labfile_read_fd(int fd, const char *name, struct lab_spec **out, struct err *e)
{
    *out = NULL;
    char *buf;
    size_t len;
    if (labfile_slurp_fd(fd, name, &buf, &len, e) < 0)
        return -1;
    int rc = labfile_parse(name, buf, len, out, e);
    free(buf);
    return rc;
}
