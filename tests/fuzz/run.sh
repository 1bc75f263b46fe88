#!/bin/sh
# Runs every fuzzer in BUILD_DIR for SECONDS each, starting from its seed
# corpus (tests/fuzz/corpus/NAME) and dictionary (tests/fuzz/NAME.dict), and
# prints one closing line "fuzz: N passed, N failed". A crash, a leak, UB, a
# hang (> 10 s on one input) or running out of memory fails the fuzzer; the
# input that did it is kept as BUILD_DIR/crash-NAME-* and the log's end shown.
#   usage: run.sh BUILD_DIR [SECONDS]
# Inputs found along the way go to BUILD_DIR/corpus/NAME, never into the tree.
set -u
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
secs=${2:-60}
here=$(dirname "$0")
pass=0
failn=0
failed=""
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin" | sed 's/^fuzz_//')
    seeds="$here/corpus/$name"
    work="$build/corpus/$name"
    log="$build/fuzz-$name.log"
    mkdir -p "$work"
    set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$build/crash-$name-"
    [ -f "$here/$name.dict" ] && set -- "$@" -dict="$here/$name.dict"
    [ -f "$here/$name.options" ] && set -- "$@" $(cat "$here/$name.options")
    echo "== fuzz/$name (${secs} s)"
    if "$bin" "$@" "$work" "$seeds" >"$log" 2>&1; then
        pass=$((pass + 1))
        echo "== fuzz/$name: passed ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
            grep -o '[0-9]*$') runs, $(ls "$work" | wc -l) inputs in $work)"
    else
        failn=$((failn + 1))
        failed="$failed $name"
        tail -n 40 "$log"
        echo "== fuzz/$name: FAILED (log: $log)"
    fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "fuzz: $pass passed, $failn failed"
[ "$failn" = 0 ] && [ "$pass" -gt 0 ]
