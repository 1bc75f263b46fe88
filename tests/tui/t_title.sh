#!/bin/sh
# t_title.sh — the lab's title (a lab file's `title`) in the console's top
# bar, left of the lab's name; a long one clipped with an ellipsis, and none
# when the bar is too narrow for it beside the tabs.
. "$(dirname "$0")/lib.sh"
LAB=tuititle
cat >"$TUI_TMP/t.lab" <<'LAB'
title Twelve routers around a ring, and one more thing to make it long
LAB
chmod 0644 "$TUI_TMP/t.lab"
TUI_ARGS="$TUI_TMP/t.lab" tui_start "$LAB" 160 48
tabbar() { screen | head -1; }

wait_for 'F1Help' 30
wait_for "lab $LAB \\| NAT" 10
tabbar | grep -q " Twelve routers around a ring,… | lab $LAB | NAT off *\$" ||
    fail "no clipped title before the lab's name: $(tabbar)"
echo "ok: the top bar shows the lab's title, clipped to 30 columns"

tmx resize-window -t "$TUI_SESSION" -x 70 -y 48
sleep 1
tabbar | grep -q "lab $LAB | NAT off *\$" || fail "no lab name at 70 columns: $(tabbar)"
tabbar | grep -q "Twelve" && fail "the title crowds the tabs out at 70 columns: $(tabbar)"
echo "ok: no title when the bar is narrow"

keys F10
keys y
wait_for 'UMLAB-EXIT=0' 120
check_gone "$LAB"
