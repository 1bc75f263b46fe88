/* term.h — a terminal emulator (libvterm) with a scrollback ring.
 * No curses here: the TUI reads cells, the engine reads text. */
#ifndef UMLAB_TERM_H
#define UMLAB_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct term;

/* Where the terminal's replies (cursor position reports, encoded keys) go:
 * normally the pty of the program inside. */
typedef void (*term_output_fn)(const char *bytes, size_t len, void *ctx);

/* Replies to queries in the program's output (ESC[6n and the like) are
 * limited: at most TERM_REPLY_BUDGET bytes while the program keeps talking;
 * the budget is whole again once it has been quiet for TERM_REPLY_QUIET_MS (a
 * program that asks and reads its answer waits for it, or for the user). The
 * rest is dropped, whole replies only. A program that floods queries without
 * reading would otherwise fill its own input: a UML guest's console stops
 * reading its host fd for good once the guest's tty throttles (~4 KiB
 * unread, arch/um/drivers/line.c in 6.1). Keys are never limited. */
#define TERM_REPLY_BUDGET   1024
#define TERM_REPLY_QUIET_MS 2000

struct term *term_new(int rows, int cols, int scrollback_lines, term_output_fn out, void *ctx);
void term_free(struct term *t);

/* Feeds program output; damage is flushed at the end of each call. An
 * incomplete UTF-8 sequence at the end is held until the next call
 * (libvterm 0.1.4 garbles one cut across writes). */
void term_feed(struct term *t, const char *bytes, size_t len);
void term_resize(struct term *t, int rows, int cols);
void term_size(const struct term *t, int *rows, int *cols);

/* Bytes of replies dropped so far (see TERM_REPLY_BUDGET). */
unsigned long long term_replies_dropped(const struct term *t);
/* For tests: the quiet time that renews the reply budget (default
 * TERM_REPLY_QUIET_MS). */
void term_set_reply_quiet_ms(struct term *t, int ms);

/* True when something changed since the last term_clear_dirty(). */
bool term_is_dirty(const struct term *t);
void term_clear_dirty(struct term *t);

/* Colours: index 0..255 for the palette, or RGB; default fg/bg flagged. */
struct term_color {
    enum { TERM_COLOR_DEFAULT, TERM_COLOR_INDEX, TERM_COLOR_RGB } kind;
    uint8_t index;
    uint8_t r, g, b;
};

struct term_cell {
    uint32_t ch[6]; /* up to 6 code points (base + combining); ch[0]==0: blank */
    int width;      /* 1 or 2; 0 for the right half of a wide character */
    struct term_color fg, bg;
    bool bold, underline, italic, reverse, blink, strike;
};

/* A cell of the visible screen (row 0..rows-1), or of the scrollback when
 * row < 0 (-1 = newest scrollback line). Out of range gives a blank cell. */
void term_get_cell(const struct term *t, int row, int col, struct term_cell *out);

/* Number of lines held in the scrollback (0..scrollback_lines). */
int term_scrollback_count(const struct term *t);
/* Total lines ever pushed into the scrollback: an absolute line counter
 * (the line that is now visible row R has absolute number pushed + R).
 * Lines pulled back by a resize that adds rows are subtracted again. */
uint64_t term_lines_pushed(const struct term *t);

/* Text of a row (same row numbering as term_get_cell), UTF-8, trailing blanks
 * removed. Returns the length written (always NUL-terminated). */
size_t term_row_text(const struct term *t, int row, char *buf, size_t bufsz);

struct term_cursor {
    int row, col;
    bool visible;
};
void term_get_cursor(const struct term *t, struct term_cursor *out);
bool term_altscreen(const struct term *t);

/* Keys typed by the user, encoded by libvterm for the program inside (output
 * goes to term_output_fn). Control characters are sent as raw bytes: Ctrl+char
 * gives its C0 byte as xterm does (Ctrl+C 0x03, Ctrl+[ ESC, Ctrl+Space NUL,
 * Ctrl+? DEL), or the plain char when it has none; Alt prefixes ESC. */
enum term_key {
    TERM_KEY_NONE = 0,
    TERM_KEY_ENTER,
    TERM_KEY_TAB,
    TERM_KEY_BACKSPACE,
    TERM_KEY_ESCAPE,
    TERM_KEY_UP,
    TERM_KEY_DOWN,
    TERM_KEY_LEFT,
    TERM_KEY_RIGHT,
    TERM_KEY_INS,
    TERM_KEY_DEL,
    TERM_KEY_HOME,
    TERM_KEY_END,
    TERM_KEY_PAGEUP,
    TERM_KEY_PAGEDOWN,
    TERM_KEY_F1, /* F1..F12 are TERM_KEY_F1 + n - 1 */
    TERM_KEY_F12 = TERM_KEY_F1 + 11,
};
enum { TERM_MOD_SHIFT = 1, TERM_MOD_ALT = 2, TERM_MOD_CTRL = 4 };
void term_send_key(struct term *t, enum term_key key, int mods);
void term_send_char(struct term *t, uint32_t codepoint, int mods);

/* Searches scrollback+screen for NEEDLE (plain substring, case-insensitive)
 * backwards from row FROM (exclusive, same numbering; pass rows to start at the
 * bottom). Returns the row found or INT32_MIN when none. */
int term_search_back(const struct term *t, const char *needle, int from);

#endif
