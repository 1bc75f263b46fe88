#!/bin/sh
# link and netem on a real sandboxed lab (root; umlab creates namespaces
# umlab-itnetem and umlab-itnetem-inet, the test checks they are gone after):
# netem delays and drops g1's pings (where the kernel has sch_netem; this
# project's CI kernel has not, and the test then checks umlab names that), a
# tbf rate slows a real flow, someone else's root qdisc is refused and left,
# `link g1 down` stops the pings and drops the host route, `link g1 up` puts
# both back, status lists the faults, bad input changes nothing, each change
# comes with shell equivalents that do the same when typed. A LAN's bridge
# takes the same faults, undone by `lan del` before the bridge goes, as
# `guest del` undoes a guest's before its tap. The lab's end undoes the faults
# left on; after a kill -9, `umlab cleanup` removes the qdisc and brings the
# link up before it deletes the tap.
. "$(dirname "$0")/lib.sh"
need_root
LAB=itnetem
NS=umlab-$LAB
dir=$(mktemp -d)
out=$dir/out
fifo=$dir/in
pid=
cleanup() {
    exec 3>&- 2>/dev/null
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    force_cleanup_lab $LAB
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
force_cleanup_lab $LAB

# start: a sandboxed umlab reading batch lines from the fifo, JSON out
start() {
    : >"$out"
    rm -f "$fifo"
    mkfifo -m 0600 "$fifo"
    "$UMLAB" --sandbox --lab $LAB --json --keep-going --batch - <"$fifo" >"$out" 2>"$dir/err" &
    pid=$!
    exec 3>"$fifo"
    nline=0
}
# run COMMAND: sends one batch line and waits for its JSON answer
run() {
    nline=$((nline + 1))
    printf '%s\n' "$*" >&3
    if ! wait_for "$out" "^\\{\"line\":$nline," 90; then
        fail "no answer to line $nline: $*"
        exit 1
    fi
}
res() { jline "$out" "$nline" "$1"; }
root_qdisc() { tc -n $NS qdisc show dev tap0 | grep ' root'; }
int() { printf '%.0f\n' "$1" 2>/dev/null || echo 0; } # "123.4" -> 123

start
run guest add g1 --ip auto
run wait g1
run status
addr=$(res '.result.guests[0].address')
run ping g1 host --count 3
check "g1 pings the host" test "$(res .ok)" = true
echo "rtt without emulation: $(res .result.rtt_avg_ms) ms"

# --- netem: delay, loss, off (needs sch_netem in the kernel)
run netem g1 delay 100ms
if [ "$(res .ok)" = true ]; then
    check "netem: umlab's netem 1ab: is tap0's root" sh -c "tc -n $NS qdisc show dev tap0 | grep -q '^qdisc netem 1ab: root'"
    run ping g1 host --count 3
    check "netem delay 100ms: ping passes" test "$(res .ok)" = true
    min=$(int "$(res .result.rtt_min_ms)")
    check "netem delay 100ms: rtt min $min ms >= 100" test "$min" -ge 100
    run netem g1 loss 100%
    run ping g1 host --count 2
    check "netem loss 100%: ping fails" test "$(res .ok)" = false
    run netem g1 off
    check "netem off" test "$(res .ok)" = true
    run ping g1 host --count 3
    check "after netem off: ping passes" test "$(res .ok)" = true
    max=$(int "$(res .result.rtt_max_ms)")
    check "after netem off: rtt max $max ms < 100" test "$max" -lt 100
else
    check "no netem in this kernel: umlab names it ($(res .error))" \
        sh -c "jq -r 'select(.line == $nline) | .error' '$out' | grep -q 'this kernel has no netem qdisc'"
    check "nothing of umlab's is left on tap0" sh -c "! tc -n $NS qdisc show dev tap0 | grep -q ' 1ab: '"
    run status
    check "and no fault is listed" test "$(res '.result.faults | length')" = 0
    echo "skip: netem delay/loss timing (this kernel has no sch_netem)"
fi

# --- rate (tbf): a real flow slowed, shown, removed
run netem g1 rate 64kbit
check "netem rate 64kbit" test "$(res .ok)" = true
check "rate: umlab's tbf 1ab: is tap0's root" sh -c "tc -n $NS qdisc show dev tap0 | grep -q '^qdisc tbf 1ab: root'"
run netem g1
check "netem g1 shows the rate read back" test "$(res .result.netem.rate_bps)" = 64000
run status
check "status lists the fault on tap0" test "$(res '.result.faults[0].interface')" = tap0
check "status: target g1, rate 64000, not down" \
    test "$(res '.result.faults[0] | "\(.target) \(.netem.rate_bps) \(.down)"')" = "g1 64000 false"
# 1428-byte frames toward g1 at 64 kbit/s take ~180 ms each: 20 a second queue up
slow=$(ip netns exec $NS ping -q -c 10 -i 0.05 -s 1400 -W 3 "$addr" |
    sed -n 's|.* = [0-9.]*/\([0-9]*\)[0-9.]*/.*|\1|p')
check "a 64kbit tap slows pings of 1400 bytes to g1 (avg ${slow:-?} ms > 100)" test "${slow:-0}" -gt 100
run netem g1 rate 64kbit
make_line=$(res '.shell[]? | select(test("qdisc replace"))' | sed 's/^\$ //')
check "the shell equivalent of netem rate: '$make_line'" \
    sh -c "echo '$make_line' | grep -q '^tc -n $NS qdisc replace dev tap0 root handle 1ab: tbf rate 64kbit burst [0-9]* latency 400ms$'"
run netem g1 off
check "rate off: the kernel's default root is back" sh -c "tc -n $NS qdisc show dev tap0 | grep ' root' | grep -q ' 0: '"
undo_line=$(res '.shell[]? | select(test("qdisc del"))' | sed 's/^\$ //')
check "the shell equivalent of netem off: '$undo_line'" \
    test "$undo_line" = "tc -n $NS qdisc del dev tap0 root handle 1ab:"
# the shell equivalents are commands a person can type: they do the same
sh -c "$make_line"
check "typed by hand, the make line sets tbf 1ab:" sh -c "tc -n $NS qdisc show dev tap0 | grep -q '^qdisc tbf 1ab: root.*rate 64Kbit'"
sh -c "$undo_line"
check "typed by hand, the undo line removes it" sh -c "! tc -n $NS qdisc show dev tap0 | grep -q ' 1ab: '"
run netem g1 off
check "off again: an error (nothing of umlab's there)" test "$(res .ok)" = false

# --- someone else's root qdisc is refused and left alone
tc -n $NS qdisc replace dev tap0 root handle 1: tbf rate 1mbit burst 32k latency 400ms || exit 1
run netem g1 rate 1mbit
check "someone else's root qdisc: refused" test "$(res .ok)" = false
check "the refusal says so ($(res .error))" sh -c "jq -r 'select(.line == $nline) | .error' '$out' | grep -q 'root qdisc umlab did not set (tbf 1:)'"
check "theirs is still tap0's root" sh -c "tc -n $NS qdisc show dev tap0 | grep -q '^qdisc tbf 1: root'"
tc -n $NS qdisc del dev tap0 root

# --- link down / up
run link g1 down
check "link g1 down" test "$(res '"\(.ok) \(.result.interface) \(.result.changed)"')" = "true tap0 true"
check "its shell equivalent" test "$(res '.shell[0]')" = "\$ ip -n $NS link set tap0 down"
check "tap0 is down" sh -c "! ip -n $NS link show tap0 | grep -q '<.*,UP'"
check "the kernel dropped the host route to g1" sh -c "! ip -n $NS route show $addr | grep -q tap0"
run ping g1 host --count 2
check "link down: ping fails" test "$(res .ok)" = false
run status
check "status lists tap0 as down" test "$(res '.result.faults[0] | "\(.target) \(.down) \(.netem)"')" = "g1 true null"
run link g1 down
check "link down again: nothing changes" test "$(res '"\(.ok) \(.result.changed)"')" = "true false"
run link g1 up
check "link g1 up" test "$(res '"\(.ok) \(.result.changed)"')" = "true true"
check "its shell equivalents: up, and the route put back" \
    test "$(res '[.shell[]] | join("|")')" = "\$ ip -n $NS link set tap0 up|\$ ip -n $NS route add $addr/32 dev tap0"
check "tap0 is up" sh -c "ip -n $NS link show tap0 | grep -q '<.*,UP'"
check "link up put the host route back" sh -c "ip -n $NS route show $addr | grep -q 'dev tap0'"
run ping g1 host --count 2
check "link up: ping passes" test "$(res .ok)" = true
run status
check "no fault listed after up" test "$(res '.result.faults | length')" = 0

# --- bad input: one-line errors, nothing changed
for bad in "link g1 sideways" "link nosuch down" "link g1" "netem nosuch delay 10ms" \
    "netem g1 loss 200%" "netem g1 delay" "netem g1 latency 5ms" "netem g1 delay 0" \
    "netem g1 rate 1000" "link uplink0 down"; do
    run $bad
    check "refused: $bad ($(res .error))" test "$(res .ok)" = false
done
check "bad input left tap0 without umlab's qdisc" sh -c "! tc -n $NS qdisc show dev tap0 | grep -q ' 1ab: '"
check "bad input left uplink0 up" sh -c "ip -n $NS link show uplink0 | grep -q '<.*,UP'"

# --- a LAN: its bridge; lan del undoes the faults before the bridge goes
run lan add l1
run link l1 down
br=$(res .result.interface)
check "link l1 down: its bridge ($br)" test "$(res '"\(.ok) \(.result.changed)"')" = "true true"
check "the bridge is down" sh -c "! ip -n $NS link show $br | grep -q '<.*,UP'"
run netem l1 rate 1mbit
check "netem l1: umlab's tbf on the bridge" sh -c "tc -n $NS qdisc show dev $br | grep -q '^qdisc tbf 1ab: root'"
run status
check "status: l1's fault (down, rate)" \
    test "$(res '.result.faults[] | select(.target == "l1") | "\(.interface) \(.down) \(.netem.rate_bps)"')" = "$br true 1000000"
run lan del l1
check "lan del l1 with faults on" test "$(res .ok)" = true
check "lan del: the qdisc removed and the link up before the bridge is deleted" \
    test "$(res '[.shell[]] | join("|")')" = "\$ tc -n $NS qdisc del dev $br root handle 1ab:|\$ ip -n $NS link set $br up|\$ ip -n $NS link del $br"
check "no bridge left" sh -c "! ip -n $NS link show $br 2>/dev/null"

# --- the lab's end undoes faults left on
run netem g1 rate 1mbit
run link g1 down
exec 3>&-
wait "$pid"
rc=$?
pid=
# 1: the refusals above failed on purpose (--keep-going); a failed undo would say so
check "batch ends with 1 (the refused commands), got $rc" test "$rc" = 1
check "the lab's end undid everything (no 'cleanup:' error)" sh -c "! grep -q 'cleanup:' '$dir/err'"
check "no namespace left, so no qdisc" sh -c "! tc -n $NS qdisc show 2>/dev/null | grep -q ."
assert_lab_gone $LAB

# --- after kill -9: umlab cleanup undoes them, qdisc and link before the tap
start
run guest add g1
run guest add g2
run netem g2 rate 1mbit
run link g2 down
run guest del g2
order=$(res '.shell[]' | grep -e 'tap1' | sed -n -e '/qdisc del/p' -e '/link set tap1 up/p' -e '/link del tap1/p' | tr '\n' '|')
check "guest del g2: its faults undone before its tap ($order)" \
    test "$order" = "\$ tc -n $NS qdisc del dev tap1 root handle 1ab:|\$ ip -n $NS link set tap1 up|\$ ip -n $NS link del tap1|"
run netem g1 rate 1mbit
run link g1 down
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
exec 3>&-
check "the crash left umlab's tbf on tap0" sh -c "tc -n $NS qdisc show dev tap0 | grep -q '^qdisc tbf 1ab: root'"
check "the crash left tap0 down" sh -c "! ip -n $NS link show tap0 | grep -q '<.*,UP'"
"$UMLAB" cleanup $LAB >"$dir/cleanup" 2>&1
check "umlab cleanup succeeds" test $? = 0
order=$(grep -n -e 'remove the link emulation (netem) on tap0' -e 'set link tap0 up' \
    -e 'delete tap tap0' "$dir/cleanup" | sed 's/^[0-9]*:umlab: //' | tr '\n' '|')
check "cleanup: link up, qdisc removed, then the tap deleted ($order)" \
    test "$order" = "set link tap0 up|remove the link emulation (netem) on tap0|delete tap tap0|"
assert_lab_gone $LAB

if [ "$FAILS" != 0 ]; then
    echo "--- umlab output:"
    jq -c '{line, command, ok, error}' "$out" 2>/dev/null || cat "$out"
    cat "$dir/err" "$dir/cleanup" 2>/dev/null
fi
[ "$FAILS" = 0 ]
