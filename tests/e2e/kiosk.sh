# The leader's touch kiosk (issue 7 part 4) under Xvfb, driven with xdotool's mouse (the kiosk
# takes the mouse as one more finger). Fixture data (--feed) and a frozen scene clock
# (--clock ... --freeze-clock) make the pictures deterministic. Proves:
#  - a click outside every district (hefei_districts has no holes) does nothing: the log says
#    so and the screen equals the one before;
#  - a click on 瑶海区 opens its drill-down ("state: kiosk: drill 340102"), and the screen
#    matches tests/golden/kiosk_drill_yaohai.png within the golden tolerance (cbwall diff);
#    CBWALL_UPDATE_GOLDEN=1 writes the golden instead, for a human to review;
#  - a tap outside the card closes it; a tap on one of its alert rows opens the alert card;
#  - a fast horizontal drag off the map changes scene, and the kiosk stays there;
#  - after kiosk_idle_s without input (5 s here, a temp config) everything returns to the
#    overview: card closed, map view reset, the playlist's scene again, the screen as at start;
#  - the kiosk is locked: Esc and q do nothing, the admin chord ends it with status 0.
# Screenshots are left in $WORK.
. "$(dirname "$0")/lib.inc"
: "${CBWALL_DATADIR:?run through ctest, which sets CBWALL_DATADIR}"
command -v Xvfb >/dev/null || fail "Xvfb is not installed (packaging/setup-deps installs it)"
command -v xdotool >/dev/null || fail "xdotool is not installed (packaging/setup-deps)"
GOLDEN=${TEST_SRC:-$CBWALL_DATADIR/tests}/golden/kiosk_drill_yaohai.png

