/* umlargv.c — see umlargv.h. */
#include "core/umlargv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

/* 22 fixed words at most, 3 per NIC (ethN=, its address, its MTU), 1 per route */
#define UML_MAX_ARGS (24 + 3 * UML_MAX_NICS + UML_MAX_ROUTES)

__attribute__((format(printf, 3, 4))) static int push(char **argv, int *n, const char *fmt, ...)
{
    if (*n >= UML_MAX_ARGS)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&argv[*n], fmt, ap);
    va_end(ap);
    if (r < 0) {
        argv[*n] = NULL;
        return -1;
    }
    (*n)++;
    return 0;
}

/* Where the guest's getty ends up decides which UML console must be our pty
 * (fd 0/1). See README "Your own image" for what was measured:
 *   con1 (tty1) is the pty and the kernel console (console=tty1), so
 *   /dev/console, a Buildroot inittab's `console::` getty, systemd's
 *   getty@tty1 and a sysvinit inittab's tty1 getty all land on it, with the
 *   kernel's messages; every other console goes nowhere, but for con2 (tty2)
 *   when umlab gives it its control channel (ctlchan.h). */
static int push_console(char **argv, int *n)
{
    return push(argv, n, "con=null") || push(argv, n, "con1=fd:0,fd:1") ||
           push(argv, n, "console=tty1");
}

/* Kernel command-line words are split on spaces: refuse values that hold one. */
static int check_word(const char *what, const char *v, struct err *e)
{
    if (!v || !*v)
        return err_set(e, "uml: missing %s", what);
    if (strpbrk(v, " \t\n,"))
        return err_set(e, "uml: %s '%s' must not contain spaces or commas", what, v);
    return 0;
}

/* An interface name as the kernel takes it (UML passes TAP to TUNSETIFF). */
static int check_tap(const char *v, struct err *e)
{
    if (check_word("tap", v, e) < 0)
        return -1;
    if (strlen(v) > 15)
        return err_set(e, "uml: tap '%s' is longer than 15 characters", v);
    return 0;
}

