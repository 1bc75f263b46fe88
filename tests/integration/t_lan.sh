#!/bin/sh
# LANs, guests with several NICs, a router guest, hot-plug (issue 8), in a
# sandboxed lab (root; namespaces umlab-itlan*, gone after): two guests on LAN
# A ping each other with no host route or address on the segment; r1 joins A
# and B, `forward r1 on` and a route on each side let pc1 reach pc3; `nic add`
# hot-plugs pc2 into B and it pings over the new eth1; bad input is refused
# with nothing made; `ip` repairs a host route deleted behind umlab's back;
# removing the guests and LANs leaves no bridge or tap in the namespace; a
# guest on an image other than the embedded one gets its NICs typed in;
# save --netkit writes the lab as a Netkit directory, and not over one.
. "$(dirname "$0")/lib.sh"
need_root
LAB=itlan
out=$(mktemp)
work=$(mktemp -d)
trap 'force_cleanup_lab $LAB; rm -rf "$out" "$work"' EXIT INT TERM
force_cleanup_lab $LAB
dir=$(dirname "$UMLAB")
rootfs=$dir/rootfs.ext2
[ -f "$rootfs" ] || rootfs=$dir/build/rootfs.ext2
# the embedded image under another name: umlab types the network settings
cp "$rootfs" "$work/other.ext2" && chmod 644 "$work/other.ext2" && chmod 755 "$work" || exit 1

cat >"$work/batch" <<'BATCH'
lan add A --subnet 10.0.1.0/24
lan add B --subnet 10.0.2.0/24
guest add pc1 --nic A:10.0.1.1/24
guest add pc2 --nic A:10.0.1.2
guest add r1 --nic A:10.0.1.254 --nic B:10.0.2.254 --nic tap:192.168.0.10
guest add pc3 --nic B:10.0.2.1/24
wait pc1
wait pc2
wait r1
wait pc3
ping pc1 pc2
host ip -4 route
forward r1 on
route pc1 add 10.0.2.0/24 via 10.0.1.254
route pc3 add default via 10.0.2.254
ping pc1 pc3
nic add pc2 B:10.0.2.2/24
ping pc2 10.0.2.1
lan del A
guest add bad --nic C
guest add bad --nic A:10.0.2.5/24
nic add pc1 A
route pc1 add 10.9.0.0/16 via 10.5.0.1
host ip route del 192.168.0.10/32
ip r1 eth2
host ip -4 route show 192.168.0.10
status
topology
topology --dot
nic del pc2 eth1
guest del pc1
guest del pc2
guest del r1
guest del pc3
lan del A
lan del B
host ip -br link
lan add C --subnet 10.0.3.0/24
BATCH
cat >>"$work/batch" <<BATCH
guest add pc4 --rootfs $work/other.ext2 --nic C:10.0.3.1/24 --nic tap:192.168.0.20 --wait
screen pc4
ping pc4 host
guest add pc5 --nic C:10.0.3.2/24 --wait
route pc5 add 10.9.0.0/16 via 10.0.3.1
save --netkit $work/nk
save --netkit $work/nk
BATCH
"$UMLAB" --sandbox --lab $LAB --json --keep-going --batch "$work/batch" >"$out" 2>&1
rc=$?

