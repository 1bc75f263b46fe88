#!/bin/sh
# The hidden control channel (core/ctlchan.c) and what runs on it: `exec
# --hidden` gives a command's output and exit status while the guest's
# console shows nothing of it (screen before = screen after); `checklist`
# evaluates a lab file's checks through it (a check becomes true by a command,
# a guest without a channel is "not evaluated", never typed into); a lesson
# moves on when its step's check is true. One sandboxed lab (umlab-itcc1).
. "$(dirname "$0")/lib.sh"
need_root
work=$(mktemp -d)
cleanup() {
    force_cleanup_lab itcc1
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
chmod 755 "$work"

cat >"$work/lab.lab" <<'LAB'
guest g1
nic g1 tap 192.168.0.1
check reach g1 host
check ! reach g1 internet
check addr g1 eth0 192.168.0.1/24
check exec g1 test -f /tmp/done
LAB
cat >"$work/steps.lesson" <<'LESSON'
lesson Two steps
guest g1 later
step Make /tmp/one in g1
check exec g1 test -f /tmp/one
step Make /tmp/two in g1
check exec g1 test -f /tmp/two
LESSON
cat >"$work/cmds" <<CMDS
screen g1
exec g1 --hidden echo out; echo err >&2; cd /; exit 3
exec g1 --hidden ip -o -4 addr show dev eth0
checklist
exec g1 --hidden touch /tmp/done
checklist
screen g1
lesson $work/steps.lesson
lesson
exec g1 --hidden touch /tmp/one
sleep 5
lesson
exec g1 --hidden touch /tmp/two
sleep 5
lesson
CMDS
"$UMLAB" --sandbox --lab itcc1 --json --keep-going --batch "$work/cmds" "$work/lab.lab" \
    >"$work/out.json" 2>"$work/err"
j() { jline "$work/out.json" "$@"; }
check "exec --hidden: the command's output, stderr too" test "$(j 2 .result.output)" = "out
err"
check "exec --hidden: its exit status" test "$(j 2 .result.exit)" = 3
check "exec --hidden: a non-zero exit fails the command" test "$(j 2 .ok)" = false
check "exec --hidden: ip's output" sh -c "echo '$(j 3 .result.output)' | grep -q 'inet 192.168.0.1/24'"
st() { j "$1" ".result.checks[] | select(.line == $2) | .state"; }
check "checklist: reach host passes" test "$(st 4 3)" = pass
check "checklist: ! reach internet passes (no NAT)" test "$(st 4 4)" = pass
check "checklist: addr passes" test "$(st 4 5)" = pass
check "checklist: exec fails before the file exists" test "$(st 4 6)" = FAIL
check "checklist: ... and passes once a command made it" test "$(st 6 6)" = pass
check "checklist: all 4 pass" test "$(j 6 .result.passed)" = 4
check "screen gives the console's text" sh -c "jq -r 'select(.line == 1) | .result.text' '$work/out.json' | grep -q 'g1:/#'"
check "the console's screen is unchanged by all of it" test "$(j 1 .result.text)" = "$(j 7 .result.text)"
check "nothing umlab ran shows on the console" sh -c "! echo '$(j 7 .result.text)' | grep -q umlab-"
check "lesson: started with 2 steps" test "$(j 8 .result.steps)" = 2
check "lesson: at step 1" test "$(j 9 .result.step)" = 1
check "lesson: step 2 once step 1's check is true" test "$(j 12 .result.step)" = 2
check "lesson: done after step 2" test "$(j 15 .result.done)" = true
assert_lab_gone itcc1
[ "$FAILS" = 0 ]
