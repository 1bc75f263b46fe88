#!/bin/sh
# The state directory and `umlab cleanup` as root next to a less trusted
# user (root): explicit modes whatever the umask, a tampered journal refused
# record by record (and nothing it names touched), a failed undo kept for a
# retry, a header-only journal cleaned, a foreign namespace with umlab's name
# left alone, and UMLAB_STATE_DIR accepted only on a root-only chain. Runs in
# a namespace of its own (itst-h) standing in for the host.
. "$(dirname "$0")/lib.sh"
need_root
H=itst-h
BASE=/run/itst-base
export UMLAB_STATE_DIR=$BASE
cleanup() {
    ip netns del $H 2>/dev/null
    ip netns del umlab-itst3 2>/dev/null
    ip netns del umlab-itst3-inet 2>/dev/null
    rm -rf "$BASE" /tmp/itst-canary /tmp/itst-open /run/itst-link
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM
in_h() { ip netns exec $H "$@"; }
ip netns add $H || exit 1
in_h ip link set lo up
in_h iptables-legacy -A FORWARD -j ACCEPT -m comment --comment test-own

# --- 1. modes independent of the umask (000 here)
mkfifo "$work/cmds"
(umask 000 && exec ip netns exec $H "$UMLAB" --lab itst --batch "$work/cmds" >"$work/out" 2>&1) &
upid=$!
exec 3>"$work/cmds"
echo "echo READY" >&3
check "umlab runs with umask 000" wait_for "$work/out" '^READY' 20
mode() { stat -c %a "$1"; }
check "state base is 755" test "$(mode $BASE)" = 755
check "lab state dir is 755" test "$(mode $BASE/itst)" = 755
check "guests/ is 755" test "$(mode $BASE/itst/guests)" = 755
check "journal is 600" test "$(mode $BASE/itst/journal)" = 600
check "lock is 644" test "$(mode $BASE/itst/lock)" = 644
exec 3>&-
wait $upid
check "umlab exits cleanly" test $? = 0
check "its state directory is gone" test ! -e $BASE/itst

# --- 2. a tampered journal: each hostile record refused, nothing it names touched
mkdir -p /tmp/itst-canary && touch /tmp/itst-canary/canary
sleep 300 &
spid=$!
mkdir -m 755 $BASE/itst2
cat >$BASE/itst2/journal <<J
umlab-journal 1
1 dir $BASE/itst2
2 dir /
3 dir /tmp/itst-canary
4 file /tmp/itst-canary/canary
5 proc 1 0
6 proc $spid 0
7 sysctl kernel/ctrl-alt-del 1
8 sysctl net/ipv4/conf/lo/rp_filter 0
9 rule filter FORWARD test-own
10 rule filter FORWARD umlab:other:tap0
J
fwd=$(in_h cat /proc/sys/net/ipv4/conf/lo/rp_filter)
in_h "$UMLAB" cleanup itst2 >"$work/c2" 2>&1
rc=$?
check "cleanup of a tampered journal fails" test $rc != 0
check "each refused record has its own line" test "$(grep -c 'refused' "$work/c2")" -ge 9
check "the canary outside the state dir survives" test -e /tmp/itst-canary/canary
check "the process named with start 0 survives" kill -0 $spid
check "rp_filter untouched" test "$(in_h cat /proc/sys/net/ipv4/conf/lo/rp_filter)" = "$fwd"
check "a foreign rule comment was not deleted" \
    sh -c "ip netns exec $H iptables-legacy-save | grep -q 'comment test-own'"
check "the state dir is kept while records are left" test -e $BASE/itst2/journal
kill $spid

# --- 3. a record that fails to undo is kept and retried; the journal is not lost
in_h ip link add tap9 type veth peer name tap9p # not a tap: tap_delete fails
printf 'umlab-journal 1\n1 dir %s/itst4\n2 tap tap9\n' $BASE >"$work/j4"
mkdir -m 755 $BASE/itst4 && cp "$work/j4" $BASE/itst4/journal
in_h "$UMLAB" cleanup itst4 >"$work/c4" 2>&1
rc=$?
check "cleanup with a record that cannot be undone exits non-zero" test $rc != 0
check "...says what is left over" grep -q 'left over: tap tap9' "$work/c4"
check "...keeps the journal" test -e $BASE/itst4/journal
in_h ip link del tap9
in_h "$UMLAB" cleanup itst4 >"$work/c4b" 2>&1
check "a second cleanup, the obstacle gone, succeeds" test $? = 0
check "...and removes the state dir" test ! -e $BASE/itst4

# --- 4. a journal holding only its header (or nothing): cleaned, the lab usable again
for body in 'umlab-journal 1\n' '' 'umlab-jou'; do
    mkdir -m 755 $BASE/itst5
    printf "$body" >$BASE/itst5/journal
    in_h "$UMLAB" cleanup itst5 >"$work/c5" 2>&1
    check "cleanup of a header-only/empty journal ('$body') succeeds" test $? = 0
    check "...and removes the state dir" test ! -e $BASE/itst5
done
echo "echo hi" | in_h "$UMLAB" --lab itst5 --batch - >"$work/o5" 2>&1
check "the lab can be used again" test $? = 0

# --- 5. a namespace with the name umlab would use is someone else's: it survives
ip netns add umlab-itst3-inet
ip netns exec umlab-itst3-inet ip link add keep3 type veth peer name keep3p
echo "echo hi" | "$UMLAB" --lab itst3 --sandbox --batch - >"$work/o3" 2>&1
check "umlab refuses to start over a foreign namespace" test $? != 0
check "...saying so" grep -q 'umlab-itst3-inet already exists' "$work/o3"
check "the foreign namespace survives" ip netns exec umlab-itst3-inet ip link show keep3
check "umlab's own namespace is gone" sh -c "! ip netns list | awk '{print \$1}' | grep -qx umlab-itst3"
check "no state left" test ! -e $BASE/itst3

# --- 6. UMLAB_STATE_DIR only on a root-owned, not group/other-writable chain
mkdir -m 777 /tmp/itst-open
for bad in relative/dir /tmp/itst-open /tmp/itst-open/sub; do
    echo "echo hi" | UMLAB_STATE_DIR=$bad ip netns exec $H "$UMLAB" --lab itst6 --batch - \
        >"$work/o6" 2>&1
    check "state dir '$bad' refused" test $? != 0
    check "...in one line" test "$(grep -vc '^>' "$work/o6")" = 1
    check "...nothing made in it" test ! -e "$bad/itst6" -a ! -e /tmp/itst-open/sub
done
UMLAB_STATE_DIR=/tmp/itst-open "$UMLAB" cleanup itst6 >"$work/c6" 2>&1
check "cleanup refuses a group/other-writable state dir" test $? != 0
ln -s $BASE /run/itst-link
echo "echo hi" | UMLAB_STATE_DIR=/run/itst-link ip netns exec $H "$UMLAB" --lab itst6 --batch - \
    >"$work/o6" 2>&1
check "a symlinked state dir is refused" test $? != 0
check "...and nothing made through it" test ! -e $BASE/itst6

if [ "$FAILS" != 0 ]; then
    for f in out c2 c4 c4b c5 o3 c6 o6; do echo "--- $f:"; cat "$work/$f" 2>/dev/null; done
fi
[ "$FAILS" = 0 ]
