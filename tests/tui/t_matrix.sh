#!/bin/sh
# t_matrix.sh — the ping matrix pane (Ctrl-] m): it shows atop the side pane
# with every cell pinged (g1 runs the embedded image: it pings over its
# hidden control channel; no "~" inferred cell), and cells recolour as the
# lab changes: the host's route to g1 deleted turns host -> g1 and
# g1 -> host to FAIL, `ip g1` turns them back; g1 -> internet turns ok after
# `nat on`, FAIL after `nat off` and ok again. umlab's CPU while it shows
# stays low (one round every 2 s).
. "$(dirname "$0")/lib.sh"
LAB=tuimx
tui_start "$LAB" 160 48

wait_for 'F1Help' 30
wait_side '^g1 +tap0 ' 60
keys C-] m
wait_side '^Ping matrix' 5
wait_side '^from.to +g1 +host +inet' 5
wait_side '^g1 +- +ok +FAIL' 15
wait_side '^host +ok +- +ok' 10
side | grep -q '~' && fail "a cell is marked ~ (inferred) though g1 has a control channel"
echo "ok: g1's row is pinged from g1 (no NAT: internet fails), the host's from the host"

pid=$(umlab_pid)
[ -n "$pid" ] || fail "cannot find umlab's pid"
t0=$(cpu_ticks "$pid")
sleep 6
used=$(($(cpu_ticks "$pid") - t0))
echo "measured: umlab used $used ticks of CPU in 6 s with the matrix showing"
[ "$used" -lt 120 ] || fail "umlab used $used ticks (of 600) in 6 s with the matrix showing"

prompt "host ip route del 192.168.0.1/32 dev tap0"
wait_side '^g1 +- +FAIL +FAIL' 15
wait_side '^host +FAIL +- +ok' 10
echo "ok: without the host route both rows recolour to FAIL"
prompt "ip g1 192.168.0.1"
wait_side '^g1 +- +ok +FAIL' 30
wait_side '^host +ok +- +ok' 10
echo "ok: ip g1 puts the route back and the cells turn ok"

prompt "nat on"
wait_side '^g1 +- +ok +ok' 15
echo "ok: after nat on, g1 -> internet recolours to ok"
prompt "nat off"
wait_side '^g1 +- +ok +FAIL' 15
prompt "nat on"
wait_side '^g1 +- +ok +ok' 15
echo "ok: nat off turns g1 -> internet to FAIL, nat on back to ok"

keys C-] m
end=$(($(date +%s) + 5))
while side | grep -q '^Ping matrix'; do
    [ "$(date +%s)" -ge "$end" ] && fail "the matrix stayed after Ctrl-] m"
    sleep 0.3
done
echo "ok: Ctrl-] m hides it"
keys F10
wait_for 'quit, halt them and undo the lab\? \(y/n\)' 5
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"
