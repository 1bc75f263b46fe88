#!/bin/sh
# t_keys.sh — the console's own keys: help, the prompt (completion, history,
# errors), tabs by prefix, the host shell tab, scrollback search, the side
# pane, halt and restart of a guest.
. "$(dirname "$0")/lib.sh"
LAB=tuikeys
tui_start "$LAB" 140 42

wait_for 'g1:/# ' 120

keys F1
wait_for 'umlab keys' 5
wait_for 'Ctrl-\] is the prefix key' 5
keys x
sleep 0.3
screen | grep -q 'umlab keys' && fail "a key did not close the help"
screen | grep -q 'g1:/# x' && fail "the key closing the help went to the guest"
echo "ok: F1 shows the help, any key closes it"

# colours (16, 256, RGB mapped to the palette), attributes, wide and combining characters
type_text "printf '\\033[31mred\\033[0m \\033[1;4mbold\\033[0m \\033[38;5;208morange\\033[0m \\033[38;2;0;135;175mrgb\\033[0m \\033[7mrev\\033[0m \\344\\270\\255\\346\\226\\207 e\\314\\201\\n'"
keys Enter
wait_for '^red bold orange rgb rev 中文 e' 10
sgr=$(tmx capture-pane -p -e -t "$TUI_SESSION" | grep -a '中文 e' | tail -1)
for want in '\[31m[^ ]*red' '\[1;4mbold' '\[38;5;208morange' '\[38;5;31mrgb' '\[7mrev'; do
    printf '%s\n' "$sgr" | grep -Eq "$want" || fail "no /$want/ in: $sgr"
done
echo "ok: colours, attributes and wide characters reach the screen"

# completion of command and guest names
keys C-] :
wait_for 'umlab> *$' 5
type_text 'sta'
keys Tab
wait_for 'umlab> status$' 5
keys Enter
wait_for 'lab tuikeys: subnet 192\.168\.0\.0/24' 20
keys C-] :
type_text 'guest re'
keys Tab
wait_for 'umlab> guest restart$' 5
type_text 'g'
keys Tab
wait_for 'umlab> guest restart g1$' 5
keys Escape
sleep 0.3
screen | grep -q 'umlab> ' && fail "Esc did not close the prompt"
echo "ok: the prompt completes command and guest names"

# history: Up brings back `status`
keys C-] :
keys Up
wait_for 'umlab> status$' 5
keys C-u
type_text 'nosuchcommand'
keys Enter
wait_for 'error: .*nosuchcommand' 10
wait_for 'F1Help F2Add' 2
echo "ok: history recalls commands; an error shows in the log and status line"

# the host shell tab
keys F9
wait_for '2:host shell' 10
wait_for '\[umlab tuikeys: umlab-tuikeys\] #' 10
type_text 'ip -br link show tap0'
keys Enter
wait_for '^tap0 +UP' 10
# a click on tab 1 (X10 mouse report: button 1 pressed at column 3, row 1)
type_text "$(printf '\033[M #!')"
wait_for 'g1:/# ' 5
screen | grep -q '^tap0 +UP' && fail "the click did not switch tabs"
keys C-] n
wait_for '^tap0 +UP' 5
keys C-] 1
wait_for 'g1:/# ' 5
keys C-] 2
wait_for '^tap0 +UP' 5
type_text 'exit'
keys Enter
wait_for '2:host shell exited' 10
keys F7
wait_for '2:host shell │' 10
wait_for '\[umlab tuikeys: umlab-tuikeys\] #' 10
echo "ok: F9 opens a host shell in the lab's namespace; the mouse and prefix 1/2/n switch tabs; F7 starts it again"

# search the scrollback
keys C-] p
wait_for '1:g1 running' 5
type_text 'echo needle-one; seq 1 200'
keys Enter
wait_for '^200 *│' 20
keys C-] /
wait_for 'search back: *$' 5
type_text 'needle-one'
keys Enter
wait_for "'needle-one' found" 5
wait_for 'scrollback -[0-9]+/' 5
screen | grep -q '^needle-one' || fail "the hit is not on the screen"
keys q
sleep 0.3
screen | grep -q 'scrollback -' && fail "q did not return to the live screen"
echo "ok: prefix / finds text in the scrollback"

# side pane off: the console gets the whole width
keys C-] s
sleep 0.3
type_text 'clear; stty size'
keys Enter
wait_for '^33 140 *$' 10
keys C-] s
wait_for 'Taps \(rx = from the guest\)' 5
echo "ok: prefix s hides the side pane and the guest gets the width"

# halt and restart
keys F8
wait_for '1:g1 exited' 30
type_text 'ls'
wait_for 'g1 is not running: F7 starts it again' 5
keys F7
wait_for '1:g1 (booting|running)' 10
wait_for '1:g1 running' 120
echo "ok: F8 halts the guest, F7 boots it again"

keys F10
wait_for '\(y/n\)' 5
keys n
wait_for 'quit cancelled' 5
keys F10
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"
echo "ok: quit asks, n cancels, y quits"
grep -q '^status' "$TUI_TMP/umlab_history" || fail "the prompt's history was not saved"
echo "ok: the prompt's history is kept in \$XDG_STATE_HOME/umlab_history"
