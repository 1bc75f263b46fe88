/* tap.c — persistent tap devices through /dev/net/tun ioctls. */
#include "netcfg/tap.h"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_tun.h>

#define TUN_DEV "/dev/net/tun"

/* Rejects what the kernel's dev_valid_name() would, with a clearer message. */
static int tap_check_name(const char *name, struct err *e)
{
    if (!name || !*name)
        return err_set(e, "tap: empty interface name");
    if (strlen(name) >= IFNAMSIZ)
        return err_set(e, "tap %s: name too long (max %d characters)", name, IFNAMSIZ - 1);
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return err_set(e, "tap %s: invalid interface name", name);
    for (const char *p = name; *p; p++) {
        if (*p == '/' || *p == ':' || *p == ' ' || (*p >= '\t' && *p <= '\r'))
            return err_set(e, "tap %s: invalid character in interface name", name);
    }
    return 0;
}

/* Opens /dev/net/tun; errno is kept for the caller's message. */
static int tun_open(void)
{
    return open(TUN_DEV, O_RDWR | O_CLOEXEC);
}

static int tun_open_error(const char *name, struct err *e)
{
    if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
        return err_set(e, "tap %s: no " TUN_DEV ": load the tun module (modprobe tun)", name);
    if (errno == EPERM || errno == EACCES)
        return err_set(e, "tap %s: cannot open " TUN_DEV ": need CAP_NET_ADMIN (run as root)",
                       name);
    return err_sys(e, "tap %s: open " TUN_DEV, name);
}

int tap_check_available(struct err *e)
{
    struct stat st;
    if (stat(TUN_DEV, &st) < 0) {
        if (errno == ENOENT)
            return err_set(e, "no " TUN_DEV ": load the tun module (modprobe tun)");
        return err_sys(e, "stat " TUN_DEV);
    }
    if (!S_ISCHR(st.st_mode))
        return err_set(e, TUN_DEV " is not a character device");
    int fd = tun_open();
    if (fd < 0) {
        if (errno == EPERM || errno == EACCES)
            return err_set(e, "cannot open " TUN_DEV ": need CAP_NET_ADMIN (run as root)");
        if (errno == ENODEV || errno == ENXIO)
            return err_set(e, TUN_DEV " has no driver: load the tun module (modprobe tun)");
        return err_sys(e, "open " TUN_DEV);
    }
    close(fd);
    return 0;
}

int tap_create(const char *name, uid_t owner, gid_t group, struct err *e)
{
    if (tap_check_name(name, e) < 0)
        return -1;
    int fd = tun_open();
    if (fd < 0)
        return tun_open_error(name, e);

    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, name, strlen(name)); /* length checked above; NUL from memset */
    /* TUN_EXCL: fail instead of silently attaching to an existing device. */
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int rc, saved = errno == EBUSY ? EEXIST : errno;
        if (errno == EBUSY || errno == EEXIST)
            rc = err_set(e, "tap %s: an interface with this name already exists", name);
        else if (errno == EPERM || errno == EACCES)
            rc = err_set(e, "tap %s: TUNSETIFF: need CAP_NET_ADMIN (run as root)", name);
        else
            rc = err_sys(e, "tap %s: TUNSETIFF", name);
        close(fd);
        errno = saved; /* EEXIST: the name is someone else's, not to be undone */
        return rc;
    }
    /* Until TUNSETPERSIST succeeds, closing fd removes the half-made tap. */
    if (owner != (uid_t)-1 && ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0) {
        err_sys(e, "tap %s: TUNSETOWNER %lu", name, (unsigned long)owner);
        close(fd);
        return -1;
    }
    if (group != (gid_t)-1 && ioctl(fd, TUNSETGROUP, (unsigned long)group) < 0) {
        err_sys(e, "tap %s: TUNSETGROUP %lu", name, (unsigned long)group);
        close(fd);
        return -1;
    }
    if (ioctl(fd, TUNSETPERSIST, 1UL) < 0) {
        err_sys(e, "tap %s: TUNSETPERSIST", name);
        close(fd);
        return -1;
    }
    if (close(fd) < 0)
        return err_sys(e, "tap %s: close " TUN_DEV, name);
    return 0;
}

int tap_delete(const char *name, struct err *e)
{
    if (tap_check_name(name, e) < 0)
        return -1;
    /* TUNSETIFF on a missing name would create a tap: check first. */
    if (if_nametoindex(name) == 0) {
        if (errno == ENODEV || errno == ENXIO)
            return 0;
        return err_sys(e, "tap %s: if_nametoindex", name);
    }
    int fd = tun_open();
    if (fd < 0)
        return tun_open_error(name, e);

    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, name, strlen(name));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int rc;
        if (errno == EBUSY)
            rc = err_set(e, "tap %s: busy (a guest still has it open)", name);
        else if (errno == EINVAL)
            rc = err_set(e, "tap %s: exists but is not a tap device (or has other flags)", name);
        else if (errno == EPERM || errno == EACCES)
            rc = err_set(e, "tap %s: TUNSETIFF: need CAP_NET_ADMIN (run as root)", name);
        else
            rc = err_sys(e, "tap %s: TUNSETIFF", name);
        close(fd);
        return rc;
    }
    /* Clearing persistence makes the kernel delete the tap when fd closes. */
    if (ioctl(fd, TUNSETPERSIST, 0UL) < 0) {
        err_sys(e, "tap %s: TUNSETPERSIST 0", name);
        close(fd);
        return -1;
    }
    if (close(fd) < 0)
        return err_sys(e, "tap %s: close " TUN_DEV, name);
    return 0;
}
