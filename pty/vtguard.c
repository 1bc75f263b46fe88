/* vtguard.c — see vtguard.h. The states mirror libvterm 0.1.4's parser.c. */
#include "pty/vtguard.h"

#include <string.h>

enum {
    G_NORMAL,
    G_ESC,
    G_CSI_LEADER,
    G_CSI_ARGS,
    G_CSI_INTERMED,
    G_DCS,
    G_DCS_ESC,
    G_OSC,
    G_OSC_ESC
};

#define CAN 0x18 /* cancels the sequence in progress; nothing else */

/* Returns what to do with byte C: 1 pass, 0 drop, -1 replace by CAN. */
static int step(struct vtguard *g, unsigned char c)
{
    if (g->state == G_DCS) { /* swallowed up to its ST (ESC \\) or BEL */
        if (c == 0x1b)
            g->state = G_DCS_ESC;
        else if (c == 0x07 || c == 0x18 || c == 0x1a)
            g->state = G_NORMAL;
        return 0;
    }
    if (g->state == G_DCS_ESC) { /* only "\\" reaches here (see vtguard_feed) */
        g->state = G_NORMAL;
        return 0;
    }
    if (g->state == G_OSC_ESC) { /* ST ends the string; anything else is an escape */
        if ((c < 0x20 && c != 0x1b && c != 0x18 && c != 0x1a) || c == 0x7f)
            return 0; /* libvterm would take the string's length as -1 at the ST */
        g->state = G_ESC;
        if (c == '\\') {
            g->state = G_NORMAL;
            return 1;
        }
    } else if (g->state == G_OSC) {
        if (c == 0x1b)
            g->state = G_OSC_ESC;
        else if (c == 0x07 || c == 0x18 || c == 0x1a)
            g->state = G_NORMAL;
        return 1; /* C0 controls run inside the string, as in libvterm */
    }
    if (c == 0x00 || c == 0x7f)
        return 1; /* ignored by libvterm in every state */
    if (c == 0x18 || c == 0x1a) {
        g->state = G_NORMAL;
        return 1;
    }
    if (c == 0x1b) {
        g->state = G_ESC;
        return 1;
    }
    if (c < 0x20)
        return 1; /* other C0 controls run inside a sequence without ending it */
    switch (g->state) {
    case G_ESC:
        if (c == 'P') { /* DCS: ESC CAN is nothing; the string goes too */
            g->state = G_DCS;
            return -1;
        }
        if (c == ']') {
            g->state = G_OSC;
            return 1;
        }
        if (c == '[') {
            g->state = G_CSI_LEADER;
            g->nsep = g->ndig = 0;
            g->skip = g->marked = false;
        } else if (c >= 0x30 && c < 0x7f) { /* runs the escape; intermediates and */
            g->state = G_NORMAL;            /* bytes past 0x7e keep it going */
        }
        return 1;
    case G_CSI_LEADER:
        if (c >= 0x3c && c <= 0x3f) {
            g->marked = true;
            return 1;
        }
        g->state = G_CSI_ARGS;
        /* fallthrough */
    case G_CSI_ARGS:
        if (c >= '0' && c <= '9') {
            if (g->skip || g->ndig == VTGUARD_MAX_DIGITS)
                return 0;
            if (c != '0' || g->ndig > 0)
                g->ndig++;
            return 1;
        }
        if (c == ';' || c == ':') {
            g->ndig = 0;
            if (g->skip || g->nsep == VTGUARD_MAX_PARAMS - 1) {
                g->skip = true;
                return 0;
            }
            g->nsep++;
            return 1;
        }
        g->state = G_CSI_INTERMED;
        /* fallthrough */
    case G_CSI_INTERMED:
        if (c >= 0x20 && c <= 0x2f) {
            g->marked = true;
            return 1;
        }
        g->state = G_NORMAL;
        if (c == 'b' && !g->marked)
            return -1; /* REP */
        return 1;
    default:
        return 1;
    }
}

/* Continuation bytes after lead byte C as libvterm's decoder counts them
 * (5- and 6-byte forms included); 0: not a lead byte. */