static int check_nics(const struct uml_params *p, struct err *e)
{
    if (p->tap && check_tap(p->tap, e) < 0)
        return -1;
    if (p->ip_cidr && check_word("address", p->ip_cidr, e) < 0)
        return -1;
    if (!p->nics && p->nnics)
        return err_set(e, "uml: %zu NICs but no list", p->nnics);
    if (!p->nics)
        return 0;
    if (p->tap || p->ip_cidr)
        return err_set(e, "uml: give eth0 in the NIC list, not as tap/address as well");
    if (p->nnics > UML_MAX_NICS)
        return err_set(e, "uml: %zu NICs, at most %d", p->nnics, UML_MAX_NICS);
    for (size_t i = 0; i < p->nnics; i++) {
        const struct uml_nic *n = &p->nics[i];
        if (n->tap && check_tap(n->tap, e) < 0)
            return -1;
        if (n->ip_cidr && !n->tap)
            return err_set(e, "uml: eth%zu has an address but no tap", i);
        if (n->ip_cidr && check_word("address", n->ip_cidr, e) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (n->tap && p->nics[j].tap && strcmp(n->tap, p->nics[j].tap) == 0)
                return err_set(e, "uml: tap '%s' is both eth%zu and eth%zu", n->tap, j, i);
    }
    return 0;
}

static int check_routes(const struct uml_params *p, struct err *e)
{
    if (!p->routes && p->nroutes)
        return err_set(e, "uml: %zu routes but no list", p->nroutes);
    if (p->nroutes > UML_MAX_ROUTES)
        return err_set(e, "uml: %zu routes, at most %d", p->nroutes, UML_MAX_ROUTES);
    for (size_t i = 0; i < p->nroutes; i++)
        if (check_word("route destination", p->routes[i].dest, e) < 0 ||
            check_word("route gateway", p->routes[i].gw, e) < 0)
            return -1;
    return 0;
}

/* ethN=tuntap,TAP for each NIC, in order (the NIC list, or TAP as eth0). */
static int push_nics(char **argv, int *n, const struct uml_params *p)
{
    if (!p->nics)
        return p->tap ? push(argv, n, "eth0=tuntap,%s", p->tap) : 0;
    for (size_t i = 0; i < p->nnics; i++)
        if (p->nics[i].tap && push(argv, n, "eth%zu=tuntap,%s", i, p->nics[i].tap))
            return -1;
    return 0;
}

/* What the embedded image's init reads: eth0's address as umlab.ip= (as
 * before several NICs), the others' as umlab.ethN=. */
static int push_addrs(char **argv, int *n, const struct uml_params *p)
{
    if (!p->nics)
        return p->ip_cidr ? push(argv, n, "umlab.ip=%s", p->ip_cidr) : 0;
    for (size_t i = 0; i < p->nnics; i++) {
        const char *a = p->nics[i].ip_cidr;
        if (a &&
            (i == 0 ? push(argv, n, "umlab.ip=%s", a) : push(argv, n, "umlab.eth%zu=%s", i, a)))
            return -1;
        if (p->nics[i].tap && p->nics[i].mtu &&
            push(argv, n, "umlab.mtu=eth%zu,%u", i, p->nics[i].mtu))
            return -1;
    }
    return 0;
}

static int push_routes(char **argv, int *n, const struct uml_params *p)
{
    for (size_t i = 0; i < p->nroutes; i++)
        if (push(argv, n, "umlab.route=%s,%s", p->routes[i].dest, p->routes[i].gw))
            return -1;
    return p->forward ? push(argv, n, "umlab.forward=1") : 0;
}

/* ubd1r=IMAGE (read-only: the guest cannot write to it, even remounted), or
 * ubd1=COW,IMAGE (its writes stay in COW), and where init mounts it. */
static int push_share(char **argv, int *n, const struct uml_params *p)
{
    if (!p->share_image)
        return 0;
    if (p->share_cow ? push(argv, n, "ubd1=%s,%s", p->share_cow, p->share_image)
                     : push(argv, n, "ubd1r=%s", p->share_image))
        return -1;
    return push(argv, n, "umlab.share=%s", p->share_mount) ||
           (p->share_cow && push(argv, n, "umlab.share_rw=1"));
}

char **uml_argv_build(const struct uml_params *p, struct err *e)
{
    if (check_word("kernel", p->kernel, e) < 0 || check_word("rootfs", p->rootfs, e) < 0 ||
        check_word("cow file", p->cow, e) < 0 || check_word("umid", p->umid, e) < 0 ||
        check_word("uml_dir", p->uml_dir, e) < 0)
        return NULL;
    if (check_nics(p, e) < 0 || check_routes(p, e) < 0 ||
        (p->hostname && check_word("hostname", p->hostname, e) < 0) ||
        (p->gateway && check_word("gateway", p->gateway, e) < 0) ||
        (p->init && check_word("init", p->init, e) < 0) ||
        (p->share_image &&
         (check_word("shared folder image", p->share_image, e) < 0 ||
          (p->share_cow && check_word("shared folder COW", p->share_cow, e) < 0) ||
          check_word("shared folder mount point", p->share_mount, e) < 0)))
        return NULL;
    if (p->loglevel < 0 || p->loglevel > 7) {
        err_set(e, "uml: loglevel %d out of range (0..7)", p->loglevel);
        return NULL;
    }
    if (p->mem_mb < 16 || p->mem_mb > 65536) {
        err_set(e, "uml: memory %d MiB out of range (16..65536)", p->mem_mb);
        return NULL;
    }
    char **argv = calloc(UML_MAX_ARGS + 1, sizeof *argv);
    if (!argv) {
        err_sys(e, "uml argv");
        return NULL;
    }
    int n = 0;
    /* rw: the root is mounted read-write, as a distribution's image expects
     * (debootstrap leaves an empty fstab, so nothing would remount it): the
     * guest writes only to its own COW file, never to the shared image.
     * || keeps the order of the words and stops at the first failure */
    bool bad =
        push(argv, &n, "%s", p->kernel) || push(argv, &n, "mem=%dM", p->mem_mb) ||
        push(argv, &n, "ubd0=%s,%s", p->cow, p->rootfs) || push(argv, &n, "root=/dev/ubda") ||
        push(argv, &n, "rw") || (p->init && push(argv, &n, "init=%s", p->init)) ||
        push(argv, &n, "umid=%s", p->umid) || push(argv, &n, "uml_dir=%s", p->uml_dir) ||
        push_console(argv, &n) ||
        (p->ctl_fd >= 3 && push(argv, &n, "con2=fd:%d,fd:%d", p->ctl_fd, p->ctl_fd)) ||
        push(argv, &n, "ssl=null") || push(argv, &n, "quiet") ||
        (p->loglevel > 0 && push(argv, &n, "loglevel=%d", p->loglevel)) || push_nics(argv, &n, p) ||
        (p->hostname && push(argv, &n, "umlab.hostname=%s", p->hostname)) ||
        push_addrs(argv, &n, p) || (p->gateway && push(argv, &n, "umlab.gw=%s", p->gateway)) ||
        push_routes(argv, &n, p) || push_share(argv, &n, p);
    if (bad) {
        err_set(e, "uml argv: out of memory");
        uml_argv_free(argv);
        return NULL;
    }
    /* UML's add_arg: each word and a space must fit. */
    size_t len = 0;
    for (int i = 1; i < n; i++)
        len += strlen(argv[i]) + 1;
    if (len > UML_CMDLINE_MAX) {
        err_set(e, "uml: a command line of %zu bytes, linux.uml takes at most %d", len,
                UML_CMDLINE_MAX);
        uml_argv_free(argv);
        return NULL;
    }
    return argv;
}

void uml_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

int uml_nic_config_cmd(unsigned idx, const char *tap, char *buf, size_t bufsz, struct err *e)
{
    if (idx >= UML_MAX_NICS)
        return err_set(e, "eth%u: at most %d NICs (eth0..eth%d)", idx, UML_MAX_NICS,
                       UML_MAX_NICS - 1);
    if (check_tap(tap, e) < 0)
        return -1;
    int n = snprintf(buf, bufsz, "config eth%u=tuntap,%s", idx, tap);
    if (n < 0 || (size_t)n >= bufsz)
        return err_set(e, "mconsole command for eth%u does not fit", idx);
    return 0;
}

int uml_nic_remove_cmd(unsigned idx, char *buf, size_t bufsz, struct err *e)
{
    if (idx >= UML_MAX_NICS)
        return err_set(e, "eth%u: at most %d NICs (eth0..eth%d)", idx, UML_MAX_NICS,
                       UML_MAX_NICS - 1);
    int n = snprintf(buf, bufsz, "remove eth%u", idx);
    if (n < 0 || (size_t)n >= bufsz)
        return err_set(e, "mconsole command for eth%u does not fit", idx);
    return 0;
}
