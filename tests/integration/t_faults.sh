#!/bin/sh
# Fault matrix (root). Part A: umlab is killed with -9 at a random point of a
# scripted session (seeded: FAULT_SEED=N to replay, FAULT_ITER=N iterations),
# then `umlab cleanup` must give back the "host" exactly as it was: links,
# addresses, routes, iptables (filter and nat) and the sysctls forwarding
# touches, with someone else's tap, rules and route untouched. The host is a
# namespace of this test (itf-h) with a veth uplink to itf-net.
# Part B: faults under a running sandbox lab: a guest killed, a guest stopped
# (mconsole calls time out, umlab answers the next command), a tap deleted
# behind umlab's back, the uplink vanishing.
. "$(dirname "$0")/lib.sh"
need_root
LAB=itf
LABB=itfb
H=itf-h
N=itf-net
SEED=${FAULT_SEED:-$(date +%s)}
ITER=${FAULT_ITER:-50}
cleanup() {
    host_lab_cleanup
    force_cleanup_lab $LABB
}
lab_setup $LAB cleanup
in_h() { ip netns exec $H "$@"; }
echo "fault matrix: seed $SEED, $ITER iterations (FAULT_SEED=$SEED to replay)"

host_ns $H $N || exit 1
# someone else's objects
in_h ip route add 10.99.0.0/24 via 198.51.100.1 dev up0
in_h sysctl -qw net.ipv4.conf.up0.accept_redirects=0

snapshot() {
    ip -n $H -o link show | sed 's/^[0-9]*: //' | sort
    # IPv4 only: IPv6 link-local addresses settle (DAD) on their own meanwhile
    ip -n $H -4 -o addr show | sed 's/^[0-9]*: //' | sort
    ip -n $H -4 route show table all | sort
    in_h iptables-legacy-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
    in_h sh -c 'cd /proc/sys/net/ipv4 && for f in ip_forward conf/*/forwarding \
        conf/*/accept_redirects conf/*/send_redirects conf/*/proxy_arp; do
        echo "$f $(cat $f)"; done'
}
snapshot >"$work/before"

# random numbers from the seed: one per line, 0..999
awk -v s="$SEED" -v n="$ITER" 'BEGIN { srand(s); for (i = 0; i < n; i++) print int(rand() * 1000) }' \
    >"$work/rand"
i=0
bad=0
while read -r r; do
    i=$((i + 1))
    rm -f "$work/cmds"
    mkfifo "$work/cmds"
    ip netns exec $H "$UMLAB" --lab $LAB --keep-going --batch "$work/cmds" >"$work/out" 2>&1 &
    upid=$!
    exec 3>"$work/cmds"
    cat >&3 <<'BATCH'
guest add g1 --ip auto
nat on up0
guest add g2 --ip auto
ip g1 192.168.0.7
guest del g2
nat off
guest add g3 --ip auto
nat on up0
sleep 10
BATCH
    # 0..2 s: spread over setup, the commands and the idle session
    sleep "$(awk -v r="$r" 'BEGIN { printf "%.3f", r * 2 / 1000 }')"
    kill -9 $upid
    wait $upid 2>/dev/null
    upid=
    exec 3>&-
    if ! in_h "$UMLAB" cleanup $LAB >"$work/cleanup" 2>&1; then
        fail "iteration $i (delay $r): cleanup failed"
        cat "$work/cleanup"
        bad=1
    fi
    snapshot >"$work/after"
    if ! diff -u "$work/before" "$work/after" >"$work/diff"; then
        fail "iteration $i (delay $r): the host differs from its snapshot"
        cat "$work/diff"
        bad=1
    fi
    if [ -e /run/umlab/$LAB ] || pgrep -f "[u]mid=umlab-$LAB-" >/dev/null; then
        fail "iteration $i (delay $r): state dir or guest process left"
        bad=1
    fi
    [ $bad = 1 ] && break
done <"$work/rand"
check "$i kill -9 iterations: cleanup restored the host every time" test $bad = 0
check "someone else's tap keep0 survived" in_h ip link show keep0
check "someone else's route survived" sh -c "ip -n $H route | grep -q '^10.99.0.0/24'"
check "someone else's rules survived" sh -c \
    "ip netns exec $H iptables-legacy-save | grep -q test-own && ip netns exec $H iptables-legacy-save | grep -q test-own-nat"

# --- Part B: faults under a running sandbox lab
rm -f "$work/cmds"
mkfifo "$work/cmds"
"$UMLAB" --lab $LABB --sandbox --keep-going --batch "$work/cmds" >"$work/outb" 2>&1 &
upid=$!
exec 3>"$work/cmds"
cat >&3 <<'BATCH'
guest add g1 --ip auto
guest add g2 --ip auto
nat on
wait g1 60
wait g2 60
screen g1 15
echo BOOTED
BATCH
check "two guests booted" wait_for "$work/outb" '^BOOTED' 120
# a guest killed behind umlab's back
pkill -9 -f "[u]mid=umlab-$LABB-g2 " 
sleep 1
echo "status" >&3
echo "echo STATUS-DONE" >&3
check "umlab noticed the killed guest" wait_for "$work/outb" '^STATUS-DONE' 15
check "status says g2 exited" sh -c "sed -n '/^> status/,/^STATUS-DONE/p' '$work/outb' | grep -w g2 | grep -qi exit"
# a stopped guest: mconsole calls time out, the next command still runs
pkill -STOP -f "[u]mid=umlab-$LABB-g1 "
t0=$(date +%s)
echo "guest halt g1" >&3
echo "echo AFTER-HALT" >&3
check "umlab answers after a halt of a stopped guest" wait_for "$work/outb" '^AFTER-HALT' 30
check "...within 20 s" test $(($(date +%s) - t0)) -le 20
pkill -CONT -f "[u]mid=umlab-$LABB-g1 "
# g2's tap deleted behind umlab's back: guest del still succeeds
ip -n umlab-$LABB link del tap1
echo "guest del g2" >&3
echo "echo AFTER-DEL" >&3
check "guest del with its tap gone completes" wait_for "$work/outb" '^AFTER-DEL' 15
check "...without an error" sh -c "! sed -n '/^> guest del g2/,/^AFTER-DEL/p' '$work/outb' | grep -qi 'error'"
# the uplink vanishes: nat off and exit neither hang nor fail the whole undo
ip -n umlab-$LABB link del uplink0
echo "nat off" >&3
echo "echo AFTER-NAT" >&3
check "nat off with the uplink gone completes" wait_for "$work/outb" '^AFTER-NAT' 15
exec 3>&-
t0=$(date +%s)
n=0
while kill -0 $upid 2>/dev/null && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
check "umlab exits within 30 s after all that" sh -c "! kill -0 $upid 2>/dev/null"
upid=
assert_lab_gone $LABB

if [ "$FAILS" != 0 ]; then
    echo "--- part B output:"; cat "$work/outb"
fi
[ "$FAILS" = 0 ]
