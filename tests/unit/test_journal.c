/* test_journal.c — the journal: line format and parsing (pure), and the file
 * side (create/add/done/load) in a private temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/undo_plan.h"

#define HEADER "umlab-journal 1\n"

static void assert_msg_has(const struct err *e, const char *needle)
{
    if (!strstr(e->msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", e->msg, needle);
}

static struct jrecord mkrec(unsigned seq, enum jkind kind, int nargs, const char *a0,
                            const char *a1, const char *a2)
{
    struct jrecord r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.kind = kind;
    r.nargs = nargs;
    const char *a[3] = {a0, a1, a2};
    for (int i = 0; i < 3; i++)
        if (a[i])
            snprintf(r.args[i], sizeof r.args[i], "%s", a[i]);
    return r;
}

static void assert_rec_equal(const struct jrecord *a, const struct jrecord *b)
{
    assert_int_equal(a->seq, b->seq);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->nargs, b->nargs);
    for (int i = 0; i < a->nargs; i++)
        assert_string_equal(a->args[i], b->args[i]);
    assert_string_equal(a->netns, b->netns);
    assert_int_equal(a->done, b->done);
}

/* Parses HEADER + BODY, expecting success. */
static struct jrecord *parse_ok(const char *body, size_t *n)
{
    char text[8192];
    assert_true((size_t)snprintf(text, sizeof text, "%s%s", HEADER, body) < sizeof text);
    struct jrecord *recs = NULL;
    struct err e = {""};
    int rc = journal_parse(text, &recs, n, &e);
    if (rc != 0)
        fail_msg("journal_parse failed: %s", e.msg);
    return recs;
}

/* Parses HEADER + BODY, expecting an error whose message holds NEEDLE. */
static void parse_fails(const char *body, const char *needle)
{
    char text[8192];
    assert_true((size_t)snprintf(text, sizeof text, "%s%s", HEADER, body) < sizeof text);
    struct jrecord *recs = (struct jrecord *)&recs; /* must be reset */
    size_t n = 99;
    struct err e = {""};
    assert_int_equal(journal_parse(text, &recs, &n, &e), -1);
    assert_null(recs);
    assert_int_equal(n, 0);
    assert_msg_has(&e, needle);
}

/* ---- kind names ---- */

static void test_kind_names(void **state)
{
    (void)state;
    static const char *const names[J_KIND_COUNT] = {
        "netns", "enter", "tap", "veth",   "addr",   "route", "sysctl", "rule",
        "proc",  "file",  "dir", "bridge", "brport", "vxlan", "netem",  "linkdown",
    };
    for (int k = 0; k < J_KIND_COUNT; k++)
        assert_string_equal(journal_kind_name((enum jkind)k), names[k]);
    assert_string_equal(journal_kind_name(J_KIND_COUNT), "?");
    assert_string_equal(journal_kind_name((enum jkind) - 1), "?");
}

/* ---- journal_format ---- */

static void test_format_exact(void **state)
{
    (void)state;
    char buf[256];
    struct jrecord r = mkrec(7, J_ADDR, 2, "umlab0", "192.168.0.254/24", NULL);
    int n = journal_format(&r, buf, sizeof buf);
    assert_int_equal(n, (int)strlen("7 addr umlab0 192.168.0.254/24\n"));
    assert_string_equal(buf, "7 addr umlab0 192.168.0.254/24\n");

    r = mkrec(12, J_ROUTE, 3, "10.0.0.0/8", "umlab-g1", "10.0.0.1");
    assert_true(journal_format(&r, buf, sizeof buf) > 0);
    assert_string_equal(buf, "12 route 10.0.0.0/8 umlab-g1 10.0.0.1\n");
}

static void test_format_refuses_whitespace_and_empty(void **state)
{
    (void)state;
    char buf[256];
    const char *bad[] = {"a b", "a\tb", "a\nb", "a\rb", " lead", "trail ", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct jrecord r = mkrec(1, J_FILE, 1, bad[i], NULL, NULL);
        if (journal_format(&r, buf, sizeof buf) != -1)
            fail_msg("journal_format accepted argument \"%s\"", bad[i]);
        /* ... in any position */
        r = mkrec(1, J_ROUTE, 3, "10.0.0.0/8", "eth0", bad[i]);
        if (journal_format(&r, buf, sizeof buf) != -1)
            fail_msg("journal_format accepted third argument \"%s\"", bad[i]);
    }
}

static void test_format_refuses_bad_records(void **state)
{
    (void)state;
    char buf[256];
    struct jrecord r = mkrec(1, J_TAP, 1, "t", NULL, NULL);
    r.kind = J_KIND_COUNT;
    assert_int_equal(journal_format(&r, buf, sizeof buf), -1);
    r.kind = (enum jkind) - 1;
    assert_int_equal(journal_format(&r, buf, sizeof buf), -1);
    r = mkrec(1, J_TAP, 1, "t", NULL, NULL);
    r.nargs = JOURNAL_MAX_ARGS + 1;
    assert_int_equal(journal_format(&r, buf, sizeof buf), -1);
    r.nargs = -1;
    assert_int_equal(journal_format(&r, buf, sizeof buf), -1);
    /* "enter" without its namespace would make the whole file unreadable */
    r = mkrec(1, J_ENTER, 0, NULL, NULL, NULL);
    assert_int_equal(journal_format(&r, buf, sizeof buf), -1);
    r = mkrec(1, J_ENTER, 2, "a", "b", NULL);
    assert_int_equal(journal_format(&r, buf, sizeof buf), -1);
}

