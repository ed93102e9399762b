# The command line as a user meets it: snapshots are deterministic, bad files fail with a
# message naming file and key and write nothing, usage errors exit 2.
. "$(dirname "$0")/lib.inc"

"$CBWALL" --version | grep -q '^cbwall [0-9]' || fail "--version"
"$CBWALL" snapshot --help | grep -q 'usage: cbwall snapshot' || fail "snapshot --help"
pass "--version and --help"

"$CBWALL" snapshot --clock "$CLOCK" --size 1280x720 -o "$WORK/a.png"
"$CBWALL" snapshot --clock "$CLOCK" --size 1280x720 -o "$WORK/b.png"
cmp -s "$WORK/a.png" "$WORK/b.png" || fail "two snapshots of the same inputs differ"
pass "same inputs, same bytes"

"$CBWALL" snapshot --clock "$CLOCK" --size 1280x720 --feed "file://$CBWALL_DATADIR/assets/fixtures/demo" -o "$WORK/c.png"
cmp -s "$WORK/a.png" "$WORK/c.png" || fail "--feed file:// of the demo fixtures differs from the default"
pass "--feed file:// reads the same fixtures"

# libcurl and its ~25 libraries are loaded only by what talks HTTP (client/cw_curl.h)
readelf -d "$CBWALL" | grep -q 'NEEDED.*libcurl' && fail "cbwall links libcurl at start"
LD_DEBUG=files "$CBWALL" snapshot --clock "$CLOCK" --size 640x360 -o "$WORK/d.png" 2>"$WORK/ld.txt"
grep -q 'file=libcurl' "$WORK/ld.txt" && fail "a snapshot loaded libcurl"
pass "no libcurl for a snapshot of files"
rm -f "$WORK/d.png"
set +e
LD_DEBUG=files "$CBWALL" snapshot --size 640x360 --feed http://127.0.0.1:9 -o "$WORK/d.png" 2>"$WORK/ld.txt"
got=$?
set -e
[ "$got" = 1 ] || fail "snapshot of a backend that is down: exit $got"
grep -q 'file=libcurl' "$WORK/ld.txt" || fail "an http feed did not load libcurl"
grep -q 'http://127.0.0.1:9/api/v1/metrics: .*connect' "$WORK/ld.txt" ||
	fail "a backend that is down, not named: $(grep -v '^ *[0-9]*:' "$WORK/ld.txt")"
[ ! -e "$WORK/d.png" ] || fail "a snapshot of a backend that is down wrote a picture"
pass "--feed http:// loads libcurl and names the backend that is down"

expect_fail() { # code pattern args...
	code=$1 pattern=$2
	shift 2
	rm -f "$WORK/out.png"
	set +e
	"$CBWALL" "$@" >"$WORK/out.txt" 2>&1
	got=$?
	set -e
	[ "$got" = "$code" ] || fail "cbwall $*: exit $got, expected $code: $(cat "$WORK/out.txt")"
	grep -q -- "$pattern" "$WORK/out.txt" || fail "cbwall $*: expected '$pattern' in: $(cat "$WORK/out.txt")"
	[ ! -e "$WORK/out.png" ] || fail "cbwall $*: wrote a picture anyway"
	pass "cbwall $* -> $got: $(head -n 1 "$WORK/out.txt")"
}

printf '{"name":"bad","colors":{"bg":"#12"}}' >"$WORK/bad-theme.json"
expect_fail 1 "bad-theme.json: colors.bg: not a color" snapshot --theme "$WORK/bad-theme.json" -o "$WORK/out.png"
printf '{"name":"s","layouts":[{"grid":{"cols":2,"rows":2},"panels":[{"type":"kpi","metric":"aqi","at":[1,1,2,1]}]}]}' >"$WORK/bad-scene.json"
expect_fail 1 "bad-scene.json: layouts\[0\].panels\[0\].at" snapshot --scene "$WORK/bad-scene.json" -o "$WORK/out.png"
mkdir -p "$WORK/feed"
printf '{"city":"合肥市","generated_at":"2026-11-23T14:30:00+08:00","metrics":[{"key":"aqi","label":"AQI","value":"62"}]}' >"$WORK/feed/metrics.json"
expect_fail 1 "metrics.json: metrics\[0\].value: expected number" snapshot --feed "file://$WORK/feed" -o "$WORK/out.png"
expect_fail 1 "no-such-scene" snapshot --scene no-such-scene -o "$WORK/out.png"
expect_fail 2 "--size 10x10" snapshot --size 10x10 -o "$WORK/out.png"
expect_fail 2 "--clock" snapshot --clock yesterday -o "$WORK/out.png"
expect_fail 2 "-o OUT.png is required" snapshot
expect_fail 2 "unknown command" frobnicate

"$CBWALL" bench --size 1280x720 --frames 120 --clock "$CLOCK" >"$WORK/bench.txt"
grep -Eq '^frame_ms p50=[0-9.]+ p99=[0-9.]+ max=[0-9.]+ fps=[0-9]+ first_ms=[0-9.]+ rss_mb=[0-9.]+ late=[0-9]+' "$WORK/bench.txt" ||
	fail "bench line: $(cat "$WORK/bench.txt")"
pass "bench prints $(cat "$WORK/bench.txt")"
