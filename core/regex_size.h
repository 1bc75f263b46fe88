/* regex_size.h — how big glibc's regcomp makes a POSIX extended regex.
 *
 * regcomp copies a repeated expression once per repetition (`x{100}` is 100
 * copies, `x+` two), so nesting (`((a+)+)+`) or stacking (`a+++`) grows the
 * compiled tree exponentially: 60 stacked `+` take all memory. Checking the
 * estimate first lets a regex from a file be refused instead. Pure. */
#ifndef UMLAB_REGEX_SIZE_H
#define UMLAB_REGEX_SIZE_H

/* The number of atoms regcomp would build for RE with every repetition
 * expanded, saturating at LIMIT + 1. */
unsigned long regex_expanded_size(const char *re, unsigned long limit);

#endif
