#!/bin/sh
# Host-mode labs and the host's forwarding sysctls (root; namespace itpf-host
# stands in for the host, labs itpfa/itpfb run in it in host mode):
# - turning ip_forward on rewrites accept_redirects and every forwarding
#   value: all of them come back on exit, not just ip_forward;
# - two labs share ip_forward: whichever leaves first (by exit or by
#   `umlab cleanup` after a kill) leaves it on for the other, the last one
#   out restores;
# - MASQUERADE matches the lab's subnet only (-s), never the host's other
#   forwarded traffic.
. "$(dirname "$0")/lib.sh"
need_root
NS=itpf-host
A=itpfa
B=itpfb
cleanup() {
    for p in ${pid_itpfa:-} ${pid_itpfb:-}; do kill -9 "$p" 2>/dev/null; done
    exec 3>&- 4>&-
    for l in $A $B; do
        ip netns exec $NS "$UMLAB" cleanup $l >/dev/null 2>&1
        rm -rf "/run/umlab/$l"
    done
    ip netns del $NS 2>/dev/null
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM

ip netns add $NS
in_ns() { ip netns exec $NS "$@"; }
in_ns ip link set lo up
# (veth pairs: this kernel has no dummy driver)
in_ns ip link add up0 type veth peer name up0p || exit 1
in_ns ip link add dm1 type veth peer name dm1p || exit 1
in_ns ip link set up0 up
# distinctive values: none of them what `ip_forward=0` would reset them to
in_ns sh -c 'cd /proc/sys/net/ipv4 && echo 0 >ip_forward && echo 0 >conf/all/accept_redirects &&
    echo 1 >conf/default/forwarding && echo 1 >conf/dm1/forwarding && echo 1 >conf/lo/forwarding &&
    echo 0 >conf/up0/forwarding && echo 0 >conf/default/accept_redirects'
snapshot() {
    in_ns sh -c 'cd /proc/sys/net/ipv4 && for f in ip_forward conf/*/forwarding conf/*/accept_redirects; do
        echo "$f $(cat $f)"; done'
}
snapshot >"$work/before"
ls -A /run/umlab/.forwarding 2>/dev/null | grep -v '^lock$' >"$work/reg-before"
fwd() { in_ns cat /proc/sys/net/ipv4/ip_forward; }

# start_lab NAME FD: a host-mode lab in $NS reading commands from fifo FD
start_lab() {
    rm -f "$work/$1.cmds"
    mkfifo "$work/$1.cmds"
    # not through in_ns: $! must be umlab itself (ip netns exec execs it)
    # 3>&- 4>&-: the other lab's fifo must not stay open in this one (no EOF)
    ip netns exec $NS "$UMLAB" --lab "$1" --batch "$work/$1.cmds" >"$work/$1.out" 2>&1 3>&- 4>&- &
    eval "pid_$1=\$!"
    eval "exec $2>\"$work/$1.cmds\""
    printf 'nat on up0\nrules\necho %s-READY\n' "$1" >&"$2"
    wait_for "$work/$1.out" "^$1-READY" 20
}
# stop_lab NAME FD: end of its input, wait for its exit
stop_lab() {
    eval "exec $2>&-"
    eval "wait \$pid_$1"
}

# 1. one lab: on while it runs, everything back after
start_lab $A 3 || fail "lab $A did not start"
check "one lab: ip_forward on" test "$(fwd)" = 1
check "one lab: MASQUERADE only from the lab's subnet" \
    sh -c "ip netns exec $NS iptables-legacy -t nat -S POSTROUTING | grep -- '-s 192.168.0.0/24 -o up0' | grep -q MASQUERADE"
check "one lab: no MASQUERADE without a source" \
    sh -c "! ip netns exec $NS iptables-legacy -t nat -S POSTROUTING | grep MASQUERADE | grep -qv -- '-s 192.168.0.0/24'"
check "one lab: 'rules' shows the source" grep -q 'MASQUERADE .*src 192.168.0.0/24' "$work/$A.out"
stop_lab $A 3
snapshot >"$work/after1"
check "one lab: every forwarding sysctl restored" cmp -s "$work/before" "$work/after1"

# 2. A up, B up, B exits: still on; A exits: restored
start_lab $A 3 || fail "lab $A did not start"
start_lab $B 4 || fail "lab $B did not start"
stop_lab $B 4
check "A+B, B out: ip_forward still on for A" test "$(fwd)" = 1
check "A+B, B out: A's MASQUERADE still there" \
    sh -c "ip netns exec $NS iptables-legacy -t nat -S POSTROUTING | grep -q 'umlab:$A:masq'"
stop_lab $A 3
snapshot >"$work/after2"
check "A+B, A out last: everything restored" cmp -s "$work/before" "$work/after2"

# 3. A up, B up, A exits first: still on for B; B exits: restored
start_lab $A 3 || fail "lab $A did not start"
start_lab $B 4 || fail "lab $B did not start"
stop_lab $A 3
check "A+B, A out first: ip_forward still on for B" test "$(fwd)" = 1
stop_lab $B 4
snapshot >"$work/after3"
check "A+B, B out last: everything restored" cmp -s "$work/before" "$work/after3"

# 4. B killed and cleaned up while A runs: still on; A exits: restored
start_lab $A 3 || fail "lab $A did not start"
start_lab $B 4 || fail "lab $B did not start"
kill -9 "$pid_itpfb"
wait "$pid_itpfb" 2>/dev/null
exec 4>&-
in_ns "$UMLAB" cleanup $B >"$work/cleanB" 2>&1
check "B killed, cleaned up: ip_forward still on for A" test "$(fwd)" = 1
check "B killed, cleaned up: cleanup says why" grep -q 'keep ip_forward on' "$work/cleanB"
stop_lab $A 3
snapshot >"$work/after4"
check "B cleaned, A out: everything restored" cmp -s "$work/before" "$work/after4"
ls -A /run/umlab/.forwarding 2>/dev/null | grep -v '^lock$' >"$work/reg-after"
check "the registry keeps nothing of this namespace" cmp -s "$work/reg-before" "$work/reg-after"

if [ "$FAILS" != 0 ]; then
    cat "$work"/*.out "$work/cleanB"
    diff "$work/before" "$work/after1"
fi
[ "$FAILS" = 0 ]
