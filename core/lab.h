/* lab.h — a lab: guests on taps, the host side of their network, NAT, and the
 * journal that lets all of it be undone. The event loop drives it. */
#ifndef UMLAB_LAB_H
#define UMLAB_LAB_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/addr.h"
#include "core/cpuplace.h"
#include "base/err.h"
#include "core/journal.h"
#include "core/lab_lan.h"
#include "core/login.h"
#include "core/nicspec.h"
#include "core/loop.h"
#include "core/pane.h"
#include "core/snapshot.h"

#define GUEST_NAME_MAX 16 /* including the NUL */
#define LAB_NAME_MAX   16
#define LAB_SCROLLBACK 5000
/* A minimal Debian 12 with systemd runs with LAB_SYSTEMD_MEM MiB and did not get
 * to a shell with 48 (measured, README "Your own image"): a guest given less gets a
 * note. The default leaves room for fuller images; UML touches only the memory a
 * guest uses, so small images pay little. */
#define LAB_SYSTEMD_MEM     64
#define LAB_DEFAULT_MEM     256
#define LAB_DEFAULT_MEM_STR "256"
#define SANDBOX_INET        "198.51.100.1"
#define SANDBOX_UPLINK_ADDR "198.51.100.2"
#define SANDBOX_UPLINK      "uplink0"

struct checklist;
struct ctlchan;
struct lab;
struct lesson;
struct nlconn;
struct out;

enum guest_state { GUEST_BOOTING, GUEST_RUNNING, GUEST_EXITED };

#define GUEST_MAX_NICS   8  /* eth0..eth7, as a lab file allows */
#define GUEST_MAX_ROUTES 32 /* static routes umlab typed into a guest */

/* An Ethernet segment of the lab: a bridge in its namespace. */
struct lab_lan {
    char name[LAN_NAME_MAX];
    char bridge[16]; /* its interface */
    bool has_subnet;
    struct subnet subnet; /* addresses on it must be inside (when has_subnet) */
    int j_bridge;         /* journal record of the bridge */
    /* Stretched to other hosts over VXLAN (lab_lan_stretch): its port, the
     * peers it was given. */
    bool stretched;
    struct lab_vxlan vx;
    struct in_addr vx_remotes[LAB_VXLAN_MAX_REMOTES];
    size_t vx_nremotes;
};

/* A guest's ethN: a tap on the host, routed (the seed's way: host as gateway,
 * proxy_arp; its records are the guest's j_tap...j_fwd) or a port of a LAN. */
struct guest_nic {
    bool present; /* false: no ethN (never plugged, or unplugged) */
    char tap[16];
    struct lab_lan *lan; /* NULL: the routed tap */
    struct in_addr addr; /* s_addr 0: none */
    int prefix;          /* of ADDR */
    int j_tap, j_port;   /* a LAN NIC's records (-1: none) */
};

struct guest_route {
    struct in_addr dest; /* 0.0.0.0/0: default */
    int prefix;
    struct in_addr gw;
};

struct guest {
    struct lab *lab;
    char name[GUEST_NAME_MAX];
    char tap[16]; /* eth0's tap (the seed's one tap) */
    char umid[64];
    char cow[PATH_MAX];
    char kernel[PATH_MAX];
    char rootfs[PATH_MAX];
    int mem_mb;
    struct in_addr addr;                   /* eth0's address, s_addr 0: none */
    struct guest_nic nics[GUEST_MAX_NICS]; /* nics[i] is ethi */
    int routed;                            /* index of the routed tap's NIC, -1: none */
    struct guest_route routes[GUEST_MAX_ROUTES];
    size_t nroutes;
    bool forward;     /* the guest routes between its NICs (ip_forward in it) */
    bool nic_list;    /* made with --nic: an image other than the embedded one gets
                       * its addresses, routes and forwarding typed once at its prompt */
    bool net_typed;   /* ...which happened this boot */
    bool share_typed; /* the shared folder's mount typed this boot (not the embedded image) */
    char share_cow[PATH_MAX]; /* its COW over the shared folder's image (rw), "" none */
    enum guest_state state;
    struct pane pane; /* its console: linux.uml on a pty */
    int64_t started_ms, ready_ms;
    uint64_t expect_mark;      /* absolute line where `expect` starts looking */
    unsigned boots;            /* how many times started */
    bool logged_in;            /* umlab answered a getty's login prompt this boot */
    struct login login;        /* what to answer a getty with */
    int login_step;            /* this boot: 0 nothing typed, 1 user typed, 2 password done */
    char login_note[128];      /* what umlab typed at the getty, for the log */
    bool panicked;             /* its console showed a kernel panic before it exited */
    int cpu;                   /* host CPU its processes are kept on, -1: any */
    struct guest_shell *shell; /* its shell equivalents (core/lab_shell.h), NULL: none yet */
    struct ctlchan *ctl;       /* its hidden control channel this boot (ctlchan.h), NULL: none */
    /* journal records to undo when the guest goes away (j_tap...j_fwd: the
     * routed tap's) */
    int j_tap, j_addr, j_proxyarp, j_proxydelay, j_route, j_cow, j_proc, j_fwd; /* -1: none */
    int j_share_cow;
};

