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

/* clang-format off */
/* A function key, another curses key (by name), a character after the prefix. */
#define FKEY(n)       {KEY_F(n), 0, true, false, "F" #n}
#define KEY(c, name)  {c, 0, true, false, name}
#define PKEY(c, name) {c, 0, true, true, name}
#define PCHR(c)       {c, 0, false, true, NULL}

/* The keymap. The F-key bar shows the rows with a label, in this order. F1's
 * help shows the rows with a key of their own on the left, then those with
 * prefix keys only on the right: help lines fit 16 columns left, 28 right. */
const struct key_binding keys_table[] = {
    {{FKEY(1), PCHR('?'), PCHR('h')}, ACT_HELP, NULL, "Help", "this help"},
    {{FKEY(2), PCHR('a')}, ACT_RUN, "guest add", "Add", "add a guest"},
    {{FKEY(3), PCHR('i')}, ACT_PROMPT, "ip %g %a", "IP", "assign an IP"},
    {{FKEY(4), PCHR('t')}, ACT_RUN, "nat %n", "NAT%n", "NAT on / off"},
    {{FKEY(5), PCHR('d')}, ACT_RUN, "dump %g %d", "Dump", "tcpdump split"},
    {{FKEY(6), PCHR('g')}, ACT_PROMPT, "ping %g %p --walk", "Ping", "ping + walk"},
    {{KEY(KEY_F(18), "Shift-F6"), PCHR('G')}, ACT_RUN, "pingall", NULL, "pingall"},
    {{FKEY(7), PCHR('r')}, ACT_RUN, "guest restart %g", "Restart", "restart", ACT_SHELL},
    {{FKEY(8), PCHR('x')}, ACT_RUN, "guest halt %g", "Halt", "halt guest"},
    {{FKEY(9), PCHR('!')}, ACT_RUN, "shell", "Shell", "host shell tab"},
    {{FKEY(10), PCHR('q')}, ACT_QUIT, NULL, "Quit", "quit"},
    {{KEY(KEY_SPREVIOUS, "Shift-PgUp"), PKEY(KEY_PPAGE, "PgUp"), PCHR('[')}, ACT_SCROLL_UP,
     NULL, NULL, "scroll back"},
    {{KEY(KEY_SNEXT, "Shift-PgDn"), PKEY(KEY_NPAGE, "PgDn")}, ACT_SCROLL_DOWN, NULL, NULL,
     "scroll forward"},
    {{PCHR(':')}, ACT_PROMPT, NULL, NULL, "command prompt"},
    {{PCHR('/')}, ACT_SEARCH, NULL, NULL, "search the scrollback"},
    {{PCHR('n'), PKEY(KEY_RIGHT, "Right")}, ACT_NEXT_TAB, NULL, NULL, "next tab"},
    {{PCHR('p'), PKEY(KEY_LEFT, "Left")}, ACT_PREV_TAB, NULL, NULL, "previous tab"},
    {{{'0', '9', false, true, "0-9"}}, ACT_TAB, NULL, NULL, "tab 1-9, 0 the tenth"},
    {{PCHR('o')}, ACT_TOPOLOGY, "topology", NULL, "topology overlay"},
    {{PCHR('s')}, ACT_SIDE, NULL, NULL, "side pane on / off"},
    {{PCHR('{')}, ACT_SIDE_UP, NULL, NULL, "scroll the side pane up"},
    {{PCHR('}')}, ACT_SIDE_DOWN, NULL, NULL, "scroll the side pane down"},
    {{PCHR('m')}, ACT_MATRIX, NULL, NULL, "ping matrix on / off"},
    {{PCHR('l')}, ACT_LOG, NULL, NULL, "bigger / smaller log"},
    {{PCHR('$')}, ACT_SHELL_LINES, NULL, NULL, "shell commands in log"},
    {{PCHR('k')}, ACT_RUN, "checklist %c", NULL, "checklist on / off"},
    {{PCHR('c')}, ACT_CANCEL, NULL, NULL, "cancel the running command"},
    {{{KEYS_PREFIX, 0, false, true, KEYS_PREFIX_NAME}}, ACT_SEND_CHAR, NULL, NULL,
     "send " KEYS_PREFIX_NAME " to the console"},
};
/* clang-format on */
const size_t keys_ntable = sizeof keys_table / sizeof keys_table[0];

static bool matches(const struct key_spec *k, bool prefix, bool is_keycode, int code)
{
    if (k->prefix != prefix || k->keycode != is_keycode)
        return false;
    return k->last ? code >= k->code && code <= k->last : code == k->code;
}

static const struct key_binding *lookup(bool prefix, bool is_keycode, int code)
{
    for (size_t i = 0; i < keys_ntable; i++)
        for (const struct key_spec *k = keys_table[i].keys;
             k < keys_table[i].keys + KEYS_PER_BINDING && k->code; k++)
            if (matches(k, prefix, is_keycode, code))
                return &keys_table[i];
    return NULL;
}

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
    if (code >= KEY_F(1) && code <= KEY_F(12)) { /* those not in the keymap */
        send_key(ev, (enum term_key)(TERM_KEY_F1 + (code - KEY_F(1))), 0);
        return;
    }
    if (code >= KEY_F(13) && code <= KEY_F(24)) {
        send_key(ev, (enum term_key)(TERM_KEY_F1 + (code - KEY_F(13))), TERM_MOD_SHIFT);
        return;
    }
    switch (code) {
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
    bool prefix = ks->prefix;
    const struct key_binding *b = lookup(prefix, is_keycode, code);
    ks->prefix = false;
    if (b) {
        set(ev, b->act);
        ev->b = b;
        ev->ch = (uint32_t)code;
        if (b->act == ACT_TAB)
            ev->arg = code == '0' ? 9 : code - '1';
        return;
    }
    if (prefix) {
        set(ev, ACT_BAD_PREFIX);
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

const char *keys_name(const struct key_spec *k, char *buf)
{
    if (k->name)
        return k->name;
    buf[keys_to_bytes(false, k->code, buf)] = '\0';
    return buf;
}

int keys_fill(const char *tpl, const struct key_vars *v, char *out, size_t outsz)
{
    size_t len = 0;
    for (const char *s = tpl; *s; s++) {
        char c[2] = {*s, '\0'};
        const char *add = c;
        if (*s == '%') {
            switch (*++s) {
            case 'g':
                add = v->guest;
                break;
            case 'a':
                add = v->addr;
                break;
            case 'p':
                add = v->target;
                break;
            case 'n':
                add = v->nat;
                break;
            case 'd':
                add = v->dump;
                break;
            case 'c':
                add = v->checklist;
                break;
            case '%':
                add = "%";
                break;
            default:
                return -1;
            }
        }
        size_t n = add ? strlen(add) : outsz;
        if (len + n >= outsz)
            return -1;
        memcpy(out + len, add, n);
        len += n;
    }
    if (len >= outsz)
        return -1;
    out[len] = '\0';
    return (int)len;
}
