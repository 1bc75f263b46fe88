/* keys.c — see keys.h. */
#include "tui/keys.h"

#include <string.h>

#include "tui/curses_inc.h"

static void set(struct key_event *ev, enum tui_action act)
{
    memset(ev, 0, sizeof *ev);
    ev->act = act;
}

static void send_key(struct key_event *ev, enum term_key k, int mods)
{
    set(ev, ACT_SEND_KEY);
    ev->key = k;
    ev->mods = mods;
}

static void after_prefix(int code, bool is_keycode, struct key_event *ev)
{
    if (is_keycode) {
        if (code == KEY_PPAGE || code == KEY_SPREVIOUS)
            set(ev, ACT_SCROLL_UP);
        else if (code == KEY_NPAGE || code == KEY_SNEXT)
            set(ev, ACT_SCROLL_DOWN);
        else if (code == KEY_RIGHT)
            set(ev, ACT_NEXT_TAB);
        else if (code == KEY_LEFT)
            set(ev, ACT_PREV_TAB);
        else if (code == KEY_RESIZE)
            set(ev, ACT_RESIZE);
        else
            set(ev, ACT_BAD_PREFIX);
        return;
    }
    if (code >= '0' && code <= '9') {
        set(ev, ACT_TAB);
        ev->arg = code == '0' ? 9 : code - '1';
        return;
    }
    switch (code) {
    case KEYS_PREFIX:
        set(ev, ACT_SEND_CHAR);
        ev->ch = KEYS_PREFIX;
        return;
    case 'n':
        set(ev, ACT_NEXT_TAB);
        return;
    case 'p':
        set(ev, ACT_PREV_TAB);
        return;
    case ':':
        set(ev, ACT_PROMPT);
        return;
    case '/':
        set(ev, ACT_SEARCH);
        return;
    case '[':
        set(ev, ACT_SCROLL_UP);
        return;
    case 's':
        set(ev, ACT_SIDE);
        return;
    case '{':
        set(ev, ACT_SIDE_UP);
        return;
    case '}':
        set(ev, ACT_SIDE_DOWN);
        return;
    case 'l':
        set(ev, ACT_LOG);
        return;
    case '?':
    case 'h':
        set(ev, ACT_HELP);
        return;
    case 'a':
        set(ev, ACT_ADD);
        return;
    case 'i':
        set(ev, ACT_IP);
        return;
    case 't':
        set(ev, ACT_NAT);
        return;
    case 'd':
        set(ev, ACT_DUMP);
        return;
    case 'g':
        set(ev, ACT_PING);
        return;
    case 'G':
        set(ev, ACT_PINGALL);
        return;
    case 'r':
        set(ev, ACT_RESTART);
        return;
    case 'x':
        set(ev, ACT_HALT);
        return;
    case '!':
        set(ev, ACT_SHELL);
        return;
    case 'q':
        set(ev, ACT_QUIT);
        return;
    case 'c':
        set(ev, ACT_CANCEL);
        return;
    default:
        set(ev, ACT_BAD_PREFIX);
        return;
    }
}

static const enum tui_action fkey_action[11] = {
    ACT_NONE, ACT_HELP,    ACT_ADD,  ACT_IP,    ACT_NAT,  ACT_DUMP,
    ACT_PING, ACT_RESTART, ACT_HALT, ACT_SHELL, ACT_QUIT,
};

/* "kUP5", "kLFT3", "kDC5", ...: xterm's modified keys as ncurses names them.
 * The digit is 1 + shift(1) + alt(2) + ctrl(4). */
static bool named_key(const char *name, struct key_event *ev)
{
    static const struct {
        const char *prefix;
        enum term_key key;
    } names[] = {
        {"kUP", TERM_KEY_UP},      {"kDN", TERM_KEY_DOWN},      {"kLFT", TERM_KEY_LEFT},
        {"kRIT", TERM_KEY_RIGHT},  {"kHOM", TERM_KEY_HOME},     {"kEND", TERM_KEY_END},
        {"kPRV", TERM_KEY_PAGEUP}, {"kNXT", TERM_KEY_PAGEDOWN}, {"kDC", TERM_KEY_DEL},
        {"kIC", TERM_KEY_INS},
    };
    if (!name)
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i].prefix);
        if (strncmp(name, names[i].prefix, n) != 0)
            continue;
        char d = name[n];
        if (d < '2' || d > '8' || name[n + 1])
            return false;
        int m = d - '1', mods = 0;
        if (m & 1)
            mods |= TERM_MOD_SHIFT;
        if (m & 2)
            mods |= TERM_MOD_ALT;
        if (m & 4)
            mods |= TERM_MOD_CTRL;
        send_key(ev, names[i].key, mods);
        return true;
    }
    return false;
}

