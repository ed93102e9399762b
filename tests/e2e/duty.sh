# Window modes with a real cbwalld (issue 7): duty consoles and a wall under Xvfb, driven with
# xdotool, each on its own X server. Proves:
#  (a) in duty mode, selecting the first new alert and pressing A leaves exactly one ack in
#      cbwalld, with the officer's name from the token;
#  (b) a wall running meanwhile stops flashing that alert: with CBWALL_DEBUG_STATE=1 the
#      window logs "state: ticker: N new: IDS" whenever the set of alerts its ticker flashes
#      (status new) changes; the line after the ack no longer names the alert;
#  (c) two duty desks acking the same alert: one ends done, the other conflict with who was
#      first ("已由 X 于 T 确认");
#  an alert that happens again after being resolved (same source_id) comes back as a new alert;
#  (d) the windows stay up while cbwalld is killed and restarted: the connection goes down and
#      comes back ("state: conn: down" / "ok"), the processes are alive after;
#  and the wall is locked (Esc and q do nothing), the admin chord ends it, SIGTERM ends duty.
# Screenshots of every window are left in $WORK.
. "$(dirname "$0")/lib.inc"
: "${CBWALLD:?run through ctest, which sets CBWALLD}"
command -v Xvfb >/dev/null || fail "Xvfb is not installed (packaging/setup-deps installs it)"
command -v xdotool >/dev/null || fail "xdotool is not installed (packaging/setup-deps)"
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed (packaging/setup-deps)"
command -v curl >/dev/null || fail "curl is not installed (packaging/setup-deps)"

