/* test_cast.c — `record`'s asciicast v2 lines (tui/cast.c) and its file
 * (tui/castfile.c). Every event line is checked by a strict JSON string
 * reader here and decoded back: valid UTF-8 comes back byte for byte however
 * the writes cut it; invalid bytes become U+FFFD, control bytes \u00XX. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/cast.h"
#include "tui/castfile.h"

#define NOBODY 65534

/* ---- a strict reader for what the encoder writes ---- */

/* Length of the valid UTF-8 sequence at P (N left), 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len = c < 0x80                 ? 1
                 : c >= 0xC2 && c <= 0xDF ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static void put_utf8(struct strbuf *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    sb_append(out, b, n);
}

/* Reads the JSON string at *P (at its opening quote), decoding it into OUT;
 * fails the test on anything JSON does not allow (raw control characters,
 * bad escapes, invalid UTF-8). */
static void read_string(const char **p, struct strbuf *out)
{
    const unsigned char *s = (const unsigned char *)*p;
    assert_int_equal(*s, '"');
    s++;
    while (*s != '"') {
        assert_true(*s >= 0x20); /* the end of the line too */
        if (*s != '\\') {
            size_t len = utf8_seq(s, strlen((const char *)s));
            if (len == 0)
                fail_msg("invalid UTF-8 in a JSON string: %s", *p);
            sb_append(out, (const char *)s, len);
            s += len;
            continue;
        }
        s++;
        const char *simple = strchr("\"\\/bfnrt", *s);
        if (*s && simple) {
            sb_append(out, &"\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"], 1);
            s++;
            continue;
        }
        assert_int_equal(*s, 'u');
        char hex[5] = {0};
        memcpy(hex, s + 1, 4);
        char *end;
        unsigned long cp = strtoul(hex, &end, 16);
        assert_true(strlen(hex) == 4 && *end == '\0');
        assert_false(cp >= 0xD800 && cp <= 0xDFFF); /* the encoder never splits pairs */
        put_utf8(out, (uint32_t)cp);
        s += 5;
    }
    *p = (const char *)s + 1;
}

struct event {
    char time[32];
    char code;
    struct strbuf data;
};

/* Parses one event line ([T, "C", "DATA"]\n) at *P and moves past it. */
static void read_event(const char **p, struct event *ev)
{
    const char *s = *p;
    assert_int_equal(*s++, '[');
    size_t n = strspn(s, "0123456789.");
    assert_true(n > 0 && n < sizeof ev->time);
    memcpy(ev->time, s, n);
    ev->time[n] = '\0';
    assert_non_null(strchr(ev->time, '.'));
    s += n;
    assert_int_equal(strncmp(s, ", \"", 3), 0);
    ev->code = s[3];
    assert_int_equal(strncmp(s + 4, "\", ", 3), 0);
    s += 7;
    memset(&ev->data, 0, sizeof ev->data);
    read_string(&s, &ev->data);
    assert_int_equal(strncmp(s, "]\n", 2), 0);
    *p = s + 2;
}

/* Decodes every line of B (events only) into one byte string. */
static void decode_all(const struct strbuf *b, struct strbuf *out)
{
    const char *p = sb_str(b);
    while (*p) {
        struct event ev;
        read_event(&p, &ev);
        assert_int_equal(ev.code, 'o');
        assert_true(ev.data.len > 0); /* no empty events */
        sb_append(out, sb_str(&ev.data), ev.data.len);
        sb_free(&ev.data);
    }
}

/* ---- the encoder ---- */

static void test_header(void **state)
{
    (void)state;
    struct strbuf b = {0};
    cast_header(&b, 120, 40, 1700000000, "umlab: lab \"x\"\n", "xterm-256color");
    assert_string_equal(sb_str(&b), "{\"version\": 2, \"width\": 120, \"height\": 40, "
                                    "\"timestamp\": 1700000000, \"title\": \"umlab: lab "
                                    "\\\"x\\\"\\n\", \"env\": {\"TERM\": \"xterm-256color\"}}\n");
    sb_free(&b);
    cast_header(&b, 80, 24, 0, NULL, NULL);
    assert_string_equal(sb_str(&b),
                        "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 0}\n");
    sb_free(&b);
}

