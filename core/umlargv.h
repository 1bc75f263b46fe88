/* umlargv.h — the linux.uml command line of a guest. Pure. */
#ifndef UMLAB_UMLARGV_H
#define UMLAB_UMLARGV_H

#include <stddef.h>
#include "base/err.h"

struct uml_params {
    const char *kernel;   /* linux.uml binary */
    const char *rootfs;   /* shared read-only backing image */
    const char *cow;      /* per-guest copy-on-write file */
    const char *umid;     /* unique machine id */
    const char *uml_dir;  /* where UML puts UMID/mconsole */
    const char *tap;      /* host tap for eth0; NULL: no network */
    const char *hostname; /* umlab.hostname= */
    const char *ip_cidr;  /* umlab.ip= e.g. "192.168.0.1/24"; NULL: none */
    const char *gateway;  /* umlab.gw= ; NULL: none */
    const char *init;     /* init= ; NULL: the kernel's default (/sbin/init...) */
    int mem_mb;
};

/* A NULL-terminated argv, malloc'd (free with uml_argv_free). */
char **uml_argv_build(const struct uml_params *p, struct err *e);
void uml_argv_free(char **argv);

#endif
