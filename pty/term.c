/* term.c — libvterm screen + scrollback ring (see term.h).
 *
 * Hot path: term_feed runs for every read from a guest console (tiny pieces,
 * hundreds of thousands of them), so callbacks only set a flag; cells are
 * converted only when the UI or the engine asks for them. */
#include "pty/term.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vterm.h>

#include "pty/vtguard.h"

/* One scrollback line, trailing blank cells trimmed (most console lines are
 * short, so this keeps a deep scrollback small). */
struct sbline {
    int ncells;
    int cap;
    VTermScreenCell *cells;
};

struct term {
    VTerm *vt;
    VTermScreen *screen;
    VTermState *state;
    int rows, cols;
    term_output_fn out;
    void *ctx;
    bool dirty;
    bool cursor_visible;
    bool altscreen;
    /* scrollback ring: sb_count lines, oldest at sb_head */
    struct sbline *sb;
    int sb_cap, sb_head, sb_count;
    uint64_t pushed;
    /* start of a UTF-8 sequence cut by the end of the previous feed */
    unsigned char pend[4];
    int pend_len, pend_need;
    struct vtguard guard; /* what libvterm 0.1.4 must not see */
    /* replies to the program's queries (see TERM_REPLY_BUDGET) */
    bool feeding;         /* inside term_feed: output now is a reply */
    size_t reply_used;    /* reply bytes since the program was last quiet */
    int64_t last_feed_ms; /* monotonic time of the last output fed */
    int reply_quiet_ms;
    unsigned long long replies_dropped;
};

/* ---- libvterm callbacks: cheap, just mark dirty ---- */

static void cb_output(const char *s, size_t len, void *user)
{
    struct term *t = user;
    if (t->feeding) { /* libvterm gives each reply in one call */
        if (len > TERM_REPLY_BUDGET - t->reply_used) {
            t->replies_dropped += len;
            return;
        }
        t->reply_used += len;
    }
    if (t->out)
        t->out(s, len, t->ctx);
}

static int cb_damage(VTermRect rect, void *user)
{
    (void)rect;
    ((struct term *)user)->dirty = true;
    return 1;
}

static int cb_moverect(VTermRect dest, VTermRect src, void *user)
{
    (void)dest;
    (void)src;
    ((struct term *)user)->dirty = true;
    return 1;
}

static int cb_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
    (void)pos;
    (void)oldpos;
    (void)visible;
    ((struct term *)user)->dirty = true;
    return 1;
}

static int cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
    struct term *t = user;
    switch (prop) {
    case VTERM_PROP_CURSORVISIBLE:
        t->cursor_visible = val->boolean;
        break;
    case VTERM_PROP_ALTSCREEN:
        t->altscreen = val->boolean;
        break;
    default:
        break;
    }
    t->dirty = true;
    return 1; /* 0 would make libvterm ignore the property */
}

static int cb_resize(int rows, int cols, void *user)
{
    struct term *t = user;
    t->rows = rows;
    t->cols = cols;
    t->dirty = true;
    return 1;
}

static bool cell_is_blank(const VTermScreenCell *c)
{
    return (c->chars[0] == 0 || c->chars[0] == ' ') && !c->attrs.reverse && !c->attrs.underline &&
           VTERM_COLOR_IS_DEFAULT_BG(&c->bg);
}

static int cb_sb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
    struct term *t = user;
    t->pushed++;
    t->dirty = true;
    if (t->sb_cap <= 0)
        return 1;

    struct sbline *l;
    if (t->sb_count < t->sb_cap) {
        l = &t->sb[(t->sb_head + t->sb_count) % t->sb_cap];
        t->sb_count++;
    } else { /* full: overwrite the oldest, reusing its buffer */
        l = &t->sb[t->sb_head];
        t->sb_head = (t->sb_head + 1) % t->sb_cap;
    }

    int n = cols;
    while (n > 0 && cell_is_blank(&cells[n - 1]))
        n--;
    if (n > l->cap) {
        VTermScreenCell *nc = realloc(l->cells, (size_t)n * sizeof *nc);
        if (!nc) { /* keep the line, lose its text: nothing to report from here */
            l->ncells = 0;
            return 1;
        }
        l->cells = nc;
        l->cap = n;
    }
    if (n > 0)
        memcpy(l->cells, cells, (size_t)n * sizeof *cells);
    l->ncells = n;
    return 1;
}

static void blank_vcell(const struct term *t, VTermScreenCell *c)
{
    memset(c, 0, sizeof *c);
    c->width = 1;
    vterm_state_get_default_colors(t->state, &c->fg, &c->bg);
}

