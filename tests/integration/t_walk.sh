#!/bin/sh
# The packet walk and the ping matrix on a sandboxed lab (root; umlab creates
# namespaces umlab-itwalk and umlab-itwalk-inet, checked gone after).
# matrix (every row pinged: the embedded image's guests answer on their
# control channel): the host's route to g2 deleted turns host -> g2 and
# g1 -> g2 to fail; `ip g2` puts it back and both pass; g1 -> internet passes
# only after `nat on`. g2's control channel stopped (its shell loop gets
# SIGSTOP): g2's row turns unknown, g1's and the host's are still measured.
# ping --walk: with NAT off the count stops at uplink0 rx (the stand-in
# internet has no way back; the sleep lets the new links' IPv6 chatter, which
# the interface counters count too, die down first); through NAT it lists tap0 rx, FORWARD,
# MASQUERADE, uplink0 tx, uplink0 rx, FORWARD, tap0 tx, each moved.
. "$(dirname "$0")/lib.sh"
need_root
LAB=itwalk
out=$(mktemp)
trap 'force_cleanup_lab $LAB; rm -f "$out"' EXIT INT TERM
force_cleanup_lab $LAB

"$UMLAB" --sandbox --lab $LAB --json --keep-going --batch - >"$out" 2>&1 <<'BATCH'
guest add g1 --ip 192.168.0.1
guest add g2 --ip 192.168.0.2
wait g1
wait g2
matrix
host ip route del 192.168.0.2/32 dev tap1
matrix
ip g2 192.168.0.2
matrix
ping g1 g2 --walk
sleep 8
ping g1 internet --count 5 --walk
nat on
ping g1 internet --count 3 --walk
matrix
exec g2 --timeout 2 --hidden kill -STOP $$
matrix
BATCH
rc=$?

check "batch exits 1 (the ping with NAT off fails)" test "$rc" = 1
# cell LINE FROM TO FIELD
cell() { jline "$out" "$1" ".result.cells[] | select(.from==\"$2\" and .to==\"$3\") | .$4"; }
check "matrix: host -> g2 pinged ok" test "$(cell 5 host g2 state)/$(cell 5 host g2 inferred)" = pass/false
check "matrix: host -> internet pinged ok" test "$(cell 5 host internet state)" = pass
check "matrix: g1 -> g2 pinged (not inferred) ok" test "$(cell 5 g1 g2 state)/$(cell 5 g1 g2 inferred)" = pass/false
check "matrix: g2 -> host pinged ok" test "$(cell 5 g2 host state)/$(cell 5 g2 host inferred)" = pass/false
check "matrix: g1 -> internet pinged, fails without NAT ($(cell 5 g1 internet why))" \
    test "$(cell 5 g1 internet state)/$(cell 5 g1 internet inferred)" = fail/false
check "matrix: no cell inferred" test "$(jline "$out" 5 '[.result.cells[] | select(.inferred)] | length')" = 0
check "matrix without the host route: host -> g2 fails" test "$(cell 7 host g2 state)" = fail
check "matrix without the host route: g1 -> g2 fails ($(cell 7 g1 g2 why))" test "$(cell 7 g1 g2 state)" = fail
check "route back: host -> g2 passes again" test "$(cell 9 host g2 state)" = pass
check "route back: g1 -> g2 passes again" test "$(cell 9 g1 g2 state)" = pass
check "nat on: g1 -> internet passes" test "$(cell 15 g1 internet state)" = pass
check "g2's channel stopped: g2 -> g1 unknown ($(cell 17 g2 g1 why))" test "$(cell 17 g2 g1 state)" = unknown
check "g2's channel stopped: g1 -> g2 still pinged ok" test "$(cell 17 g1 g2 state)" = pass
check "g2's channel stopped: host -> g2 still pinged ok" test "$(cell 17 host g2 state)" = pass

steps() { jline "$out" "$1" '[.result.walk.steps[].where] | join(",")'; }
check "walk g1 -> g2 (NAT off: no rule, FORWARD's policy): tap0 rx, FORWARD, tap1 tx, tap1 rx, FORWARD, tap0 tx ($(steps 10))" \
    test "$(steps 10)" = "tap0 rx,FORWARD policy,tap1 tx,tap1 rx,FORWARD policy,tap0 tx"
check "walk g1 -> g2: nothing stopped" test "$(jline "$out" 10 .result.walk.stopped_at)" = null

check "walk, NAT off: the count stops at uplink0 rx ($(jline "$out" 12 .result.walk.summary))" \
    test "$(jline "$out" 12 .result.walk.stopped_at)" = "uplink0 rx"
check "walk, NAT off: the request left by uplink0" \
    test "$(jline "$out" 12 '.result.walk.steps[] | select(.where=="uplink0 tx") | .reached')" = true

check "walk through NAT: the path in order ($(steps 14))" \
    sh -c "echo '$(steps 14)' | grep -Eq '^tap0 rx,FORWARD rule [0-9]+,POSTROUTING rule [0-9]+,uplink0 tx,uplink0 rx,FORWARD rule [0-9]+,tap0 tx$'"
check "walk through NAT: every step counted and moved" \
    test "$(jline "$out" 14 '[.result.walk.steps[] | select(.counted and .delta > 0)] | length')" = 7
check "walk through NAT: nothing stopped" test "$(jline "$out" 14 .result.walk.stopped_at)" = null

if [ "$FAILS" -ne 0 ]; then
    echo "---- output ----" >&2
    cat "$out" >&2
fi
assert_lab_gone $LAB
exit $((FAILS > 0))
