#!/bin/sh
# vxlan_mesh.sh — how a LAN stretched over VXLAN (issue 12, docs/MULTIHOST.md)
# grows with the number of hosts, on one machine: N stand-in hosts (namespaces
# umlab-bvx-hI) on one underlay switch (a bridge in umlab-bvx-sw, 203.0.113.I),
# each with a lab namespace (umlab-bvx-lI: bridge br0 and the VXLAN port made
# as umlab makes it: from the host's namespace, VNI 42, port 4789, learning,
# one all-zeros FDB entry per other host = a full mesh) and a stand-in guest
# behind a veth (umlab-bvx-eI, 10.80.I/16, MTU 1450). No guests boot: this
# measures the kernel's VXLAN as umlab sets it up, not UML.
#
# Prints per N: setup time, how many underlay packets one ARP broadcast costs
# the sending host (a few, averaged), the time for every guest to ping every other once, and
# the RTT across the VXLAN next to the bare underlay's.
#   usage: flock /tmp/umlab-uml.lock sh bench/vxlan_mesh.sh [N...]   (root; default 2 8 16 32)
set -u
[ "$(id -u)" = 0 ] || { echo "vxlan_mesh: needs root (namespaces)" >&2; exit 1; }
P=umlab-bvx
SW=$P-sw
nmax=0
cleanup() {
    ip netns del $SW 2>/dev/null
    i=1
    while [ $i -le $nmax ]; do
        for k in h l e; do ip netns del $P-$k$i 2>/dev/null; done
        i=$((i + 1))
    done
    return 0
}
trap cleanup EXIT INT TERM
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
addr() { echo "$(($1 / 256)).$(($1 % 256))"; } # I -> the last two bytes of 10.80.x.y

build() { # N
    n=$1
    ip netns add $SW && ip -n $SW link add sw type bridge && ip -n $SW link set sw up || return 1
    i=1
    while [ $i -le "$n" ]; do
        h=$P-h$i l=$P-l$i g=$P-e$i
        for ns in $h $l $g; do
            # no IPv6 chatter (router solicitations, MLD) in the counts
            ip netns add $ns && ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
                net.ipv6.conf.default.disable_ipv6=1 || return 1
        done
        ip -n $SW link add p$i type veth peer name ul0 netns $h &&
            ip -n $SW link set p$i master sw up &&
            ip -n $h addr add 203.0.113.$i/24 dev ul0 && ip -n $h link set ul0 up &&
            ip -n $h link add vx0 netns $l type vxlan id 42 dstport 4789 learning dev ul0 &&
            ip -n $l link add br0 type bridge && ip -n $l link set br0 up &&
            ip -n $l link set vx0 master br0 up &&
            ip -n $l link add end type veth peer name eth0 netns $g &&
            ip -n $l link set end master br0 up &&
            ip -n $g addr add 10.80.$(addr $i)/16 dev eth0 &&
            ip -n $g link set eth0 mtu 1450 up || return 1
        j=1
        while [ $j -le "$n" ]; do
            [ $j = $i ] || bridge -n $l fdb append 00:00:00:00:00:00 dst 203.0.113.$j dev vx0 ||
                return 1
            j=$((j + 1))
        done
        i=$((i + 1))
    done
}

# Packets the kernel dropped because a CPU's backlog was full (all CPUs):
# veths deliver through it, so a burst on this one-machine underlay can drop.
backlog_drops() {
    t=0
    for d in $(awk '{print $2}' /proc/net/softnet_stat); do t=$((t + 0x$d)); done
    echo $t
}

tx_of() { ip -n "$1" -s -j link show "$2" | jq -r '.[0].stats64.tx.packets'; }

for n in ${*:-2 8 16 32}; do
    [ "$n" -gt $nmax ] && nmax=$n
    [ "$n" -le 250 ] || { echo "vxlan_mesh: N must be at most 250" >&2; exit 1; }
    cleanup
    t0=$(now)
    build "$n" || { echo "vxlan_mesh: setup failed at N=$n" >&2; exit 1; }
    t1=$(now)
    # Every guest pings every other once (the first crossing learns the MACs).
    t2=$(now)
    drops0=$(backlog_drops)
    lost=0
    i=1
    while [ $i -le "$n" ]; do
        j=1
        while [ $j -le "$n" ]; do
            if [ $j != $i ]; then
                if ! ip netns exec $P-e$i ping -c 1 -W 2 -q 10.80.$(addr $j) >/dev/null 2>&1; then
                    lost=$((lost + 1))
                    [ $lost -le 5 ] && echo "lost: e$i -> e$j" >&2
                fi
            fi
            j=$((j + 1))
        done
        i=$((i + 1))
    done
    t3=$(now)
    drops=$(($(backlog_drops) - drops0))
    # ARP broadcasts once the underlay's ARP caches are warm: pings to an
    # address nobody has (a ping meeting a fresh failure sends none: counted).
    ip netns exec $P-e1 sysctl -qw net.ipv4.neigh.eth0.mcast_solicit=1
    before=$(tx_of $P-h1 ul0)
    bcast0=$(tx_of $P-e1 eth0)
    for k in 1 2 3; do
        ip netns exec $P-e1 ping -c 1 -W 1 10.80.250.250 >/dev/null 2>&1
    done
    after=$(tx_of $P-h1 ul0)
    bcasts=$(($(tx_of $P-e1 eth0) - bcast0))
    rtt_vx=$(ip netns exec $P-e1 ping -c 50 -i 0.01 -q 10.80.$(addr "$n") | sed -n 's|.*= [^/]*/\([^/]*\)/.*|\1|p')
    rtt_ul=$(ip netns exec $P-h1 ping -c 50 -i 0.01 -q 203.0.113.$n | sed -n 's|.*= [^/]*/\([^/]*\)/.*|\1|p')
    echo "N=$n hosts: setup $(secs "$t0" "$t1") s; one ARP broadcast = $(echo "scale=1; ($after - $before) / $bcasts" | bc) underlay packets from its host ($bcasts broadcasts); $((n * (n - 1))) pings all-pairs in $(secs "$t2" "$t3") s, $lost lost ($drops backlog drops); RTT vxlan ${rtt_vx} ms vs underlay ${rtt_ul} ms"
done
