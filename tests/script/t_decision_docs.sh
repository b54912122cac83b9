#!/bin/sh
# A decision letter is the decision's (issue 14, deliverable 2): printable only in the states
# the forms index names for it (a grant for a refused case is refused, exit 4, with the
# reason); dated and signed as decided, from the step that decided, whoever prints it and
# whenever; a reprint says "copy" with its print date; the legal basis from the workflow, the
# grounds as their labels in the letter's language, the office's appeal court and time limit
# in words, the addressee's postal address.  A letter lacking a value it needs is refused
# (exit 6) naming it in words.
. tests/script/lib.sh
if ! command -v pdftotext >/dev/null 2>&1; then fail "pdftotext (poppler-utils) is installed"; exit 0; fi
export CASEDESK_TODAY=2026-12-04 CASEDESK_STORE=$T/s.casedesk
S=$CASEDESK_STORE
q() { sqlite3 "$S" "$1"; }
pdftext() { pdftotext -layout "$1" - 2>/dev/null; }
# no_grep NAME PATTERN FILE: the file holds no such line.
no_grep() { if grep -q -- "$2" "$3"; then fail "$1" "'$2' found in $3"; else pass "$1"; fi; }

expect_rc "a training store" 0 $CD init --training --office TBS
# (an office with no check gateway answers its checks by hand: lib.sh, no_gateway)
no_gateway "$S" || fail "an office with no check gateway"
$CD --user admin office set appeal_court "Tbilisi City Court" >/dev/null || fail "appeal_court set"
$CD --user admin office set appeal_court_address "Agmashenebeli Alley 64, Tbilisi" >/dev/null || fail "address set"
$CD --user admin office set appeal_limit 30d >/dev/null || fail "appeal_limit set"

# person RESIDENCE-CASE-OUTCOME: a residence case taken to a proposal on 2026-12-04
new_case() {
	P=$($CD --user clerk person add --surname "$1" --given Ann --dob 1980 --sex F --nationality UKR)
	$CD --user clerk document add "$P" --number "FE $1" --issuer UKR --expires 2030-01-01 >/dev/null
	$CD --user clerk person address "$P" --line "12 Rustaveli Avenue" --city Tbilisi --country GEO >/dev/null ||
		fail "address of $1"
	C=$($CD --user clerk case new residence --person "$P")
	$CD --user clerk case move "$C" confirm_receipt --set permit_reason=family --no-print >/dev/null || fail "receipt $C"
	for l in sis sltd national_watchlist; do
		$CD --user caseworker check record "$C" --list $l --result clear >/dev/null || fail "check $l on $C"
	done
	$CD --user caseworker case move "$C" propose_decision --set proposed_outcome="$2" \
		--set "proposal_reason=as the file shows" --set permit_reason=family >/dev/null || fail "proposal on $C"
}

# ---- a grant, dated and signed as decided
new_case Roe grant
G=$C
expect_rc "the supervisor grants on 2026-12-04" 0 $CD --user supervisor case move "$G" grant \
	--set valid_from=2026-12-10 --set valid_until=2027-12-09 --no-print
expect_rc "a caseworker prints the grant on 2026-12-20" 0 env CASEDESK_TODAY=2026-12-20 \
	$CD --user caseworker form "$G" decision_grant -o "$T/grant1.pdf"
pdftext "$T/grant1.pdf" >"$T/grant1.txt"
expect_grep "the letter carries the decision's date" "2026-12-04" "$T/grant1.txt"
expect_grep "and is signed by the decider in the role they decided in" "supervisor, Supervisor" "$T/grant1.txt"
no_grep "not the print day" "2026-12-20" "$T/grant1.txt"
no_grep "nor the printing user" "caseworker," "$T/grant1.txt"
no_grep "a first print is no copy" "COPY" "$T/grant1.txt"
expect_grep "the legal basis of a residence grant" "Legal basis: National law on the entry and residence" "$T/grant1.txt"
expect_grep "the postal address under the name" "12 Rustaveli Avenue" "$T/grant1.txt"
expect_grep "with the town and country" "Tbilisi, Georgia" "$T/grant1.txt"
expect_grep "the validity, a sentence with both dates" "Valid from 2026-12-10 until 2027-12-09" "$T/grant1.txt"
expect_eq "the print is recorded" "$(q "SELECT form || ' ' || user_name || ' ' || substr(at, 1, 10) FROM print_record")" \
	"decision_grant caseworker 2026-12-20"