err() { jline "$out" "$1" '.error'; }
check "batch exits 1 (the refused commands)" test "$rc" = 1
check "lan add A" test "$(jline "$out" 1 '.result.bridge')" = br-A
check "pc1 boots with eth0 on LAN A" test "$(jline "$out" 3 '.result.nics[0].lan')" = A
check "r1 has three NICs" test "$(jline "$out" 5 '.result.nics | length')" = 3
check "pc1 -> pc2 on LAN A" test "$(jline "$out" 11 '.ok')" = true
check "no host route or address on LAN A" sh -c "! jq -r 'select(.line == 12) | .result.output' '$out' | grep -q '10\.0\.1\.'"
check "forward r1 on" test "$(jline "$out" 13 '.result.forward')" = true
check "pc1 -> pc3 through router r1" test "$(jline "$out" 16 '.ok')" = true
check "nic add: pc2 eth1 on B" test "$(jline "$out" 17 '.result.nic')" = eth1
check "pc2 pings pc3 over the hot-plugged eth1" test "$(jline "$out" 18 '.ok')" = true
check "lan del refused while in use" sh -c "jq -r 'select(.line == 19) | .error' '$out' | grep -q 'NIC(s) on it'"
check "unknown LAN refused" sh -c "jq -r 'select(.line == 20) | .error' '$out' | grep -q \"no LAN named 'C'\""
check "address outside the LAN refused" sh -c "jq -r 'select(.line == 21) | .error' '$out' | grep -q 'outside LAN A'"
check "duplicate NIC refused" sh -c "jq -r 'select(.line == 22) | .error' '$out' | grep -q 'already has a NIC on LAN A'"
check "gateway on no NIC refused" sh -c "jq -r 'select(.line == 23) | .error' '$out' | grep -q 'on none of'"
check "refused guest left nothing" sh -c "! jq -r 'select(.line == 27) | .result.guests[].name' '$out' | grep -qx bad"
check "ip re-adds the host route deleted behind umlab's back" \
    sh -c "jq -r 'select(.line == 26) | .result.output' '$out' | grep -q '192.168.0.10 dev tap'"
check "status lists the LANs" test "$(jline "$out" 27 '.result.lans | length')" = 2
check "topology names LAN A's members" \
    sh -c "jq -r 'select(.line == 28) | .result.lans[0].members[]' '$out' | grep -q 'pc1 eth0 10.0.1.1/24'"
check "topology --dot" sh -c "jq -r 'select(.line == 29) | .result.dot' '$out' | grep -q '\"guest:r1\" -- \"lan:B\"'"
check "nic del" test "$(jline "$out" 30 '.ok')" = true
check "lan del once empty" test "$(jline "$out" 36 '.ok')" = true
links=$(jq -r 'select(.line == 37) | .result.output' "$out")
check "no bridge or tap left in the namespace" sh -c "! echo '$links' | grep -Eq '^(br-|tap)'"
jq -r "\"\\(.ms) ms: \\(.command)\"" "$out" | sort -n | tail -4
check "another image gets its NICs typed in" \
    sh -c "jq -r 'select(.line == 39) | .log[]' '$out' | grep -q 'typing its network settings'"
check "... as the screen shows" \
    sh -c "jq -r 'select(.line == 40) | .result.text' '$out' | tr -d '\n' | grep -q 'addr add 10.0.3.1/24'"
check "... and its routed tap's default route: it pings the host" test "$(jline "$out" 41 '.ok')" = true
# save --netkit: the running lab as a Netkit directory (read back in test_netkit_save)
check "save --netkit" test "$(jline "$out" 44 '.result.startups')" = 2
nk_conf() {
    test "$(stat -c %a "$work/nk/lab.conf")" = 644 &&
        grep -qx 'pc4\[0\]="C"' "$work/nk/lab.conf" &&
        grep -qx 'pc4\[1\]="tap,192.168.0.254,192.168.0.20"' "$work/nk/lab.conf" &&
        grep -qx "pc4\[image\]=\"$work/other.ext2\"" "$work/nk/lab.conf" &&
        grep -qx 'pc5\[0\]="C"' "$work/nk/lab.conf"
}
nk_startup() {
    test "$(stat -c %a "$work/nk/pc5.startup")" = 755 &&
        grep -qx 'ip addr add 10.0.3.2/24 dev eth0' "$work/nk/pc5.startup" &&
        grep -qx 'ip route add 10.9.0.0/16 via 10.0.3.1' "$work/nk/pc5.startup"
}
check "... lab.conf (0644): LAN C, pc4's tap and image, pc5" nk_conf
check "... pc5.startup (0755): its address and route" nk_startup
check "... a second save is refused: lab.conf exists" \
    sh -c "jq -r 'select(.line == 45) | .error' '$out' | grep -q 'nk/lab.conf exists'"
[ "$FAILS" = 0 ] || grep -v '"ok":true' "$out" | head -40
rm -f "$out"
assert_lab_gone $LAB
[ "$FAILS" = 0 ]
