/* cellmap.h — a terminal cell's colours and attributes as curses wants them.
 * Pure: no screen needed, so it is unit-tested. */
#ifndef UMLAB_CELLMAP_H
#define UMLAB_CELLMAP_H

#include <stdint.h>

#include "pty/term.h"
#include "tui/curses_inc.h"

/* The xterm RGB value of palette index IDX (0..255). */
void cellmap_palette_rgb(int idx, uint8_t *r, uint8_t *g, uint8_t *b);

/* The palette index (< NCOLORS, at most 256 used) nearest to R,G,B. */
int cellmap_nearest(uint8_t r, uint8_t g, uint8_t b, int ncolors);

/* The curses colour number for C on a terminal with NCOLORS colours:
 * -1 for the default colour (or when the terminal has fewer than 8). */
int cellmap_color(const struct term_color *c, int ncolors);

/* A_BOLD, A_UNDERLINE, A_REVERSE, A_ITALIC, A_BLINK as the cell asks. */
attr_t cellmap_attrs(const struct term_cell *c);

/* The wide string curses draws for C: blank cells become a space, invalid
 * code points '?'. OUT holds up to CCHARW_MAX characters plus the NUL. */
void cellmap_chars(const struct term_cell *c, wchar_t *out);

#endif
