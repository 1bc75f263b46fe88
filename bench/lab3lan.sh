#!/bin/sh
# A 3-LAN, 10-guest lab (two routers in a chain, eight PCs) from `umlab check`
# start to every check passed, and its memory: umlab's own peak RSS and the
# whole lab's peak PSS (umlab + every linux.uml process), sampled every 0.2 s.
# Root; everything lives in the namespace `umlab check --sandbox` makes.
#   usage: bench/lab3lan.sh UMLAB [ROUNDS]
# Prints one line per round and a JSON summary to bench/out/lab3lan.json.
set -u
UMLAB=$(readlink -f "${1:?usage: lab3lan.sh UMLAB [ROUNDS]}")
ROUNDS=${2:-1}
LAB=b3lan
dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    "$UMLAB" cleanup $LAB >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] || { echo "lab3lan: needs root" >&2; exit 1; }

# LAN A: pa1..pa3 and r1; LAN B: pb1, pb2, r1 and r2; LAN C: pc1..pc3 and r2.
lab=$work/three.lab
{
    echo "title three LANs, two routers, eight PCs (bench)"
    echo "mem 64"
    echo "lan A subnet 10.0.1.0/24"
    echo "lan B subnet 10.0.2.0/24"
    echo "lan C subnet 10.0.3.0/24"
    echo "guest r1"
    echo "nic r1 A 10.0.1.254"
    echo "nic r1 B 10.0.2.254"
    echo "forward r1 on"
    echo "route r1 10.0.3.0/24 via 10.0.2.253"
    echo "guest r2"
    echo "nic r2 B 10.0.2.253"
    echo "nic r2 C 10.0.3.254"
    echo "forward r2 on"
    echo "route r2 10.0.1.0/24 via 10.0.2.254"
    for i in 1 2 3; do
        echo "guest pa$i"
        echo "nic pa$i A 10.0.1.$i"
        echo "route pa$i default via 10.0.1.254"
        echo "guest pc$i"
        echo "nic pc$i C 10.0.3.$i"
        echo "route pc$i default via 10.0.3.254"
    done
    for i in 1 2; do
        echo "guest pb$i"
        echo "nic pb$i B 10.0.2.$i"
        echo "route pb$i 10.0.1.0/24 via 10.0.2.254"
        echo "route pb$i 10.0.3.0/24 via 10.0.2.253"
    done
    for i in 1 2 3; do
        echo "check reach pa$i 10.0.3.$i"
        echo "check reach pc$i 10.0.1.$i"
    done
    echo "check reach pb1 10.0.1.1"
    echo "check reach pb2 10.0.3.1"
    echo "check ! reach pa1 internet"
} >"$lab"

# pss_kib PID...: the sum of their PSS (KiB); a process gone meanwhile counts 0.
pss_kib() {
    for p in "$@"; do
        awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null
    done | awk '{ s += $1 } END { print s + 0 }'
}

nproc_before=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
results=""
for r in $(seq 1 "$ROUNDS"); do
    start=$(date +%s.%N)
    "$UMLAB" check --sandbox --lab $LAB "$lab" >"$work/out" 2>"$work/err" &
    pid=$!
    peak_pss=0
    peak_rss=0
    guests=0
    while kill -0 "$pid" 2>/dev/null; do
        uml=$(pgrep -f "umid=[^ ]*$LAB" 2>/dev/null | tr '\n' ' ')
        n=$(echo $uml | wc -w)
        [ "$n" -gt "$guests" ] && guests=$n
        # shellcheck disable=SC2086
        pss=$(pss_kib "$pid" $uml)
        [ "$pss" -gt "$peak_pss" ] && peak_pss=$pss
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ "${rss:-0}" -gt "$peak_rss" ] && peak_rss=$rss
        sleep 0.2
    done
    wait "$pid"
    rc=$?
    pid=
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    passed=$(grep -c '^pass ' "$work/out")
    failed=$(grep -c '^FAIL ' "$work/out")
    printf 'round %d: rc %d, %.1f s start to all checks, checks passed %d failed %d, umlab peak RSS %d MiB, lab peak PSS %d MiB (%d UML processes)\n' \
        "$r" "$rc" "$secs" "$passed" "$failed" $((peak_rss / 1024)) $((peak_pss / 1024)) "$guests"
    [ "$rc" = 0 ] || { echo "--- output"; cat "$work/out" "$work/err"; }
    results="$results${results:+,}{\"rc\":$rc,\"passed\":$passed,\"failed\":$failed,\"seconds\":$secs,\"umlab_peak_rss_kib\":$peak_rss,\"lab_peak_pss_kib\":$peak_pss,\"uml_processes\":$guests}"
done
mkdir -p "$dir/out"
printf '{"bench":"lab3lan","guests":10,"lans":3,"checks":9,"mem_mib_per_guest":64,"cpus":%d,"loadavg_before":"%s","rounds":[%s]}\n' \
    "$nproc_before" "$load" "$results" >"$dir/out/lab3lan.json"
echo "wrote $dir/out/lab3lan.json"