static int cb_sb_popline(int cols, VTermScreenCell *cells, void *user)
{
    struct term *t = user;
    if (t->sb_count == 0)
        return 0;
    struct sbline *l = &t->sb[(t->sb_head + t->sb_count - 1) % t->sb_cap];
    t->sb_count--;
    t->pushed--; /* keeps "visible row R is line pushed + R" true */
    t->dirty = true;

    int n = l->ncells < cols ? l->ncells : cols;
    if (n > 0)
        memcpy(cells, l->cells, (size_t)n * sizeof *cells);
    for (int i = n; i < cols; i++)
        blank_vcell(t, &cells[i]);
    /* The line was pushed when the screen was wider. libvterm 0.1.4 steps
     * through these cells by their width and writes a wide one's right half
     * through a NULL cell in the last column. */
    for (int i = 0; i < cols; i++)
        if (cells[i].width < 1 || cells[i].width > 2 || (cells[i].width == 2 && i == cols - 1))
            blank_vcell(t, &cells[i]);
    return 1;
}

static const VTermScreenCallbacks screen_cbs = {
    .damage = cb_damage,
    .moverect = cb_moverect,
    .movecursor = cb_movecursor,
    .settermprop = cb_settermprop,
    .resize = cb_resize,
    .sb_pushline = cb_sb_pushline,
    .sb_popline = cb_sb_popline,
};

/* ---- lifetime ---- */

/* libvterm 0.1.4 writes a wide character's right half through a NULL cell
 * on a 1-column screen: never give it one. */
#define TERM_MIN_COLS 2

struct term *term_new(int rows, int cols, int scrollback_lines, term_output_fn out, void *ctx)
{
    if (rows < 1 || cols < 1 || scrollback_lines < 0)
        return NULL;
    if (cols < TERM_MIN_COLS)
        cols = TERM_MIN_COLS;
    struct term *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->rows = rows;
    t->cols = cols;
    t->out = out;
    t->ctx = ctx;
    t->cursor_visible = true;
    t->reply_quiet_ms = TERM_REPLY_QUIET_MS;
    t->sb_cap = scrollback_lines;
    if (scrollback_lines > 0) {
        t->sb = calloc((size_t)scrollback_lines, sizeof *t->sb);
        if (!t->sb) {
            free(t);
            return NULL;
        }
    }
    t->vt = vterm_new(rows, cols);
    if (!t->vt) {
        free(t->sb);
        free(t);
        return NULL;
    }
    vterm_set_utf8(t->vt, 1);
    /* without a callback libvterm buffers 64 bytes and silently drops replies */
    vterm_output_set_callback(t->vt, cb_output, t);
    t->state = vterm_obtain_state(t->vt);
    t->screen = vterm_obtain_screen(t->vt);
    vterm_screen_set_callbacks(t->screen, &screen_cbs, t);
    vterm_screen_set_damage_merge(t->screen, VTERM_DAMAGE_SCROLL);
    vterm_screen_enable_altscreen(t->screen, 1);
    vterm_screen_reset(t->screen, 1);
    t->dirty = true;
    return t;
}

void term_free(struct term *t)
{
    if (!t)
        return;
    vterm_free(t->vt);
    for (int i = 0; i < t->sb_cap; i++)
        free(t->sb[i].cells);
    free(t->sb);
    free(t);
}

/* ---- input ---- */

