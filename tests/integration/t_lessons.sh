#!/bin/sh
# The example lessons played through in batch mode (one sandboxed lab,
# umlab-itles): each step's check becomes true by the command its text names,
# and `lesson` says where it is: 01-recipe from one guest with no network to
# two guests reaching the stand-in internet, 02-troubleshoot's broken router
# lab fixed.
. "$(dirname "$0")/lib.sh"
need_root
work=$(mktemp -d)
root=$(cd "$(dirname "$0")/../.." && pwd)
cleanup() {
    force_cleanup_lab itles
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cat >"$work/cmds" <<CMDS
lesson $root/examples/lessons/01-recipe.lesson
wait g1
lesson
ip g1 192.168.0.1
sleep 7
lesson
guest add g2
wait g2
ip g2 192.168.0.2
sleep 7
lesson
nat on
sleep 9
lesson
lesson $root/examples/lessons/02-troubleshoot.lesson
lesson
forward r1 on
sleep 5
lesson
route pc2 add default via 10.0.2.254
sleep 7
lesson
CMDS
"$UMLAB" --sandbox --lab itles --json --keep-going --batch "$work/cmds" >"$work/out.json" 2>"$work/err"
j() { jline "$work/out.json" "$@"; }
check "01: 6 steps" test "$(j 1 .result.steps)" = 6
check "01: at step 1 (g1 has no address)" test "$(j 3 .result.step)" = 1
check "01: an address on g1 passes steps 1 and 2 (the host answers)" test "$(j 6 .result.step)" = 3
check "01: g2 with an address passes steps 3 and 4 (g1 reaches g2)" test "$(j 11 .result.step)" = 5
check "01: nat on passes the last two: done" test "$(j 14 .result.done)" = true
check "02: 3 steps" test "$(j 15 .result.steps)" = 3
check "02: at step 1 (r1 does not forward)" test "$(j 16 .result.step)" = 1
check "02: forward r1 on passes step 1" test "$(j 19 .result.step)" = 2
check "02: pc2's route passes the last two: done" test "$(j 22 .result.done)" = true
assert_lab_gone itles
[ "$FAILS" = 0 ] || { cat "$work/err" >&2; jq -c 'select(.command | startswith("lesson"))' "$work/out.json" >&2; exit 1; }