static void test_format_buffer_size(void **state)
{
    (void)state;
    struct jrecord r = mkrec(3, J_TAP, 1, "umlab-g1", NULL, NULL);
    const char *want = "3 tap umlab-g1\n";
    size_t need = strlen(want) + 1;
    char buf[64];
    for (size_t sz = 0; sz < need; sz++) {
        memset(buf, 'Z', sizeof buf);
        if (journal_format(&r, buf, sz) != -1)
            fail_msg("journal_format fit into %zu bytes (needs %zu)", sz, need);
        for (size_t i = sz; i < sizeof buf; i++)
            if (buf[i] != 'Z')
                fail_msg("journal_format wrote byte %zu of a %zu-byte buffer", i, sz);
    }
    assert_int_equal(journal_format(&r, buf, need), (int)need - 1);
    assert_string_equal(buf, want);
}

/* ---- journal_parse ---- */

static void test_roundtrip_every_kind(void **state)
{
    (void)state;
    struct jrecord in[J_KIND_COUNT + 4];
    size_t nin = 0;
    in[nin++] = mkrec(1, J_NETNS, 1, "umlab-lab1", NULL, NULL);
    in[nin++] = mkrec(2, J_TAP, 1, "umlab-g1", NULL, NULL);
    in[nin++] = mkrec(3, J_VETH, 1, "umlab-up", NULL, NULL);
    in[nin++] = mkrec(4, J_ADDR, 2, "umlab-g1", "192.168.0.254/24", NULL);
    in[nin++] = mkrec(5, J_ROUTE, 2, "192.168.0.1/32", "umlab-g1", NULL);
    in[nin++] = mkrec(6, J_ROUTE, 3, "0.0.0.0/0", "umlab-up", "198.51.100.1");
    in[nin++] = mkrec(7, J_SYSCTL, 2, "net/ipv4/conf/umlab-g1/proxy_arp", "0", NULL);
    in[nin++] = mkrec(8, J_RULE, 3, "nat", "POSTROUTING", "umlab:lab1:masq");
    in[nin++] = mkrec(9, J_PROC, 2, "4242", "123456789", NULL);
    in[nin++] = mkrec(10, J_FILE, 1, "/var/lib/umlab/lab1/g1.cow", NULL, NULL);
    in[nin++] = mkrec(11, J_DIR, 1, "/var/lib/umlab/lab1", NULL, NULL);
    in[nin++] = mkrec(12, J_BRIDGE, 1, "lan0", NULL, NULL);
    in[nin++] = mkrec(13, J_BRPORT, 2, "tap3", "lan0", NULL);
    in[nin++] = mkrec(14, J_VXLAN, 2, "vxlan0", "42", NULL);
    in[nin++] = mkrec(15, J_NETEM, 2, "tap3", "delay=100ms,loss=10%", NULL);
    in[nin++] = mkrec(16, J_LINKDOWN, 1, "lan0", NULL, NULL);
    in[nin++] = mkrec(17, J_ENTER, 1, "-", NULL, NULL);
    in[nin++] = mkrec(4000000000U, J_TAP, 0, NULL, NULL, NULL);

    bool seen[J_KIND_COUNT] = {false};
    char text[8192] = HEADER;
    size_t len = strlen(text);
    for (size_t i = 0; i < nin; i++) {
        int n = journal_format(&in[i], text + len, sizeof text - len);
        assert_true(n > 0);
        assert_int_equal(text[len + (size_t)n - 1], '\n');
        len += (size_t)n;
        seen[in[i].kind] = true;
    }
    for (int k = 0; k < J_KIND_COUNT; k++)
        if (!seen[k])
            fail_msg("kind %s not covered", journal_kind_name((enum jkind)k));

    struct jrecord *out;
    size_t n;
    struct err e = {""};
    assert_int_equal(journal_parse(text, &out, &n, &e), 0);
    assert_int_equal(n, nin);
    for (size_t i = 0; i < nin; i++)
        assert_rec_equal(&out[i], &in[i]); /* netns "" everywhere: no enter before 12 */

    /* formatting the parsed records gives the same text back */
    char again[8192] = HEADER;
    size_t alen = strlen(again);
    for (size_t i = 0; i < n; i++) {
        int m = journal_format(&out[i], again + alen, sizeof again - alen);
        assert_true(m > 0);
        alen += (size_t)m;
    }
    assert_string_equal(again, text);
    free(out);
}

