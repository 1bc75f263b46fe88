#!/bin/sh
# UML's two tap transports side by side in ONE run (root; a namespace of its
# own, umlab-benchvec, removed after): a bare linux.uml on a tap, pinned to
# CPU 1 as umlab places guests, with
#   tuntap: eth0=tuntap,TAP              (what umlab gives its guests)
#   vector: vec0:transport=tap,ifname=TAP (recvmmsg/sendmmsg; the guest's NIC is vec0)
#   rtt:        `ping -c 20 -i 0.2` from the host side to the guest
#   throughput: `dd if=/dev/zero bs=64k count=N | nc HOST PORT` in the guest,
#               timed by bench/ptydrain from the command to its prompt
#   usage: bench/vector.sh UMLAB     (env NETMB=N MiB per transfer, default 50)
# Results: a table on stdout, bench/out/vector-TIME.md and vector-latest.md.
set -u
UMLAB=$(readlink -f "${1:?usage: vector.sh UMLAB}")
XSTATE=$(dirname "$UMLAB")/umlab-xstate.so
[ -r "$XSTATE" ] || XSTATE=$(dirname "$UMLAB")/build/umlab-xstate.so
dir=$(cd "$(dirname "$0")" && pwd)
ROOTFS=$(dirname "$UMLAB")/rootfs.ext2
[ -f "$ROOTFS" ] || ROOTFS=$(dirname "$dir")/build/rootfs.ext2
MB=${NETMB:-50}
COUNT=$((MB * 16))
NS=umlab-benchvec
work=$(mktemp -d)
cleanup() {
    pkill -9 -f '[u]mid=benchvec' 2>/dev/null
    ip netns pids $NS 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del $NS 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cleanup
work=$(mktemp -d)
cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/ptydrain" "$dir/ptydrain.c" -lutil || exit 1
mkdir -p "$dir/out"
ip netns add $NS || exit 1
ip -n $NS link set lo up
ip -n $NS tuntap add tapv mode tap || exit 1
ip -n $NS addr add 10.9.0.254/24 dev tapv
ip -n $NS link set tapv up
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# one KIND(tuntap|vector) -> "boot_s=.. step3_s=(transfer) rtt=min/avg/max"
one() {
    if [ "$1" = tuntap ]; then
        nic="eth0=tuntap,tapv" dev=eth0
    else
        nic="vec0:transport=tap,ifname=tapv" dev=vec0
    fi
    rm -f "$work/g.cow"
    # busybox nc ends the connection when its own input ends: keep that open
    rm -f "$work/hold" && mkfifo "$work/hold"
    ip netns exec $NS busybox nc -l -p 5001 >/dev/null 2>&1 <"$work/hold" &
    exec 4>"$work/hold"
    ip netns exec $NS "$work/ptydrain" \
        "ip link set $dev up; ip addr add 10.9.0.1/24 dev $dev; echo UP" UP \
        "sleep 12; echo SLEPT" SLEPT \
        "dd if=/dev/zero bs=64k count=$COUNT 2>/dev/null | nc 10.9.0.254 5001; echo SENT" SENT \
        -- taskset -c 1 env "LD_PRELOAD=$XSTATE" linux.uml mem=256M "ubd0=$work/g.cow,$ROOTFS" \
        root=/dev/ubda umid=benchvec "uml_dir=$work" con=null con1=fd:0,fd:1 console=tty1 \
        ssl=null quiet "$nic" umlab.hostname=g1 >"$work/p.out" 2>&1 &
    p=$!
    # the guest answers once booted and configured; then 20 pings while it sleeps
    i=0
    until ip netns exec $NS ping -c 1 -W 1 10.9.0.1 >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 30 ] && break
    done
    r=$(ip netns exec $NS ping -c 20 -i 0.2 -q 10.9.0.1 | sed -n 's|.* = \([0-9.]*/[0-9.]*/[0-9.]*\)/.*|\1|p')
    wait $p
    exec 4>&-
    pkill -9 -f '[u]mid=benchvec' 2>/dev/null
    echo "$(cat "$work/p.out") rtt=${r:-none}"
}
val() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
t=$(one tuntap)
v=$(one vector)
load1=$(cut -d' ' -f1-3 /proc/loadavg)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
md="$dir/out/vector-$stamp.md"
row() {
    s=$(val "$2" step3_s)
    [ "$(val "$2" rtt)" = none ] && s=0 # no answer: the NIC did not work
    echo "| $1 | $(val "$2" boot_s) | $(val "$2" rtt) | $(awk -v s="${s:-0}" -v mb="$MB" 'BEGIN {if (s > 0) printf "%.1f", mb * 1048576 * 8 / 1e6 / s; else print "-"}') |"
}
{
    echo "UML tap transports $stamp ($(uname -r), $(nproc) CPUs, load average $load0 before, $load1 after; guest pinned to CPU 1)"
    echo
    echo "| transport | boot s | host -> guest rtt min/avg/max ms | guest -> host TCP Mbit/s ($MB MiB) |"
    echo "|---|---|---|---|"
    row "eth0=tuntap,TAP" "$t"
    row "vec0:transport=tap,ifname=TAP" "$v"
    echo
    echo "raw: tuntap: $t"
    echo "raw: vector: $v"
} >"$md"
cp "$md" "$dir/out/vector-latest.md"
cat "$md"
