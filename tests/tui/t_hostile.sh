#!/bin/sh
# t_hostile.sh — a hostile guest: OSC 52 (clipboard), a title, DCS, huge and
# too many CSI parameters, invalid UTF-8, a 10 MB line and a flood of cursor
# queries it never reads the answers of. The outer terminal (what umlab writes
# to tmux, captured with pipe-pane) gets none of it raw, umlab's memory stays
# bounded, and another tab answers keys while the flood runs.
. "$(dirname "$0")/lib.sh"
LAB=tuihost
tui_start "$LAB" 160 48
OUTER=$TUI_TMP/outer
tmx pipe-pane -o -t "$TUI_SESSION" "cat >>$OUTER"

wait_for 'g1:/# ' 120
pid=$(umlab_pid)
[ -n "$pid" ] || fail "cannot find umlab's pid"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
rss0=$(rss)
echo "umlab RSS at the prompt: $rss0 kB"

# escapes the guest prints; the marker words are split on the typed line, so
# only the guest's output (never its echo) holds them whole
type_text "printf '\\033]52;c;%s\\007\\033]0;%s\\007\\033]2;%s\\033\\\\\\033P1\$q%s\\033\\\\\\033[99999999999999999999;99999999999999999999H\\033[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mX\\033[0m\\033[999999999b\\377\\376\\300\\200\\355\\240\\200 esc-%s\\n' SE9TVElM\"\"RS1DTElQ HOSTILE\"\"-TITLE HOSTILE\"\"-TITLE HOSTILE\"\"-DCS done"
keys Enter
wait_for 'esc-done' 20
echo "ok: umlab survived OSC 52, title, DCS, huge and too many CSI parameters, bad UTF-8"
# the terminal answered the DCS request: the shell got that as typed input
keys C-c
sleep 1

# a 10 MB line
type_text 'head -c 10000000 /dev/zero | tr "\000" x; echo; echo line-""done'
keys Enter
secs=180
is_asan && secs=900
wait_for '^line-done' "$secs"
rss1=$(rss)
echo "umlab RSS after the 10 MB line: $rss1 kB"

# cursor queries it never reads the answers of, for 20 s, its terminal raw
# (in canonical mode the guest's kernel would discard the excess itself);
# then it drains them
keys F9
wait_for 'umlab tuihost' 20
keys C-] 1
wait_for '1:g1 running' 5
type_text 'stty -icanon -echo; q=; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do q="$q\033[6n"; done; end=$(($(date +%s) + 20)); while [ $(date +%s) -lt $end ]; do printf "$q"; done; stty min 0 time 20; cat >/dev/null; stty sane; echo flood-""done'
keys Enter
sleep 5
# keys in another tab while the flood runs
keys C-] 2
type_text 'echo alive-$((6*7))'
t0=$(date +%s%N)
keys Enter
wait_for '^alive-42' 10
t1=$(date +%s%N)
echo "the host shell tab answered in $(((t1 - t0) / 1000000)) ms during the query flood"
wait_for 'does not read its input: [0-9]+ bytes dropped' 30
echo "ok: the replies the guest does not read are dropped, and the log says so"
keys C-] 1
wait_for '^flood-done' 120
# the flooded guest's own console still takes keys: UML's console stops
# reading for good once the guest's tty throttles, so umlab answers only a
# bounded burst of queries from a guest that keeps talking (pty/term.h)
type_text 'echo still-$((6*7))'
keys Enter
wait_for '^still-42' 20
echo "ok: the guest's console works after the flood"
rss2=$(rss)
echo "umlab RSS after the query flood: $rss2 kB"

# memory: two scrollbacks full of wide lines at most, nothing that grows with the input
limit=$((rss0 + 96 * 1024))
is_asan && limit=$((rss0 + 512 * 1024))
[ "$rss1" -le "$limit" ] || fail "RSS after the 10 MB line: $rss1 kB > $limit kB"
[ "$rss2" -le "$limit" ] || fail "RSS after the query flood: $rss2 kB > $limit kB"
echo "ok: umlab's memory stays bounded ($rss0 -> $rss1 -> $rss2 kB)"

keys F10
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"

tmx pipe-pane -t "$TUI_SESSION" 2>/dev/null
size=$(wc -c <"$OUTER")
[ "$size" -gt 10000 ] || fail "the outer stream is only $size bytes: pipe-pane captured nothing"
esc=$(printf '\033')
for bad in "$esc]52;" "$esc]0;" "$esc]2;" "${esc}P" 'HOSTILE-TITLE' 'HOSTILE-DCS' 'SE9TVElMRS1DTElQ'; do
    if LC_ALL=C grep -aqF -- "$bad" "$OUTER"; then
        LC_ALL=C grep -aoF -- "$bad" "$OUTER" | head -3 | od -c | head -5 >&2
        fail "the outer terminal received '$bad'"
    fi
done
# the guest's invalid UTF-8 is not passed on: the stream is valid UTF-8
iconv -f UTF-8 -t UTF-8 "$OUTER" >/dev/null 2>&1 || fail "the outer stream holds invalid UTF-8"
echo "ok: the outer terminal got no OSC 52, title, DCS or invalid UTF-8 ($size bytes checked)"
