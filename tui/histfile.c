/* histfile.c — see histfile.h. */
#include "tui/histfile.h"

#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/asuser.h"

#define HISTFILE_MAX_READ (1 << 20) /* the user's file: read at most its last MiB */

static int set_home(struct histfile_owner *o, const char *dir, struct err *e)
{
    if (!dir || dir[0] != '/')
        return err_set(e, "history: no home directory for uid %u", (unsigned)o->uid);
    if (snprintf(o->home, sizeof o->home, "%s", dir) >= (int)sizeof o->home)
        return err_set(e, "history: home directory path too long");
    return 0;
}

int histfile_owner(struct histfile_owner *o, struct err *e)
{
    memset(o, 0, sizeof *o);
    o->uid = geteuid();
    o->gid = getegid();
    const char *su = getenv("SUDO_USER");
    if (o->uid == 0 && su && *su && strcmp(su, "root") != 0) {
        const struct passwd *pw = getpwnam(su);
        if (!pw)
            return err_set(e, "history: SUDO_USER '%s' is not a known user", su);
        const char *sid = getenv("SUDO_UID");
        char *end = NULL;
        errno = 0;
        unsigned long id = sid ? strtoul(sid, &end, 10) : 0;
        if (!sid || !*sid || *end || errno || id != (unsigned long)pw->pw_uid)
            return err_set(e, "history: SUDO_USER '%s' and SUDO_UID '%s' disagree", su,
                           sid ? sid : "");
        o->uid = pw->pw_uid;
        o->gid = pw->pw_gid;
        o->drop = o->uid != 0;
        return set_home(o, pw->pw_dir, e);
    }
    const struct passwd *pw = getpwuid(o->uid);
    const char *home = getenv("HOME");
    if (o->uid != 0 && home && *home)
        return set_home(o, home, e); /* an ordinary user: their own HOME */
    return set_home(o, pw ? pw->pw_dir : home, e);
}

int histfile_path(const struct histfile_owner *o, const char *xdg_state, char *out, size_t outsz)
{
    int n = xdg_state && *xdg_state ? snprintf(out, outsz, "%s/umlab_history", xdg_state)
                                    : snprintf(out, outsz, "%s/.umlab_history", o->home);
    return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int histfile_open_here(const char *path, struct err *e)
{
    char *dup = strdup(path);
    if (!dup)
        return err_sys(e, "history %s", path);
    if (mkdir(dirname(dup), 0700) < 0 && errno != EEXIST) {
        free(dup);
        return err_sys(e, "history %s: directory", path);
    }
    free(dup);
    int fd = open(
        path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_sys(e, "history %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        err_sys(e, "history %s", path);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return err_set(e, "history %s: not a regular file (refused)", path);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        err_sys(e, "history %s", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int open_here(const char *path, const void *arg, struct err *e)
{
    (void)arg;
    return histfile_open_here(path, e);
}

int histfile_open(const struct histfile_owner *o, const char *path, struct err *e)
{
    return asuser_open(o, "history", path, open_here, NULL, e);
}

/* The file's last HISTFILE_MAX_READ bytes (malloc'd, NUL-terminated), starting
 * at a line boundary. */
static char *read_tail(int fd, size_t *len, struct err *e)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        err_sys(e, "history: stat");
        return NULL;
    }
    off_t size = st.st_size, from = 0;
    if (size > HISTFILE_MAX_READ)
        from = size - HISTFILE_MAX_READ;
    size_t want = (size_t)(size - from);
    char *buf = malloc(want + 1);
    if (!buf) {
        err_sys(e, "history");
        return NULL;
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(fd, buf + got, want - got, from + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err_sys(e, "history: read");
            free(buf);
            return NULL;
        }
        if (n == 0)
            break; /* it shrank meanwhile */
        got += (size_t)n;
    }
    buf[got] = '\0';
    size_t skip = 0;
    if (from > 0) { /* a cut line is no line */
        char *nl = memchr(buf, '\n', got);
        skip = nl ? (size_t)(nl - buf) + 1 : got;
        memmove(buf, buf + skip, got - skip + 1);
    }
    *len = got - skip;
    return buf;
}

int histfile_read(int fd, void (*add)(void *ctx, const char *line), void *ctx, struct err *e)
{
    size_t len;
    char *buf = read_tail(fd, &len, e);
    if (!buf)
        return -1;
    for (char *p = buf; p < buf + len;) {
        char *nl = memchr(p, '\n', (size_t)(buf + len - p));
        if (nl)
            *nl = '\0';
        if (*p && strlen(p) == (size_t)((nl ? nl : buf + len) - p))
            add(ctx, p); /* a line with a NUL inside is skipped */
        p = nl ? nl + 1 : buf + len;
    }
    free(buf);
    return 0;
}

static int write_all(int fd, const char *s, size_t len, struct err *e)
{
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_sys(e, "history: write");
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

int histfile_append(int fd, const char *line, struct err *e)
{
    size_t len = strlen(line);
    if (memchr(line, '\n', len))
        return err_set(e, "history: a line with a newline is not kept");
    char *buf = malloc(len + 1);
    if (!buf)
        return err_sys(e, "history");
    memcpy(buf, line, len);
    buf[len] = '\n';
    int rc = write_all(fd, buf, len + 1, e); /* one write: concurrent consoles do not interleave */
    free(buf);
    return rc;
}

int histfile_trim(int fd, size_t keep, struct err *e)
{
    size_t len;
    char *buf = read_tail(fd, &len, e);
    if (!buf)
        return -1;
    /* from the end: the start of the KEEP-th last line */
    size_t lines = 0, start = len;
    while (start > 0) {
        size_t i = start - 1;
        if (buf[i] == '\n' && i + 1 < len && ++lines == keep)
            break;
        start--;
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) < 0) {
        rc = err_sys(e, "history: stat");
    } else if (start > 0 || (off_t)len < st.st_size) {
        /* O_APPEND: after the truncation the writes land at the start */
        if (ftruncate(fd, 0) < 0)
            rc = err_sys(e, "history: truncate");
        else
            rc = write_all(fd, buf + start, len - start, e);
    }
    free(buf);
    return rc;
}
