/* netkit.h — Netkit and Kathará lab directories (README "Netkit and Kathará
 * labs"): read into a struct lab_spec that umlab builds like a lab file's,
 * written back from one (save --netkit), and their ltest signatures compared.
 *
 * A lab directory belongs to a less trusted user and umlab runs as root: it
 * is read through a directory descriptor, every name is opened with openat
 * and O_NOFOLLOW one component at a time, a symbolic link or a device node
 * anywhere in it is refused (it is copied into the ext2 image guests mount,
 * which umlab builds as the user who owns it), sizes are bounded and every byte is
 * checked. Errors are one line, "FILE:LINE: message" for lab.conf and
 * lab.dep; names read from the directory are shown escaped.
 *
 * How a Netkit lab becomes a umlab lab:
 *   - each collision domain is a LAN without a subnet, in order of first use;
 *   - each machine is a guest, its NICs in eth order (a gap is refused, as
 *     Kathará does), M[mem] its memory, M[image] mapped to an image by the
 *     caller's table (--image NAME=IMAGE) or the lab's default, with a note;
 *   - Netkit's `tap,HOST,GUEST` domain is umlab's routed tap (host as gateway);
 *   - every guest forwards (Netkit's and Kathará's guests had ip_forward=1);
 *   - the lab directory is the shared folder, mounted read-only at /hostlab
 *     (Netkit's path); each guest's startup lines, in order: its M[sysctl]
 *     settings, `ln -sfn /hostlab/shared /shared` when shared/ exists
 *     (Kathará's /shared), `cp -R /hostlab/M/. /` when M/ exists (the M/ tree
 *     copied over its root), `sh /hostlab/shared.startup`, `sh /hostlab/M.startup`
 *     (a script with Windows line ends through `tr -d '\r'` first);
 *   - lab.dep orders the boots in waves (netkit_to_commands);
 *   - what umlab does not honour (M[bridged], M[exec], M[port], M.shutdown,
 *     machines= leaving a directory out, …) is one note each, not dropped
 *     silently.
 * Addresses and routes stay in the startup scripts, which configure them;
 * netkit_guest.addrs/routes say what the scripts' ifconfig/ip/route lines
 * set, for showing the lab (not configured a second time). */
#ifndef UMLAB_NETKIT_H
#define UMLAB_NETKIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "core/labfile.h"

#define NETKIT_FILE_MAX  (256 * 1024) /* lab.conf, lab.dep, a startup script */
#define NETKIT_SIG_MAX   (64 * 1024)  /* an ltest signature */
#define NETKIT_TREE_MAX  20000        /* entries in a lab directory, all levels */
#define NETKIT_DEPTH_MAX 16           /* directory levels below the lab directory */
#define NETKIT_MAX_NOTES 64
#define NETKIT_HOSTLAB   "/hostlab" /* where guests see the lab directory */

/* One --image NAME=IMAGE: machines whose M[image] is NAME use IMAGE, as the
 * caller resolved it (give an absolute path: a relative one is taken from the
 * lab directory, like a lab file's image). */
struct netkit_image {
    const char *name, *image;
};

struct netkit_opts {
    const struct netkit_image *images;
    size_t nimages;
    bool hostlab_rw;             /* the lab directory writable in the guests (default read-only) */
    const struct subnet *subnet; /* the routed taps' (umlab's --subnet); NULL: the default */
};

struct netkit_guest {
    int wave;         /* boot wave from lab.dep: 0 first, each after the waves it depends on */
    bool tree;        /* DIR/M/ exists: copied over / at boot */
    bool startup;     /* DIR/M.startup exists */
    char *image_name; /* M[image] as lab.conf gives it; NULL: none */
    /* What M.startup's ifconfig/ip/route lines configure: addrs[i] is ethi
     * (has_addr false: none found), routes in order. */
    struct labfile_nic addrs[LABFILE_MAX_NICS];
    struct labfile_route routes[LABFILE_MAX_ROUTES];
    size_t nroutes;
    /* ltest (_test/): the command that runs _test/M.test in the guest (NULL:
     * none) and the signatures found, NUL-terminated (NULL: none). */
    char *test_cmd;
    char *sig_user, *sig_shared; /* _test/signature/M.user, M.shared */
    size_t sig_user_len, sig_shared_len;
    bool sig_builtin; /* M.default or M.builtin: Netkit's or Kathará's own test, not run */
};

