/* record.c — `record FILE`: what curses writes to the terminal, teed into an
 * asciicast v2 file (cast.h) for handing out.
 *
 * curses writes with write(2) to the descriptor of the FILE it was given, so
 * no stdio hook sees its output. The console gives it a descriptor of its own
 * (tui->curses_fd, a dup of the terminal); while recording, that descriptor
 * is swapped for an in-memory file, and after each frame record_pump moves
 * what landed there to the real terminal and, as one event, to the cast file.
 * A file never blocks a writer, so curses cannot stall on a full pipe; the
 * swap means nothing is done when nothing is drawn, and nothing at all when
 * not recording. The terminal modes are set on the same descriptor: curses
 * changes them only at start and at endwin, outside any recording. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/out.h"
#include "tui/cast.h"
#include "tui/castfile.h"
#include "tui/ui.h"

struct recording {
    int castfd;
    int ttyfd;           /* the terminal, while curses_fd is the in-memory file */
    char path[PATH_MAX]; /* as shown to the user: absolute */
    int64_t start_us;
    int width, height; /* the size the cast last said */
    bool broken;       /* the file failed: only the terminal gets output */
    struct cast_utf8 utf8;
    char *buf; /* one frame read back */
    size_t cap;
    struct strbuf line; /* one event */
    uint64_t bytes;     /* written to the file */
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writes all of S; waits for a terminal that set O_NONBLOCK. */
static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            if (poll(&p, 1, -1) < 0 && errno != EINTR)
                return -1;
            continue;
        }
        if (w < 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Appends the line to the file; false (E set, recording marked broken) when it fails. */
static bool write_line(struct recording *r, struct err *e)
{
    bool ok = !r->line.oom;
    if (!ok) {
        err_set(e, "record: %s: out of memory", r->path);
    } else if (write_all(r->castfd, r->line.s, r->line.len) < 0) {
        err_sys(e, "record: %s: write", r->path);
        ok = false;
        /* the file ends with the last whole event, still a valid cast */
        (void)!ftruncate(r->castfd, (off_t)r->bytes);
    } else {
        r->bytes += r->line.len;
    }
    r->line.len = 0;
    r->line.oom = false;
    if (!ok)
        r->broken = true;
    return ok;
}

/* Moves what curses wrote since the last call to the terminal and, as one
 * "o" event, to the file. -1 with E set when the file failed. */
static int drain(struct tui *t, struct err *e)
{
    struct recording *r = t->rec;
    off_t n = lseek(t->curses_fd, 0, SEEK_CUR);
    if (n <= 0)
        return n < 0 ? err_sys(e, "record: screen buffer") : 0;
    if ((size_t)n > r->cap) {
        char *nb = realloc(r->buf, (size_t)n);
        if (!nb)
            return err_sys(e, "record: screen buffer");
        r->buf = nb;
        r->cap = (size_t)n;
    }
    size_t got = 0;
    while (got < (size_t)n) {
        ssize_t k = pread(t->curses_fd, r->buf + got, (size_t)n - got, (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return err_sys(e, "record: screen buffer");
        got += (size_t)k;
    }
    if (ftruncate(t->curses_fd, 0) < 0 || lseek(t->curses_fd, 0, SEEK_SET) < 0)
        return err_sys(e, "record: screen buffer");
    (void)write_all(r->ttyfd, r->buf, got); /* a lost terminal: curses ignores it too */
    if (r->broken)
        return 0;
    cast_output(&r->utf8, &r->line, now_us() - r->start_us, r->buf, got);
    return write_line(r, e) ? 0 : -1;
}

/* Ends the recording: the last output, the terminal back to curses, the file
 * closed (*BYTES: its size, may be NULL). -1 with E set when its end failed. */
static int finish(struct tui *t, uint64_t *bytes, struct err *e)
{
    struct recording *r = t->rec;
    int rc = drain(t, e);
    if (!r->broken) {
        cast_flush(&r->utf8, &r->line, now_us() - r->start_us);
        if (!write_line(r, e))
            rc = -1;
    }
    /* dup3 fails only on a bad descriptor; curses' output is lost without it */
    while (dup3(r->ttyfd, t->curses_fd, O_CLOEXEC) < 0 && (errno == EINTR || errno == EBUSY))
        ;
    close(r->ttyfd);
    if (close(r->castfd) < 0 && rc == 0)
        rc = err_sys(e, "record: %s: close", r->path);
    if (bytes)
        *bytes = r->bytes;
    free(r->buf);
    sb_free(&r->line);
    free(r);
    t->rec = NULL;
    return rc;
}

/* The file failed: the recording stops, the console goes on. */
static void give_up(struct tui *t, const struct err *e)
{
    struct err fe = {""};
    finish(t, NULL, &fe);
    tui_log(t, LOG_ERR, "%s; recording stopped", e->msg);
}

void record_pump(struct tui *t)
{
    struct err e = {""};
    if (t->rec && drain(t, &e) < 0)
        give_up(t, &e);
}

void record_resize(struct tui *t)
{
    struct recording *r = t->rec;
    if (!r || (r->width == t->cols && r->height == t->rows))
        return;
    record_pump(t); /* what was drawn at the old size comes first */
    if (!t->rec)
        return;
    r->width = t->cols;
    r->height = t->rows;
    cast_resize(&r->line, now_us() - r->start_us, r->width, r->height);
    struct err e = {""};
    if (!write_line(r, &e))
        give_up(t, &e);
}

void record_end(struct tui *t)
{
    struct err e = {""};
    if (t->rec)
        finish(t, NULL, &e); /* the console is closing: nowhere left to say it */
}

static void show_path(const char *path, char *out, size_t outsz)
{
    char cwd[PATH_MAX];
    if (path[0] != '/' && getcwd(cwd, sizeof cwd))
        snprintf(out, outsz, "%s/%s", cwd, path);
    else
        snprintf(out, outsz, "%s", path);
}

static int start(struct tui *t, const char *path, bool force, struct out *o, struct err *e)
{
    if (t->rec)
        return err_set(e, "record: already recording to %s (record off first)", t->rec->path);
    const struct histfile_owner *user = t->opts ? t->opts->user : NULL;
    if (!user)
        return err_set(e, "record: %s",
                       t->opts && t->opts->user_error ? t->opts->user_error
                                                      : "no user to write as");
    struct recording *r = calloc(1, sizeof *r);
    if (!r)
        return err_sys(e, "record");
    r->ttyfd = -1;
    show_path(path, r->path, sizeof r->path);
    r->castfd = castfile_open(user, path, force, e);
    if (r->castfd < 0) {
        free(r);
        return -1;
    }
    char title[64];
    snprintf(title, sizeof title, "umlab: lab %s", t->lab->name);
    r->width = t->cols;
    r->height = t->rows;
    cast_header(&r->line, r->width, r->height, (int64_t)time(NULL), title, getenv("TERM"));
    int mem = -1;
    if (!write_line(r, e))
        goto fail;
    mem = memfd_create("umlab-record", MFD_CLOEXEC);
    if (mem < 0 || (r->ttyfd = fcntl(t->curses_fd, F_DUPFD_CLOEXEC, 3)) < 0 ||
        dup3(mem, t->curses_fd, O_CLOEXEC) < 0) {
        err_sys(e, "record: screen buffer");
        goto fail;
    }
    close(mem);
    r->start_us = now_us();
    t->rec = r;
    /* the cast starts with a whole screen: everything redrawn, the cursor
     * state said (curses writes it only when it changes) */
    curs_set(1);
    curs_set(0);
    clearok(curscr, TRUE);
    tui_mark(t, D_ALL);
    out_str(o, "file", "recording the screen to %s (record off stops)\n", r->path);
    return 0;
fail:
    if (mem >= 0)
        close(mem);
    if (r->ttyfd >= 0)
        close(r->ttyfd);
    close(r->castfd);
    sb_free(&r->line);
    free(r);
    return -1;
}

static int stop(struct tui *t, struct out *o, struct err *e)
{
    if (!t->rec)
        return err_set(e, "record: not recording");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", t->rec->path);
    double secs = (double)(now_us() - t->rec->start_us) / 1e6;
    uint64_t bytes = 0;
    if (finish(t, &bytes, e) < 0)
        return -1;
    out_printf(o, "recorded %.1f s of the screen (%llu KiB) to ", secs,
               (unsigned long long)(bytes + 1023) / 1024);
    out_str(o, "file", "%s\n", path);
    return 0;
}

int record_hook(void *ctx, const char *path, bool force, struct out *o, struct err *e)
{
    struct tui *t = ctx;
    return path ? start(t, path, force, o, e) : stop(t, o, e);
}
