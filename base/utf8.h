/* utf8.h — checking that bytes read from a file or a guest are plain text.
 *
 * A leaf utility shared by the parsers of what a user or a guest wrote (lab
 * files, Netkit lab directories): one definition of "text" for all of them. */
#ifndef UMLAB_UTF8_H
#define UMLAB_UTF8_H

#include <stddef.h>

enum utf8_bad {
    UTF8_TEXT,    /* all text */
    UTF8_CONTROL, /* a C0 control character other than tab (NUL included), or DEL */
    UTF8_INVALID, /* not UTF-8: truncated, overlong, a surrogate or past U+10FFFF */
    UTF8_C1,      /* a C1 control character, U+0080..U+009F (U+009B is a terminal's CSI) */
};

/* The first thing in S[0..N) that is not text, its byte offset in *AT. */
enum utf8_bad utf8_text_check(const char *s, size_t n, size_t *at);

#endif
