#!/bin/sh
# A NIC hot-plugged into a running guest on Debian's linux.uml (issue 8):
# tests/prog/nic_hotplug drives a sandboxed lab through core's functions (a
# LAN bridge, a tap as its port, mconsole `config eth1=tuntap,TAP`), and the
# guest sees eth1 and pings the host over it; `remove eth1` unplugs it. The
# lab leaves nothing behind. (root; sandboxed lab umlab-ithp.)
. "$(dirname "$0")/lib.sh"
need_root
PROG=$(test_prog nic_hotplug) || exit 1
LAB=ithp
dir=$(dirname "$UMLAB")
rootfs=$dir/rootfs.ext2
[ -f "$rootfs" ] || rootfs=$dir/build/rootfs.ext2
xstate=$dir/umlab-xstate.so
[ -f "$xstate" ] || xstate=$dir/build/umlab-xstate.so
cleanup() {
    force_cleanup_lab $LAB
}
cleanup
trap cleanup EXIT INT TERM

out=$(mktemp)
timeout 180 "$PROG" $LAB "$rootfs" "$xstate" >"$out" 2>&1
rc=$?
cat "$out"
check "nic_hotplug: every check held (exit $rc)" test $rc = 0
check "nic_hotplug: the guest saw eth1" grep -q '^ok: the guest sees eth1' "$out"
check "nic_hotplug: it pinged over eth1" grep -q '^ok: the guest pings the host' "$out"
rm -f "$out"
assert_lab_gone $LAB
[ "$FAILS" = 0 ]
