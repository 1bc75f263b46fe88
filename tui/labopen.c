/* labopen.c — see labopen.h. */
#include "tui/labopen.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/useropen.h"

bool labopen_is_lab(const char *path)
{
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".lab") == 0)
        return true;
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int labopen_read(const char *path, const struct netkit_image *images, size_t nimages,
                 const char *subnet, struct labopen *out, struct err *e)
{
    out->spec = NULL;
    out->nk = NULL;
    struct useropen_who who;
    useropen_who(&who);
    /* lstat only tells a directory from a file; the user opens either. */
    struct stat st;
    bool dir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
    int fd = useropen(&who, path, O_RDONLY | (dir ? O_DIRECTORY : 0), 0, e);
    if (fd < 0)
        return -1;
    int rc;
    if (dir) {
        struct subnet sn;
        struct err se;
        struct netkit_opts o = {.images = images, .nimages = nimages};
        if (subnet && subnet_parse(subnet, &sn, &se) == 0)
            o.subnet = &sn;
        rc = netkit_read(fd, path, &o, &out->nk, e);
        if (rc == 0)
            out->spec = out->nk->spec;
    } else {
        rc = labfile_read_fd(fd, path, &out->spec, e);
    }
    close(fd);
    return rc;
}
