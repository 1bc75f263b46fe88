#!/bin/sh
# SIGTERM, SIGINT, SIGHUP and SIGQUIT make umlab exit cleanly: guests halted,
# the lab undone, exit status 128+N; so does a reader closing the output pipe
# (`umlab --batch recipe | head -3`, `--json … | head -1`, `umlab check LAB |
# true`: EPIPE, status 141) (root; sandboxed lab
# umlab-itsig).
. "$(dirname "$0")/lib.sh"
need_root
lab_setup itsig

for spec in TERM:15 INT:2 HUP:1 QUIT:3; do
    sig=${spec%:*}
    num=${spec#*:}
    rm -f "$work/cmds"
    mkfifo "$work/cmds"
    "$UMLAB" --sandbox --lab $LAB --batch "$work/cmds" >"$work/out" 2>&1 &
    upid=$!
    exec 3>"$work/cmds"
    printf 'guest add g1 --ip auto --wait\necho READY\n' >&3
    check "SIG$sig: the guest booted" wait_for "$work/out" '^READY' 60
    check "SIG$sig: the guest runs" pgrep -f "[u]mid=umlab-$LAB-g1"
    # umlab now waits for more input: the signal must still get through
    kill -s $sig $upid
    wait $upid
    rc=$?
    upid=
    exec 3>&-
    check "SIG$sig: exit status 128+$num" test $rc = $((128 + num))
    assert_lab_gone $LAB
done

# The reader goes away: no SIGPIPE death, the lab is undone, one clear line.
recipe=$(dirname "$0")/../../examples/recipe.umlab
{
    "$UMLAB" --sandbox --lab $LAB --batch "$recipe" 2>"$work/err"
    echo $? >"$work/rc"
} | head -3 >"$work/head"
check "EPIPE: head got its 3 lines" test "$(wc -l <"$work/head")" = 3
check "EPIPE: exit status 141 (128+SIGPIPE)" test "$(cat "$work/rc")" = 141
check "EPIPE: says why it stopped" grep -q 'output closed (broken pipe)' "$work/err"
assert_lab_gone $LAB

# --json into head -1: the first object, then a stop at the next one (not
# after the 20 s ping), the guest halted and the lab undone.
printf 'echo hi\nguest add g1 --ip auto --wait\nping g1 host --count 20\n' >"$work/long"
{
    "$UMLAB" --sandbox --lab $LAB --json --batch "$work/long" 2>"$work/err"
    echo $? >"$work/rc"
} | head -1 >"$work/head"
check "EPIPE --json: head got one object" test "$(jq -r .command "$work/head")" = "echo hi"
check "EPIPE --json: exit status 141" test "$(cat "$work/rc")" = 141
check "EPIPE --json: stopped at the guest, not after the ping" grep -q 'stopped after .*long:2$' "$work/err"
assert_lab_gone $LAB

# umlab check whose reader is gone: its results were lost, so no "passed".
lab=$(dirname "$0")/../../examples/labs/recipe.lab
{
    "$UMLAB" check --sandbox --lab $LAB "$lab" 2>"$work/err"
    echo $? >"$work/rc"
} | true
check "EPIPE check: exit status 141" test "$(cat "$work/rc")" = 141
check "EPIPE check: says the results were not written" grep -q 'output closed (broken pipe)' "$work/err"
assert_lab_gone $LAB
[ "$FAILS" = 0 ]
