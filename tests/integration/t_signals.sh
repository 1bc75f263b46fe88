#!/bin/sh
# SIGTERM, SIGINT and SIGHUP make umlab exit cleanly: guests halted, the lab
# undone, exit status 128+N (root; sandboxed lab umlab-itsig).
. "$(dirname "$0")/lib.sh"
need_root
LAB=itsig
cleanup() {
    [ -n "${upid:-}" ] && kill -9 "$upid" 2>/dev/null
    force_cleanup_lab $LAB
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM

for spec in TERM:15 INT:2 HUP:1; do
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
[ "$FAILS" = 0 ]
