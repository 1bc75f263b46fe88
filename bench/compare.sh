#!/bin/sh
# umlab against bare linux.uml, side by side in ONE run (root; umlab runs with
# --sandbox, the bare guests have no NIC: nothing touches the host's network).
#   boot:     start -> shell prompt
#   compute:  `seq 1 200000 >/dev/null` typed at the guest's prompt -> next prompt
#   flood:    `seq 1 200000` to the console (many small writes)
#   bigwrite: `cat` of the same 1.3 MB from a file (few big writes)
#   idle CPU: umlab's own CPU% (/proc/PID/stat) while a batch `sleep` and an
#             `expect` that never matches wait next to an idle guest
#   scale:    N guests booted at once by umlab, pinned vs --no-pin
# Configurations: bare default (no placement, drained raw by ptydrain), bare
# pinned (taskset -c 1), tmux attached (the pinned guest in a tmux pane, a client
# drawing on ttybench's pty), umlab batch and umlab console (the focused tab,
# drawn on ttybench's pty), both with umlab's default placement.
# The load average before and after is recorded: the machine may be shared.
#   usage: bench/compare.sh UMLAB [ROUNDS]     (env SCALE=N, default 8; 0 skips)
# Results: a table on stdout, bench/out/compare-TIME.{json,md} and latest.{json,md}.
set -u
UMLAB=$(readlink -f "${1:?usage: compare.sh UMLAB [ROUNDS]}")
# Bare linux.uml gets the preload umlab gives it (README: hosts with AVX-512/AMX).
XSTATE=$(dirname "$UMLAB")/umlab-xstate.so
[ -r "$XSTATE" ] || XSTATE=$(dirname "$UMLAB")/build/umlab-xstate.so
ROUNDS=${2:-1}
SCALE=${SCALE:-8}
dir=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$UMLAB")
ROOTFS=$build/rootfs.ext2
[ -f "$ROOTFS" ] || ROOTFS=$(dirname "$dir")/build/rootfs.ext2
. "$dir/lib.sh"
bench_cleanup_more() {
    pkill -9 -f '[u]mid=benchcmp-bare' 2>/dev/null
    tmux -L umlab-benchcmp kill-server 2>/dev/null
    "$UMLAB" cleanup ${LAB}c >/dev/null 2>&1
}
bench_setup benchcmp
bench_tool ptydrain
bench_tool ttybench
HZ=$(getconf CLK_TCK)
COMPUTE='seq 1 200000 >/dev/null; echo DONE'

