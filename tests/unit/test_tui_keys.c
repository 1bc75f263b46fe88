/* test_tui_keys.c — key translation and the prefix key (tui/keys.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tui/curses_inc.h"
#include "tui/keys.h"

static struct key_event key(struct keystate *ks, int code, const char *name)
{
    struct key_event ev;
    keys_translate(ks, true, code, name, &ev);
    return ev;
}

static struct key_event chr(struct keystate *ks, int c)
{
    struct key_event ev;
    keys_translate(ks, false, c, NULL, &ev);
    return ev;
}

static void test_plain_chars_go_to_the_guest(void **state)
{
    (void)state;
    struct keystate ks = {0};
    struct key_event ev = chr(&ks, 'a');
    assert_int_equal(ev.act, ACT_SEND_CHAR);
    assert_int_equal(ev.ch, 'a');
    /* control characters too: Ctrl-C, Enter (CR), Esc, Tab, DEL, Ctrl-A, Ctrl-B */
    int ctl[] = {0x03, '\r', 0x1b, '\t', 0x7f, 0x01, 0x02, 0x00};
    for (size_t i = 0; i < sizeof ctl / sizeof ctl[0]; i++) {
        ev = chr(&ks, ctl[i]);
        assert_int_equal(ev.act, ACT_SEND_CHAR);
        assert_int_equal(ev.ch, (uint32_t)ctl[i]);
    }
    ev = chr(&ks, 0x4e2d); /* wide characters */
    assert_int_equal(ev.act, ACT_SEND_CHAR);
    assert_int_equal(ev.ch, 0x4e2d);
    assert_false(ks.prefix);
}

static void test_function_keys(void **state)
{
    (void)state;
    struct keystate ks = {0};
    const struct {
        enum tui_action act;
        const char *cmd;
    } want[] = {
        {ACT_HELP, NULL},
        {ACT_RUN, "guest add"},
        {ACT_PROMPT, "ip %g %a"},
        {ACT_RUN, "nat %n"},
        {ACT_RUN, "dump %g %d"},
        {ACT_PROMPT, "ping %g %p --walk"},
        {ACT_RUN, "guest restart %g"},
        {ACT_RUN, "guest halt %g"},
        {ACT_RUN, "shell"},
        {ACT_QUIT, NULL},
    };
    for (int i = 0; i < 10; i++) {
        struct key_event ev = key(&ks, KEY_F(i + 1), NULL);
        assert_int_equal(ev.act, want[i].act);
        assert_non_null(ev.b);
        if (want[i].cmd)
            assert_string_equal(ev.b->cmd, want[i].cmd);
        else
            assert_null(ev.b->cmd);
    }
    struct key_event sf6 = key(&ks, KEY_F(18), NULL); /* Shift-F6 */
    assert_int_equal(sf6.act, ACT_RUN);
    assert_string_equal(sf6.b->cmd, "pingall");
    /* F11, F12 are the guest's */
    struct key_event ev = key(&ks, KEY_F(11), NULL);
    assert_int_equal(ev.act, ACT_SEND_KEY);
    assert_int_equal(ev.key, TERM_KEY_F1 + 10);
    ev = key(&ks, KEY_F(12), NULL);
    assert_int_equal(ev.key, TERM_KEY_F12);
    ev = key(&ks, KEY_F(14), NULL); /* Shift-F2 */
    assert_int_equal(ev.act, ACT_SEND_KEY);
    assert_int_equal(ev.key, TERM_KEY_F1 + 1);
    assert_int_equal(ev.mods, TERM_MOD_SHIFT);
}

