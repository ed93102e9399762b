# cbwalld serving HTTPS itself (tls_cert/tls_key) and cbwall verifying it (ca_file), with a
# throwaway CA made here by openssl:
#  - cbwall with the CA in ca_file: lists alerts and acks over https;
#  - cbwall without it (the system's CAs): fails with one clear TLS line, exit status 1/75,
#    and the ack stays queued in the outbox;
#  - a certificate for another name: refused (host name checked);
#  - plain HTTP to the TLS port: refused cleanly, the server keeps serving;
#  - check-config names a missing key file; a key that does not match stops cbwalld.
. "$(dirname "$0")/lib.inc"
: "${CBWALLD:?run through ctest, which sets CBWALLD}"
command -v openssl >/dev/null || fail "openssl is not installed (packaging/setup-deps installs it)"
command -v curl >/dev/null || fail "curl is not installed (packaging/setup-deps)"
export ASAN_OPTIONS=detect_leaks=0 # cbwalld killed at the end; its clean exit is tested elsewhere

cd "$WORK"
# a CA, a server certificate for 127.0.0.1/localhost signed by it, one for another name
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
	-subj "/CN=cbwall test CA" >/dev/null 2>&1 || fail "openssl: CA"
make_cert() { # name subjectAltName
	openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" \
		>/dev/null 2>&1 || fail "openssl: $1 request"
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$2" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile "$1.ext" -out "$1.pem" >/dev/null 2>&1 || fail "openssl: $1 certificate"
}
make_cert server "IP:127.0.0.1,DNS:localhost"
make_cert other "DNS:other.example"
pass "throwaway CA and certificates"

officer=tls-officer-token-0123456789
ingest=tls-ingest-token-0123456789
printf '%s officer 张敏\n%s ingest 上游\n' \
	"$(printf %s $officer | sha256sum | cut -d' ' -f1)" \
	"$(printf %s $ingest | sha256sum | cut -d' ' -f1)" >tokens
printf '%s\n' $officer >officer.token
chmod 600 officer.token

port=$((20000 + $$ % 20000))
start_server() { # cert key
	port=$((port + 1))
	cat >cbwalld.conf <<EOF
listen = 127.0.0.1:$port
db = $WORK/cbwalld.db
tokens = $WORK/tokens
tls_cert = $WORK/$1.pem
tls_key = $WORK/$1.key
EOF
	"$CBWALLD" --config cbwalld.conf 2>>cbwalld.log &
	SERVER=$!
	PIDS="$PIDS $SERVER"
	for _ in $(seq 100); do
		curl -sk -o /dev/null "https://127.0.0.1:$port/api/v1/health" && return 0
		kill -0 $SERVER 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }

start_server server || fail "cbwalld did not serve https: $(cat cbwalld.log)"
grep -q "listening on https://127.0.0.1:$port" cbwalld.log || fail "start-up line: $(cat cbwalld.log)"
pass "cbwalld serves https ($(tail -n 1 cbwalld.log))"
"$CBWALLD" check-config cbwalld.conf >out.txt 2>&1 || fail "check-config: $(cat out.txt)"
grep -q "tls .*https: certificate $WORK/server.pem" out.txt || fail "check-config: $(cat out.txt)"

# an alert to ack
id=$(curl -s --cacert ca.pem -H "Authorization: Bearer $ingest" -d \
	'{"grade":2,"category":"交通","title":"TLS 测试","adcode":"340104","source_id":"tls-1"}' \
	"https://127.0.0.1:$port/api/v1/alerts" | sed -n 's/.*"id":"\(AL[0-9]*\)".*/\1/p')
[ -n "$id" ] || fail "ingest over https"

good_cfg() { # outbox
	printf '{"backend": "https://127.0.0.1:%s", "token_file": "%s/officer.token", "ca_file": "%s/ca.pem", "outbox": "%s"}\n' \
		"$port" "$WORK" "$WORK" "$1"
}
bad_cfg() {
	printf '{"backend": "https://127.0.0.1:%s", "token_file": "%s/officer.token", "outbox": "%s"}\n' \
		"$port" "$WORK" "$1"
}

# without the CA: a clear TLS error, the ack stays queued
bad_cfg "$WORK/outbox-bad.db" >bad.json
set +e
"$CBWALL" alerts --config bad.json >out.txt 2>err.txt
st=$?
set -e
[ $st -ne 0 ] || fail "cbwall alerts without the CA succeeded"
grep -qi 'certificate\|SSL\|TLS' err.txt || fail "no TLS reason without the CA: $(cat err.txt)"
[ "$(wc -l <err.txt)" -le 2 ] || fail "more than a line or two: $(cat err.txt)"
pass "without the CA: exit $st, $(head -n 1 err.txt)"
set +e
"$CBWALL" ack "$id" --config bad.json >out.txt 2>&1
st=$?
set -e
[ $st = 75 ] || fail "cbwall ack without the CA: exit $st (expected 75, queued): $(cat out.txt)"
grep -qi 'certificate\|SSL\|TLS' out.txt || fail "ack: no TLS reason: $(cat out.txt)"
pass "ack without the CA queued (75): $(head -n 1 out.txt)"

