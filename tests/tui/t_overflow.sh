#!/bin/sh
# t_overflow.sh — eight guests at 100x30: the tab bar pages with < and >
# markers and never runs into the lab's name; the side pane says it holds
# more and scrolls (Ctrl-] { and }) until its last lines show.
. "$(dirname "$0")/lib.sh"
LAB=tuiover
TUI_ARGS="--guests 8"
tui_start "$LAB" 100 30

secs=300
is_asan && secs=900
wait_for '^ 1:g1 running' "$secs"
tabbar() { screen | head -1; }
tabbar | grep -q ' >  *lab tuiover | NAT' || fail "no > marker beside the lab's name: $(tabbar)"
tabbar | grep -q '^<' && fail "a < marker with the first tab in front: $(tabbar)"
echo "ok: the tab bar shows the first page and marks the hidden tabs"

# all booted: the tab of the last guest shows running
keys C-] 8
end=$(($(date +%s) + secs))
until tabbar | grep -q '8:g8 running'; do
    [ "$(date +%s)" -lt "$end" ] || fail "g8 did not come up"
    sleep 1
done
tabbar | grep -q '^< ' || fail "no < marker with the last tab in front: $(tabbar)"
tabbar | grep -q ' >  *lab' && fail "a > marker with the last tab in front: $(tabbar)"
tabbar | grep -q 'lab tuiover | NAT' || fail "the lab's name is overwritten: $(tabbar)"
echo "ok: the focused last tab shows, with < for the hidden ones"

# NAT on: two FORWARD rules per guest overflow the side pane
if tabbar | grep -q 'NAT off'; then
    keys F4
    wait_for 'NAT on' 20
fi
last='x_tables: .iptables-legacy'
wait_for '▼ [0-9]+ more' 10
screen | grep -Eq "$last" && fail "the pane's last line shows without scrolling"
echo "ok: the side pane marks the lines below it"
for i in 1 2 3 4 5 6; do keys C-] '}'; done
wait_for "$last" 5
wait_for '▲ [0-9]+ more' 5
screen | grep -Eq '▼ [0-9]+ more' && fail "a ▼ marker at the bottom of the pane"
screen | grep -q 'Taps: rx/s' && fail "the pane's top still shows after scrolling down"
echo "ok: Ctrl-] } scrolls the side pane to its last rules"
for i in 1 2 3 4 5 6; do keys C-] '{'; done
wait_for 'Taps: rx/s' 5
screen | grep -Eq '▲ [0-9]+ more' && fail "a ▲ marker at the top of the pane"
echo "ok: Ctrl-] { scrolls back to the top"

keys F10
keys y
wait_for 'UMLAB-EXIT=0' 120
check_gone "$LAB"
