#!/bin/sh
# `why` on a real sandboxed lab (root; umlab creates namespaces umlab-itwhy and
# umlab-itwhy-inet and the test checks they are gone after). The lab is broken
# in the issue's eight ways, each from inside the sandbox's own namespace
# (umlab's `host`, `send`, `nat`): proxy_arp off, ip_forward 0, the host route
# to g1 deleted, NAT off, g1's default route deleted, tap0 down, FORWARD
# policy DROP in nf_tables, and a wrong netmask on a LAN (g1 and g2 also get a
# NIC on LAN L; g2 types /30 there, so g1 is off-link for it). Each time `why`
# must name the cause; then the test runs the umlab commands `why` suggests
# (asking again while it still finds a cause) and the ping must pass.
. "$(dirname "$0")/lib.sh"
need_root
LAB=itwhy
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
root_fwd=$(cat /proc/sys/net/ipv4/ip_forward)

mkfifo -m 0600 "$fifo"
"$UMLAB" --sandbox --lab $LAB --json --keep-going --batch - <"$fifo" >"$out" 2>"$dir/err" &
pid=$!
exec 3>"$fifo"
nline=0

# run COMMAND: sends one batch line and waits for its JSON answer (line NLINE;
# not "n": lib.sh's wait_for uses that name).
run() {
    nline=$((nline + 1))
    printf '%s\n' "$*" >&3
    if ! wait_for "$out" "^\\{\"line\":$nline," 90; then
        fail "no answer to line $nline: $*"
        exit 1
    fi
}
res() { jline "$out" "$nline" "$1"; }
has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }

# case NAME TARGET CAUSE BREAK...: breaks the lab with the BREAK commands
# (one per argument), checks `why g1 TARGET` names CAUSE, applies its fixes
# until it finds none (at most 3 rounds) and checks `ping g1 TARGET` passes.
case_() {
    name=$1 target=$2 cause=$3
    shift 3
    for b in "$@"; do run "$b"; done
    run why g1 "$target"
    got=$(res '.result.cause')
    check "$name: why g1 $target names '$cause' (said '$got': $(res .result.summary))" \
        test "$got" = "$cause"
    check "$name: not reachable while broken" test "$(res .result.reachable)" = false
    check "$name: a fix is suggested" test "$(res '.result.fix | length')" -ge 1
    if [ -n "${want_shell:-}" ]; then
        check "$name: the plain shell fix is '$want_shell'" test "$(res '.result.shell[0]')" = "$want_shell"
        want_shell=
    fi
    if [ -n "${want_fix:-}" ]; then
        check "$name: the umlab fix is '$want_fix'" test "$(res '.result.fix[0]')" = "$want_fix"
        want_fix=
    fi
    if [ -n "${want_words:-}" ]; then
        check "$name: the diagnosis says '$want_words'" has "$(res .result.summary)" "$want_words"
        want_words=
    fi
    rounds=0
    while [ "$(res .result.cause)" != null ] && [ $rounds -lt 3 ]; do
        res '.result.fix[]' >"$dir/fix"
        [ -s "$dir/fix" ] || break
        while IFS= read -r f; do
            echo "  $name: applying: $f"
            run "$f"
        done <"$dir/fix"
        run why g1 "$target"
        rounds=$((rounds + 1))
    done
    check "$name: after the suggested fixes why finds nothing ($(res .result.summary))" \
        test "$(res .result.cause)" = null
    run ping g1 "$target" --count 2
    check "$name: ping g1 $target passes after the fix" test "$(res .ok)" = true
}

run guest add g1 --ip auto
g1addr=$(res .result.address)
run guest add g2 --ip auto
run wait g1
run wait g2
run nat on

# First, before any g1 -> g2 traffic fills g1's ARP cache.
want_shell="sysctl -w net.ipv4.conf.tap0.proxy_arp=1"
case_ "proxy_arp off" g2 arp "host sysctl -w net.ipv4.conf.tap0.proxy_arp=0"
want_shell="sysctl -w net.ipv4.ip_forward=1"
case_ "ip_forward 0 (the sandbox's own)" g2 ip-forward "host sysctl -w net.ipv4.ip_forward=0"
want_shell="ip route add $g1addr/32 dev tap0"
want_fix="host ip route add $g1addr/32 dev tap0"
case_ "no host route" g2 host-route "host ip route del $g1addr/32 dev tap0"
case_ "NAT off" internet nat "nat off"
case_ "no default route" internet guest-route "send g1 ip route del default" "sleep 1"
case_ "tap down" host tap "host ip link set tap0 down"
if command -v nft >/dev/null; then
    case_ "FORWARD policy DROP in nf_tables" internet nftables "host iptables-nft -P FORWARD DROP"
else
    echo "skip: nft is not installed (the nf_tables case needs it)"
fi
# Two guests on one LAN, beside their routed taps: the target's netmask.
run lan add L --subnet 10.0.1.0/24
run nic add g1 L:10.0.1.1/24
run nic add g2 L:10.0.1.6/24
want_fix="ip g2 eth1 10.0.1.6/24"
want_words="wrong netmask, 10.0.1.6/30 on eth1 where the subnet is /24"
case_ "wrong netmask on a LAN" 10.0.1.6 return \
    "send g2 ip addr flush dev eth1; ip addr add 10.0.1.6/30 dev eth1" "sleep 1"
check "the root namespace's ip_forward is as it was ($root_fwd)" \
    test "$(cat /proc/sys/net/ipv4/ip_forward)" = "$root_fwd"

run why g1 g2
check "why: every hop named in the JSON" test "$(res '.result.hops | length')" -ge 10
check "why: a healthy lab is reachable" test "$(res .result.reachable)" = true
run screen g1
check "why asked g1 through its control channel: nothing typed on its console" \
    sh -c "jq -r 'select(.line == $nline) | .result.text' '$out' >'$dir/screen' &&
        grep -q 'g1:/#' '$dir/screen' && ! grep -q umlab-why '$dir/screen'"

exec 3>&-
wait "$pid"
rc=$?
pid=
check "batch ends cleanly ($rc)" test "$rc" = 0
assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then
    echo "--- umlab output:"
    jq -c '{line, command, ok, error, r: .result.summary}' "$out" 2>/dev/null || cat "$out"
    cat "$dir/err"
fi
[ "$FAILS" = 0 ]
