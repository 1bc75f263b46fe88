/* labshare.c — see labshare.h. */
#include "core/labshare.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/lab.h"
#include "core/lab_internal.h"
#include "core/netkit.h"
#include "core/useropen.h"

bool labshare_mount_ok(const char *m)
{
    size_t n = strlen(m);
    if (m[0] != '/' || n < 2 || n >= sizeof((struct lab *)0)->share.mount || strstr(m, ".."))
        return false;
    return strspn(m, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == n;
}

static const char *const mke2fs_paths[] = {"/usr/sbin/mke2fs", "/sbin/mke2fs", NULL};

/* In the child: become the guests' user, create IMAGE (0600, never an
 * existing file or a link), make the file system from the directory DIRFD.
 * Output goes to OUTFD. Never returns. */
static void mke2fs_child(const struct lab *lab, int dirfd, const char *image, const char *size,
                         int outfd)
{
    if (dup2(outfd, STDOUT_FILENO) < 0 || dup2(outfd, STDERR_FILENO) < 0)
        _exit(126);
    int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nul < 0 || dup2(nul, STDIN_FILENO) < 0)
        _exit(126);
    struct useropen_who who = {lab->guest_uid, lab->guest_gid, lab->drop_priv};
    struct err ce;
    if (who.drop && useropen_become(&who, &ce) < 0) {
        fprintf(stderr, "%s\n", ce.msg);
        _exit(126);
    }
    int fd = open(image, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "%s: %s\n", image, strerror(errno));
        _exit(126);
    }
    close(fd);
    int flags = fcntl(dirfd, F_GETFD);
    if (flags < 0 || fcntl(dirfd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        _exit(126);
    char src[32];
    snprintf(src, sizeof src, "/proc/self/fd/%d", dirfd);
    char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
    for (int i = 0; mke2fs_paths[i]; i++) {
        char *const argv[] = {"mke2fs",         "-q",          "-F",         "-t",
                              "ext2",           "-d",          src,          "-E",
                              "root_owner=0:0", (char *)image, (char *)size, NULL};
        execve(mke2fs_paths[i], argv, env);
    }
    fprintf(stderr, "mke2fs not found (install e2fsprogs)\n");
    _exit(127);
}

/* Runs mke2fs (mke2fs_child) and waits; its first line of output is the
 * error when it fails. */
static int run_mke2fs(const struct lab *lab, int dirfd, const char *dir, const char *image,
                      const char *size, struct err *e)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return err_sys(e, "share: pipe");
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return err_sys(e, "share: fork");
    }
    if (pid == 0)
        mke2fs_child(lab, dirfd, image, size, pfd[1]);
    close(pfd[1]);
    char out[512];
    size_t len = 0;
    for (;;) {
        char buf[512];
        ssize_t n = read(pfd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t k = (size_t)n < sizeof out - 1 - len ? (size_t)n : sizeof out - 1 - len;
        memcpy(out + len, buf, k);
        len += k;
    }
    out[len] = '\0';
    close(pfd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return err_sys(e, "share: waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    out[strcspn(out, "\n")] = '\0';
    for (char *c = out; *c; c++) /* mke2fs's words, shown in a terminal */
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return err_set(e, "share %s: mke2fs failed: %s", dir, out[0] ? out : "(no output)");
}

int labshare_add(struct lab *lab, const char *dir, const char *mount, bool rw, struct err *e)
{
    if (lab->share.image[0])
        return err_set(e, "share: this lab has a shared folder already (at %s)", lab->share.mount);
    if (lab->nguests)
        return err_set(e, "share: give the shared folder before the guests (they get it at boot)");
    if (!labshare_mount_ok(mount))
        return err_set(e,
                       "share: mount point '%s': give an absolute path other than / of letters, "
                       "digits, / . _ - (no ..)",
                       mount);
    struct useropen_who who;
    useropen_who(&who);
    int fd = useropen(&who, dir, O_RDONLY | O_DIRECTORY, 0, e);
    if (fd < 0)
        return -1;
    uint64_t bytes = 0;
    size_t entries = 0;
    if (netkit_dir_check(fd, dir, &bytes, &entries, e) < 0) {
        close(fd);
        return -1;
    }
    if (bytes > LABSHARE_MAX_BYTES) {
        close(fd);
        return err_set(e, "share %s: %llu MiB of files, at most %llu", dir,
                       (unsigned long long)(bytes >> 20),
                       (unsigned long long)(LABSHARE_MAX_BYTES >> 20));
    }
    /* The files, a block per name, a quarter more for ext2's own blocks, and
     * 8 MiB free (what a rw guest can add); sparse, so cheap. */
    unsigned long long kib = bytes / 1024 * 5 / 4 + entries * 4 + 8192;
    char size[32], image[PATH_MAX];
    snprintf(size, sizeof size, "%lluk", kib);
    if (snprintf(image, sizeof image, "%s/guests/share.ext2", lab->statedir) >= (int)sizeof image) {
        close(fd);
        return err_set(e, "share: state directory path too long");
    }
    int seq = journal_add(&lab->journal, J_FILE, e, 1, image);
    if (seq < 0) {
        close(fd);
        return -1;
    }
    int rc = run_mke2fs(lab, fd, dir, image, size, e);
    close(fd);
    if (rc < 0) {
        struct err ue;
        lab_undo_now(lab, &seq, &ue);
        return -1;
    }
    snprintf(lab->share.image, sizeof lab->share.image, "%s", image);
    snprintf(lab->share.mount, sizeof lab->share.mount, "%s", mount);
    lab->share.rw = rw;
    return 0;
}

void labshare_mount_line(const struct lab *lab, char *out, size_t outsz)
{
    if (!lab->share.image[0]) {
        snprintf(out, outsz, "%s", "");
        return;
    }
    snprintf(out, outsz, "mkdir -p %s && mount -t ext2 -o %s /dev/ubdb %s", lab->share.mount,
             lab->share.rw ? "rw" : "ro", lab->share.mount);
}
