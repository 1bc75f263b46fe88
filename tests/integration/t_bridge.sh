#!/bin/sh
# netcfg/bridge in a namespace of its own (the lab's LAN segment, issue 8):
# a bridge with two taps and two veths enslaved, seen by `ip`; frames cross it
# between two end namespaces; its counters move; a released port leaves it and
# stops passing frames; the deleted bridge takes nothing else with it.
# (root; namespaces umlab-itbr, umlab-itbr-a, umlab-itbr-b.)
. "$(dirname "$0")/lib.sh"
need_root
PROG=$(test_prog bridge_ns) || exit 1
NS=umlab-itbr
A=umlab-itbr-a
B=umlab-itbr-b
BR=itbr0
cleanup() {
    for ns in $NS $A $B; do ip netns del "$ns" 2>/dev/null; done
    return 0
}
cleanup
trap cleanup EXIT INT TERM

# the lab's namespace, and two ends behind veths (va, vb) with 10.77.0.1 and .2
for ns in $NS $A $B; do ip netns add $ns || exit 1; done
ip -n $NS link add va type veth peer name eth0 netns $A &&
    ip -n $NS link add vb type veth peer name eth0 netns $B &&
    ip -n $A addr add 10.77.0.1/24 dev eth0 && ip -n $A link set eth0 up &&
    ip -n $B addr add 10.77.0.2/24 dev eth0 && ip -n $B link set eth0 up || exit 1

check "build: bridge, taps and veths enslaved (refusals included)" \
    "$PROG" $NS build $BR ittap0 ittap1 va vb
check "ip: $BR is a bridge" sh -c "ip -n $NS -d link show $BR | grep -qw bridge"
check "ip: $BR is up" sh -c "ip -n $NS link show $BR | grep -q '<.*UP.*>'"
for p in ittap0 ittap1 va vb; do
    check "ip: $p is a port of $BR" sh -c "ip -n $NS -o link show $p | grep -q 'master $BR '"
done
check "ip: exactly 4 ports" test "$(ip -n $NS -o link show master $BR | wc -l)" = 4
check "ip: the second bridge is gone" sh -c "! ip -n $NS link show ${BR}x 2>/dev/null"
check "frames cross the bridge (a pings b)" ip netns exec $A ping -c 2 -W 2 -i 0.2 -q 10.77.0.2

stats=$("$PROG" $NS stats $BR)
echo "stats: $stats"
rx=$(echo "$stats" | sed -n 's/.*rx_packets=\([0-9]*\).*/\1/p')
check "stats: up and counting (the ARP broadcast reached the bridge)" \
    sh -c "echo '$stats' | grep -q '^up=1' && [ '${rx:-0}' -gt 0 ]"

check "release vb" "$PROG" $NS release $BR vb
check "ip: vb has no master" sh -c "! ip -n $NS -o link show vb | grep -q master"
check "ip: the others stay" test "$(ip -n $NS -o link show master $BR | wc -l)" = 3
ip -n $A neigh flush dev eth0 2>/dev/null
check "frames no longer cross (vb released)" \
    sh -c "! ip netns exec $A ping -c 1 -W 1 -q 10.77.0.2"

check "delete" "$PROG" $NS delete $BR
check "ip: the bridge is gone" sh -c "! ip -n $NS link show $BR 2>/dev/null"
for p in ittap0 ittap1 va vb; do
    check "ip: $p survives, without a master" \
        sh -c "ip -n $NS -o link show $p | grep -qv master"
done
[ "$FAILS" = 0 ]
