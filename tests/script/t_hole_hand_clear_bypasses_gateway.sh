#!/bin/sh
# t_hole_hand_clear_bypasses_gateway.sh - review18: a caseworker's hand-recorded "clear"
# replaces a network check that is still pending, so the list is never asked of the gateway
# and the case is decided on the caseworker's word alone (issue 16: "checks_clear waits").
# The gateway is down throughout (no url set): nothing could have answered these checks.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02 CASEDESK_STORE=$S CASEDESK_CONFIG=$T/casedesk.ini
: >"$CASEDESK_CONFIG"
cli() { "$CD" --store "$S" "$@"; }
cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
P=$(cli --user clerk person add --surname Petrenko --given Olena --dob 1985 --sex F --nationality UKR)
# A document the gateway would report on SLTD (tests/script/gw_server.py: HIT*).
cli --user clerk document add "$P" --number HIT4455 --issuer UKR --expires 2031-01-01 >/dev/null
C=$(cli --user caseworker case new residence --person "$P" --assign caseworker)
expect_eq "three network checks queued" \
	"$(sqlite3 "$S" "SELECT count(*) FROM checks WHERE source = 'network' AND result = 'pending'")" 3
expect_rc "a caseworker may not answer a pending network check by hand" 4 \
	cli --user caseworker check record "$C" --list sltd --result clear
for l in sis national_watchlist; do cli --user caseworker check record "$C" --list "$l" --result clear >/dev/null 2>&1; done
cli --user caseworker case move "$C" confirm_receipt --set permit_reason=family >/dev/null 2>&1
cli --user caseworker case move "$C" propose_decision --set proposed_outcome=grant \
	--set "proposal_reason=meets the conditions" >/dev/null 2>&1
expect_rc "the grant waits for the gateway's answers" 4 \
	cli --user supervisor case move "$C" grant --set valid_from=2026-04-01 --set valid_until=2028-03-31
