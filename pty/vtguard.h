/* vtguard.h — keeps a guest's output within what libvterm 0.1.4 survives.
 *
 * The Debian 12 libvterm has bugs a guest can reach with a printf (found by
 * tests/fuzz/fuzz_term): a CSI with more than 16 parameters writes past its
 * argument array; REP (CSI n b) loops forever when no printable glyph came
 * before it, and writes through a NULL cell when the glyph was wide and the
 * cursor sits in the last column; DECRQSS (DCS $ q) of an unknown setting
 * formats its reply with "%.s" and reads an int as a string; a C1 control
 * sent as UTF-8 (U+0080..U+009F) is printed with width -1, moving the cursor
 * to column -1, where insert mode memmoves a negative length. This filter sits
 * in front of vterm_input_write and follows its parser's states byte by byte:
 * parameters past the 16th are dropped, each number keeps at most 5
 * significant digits (past any screen size, far from overflowing), REP is
 * cancelled, DCS strings are dropped whole (libvterm only answers DECRQSS
 * with them; nothing shows on the screen) and so are C1 controls as UTF-8
 * (as raw bytes they are not controls in UTF-8 mode). A UTF-8 character cut
 * short by a control makes libvterm's decoder write one code point past its
 * stack array in the next text run: it becomes U+FFFD here, and a character
 * cut by the end of a call is held back and passed whole. And an OSC whose ST
 * (ESC \) is cut between two writes makes libvterm take the string's length
 * as (size_t)-1 and read far past the buffer; so does a control between
 * that ESC and the \: an ESC inside an OSC is held back and passed with the
 * next byte that is not such a control (those are dropped). Pure. */
#ifndef UMLAB_VTGUARD_H
#define UMLAB_VTGUARD_H

#include <stdbool.h>
#include <stddef.h>

#define VTGUARD_MAX_PARAMS 16
#define VTGUARD_MAX_DIGITS 5

struct vtguard {
    unsigned char state;
    unsigned char nsep;   /* parameter separators seen in this CSI */
    unsigned char ndig;   /* significant digits of the current parameter */
    bool skip;            /* dropping parameters past the last one kept */
    bool marked;          /* a leader or an intermediate byte was seen */
    unsigned char u8need; /* continuation bytes the current UTF-8 character lacks */
    unsigned char u8len;  /* its bytes held back from an earlier call */
    unsigned char u8buf[6];
    bool held_esc; /* an ESC inside an OSC, kept back for the next call */
};

/* Receives the bytes to pass on, in order, in one or more runs. */
typedef void (*vtguard_emit_fn)(const char *bytes, size_t len, void *ctx);

/* Filters LEN bytes of guest output (state kept across calls). Runs are cut
 * only inside CSI sequences, never inside a UTF-8 character. */
void vtguard_feed(struct vtguard *g, const char *bytes, size_t len, vtguard_emit_fn emit,
                  void *ctx);

/* The caller wrote a complete escape sequence to libvterm past the guard:
 * its parser is back in the ground state (a UTF-8 character held back stays
 * held; libvterm has not seen any of it). */
void vtguard_sequence_written(struct vtguard *g);

#endif