/* Length of the UTF-8 sequence started by lead byte B (0: not a lead byte). */
static int utf8_seq_len(unsigned char b)
{
    if (b >= 0xc2 && b <= 0xdf)
        return 2;
    if (b >= 0xe0 && b <= 0xef)
        return 3;
    if (b >= 0xf0 && b <= 0xf4)
        return 4;
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with this clock */
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The reply budget is whole again after the program was quiet long enough. */
static void note_output_time(struct term *t)
{
    int64_t now = now_ms();
    if (now - t->last_feed_ms >= t->reply_quiet_ms)
        t->reply_used = 0;
    t->last_feed_ms = now;
}

static void vt_emit(const char *bytes, size_t len, void *ctx)
{
    vterm_input_write(ctx, bytes, len);
}

/* Every byte for libvterm goes through the guard (see vtguard.h), in pieces
 * of at most 64 KiB: libvterm's text path keeps 4 bytes of stack per input
 * byte (a 10 MB write overflowed the stack). The guard holds back a UTF-8
 * character cut between pieces. */
static void vt_write(struct term *t, const char *bytes, size_t len)
{
    for (size_t off = 0; off < len; off += 65536)
        vtguard_feed(&t->guard, bytes + off, len - off < 65536 ? len - off : 65536, vt_emit, t->vt);
}

/* libvterm 0.1.4 turns a UTF-8 sequence into U+FFFD when it is cut by the
 * end of a write that also holds other text ("a\xe4" + "\xb8\xad"), which a
 * console writing in ~7-byte pieces does all the time. So an incomplete
 * trailing sequence is held back and fed whole with the next call. */
static void feed(struct term *t, const char *bytes, size_t len)
{
    const unsigned char *p = (const unsigned char *)bytes;
    size_t i = 0;

    if (t->pend_len > 0) {
        while (i < len && t->pend_len < t->pend_need && (p[i] & 0xc0) == 0x80)
            t->pend[t->pend_len++] = p[i++];
        if (t->pend_len < t->pend_need && i == len)
            return; /* still incomplete: wait for more */
        if (t->pend_len == t->pend_need)
            vt_write(t, (const char *)t->pend, (size_t)t->pend_len);
        else /* broken by a non-continuation byte; alone, libvterm would drop it */
            vt_write(t, "\xef\xbf\xbd", 3);
        t->pend_len = 0;
    }

    size_t end = len;
    for (size_t k = 1; k <= 3 && k <= len - i; k++) {
        unsigned char b = p[len - k];
        if ((b & 0xc0) == 0x80)
            continue; /* continuation byte: look further back */
        int need = utf8_seq_len(b);
        if (need > (int)k) {
            end = len - k;
            memcpy(t->pend, p + end, k);
            t->pend_len = (int)k;
            t->pend_need = need;
        }
        break;
    }

    if (end > i)
        vt_write(t, bytes + i, end - i);
    vterm_screen_flush_damage(t->screen);
}

/* Output fed here is the program's: what libvterm says meanwhile answers it. */
void term_feed(struct term *t, const char *bytes, size_t len)
{
    if (len > 0)
        note_output_time(t);
    t->feeding = true;
    feed(t, bytes, len);
    t->feeding = false;
}

void term_resize(struct term *t, int rows, int cols)
{
    if (cols < TERM_MIN_COLS && cols >= 1)
        cols = TERM_MIN_COLS;
    if (rows < 1 || cols < 1 || (rows == t->rows && cols == t->cols))
        return;
    vterm_set_size(t->vt, rows, cols);
    t->rows = rows;
    t->cols = cols;
    /* libvterm 0.1.4 moves the cursor up by the lines a shrink pushed into the
     * scrollback without a lower bound (row -3), and then indexes its line
     * table with it: put it back on the screen */
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    if (pos.row < 0 || pos.row >= rows || pos.col < 0 || pos.col >= cols) {
        char cup[32];
        int n = snprintf(cup, sizeof cup, "\x1b[%d;%dH",
                         pos.row < 0       ? 1
                         : pos.row >= rows ? rows
                                           : pos.row + 1,
                         pos.col < 0       ? 1
                         : pos.col >= cols ? cols
                                           : pos.col + 1);
        /* straight in: nothing held back by the guard may print first */
        vterm_input_write(t->vt, cup, (size_t)n);
        vtguard_sequence_written(&t->guard);
    }
    vterm_screen_flush_damage(t->screen);
    t->dirty = true;
}

void term_size(const struct term *t, int *rows, int *cols)
{
    if (rows)
        *rows = t->rows;
    if (cols)
        *cols = t->cols;
}

unsigned long long term_replies_dropped(const struct term *t)
{
    return t->replies_dropped;
}

void term_set_reply_quiet_ms(struct term *t, int ms)
{
    t->reply_quiet_ms = ms;
}

bool term_is_dirty(const struct term *t)
{
    return t->dirty;
}

void term_clear_dirty(struct term *t)
{
    t->dirty = false;
}

/* ---- reading cells ---- */

static void conv_color(const VTermColor *c, bool is_default, struct term_color *o)
{
    memset(o, 0, sizeof *o);
    if (is_default) {
        o->kind = TERM_COLOR_DEFAULT;
    } else if (VTERM_COLOR_IS_INDEXED(c)) {
        o->kind = TERM_COLOR_INDEX;
        o->index = c->indexed.idx;
    } else {
        o->kind = TERM_COLOR_RGB;
        o->r = c->rgb.red;
        o->g = c->rgb.green;
        o->b = c->rgb.blue;
    }
}

static void conv_cell(const VTermScreenCell *c, struct term_cell *o)
{
    memset(o, 0, sizeof *o);
    if (c->chars[0] == (uint32_t)-1) {
        o->width = 0; /* right half of a wide character */
    } else {
        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c->chars[i]; i++)
            o->ch[i] = c->chars[i];
        o->width = c->width == 2 ? 2 : 1;
    }
    conv_color(&c->fg, VTERM_COLOR_IS_DEFAULT_FG(&c->fg), &o->fg);
    conv_color(&c->bg, VTERM_COLOR_IS_DEFAULT_BG(&c->bg), &o->bg);
    o->bold = c->attrs.bold;
    o->underline = c->attrs.underline != 0;
    o->italic = c->attrs.italic;
    o->reverse = c->attrs.reverse;
    o->blink = c->attrs.blink;
    o->strike = c->attrs.strike;
}