static void test_parse_header_only_and_blank_lines(void **state)
{
    (void)state;
    size_t n = 99;
    struct jrecord *r = parse_ok("", &n);
    assert_int_equal(n, 0);
    free(r);

    r = parse_ok("\n1 tap a\n\n   \n\t\n2 tap b\n\n", &n);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].seq, 1);
    assert_string_equal(r[1].args[0], "b");
    free(r);

    /* words may be separated by several blanks or tabs */
    r = parse_ok("  5   route\t10.0.0.0/8  eth0 \n", &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].seq, 5);
    assert_int_equal(r[0].kind, J_ROUTE);
    assert_int_equal(r[0].nargs, 2);
    assert_string_equal(r[0].args[0], "10.0.0.0/8");
    assert_string_equal(r[0].args[1], "eth0");
    free(r);
}

static void test_parse_done_marks(void **state)
{
    (void)state;
    size_t n;
    struct jrecord *r = parse_ok("1 tap a\n"
                                 "2 tap b\n"
                                 "3 file /x\n"
                                 "1-done\n"
                                 "3-done\n"
                                 "99-done\n", /* nothing to mark: ignored */
                                 &n);
    assert_int_equal(n, 3);
    assert_true(r[0].done);
    assert_false(r[1].done);
    assert_true(r[2].done);
    free(r);

    /* a mark only applies to records before it */
    r = parse_ok("1-done\n1 tap a\n", &n);
    assert_int_equal(n, 1);
    assert_false(r[0].done);
    free(r);

    parse_fails("1 tap a\n1-done extra\n", "line 3");
    parse_fails("1 tap a\n1-undone\n", "malformed");
    parse_fails("1 tap a\n-done\n", "no sequence number");
}

static void test_parse_namespaces(void **state)
{
    (void)state;
    size_t n;
    struct jrecord *r = parse_ok("1 netns umlab-lab\n"
                                 "2 enter umlab-lab\n"
                                 "3 tap umlab-g1\n"
                                 "4 addr umlab-g1 10.0.0.254/24\n"
                                 "5 enter -\n"
                                 "6 file /tmp/x\n"
                                 "7 enter other\n"
                                 "8 enter again\n"
                                 "9 veth v0\n"
                                 "2-done\n",
                                 &n);
    static const char *const want[] = {"", "", "umlab-lab", "umlab-lab", "umlab-lab",
                                       "", "", "other",     "again"};
    assert_int_equal(n, 9);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(r[i].netns, want[i]) != 0)
            fail_msg("record %u: netns \"%s\", want \"%s\"", r[i].seq, r[i].netns, want[i]);
    }
    /* the enter record itself lives where it was made */
    assert_int_equal(r[1].kind, J_ENTER);
    assert_string_equal(r[1].args[0], "umlab-lab");
    assert_string_equal(r[4].args[0], "-");
    assert_true(r[1].done);
    free(r);
}

static void test_parse_torn_last_line(void **state)
{
    (void)state;
    size_t n;
    struct jrecord *r = parse_ok("1 tap a\n2 tap b", &n);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].args[0], "a");
    free(r);

    /* a torn line is ignored even when it would not parse */
    r = parse_ok("1 tap a\n2 bogu", &n);
    assert_int_equal(n, 1);
    free(r);

    /* a torn done mark: the undo never completed */
    r = parse_ok("1 tap a\n1-do", &n);
    assert_int_equal(n, 1);
    assert_false(r[0].done);
    free(r);

    /* but a torn line is not a licence for garbage earlier on */
    parse_fails("bogus\n1 tap a", "line 2");
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_fails("1 frob x\n", "unknown record 'frob'");
    parse_fails("1 tap a\n2 TAP b\n", "line 3: unknown record");
    parse_fails("tap umlab0\n", "no sequence number");
    parse_fails("x1 tap a\n", "no sequence number");
    parse_fails("1x tap a\n", "malformed");
    parse_fails("1\n", "malformed");
    parse_fails("1 enter\n", "enter needs a namespace");
    parse_fails("1 enter a b\n", "enter needs a namespace");
    parse_fails("1 route a b c d\n", "too many words");

    char longline[4096];
    memset(longline, 'x', sizeof longline);
    memcpy(longline, "1 file /", 8);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    size_t nl = 0;
    struct jrecord *rl = parse_ok(longline, &nl);
    assert_int_equal(nl, 1);
    assert_true(rl[0].invalid); /* kept and reported, not cut */
    assert_non_null(strstr(rl[0].why, "too long"));
    free(rl);

    /* bad header */
    const char *bad[] = {"umlab-journal 2\n1 tap a\n", "1 tap a\n", "umlab-journal 1x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct jrecord *recs = (struct jrecord *)&recs;
        size_t n = 99;
        struct err e = {""};
        assert_int_equal(journal_parse(bad[i], &recs, &n, &e), -1);
        assert_null(recs);
        assert_int_equal(n, 0);
        assert_msg_has(&e, "bad header");
    }
}

/* ---- the file ---- */

struct tmp {
    char dir[64];
    char path[128];
};

static int tmp_setup(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/umlab-test-journal-XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    snprintf(t->path, sizeof t->path, "%s/journal", t->dir);
    *state = t;
    return 0;
}

