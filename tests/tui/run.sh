#!/bin/sh
# run.sh UMLAB — the console's end-to-end tests: each t_*.sh drives umlab in a
# detached tmux session with keys only and reads the screen back with
# capture-pane. Needs root (namespaces, taps), tmux, linux.uml and tcpdump.
set -u
if [ $# -ne 1 ]; then
    echo "usage: $0 UMLAB" >&2
    exit 2
fi
UMLAB=$(realpath "$1") || exit 2
export UMLAB
dir=$(dirname "$0")
if [ "$(id -u)" -ne 0 ]; then
    echo "tui tests need root (network namespaces, taps): 0 passed, 0 failed (skipped)"
    exit 0
fi
for tool in tmux tcpdump ip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "tui tests need $tool (make deps installs it)" >&2
        exit 1
    fi
done
pass=0
fail=0
failed=""
for t in "$dir"/t_*.sh; do
    name=$(basename "$t" .sh)
    echo "== $name"
    if sh "$t"; then
        pass=$((pass + 1))
        echo "-- $name: ok"
    else
        fail=$((fail + 1))
        failed="$failed $name"
        echo "-- $name: FAILED"
    fi
done
echo "$pass passed, $fail failed${failed:+ ($failed )}"
[ "$fail" -eq 0 ]
