/* test_cmdline.c — splitting command lines into words and matching them to the
 * real command table (nothing is executed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/cmd.h"
#include "core/cmds.h"
#include "core/lab.h"

static void assert_msg_has(const struct err *e, const char *needle)
{
    if (!strstr(e->msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", e->msg, needle);
}

/* Splits LINE and checks its words are the N strings in WANT. */
static void split_is(const char *line, int n, const char *const *want)
{
    struct cmd_args a;
    struct err e = {""};
    int rc = cmd_split(line, &a, &e);
    if (rc != n)
        fail_msg("cmd_split(%s) = %d (%s), want %d", line, rc, e.msg, n);
    assert_int_equal(a.nwords, n);
    for (int i = 0; i < n; i++)
        if (strcmp(a.words[i], want[i]) != 0)
            fail_msg("cmd_split(%s): word %d is \"%s\", want \"%s\"", line, i, a.words[i], want[i]);
    assert_int_equal(a.argc, 0);
    cmd_args_free(&a);
    assert_int_equal(a.nwords, 0);
}

#define SPLIT_IS(line, ...)                                                                        \
    do {                                                                                           \
        static const char *const w_[] = {__VA_ARGS__};                                             \
        split_is(line, (int)(sizeof w_ / sizeof w_[0]), w_);                                       \
    } while (0)

static void split_fails(const char *line, const char *needle)
{
    struct cmd_args a;
    struct err e = {""};
    assert_int_equal(cmd_split(line, &a, &e), -1);
    assert_int_equal(a.nwords, 0); /* nothing left to free */
    assert_msg_has(&e, needle);
}

/* ---- cmd_split ---- */

static void test_split_blanks(void **state)
{
    (void)state;
    SPLIT_IS("status", "status");
    SPLIT_IS("  guest   add\tg1  ", "guest", "add", "g1");
    SPLIT_IS("a\r\nb\n", "a", "b");
}

static void test_split_empty(void **state)
{
    (void)state;
    const char *empty[] = {"", " ", " \t \r\n", "# just a comment", "   # indented comment"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        struct cmd_args a;
        struct err e = {""};
        assert_int_equal(cmd_split(empty[i], &a, &e), 0);
        assert_int_equal(a.nwords, 0);
        assert_null(a.words[0]);
        cmd_args_free(&a);
    }
}

static void test_split_quotes(void **state)
{
    (void)state;
    SPLIT_IS("send g1 \"hello world\"", "send", "g1", "hello world");
    SPLIT_IS("send g1 'hello  world'", "send", "g1", "hello  world");
    /* quoted pieces join the word they touch */
    SPLIT_IS("a\"b c\"d 'e'f\"g\"", "ab cd", "efg");
    /* the other quote inside a quote is literal */
    SPLIT_IS("\"it's\" 'say \"hi\"'", "it's", "say \"hi\"");
    /* empty quotes make an empty word */
    SPLIT_IS("echo \"\" ''", "echo", "", "");
    /* '#' inside quotes or words is no comment */
    SPLIT_IS("echo '#x' \"#y\" a#b", "echo", "#x", "#y", "a#b");
}

static void test_split_escapes(void **state)
{
    (void)state;
    SPLIT_IS("a\\ b", "a b");
    SPLIT_IS("\\\"x\\'", "\"x'");
    SPLIT_IS("\\#notcomment", "#notcomment");
    SPLIT_IS("\"a\\\"b\\\\c\"", "a\"b\\c");
    /* no escapes between single quotes */
    SPLIT_IS("'a\\b' 'c\\'", "a\\b", "c\\");
    /* a backslash in double quotes escapes any character: \n is just n */
    SPLIT_IS("\"x\\ny\"", "xny");
    /* a lone backslash at the end stays */
    SPLIT_IS("end\\", "end\\");
}

static void test_split_comments(void **state)
{
    (void)state;
    SPLIT_IS("ping g1 g2 # the first two", "ping", "g1", "g2");
    SPLIT_IS("ping g1 g2 #", "ping", "g1", "g2");
    SPLIT_IS("ping#x #y", "ping#x");
}

