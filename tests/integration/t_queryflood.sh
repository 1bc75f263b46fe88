#!/bin/sh
# A guest that floods cursor queries (ESC[6n) with its terminal raw and never
# reads the answers keeps a working console afterwards (root, --sandbox).
# UML 6.1's console driver takes the host fd out of its epoll set when the
# guest's tty throttles (about 4 KiB unread) and never puts it back: every
# answer umlab gave past that point killed the console's input for good.
# The same guest also gets the answer to a query it does read.
. "$(dirname "$0")/lib.sh"
need_root
lab_setup itqflood

# 5 s of 20 queries per printf (thousands of them), then it drains its input
# (2 s without any ends cat) and goes back to a normal terminal
"$UMLAB" --sandbox --lab $LAB --batch - >"$work/out" 2>&1 <<'BATCH'
guest add g1 --wait
send g1 'stty -icanon -echo; q=; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do q="$q\033[6n"; done; end=$(($(date +%s) + 5)); while [ $(date +%s) -lt $end ]; do printf "$q"; done; stty min 0 time 20; cat >/dev/null; stty sane; echo flood-""done'
expect g1 ^flood-done 60
send g1 'echo still-$((6*7))'
expect g1 ^still-42 20
sleep 3
send g1 'stty -icanon -echo min 0 time 30; printf "\033[6n"; r=$(dd bs=1 count=12 2>/dev/null | od -An -c | tr -d " "); stty sane; echo "answer:$r"'
expect g1 ^answer:.*R 20
BATCH
rc=$?
check "the flooded guest's console takes input after the flood" grep -q '^g1: still-42' "$work/out"
check "the guest still gets the answer to a query it reads" grep -Eq '^g1: answer:033\[[0-9]+;[0-9]+R' "$work/out"
check "the batch succeeded" test "$rc" = 0
[ $FAILS -eq 0 ] || tail -20 "$work/out" >&2
assert_lab_gone $LAB
[ $FAILS -eq 0 ]
