#!/bin/sh
# t_flood.sh — a guest flooding its console (seq 1 200000) starves neither
# the keyboard nor the other tabs, loses no output, and an idle console uses
# (next to) no CPU.
. "$(dirname "$0")/lib.sh"
LAB=tuiflood
tui_start "$LAB" 160 48

wait_for 'g1:/# ' 120
keys F2
wait_for '2:g2 running' 120
wait_for 'g2:/# ' 30

pid=$(umlab_pid)
[ -n "$pid" ] || fail "cannot find umlab's pid"
sleep 2
a=$(cpu_ticks "$pid")
sleep 5
b=$(cpu_ticks "$pid")
hz=$(getconf CLK_TCK)
echo "idle: $((b - a)) ticks in 5 s (CLK_TCK $hz)"
[ $((b - a)) -le $((hz / 4)) ] || fail "idle console used $((b - a)) ticks in 5 s"
echo "ok: idle console is (next to) 0% CPU"

keys C-] 1
wait_for '1:g1 running' 5
type_text 'seq 1 200000; echo flood-""done'
keys Enter
sleep 1
t0=$(date +%s%N)
keys C-] 2
type_text 'echo alive-$((6*7))'
keys Enter
wait_for '^alive-42' 10
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "g2 answered in $ms ms during g1's flood"
limit=3000
flood_secs=90
if is_asan; then
    limit=6000
    flood_secs=400
fi
[ "$ms" -lt "$limit" ] || fail "g2 took $ms ms to answer during the flood"
echo "ok: keys and other tabs stay live during a flood"

keys C-] 1
wait_for '^flood-done' "$flood_secs"
screen | grep -q '^200000 *│' || fail "the flood's last line is missing"
echo "ok: the flood ends with its last line on screen"

keys F10
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"
