/* cmd_guest.c — guest add / del / restart / halt / sysrq, and wait. */
#include <stdlib.h>

#include "core/cmd.h"
#include "core/cmds.h"
#include "core/console.h"
#include "core/lab.h"
#include "core/labshare.h"
#include "base/parse.h"

#define BOOT_TIMEOUT_MS      120000
#define GUEST_CMD_TIMEOUT_MS 20000

int cmd_parse_timeout(const char *s, int def_ms, int *out, struct err *e)
{
    if (!s) {
        *out = def_ms;
        return 0;
    }
    if (parse_seconds(s, 0.001, 3600, out) < 0)
        return err_set(e, "'%s': give seconds, a plain number from 0.001 to 3600", s);
    return 0;
}

void cmd_put_guest(struct out *o, const struct guest *g, bool row)
{
    char st[48], as[INET_ADDRSTRLEN];
    out_str(o, "name", row ? "%-10s " : NULL, g->name);
    out_str(o, "state", row ? "%-18s " : NULL, guest_state_name(g, st, sizeof st));
    out_str(o, "tap", row ? "%-7s " : NULL, g->tap);
    out_str(o, "address", row ? "%-15s " : NULL, g->addr.s_addr ? addr_str(g->addr, as) : NULL);
    out_int(o, "pid", NULL, pane_pid(&g->pane));
    out_int(o, "mem_mb", NULL, g->mem_mb);
    if (g->cpu >= 0)
        out_int(o, "cpu", NULL, g->cpu);
    else
        out_str(o, "cpu", NULL, NULL); /* not pinned */
    out_arr_begin(o, "nics");
    for (int i = 0; i < GUEST_MAX_NICS; i++) {
        const struct guest_nic *n = &g->nics[i];
        if (!n->present)
            continue;
        char eth[8];
        snprintf(eth, sizeof eth, "eth%d", i);
        out_obj_begin(o, NULL);
        out_str(o, "name", NULL, eth);
        out_str(o, "tap", NULL, n->tap);
        out_str(o, "lan", NULL, n->lan ? n->lan->name : NULL);
        out_str(o, "address", NULL, n->addr.s_addr ? addr_str(n->addr, as) : NULL);
        if (n->addr.s_addr)
            out_int(o, "prefix", NULL, n->prefix);
        out_obj_end(o);
    }
    out_arr_end(o);
}

int cmd_guest_type(struct lab *lab, struct guest *g, const char *line, struct err *e)
{
    if (g->state == GUEST_EXITED)
        return err_set(e, "%s is not running (restart it with `guest restart %s`)", g->name,
                       g->name);
    /* The probe prints no-ip-42 (not what was typed) when the image has no
     * `ip` (iproute2 or busybox): a clear error instead of "not found"s. */
    char full[1024];
    if (snprintf(full, sizeof full, "command -v ip >/dev/null || echo no-ip-$((6*7)); %s", line) >=
        (int)sizeof full)
        return err_set(e, "%s: command too long", g->name);
    uint64_t start;
    if (console_ready(lab, g, BOOT_TIMEOUT_MS, e) < 0 ||
        console_run(lab, g, full, GUEST_CMD_TIMEOUT_MS, &start, e) < 0)
        return -1;
    struct strbuf said = {0};
    pane_text(&g->pane, start, &said);
    bool no_ip = strstr(sb_str(&said), "no-ip-42") != NULL;
    sb_free(&said);
    if (no_ip)
        return err_set(
            e, "%s has no `ip` command (install iproute2 or a busybox with ip in its image)",
            g->name);
    return 0;
}

/* What umlab typed at the guest's getty, if anything (never the password). */
static void put_login_note(struct out *o, const struct guest *g)
{
    if (g->login_note[0])
        out_progress(o, "%s: %s", g->name, g->login_note);
}

/* Once G is at its prompt: an image other than the embedded one did not read
 * its NICs' addresses, routes and forwarding from the kernel command line,
 * so they are typed in (once per boot, guests made with --nic only). */
static int boot_share(struct lab *lab, struct guest *g, struct out *o, struct err *e);

static int boot_net(struct lab *lab, struct guest *g, struct out *o, struct err *e)
{
    if (boot_share(lab, g, o, e) < 0)
        return -1;
    if (!g->nic_list || g->net_typed || strcmp(g->rootfs, lab->embedded_rootfs) == 0)
        return 0;
    char line[2048];
    guest_net_lines(g, line, sizeof line);
    g->net_typed = true;
    if (!line[0])
        return 0;
    out_progress(o, "%s: typing its network settings (not the embedded image)", g->name);
    return cmd_guest_type(lab, g, line, e);
}

