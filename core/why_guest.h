/* why_guest.h — a guest's own view of its network, read from its console.
 * WHY_GUEST_CMD is typed at its prompt; it prints one short record per link,
 * address and route between two markers, and why_guest_parse reads them back.
 * The text is the guest's: it may wrap at any column, lie or be garbage, so
 * every record is checked and bounded and anything odd is skipped. */
#ifndef UMLAB_WHY_GUEST_H
#define UMLAB_WHY_GUEST_H

#include "core/why.h"

/* Works with iproute2's and busybox's `ip` and any POSIX shell: each line of
 * `ip -o` becomes one record "{KIND|word|word...}" (words joined by '|'
 * through "$*"), so a record holds no blank and survives the terminal wrapping
 * it anywhere. The markers are computed by the shell, so the echo of the typed
 * line never shows them; the caller waits for WHY_GUEST_END, not for a prompt
 * (the typed line's own '$' and '#' look like one while it is echoed). */
#define WHY_GUEST_CMD                                                                              \
    "echo umlab-why-$((6*7)); for c in link addr route neigh; do ip -o -4 $c show | "              \
    "while read -r l; do set -f; set -- $l; IFS=\\|; echo \"{$c|$*}\"; unset IFS; done; done; "    \
    "echo umlab-why-end-$((6*7))"
#define WHY_GUEST_END "umlab-why-end-42"

/* Reads the records of TEXT (a console's text from the typed line on) into
 * G's links, addresses and routes (cleared first). 0 when both markers were
 * seen; -1 when not (G->known stays false). */
int why_guest_parse(const char *text, struct why_guest *g);

#endif
