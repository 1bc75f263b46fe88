/* curses_inc.h — ncursesw with the wide-character API, whatever the feature
 * macros of the including file say. */
#ifndef UMLAB_CURSES_INC_H
#define UMLAB_CURSES_INC_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#endif
