/* vtguard.c — see vtguard.h. The states mirror libvterm 0.1.4's parser.c. */
#include "pty/vtguard.h"

#include <string.h>

enum { G_NORMAL, G_ESC, G_CSI_LEADER, G_CSI_ARGS, G_CSI_INTERMED, G_DCS, G_DCS_ESC };

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
        if (c == '[') {
            g->state = G_CSI_LEADER;
            g->nsep = g->ndig = 0;
            g->skip = g->marked = false;
        } else if (c > 0x2f) { /* intermediates keep the escape going */
            g->state = G_NORMAL;
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

static bool is_c1(unsigned char c)
{
    return c >= 0x80 && c <= 0x9f;
}

/* Does BYTES[I] (0xc2, or the first byte after a call that ended in one) make
 * U+0080..U+009F? */
static bool c1_follows(const char *bytes, size_t i, size_t len, bool c2_end)
{
    if ((unsigned char)bytes[i] == 0xc2)
        return i + 1 < len && is_c1((unsigned char)bytes[i + 1]);
    return c2_end && is_c1((unsigned char)bytes[i]);
}

void vtguard_feed(struct vtguard *g, const char *bytes, size_t len, vtguard_emit_fn emit, void *ctx)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (g->state == G_DCS_ESC && bytes[i] != '\\') {
            /* ESC inside a DCS that does not end it starts a new sequence */
            if (i > start)
                emit(bytes + start, i - start, ctx);
            emit("\x1b", 1, ctx);
            start = i;
            g->state = G_ESC;
        }
        unsigned char c = (unsigned char)bytes[i];
        if (g->state == G_NORMAL && (c == 0xc2 || (i == 0 && g->c2_end)) &&
            c1_follows(bytes, i, len, g->c2_end)) {
            /* a C1 control as UTF-8: libvterm prints it with width -1 */
            if (i > start)
                emit(bytes + start, i - start, ctx);
            i += c == 0xc2 ? 1 : 0;
            start = i + 1;
            g->c2_end = false;
            continue;
        }
        int act = step(g, c);
        if (act == 1)
            continue;
        if (i > start)
            emit(bytes + start, i - start, ctx);
        if (act < 0)
            emit("\x18", 1, ctx);
        start = i + 1;
    }
    if (len > start)
        emit(bytes + start, len - start, ctx);
    g->c2_end = len > 0 && g->state == G_NORMAL && (unsigned char)bytes[len - 1] == 0xc2;
}
