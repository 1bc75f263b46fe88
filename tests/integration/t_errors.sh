#!/bin/sh
# Bad input gets a one-line error and changes nothing (root; sandboxed lab
# umlab-iterr plus a namespace itr-host that this test creates and removes).
. "$(dirname "$0")/lib.sh"
need_root
LAB=iterr
H=itr-host
cleanup() {
    [ -n "${upid:-}" ] && kill "$upid" 2>/dev/null && wait "$upid" 2>/dev/null
    force_cleanup_lab $LAB
    force_cleanup_lab iterr2
    ip netns del $H 2>/dev/null
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM
out=$work/out

"$UMLAB" --sandbox --lab $LAB --json --keep-going --batch - >"$out" 2>&1 <<'BATCH'
guest add g1 --ip auto
guest add g1
guest add g2 --ip 192.168.0.1
guest add g3 --ip 10.0.0.1
guest add g4 --ip 192.168.0.300
guest add g5 --rootfs /nonexistent/rootfs.ext2
guest add g6 --kernel /nonexistent/linux
ip nosuch
nat on nosuch0
nat off
nat on
nat on
frobnicate
guest add bad/name
ip g1 192.168.0.255
ip g1 192.168.0.254
guest add g7 --mem 1
expect g1 "([" 1
send
status
counters
rules
sleep nan
wait g1 nan
sleep inf
ping g1 host --count nan
expect g1 x nan
screen g1 99999999999999999999
guest add g8 --kernel sh
guest add g9 --mem 99999999999999999999
sleep 1e3
host printf 'a\000b\377c'
BATCH

err_is() { # err_is LINE FRAGMENT
    e=$(jline "$out" "$1" '.error // ""')
    ok_=$(jline "$out" "$1" '.ok')
    case "$e" in
    *"$2"*) [ "$ok_" = false ] && [ "$(printf '%s' "$e" | wc -l)" = 0 ] ;;
    *) echo "line $1: got '$e'" >&2; return 1 ;;
    esac
}
check "duplicate name" err_is 2 "already exists"
check "duplicate address" err_is 3 "already used by another guest"
check "address outside the subnet" err_is 4 "outside the lab subnet"
check "malformed address" err_is 5 "not an IPv4 address"
check "missing rootfs" err_is 6 "--rootfs '/nonexistent/rootfs.ext2'"
check "missing kernel" err_is 7 "--kernel '/nonexistent/linux'"
check "unknown guest" err_is 8 "no guest named 'nosuch'"
check "uplink that does not exist" err_is 9 "uplink 'nosuch0' does not exist"
check "NAT already off" err_is 10 "already off"
check "nat on works" test "$(jline "$out" 11 '.ok')" = true
check "NAT already on" err_is 12 "already on"
check "unknown command" err_is 13 "unknown command 'frobnicate'"
check "bad guest name" err_is 14 "guest name 'bad/name'"
check "broadcast address" err_is 15 "broadcast"
check "the host's own address" err_is 16 "host's own address"
check "memory out of range" err_is 17 "--mem"
check "bad regex" err_is 18 "bad pattern"
check "missing arguments" err_is 19 "usage: send"
check "nothing changed: one guest" test "$(jline "$out" 20 '.result.guests | length')" = 1
check "nothing changed: one tap" test "$(jline "$out" 21 '.result.interfaces | map(select(.interface | startswith("tap"))) | length')" = 1
check "nothing changed: masq + 2 forward rules" \
    test "$(jline "$out" 22 '[.result.rules[] | select(.umlab)] | length')" = 3
check "sleep nan" err_is 23 "give seconds"
check "wait nan" err_is 24 "give seconds"
check "sleep inf" err_is 25 "give seconds"
check "ping --count nan" err_is 26 "--count 'nan'"
check "expect timeout nan" err_is 27 "give seconds"
check "screen LINES overflow" err_is 28 "LINES must be"
check "a bare kernel name is not searched on PATH" err_is 29 "--kernel 'sh'"
check "--mem overflow" err_is 30 "--mem"
check "sleep 1e3" err_is 31 "give seconds"
check "nothing changed: still one guest" sh -c "! grep -q '\"name\":\"g[89]\"' '$out'"
check "host output keeps its NUL, bad UTF-8 is U+FFFD" \
    grep -qF '"output":"a\u0000b\ufffdc"' "$out"
check "every JSON line is strict UTF-8 JSON" python3 -c '
import json, sys
for l in open(sys.argv[1], "rb"):
    if l.startswith(b"{"):
        json.loads(l)
' "$out"
assert_lab_gone $LAB

# Errors before any lab exists: one line, exit status, nothing created.
one_line_fail() { # one_line_fail EXPECTED_RC FRAGMENT CMD...
    want=$1 frag=$2
    shift 2
    "$@" >"$work/o" 2>"$work/e" </dev/null
    rc=$?
    [ $rc = "$want" ] && [ "$(wc -l <"$work/e")" = 1 ] && grep -q -- "$frag" "$work/e" ||
        { echo "rc=$rc: $(cat "$work/e")" >&2; return 1; }
}
check "unknown option" one_line_fail 2 "unknown option '--frob'" "$UMLAB" --frob
check "missing rootfs for the lab" one_line_fail 2 "--rootfs '/nope'" \
    "$UMLAB" --sandbox --lab iterr2 --rootfs /nope --batch /dev/null
check "...and nothing was created" test ! -e /run/umlab/iterr2
check "a bare --kernel name is not searched on PATH" one_line_fail 2 "--kernel 'linux.uml'" \
    sh -c "cd / && exec $UMLAB --sandbox --lab iterr2 --kernel linux.uml --batch /dev/null"
check "...and nothing was created" test ! -e /run/umlab/iterr2
# a relative --rootfs means the file in the directory umlab was started in
# (the guests run elsewhere)
check "a relative --rootfs boots" sh -c "cd '$(dirname "$UMLAB")' && echo 'guest add g1 --wait' |
    $UMLAB --sandbox --lab iterr2 --rootfs rootfs.ext2 --batch - >'$work/rel' 2>&1"
[ -s "$work/rel" ] && grep -q error "$work/rel" && cat "$work/rel"
assert_lab_gone iterr2
check "missing batch file" one_line_fail 2 "/nope.umlab" "$UMLAB" --lab iterr2 --batch /nope.umlab
check "bad subnet" one_line_fail 1 "host bits" "$UMLAB" --sandbox --lab iterr2 --subnet 10.1.1.1/24 --batch /dev/null
check "no root" one_line_fail 1 "needs root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UMLAB" --lab iterr2 --batch /dev/null
ip netns add $H
check "no /dev/net/tun" one_line_fail 1 "/dev/net/tun" \
    ip netns exec $H unshare -m sh -c "mount -t tmpfs none /dev/net && exec $UMLAB --lab iterr2 --batch /dev/null"
check "...and nothing was left" test ! -e /run/umlab/iterr2

# A second umlab on the same lab.
mkfifo "$work/cmds"
"$UMLAB" --sandbox --lab $LAB --batch "$work/cmds" >"$work/first" 2>&1 &
upid=$!
exec 3>"$work/cmds"
echo "echo READY" >&3
wait_for "$work/first" '^READY' 30
check "a second umlab on the same lab is refused" \
    one_line_fail 1 "lab '$LAB' is already running" "$UMLAB" --sandbox --lab $LAB --batch /dev/null
exec 3>&-
wait $upid
check "the first one exits cleanly after that" test $? = 0
upid=
assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then echo "--- output:"; cat "$out"; fi
[ "$FAILS" = 0 ]
