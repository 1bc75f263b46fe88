/* netkit_write.c — save --netkit: a lab spec as a Netkit/Kathará lab
 * directory (lab.conf and one M.startup per guest), new files only. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "core/netkit_internal.h"

#define CONF_MODE    0644
#define STARTUP_MODE 0755

/* VALUE in double quotes, or single ones when it holds a double quote; -1
 * when it holds both (lab.conf has no escapes). */
static int put_value(struct strbuf *out, const char *value)
{
    char q = strchr(value, '"') ? '\'' : '"';
    if (strchr(value, q))
        return -1;
    sb_printf(out, "%c%s%c", q, value, q);
    return 0;
}

int netkit_format_conf(const struct lab_spec *s, struct strbuf *o, struct err *e)
{
    static const char *const labels[] = {"Author: ", "Version: ", "Email: ", "Web: "};
    static const char *const keys[] = {"LAB_AUTHOR", "LAB_VERSION", "LAB_EMAIL", "LAB_WEB"};
    sb_printf(o, "# Netkit/Kathará lab written by umlab (save --netkit)\n");
    if (s->title) {
        sb_printf(o, "LAB_DESCRIPTION=");
        if (put_value(o, s->title) < 0)
            return err_set(e, "the title holds both kinds of quotes: lab.conf cannot say it");
        sb_printf(o, "\n");
    }
    if (s->name[0])
        sb_printf(o, "LAB_NAME=\"%s\"\n", s->name);
    for (size_t i = 0; i < s->ndesc; i++) {
        const char *d = s->desc[i];
        int k = 0;
        while (k < 4 && strncmp(d, labels[k], strlen(labels[k])) != 0)
            k++;
        const char *v = k < 4 ? d + strlen(labels[k]) : "";
        if (*v && !(strchr(v, '"') && strchr(v, '\''))) {
            sb_printf(o, "%s=", keys[k]);
            put_value(o, v);
            sb_printf(o, "\n");
        } else { /* other lines, and what lab.conf cannot quote, as comments */
            sb_printf(o, "#%s%s\n", d[0] ? " " : "", d);
        }
    }
    struct in_addr host = nk_host_addr(s);
    char hb[INET_ADDRSTRLEN], gb[INET_ADDRSTRLEN];
    for (size_t gi = 0; gi < s->nguests; gi++) {
        const struct labfile_guest *g = &s->guests[gi];
        sb_printf(o, "\n");
        for (size_t i = 0; i < g->nnics; i++) {
            const struct labfile_nic *n = &g->nics[i];
            if (n->lan >= 0)
                sb_printf(o, "%s[%zu]=\"%s\"\n", g->name, i, s->lans[n->lan].name);
            else if (n->has_addr)
                sb_printf(o, "%s[%zu]=\"tap,%s,%s\"\n", g->name, i, addr_str(host, hb),
                          addr_str(n->addr, gb));
            else
                sb_printf(o, "%s[%zu]=\"tap\"\n", g->name, i);
        }
        int mem = g->mem_mb ? g->mem_mb : s->mem_mb;
        if (mem)
            sb_printf(o, "%s[mem]=%d\n", g->name, mem);
        const char *image = g->image ? g->image : s->image;
        if (image) {
            sb_printf(o, "%s[image]=", g->name);
            if (put_value(o, image) < 0)
                return err_set(e, "%s's image path holds both kinds of quotes", g->name);
            sb_printf(o, "\n");
        }
    }
    return o->oom ? err_set(e, "out of memory") : 0;
}

static void put_addr(struct strbuf *o, struct in_addr a, int prefix)
{
    char b[INET_ADDRSTRLEN];
    sb_printf(o, "%s/%d", addr_str(a, b), prefix >= 0 ? prefix : 32);
}

