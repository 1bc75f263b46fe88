/* keys.h — what a key means: curses key codes and characters become console
 * actions or keys for the focused terminal. Pure (unit-tested).
 *
 * The keymap is keys_table (keys.c): one row per action with its keys, the
 * command line it runs, its F-key bar label and its help line. Dispatch, the
 * F-key bar and F1's help are made from it; tests/unit/test_docs.c checks the
 * README's and the man page's key tables against it. Ctrl-] is the prefix
 * (tmux's Ctrl-b and screen's Ctrl-a stay free for whatever runs around or
 * inside umlab): a key marked "prefix" comes after it.
 */
#ifndef UMLAB_KEYS_H
#define UMLAB_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pty/term.h"

#define KEYS_PREFIX      0x1d /* Ctrl-] */
#define KEYS_PREFIX_NAME "Ctrl-]"

enum tui_action {
    ACT_NONE,
    ACT_SEND_CHAR, /* ch (with mods) to the focused terminal */
    ACT_SEND_KEY,  /* key with mods to the focused terminal */
    ACT_PREFIX,    /* the prefix: the next key is a command */
    ACT_BAD_PREFIX,
    ACT_RUN,    /* the binding's command line through the command table */
    ACT_PROMPT, /* the command prompt, holding the binding's command line if any */
    ACT_HELP,
    ACT_TOPOLOGY, /* `topology` in an overlay until a key */
    ACT_SHELL,    /* start the focused lab pane's program again (F7 on its tab) */
    ACT_QUIT,
    ACT_CANCEL,    /* stop the running command's wait */
    ACT_SCROLL_UP, /* half a page back in the scrollback */
    ACT_SCROLL_DOWN,
    ACT_SEARCH,
    ACT_NEXT_TAB,
    ACT_PREV_TAB,
    ACT_TAB, /* arg: tab index from 0 */
    ACT_SIDE,
    ACT_SIDE_UP, /* scroll the side pane */
    ACT_SIDE_DOWN,
    ACT_MATRIX, /* the ping matrix at the top of the side pane */
    ACT_LOG,
    ACT_SHELL_LINES, /* the shell equivalents in the log on / off */
    ACT_MOUSE,
    ACT_RESIZE,
};

/* A key as curses reports it. */
struct key_spec {
    int code, last;   /* a character or KEY_* code; LAST > CODE: a range of characters */
    bool keycode;     /* CODE is a KEY_* code (get_wch's KEY_CODE_YES) */
    bool prefix;      /* comes after the prefix key */
    const char *name; /* as the docs write it; NULL: the character itself */
};

#define KEYS_PER_BINDING 3

struct key_binding {
    struct key_spec keys[KEYS_PER_BINDING]; /* the first with code 0 ends them */
    enum tui_action act;
    /* ACT_RUN: the command line; ACT_PROMPT: what the prompt opens with. %g
     * the focused guest, %a its address (or the next free one), %p a guest to
     * ping (else internet or host), %n NAT's other state (on/off), %d the
     * other state (on/off) of the tcpdump of the focused guest's tap. */
    const char *cmd;
    const char *bar;  /* label in the F-key bar (%n as above), NULL: not there */
    const char *help; /* F1's line */
    /* What the key does on a lab pane's tab instead (ACT_NONE: the same). */
    enum tui_action on_pane;
};

extern const struct key_binding keys_table[];
extern const size_t keys_ntable;

struct key_event {
    enum tui_action act;
    const struct key_binding *b; /* the row the key matched, NULL if none */
    enum term_key key;
    int mods; /* TERM_MOD_* */
    uint32_t ch;
    int arg;
};

struct keystate {
    bool prefix; /* the prefix was the last key */
};

/* Translates one key from curses: IS_KEYCODE says whether CODE is a KEY_*
 * code (get_wch returned KEY_CODE_YES) or a character. NAME is keyname(CODE)
 * for key codes (may be NULL): it decodes the modified keys ncurses has no
 * constant for ("kUP5" = Ctrl-Up). */
void keys_translate(struct keystate *ks, bool is_keycode, int code, const char *name,
                    struct key_event *ev);

/* The bytes an xterm would send for a key (for readline, which reads bytes).
 * Returns the length (0: nothing to send). OUT holds at least 8 bytes. */
size_t keys_to_bytes(bool is_keycode, int code, char *out);

/* A key's name as the docs write it ("F5", "PgUp", ":", "0-9"); BUF holds 8. */
const char *keys_name(const struct key_spec *k, char *buf);

/* Fills a binding's template: %g, %a, %p, %n, %d (see key_binding) from V, %% a
 * percent sign. Returns the length, or -1 when OUTSZ is too small, a field
 * is unknown or V lacks it. */
struct key_vars {
    const char *guest, *addr, *target, *nat, *dump, *checklist;
};
int keys_fill(const char *tpl, const struct key_vars *v, char *out, size_t outsz);

#endif