# with the CA: works
good_cfg "$WORK/outbox.db" >good.json
"$CBWALL" alerts --config good.json >out.txt 2>err.txt || fail "cbwall alerts with the CA: $(cat err.txt)"
grep -q "$id" out.txt || fail "alerts over https: $(cat out.txt)"
"$CBWALL" ack "$id" --note "经 TLS 确认" --config good.json >out.txt 2>&1 ||
	fail "cbwall ack with the CA: exit $?: $(cat out.txt)"
curl -s --cacert ca.pem -H "Authorization: Bearer $officer" "https://127.0.0.1:$port/api/v1/alerts" |
	grep -q '"acked_by":"张敏"' || fail "the ack over https is not in cbwalld"
pass "with the CA: alerts and ack over https ($(head -n 1 out.txt))"

# the outbox of the failed attempt delivers once the CA is configured
good_cfg "$WORK/outbox-bad.db" >fixed.json
"$CBWALL" ack --flush --config fixed.json >out.txt 2>&1 || fail "flush after fixing ca_file: $(cat out.txt)"
grep -q "already acknowledged" out.txt || fail "flush: $(cat out.txt)"
pass "the queued ack is delivered after ca_file is fixed (409: $(head -n 1 out.txt))"

# plain HTTP to the TLS port: refused cleanly, no hang, the server keeps serving
set +e
timeout 10 "$CBWALL" alerts --backend "http://127.0.0.1:$port" --token-file officer.token >out.txt 2>err.txt
st=$?
set -e
[ $st -ne 0 ] && [ $st -ne 124 ] || fail "plain http to the https port: exit $st: $(cat err.txt)"
pass "plain HTTP to the TLS port: exit $st, $(head -n 1 err.txt)"
code=$(timeout 10 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/health" || true)
[ "$code" != 200 ] || fail "plain http answered 200 on the https port"
curl -sf --cacert ca.pem -o /dev/null "https://127.0.0.1:$port/api/v1/health" ||
	fail "cbwalld stopped serving https after plain http"
pass "plain curl to the TLS port: '$code', https still serves"
stop_server

# a certificate for another name: the host name check refuses it
start_server other || fail "cbwalld with the other certificate: $(tail -n 3 cbwalld.log)"
good_cfg "$WORK/outbox.db" >good.json
set +e
"$CBWALL" alerts --config good.json >out.txt 2>err.txt
st=$?
set -e
[ $st -ne 0 ] && grep -qi 'certificate\|SSL\|name' err.txt ||
	fail "a certificate for other.example was accepted for 127.0.0.1: $st $(cat err.txt)"
pass "certificate for another name refused: $(head -n 1 err.txt)"
stop_server

# configuration errors
sed -i "s|^tls_key = .*|tls_key = $WORK/missing.key|" cbwalld.conf
set +e
"$CBWALLD" check-config cbwalld.conf >out.txt 2>&1
st=$?
set -e
[ $st = 1 ] && grep -q "tls_key: $WORK/missing.key: No such file" out.txt ||
	fail "check-config with a missing key: $st $(cat out.txt)"
pass "check-config: $(grep tls_key out.txt)"
printf -- '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n' >broken.key
sed -i "s|^tls_key = .*|tls_key = $WORK/broken.key|" cbwalld.conf
set +e
timeout 10 "$CBWALLD" --config cbwalld.conf >out.txt 2>&1
st=$?
set -e
[ $st = 1 ] && grep -q "TLS certificate and key" out.txt ||
	fail "a broken key: $st $(cat out.txt)"
pass "a broken key stops cbwalld: $(head -n 1 out.txt)"
printf 'not a certificate\n' >plain.pem
sed -i "s|^tls_key = .*|tls_key = $WORK/plain.pem|" cbwalld.conf
set +e
"$CBWALLD" check-config cbwalld.conf >out.txt 2>&1
st=$?
set -e
[ $st = 1 ] && grep -q "tls_key: $WORK/plain.pem: not a PEM file" out.txt ||
	fail "check-config with a non-PEM key: $st $(cat out.txt)"
pass "check-config: $(grep tls_key out.txt)"
sed -i "/^tls_key/d" cbwalld.conf
set +e
timeout 10 "$CBWALLD" --config cbwalld.conf >out.txt 2>&1
st=$?
set -e
[ $st = 2 ] && grep -q "give both or neither" out.txt || fail "tls_cert alone: $st $(cat out.txt)"
pass "tls_cert without tls_key: $(head -n 1 out.txt)"
