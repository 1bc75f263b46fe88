/* mconsole.c — see mconsole.h. */
#include "core/mconsole.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/loop.h"

int mconsole_encode(const char *cmd, struct mconsole_request *req, struct err *e)
{
    size_t len = strlen(cmd);
    if (len == 0)
        return err_set(e, "mconsole: empty command");
    if (len >= MCONSOLE_MAX)
        return err_set(e, "mconsole: command too long (%zu bytes, max %d)", len, MCONSOLE_MAX - 1);
    memset(req, 0, sizeof *req);
    req->magic = MCONSOLE_MAGIC;
    req->version = MCONSOLE_VERSION;
    req->len = (uint32_t)len;
    memcpy(req->data, cmd, len);
    return 0;
}

int mconsole_decode(const void *buf, size_t n, struct mconsole_reply *rep, struct err *e)
{
    const size_t head = offsetof(struct mconsole_reply, data);
    if (n < head)
        return err_set(e, "mconsole: short reply (%zu bytes)", n);
    memset(rep, 0, sizeof *rep);
    memcpy(rep, buf, n < sizeof *rep ? n : sizeof *rep);
    if (rep->len >= MCONSOLE_MAX || head + rep->len > n)
        return err_set(e, "mconsole: reply length %u does not fit", rep->len);
    rep->data[rep->len] = '\0';
    return 0;
}

int mconsole_call(const char *path, const char *cmd, int timeout_ms, char *out, size_t outsz,
                  struct err *e)
{
    struct mconsole_request req;
    if (mconsole_encode(cmd, &req, e) < 0)
        return -1;
    if (outsz)
        out[0] = '\0';

    struct sockaddr_un to = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof to.sun_path)
        return err_set(e, "mconsole %s: path too long", path);
    strcpy(to.sun_path, path);

    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return err_sys(e, "mconsole: socket");
    /* Autobind to an abstract address so the guest has somewhere to reply. */
    sa_family_t fam = AF_UNIX;
    if (bind(fd, (struct sockaddr *)&fam, sizeof fam) < 0) {
        err_sys(e, "mconsole: bind");
        close(fd);
        return -1;
    }
    size_t reqlen = offsetof(struct mconsole_request, data) + req.len;
    if (sendto(fd, &req, reqlen, 0, (struct sockaddr *)&to, sizeof to) < 0) {
        err_sys(e, "mconsole %s", path);
        close(fd);
        return -1;
    }

    int64_t deadline = loop_now_ms() + timeout_ms;
    size_t used = 0;
    int rc = 0;
    for (;;) {
        int left = (int)(deadline - loop_now_ms());
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = left > 0 ? poll(&p, 1, left) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = err_sys(e, "mconsole: poll");
            break;
        }
        if (r == 0) {
            rc = err_set(e, "mconsole '%s': no answer within %d ms", cmd, timeout_ms);
            break;
        }
        char buf[sizeof(struct mconsole_reply)];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) {
            rc = err_sys(e, "mconsole: recv");
            break;
        }
        struct mconsole_reply rep;
        if (mconsole_decode(buf, (size_t)n, &rep, e) < 0) {
            rc = -1;
            break;
        }
        if (outsz > used + 1) {
            int w = snprintf(out + used, outsz - used, "%s", rep.data);
            used += (w > 0 && (size_t)w < outsz - used) ? (size_t)w : outsz - used - 1;
        }
        if (rep.err)
            rc = 1;
        if (!rep.more)
            break;
    }
    close(fd);
    if (rc == 1) /* OUT holds nothing (not even a NUL) when OUTSZ is 0 */
        err_set(e, "mconsole '%s': %s", cmd, outsz ? out : "");
    return rc;
}

/* Root talks to a socket in a tree the sudo user owns (guests/ is theirs so
 * their UML can create it). Resolving a path there by name would let the user
 * aim root's datagrams anywhere with a symlink (another daemon's socket, whose
 * peer credentials would say root). So the socket is resolved once, beneath
 * DIR with no symlink in any component (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), held by an O_PATH descriptor, required to be a socket
 * owned by OWNER (the uid the guest runs as), and the datagram goes to that very
 * inode through /proc/self/fd/N: a rename or symlink swap afterwards cannot
 * redirect it. Dropping to the user's fsuid for the sendto was the other
 * choice; it still leaves root's supplementary groups in force. */
int mconsole_resolve(int dirfd, const char *rel, uid_t owner, struct err *e)
{
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC, /* a final symlink: ELOOP from RESOLVE_NO_SYMLINKS */
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    if (fd < 0) {
        if (errno == ELOOP || errno == EXDEV)
            return err_set(e, "mconsole %s: a symlink on the way (refused)", rel);
        return err_sys(e, "mconsole %s", rel);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        err_sys(e, "mconsole %s: stat", rel);
        close(fd);
        return -1;
    }
    if (!S_ISSOCK(st.st_mode) || st.st_uid != owner) {
        err_set(e, "mconsole %s: not a socket of uid %u (refused)", rel, (unsigned)owner);
        close(fd);
        return -1;
    }
    return fd;
}

int mconsole_call_at(const char *dir, const char *rel, uid_t owner, const char *cmd, int timeout_ms,
                     char *out, size_t outsz, struct err *e)
{
    if (outsz)
        out[0] = '\0';
    int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return err_sys(e, "mconsole: %s", dir);
    int fd = mconsole_resolve(dirfd, rel, owner, e);
    close(dirfd);
    if (fd < 0)
        return -1;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int rc = mconsole_call(path, cmd, timeout_ms, out, outsz, e);
    close(fd);
    return rc;
}
