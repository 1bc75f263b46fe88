/* sysctl.c — read and write /proc/sys values of the current namespace. */
#include "netcfg/sysctl.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#define PROC_SYS "/proc/sys/"

int sysctl_path(const char *key, char *out, size_t outsz)
{
    if (!key || !*key || !out) {
        errno = EINVAL;
        return -1;
    }
    size_t klen = strlen(key);
    if (sizeof PROC_SYS - 1 + klen + 1 > outsz) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* Interface names may contain dots: a key with any '/' is taken verbatim. */
    bool dotted = strchr(key, '/') == NULL;
    char *p = out + (sizeof PROC_SYS - 1);
    memcpy(out, PROC_SYS, sizeof PROC_SYS - 1);
    for (size_t i = 0; i < klen; i++)
        p[i] = (dotted && key[i] == '.') ? '/' : key[i];
    p[klen] = '\0';

    /* Refuse empty, "." and ".." components so a key cannot leave /proc/sys. */
    for (const char *c = p;;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
            errno = EINVAL;
            return -1;
        }
        if (c[n] == '\0')
            break;
        c += n + 1;
    }
    return 0;
}

int sysctl_read(const char *key, char *val, size_t valsz, struct err *e)
{
    char path[512];
    if (sysctl_path(key, path, sizeof path) < 0)
        return err_sys(e, "sysctl %s: bad key", key ? key : "(null)");
    if (!val || valsz == 0)
        return err_set(e, "sysctl %s: no room for the value", key);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_sys(e, "sysctl %s: open %s", key, path);

    size_t len = 0;
    for (;;) {
        if (len == valsz - 1) {
            /* Full: only fine if the file has nothing more than a newline left. */
            char extra[2];
            ssize_t m = read(fd, extra, sizeof extra);
            if (m < 0 && errno == EINTR)
                continue;
            if (m < 0) {
                err_sys(e, "sysctl %s: read", key);
                close(fd);
                return -1;
            }
            if (m > 1 || (m == 1 && extra[0] != '\n')) {
                close(fd);
                return err_set(e, "sysctl %s: value longer than %zu bytes", key, valsz - 1);
            }
            break;
        }
        ssize_t n = read(fd, val + len, valsz - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err_sys(e, "sysctl %s: read", key);
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    while (len > 0 && val[len - 1] == '\n')
        len--;
    val[len] = '\0';
    return 0;
}

int sysctl_write(const char *key, const char *val, struct err *e)
{
    char path[512];
    if (sysctl_path(key, path, sizeof path) < 0)
        return err_sys(e, "sysctl %s: bad key", key ? key : "(null)");
    if (!val)
        return err_set(e, "sysctl %s: no value", key);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return err_sys(e, "sysctl %s: open %s", key, path);
    size_t len = strlen(val);
    ssize_t n;
    do
        n = write(fd, val, len);
    while (n < 0 && errno == EINTR);
    /* procfs takes a value in one write; a short write would leave half a value. */
    if (n < 0) {
        err_sys(e, "sysctl %s=%s: write", key, val);
        close(fd);
        return -1;
    }
    if ((size_t)n != len) {
        close(fd);
        return err_set(e, "sysctl %s=%s: short write (%zd of %zu bytes)", key, val, n, len);
    }
    if (close(fd) < 0)
        return err_sys(e, "sysctl %s=%s: close", key, val);
    return 0;
}

#define CONF_DIR "/proc/sys/net/ipv4/conf"

int sysctl_forward_side_keys(void (*fn)(void *ctx, const char *key), void *ctx, struct err *e)
{
    DIR *d = opendir(CONF_DIR);
    if (!d)
        return err_sys(e, "%s", CONF_DIR);
    fn(ctx, "net/ipv4/conf/all/accept_redirects");
    fn(ctx, "net/ipv4/conf/default/forwarding");
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        if (n[0] == '.' || strcmp(n, "all") == 0 || strcmp(n, "default") == 0)
            continue;
        char key[SYSCTL_KEYSZ];
        if (snprintf(key, sizeof key, "net/ipv4/conf/%s/forwarding", n) < (int)sizeof key)
            fn(ctx, key);
        errno = 0;
    }
    int rc = errno ? err_sys(e, "%s", CONF_DIR) : 0;
    closedir(d);
    return rc;
}

bool sysctl_is_forward_key(const char *key)
{
    static const char conf[] = "net/ipv4/conf/";
    if (strcmp(key, SYSCTL_FORWARD) == 0 || strcmp(key, "net/ipv4/conf/all/accept_redirects") == 0)
        return true;
    if (strncmp(key, conf, sizeof conf - 1) != 0)
        return false;
    const char *dev = key + sizeof conf - 1;
    const char *slash = strchr(dev, '/');
    char path[512];
    return slash && slash > dev && (size_t)(slash - dev) < 16 &&
           strcmp(slash, "/forwarding") == 0 && sysctl_path(key, path, sizeof path) == 0;
}
