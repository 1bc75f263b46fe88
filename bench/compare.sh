#!/bin/sh
# umlab against bare linux.uml, side by side in ONE run (root; umlab runs with
# --sandbox, the bare guests have no NIC: nothing touches the host's network).
#   boot:     start -> shell prompt
#   compute:  `seq 1 200000 >/dev/null` typed at the guest's prompt -> next prompt
#   flood:    `seq 1 200000` to the console (many small writes)
#   bigwrite: `cat` of the same 1.5 MB from a file (few big writes), umlab only
#   idle CPU: umlab's own CPU% (/proc/PID/stat) while a batch `sleep` and an
#             `expect` that never matches wait next to an idle guest
#   scale:    N guests booted at once by umlab, pinned vs --no-pin
# Configurations: bare default (no placement), bare pinned (taskset -c 1),
# umlab batch (its default placement).
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
LAB=benchcmp
work=$(mktemp -d)
cleanup() {
    [ -n "${upid:-}" ] && kill -9 "$upid" 2>/dev/null
    pkill -9 -f '[u]mid=benchcmp-bare' 2>/dev/null
    "$UMLAB" cleanup $LAB >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/ptydrain" "$dir/ptydrain.c" -lutil || exit 1
mkdir -p "$dir/out"
HZ=$(getconf CLK_TCK)
COMPUTE='seq 1 200000 >/dev/null; echo DONE'

# bare KIND(default|pinned) CMD MARK -> "boot_s=.. flood_s=.."
bare() {
    pin=""
    [ "$1" = pinned ] && pin="taskset -c 1"
    rm -f "$work/b.cow"
    # shellcheck disable=SC2086
    "$work/ptydrain" "$2" "$3" -- $pin env "LD_PRELOAD=$XSTATE" linux.uml mem=256M "ubd0=$work/b.cow,$ROOTFS" \
        root=/dev/ubda umid=benchcmp-bare "uml_dir=$work" con=null con1=fd:0,fd:1 \
        console=tty1 ssl=null quiet umlab.hostname=g1
}
val() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
now() { date +%s.%N; }

# umlab_single OPTS -> boot_s compute_s flood_s bigwrite_s sleep_cpu expect_cpu
umlab_single() {
    mkfifo "$work/in"
    "$UMLAB" --sandbox --lab $LAB $1 --json --keep-going --batch "$work/in" >"$work/u.json" 2>&1 &
    upid=$!
    exec 3>"$work/in"
    step() { # step MARK: wait for `echo MARK`
        n=0
        until grep -q "\"command\":\"echo $1\"" "$work/u.json"; do
            sleep 0.05
            n=$((n + 1))
            [ $n -gt 6000 ] && return 1
        done
    }
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
        c=$(bare $kind "$COMPUTE" DONE) || { echo "bare $kind failed" >&2; exit 1; }
        f=$(bare $kind "seq 1 200000" 200000) || { echo "bare $kind flood failed" >&2; exit 1; }
        echo "bare-$kind $(val "$c" boot_s) $(val "$c" flood_s) $(val "$f" flood_s) - - -" >>"$work/rows"
    done
    u=$(umlab_single "") || { echo "umlab run failed" >&2; cat "$work/u.json" >&2; exit 1; }
    echo "umlab $u" >>"$work/rows"
    if [ "$SCALE" -gt 0 ]; then
        sp=$(umlab_scale "" "$SCALE") || exit 1
        su=$(umlab_scale --no-pin "$SCALE") || exit 1
        echo "scale $sp $su" >>"$work/rows"
    fi
    r=$((r + 1))
done

# median of column COL over rows named NAME
med() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$work/rows" | sort -n |
    awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "null"}'; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json="$dir/out/compare-$stamp.json"
md="$dir/out/compare-$stamp.md"
jq -n --arg when "$stamp" --argjson rounds "$ROUNDS" --argjson scale "$SCALE" \
    --arg host "$(uname -r), $(nproc) CPUs" \
    --argjson db "$(med bare-default 2)" --argjson dc "$(med bare-default 3)" --argjson df "$(med bare-default 4)" \
    --argjson pb "$(med bare-pinned 2)" --argjson pc "$(med bare-pinned 3)" --argjson pf "$(med bare-pinned 4)" \
    --argjson ub "$(med umlab 2)" --argjson uc "$(med umlab 3)" --argjson uf "$(med umlab 4)" \
    --argjson uw "$(med umlab 5)" --argjson us "$(med umlab 6)" --argjson ue "$(med umlab 7)" \
    --argjson sp "$(med scale 2)" --argjson su "$(med scale 3)" \
    '{when: $when, host: $host, rounds: $rounds,
      bare_default: {boot_s: $db, compute_s: $dc, flood_s: $df},
      bare_pinned: {boot_s: $pb, compute_s: $pc, flood_s: $pf},
      umlab: {boot_s: $ub, compute_s: $uc, flood_s: $uf, bigwrite_s: $uw,
              cpu_pct_sleep: $us, cpu_pct_expect: $ue},
      scale: {guests: $scale, pinned_s: $sp, no_pin_s: $su}}' >"$json" || exit 1