# bare KIND(default|pinned) -> "boot_s=.. step1_s=(compute) step2_s=(flood) step3_s step4_s=(cat)"
bare() {
    pin=""
    [ "$1" = pinned ] && pin="taskset -c 1"
    rm -f "$work/b.cow"
    # shellcheck disable=SC2086
    "$work/ptydrain" "$COMPUTE" DONE "seq 1 200000" 200000 "seq 1 200000 >/tmp/big; echo MADE" MADE \
        "cat /tmp/big" 200000 -- $pin env "LD_PRELOAD=$XSTATE" linux.uml mem=256M "ubd0=$work/b.cow,$ROOTFS" \
        root=/dev/ubda umid=benchcmp-bare "uml_dir=$work" con=null con1=fd:0,fd:1 \
        console=tty1 ssl=null quiet umlab.hostname=g1
}
# The same four steps on a screen (ttybench's pty, 48x160): marks the command
# line does not contain, so only the output matches.
screen_steps() {
    cat <<STEPS
start boot
wait g1:/# 60
stop boot
mark
start compute
send seq 1 200000 >/dev/null; echo C-\$((6*7))\\r
wait C-42 300
stop compute
mark
start flood
send seq 1 200000; echo F-\$((6*7))\\r
wait F-42 300
stop flood
mark
send seq 1 200000 >/tmp/big; echo M-\$((6*7))\\r
wait M-42 300
mark
start bigwrite
send cat /tmp/big; echo B-\$((6*7))\\r
wait B-42 120
stop bigwrite
$1
STEPS
}
# tmux attached: the pinned bare guest in a tmux pane, its client drawing
intmux() {
    rm -f "$work/b.cow"
    screen_steps 'send \x02:kill-server\r' >"$work/steps"
    "$work/ttybench" 48 160 -- tmux -L umlab-benchcmp -f /dev/null new-session \
        "taskset -c 1 env LD_PRELOAD=$XSTATE linux.uml mem=256M ubd0=$work/b.cow,$ROOTFS root=/dev/ubda \
         umid=benchcmp-bare uml_dir=$work con=null con1=fd:0,fd:1 console=tty1 ssl=null quiet \
         umlab.hostname=g1" <"$work/steps" >"$work/t.out"
    pkill -9 -f '[u]mid=benchcmp-bare' 2>/dev/null
    tmux -L umlab-benchcmp kill-server 2>/dev/null
    tv() { v=$(sed -n "s/^$1_s=//p" "$work/t.out"); echo "${v:-stall}"; }
    echo "$(tv boot) $(tv compute) $(tv flood) $(tv bigwrite)"
}
# umlab console: its own first guest in the focused tab; RSS at the end
inconsole() {
    screen_steps 'rss
send \e[21~
send y' >"$work/steps"
    "$work/ttybench" 48 160 -- "$UMLAB" --sandbox --lab ${LAB}c <"$work/steps" >"$work/c.out"
    cv() { v=$(sed -n "s/^$1=//p" "$work/c.out"); echo "${v:-stall}"; }
    echo "$(cv boot_s) $(cv compute_s) $(cv flood_s) $(cv bigwrite_s) $(cv rss_kb)"
}
val() { v=$(echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"); echo "${v:-stall}"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
now() { date +%s.%N; }

# umlab_single OPTS -> boot_s compute_s flood_s bigwrite_s sleep_cpu expect_cpu
umlab_single() {
    mkfifo "$work/in"
    "$UMLAB" --sandbox --lab $LAB $1 --json --keep-going --batch "$work/in" >"$work/u.json" 2>&1 &
    upid=$!
    exec 3>"$work/in"
    step() { batch_step "$work/u.json" "$1"; } # step MARK: `echo MARK` done
    cat >&3 <<BATCH
guest add g1 --wait
send g1 $COMPUTE
expect g1 ^DONE\$ 300
send g1 seq 1 200000
expect g1 ^200000\$ 300
wait g1 30
send g1 seq 1 200000 >/tmp/big; echo MADE
expect g1 ^MADE\$ 300
wait g1 30
send g1 cat /tmp/big
expect g1 ^200000\$ 300
wait g1 30
echo READY
BATCH
    step READY || return 1
    t0=$(now) c0=$(ticks $upid)
    echo "sleep 3" >&3
    echo "echo SLEPT" >&3
    step SLEPT
    t1=$(now) c1=$(ticks $upid)
    echo "expect g1 NEVER-SHOWN 3" >&3
    echo "echo EXPECTED" >&3
    step EXPECTED
    t2=$(now) c2=$(ticks $upid)
    exec 3>&-
    wait $upid
    upid=
    rm -f "$work/in"
    ms() { jq -s "[.[] | select(.line >= $1 and .line <= $2) | .ms] | add" "$work/u.json"; }
    echo "$(ms 1 1) $(ms 2 3) $(ms 4 6) $(ms 10 12)" |
        awk -v a="$t0" -v b="$t1" -v c="$t2" -v c0="$c0" -v c1="$c1" -v c2="$c2" -v hz="$HZ" \
            '{printf "%.3f %.3f %.3f %.3f %.1f %.1f\n", $1/1000, $2/1000, $3/1000, $4/1000,
              100*(c1-c0)/hz/(b-a), 100*(c2-c1)/hz/(c-b)}'
}

# umlab_scale OPTS N -> seconds until all N guests are at a prompt
umlab_scale() {
    {
        i=1
        while [ $i -le "$2" ]; do echo "guest add"; i=$((i + 1)); done
        i=1
        while [ $i -le "$2" ]; do echo "wait g$i 600"; i=$((i + 1)); done
    } >"$work/scale.umlab"
    "$UMLAB" --sandbox --lab $LAB $1 --json --batch "$work/scale.umlab" >"$work/s.json" 2>&1
    ok=$(jq -s '[.[] | select(.ok)] | length' "$work/s.json")
    [ "$ok" = $((2 * $2)) ] || { echo "scale: only $ok/$((2 * $2)) commands ok" >&2; return 1; }
    jq -s '[.[].ms] | add / 1000' "$work/s.json"
}

: >"$work/rows"
r=1
while [ "$r" -le "$ROUNDS" ]; do
    for kind in default pinned; do
        b=$(bare $kind) || { echo "bare $kind failed" >&2; exit 1; }
        echo "bare-$kind $(val "$b" boot_s) $(val "$b" step1_s) $(val "$b" step2_s) $(val "$b" step4_s) - - -" >>"$work/rows"
    done
    t=$(intmux)
    echo "tmux $t - - -" >>"$work/rows"
    u=$(umlab_single "") || { echo "umlab run failed" >&2; cat "$work/u.json" >&2; exit 1; }
    echo "umlab $u" >>"$work/rows"
    c=$(inconsole)
    echo "console $c" >>"$work/rows"
    if [ "$SCALE" -gt 0 ]; then
        sp=$(umlab_scale "" "$SCALE") || exit 1
        su=$(umlab_scale --no-pin "$SCALE") || exit 1
        echo "scale $sp $su" >>"$work/rows"
    fi
    r=$((r + 1))
done
load1=$(loadavg)

# median of column COL over rows named NAME; "stall" (no result within the
# step's timeout: the guest's console stopped) when any round stalled
med() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$work/rows" | sort -n |
    awk '$1 == "stall" {s=1} $1 ~ /^[0-9.]+$/ {a[++n]=$1}
         END {if (s) print "\"stall\""; else if (n) print a[int((n+1)/2)]; else print "null"}'; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json="$dir/out/compare-$stamp.json"
md="$dir/out/compare-$stamp.md"
jq -n --arg when "$stamp" --argjson rounds "$ROUNDS" --argjson scale "$SCALE" \
    --arg host "$(uname -r), $(nproc) CPUs" --arg load0 "$load0" --arg load1 "$load1" \
    --argjson tb "$(med tmux 2)" --argjson tc "$(med tmux 3)" --argjson tf "$(med tmux 4)" --argjson tw "$(med tmux 5)" \
    --argjson cb "$(med console 2)" --argjson cc "$(med console 3)" --argjson cf "$(med console 4)" \
    --argjson cw "$(med console 5)" --argjson cr "$(med console 6)" \
    --argjson dw "$(med bare-default 5)" --argjson pw "$(med bare-pinned 5)" \
    --argjson db "$(med bare-default 2)" --argjson dc "$(med bare-default 3)" --argjson df "$(med bare-default 4)" \
    --argjson pb "$(med bare-pinned 2)" --argjson pc "$(med bare-pinned 3)" --argjson pf "$(med bare-pinned 4)" \
    --argjson ub "$(med umlab 2)" --argjson uc "$(med umlab 3)" --argjson uf "$(med umlab 4)" \
    --argjson uw "$(med umlab 5)" --argjson us "$(med umlab 6)" --argjson ue "$(med umlab 7)" \
    --argjson sp "$(med scale 2)" --argjson su "$(med scale 3)" \
    '{when: $when, host: $host, rounds: $rounds, loadavg_before: $load0, loadavg_after: $load1,
      bare_default: {boot_s: $db, compute_s: $dc, flood_s: $df, bigwrite_s: $dw},
      bare_pinned: {boot_s: $pb, compute_s: $pc, flood_s: $pf, bigwrite_s: $pw},
      tmux: {boot_s: $tb, compute_s: $tc, flood_s: $tf, bigwrite_s: $tw},
      console: {boot_s: $cb, compute_s: $cc, flood_s: $cf, bigwrite_s: $cw, rss_kb: $cr},
      umlab: {boot_s: $ub, compute_s: $uc, flood_s: $uf, bigwrite_s: $uw,
              cpu_pct_sleep: $us, cpu_pct_expect: $ue},
      scale: {guests: $scale, pinned_s: $sp, no_pin_s: $su}}' >"$json" || exit 1

jq -r '
  def f: if . == null then "-" elif type == "string" then "stalled" else (. * 1000 | round / 1000 | tostring) end;
  def r(a; b): if a == null or b == null or (a|type) == "string" or (b|type) == "string" then "-" else ((a / b) * 100 | round / 100 | tostring) + "x" end;
  "umlab benchmark \(.when) (\(.host), median of \(.rounds) round(s), load average \(.loadavg_before) before, \(.loadavg_after) after)\n",
  "| single guest (s) | bare default | bare pinned | tmux attached (pinned) | umlab batch | umlab console | batch / pinned | console / tmux | default / batch |",
  "|---|---|---|---|---|---|---|---|---|",
  (. as $d | (["boot to prompt", "boot_s"], ["compute floor: seq 1 200000 >/dev/null", "compute_s"],
   ["flood: seq 1 200000 to the console (small writes)", "flood_s"],
   ["big writes: cat of the same 1.3 MB file", "bigwrite_s"]) as [$n, $k] | $d |
  "| \($n) | \(.bare_default[$k]|f) | \(.bare_pinned[$k]|f) | \(.tmux[$k]|f) | \(.umlab[$k]|f) | \(.console[$k]|f) | \(r(.umlab[$k]; .bare_pinned[$k])) | \(r(.console[$k]; .tmux[$k])) | \(r(.bare_default[$k]; .umlab[$k])) |"),
  "",
  "targets: umlab <= 1.10x bare pinned; bare default / umlab >= 2x (boot, compute)",
  "",
  "| umlab idle | CPU % of one core |",
  "|---|---|",
  "| batch `sleep 3` next to an idle guest | \(.umlab.cpu_pct_sleep) |",
  "| batch `expect` (never matches, 3 s) | \(.umlab.cpu_pct_expect) |",
  "",
  "umlab console RSS after the run (one guest, its flood in the scrollback): \(.console.rss_kb) kB",
  "",
  (if .scale.guests > 0 then
   "| \(.scale.guests) guests booted at once (s) | umlab pinned | umlab --no-pin | pinned / no-pin |\n|---|---|---|---|\n| all at a prompt | \(.scale.pinned_s|f) | \(.scale.no_pin_s|f) | \(r(.scale.pinned_s; .scale.no_pin_s)) |"
   else empty end)' "$json" >"$md" || exit 1
cp "$json" "$dir/out/latest.json"
cp "$md" "$dir/out/latest.md"
cat "$md"
echo
echo "raw rows (name boot compute flood bigwrite cpu%sleep cpu%expect|rss_kb | scale pinned nopin):"
cat "$work/rows"
