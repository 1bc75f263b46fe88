# lib.sh — helpers for the tmux-driven console tests (sourced by t_*.sh).
#
#   tui_start LAB [COLS ROWS]   umlab --sandbox --lab LAB $TUI_ARGS in a detached tmux
#   keys ARGS...                tmux send-keys to it
#   screen                      the visible text (capture-pane)
#   wait_for REGEX [SECONDS]    polls the screen until REGEX (grep -E) shows
#   check_gone LAB              nothing of the lab is left
# A trap kills the session and cleans the lab up whatever happens.

: "${UMLAB:?UMLAB must point to the umlab binary}"
TUI_SOCK="umlab-tuitest-$$"
TUI_SESSION="t"
TUI_TMP=$(mktemp -d /tmp/umlab-tuitest.XXXXXX)
TUI_LAB=""

tmx() {
    tmux -L "$TUI_SOCK" "$@"
}

tui_cleanup() {
    tmx kill-server >/dev/null 2>&1
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TUI_SOCK"
    if [ -n "$TUI_LAB" ]; then
        "$UMLAB" cleanup "$TUI_LAB" >/dev/null 2>&1
        ip netns del "umlab-$TUI_LAB" 2>/dev/null
        ip netns del "umlab-$TUI_LAB-inet" 2>/dev/null
    fi
    rm -rf "$TUI_TMP"
}
trap tui_cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "FAIL: $*" >&2
    echo "---- screen ----" >&2
    screen >&2
    echo "---- stderr ----" >&2
    cat "$TUI_TMP/stderr" >&2 2>/dev/null
    exit 1
}

tui_start() {
    TUI_LAB=$1
    cols=${2:-160}
    rows=${3:-48}
    # leftovers of an earlier killed run, or of this test's previous start
    tmx kill-session -t "$TUI_SESSION" >/dev/null 2>&1
    "$UMLAB" cleanup "$TUI_LAB" >/dev/null 2>&1
    tmx -f /dev/null new-session -d -s "$TUI_SESSION" -x "$cols" -y "$rows" \
        "env LANG=C.UTF-8 TERM=tmux-256color XDG_STATE_HOME=$TUI_TMP \
         $UMLAB --sandbox --lab $TUI_LAB ${TUI_ARGS:-} 2>$TUI_TMP/stderr; echo UMLAB-EXIT=\$?; sleep 600" ||
        { echo "FAIL: cannot start tmux" >&2; exit 1; }
    tmx set-option -t "$TUI_SESSION" status off >/dev/null
}

keys() {
    tmx send-keys -t "$TUI_SESSION" "$@"
}

# Types TEXT literally (no key-name lookup).
type_text() {
    tmx send-keys -t "$TUI_SESSION" -l "$1"
}

screen() {
    tmx capture-pane -p -t "$TUI_SESSION"
}

wait_for() {
    re=$1
    secs=${2:-30}
    end=$(($(date +%s) + secs))
    while [ "$(date +%s)" -lt "$end" ]; do
        if screen | grep -Eq -- "$re"; then
            return 0
        fi
        sleep 0.2
    done
    fail "timed out after ${secs}s waiting for /$re/"
}

# The side pane: what follows its border on each row.
side() {
    screen | sed -n 's/.*│ //p'
}

# wait_side REGEX SECONDS: until a side pane row matches.
wait_side() {
    end=$(($(date +%s) + $2))
    until side | grep -Eq -- "$1"; do
        [ "$(date +%s)" -ge "$end" ] && fail "no /$1/ in the side pane"
        sleep 0.3
    done
}

# Types COMMAND at the console's prompt (Ctrl-] :) and runs it.
prompt() {
    keys C-] :
    wait_for 'umlab> *$' 5
    type_text "$1"
    keys Enter
}

# The first line of the screen matching REGEX.
screen_line() {
    screen | grep -E -m1 -- "$1"
}

# Turns "12", "1.5K", "3M" into a number (integer part is enough to compare).
num() {
    echo "$1" | awk '{ v = $1 + 0; if ($1 ~ /K$/) v *= 1024; if ($1 ~ /M$/) v *= 1048576; printf "%d\n", v }'
}

check_gone() {
    lab=$1
    if pgrep -f "umid=umlab-$lab-" >/dev/null; then
        fail "guests of lab $lab still run: $(pgrep -af "umid=umlab-$lab-")"
    fi
    [ -e "/run/umlab/$lab" ] && fail "/run/umlab/$lab is still there"
    if ip netns list 2>/dev/null | grep -Eq "^umlab-$lab( |-inet|$)"; then
        fail "namespace umlab-$lab is still there"
    fi
    return 0
}

# The pid of the umlab this test started (its binary may have been rebuilt
# meanwhile: then /proc shows it "(deleted)").
umlab_pid() {
    pgrep -f "umlab --sandbox --lab $TUI_LAB( |\$)" | while read -r p; do
        case "$(readlink "/proc/$p/exe")" in
        "$UMLAB" | "$UMLAB (deleted)") echo "$p" ;;
        esac
    done | head -1
}

# CPU time (clock ticks) PID has used so far.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# True when UMLAB is built with AddressSanitizer (make SANITIZE=1): its
# intercepted memmove makes libvterm's scrolling several times slower.
is_asan() {
    ldd "$UMLAB" 2>/dev/null | grep -q libasan
}
