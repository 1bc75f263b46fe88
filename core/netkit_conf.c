/* netkit_conf.c — a Netkit/Kathará lab.conf (text in memory) into a lab.
 *
 * Lines: `M[N]=DOMAIN` (ethN of machine M on collision domain DOMAIN, or
 * Kathará's DOMAIN/MAC, or Netkit's tap,TAP-ADDRESS,GUEST-ADDRESS),
 * `M[OPTION]=VALUE`, `machines="M …"` (Netkit: the machines, in boot order),
 * `LAB_DESCRIPTION=…` and the other LAB_ keys, `#` comments. A value may be
 * quoted with "…" or '…'; a `#` after a blank ends a line. Anything else is an
 * error naming the line (Netkit took such lines for comments, Kathará refuses
 * them: a typo should not pass unseen).
 *
 * Two passes: the first checks every line's form and reads machines= and the
 * LAB_ keys, the second the machines' lines. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "base/parse.h"
#include "core/lab.h"
#include "core/netkit_internal.h"

enum { META_DESCRIPTION, META_AUTHOR, META_VERSION, META_EMAIL, META_WEB, META_NAME, META_N };
static const char *const meta_keys[META_N] = {"LAB_DESCRIPTION", "LAB_AUTHOR", "LAB_VERSION",
                                              "LAB_EMAIL",       "LAB_WEB",    "LAB_NAME"};

#define MAX_IGNORED  32 /* distinct options noted as not honoured */
#define MAX_WHO      6  /* machines named in one such note */
#define KEY_MAX      64
#define ARG_MAX      32
#define OPT_TEXT_MAX 255 /* an image name, a sysctl */

static const char name_rules[] = "umlab takes 1-15 letters, digits, '-' or '_', starting with a "
                                 "letter, and not tap, uplink, internet, shared, host or all";

/* An option umlab does not honour: noted once, with the machines using it. */
struct ignored {
    char opt[ARG_MAX + 1];
    int line, nwho;
    char who[MAX_WHO][LABFILE_NAME_MAX];
};

struct conf {
    struct netkit_lab *lab;
    const struct netkit_opts *o;
    const char *file;
    struct err *e;
    int line;
    int machines_line;
    int meta_line[META_N];
    int mem_line[LABFILE_MAX_GUESTS], image_line[LABFILE_MAX_GUESTS];
    int nic_line[LABFILE_MAX_GUESTS][LABFILE_MAX_NICS];
    struct labfile_nic nics[LABFILE_MAX_GUESTS][LABFILE_MAX_NICS];
    struct ignored ign[MAX_IGNORED];
    size_t nign;
    int ign_more_line;               /* options past MAX_IGNORED: noted together */
    int skipped[LABFILE_MAX_GUESTS]; /* lines naming machines machines= leaves out */
    char skipped_name[LABFILE_MAX_GUESTS][LABFILE_NAME_MAX];
    size_t nskipped;
    int tap_line; /* the first tap domain */
};

enum line_kind { L_NONE, L_META, L_OTHER_LAB, L_MACHINES, L_ASSIGN };

struct conf_line {
    enum line_kind kind;
    int meta;
    char key[KEY_MAX + 1], arg[ARG_MAX + 1];
    char value[NK_LINE_MAX];
};

static int fail(struct conf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct conf *c, const char *fmt, ...)
{
    char msg[sizeof c->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return nk_fail(c->e, c->file, c->line, "%s", msg);
}

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static bool key_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '.';
}

/* The value after '=': quoted ("…" or '…', nothing but a comment after it)
 * or bare (up to a '#' after a blank, blanks around it removed). Tabs
 * inside become spaces. */
