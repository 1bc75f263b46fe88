#!/bin/sh
# netcfg/qdisc in namespaces of its own (no guest; root): umlab's root qdisc
# (tbf for a rate, netem for delay/loss) replaces the kernel's default, is read
# back, slows a real ping, and is removed leaving the default; someone else's
# root qdisc is refused and never removed. A kernel without netem (this
# project's CI kernel has no CONFIG_NET_SCH_NETEM) must be named as the cause
# and must leave umlab's previous emulation in place.
# (namespaces umlab-itq, umlab-itq-b.)
. "$(dirname "$0")/lib.sh"
need_root
PROG=$(test_prog qdisc_ns) || exit 1
NS=umlab-itq
B=umlab-itq-b
cleanup() {
    for ns in $NS $B; do ip netns del "$ns" 2>/dev/null; done
    [ -n "${dir:-}" ] && rm -rf "$dir"
    return 0
}
cleanup
dir=$(mktemp -d)
trap cleanup EXIT INT TERM

for ns in $NS $B; do ip netns add $ns || exit 1; done
ip -n $NS link add va type veth peer name vb netns $B &&
    ip -n $NS addr add 10.78.0.1/24 dev va && ip -n $NS link set va up &&
    ip -n $B addr add 10.78.0.2/24 dev vb && ip -n $B link set vb up || exit 1
# avg rtt (ms, integer part) of COUNT pings of SIZE bytes every INTERVAL s
rtt_avg() {
    ip netns exec $NS ping -q -c "$1" -s "$2" -i "$3" -W 2 10.78.0.2 |
        sed -n 's|.* = [0-9.]*/\([0-9]*\)[0-9.]*/.*|\1|p'
}

check "the kernel's default is read as default, not ours" \
    sh -c "'$PROG' $NS get va | grep -q 'default=1 ours=0'"
base=$(rtt_avg 5 1400 0.05)
echo "rtt without emulation: ${base:-?} ms"

check "set rate 64kbit (tbf)" "$PROG" $NS set va rate 64000
check "tc: tbf 1ab: is the root" sh -c "tc -n $NS qdisc show dev va | grep -q '^qdisc tbf 1ab: root'"
check "read back: ours, rate 64000" sh -c "'$PROG' $NS get va | grep -q 'kind=tbf handle=1ab0000 default=0 ours=1 .*rate=64000'"
# 1428-byte frames at 64 kbit/s take ~180 ms each; 20 a second queue up.
slow=$(rtt_avg 10 1400 0.05)
echo "rtt at 64kbit: ${slow:-?} ms"
check "a 64kbit link slows a ping of 1400 bytes (avg ${slow:-?} ms > 100)" \
    test "${slow:-0}" -gt 100

check "set again (a different rate) replaces it" "$PROG" $NS set va rate 1000000
check "read back: rate 1000000" sh -c "'$PROG' $NS get va | grep -q 'ours=1 .*rate=1000000'"

"$PROG" $NS set va delay 100000 loss 10 2>"$dir/err"
rc=$?
if [ $rc = 0 ]; then
    check "read back: netem delay 100 ms, loss 10%" \
        sh -c "'$PROG' $NS get va | grep -q 'kind=netem handle=1ab0000 .*ours=1 delay=100000 .*loss=10.000'"
    d=$(rtt_avg 3 56 0.2)
    check "netem delays the ping (avg ${d:-?} ms >= 100)" test "${d:-0}" -ge 100
else
    check "no netem in this kernel: exit 4 (EOPNOTSUPP), got $rc" test $rc = 4
    check "the kernel's lack is named" grep -q 'this kernel has no netem qdisc' "$dir/err"
    check "umlab's previous emulation stays (tbf 1mbit)" \
        sh -c "'$PROG' $NS get va | grep -q 'kind=tbf .*ours=1 .*rate=1000000'"
    echo "skip: netem timing (this kernel has no sch_netem)"
fi

check "clear removes ours" sh -c "'$PROG' $NS clear va | grep -q removed=1"
check "tc: the kernel's default is back" sh -c "tc -n $NS qdisc show dev va | grep ' root ' | grep -q ' 0: '"
check "clear again: nothing to remove, no error" sh -c "'$PROG' $NS clear va | grep -q removed=0"
fast=$(rtt_avg 5 1400 0.05)
check "the ping is fast again (avg ${fast:-?} ms < 50)" test "${fast:-999}" -lt 50

# someone else's root qdisc
tc -n $NS qdisc replace dev va root handle 1: tbf rate 1mbit burst 32k latency 400ms || exit 1
"$PROG" $NS set va rate 64000 2>"$dir/err"
rc=$?
check "someone else's root qdisc: refused with EEXIST (exit 3, got $rc)" test $rc = 3
check "the refusal names it" grep -q 'root qdisc umlab did not set (tbf 1:)' "$dir/err"
check "clear leaves it alone" sh -c "'$PROG' $NS clear va | grep -q removed=0"
check "tc: theirs is still the root" sh -c "tc -n $NS qdisc show dev va | grep -q '^qdisc tbf 1: root'"
check "a missing interface is an error" sh -c "! '$PROG' $NS get nosuch 2>/dev/null"
check "clear of a missing interface is success" sh -c "'$PROG' $NS clear nosuch | grep -q removed=0"
[ "$FAILS" = 0 ]
