/* test_image.c — telling a bootable raw image from a qcow2, a random file or a missing one. */
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

#include "core/image.h"

static unsigned char head[IMAGE_HEAD_LEN];

static void test_kinds(void **state)
{
    (void)state;
    memset(head, 0, sizeof head);
    assert_null(image_kind(head, sizeof head));
    head[1024 + 56] = 0x53;
    head[1024 + 57] = 0xef;
    assert_string_equal(image_kind(head, sizeof head), "ext");
    /* the magic past what was read does not count */
    assert_null(image_kind(head, 1024 + 57));
    memset(head, 0, sizeof head);
    memcpy(head, "QFI\xfb\0\0\0\3", 8);
    assert_string_equal(image_kind(head, sizeof head), "qcow2");
    memset(head, 0, sizeof head);
    memcpy(head, "XFSB", 4);
    assert_string_equal(image_kind(head, sizeof head), "xfs");
    memset(head, 0, sizeof head);
    memcpy(head + 0x10040, "_BHRfS_M", 8);
    assert_string_equal(image_kind(head, sizeof head), "btrfs");
    assert_null(image_kind(head, 0x10040));
}

static void write_file(const char *path, const unsigned char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void test_check_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/umlab-test-image.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    struct err e = {""};

    snprintf(path, sizeof path, "%s/missing", dir);
    assert_int_equal(image_check(path, &e), -1);
    assert_non_null(strstr(e.msg, "No such file"));

    snprintf(path, sizeof path, "%s/q.qcow2", dir);
    memset(head, 0, sizeof head);
    memcpy(head, "QFI\xfb", 4);
    write_file(path, head, 4096);
    assert_int_equal(image_check(path, &e), -1);
    assert_non_null(strstr(e.msg, "qemu-img convert -O raw"));
    unlink(path);

    snprintf(path, sizeof path, "%s/short", dir);
    write_file(path, (const unsigned char *)"hello\n", 6);
    assert_int_equal(image_check(path, &e), -1);
    assert_non_null(strstr(e.msg, "no ext2/3/4"));
    unlink(path);

    snprintf(path, sizeof path, "%s/ext", dir);
    memset(head, 0, sizeof head);
    head[1024 + 56] = 0x53;
    head[1024 + 57] = 0xef;
    write_file(path, head, 8192);
    assert_int_equal(image_check(path, &e), 0);
    unlink(path);

    assert_int_equal(image_check(dir, &e), -1);
    assert_non_null(strstr(e.msg, "not a regular file"));
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_check_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
