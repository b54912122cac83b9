#!/bin/sh
# The check gateway's client (model/net/gateway.c, issue 16) against a real HTTPS server on
# loopback: tests/script/gw_server.py with client certificates required, certificates made
# with openssl here (gw_lib.sh).  tool_gateway (tests/tool/tool_gateway.c, ASan build) runs
# gateway_run and prints one line per answer.  Every failure must end RETRY or FAILED with
# a reason a person can act on, never a crash; a retry carries the same Idempotency-Key;
# many checks share few connections.
. tests/script/lib.sh
. tests/script/gw_lib.sh
TOOL=${CASEDESK_TOOLS:-$(pwd)/build/asan/tests/tool}/tool_gateway
P=$GW_PKI

if ! gw_certs; then
	fail "certificates made with openssl"
	exit 0
fi
pass "certificates made with openssl"
gw_start main --slow-ms 3000 || { fail "the test server starts"; exit 0; }
pass "the test server starts and names its port"

# gw NAME ARGS...: runs the tool with the good certificates; output in $T/NAME.out.
gw() {
	name=$1; shift
	"$TOOL" --base "$GW_URL" --ca "$P/ca.pem" --cert "$P/client.pem" --key "$P/client.key" "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
# answer NAME INDEX: the line for request INDEX.
answer() { grep "^$2 " "$T/$1.out"; }
# expect_answer TEST NAME INDEX PATTERN: request INDEX's line matches PATTERN.
expect_answer() {
	line=$(answer "$2" "$3")
	if printf '%s\n' "$line" | grep -q -- "$4"; then pass "$1"; else
		fail "$1" "wanted '$4', got: ${line:-no line}" "$(tail -3 "$T/$2.err")"
	fi
}

# ---- one of each answer, in one run (the slow one against a 1 s time-out)
gw all --timeout-ms 1000 --parallel 4 \
	doc:k-clear:AB1234567:DEU:passport \
	doc:k-hit:HIT0042:FRA:passport \
	person:k-phit:HITCHENS:Anna:1980-01-02:GBR:85 \
	person:k-pclear:Smith:John:1970-03-04:USA:85 \
	doc:k-slow:SLOW1 \
	doc:k-503:E503X \
	doc:k-503d:E503DATE1 \
	doc:k-429:E429X \
	doc:k-reset:RESET1 \
	doc:k-badjson:BADJSON1 \
	doc:k-huge:HUGE1 \
	doc:k-400:E400X \
	doc:k-500:E500X \
	doc:k-stream:STREAM1
expect_eq "every request of a mixed run is answered, exit 0" "$(cat "$T/all.rc") $(wc -l <"$T/all.out")" "0 14"
expect_answer "a clear document" all 0 "^0 CLEAR status=200 .*reason=-"
expect_answer "a document hit names its list and reference" all 1 "^1 HIT status=200 .*list=SLTD ref=INTERPOL-SLTD-0042"
expect_answer "a person hit carries its matches" all 2 "^2 HIT .*matches=2 m0=93/EU-SANCTIONS/OS-NK-0001 m1=81/NATIONAL-WATCH/NW-77"
expect_answer "a clear person" all 3 "^3 CLEAR status=200 .*matches=0"
expect_answer "slower than the time-out: RETRY, saying so" all 4 "^4 RETRY status=0 .*did not answer in time"
expect_answer "503 with Retry-After seconds: RETRY after 7 s" all 5 "^5 RETRY status=503 retry_after=7 .*busy (HTTP 503)"
expect_answer "503 with an HTTP-date Retry-After: RETRY after about 120 s" all 6 "^6 RETRY status=503 retry_after=1[12][0-9] "
expect_answer "429 with Retry-After: RETRY after 30 s" all 7 "^7 RETRY status=429 retry_after=30 "
expect_answer "a reset connection: RETRY, broke off" all 8 "^8 RETRY status=0 .*broke off"
expect_answer "malformed JSON: RETRY, not valid" all 9 "^9 RETRY status=200 .*reason=the gateway's reply .*JSON"
expect_answer "an oversized reply is refused: RETRY" all 10 "^10 RETRY status=200 .*longer than 65536 bytes"
expect_answer "an oversized reply of no announced length is cut off while read: RETRY" all 13 \
	"^13 RETRY status=200 .*longer than 65536 bytes"
expect_answer "a 400 is final: FAILED" all 11 "^11 FAILED status=400 .*refused the check for good"
expect_answer "a 500 is asked again: RETRY" all 12 "^12 RETRY status=500 "
if grep -q "AB1234567\|HITCHENS\|Anna\|1980-01-02" "$T/all.out"; then
	fail "no personal data in any reason" "$(grep "AB1234567\|HITCHENS\|Anna\|1980-01-02" "$T/all.out" | head -3)"
else
	pass "no personal data in any reason"
fi

# ---- what the server saw: the headers and the body
python3 - "$GW_LOG" <<'PY' >"$T/py" 2>&1 && pass "requests carry Content-Type, Idempotency-Key, X-Purpose; no token unless set" || fail "requests carry the headers" "$(cat "$T/py")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"request"' in l]
assert len(rows) >= 13, len(rows)
for r in rows:
    assert r["content_type"] == "application/json", r
    assert r["purpose"] == "casedesk test", r
    assert r["auth"] is None, r
keys = {r["key"] for r in rows}
assert {"k-clear", "k-hit", "k-phit", "k-reset"} <= keys, keys
PY

# ---- a retry carries the same key; the server counts it twice
gw retry1 doc:k-flaky:FLAKY1
gw retry2 doc:k-flaky:FLAKY1
expect_answer "a flaky gateway's first answer: RETRY" retry1 0 "^0 RETRY status=503 retry_after=1 "
expect_answer "asked again with the same uuid: CLEAR" retry2 0 "^0 CLEAR "
expect_eq "the server counted the same Idempotency-Key twice" "$(gw_key_count "$GW_LOG" k-flaky)" 2

# ---- a bearer token is sent when set
gw token --token s3cr3t-token doc:k-token:AB1
if grep '"key":"k-token"' "$GW_LOG" | grep -q '"auth":"Bearer s3cr3t-token"'; then
	pass "the bearer token goes out as Authorization: Bearer"
else
	fail "the bearer token goes out as Authorization: Bearer" "$(grep k-token "$GW_LOG")"
fi

# ---- X-Purpose: control characters become spaces, bytes beyond ASCII are percent-encoded
gw purpose --purpose "$(printf 'asylum case opened\nin K\303\266ln')" doc:k-purpose:AB1
if grep '"key":"k-purpose"' "$GW_LOG" | grep -q '"purpose":"asylum case opened in K%C3%B6ln"'; then
	pass "X-Purpose goes out as one ASCII header line"
else
	fail "X-Purpose goes out as one ASCII header line" "$(grep k-purpose "$GW_LOG")"
fi

# ---- a callback that asks to stop: the run returns its code, the transfers in flight are
# abandoned (ASan's leak check runs at the tool's exit)
gw stop --parallel 2 --stop-after 1 doc:k-s1:AB1 doc:k-s2:SLOW1 doc:k-s3:AB3 doc:k-s4:AB4
expect_eq "a callback's stop ends the run with its code after one answer" "$(cat "$T/stop.rc") $(wc -l <"$T/stop.out")" "1 1"
if grep -q "ERROR: \|runtime error" "$T/stop.err"; then fail "... cleanly" "$(head -5 "$T/stop.err")"; else pass "... cleanly"; fi

# ---- 50 requests reuse connections
before=$(gw_connections "$GW_LOG")
seq 1 50 | sed 's/^/doc:reuse-/; s/$/:X1/' >"$T/fifty"
"$TOOL" --base "$GW_URL" --ca "$P/ca.pem" --cert "$P/client.pem" --key "$P/client.key" --parallel 4 \
	<"$T/fifty" >"$T/fifty.out" 2>"$T/fifty.err"
after=$(gw_connections "$GW_LOG")
expect_eq "50 requests: 50 CLEAR" "$(grep -c ' CLEAR ' "$T/fifty.out")" 50
used=$((after - before))
if [ "$used" -ge 1 ] && [ "$used" -le 8 ]; then
	pass "50 requests went over $used connections (4 in flight at most)"
else
	fail "50 requests reuse connections" "the server counted $used new connections"
fi

# ---- TLS: no client certificate, a client certificate from another CA, a pinned CA that
# did not sign the server's certificate, refused configurations
"$TOOL" --base "$GW_URL" --ca "$P/ca.pem" doc:k-nocert:AB1 >"$T/nocert.out" 2>&1
expect_answer "no client certificate: RETRY naming the client certificate" nocert 0 "^0 RETRY status=0 .*client certificate"
"$TOOL" --base "$GW_URL" --ca "$P/ca.pem" --cert "$P/wrongserver.pem" --key "$P/wrongserver.key" doc:k-badcert:AB1 \
	>"$T/badcert.out" 2>&1
expect_answer "a client certificate the gateway does not trust: RETRY naming the file" badcert 0 \
	"^0 RETRY status=0 .*client certificate $P/wrongserver.pem"
"$TOOL" --base "$GW_URL" --ca "$P/wrongca.pem" --cert "$P/client.pem" --key "$P/client.key" doc:k-pin:AB1 \
	>"$T/pin.out" 2>&1
expect_answer "the pinned CA did not sign the gateway's certificate: RETRY naming the CA file" pin 0 \
	"^0 RETRY status=0 .*not signed by the pinned CA $P/wrongca.pem"
expect_rc "an http:// gateway is refused" 6 "$TOOL" --base "http://127.0.0.1:$GW_PORT" --ca "$P/ca.pem" doc:k-http:AB1
expect_grep "... saying https:// is required" "https://" "$T/err"
expect_rc "an unreadable CA file is refused" 6 "$TOOL" --base "$GW_URL" --ca "$T/nothere.pem" doc:k-noca:AB1
expect_grep "... naming the file" "$T/nothere.pem" "$T/err"
expect_rc "an unreadable client key is refused" 6 "$TOOL" --base "$GW_URL" --ca "$P/ca.pem" --cert "$P/client.pem" \
	--key "$T/nokey.pem" doc:k-nokey:AB1
expect_grep "... naming the key file" "$T/nokey.pem" "$T/err"
gw_stop

# ---- the server's certificate from another CA (the client pins ours)
GW_SERVER_CERT=$P/wrongserver.pem GW_SERVER_KEY=$P/wrongserver.key gw_start wrong ||
	{ fail "the wrong-certificate server starts"; exit 0; }
gw wrongsrv doc:k-wrongsrv:AB1
expect_answer "a gateway whose certificate another CA signed: RETRY naming the pinned CA" wrongsrv 0 \
	"^0 RETRY status=0 .*not signed by the pinned CA $P/ca.pem"
expect_eq "... and no request reached it" "$(gw_requests "$GW_LOG")" 0
gw_stop

# ---- the server down: RETRY, could not connect
gw down doc:k-down:AB1
expect_answer "the gateway down: RETRY, could not connect" down 0 "^0 RETRY status=0 .*could not connect"
