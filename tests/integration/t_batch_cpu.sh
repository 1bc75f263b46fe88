#!/bin/sh
# Batch mode sleeps while a command waits: during `sleep 5` and an `expect`
# that waits on a quiet guest, umlab's own CPU time (utime+stime) stays under
# 5% of the wall time. The batch is a regular file, which always polls
# readable (root; sandboxed lab umlab-itbcpu).
. "$(dirname "$0")/lib.sh"
need_root
LAB=itbcpu
cleanup() {
    [ -n "${upid:-}" ] && kill "$upid" 2>/dev/null && wait "$upid" 2>/dev/null
    force_cleanup_lab $LAB
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM
hz=$(getconf CLK_TCK)

cat >"$work/batch" <<'BATCH'
guest add g1 --ip auto --wait
echo READY
sleep 5
echo SLEPT
send g1 sleep 4; echo $((6*7))X
expect g1 ^42X 15
echo EXPECTED
BATCH

# cpu_ms PID: utime+stime of PID in milliseconds (fields 14, 15 of stat;
# counted after the ")" that ends the command name)
cpu_ms() {
    sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$hz" '{ print int(($12 + $13) * 1000 / hz) }'
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# measure LABEL PID MARK_DONE: CPU share from now until MARK_DONE appears
measure() {
    c0=$(cpu_ms "$2")
    t0=$(now_ms)
    wait_for "$work/out" "^$3" 30 || { fail "$1: $3 never came"; return; }
    c1=$(cpu_ms "$2")
    t1=$(now_ms)
    wall=$((t1 - t0))
    cpu=$((c1 - c0))
    echo "$1: umlab used $cpu ms of CPU in $wall ms"
    check "$1: took its time (${wall} ms >= 3000)" test "$wall" -ge 3000
    check "$1: CPU under 5% of the wall time ($cpu ms)" test $((cpu * 20)) -lt "$wall"
}

"$UMLAB" --sandbox --lab $LAB --batch "$work/batch" >"$work/out" 2>&1 &
upid=$!
check "the guest booted" wait_for "$work/out" '^READY' 90
measure "sleep 5" $upid SLEPT
measure "expect on a quiet guest" $upid EXPECTED
wait $upid
rc=$?
upid=
check "the batch succeeded" test $rc = 0
[ $rc = 0 ] || cat "$work/out"
assert_lab_gone $LAB
[ "$FAILS" = 0 ]