static void test_times_and_resize(void **state)
{
    (void)state;
    struct strbuf b = {0};
    struct cast_utf8 u = {0};
    cast_output(&u, &b, 0, "a", 1);
    cast_output(&u, &b, 1500000, "b", 1);
    cast_output(&u, &b, 12345678901, "c", 1);
    cast_output(&u, &b, -5, "d", 1); /* a clock step back is 0, not "-0.000005" */
    cast_resize(&b, 2000001, 100, 30);
    assert_string_equal(sb_str(&b), "[0.000000, \"o\", \"a\"]\n"
                                    "[1.500000, \"o\", \"b\"]\n"
                                    "[12345.678901, \"o\", \"c\"]\n"
                                    "[0.000000, \"o\", \"d\"]\n"
                                    "[2.000001, \"r\", \"100x30\"]\n");
    sb_free(&b);
}

static void test_control_bytes(void **state)
{
    (void)state;
    struct strbuf b = {0};
    struct cast_utf8 u = {0};
    static const char in[] = "\033[1;31m\"q\" \\ \r\n\t\x0f\x7f\0end";
    cast_output(&u, &b, 0, in, sizeof in - 1);
    assert_string_equal(sb_str(&b), "[0.000000, \"o\", \"\\u001b[1;31m\\\"q\\\" \\\\ "
                                    "\\r\\n\\t\\u000f\\u007f\\u0000end\"]\n");
    struct strbuf out = {0};
    decode_all(&b, &out);
    assert_int_equal(out.len, sizeof in - 1);
    assert_memory_equal(out.s, in, sizeof in - 1);
    sb_free(&out);
    sb_free(&b);
}

/* Valid UTF-8 (2, 3 and 4 bytes, escapes between) cut at every point, and
 * fed a byte at a time: the same bytes come back, every line valid. */
static void test_utf8_cut_anywhere(void **state)
{
    (void)state;
    static const char in[] = "a\xc3\xa9\xe4\xb8\xad\033[m\xf0\x9f\x98\x80z\xe2\x94\x82";
    const size_t n = sizeof in - 1;
    for (size_t cut = 0; cut <= n; cut++) {
        struct strbuf b = {0}, out = {0};
        struct cast_utf8 u = {0};
        cast_output(&u, &b, 1, in, cut);
        cast_output(&u, &b, 2, in + cut, n - cut);
        assert_int_equal(u.nheld, 0);
        decode_all(&b, &out);
        assert_int_equal(out.len, n);
        assert_memory_equal(out.s, in, n);
        assert_false(strstr(sb_str(&b), "fffd"));
        sb_free(&out);
        sb_free(&b);
    }
    struct strbuf b = {0}, out = {0};
    struct cast_utf8 u = {0};
    for (size_t i = 0; i < n; i++)
        cast_output(&u, &b, (int64_t)i, in + i, 1);
    decode_all(&b, &out);
    assert_memory_equal(out.s, in, n);
    sb_free(&out);
    sb_free(&b);
}

static void test_held_back(void **state)
{
    (void)state;
    struct strbuf b = {0};
    struct cast_utf8 u = {0};
    cast_output(&u, &b, 0, "\xf0\x9f", 2); /* nothing to say yet */
    assert_int_equal(b.len, 0);
    assert_int_equal(u.nheld, 2);
    cast_output(&u, &b, 1, "\x98", 1);
    assert_int_equal(b.len, 0);
    cast_output(&u, &b, 2, "\x80!", 2);
    assert_string_equal(sb_str(&b), "[0.000002, \"o\", \"\xf0\x9f\x98\x80!\"]\n");
    sb_free(&b);
}

/* Bytes that are no UTF-8 (or stop being it) are replaced, never held. */
static void test_invalid_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b, *want;
    } cases[] = {
        {"\xff", "x", "\\ufffdx"},                                /* never a lead */
        {"\xe4", "a", "\\ufffda"},                                /* a cut lead, then ASCII */
        {"\xe4\xb8", "\xe4\xb8\xad", "\\ufffd中"},                /* a cut sequence, a new one */
        {"\x80\x80", "ok", "\\ufffd\\ufffdok"},                   /* stray continuation bytes */
        {"\xed\xa0", "\x80", "\\ufffd\\ufffd\\ufffd"},            /* a surrogate */
        {"\xc0\xaf", "", "\\ufffd\\ufffd"},                       /* an overlong '/' */
        {"\xf4\x90\x80\x80", "", "\\ufffd\\ufffd\\ufffd\\ufffd"}, /* past U+10FFFF */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct strbuf b = {0}, got = {0};
        struct cast_utf8 u = {0};
        cast_output(&u, &b, 0, cases[i].a, strlen(cases[i].a));
        cast_output(&u, &b, 0, cases[i].b, strlen(cases[i].b));
        cast_flush(&u, &b, 0);
        /* the data of all lines, as written (escaped) */
        for (const char *p = sb_str(&b); *p;) {
            const char *q = strchr(p, '\n');
            const char *open = strstr(p, "\"o\", \"") + 6;
            sb_append(&got, open, (size_t)(q - 2 - open));
            p = q + 1;
        }
        if (strcmp(sb_str(&got), cases[i].want) != 0)
            fail_msg("case %zu: got %s, want %s", i, sb_str(&got), cases[i].want);
        struct strbuf out = {0};
        decode_all(&b, &out); /* and every line is valid */
        sb_free(&out);
        sb_free(&got);
        sb_free(&b);
    }
}

