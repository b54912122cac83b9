#!/bin/sh
# t_checks_run_unlocked.sh - `check run` holds no store transaction while it waits for the
# gateway (review18: the group of answers stayed open across a slow transfer, and another
# desk's `person add` waited 12 s behind a 15 s gateway).  Two checks answered at once and
# one slow (gw_server.py SLOW*, --slow-ms 30000): the quick answers are committed while the
# slow one is still in flight, and another process writes to the store meanwhile.  No
# timing assert: each step waits for what it needs to see, and the slow check still being
# pending is what says the write did not wait for the gateway.
. tests/script/lib.sh
. tests/script/gw_lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02 CASEDESK_STORE=$S CASEDESK_CONFIG=$T/casedesk.ini
cli() { "$CD" --store "$S" "$@"; }
gw_certs || { fail "certificates made with openssl"; exit 0; }
gw_start slow --slow-ms 30000 || { fail "the test server starts"; exit 0; }
cat >"$CASEDESK_CONFIG" <<CONF
[gateway]
url = $GW_URL
client_cert = $GW_PKI/client.pem
client_key = $GW_PKI/client.key
ca_file = $GW_PKI/ca.pem
total_timeout = 60
parallel = 4
CONF
cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
P=$(cli --user clerk person add --surname Petrenko --given Olena --dob 1985 --sex F --nationality UKR)
cli --user clerk document add "$P" --number SLOW123 --issuer UKR --expires 2031-01-01 >/dev/null
C=$(cli --user caseworker case new residence --person "$P" --assign caseworker)

"$CD" --store "$S" --user caseworker check run >"$T/run.out" 2>"$T/run.err" &
RPID=$!
# The quick answers, committed: visible to another connection while the slow one waits.
i=0
while [ "$(sqlite3 "$S" "SELECT count(*) FROM checks WHERE result = 'clear'" 2>/dev/null)" != 2 ] &&
	[ "$i" -lt 300 ] && kill -0 "$RPID" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "the quick answers are committed while the slow one is in flight" \
	"$(sqlite3 "$S" "SELECT group_concat(list || ':' || result, ' ') FROM (SELECT * FROM checks ORDER BY list)")" \
	"national_watchlist:clear sis:clear sltd:pending"
expect_grep "the gateway has the slow request" '"answer":"SLOW"' "$GW_LOG"
if kill -0 "$RPID" 2>/dev/null; then pass "check run is waiting for the gateway"
else fail "check run is waiting for the gateway" "$(cat "$T/run.err")"; fi

expect_rc "another desk adds a person meanwhile" 0 \
	cli --user clerk person add --surname Roe --given Ann --dob 1980 --sex F --nationality UKR
expect_eq "without waiting for the gateway: the slow check is still pending" \
	"$(sqlite3 "$S" "SELECT result FROM checks WHERE list = 'sltd'")" pending
if kill -0 "$RPID" 2>/dev/null; then pass "and check run is still running"
else fail "and check run is still running" "$(cat "$T/run.err")"; fi
expect_rc "a case opened meanwhile too" 0 cli --user caseworker case move "$C" confirm_receipt --set permit_reason=family

kill "$RPID" 2>/dev/null
wait "$RPID" 2>/dev/null
gw_stop
expect_eq "the slow check waits for the next run" "$(sqlite3 "$S" "SELECT result FROM checks WHERE list = 'sltd'")" pending
expect_rc "the store checks out" 0 cli --user admin store check