/* The same for the shared folder (labshare.h): its mount, typed once per
 * boot into an image other than the embedded one (whose init mounts it). */
static int boot_share(struct lab *lab, struct guest *g, struct out *o, struct err *e)
{
    if (!lab->share.image[0] || g->share_typed || strcmp(g->rootfs, lab->embedded_rootfs) == 0)
        return 0;
    char line[512];
    labshare_mount_line(lab, line, sizeof line);
    g->share_typed = true;
    out_progress(o, "%s: mounting the shared folder at %s (not the embedded image)", g->name,
                 lab->share.mount);
    uint64_t start;
    return console_ready(lab, g, BOOT_TIMEOUT_MS, e) < 0 ||
                   console_run(lab, g, line, GUEST_CMD_TIMEOUT_MS, &start, e) < 0
               ? -1
               : 0;
}

static int guest_add(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest_opts go = {
        .name = a->argc ? a->argv[0] : NULL,
        .rootfs = cmd_opt(a, "rootfs"),
        .kernel = cmd_opt(a, "kernel"),
        .login = cmd_opt(a, "login"),
    };
    char kernel[PATH_MAX], rootfs[PATH_MAX];
    const char *mem = cmd_opt(a, "mem"), *ip = cmd_opt(a, "ip");
    if (mem) {
        char num[16];
        snprintf(num, sizeof num, "%s", mem);
        size_t n = strlen(num);
        if (n > 1 && num[n - 1] == 'M') /* 64M */
            num[n - 1] = '\0';
        long m;
        if (strlen(mem) >= sizeof num || parse_long(num, 16, 65536, &m) < 0)
            return err_set(e, "--mem '%s': give MiB between 16 and 65536 (e.g. 64 or 64M)", mem);
        go.mem_mb = (int)m;
    }
    /* absolute, checked here: the guest runs in another directory */
    if (go.rootfs && parse_file_path("--rootfs", go.rootfs, rootfs, sizeof rootfs, e) < 0)
        return -1;
    if (go.kernel && parse_file_path("--kernel", go.kernel, kernel, sizeof kernel, e) < 0)
        return -1;
    if (go.rootfs)
        go.rootfs = rootfs;
    if (go.kernel)
        go.kernel = kernel;
    const char *nicv[GUEST_MAX_NICS];
    struct nic_spec nics[GUEST_MAX_NICS];
    int nn = cmd_opt_all(a, "nic", nicv, GUEST_MAX_NICS);
    if (nn > GUEST_MAX_NICS)
        return err_set(e, "%d NICs: a guest has at most %d", nn, GUEST_MAX_NICS);
    for (int i = 0; i < nn; i++)
        if (nic_spec_parse(nicv[i], &nics[i], e) < 0)
            return -1;
    go.nics = nics;
    go.nnics = (size_t)nn;
    if (ip) {
        if (strcmp(ip, "auto") == 0)
            go.auto_addr = true;
        else if (addr_parse(ip, &go.addr, NULL, e) < 0)
            return -1;
    }
    struct guest *g;
    if (lab_guest_add(lab, &go, &g, e) < 0)
        return -1;
    char cpu[24] = "";
    if (g->cpu >= 0)
        snprintf(cpu, sizeof cpu, ", cpu %d", g->cpu);
    out_progress(o, "%s: booting on %s%s", g->name, g->tap, cpu);
    if (g->mem_mb < LAB_SYSTEMD_MEM)
        out_progress(o, "%s: note: %d MiB; Debian 12 with systemd needs %d or more (--mem)",
                     g->name, g->mem_mb, LAB_SYSTEMD_MEM);
    if (cmd_flag(a, "wait")) {
        int rc = console_wait_prompt(lab, g, BOOT_TIMEOUT_MS, e);
        put_login_note(o, g);
        if (rc < 0 || boot_net(lab, g, o, e) < 0)
            return -1;
    }
    char as[INET_ADDRSTRLEN];
    for (int i = 0; i < GUEST_MAX_NICS && nn; i++)
        if (g->nics[i].present)
            out_progress(o, "%s: eth%d on %s%s%s%s", g->name, i, g->nics[i].tap,
                         g->nics[i].lan ? " (LAN " : " (routed",
                         g->nics[i].lan ? g->nics[i].lan->name : "", ")");
    out_printf(o, "%s: %s on %s%s%s, %d MiB%s\n", g->name,
               g->state == GUEST_RUNNING ? "running" : "booting", g->tap,
               g->addr.s_addr ? ", address " : "", g->addr.s_addr ? addr_str(g->addr, as) : "",
               g->mem_mb, cpu);
    cmd_put_guest(o, g, false);
    return 0;
}

