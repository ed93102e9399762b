# cbwalld's command line as an operator meets it: --help and --version, hash-token (a new
# token, or one read from stdin) whose line the server accepts, check-config on good and bad
# files naming file, line and key of every error, and a bad config stopping the server with 2.
. "$(dirname "$0")/lib.inc"
: "${CBWALLD:?run through ctest, which sets CBWALLD}"

"$CBWALLD" --version | grep -q '^cbwalld [0-9]' || fail "--version"
"$CBWALLD" --help | grep -q 'check-config FILE' || fail "--help does not mention check-config"
"$CBWALLD" check-config --help | grep -q '^usage: cbwalld check-config FILE' || fail "check-config --help"
"$CBWALLD" hash-token --help | grep -q '^usage: cbwalld hash-token' || fail "hash-token --help"
pass "--version and --help"

# hash-token: line 1 the token, line 2 `SHA256-HEX ROLE NAME` of it
"$CBWALLD" hash-token officer 张敏 >"$WORK/officer.txt"
[ "$(wc -l <"$WORK/officer.txt")" = 2 ] || fail "hash-token: $(cat "$WORK/officer.txt")"
tok=$(head -n 1 "$WORK/officer.txt")
want=$(printf %s "$tok" | sha256sum | cut -d' ' -f1)
[ "$(tail -n 1 "$WORK/officer.txt")" = "$want officer 张敏" ] ||
	fail "hash-token line: $(tail -n 1 "$WORK/officer.txt"), expected $want officer 张敏"
pass "hash-token prints a token and its tokens-file line"
printf 'a-token-chosen-elsewhere-0123456789\n' | "$CBWALLD" hash-token --stdin viewer 大屏-左 >"$WORK/viewer.txt"
want=$(printf %s a-token-chosen-elsewhere-0123456789 | sha256sum | cut -d' ' -f1)
[ "$(cat "$WORK/viewer.txt")" = "$want viewer 大屏-左" ] || fail "hash-token --stdin: $(cat "$WORK/viewer.txt")"
pass "hash-token --stdin prints only the line of the given token"

expect_code() { # code pattern args...
	code=$1 pattern=$2
	shift 2
	set +e
	"$CBWALLD" "$@" >"$WORK/out.txt" 2>&1
	got=$?
	set -e
	[ "$got" = "$code" ] || fail "cbwalld $*: exit $got, expected $code: $(cat "$WORK/out.txt")"
	grep -q -- "$pattern" "$WORK/out.txt" || fail "cbwalld $*: expected '$pattern' in: $(cat "$WORK/out.txt")"
	pass "cbwalld $* -> $got: $(grep -- "$pattern" "$WORK/out.txt" | head -n 1)"
}
expect_code 2 "usage: cbwalld hash-token" hash-token admin x
printf 'short\n' >"$WORK/short"
expect_code 1 "16..512 visible ASCII" hash-token --stdin viewer x <"$WORK/short"
expect_code 2 "usage: cbwalld check-config" check-config

# A good configuration: every key, a tokens file made by hash-token, a database whose folder
# does not exist yet (cbwalld creates it).
tail -qn 1 "$WORK/officer.txt" >"$WORK/tokens"
cat "$WORK/viewer.txt" >>"$WORK/tokens"
cat >"$WORK/good.conf" <<EOF
# a comment
listen = 127.0.0.1:0
db = $WORK/state/new/cbwalld.db
tokens = $WORK/tokens
simulate = 7
clock = $CLOCK
threads = 3
connection_timeout = 10
wait_max = 30
body_max = 4096
retention_hours = 48
EOF
expect_code 0 "good.conf: ok" check-config "$WORK/good.conf"
grep -q 'tokens .*: 2 (1 viewer, 1 officer, 0 ingest)' "$WORK/out.txt" || fail "token counts: $(cat "$WORK/out.txt")"
[ ! -e "$WORK/state" ] || fail "check-config created the database folder"
expect_code 0 "cbwalld.conf: ok" check-config "$CBWALL_DATADIR/config/cbwalld.conf"

# A bad one: every error named with file, line and key, all of them in one run.
cat >"$WORK/bad.conf" <<EOF
listen = 127.0.0.1:99999
threads = 0
wait_max = soon
frobnicate = 1
simulate = maybe
clock = yesterday
no equals sign here
body_max = 12
db = /etc/passwd/cbwalld.db
tokens = $WORK/no-such-tokens
EOF
expect_code 1 "bad.conf: 10 errors" check-config "$WORK/bad.conf"
for want in \
	'bad.conf:1: listen: "127.0.0.1:99999" is not ADDR:PORT' \
	'bad.conf:2: threads: "0" is not an integer 1..64' \
	'bad.conf:3: wait_max: "soon" is not an integer 1..600' \
	'bad.conf:4: unknown key "frobnicate"' \
	'bad.conf:5: simulate: "maybe" is not a seed' \
	'bad.conf:6: clock: "yesterday" is not an RFC 3339 time' \
	'bad.conf:7: expected key = value' \
	'bad.conf:8: body_max: "12" is not 1024..' \
	'bad.conf:9: db: /etc/passwd' \
	"bad.conf:10: tokens: $WORK/no-such-tokens: No such file or directory"; do
	grep -qF -- "$want" "$WORK/out.txt" || fail "check-config bad.conf: no '$want' in: $(cat "$WORK/out.txt")"
done
pass "check-config names every error of bad.conf"

# A malformed tokens file names the tokens file's own line; a file that is not SQLite is refused.
printf '# wall\n%s viewer ok\nabc officer x\n' "$(printf x | sha256sum | cut -d' ' -f1)" >"$WORK/bad-tokens"
printf 'tokens = %s\n' "$WORK/bad-tokens" >"$WORK/bad-tokens.conf"
expect_code 1 "bad-tokens.conf:1: tokens: $WORK/bad-tokens:3: the hash must be 64 hex digits" check-config "$WORK/bad-tokens.conf"
printf 'db = %s\n' "$WORK/tokens" >"$WORK/not-sqlite.conf"
expect_code 1 "not-sqlite.conf:1: db: $WORK/tokens is not an SQLite database" check-config "$WORK/not-sqlite.conf"
printf 'threads = 2\nthreads = 4\n' >"$WORK/twice.conf"
expect_code 0 "twice.conf:2: threads: warning: set again (line 1)" check-config "$WORK/twice.conf"

# The server stops at the first error of the same file, with 2, before opening anything.
expect_code 2 "bad.conf:1: listen" --config "$WORK/bad.conf"
expect_code 2 "clock: \"yesterday\"" --clock yesterday --db "$WORK/x.db"
[ ! -e "$WORK/x.db" ] || fail "a bad --clock still opened the database"

# What check-config accepted, the server runs: start it, ask /health, stop it.
"$CBWALLD" --config "$WORK/good.conf" 2>"$WORK/cbwalld.log" &
pid=$!
PIDS="$PIDS $pid"
port=""
for _ in $(seq 300); do
	port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\),.*|\1|p' "$WORK/cbwalld.log")
	[ -z "$port" ] || break
	sleep 0.1
done
[ -n "$port" ] || fail "cbwalld did not start: $(cat "$WORK/cbwalld.log")"
health=$(curl -s "http://127.0.0.1:$port/api/v1/health")
case $health in *'"auth":true'*) ;; *) fail "health: $health" ;; esac
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/metrics")
[ "$code" = 200 ] || fail "metrics with the officer token from hash-token: $code"
kill -TERM "$pid"
wait "$pid" || fail "cbwalld exit $?: $(cat "$WORK/cbwalld.log")"
pass "the good configuration runs, and the token from hash-token is accepted"