static void test_flush(void **state)
{
    (void)state;
    struct strbuf b = {0};
    struct cast_utf8 u = {0};
    cast_flush(&u, &b, 1);
    assert_int_equal(b.len, 0); /* nothing held: no event */
    cast_output(&u, &b, 1, "ab\xe4\xb8", 4);
    cast_flush(&u, &b, 3000000);
    assert_string_equal(sb_str(&b), "[0.000001, \"o\", \"ab\"]\n"
                                    "[3.000000, \"o\", \"\\ufffd\"]\n");
    assert_int_equal(u.nheld, 0);
    sb_free(&b);
}

/* ---- the file ---- */

struct tmp {
    char dir[64];
};

static int tmp_setup(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/umlab-test-cast-XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    chmod(t->dir, 0755);
    umask(022);
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

static void put(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static off_t size_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static void test_file_rules(void **state)
{
    struct tmp *t = *state;
    struct histfile_owner me = {.uid = geteuid(), .gid = getegid(), .drop = false};
    struct err e = {""};
    char path[128], target[128], link[128], fifo[128];

    snprintf(path, sizeof path, "%s/new.cast", t->dir);
    int fd = castfile_open(&me, path, false, &e);
    if (fd < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(write(fd, "x", 1), 1);
    close(fd);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);

    /* an existing file: refused, untouched; --force truncates it */
    assert_int_equal(castfile_open(&me, path, false, &e), -1);
    assert_non_null(strstr(e.msg, "exists (--force overwrites it)"));
    assert_int_equal(size_of(path), 1);
    fd = castfile_open(&me, path, true, &e);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(size_of(path), 0);

    /* a link, with and without --force: refused, its target untouched */
    snprintf(target, sizeof target, "%s/target", t->dir);
    snprintf(link, sizeof link, "%s/link.cast", t->dir);
    put(target, "keep\n");
    assert_int_equal(symlink(target, link), 0);
    for (int force = 0; force <= 1; force++) {
        assert_int_equal(castfile_open(&me, link, force, &e), -1);
        assert_non_null(strstr(e.msg, "is a symbolic link (refused)"));
        assert_int_equal(size_of(target), 5);
    }
    /* a dangling link is not followed to create its target */
    assert_int_equal(unlink(target), 0);
    assert_int_equal(castfile_open(&me, link, false, &e), -1);
    assert_int_equal(access(target, F_OK), -1);

    /* a FIFO (with --force) does not block and is refused; a directory too */
    snprintf(fifo, sizeof fifo, "%s/fifo", t->dir);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(castfile_open(&me, fifo, true, &e), -1);
    assert_int_equal(castfile_open(&me, t->dir, true, &e), -1);
    assert_int_equal(castfile_open(&me, "", false, &e), -1);
    assert_string_equal(e.msg, "record: give a file name");
}

/* As root for a sudo user (nobody): the file is the user's, and where the
 * user may not write, root writes nothing either. */
static void test_file_as_user(void **state)
{
    struct tmp *t = *state;
    if (geteuid() != 0)
        skip();
    struct histfile_owner o = {.uid = NOBODY, .gid = NOBODY, .drop = true};
    struct err e = {""};
    char user[128], path[192];
    snprintf(user, sizeof user, "%s/user", t->dir);
    assert_int_equal(mkdir(user, 0755), 0);
    assert_int_equal(chown(user, NOBODY, NOBODY), 0);
    snprintf(path, sizeof path, "%s/demo.cast", user);
    int fd = castfile_open(&o, path, false, &e);
    if (fd < 0)
        fail_msg("%s", e.msg);
    close(fd);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_uid, NOBODY);

    snprintf(path, sizeof path, "%s/root.cast", t->dir); /* root's directory */
    assert_int_equal(castfile_open(&o, path, false, &e), -1);
    assert_non_null(strstr(e.msg, "Permission denied"));
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_times_and_resize),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_utf8_cut_anywhere),
        cmocka_unit_test(test_held_back),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_flush),
        cmocka_unit_test_setup_teardown(test_file_rules, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_as_user, tmp_setup, tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
