#!/bin/sh
# A lab across two machines (issue 12, docs/MULTIHOST.md): namespaces
# umlab-itmh-ha and umlab-itmh-hb stand in for two hosts, joined by a veth
# underlay (203.0.113.1/24 and .2/24). One lab file with `host a`/`host b`
# lines places router ra (a routed tap and LAN lan0) on a, pc pb (lan0 only,
# default route via ra) on b; each host runs its own umlab on its part
# (`--as a` with --sandbox, `--as b` with --netns), so lan0 becomes a VXLAN
# LAN between them. Checked: `umlab check LAB --as b` has a's part (its check
# service, TCP 4790 on the underlay) run a's check; `check` in each part
# runs the other's too (both at once), a FAIL on b shows as a FAIL on a, a
# check text not in the lab is refused; the NICs on lan0 get MTU 1450; pb and ra
# ping each other across; pb reaches the stand-in internet (198.51.100.1,
# a's sandbox) through a's NAT (its MASQUERADE counter moves; b has no
# internet); status --json shows the VXLAN; kill -9 of a leaves b running,
# b's check of a's check then fails at once (refused), and within 18 s
# against a peer that accepts and never answers;
# `umlab cleanup` of a removes a's VXLAN port only, and b's close removes
# b's. (root; about a minute)
. "$(dirname "$0")/lib.sh"
need_root
HA=umlab-itmh-ha
HB=umlab-itmh-hb
LA=itmha
LB=itmhb
LC=itmhc # `umlab check --as b`, before b's long-running part
tmp=
pida=
pidb=
pidl=
cleanup() {
    exec 3>&- 4>&-
    for p in $pida $pidb $pidl; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    nsenter --net=/run/netns/$HA "$UMLAB" cleanup $LA >/dev/null 2>&1
    for l in $LB $LC; do nsenter --net=/run/netns/$HB "$UMLAB" cleanup $l >/dev/null 2>&1; done
    for l in $LA $LB $LC; do force_cleanup_lab $l; done
    for ns in $HA $HB; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$tmp"
    return 0
}
cleanup
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap cleanup EXIT INT TERM

for ns in $HA $HB; do ip netns add $ns || exit 1; done
ip -n $HA link add ul0 type veth peer name ul0 netns $HB &&
    ip -n $HA addr add 203.0.113.1/24 dev ul0 && ip -n $HA link set ul0 up &&
    ip -n $HB addr add 203.0.113.2/24 dev ul0 && ip -n $HB link set ul0 up || exit 1

# The routed taps' subnet holds lan0's, so a's NAT (MASQUERADE -s SUBNET and
# the FORWARD rules) covers what ra forwards for pb.
cat >"$tmp/multi.lab" <<'EOF'
title Two hosts, one LAN
lab mh
subnet 10.79.0.0/16
host a 203.0.113.1
host b 203.0.113.2
nat on
lan lan0 subnet 10.79.1.0/24
guest ra host a
nic ra tap 10.79.0.1
nic ra lan0 10.79.1.1
forward ra on
guest pb host b
nic pb lan0 10.79.1.2
route pb default via 10.79.1.1
check reach ra pb
check reach pb ra
check reach pb 198.51.100.1
check exec pb test "$(cat /sys/class/net/eth0/mtu)" = 1450
check counter lan0 rx moved
EOF
chmod 644 "$tmp/multi.lab"

# A host's part: its own umlab in the host's namespace (nsenter, not `ip
# netns exec`: the lab's /run/netns mount must be seen by everyone), fed
# commands by a fifo held open here.
mkfifo "$tmp/a.in" "$tmp/b.in" || exit 1
exec 3<>"$tmp/a.in" 4<>"$tmp/b.in"
nsenter --net=/run/netns/$HA "$UMLAB" --sandbox --lab $LA --json --keep-going --batch - "$tmp/multi.lab" \
    --as a <"$tmp/a.in" >"$tmp/a.out" 2>"$tmp/a.err" 3>&- 4>&- &
