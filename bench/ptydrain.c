/* ptydrain.c — the baseline for umlab's benchmarks: runs a command (a bare
 * linux.uml) on a pty with no terminal emulator at all, answers the cursor
 * position queries busybox's shell sends, and times
 *   boot:  start -> first shell prompt
 *   flood: typing CMD -> its output drained up to the line MARK and the prompt
 * Prints "boot_s=X flood_s=Y bytes=N reads=M" (CMD_TO_TYPE "-": boot only).
 * More CMD MARK pairs run one after the other in the same guest, each timed:
 * "stepN_s=T" (N from 1; flood_s is step1's). A step whose output stops for
 * 60 s is "stepN_s=stall" and ends the run (exit status 0: a result).
 * PTYDRAIN_PROMPT: what ends the boot (default "# ", busybox's prompt; a
 * getty's "login: " for a distribution image).
 *   usage: ptydrain CMD_TO_TYPE MARK [CMD MARK]... -- PROGRAM ARGS... */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The tail of the output, to find prompts and the mark across reads. */
struct tail {
    char buf[256];
    size_t len;
};

static void tail_add(struct tail *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t->len == sizeof t->buf - 1) {
            memmove(t->buf, t->buf + 128, t->len - 128);
            t->len -= 128;
        }
        t->buf[t->len++] = s[i];
    }
    t->buf[t->len] = '\0';
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads until NEEDLE shows in the tail; answers ESC[6n. Returns 0, -1 at EOF,
 * -2 when nothing came for STALL_S seconds (a guest stuck on its console). */
#define STALL_S 60
static int read_until(int fd, struct tail *t, const char *needle, long *bytes, long *reads)
{
    char buf[65536];
    for (;;) {
        /* what came after the last needle may hold this one (one read, both) */
        char *hit = strstr(t->buf, needle);
        if (hit) {
            size_t from = (size_t)(hit - t->buf) + strlen(needle);
            memmove(t->buf, t->buf + from, t->len - from + 1);
            t->len -= from;
            return 0;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int pr = poll(&p, 1, STALL_S * 1000);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0)
            return -2;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        *bytes += n;
        (*reads)++;
        tail_add(t, buf, (size_t)n);
        if (memmem(buf, (size_t)n, "\033[6n", 4) && write_all(fd, "\033[24;3R", 7) < 0)
            return -1;
    }
}

int main(int argc, char **argv)
{
    int dash = 1;
    while (dash < argc && strcmp(argv[dash], "--") != 0)
        dash++;
    if (dash < 3 || dash % 2 == 0 || dash + 1 >= argc) {
        fprintf(stderr, "usage: ptydrain CMD_TO_TYPE MARK [CMD MARK]... -- PROGRAM ARGS...\n");
        return 2;
    }
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    int master;
    double t0 = now();
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    if (pid < 0) {
        perror("forkpty");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[dash + 1], argv + dash + 1);
        perror(argv[dash + 1]);
        _exit(127);
    }
    struct tail t = {.len = 0};
    long bytes = 0, reads = 0;
    /* busybox's prompt ends in "# " after the hostname */
    const char *prompt = getenv("PTYDRAIN_PROMPT");
    if (read_until(master, &t, prompt && *prompt ? prompt : "# ", &bytes, &reads) < 0) {
        fprintf(stderr, "ptydrain: no prompt\n");
        return 1;
    }
    double boot = now() - t0;
    if (strcmp(argv[1], "-") == 0) { /* boot only */
        printf("boot_s=%.3f\n", boot);
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 0;
    }
    printf("boot_s=%.3f", boot);
    for (int i = 1; i < dash; i += 2) {
        char line[512];
        snprintf(line, sizeof line, "%s\r", argv[i]);
        double t1 = now();
        bytes = reads = 0;
        char mark[128];
        snprintf(mark, sizeof mark, "\n%s\r\n", argv[i + 1]);
        int rc = write_all(master, line, strlen(line));
        if (rc == 0)
            rc = read_until(master, &t, mark, &bytes, &reads);
        if (rc == 0)
            rc = read_until(master, &t, "# ", &bytes, &reads);
        if (rc == -2) {
            printf(" step%d_s=stall\n", (i + 1) / 2);
            break;
        }
        if (rc < 0) {
            fprintf(stderr, "\nptydrain: output ended early\n");
            return 1;
        }
        double took = now() - t1;
        if (i == 1)
            printf(" flood_s=%.3f bytes=%ld reads=%ld", took, bytes, reads);
        printf(" step%d_s=%.3f", (i + 1) / 2, took);
        if (i + 2 >= dash)
            printf("\n");
    }
    kill(pid, SIGKILL);
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return 0;
}
