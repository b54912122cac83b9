#!/bin/sh
# Decisions checked (issue 13, item 4): the workflow file's cross-field date rules hold on
# the command line too.  A grant "valid from 2026-12-10 until 2025-12-09" and documents
# "due by 2020-01-01" are refused with both fields named by their labels, and the case
# stays as it was.
. tests/script/lib.sh
export CASEDESK_TODAY=2026-12-04 CASEDESK_STORE=$T/s.casedesk
S=$CASEDESK_STORE
q() { sqlite3 "$S" "$1"; }

expect_rc "a training store" 0 $CD init --training --office TBS
# (an office with no check gateway answers its checks by hand: lib.sh, no_gateway)
no_gateway "$S" || fail "an office with no check gateway"
P=$($CD --user clerk person add --surname Roe --given Ann --dob 1980 --sex F --nationality UKR)
$CD --user clerk document add "$P" --number "FE 1" --issuer UKR --expires 2030-01-01 >/dev/null
C=$($CD --user clerk case new residence --person "$P")

# documents due before today
expect_rc "documents due in the past are refused" 6 $CD --user caseworker case move "$C" request_documents \
	--set "missing_documents=proof of address" --set documents_due=2020-01-01
expect_grep "naming the field and today" "Documents due by must not be before today (2026-12-04)" "$T/err"
expect_eq "the case did not move" "$(q "SELECT state || ' ' || row_version FROM cases WHERE number = '$C'")" "lodged 1"
expect_rc "due today is accepted" 0 $CD --user caseworker case move "$C" request_documents \
	--set "missing_documents=proof of address" --set documents_due=2026-12-04 --no-print
expect_rc "documents received" 0 $CD --user clerk case move "$C" documents_received

# to the decision: a proposal, a clear check, another user decides
for l in sis sltd national_watchlist; do
	$CD --user caseworker check record "$C" --list $l --result clear >/dev/null || fail "check $l recorded"
done
expect_rc "proposed" 0 $CD --user caseworker case move "$C" propose_decision \
	--set proposed_outcome=grant --set "proposal_reason=meets the conditions" --set permit_reason=family
before=$(q "SELECT state || ' ' || row_version || ' ' || (SELECT count(*) FROM event e WHERE e.case_id = cases.id) FROM cases WHERE number = '$C'")
expect_rc "a grant valid until before it is valid from is refused" 6 $CD --user supervisor case move "$C" grant \
	--set valid_from=2026-12-10 --set valid_until=2025-12-09 --no-print
expect_grep "naming both fields by their labels" "Valid until must be after Valid from (2026-12-10)" "$T/err"
expect_eq "the case is unchanged (state, version, events)" \
	"$(q "SELECT state || ' ' || row_version || ' ' || (SELECT count(*) FROM event e WHERE e.case_id = cases.id) FROM cases WHERE number = '$C'")" "$before"
expect_eq "no field was written" "$(q "SELECT count(*) FROM case_field f JOIN cases c ON c.id = f.case_id WHERE c.number = '$C' AND f.name LIKE 'valid%'")" 0
expect_rc "the same day twice is refused too (strictly after)" 6 $CD --user supervisor case move "$C" grant \
	--set valid_from=2026-12-10 --set valid_until=2026-12-10 --no-print
expect_rc "the dates the right way round are granted" 0 $CD --user supervisor case move "$C" grant \
	--set valid_from=2026-12-10 --set valid_until=2027-12-09 --no-print
expect_eq "granted (the card is pending)" "$(q "SELECT state FROM cases WHERE number = '$C'")" "card_pending"

# lint names the line of a rule naming an unknown field
sed 's/^after = valid_from$/after = valid_form/' "$CASEDESK_DATA/workflows/residence.ini" >"$T/bad.ini"
line=$(grep -n '^after = valid_form' "$T/bad.ini" | cut -d: -f1)
expect_rc "lint refuses a rule naming no field" 6 $CD workflow lint "$T/bad.ini"
expect_grep "at its file and line" "bad.ini:$line: after = valid_form: unknown field" "$T/err"
