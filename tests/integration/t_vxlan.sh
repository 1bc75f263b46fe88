#!/bin/sh
# A LAN stretched over kernel VXLAN between two stand-in hosts (issue 12):
# namespaces umlab-itvx-ha and umlab-itvx-hb joined by a veth underlay
# (203.0.113.1/24 and .2/24). In each, tests/prog/vxlan_lab opens a lab in a
# namespace of its own (umlab-itvxa / umlab-itvxb, as --netns does) with
# bridge lan0 and a VXLAN port (VNI 42) to the other host, whose UDP socket
# stays in the host's namespace; a veth end per bridge (namespaces
# umlab-itvx-ea / -eb, 10.79.0.1 and .2) stands in for a guest. The ends ping
# across, full 1450-byte frames pass and 1500-byte ones do not (the MTU
# decision), the VXLAN counters move. Host A is then killed: B keeps its
# device and its peer; `umlab cleanup` on A releases A's port before deleting
# A's device and removes nothing of B's; B closes cleanly. (root)
. "$(dirname "$0")/lib.sh"
need_root
PROG=$(test_prog vxlan_lab) || exit 1
HA=umlab-itvx-ha
HB=umlab-itvx-hb
EA=umlab-itvx-ea
EB=umlab-itvx-eb
LA=itvxa
LB=itvxb
tmp=
pida=
pidb=
cleanup() {
    exec 3>&- 4>&-
    for p in $pida $pidb; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    ip netns exec $HA "$UMLAB" cleanup $LA >/dev/null 2>&1
    ip netns exec $HB "$UMLAB" cleanup $LB >/dev/null 2>&1
    force_cleanup_lab $LA
    force_cleanup_lab $LB
    for ns in $HA $HB $EA $EB; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$tmp"
    return 0
}
cleanup
tmp=$(mktemp -d)
trap cleanup EXIT INT TERM

for ns in $HA $HB $EA $EB; do ip netns add $ns || exit 1; done
ip -n $HA link add ul0 type veth peer name ul0 netns $HB &&
    ip -n $HA addr add 203.0.113.1/24 dev ul0 && ip -n $HA link set ul0 up &&
    ip -n $HB addr add 203.0.113.2/24 dev ul0 && ip -n $HB link set ul0 up || exit 1

dir=$(dirname "$UMLAB")
rootfs=$dir/rootfs.ext2
[ -f "$rootfs" ] || rootfs=$dir/build/rootfs.ext2

# One host: vxlan_lab in its namespace, fed by a fifo (close = a line on it),
# held open read-write here so that neither side's open blocks.
mkfifo "$tmp/a.in" "$tmp/b.in" || exit 1
exec 3<>"$tmp/a.in" 4<>"$tmp/b.in"
"$PROG" $HA $LA lan0 42 ul0 203.0.113.2 $EA "$rootfs" <"$tmp/a.in" >"$tmp/a.out" 2>&1 &
pida=$!
"$PROG" $HB $LB lan0 42 ul0 203.0.113.1 $EB "$rootfs" <"$tmp/b.in" >"$tmp/b.out" 2>&1 &
pidb=$!
wait_for "$tmp/a.out" '^ready' 30 && wait_for "$tmp/b.out" '^ready' 30
ready=$?
cat "$tmp/a.out"
echo "-- host B:"
cat "$tmp/b.out"
check "both hosts set up" test $ready = 0
check "host A: every check held so far" sh -c "! grep -q '^FAIL' '$tmp/a.out'"
check "host B: every check held so far" sh -c "! grep -q '^FAIL' '$tmp/b.out'"
vxa=$(sed -n 's/^ready \([^ ]*\) .*/\1/p' "$tmp/a.out")
vxb=$(sed -n 's/^ready \([^ ]*\) .*/\1/p' "$tmp/b.out")
mtu=$(sed -n 's/^ready [^ ]* \([0-9]*\)/\1/p' "$tmp/a.out")
check "the LAN's NIC MTU is 1450 (a 1500 underlay)" test "$mtu" = 1450
[ -n "$vxa" ] && [ -n "$vxb" ] || exit 1

check "ip: $vxa is a vxlan with VNI 42 and dstport 4789, in A's lab namespace" \
    sh -c "ip -n umlab-$LA -d link show $vxa | grep -q 'vxlan id 42 .*dstport 4789'"
check "ip: $vxa is a port of lan0" sh -c "ip -n umlab-$LA -o link show $vxa | grep -q 'master lan0 '"
check "ip: no $vxa in host A's own namespace" sh -c "! ip -n $HA link show $vxa 2>/dev/null"
check "bridge: $vxa's peer is 203.0.113.2 (all-zeros entry)" \
    sh -c "bridge -n umlab-$LA fdb show dev $vxa | grep -q '^00:00:00:00:00:00 dst 203.0.113.2 '"
