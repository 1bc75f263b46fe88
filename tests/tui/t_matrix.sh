#!/bin/sh
# t_matrix.sh — the ping matrix pane (Ctrl-] m): it shows atop the side pane
# with g1's row inferred (~) and the host's pinged, and a cell recolours when
# the lab changes: the host's route to g1 deleted turns host -> g1 (pinged)
# and g1 -> host (inferred) to FAIL, `ip g1` turns them back; g1 -> internet
# turns from ~FAIL to ~ok after `nat on`.
. "$(dirname "$0")/lib.sh"
LAB=tuimx
tui_start "$LAB" 160 48

side() {
    screen | sed -n 's/.*│ //p'
}
prompt() {
    keys C-] :
    wait_for 'umlab> *$' 5
    type_text "$1"
    keys Enter
}
wait_side() {
    end=$(($(date +%s) + $2))
    until side | grep -Eq -- "$1"; do
        [ "$(date +%s)" -ge "$end" ] && fail "no /$1/ in the side pane"
        sleep 0.3
    done
}

wait_for 'F1Help' 30
wait_side '^g1 +tap0 ' 60
keys C-] m
wait_side '^Ping matrix' 5
wait_side '^from.to +g1 +host +inet' 5
wait_side '^g1 +- +~ok +~FAIL' 10
wait_side '^host +ok +- +ok' 10
echo "ok: the pane shows g1's row inferred (no NAT: internet fails) and the host's pinged"

prompt "host ip route del 192.168.0.1/32 dev tap0"
wait_side '^g1 +- +~FAIL +~FAIL' 10
wait_side '^host +FAIL +- +ok' 10
echo "ok: without the host route both rows recolour to FAIL"
prompt "ip g1 192.168.0.1"
wait_side '^g1 +- +~ok +~FAIL' 30
wait_side '^host +ok +- +ok' 10
echo "ok: ip g1 puts the route back and the cells turn ok"

prompt "nat on"
wait_side '^g1 +- +~ok +~ok' 10
echo "ok: after nat on, g1 -> internet recolours to ~ok"

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
