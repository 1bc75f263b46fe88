#!/bin/sh
# umlab's benchmarks, side by side in one run, as ratios (root; everything in
# network namespaces this script creates and removes).
#   boot:  bare linux.uml on a pty -> shell prompt   vs  umlab `guest add --wait`
#   flood: `seq 1 200000` in the guest drained raw    vs  through umlab's terminal
#          (libvterm, batch mode: no screen)
#   scale: SCALE=N guests at once (default 0: skipped), bare vs umlab
#   usage: bench/run.sh UMLAB [ROUNDS]
set -u
UMLAB=$(readlink -f "${1:?usage: run.sh UMLAB [ROUNDS]}")
# Bare linux.uml gets the preload umlab gives it (README: hosts with AVX-512/AMX).
XSTATE=$(dirname "$UMLAB")/umlab-xstate.so
[ -r "$XSTATE" ] || XSTATE=$(dirname "$UMLAB")/build/umlab-xstate.so
ROUNDS=${2:-3}
SCALE=${SCALE:-0}
dir=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$dir")
build=$(dirname "$UMLAB")
ROOTFS=$build/rootfs.ext2
[ -f "$ROOTFS" ] || ROOTFS=$top/build/rootfs.ext2
NS=umlab-bench-bare
work=$(mktemp -d)
cleanup() {
    pkill -9 -f '[u]mid=bench-bare' 2>/dev/null
    "$UMLAB" cleanup bench >/dev/null 2>&1
    ip netns del $NS 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/ptydrain" "$dir/ptydrain.c" -lutil || exit 1
ip netns add $NS || exit 1
ip -n $NS link set lo up

FLOOD="seq 1 200000"
bare() { # bare INDEX -> "boot_s=.. flood_s=.."
    i=$1
    ip -n $NS tuntap add tapb$i mode tap
    ip -n $NS link set tapb$i up
    rm -f "$work/b$i.cow"
    ip netns exec $NS "$work/ptydrain" "${2:-$FLOOD}" "${3:-200000}" -- env "LD_PRELOAD=$XSTATE" linux.uml mem=256M \
        "ubd0=$work/b$i.cow,$ROOTFS" root=/dev/ubda "umid=bench-bare$i" \
        "uml_dir=$work" con=null con1=fd:0,fd:1 console=tty1 ssl=null quiet "eth0=tuntap,tapb$i" \
        umlab.hostname=g1
    ip -n $NS link del tapb$i
}

umlab_run() { # -> "boot_s=.. flood_s=.."
    "$UMLAB" --sandbox --lab bench --json --batch - >"$work/u.json" 2>&1 <<BATCH
guest add g1 --wait
send g1 $FLOOD
expect g1 ^200000\$ 300
wait g1 30
BATCH
    jq -rs '"boot_s=\(.[0].ms/1000) flood_s=\((.[1].ms + .[2].ms + .[3].ms)/1000)"' "$work/u.json"
}

val() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$work/bb"; : >"$work/bf"; : >"$work/ub"; : >"$work/uf"
r=1
while [ $r -le "$ROUNDS" ]; do
    b=$(bare $r) || { echo "bare run failed" >&2; exit 1; }
    u=$(umlab_run) || { echo "umlab run failed" >&2; cat "$work/u.json"; exit 1; }
    echo "round $r: bare $b | umlab $u"
    val "$b" boot_s >>"$work/bb"; val "$b" flood_s >>"$work/bf"
    val "$u" boot_s >>"$work/ub"; val "$u" flood_s >>"$work/uf"
    r=$((r + 1))
done
bb=$(median <"$work/bb"); bf=$(median <"$work/bf")
ub=$(median <"$work/ub"); uf=$(median <"$work/uf")
echo
echo "median of $ROUNDS rounds          bare      umlab     ratio   target"
awk -v b="$bb" -v u="$ub" 'BEGIN {printf "add guest -> prompt (s)  %8.3f  %8.3f  %6.3fx  <= 1.10x\n", b, u, u/b}'
awk -v b="$bf" -v u="$uf" 'BEGIN {printf "console flood (s)        %8.3f  %8.3f  %6.3fx  <= 1.05x (batch: no drawing)\n", b, u, u/b}'

if [ "$SCALE" -gt 0 ]; then
    echo
    echo "scale: $SCALE guests booted at once"
    t0=$(date +%s.%N)
    i=1
    while [ $i -le "$SCALE" ]; do
        bare "s$i" - - >/dev/null 2>&1 &
        i=$((i + 1))
    done
    wait
    t1=$(date +%s.%N)
    {
        i=1
        while [ $i -le "$SCALE" ]; do echo "guest add"; i=$((i + 1)); done
        i=1
        while [ $i -le "$SCALE" ]; do echo "wait g$i 600"; i=$((i + 1)); done
    } >"$work/scale.umlab"
    "$UMLAB" --sandbox --lab bench --json --batch "$work/scale.umlab" >"$work/s.json" 2>&1
    ok=$(jq -s '[.[] | select(.ok)] | length' "$work/s.json")
    us=$(jq -s '[.[].ms] | add / 1000' "$work/s.json")
    awk -v b="$(echo "$t1 - $t0" | bc)" -v u="$us" -v n="$SCALE" -v ok="$ok" \
        'BEGIN {printf "all at a prompt (s)      %8.3f  %8.3f  %6.3fx  (%d/%d umlab commands ok)\n", b, u, u/b, ok, 2*n}'
fi
