#!/bin/sh
# The console at scale, in ONE run (root; --sandbox: namespaces only). umlab's
# console runs on bench/ttybench's pty (160x48, a terminal that reads all the
# time) with N guests booted by the console itself (--guests N --mem 64):
#   keys:       keystroke echo at the console's prompt (Ctrl-] :) while the N
#               guests boot (p50/p99/max of 150 keys, a typist's 20 ms apart)
#   boot:       start -> the last guest started (gN) at its shell prompt
#               (`wait gN` typed at the prompt)
#   rss:        umlab's VmRSS booted, then after `seq 1 LINES` in every guest
#               (the scrollback keeps 5,000 lines per tab)
#   side pane:  umlab's CPU over 10 s with the side pane shown, then hidden,
#               with N taps and RULES rules (NAT on: 1 + 2 per tap; the rest
#               added in the namespace); the pane refreshes once a second, so
#               1 % of a core is 10 ms per refresh (drawing included)
#   pss:        host memory per guest: Pss of each guest's processes
#               (smaps_rollup) and the largest shared mappings of one guest
#   usage: bench/scale.sh UMLAB [N]   (env LINES_PER_TAB=6000, 0 skips the
#          scrollback; RULES=200)
# Results: bench/out/scale-N-TIME.md and scale-N-latest.md.
set -u
UMLAB=$(readlink -f "${1:?usage: scale.sh UMLAB [N]}")
N=${2:-32}
FILL=${LINES_PER_TAB:-6000}
RULES=${RULES:-200}
. "$(dirname "$0")/lib.sh"
bench_setup benchscl
NS=umlab-$LAB
bench_tool ttybench
now() { date +%s.%N; }

mkfifo "$work/steps"
"$work/ttybench" 48 160 -- "$UMLAB" --sandbox --lab $LAB --guests "$N" --mem 64 \
    <"$work/steps" >"$work/out" 2>"$work/err" &
tpid=$!
exec 3>"$work/steps"
n_sync=0
sync_() { # every step so far done
    n_sync=$((n_sync + 1))
    echo "say SYNC-$n_sync" >&3
    until_line "$work/out" "^SYNC-$n_sync\$" 900 "$tpid" ||
        { echo "scale: stuck before SYNC-$n_sync" >&2; cat "$work/err" >&2; exit 1; }
}
# a command at the prompt, then a typist's pause: keys typed while a command
# runs are not kept for the next prompt
cmd() { printf 'send \\x1d:\nsend %s\\r\nidle 0.3\n' "$1" >&3; }
umpid() { pgrep -f "^$UMLAB --sandbox --lab $LAB" | head -1; }

t0=$(now)
echo "wait $LAB 60" >&3
printf 'send \\x1d:\nidle 1\nmark\nkeylat 150 ~\nsend \\x15\\x07\nmark\n' >&3
sync_
# the last guest started; its prompt is told by the log line "gN: at its shell
# prompt" (the console draws only what changed on a row, so earlier lines that
# look alike would hide a repeated text: one wait, on a line unlike the others)
cmd "wait g$N 900"
echo "wait shell prompt|error: 900" >&3 # or the error a guest that exited gives
sync_
grep -q '^waited=shell prompt$' "$work/out" ||
    { echo "scale: wait g$N failed (a guest exited?)" >&2; exit 1; }
t1=$(now)
boot=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
pid=$(umpid)
rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")

# host memory per guest: every process of every guest (umid=umlab-LAB-gI)
pss_total=0
for g in $(seq 1 "$N"); do
    for p in $(pgrep -f "umid=umlab-$LAB-g$g( |\$)"); do
        v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
        pss_total=$((pss_total + ${v:-0}))
    done
done
g1procs=$(pgrep -f "umid=umlab-$LAB-g1( |\$)" | tr '\n' ' ')
# one guest's mappings by what they map: Rss (all) and Pss (its share)
for p in $g1procs; do awk '
    /^[0-9a-f]+-[0-9a-f]+ / {name = (NF >= 6 ? $6 : "[anon]")}
    /^Rss:/ {rss[name] += $2} /^Pss:/ {pss[name] += $2}
    END {for (n in rss) print n, rss[n], pss[n]}' "/proc/$p/smaps"; done |
    awk '{r[$1] += $2; s[$1] += $3} END {for (n in r) print r[n], s[n], n}' | sort -rn | head -6 >"$work/maps"

