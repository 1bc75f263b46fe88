#!/bin/sh
# The recipe end to end in a sandboxed lab (root; creates namespaces umlab-itrec
# and umlab-itrec-inet through umlab itself and checks they are gone after):
# two guests, host<->guest and guest<->guest ping, NAT on: a guest reaches the
# stand-in internet (198.51.100.1); NAT off: it cannot. Counters and the
# MASQUERADE/FORWARD rule counters grow while it pings.
. "$(dirname "$0")/lib.sh"
need_root
LAB=itrec
out=$(mktemp)
trap 'force_cleanup_lab $LAB; rm -f "$out"' EXIT INT TERM
force_cleanup_lab $LAB

"$UMLAB" --sandbox --lab $LAB --json --keep-going --batch - >"$out" 2>&1 <<'BATCH'
guest add g1 --ip auto
guest add g2
wait g1
ip g2
ping g1 host
host ping -c 2 -W 2 192.168.0.1
ping g1 g2
ping g2 g1
ping g1 internet --count 2
counters
nat on
ping g1 internet --count 3
ping g2 internet --count 3
counters
rules
nat off
ping g1 internet --count 2
status
pingall
screen g1 1000
exec g1 dmesg | grep -c mmapper_init; cut -f1 /proc/sys/kernel/printk
BATCH
rc=$?

check "batch exits 1 (the ping with NAT off fails)" test "$rc" = 1
check "g1 boots with its address from the kernel command line" \
    test "$(jline "$out" 1 '.result.address')" = 192.168.0.1
check "g2 gets 192.168.0.2 typed into its console" \
    test "$(jline "$out" 4 '.result.address')" = 192.168.0.2
check "guest -> host ping" test "$(jline "$out" 5 '.ok')" = true
check "host -> guest ping" test "$(jline "$out" 6 '.ok')" = true
check "g1 -> g2 ping (proxy_arp + host routes)" test "$(jline "$out" 7 '.result.received')" = 3
check "g2 -> g1 ping" test "$(jline "$out" 8 '.ok')" = true
check "without NAT the internet is unreachable" test "$(jline "$out" 9 '.ok')" = false
check "nat on" test "$(jline "$out" 11 '.result.nat')" = true
check "with NAT g1 reaches the internet" test "$(jline "$out" 12 '.result.received')" = 3
check "with NAT g2 reaches the internet" test "$(jline "$out" 13 '.result.received')" = 3

tap0_before=$(jline "$out" 10 '.result.interfaces[] | select(.interface=="tap0") | .rx_packets')
tap0_after=$(jline "$out" 14 '.result.interfaces[] | select(.interface=="tap0") | .rx_packets')
up_after=$(jline "$out" 14 '.result.interfaces[] | select(.interface=="uplink0") | .tx_packets')
check "tap0 rx packets grow while g1 pings ($tap0_before -> $tap0_after)" \
    test "${tap0_after:-0}" -ge $((${tap0_before:-0} + 3))
check "uplink tx packets counted ($up_after)" test "${up_after:-0}" -ge 6

masq=$(jline "$out" 15 '.result.rules[] | select(.target=="MASQUERADE" and .umlab) | .packets')
fwd_in=$(jline "$out" 15 '.result.rules[] | select(.chain=="FORWARD" and .in=="tap0") | .packets')
fwd_out=$(jline "$out" 15 '.result.rules[] | select(.chain=="FORWARD" and .out=="tap1") | .packets')
check "MASQUERADE rule counted packets ($masq)" test "${masq:-0}" -ge 2
check "FORWARD -i tap0 counted g1's pings ($fwd_in)" test "${fwd_in:-0}" -ge 3
check "FORWARD -o tap1 counted g2's replies ($fwd_out)" test "${fwd_out:-0}" -ge 3
check "rules are tagged with the lab" \
    test "$(jline "$out" 15 '[.result.rules[] | select(.umlab)] | length')" = 5
check "nat off" test "$(jline "$out" 16 '.result.nat')" = false
check "after nat off the internet is unreachable again" test "$(jline "$out" 17 '.ok')" = false
check "status lists both guests running" \
    test "$(jline "$out" 18 '[.result.guests[] | select(.state=="running")] | length')" = 2
check "status: proxy_arp and routes on" \
    test "$(jline "$out" 18 '[.result.guests[] | select(.proxy_arp and .route)] | length')" = 2
check "pingall: every pair ok" test "$(jline "$out" 19 '.result.failures')" = 0
# The embedded image's console starts clean: UML's KERN_ERR boot notes stay in
# dmesg (loglevel=3), and its init puts quiet's console level 4 back.
console_clean() {
    t=$(jline "$out" 20 '.result.text')
    echo "$t" | grep -q 'g1:/#' && ! echo "$t" | grep -Eq 'SELinux|mmapper_init'
}
check "g1's console has no kernel boot notes" console_clean
check "they are in g1's dmesg; console level 4 again" \
    test "$(jline "$out" 21 '.result.output' | tr '\n' ' ')" = "1 4 "

assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then
    echo "--- umlab output:"
    cat "$out"
fi
[ "$FAILS" = 0 ]
