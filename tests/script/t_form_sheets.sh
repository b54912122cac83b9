#!/bin/sh
# t_form_sheets.sh - the data sheets and the letters to other authorities (issue 14,
# deliverables 3 and 4), on a demo store, read back with pdftotext: a visa issued with
# limited territorial validity for two States prints LTV, both States, the entries and the
# stay; a uniform visa prints "All Schengen States" and no LTV; the residence card shows the
# type of permit and the remarks, a work permit's card "Single permit"; the labour-market
# test request is addressed to the employment service set with `office set`, the prior
# consultation request to the consulted States' central authorities, neither to the applicant.
. tests/script/lib.sh
S=$T/sheets.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=supervisor
if ! command -v pdftotext >/dev/null 2>&1; then fail "pdftotext (poppler-utils) is installed"; exit 0; fi
$CD demo --persons 300 --seed 5 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
q() { sqlite3 "$S" "$1"; }
pdftext() { pdftotext -layout "$1" - 2>/dev/null; }
# clear_checks CASE: every register answered clear (the decisions' checks_clear guard).
clear_checks() {
	for l in sis sltd national_watchlist; do
		$CD --user caseworker check record "$1" --list $l --result clear >/dev/null 2>&1
	done
}
# lacks NAME PATTERN FILE: no line of the file matches.
lacks() { if grep -q -- "$2" "$3"; then fail "$1" "'$2' found in $3"; else pass "$1"; fi; }

# Two visa cases under examination: each person enrolled and documented (admissibility).
A=$(q "SELECT number FROM cases WHERE workflow_id = 'visa' AND state = 'examination' ORDER BY id LIMIT 1")
B=$(q "SELECT number FROM cases WHERE workflow_id = 'visa' AND state = 'examination' ORDER BY id LIMIT 1 OFFSET 1")
[ -n "$A" ] && [ -n "$B" ] || { fail "the demo store has two visa cases under examination"; exit 0; }

# ---- prior consultation: the consulted States are chosen from the Schengen States
expect_rc "a consulted State must be a Schengen State's id" 6 $CD --user caseworker case move "$A" \
	request_prior_consultation --set consulted_states=France --no-print
expect_grep "naming the field" "consulted_states\|States consulted" "$T/err"
expect_rc "prior consultation of France and Italy" 0 $CD --user caseworker case move "$A" \
	request_prior_consultation --set consulted_states=fr,it --no-print
expect_rc "the request prints" 0 $CD form "$A" prior_consultation_request -o "$T/pc.pdf"
pdftext "$T/pc.pdf" >"$T/pc.txt"
expect_grep "addressed to the consulted States' central authorities" "^To the central authorities of: France, Italy" "$T/pc.txt"
expect_grep "the body names them too" "central authorities of France, Italy" "$T/pc.txt"
latin=$(q "SELECT p.surname_latin FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$A'")
expect_grep "the applicant is named in the third person" "^Applicant: .*$latin" "$T/pc.txt"
expect_eq "and the applicant's name is on no other line" "$(grep -c -- "$latin" "$T/pc.txt")" 1
expect_grep "with the travel document" "^Travel document: " "$T/pc.txt"
expect_rc "the request in Romanian" 0 $CD form "$A" prior_consultation_request --lang ro -o "$T/pc-ro.pdf"
expect_grep "names the States in Romanian" "autoritățile centrale ale statelor: Franța, Italia" "$(pdftext "$T/pc-ro.pdf" >"$T/pc-ro.txt"; echo "$T/pc-ro.txt")"
expect_rc "no objection" 0 $CD --user caseworker case move "$A" record_consultation_reply \
	--set consultation_result=no_objection

# ---- an LTV visa for two States
clear_checks "$A"
expect_rc "proposed" 0 $CD --user caseworker case move "$A" propose_decision \
	--set proposed_outcome=issue_ltv --set "proposal_reason=objection of another State"
