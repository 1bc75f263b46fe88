#!/bin/sh
# t_lab.sh — the whole story with keys only: a guest's prompt in its tab, a
# second guest, addresses, NAT, pings between guests (F6: with the packet
# walk) and to the stand-in internet, counters and the MASQUERADE rule moving
# in the side pane, tcpdump beside the console, a resize, the scrollback, and
# a clean quit.
. "$(dirname "$0")/lib.sh"
LAB=tuilab
tui_start "$LAB" 160 48

# rx packets of GUEST's tap as the side pane shows them.
tap_rx_packets() {
    side | awk -v g="$1" '$1 == g && $2 ~ /^tap/ { getline; sub(/p$/, "", $3); print $3; exit }'
}
# The tcpdump pane's rows joined: its lines wrap at the pane's width.
dump_text() {
    screen | awk -F'│' 'NF >= 3 { printf "%s", $2 }'
}
wait_dump() {
    end=$(($(date +%s) + $2))
    until dump_text | grep -q -- "$1"; do
        [ "$(date +%s)" -ge "$end" ] && fail "no /$1/ in tcpdump's pane"
        sleep 0.3
    done
}
masq_packets() {
    side | awk '/MASQUERADE/ { v = ($1 == "*") ? $2 : $1; sub(/p$/, "", v); print v; exit }'
}

wait_for 'g1:/# ' 120
wait_for '1:g1 running'
echo "ok: g1's prompt in its tab"

keys F2
wait_for '2:g2 running' 120
wait_for 'g2:/# ' 30
echo "ok: F2 added g2"

keys F3
wait_for 'umlab> ip g2 192\.168\.0\.2' 10
keys Enter
wait_for 'g2: 192\.168\.0\.2/24 on eth0' 60
wait_for 'g2 +192\.168\.0\.2 +proxy_arp on route yes' 10
echo "ok: F3 gave g2 192.168.0.2"

keys F4
wait_for 'lab tuilab \| NAT on' 30
wait_for '\* +[0-9.]+[KMG]?p .*MASQUERADE -o uplink0' 10
echo "ok: F4 turned NAT on"

keys F6
wait_for 'umlab> ping g2 g1 --walk' 10
keys Enter
# the walk's lines follow the ping's in the log: its last says all moved
wait_for 'ok reply +tap1 tx +\+[1-9]' 60
wait_for 'every counter on the path moved' 10
echo "ok: F6 pinged g1 from g2 and showed the packet walk"

keys C-] :
wait_for 'umlab> *$' 5
type_text 'ping g2 internet'
keys Enter
wait_for 'g2 -> internet .*received, 0% loss' 60
echo "ok: the prompt pinged the internet from g2"

end=$(($(date +%s) + 10))
while :; do
    m=$(masq_packets)
    [ -n "$m" ] && [ "$(num "$m")" -gt 0 ] && break
    [ "$(date +%s)" -ge "$end" ] && fail "MASQUERADE counter stays at '$m'"
    sleep 0.3
done
echo "ok: MASQUERADE counter at $m"

keys F5
wait_for 'listening on tap1' 20
wait_for '2:g2 running \+tcpdump' 5
before=$(tap_rx_packets g2)
[ -n "$before" ] || fail "no rx counter for g2's tap"
type_text 'ping -c 3 198.51.100.1'
keys Enter
wait_for '64 bytes from 198\.51\.100\.1' 30
wait_dump 'IP 192\.168\.0\.2 > 198\.51\.100\.1: ICMP echo request' 20
wait_dump 'IP 198\.51\.100\.1 > 192\.168\.0\.2: ICMP echo reply' 10
wait_for '3 packets transmitted, 3 packets received' 30
echo "ok: tcpdump beside the console shows the ICMP packets"
end=$(($(date +%s) + 5))
while :; do
    after=$(tap_rx_packets g2)
    [ "$(num "$after")" -gt "$(num "$before")" ] && break
    [ "$(date +%s)" -ge "$end" ] && fail "g2's rx packets stay at $before (now $after)"
    sleep 0.3
done
echo "ok: g2's tap counters moved ($before -> $after packets)"
keys F5
wait_for '2:g2 running │' 10

# 120x40: side pane 40 wide, console 80x31 (40 - tab bar, status, help, log 6)
tmx resize-window -t "$TUI_SESSION" -x 120 -y 40
sleep 0.5
type_text 'clear; stty size'
keys Enter
wait_for '^31 80 *│' 15
screen | head -1 | grep -Eq 'lab tuilab \| NAT on *$' || fail "tab bar did not follow the resize"
[ "$(screen | tail -1 | cut -c1-6)" = "F1Help" ] || fail "help bar missing after resize"
echo "ok: resize relayouts and resizes the guest's terminal"

type_text 'seq 1 300'
keys Enter
wait_for '^300 *│' 20
keys S-PPage
wait_for 'scrollback -[0-9]+/' 5
keys q
sleep 0.3
screen | grep -q 'scrollback -' && fail "q did not leave the scrollback"
echo "ok: Shift-PgUp browses the scrollback"

keys F10
wait_for 'quit, halt them and undo the lab\? \(y/n\)' 5
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"
echo "ok: F10 y quit and left nothing behind"
