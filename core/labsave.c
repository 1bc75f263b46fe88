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

/* What came from the lab file and cannot be read back from the lab. */
static int copy_texts(struct lab_spec *s, const struct lab_spec *from)
{
    if (!from)
        return 0;
    memcpy(s->name, from->name, sizeof s->name);
    if (dup_to(&s->title, from->title) < 0)
        return -1;
    for (size_t i = 0; i < from->ndesc; i++) {
        if (dup_to(&s->desc[i], from->desc[i]) < 0)
            return -1;
        s->ndesc++;
    }
    return 0;
}

struct lab_spec *labsave_spec(const struct lab *lab, const char *source, struct err *e)
{
    struct lab_spec *s = labfile_new(source);
    if (!s) {
        err_sys(e, "save");
        return NULL;
    }
    if (copy_texts(s, labapply_spec(lab)) < 0)
        goto oom;
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
    if (lab->nguests > LABFILE_MAX_GUESTS) {
        err_set(e, "save: more than %d guests", LABFILE_MAX_GUESTS);
        goto fail;
    }
    for (size_t i = 0; i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        struct labfile_guest *lg = &s->guests[s->nguests++];
        snprintf(lg->name, sizeof lg->name, "%s", g->name);
        if (strcmp(g->rootfs, lab->rootfs) != 0 && dup_to(&lg->image, g->rootfs) < 0)
            goto oom;
        if (g->mem_mb != lab->mem_mb)
            lg->mem_mb = g->mem_mb;
        if (g->addr.s_addr) {
            lg->nnics = 1;
            lg->nics[0] = (struct labfile_nic){
                .lan = -1, .has_addr = true, .addr = g->addr, .prefix = lab->subnet.prefix};
        }
    }
    if (lab->mem_mb != LAB_DEFAULT_MEM)
        s->mem_mb = lab->mem_mb;
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
    struct useropen_who who = {lab->guest_uid, lab->guest_gid, lab->drop_priv};
    int fd = useropen(&who, path, O_WRONLY | O_CREAT | O_EXCL, 0644, e);
    if (fd < 0) {
        labfile_free(s);
        return -1;
    }
    /* fchmod: the mode whatever the umask */
    FILE *f = fchmod(fd, 0644) == 0 ? fdopen(fd, "w") : NULL;
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
