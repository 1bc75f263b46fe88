/* keys.h — what a key means: curses key codes and characters become console
 * actions or keys for the focused terminal. Pure (unit-tested).
 *
 * Keymap (also drawn by the help bar and F1):
 *   F1 help  F2 add guest  F3 assign IP  F4 NAT on/off  F5 tcpdump split
 *   F6 ping (Shift-F6 pingall)  F7 restart  F8 halt  F9 host shell  F10 quit
 *   Shift-PgUp/PgDn scrollback
 *   Ctrl-] is the prefix (tmux's Ctrl-b and screen's Ctrl-a stay free for
 *   whatever runs around or inside umlab); after it:
 *   Ctrl-]  send Ctrl-] itself   n/p  next/previous tab   1-9  that tab, 0 the tenth
 *   :  command prompt   /  search the scrollback   [ or PgUp  browse scrollback
 *   s  side pane on/off   { / }  scroll the side pane   l  big log on/off   ?/h  help
 *   a add  i IP  t NAT  d tcpdump  g ping  G pingall  r restart  x halt
 *   !  host shell  q  quit
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
    ACT_HELP,
    ACT_ADD,
    ACT_IP,
    ACT_NAT,
    ACT_DUMP,
    ACT_PING,
    ACT_PINGALL,
    ACT_RESTART,
    ACT_HALT,
    ACT_SHELL,
    ACT_QUIT,
    ACT_CANCEL,    /* stop the running command's wait */
    ACT_SCROLL_UP, /* half a page back in the scrollback */
    ACT_SCROLL_DOWN,
    ACT_SEARCH,
    ACT_NEXT_TAB,
    ACT_PREV_TAB,
    ACT_TAB, /* arg: tab index from 0 */
    ACT_PROMPT,
    ACT_SIDE,
    ACT_SIDE_UP, /* scroll the side pane */
    ACT_SIDE_DOWN,
    ACT_LOG,
    ACT_MOUSE,
    ACT_RESIZE,
};

struct key_event {
    enum tui_action act;
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

/* The name of an action's key for messages ("F5", "Ctrl-] d"). */
const char *keys_action_name(enum tui_action act);

#endif