jq -r '
  def f: if . == null then "-" else (. * 1000 | round / 1000 | tostring) end;
  def r(a; b): if a == null or b == null then "-" else ((a / b) * 100 | round / 100 | tostring) + "x" end;
  "umlab benchmark \(.when) (\(.host), median of \(.rounds) round(s))\n",
  "| single guest (s) | bare default | bare pinned | umlab batch | umlab / pinned | default / umlab |",
  "|---|---|---|---|---|---|",
  "| boot to prompt | \(.bare_default.boot_s|f) | \(.bare_pinned.boot_s|f) | \(.umlab.boot_s|f) | \(r(.umlab.boot_s; .bare_pinned.boot_s)) | \(r(.bare_default.boot_s; .umlab.boot_s)) |",
  "| compute: seq 1 200000 >/dev/null | \(.bare_default.compute_s|f) | \(.bare_pinned.compute_s|f) | \(.umlab.compute_s|f) | \(r(.umlab.compute_s; .bare_pinned.compute_s)) | \(r(.bare_default.compute_s; .umlab.compute_s)) |",
  "| flood: seq 1 200000 to the console | \(.bare_default.flood_s|f) | \(.bare_pinned.flood_s|f) | \(.umlab.flood_s|f) | \(r(.umlab.flood_s; .bare_pinned.flood_s)) | \(r(.bare_default.flood_s; .umlab.flood_s)) |",
  "| big writes: cat of the same 1.5 MB | - | - | \(.umlab.bigwrite_s|f) | - | - |",
  "",
  "targets: umlab <= 1.10x bare pinned; bare default / umlab >= 2x (boot, compute)",
  "",
  "| umlab idle | CPU % of one core |",
  "|---|---|",
  "| batch `sleep 3` next to an idle guest | \(.umlab.cpu_pct_sleep) |",
  "| batch `expect` (never matches, 3 s) | \(.umlab.cpu_pct_expect) |",
  "",
  (if .scale.guests > 0 then
   "| \(.scale.guests) guests booted at once (s) | umlab pinned | umlab --no-pin | pinned / no-pin |\n|---|---|---|---|\n| all at a prompt | \(.scale.pinned_s|f) | \(.scale.no_pin_s|f) | \(r(.scale.pinned_s; .scale.no_pin_s)) |"
   else empty end)' "$json" >"$md" || exit 1
cp "$json" "$dir/out/latest.json"
cp "$md" "$dir/out/latest.md"
cat "$md"
echo
echo "raw rows (name boot compute flood bigwrite cpu%sleep cpu%expect | scale pinned nopin):"
cat "$work/rows"
