#!/bin/sh
# Another program holding /run/xtables.lock (an iptables-legacy writer) does not
# freeze umlab: `nat on` says what it waits for, goes on once the lock is free,
# and a SIGTERM that arrives meanwhile is acted on at once (lab undone).
# Holding the lock changes no network state; the holder is killed in the trap
# (root; sandboxed labs umlab-itxtlock, umlab-itxtlock2).
. "$(dirname "$0")/lib.sh"
need_root
LAB=itxtlock
LAB2=itxtlock2
LOCK=/run/xtables.lock
cleanup() {
    [ -n "${hpid:-}" ] && kill "$hpid" 2>/dev/null
    [ -n "${upid:-}" ] && kill -9 "$upid" 2>/dev/null
    exec 3>&-
    force_cleanup_lab $LAB
    force_cleanup_lab $LAB2
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# hold_lock SECONDS: a holder in the background ($hpid), returns once it holds it
hold_lock() {
    flock "$LOCK" sleep "$1" &
    hpid=$!
    n=0
    while flock -n "$LOCK" true; do
        n=$((n + 1))
        [ $n -gt 50 ] && { fail "the holder did not take $LOCK"; return 1; }
        sleep 0.1
    done
}

# start_lab LAB: umlab reading commands from a FIFO on fd 3 ($upid)
start_lab() {
    rm -f "$work/cmds"
    mkfifo "$work/cmds"
    "$UMLAB" --sandbox --lab "$1" --batch "$work/cmds" >"$work/out" 2>&1 &
    upid=$!
    exec 3>"$work/cmds"
    echo 'echo READY' >&3
    check "$1: the lab is up" wait_for "$work/out" '^READY' 30
}

# 1. The holder lets go after 3 s: `nat on` waits, says why, then succeeds.
start_lab $LAB
hold_lock 3
t0=$(now_ms)
printf 'nat on\necho NAT-DONE\n' >&3
check "says what it waits for" wait_for "$work/out" "waiting for $LOCK \\(held by pid $hpid" 5
check "nat on finished" wait_for "$work/out" '^NAT-DONE' 20
took=$(($(now_ms) - t0))
echo "nat on took $took ms behind a 3 s holder"
check "nat on waited for the holder (${took} ms >= 2000)" test $took -ge 2000
check "nat on succeeded" sh -c "! grep -q '^error' '$work/out'"
check "the MASQUERADE rule is in" sh -c \
    "ip netns exec umlab-$LAB iptables-legacy -t nat -S POSTROUTING | grep -q umlab:$LAB:masq"
exec 3>&-
wait $upid
rc=$?
upid=
check "the batch succeeded" test $rc = 0
[ $rc = 0 ] || cat "$work/out"
assert_lab_gone $LAB
wait $hpid 2>/dev/null
hpid=

# 2. The holder keeps it 10 s; SIGTERM while `nat on` waits ends umlab at once.
start_lab $LAB2
hold_lock 10
printf 'nat on\n' >&3
check "waiting for the lock" wait_for "$work/out" "waiting for $LOCK" 5
t0=$(now_ms)
kill -TERM $upid
wait $upid
rc=$?
took=$(($(now_ms) - t0))
upid=
echo "umlab exited $took ms after SIGTERM"
check "SIGTERM acted on within a second or so (${took} ms < 2000)" test $took -lt 2000
check "exit status 143" test $rc = 143
check "says it was interrupted" grep -q "interrupted while waiting for $LOCK" "$work/out"
check "the holder was left alone" kill -0 $hpid
assert_lab_gone $LAB2
[ "$FAILS" = 0 ] || cat "$work/out"
[ "$FAILS" = 0 ]