wait_for() { # file pattern seconds [after-line]
	for _ in $(seq $(($3 * 10))); do
		tail -n +$((${4:-0} + 1)) "$1" 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
lines() { wc -l <"$1"; }
shot() { sleep 0.6; import -display "$DISPLAY" -window root "$1" || fail "screenshot failed"; }
same() { "$CBWALL" diff "$1" "$2" -o "$WORK/$3.diff.png" >"$WORK/$3.txt" 2>&1; }
click() { xdotool mousemove "$1" "$2" click 1; }

# A playlist whose all-day schedule shows city; governance sits in a one-minute night
# schedule, so it is one of the wall's scenes (for the swipe) without ever being on at 14:30.
cat >"$WORK/kiosk.json" <<EOF
{"name": "kiosk-test", "transition": {"type": "slide", "seconds": 0.5},
 "schedules": [{"from": "03:00", "to": "03:01", "scenes": [{"scene": "governance"}]},
               {"scenes": [{"scene": "city", "seconds": 60}]}]}
EOF
echo '{"kiosk_idle_s": 5}' >"$WORK/config.json"
"$CBWALL" check-config "$WORK/config.json" | grep -q "after 5 s idle" ||
	fail "check-config does not show kiosk_idle_s: $("$CBWALL" check-config "$WORK/config.json" 2>&1)"
pass "check-config shows kiosk_idle_s"

start_xvfb 1920x1080
CBWALL_DEBUG_STATE=1 "$CBWALL" --mode kiosk --playlist "$WORK/kiosk.json" --config "$WORK/config.json" \
	--feed "file://$CBWALL_DATADIR/assets/fixtures/demo" --clock "$CLOCK" --freeze-clock \
	>"$WORK/kiosk.log" 2>&1 &
KIOSK=$!
PIDS="$PIDS $KIOSK"
wait_for "$WORK/kiosk.log" "state: kiosk: scene city" 30 || fail "no kiosk: $(cat "$WORK/kiosk.log")"
grep -q "touch targets 34 px" "$WORK/kiosk.log" || fail "touch targets: $(grep 'touch targets' "$WORK/kiosk.log")"
pass "the kiosk is up on city; touch targets 34 px (9 mm at 96 dpi)"
sleep 1
shot "$WORK/start.png"

# Where things are on 1920x1080 (config/scenes/city.json, the 16:9 layout): the map panel
# spans x 493..1427, y 330..992; 瑶海区's label sits at about (969, 613).
mark=$(lines "$WORK/kiosk.log")
click 1330 420 # inside the map panel, beyond every district
wait_for "$WORK/kiosk.log" "state: kiosk: tap 1330,420: nothing there" 5 "$mark" ||
	fail "the tap outside the districts: $(tail -n +$((mark + 1)) "$WORK/kiosk.log")"
shot "$WORK/outside.png"
same "$WORK/start.png" "$WORK/outside.png" outside || fail "a tap outside the districts changed the screen: $(cat "$WORK/outside.txt")"
pass "a click outside every district does nothing ($(cat "$WORK/outside.txt"))"

mark=$(lines "$WORK/kiosk.log")
click 969 603
wait_for "$WORK/kiosk.log" "state: kiosk: drill 340102" 5 "$mark" ||
	fail "no drill-down for 瑶海区: $(tail -n +$((mark + 1)) "$WORK/kiosk.log")"
xdotool mousemove 1900 20 # the pointer out of the picture (it is hidden anyway)
shot "$WORK/drill.png"
if [ "${CBWALL_UPDATE_GOLDEN:-}" = 1 ]; then
	cp "$WORK/drill.png" "$GOLDEN"
	pass "wrote $GOLDEN: review it"
fi
[ -f "$GOLDEN" ] || fail "no golden $GOLDEN (CBWALL_UPDATE_GOLDEN=1 writes it)"
same "$GOLDEN" "$WORK/drill.png" drill || fail "the drill-down differs from the golden: $(cat "$WORK/drill.txt"); see $WORK"
pass "a click on 瑶海区 opens its drill-down, as the golden ($(cat "$WORK/drill.txt"))"

mark=$(lines "$WORK/kiosk.log")
click 1400 567 # the first row of the card's alerts (特别重大 · 大兴镇路段严重拥堵)
wait_for "$WORK/kiosk.log" "state: kiosk: alert AL00000001" 5 "$mark" ||
	fail "the alert row: $(tail -n +$((mark + 1)) "$WORK/kiosk.log")"
click 30 500
wait_for "$WORK/kiosk.log" "state: kiosk: closed (tap outside)" 5 "$mark" || fail "a tap outside did not close the card"
pass "a tap on an alert row opens its card; a tap outside closes it"

mark=$(lines "$WORK/kiosk.log")
xdotool mousemove 1800 150 mousedown 1 mousemove 1700 150 mousemove 1550 152 mousemove 1400 155 mouseup 1
wait_for "$WORK/kiosk.log" "state: kiosk: scene governance" 5 "$mark" ||
	fail "a fast drag left off the map did not change scene: $(tail -n +$((mark + 1)) "$WORK/kiosk.log")"
pass "a swipe off the map slides to the next scene (governance)"
shot "$WORK/swiped.png"

mark=$(lines "$WORK/kiosk.log")
wait_for "$WORK/kiosk.log" "state: kiosk: idle reset" 12 "$mark" || fail "no idle reset after 5 s"
wait_for "$WORK/kiosk.log" "state: kiosk: scene city" 5 "$mark" || fail "the idle reset did not go back to city"
sleep 1
shot "$WORK/idle.png"
same "$WORK/start.png" "$WORK/idle.png" idle || fail "after the idle reset the screen is not the overview: $(cat "$WORK/idle.txt")"
pass "after kiosk_idle_s the kiosk is back at the overview ($(cat "$WORK/idle.txt"))"

mark=$(lines "$WORK/kiosk.log")
click 969 603
wait_for "$WORK/kiosk.log" "state: kiosk: drill 340102" 5 "$mark" || fail "no second drill-down"
wait_for "$WORK/kiosk.log" "state: kiosk: closed (idle)" 12 "$mark" || fail "the idle timeout did not close the card"
pass "the idle timeout closes an open drill-down"

WID=$(xdotool search --name cbwall | head -n 1)
xdotool key --window "$WID" Escape q
sleep 1
kill -0 "$KIOSK" 2>/dev/null || fail "Esc or q ended the locked kiosk"
xdotool key --window "$WID" ctrl+alt+shift+q
for _ in $(seq 50); do kill -0 "$KIOSK" 2>/dev/null || break; sleep 0.1; done
kill -0 "$KIOSK" 2>/dev/null && fail "the admin chord did not end the kiosk"
wait "$KIOSK" || fail "the kiosk exited with $? after the admin chord"
pass "the kiosk ignores Esc and q; the admin chord ends it with status 0"
