#!/bin/sh
# The lab's own panes from a batch file (root, --sandbox): `dump g1 on` runs
# tcpdump of g1's tap on a pane and `screen dump:g1` shows the ICMP of a ping to
# g1; `dump g1 off` ends the process; so does deleting the guest; a dump of a
# named interface; `shell` runs a host shell in the lab's namespace and
# `shell off` ends it; bad targets are refused with one line.
. "$(dirname "$0")/lib.sh"
need_root
lab_setup itpane

# say COMMANDS... then wait for the echo of MARK: commands run one at a time
say() {
    mark=$1
    shift
    printf '%s\n' "$@" "echo $mark" >&3
    wait_for "$work/out" "\"text\":\"$mark\"|\"ok\":false" 120
    if ! grep -q "\"text\":\"$mark\"" "$work/out"; then
        fail "the batch stopped before $mark: $(grep '"ok":false' "$work/out" | head -1)"
        exit 1
    fi
}
# the JSON result of the last command line equal to $1
result() {
    jq -c --arg c "$1" 'select(.command == $c) | .result' "$work/out" | tail -1
}
alive() { # alive PID NAME: the process exists and is NAME
    [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

mkfifo "$work/cmds"
"$UMLAB" --sandbox --lab $LAB --json --batch "$work/cmds" >"$work/out" 2>&1 &
upid=$!
exec 3>"$work/cmds"

say BOOTED "guest add g1 --ip 192.168.0.1 --wait" "dump g1 on" "sleep 1"
dpid=$(result "dump g1 on" | jq -r .pid)
check "dump g1 on names g1's tap" test "$(result "dump g1 on" | jq -r '.iface + " " + .guest')" = "tap0 g1"
check "tcpdump runs (pid $dpid)" alive "$dpid" tcpdump
say PINGED "host ping -c 2 -W 5 192.168.0.1" "sleep 1" "screen dump:g1 40"
result "screen dump:g1 40" | jq -r .text >"$work/dump"
sed 's/^/  | /' "$work/dump"
check "the dump pane says tcpdump listens on tap0" grep -q 'listening on tap0' "$work/dump"
check "the dump pane shows the echo requests to g1" \
    grep -Eq 'IP 192\.168\.0\.254 > 192\.168\.0\.1: ICMP echo request' "$work/dump"
check "the dump pane shows g1's echo replies" \
    grep -Eq 'IP 192\.168\.0\.1 > 192\.168\.0\.254: ICMP echo reply' "$work/dump"
say OFF "dump g1 off"
check "dump g1 off says it is not running" test "$(result "dump g1 off" | jq -r .running)" = false
check "dump g1 off ended tcpdump" sh -c "! test -e /proc/$dpid"

say SHELL "shell" "sleep 0.5" "screen host" "dump uplink0 on"
spid=$(result shell | jq -r .pid)
check "shell runs /bin/sh (pid $spid)" alive "$spid" sh
result "screen host" | jq -r .text >"$work/shell"
check "the host shell prompt names the lab's namespace" grep -q "^\[umlab $LAB: umlab-$LAB\] #" "$work/shell"
check "the shell is in the lab's namespace" \
    test "$(readlink /proc/"$spid"/ns/net)" = "$(ip netns exec umlab-$LAB readlink /proc/self/ns/net)"
upl=$(result "dump uplink0 on")
check "a dump of uplink0 belongs to no guest" test "$(echo "$upl" | jq -r '.iface + " " + (.guest // "none")')" = "uplink0 none"
say SHELLOFF "shell off" "dump g1 on"
check "shell off ended the shell" sh -c "! test -e /proc/$spid"
d2=$(result "dump g1 on" | jq -r .pid)
check "tcpdump runs again (pid $d2)" alive "$d2" tcpdump
say DELETED "guest del g1"
check "deleting g1 ended the tcpdump of its tap" sh -c "! test -e /proc/$d2"
upid_dump=$(echo "$upl" | jq -r .pid)
check "the dump of uplink0 still runs" alive "$upid_dump" tcpdump
exec 3>&-
wait $upid
upid=
check "the dump of uplink0 ended with the lab" sh -c "! test -e /proc/$upid_dump"

# bad input: one line each, nothing started
"$UMLAB" --sandbox --lab $LAB --keep-going --batch - >"$work/bad" 2>&1 <<'BATCH'
dump nosuch0 on
dump uplink0 maybe
screen dump:uplink0
screen host
BATCH
check "an unknown interface is refused" grep -q "no interface named 'nosuch0'" "$work/bad"
check "on/off is checked" grep -q "say on or off, not 'maybe'" "$work/bad"
check "screen of a dump that is not open is refused" grep -q "no tcpdump on 'uplink0'" "$work/bad"
check "screen host without a shell is refused" grep -q "no host shell" "$work/bad"
assert_lab_gone $LAB
[ $FAILS -eq 0 ]
