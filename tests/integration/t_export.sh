#!/bin/sh
# export (root): a sandboxed lab (itexp) with two guests, addresses and NAT is
# exported and quit (all undone); the script's `up`, given fresh namespace
# names (itexp-lab, itexp-inet) and its own state directory, rebuilds it
# without umlab: the guests boot, ping each other and 198.51.100.1 (the
# stand-in internet), and `down` leaves nothing behind.
. "$(dirname "$0")/lib.sh"
need_root
LAB=itexp
export NS=itexp-lab NS_INET=itexp-inet DIR=/run/umlab-itexp
tmp=$(mktemp -d)
script=$tmp/lab.sh
cleanup() {
    [ -f "$script" ] && sh "$script" down >/dev/null 2>&1
    force_cleanup_lab $LAB
    for ns in "$NS" "$NS_INET"; do ip netns del "$ns" 2>/dev/null || true; done
    pkill -9 -f "[u]mid=umlab-$LAB-" 2>/dev/null || true
    rm -rf "$tmp" "$DIR"
}
trap cleanup EXIT INT TERM
force_cleanup_lab $LAB
ln -s "$tmp/target" "$tmp/link.sh"
ip netns del "$NS" 2>/dev/null || true
ip netns del "$NS_INET" 2>/dev/null || true

"$UMLAB" --sandbox --lab $LAB --json --keep-going --batch - >"$tmp/out" 2>&1 <<BATCH
guest add g1 --ip auto
guest add g2
wait g1
ip g2
nat on
ping g1 g2 --count 1
export $script
export $script
export $tmp/link.sh
BATCH
check "the lab is built and exported" test "$(jline "$tmp/out" 7 '.ok')" = true
check "a second export does not overwrite the file" test "$(jline "$tmp/out" 8 '.ok')" = false
check "nor writes through a symbolic link" \
    sh -c "test '$(jline "$tmp/out" 9 '.ok')' = false && test ! -e '$tmp/target'"
check "the JSON carries the shell lines of nat on" \
    sh -c "jq -r 'select(.line == 5) | .shell[]' '$tmp/out' | grep -q -- '-t nat -I POSTROUTING -s 192.168.0.0/24 -o uplink0 .*-j MASQUERADE'"
check "and the guest-side commands typed" \
    sh -c "jq -r 'select(.line == 4) | .shell[]' '$tmp/out' | grep -q '^g2# .*ip addr add 192.168.0.2/24 dev eth0'"
check "export is a script with up and down" sh -c "head -1 '$script' | grep -q '^#!/bin/sh' && grep -q '^up()' '$script' && grep -q '^down()' '$script'"
check "its file is mode 644" test "$(stat -c %a "$script")" = 644
check "sh -n accepts it" sh -n "$script"
assert_lab_gone $LAB

sh "$script" up >"$tmp/up.log" 2>&1
check "up succeeds" test $? = 0
check "up made namespace $NS" sh -c "ip netns list | grep -qw '$NS'"
check "and $NS_INET with the stand-in internet" \
    sh -c "ip -n '$NS_INET' -4 addr show dev eth0 | grep -q 198.51.100.1/24"
check "the MASQUERADE rule is there" \
    sh -c "ip netns exec '$NS' iptables-legacy -t nat -S POSTROUTING | grep -q 'umlab:$LAB:masq'"
sh "$script" type g1 'ping -c 2 -W 3 192.168.0.2 >/dev/null && echo G2-OK-$((40+2))'
check "g1 pings g2" wait_for "$DIR/g1.log" 'G2-OK-42' 30
sh "$script" type g2 'ping -c 2 -W 3 192.168.0.1 >/dev/null && echo G1-OK-$((40+3))'
check "g2 pings g1" wait_for "$DIR/g2.log" 'G1-OK-43' 30
sh "$script" type g1 'ping -c 2 -W 3 198.51.100.1 >/dev/null && echo NET-OK-$((40+4))'
check "g1 reaches 198.51.100.1 through NAT" wait_for "$DIR/g1.log" 'NET-OK-44' 30

sh "$script" down >"$tmp/down.log" 2>&1
check "down succeeds" test $? = 0
check "no namespace $NS left" sh -c "! ip netns list | grep -qw '$NS'"
check "no namespace $NS_INET left" sh -c "! ip netns list | grep -qw '$NS_INET'"
check "no guest process left" sh -c "! pgrep -f '[u]mid=umlab-$LAB-' >/dev/null"
check "no state directory left" test ! -e "$DIR"
if [ "$FAILS" -ne 0 ]; then
    echo "--- umlab"; cat "$tmp/out"; echo "--- up"; cat "$tmp/up.log"; echo "--- down"; cat "$tmp/down.log"
fi
exit "$FAILS"