ltv() {
	$CD case move "$A" issue_ltv --set ltv_ground=prior_consultation_objection --set "ltv_territory=$1" \
		--set entries_granted=two --set valid_from=2026-12-10 --set "valid_until=$2" \
		--set "duration_of_stay_days=$3" --no-print
}
expect_rc "an unknown State is refused" 6 ltv at,xx 2027-01-31 30
expect_rc "a stay of 91 days is refused" 6 ltv at,de 2027-01-31 91
expect_grep "naming the field" "duration_of_stay_days: expected a number from 1 to 90" "$T/err"
expect_rc "a stay of 0 days is refused" 6 ltv at,de 2027-01-31 0
expect_rc "valid until before valid from is refused" 6 ltv at,de 2026-12-09 30
expect_grep "naming both dates" "Valid until must not be before Valid from" "$T/err"
expect_rc "the LTV visa is issued for Austria and Germany" 0 ltv at,de 2027-01-31 30
expect_eq "in its state" "$(q "SELECT state FROM cases WHERE number = '$A'")" issued_ltv
expect_rc "its sticker data prints" 0 $CD form "$A" visa_sticker_data_ltv -o "$T/ltv.pdf"
pdftext "$T/ltv.pdf" >"$T/ltv.txt"
expect_grep "the type says LTV" "^Document  *Visa type C, limited territorial validity (LTV)" "$T/ltv.txt"
lacks "and not a uniform visa" "Uniform visa" "$T/ltv.txt"
expect_grep "valid for: LTV and both States" "^Valid for  *LTV, only: Austria, Germany" "$T/ltv.txt"
expect_grep "the number of entries as the sticker writes it" "^Number of entries  *2 (two entries)" "$T/ltv.txt"
expect_grep "the duration of stay" "^Duration of stay (days)  *30$" "$T/ltv.txt"
grep -E '^[A-Z0-9<]{44}$' "$T/ltv.txt" >"$T/ltv.mrz"
expect_rc "the MRV-A MRZ stays valid" 0 $CD mrz parse <"$T/ltv.mrz"
expect_rc "the LTV sticker in Russian" 0 $CD form "$A" visa_sticker_data_ltv --lang ru -o "$T/ltv-ru.pdf"
pdftext "$T/ltv-ru.pdf" >"$T/ltv-ru.txt"
expect_grep "names the States in Russian" "LTV, только: Австрия, Германия" "$T/ltv-ru.txt"
expect_grep "and the entries" "2 (двукратный въезд)" "$T/ltv-ru.txt"

# ---- a uniform visa, with a remark
clear_checks "$B"
expect_rc "proposed" 0 $CD --user caseworker case move "$B" propose_decision \
	--set proposed_outcome=issue --set "proposal_reason=meets the conditions"
expect_rc "the uniform visa is issued" 0 $CD case move "$B" issue --set entries_granted=multiple \
	--set valid_from=2026-12-10 --set valid_until=2027-06-09 --set duration_of_stay_days=90 \
	--set "sticker_remarks=Accompanied by a minor" --no-print
expect_rc "its sticker data prints" 0 $CD form "$B" visa_sticker_data -o "$T/u.pdf"
pdftext "$T/u.pdf" >"$T/u.txt"
expect_grep "a uniform visa" "^Document  *Uniform visa, type C (VC)" "$T/u.txt"
expect_grep "valid for all Schengen States" "^Valid for  *All Schengen States" "$T/u.txt"
lacks "no LTV on it" "LTV" "$T/u.txt"
expect_grep "MULT" "^Number of entries  *MULT (multiple entries)" "$T/u.txt"
expect_grep "90 days" "^Duration of stay (days)  *90$" "$T/u.txt"
expect_grep "the remarks" "^Remarks  *Accompanied by a minor" "$T/u.txt"
expect_rc "the uniform sticker in Georgian" 0 $CD form "$B" visa_sticker_data --lang ka -o "$T/u-ka.pdf"
expect_grep "all Schengen States in Georgian" "შენგენის ყველა სახელმწიფო" "$(pdftext "$T/u-ka.pdf" >"$T/u-ka.txt"; echo "$T/u-ka.txt")"

# ---- the residence card: the type of permit and the remarks
R=$(q "SELECT number FROM cases WHERE workflow_id = 'residence' AND state = 'card_pending' ORDER BY id LIMIT 1")
[ -n "$R" ] || { fail "the demo store has a residence card to order"; exit 0; }
clear_checks "$R"
expect_rc "a card ordered without its type of permit is refused" 6 $CD --user clerk case move "$R" order_card --no-print
expect_grep "naming the field" "permit_type\|Type of permit" "$T/err"
expect_rc "a card ordered as an EU Blue Card" 0 $CD --user clerk case move "$R" order_card \
	--set permit_type=eu_blue_card --set "card_remarks=Former EU Blue Card holder in DE" --no-print
expect_rc "the card data prints" 0 $CD form "$R" residence_card_data -o "$T/card.pdf"
pdftext "$T/card.pdf" >"$T/card.txt"
expect_grep "the type of permit" "^Type of permit  *EU Blue Card" "$T/card.txt"
expect_grep "the remarks" "^Remarks  *Former EU Blue Card holder in DE" "$T/card.txt"
grep -E '^[A-Z0-9<]{30}$' "$T/card.txt" >"$T/td1"
expect_eq "three TD1 lines" "$(wc -l <"$T/td1" | tr -d ' ')" 3
expect_rc "the TD1 MRZ stays valid" 0 $CD mrz parse <"$T/td1"