expect_rc "a preview on 2026-12-21" 0 env CASEDESK_TODAY=2026-12-21 $CD --user clerk form "$G" decision_grant --preview -o "$T/pre.pdf"
expect_eq "a preview is not recorded" "$(q "SELECT count(*) FROM print_record")" 1
expect_rc "printed again on 2026-12-22" 0 env CASEDESK_TODAY=2026-12-22 \
	$CD --user clerk form "$G" decision_grant -o "$T/grant2.pdf"
pdftext "$T/grant2.pdf" >"$T/grant2.txt"
expect_grep "the reprint says copy, with its print date" "COPY - printed on 2026-12-22" "$T/grant2.txt"
tr '\n' ' ' <"$T/grant2.txt" | tr -s ' ' >"$T/grant2.flat"   # the copy line may wrap beside the barcode
expect_grep "and still the decision's date" "The decision was taken on 2026-12-04" "$T/grant2.flat"
sqlite3 "$S" "UPDATE print_record SET at = 'x'" 2>"$T/err"
expect_grep "print records cannot be changed, even by sqlite3 on the file" "append-only" "$T/err"
sqlite3 "$S" "DELETE FROM print_record" 2>"$T/err"
expect_grep "nor removed" "append-only" "$T/err"
expect_eq "both rows are there" "$(q "SELECT count(*) FROM print_record")" 2

# ---- a refusal: the grant is refused for it, the refusal letter has all it needs
new_case Doe refuse
R=$C
expect_rc "the supervisor refuses" 0 $CD --user supervisor case move "$R" refuse \
	--set refusal_grounds=insufficient_resources,no_health_insurance --set "refusal_reasoning=Income below the threshold." --no-print
expect_rc "a grant for the refused case is refused" 4 $CD --user supervisor form "$R" decision_grant -o "$T/bad.pdf"
expect_grep "naming the case's state" "it is in state refused" "$T/err"
expect_grep "and the states the form is for" "only in residence:card_pending, residence:granted" "$T/err"
[ -e "$T/bad.pdf" ] && fail "no file is written for a refused form" || pass "no file is written for a refused form"
expect_rc "a batch with the refused case is refused whole" 4 $CD --user supervisor form --batch decision_grant -o "$T/batch.pdf" "$G" "$R"
expect_rc "the refusal letter prints" 0 $CD --user supervisor form "$R" decision_refusal -o "$T/ref.pdf"
pdftext "$T/ref.pdf" >"$T/ref.txt"
expect_grep "with the legal basis" "Legal basis: National law on the entry and residence" "$T/ref.txt"
expect_grep "the grounds as their labels" "Insufficient resources to live without recourse" "$T/ref.txt"
no_grep "never their ids" "insufficient_resources" "$T/ref.txt"
expect_grep "the appeal court" "Tbilisi City Court" "$T/ref.txt"
tr '\n' ' ' <"$T/ref.txt" | tr -s ' ' >"$T/ref1.txt"
expect_grep "its address and the time limit in words" "Agmashenebeli Alley 64, Tbilisi, within 30 days of notification" "$T/ref1.txt"
no_grep "no more 'the period national law sets'" "national law sets" "$T/ref1.txt"
expect_rc "in Ukrainian" 0 $CD --user supervisor form "$R" decision_refusal --lang uk -o "$T/ref-uk.pdf" --force
pdftext "$T/ref-uk.pdf" | tr '\n' ' ' | tr -s ' ' >"$T/ref-uk.txt"
expect_grep "the grounds' labels in Ukrainian" "Недостатність коштів для існування" "$T/ref-uk.txt"
expect_grep "the legal basis in Ukrainian" "Правова підстава: Національний закон" "$T/ref-uk.txt"
$CD --user admin office set appeal_limit 4w >/dev/null || fail "appeal_limit 4w"
expect_rc "a 4-week limit" 0 $CD --user supervisor form "$R" decision_refusal -o "$T/ref4.pdf"
pdftext "$T/ref4.pdf" | tr '\n' ' ' | tr -s ' ' >"$T/ref4.txt"
expect_grep "says 4 weeks" "within 4 weeks of notification" "$T/ref4.txt"

