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