static void test_split_errors(void **state)
{
    (void)state;
    split_fails("echo \"abc", "unterminated \" quote");
    split_fails("echo 'abc", "unterminated ' quote");
    split_fails("a b 'c", "unterminated ' quote");
    split_fails("echo \"abc\\\"", "unterminated \" quote");

    /* CMD_MAX_WORDS words fit, one more does not */
    char line[256] = "";
    for (int i = 0; i < CMD_MAX_WORDS; i++)
        strcat(line, "w ");
    struct cmd_args a;
    struct err e = {""};
    assert_int_equal(cmd_split(line, &a, &e), CMD_MAX_WORDS);
    cmd_args_free(&a);
    strcat(line, "x");
    split_fails(line, "too many words");
}

/* ---- cmd_resolve ---- */

/* Splits and resolves LINE against the real table; fails the test on error. */
static const struct cmd_entry *resolve_ok(const char *line, struct cmd_args *a)
{
    struct err e = {""};
    if (cmd_split(line, a, &e) <= 0)
        fail_msg("cmd_split(%s): %s", line, e.msg);
    const struct cmd_entry *c = cmd_resolve(cmd_table, a, &e);
    if (!c)
        fail_msg("cmd_resolve(%s): %s", line, e.msg);
    return c;
}

static void resolve_fails(const char *line, const char *msg)
{
    struct cmd_args a;
    struct err e = {""};
    assert_true(cmd_split(line, &a, &e) > 0);
    if (cmd_resolve(cmd_table, &a, &e) != NULL)
        fail_msg("cmd_resolve(%s) succeeded", line);
    if (strcmp(e.msg, msg) != 0)
        fail_msg("cmd_resolve(%s): \"%s\", want \"%s\"", line, e.msg, msg);
    cmd_args_free(&a);
}

static void test_resolve_guest_add(void **state)
{
    (void)state;
    struct cmd_args a;
    const struct cmd_entry *c = resolve_ok("guest add g1 --mem 64 --ip=auto --wait", &a);
    assert_string_equal(c->name, "guest add");
    assert_int_equal(a.argc, 1);
    assert_string_equal(a.argv[0], "g1");
    assert_string_equal(cmd_opt(&a, "mem"), "64");
    assert_string_equal(cmd_opt(&a, "ip"), "auto");
    assert_string_equal(cmd_opt(&a, "wait"), "");
    assert_true(cmd_flag(&a, "wait"));
    assert_null(cmd_opt(&a, "rootfs"));
    assert_null(cmd_opt(&a, "kernel"));
    assert_false(cmd_flag(&a, "login"));
    cmd_args_free(&a);

    /* options anywhere, positional arguments optional */
    c = resolve_ok("guest add --wait --kernel=/k/linux", &a);
    assert_string_equal(c->name, "guest add");
    assert_int_equal(a.argc, 0);
    assert_string_equal(cmd_opt(&a, "kernel"), "/k/linux");
    assert_string_equal(cmd_opt(&a, "wait"), "");
    assert_null(cmd_opt(&a, "mem"));
    cmd_args_free(&a);

    /* "--opt=" gives an empty value; a later repeat wins */
    c = resolve_ok("guest add --ip= --mem 32 --mem=128", &a);
    assert_string_equal(cmd_opt(&a, "ip"), "");
    assert_string_equal(cmd_opt(&a, "mem"), "128");
    cmd_args_free(&a);
}

static void test_resolve_repeated(void **state)
{
    (void)state;
    struct cmd_args a;
    const char *v[4] = {0};
    resolve_ok("guest add pc1 --nic A:10.0.1.1/24 --mem 64 --nic=B --nic tap:192.168.0.9", &a);
    assert_int_equal(cmd_opt_all(&a, "nic", v, 4), 3);
    assert_string_equal(v[0], "A:10.0.1.1/24");
    assert_string_equal(v[1], "B");
    assert_string_equal(v[2], "tap:192.168.0.9");
    assert_string_equal(cmd_opt(&a, "mem"), "64");
    assert_int_equal(a.argc, 1);
    /* more than the caller has room for: counted, not written past MAX */
    v[2] = NULL;
    assert_int_equal(cmd_opt_all(&a, "nic", v, 2), 3);
    assert_null(v[2]);
    cmd_args_free(&a);

    resolve_ok("guest add pc1", &a);
    assert_int_equal(cmd_opt_all(&a, "nic", v, 4), 0);
    cmd_args_free(&a);

    resolve_fails("guest add --nic", "guest add: option --nic needs a value");
    char line[1024] = "guest add g";
    for (int i = 0; i <= CMD_MAX_ARGS && strlen(line) < sizeof line - 16; i++)
        strcat(line, " --nic=A");
    resolve_fails(line, "guest add: --nic given too many times");
}

