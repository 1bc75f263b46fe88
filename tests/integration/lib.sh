# Shared helpers of umlab's integration tests (sourced). They need root, create
# their own network namespaces and remove everything they made, even on failure.
set -u

UMLAB=${UMLAB:?set UMLAB to the umlab binary}
FAILS=0

fail() {
    echo "FAIL: $*" >&2
    FAILS=$((FAILS + 1))
}

ok() {
    echo "ok: $*"
}

check() { # check DESCRIPTION COMMAND...
    desc=$1
    shift
    if "$@" >/dev/null; then ok "$desc"; else fail "$desc"; fi
}

need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "this test needs root (network namespaces, taps, iptables)" >&2
        exit 1
    fi
}

# Nothing of lab $1 is left: no state dir, no guest process, no namespace.
assert_lab_gone() {
    lab=$1
    check "no state directory of lab $lab" test ! -e "/run/umlab/$lab"
    # [u]: the pattern must not match this check's own command line
    check "no guest process of lab $lab" sh -c "! pgrep -f '[u]mid=umlab-$lab-' >/dev/null"
    check "no namespace umlab-$lab" sh -c "! ip netns list | grep -qw 'umlab-$lab'"
    check "no namespace umlab-$lab-inet" sh -c "! ip netns list | grep -qw 'umlab-$lab-inet'"
}

# Last-resort cleanup for traps: whatever a failed test left.
force_cleanup_lab() {
    lab=$1
    "$UMLAB" cleanup "$lab" >/dev/null 2>&1 || true
    pkill -9 -f "[u]mid=umlab-$lab-" 2>/dev/null || true
    for ns in "umlab-$lab" "umlab-$lab-inet"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "/run/umlab/$lab"
}

# jq query on the JSON line of batch command number $2 in file $1.
jline() {
    jq -r --argjson n "$2" "select(.line == \$n) | $3" "$1"
}

# wait_for FILE REGEX SECONDS: until a line of FILE matches (grep -E); 1 on timeout.
wait_for() {
    n=0
    until grep -Eq -- "$2" "$1" 2>/dev/null; do
        [ $n -ge $(($3 * 5)) ] && return 1
        sleep 0.2
        n=$((n + 1))
    done
}

# Path of test program $1 (tests/prog/$1.c), built beside the umlab under test
# (make progs); exits the test when it is missing.
test_prog() {
    p=${UMLAB_PROGS:-$(dirname "$UMLAB")/tests/prog}/$1
    [ -x "$p" ] || p=$(dirname "$UMLAB")/build/tests/prog/$1
    if [ ! -x "$p" ]; then
        echo "test program $1 is missing: build it with 'make progs'" >&2
        exit 1
    fi
    echo "$p"
}

# The usual cleanup of a test on lab $LAB: umlab ($upid, when started) killed,
# whatever the lab left removed, the work directory $work deleted.
lab_cleanup() {
    [ -n "${upid:-}" ] && kill -9 "$upid" 2>/dev/null
    force_cleanup_lab "$LAB"
    [ -n "${work:-}" ] && rm -rf "$work"
}

# lab_setup LAB [CLEANUP]: the start of a test on lab LAB: CLEANUP (default
# lab_cleanup) run now for what an earlier run left and again on exit, a work
# directory in $work.
lab_setup() {
    LAB=$1
    ${2:-lab_cleanup}
    work=$(mktemp -d)
    trap "${2:-lab_cleanup}" EXIT INT TERM
}

# host_ns H N: namespace H as a host with an uplink up0 (198.51.100.2/24) to
# namespace N, the stand-in internet (198.51.100.1 on its eth0), and a tap of
# its own (keep0) with a FORWARD and a NAT rule of its own: what umlab must
# leave alone.
host_ns() {
    ip netns add "$1" && ip netns add "$2" || return 1
    ip -n "$1" link set lo up &&
        ip -n "$1" link add up0 type veth peer name eth0 netns "$2" &&
        ip -n "$1" addr add 198.51.100.2/24 dev up0 &&
        ip -n "$1" link set up0 up &&
        ip -n "$2" addr add 198.51.100.1/24 dev eth0 &&
        ip -n "$2" link set eth0 up &&
        ip netns exec "$1" ip tuntap add keep0 mode tap &&
        ip netns exec "$1" iptables-legacy -A FORWARD -i keep0 -j ACCEPT -m comment --comment test-own &&
        ip netns exec "$1" iptables-legacy -t nat -A POSTROUTING -o up0 -j RETURN -m comment --comment test-own-nat
}

# The cleanup of a test whose lab $LAB runs in host_ns's namespace $H (the
# internet: $N): umlab killed, the lab undone where it ran, then the usual
# cleanup, and both namespaces deleted.
host_lab_cleanup() {
    [ -n "${upid:-}" ] && kill -9 "$upid" 2>/dev/null
    ip netns exec "$H" "$UMLAB" cleanup "$LAB" >/dev/null 2>&1
    lab_cleanup
    ip netns del "$H" 2>/dev/null
    ip netns del "$N" 2>/dev/null
}
