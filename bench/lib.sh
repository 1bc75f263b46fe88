# bench/lib.sh — what the benches share; sourced (`. "$(dirname "$0")/lib.sh"`)
# after UMLAB is set. bench_setup LAB gives: dir (bench/), work (a temporary
# dir), bench/out/, load0, the lab cleaned up now and at exit (with whatever
# bench_cleanup_more, if the bench defines it, also stops).

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# On exit: the step fd closed, ttybench ($tpid) or a batch umlab ($upid)
# stopped, the bench's own extras, the lab cleaned up, the work dir gone.
bench_cleanup() {
    exec 3>&- 2>/dev/null
    [ -n "${tpid:-}" ] && kill "$tpid" 2>/dev/null && sleep 3
    [ -n "${upid:-}" ] && kill -9 "$upid" 2>/dev/null
    command -v bench_cleanup_more >/dev/null && bench_cleanup_more
    "$UMLAB" cleanup "$LAB" >/dev/null 2>&1
    rm -rf "$work"
}

bench_setup() {
    LAB=$1
    dir=$(cd "$(dirname "$0")" && pwd)
    work=$(mktemp -d) || exit 1
    trap bench_cleanup EXIT INT TERM
    "$UMLAB" cleanup "$LAB" >/dev/null 2>&1
    mkdir -p "$dir/out"
    load0=$(loadavg)
}

# bench_tool NAME: builds bench/NAME.c into the work dir.
bench_tool() {
    cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/$1" "$dir/$1.c" -lutil || exit 1
}

# until_line FILE PATTERN SECONDS [PID]: waits for a line matching PATTERN
# (grep) in FILE; fails after SECONDS, or at once when process PID is gone
# without having written it (it gave up: nothing more will come).
until_line() {
    _end=$(($(date +%s) + $3))
    until grep -qs -- "$2" "$1"; do
        if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
            grep -qs -- "$2" "$1"
            return
        fi
        [ "$(date +%s)" -ge $_end ] && return 1
        sleep 0.1
    done
}

# batch_step JSON MARK: a batch umlab ($upid) writing --json to JSON has run
# `echo MARK` (within 300 s).
batch_step() {
    until_line "$1" "\"command\":\"echo $2\"" 300 "${upid:-}"
}
