/* umlargv.h — the linux.uml command line of a guest, and the mconsole
 * commands that hot-plug its NICs. Pure. */
#ifndef UMLAB_UMLARGV_H
#define UMLAB_UMLARGV_H

#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"

#define UML_MAX_NICS   16 /* eth0..eth15 */
#define UML_MAX_ROUTES 32 /* as many as a lab file gives a guest */
/* linux.uml copies its arguments into a command line of this size and exits
 * ("add_arg: Too many command line arguments!") when they do not fit. */
#define UML_CMDLINE_MAX 4096

/* One NIC of the guest: ethN is on host tap TAP. */
struct uml_nic {
    const char *tap;     /* NULL: no ethN (a gap, e.g. where a NIC was unplugged) */
    const char *ip_cidr; /* its address, for the embedded image's init; NULL: none */
    unsigned mtu;        /* umlab.mtu=ethN,MTU for the init (a stretched LAN); 0: its own */
};

/* A route the embedded image's init adds: DEST/LEN (or "default") via GW. */
struct uml_route {
    const char *dest;
    const char *gw;
};

struct uml_params {
    const char *kernel;   /* linux.uml binary */
    const char *rootfs;   /* shared read-only backing image */
    const char *cow;      /* per-guest copy-on-write file */
    const char *umid;     /* unique machine id */
    const char *uml_dir;  /* where UML puts UMID/mconsole */
    const char *tap;      /* host tap for eth0 (when NICS is NULL); NULL: no network */
    const char *hostname; /* umlab.hostname= */
    const char *ip_cidr;  /* eth0's umlab.ip= e.g. "192.168.0.1/24" (when NICS is NULL) */
    const char *gateway;  /* umlab.gw= (default route); NULL: none */
    const char *init;     /* init= ; NULL: the kernel's default (/sbin/init...) */
    int mem_mb;
    /* Several NICs: NICS[i] is eth i (instead of TAP and IP_CIDR, which must
     * then be NULL). eth0's address goes in umlab.ip= as with one NIC, ethN's
     * in umlab.ethN=. */
    const struct uml_nic *nics;
    size_t nnics;
    const struct uml_route *routes; /* umlab.route=DEST,GW each */
    size_t nroutes;
    bool forward; /* umlab.forward=1: the guest routes (ip_forward) */
    /* The shared folder: its ext2 image as the second disk (ubdb), read-only,
     * or over the guest's own COW file SHARE_COW when that is not NULL;
     * umlab.share=SHARE_MOUNT (and umlab.share_rw=1) tells the embedded
     * image's init to mount it. SHARE_IMAGE NULL: none. */
    const char *share_image, *share_cow, *share_mount;
    int ctl_fd; /* >= 3: con2=fd:N,fd:N, umlab's control channel (ctlchan.h); else none */
    /* loglevel=N after quiet (whose level is 4): 3 keeps the kernel's KERN_ERR
     * boot notes off the console, for an init that puts 4 back (the embedded
     * image's); 0: quiet's level. */
    int loglevel;
};

/* A NULL-terminated argv, malloc'd (free with uml_argv_free). */
char **uml_argv_build(const struct uml_params *p, struct err *e);
void uml_argv_free(char **argv);

/* The mconsole command that hot-plugs host tap TAP into a running guest as
 * eth IDX ("config eth1=tuntap,tap3"), into BUF. */
int uml_nic_config_cmd(unsigned idx, const char *tap, char *buf, size_t bufsz, struct err *e);
/* The mconsole command that unplugs eth IDX ("remove eth1"). */
int uml_nic_remove_cmd(unsigned idx, char *buf, size_t bufsz, struct err *e);

#endif
