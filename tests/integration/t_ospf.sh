#!/bin/sh
# Dynamic routing in umlab today: examples/labs/ospf.lab (two FRR routers
# learning each other's LAN by OSPF, a PC on either side, three LANs) on a
# Debian 12 image with frr (tests/images/mkdebian.sh frr, cached in
# build/images/). `umlab check` passes every check; then, in a second build,
# FRR stopped on r2 takes r1's route to LAN B away and pc1 no longer reaches
# pc2: the route came from OSPF. The same lab as a Netkit directory
# (examples/netkit/ospf) builds and passes its ltest; the gallery's
# nat-gateway.lab (iptables in the guests) passes on the same image. Skipped (exit 0, a SKIP line with the reason)
# when debootstrap cannot reach the package mirror.
# (root; sandboxed lab umlab-itospf.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../images/lib.sh"
need_root
LAB=itospf
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
labfile=$examples/labs/ospf.lab # (lib.sh uses $lab)
netkit=$examples/netkit/ospf
cleanup() {
    force_cleanup_lab $LAB
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM

start=$(date +%s)
if ! img=$(img_debian frr 2>"$work/img.err"); then
    if grep -Eq "Failed getting release file|Couldn't download|Could not resolve|Temporary failure|Connection (refused|timed out)|Network is unreachable" "$work/img.err"; then
        echo "SKIP: t_ospf: debootstrap cannot reach the package mirror: $(grep -E '^(E|W):' "$work/img.err" | head -1)"
        exit 0
    fi
    cat "$work/img.err" >&2
    fail "the FRR image builds (tests/images/mkdebian.sh frr)"
    exit 1
fi
echo "the FRR image: $img ($(($(date +%s) - start)) s)"

# 1. umlab check: every check passes.
t0=$(date +%s)
"$UMLAB" check --sandbox --lab $LAB --rootfs "$img" --login root:umlab --json "$labfile" \
    >"$work/check.json" 2>"$work/check.err"
rc=$?
echo "umlab check: exit $rc in $(($(date +%s) - t0)) s"
check "umlab check ospf.lab: exit 0 (every check passes)" test $rc = 0
nchecks=$(grep -c '^check ' "$labfile")
check "all $nchecks checks ran and passed" \
    test "$(jq -r '"\(.passed) \(.failed)"' "$work/check.json")" = "$nchecks 0"
passed() { test "$(jq -r --arg c "$1" '.checks[] | select(.check == $c) | .pass' "$work/check.json")" = true; }
check "pc1 reaches pc2" passed "reach pc1 pc2"
check "r1's route to LAN B is an OSPF route (vtysh)" \
    passed 'exec r1 vtysh -c "show ip route ospf" | grep -q "^O>\* 10.0.2.0/24"'
check "r2's kernel route to LAN A is proto ospf" \
    passed 'exec r2 ip route show 10.0.1.0/24 | grep -q "proto ospf"'
[ $rc = 0 ] || cat "$work/check.json" "$work/check.err" >&2
assert_lab_gone $LAB

# 2. The same lab, then FRR stopped on r2: r1 drops the route, the reach fails.
cat >"$work/stop.umlab" <<'EOF'
exec r1 ip route show 10.0.2.0/24
exec r2 systemctl stop frr
exec r1 --timeout 25 'i=0; while ip route show 10.0.2.0/24 | grep -q . && [ $i -lt 20 ]; do sleep 1; i=$((i+1)); done; ip route show 10.0.2.0/24'
check
EOF
t0=$(date +%s)
"$UMLAB" --sandbox --lab $LAB --rootfs "$img" --login root:umlab --json --keep-going \
    --batch "$work/stop.umlab" "$labfile" >"$work/stop.json" 2>"$work/stop.err"
rc=$?
echo "FRR stopped on r2: exit $rc in $(($(date +%s) - t0)) s"
check "the batch fails (its check does)" test $rc = 1
out() { jq -r --argjson n "$1" 'select(.line == $n and .result != null) | .result.output' "$work/stop.json"; }
ospf_before() { out 1 | grep -q 'via 10.0.12.2 .*proto ospf'; }
check "before: r1's route to LAN B is proto ospf" ospf_before
check "FRR stopped on r2" test "$(jline "$work/stop.json" 2 .ok)" = true
check "after: r1 has no route to LAN B" test "$(jline "$work/stop.json" 3 .ok):$(out 3)" = "true:"
stopped() { test "$(jq -r --arg c "$1" 'select(.line == 4) | .result.checks[] | select(.check == $c) | .pass' \
    "$work/stop.json")" = "$2"; }
check "the check 'reach pc1 pc2' fails" stopped "reach pc1 pc2" false
check "the check 'route r1 10.0.2.0/24 via 10.0.12.2' fails" \
    stopped "route r1 10.0.2.0/24 via 10.0.12.2" false
assert_lab_gone $LAB
[ "$FAILS" = 0 ] || cat "$work/stop.json" "$work/stop.err" >&2

# 3. The same lab as a Netkit directory: the routers on the FRR image
# (r[image]=kathara/frr), the PCs on umlab's own; its _test/ (ltest) passes.
f0=$FAILS
t0=$(date +%s)
"$UMLAB" check --sandbox --lab $LAB --image "kathara/frr=$img" --login root:umlab \
    "$netkit" >"$work/nk.out" 2>"$work/nk.err"
rc=$?
echo "umlab check examples/netkit/ospf: exit $rc in $(($(date +%s) - t0)) s"
check "umlab check of the Netkit directory: exit 0" test $rc = 0
check "pc1's ltest passes (reaches pc2)" grep -qx "pc1: pass (user test)" "$work/nk.out"
check "r1's ltest passes (its route is proto ospf)" grep -qx "r1: pass (user test)" "$work/nk.out"
[ "$FAILS" = "$f0" ] || cat "$work/nk.out" "$work/nk.err" >&2
assert_lab_gone $LAB
# 4. The gallery's NAT-gateway lab needs iptables (and the UML kernel's nat
# module) in its guests: this image has both, so `make check` runs it here.
f0=$FAILS
t0=$(date +%s)
"$UMLAB" check --sandbox --lab $LAB --rootfs "$img" --login root:umlab \
    "$examples/labs/nat-gateway.lab" >"$work/nat.out" 2>"$work/nat.err"
rc=$?
echo "umlab check nat-gateway.lab: exit $rc in $(($(date +%s) - t0)) s"
check "nat-gateway.lab: every check passes" test $rc = 0
check "nat-gateway.lab: pc1 reaches the internet through gw" grep -q "^pass .*reach pc1 internet" "$work/nat.out"
[ "$FAILS" = "$f0" ] || cat "$work/nat.out" "$work/nat.err" >&2
assert_lab_gone $LAB
echo "t_ospf: $(($(date +%s) - start)) s"
[ "$FAILS" = 0 ]
