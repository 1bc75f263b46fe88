/* netkit.c — what the Netkit readers share: messages, lines, names, notes,
 * the lab itself, and the commands that build it wave by wave. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "base/utf8.h"
#include "core/lab.h"
#include "core/netkit_internal.h"

int nk_fail(struct err *e, const char *file, int line, const char *fmt, ...)
{
    char msg[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        return err_set(e, "%s:%d: %s", file, line, msg);
    return err_set(e, "%s: %s", file, msg);
}

void nk_lines_init(struct nk_lines *it, const char *text, size_t len)
{
    it->p = text;
    it->end = text + len;
    it->line = 0;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        it->p += 3;
}

int nk_next_line(struct nk_lines *it, char *buf, const char *file, struct err *e)
{
    if (it->p >= it->end)
        return 0;
    it->line++;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *stop = nl ? nl : it->end;
    size_t n = (size_t)(stop - it->p);
    const char *s = it->p;
    it->p = nl ? nl + 1 : it->end;
    if (n && s[n - 1] == '\r')
        n--;
    if (n >= NK_LINE_MAX)
        return nk_fail(e, file, it->line, "line longer than %d characters", NK_LINE_MAX - 1);
    size_t at;
    switch (utf8_text_check(s, n, &at)) {
    case UTF8_TEXT:
        break;
    case UTF8_CONTROL:
        if (!s[at])
            return nk_fail(e, file, it->line, "NUL byte");
        return nk_fail(e, file, it->line, "control character 0x%02x", (unsigned char)s[at]);
    case UTF8_INVALID:
    case UTF8_C1:
        return nk_fail(e, file, it->line, "invalid UTF-8 (or a C1 control character)");
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 1;
}

bool nk_name_ok(const char *name)
{
    static const char *const reserved[] = {"tap", "uplink", "internet", "shared", NULL};
    if (!guest_name_valid(name))
        return false;
    for (int i = 0; reserved[i]; i++)
        if (strcmp(name, reserved[i]) == 0)
            return false;
    return true;
}

void nk_escape(struct strbuf *out, const char *s, size_t n, size_t max)
{
    for (size_t i = 0; i < n; i++) {
        if (i == max) {
            sb_printf(out, "...");
            return;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            sb_append(out, s + i, 1);
        else
            sb_printf(out, "\\x%02x", c);
    }
}

int nk_note(struct netkit_lab *lab, const char *fmt, ...)
{
    if (lab->nnotes > NETKIT_MAX_NOTES)
        return 0;
    char *t;
    if (lab->nnotes == NETKIT_MAX_NOTES) {
        t = strdup("(more notes left out)");
    } else {
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&t, fmt, ap);
        va_end(ap);
        if (n < 0)
            t = NULL;
    }
    if (!t)
        return -1;
    lab->notes[lab->nnotes++] = t;
    return 0;
}

struct netkit_lab *nk_new(const char *source)
{
    struct netkit_lab *lab = calloc(1, sizeof *lab);
    if (!lab)
        return NULL;
    lab->spec = labfile_new(source);
    lab->guests = calloc(LABFILE_MAX_GUESTS, sizeof *lab->guests);
    lab->notes = calloc(NETKIT_MAX_NOTES + 1, sizeof *lab->notes);
    if (!lab->spec || !lab->guests || !lab->notes) {
        netkit_free(lab);
        return NULL;
    }
    lab->nwaves = 1;
    return lab;
}

void netkit_free(struct netkit_lab *lab)
{
    if (!lab)
        return;
    if (lab->spec && lab->guests) {
        for (size_t i = 0; i < lab->spec->nguests; i++) {
            struct netkit_guest *g = &lab->guests[i];
            free(g->image_name);
            free(g->test_cmd);
            free(g->sig_user);
            free(g->sig_shared);
        }
    }
    labfile_free(lab->spec);
    free(lab->guests);
    for (size_t i = 0; i < lab->nnotes; i++)
        free(lab->notes[i]);
    free(lab->notes);
    free(lab->description);
    free(lab->author);
    free(lab->version);
    free(lab->email);
    free(lab->web);
    free(lab->name);
    free(lab->shared_test_cmd);
    free(lab);
}

int nk_add_guest(struct netkit_lab *lab, const char *name, const char *file, int line,
                 struct err *e)
{
    struct lab_spec *s = lab->spec;
    if (s->nguests == LABFILE_MAX_GUESTS)
        return nk_fail(e, file, line, "more than %d machines", LABFILE_MAX_GUESTS);
    struct labfile_guest *g = &s->guests[s->nguests];
    memset(g, 0, sizeof *g);
    memset(&lab->guests[s->nguests], 0, sizeof lab->guests[s->nguests]);
    snprintf(g->name, sizeof g->name, "%s", name);
    g->line = line;
    g->forward = true; /* Netkit's and Kathará's guests had ip_forward=1 */
    return (int)s->nguests++;
}