struct lab_opts {
    const char *name;       /* lab name (default "lab") */
    const char *state_base; /* default /run/umlab */
    const char *subnet;     /* default 192.168.0.0/24 */
    const char *host_addr;  /* default: last usable address of the subnet */
    const char *netns;      /* create and run in this namespace */
    bool sandbox;           /* netns + a stand-in internet behind uplink0 */
    const char *kernel;     /* default /usr/bin/linux.uml */
    const char *rootfs;     /* default: the embedded busybox image */
    int mem_mb;
    int rows, cols;    /* guest terminal size */
    const char *cpus;  /* CPUs for the guests ("0-1", "1,3"; default: all) */
    bool no_pin;       /* leave CPU placement to the scheduler */
    const char *login; /* USER[:PASSWORD] or "none"; NULL: root */
};

/* The lab's own programs on panes, run in its namespace: the host shell, and
 * tcpdump of an interface. */
enum lab_pane_kind { LAB_PANE_SHELL, LAB_PANE_DUMP };
struct lab_pane {
    struct lab *lab;
    enum lab_pane_kind kind;
    char iface[16]; /* LAB_PANE_DUMP: what tcpdump listens on */
    struct pane pane;
};
enum lab_pane_event {
    LAB_PANE_OPENED, /* started, or asked for again while running */
    LAB_PANE_ENDED,  /* the program exited */
    LAB_PANE_CLOSED, /* about to be freed */
};

/* Hooks for a front end (the TUI) to hear about changes. */
struct lab_hooks {
    void (*guest_changed)(void *ctx, struct guest *g);                /* added/state/output */
    void (*guest_removed)(void *ctx, struct guest *g);                /* about to be freed */
    void (*guest_note)(void *ctx, struct guest *g, const char *text); /* for the log */
    void (*pane_event)(void *ctx, struct lab_pane *lp, enum lab_pane_event ev);
    /* `record FILE [--force]`, `record off` (PATH NULL): the front end records
     * its screen. NULL where there is no screen (batch mode). */
    int (*record)(void *ctx, const char *path, bool force, struct out *o, struct err *e);
    /* A shell equivalent of what the lab did ("$ ip ...", "g1# ..."); may be NULL. */
    void (*shell_line)(void *ctx, const char *line);
    void *ctx;
};