static void test_resolve_ping(void **state)
{
    (void)state;
    struct cmd_args a;
    const struct cmd_entry *c = resolve_ok("ping g1 g2 --count 3", &a);
    assert_string_equal(c->name, "ping");
    assert_int_equal(a.argc, 2);
    assert_string_equal(a.argv[0], "g1");
    assert_string_equal(a.argv[1], "g2");
    assert_string_equal(cmd_opt(&a, "count"), "3");
    cmd_args_free(&a);

    c = resolve_ok("ping --count=5 g1 \"internet\"", &a);
    assert_int_equal(a.argc, 2);
    assert_string_equal(a.argv[1], "internet");
    assert_string_equal(cmd_opt(&a, "count"), "5");
    cmd_args_free(&a);

    c = resolve_ok("ping g1 host", &a);
    assert_null(cmd_opt(&a, "count"));
    cmd_args_free(&a);
}

static void test_resolve_one_and_two_words(void **state)
{
    (void)state;
    struct cmd_args a;
    const struct cmd_entry *c = resolve_ok("status", &a);
    assert_string_equal(c->name, "status");
    assert_int_equal(a.argc, 0);
    cmd_args_free(&a);

    c = resolve_ok("guest del g2", &a);
    assert_string_equal(c->name, "guest del");
    assert_int_equal(a.argc, 1);
    assert_string_equal(a.argv[0], "g2");
    cmd_args_free(&a);

    c = resolve_ok("guest sysrq g1 s", &a);
    assert_string_equal(c->name, "guest sysrq");
    assert_int_equal(a.argc, 2);
    cmd_args_free(&a);

    c = resolve_ok("help guest", &a);
    assert_string_equal(c->name, "help");
    assert_int_equal(a.argc, 1);
    assert_string_equal(a.argv[0], "guest");
    cmd_args_free(&a);

    /* "--" alone and single-dash words are positional */
    c = resolve_ok("wait -- ", &a);
    assert_string_equal(c->name, "wait");
    assert_int_equal(a.argc, 1);
    assert_string_equal(a.argv[0], "--");
    cmd_args_free(&a);
    c = resolve_ok("wait -x 5", &a);
    assert_int_equal(a.argc, 2);
    assert_string_equal(a.argv[0], "-x");
    cmd_args_free(&a);
}

static void test_resolve_group_errors(void **state)
{
    (void)state;
    resolve_fails("guest", "'guest' needs a subcommand: add, del, restart, halt, sysrq");
    resolve_fails("guest frob",
                  "unknown command 'guest frob' (guest takes: add, del, restart, halt, sysrq)");
    resolve_fails("guest --wait",
                  "unknown command 'guest --wait' (guest takes: add, del, restart, halt, sysrq)");
    resolve_fails("frob", "unknown command 'frob' (try `help`)");
    /* a prefix of a group or a command is not a match */
    resolve_fails("gues add", "unknown command 'gues' (try `help`)");
    resolve_fails("stat", "unknown command 'stat' (try `help`)");
    resolve_fails("Status", "unknown command 'Status' (try `help`)");
    /* two-word names need both words exactly */
    resolve_fails("guest adds g1",
                  "unknown command 'guest adds' (guest takes: add, del, restart, halt, sysrq)");
}

static void test_resolve_option_errors(void **state)
{
    (void)state;
    struct cmd_args a;
    struct err e = {""};
    assert_true(cmd_split("guest add g1 --frob", &a, &e) > 0);
    assert_null(cmd_resolve(cmd_table, &a, &e));
    assert_msg_has(&e, "guest add: unknown option '--frob' (usage: guest add [NAME]");
    cmd_args_free(&a);

    /* a prefix of an option is not the option */
    assert_true(cmd_split("guest add --me 64", &a, &e) > 0);
    assert_null(cmd_resolve(cmd_table, &a, &e));
    assert_msg_has(&e, "unknown option '--me'");
    cmd_args_free(&a);
    assert_true(cmd_split("guest add --memory=64", &a, &e) > 0);
    assert_null(cmd_resolve(cmd_table, &a, &e));
    assert_msg_has(&e, "unknown option '--memory=64'");
    cmd_args_free(&a);

    resolve_fails("guest add g1 --mem", "guest add: option --mem needs a value");
    resolve_fails("ping g1 g2 --count", "ping: option --count needs a value");
    resolve_fails("guest add g1 --wait=yes", "guest add: option --wait takes no value");
    resolve_fails("guest add g1 --wait=", "guest add: option --wait takes no value");
    /* commands without options know none */
    resolve_fails("status --verbose", "status: unknown option '--verbose' (usage: status )");
}