# ---- what a letter lacks is refused, named in words
$CD --user admin office set appeal_court "" >/dev/null || fail "appeal_court removed"
expect_rc "without an appeal court the refusal is refused" 6 $CD --user supervisor form "$R" decision_refusal -o "$T/x.pdf"
expect_grep "naming the setting and the command" "office set appeal_court" "$T/err"
expect_grep "and the case" "case $R lacks" "$T/err"
expect_rc "a preview still prints, marking the gap" 0 $CD --user supervisor form "$R" decision_refusal --preview -o "$T/xp.pdf"
pdftext "$T/xp.pdf" | tr '\n' ' ' >"$T/xp.txt"
expect_grep "the gap is marked in words" "missing: the office's appeal court" "$T/xp.txt"
P=$($CD --user clerk person add --surname Nowhere --given Bo --dob 1990 --sex M --nationality UKR)
C=$($CD --user clerk case new residence --person "$P")
expect_rc "withdrawn" 0 $CD --user clerk case move "$C" withdraw --set withdrawal_date=2026-12-04 --no-print
expect_rc "a letter for a person with no address is refused" 6 $CD --user clerk form "$C" withdrawal_confirmation -o "$T/x.pdf"
expect_grep "naming the address and how to add it" "postal address (add one with \`casedesk person address $P" "$T/err"
# a template naming a field the case has not set, not marked optional: refused, by the field's label
mkdir -p "$T/data" && cp -r "$CASEDESK_DATA/." "$T/data/"
sed -i 's/^\[text.state\]$/[text.note]\ntext = Note: {field.note}\n\n[text.state]/' "$T/data/forms/acknowledgement.ini"
$CD --user clerk person address "$P" --line "1 Pekini Street" >/dev/null || fail "address added"
expect_rc "a form needing an unset field is refused" 6 env CASEDESK_DATA="$T/data" $CD --user clerk form "$C" acknowledgement -o "$T/x.pdf"
expect_grep "naming the field by its label and the case" "case $C lacks the field \"Note\"" "$T/err"
sed -i 's/^text = Note: {field.note}$/text = Note: {field.note}\noptional = field.note/' "$T/data/forms/acknowledgement.ini"
expect_rc "marked optional, it prints" 0 env CASEDESK_DATA="$T/data" $CD --user clerk form "$C" acknowledgement -o "$T/x.pdf"

# ---- the lint: a step's own print must be allowed where it leads
sed -i 's/^states = residence:card_pending, residence:granted, /states = /' "$T/data/forms/index.ini"
expect_rc "lint refuses a step printing a form where the index forbids it" 6 env CASEDESK_DATA="$T/data" \
	$CD workflow lint "$T/data/workflows/residence.ini"
expect_grep "naming the step, the form and the state" "transition grant prints form decision_grant into state card_pending" "$T/err"
expect_rc "the shipped files agree" 0 $CD workflow lint "$CASEDESK_DATA/workflows/residence.ini" \
	"$CASEDESK_DATA/workflows/work.ini" "$CASEDESK_DATA/workflows/visa.ini" "$CASEDESK_DATA/workflows/asylum.ini"
