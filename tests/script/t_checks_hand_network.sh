#!/bin/sh
# t_checks_hand_network.sh - a list the check gateway is asked about is the gateway's to
# answer (issue 16; review18's hole: a caseworker's hand "clear" over a network check still
# pending outranked it, the gateway was never asked and the case was decided on one word):
# while it is pending a caseworker does not answer it by hand, a supervisor only with a note
# saying how it was checked; once the gateway refused it for good, a supervisor may (or
# re-queues it); a hit brought by a supervisor's `check run` is cleared
# by another supervisor (four eyes: the runner recorded it).
. tests/script/lib.sh
. tests/script/gw_lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02 CASEDESK_STORE=$S CASEDESK_CONFIG=$T/casedesk.ini
: >"$CASEDESK_CONFIG"
cli() { "$CD" --store "$S" "$@"; }
cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
P=$(cli --user clerk person add --surname Petrenko --given Olena --dob 1985 --sex F --nationality UKR)
# A document the gateway reports on SLTD (tests/script/gw_server.py: HIT*).
cli --user clerk document add "$P" --number HIT4455 --issuer UKR --expires 2031-01-01 >/dev/null
C=$(cli --user caseworker case new residence --person "$P" --assign caseworker)
expect_eq "three network checks queued" \
	"$(sqlite3 "$S" "SELECT count(*) FROM checks WHERE source = 'network' AND result = 'pending'")" 3

# ---- pending (no gateway set up yet): no caseworker answers by hand
expect_rc "a caseworker may not answer a pending network check by hand" 4 \
	cli --user caseworker check record "$C" --list sltd --result clear
expect_grep "saying it waits for the gateway, since when, and what answers it" \
	"case $C: the check on sltd waits for the check gateway (pending since 2026-03-02T[0-9:]*); it is answered by the gateway (casedesk check run), or by a supervisor by hand with a note" "$T/err"
expect_rc "nor a supervisor without a note saying how it was checked" 4 cli --user supervisor check record "$C" --list sis --result clear
expect_rc "nor with a note too short to say it" 4 cli --user supervisor check record "$C" --list sis --result clear --note "ok"
expect_rc "nor a hit by hand" 4 cli --user caseworker check record "$C" --list national_watchlist --result hit
expect_eq "nothing recorded by hand" "$(sqlite3 "$S" "SELECT count(*) FROM checks WHERE source != 'network'")" 0
cli --user caseworker case move "$C" confirm_receipt --set permit_reason=family >/dev/null 2>&1
expect_rc "the proposal waits for the gateway's answers" 4 \
	cli --user caseworker case move "$C" propose_decision --set proposed_outcome=grant --set "proposal_reason=meets the conditions"
expect_grep "naming the lists pending" "check sltd pending since" "$T/err"

# ---- the gateway answers; a supervisor ran the ask: the hit is the runner's (four eyes)
if ! gw_certs; then
	fail "certificates made with openssl"
	exit 0
fi
gw_start main || { fail "the test server starts"; exit 0; }
cat >"$CASEDESK_CONFIG" <<CONF
[gateway]
url = https://desk:s3cret@127.0.0.1:$GW_PORT/
client_cert = $GW_PKI/client.pem
client_key = $GW_PKI/client.key
ca_file = $GW_PKI/ca.pem
CONF
cli --user admin user add vesna --role supervisor --workflows residence >/dev/null ||
	fail "a second residence supervisor"
expect_rc "the supervisor runs the queue" 0 cli --user supervisor check run
expect_grep "sltd a hit, the person lists clear" "^asked 3: 2 clear, 1 hit, 0 to retry, 0 failed" "$T/out"
expect_eq "the network answers are recorded as the runner's" \
	"$(sqlite3 "$S" "SELECT group_concat(k.list || ':' || coalesce(u.name, '-'), ' ') FROM (SELECT * FROM checks ORDER BY list) k LEFT JOIN users u ON u.id = k.recorded_by")" \
	"national_watchlist:supervisor sis:supervisor sltd:supervisor"
expect_eq "the disclosure rows name the gateway that answered, host and port" \
	"$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action = 'disclose' AND purpose LIKE 'check gateway 127.0.0.1:$GW_PORT, list %: residence case $C opened'")" 3
expect_eq "and never the credentials its URL carries" \
	"$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE purpose LIKE '%s3cret%' OR purpose LIKE '%desk:%'")" 0
expect_rc "the supervisor who ran the ask does not clear its hit" 4 \
	cli --user supervisor check clear "$C" --list sltd --reason "not our applicant"
expect_grep "four-eyes rule" "you recorded the hit on sltd yourself; a supervisor other than supervisor clears it" "$T/err"
if sqlite3 "$S" "UPDATE checks SET cleared_by = recorded_by, cleared_at = 'x', clear_reason = 'mine' WHERE list = 'sltd'" 2>/dev/null; then
	fail "nor in sqlite3"
else pass "nor in sqlite3"; fi
expect_rc "another supervisor does" 0 cli --user vesna check clear "$C" --list sltd --reason "number reused by the issuer"

# ---- failed for good (a 4xx): a supervisor may answer by hand, a caseworker may not
P2=$(cli --user clerk person add --surname Roe --given Ann --dob 1980 --sex F --nationality UKR)
cli --user clerk document add "$P2" --number E400123 --issuer UKR --expires 2031-01-01 >/dev/null
C2=$(cli --user caseworker case new residence --person "$P2" --assign caseworker)
expect_rc "check run (a service account: the caseworker): sltd refused for good (11)" 11 cli --user caseworker check run
expect_grep "one failed" "^asked 3: 2 clear, 0 hit, 0 to retry, 1 failed" "$T/out"
expect_rc "a caseworker does not answer a failed network check by hand" 4 \
	cli --user caseworker check record "$C2" --list sltd --result clear
expect_grep "saying who may" "the check gateway refused the check on sltd for good; a supervisor re-queues it" "$T/err"
expect_rc "a supervisor does, by hand" 0 \
	cli --user supervisor check record "$C2" --list sltd --result clear --note "passport seen at the counter"
cli --user caseworker case move "$C2" confirm_receipt --set permit_reason=family >/dev/null 2>&1
expect_rc "then the proposal goes" 0 \
	cli --user caseworker case move "$C2" propose_decision --set proposed_outcome=grant --set "proposal_reason=meets the conditions"

# ---- an office whose gateway is down for days: a supervisor answers a pending check by hand
P3=$(cli --user clerk person add --surname Doe --given Jan --dob 1979 --sex M --nationality UKR)
cli --user clerk document add "$P3" --number FK778899 --issuer UKR --expires 2031-01-01 >/dev/null
C3=$(cli --user caseworker case new residence --person "$P3" --assign caseworker)
for l in sis sltd national_watchlist; do
	expect_rc "a supervisor records $l by hand over the pending check, saying how" 0 \
		cli --user supervisor check record "$C3" --list $l --result clear --note "asked SIRENE by phone, ref 4471"
done
expect_rc "check run" 0 cli --user caseworker check run --all
expect_grep "does not ask the gateway what a supervisor answered" "^asked 0:" "$T/out"
cli --user caseworker case move "$C3" confirm_receipt --set permit_reason=family >/dev/null 2>&1
expect_rc "and the proposal goes" 0 \
	cli --user caseworker case move "$C3" propose_decision --set proposed_outcome=grant --set "proposal_reason=meets the conditions"
expect_rc "check list" 0 cli --user caseworker check list "$C3"
expect_grep "naming the supervisor and the note" "note: asked SIRENE by phone, ref 4471" "$T/out"
gw_stop
expect_rc "the store checks out" 0 cli --user admin store check
