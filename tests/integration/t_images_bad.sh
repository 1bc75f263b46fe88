#!/bin/sh
# Bad images: missing, a directory, qcow2, not a filesystem: one-line errors
# and nothing created (no tap, no state of the guest). An image whose kernel
# panics (a filesystem without any init) shows the panic in its console and
# the guest's state says so (root; sandboxed labs umlab-itbad, umlab-itbad2).
. "$(dirname "$0")/lib.sh"
need_root
LAB=itbad
cleanup() {
    force_cleanup_lab $LAB
    force_cleanup_lab itbad2
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
chmod 0755 "$work"
trap cleanup EXIT INT TERM

printf 'QFI\373\000\000\000\003' >"$work/disk.qcow2"
truncate -s 1M "$work/disk.qcow2"
head -c 1048576 /dev/urandom >"$work/random.img"
mkdir "$work/empty"
truncate -s 8M "$work/noinit.ext2"
mke2fs -q -t ext2 -d "$work/empty" "$work/noinit.ext2"

"$UMLAB" --sandbox --lab $LAB --json --keep-going --batch - >"$work/out" 2>&1 <<BATCH
guest add b1 --rootfs $work/missing.ext2
guest add b2 --rootfs $work/disk.qcow2
guest add b3 --rootfs $work/random.img
guest add b4 --rootfs $work/empty
guest add b5 --login 'bad user'
status
guest add p1 --rootfs $work/noinit.ext2 --mem 64
expect p1 "Kernel panic" 60
sleep 2
status
screen p1 30
BATCH

err_is() { # err_is LINE FRAGMENT
    e=$(jline "$work/out" "$1" '.error // ""')
    case "$e" in
    *"$2"*) [ "$(jline "$work/out" "$1" '.ok')" = false ] && [ "$(printf '%s' "$e" | wc -l)" = 0 ] ;;
    *) echo "line $1: got '$e'" >&2; return 1 ;;
    esac
}
check "missing image: one-line error" err_is 1 "No such file or directory"
check "qcow2: says how to convert" err_is 2 "qemu-img convert -O raw"
check "random bytes: not a filesystem" err_is 3 "no ext2/3/4"
check "a directory: not a regular file" err_is 4 "not a regular file"
check "bad --login: one-line error" err_is 5 "--login"
check "nothing was created for them" test "$(jline "$work/out" 6 '.result.guests | length')" = 0
check "no tap was made" sh -c "! ip netns exec umlab-$LAB ip -o link 2>/dev/null | grep -q tap"
check "the panic shows in the console" test "$(jline "$work/out" 8 '.ok')" = true
check "status says exited (kernel panic)" \
    test "$(jline "$work/out" 10 '.result.guests[0].state')" = "exited (kernel panic)"
check "the console keeps the kernel's reason" \
    sh -c "jq -r 'select(.line == 11) | .result.text' '$work/out' | grep -q 'No working init found'"

# The same checks for the lab's own --rootfs: refused before the lab exists.
if "$UMLAB" --sandbox --lab itbad2 --rootfs "$work/disk.qcow2" --batch - </dev/null >"$work/out2" 2>&1; then
    fail "a qcow2 --rootfs is refused"
else
    check "a qcow2 --rootfs is refused in one line" test "$(wc -l <"$work/out2")" = 1
    check "it says how to convert" grep -q "qemu-img convert" "$work/out2"
fi
check "no namespace for the refused lab" sh -c "! ip netns list | grep -qw umlab-itbad2"
assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then cat "$work/out" "$work/out2"; fi
[ "$FAILS" = 0 ]
