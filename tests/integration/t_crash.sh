#!/bin/sh
# After `kill -9` of umlab, `umlab cleanup` leaves the host as it was, and a
# tap and a rule that are not umlab's survive (root). umlab runs "on the host"
# here: the host is a namespace this test creates (itc-host), with a veth
# uplink to another (itc-net, 198.51.100.1) standing in for the internet.
. "$(dirname "$0")/lib.sh"
need_root
H=itc-host
N=itc-net
lab_setup itcrash host_lab_cleanup

in_h() { ip netns exec $H "$@"; }

# H with an uplink to the internet N, and objects of "someone else" that
# umlab must not touch
host_ns $H $N || exit 1
fwd_before=$(in_h cat /proc/sys/net/ipv4/ip_forward)

mkfifo "$work/cmds"
# not through in_h: a function in the background is a subshell, and $! must be umlab
ip netns exec $H "$UMLAB" --lab $LAB --batch "$work/cmds" >"$work/out" 2>&1 &
upid=$!
exec 3>"$work/cmds"
cat >&3 <<'BATCH'
guest add g1 --ip auto
guest add g2 --ip auto
nat on up0
wait g1
ping g1 198.51.100.1 --count 1
echo READY
BATCH

check "umlab got the lab running (NAT ping ok)" wait_for "$work/out" '^READY' 60
check "tap0 exists before the crash" in_h ip link show tap0
check "umlab's rules exist before the crash" sh -c "ip netns exec $H iptables-legacy-save | grep -q umlab:$LAB"
check "ip_forward on before the crash" test "$(in_h cat /proc/sys/net/ipv4/ip_forward)" = 1

kill -9 $upid
wait $upid 2>/dev/null
upid=
exec 3>&-
check "the killed umlab left its state directory" test -d /run/umlab/$LAB

in_h "$UMLAB" cleanup $LAB >"$work/cleanup" 2>&1
rc=$?
check "umlab cleanup succeeds" test $rc = 0
check "cleanup says what it undid" grep -q 'delete tap tap0' "$work/cleanup"
check "no tap0/tap1 left" sh -c "! ip netns exec $H ip link show tap0 2>/dev/null && ! ip netns exec $H ip link show tap1 2>/dev/null"
check "no umlab rule left" sh -c "! ip netns exec $H iptables-legacy-save | grep -q umlab:"
check "no host route to the guests left" sh -c "! ip netns exec $H ip route | grep -q 192.168.0."
check "ip_forward back to $fwd_before" test "$(in_h cat /proc/sys/net/ipv4/ip_forward)" = "$fwd_before"
check "someone else's tap keep0 is still there" in_h ip link show keep0
check "someone else's FORWARD rule is still there" \
    sh -c "ip netns exec $H iptables-legacy-save | grep -q 'comment test-own'"
check "someone else's nat rule is still there" \
    sh -c "ip netns exec $H iptables-legacy-save -t nat | grep -q 'comment test-own-nat'"
check "up0 is still there" in_h ip link show up0
assert_lab_gone $LAB
in_h "$UMLAB" cleanup $LAB >"$work/cleanup2" 2>&1
check "a second cleanup has nothing to do" grep -q 'nothing to clean up' "$work/cleanup2"
# killed before its journal existed: only the directory to remove
mkdir -p /run/umlab/$LAB
check "cleanup of a lab killed before its first record" in_h "$UMLAB" cleanup $LAB
check "...removes its state directory" test ! -e /run/umlab/$LAB
if [ "$FAILS" != 0 ]; then
    echo "--- umlab output:"; cat "$work/out"; echo "--- cleanup:"; cat "$work/cleanup"
fi
[ "$FAILS" = 0 ]
