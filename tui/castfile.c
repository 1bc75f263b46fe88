/* castfile.c — see castfile.h. */
#include "tui/castfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/asuser.h"

/* Runs as the user. O_NONBLOCK at open: a FIFO planted there cannot block. */
static int open_here(const char *path, const void *arg, struct err *e)
{
    bool force = *(const bool *)arg;
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
                (force ? O_TRUNC : O_EXCL);
    int fd = open(path, flags, 0644);
    struct stat st;
    /* O_EXCL says EEXIST for a link too, O_NOFOLLOW ELOOP */
    if (fd < 0 && (errno == EEXIST || errno == ELOOP) && lstat(path, &st) == 0 &&
        S_ISLNK(st.st_mode))
        return err_set(e, "record: %s is a symbolic link (refused)", path);
    if (fd < 0 && errno == EEXIST)
        return err_set(e, "record: %s exists (--force overwrites it)", path);
    if (fd < 0)
        return err_sys(e, "record: %s", path);
    int fl = -1;
    if (fstat(fd, &st) < 0)
        err_sys(e, "record: %s", path);
    else if (!S_ISREG(st.st_mode))
        err_set(e, "record: %s is not a regular file (refused)", path);
    else if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
        err_sys(e, "record: %s", path);
    else
        return fd;
    close(fd);
    return -1;
}

int castfile_open(const struct histfile_owner *o, const char *path, bool force, struct err *e)
{
    if (!path || !*path)
        return err_set(e, "record: give a file name");
    return asuser_open(o, "record", path, open_here, &force, e);
}