pida=$!
echo "echo a-built" >&3
wait_for "$tmp/a.out" 'a-built' 60
built=$?
cat "$tmp/a.err"
check "a: its part is built (ra, lan0 stretched to b)" test $built = 0
check "a: lan0 made with --vxlan 203.0.113.2" grep -q 'lan add lan0 --subnet 10.79.1.0/24 --vxlan 203.0.113.2' "$tmp/a.err"
check "a: the log says the MTU decision (1450)" grep -q 'LAN lan0: .*1450' "$tmp/a.err"
check "a: pb (b's guest) is not started here" sh -c "! grep -q 'guest add pb' '$tmp/a.err'"
[ $built = 0 ] || exit 1
# a's host needs a route back to lan0 through ra for the NATed replies.
tap=$(ip -n umlab-$LA -o route show 10.79.0.1 | sed -n 's/.* dev \([^ ]*\).*/\1/p')
ip -n umlab-$LA route add 10.79.1.0/24 via 10.79.0.1 dev "$tap" || fail "route to lan0 via ra"

# `umlab check --as b`: builds b's part in a lab of its own, waits for ra.
t0=$(date +%s)
nsenter --net=/run/netns/$HB "$UMLAB" check --netns umlab-$LC --lab $LC "$tmp/multi.lab" --as b \
    >"$tmp/c.out" 2>"$tmp/c.err"
crc=$?
cat "$tmp/c.out"
echo "(umlab check --as b: exit $crc in $(($(date +%s) - t0)) s)"
[ $crc = 0 ] || grep -v '^  \.\.\. ' "$tmp/c.err"
check "check --as b: exit 0" test $crc = 0
check "check --as b: reach pb ra passed" grep -q '^pass .*reach pb ra ' "$tmp/c.out"
check "check --as b: pb reached 198.51.100.1 (a's internet)" grep -q '^pass .*reach pb 198.51.100.1' "$tmp/c.out"
check "check --as b: pb's eth0 has MTU 1450" grep -q '^pass .*exec pb test' "$tmp/c.out"
check "check --as b: ra's check run by a's part, not skipped" \
    grep -q '^pass .*reach ra pb — on host a: 10.79.1.2 answered' "$tmp/c.out"
check "check --as b: all 5 passed" grep -q '^all 5 check(s) passed' "$tmp/c.out"

nsenter --net=/run/netns/$HB "$UMLAB" --netns umlab-$LB --lab $LB --json --keep-going --batch - "$tmp/multi.lab" \
    --as b <"$tmp/b.in" >"$tmp/b.out" 2>"$tmp/b.err" 3>&- 4>&- &
pidb=$!
echo "echo b-built" >&4
wait_for "$tmp/b.out" 'b-built' 60 || fail "b: its part is built"
cat "$tmp/b.err"

cat >&4 <<EOF
status
check
exec pb cat /sys/class/net/eth0/mtu
ping pb 198.51.100.1 --count 2
save $tmp/saved.lab
echo b-done
EOF
cat >&3 <<'EOF'
status
check
exec ra cat /sys/class/net/eth1/mtu
echo a-done
EOF
wait_for "$tmp/b.out" 'b-done' 90 && wait_for "$tmp/a.out" 'a-done' 90 || fail "both sides answered"
check "b: status --json shows lan0's VXLAN (VNI, remote 203.0.113.1, over ul0, MTU 1450)" sh -c \
    "j() { grep '\"command\":\"status\"' '$tmp/b.out'; }; j | jq -e '.result.lans[0].vxlan | .vni > 0 and .remotes == [\"203.0.113.1\"] and .dev == \"ul0\" and .mtu == 1450' >/dev/null"
check "b: save writes the whole lab: host lines, pb on b, ra on a as the file has it" sh -c \
    "grep -q '^host a 203.0.113.1\$' '$tmp/saved.lab' && grep -q '^host b 203.0.113.2\$' '$tmp/saved.lab' &&
     grep -q '^guest pb .*host b\$' '$tmp/saved.lab' && grep -q '^guest ra .*host a\$' '$tmp/saved.lab' &&
     grep -q '^nic ra tap 10.79.0.1\$' '$tmp/saved.lab' && grep -q '^check reach ra pb\$' '$tmp/saved.lab'"