# ---- a work permit's card: "single permit" (Directive 2011/98/EU)
W=$(q "SELECT number FROM cases WHERE workflow_id = 'work' AND state = 'permit_pending' ORDER BY id LIMIT 1")
[ -n "$W" ] || { fail "the demo store has a single permit card to order"; exit 0; }
clear_checks "$W"
expect_rc "a residence permit type is no choice on a single permit" 6 $CD --user clerk case move "$W" order_permit \
	--set permit_type=eu_blue_card --no-print
expect_rc "the single permit card ordered" 0 $CD --user clerk case move "$W" order_permit \
	--set permit_type=single_permit --no-print
expect_rc "its card data prints" 0 $CD form "$W" residence_card_data -o "$T/wcard.pdf"
expect_grep "says single permit" "^Type of permit  *Single permit" "$(pdftext "$T/wcard.pdf" >"$T/wcard.txt"; echo "$T/wcard.txt")"
expect_rc "in Ukrainian" 0 $CD form "$W" residence_card_data --lang uk -o "$T/wcard-uk.pdf"
expect_grep "єдиний дозвіл in Ukrainian" "Вид дозволу  *Єдиний дозвіл" "$(pdftext "$T/wcard-uk.pdf" >"$T/wcard-uk.txt"; echo "$T/wcard-uk.txt")"
grep -E '^[A-Z0-9<]{30}$' "$T/wcard.txt" >"$T/wtd1"
expect_rc "and its MRZ stays valid" 0 $CD mrz parse <"$T/wtd1"

# ---- the labour-market test request goes to the employment service
expect_rc "office set employment_service" 0 $CD --user admin office set employment_service "Public Employment Service, Riverside"
expect_rc "office set employment_service_address" 0 $CD --user admin office set employment_service_address "5 Labour Square, 1020 Capital City"
expect_rc "office set employment_service[uk]" 0 $CD --user admin office set "employment_service[uk]" "Державна служба зайнятості, Riverside"
expect_rc "a caseworker may not set it" 4 $CD --user caseworker office set employment_service X
expect_rc "office show lists it" 0 $CD --user clerk office show
expect_grep "with its value" "^employment_service  *Public Employment Service, Riverside" "$T/out"
M=$(q "SELECT number FROM cases WHERE workflow_id = 'work' AND state = 'assessment'
	AND EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = cases.id AND f.name = 'employer_name') ORDER BY id LIMIT 1")
[ -n "$M" ] || { fail "the demo store has a work case under assessment"; exit 0; }
expect_rc "labour-market test requested" 0 $CD --user caseworker case move "$M" request_labour_market_test --no-print
expect_rc "the request prints" 0 $CD form "$M" labour_market_test_request -o "$T/lm.pdf"
pdftext "$T/lm.pdf" >"$T/lm.txt"
expect_grep "addressed to the employment service" "^Public Employment Service, Riverside$" "$T/lm.txt"
expect_grep "at its address" "^5 Labour Square, 1020 Capital City$" "$T/lm.txt"
addr_line=$(grep -n "^Public Employment Service, Riverside$" "$T/lm.txt" | cut -d: -f1)
title_line=$(grep -n "Request to the employment service" "$T/lm.txt" | cut -d: -f1)
latin=$(q "SELECT p.surname_latin FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$M'")
expect_grep "the applicant in the third person" "^Applicant: .*$latin" "$T/lm.txt"
first_name_line=$(grep -n -- "$latin" "$T/lm.txt" | head -1 | cut -d: -f1)
if [ -n "$addr_line" ] && [ -n "$title_line" ] && [ "$addr_line" -lt "$title_line" ] && [ "$first_name_line" -gt "$title_line" ]; then
	pass "the addressee above the title is the service; the applicant is named only below it"
else
	fail "the addressee above the title is the service; the applicant is named only below it" \
		"service line $addr_line, title line $title_line, first line with the applicant $first_name_line"
fi
expect_grep "with the case number" "^Case: $M" "$T/lm.txt"
expect_grep "and the job" "^Job: " "$T/lm.txt"
expect_rc "the request in Ukrainian" 0 $CD form "$M" labour_market_test_request --lang uk -o "$T/lm-uk.pdf"
expect_grep "to the service's Ukrainian name" "^Державна служба зайнятості, Riverside" "$(pdftext "$T/lm-uk.pdf" >"$T/lm-uk.txt"; echo "$T/lm-uk.txt")"
