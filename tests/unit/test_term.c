/* test_term.c — the libvterm terminal: screen, replies, colours, scrollback, keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pty/term.h"

/* What the terminal sent back to the "program". */
struct sink {
    char buf[256];
    size_t len;
};

static void sink_fn(const char *bytes, size_t len, void *ctx)
{
    struct sink *s = ctx;
    assert_true(s->len + len <= sizeof s->buf);
    memcpy(s->buf + s->len, bytes, len);
    s->len += len;
}

static void feed(struct term *t, const char *s)
{
    term_feed(t, s, strlen(s));
}

static void assert_row(const struct term *t, int row, const char *want)
{
    char buf[1024];
    size_t n = term_row_text(t, row, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void assert_sent(struct sink *s, const char *want, size_t len)
{
    assert_int_equal(s->len, len);
    assert_memory_equal(s->buf, want, len);
    s->len = 0;
}

static void test_hello(void **state)
{
    (void)state;
    struct term *t = term_new(24, 80, 100, NULL, NULL);
    assert_non_null(t);
    int rows, cols;
    term_size(t, &rows, &cols);
    assert_int_equal(rows, 24);
    assert_int_equal(cols, 80);

    term_clear_dirty(t);
    feed(t, "hello\r\n");
    assert_true(term_is_dirty(t));
    assert_row(t, 0, "hello");
    assert_row(t, 1, "");
    struct term_cursor c;
    term_get_cursor(t, &c);
    assert_int_equal(c.row, 1);
    assert_int_equal(c.col, 0);
    assert_true(c.visible);

    term_clear_dirty(t);
    assert_false(term_is_dirty(t));
    feed(t, "\x1b[?25l"); /* hide the cursor: a termprop, no damage */
    assert_true(term_is_dirty(t));
    term_get_cursor(t, &c);
    assert_false(c.visible);

    /* trailing blanks trimmed, inner ones kept */
    feed(t, "a  b   ");
    assert_row(t, 1, "a  b");

    /* small buffers truncate, always NUL-terminated */
    char small[4];
    assert_int_equal(term_row_text(t, 0, small, sizeof small), 3);
    assert_string_equal(small, "hel");
    term_free(t);
}

static void test_cursor_report(void **state)
{
    (void)state;
    struct sink s = {0};
    struct term *t = term_new(24, 80, 100, sink_fn, &s);
    assert_non_null(t);
    feed(t, "\x1b[6n");
    assert_sent(&s, "\x1b[1;1R", 6);

    feed(t, "ab\r\ncdefg\x1b[6n"); /* row 2, column 6, 1-based */
    assert_sent(&s, "\x1b[2;6R", 6);

    feed(t, "\x1b[12;40H\x1b[6n");
    assert_sent(&s, "\x1b[12;40R", 8);

    /* a query split across two reads still gets its answer */
    feed(t, "\x1b[");
    assert_int_equal(s.len, 0);
    feed(t, "6n");
    assert_sent(&s, "\x1b[12;40R", 8);
    term_free(t);
}

/* Counts what the terminal sent, without keeping it. */
struct counter {
    size_t bytes, calls;
};

static void count_fn(const char *bytes, size_t len, void *ctx)
{
    struct counter *c = ctx;
    (void)bytes;
    c->bytes += len;
    c->calls++;
}

/* A program that floods queries without pause gets TERM_REPLY_BUDGET bytes of
 * answers, whole ones, and no more until it has been quiet; keys always pass. */
static void test_reply_budget(void **state)
{
    (void)state;
    struct counter c = {0};
    struct term *t = term_new(24, 80, 0, count_fn, &c);
    assert_non_null(t);
    term_set_reply_quiet_ms(t, 200);
    const size_t reply = 6; /* ESC [ 1 ; 1 R */
    char q[4 * 1000 + 1] = "";
    for (int i = 0; i < 1000; i++)
        strcat(q, "\x1b[6n");
    feed(t, q);
    size_t fit = TERM_REPLY_BUDGET / reply;
    assert_int_equal(c.calls, fit);
    assert_int_equal(c.bytes, fit * reply);
    assert_int_equal(term_replies_dropped(t), (1000 - fit) * reply);

    /* it keeps talking: nothing more */
    for (int i = 0; i < 100; i++)
        feed(t, "\x1b[6n");
    assert_int_equal(c.bytes, fit * reply);
    assert_int_equal(term_replies_dropped(t), (1100 - fit) * reply);

    /* the user's keys are never held back */
    term_send_key(t, TERM_KEY_ENTER, 0);
    term_send_char(t, 'a', 0);
    assert_int_equal(c.bytes, fit * reply + 2);

    /* quiet for a while (it waits for an answer or for the user): answers again */
    usleep(300 * 1000);
    c.bytes = c.calls = 0;
    feed(t, "\r\n\x1b[6n");
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.bytes, 6);
    term_free(t);
}

static void test_colors(void **state)
{
    (void)state;
    struct term *t = term_new(24, 80, 0, NULL, NULL);
    assert_non_null(t);
    feed(t, "p\x1b[31mA\x1b[1;38;5;200mB\x1b[0;38;2;1;2;3;7mC\x1b[0;44;4;3;9mD\x1b[0mE");
    struct term_cell c;

    term_get_cell(t, 0, 0, &c);
    assert_int_equal(c.ch[0], 'p');
    assert_int_equal(c.width, 1);
    assert_int_equal(c.fg.kind, TERM_COLOR_DEFAULT);
    assert_int_equal(c.bg.kind, TERM_COLOR_DEFAULT);
    assert_false(c.bold || c.reverse || c.underline);

    term_get_cell(t, 0, 1, &c);
    assert_int_equal(c.ch[0], 'A');
    assert_int_equal(c.fg.kind, TERM_COLOR_INDEX);
    assert_int_equal(c.fg.index, 1);
    assert_false(c.bold);

    term_get_cell(t, 0, 2, &c);
    assert_int_equal(c.fg.kind, TERM_COLOR_INDEX);
    assert_int_equal(c.fg.index, 200);
    assert_true(c.bold);

    term_get_cell(t, 0, 3, &c);
    assert_int_equal(c.fg.kind, TERM_COLOR_RGB);
    assert_int_equal(c.fg.r, 1);
    assert_int_equal(c.fg.g, 2);
    assert_int_equal(c.fg.b, 3);
    assert_true(c.reverse);
    assert_false(c.bold);
    assert_int_equal(c.bg.kind, TERM_COLOR_DEFAULT);

    term_get_cell(t, 0, 4, &c);
    assert_int_equal(c.fg.kind, TERM_COLOR_DEFAULT);
    assert_int_equal(c.bg.kind, TERM_COLOR_INDEX);
    assert_int_equal(c.bg.index, 4);
    assert_true(c.underline);
    assert_true(c.italic);
    assert_true(c.strike);
    assert_false(c.reverse);

    term_get_cell(t, 0, 5, &c);
    assert_int_equal(c.ch[0], 'E');
    assert_int_equal(c.fg.kind, TERM_COLOR_DEFAULT);
    assert_int_equal(c.bg.kind, TERM_COLOR_DEFAULT);
    assert_false(c.underline || c.italic || c.strike);

    /* out of range: a blank cell */
    term_get_cell(t, 99, 0, &c);
    assert_int_equal(c.ch[0], 0);
    assert_int_equal(c.width, 1);
    term_get_cell(t, -1, 0, &c);
    assert_int_equal(c.ch[0], 0);
    term_free(t);
}

static void test_wide_and_utf8(void **state)
{
    (void)state;
    struct term *t = term_new(24, 80, 10, NULL, NULL);
    assert_non_null(t);
    feed(t, "\xe4\xb8\xad|e\xcc\x81|"); /* U+4E2D, then e + combining acute */
    struct term_cell c;
    term_get_cell(t, 0, 0, &c);
    assert_int_equal(c.ch[0], 0x4E2D);
    assert_int_equal(c.width, 2);
    term_get_cell(t, 0, 1, &c);
    assert_int_equal(c.width, 0);
    assert_int_equal(c.ch[0], 0);
    term_get_cell(t, 0, 2, &c);
    assert_int_equal(c.ch[0], '|');
    term_get_cell(t, 0, 3, &c);
    assert_int_equal(c.ch[0], 'e');
    assert_int_equal(c.ch[1], 0x301);
    assert_int_equal(c.ch[2], 0);
    assert_row(t, 0, "\xe4\xb8\xad|e\xcc\x81|");

    /* every split of a multi-byte character across reads (libvterm 0.1.4
     * alone garbles "a\xe4" + "\xb8\xad") */
    const char *text = "a\xe4\xb8\xad"
                       "b\xc3\xa9"
                       "c\xf0\x9f\x98\x80"
                       "d";
    size_t len = strlen(text);
    for (size_t cut = 1; cut < len; cut++) {
        feed(t, "\x1b[H\x1b[2K");
        term_feed(t, text, cut);
        term_feed(t, text + cut, len - cut);
        assert_row(t, 0, text);
    }
    /* one byte at a time, as a UML console writes */
    feed(t, "\x1b[H\x1b[2K");
    for (size_t i = 0; i < len; i++)
        term_feed(t, text + i, 1);
    assert_row(t, 0, text);

    /* a broken sequence still gives a replacement char, then the rest */
    feed(t, "\x1b[H\x1b[2K");
    feed(t, "x\xe4");
    feed(t, "y");
    assert_row(t, 0, "x\xef\xbf\xbdy");
    term_free(t);
}

static void test_scrollback(void **state)
{
    (void)state;
    struct term *t = term_new(24, 80, 1000, NULL, NULL);
    assert_non_null(t);
    char line[32];
    for (int i = 1; i <= 100; i++) {
        snprintf(line, sizeof line, "line %d\r\n", i);
        feed(t, line);
    }
    /* 100 lines + the empty cursor line: 77 scrolled off */
    assert_int_equal(term_scrollback_count(t), 77);
    assert_int_equal(term_lines_pushed(t), 77);
    assert_row(t, -77, "line 1");
    assert_row(t, -1, "line 77");
    assert_row(t, 0, "line 78");
    assert_row(t, 22, "line 100");
    assert_row(t, 23, "");
    assert_row(t, -78, ""); /* beyond the scrollback */

    /* the alternate screen does not push into the scrollback */
    feed(t, "\x1b[?1049h");
    assert_true(term_altscreen(t));
    assert_row(t, 0, "");
    for (int i = 0; i < 50; i++)
        feed(t, "alt\r\n");
    assert_int_equal(term_scrollback_count(t), 77);
    feed(t, "\x1b[?1049l");
    assert_false(term_altscreen(t));
    assert_row(t, 0, "line 78");
    term_free(t);
}

static void test_ring_capacity(void **state)
{
    (void)state;
    struct term *t = term_new(5, 20, 10, NULL, NULL);
    assert_non_null(t);
    char line[32];
    for (int i = 1; i <= 40; i++) {
        snprintf(line, sizeof line, "\x1b[3%dmL%d\x1b[0m\r\n", i % 8, i);
        feed(t, line);
    }
    /* 40 lines + cursor line on 5 rows: 36 pushed, the newest 10 kept */
    assert_int_equal(term_lines_pushed(t), 36);
    assert_int_equal(term_scrollback_count(t), 10);
    assert_row(t, -10, "L27");
    assert_row(t, -1, "L36");
    assert_row(t, 0, "L37");
    assert_row(t, -11, "");
    /* scrollback cells keep their attributes */
    struct term_cell c;
    term_get_cell(t, -1, 1, &c);
    assert_int_equal(c.ch[0], '3');
    assert_int_equal(c.fg.kind, TERM_COLOR_INDEX);
    assert_int_equal(c.fg.index, 36 % 8);
    term_get_cell(t, -1, 10, &c); /* trimmed tail reads as blank */
    assert_int_equal(c.ch[0], 0);
    assert_int_equal(c.fg.kind, TERM_COLOR_DEFAULT);
    assert_int_equal(term_search_back(t, "L26", 5), INT32_MIN);
    term_free(t);

    /* capacity 0: no scrollback, lines still counted */
    t = term_new(3, 10, 0, NULL, NULL);
    assert_non_null(t);
    feed(t, "a\r\nb\r\nc\r\nd\r\n");
    assert_int_equal(term_scrollback_count(t), 0);
    assert_int_equal(term_lines_pushed(t), 2);
    assert_row(t, -1, "");
    term_free(t);
}

static void test_wide_in_scrollback(void **state)
{
    (void)state;
    struct term *t = term_new(2, 10, 10, NULL, NULL);
    assert_non_null(t);
    feed(t, "\xe4\xb8\xad\xe6\x96\x87!\r\nx\r\ny");
    assert_int_equal(term_scrollback_count(t), 1);
    assert_row(t, -1, "\xe4\xb8\xad\xe6\x96\x87!");
    struct term_cell c;
    term_get_cell(t, -1, 0, &c);
    assert_int_equal(c.ch[0], 0x4E2D);
    assert_int_equal(c.width, 2);
    term_get_cell(t, -1, 1, &c);
    assert_int_equal(c.width, 0);
    term_get_cell(t, -1, 4, &c);
    assert_int_equal(c.ch[0], '!');
    term_free(t);
}

static void test_resize(void **state)
{
    (void)state;
    struct term *t = term_new(24, 80, 100, NULL, NULL);
    assert_non_null(t);
    char line[32];
    for (int i = 1; i <= 20; i++) {
        snprintf(line, sizeof line, "row %d\r\n", i);
        feed(t, line);
    }
    feed(t, "$ ");
    term_resize(t, 30, 100);
    int rows, cols;
    term_size(t, &rows, &cols);
    assert_int_equal(rows, 30);
    assert_int_equal(cols, 100);
    assert_row(t, 0, "row 1");
    assert_row(t, 20, "$");

    /* shrinking pushes the top lines into the scrollback... */
    term_resize(t, 10, 40);
    assert_int_equal(term_scrollback_count(t), 11);
    assert_int_equal(term_lines_pushed(t), 11);
    assert_row(t, -11, "row 1");
    assert_row(t, 0, "row 12");
    assert_row(t, 9, "$");
    struct term_cursor cur;
    term_get_cursor(t, &cur);
    assert_int_equal(cur.row, 9);
    assert_int_equal(cur.col, 2);

    /* ...and growing pulls them back */
    term_resize(t, 24, 80);
    assert_int_equal(term_scrollback_count(t), 0);
    assert_int_equal(term_lines_pushed(t), 0);
    assert_row(t, 0, "row 1");
    assert_row(t, 20, "$");
    term_get_cursor(t, &cur);
    assert_int_equal(cur.row, 20);

    /* narrowing cuts lines, widening does not bring them back (no reflow) */
    term_resize(t, 24, 3);
    assert_row(t, 0, "row");
    feed(t, "\x1b[6n"); /* replies still work after resizes (no callback: dropped) */
    term_free(t);
}

static void test_search(void **state)
{
    (void)state;
    struct term *t = term_new(5, 40, 100, NULL, NULL);
    assert_non_null(t);
    feed(t, "PING 10.0.0.2\r\n64 bytes from 10.0.0.2\r\n");
    for (int i = 0; i < 10; i++)
        feed(t, "filler\r\n");
    feed(t, "last Ping here\r\n$ ");
    int first = -(int)term_scrollback_count(t);
    assert_row(t, first, "PING 10.0.0.2");

    int r = term_search_back(t, "ping", 5);
    assert_int_equal(r, 3);
    assert_row(t, r, "last Ping here");
    r = term_search_back(t, "ping", r);
    assert_int_equal(r, first); /* scrolled off, found case-insensitively */
    assert_int_equal(term_search_back(t, "ping", r), INT32_MIN);
    assert_int_equal(term_search_back(t, "BYTES FROM", 1000), first + 1);
    assert_int_equal(term_search_back(t, "nowhere", 5), INT32_MIN);
    assert_int_equal(term_search_back(t, "", 5), INT32_MIN);
    term_free(t);
}

static void test_keys(void **state)
{
    (void)state;
    struct sink s = {0};
    struct term *t = term_new(24, 80, 0, sink_fn, &s);
    assert_non_null(t);

    term_send_key(t, TERM_KEY_UP, 0);
    assert_sent(&s, "\x1b[A", 3);
    term_send_key(t, TERM_KEY_ENTER, 0);
    assert_sent(&s, "\r", 1);
    term_send_key(t, TERM_KEY_BACKSPACE, 0);
    assert_sent(&s, "\x7f", 1);
    term_send_key(t, TERM_KEY_TAB, 0);
    assert_sent(&s, "\t", 1);
    term_send_key(t, TERM_KEY_ESCAPE, 0);
    assert_sent(&s, "\x1b", 1);
    term_send_key(t, TERM_KEY_F1, 0);
    assert_sent(&s, "\x1bOP", 3);
    term_send_key(t, TERM_KEY_F12, 0);
    assert_sent(&s, "\x1b[24~", 5);
    term_send_key(t, TERM_KEY_PAGEUP, 0);
    assert_sent(&s, "\x1b[5~", 4);
    term_send_key(t, TERM_KEY_RIGHT, TERM_MOD_CTRL);
    assert_sent(&s, "\x1b[1;5C", 6);
    term_send_key(t, TERM_KEY_NONE, 0);
    assert_int_equal(s.len, 0);

    /* application cursor keys (DECCKM), as set by readline/vi */
    feed(t, "\x1b[?1h");
    term_send_key(t, TERM_KEY_UP, 0);
    assert_sent(&s, "\x1bOA", 3);
    feed(t, "\x1b[?1l");
    term_send_key(t, TERM_KEY_DOWN, 0);
    assert_sent(&s, "\x1b[B", 3);

    term_send_char(t, 'c', TERM_MOD_CTRL);
    assert_sent(&s, "\x03", 1);
    term_send_char(t, 'a', TERM_MOD_CTRL);
    assert_sent(&s, "\x01", 1);
    term_send_char(t, 'D', TERM_MOD_CTRL);
    assert_sent(&s, "\x04", 1);
    term_send_char(t, 'i', TERM_MOD_CTRL);
    assert_sent(&s, "\t", 1);
    term_send_char(t, 'j', TERM_MOD_CTRL); /* libvterm alone: CSI 106;5u */
    assert_sent(&s, "\n", 1);
    term_send_char(t, 'm', TERM_MOD_CTRL);
    assert_sent(&s, "\r", 1);
    term_send_char(t, '?', TERM_MOD_CTRL);
    assert_sent(&s, "\x7f", 1);
    term_send_char(t, '[', TERM_MOD_CTRL);
    assert_sent(&s, "\x1b", 1);
    term_send_char(t, ' ', TERM_MOD_CTRL);
    assert_sent(&s, "\0", 1);
    term_send_char(t, 'x', TERM_MOD_ALT);
    assert_sent(&s, "\x1bx", 2);
    term_send_char(t, 'c', TERM_MOD_ALT | TERM_MOD_CTRL);
    assert_sent(&s, "\x1b\x03", 2);
    term_send_char(t, 'X', TERM_MOD_SHIFT);
    assert_sent(&s, "X", 1);
    term_send_char(t, 0xe9, 0);
    assert_sent(&s, "\xc3\xa9", 2);
    term_send_char(t, 0x4E2D, TERM_MOD_ALT);
    assert_sent(&s, "\x1b\xe4\xb8\xad", 4);
    term_send_char(t, '1', TERM_MOD_CTRL); /* no control byte: plain, as xterm */
    assert_sent(&s, "1", 1);
    term_send_char(t, 0xD800, 0); /* surrogate: nothing */
    assert_int_equal(s.len, 0);
    term_free(t);
}

static void test_flood(void **state)
{
    (void)state;
    /* the guest console pattern: many tiny reads; content must be exact */
    struct term *t = term_new(24, 80, 5000, NULL, NULL);
    assert_non_null(t);
    char buf[64];
    char all[200000];
    size_t len = 0;
    for (int i = 1; i <= 20000; i++)
        len += (size_t)snprintf(all + len, sizeof all - len, "%d\r\n", i);
    for (size_t off = 0; off < len; off += 7)
        term_feed(t, all + off, len - off < 7 ? len - off : 7);
    assert_int_equal(term_lines_pushed(t), 20000 - 23);
    assert_int_equal(term_scrollback_count(t), 5000);
    snprintf(buf, sizeof buf, "%d", 20000 - 23 - 5000 + 1);
    assert_row(t, -5000, buf);
    assert_row(t, 22, "20000");
    term_free(t);
}

/* Feeds a guest's hostile bytes to a fresh ROWSxCOLS terminal, which must
 * survive (libvterm 0.1.4 crashed or hung on each of these before the guard;
 * the alarm turns a hang into a failure) and still print. */
static void survives(int rows, int cols, const char *bytes, size_t len)
{
    struct term *t = term_new(rows, cols, 10, NULL, NULL);
    assert_non_null(t);
    alarm(10);
    term_feed(t, bytes, len);
    alarm(0);
    feed(t, "\x18\x1b[m\x1b[H\x1b[2Jok");
    assert_row(t, 0, "ok");
    term_free(t);
}

#define SURVIVES(rows, cols, lit) survives(rows, cols, lit, sizeof lit - 1)

static void test_hostile_output(void **state)
{
    (void)state;
    SURVIVES(5, 20, "\x1b[5b");                      /* REP before any glyph: endless loop */
    SURVIVES(5, 20, "x\xc2\x85\x1b[3b");             /* REP of a C1 (width -1): endless */
    SURVIVES(5, 20, "\xe4\xb8\xad\x1b[1;20H\x1b[b"); /* REP of a wide glyph at the edge: NULL */
    SURVIVES(5, 20, "\xe4\xb8\xad");                 /* fine here, but ... */
    SURVIVES(5, 1, "\xe4\xb8\xad");                  /* ... on a 1-column screen: NULL */
    char many[200] = "\x1b[";
    for (int i = 0; i < 40; i++)
        strcat(many, "1;"); /* 41 parameters: libvterm keeps 16 and writes past them */
    strcat(many, "mX");
    survives(5, 20, many, strlen(many));
    SURVIVES(4, 4, "\x1b[4h\xc2\x98u");
    SURVIVES(5, 20, "\xce\rp\r\xf8\x1b[Hq\x7f");
    /* cut UTF-8: decoder overran its array */ /* C1 as UTF-8 (width -1) in insert mode */
    /* an OSC's ST cut between two reads: libvterm took the length as -1 */
    struct term *o = term_new(5, 20, 10, NULL, NULL);
    assert_non_null(o);
    feed(o, "\x1b]2;\\\x19\x1b");
    feed(o, "\\ok");
    assert_row(o, 0, "ok");
    term_free(o);
    SURVIVES(5, 20, "\x1bP$q\xa4\x1b\\"); /* DECRQSS of an unknown setting: "%.s" */
    SURVIVES(5, 20, "\x1b[99999999999999999999999;99999999999999999999H\x1b[4294967295@x");

    /* a shrink that pushes lines below the cursor into the scrollback left
     * libvterm's cursor above the screen (row -3), indexing its line table */
    struct term *r = term_new(4, 5, 10, NULL, NULL);
    assert_non_null(r);
    feed(r, "\x1b[4;1Hx\x1b[1;1H\xe4"); /* and a character cut short, held back */
    term_resize(r, 1, 5);
    struct term_cursor cur;
    term_get_cursor(r, &cur);
    assert_int_equal(cur.row, 0);
    feed(r, "\x1b#6a"); /* a double-width line: 2 cells */
    assert_row(r, 0,
               "\xef\xbf\xbd"
               "a");
    term_free(r);

    /* a wide glyph pushed into the scrollback from a wider screen comes back
     * in the last column of a narrower one (libvterm wrote through NULL) */
    struct term *w = term_new(2, 6, 10, NULL, NULL);
    assert_non_null(w);
    feed(w, "abcd\xe4\xb8\xad\r\n\r\n");
    term_resize(w, 2, 5);
    term_resize(w, 4, 5);
    assert_row(w, 0, "abcd");
    term_free(w);

    /* a resize to one column, then a wide glyph */
    struct term *t = term_new(5, 20, 10, NULL, NULL);
    assert_non_null(t);
    term_resize(t, 5, 1);
    feed(t, "\xe4\xb8\xad");
    assert_row(t, 0, "\xe4\xb8\xad");
    term_free(t);
}

/* What a hostile guest prints: parameters past libvterm's 16 slots (which
 * crashed it), huge numbers, strings we must not act on, a 10 MB line in one
 * piece (libvterm's stack use grows with the piece). The screen stays usable. */
static void test_hostile_mix(void **state)
{
    (void)state;
    struct sink s = {0};
    struct term *t = term_new(24, 80, 100, sink_fn, &s);
    assert_non_null(t);
    char seq[400] = "\x1b[";
    for (int i = 0; i < 60; i++)
        strcat(seq, "1;");
    strcat(seq, "1mA\x1b[1:2:3:4:5:6:7:8:9:1:2:3:4:5:6:7:8:9:1:2:3mB\r\n");
    feed(t, seq);
    assert_row(t, 0, "AB");
    struct term_cell c;
    term_get_cell(t, 0, 0, &c);
    assert_true(c.bold); /* the parameters up to the 16th still count */

    /* 16 parameters are fine: the last (bold) is kept */
    feed(t, "\x1b[0m\x1b[0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;1mC\x1b[0m\r\n");
    assert_row(t, 1, "C");
    term_get_cell(t, 1, 0, &c);
    assert_true(c.bold);

    /* huge numbers: clamped, the cursor stays on the screen */
    feed(t, "\x1b[99999999999999999999;99999999999999999999HZ");
    struct term_cursor cur;
    term_get_cursor(t, &cur);
    assert_int_equal(cur.row, 23);
    feed(t, "\x1b[999999999999b\x1b[99999999999@\x1b[9999999999999L\x1b[H\x1b[2J");

    /* OSC 52, a title, DCS: nothing on the screen, nothing sent back */
    feed(t, "\x1b]52;c;aGVsbG8=\x07\x1b]0;owned\x07\x1bPq#0;2;0;0;0\x1b\\D");
    assert_row(t, 0, "D");
    assert_int_equal(s.len, 0);

    /* a 10 MB line in one call, then invalid UTF-8 */
    size_t big = 10 * 1000 * 1000;
    char *b = malloc(big);
    assert_non_null(b);
    memset(b, 'x', big);
    term_feed(t, b, big);
    for (size_t i = 0; i < big; i++)
        b[i] = (char)(0x80 + i % 64);
    term_feed(t, b, big);
    free(b);
    feed(t, "\x1b[H\x1b[2Jok");
    assert_row(t, 0, "ok");
    term_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello),         cmocka_unit_test(test_cursor_report),
        cmocka_unit_test(test_reply_budget),  cmocka_unit_test(test_colors),
        cmocka_unit_test(test_wide_and_utf8), cmocka_unit_test(test_scrollback),
        cmocka_unit_test(test_ring_capacity), cmocka_unit_test(test_wide_in_scrollback),
        cmocka_unit_test(test_resize),        cmocka_unit_test(test_search),
        cmocka_unit_test(test_keys),          cmocka_unit_test(test_flood),
        cmocka_unit_test(test_hostile_mix),   cmocka_unit_test(test_hostile_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
