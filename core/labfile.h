/* labfile.h — lab files: the plain text a teacher writes (docs/LABFILE.md),
 * parsed and validated into a struct lab_spec, written back canonically, and
 * turned into the command lines that build the lab. Pure: no files opened by
 * the parser, nothing created.
 *
 * Parsing is all or nothing: the first problem is one line
 * "FILE:LINE: message" and no spec is returned. Declarations may come in any
 * order (a `nic` line before its `guest` line); the order of guests, LANs,
 * NICs of a guest, routes, startup lines and checks is kept, and is the order
 * labfile_write and labfile_to_commands use. */
#ifndef UMLAB_LABFILE_H
#define UMLAB_LABFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <netinet/in.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "core/addr.h"

#define LABFILE_NAME_MAX      16 /* guest and LAN names, including the NUL (GUEST_NAME_MAX) */
#define LABFILE_LINE_MAX      4096
#define LABFILE_SIZE_MAX      (256 * 1024)
#define LABFILE_MAX_GUESTS    128
#define LABFILE_MAX_LANS      64
#define LABFILE_MAX_NICS      8  /* per guest: eth0..eth7 */
#define LABFILE_MAX_ROUTES    32 /* per guest */
#define LABFILE_MAX_STARTUP   64 /* startup lines per guest */
#define LABFILE_MAX_CHECKS    256
#define LABFILE_MAX_DESC      64   /* description lines */
#define LABFILE_MAX_HOSTS     65   /* `host` lines: a full VXLAN mesh of 64 remotes each */
#define LABFILE_CHECK_PORT    4790 /* a host's check service (checkpeer.h), unless it says */
#define LABFILE_REGEX_MAX     256
#define LABFILE_REGEX_ATOMS   2000             /* once repetitions are expanded (regex_size.h) */
#define LABFILE_REGEX_LOOPS   100              /* *, + and ? once expanded */
#define LABFILE_DEFAULT_NET   "192.168.0.0/24" /* the routed taps' subnet when none is given */
#define LABFILE_DEFAULT_SHARE "/shared"        /* where the shared folder is mounted */

/* A NIC: on a LAN (a bridge) or, LAN -1, the seed's routed tap. */
struct labfile_nic {
    int lan; /* index into lab_spec.lans, or -1: routed tap */
    bool has_addr;
    struct in_addr addr;
    int prefix; /* on a LAN: the address's prefix length; routed tap: the lab subnet's */
    int line;
};

/* DEST/PREFIX via GW; `default` is 0.0.0.0/0. */
struct labfile_route {
    struct in_addr dest;
    int prefix;
    struct in_addr gw;
    int line;
};

struct labfile_guest {
    char name[LABFILE_NAME_MAX];
    char *image, *login;                       /* NULL: the lab file's default, else umlab's */
    int mem_mb;                                /* 0: the default */
    struct labfile_nic nics[LABFILE_MAX_NICS]; /* nics[i] is ethi */
    size_t nnics;                              /* 0: one routed tap without an address */
    struct labfile_route routes[LABFILE_MAX_ROUTES];
    size_t nroutes;
    bool forward;
    char **startup; /* commands typed at its shell, in order */
    size_t nstartup;
    bool later; /* a lesson's guest the student adds: checks may name it, nothing builds it */
    int host;   /* index into lab_spec.hosts (0 unless `host H`) */
    char host_name[LABFILE_NAME_MAX]; /* as written, until the parser resolves it */
    int line;
};

/* A machine a multi-host lab runs on (docs/MULTIHOST.md): its name and the
 * underlay address the other hosts send its LANs' VXLAN packets to. */
struct labfile_host {
    char name[LABFILE_NAME_MAX];
    struct in_addr addr;
    int check_port; /* TCP port of its check service (checkpeer.h); 0: none */
    int line;
};

struct labfile_lan {
    char name[LABFILE_NAME_MAX];
    bool has_subnet;
    struct subnet subnet;
    int line;
};

enum labfile_check_kind {
    LABFILE_CHECK_REACH,   /* reach GUEST TARGET */
    LABFILE_CHECK_ADDR,    /* addr GUEST ethN ADDR/LEN */
    LABFILE_CHECK_ROUTE,   /* route GUEST DEST via GW */
    LABFILE_CHECK_COUNTER, /* counter LAN|GUEST [ethN]|uplink rx|tx moved */
    LABFILE_CHECK_SCREEN,  /* screen GUEST REGEX */
    LABFILE_CHECK_EXEC,    /* exec GUEST COMMAND: exits 0 */
};

enum labfile_target { LABFILE_TO_GUEST, LABFILE_TO_HOST, LABFILE_TO_INTERNET, LABFILE_TO_ADDR };

struct labfile_check {
    enum labfile_check_kind kind;
    bool negate; /* `check ! …`: passes when the check fails */
    int guest;   /* the guest it runs on or looks at; counter: -1 for a LAN or the uplink */
    /* reach */
    enum labfile_target to;
    int to_guest;
    struct in_addr to_addr;
    /* addr (nic, addr, prefix), route (addr = dest, prefix, gw), counter (nic) */
    int nic;
    struct in_addr addr, gw;
    int prefix;
    /* counter */
    int lan; /* LAN index, or -1 */
    bool uplink;
    bool tx; /* false: rx */
    /* screen: the regex (POSIX extended); exec: the command */
    char *text;
    int line;
};

