/* main.c — umlab's entry point: options, then the console, batch mode or cleanup. */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/batch.h"
#include "core/labapply.h"
#include "core/lab.h"
#include "core/loop.h"
#include "base/parse.h"
#include "tui/histfile.h"
#include "tui/labopen.h"
#include "tui/tui.h"

#define UMLAB_VERSION "0.1.0"

static void usage(FILE *f)
{
    fputs("usage: umlab [OPTIONS] [LAB]            open the lab console (with LAB built)\n"
          "       umlab --batch FILE|- [OPTIONS]   run lab commands without a screen\n"
          "       umlab check [OPTIONS] LAB        build LAB without a screen, run its checks:\n"
          "                                        one line each, exit 0 only if all pass\n"
          "       umlab cleanup [LAB]              undo what a killed umlab left behind\n"
          "\n"
          "LAB is a lab file (docs/LABFILE.md) or a Netkit/Kathará lab directory (lab.conf).\n"
          "--batch takes a lab too when FILE ends in .lab or is a directory (it builds the\n"
          "lab, then exits); any other FILE holds commands, one a line. --batch FILE LAB\n"
          "builds LAB, then runs FILE's commands. Options go before LAB.\n"
          "\n"
          "Lab options:\n"
          "  --lab NAME         lab name (default: lab); state in /run/umlab/NAME\n"
          "  --sandbox          run in a new network namespace umlab-LAB with a stand-in\n"
          "                     internet (198.51.100.1) behind uplink0: nothing touches the host\n"
          "  --netns NAME       run in a new network namespace NAME (removed on exit)\n"
          "  --subnet CIDR      the guests' subnet (default 192.168.0.0/24)\n"
          "  --host-addr ADDR   the host's address on every tap (default: last of the subnet)\n"
          "  --kernel PATH      UML kernel (default /usr/bin/linux.uml)\n"
          "  --rootfs IMAGE     raw ext2/3/4 image shared by the guests (copy-on-write),\n"
          "                     booting its own init (default: umlab's busybox image)\n"
          "  --mem MIB          guest memory (default " LAB_DEFAULT_MEM_STR ")\n"
          "  --login USER[:PW]  what umlab answers a getty's login (and Password:)\n"
          "                     prompt with (default root; none: leave it to you)\n"
          "  --cpus LIST        host CPUs for the guests, e.g. 1, 0-1 or 1,3 (default: all);\n"
          "                     each guest is kept on one of them, umlab on a spare one\n"
          "  --no-pin           no CPU placement: leave guests and umlab to the scheduler\n"
          "  --image NAME=IMAGE a Netkit lab's machines with M[image]=NAME boot IMAGE\n"
          "  --as HOST          a lab file with `host` lines: build only HOST's part (its\n"
          "                     guests; shared LANs over VXLAN; may follow LAB)\n"
          "\n"
          "Console options:\n"
          "  --guests N         guests to boot when the console opens (default 1)\n"
          "  --lesson FILE      start the lesson in FILE (docs/LESSONS.md) when the console opens\n"
          "\n"
          "Batch options:\n"
          "  --batch FILE       read commands from FILE (- for standard input)\n"
          "  --json             print one JSON object per command\n"
          "  --keep-going       do not stop at the first failing command\n"
          "  --quiet            do not echo each command before its result\n"
          "\n"
          "  -h, --help         this text;  --version  the version\n"
          "\n"
          "Commands (batch files and the console's prompt): run `umlab --batch - <<<help`\n"
          "or see man umlab. umlab needs root (CAP_NET_ADMIN); guests run as the user who\n"
          "called sudo.\n",
          f);
}

struct cli {
    struct lab_opts lab;
    const char *batch;
    struct batch_opts bo;
    int guests;
    const char *lesson;                             /* --lesson FILE */
    char kernel[PATH_MAX], rootfs[PATH_MAX];        /* absolute: guests run elsewhere */
    struct netkit_image images[LABOPEN_MAX_IMAGES]; /* --image NAME=IMAGE */
    size_t nimages;
    const char *as; /* --as HOST: a multi-host lab file's part */
};

