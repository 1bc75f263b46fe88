#!/bin/sh
# t_lanpane.sh — a LAN in the console: its row in the side pane (a bridge
# with the sum of its ports' counters) moves when one guest pings another
# across it, the host section lists each guest's NICs, Ctrl-] o shows the
# topology over the screen until a key, and `dump LAN` opens a tcpdump of its
# bridge in a tab of its own.
. "$(dirname "$0")/lib.sh"
LAB=tuilan
tui_start "$LAB" 160 48

# the LAN's rx packets: the first "rx" row after its title
lan_rx() {
    side | sed -n '/^LAN A br-A/{n;p;q}' | awk '{print $3}' | tr -d p
}

wait_for 'F1Help' 30
prompt "lan add A --subnet 10.0.9.0/24"
wait_side '^LAN A br-A up 0 ports' 10
echo "ok: a LAN shows in the side pane with its bridge"
prompt "guest add p1 --nic A:10.0.9.1/24"
prompt "wait p1"
wait_for 'p1: at its shell prompt' 30
prompt "guest add p2 --nic A:10.0.9.2/24"
prompt "wait p2"
wait_side '^LAN A br-A up 2 ports' 30
wait_side '^ p2 eth0 tap[0-9]+ LAN A 10.0.9.2/24' 5
echo "ok: its ports counted, each guest's NICs in the host section"
# The newest message shows once: in the log pane, not again in the status line.
wait_for 'p2: at its shell prompt' 30
n=$(screen | grep -c 'p2: at its shell prompt')
[ "$n" = 1 ] || fail "'p2: at its shell prompt' is on the screen $n times"
n=$(screen | grep -c 'p2: running')
[ "$n" -le 1 ] || fail "'p2: running' is on the screen $n times"
echo "ok: the last message shows once"

sleep 2 # a quiet moment: the count before the ping
before=$(lan_rx)
prompt "ping p1 p2 --count 3"
wait_for 'p1 -> p2 \(10.0.9.2\): 3/3 received' 30
end=$(($(date +%s) + 5))
until [ "$(lan_rx)" -ge $((before + 6)) ] 2>/dev/null; do
    [ "$(date +%s)" -ge "$end" ] && fail "the LAN's rx stayed at $(lan_rx) (was $before) after 3 pings"
    sleep 0.3
done
echo "ok: the LAN's counters move with a ping across it ($before -> $(lan_rx) packets)"

keys C-] o
wait_for 'LAN A \(bridge br-A, 10.0.9.0/24\): p1 eth0 10.0.9.1/24, p2 eth0 10.0.9.2/24' 5
wait_for 'Any key closes this' 2
keys x
end=$(($(date +%s) + 5))
while screen | grep -q 'Any key closes this'; do
    [ "$(date +%s)" -ge "$end" ] && fail "the topology overlay stayed after a key"
    sleep 0.2
done
echo "ok: Ctrl-] o shows the topology until a key"

prompt "dump A on"
wait_for 'tcpdump -l -n -i br-A \(LAN A\)' 10
wait_for 'listening on br-A' 10
echo "ok: dump LAN opens a tcpdump of its bridge"

keys F10
wait_for 'quit, halt them and undo the lab\? \(y/n\)' 5
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"
echo "ok: quit leaves nothing"