static int tmp_teardown(void **state)
{
    struct tmp *t = *state;
    unlink(t->path);
    int rc = rmdir(t->dir);
    free(t);
    return rc;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    assert_int_equal(ferror(f), 0);
    assert_int_equal(fclose(f), 0);
    buf[n] = '\0';
    return buf;
}

static void test_file_create_add_done_load(void **state)
{
    struct tmp *t = *state;
    struct journal j;
    struct err e = {""};
    assert_int_equal(journal_create(&j, t->path, &e), 0);
    assert_true(j.fd >= 0);
    assert_int_equal(j.nrecs, 0);
    assert_string_equal(read_file(t->path), HEADER);

    struct stat st;
    assert_int_equal(stat(t->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    assert_int_equal(journal_add(&j, J_NETNS, &e, 1, "umlab-lab"), 1);
    assert_int_equal(journal_add(&j, J_ENTER, &e, 1, "umlab-lab"), 2);
    assert_int_equal(journal_add(&j, J_TAP, &e, 1, "umlab-g1"), 3);
    assert_int_equal(journal_add(&j, J_ROUTE, &e, 3, "0.0.0.0/0", "umlab-up", "198.51.100.1"), 4);
    assert_int_equal(journal_add(&j, J_ENTER, &e, 1, "-"), 5);
    assert_int_equal(journal_add(&j, J_DIR, &e, 1, "/var/lib/umlab/lab"), 6);
    assert_int_equal(journal_add(&j, J_TAP, &e, 0), 7);

    /* refused records leave the file, the records and the sequence alone */
    assert_int_equal(journal_add(&j, J_FILE, &e, 1, "has space"), -1);
    assert_msg_has(&e, "cannot record file");
    assert_int_equal(journal_add(&j, J_FILE, &e, 1, ""), -1);
    assert_int_equal(journal_add(&j, J_ENTER, &e, 0), -1);
    assert_int_equal(journal_add(&j, J_KIND_COUNT, &e, 1, "x"), -1);
    assert_int_equal(journal_add(&j, J_RULE, &e, 4, "a", "b", "c", "d"), -1);
    assert_msg_has(&e, "too many arguments");
    char huge[JOURNAL_ARG_MAX + 1];
    memset(huge, 'h', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    assert_int_equal(journal_add(&j, J_FILE, &e, 1, huge), -1);
    assert_msg_has(&e, "too long");
    assert_int_equal(j.nrecs, 7);
    assert_int_equal(j.next_seq, 8);

    assert_int_equal(journal_done(&j, 3, &e), 0);
    assert_int_equal(journal_done(&j, 6, &e), 0);
    assert_true(j.recs[2].done);
    assert_true(j.recs[5].done);
    assert_false(j.recs[0].done);

    assert_string_equal(read_file(t->path), HEADER "1 netns umlab-lab\n"
                                                   "2 enter umlab-lab\n"
                                                   "3 tap umlab-g1\n"
                                                   "4 route 0.0.0.0/0 umlab-up 198.51.100.1\n"
                                                   "5 enter -\n"
                                                   "6 dir /var/lib/umlab/lab\n"
                                                   "7 tap\n"
                                                   "3-done\n"
                                                   "6-done\n");

    /* in memory: the namespace each record was made in */
    static const char *const ns[] = {"", "", "umlab-lab", "umlab-lab", "umlab-lab", "", ""};
    for (size_t i = 0; i < j.nrecs; i++)
        assert_string_equal(j.recs[i].netns, ns[i]);
    assert_string_equal(j.netns, "");

    /* what the file says is what memory says */
    struct jrecord *loaded;
    size_t n;
    assert_int_equal(journal_load(t->path, &loaded, &n, &e), 0);
    assert_int_equal(n, j.nrecs);
    for (size_t i = 0; i < n; i++)
        assert_rec_equal(&loaded[i], &j.recs[i]);
    free(loaded);

    journal_close(&j);
    assert_int_equal(j.fd, -1);
    assert_null(j.recs);
    assert_int_equal(j.nrecs, 0);

    /* closed: nothing more can be written */
    assert_int_equal(journal_add(&j, J_TAP, &e, 1, "late"), -1);
    assert_msg_has(&e, "not open");
    assert_int_equal(journal_done(&j, 1, &e), -1);
    journal_close(&j);
}

static void test_file_create_is_exclusive(void **state)
{
    struct tmp *t = *state;
    struct journal j;
    struct err e = {""};
    assert_int_equal(journal_create(&j, t->path, &e), 0);
    assert_int_equal(journal_add(&j, J_TAP, &e, 1, "keep"), 1);
    journal_close(&j);

    struct journal j2;
    assert_int_equal(journal_create(&j2, t->path, &e), -1);
    assert_int_equal(errno, EEXIST);
    assert_msg_has(&e, t->path);
    assert_msg_has(&e, strerror(EEXIST));
    assert_int_equal(j2.fd, -1);
    journal_close(&j2); /* harmless on a failed create */

    /* the existing journal was not touched */
    assert_string_equal(read_file(t->path), HEADER "1 tap keep\n");

    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/such/dir/journal", t->dir);
    assert_int_equal(journal_create(&j2, missing, &e), -1);
    assert_msg_has(&e, strerror(ENOENT));
}

static void test_file_load_large_and_missing(void **state)
{
    struct tmp *t = *state;
    struct journal j;
    struct err e = {""};
    assert_int_equal(journal_create(&j, t->path, &e), 0);
    /* well past the loader's first 4 KiB buffer and the 32-record first block */
    for (int i = 1; i <= 400; i++) {
        char arg[64];
        snprintf(arg, sizeof arg, "/var/lib/umlab/some-lab/file-number-%04d", i);
        assert_int_equal(journal_add(&j, i % 50 == 0 ? J_ENTER : J_FILE, &e, 1, arg), i);
        if (i % 3 == 0)
            assert_int_equal(journal_done(&j, (unsigned)i, &e), 0);
    }
    struct jrecord *loaded;
    size_t n;
    assert_int_equal(journal_load(t->path, &loaded, &n, &e), 0);
    assert_int_equal(n, 400);
    assert_int_equal(j.nrecs, 400);
    for (size_t i = 0; i < n; i++)
        assert_rec_equal(&loaded[i], &j.recs[i]);
    assert_string_equal(loaded[399].netns, "/var/lib/umlab/some-lab/file-number-0350");
    assert_true(loaded[398].done);
    assert_false(loaded[399].done);
    free(loaded);
    journal_close(&j);

    char missing[160];
    snprintf(missing, sizeof missing, "%s/absent", t->dir);
    loaded = (struct jrecord *)&loaded;
    assert_int_equal(journal_load(missing, &loaded, &n, &e), -1);
    assert_msg_has(&e, "absent");
    assert_msg_has(&e, strerror(ENOENT));
}

static void test_file_load_torn_tail(void **state)
{
    struct tmp *t = *state;
    int fd = open(t->path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    const char *text = HEADER "1 tap a\n2 file /x\n1-done\n3 rule nat POSTR";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);

    struct jrecord *loaded;
    size_t n;
    struct err e = {""};
    assert_int_equal(journal_load(t->path, &loaded, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_true(loaded[0].done);
    assert_false(loaded[1].done);
    assert_string_equal(loaded[1].args[0], "/x");
    free(loaded);
}

/* ---- validation and planning: a journal is data, hostile records are refused ---- */

static const struct undo_scope scope = {.statedir = "/run/umlab/lab", .lab = "lab"};

static void assert_refused(const char *body, const char *needle)
{
    size_t n = 0;
    struct jrecord *recs = parse_ok(body, &n);
    assert_int_equal(n, 1);
    struct err e = {""};
    if (undo_check_record(&recs[0], &scope, &e) != -1)
        fail_msg("record \"%s\" was accepted", body);
    assert_msg_has(&e, needle);
    struct undo_step *steps = NULL;
    size_t ns = 0;
    assert_int_equal(undo_plan(recs, n, &scope, &steps, &ns, &e), 0);
    assert_int_equal(ns, 1);
    assert_int_equal(steps[0].act, UNDO_REFUSE);
    free(steps);
    free(recs);
}

static void assert_accepted(const char *body)
{
    size_t n = 0;
    struct jrecord *recs = parse_ok(body, &n);
    assert_int_equal(n, 1);
    struct err e = {""};
    if (undo_check_record(&recs[0], &scope, &e) != 0)
        fail_msg("record \"%s\" refused: %s", body, e.msg);
    free(recs);
}

static void test_check_accepts_what_umlab_writes(void **state)
{
    (void)state;
    assert_accepted("1 dir /run/umlab/lab\n");
    assert_accepted("1 netns umlab-lab\n");
    assert_accepted("1 netns umlab-lab-inet\n");
    assert_accepted("1 veth up0\n");
    assert_accepted("1 tap tap0\n");
    assert_accepted("1 addr tap0 192.168.0.254/32\n");
    assert_accepted("1 route 192.168.0.1/32 tap0\n");
    assert_accepted("1 sysctl net/ipv4/ip_forward 0\n");
    assert_accepted("1 sysctl net/ipv4/conf/tap0/proxy_arp 0\n");
    assert_accepted("1 sysctl net/ipv4/conf/all/forwarding 0\n");
    assert_accepted("1 sysctl net/ipv4/conf/all/accept_redirects 1\n");
    assert_accepted("1 sysctl net/ipv4/neigh/tap0/proxy_delay 80\n");
    assert_accepted("1 rule filter FORWARD umlab:lab:tap0\n");
    assert_accepted("1 rule nat POSTROUTING umlab:lab:masq\n");
    assert_accepted("1 proc 4242 123456\n");
    assert_accepted("1 file /run/umlab/lab/guests/g1.cow\n");
    assert_accepted("1 bridge lan0\n");
    assert_accepted("1 brport tap3 lan0\n");
    assert_accepted("1 vxlan vxlan0 42\n");
    assert_accepted("1 vxlan vxlan12 16777215\n");
    assert_accepted("1 brport vxlan0 lan0\n");
    assert_accepted("1 netem tap0 delay=100ms,loss=10%\n");
    assert_accepted("1 netem tap0 rate=1mbit\n");
    assert_accepted("1 netem lan0 delay=1.5ms,jitter=200us,loss=0.5%,duplicate=1%,rate=64kbit\n");
    assert_accepted("1 linkdown tap0\n");
    assert_accepted("1 linkdown lan0\n");
}

static void test_check_refuses_hostile_records(void **state)
{
    (void)state;
    assert_refused("1 dir /\n", "outside");
    assert_refused("1 dir /run/umlab\n", "outside");
    assert_refused("1 dir /run/umlab/lab/../../etc\n", "outside");
    assert_refused("1 dir /run/umlab/lab/guests/../..\n", "outside");
    assert_refused("1 dir /run/umlab/labx\n", "outside");
    assert_refused("1 file /etc/shadow\n", "outside");
    assert_refused("1 file /run/umlab/lab/journal\n", "outside");
    assert_refused("1 file /run/umlab/lab/guests/..\n", "outside");
    assert_refused("1 file /run/umlab/lab/guests/a/b\n", "outside");
    assert_refused("1 proc 1 0\n", "process id");
    assert_refused("1 proc 1 12345\n", "process id");
    assert_refused("1 proc -1 12345\n", "process id");
    assert_refused("1 proc 0 12345\n", "process id");
    assert_refused("1 proc 4242 0\n", "start time");
    assert_refused("1 proc 4242 -5\n", "start time");
    assert_refused("1 proc 99999999999 5\n", "process id");
    assert_refused("1 sysctl kernel/core_pattern |/tmp/x\n", "not one umlab changes");
    assert_refused("1 sysctl net/ipv4/conf/../../../kernel/x/forwarding 1\n", "not one umlab");
    assert_refused("1 sysctl net/ipv4/conf/tap0/rp_filter 0\n", "not one umlab changes");
    assert_refused("1 sysctl net/ipv4/ip_forward 1x\n", "value");
    assert_refused("1 rule filter FORWARD admin-rule\n", "not this lab's");
    assert_refused("1 rule filter FORWARD umlab:other:tap0\n", "not this lab's");
    assert_refused("1 rule filter FORWARD umlab:lab:\n", "not this lab's");
    assert_refused("1 rule filter INPUT umlab:lab:tap0\n", "chain");
    assert_refused("1 tap ../x\n", "interface");
    assert_refused("1 tap averyveryverylongname\n", "interface");
    assert_refused("1 netns ..\n", "namespace");
    assert_refused("1 addr tap0 300.1.1.1/32\n", "address");
    assert_refused("1 tap\n", "fields");
    assert_refused("1 netns a/b\n", "namespace");
    assert_refused("1 bridge ../x\n", "interface");
    assert_refused("1 bridge averyveryverylongname\n", "interface");
    assert_refused("1 bridge\n", "fields");
    assert_refused("1 bridge lan0 lan1\n", "fields");
    assert_refused("1 brport tap0\n", "fields");
    assert_refused("1 brport tap0 lan0 x\n", "fields");
    assert_refused("1 brport tap0 a/b\n", "name 'a/b'");
    assert_refused("1 brport a:b lan0\n", "name 'a:b'");
    assert_refused("1 brport lan0 lan0\n", "its own port");
    assert_refused("1 vxlan vxlan0\n", "fields");
    assert_refused("1 vxlan vxlan0 42 x\n", "fields");
    assert_refused("1 vxlan ../x 42\n", "interface");
    assert_refused("1 vxlan averyveryverylongname 42\n", "interface");
    assert_refused("1 vxlan vxlan0 0\n", "bad VNI '0'");
    assert_refused("1 vxlan vxlan0 16777216\n", "bad VNI");
    assert_refused("1 vxlan vxlan0 -1\n", "bad VNI");
    assert_refused("1 vxlan vxlan0 4x\n", "bad VNI");
    assert_refused("1 vxlan vxlan0 99999999999999999999999\n", "bad VNI");
    assert_refused("1 netem\n", "fields");
    assert_refused("1 netem tap0\n", "fields");
    assert_refused("1 netem tap0 delay=1ms x\n", "fields");
    assert_refused("1 netem tap0 root\n", "not KEY=VALUE");
    assert_refused("1 netem tap0 loss=200%\n", "percentage");
    assert_refused("1 netem tap0 latency=5ms\n", "unknown option");
    assert_refused("1 netem tap0 delay=0\n", "zero");
    assert_refused("1 netem tap0 delay=1ms,delay=2ms\n", "twice");
    assert_refused("1 netem ../x delay=1ms\n", "interface");
    assert_refused("1 netem averyveryverylongname delay=1ms\n", "interface");
    assert_refused("1 netem a:b delay=1ms\n", "interface");
    assert_refused("1 linkdown\n", "fields");
    assert_refused("1 linkdown tap0 up\n", "fields");
    assert_refused("1 linkdown a/b\n", "interface");
    assert_refused("1 linkdown averyveryverylongname\n", "interface");
}

static void test_nul_and_long_fields_make_a_record_invalid(void **state)
{
    (void)state;
    char text[1024];
    int len = snprintf(text, sizeof text, "%s1 dir /run/umlab/lab\n2 tap ta", HEADER);
    text[len++] = '\0';
    len += snprintf(text + len, sizeof text - (size_t)len, "p0\n3 tap tap1\n");
    struct jrecord *recs = NULL;
    size_t n = 0;
    struct err e = {""};
    assert_int_equal(journal_parse_n(text, (size_t)len, &recs, &n, &e), 0);
    assert_int_equal(n, 3); /* the record after the NUL is still read */
    assert_true(recs[1].invalid);
    assert_false(recs[2].invalid);
    assert_string_equal(recs[2].args[0], "tap1");
    assert_int_equal(undo_check_record(&recs[1], &scope, &e), -1);
    assert_msg_has(&e, "NUL");
    free(recs);

    char body[600];
    memset(body, 'a', sizeof body);
    memcpy(body, "1 tap ", 6);
    body[sizeof body - 2] = '\n';
    body[sizeof body - 1] = '\0';
    recs = parse_ok(body, &n);
    assert_int_equal(n, 1);
    assert_true(recs[0].invalid); /* not cut to 255 bytes and obeyed */
    assert_int_equal(undo_check_record(&recs[0], &scope, &e), -1);
    assert_msg_has(&e, "longer than");
    free(recs);
}

static void test_plan_order_and_done(void **state)
{
    (void)state;
    size_t n = 0;
    struct jrecord *recs = parse_ok("1 dir /run/umlab/lab\n2 netns umlab-lab\n3 enter umlab-lab\n"
                                    "4 tap tap0\n5 proc 1 0\n6 tap tap1\n6-done\n",
                                    &n);
    assert_int_equal(n, 6);
    struct undo_step *st = NULL;
    size_t ns = 0;
    struct err e = {""};
    assert_int_equal(undo_plan(recs, n, &scope, &st, &ns, &e), 0);
    assert_int_equal(ns, 6);
    const size_t order[] = {5, 4, 3, 2, 1, 0};
    const enum undo_action act[] = {UNDO_DONE, UNDO_REFUSE, UNDO_RUN,
                                    UNDO_DONE, UNDO_RUN,    UNDO_RUN};
    for (size_t i = 0; i < ns; i++) {
        assert_int_equal(st[i].rec, order[i]);
        assert_int_equal(st[i].act, act[i]);
    }
    assert_string_equal(recs[3].netns, "umlab-lab");
    free(st);
    free(recs);
}

static void plan_is(const char *body, const size_t *order, size_t norder)
{
    size_t n = 0;
    struct jrecord *recs = parse_ok(body, &n);
    struct undo_step *st = NULL;
    size_t ns = 0;
    struct err e = {""};
    assert_int_equal(undo_plan(recs, n, &scope, &st, &ns, &e), 0);
    assert_int_equal(ns, norder);
    for (size_t i = 0; i < ns; i++)
        if (st[i].rec != order[i])
            fail_msg("step %zu undoes record %zu, want %zu", i, st[i].rec, order[i]);
    free(st);
    free(recs);
}

/* What umlab writes (bridge, tap, port) comes back newest first: the port is
 * released, the tap deleted, then the bridge. */
static void test_plan_bridge_after_its_ports(void **state)
{
    (void)state;
    const size_t usual[] = {6, 5, 4, 3, 2, 1, 0};
    plan_is("1 netns umlab-lab\n2 enter umlab-lab\n3 bridge lan0\n4 tap tap0\n"
            "5 brport tap0 lan0\n6 tap tap1\n7 brport tap1 lan0\n",
            usual, 7);
    /* A port journaled before its bridge (by any other writer): the bridge
     * (record 4) waits for it (record 3). A port of another bridge, or of a
     * lan0 in another namespace, does not hold it back. */
    const char *odd = "1 netns umlab-lab\n2 enter umlab-lab\n3 tap tap0\n4 brport tap0 lan0\n"
                      "5 bridge lan0\n6 tap tap1\n7 brport tap1 lan1\n8 enter -\n"
                      "9 brport tap2 lan0\n";
    const size_t moved[] = {8, 7, 6, 5, 3, 4, 2, 1, 0};
    plan_is(odd, moved, 9);
    /* Released already (done): nothing to wait for. */
    char done[512];
    snprintf(done, sizeof done, "%s4-done\n", odd);
    const size_t kept[] = {8, 7, 6, 5, 4, 3, 2, 1, 0};
    plan_is(done, kept, 9);
}

/* A VXLAN device is released from its bridge before it is deleted; only its
 * own release (same name, same namespace) holds it back. */
static void test_plan_vxlan_after_its_release(void **state)
{
    (void)state;
    const size_t usual[] = {4, 3, 2, 1, 0};
    plan_is("1 netns umlab-lab\n2 enter umlab-lab\n3 bridge lan0\n4 vxlan vxlan0 42\n"
            "5 brport vxlan0 lan0\n",
            usual, 5);
    /* Released after it was journaled as deleted (any other writer): record 4
     * (the device) waits for record 5 (its release), the bridge (2) for 5 too. */
    const char *odd = "1 netns umlab-lab\n2 enter umlab-lab\n3 bridge lan0\n4 brport tap0 lan0\n"
                      "5 brport vxlan0 lan0\n6 vxlan vxlan0 42\n7 enter -\n"
                      "8 brport vxlan0 lan1\n9 brport vxlan1 lan0\n";
    /* newest first: 8 7 6 5 4 3 2 1 0 (indexes); the device (5) moves behind
     * its release (4); the release in another namespace (7) and another
     * device's (8) do not hold it. */
    const size_t moved[] = {8, 7, 6, 4, 5, 3, 2, 1, 0};
    plan_is(odd, moved, 9);
    /* Both a bridge and a device waiting, the device first in the journal. */
    const char *both = "1 netns umlab-lab\n2 enter umlab-lab\n3 vxlan vxlan0 42\n"
                       "4 bridge lan0\n5 brport vxlan0 lan0\n";
    const size_t settled[] = {4, 3, 2, 1, 0};
    plan_is(both, settled, 5);
    const char *late = "1 netns umlab-lab\n2 enter umlab-lab\n3 brport vxlan0 lan0\n"
                       "4 bridge lan0\n5 vxlan vxlan0 42\n";
    /* newest first 4 3 2 1 0: the device (4) and the bridge (3) wait for 2 */
    const size_t waited[] = {2, 3, 4, 1, 0};
    plan_is(late, waited, 5);
}

/* A qdisc is removed and a downed link brought up before the link is deleted;
 * in what umlab writes that is newest first anyway. */
static void test_plan_link_after_its_faults(void **state)
{
    (void)state;
    const size_t usual[] = {6, 5, 4, 3, 2, 1, 0};
    plan_is("1 netns umlab-lab\n2 enter umlab-lab\n3 tap tap0\n4 bridge lan0\n"
            "5 netem tap0 delay=1ms\n6 linkdown tap0\n7 linkdown lan0\n",
            usual, 7);
    /* Out of order (any other writer): tap0 (record 6) waits for its netem
     * (4) and its linkdown (5); lan0's linkdown (7) holds back the bridge (8);
     * a netem of tap0 in another namespace (1) or of another link (9) holds
     * back nothing. */
    const char *odd =
        "1 netem tap0 delay=1ms\n2 netns umlab-lab\n3 enter umlab-lab\n4 netem tap0 delay=1ms\n"
        "5 linkdown tap0\n6 tap tap0\n7 linkdown lan0\n8 bridge lan0\n"
        "9 netem tap9 delay=1ms\n";
    const size_t moved[] = {8, 6, 7, 4, 3, 5, 2, 1, 0};
    plan_is(odd, moved, 9);
    /* Undone already (done): nothing to wait for. */
    char done[512];
    snprintf(done, sizeof done, "%s4-done\n5-done\n7-done\n", odd);
    const size_t kept[] = {8, 7, 6, 5, 4, 3, 2, 1, 0};
    plan_is(done, kept, 9);
    /* A port release holds back only its bridge, not a tap of that name. */
    const size_t tap_stays[] = {1, 0};
    plan_is("1 brport tap1 lan0\n2 tap lan0\n", tap_stays, 2);
    const size_t tap_moves[] = {1, 0, 2};
    plan_is("1 netem lan0 delay=1ms\n2 linkdown lan0\n3 tap lan0\n", tap_moves, 3);
}

static void test_header_only_and_torn_header(void **state)
{
    (void)state;
    const char *texts[] = {"", "umlab-j", HEADER};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        struct jrecord *recs = (struct jrecord *)&recs;
        size_t n = 99;
        struct err e = {""};
        assert_int_equal(journal_parse(texts[i], &recs, &n, &e), 0);
        assert_int_equal(n, 0);
        free(recs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_format_exact),
        cmocka_unit_test(test_format_refuses_whitespace_and_empty),
        cmocka_unit_test(test_format_refuses_bad_records),
        cmocka_unit_test(test_format_buffer_size),
        cmocka_unit_test(test_roundtrip_every_kind),
        cmocka_unit_test(test_parse_header_only_and_blank_lines),
        cmocka_unit_test(test_parse_done_marks),
        cmocka_unit_test(test_parse_namespaces),
        cmocka_unit_test(test_parse_torn_last_line),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_check_accepts_what_umlab_writes),
        cmocka_unit_test(test_check_refuses_hostile_records),
        cmocka_unit_test(test_nul_and_long_fields_make_a_record_invalid),
        cmocka_unit_test(test_plan_order_and_done),
        cmocka_unit_test(test_plan_bridge_after_its_ports),
        cmocka_unit_test(test_plan_vxlan_after_its_release),
        cmocka_unit_test(test_plan_link_after_its_faults),
        cmocka_unit_test(test_header_only_and_torn_header),
        cmocka_unit_test_setup_teardown(test_file_create_add_done_load, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_create_is_exclusive, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_load_large_and_missing, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_load_torn_tail, tmp_setup, tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
