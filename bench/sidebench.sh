#!/bin/sh
# The side pane's whole refresh, reading included: N taps (guests g1.. on
# tap0.., each with its /32 route and proxy_arp) and R iptables rules (nat
# POSTROUTING and filter FORWARD, as a NAT lab has them, then more FORWARD
# rules up to R) in a namespace of its own, and build/sidebench reading the
# snapshot from it ITER times (root; nothing outside the namespace).
#   usage: make sidebench; bench/sidebench.sh [N] [R] [ITER]   (32 200 1000)
# Result: bench/out/sidebench-N-TIME.md (and on stdout).
set -eu
N=${1:-32}
R=${2:-200}
ITER=${3:-1000}
BIN=${SIDEBENCH:-$(dirname "$0")/../build/sidebench}
NS=sidebench$$
cleanup() { ip netns del $NS 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add $NS
x() { ip netns exec $NS "$@"; }
{
    echo "link set lo up"
    echo "link add uplink0 type veth peer name uplink0p"
    echo "link set uplink0 up"
    i=0
    while [ $i -lt "$N" ]; do
        echo "tuntap add dev tap$i mode tap"
        echo "link set tap$i up"
        echo "addr add 10.0.255.254/32 dev tap$i"
        echo "route add 10.0.$((i / 250)).$((i % 250 + 1))/32 dev tap$i"
        i=$((i + 1))
    done
} | x ip -batch -
x sysctl -qw net.ipv4.ip_forward=1
i=0
while [ $i -lt "$N" ]; do
    x sysctl -qw net.ipv4.conf.tap$i.proxy_arp=1
    i=$((i + 1))
done
{
    echo "*nat"
    echo "-A POSTROUTING -s 10.0.0.0/16 -o uplink0 -m comment --comment umlab:bench -j MASQUERADE"
    echo "COMMIT"
    echo "*filter"
    k=1 i=0
    while [ $i -lt "$N" ] && [ $k -lt "$R" ]; do
        echo "-A FORWARD -i tap$i -o uplink0 -m comment --comment umlab:bench -j ACCEPT"
        echo "-A FORWARD -i uplink0 -o tap$i -m comment --comment umlab:bench -j ACCEPT"
        i=$((i + 1)) k=$((k + 2))
    done
    while [ $k -lt "$R" ]; do
        echo "-A FORWARD -s 10.1.$((k / 250)).$((k % 250))/32 -m comment --comment other$k -j DROP"
        k=$((k + 1))
    done
    echo "COMMIT"
} | x iptables-legacy-restore
out=$(dirname "$0")/out
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
res=$(x ${WRAP:-} "$BIN" "$N" "$R" "$ITER" live) || exit 1
echo "$res"
printf '%s (%s, %s CPUs, load %s before, %s after)\n' "$res" "$stamp" "$(nproc)" "$load0" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" >"$out/sidebench-$N-$stamp.md"
