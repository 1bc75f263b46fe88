#!/bin/sh
# t_record.sh — `record FILE` from the prompt: an asciicast v2 file of the
# screen (header, monotonic events, a resize), that plays back in a terminal
# to what the console showed; no overwriting and no symlinks; `record off`;
# batch mode has no screen to record.
. "$(dirname "$0")/lib.sh"
LAB=tuirec
CAST=$TUI_TMP/demo.cast
TUI_ARGS="--guests 0"

command -v jq >/dev/null 2>&1 || { echo "t_record needs jq (make deps installs it)" >&2; exit 1; }

# batch mode: one line, nothing created
out=$(echo "record $TUI_TMP/batch.cast" | "$UMLAB" --sandbox --lab "${LAB}b" --batch - 2>&1) &&
    fail "record in batch mode succeeded"
echo "$out" | grep -q 'no screen to record' || fail "batch mode said: $out"
[ -e "$TUI_TMP/batch.cast" ] && fail "batch mode created the file"
echo "ok: batch mode has no screen to record"

tui_start "$LAB" 120 40
wait_for 'F1Help' 30

# a link is refused and its target untouched; an existing file needs --force
echo keep >"$TUI_TMP/target"
ln -s "$TUI_TMP/target" "$TUI_TMP/link.cast"
prompt "record $TUI_TMP/link.cast"
wait_for 'error: record: .*link.cast is a symbolic link \(refused\)' 10
[ "$(cat "$TUI_TMP/target")" = keep ] || fail "the link's target was written"
echo old >"$TUI_TMP/old.cast"
prompt "record $TUI_TMP/old.cast"
wait_for 'error: record: .*old.cast exists \(--force' 10
[ "$(cat "$TUI_TMP/old.cast")" = old ] || fail "an existing file was overwritten without --force"
prompt "record off"
wait_for 'error: record: not recording' 10
echo "ok: no symlinks, no overwriting without --force"

prompt "record $CAST"
wait_for "recording the screen to $CAST" 10
[ "$(stat -c %a "$CAST")" = 644 ] || fail "mode $(stat -c %a "$CAST"), not 644"
keys F2
wait_for 'g1:/# ' 120
# clear first: the marker then lands on blank cells, written whole
type_text 'clear; echo rec-$((6*7))-mark'
keys Enter
wait_for '^rec-42-mark' 10
tmx resize-window -t "$TUI_SESSION" -x 110 -y 36
sleep 0.5
type_text 'echo after-$((2+3))-resize'
keys Enter
wait_for 'after-5-resize' 10
prompt "record $TUI_TMP/second.cast"
wait_for 'error: record: already recording to' 10
prompt "record off"
wait_for "recorded [0-9.]+ s of the screen \([0-9]+ KiB\) to $CAST" 10
echo "ok: record and record off from the prompt"

# the file: a v2 header, then [time, code, data] events in time order
head -1 "$CAST" | jq -e '.version == 2 and .width == 120 and .height == 40 and
    (.timestamp | type) == "number" and (.title | test("tuirec"))' >/dev/null ||
    fail "bad header: $(head -1 "$CAST")"
tail -n +2 "$CAST" | jq -e -s 'length > 3 and all(.[]; type == "array" and length == 3 and
    (.[0] | type) == "number" and (.[1] == "o" or .[1] == "r") and (.[2] | type) == "string")' \
    >/dev/null || fail "an event is not [number, \"o\"|\"r\", string]"
tail -n +2 "$CAST" | jq -e -s '[.[][0]] as $t | all(range(1; $t | length); $t[.] >= $t[. - 1])' \
    >/dev/null || fail "event times go backwards"
tail -n +2 "$CAST" | jq -e -s 'map(select(.[1] == "r") | .[2]) == ["110x36"]' >/dev/null ||
    fail "resize events: $(tail -n +2 "$CAST" | jq -c 'select(.[1] == "r")')"
size=$(stat -c %s "$CAST")
sleep 1.5
[ "$(stat -c %s "$CAST")" = "$size" ] || fail "the file still grows after record off"
echo "ok: valid asciicast v2: header, ordered events, the resize"

# played back in a terminal of the header's size, it shows the screen: the
# first event alone is a whole frame, all of them end on the marker
play() {
    tmx kill-session -t play >/dev/null 2>&1
    tmx new-session -d -s play -x "$2" -y "$3" "cat '$1'; sleep 600"
    sleep 1
    tmx capture-pane -p -t play
}
tail -n +2 "$CAST" | jq -j -s 'map(select(.[1] == "o"))[0][2]' >"$TUI_TMP/first.raw"
play "$TUI_TMP/first.raw" 120 40 | grep -q 'F1Help' ||
    fail "the first event is not a whole screen: $(play "$TUI_TMP/first.raw" 120 40)"
tail -n +2 "$CAST" | jq -j 'select(.[1] == "o") | .[2]' >"$TUI_TMP/all.raw"
grep -q 'rec-42-mark' "$TUI_TMP/all.raw" || fail "the marker is not in the output events"
shown=$(play "$TUI_TMP/all.raw" 110 36)
echo "$shown" | grep -q '^rec-42-mark' || fail "played back, the marker is missing: $shown"
echo "$shown" | grep -q 'after-5-resize' || fail "played back, the text after the resize is missing"
echo "ok: the cast plays back to the console's screen"

# a full disk stops the recording, not the console; the file keeps whole events
SMALL=$TUI_TMP/s
mkdir "$SMALL"
trap 'tmx kill-server >/dev/null 2>&1; umount -l "$SMALL" 2>/dev/null; tui_cleanup' EXIT
if mount -t tmpfs -o size=8k,mode=0755 tmpfs "$SMALL"; then
    prompt "record $SMALL/f.cast"
    wait_for "recording the screen to $SMALL/f.cast" 10
    type_text 'seq 1 3000'
    keys Enter
    wait_for 'f\.cast: write: No space left on device' 30
    prompt "record off"
    wait_for 'error: record: not recording' 10
    type_text 'clear; echo still-$((3*3))-here'
    keys Enter
    wait_for '^still-9-here' 10
    head -1 "$SMALL/f.cast" | jq -e '.version == 2' >/dev/null || fail "the full file lost its header"
    tail -n +2 "$SMALL/f.cast" | jq -e -s 'length > 0' >/dev/null ||
        fail "the full file does not end with a whole event"
    umount "$SMALL"
    echo "ok: a write error stops the recording, the console goes on"
else
    echo "skip: cannot mount a tmpfs to fill"
fi

# --force overwrites a regular file
prompt "record $TUI_TMP/old.cast --force"
wait_for "recording the screen to $TUI_TMP/old.cast" 10
prompt "record off"
wait_for "recorded .* to $TUI_TMP/old.cast" 10
head -1 "$TUI_TMP/old.cast" | jq -e '.version == 2' >/dev/null || fail "--force did not overwrite"
echo "ok: --force overwrites"

keys F10
wait_for '\(y/n\)' 5
keys y
wait_for 'UMLAB-EXIT=0' 60
check_gone "$LAB"
echo "ok: quit"
