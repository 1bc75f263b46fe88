/* labfile_out.c — a lab spec as canonical lab-file text, and as the command
 * lines that build it. */
#include <stdlib.h>

#include "core/labfile_internal.h"

void labfile_quote(struct strbuf *out, const char *word)
{
    bool safe = *word != '\0';
    for (const char *c = word; *c && safe; c++)
        safe = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
               strchr("_-./:@%+=,", *c) != NULL;
    if (safe) {
        sb_printf(out, "%s", word);
        return;
    }
    sb_append(out, "'", 1);
    for (const char *c = word; *c; c++) {
        if (*c == '\'')
            sb_printf(out, "'\\''"); /* close, an escaped quote, reopen */
        else
            sb_append(out, c, 1);
    }
    sb_append(out, "'", 1);
}

/* " WORD" (quoted as needed). */
static void put_word(struct strbuf *out, const char *word)
{
    sb_append(out, " ", 1);
    labfile_quote(out, word);
}

/* " KEY WORD" when WORD is set. */
static void put_opt(struct strbuf *out, const char *key, const char *word)
{
    if (word) {
        sb_printf(out, " %s", key);
        put_word(out, word);
    }
}

static void put_addr(struct strbuf *out, struct in_addr a, int prefix)
{
    char b[INET_ADDRSTRLEN];
    if (prefix >= 0)
        sb_printf(out, "%s/%d", addr_str(a, b), prefix);
    else
        sb_printf(out, "%s", addr_str(a, b));
}

void labfile_check_format(const struct lab_spec *s, const struct labfile_check *c,
                          struct strbuf *out)
{
    static const char *const kinds[] = {"reach", "addr", "route", "counter", "screen", "exec"};
    const char *subject = c->guest >= 0 ? s->guests[c->guest].name : NULL;
    sb_printf(out, "%s%s", c->negate ? "! " : "", kinds[c->kind]);
    switch (c->kind) {
    case LABFILE_CHECK_REACH:
        sb_printf(out, " %s ", subject);
        if (c->to == LABFILE_TO_GUEST)
            sb_printf(out, "%s", s->guests[c->to_guest].name);
        else if (c->to == LABFILE_TO_HOST)
            sb_printf(out, "host");
        else if (c->to == LABFILE_TO_INTERNET)
            sb_printf(out, "internet");
        else
            put_addr(out, c->to_addr, -1);
        break;
    case LABFILE_CHECK_ADDR:
        sb_printf(out, " %s eth%d ", subject, c->nic);
        put_addr(out, c->addr, c->prefix);
        break;
    case LABFILE_CHECK_ROUTE:
        sb_printf(out, " %s ", subject);
        lf_format_dest(out, c->addr, c->prefix);
        sb_printf(out, " via ");
        put_addr(out, c->gw, -1);
        break;
    case LABFILE_CHECK_COUNTER:
        if (subject)
            sb_printf(out, " %s eth%d", subject, c->nic);
        else
            sb_printf(out, " %s", c->uplink ? "uplink" : s->lans[c->lan].name);
        sb_printf(out, " %s moved", c->tx ? "tx" : "rx");
        break;
    case LABFILE_CHECK_SCREEN:
    case LABFILE_CHECK_EXEC:
        sb_printf(out, " %s %s", subject, c->text);
        break;
    }
}

static void format_guest(const struct lab_spec *s, const struct labfile_guest *g, struct strbuf *o)
{
    sb_printf(o, "\nguest %s", g->name);
    put_opt(o, "image", g->image);
    if (g->mem_mb)
        sb_printf(o, " mem %d", g->mem_mb);
    put_opt(o, "login", g->login);
    if (s->nhosts)
        sb_printf(o, " host %s", s->hosts[g->host].name);
    sb_printf(o, "\n");
    for (size_t i = 0; i < g->nnics; i++) {
        const struct labfile_nic *n = &g->nics[i];
        sb_printf(o, "nic %s %s", g->name, n->lan < 0 ? "tap" : s->lans[n->lan].name);
        if (n->has_addr) {
            sb_printf(o, " ");
            put_addr(o, n->addr, n->lan < 0 ? -1 : n->prefix);
        }
        sb_printf(o, "\n");
    }
    for (size_t i = 0; i < g->nroutes; i++) {
        sb_printf(o, "route %s ", g->name);
        lf_format_dest(o, g->routes[i].dest, g->routes[i].prefix);
        sb_printf(o, " via ");
        put_addr(o, g->routes[i].gw, -1);
        sb_printf(o, "\n");
    }
    if (g->forward)
        sb_printf(o, "forward %s on\n", g->name);
    for (size_t i = 0; i < g->nstartup; i++)
        sb_printf(o, "startup %s %s\n", g->name, g->startup[i]);
}

