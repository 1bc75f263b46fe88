/* ttybench.c — drives a full-screen program on a pty as a terminal would and
 * measures it (umlab's console benchmarks). Steps come on standard input:
 *   send TEXT           write TEXT (\r \n \e \xHH escapes) to the program
 *   wait TEXT SECONDS   read until TEXT shows in the output since the last mark;
 *                       TEXT|OTHER|...: until any of them shows, printed as
 *                       waited=TEXT and waited_line= the rest of its line
 *                       (an error can end the wait at once)
 *   mark                forget the output so far
 *   start NAME / stop NAME   time between the two, printed as NAME_s=...
 *   keylat N CHAR       N times: write CHAR, wait for it in the output; prints
 *                       keylat_p50_ms, keylat_p99_ms, keylat_max_ms
 *   idle SECONDS        CPU time the program used while left alone: idle_cpu_pct
 *   rss                 the program's resident memory now: rss_kb
 *   say TEXT            print TEXT (labels the numbers that follow)
 * The output is read all the time, so the program never blocks on its terminal.
 *   usage: ttybench ROWS COLS -- PROGRAM ARGS... < steps */
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

#define KEEP (1 << 20)

static int master;
static pid_t child;
static char *seen; /* output since the last mark (the last KEEP bytes of it) */
static size_t seen_len;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads what is there (waiting up to MS); returns -1 when the program is gone. */
static int pump(int ms)
{
    struct pollfd p = {.fd = master, .events = POLLIN};
    int r = poll(&p, 1, ms);
    if (r < 0 && errno != EINTR)
        return -1;
    if (r <= 0)
        return 0;
    char buf[65536];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0)
        return -1;
    if (seen_len + (size_t)n > KEEP) {
        size_t drop = seen_len + (size_t)n - KEEP;
        memmove(seen, seen + drop, seen_len - drop);
        seen_len -= drop;
    }
    memcpy(seen + seen_len, buf, (size_t)n);
    seen_len += (size_t)n;
    return 0;
}

/* Which of the N texts shows first (its index), or -1 on timeout or when the
 * program is gone. */
static int wait_any(char *const *texts, int n, double timeout)
{
    double end = now() + timeout;
    for (;;) {
        for (int i = 0; i < n; i++)
            if (memmem(seen, seen_len, texts[i], strlen(texts[i])))
                return i;
        double left = end - now();
        if (left <= 0 || pump((int)(left * 1000) + 1) < 0)
            return -1;
    }
}

static int wait_for(const char *text, double timeout)
{
    char *one = (char *)text;
    return wait_any(&one, 1, timeout);
}

static size_t unescape(const char *s, char *out)
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s != '\\') {
            out[n++] = *s;
            continue;
        }
        s++;
        if (*s == 'r')
            out[n++] = '\r';
        else if (*s == 'n')
            out[n++] = '\n';
        else if (*s == 'e')
            out[n++] = 0x1b;
        else if (*s == 's')
            out[n++] = ' ';
        else if (*s == 'x' && s[1] && s[2]) {
            char h[3] = {s[1], s[2], 0};
            out[n++] = (char)strtol(h, NULL, 16);
            s += 2;
        } else if (*s)
            out[n++] = *s;
        else
            break;
    }
    return n;
}