static int guest_del(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    char name[GUEST_NAME_MAX];
    snprintf(name, sizeof name, "%s", g->name);
    if (lab_guest_del(lab, g, e) < 0)
        return -1;
    out_str(o, "name", "%s: ", name);
    out_str(o, "state", "%s (its tap, route and rules are gone)\n", "removed");
    return 0;
}

static int guest_restart(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    if (lab_guest_restart(lab, g, e) < 0)
        return -1;
    if (cmd_flag(a, "wait") &&
        (console_wait_prompt(lab, g, BOOT_TIMEOUT_MS, e) < 0 || boot_net(lab, g, o, e) < 0))
        return -1;
    char st[48];
    out_printf(o, "%s: restarted, %s\n", g->name, guest_state_name(g, st, sizeof st));
    cmd_put_guest(o, g, false);
    return 0;
}

static int guest_halt(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    if (lab_guest_halt(lab, g, 5000, e) < 0)
        return -1;
    char st[48];
    out_printf(o, "%s: %s\n", g->name, guest_state_name(g, st, sizeof st));
    cmd_put_guest(o, g, false);
    return 0;
}

static int guest_sysrq(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    const char *k = a->argv[1];
    if (strlen(k) != 1)
        return err_set(e, "sysrq key '%s': give one character (e.g. t, m, s)", k);
    char cmd[16], reply[512];
    snprintf(cmd, sizeof cmd, "sysrq %s", k);
    if (lab_guest_mconsole(lab, g, cmd, reply, sizeof reply, e) < 0)
        return -1;
    out_str(o, "name", "%s: ", g->name);
    out_printf(o, "sysrq %s sent%s", k, reply[0] ? ": " : "");
    out_str(o, "reply", "%s\n", reply);
    return 0;
}

static int guest_wait(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    int timeout;
    if (cmd_parse_timeout(a->argc > 1 ? a->argv[1] : NULL, BOOT_TIMEOUT_MS, &timeout, e) < 0)
        return -1;
    int rc = console_wait_prompt(lab, g, timeout, e);
    put_login_note(o, g);
    if (rc < 0 || boot_net(lab, g, o, e) < 0)
        return -1;
    int64_t ms = g->ready_ms ? g->ready_ms - g->started_ms : 0;
    out_str(o, "name", "%s: at its shell prompt ", g->name);
    out_double(o, "boot_seconds", "(booted in %.2f s)\n", (double)ms / 1000.0);
    return 0;
}

const struct cmd_entry cmd_guest_add = {
    .name = "guest add",
    .usage = "[NAME] [--mem MIB] [--rootfs IMAGE] [--kernel PATH] [--ip ADDR|auto] [--wait] "
             "[--login USER[:PW]|none] [--nic LAN[:ADDR/LEN]|tap[:ADDR]]...",
    .summary = "boot a new guest on its own tap, or with --nic on LANs (name g1, g2... when "
               "omitted)",
    .args = {.max = 1, .opts = "mem= rootfs= kernel= ip= wait login= nic=*"},
    .exec = guest_add,
};
const struct cmd_entry cmd_guest_del = {
    .name = "guest del",
    .usage = "NAME",
    .summary = "halt a guest and remove it with its tap, routes and rules",
    .args = {.min = 1, .max = 1},
    .target = CMD_TARGET_GUEST,
    .exec = guest_del,
};
const struct cmd_entry cmd_guest_restart = {
    .name = "guest restart",
    .usage = "NAME [--wait]",
    .summary = "reboot a guest (or boot an exited one again)",
    .args = {.min = 1, .max = 1, .opts = "wait"},
    .target = CMD_TARGET_GUEST,
    .exec = guest_restart,
};
const struct cmd_entry cmd_guest_halt = {
    .name = "guest halt",
    .usage = "NAME",
    .summary = "halt a guest (mconsole), keeping its tab and tap",
    .args = {.min = 1, .max = 1},
    .target = CMD_TARGET_GUEST,
    .exec = guest_halt,
};
const struct cmd_entry cmd_guest_sysrq = {
    .name = "guest sysrq",
    .usage = "NAME KEY",
    .summary = "send a magic SysRq key through the mconsole",
    .args = {.min = 2, .max = 2},
    .target = CMD_TARGET_GUEST,
    .exec = guest_sysrq,
};
const struct cmd_entry cmd_wait = {
    .name = "wait",
    .usage = "GUEST [TIMEOUT]",
    .summary = "wait until a guest shows its shell prompt",
    .args = {.min = 1, .max = 2},
    .target = CMD_TARGET_GUEST,
    .exec = guest_wait,
};
