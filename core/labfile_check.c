/* labfile_check.c — `check` lines: what each kind of check names, validated
 * against the guests, LANs and NICs the file declares. */
#include <regex.h>
#include <stdlib.h>

#include "core/labfile_internal.h"
#include "core/regex_size.h"

/* ethN of guest GI. */
static int nic_value(struct lf_parser *p, int gi, const char *w, int *out)
{
    const struct labfile_guest *g = &p->s->guests[gi];
    size_t have = g->nnics ? g->nnics : 1;
    if (strncmp(w, "eth", 3) != 0 || w[3] < '0' || w[3] > '9' || w[4])
        return lf_fail(p, "'%s': give an interface eth0..eth%d", w, LABFILE_MAX_NICS - 1);
    if ((size_t)(w[3] - '0') >= have)
        return lf_fail(p, "%s has no %s (it has %zu NIC%s)", g->name, w, have, have > 1 ? "s" : "");
    *out = w[3] - '0';
    return 0;
}

/* A POSIX extended regex, refused when regcomp would work too hard on it
 * (see regex_size.h). */
static int regex_value(struct lf_parser *p, const char *re)
{
    if (strlen(re) > LABFILE_REGEX_MAX)
        return lf_fail(p, "regex longer than %d characters", LABFILE_REGEX_MAX);
    struct regex_size sz;
    regex_measure(re, LABFILE_REGEX_ATOMS, &sz);
    if (sz.stacked)
        return lf_fail(p, "regex repeats a repetition (like a+* or a{2}+): put it in a group");
    if (sz.atoms > LABFILE_REGEX_ATOMS)
        return lf_fail(p, "regex too large once its repetitions are expanded (over %d copies)",
                       LABFILE_REGEX_ATOMS);
    if (sz.loops > LABFILE_REGEX_LOOPS)
        return lf_fail(p, "regex has over %d *, + and ? once its repetitions are expanded",
                       LABFILE_REGEX_LOOPS);
    regex_t rx;
    int rc = regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
    if (rc != 0) {
        char why[128];
        regerror(rc, &rx, why, sizeof why);
        return lf_fail(p, "bad regex '%s': %s", re, why);
    }
    regfree(&rx);
    return 0;
}

static int check_reach(struct lf_parser *p, struct lf_words *ws, int at, struct labfile_check *c)
{
    if (ws->n != at + 2)
        return lf_fail(p, "usage: check [!] reach GUEST GUEST|host|internet|ADDR");
    if (lf_guest_ref(p, ws->w[at], &c->guest) < 0)
        return -1;
    const char *t = ws->w[at + 1];
    if (!strcmp(t, "host"))
        c->to = LABFILE_TO_HOST;
    else if (!strcmp(t, "internet"))
        c->to = LABFILE_TO_INTERNET;
    else if ((c->to_guest = labfile_find_guest(p->s, t)) >= 0)
        c->to = LABFILE_TO_GUEST;
    else if (t[0] >= '0' && t[0] <= '9') {
        c->to = LABFILE_TO_ADDR;
        return lf_addr_value(p, t, &c->to_addr);
    } else
        return lf_fail(p, "unknown guest '%s' (or give host, internet or an address)", t);
    return 0;
}

static int check_addr(struct lf_parser *p, struct lf_words *ws, int at, struct labfile_check *c)
{
    struct err sub;
    if (ws->n != at + 3)
        return lf_fail(p, "usage: check [!] addr GUEST ethN ADDR/LEN");
    if (lf_guest_ref(p, ws->w[at], &c->guest) < 0 ||
        nic_value(p, c->guest, ws->w[at + 1], &c->nic) < 0)
        return -1;
    if (addr_parse(ws->w[at + 2], &c->addr, &c->prefix, &sub) < 0)
        return lf_fail(p, "%s", sub.msg);
    if (c->prefix < 0)
        return lf_fail(p, "'%s': give ADDR/LEN", ws->w[at + 2]);
    return 0;
}

static int check_route(struct lf_parser *p, struct lf_words *ws, int at, struct labfile_check *c)
{
    if (ws->n != at + 4 || strcmp(ws->w[at + 2], "via") != 0)
        return lf_fail(p, "usage: check [!] route GUEST DEST|default via GATEWAY");
    if (lf_guest_ref(p, ws->w[at], &c->guest) < 0 ||
        lf_dest_value(p, ws->w[at + 1], &c->addr, &c->prefix) < 0)
        return -1;
    return lf_addr_value(p, ws->w[at + 3], &c->gw);
}

static int check_counter(struct lf_parser *p, struct lf_words *ws, int at, struct labfile_check *c)
{
    static const char usage[] = "usage: check [!] counter LAN|GUEST [ethN]|uplink rx|tx moved";
    int left = ws->n - at;
    if (left != 3 && left != 4)
        return lf_fail(p, "%s", usage);
    const char *dir = ws->w[ws->n - 2], *what = ws->w[ws->n - 1], *t = ws->w[at];
    if ((strcmp(dir, "rx") != 0 && strcmp(dir, "tx") != 0) || strcmp(what, "moved") != 0)
        return lf_fail(p, "%s", usage);
    c->tx = dir[0] == 't';
    c->guest = labfile_find_guest(p->s, t);
    if (c->guest >= 0)
        return left == 4 ? nic_value(p, c->guest, ws->w[at + 1], &c->nic) : 0;
    if (left == 4)
        return lf_fail(p, "%s", usage);
    if (!strcmp(t, "uplink"))
        c->uplink = true;
    else if ((c->lan = labfile_find_lan(p->s, t)) < 0)
        return lf_fail(p, "unknown LAN or guest '%s'", t);
    return 0;
}

int lf_kw_check(struct lf_parser *p, const char *line)
{
    struct lf_words ws;
    if (lf_split(p, line, 3, &ws) < 0)
        return -1;
    struct labfile_check c = {.guest = -1, .to_guest = -1, .lan = -1, .line = p->line};
    int at = 1;
    if (ws.n > 1 && !strcmp(ws.w[1], "!")) {
        c.negate = true;
        at = 2;
    }
    if (ws.n <= at)
        return lf_fail(p, "usage: check [!] reach|addr|route|counter|screen|exec ...");
    static const char *const kinds[] = {"reach", "addr", "route", "counter", "screen", "exec"};
    size_t k = 0;
    while (k < sizeof kinds / sizeof *kinds && strcmp(ws.w[at], kinds[k]) != 0)
        k++;
    if (k == sizeof kinds / sizeof *kinds)
        return lf_fail(p, "unknown check '%s' (reach, addr, route, counter, screen, exec)",
                       ws.w[at]);
    c.kind = (enum labfile_check_kind)k;
    bool text = c.kind == LABFILE_CHECK_SCREEN || c.kind == LABFILE_CHECK_EXEC;
    if (lf_split(p, line, text ? at + 2 : LF_MAX_WORDS, &ws) < 0)
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
            return lf_fail(p, "usage: %s", usage);
        rc = lf_guest_ref(p, ws.w[at], &c.guest);
        if (rc == 0)
            rc = lf_text_field(p, &ws, false, usage, &c.text);
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
        return lf_fail(p, "more than %d checks", LABFILE_MAX_CHECKS);
    }
    p->s->checks[p->s->nchecks++] = c;
    return 0;
}
