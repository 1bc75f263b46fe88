#!/bin/sh
# Runs every test suite against one build directory and prints one closing
# line "tests (BUILD): N passed, N failed" (a suite is a unit-test binary or an
# integration/TUI test script).
#   usage: run-all.sh BUILD_DIR
# The unit tests need nothing; the integration and TUI tests need root and
# create (and remove) their own network namespaces, taps, rules and guests.
set -u
build=${1:?usage: run-all.sh BUILD_DIR}
umlab=$(readlink -f "$build/umlab")
export UMLAB="$umlab"
export UMLAB_SRCDIR="${UMLAB_SRCDIR:-$PWD}" # test_docs reads the docs from the source tree
pass=0
failn=0
failed=""
run() { # run NAME CMD...
    name=$1
    shift
    echo "== $name"
    start=$(date +%s)
    if "$@"; then
        pass=$((pass + 1))
        echo "== $name: passed ($(($(date +%s) - start)) s)"
    else
        failn=$((failn + 1))
        failed="$failed $name"
        echo "== $name: FAILED ($(($(date +%s) - start)) s)"
    fi
}
for t in "$build"/tests/test_*; do
    [ -x "$t" ] && run "unit/$(basename "$t")" "$t"
done
if [ "$(id -u)" = 0 ]; then
    for t in tests/integration/t_*.sh; do
        run "integration/$(basename "$t" .sh)" sh "$t"
    done
    for t in tests/tui/t_*.sh; do
        [ -e "$t" ] && run "tui/$(basename "$t" .sh)" sh "$t"
    done
else
    echo "integration and TUI tests skipped: they need root (sudo make check)"
    failn=$((failn + 1))
    failed="$failed (not-root)"
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "tests ($build): $pass passed, $failn failed"
[ "$failn" = 0 ]
