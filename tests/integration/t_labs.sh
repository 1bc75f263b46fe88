#!/bin/sh
# The gallery (examples/labs/*.lab): `umlab check` on each. A lab marked
# "# expected: some checks fail" must fail its checks (exit 1, not a build
# error); every other lab must pass them all. A lab needing commands this
# umlab does not have yet (LANs, guest routes, forwarding) is listed as
# skipped with the reason. Lean: one lab at a time, --sandbox (umlab-itlb).
. "$(dirname "$0")/lib.sh"
need_root
LAB=itlb
dir=$(cd "$(dirname "$0")/../../examples/labs" && pwd)
work=$(mktemp -d)
cleanup() {
    force_cleanup_lab $LAB
    force_cleanup_lab itlbh
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Which commands this umlab has (help CMD fails for an unknown one).
have() { echo "help $1" | "$UMLAB" --sandbox --lab itlbh --batch - >/dev/null 2>&1; }
missing=""
for c in "lan add" route forward; do
    have "$c" || missing="$missing '$c'"
done

for f in "$dir"/*.lab; do
    name=$(basename "$f")
    need=""
    grep -q '^lan ' "$f" && case $missing in *"'lan add'"*) need="$need lan add" ;; esac
    grep -q '^route ' "$f" && case $missing in *"'route'"*) need="$need route" ;; esac
    grep -q '^forward ' "$f" && case $missing in *"'forward'"*) need="$need forward" ;; esac
    # A lab needing iptables in its guests runs with a Debian image only
    # (UMLAB_LABS_ROOTFS); the embedded busybox image has no iptables.
    rootfs_opt=""
    if grep -q '^# needs: iptables in the guest image' "$f"; then
        if [ -n "${UMLAB_LABS_ROOTFS:-}" ]; then
            rootfs_opt="--rootfs $UMLAB_LABS_ROOTFS"
        else
            need="$need iptables in the guest image (t_ospf.sh runs it on its Debian image)"
        fi
    fi
    # FRR labs run with the FRR image in their own test (t_ospf.sh builds it).
    grep -q '^# needs: frr in the guest image' "$f" && need="$need frr in the guest image (t_ospf.sh runs it)"
    if [ -n "$need" ]; then
        echo "skipped: $name (needs:$need)"
        continue
    fi
    "$UMLAB" check --sandbox --lab $LAB $rootfs_opt "$f" >"$work/out" 2>"$work/err"
    rc=$?
    if grep -q '^# expected: some checks fail' "$f"; then
        check "$name: some checks fail, as expected" test $rc = 1
        check "$name: the lab was built (a check failed, not the build)" \
            grep -q "FAIL  " "$work/out"
    else
        check "$name: every check passes" test $rc = 0
    fi
    if [ "$name" = second-guest.lab ]; then
        check "$name: g2's internet fails for the right reason (its default route)" \
            sh -c "grep -q 'FAIL .*route g2 default' '$work/out' && grep -q 'pass .*reach g2 host' '$work/out'"
    fi
    [ $rc = 0 ] || [ $rc = 1 ] || { cat "$work/out" "$work/err" >&2; }
    assert_lab_gone $LAB
done

[ $FAILS = 0 ] && echo "t_labs: all ok"
exit $((FAILS > 0))