# Both parts ran `check` at once, each asking the other for its guest's checks.
for side in a b; do
    echo "$side's check:"
    grep '"command":"check"' "$tmp/$side.out" | jq -r '.result.checks[]? | "  \(.pass) \(.host // "-") \(.check): \(.why)"'
done
check "b: check passes all 5, a's run by a (host a)" sh -c \
    "grep '\"command\":\"check\"' '$tmp/b.out' | jq -e '.ok and .result.passed == 5 and .result.skipped == 0 and ([.result.checks[] | select(.host == \"a\")] | length) == 1' >/dev/null"
check "a: check passes all 5, b's three run by b (host b)" sh -c \
    "grep '\"command\":\"check\"' '$tmp/a.out' | jq -e '.ok and .result.passed == 5 and .result.skipped == 0 and ([.result.checks[] | select(.host == \"b\" and .pass)] | length) == 3' >/dev/null"
check "b: pb's eth0 has MTU 1450 (kernel command line)" sh -c \
    "grep '\"command\":\"exec pb cat' '$tmp/b.out' | jq -e '.result.output | test(\"1450\")' >/dev/null"
check "a: ra's eth1 (on lan0) has MTU 1450" sh -c \
    "grep '\"command\":\"exec ra cat' '$tmp/a.out' | jq -e '.result.output | test(\"1450\")' >/dev/null"
check "b: pb pings the stand-in internet" sh -c \
    "grep '\"command\":\"ping pb 198.51.100.1' '$tmp/b.out' | jq -e '.ok' >/dev/null"
masq=$(ip netns exec umlab-$LA iptables-legacy -t nat -L POSTROUTING -v -n -x |
    awk '/MASQUERADE/ && /10.79.0.0\/16/ {print $1; exit}')
check "a: its MASQUERADE rule counted b's pings (${masq:-none} packets)" test "${masq:-0}" -ge 1
check "b has no internet of its own (no route there)" \
    sh -c "! ip -n umlab-$LB route get 198.51.100.1 >/dev/null 2>&1"
# b's check service, asked by hand from host a: only the lab's own checks.
ask() {
    nsenter --net=/run/netns/$HA timeout 10 bash -c \
        'exec 5<>/dev/tcp/203.0.113.2/4790 && printf "%s\n" "$1" >&5 && head -n 1 <&5' _ "$1"
}
starts() { case $1 in "$2"*) return 0 ;; esac; return 1; }
r=$(ask 'umlab-check 1 exec pb reboot')
check "b refuses a check that is not the lab's ($r)" starts "$r" 'refused not a check of this lab'
r=$(ask 'umlab-check 1 reach ra pb')
check "b refuses a check of a's guest ($r)" starts "$r" 'refused its guest does not run on this host'
r=$(ask 'umlab-check 1 reach pb ra')
check "b runs its own check when asked ($r)" starts "$r" 'pass 10.79.1.1 answered'

# Something broken on b is a FAIL in a's check, named as b's.
echo 'exec pb ip link set eth0 mtu 1400' >&4
echo 'echo b-broken' >&4
wait_for "$tmp/b.out" 'b-broken' 30 || fail "b: pb's MTU changed"
printf 'check\necho a-checked\n' >&3
wait_for "$tmp/a.out" 'a-checked' 60 || fail "a: second check answered"
check "a: b's broken MTU check is a FAIL on host b, the rest pass" sh -c \
    "grep '\"command\":\"check\"' '$tmp/a.out' | tail -n 1 | jq -e '.ok == false and ([.result.checks[] | select(.pass | not)] | length) == 1 and ([.result.checks[] | select(.check | startswith(\"exec pb\")) | select(.host == \"b\" and (.pass | not))] | length) == 1' >/dev/null"
echo 'exec pb ip link set eth0 mtu 1450' >&4