void netkit_format_startup(const struct lab_spec *s, size_t gi, struct strbuf *o)
{
    const struct labfile_guest *g = &s->guests[gi];
    char b[INET_ADDRSTRLEN];
    sb_printf(o, "# %s.startup, written by umlab (save --netkit)\n", g->name);
    for (size_t i = 0; i < g->nnics; i++) {
        const struct labfile_nic *n = &g->nics[i];
        if (n->lan < 0)
            continue; /* the tap: configured from lab.conf, as Netkit did */
        if (n->has_addr) {
            sb_printf(o, "ip addr add ");
            put_addr(o, n->addr, n->prefix);
            sb_printf(o, " dev eth%zu\n", i);
        }
        sb_printf(o, "ip link set eth%zu up\n", i);
    }
    for (size_t i = 0; i < g->nroutes; i++) {
        const struct labfile_route *r = &g->routes[i];
        sb_printf(o, "ip route add ");
        if (r->prefix == 0)
            sb_printf(o, "default");
        else
            put_addr(o, r->dest, r->prefix);
        sb_printf(o, " via %s\n", addr_str(r->gw, b));
    }
    if (g->forward)
        sb_printf(o, "sysctl -w net.ipv4.ip_forward=1\n");
    for (size_t i = 0; i < g->nstartup; i++)
        if (!nk_generated_line(g->startup[i]))
            sb_printf(o, "%s\n", g->startup[i]);
}

static int write_file(int dirfd, const char *dir, const char *name, mode_t mode,
                      const struct strbuf *text, struct err *e)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return err_sys(e, "%s/%s", dir, name);
    if (fchmod(fd, mode) < 0) { /* the umask does not decide */
        err_sys(e, "%s/%s: chmod", dir, name);
        close(fd);
        goto created;
    }
    const char *p = sb_str(text);
    size_t left = text->len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err_sys(e, "%s/%s: write", dir, name);
            close(fd);
            goto created;
        }
        p += n;
        left -= (size_t)n;
    }
    if (close(fd) == 0)
        return 0;
    err_sys(e, "%s/%s: close", dir, name);
created: /* O_EXCL made it ours: remove the half-written file (best effort) */
    (void)unlinkat(dirfd, name, 0);
    return -1;
}

int netkit_write(const struct lab_spec *s, int dirfd, const char *dirname, struct err *e)
{
    size_t nfiles = s->nguests + 1;
    char(*names)[LABFILE_NAME_MAX + 16] = calloc(nfiles, sizeof *names);
    struct strbuf *texts = calloc(nfiles, sizeof *texts);
    size_t made = 0;
    int rc = -1;
    if (!names || !texts) {
        err_set(e, "%s: out of memory", dirname);
        goto out;
    }
    snprintf(names[0], sizeof names[0], "lab.conf");
    if (netkit_format_conf(s, &texts[0], e) < 0)
        goto out;
    for (size_t i = 0; i < s->nguests; i++) {
        snprintf(names[i + 1], sizeof names[i + 1], "%s.startup", s->guests[i].name);
        netkit_format_startup(s, i, &texts[i + 1]);
        if (texts[i + 1].oom) {
            err_set(e, "%s: out of memory", dirname);
            goto out;
        }
    }
    /* Nothing is written when any of the files is there already. */
    for (size_t i = 0; i < nfiles; i++) {
        struct stat st;
        if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0) {
            err_set(e, "%s/%s exists: umlab does not overwrite a lab's files", dirname, names[i]);
            goto out;
        }
        if (errno != ENOENT) {
            err_sys(e, "%s/%s", dirname, names[i]);
            goto out;
        }
    }
    for (; made < nfiles; made++)
        if (write_file(dirfd, dirname, names[made], made ? STARTUP_MODE : CONF_MODE, &texts[made],
                       e) < 0)
            goto out;
    rc = 0;
out:
    if (rc < 0) /* the files written before a failure go again (best effort) */
        for (size_t i = 0; i < made; i++)
            (void)unlinkat(dirfd, names[i], 0);
    for (size_t i = 0; texts && i < nfiles; i++)
        sb_free(&texts[i]);
    free(texts);
    free(names);
    return rc;
}
