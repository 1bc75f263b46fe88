/* test_lesson.c — lesson files (core/lesson.c): steps bound to their checks,
 * `guest NAME later` not built, the examples parse, and every refusal with
 * its line; the control channel's answer scanner (core/ctlchan.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ctlchan.h"
#include "core/lesson.h"

static const char GOOD[] = "# a lesson\n"
                           "lesson  Two guests  \n"
                           "guest g1\n"
                           "guest g2 later\n"
                           "\n"
                           "step Give g1 an address: `ip g1 192.168.0.1`.\n"
                           "check addr g1 eth0 192.168.0.1/24\n"
                           "step   Add g2   \n"
                           "# a comment between\n"
                           "check ! reach g2 internet\n";

static int parse(const char *text, struct lesson **ls, struct err *e)
{
    return lesson_parse("t.lesson", text, strlen(text), ls, e);
}

static void test_good(void **state)
{
    (void)state;
    struct lesson *ls;
    struct err e = {""};
    assert_int_equal(parse(GOOD, &ls, &e), 0);
    assert_string_equal(ls->title, "Two guests");
    assert_int_equal(ls->nsteps, 2);
    assert_string_equal(ls->steps[0].text, "Give g1 an address: `ip g1 192.168.0.1`.");
    assert_string_equal(ls->steps[1].text, "Add g2");
    assert_int_equal(ls->steps[0].check, 0);
    assert_int_equal(ls->steps[1].check, 1);
    assert_int_equal(ls->spec->checks[1].line, 10);
    assert_true(ls->spec->checks[1].negate);
    assert_int_equal(ls->spec->nguests, 2);
    assert_false(ls->spec->guests[0].later);
    assert_true(ls->spec->guests[1].later);
    assert_int_equal(ls->cur, 0);
    lesson_free(ls);
}

static int count_line(void *ctx, const char *line)
{
    struct strbuf *b = ctx;
    sb_printf(b, "%s\n", line);
    return 0;
}

/* A later guest is in no command that builds the lab. */
static void test_later_not_built(void **state)
{
    (void)state;
    struct lesson *ls;
    struct err e;
    assert_int_equal(parse(GOOD, &ls, &e), 0);
    struct strbuf b = {0};
    labfile_to_commands(ls->spec, count_line, &b);
    assert_non_null(strstr(sb_str(&b), "guest add g1"));
    assert_null(strstr(sb_str(&b), "g2"));
    sb_free(&b);
    lesson_free(ls);
}

static void refused(const char *text, const char *msg)
{
    struct lesson *ls = (void *)1;
    struct err e = {""};
    assert_int_equal(parse(text, &ls, &e), -1);
    assert_null(ls);
    if (!strstr(e.msg, msg))
        fail_msg("'%s' does not contain '%s'", e.msg, msg);
}

static void test_refused(void **state)
{
    (void)state;
    refused("guest g1\ncheck reach g1 host\nstep x\ncheck reach g1 host\n",
            "t.lesson:2: a check before the first step");
    refused("guest g1\nstep x\nstep y\ncheck reach g1 host\n",
            "t.lesson:2: a step needs a check line after it");
    refused("guest g1\nstep x\ncheck reach g1 host\ncheck reach g1 host\n",
            "t.lesson:4: a step takes one check");
    refused("guest g1\nstep\ncheck reach g1 host\n", "t.lesson:2: a step needs its text");
    refused("guest g1\n", "a lesson needs at least one `step` line");
    refused("lesson a\nlesson b\n", "t.lesson:2: a second lesson title");
    refused("guest g1 x later\nstep x\ncheck reach g1 host\n", "t.lesson:1: `guest NAME later`");
    /* the lab part is the lab-file parser's: its errors and lines */
    refused("guest g1\nstep x\ncheck reach g9 host\n", "t.lesson:3:");
    refused("guest g1\nstep \x01x\ncheck reach g1 host\n", "t.lesson:2:");
}

static void read_example(const char *path, size_t steps)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    struct lesson *ls;
    struct err e = {""};
    int rc = lesson_read_fd(fd, path, &ls, &e);
    close(fd);
    if (rc < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(ls->nsteps, steps);
    lesson_free(ls);
}

static void test_examples(void **state)
{
    (void)state;
    read_example("examples/lessons/01-recipe.lesson", 6);
    read_example("examples/lessons/02-troubleshoot.lesson", 3);
}

static void test_ctl_scan(void **state)
{
    (void)state;
    int st = -1;
    size_t used = 0;
    struct strbuf out = {0};
    struct err e;
    /* the guest's echo of the line (sum not computed) is no marker */
    const char *t = "echo umlab-b-$((1+2)); ...\numlab-b-3\nhello\nworld\numlab-e-3-7\nnext";
    assert_int_equal(ctlchan_scan(t, strlen(t), 3, &st, &out, &used, &e), 1);
    assert_int_equal(st, 7);
    assert_string_equal(sb_str(&out), "hello\nworld");
    assert_string_equal(t + used, "next");
    sb_free(&out);
    /* no output; another sum's markers ignored */
    out = (struct strbuf){0};
    t = "umlab-b-4\numlab-e-4-0\numlab-b-3\numlab-e-3-0\n";
    assert_int_equal(ctlchan_scan(t, strlen(t), 3, &st, &out, &used, &e), 1);
    assert_int_equal(st, 0);
    assert_string_equal(sb_str(&out), "");
    sb_free(&out);
    /* not complete yet: the status's line has not ended */
    t = "umlab-b-3\nx\numlab-e-3-12";
    assert_int_equal(ctlchan_scan(t, strlen(t), 3, &st, &out, &used, &e), 0);
    t = "umlab-b-3\nx\n";
    assert_int_equal(ctlchan_scan(t, strlen(t), 3, &st, &out, &used, &e), 0);
    /* a marker in the middle of a line is the command's output, not the end */
    t = "umlab-b-3\nsay umlab-e-3-0\n";
    assert_int_equal(ctlchan_scan(t, strlen(t), 3, &st, &out, &used, &e), 0);
    /* a hostile status */
    t = "umlab-b-3\numlab-e-3-999\n";
    assert_int_equal(ctlchan_scan(t, strlen(t), 3, &st, &out, &used, &e), -1);
    t = "umlab-b-3\numlab-e-3-x\n";
    assert_int_equal(ctlchan_scan(t, strlen(t), 3, &st, &out, &used, &e), -1);
    sb_free(&out);
}

static void test_ctl_line(void **state)
{
    (void)state;
    struct strbuf b = {0};
    ctlchan_line(&b, "echo 'a'", 10, 20);
    assert_string_equal(sb_str(&b), "echo umlab-b-$((10+20)); (eval 'echo '\\''a'\\''') </dev/null "
                                    "2>&1; echo umlab-e-$((10+20))-$?\n");
    sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),     cmocka_unit_test(test_later_not_built),
        cmocka_unit_test(test_refused),  cmocka_unit_test(test_examples),
        cmocka_unit_test(test_ctl_scan), cmocka_unit_test(test_ctl_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