vxa=$(ip -n umlab-$LA -o -d link show type vxlan | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p')
vxb=$(ip -n umlab-$LB -o -d link show type vxlan | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p')
echo "VXLAN ports: a=$vxa b=$vxb"

# a dies: b keeps its part.
kill -9 $pida
wait $pida 2>/dev/null
pida=
echo "exec pb ip -o link show eth0" >&4
echo "status" >&4
echo "echo b-alive" >&4
wait_for "$tmp/b.out" 'b-alive' 30 || fail "b answers after a was killed"
check "b: pb still runs after a died" sh -c \
    "grep '\"command\":\"exec pb ip -o link' '$tmp/b.out' | jq -e '.ok' >/dev/null"
check "b: its VXLAN port $vxb is still on lan0, up" \
    sh -c "ip -n umlab-$LB -o link show $vxb | grep -q ',UP.*master br-lan0 '"

# b's check with a gone: a's check fails at once, and pb's reach to ra is
# pinged once, not waited for.
t0=$(date +%s)
printf 'check\necho b-checked-1\n' >&4
wait_for "$tmp/b.out" 'b-checked-1' 60 || fail "b: check answered with a gone"
t=$(($(date +%s) - t0))
check "b: a's check FAILs, refused by host a ($t s)" sh -c \
    "grep '\"command\":\"check\"' '$tmp/b.out' | tail -n 1 | jq -e '.result.checks[] | select(.host == \"a\") | (.pass | not) and (.why | test(\"^host a .203.0.113.1 port 4790.: Connection refused\"))' >/dev/null"
check "b: that check took at most 15 s ($t s)" test $t -le 15
# A peer that accepts and never answers costs at most CHECKPEER_REPLY_MS.
nsenter --net=/run/netns/$HA python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.1", 4790))
s.listen(4)
print("listening", flush=True)
time.sleep(120)' >"$tmp/silent.out" &
pidl=$!
wait_for "$tmp/silent.out" listening 10 || fail "silent peer listens"
t0=$(date +%s)
printf 'check\necho b-checked-2\n' >&4
wait_for "$tmp/b.out" 'b-checked-2' 60 || fail "b: check answered with a silent peer"
t=$(($(date +%s) - t0))
check "b: a silent peer's check FAILs after 18 s, saying so ($t s)" sh -c \
    "grep '\"command\":\"check\"' '$tmp/b.out' | tail -n 1 | jq -e '.result.checks[] | select(.host == \"a\") | (.pass | not) and (.why | test(\"host a .* sent no answer within 18 s\"))' >/dev/null"
check "b: that check took at most 30 s ($t s)" test $t -le 30
echo 'echo b-alive-2' >&4
wait_for "$tmp/b.out" 'b-alive-2' 10 || fail "b's console answers after the silent peer"
kill $pidl
wait $pidl 2>/dev/null
pidl=

nsenter --net=/run/netns/$HA "$UMLAB" cleanup $LA >"$tmp/clean.out" 2>&1
rc=$?
[ $rc = 0 ] || cat "$tmp/clean.out"
check "cleanup of a succeeded" test $rc = 0
check "cleanup of a deleted a's VXLAN port $vxa" grep -q "delete vxlan $vxa" "$tmp/clean.out"
assert_lab_gone $LA
check "no VXLAN left in host a's namespace" sh -c "! ip -n $HA -d link show | grep -q vxlan"
check "b's VXLAN port survived a's cleanup" sh -c "ip -n umlab-$LB -d link show $vxb | grep -q vxlan"
echo 'ping pb 10.79.1.1 --count 1' >&4
echo 'echo b-noreach' >&4
wait_for "$tmp/b.out" 'b-noreach' 30
check "b: ping pb ra fails once a is gone" sh -c \
    "grep '\"command\":\"ping pb 10.79.1.1' '$tmp/b.out' | jq -e '.ok == false' >/dev/null"

# b closes: its own port goes with its lab.
exec 4>&-
wait $pidb
pidb=
assert_lab_gone $LB
check "no VXLAN left in host b's namespace" sh -c "! ip -n $HB -d link show | grep -q vxlan"
[ "$FAILS" = 0 ]
