/* cellmap.c — see cellmap.h. */
#include "tui/cellmap.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The 16 base colours as xterm draws them. */
static const uint8_t base16[16][3] = {
    {0, 0, 0},     {205, 0, 0},     {0, 205, 0},     {205, 205, 0},   {0, 0, 238}, {205, 0, 205},
    {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0},     {0, 255, 0}, {255, 255, 0},
    {92, 92, 255}, {255, 0, 255},   {0, 255, 255},   {255, 255, 255},
};

static const uint8_t cube_level[6] = {0, 95, 135, 175, 215, 255};

void cellmap_palette_rgb(int idx, uint8_t *r, uint8_t *g, uint8_t *b)
{
    if (idx < 0 || idx > 255)
        idx = 0;
    if (idx < 16) {
        *r = base16[idx][0];
        *g = base16[idx][1];
        *b = base16[idx][2];
    } else if (idx < 232) {
        int i = idx - 16;
        *r = cube_level[i / 36];
        *g = cube_level[(i / 6) % 6];
        *b = cube_level[i % 6];
    } else {
        uint8_t v = (uint8_t)(8 + (idx - 232) * 10);
        *r = *g = *b = v;
    }
}

static int dist2(int r1, int g1, int b1, int r2, int g2, int b2)
{
    int dr = r1 - r2, dg = g1 - g2, db = b1 - b2;
    return dr * dr + dg * dg + db * db;
}

/* Nearest of the 6 cube levels to V. */
static int cube_index(int v)
{
    int best = 0;
    for (int i = 1; i < 6; i++)
        if (abs(v - cube_level[i]) < abs(v - cube_level[best]))
            best = i;
    return best;
}

int cellmap_nearest(uint8_t r, uint8_t g, uint8_t b, int ncolors)
{
    if (ncolors >= 256) {
        /* Closed form over the 6x6x6 cube and the grey ramp: this runs per cell. */
        int ri = cube_index(r), gi = cube_index(g), bi = cube_index(b);
        int cube = 16 + 36 * ri + 6 * gi + bi;
        int cd = dist2(r, g, b, cube_level[ri], cube_level[gi], cube_level[bi]);
        int avg = (r + g + b) / 3;
        int gi2 = avg < 8 ? 0 : (avg - 8 + 5) / 10;
        if (gi2 > 23)
            gi2 = 23;
        int gv = 8 + gi2 * 10;
        int gd = dist2(r, g, b, gv, gv, gv);
        return gd < cd ? 232 + gi2 : cube;
    }
    int n = ncolors >= 16 ? 16 : 8;
    int best = 0, bestd = INT_MAX;
    for (int i = 0; i < n; i++) {
        int d = dist2(r, g, b, base16[i][0], base16[i][1], base16[i][2]);
        if (d < bestd) {
            bestd = d;
            best = i;
        }
    }
    return best;
}

int cellmap_color(const struct term_color *c, int ncolors)
{
    if (ncolors < 8 || c->kind == TERM_COLOR_DEFAULT)
        return -1;
    if (c->kind == TERM_COLOR_INDEX) {
        if (c->index < ncolors)
            return c->index;
        if (c->index >= 8 && c->index < 16)
            return c->index - 8; /* bright colours on an 8-colour terminal */
        uint8_t r, g, b;
        cellmap_palette_rgb(c->index, &r, &g, &b);
        return cellmap_nearest(r, g, b, ncolors);
    }
    return cellmap_nearest(c->r, c->g, c->b, ncolors);
}

attr_t cellmap_attrs(const struct term_cell *c)
{
    attr_t a = A_NORMAL;
    if (c->bold)
        a |= A_BOLD;
    if (c->underline)
        a |= A_UNDERLINE;
    if (c->reverse)
        a |= A_REVERSE;
    if (c->italic)
        a |= A_ITALIC;
    if (c->blink)
        a |= A_BLINK;
    return a;
}

static bool drawable(uint32_t ch)
{
    return ch >= 0x20 && ch != 0x7f && !(ch >= 0x80 && ch < 0xa0) &&
           !(ch >= 0xd800 && ch <= 0xdfff) && ch <= 0x10ffff;
}

void cellmap_chars(const struct term_cell *c, wchar_t *out)
{
    int n = 0;
    if (c->ch[0] == 0) {
        out[n++] = L' ';
    } else {
        out[n++] = drawable(c->ch[0]) ? (wchar_t)c->ch[0] : L'?';
        /* combining characters follow the base one */
        for (int i = 1; i < 6 && n < CCHARW_MAX && c->ch[i]; i++)
            if (drawable(c->ch[i]))
                out[n++] = (wchar_t)c->ch[i];
    }
    out[n] = L'\0';
}