struct lab {
    char name[LAB_NAME_MAX];
    char statedir[PATH_MAX];
    char netns[64];      /* the lab's own namespace, "" when none */
    char inet_netns[64]; /* sandbox internet, "" when none */
    struct loop *loop;
    struct journal journal;
    int lockfd;
    int orig_netns_fd;
    struct nlconn *nl;
    struct subnet subnet;
    struct in_addr host;
    char kernel[PATH_MAX];
    char rootfs[PATH_MAX];
    char embedded_rootfs[PATH_MAX]; /* umlab's own image: its init reads umlab.* words */
    char uml_preload[PATH_MAX];     /* LD_PRELOAD for linux.uml, "" when none */
    int mem_mb;
    int rows, cols;
    struct login login; /* the guests' default */
    uid_t guest_uid;
    gid_t guest_gid;
    bool drop_priv;
    struct cpuplace place;
    /* The shared folder (labshare.h): an ext2 image every guest gets as its
     * second disk; image "" when none. */
    struct {
        char image[PATH_MAX];
        char mount[128]; /* where guests mount it */
        bool rw;         /* each guest writes into its own COW file */
    } share;
    /* NAT */
    bool nat;
    char uplink[16];
    int j_masq;
    int j_forward; /* ip_forward sysctl record: -1 not yet set */
    int fwd_fd;    /* host mode: our holder file in the forwarding registry (fwdshare.h) */
    struct guest **guests;
    size_t nguests;
    struct lab_lan **lans;
    size_t nlans;
    struct lab_pane **panes;
    size_t npanes;
    struct lab_hooks hooks;
    /* The lab file it was built from and its checks' state (labapply.h),
     * freed by lab_close through applied_free; NULL: none. */
    void *applied;
    void (*applied_free)(void *applied);
    /* Its checks evaluated live (checklist.h) while the console shows them
     * (checklist_shown), and a running lesson (lesson.h); NULL: none. */
    struct checklist *checklist;
    bool checklist_shown;
    struct lesson *lesson;
    int quit_signal;      /* set when INT/TERM/HUP arrived: waits stop, front ends exit */
    bool cancel;          /* a front end asks the running command to stop waiting */
    struct snapshot snap; /* what the panes show (snapshot.h) */
    struct out *cur_out;  /* the running command's output (its JSON gets the shell lines) */

    /* The ping matrix (matrix.h), NULL: never made. */
    struct matrix_state *matrix;
};

/* What a front end sets (lab_front.c); it only reads struct lab. */
void lab_set_hooks(struct lab *lab, const struct lab_hooks *hooks); /* NULL: none */
/* The terminal size guests start with (their console pane's). */
void lab_set_term_size(struct lab *lab, int rows, int cols);
/* Asks the running command to stop waiting. */
void lab_cancel(struct lab *lab);
/* A quit signal arrived: waits stop, front ends exit, the lab is closed. */
void lab_quit(struct lab *lab, int signo);

/* Ends the live checklist and the lesson (before the spec they read goes). */
void lab_checks_stop(struct lab *lab);

/* Sets up the lab: state directory and lock, journal, namespaces. */
int lab_open(struct lab **out, const struct lab_opts *opts, struct loop *loop, struct err *e);
/* Halts the guests and undoes everything in the journal, in reverse. */
int lab_close(struct lab *lab, struct err *e);

/* Undoes what a killed umlab left of lab NAME (under STATE_BASE, NULL = default).
 * Prints what it does through LOG. */
int lab_cleanup(const char *name, const char *state_base, void (*log)(void *, const char *),
                void *logctx, struct err *e);

struct guest *lab_find_guest(const struct lab *lab, const char *name);

struct guest_opts {
    const char *name; /* NULL: next free gN */
    const char *kernel, *rootfs;
    const char *login;   /* NULL: the lab's */
    int mem_mb;          /* 0: lab default */
    struct in_addr addr; /* 0: none at boot */
    bool auto_addr;      /* pick one at boot */
    /* Its NICs, eth0 first; none: one routed tap as before (ADDR, AUTO_ADDR). */
    const struct nic_spec *nics;
    size_t nnics;
};
/* The commands that give G's NICs, routes and forwarding in the guest, one
 * shell line, into OUT; "" when there is nothing to set. */
void guest_net_lines(const struct guest *g, char *out, size_t outsz);
int lab_guest_add(struct lab *lab, const struct guest_opts *o, struct guest **out, struct err *e);
int lab_guest_del(struct lab *lab, struct guest *g, struct err *e);
/* Reboots a live guest (mconsole) or starts an exited one again. */
int lab_guest_restart(struct lab *lab, struct guest *g, struct err *e);
/* Asks the guest to halt and waits for it to exit (killed after TIMEOUT_MS). */
int lab_guest_halt(struct lab *lab, struct guest *g, int timeout_ms, struct err *e);
int lab_guest_mconsole(struct lab *lab, struct guest *g, const char *cmd, char *reply,
                       size_t replysz, struct err *e);

/* Host side of a guest address: route to it through its routed tap,
 * proxy_arp, ip_forward. Re-applies any of them found missing (changed behind
 * umlab's back) without journaling them twice. */