static void test_editing_keys(void **state)
{
    (void)state;
    struct keystate ks = {0};
    const struct {
        int code;
        enum term_key k;
        int mods;
    } cases[] = {
        {KEY_UP, TERM_KEY_UP, 0},
        {KEY_DOWN, TERM_KEY_DOWN, 0},
        {KEY_LEFT, TERM_KEY_LEFT, 0},
        {KEY_RIGHT, TERM_KEY_RIGHT, 0},
        {KEY_HOME, TERM_KEY_HOME, 0},
        {KEY_END, TERM_KEY_END, 0},
        {KEY_IC, TERM_KEY_INS, 0},
        {KEY_DC, TERM_KEY_DEL, 0},
        {KEY_PPAGE, TERM_KEY_PAGEUP, 0},
        {KEY_NPAGE, TERM_KEY_PAGEDOWN, 0},
        {KEY_BACKSPACE, TERM_KEY_BACKSPACE, 0},
        {KEY_ENTER, TERM_KEY_ENTER, 0},
        {KEY_BTAB, TERM_KEY_TAB, TERM_MOD_SHIFT},
        {KEY_SLEFT, TERM_KEY_LEFT, TERM_MOD_SHIFT},
        {KEY_SR, TERM_KEY_UP, TERM_MOD_SHIFT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct key_event ev = key(&ks, cases[i].code, NULL);
        assert_int_equal(ev.act, ACT_SEND_KEY);
        assert_int_equal(ev.key, cases[i].k);
        assert_int_equal(ev.mods, cases[i].mods);
    }
}

static void test_modified_keys_by_name(void **state)
{
    (void)state;
    struct keystate ks = {0};
    /* ncurses gives these keys codes above KEY_MAX and a name */
    struct key_event ev = key(&ks, KEY_MAX + 10, "kUP5");
    assert_int_equal(ev.act, ACT_SEND_KEY);
    assert_int_equal(ev.key, TERM_KEY_UP);
    assert_int_equal(ev.mods, TERM_MOD_CTRL);
    ev = key(&ks, KEY_MAX + 11, "kLFT3");
    assert_int_equal(ev.key, TERM_KEY_LEFT);
    assert_int_equal(ev.mods, TERM_MOD_ALT);
    ev = key(&ks, KEY_MAX + 12, "kRIT6");
    assert_int_equal(ev.key, TERM_KEY_RIGHT);
    assert_int_equal(ev.mods, TERM_MOD_CTRL | TERM_MOD_SHIFT);
    ev = key(&ks, KEY_MAX + 13, "kDC8");
    assert_int_equal(ev.key, TERM_KEY_DEL);
    assert_int_equal(ev.mods, TERM_MOD_CTRL | TERM_MOD_ALT | TERM_MOD_SHIFT);
    /* unknown names and unknown codes do nothing */
    assert_int_equal(key(&ks, KEY_MAX + 14, "kFOO5").act, ACT_NONE);
    assert_int_equal(key(&ks, KEY_MAX + 15, "kUP9").act, ACT_NONE);
    assert_int_equal(key(&ks, KEY_MAX + 16, NULL).act, ACT_NONE);
}

static void test_scrollback_mouse_resize(void **state)
{
    (void)state;
    struct keystate ks = {0};
    assert_int_equal(key(&ks, KEY_SPREVIOUS, NULL).act, ACT_SCROLL_UP);
    assert_int_equal(key(&ks, KEY_SNEXT, NULL).act, ACT_SCROLL_DOWN);
    assert_int_equal(key(&ks, KEY_MOUSE, NULL).act, ACT_MOUSE);
    assert_int_equal(key(&ks, KEY_RESIZE, NULL).act, ACT_RESIZE);
}

static void test_prefix(void **state)
{
    (void)state;
    struct keystate ks = {0};
    struct key_event ev = chr(&ks, KEYS_PREFIX);
    assert_int_equal(ev.act, ACT_PREFIX);
    assert_true(ks.prefix);
    ev = chr(&ks, 'n');
    assert_int_equal(ev.act, ACT_NEXT_TAB);
    assert_false(ks.prefix); /* one key only */
    assert_int_equal(chr(&ks, 'n').act, ACT_SEND_CHAR);

    const struct {
        int c;
        enum tui_action a;
    } cases[] = {
        {'p', ACT_PREV_TAB}, {':', ACT_PROMPT},  {'/', ACT_SEARCH},     {'[', ACT_SCROLL_UP},
        {'s', ACT_SIDE},     {'{', ACT_SIDE_UP}, {'}', ACT_SIDE_DOWN},  {'l', ACT_LOG},
        {'?', ACT_HELP},     {'h', ACT_HELP},    {'d', ACT_RUN},        {'!', ACT_RUN},
        {'q', ACT_QUIT},     {'c', ACT_CANCEL},  {'z', ACT_BAD_PREFIX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        chr(&ks, KEYS_PREFIX);
        assert_int_equal(chr(&ks, cases[i].c).act, cases[i].a);
    }
    /* the letters do what the F-keys do: the same row */
    const struct {
        int c, fkey;
    } same[] = {{'a', KEY_F(2)},  {'i', KEY_F(3)}, {'t', KEY_F(4)}, {'g', KEY_F(6)},
                {'G', KEY_F(18)}, {'r', KEY_F(7)}, {'x', KEY_F(8)}};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        chr(&ks, KEYS_PREFIX);
        const struct key_binding *b = chr(&ks, same[i].c).b;
        assert_non_null(b);
        assert_ptr_equal(b, key(&ks, same[i].fkey, NULL).b);
    }
    /* the prompt's key opens it empty */
    chr(&ks, KEYS_PREFIX);
    assert_null(chr(&ks, ':').b->cmd);
    /* prefix twice sends the prefix byte itself */
    chr(&ks, KEYS_PREFIX);
    ev = chr(&ks, KEYS_PREFIX);
    assert_int_equal(ev.act, ACT_SEND_CHAR);
    assert_int_equal(ev.ch, KEYS_PREFIX);
    assert_false(ks.prefix);
    /* digits: tabs 1..9, 0 is the tenth */
    chr(&ks, KEYS_PREFIX);
    ev = chr(&ks, '1');
    assert_int_equal(ev.act, ACT_TAB);
    assert_int_equal(ev.arg, 0);
    chr(&ks, KEYS_PREFIX);
    ev = chr(&ks, '0');
    assert_int_equal(ev.arg, 9);
    /* key codes after the prefix */
    chr(&ks, KEYS_PREFIX);
    assert_int_equal(key(&ks, KEY_PPAGE, NULL).act, ACT_SCROLL_UP);
    chr(&ks, KEYS_PREFIX);
    assert_int_equal(key(&ks, KEY_RIGHT, NULL).act, ACT_NEXT_TAB);
    chr(&ks, KEYS_PREFIX);
    assert_int_equal(key(&ks, KEY_F(3), NULL).act, ACT_BAD_PREFIX);
    assert_false(ks.prefix);
}

static void test_bytes_for_readline(void **state)
{
    (void)state;
    char b[8];
    assert_int_equal(keys_to_bytes(false, 'x', b), 1);
    assert_int_equal(b[0], 'x');
    assert_int_equal(keys_to_bytes(false, 0xe9, b), 2); /* é */
    assert_memory_equal(b, "\xc3\xa9", 2);
    assert_int_equal(keys_to_bytes(false, 0x4e2d, b), 3);
    assert_memory_equal(b, "\xe4\xb8\xad", 3);
    assert_int_equal(keys_to_bytes(false, 0x1f600, b), 4);
    assert_int_equal(keys_to_bytes(false, 0xd800, b), 0);
    assert_int_equal(keys_to_bytes(true, KEY_UP, b), 3);
    assert_memory_equal(b, "\033[A", 3);
    assert_int_equal(keys_to_bytes(true, KEY_LEFT, b), 3);
    assert_memory_equal(b, "\033[D", 3);
    assert_int_equal(keys_to_bytes(true, KEY_DC, b), 4);
    assert_int_equal(keys_to_bytes(true, KEY_BACKSPACE, b), 1);
    assert_int_equal(b[0], 0x7f);
    assert_int_equal(keys_to_bytes(true, KEY_F(5), b), 0);
}

static void test_key_names(void **state)
{
    (void)state;
    char buf[8];
    const struct key_spec f5 = {KEY_F(5), 0, true, false, "F5"}, colon = {':', 0, false, true};
    assert_string_equal(keys_name(&f5, buf), "F5");
    assert_string_equal(keys_name(&colon, buf), ":");
}

static void test_fill(void **state)
{
    (void)state;
    char out[32];
    const struct key_vars v = {
        .guest = "g1", .addr = "192.168.0.2", .target = "g2", .nat = "on", .dump = "off"};
    assert_int_equal(keys_fill("ip %g %a", &v, out, sizeof out), 17);
    assert_string_equal(out, "ip g1 192.168.0.2");
    assert_true(keys_fill("ping %g %p; nat %n 100%%", &v, out, sizeof out) > 0);
    assert_string_equal(out, "ping g1 g2; nat on 100%");
    assert_true(keys_fill("dump %g %d", &v, out, sizeof out) > 0);
    assert_string_equal(out, "dump g1 off");
    assert_int_equal(keys_fill("guest add", &v, out, 9), -1); /* no room for the NUL */
    assert_int_equal(keys_fill("guest add", &v, out, 10), 9);
    assert_int_equal(keys_fill("x %q", &v, out, sizeof out), -1);
    assert_int_equal(keys_fill("x %", &v, out, sizeof out), -1);
    const struct key_vars none = {0};
    assert_int_equal(keys_fill("guest halt %g", &none, out, sizeof out), -1);
}

/* Every key is in one row only, so a key does one thing. */
static void test_keymap_has_no_duplicates(void **state)
{
    (void)state;
    for (size_t i = 0; i < keys_ntable; i++)
        for (const struct key_spec *k = keys_table[i].keys;
             k < keys_table[i].keys + KEYS_PER_BINDING && k->code; k++) {
            struct keystate ks = {.prefix = k->prefix};
            struct key_event ev;
            keys_translate(&ks, k->keycode, k->last ? k->last : k->code, NULL, &ev);
            assert_ptr_equal(ev.b, &keys_table[i]);
            assert_non_null(keys_table[i].help);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_chars_go_to_the_guest),
        cmocka_unit_test(test_function_keys),
        cmocka_unit_test(test_editing_keys),
        cmocka_unit_test(test_modified_keys_by_name),
        cmocka_unit_test(test_scrollback_mouse_resize),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_bytes_for_readline),
        cmocka_unit_test(test_key_names),
        cmocka_unit_test(test_fill),
        cmocka_unit_test(test_keymap_has_no_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
