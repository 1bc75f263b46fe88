#!/bin/sh
# Another rootfs than the embedded one, with a getty on the console like the
# recipe's Buildroot image: umlab logs in as root and the recipe still works
# (root; sandboxed lab umlab-itget).
. "$(dirname "$0")/lib.sh"
need_root
LAB=itget
cleanup() {
    force_cleanup_lab $LAB
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM
top=$(cd "$(dirname "$0")/../.." && pwd)

mkdir "$work/src"
cp "$top/core/rootfs/init" "$top/core/rootfs/profile" "$work/src/"
printf '::respawn:/sbin/getty -L 0 console vt100\n::ctrlaltdel:/bin/reboot\n' >"$work/src/inittab"
printf 'root::0:0:root:/root:/bin/sh\n' >"$work/src/passwd"
sh "$top/scripts/mkrootfs.sh" "$work/src" "$work/getty.ext2" >/dev/null || exit 1

"$UMLAB" --sandbox --lab $LAB --rootfs "$work/getty.ext2" --json --batch - >"$work/out" 2>&1 <<'BATCH'
guest add g1 --wait
ip g1
ping g1 host
screen g1 40
BATCH
check "the getty guest reaches a shell (logged in as root)" test "$(jline "$work/out" 1 '.ok')" = true
check "ip is typed at its shell" test "$(jline "$work/out" 2 '.ok')" = true
check "it pings the host" test "$(jline "$work/out" 3 '.result.received')" = 3
check "its console shows the login" sh -c "jq -r 'select(.line==4) | .result.text' '$work/out' | grep -q 'login: root'"
assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then cat "$work/out"; fi
[ "$FAILS" = 0 ]
