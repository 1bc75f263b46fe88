/* test_histfile.c — the console's history file (tui/histfile.c): whose it is,
 * never opened through a link or as anything but a regular file, opened as
 * the sudo user when root (those cases run only as root: they need a second
 * uid, nobody's), read, appended and trimmed through the descriptor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/histfile.h"

#define NOBODY 65534

struct tmp {
    char dir[64];
};

static int tmp_setup(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/umlab-test-hist-XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    chmod(t->dir, 0755); /* nobody must be able to reach its own part */
    *state = t;
    return 0;
}

static int tmp_teardown(void **state)
{
    struct tmp *t = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    int rc = system(cmd);
    free(t);
    return rc;
}

static void put(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void get(const char *path, char *buf, size_t bufsz)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    ssize_t n = read(fd, buf, bufsz - 1);
    assert_true(n >= 0);
    buf[n] = '\0';
    close(fd);
}

static void add_line(void *ctx, const char *line)
{
    char *acc = ctx;
    strcat(acc, line);
    strcat(acc, "|");
}

/* The attack of issue 11: the history file is a link to a file root can
 * write (/etc/sudoers there, a canary here). Nothing is opened, the canary is
 * untouched, whoever we are. */
static void test_refuses_symlink(void **state)
{
    struct tmp *t = *state;
    char canary[128], link[128], buf[256];
    snprintf(canary, sizeof canary, "%s/canary", t->dir);
    snprintf(link, sizeof link, "%s/umlab_history", t->dir);
    put(canary, "root ALL=(ALL) ALL\n", 0440);
    assert_int_equal(symlink(canary, link), 0);
    struct err e = {""};
    assert_int_equal(histfile_open_here(link, &e), -1);
    assert_non_null(strstr(e.msg, link));
    get(canary, buf, sizeof buf);
    assert_string_equal(buf, "root ALL=(ALL) ALL\n");

    /* a dangling link is not created through either */
    char ghost[128];
    snprintf(ghost, sizeof ghost, "%s/ghost", t->dir);
    assert_int_equal(unlink(link), 0);
    assert_int_equal(symlink(ghost, link), 0);
    assert_int_equal(histfile_open_here(link, &e), -1);
    assert_int_equal(access(ghost, F_OK), -1);
}