/* The scrollback line for row < 0 (-1 = newest), or NULL. */
static const struct sbline *sb_line(const struct term *t, int row)
{
    if (row >= 0 || row < -t->sb_count)
        return NULL;
    int idx = (t->sb_head + t->sb_count + row) % t->sb_cap;
    return &t->sb[idx];
}

/* Fills C with the raw cell; false when out of range (C is then blank). */
static bool get_vcell(const struct term *t, int row, int col, VTermScreenCell *c)
{
    if (row >= 0) {
        memset(c, 0, sizeof *c); /* get_cell copies chars only up to the NUL */
        if (row < t->rows && col >= 0 && col < t->cols &&
            vterm_screen_get_cell(t->screen, (VTermPos){.row = row, .col = col}, c))
            return true;
        blank_vcell(t, c);
        return false;
    }
    const struct sbline *l = sb_line(t, row);
    if (l && col >= 0 && col < l->ncells) {
        *c = l->cells[col];
        return true;
    }
    blank_vcell(t, c);
    return l != NULL && col >= 0;
}

void term_get_cell(const struct term *t, int row, int col, struct term_cell *out)
{
    VTermScreenCell c;
    get_vcell(t, row, col, &c);
    conv_cell(&c, out);
}

int term_scrollback_count(const struct term *t)
{
    return t->sb_count;
}

uint64_t term_lines_pushed(const struct term *t)
{
    return t->pushed;
}