nat_rules=$((1 + 2 * N))
if [ "$RULES" -gt "$nat_rules" ]; then
    k=0
    while [ $k -lt $((RULES - nat_rules)) ]; do
        echo "-A FORWARD -s 10.77.$((k / 250)).$((k % 250 + 1))/32 -m comment --comment bench -j ACCEPT"
        k=$((k + 1))
    done | { echo "*filter"; cat; echo COMMIT; } | ip netns exec $NS iptables-legacy-restore -n || exit 1
fi
cmd "nat on"
echo "idle 3" >&3
if [ "$FILL" -gt 0 ]; then
    i=1
    while [ $i -le "$N" ]; do
        cmd "send g$i seq 1 $FILL"
        i=$((i + 1))
    done
    echo "idle 30" >&3 # the floods end; then nothing moves
fi
echo "say RSS-FILLED" >&3
echo "rss" >&3
echo "say SIDE-ON" >&3
echo "idle 10" >&3
printf 'send \\x1ds\n' >&3
echo "idle 2" >&3
echo "say SIDE-OFF" >&3
echo "idle 10" >&3
printf 'send \\x1ds\n' >&3
sync_
rules_now=$(ip netns exec $NS iptables-legacy -S FORWARD | grep -c '^-A')
rules_now=$((rules_now + $(ip netns exec $NS iptables-legacy -t nat -S POSTROUTING | grep -c '^-A')))
printf 'send \\e[21~\nidle 1\nsend y\n' >&3
exec 3>&-
wait $tpid
tpid=
load1=$(loadavg)

o() { sed -n "$1" "$work/out" | head -1; }
p50=$(o 's/^keylat_p50_ms=//p'); p99=$(o 's/^keylat_p99_ms=//p'); kmax=$(o 's/^keylat_max_ms=//p')
rss1=$(sed -n '/^RSS-FILLED/,$ s/^rss_kb=//p' "$work/out" | head -1)
on=$(sed -n '/^SIDE-ON/,/^SIDE-OFF/ s/^idle_cpu_pct=//p' "$work/out" | tail -1)
off=$(sed -n '/^SIDE-OFF/,$ s/^idle_cpu_pct=//p' "$work/out" | tail -1)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
md="$dir/out/scale-$N-$stamp.md"
{
    echo "umlab console at scale $stamp ($(uname -r), $(nproc) CPUs, load average $load0 before, $load1 after)"
    echo
    echo "| $N guests from the console (--guests $N --mem 64) | |"
    echo "|---|---|"
    echo "| start -> the last guest started (g$N) at its shell prompt | $boot s |"
    echo "| key echo at the prompt while they boot (150 keys) | p50 $p50 ms, p99 $p99 ms, max $kmax ms |"
    echo "| umlab RSS, all booted | $((rss0 / 1024)) MiB |"
    [ "$FILL" -gt 0 ] && echo "| umlab RSS, $N tabs after seq 1 $FILL (5,000-line scrollback each) | $((${rss1:-0} / 1024)) MiB |"
    echo "| umlab CPU, 10 s idle, side pane shown ($N taps, $rules_now rules) | $on % |"
    echo "| umlab CPU, 10 s idle, side pane hidden | $off % |"
    echo "| side pane refresh (1/s), shown - hidden | $(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.2f", (a - b) * 10}') ms |"
    echo "| host memory per guest (Pss, all its processes) | $((pss_total / N / 1024)) MiB ($((pss_total / 1024)) MiB for $N) |"
    echo
    echo "g1's largest mappings (Rss kB, Pss kB, what):"
    echo
    sed 's/^/    /' "$work/maps"
} >"$md"
cp "$md" "$dir/out/scale-$N-latest.md"
cat "$md"