static void test_refuses_non_regular(void **state)
{
    struct tmp *t = *state;
    char fifo[128], dir[128];
    struct err e = {""};
    snprintf(fifo, sizeof fifo, "%s/fifo", t->dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(histfile_open_here(fifo, &e), -1); /* and does not block */
    assert_non_null(strstr(e.msg, "not a regular file"));
    snprintf(dir, sizeof dir, "%s/d", t->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(histfile_open_here(dir, &e), -1);
}

static void test_create_read_append_trim(void **state)
{
    struct tmp *t = *state;
    char path[128], buf[256], acc[256] = "";
    struct err e = {""};
    snprintf(path, sizeof path, "%s/state/umlab_history", t->dir); /* parent made too */
    mode_t old = umask(0);
    int fd = histfile_open_here(path, &e);
    umask(old);
    if (fd < 0)
        fail_msg("%s", e.msg);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600); /* whatever the umask */
    char parent[128];
    snprintf(parent, sizeof parent, "%s/state", t->dir);
    assert_int_equal(stat(parent, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);

    for (int i = 1; i <= 5; i++) {
        char line[16];
        snprintf(line, sizeof line, "cmd %d", i);
        assert_int_equal(histfile_append(fd, line, &e), 0);
    }
    assert_int_equal(histfile_append(fd, "two\nlines", &e), -1);
    assert_int_equal(histfile_read(fd, add_line, acc, &e), 0);
    assert_string_equal(acc, "cmd 1|cmd 2|cmd 3|cmd 4|cmd 5|");
    assert_int_equal(histfile_trim(fd, 3, &e), 0);
    get(path, buf, sizeof buf);
    assert_string_equal(buf, "cmd 3\ncmd 4\ncmd 5\n");
    assert_int_equal(histfile_trim(fd, 10, &e), 0); /* fewer: unchanged */
    get(path, buf, sizeof buf);
    assert_string_equal(buf, "cmd 3\ncmd 4\ncmd 5\n");
    assert_int_equal(histfile_append(fd, "cmd 6", &e), 0); /* still appends at the end */
    get(path, buf, sizeof buf);
    assert_string_equal(buf, "cmd 3\ncmd 4\ncmd 5\ncmd 6\n");
    close(fd);
}

static void test_owner_from_passwd(void **state)
{
    (void)state;
    struct histfile_owner o;
    struct err e = {""};
    if (geteuid() != 0) {
        /* an ordinary user: their own, sudo variables or not */
        setenv("SUDO_USER", "nobody", 1);
        assert_int_equal(histfile_owner(&o, &e), 0);
        assert_false(o.drop);
        assert_int_equal(o.uid, geteuid());
        unsetenv("SUDO_USER");
        return;
    }
    setenv("SUDO_USER", "nobody", 1);
    setenv("SUDO_UID", "65534", 1);
    assert_int_equal(histfile_owner(&o, &e), 0);
    assert_true(o.drop);
    assert_int_equal(o.uid, NOBODY);
    assert_string_equal(o.home, "/nonexistent"); /* passwd's, not /home/nobody */
    char path[PATH_MAX];
    assert_int_equal(histfile_path(&o, NULL, path, sizeof path), 0);
    assert_string_equal(path, "/nonexistent/.umlab_history");
    assert_int_equal(histfile_path(&o, "/x/state", path, sizeof path), 0);
    assert_string_equal(path, "/x/state/umlab_history");

    setenv("SUDO_UID", "0", 1); /* disagrees with SUDO_USER: no history at all */
    assert_int_equal(histfile_owner(&o, &e), -1);
    assert_non_null(strstr(e.msg, "disagree"));
    setenv("SUDO_UID", "65534x", 1);
    assert_int_equal(histfile_owner(&o, &e), -1);
    unsetenv("SUDO_UID");
    assert_int_equal(histfile_owner(&o, &e), -1);
    setenv("SUDO_USER", "no-such-user-umlab", 1);
    assert_int_equal(histfile_owner(&o, &e), -1);

    unsetenv("SUDO_USER"); /* plain root: root's own */
    assert_int_equal(histfile_owner(&o, &e), 0);
    assert_false(o.drop);
    assert_int_equal(o.uid, 0);
}

/* As root for a sudo user (nobody): the file is opened with the user's rights,
 * so a directory link to root's territory or a hard link to root's file gets
 * nothing; the user's own file is created, owned by them, 0600. */
static void test_open_as_user(void **state)
{
    struct tmp *t = *state;
    if (geteuid() != 0)
        skip();
    struct histfile_owner o = {.uid = NOBODY, .gid = NOBODY, .drop = true};
    struct err e = {""};
    char user[128], rootdir[128], path[192], buf[64];
    snprintf(user, sizeof user, "%s/user", t->dir);
    assert_int_equal(mkdir(user, 0700), 0);
    assert_int_equal(chown(user, NOBODY, NOBODY), 0);

    snprintf(path, sizeof path, "%s/umlab_history", user);
    int fd = histfile_open(&o, path, &e);
    if (fd < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(histfile_append(fd, "status", &e), 0);
    close(fd);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_uid, NOBODY);
    assert_int_equal(st.st_mode & 07777, 0600);

    /* XDG_STATE_HOME (or a directory on the way) linked into root's own */
    snprintf(rootdir, sizeof rootdir, "%s/rootdir", t->dir);
    assert_int_equal(mkdir(rootdir, 0755), 0);
    char state_link[192];
    snprintf(state_link, sizeof state_link, "%s/state", user);
    assert_int_equal(symlink(rootdir, state_link), 0);
    snprintf(path, sizeof path, "%s/umlab_history", state_link);
    assert_int_equal(histfile_open(&o, path, &e), -1);
    assert_non_null(strstr(e.msg, "Permission denied"));
    snprintf(path, sizeof path, "%s/umlab_history", rootdir);
    assert_int_equal(access(path, F_OK), -1); /* root created nothing there */

    /* a hard link to a root file (as if the user could make one) */
    char canary[128];
    snprintf(canary, sizeof canary, "%s/canary", t->dir);
    put(canary, "secret\n", 0644);
    snprintf(path, sizeof path, "%s/hard", user);
    assert_int_equal(link(canary, path), 0);
    assert_int_equal(histfile_open(&o, path, &e), -1);
    get(canary, buf, sizeof buf);
    assert_string_equal(buf, "secret\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_refuses_symlink, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_refuses_non_regular, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_create_read_append_trim, tmp_setup, tmp_teardown),
        cmocka_unit_test(test_owner_from_passwd),
        cmocka_unit_test_setup_teardown(test_open_as_user, tmp_setup, tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
