#!/bin/sh
# Key echo at the console's prompt while N guests boot, side pane shown and
# hidden, variants side by side in ONE run (root; --sandbox: namespaces only).
# A variant is "shown" or "hidden", and optionally a umlab binary to run
# instead of UMLAB (a build before a change): "shown /tmp/old/umlab".
# 150 keys, a typist's 20 ms apart, typed from AFTER s after start (default 1:
# the console is still starting the guests; 32 are at a prompt after ~14 s).
# Each variant: its own console, quit and cleaned up.
#   usage: bench/bootkeys.sh UMLAB [N] [VARIANTS...]   (default shown hidden shown
#          hidden; env AFTER=1)
# A variant whose last guest never reaches its prompt (a guest that panics at
# boot makes `wait gN` answer "error: gN is not running") is "stalled" in the
# table, with the console's answer, and the next variant runs.
# Results: bench/out/bootkeys-N-TIME.md.
set -u
UMLAB=$(readlink -f "${1:?usage: bootkeys.sh UMLAB [N] [VARIANTS...]}")
N=${2:-32}
shift $(($# >= 2 ? 2 : 1))
[ $# -eq 0 ] && set -- shown hidden shown hidden
. "$(dirname "$0")/lib.sh"
bench_setup benchkeys
bench_tool ttybench
stamp=$(date -u +%Y%m%dT%H%M%SZ)
md="$dir/out/bootkeys-$N-$stamp.md"
{
    echo "key echo while $N guests boot, side pane shown or hidden ($stamp, $(uname -r), $(nproc) CPUs, load $load0)"
    echo
    echo "keys typed from ${AFTER:-1} s after start"
    echo
    echo "| side pane | p50 ms | p99 ms | max ms | last guest at its prompt |"
    echo "|---|---|---|---|---|"
} >"$md"
for v in "$@"; do
    set -- $v
    bin=${2:-$UMLAB}
    rm -f "$work/steps" "$work/out"
    mkfifo "$work/steps"
    t0=$(date +%s.%N)
    "$work/ttybench" 48 160 -- "$bin" --sandbox --lab $LAB \
        --guests "$N" --mem 64 <"$work/steps" >"$work/out" 2>"$work/err" &
    tpid=$!
    exec 3>"$work/steps"
    echo "wait $LAB 60" >&3
    [ "$1" = hidden ] && printf 'send \\x1ds\n' >&3 # Ctrl-] s
    printf 'send \\x1d:\nidle %s\nmark\nkeylat 150 ~\nsend \\x15\\x07\nmark\n' "${AFTER:-1}" >&3
    # the wait's answer: its log line, or the error that ends it early
    printf 'send \\x1d:\nsend wait g%s 300\\r\nidle 0.3\nwait shell prompt|error: 320\nsay BOOTED\n' "$N" >&3
    if until_line "$work/out" '^BOOTED$' 360 "$tpid" && grep -q '^waited=shell prompt$' "$work/out"; then
        boot="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
    else
        w=$(sed -n 's/^waited_line=//p' "$work/out" | tr -d '|')
        boot="stalled (wait g$N: ${w:-no answer})"
        echo "bootkeys: $v stalled: ${w:-no answer} $(cat "$work/err")" >&2
    fi
    # quit, unless ttybench gave up already (a write to its closed fifo would
    # end this script)
    kill -0 "$tpid" 2>/dev/null && printf 'send \\e[21~\nidle 1\nsend y\n' >&3
    exec 3>&-
    wait $tpid
    tpid=
    "$UMLAB" cleanup $LAB >/dev/null 2>&1
    o() { sed -n "s/^$1=//p" "$work/out" | head -1; }
    echo "| $1${2:+ ($2)} | $(o keylat_p50_ms) | $(o keylat_p99_ms) | $(o keylat_max_ms) | $boot |" >>"$md"
    sleep 5 # the guests' exit settles
done
cat "$md"