void labfile_format(const struct lab_spec *s, struct strbuf *o)
{
    sb_printf(o, "# umlab lab file (docs/LABFILE.md)\n");
    if (s->title)
        sb_printf(o, "title %s\n", s->title);
    for (size_t i = 0; i < s->ndesc; i++)
        sb_printf(o, "description%s%s\n", s->desc[i][0] ? " " : "", s->desc[i]);
    if (s->name[0])
        sb_printf(o, "lab %s\n", s->name);
    if (s->has_subnet) {
        sb_printf(o, "subnet ");
        put_addr(o, s->subnet.net, s->subnet.prefix);
        sb_printf(o, "\n");
    }
    /* the defaults for every guest, one line each */
    const char *const keys[] = {"image", "login"};
    const char *const vals[] = {s->image, s->login};
    for (int i = 0; i < 2; i++) {
        if (vals[i]) {
            sb_printf(o, "%s", keys[i]);
            put_word(o, vals[i]);
            sb_printf(o, "\n");
        }
    }
    if (s->mem_mb)
        sb_printf(o, "mem %d\n", s->mem_mb);
    if (s->share_dir) {
        sb_printf(o, "share");
        put_word(o, s->share_dir);
        put_word(o, s->share_mount ? s->share_mount : LABFILE_DEFAULT_SHARE);
        sb_printf(o, " %s\n", s->share_rw ? "rw" : "ro");
    }
    if (s->nat >= 0) {
        sb_printf(o, "nat %s", s->nat ? "on" : "off");
        if (s->nat && s->uplink)
            put_word(o, s->uplink);
        sb_printf(o, "\n");
    }
    labfile_format_hosts(s, o);
    if (s->nlans)
        sb_printf(o, "\n");
    for (size_t i = 0; i < s->nlans; i++) {
        sb_printf(o, "lan %s", s->lans[i].name);
        if (s->lans[i].has_subnet) {
            sb_printf(o, " subnet ");
            put_addr(o, s->lans[i].subnet.net, s->lans[i].subnet.prefix);
        }
        sb_printf(o, "\n");
    }
    for (size_t i = 0; i < s->nguests; i++)
        format_guest(s, &s->guests[i], o);
    if (s->nchecks)
        sb_printf(o, "\n");
    for (size_t i = 0; i < s->nchecks; i++) {
        sb_printf(o, "check ");
        labfile_check_format(s, &s->checks[i], o);
        sb_printf(o, "\n");
    }
}

int labfile_write(const struct lab_spec *s, FILE *f)
{
    struct strbuf b = {0};
    labfile_format(s, &b);
    if (b.oom) {
        sb_free(&b);
        errno = ENOMEM;
        return -1;
    }
    size_t len = b.len;
    size_t n = fwrite(sb_str(&b), 1, len, f);
    sb_free(&b);
    return n == len && fflush(f) == 0 ? 0 : -1;
}

/* ---- commands ---- */

/* " KEY PATH" when PATH is set, a relative one taken from the lab file's
 * directory (KEY NULL: no key). */
static void put_path(struct strbuf *out, const struct lab_spec *s, const char *key,
                     const char *path)
{
    if (!path)
        return;
    if (key)
        sb_printf(out, " %s", key);
    if (path[0] == '/' || !s->dir) {
        put_word(out, path);
        return;
    }
    struct strbuf full = {0};
    sb_printf(&full, "%s/%s", s->dir, path);
    put_word(out, sb_str(&full));
    sb_free(&full);
}