static size_t utf8_encode(uint32_t c, char *s)
{
    if (c < 0x80) {
        s[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        s[0] = (char)(0xc0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        if (c >= 0xd800 && c <= 0xdfff)
            return 0;
        s[0] = (char)(0xe0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        s[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    if (c <= 0x10ffff) {
        s[0] = (char)(0xf0 | (c >> 18));
        s[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        s[3] = (char)(0x80 | (c & 0x3f));
        return 4;
    }
    return 0;
}

static int row_ncells(const struct term *t, int row)
{
    if (row >= 0)
        return row < t->rows ? t->cols : 0;
    const struct sbline *l = sb_line(t, row);
    return l ? l->ncells : 0;
}

size_t term_row_text(const struct term *t, int row, char *buf, size_t bufsz)
{
    if (bufsz == 0)
        return 0;
    size_t len = 0, trimmed = 0;
    int n = row_ncells(t, row);
    for (int col = 0; col < n; col++) {
        VTermScreenCell c;
        get_vcell(t, row, col, &c);
        if (c.chars[0] == (uint32_t)-1)
            continue; /* right half of a wide character */
        char tmp[VTERM_MAX_CHARS_PER_CELL * 4];
        size_t k = 0;
        if (c.chars[0] == 0) {
            tmp[k++] = ' ';
        } else {
            for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c.chars[i]; i++)
                k += utf8_encode(c.chars[i], tmp + k);
        }
        if (len + k >= bufsz)
            break; /* never cut a character in half */
        memcpy(buf + len, tmp, k);
        len += k;
        if (!(k == 1 && tmp[0] == ' '))
            trimmed = len;
    }
    buf[trimmed] = '\0';
    return trimmed;
}

void term_get_cursor(const struct term *t, struct term_cursor *out)
{
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    out->row = pos.row;
    out->col = pos.col;
    out->visible = t->cursor_visible;
}

bool term_altscreen(const struct term *t)
{
    return t->altscreen;
}

/* ---- keyboard ---- */

static VTermModifier vmods(int mods)
{
    int m = VTERM_MOD_NONE;
    if (mods & TERM_MOD_SHIFT)
        m |= VTERM_MOD_SHIFT;
    if (mods & TERM_MOD_ALT)
        m |= VTERM_MOD_ALT;
    if (mods & TERM_MOD_CTRL)
        m |= VTERM_MOD_CTRL;
    return (VTermModifier)m;
}

void term_send_key(struct term *t, enum term_key key, int mods)
{
    VTermKey k;
    switch (key) {
    case TERM_KEY_ENTER:
        k = VTERM_KEY_ENTER;
        break;
    case TERM_KEY_TAB:
        k = VTERM_KEY_TAB;
        break;
    case TERM_KEY_BACKSPACE:
        k = VTERM_KEY_BACKSPACE;
        break;
    case TERM_KEY_ESCAPE:
        k = VTERM_KEY_ESCAPE;
        break;
    case TERM_KEY_UP:
        k = VTERM_KEY_UP;
        break;
    case TERM_KEY_DOWN:
        k = VTERM_KEY_DOWN;
        break;
    case TERM_KEY_LEFT:
        k = VTERM_KEY_LEFT;
        break;
    case TERM_KEY_RIGHT:
        k = VTERM_KEY_RIGHT;
        break;
    case TERM_KEY_INS:
        k = VTERM_KEY_INS;
        break;
    case TERM_KEY_DEL:
        k = VTERM_KEY_DEL;
        break;
    case TERM_KEY_HOME:
        k = VTERM_KEY_HOME;
        break;
    case TERM_KEY_END:
        k = VTERM_KEY_END;
        break;
    case TERM_KEY_PAGEUP:
        k = VTERM_KEY_PAGEUP;
        break;
    case TERM_KEY_PAGEDOWN:
        k = VTERM_KEY_PAGEDOWN;
        break;
    default:
        if (key >= TERM_KEY_F1 && key <= TERM_KEY_F12) {
            k = VTERM_KEY_FUNCTION((int)key - TERM_KEY_F1 + 1);
            break;
        }
        return;
    }
    vterm_keyboard_key(t->vt, k, vmods(mods));
}

/* The byte a legacy terminal (xterm without modifyOtherKeys) sends for
 * Ctrl+C, or -1 when there is none. */
static int ctrl_byte(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return (int)(c & 0x1f);
    if (c >= '@' && c <= '_') /* @ A-Z [ \ ] ^ _ */
        return (int)(c & 0x1f);
    switch (c) {
    case ' ':
    case '2':
        return 0;
    case '3':
        return 0x1b;
    case '4':
        return 0x1c;
    case '5':
        return 0x1d;
    case '6':
        return 0x1e;
    case '7':
    case '/':
        return 0x1f;
    case '8':
    case '?':
        return 0x7f;
    default:
        return -1;
    }
}

/* Sent by hand: libvterm would encode some Ctrl+char as CSI u, which a
 * guest's shell does not understand. Ctrl+char without a control byte sends
 * the plain character, as xterm does. */
void term_send_char(struct term *t, uint32_t codepoint, int mods)
{
    char buf[8];
    size_t n = 0;
    if (mods & TERM_MOD_ALT)
        buf[n++] = '\x1b';
    int cb = (mods & TERM_MOD_CTRL) ? ctrl_byte(codepoint) : -1;
    if (cb >= 0) {
        buf[n++] = (char)cb;
    } else {
        size_t k = utf8_encode(codepoint, buf + n);
        if (k == 0)
            return; /* not a Unicode scalar value */
        n += k;
    }
    if (t->out)
        t->out(buf, n, t->ctx);
}

/* ---- search ---- */

static void ascii_lower(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] - 'A' + 'a');
}

int term_search_back(const struct term *t, const char *needle, int from)
{
    size_t nlen = needle ? strlen(needle) : 0;
    if (nlen == 0)
        return INT32_MIN;
    char *nd = malloc(nlen + 1);
    if (!nd)
        return INT32_MIN;
    memcpy(nd, needle, nlen + 1);
    ascii_lower(nd, nlen);

    char *buf = NULL;
    size_t bufsz = 0;
    int found = INT32_MIN;
    if (from > t->rows)
        from = t->rows;
    for (int row = from - 1; row >= -t->sb_count; row--) {
        size_t need = (size_t)row_ncells(t, row) * VTERM_MAX_CHARS_PER_CELL * 4 + 1;
        if (need > bufsz) {
            char *nb = realloc(buf, need);
            if (!nb)
                break;
            buf = nb;
            bufsz = need;
        }
        size_t len = term_row_text(t, row, buf, bufsz);
        ascii_lower(buf, len);
        if (len >= nlen && memmem(buf, len, nd, nlen)) {
            found = row;
            break;
        }
    }
    free(buf);
    free(nd);
    return found;
}
