#!/bin/sh
# The console's benchmarks, side by side in one run (root; namespaces only):
#   flood:  `seq 1 200000` in a guest, drained raw (no terminal)  vs  in a tmux
#           pane with a client drawing  vs  in umlab's console (focused tab)
#   keylat: keystroke echo in one tab while another tab floods (p50/p99)
#   idle:   umlab's CPU while nothing happens (counters refresh once a second)
#   usage: bench/tui.sh UMLAB [ROUNDS]
set -u
UMLAB=$(readlink -f "${1:?usage: tui.sh UMLAB [ROUNDS]}")
# Bare linux.uml gets the preload umlab gives it (README: hosts with AVX-512/AMX).
XSTATE=$(dirname "$UMLAB")/umlab-xstate.so
[ -r "$XSTATE" ] || XSTATE=$(dirname "$UMLAB")/build/umlab-xstate.so
ROUNDS=${2:-3}
dir=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$UMLAB")
ROOTFS=$build/rootfs.ext2
[ -f "$ROOTFS" ] || ROOTFS=$(dirname "$dir")/build/rootfs.ext2
NS=umlab-bench-tui
work=$(mktemp -d)
cleanup() {
    pkill -9 -f '[u]mid=bench-tui' 2>/dev/null
    tmux -L umlab-bench kill-server 2>/dev/null
    for l in benchtui benchkey; do "$UMLAB" cleanup $l >/dev/null 2>&1; done
    ip netns del $NS 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/ptydrain" "$dir/ptydrain.c" -lutil || exit 1
cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/ttybench" "$dir/ttybench.c" -lutil || exit 1
ip netns add $NS || exit 1
ip -n $NS link set lo up
ip -n $NS tuntap add tapt mode tap
ip -n $NS link set tapt up

FLOOD='seq 1 200000; echo END-$((6*7))'
uml() { # the same guest umlab starts, for the baselines
    rm -f "$work/g.cow"
    echo env "LD_PRELOAD=$XSTATE" linux.uml mem=256M "ubd0=$work/g.cow,$ROOTFS" root=/dev/ubda umid=bench-tui \
        "uml_dir=$work" con=null con1=fd:0,fd:1 console=tty1 ssl=null quiet eth0=tuntap,tapt umlab.hostname=g1
}
raw() {
    ip netns exec $NS "$work/ptydrain" "$FLOOD" END-42 -- $(uml) | sed -n 's/.*flood_s=\([0-9.]*\).*/\1/p'
}
intmux() { # a tmux server with its client attached to our pty, drawing
    printf 'wait g1:/# 60\nstart flood\nsend %s\\r\nwait END-42 300\nstop flood\nsend \\x02:kill-server\\r\n' \
        "$FLOOD" >"$work/steps"
    ip netns exec $NS "$work/ttybench" 48 160 -- tmux -L umlab-bench -f /dev/null new-session \
        "$(uml)" <"$work/steps" | sed -n 's/^flood_s=//p'
    pkill -9 -f '[u]mid=bench-tui' 2>/dev/null
}
inumlab() {
    printf 'wait g1:/# 60\nstart flood\nsend %s\\r\nwait END-42 300\nstop flood\nsend \\e[21~\nsend y\n' \
        "$FLOOD" >"$work/steps"
    "$work/ttybench" 48 160 -- "$UMLAB" --sandbox --lab benchtui <"$work/steps" | sed -n 's/^flood_s=//p'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$work/r"; : >"$work/t"; : >"$work/u"
r=1
while [ $r -le "$ROUNDS" ]; do
    a=$(raw); b=$(intmux); c=$(inumlab)
    echo "round $r: raw ${a:-?} s | tmux ${b:-?} s | umlab ${c:-?} s"
    echo "${a:-999}" >>"$work/r"; echo "${b:-999}" >>"$work/t"; echo "${c:-999}" >>"$work/u"
    r=$((r + 1))
done
ra=$(median <"$work/r"); tm=$(median <"$work/t"); um=$(median <"$work/u")

# g1 is in front; g2 (tab 2) floods in the background while keys go to g1
printf 'wait g1:/# 60\nidle 4\nsend \\x1d2\nidle 1\nsend seq 1 5000000\\r\nidle 3\nsend \\x1d1\nidle 1\nkeylat 300 ~\nsend \\x1d2\nsend \\x03\nidle 2\nidle 10\nsend \\e[21~\nsend y\n' >"$work/steps"
"$work/ttybench" 48 160 -- "$UMLAB" --sandbox --lab benchkey --guests 2 <"$work/steps" >"$work/k"
p50=$(sed -n 's/^keylat_p50_ms=//p' "$work/k"); p99=$(sed -n 's/^keylat_p99_ms=//p' "$work/k")
idle=$(sed -n 's/^idle_cpu_pct=//p' "$work/k" | tail -1)

echo
echo "median of $ROUNDS rounds              raw drain   tmux pane   umlab    umlab/raw  target"
awk -v a="$ra" -v b="$tm" -v c="$um" 'BEGIN {printf "visible guest flood (s)        %8.3f    %8.3f  %7.3f   %6.3fx   <= 1.05x\n", a, b, c, c/a}'
echo "keystroke echo while another tab floods: p50 ${p50:-?} ms, p99 ${p99:-?} ms (target p99 <= 20 ms)"
echo "idle CPU (10 s, two guests at a prompt): ${idle:-?} %"