static int read_value(struct conf *c, const char *s, char *out)
{
    size_t n;
    if (*s == '"' || *s == '\'') {
        char q = *s++;
        const char *close = strchr(s, q);
        if (!close)
            return fail(c, "unterminated %c quote", q);
        n = (size_t)(close - s);
        const char *rest = close + 1;
        while (blank(*rest))
            rest++;
        if (*rest && *rest != '#')
            return fail(c, "text after the closing %c quote", q);
    } else {
        const char *p = s;
        while (*p && !(*p == '#' && (p == s || blank(p[-1]))))
            p++;
        n = (size_t)(p - s);
        while (n && blank(s[n - 1]))
            n--;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    for (char *t = out; *t; t++)
        if (*t == '\t')
            *t = ' ';
    return 0;
}

static int split_line(struct conf *c, const char *line, struct conf_line *cl)
{
    static const char form[] = "expected M[N]=DOMAIN, M[OPTION]=VALUE, machines=… or LAB_…=VALUE";
    const char *s = line;
    while (blank(*s))
        s++;
    cl->kind = L_NONE;
    if (!*s || *s == '#')
        return 0;
    size_t n = 0;
    while (key_char(s[n]))
        n++;
    if (n == 0)
        return fail(c, "%s", form);
    if (n > KEY_MAX)
        return fail(c, "a name longer than %d characters", KEY_MAX);
    memcpy(cl->key, s, n);
    cl->key[n] = '\0';
    s += n;
    bool bracket = *s == '[';
    cl->arg[0] = '\0';
    if (bracket) {
        s++;
        n = 0;
        while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
               (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-')
            n++;
        if (n == 0 || s[n] != ']')
            return fail(c, "%s", form);
        if (n > ARG_MAX)
            return fail(c, "an option name longer than %d characters", ARG_MAX);
        memcpy(cl->arg, s, n);
        cl->arg[n] = '\0';
        s += n + 1;
    }
    while (blank(*s))
        s++;
    if (*s != '=')
        return fail(c, "%s", form);
    s++;
    while (blank(*s))
        s++;
    if (read_value(c, s, cl->value) < 0)
        return -1;
    if (bracket) {
        cl->kind = L_ASSIGN;
        return 0;
    }
    if (strcmp(cl->key, "machines") == 0) {
        cl->kind = L_MACHINES;
        return 0;
    }
    for (int i = 0; i < META_N; i++) {
        if (strcmp(cl->key, meta_keys[i]) == 0) {
            cl->kind = L_META;
            cl->meta = i;
            return 0;
        }
    }
    if (strncmp(cl->key, "LAB_", 4) == 0) {
        cl->kind = L_OTHER_LAB;
        return 0;
    }
    return fail(c, "%s", form);
}

/* ---- pass 1: machines= and the LAB_ keys ---- */

static int do_machines(struct conf *c, const char *value)
{
    if (c->machines_line)
        return fail(c, "machines given twice (first at line %d)", c->machines_line);
    c->machines_line = c->line;
    char buf[NK_LINE_MAX];
    snprintf(buf, sizeof buf, "%s", value);
    char *save = NULL;
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (!nk_name_ok(w))
            return fail(c, "machine name '%s': %s", w, name_rules);
        if (labfile_find_guest(c->lab->spec, w) >= 0)
            return fail(c, "machines names %s twice", w);
        if (nk_add_guest(c->lab, w, c->file, c->line, c->e) < 0)
            return -1;
    }
    return 0;
}

static int do_meta(struct conf *c, const struct conf_line *cl)
{
    if (c->meta_line[cl->meta])
        return fail(c, "%s given twice (first at line %d)", meta_keys[cl->meta],
                    c->meta_line[cl->meta]);
    c->meta_line[cl->meta] = c->line;
    struct netkit_lab *lab = c->lab;
    char **slot[META_N] = {&lab->description, &lab->author, &lab->version,
                           &lab->email,       &lab->web,    &lab->name};
    if (!(*slot[cl->meta] = strdup(cl->value)))
        return fail(c, "out of memory");
    return 0;
}

/* ---- pass 2: a machine's lines ---- */

/* The guest a line is about; 1 when machines= leaves it out. */
static int guest_for(struct conf *c, const char *name, int *gi)
{
    struct lab_spec *s = c->lab->spec;
    if (!nk_name_ok(name))
        return fail(c, "machine name '%s': %s", name, name_rules);
    if (labfile_find_lan(s, name) >= 0)
        return fail(c, "'%s' is both a machine and a collision domain (umlab needs two names)",
                    name);
    if ((*gi = labfile_find_guest(s, name)) >= 0)
        return 0;
    if (c->machines_line) {
        for (size_t i = 0; i < c->nskipped; i++)
            if (strcmp(c->skipped_name[i], name) == 0)
                return 1;
        if (c->nskipped < LABFILE_MAX_GUESTS) { /* more: left out unnamed */
            c->skipped[c->nskipped] = c->line;
            snprintf(c->skipped_name[c->nskipped++], LABFILE_NAME_MAX, "%s", name);
        }
        return 1;
    }
    return (*gi = nk_add_guest(c->lab, name, c->file, c->line, c->e)) < 0 ? -1 : 0;
}

static int tap_nic(struct conf *c, int gi, const char *value, struct labfile_nic *n)
{
    struct lab_spec *s = c->lab->spec;
    const char *name = s->guests[gi].name;
    n->lan = -1;
    n->prefix = s->subnet.prefix;
    for (int i = 0; i < LABFILE_MAX_NICS; i++)
        if (c->nic_line[gi][i] && c->nics[gi][i].lan < 0)
            return fail(c,
                        "%s has two tap interfaces (umlab gives a guest one routed tap; line %d)",
                        name, c->nic_line[gi][i]);
    struct in_addr host = nk_host_addr(s);
    char hb[INET_ADDRSTRLEN], sb[INET_ADDRSTRLEN];
    if (!c->tap_line) {
        c->tap_line = c->line;
        if (nk_note(c->lab,
                    "%s:%d: a tap domain is umlab's routed tap: the host is the gateway at %s "
                    "on %s/%d (TAP-ADDRESS is not used)",
                    c->file, c->line, addr_str(host, hb), addr_str(s->subnet.net, sb),
                    s->subnet.prefix) < 0)
            return fail(c, "out of memory");
    }
    if (strcmp(value, "tap") == 0)
        return 0;
    char buf[NK_LINE_MAX];
    snprintf(buf, sizeof buf, "%s", value);
    char *tap = buf, *taddr = strchr(tap, ',');
    char *gaddr = taddr ? strchr(taddr + 1, ',') : NULL;
    if (!taddr || !gaddr || strchr(gaddr + 1, ','))
        return fail(c, "usage: M[N]=tap,TAP-ADDRESS,GUEST-ADDRESS");
    *taddr++ = '\0';
    *gaddr++ = '\0';
    struct in_addr ta, ga;
    struct err sub;
    if (addr_parse(taddr, &ta, NULL, &sub) < 0 || addr_parse(gaddr, &ga, NULL, &sub) < 0)
        return fail(c, "tap: %s", sub.msg);
    struct in_addr used[LABFILE_MAX_GUESTS];
    size_t nused = 0;
    for (size_t g = 0; g < s->nguests; g++)
        for (int i = 0; i < LABFILE_MAX_NICS; i++)
            if (c->nic_line[g][i] && c->nics[g][i].lan < 0 && c->nics[g][i].has_addr)
                used[nused++] = c->nics[g][i].addr;
    if (addr_check_guest(&s->subnet, host, used, nused, ga, &sub) < 0) {
        if (nk_note(c->lab, "%s:%d: %s's tap address: %s; umlab gives it none", c->file, c->line,
                    name, sub.msg) < 0)
            return fail(c, "out of memory");
        return 0;
    }
    n->has_addr = true;
    n->addr = ga;
    return 0;
}

static bool mac_ok(const char *m)
{
    if (strlen(m) != 17)
        return false;
    for (int i = 0; i < 17; i++) {
        char ch = m[i];
        bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (i % 3 == 2 ? ch != ':' : !hex)
            return false;
    }
    return true;
}

static int do_nic(struct conf *c, int gi, const char *arg, const char *value)
{
    struct lab_spec *s = c->lab->spec;
    const char *name = s->guests[gi].name;
    long idx;
    if (parse_long(arg, 0, 999, &idx) < 0)
        return fail(c, "%s[%s]: not an interface number", name, arg);
    if (idx >= LABFILE_MAX_NICS)
        return fail(c, "%s[%ld]: a umlab guest has at most %d interfaces (eth0-eth%d)", name, idx,
                    LABFILE_MAX_NICS, LABFILE_MAX_NICS - 1);
    if (c->nic_line[gi][idx])
        return fail(c, "%s[%ld] given twice (first at line %d)", name, idx, c->nic_line[gi][idx]);
    struct labfile_nic n = {.lan = -1, .prefix = -1, .line = c->line};
    if (!*value)
        return fail(c, "%s[%ld]: no collision domain", name, idx);
    if (strncmp(value, "tap", 3) == 0 && (value[3] == '\0' || value[3] == ',')) {
        if (tap_nic(c, gi, value, &n) < 0)
            return -1;
    } else {
        char dom[NK_LINE_MAX];
        snprintf(dom, sizeof dom, "%s", value);
        char *mac = strchr(dom, '/');
        if (mac) {
            *mac++ = '\0';
            if (!mac_ok(mac))
                return fail(c, "%s[%ld]: '%s' is not a MAC address (DOMAIN/xx:xx:xx:xx:xx:xx)",
                            name, idx, mac);
            if (nk_note(c->lab, "%s:%d: %s eth%ld's MAC address is not honoured (umlab picks it)",
                        c->file, c->line, name, idx) < 0)
                return fail(c, "out of memory");
        }
        if (!nk_name_ok(dom))
            return fail(c, "collision domain '%s': %s", dom, name_rules);
        if (labfile_find_guest(s, dom) >= 0)
            return fail(c, "'%s' is both a machine and a collision domain (umlab needs two names)",
                        dom);
        for (size_t g = 0; g < c->nskipped; g++)
            if (strcmp(c->skipped_name[g], dom) == 0)
                return fail(c,
                            "'%s' is both a machine and a collision domain (umlab needs two "
                            "names)",
                            dom);
        int li = labfile_find_lan(s, dom);
        if (li < 0) {
            if (s->nlans == LABFILE_MAX_LANS)
                return fail(c, "more than %d collision domains", LABFILE_MAX_LANS);
            li = (int)s->nlans++;
            memset(&s->lans[li], 0, sizeof s->lans[li]);
            snprintf(s->lans[li].name, sizeof s->lans[li].name, "%s", dom);
            s->lans[li].line = c->line;
        }
        for (int i = 0; i < LABFILE_MAX_NICS; i++)
            if (c->nic_line[gi][i] && c->nics[gi][i].lan == li)
                return fail(c, "%s is on %s twice (eth%d and eth%ld)", name, dom, i, idx);
        n.lan = li;
    }
    c->nics[gi][idx] = n;
    c->nic_line[gi][idx] = c->line;
    return 0;
}

/* Netkit: MiB; Kathará: a number with b, k, m or g. MiB 16..65536 here. */
static int do_mem(struct conf *c, int gi, const char *value)
{
    char num[16];
    size_t n = strlen(value);
    long mult = 1, m;
    if (n == 0 || n >= sizeof num)
        goto bad;
    memcpy(num, value, n + 1);
    if (num[n - 1] == 'm' || num[n - 1] == 'M') {
        num[--n] = '\0';
    } else if (num[n - 1] == 'g' || num[n - 1] == 'G') {
        num[--n] = '\0';
        mult = 1024;
    }
    if (parse_long(num, 1, 65536, &m) < 0 || m * mult < 16 || m * mult > 65536)
        goto bad;
    c->lab->spec->guests[gi].mem_mb = (int)(m * mult);
    return 0;
bad:
    return fail(c, "%s[mem]=%s: give MiB between 16 and 65536 (64, 64m or 1g)",
                c->lab->spec->guests[gi].name, value);
}

static int do_image(struct conf *c, int gi, const char *opt, const char *value)
{
    struct labfile_guest *g = &c->lab->spec->guests[gi];
    struct netkit_guest *ng = &c->lab->guests[gi];
    if (c->image_line[gi])
        return fail(c, "%s's image given twice (first at line %d)", g->name, c->image_line[gi]);
    c->image_line[gi] = c->line;
    if (!*value || strlen(value) > OPT_TEXT_MAX)
        return fail(c, "%s[%s]: give an image name of 1-%d characters", g->name, opt, OPT_TEXT_MAX);
    if (!(ng->image_name = strdup(value)))
        return fail(c, "out of memory");
    for (size_t i = 0; c->o && i < c->o->nimages; i++) {
        if (strcmp(c->o->images[i].name, value) == 0) {
            if (!(g->image = strdup(c->o->images[i].image)))
                return fail(c, "out of memory");
            return 0;
        }
    }
    if (nk_note(c->lab,
                "%s:%d: %s: image '%s' is not mapped (--image %s=IMAGE): the lab's default image",
                c->file, c->line, g->name, value, value) < 0)
        return fail(c, "out of memory");
    return 0;
}

/* Kathará's M[sysctl]="net.KEY=VALUE": typed as `sysctl -w` at boot. */
static int do_sysctl(struct conf *c, int gi, const char *value)
{
    const char *name = c->lab->spec->guests[gi].name;
    const char *eq = strchr(value, '=');
    bool ok = eq && strncmp(value, "net.", 4) == 0 && strlen(value) <= OPT_TEXT_MAX &&
              eq[1] != '\0' && !strstr(value, "..");
    for (const char *p = value; ok && p < eq; p++)
        ok = key_char(*p);
    for (const char *p = eq ? eq + 1 : value; ok && *p; p++)
        ok = key_char(*p) && *p != '.';
    if (!ok)
        return fail(c, "%s[sysctl]=%s: give net.KEY=VALUE (letters, digits, '.', '_', '-')", name,
                    value);
    char line[OPT_TEXT_MAX + 16];
    snprintf(line, sizeof line, "sysctl -w %s", value);
    struct err sub;
    if (nk_add_startup(c->lab, (size_t)gi, line, &sub) < 0)
        return fail(c, "%s", sub.msg);
    return 0;
}

static int ignore(struct conf *c, const char *name, const char *opt)
{
    struct ignored *ig = NULL;
    for (size_t i = 0; i < c->nign && !ig; i++)
        if (strcmp(c->ign[i].opt, opt) == 0)
            ig = &c->ign[i];
    if (!ig) {
        if (c->nign == MAX_IGNORED) {
            if (!c->ign_more_line)
                c->ign_more_line = c->line;
            return 0;
        }
        ig = &c->ign[c->nign++];
        snprintf(ig->opt, sizeof ig->opt, "%s", opt);
        ig->line = c->line;
    }
    for (int i = 0; i < ig->nwho && i < MAX_WHO; i++)
        if (strcmp(ig->who[i], name) == 0)
            return 0;
    if (ig->nwho < MAX_WHO)
        snprintf(ig->who[ig->nwho], LABFILE_NAME_MAX, "%s", name);
    ig->nwho++;
    return 0;
}

static int do_assign(struct conf *c, const struct conf_line *cl)
{
    int gi = -1;
    int rc = guest_for(c, cl->key, &gi);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    const char *arg = cl->arg, *v = cl->value;
    if (arg[0] >= '0' && arg[0] <= '9')
        return do_nic(c, gi, arg, v);
    if (!strcmp(arg, "mem") || !strcmp(arg, "M")) {
        if (c->mem_line[gi])
            return fail(c, "%s's mem given twice (first at line %d)", cl->key, c->mem_line[gi]);
        c->mem_line[gi] = c->line;
        return do_mem(c, gi, v);
    }
    if (!strcmp(arg, "image") || !strcmp(arg, "model-fs") || !strcmp(arg, "m"))
        return do_image(c, gi, arg, v);
    if (!strcmp(arg, "sysctl"))
        return do_sysctl(c, gi, v);
    return ignore(c, cl->key, arg);
}

/* ---- after the lines ---- */

/* Each guest's NICs, eth0 up: a gap is refused (as Kathará does). */
static int place_nics(struct conf *c)
{
    struct lab_spec *s = c->lab->spec;
    for (size_t g = 0; g < s->nguests; g++) {
        int top = -1;
        for (int i = 0; i < LABFILE_MAX_NICS; i++)
            if (c->nic_line[g][i])
                top = i;
        for (int i = 0; i < top; i++) {
            if (!c->nic_line[g][i]) {
                c->line = c->nic_line[g][i + 1] ? c->nic_line[g][i + 1] : c->nic_line[g][top];
                return fail(c, "%s has eth%d but no eth%d: umlab numbers interfaces without gaps",
                            s->guests[g].name, top, i);
            }
        }
        for (int i = 0; i <= top; i++)
            s->guests[g].nics[i] = c->nics[g][i];
        s->guests[g].nnics = (size_t)(top + 1);
    }
    return 0;
}

static const char *hint(const char *opt)
{
    if (!strcmp(opt, "exec"))
        return "; put the command in M.startup";
    if (!strcmp(opt, "bridged"))
        return "; umlab's way out is a routed tap and `nat on`";
    if (!strcmp(opt, "port"))
        return "; no port is mapped";
    return "";
}

static int write_notes(struct conf *c)
{
    struct netkit_lab *lab = c->lab;
    int rc = 0;
    for (size_t i = 0; i < c->nign && !rc; i++) {
        const struct ignored *ig = &c->ign[i];
        struct strbuf who = {0};
        for (int k = 0; k < ig->nwho && k < MAX_WHO; k++)
            sb_printf(&who, "%s%s", k ? ", " : "", ig->who[k]);
        if (ig->nwho > MAX_WHO)
            sb_printf(&who, ", ...");
        rc = nk_note(lab, "%s:%d: M[%s] is not honoured by umlab (%s)%s", c->file, ig->line,
                     ig->opt, sb_str(&who), hint(ig->opt));
        sb_free(&who);
    }
    if (c->ign_more_line && !rc)
        rc = nk_note(lab, "%s:%d: more options are not honoured by umlab", c->file,
                     c->ign_more_line);
    for (size_t i = 0; i < c->nskipped && !rc; i++)
        rc = nk_note(lab, "%s:%d: %s is not in machines= (line %d): not started", c->file,
                     c->skipped[i], c->skipped_name[i], c->machines_line);
    return rc < 0 ? fail(c, "out of memory") : 0;
}

/* The LAB_ keys as the spec's title and description lines. */
static int describe(struct conf *c)
{
    struct netkit_lab *lab = c->lab;
    struct lab_spec *s = lab->spec;
    if (lab->description && *lab->description && !(s->title = strdup(lab->description)))
        return fail(c, "out of memory");
    const char *const label[] = {"Author", "Version", "Email", "Web"};
    const char *const val[] = {lab->author, lab->version, lab->email, lab->web};
    for (int i = 0; i < 4; i++) {
        if (!val[i] || !*val[i])
            continue;
        if (asprintf(&s->desc[s->ndesc], "%s: %s", label[i], val[i]) < 0) {
            s->desc[s->ndesc] = NULL;
            return fail(c, "out of memory");
        }
        s->ndesc++;
    }
    if (lab->name && lab_name_valid(lab->name))
        snprintf(s->name, sizeof s->name, "%s", lab->name);
    return 0;
}

static int run(struct conf *c, const char *text, size_t len)
{
    struct conf_line *cl = malloc(sizeof *cl);
    char *buf = malloc(NK_LINE_MAX);
    int rc = -1;
    if (!cl || !buf) {
        nk_fail(c->e, c->file, 0, "out of memory");
        goto out;
    }
    for (int pass = 1; pass <= 2; pass++) {
        struct nk_lines it;
        nk_lines_init(&it, text, len);
        int got;
        while ((got = nk_next_line(&it, buf, c->file, c->e)) > 0) {
            c->line = it.line;
            if (split_line(c, buf, cl) < 0)
                goto out;
            int r = 0;
            if (pass == 1 && cl->kind == L_MACHINES)
                r = do_machines(c, cl->value);
            else if (pass == 1 && cl->kind == L_META)
                r = do_meta(c, cl);
            else if (pass == 1 && cl->kind == L_OTHER_LAB)
                r = nk_note(c->lab, "%s:%d: %s is not honoured by umlab", c->file, c->line,
                            cl->key) < 0
                        ? fail(c, "out of memory")
                        : 0;
            else if (pass == 2 && cl->kind == L_ASSIGN)
                r = do_assign(c, cl);
            if (r < 0)
                goto out;
        }
        if (got < 0)
            goto out;
    }
    rc = place_nics(c) < 0 || write_notes(c) < 0 || describe(c) < 0 ? -1 : 0;
out:
    free(cl);
    free(buf);
    return rc;
}

int netkit_parse_conf(const char *name, const char *text, size_t len, const struct netkit_opts *o,
                      struct netkit_lab **out, struct err *e)
{
    *out = NULL;
    if (len > NETKIT_FILE_MAX)
        return nk_fail(e, name, 0, "larger than %d bytes", NETKIT_FILE_MAX);
    struct conf *c = calloc(1, sizeof *c);
    struct netkit_lab *lab = nk_new(name);
    if (!c || !lab) {
        free(c);
        netkit_free(lab);
        return nk_fail(e, name, 0, "out of memory");
    }
    if (o && o->subnet)
        lab->spec->subnet = *o->subnet;
    c->lab = lab;
    c->o = o;
    c->file = name;
    c->e = e;
    int rc = run(c, text, len);
    free(c);
    if (rc < 0) {
        netkit_free(lab);
        return -1;
    }
    *out = lab;
    return 0;
}