# waits up to $3 s (default 20) for a line matching $2 in file $1 after line $4 (default 0)
wait_for() {
	for _ in $(seq $((${3:-20} * 10))); do
		tail -n +$((${4:-0} + 1)) "$1" 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
lines() { wc -l <"$1"; }
alive() { kill -0 "$1" 2>/dev/null; }

# ---- cbwalld with tokens for two officers, a wall and an ingesting system ----
"$CBWALLD" hash-token officer 张敏 >"$WORK/officer1.txt"
"$CBWALLD" hash-token officer 王伟 >"$WORK/officer2.txt"
"$CBWALLD" hash-token viewer 大屏 >"$WORK/viewer.txt"
"$CBWALLD" hash-token ingest 接入 >"$WORK/ingest.txt"
tail -qn 1 "$WORK/officer1.txt" "$WORK/officer2.txt" "$WORK/viewer.txt" "$WORK/ingest.txt" \
	>"$WORK/tokens"
for t in officer1 officer2 viewer ingest; do
	head -n 1 "$WORK/$t.txt" >"$WORK/$t.token"
	chmod 600 "$WORK/$t.token"
done
mkdir -p "$WORK/db"
start_backend() { # port
	"$CBWALLD" --db "$WORK/db/cbwalld.db" --tokens "$WORK/tokens" --simulate 1 --clock "$CLOCK" \
		--listen "127.0.0.1:$1" 2>>"$WORK/cbwalld.log" &
	BACKEND=$!
	PIDS="$PIDS $BACKEND"
}
start_backend 0
wait_for "$WORK/cbwalld.log" "listening on http://" 20 || fail "cbwalld did not start: $(cat "$WORK/cbwalld.log")"
URL=$(grep -o 'listening on http://[0-9.:]*' "$WORK/cbwalld.log" | head -n 1 | sed 's/listening on //')
PORT=${URL##*:}
pass "cbwalld is up at $URL"

api() { # token-name method path [body] -> body in $WORK/api.json, status on stdout
	if [ $# -ge 4 ]; then
		curl -s -o "$WORK/api.json" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $(cat "$WORK/$1.token")" \
			-H 'Content-Type: application/json' -H "Idempotency-Key: e2e-$(date +%s%N)" --data "$4" "$URL$3"
	else
		curl -s -o "$WORK/api.json" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $(cat "$WORK/$1.token")" "$URL$3"
	fi
}
# a field of alert $1 as GET /api/v1/alerts shows it
alert_field() {
	api viewer GET /api/v1/alerts >/dev/null
	sqlite3 :memory: "SELECT json_extract(value, '\$.$2') FROM json_each(readfile('$WORK/api.json'), '\$.alerts') WHERE json_extract(value, '\$.id') = '$1';"
}

for n in 1 2 wall; do
	tok=officer$n
	[ $n = wall ] && tok=viewer
	cat >"$WORK/$n.json" <<EOF
{"backend": "$URL", "token_file": "$WORK/$tok.token", "outbox": "$WORK/outbox-$n.db",
 "alerts_wait": 10, "escalate_after_s": 600}
EOF
done

# ---- the windows: each on its own X server ----
start_window() { # name size args...
	name=$1 size=$2
	shift 2
	start_xvfb "$size"
	eval "DISPLAY_$name=$DISPLAY"
	CBWALL_DEBUG_STATE=1 "$CBWALL" "$@" --clock "$CLOCK" >"$WORK/$name.log" 2>&1 &
	eval "PID_$name=$!"
	PIDS="$PIDS $!"
	wait_for "$WORK/$name.log" "state: conn: ok" 30 || fail "$name: no connection: $(cat "$WORK/$name.log")"
	wait_for "$WORK/$name.log" "state: ticker:" 30 || fail "$name: no alerts: $(cat "$WORK/$name.log")"
	eval "WID_$name=$(DISPLAY=$DISPLAY xdotool search --name cbwall | head -n 1)"
}
key() { # name keys...
	name=$1
	shift
	eval "d=\$DISPLAY_$name w=\$WID_$name"
	DISPLAY=$d xdotool key --window "$w" "$@"
}
shot() { # name file
	eval "d=\$DISPLAY_$1"
	import -display "$d" -window root "$2"
}
selected() { grep 'state: duty: selected' "$WORK/$1.log" | tail -n 1 | sed 's/.*selected //'; }

start_window wall 1280x720 --mode wall --scene city --config "$WORK/wall.json"
start_window duty1 1920x1080 --mode duty --config "$WORK/1.json" --size 1920x1080
pass "a wall (viewer 大屏) and a duty desk (officer 张敏) are up"
grep -q "alarm: no audio device" "$WORK/duty1.log" && [ "$(grep -c 'alarm: no audio' "$WORK/duty1.log")" = 1 ] &&
	pass "no sound card: one log line, the tone is skipped"

# ---- (a) the first new alert, acknowledged with A ----
key duty1 f Home # status filter 未确认, first row
sleep 1
ID=$(selected duty1)
[ -n "$ID" ] && [ "$ID" != - ] || fail "nothing selected: $(tail -n 5 "$WORK/duty1.log")"
[ "$(alert_field "$ID" status)" = new ] || fail "$ID is not new: $(alert_field "$ID" status)"
grep 'state: ticker:' "$WORK/wall.log" | tail -n 1 | grep -q " $ID" || fail "the wall does not flash $ID"
shot wall "$WORK/wall-before.png"
before=$(lines "$WORK/wall.log")
key duty1 a
wait_for "$WORK/duty1.log" "duty: $ID: 已确认 (done)" 20 ||
	fail "duty1 did not finish the ack of $ID: $(tail -n 8 "$WORK/duty1.log")"
[ "$(alert_field "$ID" status)" = acked ] || fail "$ID is not acked in cbwalld"
[ "$(alert_field "$ID" acked_by)" = 张敏 ] || fail "$ID acked by '$(alert_field "$ID" acked_by)', not 张敏"
acks=$(sqlite3 "$WORK/db/cbwalld.db" "SELECT count(*) FROM idem WHERE alert_id = '$ID' AND status = 200;")
[ "$acks" = 1 ] || fail "$acks acks of $ID recorded, expected exactly one"
pass "(a) A on the first new alert $ID: done; cbwalld shows it acked by 张敏, one ack"
shot duty1 "$WORK/duty-a.png"

# ---- (b) the wall stops flashing it ----
wait_for "$WORK/wall.log" "state: ticker:" 15 "$before" || fail "the wall saw no change after the ack"
sleep 0.5
last=$(grep 'state: ticker:' "$WORK/wall.log" | tail -n 1)
echo "$last" | grep -q " $ID\b" && fail "the wall still flashes $ID: $last"
pass "(b) the wall's ticker no longer flashes $ID (${last#*ticker: }), within one long-poll"
shot wall "$WORK/wall-after.png"
"$CBWALL" diff "$WORK/wall-before.png" "$WORK/wall-after.png" >"$WORK/wall-diff.txt" || true

# ---- (c) two desks ack the same alert ----
code=$(api ingest POST /api/v1/alerts '{"grade":1,"category":"应急","title":"蜀山区天鹅湖小区燃气泄漏，正在疏散","adcode":"340104","lon":117.25,"lat":31.83,"source_id":"e2e-gas-1"}')
[ "$code" = 201 ] || fail "ingest: HTTP $code: $(cat "$WORK/api.json")"
NEW=$(sqlite3 :memory: "SELECT json_extract(readfile('$WORK/api.json'), '\$.id');")
start_window duty2 1920x1080 --mode duty --config "$WORK/2.json" --size 1920x1080
wait_for "$WORK/duty1.log" "state: ticker:.* $NEW" 20 || fail "duty1 never saw $NEW"
wait_for "$WORK/duty2.log" "state: ticker:.* $NEW" 20 || fail "duty2 never saw $NEW"
key duty1 Home
key duty2 Home
sleep 1
[ "$(selected duty1)" = "$NEW" ] || fail "duty1 selected $(selected duty1), not $NEW"
[ "$(selected duty2)" = "$NEW" ] || fail "duty2 selected $(selected duty2), not $NEW"
key duty1 a &
K=$!
key duty2 a
wait "$K"
for n in 1 2; do
	wait_for "$WORK/duty$n.log" "duty: $NEW: \(已确认 (done)\|conflict\)" 20 ||
		fail "duty$n: no answer for $NEW: $(tail -n 8 "$WORK/duty$n.log")"
done
done_n=$(grep -l "duty: $NEW: 已确认 (done)" "$WORK/duty1.log" "$WORK/duty2.log" | wc -l)
conf=$(grep -h "duty: $NEW: conflict" "$WORK/duty1.log" "$WORK/duty2.log")
[ "$done_n" = 1 ] || fail "$done_n desks say done for $NEW"
first=$(alert_field "$NEW" acked_by)
echo "$conf" | grep -q "已由 $first 于 .* 确认" || fail "the other desk does not say who was first ($first): $conf"
pass "(c) two desks ack $NEW: one done, the other: ${conf#*conflict: }"
shot duty1 "$WORK/duty1-c.png"
shot duty2 "$WORK/duty2-c.png"

# ---- an alert that happens again after being resolved starts over as new ----
code=$(api ingest POST /api/v1/alerts '{"grade":1,"category":"应急","title":"蜀山区天鹅湖小区燃气泄漏，正在疏散","adcode":"340104","source_id":"e2e-gas-1"}')
[ "$code" = 200 ] && [ "$(sqlite3 :memory: "SELECT json_extract(readfile('$WORK/api.json'), '\$.id');")" = "$NEW" ] ||
	fail "re-ingest of an open alert: HTTP $code: $(cat "$WORK/api.json")"
code=$(api officer1 POST "/api/v1/alerts/$NEW/resolve" '{"note":"已处置"}')
[ "$code" = 200 ] || fail "resolve: HTTP $code: $(cat "$WORK/api.json")"
code=$(api ingest POST /api/v1/alerts '{"grade":1,"category":"应急","title":"蜀山区天鹅湖小区燃气泄漏，正在疏散","adcode":"340104","source_id":"e2e-gas-1"}')
AGAIN=$(sqlite3 :memory: "SELECT json_extract(readfile('$WORK/api.json'), '\$.id') || ' ' || json_extract(readfile('$WORK/api.json'), '\$.status');")
[ "$code" = 201 ] && [ "${AGAIN% *}" != "$NEW" ] && [ "${AGAIN#* }" = new ] ||
	fail "after resolve the same source_id should raise a new alert: HTTP $code: $AGAIN"
AGAIN=${AGAIN% *}
wait_for "$WORK/wall.log" "state: ticker:.* $AGAIN" 20 || fail "the wall does not flash the re-raised $AGAIN"
pass "the same source_id after resolve raises $AGAIN, new, flashing on the wall ($NEW stays resolved)"

# ---- (d) cbwalld killed and restarted ----
# the marks before the kill: a desk that notices at once logs before a later mark
mark_wall=$(lines "$WORK/wall.log")
mark_duty=$(lines "$WORK/duty1.log")
kill -TERM "$BACKEND"
wait "$BACKEND" 2>/dev/null || true
wait_for "$WORK/wall.log" "state: conn: down" 40 "$mark_wall" || fail "the wall did not notice cbwalld is gone"
wait_for "$WORK/duty1.log" "state: conn: down" 40 "$mark_duty" || fail "duty1 did not notice cbwalld is gone"
shot wall "$WORK/wall-down.png"
alive "$PID_wall" && alive "$PID_duty1" && alive "$PID_duty2" || fail "a window died with cbwalld"
pass "(d) cbwalld stopped: the windows show the connection down and stay up"
# an ack while cbwalld is away waits in the outbox (待发送) and is delivered when it is back
key duty1 Home
sleep 1
LATE=$(selected duty1)
key duty1 a
wait_for "$WORK/duty1.log" "duty: $LATE: 待发送 (pending)" 10 || fail "no pending ack of $LATE while cbwalld is down"
pass "(d) A while cbwalld is down: $LATE shows 待发送 (pending)"
start_backend "$PORT"
wait_for "$WORK/wall.log" "state: conn: ok" 90 "$mark_wall" || fail "the wall did not reconnect: $(tail -n 5 "$WORK/wall.log")"
wait_for "$WORK/duty1.log" "state: conn: ok" 90 "$mark_duty" || fail "duty1 did not reconnect"
alive "$PID_wall" && alive "$PID_duty1" && alive "$PID_duty2" || fail "a window died"
pass "(d) cbwalld restarted on port $PORT: the windows reconnect"
wait_for "$WORK/duty1.log" "duty: $LATE: 已确认 (done)" 30 || fail "the pending ack of $LATE was not delivered"
[ "$(alert_field "$LATE" acked_by)" = 张敏 ] || fail "$LATE not acked by 张敏 after the restart"
pass "(d) the pending ack of $LATE is delivered after the restart: 已确认, acked by 张敏"

# ---- locked wall, admin chord, SIGTERM ----
key wall Escape q alt+F4
sleep 1
alive "$PID_wall" || fail "Esc, q or Alt+F4 ended the locked wall"
key wall ctrl+alt+shift+q
for _ in $(seq 50); do alive "$PID_wall" || break; sleep 0.1; done
alive "$PID_wall" && fail "the admin chord did not end the wall"
wait "$PID_wall" || fail "the wall exited with $? after the admin chord"
grep -q "admin chord: quitting" "$WORK/wall.log" || fail "no log line for the admin chord"
pass "the wall ignores Esc, q and Alt+F4; Ctrl+Alt+Shift+Q ends it with status 0"
for n in duty1 duty2; do
	eval "p=\$PID_$n"
	kill -TERM "$p"
	for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
	alive "$p" && fail "$n did not end on SIGTERM"
	wait "$p" || fail "$n exited with $? on SIGTERM"
done
pass "SIGTERM ends the duty desks with status 0"