struct netkit_lab {
    struct lab_spec *spec;       /* guests in boot order (wave, then lab.conf order) */
    struct netkit_guest *guests; /* parallel to spec->guests */
    int nwaves;
    /* LAB_DESCRIPTION (also spec->title), LAB_AUTHOR, LAB_VERSION, LAB_EMAIL,
     * LAB_WEB, LAB_NAME as given (spec->desc has "Author: …" lines); NULL: unset */
    char *description, *author, *version, *email, *web, *name;
    bool shared_dir, shared_startup;
    char *shared_test_cmd; /* runs _test/shared.test (Netkit-JH), output vs M.shared */
    char **notes;          /* one line each: what umlab does not honour, unmapped images */
    size_t nnotes;
};

/* Reads the lab directory LABFD (opened by the caller, O_DIRECTORY); DIRNAME
 * is how messages and the spec name it, as is (spec->source is
 * DIRNAME/lab.conf, so relative paths are taken from DIRNAME; names read from
 * the directory are escaped). O may be NULL. 0 with *OUT, or -1 with E and
 * nothing returned. */
int netkit_read(int labfd, const char *dirname, const struct netkit_opts *o,
                struct netkit_lab **out, struct err *e);
void netkit_free(struct netkit_lab *lab);

/* Walks the directory DIRFD (DIRNAME for messages) with the rules above: no
 * link, device node, FIFO or socket, no hard link to another user's file, at
 * most NETKIT_TREE_MAX entries and NETKIT_DEPTH_MAX levels. *BYTES is the
 * size of its files (each rounded up to 4 KiB), *ENTRIES how many names it
 * holds. 0, or -1 with E. */
int netkit_dir_check(int dirfd, const char *dirname, uint64_t *bytes, size_t *entries,
                     struct err *e);

/* The parts, pure (text in memory), for tests and fuzzing. NAME names the
 * file in messages. netkit_parse_conf gives guests in lab.conf order with no
 * startup lines; netkit_parse_dep then orders them in waves; netkit_parse_script
 * fills guest GI's addrs and routes from its startup script's text. */
int netkit_parse_conf(const char *name, const char *text, size_t len, const struct netkit_opts *o,
                      struct netkit_lab **out, struct err *e);
int netkit_parse_dep(struct netkit_lab *lab, const char *name, const char *text, size_t len,
                     struct err *e);
void netkit_parse_script(struct netkit_lab *lab, size_t gi, const char *text, size_t len);

/* The command lines that build LAB: labfile_to_commands on its spec, one
 * lab.dep wave after another (the guests of a wave are added, waited for,
 * then get their forwarding and startup lines, before the next wave). */
int netkit_to_commands(const struct netkit_lab *lab, labfile_line_fn fn, void *ctx);

/* save --netkit: S as a Netkit/Kathará lab in the directory DIRFD (DIRNAME
 * for messages): lab.conf (0644) and one M.startup per guest (0755) with its
 * `ip addr add` / `ip link set up` / `ip route add` lines, forwarding and its
 * startup commands. Refuses when any of these files exists (O_EXCL), and
 * removes what it created when a later write fails. Not kept (Netkit has no
 * such thing): LAN subnets, NAT, the shared folder, logins, checks. */
int netkit_write(const struct lab_spec *s, int dirfd, const char *dirname, struct err *e);
/* The texts netkit_write writes, pure. */
int netkit_format_conf(const struct lab_spec *s, struct strbuf *out, struct err *e);
void netkit_format_startup(const struct lab_spec *s, size_t gi, struct strbuf *out);

/* ltest. Compares what a test printed in the guest (OUT) with its signature
 * (SIG) as Netkit's ltest does (diff -bB): runs of blanks count as one,
 * blanks at line ends, CRs and blank lines do not count. 0 when they match;
 * 1 with WHY a short reason ("line 3: expected 'a b', got 'a c'"). */
int netkit_test_compare(const char *sig, size_t siglen, const char *out, size_t outlen,
                        struct strbuf *why);
/* The one line for guest GI ("pc1: pass", "pc1: FAIL: user test, line 3: …",
 * "pc1: no signature to compare with"), from the outputs of its test and
 * shared test (NULL when not run). 0 pass, 1 fail, 2 nothing compared. */
int netkit_test_line(const struct netkit_lab *lab, size_t gi, const char *user_out, size_t user_len,
                     const char *shared_out, size_t shared_len, struct strbuf *line);

#endif
