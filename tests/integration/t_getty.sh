#!/bin/sh
# A Buildroot-style image (busybox's own /sbin/init, a getty on the console,
# nothing of umlab's): it boots its own init, umlab logs in as root and the
# recipe still works; --login none leaves the getty to the user
# (root; sandboxed lab umlab-itget).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../images/lib.sh"
need_root
lab_setup itget

img_buildroot "$work/br.ext2" || exit 1
check "the image has no /init of umlab's" sh -c "! debugfs -R 'stat /init' '$work/br.ext2' 2>&1 | grep -q Inode"

"$UMLAB" --sandbox --lab $LAB --rootfs "$work/br.ext2" --mem 64 --json --batch - >"$work/out" 2>&1 <<'BATCH'
guest add g1 --wait
ip g1
ping g1 host
screen g1 40
guest add g2 --login none
expect g2 "login:" 60
screen g2 5
BATCH
check "the getty guest reaches a shell (logged in as root)" test "$(jline "$work/out" 1 '.ok')" = true
check "ip is typed at its shell" test "$(jline "$work/out" 2 '.ok')" = true
check "it pings the host" test "$(jline "$work/out" 3 '.result.received')" = 3
check "its console shows the login" sh -c "jq -r 'select(.line==4) | .result.text' '$work/out' | grep -q 'buildroot login: root'"
check "the log says umlab typed root" grep -q "g1: typed 'root' at its login prompt" "$work/out"
check "with --login none the getty waits for the user" sh -c "jq -r 'select(.line==7) | .result.text' '$work/out' | tail -1 | grep -q 'login: *$'"
assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then cat "$work/out"; fi
[ "$FAILS" = 0 ]
