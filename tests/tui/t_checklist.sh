#!/bin/sh
# t_checklist.sh — the live checklist and a lesson in the console: Ctrl-] k
# shows a lab file's checks, one ticks when a command typed at the guest's
# console makes it true, nothing umlab runs for them shows on that console;
# a lesson started at the prompt shows its step and moves on when the step's
# check becomes true.
. "$(dirname "$0")/lib.sh"
LAB=tuick
cat >"$TUI_TMP/ck.lab" <<'LAB'
guest g1
nic g1 tap 192.168.0.1
check reach g1 host
check exec g1 test -f /tmp/ok
LAB
cat >"$TUI_TMP/two.lesson" <<'LESSON'
lesson Two files
guest g1 later
step Make /tmp/a in g1
check exec g1 test -f /tmp/a
step Make /tmp/b in g1
check exec g1 test -f /tmp/b
LESSON
chmod 755 "$TUI_TMP"
chmod 644 "$TUI_TMP/ck.lab" "$TUI_TMP/two.lesson"
TUI_ARGS="$TUI_TMP/ck.lab" tui_start "$LAB" 160 48

wait_for 'g1:/# ' 120
keys C-] k
wait_for 'Checklist 1/2' 15
wait_for '\[✓\] reach g1 host' 5
wait_for '\[✗\] exec g1 test -f /tmp/ok' 5
echo "ok: Ctrl-] k shows the checklist: one passes, one fails"

type_text 'touch /tmp/ok'
keys Enter
wait_for 'Checklist 2/2' 12
wait_for '\[✓\] exec g1 test -f /tmp/ok' 2
echo "ok: the check ticked once the file was made"
screen | grep -q 'umlab-[be]-' && fail "umlab's markers show on the console"
echo "ok: nothing of the checks shows on g1's console"

keys C-] k
sleep 1
screen | grep -q 'Checklist' && fail "Ctrl-] k did not hide the checklist"
echo "ok: Ctrl-] k hides it"

keys C-] :
wait_for 'umlab> *$' 5
type_text "lesson $TUI_TMP/two.lesson"
keys Enter
wait_for 'Lesson: Two files' 15
wait_for 'step 1 of 2' 5
wait_for 'Make /tmp/a in g1' 5
type_text 'touch /tmp/a'
keys Enter
wait_for 'step 2 of 2' 12
wait_for 'Make /tmp/b in g1' 2
echo "ok: the lesson moved on when step 1's check became true"

keys F10
wait_for 'quit, halt them and undo the lab\? \(y/n\)' 5
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"
echo "ok: quit and left nothing behind"