static int utf8_more(unsigned char c)
{
    if (c >= 0xc0 && c < 0xe0)
        return 1;
    if (c >= 0xe0 && c < 0xf0)
        return 2;
    if (c >= 0xf0 && c < 0xf8)
        return 3;
    if (c >= 0xf8 && c < 0xfc)
        return 4;
    if (c >= 0xfc && c < 0xfe)
        return 5;
    return 0;
}

/* Is the complete sequence S (N bytes) U+0080..U+009F? */
static bool is_c1(const unsigned char *s, size_t n)
{
    return n == 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f;
}

void vtguard_feed(struct vtguard *g, const char *bytes, size_t len, vtguard_emit_fn emit, void *ctx)
{
    const unsigned char *u = (const unsigned char *)bytes;
    size_t start = 0, i = 0;
    long u8pos = -1; /* where this call's part of a pending sequence starts; -1: in g->u8buf */
    for (; i < len; i++) {
        unsigned char c = u[i];
        if (g->state == G_DCS_ESC && c != '\\') {
            /* ESC inside a DCS that does not end it starts a new sequence */
            if (i > start)
                emit(bytes + start, i - start, ctx);
            emit("\x1b", 1, ctx);
            start = i;
            g->state = G_ESC;
        }
        if (g->state == G_NORMAL && g->u8need > 0) {
            if (c >= 0x80 && c < 0xc0) { /* continuation */
                g->u8need--;
                if (u8pos < 0) { /* the sequence began in an earlier call: held */
                    g->u8buf[g->u8len++] = c;
                    start = i + 1;
                    if (g->u8need == 0 && !is_c1(g->u8buf, g->u8len))
                        emit((const char *)g->u8buf, g->u8len, ctx);
                } else if (g->u8need == 0 && is_c1(u + u8pos, i + 1 - (size_t)u8pos)) {
                    /* a C1 control as UTF-8: libvterm prints it with width -1 */
                    if ((size_t)u8pos > start)
                        emit(bytes + start, (size_t)u8pos - start, ctx);
                    start = i + 1;
                }
                if (g->u8need == 0)
                    g->u8len = 0;
                continue;
            }
            /* cut short: libvterm would carry the sequence into its next text
             * run and decode one more character than it has room for */
            if (u8pos >= 0 && (size_t)u8pos > start)
                emit(bytes + start, (size_t)u8pos - start, ctx);
            emit("\xef\xbf\xbd", 3, ctx);
            start = i;
            g->u8need = 0;
            g->u8len = 0;
            u8pos = -1;
        }
        if (g->state == G_NORMAL && utf8_more(c) > 0) {
            g->u8need = (unsigned char)utf8_more(c);
            g->u8len = 0;
            u8pos = (long)i;
            continue;
        }
        if (g->held_esc) {
            /* libvterm must see an ESC inside an OSC in the same write as the
             * byte after it (see vtguard.h) */
            int act = step(g, c);
            if (act != 0) {
                char two[2] = {0x1b, act < 0 ? CAN : bytes[i]};
                emit(two, 2, ctx);
                g->held_esc = false;
            }
            start = i + 1;
            continue;
        }
        int act = step(g, c);
        if (act == 1 && g->state == G_OSC_ESC) { /* hold that ESC */
            if (i > start)
                emit(bytes + start, i - start, ctx);
            g->held_esc = true;
            start = i + 1;
            continue;
        }
        if (act == 1)
            continue;
        if (i > start)
            emit(bytes + start, i - start, ctx);
        if (act < 0)
            emit("\x18", 1, ctx);
        start = i + 1;
    }
    if (g->u8need > 0 && u8pos >= 0) { /* an unfinished sequence: hold it */
        g->u8len = (unsigned char)(len - (size_t)u8pos);
        memcpy(g->u8buf, u + u8pos, g->u8len);
        len = (size_t)u8pos;
    }
    if (len > start)
        emit(bytes + start, len - start, ctx);
}

void vtguard_sequence_written(struct vtguard *g)
{
    g->state = G_NORMAL;
    g->held_esc = false;
}
