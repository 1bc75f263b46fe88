#!/bin/sh
# t_crash.sh — a crash restores the terminal (main screen, cursor, no mouse
# reporting, cooked mode) before dying, and `umlab cleanup` undoes the lab.
. "$(dirname "$0")/lib.sh"
LAB=tuicrash
tui_start "$LAB" 120 40

wait_for 'g1:/# ' 120
[ "$(tmx display -p -t "$TUI_SESSION" '#{alternate_on}')" = 1 ] ||
    fail "the console is not on the alternate screen"
pid=$(umlab_pid)
[ -n "$pid" ] || fail "cannot find umlab's pid"
kill -SEGV "$pid"
wait_for 'UMLAB-EXIT=139' 20
[ "$(tmx display -p -t "$TUI_SESSION" '#{alternate_on}')" = 0 ] ||
    fail "the terminal is still on the alternate screen"
[ "$(tmx display -p -t "$TUI_SESSION" '#{cursor_flag}')" = 1 ] || fail "the cursor is hidden"
[ "$(tmx display -p -t "$TUI_SESSION" '#{mouse_any_flag}#{mouse_standard_flag}')" = 00 ] ||
    fail "mouse reporting is still on"
echo "ok: SIGSEGV restored the terminal"

"$UMLAB" cleanup "$LAB" >"$TUI_TMP/cleanup.out" 2>&1 || {
    cat "$TUI_TMP/cleanup.out" >&2
    fail "umlab cleanup $LAB failed"
}
check_gone "$LAB"
echo "ok: umlab cleanup removed what the crashed console left"

# SIGTERM: an orderly exit (guests halted, the lab undone), the terminal back
tui_start "$LAB" 120 40
wait_for 'g1:/# ' 120
pid=$(umlab_pid)
[ -n "$pid" ] || fail "cannot find umlab's pid"
kill -TERM "$pid"
wait_for 'UMLAB-EXIT=143' 60
[ "$(tmx display -p -t "$TUI_SESSION" '#{alternate_on}')" = 0 ] ||
    fail "the terminal is still on the alternate screen"
check_gone "$LAB"
echo "ok: SIGTERM closes the console and the lab"
