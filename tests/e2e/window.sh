# The first window: cbwall under Xvfb, a screenshot of the real window, compared with
# `cbwall snapshot` of the same inputs within the golden tolerance; q quits cleanly.
. "$(dirname "$0")/lib.inc"
command -v Xvfb >/dev/null || fail "Xvfb is not installed (packaging/setup-deps installs it)"
start_xvfb 1920x1080

# Starts a window with the given options; sets WALL (its pid) and WID.
open_window() {
	"$CBWALL" --fullscreen --scene city --clock "$CLOCK" "$@" >"$WORK/window.log" 2>&1 &
	WALL=$!
	PIDS="$PIDS $WALL"
	xdotool search --sync --onlyvisible --name cbwall >/dev/null 2>&1 &
	SEARCH=$!
	for _ in $(seq 100); do kill -0 $SEARCH 2>/dev/null || break; sleep 0.1; done
	kill -0 $SEARCH 2>/dev/null && { kill $SEARCH; fail "no cbwall window after 10 s: $(cat "$WORK/window.log")"; }
	WID=$(xdotool search --onlyvisible --name cbwall | head -n 1)
}

# q quits the plain window with status 0.
quit_window() {
	xdotool key --window "$WID" q
	for _ in $(seq 50); do kill -0 $WALL 2>/dev/null || break; sleep 0.1; done
	kill -0 $WALL 2>/dev/null && fail "q did not quit"
	wait $WALL || fail "cbwall exited with $?: $(cat "$WORK/window.log")"
}

# With the clock standing still at --clock, the real window is the snapshot of the same
# inputs: the map's alert pulses, the ticker and the banner are functions of the clock.
open_window --freeze-clock
pass "window $WID is up"
sleep 1.5
import -display "$DISPLAY" -window root "$WORK/screen.png" || fail "screenshot failed"
"$CBWALL" snapshot --clock "$CLOCK" --size 1920x1080 -o "$WORK/snap.png" 2>>"$WORK/snap.log"
"$CBWALL" diff "$WORK/snap.png" "$WORK/screen.png" -o "$WORK/diff.png" >"$WORK/diff.txt" ||
	fail "the window does not match the snapshot: $(cat "$WORK/diff.txt"); see $WORK"
pass "screenshot matches cbwall snapshot at $CLOCK ($(cat "$WORK/diff.txt"))"
quit_window
pass "q quits with status 0"

# The clock runs: a second screenshot a little later differs (the header's clock, the
# ticker, the pulses).
open_window
sleep 1.5
import -display "$DISPLAY" -window root "$WORK/screen1.png"
sleep 2
import -display "$DISPLAY" -window root "$WORK/screen2.png"
if "$CBWALL" diff "$WORK/screen1.png" "$WORK/screen2.png" >"$WORK/tick.txt"; then
	grep -q identical "$WORK/tick.txt" && fail "the clock did not tick"
fi
pass "the clock ticks ($(cat "$WORK/tick.txt"))"
quit_window
