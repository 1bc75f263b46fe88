#!/bin/sh
# A Debian 12 image with systemd (tests/images/mkdebian.sh, cached in
# build/images/): start -> its getty's login prompt, bare linux.uml on a pty
# with the same kernel command line vs umlab `guest add` + `expect login:`.
# Prints the medians and the ratio (root; namespaces this script makes and removes).
#   usage: bench/images.sh UMLAB [ROUNDS]
set -u
UMLAB=$(readlink -f "${1:?usage: images.sh UMLAB [ROUNDS]}")
# Bare linux.uml gets the preload umlab gives it (README: hosts with AVX-512/AMX).
XSTATE=$(dirname "$UMLAB")/umlab-xstate.so
[ -r "$XSTATE" ] || XSTATE=$(dirname "$UMLAB")/build/umlab-xstate.so
ROUNDS=${2:-3}
dir=$(cd "$(dirname "$0")" && pwd)
images_dir=$(dirname "$dir")/tests/images
. "$images_dir/lib.sh"
MEM=${MEM:-256}
NS=umlab-bench-img
work=$(mktemp -d)
cleanup() {
    pkill -9 -f '[u]mid=bench-img' 2>/dev/null
    "$UMLAB" cleanup benchimg >/dev/null 2>&1
    ip netns del $NS 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
img=$(img_debian systemd) || exit 1
cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/ptydrain" "$dir/ptydrain.c" -lutil || exit 1
ip netns add $NS || exit 1
ip -n $NS link set lo up

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for r in $(seq 1 "$ROUNDS"); do
    ip -n $NS tuntap add tapi$r mode tap
    ip -n $NS link set tapi$r up
    # umlab's guest command line (core/umlargv.c), run bare, kept on one CPU as
    # umlab keeps its guests (like with like)
    PTYDRAIN_PROMPT="login: " ip netns exec $NS "$work/ptydrain" - x -- taskset -c 1 env "LD_PRELOAD=$XSTATE" linux.uml mem=${MEM}M \
        "ubd0=$work/b$r.cow,$img" root=/dev/ubda "umid=bench-img$r" "uml_dir=$work" \
        con=null con1=fd:0,fd:1 console=tty1 ssl=null quiet "eth0=tuntap,tapi$r" \
        umlab.hostname=g1 </dev/null | sed -n 's/boot_s=//p' >>"$work/bare"
    pkill -9 -f "[u]mid=bench-img$r" 2>/dev/null
    start=$(date +%s.%N)
    "$UMLAB" --sandbox --lab benchimg --rootfs "$img" --mem $MEM --login none --quiet --batch - \
        >"$work/u.out" 2>&1 <<'B'
guest add g1
expect g1 "login: *$" 180
B
    rc=$?
    end=$(date +%s.%N)
    [ $rc = 0 ] || { cat "$work/u.out"; exit 1; }
    # umlab's time includes its own start and exit: subtract a run with no guest
    s2=$(date +%s.%N)
    "$UMLAB" --sandbox --lab benchimg --quiet --batch - </dev/null >/dev/null 2>&1
    e2=$(date +%s.%N)
    echo "$end $start $e2 $s2" | awk '{ printf "%.3f\n", ($1 - $2) - ($3 - $4) }' >>"$work/umlab"
done
b=$(median <"$work/bare")
u=$(median <"$work/umlab")
echo "Debian 12 systemd, mem=${MEM}M, start -> login prompt (median of $ROUNDS):"
echo "  bare linux.uml (taskset -c 1) $b s, umlab $u s, ratio $(echo "$u $b" | awk '{ printf "%.2f", $1 / $2 }')x"