check "ss: the VXLAN socket (UDP 4789) is in host A's namespace, not the lab's" \
    sh -c "ip netns exec $HA ss -Hlun | grep -q ':4789 ' &&
           ! ip netns exec umlab-$LA ss -Hlun | grep -q ':4789 '"

# The stand-in guests, with the MTU the decision gave the LAN.
ip -n $EA addr add 10.79.0.1/24 dev eth0 && ip -n $EA link set eth0 mtu "$mtu" up &&
    ip -n $EB addr add 10.79.0.2/24 dev eth0 && ip -n $EB link set eth0 mtu "$mtu" up || exit 1
check "A's end pings B's across the VXLAN" ip netns exec $EA ping -c 3 -W 2 -i 0.2 -q 10.79.0.2
check "a full frame (1450-byte packet, DF) crosses" \
    ip netns exec $EA ping -c 1 -W 2 -M do -s 1422 -q 10.79.0.2
# Without the decision: a 1500-byte packet is dropped at the VXLAN port.
ip -n $EA link set eth0 mtu 1500
check "a 1500-byte packet does not (what 1450 is for)" \
    sh -c "! ip netns exec $EA ping -c 1 -W 1 -M do -s 1472 -q 10.79.0.2"
ip -n $EA link set eth0 mtu "$mtu"

stat_of() { # NETNS DEV rx|tx: packets
    ip -n "$1" -s -j link show "$2" | jq -r ".[0].stats64.$3.packets"
}
rx=$(stat_of umlab-$LA "$vxa" rx)
tx=$(stat_of umlab-$LA "$vxa" tx)
ulrx=$(stat_of $HA ul0 rx)
echo "counters: $vxa rx=$rx tx=$tx; underlay ul0 rx=$ulrx"
check "the VXLAN counters moved both ways" sh -c "[ '${rx:-0}' -ge 4 ] && [ '${tx:-0}' -ge 4 ]"
check "the frames went over the underlay" sh -c "[ '${ulrx:-0}' -ge '${rx:-0}' ]"

# Host A dies: B keeps everything.
kill -9 $pida
wait $pida 2>/dev/null
pida=
check "B: $vxb still a VXLAN port of lan0, up" \
    sh -c "ip -n umlab-$LB -o link show $vxb | grep -q ',UP.*master lan0 '"
check "B: its peer 203.0.113.1 is still there" \
    sh -c "bridge -n umlab-$LB fdb show dev $vxb | grep -q '^00:00:00:00:00:00 dst 203.0.113.1 '"
check "B: its end is still up on lan0" \
    sh -c "ip -n umlab-$LB -o link show vxend | grep -q ',UP.*master lan0 '"

ip netns exec $HA "$UMLAB" cleanup $LA >"$tmp/clean.out" 2>&1
crc=$?
cat "$tmp/clean.out"
check "cleanup of A succeeded" test $crc = 0
rel=$(grep -n "release $vxa from bridge lan0" "$tmp/clean.out" | cut -d: -f1)
del=$(grep -n "delete vxlan $vxa (VNI 42)" "$tmp/clean.out" | cut -d: -f1)
check "cleanup released A's port before deleting A's device" \
    sh -c "[ -n '$rel' ] && [ -n '$del' ] && [ '$rel' -lt '$del' ]"
assert_lab_gone $LA
check "no VXLAN left in host A's namespace" sh -c "! ip -n $HA -d link show | grep -q vxlan"
n=0
while ip netns exec $HA ss -Hlun | grep -q ':4789 ' && [ $n -lt 20 ]; do
    sleep 0.1
    n=$((n + 1))
done
check "host A's UDP 4789 socket is closed" sh -c "! ip netns exec $HA ss -Hlun | grep -q ':4789 '"
check "B's device survived A's cleanup" \
    sh -c "ip -n umlab-$LB -d link show $vxb | grep -q 'vxlan id 42 '"
check "B's socket survived A's cleanup" sh -c "ip netns exec $HB ss -Hlun | grep -q ':4789 '"
check "B: A's end no longer answers" sh -c "! ip netns exec $EB ping -c 1 -W 1 -q 10.79.0.1"

# B closes cleanly: its lab undoes its own records.
echo close >&4
wait $pidb
brc=$?
pidb=
echo "-- host B, closing:"
sed -n '/^ready/,$p' "$tmp/b.out"
check "B: vxlan_lab exited 0 (every check held, lab_close undid everything)" test $brc = 0
assert_lab_gone $LB
check "no VXLAN left in host B's namespace" sh -c "! ip -n $HB -d link show | grep -q vxlan"
[ "$FAILS" = 0 ]