int nk_add_startup(struct netkit_lab *lab, size_t gi, const char *text, struct err *e)
{
    struct labfile_guest *g = &lab->spec->guests[gi];
    if (g->nstartup == LABFILE_MAX_STARTUP)
        return err_set(e, "%s: more than %d startup lines", g->name, LABFILE_MAX_STARTUP);
    if (!g->startup && !(g->startup = calloc(LABFILE_MAX_STARTUP, sizeof *g->startup)))
        return err_set(e, "out of memory");
    if (!(g->startup[g->nstartup] = strdup(text)))
        return err_set(e, "out of memory");
    g->nstartup++;
    return 0;
}

int nk_script_line(char *buf, size_t size, const char *script, bool crlf)
{
    int n = crlf ? snprintf(buf, size, "tr -d '\\r' < " NETKIT_HOSTLAB "/%s | sh", script)
                 : snprintf(buf, size, "sh " NETKIT_HOSTLAB "/%s", script);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

bool nk_generated_line(const char *line)
{
    static const char *const forms[] = {"sh " NETKIT_HOSTLAB "/", "cp -R " NETKIT_HOSTLAB "/",
                                        "ln -sfn " NETKIT_HOSTLAB "/",
                                        "tr -d '\\r' < " NETKIT_HOSTLAB "/", NULL};
    for (int i = 0; forms[i]; i++)
        if (strncmp(line, forms[i], strlen(forms[i])) == 0)
            return true;
    return false;
}

struct in_addr nk_host_addr(const struct lab_spec *s)
{
    return subnet_host(&s->subnet, subnet_size(&s->subnet));
}

/* ---- commands, wave by wave ---- */

struct wave_ctx {
    labfile_line_fn fn;
    void *ctx;
    bool skip_lans; /* a later wave: the LANs were added by the first */
};

static int wave_line(void *ctx, const char *line)
{
    struct wave_ctx *w = ctx;
    if (w->skip_lans && strncmp(line, "lan add ", 8) == 0)
        return 0;
    return w->fn(w->ctx, line);
}

int netkit_to_commands(const struct netkit_lab *lab, labfile_line_fn fn, void *ctx)
{
    const struct lab_spec *s = lab->spec;
    if (lab->nwaves <= 1)
        return labfile_to_commands(s, fn, ctx);
    struct labfile_guest *wave = calloc(s->nguests ? s->nguests : 1, sizeof *wave);
    if (!wave)
        return -1;
    int rc = 0;
    for (int w = 0; w < lab->nwaves && !rc; w++) {
        /* The same spec with this wave's guests only: guest_add lines name
         * LANs by index into the whole spec's LANs, kept. */
        struct lab_spec sub = *s;
        size_t n = 0;
        for (size_t i = 0; i < s->nguests; i++)
            if (lab->guests[i].wave == w)
                wave[n++] = s->guests[i];
        sub.guests = wave;
        sub.nguests = n;
        sub.checks = NULL;
        sub.nchecks = 0;
        if (w > 0) {
            sub.share_dir = NULL;
            sub.nat = -1;
        }
        struct wave_ctx wc = {fn, ctx, w > 0};
        rc = labfile_to_commands(&sub, wave_line, &wc);
    }
    free(wave);
    return rc;
}