static void test_resolve_arg_counts(void **state)
{
    (void)state;
    resolve_fails("ping g1", "usage: ping GUEST TARGET [--count N] [--walk]");
    resolve_fails("ping", "usage: ping GUEST TARGET [--count N] [--walk]");
    resolve_fails("ping g1 g2 g3", "usage: ping GUEST TARGET [--count N] [--walk]");
    resolve_fails("ping --count 3 g1", "usage: ping GUEST TARGET [--count N] [--walk]");
    resolve_fails("status now", "usage: status ");
    resolve_fails("guest del", "usage: guest del NAME");
    resolve_fails("guest del a b", "usage: guest del NAME");
    resolve_fails("guest add a b", "usage: guest add [NAME] [--mem MIB] [--rootfs IMAGE] "
                                   "[--kernel PATH] [--ip ADDR|auto] [--wait] "
                                   "[--login USER[:PW]|none] [--nic LAN[:ADDR/LEN]|tap[:ADDR]]...");
}

static void test_resolve_verbatim(void **state)
{
    (void)state;
    /* words handed to another program keep their dashes */
    struct cmd_args a;
    const struct cmd_entry *c = resolve_ok("host tcpdump --help -n", &a);
    assert_string_equal(c->name, "host");
    assert_int_equal(a.argc, 3);
    assert_string_equal(a.argv[0], "tcpdump");
    assert_string_equal(a.argv[1], "--help");
    assert_string_equal(a.argv[2], "-n");
    cmd_args_free(&a);

    c = resolve_ok("send g1 ls --color=never", &a);
    assert_string_equal(c->name, "send");
    assert_int_equal(a.argc, 3);
    assert_string_equal(a.argv[2], "--color=never");
    assert_null(cmd_opt(&a, "raw"));
    cmd_args_free(&a);

    /* before the verbatim part, options are options */
    c = resolve_ok("send --raw g1 x", &a);
    assert_int_equal(a.argc, 2);
    assert_string_equal(cmd_opt(&a, "raw"), "");
    cmd_args_free(&a);
    struct err e = {""};
    assert_true(cmd_split("send --frob g1 x", &a, &e) > 0);
    assert_null(cmd_resolve(cmd_table, &a, &e));
    assert_msg_has(&e, "send: unknown option '--frob' (usage: send ");
    cmd_args_free(&a);
}

static void test_resolve_too_many_args(void **state)
{
    (void)state;
    /* "echo" takes up to CMD_MAX_ARGS words */
    char line[256] = "echo";
    for (int i = 0; i < CMD_MAX_ARGS; i++)
        strcat(line, " x");
    struct cmd_args a;
    const struct cmd_entry *c = resolve_ok(line, &a);
    assert_string_equal(c->name, "echo");
    assert_int_equal(a.argc, CMD_MAX_ARGS);
    cmd_args_free(&a);
    strcat(line, " y");
    resolve_fails(line, "echo: too many arguments");
}

/* `wait g1 nan`, `sleep nan`: NaN passed the range check and became an int
 * by undefined behaviour. Found by tests/fuzz/fuzz_cmdline. */
static void test_parse_timeout(void **state)
{
    (void)state;
    int ms = -1;
    struct err e = {""};
    assert_int_equal(cmd_parse_timeout("2.5", 10, &ms, &e), 0);
    assert_int_equal(ms, 2500);
    assert_int_equal(cmd_parse_timeout(NULL, 10, &ms, &e), 0);
    assert_int_equal(ms, 10);
    const char *bad[] = {"nan", "-nan", "NaN", "inf", "-inf", "1e999", "0", "-1", "3601", "", "1s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ms = -1;
        if (cmd_parse_timeout(bad[i], 10, &ms, &e) != -1)
            fail_msg("timeout '%s' accepted as %d ms", bad[i], ms);
        assert_msg_has(&e, "give seconds");
    }
}