static void plain_keycode(int code, const char *name, struct key_event *ev)
{
    if (code >= KEY_F(1) && code <= KEY_F(10)) {
        set(ev, fkey_action[code - KEY_F0]);
        return;
    }
    if (code == KEY_F(18)) { /* Shift-F6 in xterm's terminfo */
        set(ev, ACT_PINGALL);
        return;
    }
    if (code >= KEY_F(11) && code <= KEY_F(12)) {
        send_key(ev, (enum term_key)(TERM_KEY_F1 + (code - KEY_F(1))), 0);
        return;
    }
    if (code >= KEY_F(13) && code <= KEY_F(24)) {
        send_key(ev, (enum term_key)(TERM_KEY_F1 + (code - KEY_F(13))), TERM_MOD_SHIFT);
        return;
    }
    switch (code) {
    case KEY_SPREVIOUS:
        set(ev, ACT_SCROLL_UP);
        return;
    case KEY_SNEXT:
        set(ev, ACT_SCROLL_DOWN);
        return;
    case KEY_MOUSE:
        set(ev, ACT_MOUSE);
        return;
    case KEY_RESIZE:
        set(ev, ACT_RESIZE);
        return;
    case KEY_UP:
        send_key(ev, TERM_KEY_UP, 0);
        return;
    case KEY_DOWN:
        send_key(ev, TERM_KEY_DOWN, 0);
        return;
    case KEY_LEFT:
        send_key(ev, TERM_KEY_LEFT, 0);
        return;
    case KEY_RIGHT:
        send_key(ev, TERM_KEY_RIGHT, 0);
        return;
    case KEY_SR:
        send_key(ev, TERM_KEY_UP, TERM_MOD_SHIFT);
        return;
    case KEY_SF:
        send_key(ev, TERM_KEY_DOWN, TERM_MOD_SHIFT);
        return;
    case KEY_SLEFT:
        send_key(ev, TERM_KEY_LEFT, TERM_MOD_SHIFT);
        return;
    case KEY_SRIGHT:
        send_key(ev, TERM_KEY_RIGHT, TERM_MOD_SHIFT);
        return;
    case KEY_HOME:
        send_key(ev, TERM_KEY_HOME, 0);
        return;
    case KEY_END:
        send_key(ev, TERM_KEY_END, 0);
        return;
    case KEY_SHOME:
        send_key(ev, TERM_KEY_HOME, TERM_MOD_SHIFT);
        return;
    case KEY_SEND:
        send_key(ev, TERM_KEY_END, TERM_MOD_SHIFT);
        return;
    case KEY_IC:
        send_key(ev, TERM_KEY_INS, 0);
        return;
    case KEY_DC:
        send_key(ev, TERM_KEY_DEL, 0);
        return;
    case KEY_SDC:
        send_key(ev, TERM_KEY_DEL, TERM_MOD_SHIFT);
        return;
    case KEY_PPAGE:
        send_key(ev, TERM_KEY_PAGEUP, 0);
        return;
    case KEY_NPAGE:
        send_key(ev, TERM_KEY_PAGEDOWN, 0);
        return;
    case KEY_BACKSPACE:
        send_key(ev, TERM_KEY_BACKSPACE, 0);
        return;
    case KEY_ENTER:
        send_key(ev, TERM_KEY_ENTER, 0);
        return;
    case KEY_BTAB:
        send_key(ev, TERM_KEY_TAB, TERM_MOD_SHIFT);
        return;
    default:
        if (!named_key(name, ev))
            set(ev, ACT_NONE);
        return;
    }
}

void keys_translate(struct keystate *ks, bool is_keycode, int code, const char *name,
                    struct key_event *ev)
{
    if (ks->prefix) {
        ks->prefix = false;
        after_prefix(code, is_keycode, ev);
        return;
    }
    if (is_keycode) {
        plain_keycode(code, name, ev);
        return;
    }
    if (code == KEYS_PREFIX) {
        ks->prefix = true;
        set(ev, ACT_PREFIX);
        return;
    }
    if (code < 0 || code > 0x10ffff) {
        set(ev, ACT_NONE);
        return;
    }
    /* Control bytes (Enter is CR, Backspace DEL, Esc...) go as they are. */
    set(ev, ACT_SEND_CHAR);
    ev->ch = (uint32_t)code;
}

static size_t put(char *out, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n);
    return n;
}

size_t keys_to_bytes(bool is_keycode, int code, char *out)
{
    if (!is_keycode) {
        uint32_t c = (uint32_t)code;
        if (code < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return 0;
        if (c < 0x80) {
            out[0] = (char)c;
            return 1;
        }
        if (c < 0x800) {
            out[0] = (char)(0xc0 | (c >> 6));
            out[1] = (char)(0x80 | (c & 0x3f));
            return 2;
        }
        if (c < 0x10000) {
            out[0] = (char)(0xe0 | (c >> 12));
            out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[2] = (char)(0x80 | (c & 0x3f));
            return 3;
        }
        out[0] = (char)(0xf0 | (c >> 18));
        out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[3] = (char)(0x80 | (c & 0x3f));
        return 4;
    }
    switch (code) {
    case KEY_UP:
        return put(out, "\033[A");
    case KEY_DOWN:
        return put(out, "\033[B");
    case KEY_RIGHT:
        return put(out, "\033[C");
    case KEY_LEFT:
        return put(out, "\033[D");
    case KEY_HOME:
        return put(out, "\033[H");
    case KEY_END:
        return put(out, "\033[F");
    case KEY_DC:
        return put(out, "\033[3~");
    case KEY_BACKSPACE:
        return put(out, "\177");
    case KEY_ENTER:
        return put(out, "\r");
    default:
        return 0;
    }
}

const char *keys_action_name(enum tui_action act)
{
    switch (act) {
    case ACT_HELP:
        return "F1";
    case ACT_ADD:
        return "F2";
    case ACT_IP:
        return "F3";
    case ACT_NAT:
        return "F4";
    case ACT_DUMP:
        return "F5";
    case ACT_PING:
        return "F6";
    case ACT_PINGALL:
        return "Shift-F6";
    case ACT_RESTART:
        return "F7";
    case ACT_HALT:
        return "F8";
    case ACT_SHELL:
        return "F9";
    case ACT_QUIT:
        return "F10";
    case ACT_PROMPT:
        return KEYS_PREFIX_NAME " :";
    case ACT_SEARCH:
        return KEYS_PREFIX_NAME " /";
    case ACT_SIDE:
        return KEYS_PREFIX_NAME " s";
    case ACT_CANCEL:
        return KEYS_PREFIX_NAME " c";
    default:
        return "";
    }
}
