/* image.c — see image.h. Only the magic numbers are read: the guest's kernel
 * does the real mounting. */
#include "core/image.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *image_kind(const unsigned char *head, size_t len)
{
    if (len >= 4 && memcmp(head, "QFI\xfb", 4) == 0)
        return "qcow2";
    /* ext2/3/4: superblock at 1024, s_magic 0xEF53 (little-endian) at +56 */
    if (len >= 1024 + 58 && head[1024 + 56] == 0x53 && head[1024 + 57] == 0xef)
        return "ext";
    if (len >= 4 && memcmp(head, "XFSB", 4) == 0)
        return "xfs";
    if (len >= 0x10040 + 8 && memcmp(head + 0x10040, "_BHRfS_M", 8) == 0)
        return "btrfs";
    return NULL;
}

int image_check(const char *path, struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return err_sys(e, "rootfs %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int rc = err_sys(e, "rootfs %s", path);
        close(fd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, "rootfs %s is not a regular file", path);
    }
    unsigned char *head = calloc(1, IMAGE_HEAD_LEN);
    if (!head) {
        close(fd);
        return err_sys(e, "rootfs %s", path);
    }
    size_t got = 0;
    while (got < IMAGE_HEAD_LEN) {
        ssize_t n = pread(fd, head + got, IMAGE_HEAD_LEN - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int rc = err_sys(e, "rootfs %s: read", path);
            free(head);
            close(fd);
            return rc;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    const char *kind = image_kind(head, got);
    free(head);
    if (kind && strcmp(kind, "qcow2") == 0)
        return err_set(e,
                       "rootfs %s is a qcow2 image; linux.uml boots raw images: "
                       "qemu-img convert -O raw %s IMAGE.raw",
                       path, path);
    if (!kind)
        return err_set(e, "rootfs %s holds no ext2/3/4, XFS or Btrfs filesystem linux.uml can boot",
                       path);
    return 0;
}
