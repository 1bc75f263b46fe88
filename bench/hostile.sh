#!/bin/sh
# Keystroke echo while a hostile guest floods (root; namespaces only): g2, in
# the background tab, loops on a 1 MB line, cursor queries it never reads the
# answers of, OSC 52, a title and DCS; keys are timed in g1 (a guest: UML's
# scheduling counts) and in the host shell tab (umlab alone), with umlab's RSS.
#   usage: bench/hostile.sh UMLAB
set -u
UMLAB=$(readlink -f "${1:?usage: hostile.sh UMLAB}")
dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cleanup() {
    "$UMLAB" cleanup benchhost >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/ttybench" "$dir/ttybench.c" -lutil || exit 1
# ttybench's escapes: \\ is one backslash for the guest's printf. Switching
# tabs redraws only the cells that differ ("g1:/#" -> "g2:/#" is one cell), so
# a tab is recognised by fresh output, never by its prompt.
cat >"$work/steps" <<'STEPS'
wait g1:/# 120
idle 2
send \x1d2
send echo g2-""ready\r
wait g2-ready 120
rss
send q=; for i in 1 2 3 4 5 6 7 8 9 10; do q="$q\\033[6n"; done; stty -icanon -echo; while :; do head -c 1000000 /dev/zero | tr "\\000" x; printf "$q\\033]52;c;SGk=\\007\\033]0;T\\007\\033P0|x\\033\\\\\\377\\376\\033[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m"; done\r
idle 5
send \x1d1
idle 1
say # keys in g1 while g2 floods
keylat 300 ~
rss
send \e[20~
wait umlab benchhost 20
idle 1
say # keys in the host shell tab while g2 floods
keylat 300 ~
rss
send \e[21~
send y
STEPS
"$work/ttybench" 48 160 -- "$UMLAB" --sandbox --lab benchhost --guests 2 <"$work/steps"