static void test_cmd_name(void **state)
{
    (void)state;
    int n = 0;
    while (cmd_table[n])
        n++;
    assert_true(n > 10);
    for (int i = 0; i < n; i++)
        assert_string_equal(cmd_name(i), cmd_table[i]->name);
    assert_null(cmd_name(n));
    assert_null(cmd_name(n + 5));
    assert_null(cmd_name(-1));

    /* every entry is consistent: names of one or two words, sane counts,
     * options named without dashes */
    for (int i = 0; i < n; i++) {
        const struct cmd_entry *c = cmd_table[i];
        assert_non_null(c->usage);
        assert_non_null(c->summary);
        assert_non_null(c->exec);
        assert_true(c->args.min >= 0);
        assert_true(c->args.min <= c->args.max);
        assert_true(c->args.max <= CMD_MAX_ARGS);
        if (c->target != CMD_TARGET_NONE) /* the target is the first argument */
            assert_true(c->args.min >= 1);
        const char *sp = strchr(c->name, ' ');
        assert_true(!sp || !strchr(sp + 1, ' '));
        int words = 0; /* options: words of letters, with "=" when they take a value */
        for (const char *p = c->args.opts ? c->args.opts : ""; *p; words++) {
            size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz");
            assert_true(len > 0);
            p += len + (p[len] == '=');
            p += p[-1] == '=' && *p == '*'; /* repeatable */
            p += strspn(p, " ");
        }
        assert_true(words <= CMD_MAX_OPTS);
        for (int j = 0; j < i; j++)
            if (strcmp(cmd_table[j]->name, c->name) == 0)
                fail_msg("command '%s' listed twice", c->name);
    }
}

static void test_run_line_without_exec(void **state)
{
    (void)state;
    /* blank, comment-only and failing lines never reach a command */
    struct out o;
    out_init(&o);
    struct err e = {""};
    assert_int_equal(cmd_run_line(NULL, "", &o, &e), 1);
    assert_int_equal(cmd_run_line(NULL, "   # nothing", &o, &e), 1);
    assert_int_equal(cmd_run_line(NULL, "echo 'open", &o, &e), -1);
    assert_msg_has(&e, "unterminated");
    assert_int_equal(cmd_run_line(NULL, "nosuch thing", &o, &e), -1);
    assert_string_equal(e.msg, "unknown command 'nosuch' (try `help`)");
    assert_int_equal(cmd_run_line(NULL, "ping g1", &o, &e), -1);
    assert_msg_has(&e, "usage: ping");
    assert_string_equal(out_json_result(&o), "{}");
    out_free(&o);
}

/* A guest (or pane) that is not there is refused by the table, for every
 * command that names one, before its handler could touch it. */
static void test_run_line_unknown_guest(void **state)
{
    (void)state;
    static struct lab lab; /* no guests */
    struct out o;
    out_init(&o);
    int n = 0;
    for (int i = 0; cmd_table[i]; i++) {
        const char *want = cmd_table[i]->target == CMD_TARGET_GUEST  ? "no guest named 'g9'"
                           : cmd_table[i]->target == CMD_TARGET_PANE ? "no guest or pane named 'g9'"
                                                                     : NULL;
        if (!want)
            continue;
        char line[128];
        snprintf(line, sizeof line, "%s g9", cmd_table[i]->name);
        for (int k = 1; k < cmd_table[i]->args.min; k++)
            strcat(line, " x");
        struct err e = {""};
        assert_int_equal(cmd_run_line(&lab, line, &o, &e), -1);
        if (strncmp(e.msg, want, strlen(want)) != 0)
            fail_msg("%s: \"%s\"", line, e.msg);
        n++;
    }
    assert_true(n >= 10); /* wait, ip, send, expect, screen, ping, guest del... */
    assert_string_equal(out_json_result(&o), "{}");
    out_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_blanks),
        cmocka_unit_test(test_split_empty),
        cmocka_unit_test(test_split_quotes),
        cmocka_unit_test(test_split_escapes),
        cmocka_unit_test(test_split_comments),
        cmocka_unit_test(test_split_errors),
        cmocka_unit_test(test_resolve_guest_add),
        cmocka_unit_test(test_resolve_repeated),
        cmocka_unit_test(test_resolve_ping),
        cmocka_unit_test(test_resolve_one_and_two_words),
        cmocka_unit_test(test_resolve_group_errors),
        cmocka_unit_test(test_resolve_option_errors),
        cmocka_unit_test(test_resolve_arg_counts),
        cmocka_unit_test(test_resolve_verbatim),
        cmocka_unit_test(test_resolve_too_many_args),
        cmocka_unit_test(test_parse_timeout),
        cmocka_unit_test(test_cmd_name),
        cmocka_unit_test(test_run_line_without_exec),
        cmocka_unit_test(test_run_line_unknown_guest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
