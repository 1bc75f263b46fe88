/* netkit_save.c — see netkit_save.h. */
#include "core/netkit_save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/lab.h"
#include "core/labsave.h"
#include "core/netkit.h"
#include "core/useropen.h"

struct lab_spec *netkit_save_spec(const struct lab *lab, const char *dir, struct err *e)
{
    struct lab_spec *s = labsave_spec(lab, dir, e);
    if (!s)
        return NULL;
    for (size_t i = 0; i < s->nguests && i < lab->nguests; i++) {
        const struct guest *g = lab->guests[i];
        if (!s->guests[i].nnics && g->nics[0].present && !g->nics[0].lan) {
            s->guests[i].nnics = 1; /* M[0]="tap" */
            s->guests[i].nics[0] = (struct labfile_nic){.lan = -1, .prefix = lab->subnet.prefix};
        }
    }
    return s;
}

struct save_ctx {
    const struct lab_spec *spec;
    const char *dir;
};

/* As the user: DIR made when missing, then the files. */
static int save_as_user(void *ctx, struct err *e)
{
    const struct save_ctx *c = ctx;
    bool made = mkdir(c->dir, 0755) == 0;
    if (!made && errno != EEXIST)
        return err_sys(e, "%s", c->dir);
    int fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            return err_set(e, "%s: not a directory (a symbolic link or a file: refused)", c->dir);
        return err_sys(e, "%s", c->dir);
    }
    int rc = made && fchmod(fd, 0755) < 0 ? err_sys(e, "%s: chmod", c->dir) : 0;
    if (rc == 0)
        rc = netkit_write(c->spec, fd, c->dir, e);
    close(fd);
    if (rc < 0 && made) /* ours and empty again: gone (best effort) */
        (void)rmdir(c->dir);
    return rc;
}

int netkit_save(const struct lab *lab, const char *dir, struct err *e)
{
    struct lab_spec *s = netkit_save_spec(lab, dir, e);
    if (!s)
        return -1;
    struct useropen_who who = {lab->guest_uid, lab->guest_gid, lab->drop_priv};
    struct save_ctx c = {s, dir};
    int rc = useropen_run(&who, save_as_user, &c, e);
    labfile_free(s);
    return rc;
}
