#!/bin/sh
# Big console writes do not stall a guest (root, --sandbox): `cat` of a file
# reaches umlab about as fast as `seq` writing the same bytes in small pieces.
# Before the fix every pty-full stall of UML's console lasted until the
# once-a-second kick (`cat` of 1.5 MB: ~15 s vs ~3 s for `seq`).
. "$(dirname "$0")/lib.sh"
need_root
lab_setup itbigw

"$UMLAB" --sandbox --lab $LAB --json --batch - >"$work/out" 2>&1 <<'BATCH'
guest add g1 --wait
send g1 seq 1 100000 >/tmp/big; echo MADE
expect g1 ^MADE$ 120
wait g1 30
send g1 seq 1 100000
expect g1 ^100000$ 120
wait g1 30
send g1 cat /tmp/big
expect g1 ^100000$ 120
wait g1 30
BATCH
check "the batch ran" test "$(jq -s '[.[] | select(.ok)] | length' "$work/out")" = 10
seq_ms=$(jq -s '[.[] | select(.line >= 5 and .line <= 7) | .ms] | add' "$work/out")
cat_ms=$(jq -s '[.[] | select(.line >= 8 and .line <= 10) | .ms] | add' "$work/out")
echo "  seq: $seq_ms ms, cat of the same bytes: $cat_ms ms"
# generous: a lost wake-up costs ~1 s each, and 590 KB stalled many times
check "cat ($cat_ms ms) is not much slower than seq ($seq_ms ms)" \
    test "$cat_ms" -le $((2 * seq_ms + 1500))
assert_lab_gone $LAB
[ $FAILS -eq 0 ]
