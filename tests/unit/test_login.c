/* test_login.c — the --login USER[:PASSWORD] | none spec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/login.h"

static void test_default_is_root(void **state)
{
    (void)state;
    struct login l;
    struct err e = {""};
    assert_int_equal(login_parse(NULL, &l, &e), 0);
    assert_false(l.off);
    assert_string_equal(l.user, "root");
    assert_false(l.has_pass);
}

static void test_user_and_password(void **state)
{
    (void)state;
    struct login l;
    struct err e = {""};
    assert_int_equal(login_parse("alice", &l, &e), 0);
    assert_string_equal(l.user, "alice");
    assert_false(l.has_pass);
    assert_int_equal(login_parse("root:s3cret:with colon", &l, &e), 0);
    assert_string_equal(l.user, "root");
    assert_true(l.has_pass);
    assert_string_equal(l.pass, "s3cret:with colon");
    assert_int_equal(login_parse("root:", &l, &e), 0);
    assert_true(l.has_pass);
    assert_string_equal(l.pass, "");
    assert_int_equal(login_parse("none", &l, &e), 0);
    assert_true(l.off);
}

static void test_refused(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         ":pw",
                         "-root",
                         "ro ot",
                         "root\r",
                         "a/b",
                         "123456789012345678901234567890123",
                         "root:pw\n",
                         "root:\x1b[A"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct login l = {.user = "keep"};
        struct err e = {""};
        if (login_parse(bad[i], &l, &e) != -1)
            fail_msg("accepted '%s'", bad[i]);
        assert_non_null(strstr(e.msg, "--login"));
        assert_string_equal(l.user, "keep"); /* nothing changed on bad input */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_root),
        cmocka_unit_test(test_user_and_password),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