static int send_bytes(const char *b, size_t n)
{
    while (n) {
        ssize_t w = write(master, b, n);
        if (w < 0 && errno == EAGAIN) {
            pump(1);
            continue;
        }
        if (w < 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long rss_kb(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long kb = -1;
    while (fgets(buf, sizeof buf, f))
        if (sscanf(buf, "VmRSS: %ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: ttybench ROWS COLS -- PROGRAM ARGS... < steps\n");
        return 2;
    }
    struct winsize ws = {.ws_row = (unsigned short)atoi(argv[1]),
                         .ws_col = (unsigned short)atoi(argv[2])};
    seen = malloc(KEEP);
    if (!seen)
        return 1;
    setenv("TERM", "xterm-256color", 1);
    child = forkpty(&master, NULL, NULL, &ws);
    if (child < 0) {
        perror("forkpty");
        return 1;
    }
    if (child == 0) {
        execvp(argv[4], argv + 4);
        perror(argv[4]);
        _exit(127);
    }
    fcntl(master, F_SETFL, O_NONBLOCK);
    char line[4096], names[16][32];
    double starts[16];
    int nstarts = 0, rc = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *arg = strchr(line, ' ');
        if (arg)
            *arg++ = '\0';
        else
            arg = line + strlen(line);
        char bytes[4096];
        if (strcmp(line, "send") == 0) {
            if (send_bytes(bytes, unescape(arg, bytes)) < 0)
                rc = 1;
        } else if (strcmp(line, "wait") == 0) {
            char *sp = strrchr(arg, ' ');
            double t = sp ? atof(sp + 1) : 10;
            if (sp)
                *sp = '\0';
            size_t n = unescape(arg, bytes);
            bytes[n] = '\0';
            char *alts[8];
            int nalts = 0;
            for (char *p = bytes; p && nalts < 8; nalts++) {
                alts[nalts] = p;
                p = strchr(p, '|');
                if (p)
                    *p++ = '\0';
            }
            int got = wait_any(alts, nalts, t);
            if (got < 0) {
                fprintf(stderr, "ttybench: timed out waiting for '%s'\n", arg);
                rc = 1;
                break;
            }
            if (nalts > 1) { /* which, and the rest of its line (an error's words) */
                const char *at = memmem(seen, seen_len, alts[got], strlen(alts[got]));
                size_t len = 0, left = seen_len - (size_t)(at - seen);
                while (len < left && len < 120 && (unsigned char)at[len] >= ' ' && at[len] != 0x7f)
                    len++;
                printf("waited=%s\nwaited_line=%.*s\n", alts[got], (int)len, at);
            }
        } else if (strcmp(line, "mark") == 0) {
            seen_len = 0;
        } else if (strcmp(line, "start") == 0 && nstarts < 16) {
            snprintf(names[nstarts], sizeof names[0], "%s", arg);
            starts[nstarts++] = now();
        } else if (strcmp(line, "stop") == 0) {
            for (int i = 0; i < nstarts; i++)
                if (strcmp(names[i], arg) == 0)
                    printf("%s_s=%.3f\n", arg, now() - starts[i]);
        } else if (strcmp(line, "keylat") == 0) {
            int n = atoi(arg);
            char *c = strchr(arg, ' ');
            char ch = c ? c[1] : '~';
            double *lat = calloc((size_t)(n > 0 ? n : 1), sizeof *lat);
            int got = 0;
            for (int i = 0; i < n && lat; i++) {
                seen_len = 0;
                double t0 = now();
                if (send_bytes(&ch, 1) < 0 || wait_for((char[]){ch, 0}, 5) < 0)
                    break;
                lat[got++] = (now() - t0) * 1000;
                double pause = now() + 0.02; /* a typist, not a paste */
                while (now() < pause)
                    pump(5);
            }
            if (got == 0) {
                rc = 1;
            } else {
                qsort(lat, (size_t)got, sizeof *lat, cmp_double);
                printf("keylat_n=%d\nkeylat_p50_ms=%.2f\nkeylat_p99_ms=%.2f\nkeylat_max_ms=%.2f\n",
                       got, lat[got / 2], lat[(got * 99) / 100 < got ? (got * 99) / 100 : got - 1],
                       lat[got - 1]);
            }
            free(lat);
        } else if (strcmp(line, "idle") == 0) {
            double secs = atof(arg), c0 = cpu_seconds(child), t0 = now();
            while (now() - t0 < secs)
                if (pump(100) < 0)
                    break;
            printf("idle_cpu_pct=%.2f\n", 100 * (cpu_seconds(child) - c0) / (now() - t0));
        } else if (strcmp(line, "rss") == 0) {
            printf("rss_kb=%ld\n", rss_kb(child));
        } else if (strcmp(line, "say") == 0) {
            printf("%s\n", arg);
        } else if (line[0] && line[0] != '#') {
            fprintf(stderr, "ttybench: unknown step '%s'\n", line);
            rc = 2;
            break;
        }
        fflush(stdout);
    }
    /* let the program exit by itself after the last step, then make sure */
    double end = now() + 20;
    while (now() < end && waitpid(child, NULL, WNOHANG) == 0)
        pump(50);
    if (waitpid(child, NULL, WNOHANG) == 0) {
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
    }
    return rc;
}
