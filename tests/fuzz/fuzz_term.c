/* fuzz_term.c — a guest's console output on its way to the screen: fed to the
 * terminal emulator (libvterm + our scrollback ring) in pieces cut at random
 * places, with resizes, key presses and searches in between, then every cell
 * mapped for curses and drawn by the real renderer into an ncurses screen
 * whose terminal is /dev/null.
 *
 * Input: 8 bytes of set-up (rows, cols, scrollback depth, colours, a seed for
 * the cuts), then the guest's bytes. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pty/term.h"
#include "tui/cellmap.h"
#include "tui/ui.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCR_ROWS 70
#define SCR_COLS 170

static uint64_t rng_state;

static unsigned rng(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (unsigned)(rng_state % n) : 0;
}

static size_t replied; /* bytes the terminal answered (cursor reports, keys) */

static void on_output(const char *bytes, size_t len, void *ctx)
{
    (void)ctx;
    if (len && !bytes)
        abort();
    replied += len;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setlocale(LC_CTYPE, "C.UTF-8");
    FILE *out = fopen("/dev/null", "w");
    FILE *in = fopen("/dev/null", "r");
    if (!out || !in)
        abort();
    SCREEN *s = newterm("xterm-256color", out, in);
    if (!s)
        abort();
    set_term(s);
    start_color();
    use_default_colors();
    resizeterm(SCR_ROWS, SCR_COLS);
    return 0;
}

/* Draws T as the console pane does, scrolled back by a random amount, into a
 * random rectangle of the screen (the pane and the terminal need not agree in
 * size: they do not during a resize). */
static void render(struct term *t, int ncolors)
{
    static struct tui ui;
    ui.ncolors = ncolors;
    int sb = term_scrollback_count(t);
    int rows, cols;
    term_size(t, &rows, &cols);
    struct rect r = {.y = (int)rng(4), .x = (int)rng(4)};
    r.h = 1 + (int)rng(SCR_ROWS - (unsigned)r.y);
    r.w = 1 + (int)rng(SCR_COLS - (unsigned)r.x);
    int scroll = sb ? (int)rng((unsigned)sb + 1) : 0;
    int hl = (int)rng((unsigned)(rows + sb)) - sb;
    int cy = -1, cx = -1;
    if (render_term(&ui, t, &r, scroll, hl, &cy, &cx) &&
        (cy < r.y || cy >= r.y + r.h || cx < r.x || cx >= r.x + r.w))
        abort(); /* the cursor must be inside the pane */
    doupdate();
}

/* Reads every row as text (as the engine's expect/screen do) and searches. */
static void read_rows(struct term *t, const uint8_t *needle, size_t nlen)
{
    int rows, cols;
    term_size(t, &rows, &cols);
    char buf[1024];
    for (int row = -term_scrollback_count(t); row < rows; row++) {
        size_t n = term_row_text(t, row, buf, 1 + rng(sizeof buf));
        if (n != strlen(buf))
            abort();
        draw_text((int)rng(SCR_ROWS), 0, (int)rng(SCR_COLS), A_NORMAL, 0, buf);
    }
    char nd[8];
    size_t k = nlen < sizeof nd - 1 ? nlen : sizeof nd - 1;
    memcpy(nd, needle, k);
    nd[k] = '\0';
    int found = term_search_back(t, nd, rows);
    if (found != INT32_MIN && (found < -term_scrollback_count(t) || found >= rows))
        abort();
    struct term_cursor cur;
    term_get_cursor(t, &cur);
    (void)term_altscreen(t);
    (void)term_lines_pushed(t);
}

static void press_keys(struct term *t)
{
    term_send_key(t, (enum term_key)rng(TERM_KEY_F12 + 2), (int)rng(8));
    term_send_char(t, rng(4) ? rng(0x80) : rng(0x110100), (int)rng(8));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    int rows = 1 + data[0] % 64, cols = 1 + data[1] % 160, sb = data[2] % 32;
    static const int colours[4] = {0, 8, 16, 256};
    int ncolors = colours[data[3] & 3];
    rng_state = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)data[4] << 24 | (uint64_t)data[5] << 16 |
                                         (uint64_t)data[6] << 8 | data[7]);
    data += 8;
    size -= 8;
    size_t nlen = size < 3 ? size : 3; /* search for the output's first bytes */

    struct term *t = term_new(rows, cols, sb, on_output, NULL);
    if (!t)
        abort();
    int renders = 0;
    for (size_t pos = 0; pos < size;) {
        /* mostly small pieces, as a console delivers them, cutting UTF-8 and
         * escape sequences anywhere */
        size_t n = 1 + (rng(4) ? rng(8) : rng(512));
        if (n > size - pos)
            n = size - pos;
        term_feed(t, (const char *)data + pos, n);
        pos += n;
        switch (rng(24)) {
        case 0:
            term_resize(t, 1 + (int)rng(64), 1 + (int)rng(160));
            break;
        case 1:
            if (renders++ < 2)
                render(t, ncolors);
            break;
        case 2:
            press_keys(t);
            break;
        case 3:
            read_rows(t, data, nlen);
            break;
        default:
            break;
        }
        if (term_is_dirty(t) && rng(2))
            term_clear_dirty(t);
    }
    read_rows(t, data, nlen);
    render(t, ncolors);
    term_free(t);
    return 0;
}
