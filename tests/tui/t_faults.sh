#!/bin/sh
# t_faults.sh — a lesson's link faults in the side pane: `link g1 down` and
# `netem g1 rate ...` typed at the prompt show under g1's tap (and its state
# reads DOWN), each goes away when undone, and quitting leaves nothing.
. "$(dirname "$0")/lib.sh"
LAB=tuifault
tui_start "$LAB" 160 48

wait_for 'F1Help' 30
wait_side '^g1 +tap0 ' 60
side | grep -q 'fault:' && fail "a fault shows before any was made"

prompt "link g1 down"
wait_side '^g1 +tap0 +DOWN' 10
wait_side '^ *fault: down$' 5
echo "ok: link g1 down shows as DOWN and as a fault under g1's tap"

prompt "netem g1 rate 512kbit"
wait_side '^ *fault: down, netem rate 512kbit$' 5
echo "ok: the emulation joins it"

prompt "link g1 up"
wait_side '^g1 +tap0 +up' 10
wait_side '^ *fault: netem rate 512kbit$' 5
prompt "netem g1 off"
end=$(($(date +%s) + 5))
while side | grep -q 'fault:'; do
    [ "$(date +%s)" -ge "$end" ] && fail "the fault line stayed after link up and netem off"
    sleep 0.3
done
echo "ok: undone faults leave the side pane"

prompt "netem g1 rate 1mbit"
wait_side '^ *fault: netem rate 1mbit$' 5
keys F10
wait_for 'quit, halt them and undo the lab\? \(y/n\)' 5
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"
echo "ok: quit with a fault on leaves nothing"