struct lab_spec {
    char *source; /* the file name errors and checks name */
    char *dir;    /* its directory, for relative paths; NULL: the current one */
    char *title;
    char **desc; /* description lines */
    size_t ndesc;
    char name[LABFILE_NAME_MAX]; /* "" unless `lab NAME` */
    bool has_subnet;
    struct subnet subnet; /* always set: LABFILE_DEFAULT_NET unless `subnet` */
    char *image, *login;  /* defaults for every guest, NULL when unset */
    int mem_mb;
    int nat; /* -1 unset, 0 off, 1 on */
    char *uplink;
    char *share_dir, *share_mount; /* NULL: no shared folder */
    bool share_rw;
    struct labfile_lan *lans;
    size_t nlans;
    struct labfile_guest *guests;
    size_t nguests;
    struct labfile_check *checks;
    size_t nchecks;
    struct labfile_host *hosts; /* none: a lab on one machine */
    size_t nhosts;
    int as_host; /* -1: the whole lab here; else only this host's part (labfile_set_as) */
};

/* Parses LEN bytes of TEXT; NAME is the file name used in messages and for the
 * directory relative paths are in ("-" or a name without a slash: the current
 * directory). 0 with *OUT set, or -1 with E = "NAME:LINE: message". */
int labfile_parse(const char *name, const char *text, size_t len, struct lab_spec **out,
                  struct err *e);
/* Reads FD (a regular file, at most LABFILE_SIZE_MAX bytes) into *BUF (the
 * caller frees it) of *LEN bytes; the lab and lesson readers share it. */
int labfile_slurp_fd(int fd, const char *name, char **buf, size_t *len, struct err *e);
/* Reads a lab file from FD (a regular file, at most LABFILE_SIZE_MAX bytes)
 * and parses it. The caller decides how FD was opened: umlab runs as root and
 * errors quote the file's words ("unknown keyword '…'"), so a file named by
 * the sudo user must be opened as that user, or /etc/shadow leaks a line. */
int labfile_read_fd(int fd, const char *name, struct lab_spec **out, struct err *e);
/* An empty spec (default subnet, NAT unset) with room for every limit, for
 * a caller that fills one itself (save); NULL when out of memory. */
struct lab_spec *labfile_new(const char *source);
void labfile_free(struct lab_spec *s);
/* The index of guest (LAN) NAME in S, or -1. */
int labfile_find_guest(const struct lab_spec *s, const char *name);
int labfile_find_lan(const struct lab_spec *s, const char *name);

/* The canonical text of S: parsing it and formatting again gives the same
 * text. labfile_write writes it to F: 0, or -1 (errno) on a write error. */
void labfile_format(const struct lab_spec *s, struct strbuf *out);
int labfile_write(const struct lab_spec *s, FILE *f);
/* One check as its lab-file line without "check " ("! reach pc1 internet"). */
void labfile_check_format(const struct lab_spec *s, const struct labfile_check *c,
                          struct strbuf *out);

/* The command lines that build S, in the order to run them: LANs, the shared
 * folder, guests, NAT, a `wait` for each guest, routes, forwarding, startup
 * commands. Relative paths are made relative to S->dir. FN returns 0 to go
 * on; its non-zero return stops and is returned. */
typedef int (*labfile_line_fn)(void *ctx, const char *line);
int labfile_to_commands(const struct lab_spec *s, labfile_line_fn fn, void *ctx);

/* ---- multi-host labs (labfile_host.c) ---- */

/* Builds only host NAME's part of S from now on: its guests, the LANs they
 * are on (stretched over VXLAN to the other hosts with guests on them), NAT
 * when one of its guests has a routed tap. Fails when S has no such host. */
int labfile_set_as(struct lab_spec *s, const char *name, struct err *e);
/* Guest GI runs here (always, without labfile_set_as). */
bool labfile_guest_here(const struct lab_spec *s, size_t gi);
/* LAN LI is made here: a guest here has a NIC on it (a LAN without guests:
 * on the first host). */
bool labfile_lan_here(const struct lab_spec *s, size_t li);
/* " --vxlan A,B" for LAN LI: the other hosts with guests on it; nothing
 * when it stays on this host. */
void labfile_lan_vxlan_opt(const struct lab_spec *s, size_t li, struct strbuf *out);
/* NAT is set up here: the whole lab, or this part has a routed tap. */
bool labfile_nat_here(const struct lab_spec *s);
/* Why check CI cannot run on this host (a guest or LAN it needs is not
 * here), into WHY; false when it can. A reach to a guest elsewhere can: by
 * its address (labfile_remote_addr). */
bool labfile_check_elsewhere(const struct lab_spec *s, size_t ci, char *why, size_t whysz);
/* Guest GI is on another host: the address guest FROM pings it at (on a LAN
 * they share, else its first), for a reach check. */
bool labfile_remote_addr(const struct lab_spec *s, size_t from, size_t gi, struct in_addr *out);
/* The `host NAME ADDR` lines of S, for the writer. */
void labfile_format_hosts(const struct lab_spec *s, struct strbuf *out);

/* Appends WORD so that cmd_split (and the lab-file parser) read it back as
 * one word: as is when safe, else in single quotes. */
void labfile_quote(struct strbuf *out, const char *word);

#endif
