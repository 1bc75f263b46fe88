/* utf8.c — see utf8.h. */
#include "base/utf8.h"

/* The length of the UTF-8 sequence at S (N > 0 bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, min = 0x80;
    else if ((s[0] & 0xf0) == 0xe0)
        len = 3, min = 0x800;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned v = s[0] & (0x7fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    return len;
}

enum utf8_bad utf8_text_check(const char *s, size_t n, size_t *at)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        *at = i;
        if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
            return UTF8_CONTROL;
        size_t k = utf8_len(u + i, n - i);
        if (!k)
            return UTF8_INVALID;
        if (u[i] == 0xc2 && u[i + 1] < 0xa0)
            return UTF8_C1;
        i += k;
    }
    *at = n;
    return UTF8_TEXT;
}
