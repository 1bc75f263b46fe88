/* journal.c — see journal.h. */
#include "core/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#define JOURNAL_HEADER    "umlab-journal 1\n"
#define JOURNAL_MAX_BYTES (16 << 20)

static const char *const kind_names[J_KIND_COUNT] = {
    [J_NETNS] = "netns",   [J_ENTER] = "enter", [J_TAP] = "tap",       [J_VETH] = "veth",
    [J_ADDR] = "addr",     [J_ROUTE] = "route", [J_SYSCTL] = "sysctl", [J_RULE] = "rule",
    [J_PROC] = "proc",     [J_FILE] = "file",   [J_DIR] = "dir",       [J_BRIDGE] = "bridge",
    [J_BRPORT] = "brport", [J_VXLAN] = "vxlan", [J_NETEM] = "netem",   [J_LINKDOWN] = "linkdown",
};

const char *journal_kind_name(enum jkind k)
{
    return (k >= 0 && k < J_KIND_COUNT) ? kind_names[k] : "?";
}

static bool has_space(const char *s)
{
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            return true;
    return false;
}

int journal_format(const struct jrecord *rec, char *buf, size_t bufsz)
{
    if (rec->kind < 0 || rec->kind >= J_KIND_COUNT || rec->nargs < 0 ||
        rec->nargs > JOURNAL_MAX_ARGS || (rec->kind == J_ENTER && rec->nargs != 1))
        return -1;
    int n = snprintf(buf, bufsz, "%u %s", rec->seq, kind_names[rec->kind]);
    if (n < 0 || (size_t)n >= bufsz)
        return -1;
    for (int i = 0; i < rec->nargs; i++) {
        if (!rec->args[i][0] || has_space(rec->args[i]))
            return -1;
        int m = snprintf(buf + n, bufsz - (size_t)n, " %s", rec->args[i]);
        if (m < 0 || (size_t)m >= bufsz - (size_t)n)
            return -1;
        n += m;
    }
    if ((size_t)n + 1 >= bufsz)
        return -1;
    buf[n++] = '\n';
    buf[n] = '\0';
    return n;
}

static int kind_from_name(const char *s)
{
    for (int k = 0; k < J_KIND_COUNT; k++)
        if (strcmp(kind_names[k], s) == 0)
            return k;
    return -1;
}

/* A zeroed record at the end of *RECS (N of CAP used), grown as needed; NULL
 * with E set when memory runs out. */
static struct jrecord *new_record(struct jrecord **recs, size_t *n, size_t *cap, struct err *e)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct jrecord *r = realloc(*recs, ncap * sizeof *r);
        if (!r) {
            err_sys(e, "journal");
            return NULL;
        }
        *recs = r;
        *cap = ncap;
    }
    struct jrecord *r = &(*recs)[(*n)++];
    memset(r, 0, sizeof *r);
    return r;
}