static void guest_add_line(const struct lab_spec *s, const struct labfile_guest *g,
                           struct strbuf *o)
{
    const char *image = g->image ? g->image : s->image;
    const char *login = g->login ? g->login : s->login;
    int mem = g->mem_mb ? g->mem_mb : s->mem_mb;
    sb_printf(o, "guest add %s", g->name);
    put_path(o, s, "--rootfs", image);
    if (mem)
        sb_printf(o, " --mem %d", mem);
    put_opt(o, "--login", login);
    /* The seed's one routed tap is what `guest add` does today. */
    if (g->nnics == 1 && g->nics[0].lan < 0) {
        if (g->nics[0].has_addr) {
            sb_printf(o, " --ip ");
            put_addr(o, g->nics[0].addr, -1);
        }
        return;
    }
    for (size_t i = 0; i < g->nnics; i++) {
        const struct labfile_nic *n = &g->nics[i];
        sb_printf(o, " --nic %s", n->lan < 0 ? "tap" : s->lans[n->lan].name);
        if (n->has_addr) {
            sb_printf(o, ":");
            put_addr(o, n->addr, n->lan < 0 ? -1 : n->prefix);
        }
    }
}

/* Calls FN with B's text and empties B; stops on FN's non-zero (or no memory). */
static int emit(struct strbuf *b, labfile_line_fn fn, void *ctx)
{
    int rc = b->oom ? -1 : fn(ctx, sb_str(b));
    sb_free(b);
    return rc;
}

int labfile_to_commands(const struct lab_spec *s, labfile_line_fn fn, void *ctx)
{
    struct strbuf b = {0};
    int rc = 0;
    for (size_t i = 0; i < s->nlans && !rc; i++) {
        const struct labfile_lan *l = &s->lans[i];
        if (!labfile_lan_here(s, i)) /* a multi-host lab's part: another host's LAN */
            continue;
        sb_printf(&b, "lan add %s", l->name);
        if (l->has_subnet) {
            sb_printf(&b, " --subnet ");
            put_addr(&b, l->subnet.net, l->subnet.prefix);
        }
        labfile_lan_vxlan_opt(s, i, &b);
        rc = emit(&b, fn, ctx);
    }
    if (s->share_dir && !rc) {
        sb_printf(&b, "share");
        put_path(&b, s, NULL, s->share_dir);
        put_word(&b, s->share_mount ? s->share_mount : LABFILE_DEFAULT_SHARE);
        sb_printf(&b, " %s", s->share_rw ? "rw" : "ro");
        rc = emit(&b, fn, ctx);
    }
    for (size_t i = 0; i < s->nguests && !rc; i++) {
        if (s->guests[i].later || !labfile_guest_here(s, i))
            continue;
        guest_add_line(s, &s->guests[i], &b);
        rc = emit(&b, fn, ctx);
    }
    if (s->nat == 1 && labfile_nat_here(s) && !rc) {
        sb_printf(&b, "nat on");
        if (s->uplink)
            put_word(&b, s->uplink);
        rc = emit(&b, fn, ctx);
    }
    for (size_t i = 0; i < s->nguests && !rc; i++) {
        if (s->guests[i].later || !labfile_guest_here(s, i))
            continue;
        sb_printf(&b, "wait %s", s->guests[i].name);
        rc = emit(&b, fn, ctx);
    }
    for (size_t i = 0; i < s->nguests && !rc; i++) {
        const struct labfile_guest *g = &s->guests[i];
        if (g->later || !labfile_guest_here(s, i))
            continue;
        for (size_t k = 0; k < g->nroutes && !rc; k++) {
            sb_printf(&b, "route %s add ", g->name);
            lf_format_dest(&b, g->routes[k].dest, g->routes[k].prefix);
            sb_printf(&b, " via ");
            put_addr(&b, g->routes[k].gw, -1);
            rc = emit(&b, fn, ctx);
        }
        if (g->forward && !rc) {
            sb_printf(&b, "forward %s on", g->name);
            rc = emit(&b, fn, ctx);
        }
    }
    for (size_t i = 0; i < s->nguests && !rc; i++) {
        const struct labfile_guest *g = &s->guests[i];
        if (g->later || !labfile_guest_here(s, i))
            continue;
        for (size_t k = 0; k < g->nstartup && !rc; k++) {
            sb_printf(&b, "exec %s", g->name);
            put_word(&b, g->startup[k]);
            rc = emit(&b, fn, ctx);
        }
    }
    sb_free(&b);
    return rc;
}
