#!/bin/sh
# The guest's mconsole socket lives under guests/, which a sudo user owns: a
# symlink planted there must not aim root's mconsole datagrams at another
# socket (a canary here). The real socket still works. (root; sandboxed lab
# umlab-itpm.)
. "$(dirname "$0")/lib.sh"
need_root
LAB=itpm
cleanup() {
    if [ "$FAILS" != 0 ] && [ -n "${work:-}" ]; then cat "$work/out" >&2; fi
    [ -n "${upid:-}" ] && kill -9 "$upid" 2>/dev/null
    [ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null
    force_cleanup_lab $LAB
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM

# the canary: a datagram socket that logs whatever reaches it
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").close()
while True:
    d = s.recv(4096)
    with open(sys.argv[2], "ab") as f:
        f.write(d + b"\n")
' "$work/canary" "$work/canary.log" &
cpid=$!

mkfifo "$work/cmds"
"$UMLAB" --sandbox --lab $LAB --batch "$work/cmds" >"$work/out" 2>&1 &
upid=$!
exec 3>"$work/cmds"
printf 'guest add g1 --ip auto --wait\necho READY\n' >&3
trap '' PIPE # a umlab that died must not kill the test before it reports
check "the guest booted" wait_for "$work/out" '^READY' 90
[ "$FAILS" = 0 ] || exit 1
check "the canary listens" test -S "$work/canary"
sock=/run/umlab/$LAB/guests/uml/umlab-$LAB-g1/mconsole
check "the guest's mconsole socket is there" test -S "$sock"

# 1. the socket swapped for a symlink to the canary
mv "$sock" "$sock.real"
ln -s "$work/canary" "$sock"
printf '! guest sysrq g1 s\necho STEP1\n' >&3
check "link: the command finished" wait_for "$work/out" '^STEP1' 20
check "link: refused with a clear error" grep -q 'failed as expected.*symlink.*refused' "$work/out"

# 2. a directory on the way swapped for a symlink
rm "$sock"
mv "$sock.real" "$sock"
d=/run/umlab/$LAB/guests/uml/umlab-$LAB-g1
mv "$d" "$d.real"
ln -s "$d.real" "$d"
printf '! guest sysrq g1 s\necho STEP2\n' >&3
check "dir link: the command finished" wait_for "$work/out" '^STEP2' 20
check "dir link: refused" test "$(grep -c 'failed as expected.*symlink' "$work/out")" = 2

# 3. back to the real socket: it works
rm "$d"
mv "$d.real" "$d"
printf 'guest sysrq g1 s\necho STEP3\n' >&3
check "real socket: the command finished" wait_for "$work/out" '^STEP3' 20
check "real socket: sysrq answered" sh -c "! grep -q 'error:' '$work/out'"

# 4. halt through a planted link: an error saying so, and the guest stops anyway
mv "$sock" "$sock.real"
ln -s "$work/canary" "$sock"
printf '! guest halt g1\necho STEP4\n' >&3
check "halt: the command finished" wait_for "$work/out" '^STEP4' 30
check "halt: fails with a clear error" grep -q 'failed as expected.*symlink.*killed it instead' "$work/out"
check "halt: the guest is stopped" sh -c "! pgrep -f '[u]mid=umlab-$LAB-g1' >/dev/null"
exec 3>&-
wait $upid
upid=
check "the canary received nothing" test ! -s "$work/canary.log"
assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then cat "$work/out"; fi
[ "$FAILS" = 0 ]