int lab_host_side(struct lab *lab, struct guest *g, struct in_addr a, struct err *e);
/* Picks the lowest free address of the subnet. */
int lab_alloc_addr(const struct lab *lab, struct in_addr *out, struct err *e);
/* Validates A for guest G (subnet, not taken by another guest). */
int lab_check_addr(const struct lab *lab, const struct guest *g, struct in_addr a, struct err *e);

struct lab_lan *lab_find_lan(const struct lab *lab, const char *name);
/* A LAN: its bridge, up (SUBNET NULL: any address goes). */
int lab_lan_add(struct lab *lab, const char *name, const struct subnet *subnet,
                struct lab_lan **out, struct err *e);
/* Stretches LAN to other hosts: a VXLAN port (VNI, the NREMOTES REMOTES,
 * UNDERLAY or NULL) on its bridge, journaled (lab_lan_vxlan_add). Only a LAN
 * without NICs yet: the guests' NICs take its MTU when they are made. */
int lab_lan_stretch(struct lab *lab, struct lab_lan *lan, uint32_t vni,
                    const struct in_addr *remotes, size_t nremotes, const char *underlay,
                    struct err *e);
/* The VNI a LAN named NAME gets when none is given: from its name, so every
 * host that stretches that LAN agrees without being told. 1..16777215. */
uint32_t lab_lan_default_vni(const char *name);
/* The MTU guest NICs on LAN must use: a stretched LAN's (1450 on a 1500
 * underlay), else 1500. LAN may be NULL (a routed tap). */
unsigned lab_lan_nic_mtu(const struct lab_lan *lan);
/* Removes a LAN no NIC is on (its VXLAN port first: only this host's). */
int lab_lan_del(struct lab *lab, struct lab_lan *lan, struct err *e);
/* How many NICs are on LAN. */
size_t lab_lan_users(const struct lab *lab, const struct lab_lan *lan);

/* Checks SPEC as guest G's next NIC (G NULL: a guest being made, with the
 * NICs SOFAR[0..N) before it) and fills NIC (lan, addr, prefix). Nothing is
 * created. */
int lab_nic_check(const struct lab *lab, const struct guest *g, const struct nic_spec *spec,
                  const struct guest_nic *sofar, size_t n, struct guest_nic *nic, struct err *e);
/* Hot-plugs a NIC per SPEC into running guest G as its first free ethN
 * (*IDX); the guest side (address) is typed by the caller. */
int lab_nic_add(struct lab *lab, struct guest *g, const struct nic_spec *spec, unsigned *idx,
                struct err *e);
/* Unplugs eth IDX of G (brought down in the guest first) and removes its tap. */
int lab_nic_del(struct lab *lab, struct guest *g, unsigned idx, struct err *e);
/* Sets eth IDX's address (and eth0's into g->addr). */
void guest_nic_set_addr(struct guest *g, unsigned idx, struct in_addr a, int prefix);
/* The first NIC of G whose subnet holds A, -1 when none. */
int guest_nic_for(const struct guest *g, struct in_addr a);

int lab_nat_on(struct lab *lab, const char *uplink, struct err *e);
int lab_nat_off(struct lab *lab, struct err *e);

/* The host shell (IFACE NULL) or the tcpdump of IFACE, NULL when not open. */
struct lab_pane *lab_find_pane(const struct lab *lab, enum lab_pane_kind kind, const char *iface);
/* Opens that pane, or starts its program again in it if it exited. */
int lab_pane_open(struct lab *lab, enum lab_pane_kind kind, const char *iface,
                  struct lab_pane **out, struct err *e);
/* Stops the program and frees the pane. */
void lab_pane_close(struct lab *lab, struct lab_pane *lp);

/* Serves the event loop until PRED(CTX) is true. Fails on timeout or when a
 * quit signal arrives. */
int lab_wait(struct lab *lab, bool (*pred)(void *ctx), void *ctx, int timeout_ms, const char *what,
             struct err *e);

/* Console helpers */
bool guest_at_prompt(const struct guest *g);
bool guest_at_login(const struct guest *g);
int guest_send(struct guest *g, const char *text, struct err *e);
const char *guest_state_name(const struct guest *g, char *buf, size_t bufsz);
bool guest_name_valid(const char *name);
/* 1-9 characters a-z, 0-9 and '-' (room for "umlab-" and "-inet" in netns names). */
bool lab_name_valid(const char *name);

#endif
