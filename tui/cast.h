/* cast.h — asciicast v2 lines (https://docs.asciinema.org/manual/asciicast/v2/):
 * a header object, then one event array a line. Pure: text into a strbuf.
 *
 * Terminal output is bytes; an event's data is a JSON string. A UTF-8
 * sequence cut between two writes is held back and sent with the next one;
 * invalid bytes become U+FFFD and control bytes \u00XX, so every line is
 * valid JSON whatever the screen got. */
#ifndef UMLAB_CAST_H
#define UMLAB_CAST_H

#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"

struct cast_utf8 {
    unsigned char held[3]; /* the start of a sequence the last write cut */
    size_t nheld;
};

/* {"version": 2, "width": W, "height": H, "timestamp": UNIX_S, "title": ...,
 * "env": {"TERM": ...}} and a newline. TITLE and TERM may be NULL (left out). */
void cast_header(struct strbuf *b, int width, int height, int64_t unix_s, const char *title,
                 const char *term);

/* [T, "o", DATA] for N bytes written at T_US microseconds into the recording.
 * Appends nothing when all of DATA is held back (an incomplete sequence). */
void cast_output(struct cast_utf8 *u, struct strbuf *b, int64_t t_us, const char *data, size_t n);

/* What is still held back, as an event of its own (it ends the recording:
 * U+FFFD); nothing when nothing is held. */
void cast_flush(struct cast_utf8 *u, struct strbuf *b, int64_t t_us);

/* [T, "r", "WxH"]: the terminal was resized. */
void cast_resize(struct strbuf *b, int64_t t_us, int width, int height);

#endif