/* Splits LINE (modified) into words. */
static int split_words(char *line, char **words, int max)
{
    int n = 0;
    for (char *save = NULL, *w = strtok_r(line, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        if (n == max)
            return -1;
        words[n++] = w;
    }
    return n;
}

static int parse_line(char *line, int lineno, struct jrecord **recs, size_t *n, size_t *cap,
                      char *netns, struct err *e)
{
    char *w[2 + JOURNAL_MAX_ARGS];
    int nw = split_words(line, w, 2 + JOURNAL_MAX_ARGS);
    if (nw == 0)
        return 0;
    if (nw < 0)
        return err_set(e, "journal line %d: too many words", lineno);
    char *end;
    unsigned long seq = strtoul(w[0], &end, 10);
    if (end == w[0])
        return err_set(e, "journal line %d: no sequence number", lineno);
    if (strcmp(end, "-done") == 0 && nw == 1) {
        for (size_t i = 0; i < *n; i++)
            if ((*recs)[i].seq == seq)
                (*recs)[i].done = true;
        return 0;
    }
    if (*end || nw < 2)
        return err_set(e, "journal line %d: malformed", lineno);
    int kind = kind_from_name(w[1]);
    if (kind < 0)
        return err_set(e, "journal line %d: unknown record '%s'", lineno, w[1]);
    struct jrecord *r = new_record(recs, n, cap, e);
    if (!r)
        return -1;
    r->seq = (unsigned)seq;
    r->kind = (enum jkind)kind;
    r->nargs = nw - 2;
    for (int i = 0; i < r->nargs; i++) {
        if (strlen(w[2 + i]) >= sizeof r->args[i]) {
            r->invalid = true;
            snprintf(r->why, sizeof r->why, "field %d longer than %d bytes", i + 1,
                     JOURNAL_ARG_MAX - 1);
            r->args[i][0] = '\0';
            continue;
        }
        snprintf(r->args[i], sizeof r->args[i], "%s", w[2 + i]);
    }
    snprintf(r->netns, sizeof r->netns, "%s", netns);
    if (r->invalid)
        return 0; /* an enter record that cannot be read changes nothing either */
    if (r->kind == J_ENTER) {
        if (r->nargs != 1)
            return err_set(e, "journal line %d: enter needs a namespace", lineno);
        snprintf(netns, JOURNAL_ARG_MAX, "%s", strcmp(r->args[0], "-") == 0 ? "" : r->args[0]);
    }
    return 0;
}

/* A line holding a NUL: kept as an invalid record so that it is reported. */
static int add_invalid(struct jrecord **recs, size_t *n, size_t *cap, const char *why,
                       struct err *e)
{
    struct jrecord *r = new_record(recs, n, cap, e);
    if (!r)
        return -1;
    r->kind = J_KIND_COUNT;
    r->invalid = true;
    snprintf(r->why, sizeof r->why, "%s", why);
    return 0;
}

int journal_parse_n(const char *text, size_t tlen, struct jrecord **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0, hlen = strlen(JOURNAL_HEADER);
    /* Shorter than the header and a prefix of it: created, never written. */
    if (tlen < hlen && memcmp(text, JOURNAL_HEADER, tlen) == 0)
        return 0;
    if (tlen < hlen || memcmp(text, JOURNAL_HEADER, hlen) != 0)
        return err_set(e, "journal: not an umlab journal (bad header)");
    char netns[JOURNAL_ARG_MAX] = "";
    const char *p = text + hlen, *end = text + tlen;
    int lineno = 1;
    while (p < end) {
        lineno++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break; /* a torn last line (crash mid-write): that record never happened */
        size_t len = (size_t)(nl - p);
        char line[2048];
        int rc;
        if (memchr(p, '\0', len))
            rc = add_invalid(out, n, &cap, "NUL byte in line", e);
        else if (len >= sizeof line)
            rc = add_invalid(out, n, &cap, "line too long", e);
        else {
            memcpy(line, p, len);
            line[len] = '\0';
            rc = parse_line(line, lineno, out, n, &cap, netns, e);
        }
        if (rc < 0) {
            free(*out);
            *out = NULL;
            *n = 0;
            return -1;
        }
        p = nl + 1;
    }
    return 0;
}

int journal_parse(const char *text, struct jrecord **out, size_t *n, struct err *e)
{
    return journal_parse_n(text, strlen(text), out, n, e);
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int journal_create(struct journal *j, const char *path, struct err *e)
{
    memset(j, 0, sizeof *j);
    j->next_seq = 1;
    j->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (j->fd < 0)
        return err_sys(e, "journal %s", path);
    if (fchmod(j->fd, 0600) < 0 || write_all(j->fd, JOURNAL_HEADER, strlen(JOURNAL_HEADER)) < 0 ||
        fsync(j->fd) < 0) {
        err_sys(e, "journal %s", path);
        close(j->fd);
        j->fd = -1;
        return -1;
    }
    return 0;
}

int journal_reopen(struct journal *j, const char *path, struct err *e)
{
    memset(j, 0, sizeof *j);
    j->next_seq = 1;
    j->fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    if (j->fd < 0)
        return err_sys(e, "journal %s", path);
    return 0;
}

static int append_line(struct journal *j, const char *line, size_t len, struct err *e)
{
    if (j->fd < 0)
        return err_set(e, "journal: not open");
    if (write_all(j->fd, line, len) < 0 || fdatasync(j->fd) < 0)
        return err_sys(e, "journal: write");
    return 0;
}

int journal_add(struct journal *j, enum jkind kind, struct err *e, int nargs, ...)
{
    struct jrecord rec = {.seq = j->next_seq, .kind = kind, .nargs = nargs};
    if (nargs > JOURNAL_MAX_ARGS)
        return err_set(e, "journal: too many arguments");
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) {
        const char *a = va_arg(ap, const char *);
        if (snprintf(rec.args[i], sizeof rec.args[i], "%s", a) >= (int)sizeof rec.args[i]) {
            va_end(ap);
            return err_set(e, "journal: argument too long");
        }
    }
    va_end(ap);
    char line[JOURNAL_ARG_MAX * (JOURNAL_MAX_ARGS + 1)];
    int len = journal_format(&rec, line, sizeof line);
    if (len < 0)
        return err_set(e, "journal: cannot record %s (bad argument)", journal_kind_name(kind));
    if (j->nrecs == j->caprecs) {
        size_t ncap = j->caprecs ? j->caprecs * 2 : 32;
        struct jrecord *r = realloc(j->recs, ncap * sizeof *r);
        if (!r)
            return err_sys(e, "journal");
        j->recs = r;
        j->caprecs = ncap;
    }
    if (append_line(j, line, (size_t)len, e) < 0)
        return -1;
    snprintf(rec.netns, sizeof rec.netns, "%s", j->netns);
    if (kind == J_ENTER)
        snprintf(j->netns, sizeof j->netns, "%s", strcmp(rec.args[0], "-") == 0 ? "" : rec.args[0]);
    j->recs[j->nrecs++] = rec;
    j->next_seq++;
    if (j->on_record)
        j->on_record(j->on_record_ctx, &rec, false);
    return (int)rec.seq;
}

int journal_done(struct journal *j, unsigned seq, struct err *e)
{
    char line[32];
    int len = snprintf(line, sizeof line, "%u-done\n", seq);
    const struct jrecord *undone = NULL;
    for (size_t i = 0; i < j->nrecs; i++)
        if (j->recs[i].seq == seq && !j->recs[i].done) {
            j->recs[i].done = true;
            undone = &j->recs[i];
        }
    int rc = append_line(j, line, (size_t)len, e);
    if (undone && j->on_record)
        j->on_record(j->on_record_ctx, undone, true);
    return rc;
}

void journal_close(struct journal *j)
{
    if (j->fd >= 0)
        close(j->fd);
    j->fd = -1;
    free(j->recs);
    j->recs = NULL;
    j->nrecs = j->caprecs = 0;
}

int journal_load(const char *path, struct jrecord **out, size_t *n, struct err *e)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return err_sys(e, "journal %s", path);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return err_sys(e, "journal %s", path);
    }
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= JOURNAL_MAX_BYTES) {
                free(buf);
                close(fd);
                return err_set(e, "journal %s: larger than %d MiB", path, JOURNAL_MAX_BYTES >> 20);
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                close(fd);
                return err_sys(e, "journal %s", path);
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            err_sys(e, "journal %s", path);
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    int rc = journal_parse_n(buf, len, out, n, e);
    free(buf);
    return rc;
}
