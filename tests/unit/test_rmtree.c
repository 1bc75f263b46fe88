/* test_rmtree.c — removing trees another user can write to: a symlink inside
 * (or a directory swapped for one mid-walk) never leads outside the tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/rmtree.h"

#define NFILES 512

static char base[PATH_MAX];

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "/tmp/umlab-rmtree-XXXXXX");
    assert_non_null(mkdtemp(base));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf %s", base);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void touch(const char *dir, const char *name)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    close(fd);
}

static void mkdirf(const char *fmt, const char *a, const char *b)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, fmt, a, b);
    assert_int_equal(mkdir(p, 0700), 0);
}

static int count_files(const char *dir)
{
    int n = 0;
    for (int i = 0; i < NFILES; i++) {
        char p[PATH_MAX];
        struct stat st;
        snprintf(p, sizeof p, "%s/f%d", dir, i);
        n += lstat(p, &st) == 0;
    }
    return n;
}

static void test_symlink_inside_is_unlinked_not_followed(void **state)
{
    (void)state;
    char outside[PATH_MAX], tree[PATH_MAX], link[PATH_MAX];
    snprintf(outside, sizeof outside, "%s/outside", base);
    snprintf(tree, sizeof tree, "%s/tree", base);
    mkdirf("%s/%s", base, "outside");
    touch(outside, "canary");
    mkdirf("%s/%s", base, "tree");
    mkdirf("%s/%s", tree, "guests");
    snprintf(link, sizeof link, "%s/guests/evil", tree);
    assert_int_equal(symlink(outside, link), 0);
    snprintf(link, sizeof link, "%s/guests/evilfile", tree);
    char canary[PATH_MAX];
    snprintf(canary, sizeof canary, "%s/canary", outside);
    assert_int_equal(symlink(canary, link), 0);

    struct err e = {""};
    assert_int_equal(rmtree_path(tree, &e), 0);
    struct stat st;
    assert_int_equal(lstat(tree, &st), -1);
    assert_int_equal(lstat(canary, &st), 0);
}

static void test_missing_path_is_fine(void **state)
{
    (void)state;
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/nope/nothing", base);
    struct err e = {""};
    assert_int_equal(rmtree_path(p, &e), 0);
}

static void test_symlink_in_the_path_is_refused(void **state)
{
    (void)state;
    char outside[PATH_MAX], link[PATH_MAX], via[PATH_MAX];
    snprintf(outside, sizeof outside, "%s/outside", base);
    mkdirf("%s/%s", base, "outside");
    touch(outside, "canary");
    snprintf(link, sizeof link, "%s/link", base);
    assert_int_equal(symlink(outside, link), 0);
    snprintf(via, sizeof via, "%s/canary", link);
    struct err e = {""};
    assert_int_equal(rmtree_unlink(via, &e), -1);
    assert_int_equal(rmtree_path(via, &e), -1);
    char canary[PATH_MAX];
    struct stat st;
    snprintf(canary, sizeof canary, "%s/canary", outside);
    assert_int_equal(lstat(canary, &st), 0);
}

/* A "user" process keeps swapping guests/a for a symlink to OUTSIDE (which
 * holds files of the same names) while root removes the tree. A path-based
 * walk (nftw + remove) lists the real a/ and then unlinks through the link. */
static void test_dir_swapped_for_symlink_mid_walk(void **state)
{
    (void)state;
    char outside[PATH_MAX];
    snprintf(outside, sizeof outside, "%s/outside", base);
    mkdirf("%s/%s", base, "outside");
    for (int i = 0; i < NFILES; i++) {
        char n[16];
        snprintf(n, sizeof n, "f%d", i);
        touch(outside, n);
    }
    for (int round = 0; round < 20; round++) {
        char tree[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
        snprintf(tree, sizeof tree, "%s/tree%d", base, round);
        assert_int_equal(mkdir(tree, 0700), 0);
        mkdirf("%s/%s", tree, "guests");
        snprintf(a, sizeof a, "%s/guests/a", tree);
        snprintf(b, sizeof b, "%s/stash%d", base, round); /* outside the tree */
        assert_int_equal(mkdir(a, 0700), 0);
        for (int i = 0; i < NFILES; i++) {
            char n[16];
            snprintf(n, sizeof n, "f%d", i);
            touch(a, n);
        }
        int go[2];
        assert_int_equal(pipe(go), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(go[0]);
            for (int first = 1;; first = 0) {
                if (rename(a, b) < 0)
                    _exit(0);
                if (symlink(outside, a) == 0) {
                    for (volatile int k = 0; k < 50000; k++)
                        ;
                    unlink(a);
                }
                if (rename(b, a) < 0)
                    _exit(0);
                if (first && write(go[1], "x", 1) != 1)
                    _exit(1);
                for (volatile int k = 0; k < 5000; k++)
                    ;
            }
        }
        close(go[1]);
        char x;
        assert_int_equal(read(go[0], &x, 1), 1); /* the swapping has started */
        close(go[0]);
        struct err e = {""};
        rmtree_path(tree, &e); /* may fail ("keeps changing"): only safety matters */
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (count_files(outside) != NFILES)
            fail_msg("round %d: files outside the tree were removed", round);
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof cmd, "rm -rf %s", tree);
        assert_int_equal(system(cmd), 0);
    }
}

static void test_check_chain(void **state)
{
    (void)state;
    struct err e = {""};
    assert_int_equal(rmtree_check_chain("relative/dir", &e), -1);
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s/sd", base);
    assert_int_equal(mkdir(d, 0700), 0);
    assert_int_equal(chmod(d, 0700), 0);
    if (geteuid() == 0) {
        assert_int_equal(rmtree_check_chain(d, &e), 0);
        assert_int_equal(chmod(d, 0777), 0);
        assert_int_equal(rmtree_check_chain(d, &e), -1);
        assert_non_null(strstr(e.msg, "writable"));
        assert_int_equal(chmod(d, 0700), 0);
        assert_int_equal(chown(d, 1, 1), 0);
        assert_int_equal(rmtree_check_chain(d, &e), -1);
        assert_non_null(strstr(e.msg, "not owned by root"));
        assert_int_equal(chown(d, 0, 0), 0);
    } else {
        assert_int_equal(rmtree_check_chain(d, &e), -1);
    }
    char link[PATH_MAX];
    snprintf(link, sizeof link, "%s/sdlink", base);
    assert_int_equal(symlink(d, link), 0);
    assert_int_equal(rmtree_check_chain(link, &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_symlink_inside_is_unlinked_not_followed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_path_is_fine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_in_the_path_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dir_swapped_for_symlink_mid_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_chain, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
