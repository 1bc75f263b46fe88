/* labsave.c — see labsave.h. */
#include "core/labsave.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/labapply.h"
#include "core/lab.h"
#include "core/useropen.h"

static int dup_to(char **dst, const char *src)
{
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

static bool same_login(const struct login *a, const struct login *b)
{
    return a->off == b->off && strcmp(a->user, b->user) == 0 && a->has_pass == b->has_pass &&
           strcmp(a->pass, b->pass) == 0;
}

/* L as a lab file's `login` word: "none", USER or USER:PASSWORD. */
static char *login_word(const struct login *l)
{
    char buf[LOGIN_USER_MAX + LOGIN_PASS_MAX + 1];
    if (l->off)
        snprintf(buf, sizeof buf, "none");
    else
        snprintf(buf, sizeof buf, "%s%s%s", l->user, l->has_pass ? ":" : "", l->pass);
    return strdup(buf);
}

/* Image, memory and login every guest shares become the lab's defaults
 * (what a loaded lab file's `image`, `mem` and `login` give); the rest is
 * written per guest where it differs from what a fresh umlab would use. */
static int save_defaults(struct lab_spec *s, const struct lab *lab)
{
    if (!lab->nguests)
        return 0;
    const struct guest *g0 = lab->guests[0];
    bool image = strcmp(g0->rootfs, lab->embedded_rootfs) != 0, mem = g0->mem_mb != LAB_DEFAULT_MEM;
    struct login root;
    login_parse(NULL, &root, NULL);
    bool login = !same_login(&g0->login, &root);
    for (size_t i = 1; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        image = image && strcmp(g->rootfs, g0->rootfs) == 0;
        mem = mem && g->mem_mb == g0->mem_mb;
        login = login && same_login(&g->login, &g0->login);
    }
    if (image && dup_to(&s->image, g0->rootfs) < 0)
        return -1;
    if (mem)
        s->mem_mb = g0->mem_mb;
    if (login && !(s->login = login_word(&g0->login)))
        return -1;
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        struct labfile_guest *lg = &s->guests[i];
        const char *def_image = s->image ? s->image : lab->embedded_rootfs;
        if (strcmp(g->rootfs, def_image) != 0 && dup_to(&lg->image, g->rootfs) < 0)
            return -1;
        if (g->mem_mb != (s->mem_mb ? s->mem_mb : LAB_DEFAULT_MEM))
            lg->mem_mb = g->mem_mb;
        if (!same_login(&g->login, login ? &g0->login : &root) &&
            !(lg->login = login_word(&g->login)))
            return -1;
    }
    return 0;
}

static int lan_index(const struct lab *lab, const struct lab_lan *lan)
{
    for (size_t i = 0; i < lab->nlans; i++)
        if (lab->lans[i] == lan)
            return (int)i;
    return -1;
}

/* G's NICs, routes and forwarding into LG. */
static int save_net(struct labfile_guest *lg, const struct lab *lab, const struct guest *g,
                    struct err *e)
{
    size_t n = 0;
    while (n < GUEST_MAX_NICS && g->nics[n].present)
        n++;
    for (size_t k = n; k < GUEST_MAX_NICS; k++)
        if (g->nics[k].present)
            return err_set(e,
                           "save: %s has eth%zu but no eth%zu: a lab file numbers NICs from eth0",
                           g->name, k, n);
    /* the seed's one routed tap without an address is what a guest gets anyway */
    if (!(n == 1 && !g->nics[0].lan && !g->nics[0].addr.s_addr))
        for (size_t k = 0; k < n && k < LABFILE_MAX_NICS; k++) {
            const struct guest_nic *gn = &g->nics[k];
            lg->nics[lg->nnics++] = (struct labfile_nic){
                .lan = gn->lan ? lan_index(lab, gn->lan) : -1,
                .has_addr = gn->addr.s_addr != 0,
                .addr = gn->addr,
                .prefix = gn->lan ? gn->prefix : lab->subnet.prefix,
            };
        }
    for (size_t k = 0; k < g->nroutes && k < LABFILE_MAX_ROUTES; k++)
        lg->routes[lg->nroutes++] = (struct labfile_route){
            .dest = g->routes[k].dest, .prefix = g->routes[k].prefix, .gw = g->routes[k].gw};
    lg->forward = g->forward;
    return 0;
}

struct lab_spec *labsave_spec(const struct lab *lab, const char *source, struct err *e)
{
    struct lab_spec *s = labfile_new(source);
    if (!s) {
        err_sys(e, "save");
        return NULL;
    }
    struct subnet def;
    if (subnet_parse(LABFILE_DEFAULT_NET, &def, e) < 0)
        goto fail;
    s->subnet = lab->subnet;
    s->has_subnet = lab->subnet.net.s_addr != def.net.s_addr || lab->subnet.prefix != def.prefix;
    if (lab->nat) {
        s->nat = 1;
        /* the sandbox's uplink is the default there; a host's is named */
        if (!lab->inet_netns[0] && dup_to(&s->uplink, lab->uplink) < 0)
            goto oom;
    }
    if (lab->nguests > LABFILE_MAX_GUESTS || lab->nlans > LABFILE_MAX_LANS) {
        err_set(e, "save: more than %d guests or %d LANs", LABFILE_MAX_GUESTS, LABFILE_MAX_LANS);
        goto fail;
    }
    for (size_t i = 0; i < lab->nlans; i++) {
        const struct lab_lan *l = lab->lans[i];
        struct labfile_lan *ll = &s->lans[s->nlans++];
        snprintf(ll->name, sizeof ll->name, "%s", l->name);
        ll->has_subnet = l->has_subnet;
        ll->subnet = l->subnet;
    }
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        struct labfile_guest *lg = &s->guests[s->nguests++];
        snprintf(lg->name, sizeof lg->name, "%s", g->name);
        if (save_net(lg, lab, g, e) < 0)
            goto fail;
    }
    if (save_defaults(s, lab) < 0 || labsave_carry(s, labapply_spec(lab)) < 0)
        goto oom;
    return s;
oom:
    err_sys(e, "save");
fail:
    labfile_free(s);
    return NULL;
}

int labsave_write(const struct lab *lab, const char *path, struct err *e)
{
    struct lab_spec *s = labsave_spec(lab, path, e);
    if (!s)
        return -1;
    /* a guest's password stays with whoever saved it */
    mode_t mode = labsave_has_password(s) ? 0600 : 0644;
    struct useropen_who who = {lab->guest_uid, lab->guest_gid, lab->drop_priv};
    int fd = useropen(&who, path, O_WRONLY | O_CREAT | O_EXCL, mode, e);
    if (fd < 0) {
        labfile_free(s);
        return -1;
    }
    /* fchmod: the mode whatever the umask */
    FILE *f = fchmod(fd, mode) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        err_sys(e, "save %s", path);
        close(fd);
        labfile_free(s);
        return -1;
    }
    int rc = labfile_write(s, f);
    if (fclose(f) != 0)
        rc = -1;
    labfile_free(s);
    if (rc < 0)
        return err_sys(e, "save %s: write", path);
    return 0;
}