/* --kernel/--rootfs: an existing file, made absolute now (the guests run in
 * the state directory, and exec would search a bare name on PATH). */
static int parse_file_opt(const char *opt, const char *s, char *out, size_t outsz)
{
    struct err e;
    if (parse_file_path(opt, s, out, outsz, &e) < 0) {
        fprintf(stderr, "umlab: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
    long v;
    if (parse_long(s, lo, hi, &v) < 0) {
        fprintf(stderr, "umlab: %s '%s': give a number between %d and %d\n", opt, s, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int parse_cli(int argc, char **argv, struct cli *c)
{
    enum {
        O_LAB = 256,
        O_SANDBOX,
        O_NETNS,
        O_SUBNET,
        O_HOST,
        O_KERNEL,
        O_ROOTFS,
        O_MEM,
        O_CPUS,
        O_NOPIN,
        O_LOGIN,
        O_GUESTS,
        O_BATCH,
        O_JSON,
        O_KEEP,
        O_QUIET,
        O_IMAGE,
        O_LESSON,
        O_AS,
        O_VERSION
    };
    static const struct option opts[] = {
        {"lab", required_argument, 0, O_LAB},        {"sandbox", no_argument, 0, O_SANDBOX},
        {"netns", required_argument, 0, O_NETNS},    {"subnet", required_argument, 0, O_SUBNET},
        {"host-addr", required_argument, 0, O_HOST}, {"kernel", required_argument, 0, O_KERNEL},
        {"rootfs", required_argument, 0, O_ROOTFS},  {"mem", required_argument, 0, O_MEM},
        {"cpus", required_argument, 0, O_CPUS},      {"no-pin", no_argument, 0, O_NOPIN},
        {"login", required_argument, 0, O_LOGIN},    {"guests", required_argument, 0, O_GUESTS},
        {"batch", required_argument, 0, O_BATCH},    {"json", no_argument, 0, O_JSON},
        {"keep-going", no_argument, 0, O_KEEP},      {"quiet", no_argument, 0, O_QUIET},
        {"image", required_argument, 0, O_IMAGE},    {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, O_VERSION},      {"lesson", required_argument, 0, O_LESSON},
        {"as", required_argument, 0, O_AS},          {0, 0, 0, 0},
    };
    c->bo.echo = true;
    c->guests = 1;
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (o) {
        case O_LAB:
            c->lab.name = optarg;
            break;
        case O_SANDBOX:
            c->lab.sandbox = true;
            break;
        case O_NETNS:
            c->lab.netns = optarg;
            break;
        case O_SUBNET:
            c->lab.subnet = optarg;
            break;
        case O_HOST:
            c->lab.host_addr = optarg;
            break;
        case O_KERNEL:
            if (parse_file_opt("--kernel", optarg, c->kernel, sizeof c->kernel) < 0)
                return -1;
            c->lab.kernel = c->kernel;
            break;
        case O_ROOTFS:
            if (parse_file_opt("--rootfs", optarg, c->rootfs, sizeof c->rootfs) < 0)
                return -1;
            c->lab.rootfs = c->rootfs;
            break;
        case O_MEM:
            if (parse_int("--mem", optarg, 16, 65536, &c->lab.mem_mb) < 0)
                return -1;
            break;
        case O_CPUS:
            c->lab.cpus = optarg;
            break;
        case O_NOPIN:
            c->lab.no_pin = true;
            break;
        case O_LOGIN:
            c->lab.login = optarg; /* checked by lab_open, before anything is created */
            break;
        case O_LESSON:
            c->lesson = optarg; /* read by the `lesson` command, as the sudo user */
            break;
        case O_GUESTS:
            if (parse_int("--guests", optarg, 0, 256, &c->guests) < 0)
                return -1;
            break;
        case O_BATCH:
            c->batch = optarg;
            break;
        case O_JSON:
            c->bo.json = true;
            break;
        case O_KEEP:
            c->bo.keep_going = true;
            break;
        case O_QUIET:
            c->bo.echo = false;
            break;
        case O_IMAGE: {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1] || c->nimages == LABOPEN_MAX_IMAGES) {
                fprintf(stderr, "umlab: --image '%s': give NAME=IMAGE (at most %d)\n", optarg,
                        LABOPEN_MAX_IMAGES);
                return -1;
            }
            *eq = '\0';
            c->images[c->nimages++] = (struct netkit_image){optarg, eq + 1};
            break;
        }
        case O_AS:
            c->as = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case O_VERSION:
            printf("umlab %s\n", UMLAB_VERSION);
            exit(0);
        default:
            if (optopt)
                fprintf(stderr, "umlab: option '%s' needs a value (see umlab --help)\n",
                        argv[optind - 1]);
            else
                fprintf(stderr, "umlab: unknown option '%s' (see umlab --help)\n",
                        argv[optind - 1]);
            return -1;
        }
    }
    if (c->lab.cpus && c->lab.no_pin) {
        fprintf(stderr, "umlab: --cpus and --no-pin exclude each other\n");
        return -1;
    }
    if (c->lab.sandbox && c->lab.netns) {
        fprintf(stderr, "umlab: --sandbox and --netns exclude each other\n");
        return -1;
    }
    return 0;
}

static void log_line(void *ctx, const char *line)
{
    fprintf(ctx, "umlab: %s\n", line);
}

static int do_cleanup(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "lab";
    if (argc > 2) {
        fprintf(stderr, "usage: umlab cleanup [LAB]\n");
        return 2;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "umlab: cleanup needs root: run it with sudo\n");
        return 1;
    }
    struct err e;
    if (lab_cleanup(name, getenv("UMLAB_STATE_DIR"), log_line, stdout, &e) < 0) {
        fprintf(stderr, "umlab: cleanup %s: %s\n", name, e.msg);
        return 1;
    }
    printf("umlab: lab '%s' is clean\n", name);
    return 0;
}

static void on_signal(void *ctx, int signo)
{
    struct lab **lab = ctx;
    if (*lab && signo != SIGWINCH)
        lab_quit(*lab, signo);
}

static void on_sigpipe(int signo)
{
    (void)signo;
}

/* A closed output pipe must not kill umlab before it undoes the lab: writes
 * fail with EPIPE instead and batch mode stops on that. A no-op handler rather
 * than SIG_IGN, which every exec'd child (guests, `host` commands) would
 * inherit; a handler is reset to the default by exec. SIGQUIT and the other
 * quit signals go through the loop's signalfd (loop.c). */
static int setup_sigpipe(void)
{
    struct sigaction sa = {.sa_handler = on_sigpipe, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGPIPE, &sa, NULL);
}

static void print_progress(void *ctx, const char *line)
{
    fprintf(ctx, "  ... %s\n", line);
}

/* Reads the lab named on the command line; its name and subnet become the
 * lab's unless --lab/--subnet say otherwise. Nothing exists yet. */
static int load_lab(const char *path, struct cli *c, struct labopen *lo)
{
    struct err e;
    if (labopen_read(path, c->images, c->nimages, c->lab.subnet, lo, &e) < 0) {
        fprintf(stderr, "umlab: %s\n", e.msg);
        return -1;
    }
    for (size_t i = 0; lo->nk && i < lo->nk->nnotes; i++)
        fprintf(stderr, "umlab: note: %s\n", lo->nk->notes[i]);
    static char subnet[INET_ADDRSTRLEN + 4];
    if (lo->spec->name[0] && !c->lab.name)
        c->lab.name = lo->spec->name;
    if (lo->spec->has_subnet && !c->lab.subnet) {
        char as[INET_ADDRSTRLEN];
        snprintf(subnet, sizeof subnet, "%s/%d", addr_str(lo->spec->subnet.net, as),
                 lo->spec->subnet.prefix);
        c->lab.subnet = subnet;
    }
    if (c->as && (lo->nk || labfile_set_as(lo->spec, c->as, &e) < 0)) {
        if (lo->nk)
            err_set(&e, "%s: --as is for lab files with `host` lines", path);
        fprintf(stderr, "umlab: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static void free_lab(struct labopen *lo)
{
    if (lo->nk)
        netkit_free(lo->nk);
    else
        labfile_free(lo->spec);
    lo->nk = NULL;
    lo->spec = NULL;
}

/* umlab check: the checks' lines (or their JSON) to stdout; 0 only if all pass. */
static int run_checks(struct lab *lab, bool json)
{
    struct out o;
    out_init(&o);
    struct err e;
    int skipped = 0; /* a multi-host lab's part: what no host could run */
    int failed = labapply_check(lab, &o, &skipped, &e);
    if (failed < 0)
        fprintf(stderr, "umlab: %s\n", e.msg);
    else if (json)
        printf("%s\n", out_json_result(&o));
    else
        fwrite(sb_str(&o.text), 1, o.text.len, stdout);
    const struct lab_spec *s = labapply_spec(lab);
    if (json || failed < 0)
        failed = failed < 0 ? 1 : failed; /* said above */
    else if (labapply_netkit(lab))
        printf("%s\n", failed ? "some machines failed their tests" : "no machine failed its tests");
    else if (failed > 0)
        printf("%d of %zu check(s) failed\n", failed, s->nchecks - (size_t)skipped);
    else if (skipped)
        printf("all %zu check(s) that could run passed (%d skipped)\n",
               s->nchecks - (size_t)skipped, skipped);
    else
        printf("all %zu check(s) passed\n", s->nchecks);
    out_free(&o);
    /* results nobody got are no pass (`umlab check LAB | true`): as in batch mode */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int err = errno;
        fprintf(stderr, "umlab: %s: the check results were not written\n",
                err == EPIPE ? "output closed (broken pipe)" : strerror(err));
        return err == EPIPE ? 128 + SIGPIPE : 1;
    }
    return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "cleanup") == 0)
        return do_cleanup(argc - 1, argv + 1);
    bool check_mode = argc > 1 && strcmp(argv[1], "check") == 0;
    if (check_mode) {
        argv[1] = argv[0];
        argc--;
        argv++;
    }

    struct cli c = {0};
    if (parse_cli(argc, argv, &c) < 0)
        return 2;
    const char *labpath = optind < argc ? argv[optind++] : NULL;
    /* `umlab LAB --as HOST`, as docs/MULTIHOST.md writes it */
    if (optind < argc && strcmp(argv[optind], "--as") == 0 && optind + 1 < argc && !c.as) {
        c.as = argv[optind + 1];
        optind += 2;
    } else if (optind < argc && strncmp(argv[optind], "--as=", 5) == 0 && !c.as) {
        c.as = argv[optind++] + 5;
    }
    if (c.as && !labpath) {
        fprintf(stderr, "umlab: --as HOST needs a lab file\n");
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "umlab: unexpected argument '%s' (see umlab --help)\n", argv[optind]);
        return 2;
    }
    if (check_mode && (!labpath || c.batch)) {
        fprintf(stderr, "usage: umlab check [OPTIONS] LABFILE|LABDIR\n");
        return 2;
    }
    bool build_only = false;
    if (!labpath && c.batch && strcmp(c.batch, "-") != 0 && labopen_is_lab(c.batch)) {
        labpath = c.batch;
        c.batch = NULL;
        build_only = true;
    }
    struct labopen lo = {0};
    if (labpath && load_lab(labpath, &c, &lo) < 0) {
        free_lab(&lo);
        return 2;
    }
    bool headless = c.batch || build_only || check_mode;
    c.lab.state_base = getenv("UMLAB_STATE_DIR");

    int in = -1;
    if (headless && !c.batch) {
        c.lab.cols = 120;
    } else if (c.batch) {
        in = strcmp(c.batch, "-") == 0 ? STDIN_FILENO : open(c.batch, O_RDONLY | O_CLOEXEC);
        if (in < 0) {
            fprintf(stderr, "umlab: %s: %s\n", c.batch, strerror(errno));
            return 2;
        }
        c.lab.cols = 120; /* fewer wrapped lines for `expect` to see through */
    } else {
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
            fprintf(stderr, "umlab: the console needs a terminal (use --batch FILE for scripts)\n");
            return 2;
        }
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 4 && ws.ws_col > 20) {
            c.lab.rows = ws.ws_row - 4;
            c.lab.cols = ws.ws_col;
        }
    }

    if (setup_sigpipe() < 0) {
        fprintf(stderr, "umlab: sigaction SIGPIPE: %s\n", strerror(errno));
        return 1;
    }
    struct err e;
    struct loop *loop = loop_new(&e);
    if (!loop) {
        fprintf(stderr, "umlab: %s\n", e.msg);
        return 1;
    }
    struct lab *lab = NULL;
    loop_on_signal(loop, on_signal, &lab);
    if (lab_open(&lab, &c.lab, loop, &e) < 0) {
        fprintf(stderr, "umlab: %s\n", e.msg);
        free_lab(&lo);
        loop_free(loop);
        return 1;
    }

    int rc = 0;
    bool built = true;
    if (labpath) {
        /* the lab owns the spec from here on */
        built = labapply_build(lab, lo.spec, lo.nk, print_progress, stderr, &e) == 0;
        if (!built) {
            fprintf(stderr, "umlab: %s\n", e.msg);
            rc = 1;
        }
    }
    if (!built) {
        /* undone below */
    } else if (check_mode) {
        rc = run_checks(lab, c.bo.json);
    } else if (build_only) {
        fprintf(stderr, "umlab: lab built from %s\n", labpath);
    } else if (c.batch) {
        int failed = batch_run(lab, in, c.batch, &c.bo, stdout, &e);
        if (failed < 0)
            fprintf(stderr, "umlab: %s\n", e.msg);
        rc = failed != 0 ? 1 : 0;
        if (in != STDIN_FILENO)
            close(in);
    } else {
        /* the history file is the sudo user's (from passwd), opened as them */
        char hist[PATH_MAX];
        struct histfile_owner owner;
        struct err he = {""};
        bool have_owner = histfile_owner(&owner, &he) == 0;
        bool have_hist = have_owner;
        if (have_hist && histfile_path(&owner, getenv("XDG_STATE_HOME"), hist, sizeof hist) < 0) {
            err_set(&he, "history: path too long");
            have_hist = false;
        }
        struct tui_opts to = {
            .history_path = have_hist ? hist : NULL,
            .history_owner = have_hist ? &owner : NULL,
            .history_error = have_hist ? NULL : he.msg,
            .boot_guests = labpath || c.lesson ? 0 : c.guests,
            .lesson = c.lesson,
            .user = have_owner ? &owner : NULL, /* `record` files too */
            .user_error = have_owner ? NULL : he.msg,
        };
        if (tui_run(lab, &to, &e) < 0) {
            fprintf(stderr, "umlab: %s\n", e.msg);
            rc = 1;
        }
        /* the console took the loop's hooks over and cleared them on exit */
        loop_on_signal(loop, on_signal, &lab);
    }
    if (!c.bo.json && headless)
        fprintf(stderr, "umlab: cleaning up lab '%s'...\n", lab->name);
    int sig = lab->quit_signal;
    if (lab_close(lab, &e) < 0) {
        fprintf(stderr, "umlab: cleanup: %s (run `umlab cleanup`)\n", e.msg);
        rc = 1;
    }
    loop_free(loop);
    if (sig)
        rc = 128 + sig;
    return rc;
}
