/* umlargv.c — see umlargv.h. */
#include "core/umlargv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#define UML_MAX_ARGS 24

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
 *   kernel's messages; every other console goes nowhere. */
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

char **uml_argv_build(const struct uml_params *p, struct err *e)
{
    if (check_word("kernel", p->kernel, e) < 0 || check_word("rootfs", p->rootfs, e) < 0 ||
        check_word("cow file", p->cow, e) < 0 || check_word("umid", p->umid, e) < 0 ||
        check_word("uml_dir", p->uml_dir, e) < 0)
        return NULL;
    if ((p->tap && check_word("tap", p->tap, e) < 0) ||
        (p->hostname && check_word("hostname", p->hostname, e) < 0) ||
        (p->ip_cidr && check_word("address", p->ip_cidr, e) < 0) ||
        (p->gateway && check_word("gateway", p->gateway, e) < 0) ||
        (p->init && check_word("init", p->init, e) < 0))
        return NULL;
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
    /* || keeps the order of the words and stops at the first failure */
    bool bad = push(argv, &n, "%s", p->kernel) || push(argv, &n, "mem=%dM", p->mem_mb) ||
               push(argv, &n, "ubd0=%s,%s", p->cow, p->rootfs) ||
               push(argv, &n, "root=/dev/ubda") ||
               (p->init && push(argv, &n, "init=%s", p->init)) ||
               push(argv, &n, "umid=%s", p->umid) || push(argv, &n, "uml_dir=%s", p->uml_dir) ||
               push_console(argv, &n) || push(argv, &n, "ssl=null") || push(argv, &n, "quiet") ||
               (p->tap && push(argv, &n, "eth0=tuntap,%s", p->tap)) ||
               (p->hostname && push(argv, &n, "umlab.hostname=%s", p->hostname)) ||
               (p->ip_cidr && push(argv, &n, "umlab.ip=%s", p->ip_cidr)) ||
               (p->gateway && push(argv, &n, "umlab.gw=%s", p->gateway));
    if (bad) {
        err_set(e, "uml argv: out of memory");
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
