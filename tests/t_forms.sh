#!/bin/sh
# Forms as PDF on a demo store: every shipped template printed for a suitable case and read
# back with pdftotext (fields, names in Cyrillic and Georgian, the MRZ checked by
# `casedesk mrz parse`), preview watermark, batch, languages, the "print" audit, the lint.
. tests/lib.sh
S=$T/forms.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=supervisor
if ! command -v pdftotext >/dev/null 2>&1; then fail "pdftotext (poppler-utils) is installed"; exit 0; fi
$CD form list >/dev/null 2>&1
$CD demo --persons 300 --seed 5 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
q() { sqlite3 "$S" "$1"; }
# pdftext FILE: the PDF's text (libharu's ToUnicode maps make poppler warn; the text is right)
pdftext() { pdftotext -layout "$1" - 2>/dev/null; }

# A case for each form: in a state after the step that prints it.
case_for() {
	case $1 in
	acknowledgement) w="c.workflow_id = 'residence'";;
	request_documents) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'missing_documents')";;
	interview_invitation) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'interview_date')";;
	decision_grant) w="c.state IN ('card_pending', 'granted') AND c.workflow_id = 'residence'";;
	decision_refusal) w="c.state = 'refused'";;
	residence_card_data) w="c.state = 'granted' AND c.workflow_id = 'residence'";;
	visa_sticker_data) w="c.state = 'issued'";;
	asylum_registration_certificate) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'lodged_on')";;
	extension_notice) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name IN ('extension_ground', 'extension_reason'))";;
	withdrawal_confirmation) w="c.state = 'withdrawn'";;
	labour_market_test_request) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'employer_name')";;
	prior_consultation_request) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'consulted_states')";;
	inadmissibility_notice) w="c.state = 'inadmissible' AND c.workflow_id = 'visa'";;
	inadmissibility_decision) w="c.state IN ('inadmissible', 'inadmissible_final') AND c.workflow_id = 'asylum'";;
	dublin_transfer_decision) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'acceptance_date')";;
	*) w="0";;
	esac
	q "SELECT c.number FROM cases c WHERE $w ORDER BY c.id LIMIT 1"
}

# ---- every form in the index has a template, a clean lint and prints
forms=$(sed -n 's/^\[form\.\([a-z0-9_]*\)\]$/\1/p' data/forms/index.ini)
templates=""
for f in $forms; do
	if [ -f "data/forms/$f.ini" ]; then templates="$templates data/forms/$f.ini"; else fail "template for $f"; fi
done
expect_rc "every shipped template passes the lint" 0 $CD form lint $templates
for f in $forms; do
	n=$(case_for "$f")
	if [ -z "$n" ]; then fail "$f: the demo store has a case for it"; continue; fi
	expect_rc "$f prints for $n" 0 $CD form "$n" "$f" -o "$T/$f.pdf"
	pdftext "$T/$f.pdf" >"$T/$f.txt"
	expect_grep "$f carries the case number" "$n" "$T/$f.txt"
	title=$(sed -n "/^\[form\.$f\]/,/^\[/s/^title = //p" data/forms/index.ini | cut -c1-20)
	expect_grep "$f carries its title" "$title" "$T/$f.txt"
done

# ---- fields of the case and the person
n=$(case_for decision_grant)
until=$(q "SELECT value FROM case_field f JOIN cases c ON c.id = f.case_id WHERE c.number = '$n' AND f.name = 'valid_until'")
expect_grep "decision_grant shows valid_until" "until $until" "$T/decision_grant.txt"
latin=$(q "SELECT p.surname_latin FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$n'")
expect_grep "decision_grant shows the ICAO Latin surname" "$latin" "$T/decision_grant.txt"
n=$(case_for request_documents)
due=$(q "SELECT value FROM case_field f JOIN cases c ON c.id = f.case_id WHERE c.number = '$n' AND f.name = 'documents_due'")
expect_grep "request_documents shows the due date" "$due" "$T/request_documents.txt"

# ---- names in Cyrillic and Georgian print as themselves
for nat in UKR GEO; do
	row=$(q "SELECT c.number || '|' || p.surname FROM cases c JOIN person p ON p.id = c.person_id
		WHERE p.nationality = '$nat' AND p.surname <> p.surname_latin ORDER BY c.id LIMIT 1")
	n=${row%%|*} surname=${row#*|}
	expect_rc "acknowledgement for a $nat applicant" 0 $CD form "$n" acknowledgement -o "$T/ack-$nat.pdf"
	pdftext "$T/ack-$nat.pdf" >"$T/ack-$nat.txt"
	expect_grep "the $nat surname is in its own script" "$surname" "$T/ack-$nat.txt"
done
expect_grep "the PDF embeds DejaVu Sans" "DejaVuSans" "$(pdffonts "$T/ack-GEO.pdf" >"$T/fonts" 2>/dev/null; echo "$T/fonts")"

# ---- the MRZ: TD1 on residence card data, MRV-A on visa sticker data, valid to `mrz parse`
grep -E '^[A-Z0-9<]{30}$' "$T/residence_card_data.txt" >"$T/td1"
expect_eq "residence_card_data carries three TD1 lines" "$(wc -l <"$T/td1" | tr -d ' ')" 3
expect_rc "the TD1 MRZ is valid" 0 $CD mrz parse <"$T/td1"
expect_grep "and is a TD1 residence permit" "document code *IR" "$T/out"
n=$(case_for residence_card_data)
latin=$(q "SELECT replace(p.surname_latin, ' ', '<') FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$n'")
expect_grep "the TD1 name line holds the ICAO surname" "^$latin<<" "$T/td1"
grep -E '^[A-Z0-9<]{44}$' "$T/visa_sticker_data.txt" >"$T/mrva"
expect_eq "visa_sticker_data carries two MRV-A lines" "$(wc -l <"$T/mrva" | tr -d ' ')" 2
expect_rc "the MRV-A MRZ is valid" 0 $CD mrz parse <"$T/mrva"
expect_grep "and is an MRV-A visa" "MRV-A" "$T/out"
n=$(q "SELECT number FROM cases WHERE workflow_id = 'residence' AND state = 'lodged' LIMIT 1")
expect_rc "residence_card_data refuses a case without valid_until" 6 $CD form "$n" residence_card_data -o "$T/x.pdf"
expect_grep "naming the field" "valid_until" "$T/err"

# ---- preview, batch, language, audit
n=$(case_for decision_refusal)
expect_rc "a preview" 0 $CD form "$n" decision_refusal -o "$T/preview.pdf" --preview
expect_grep "carries the DRAFT watermark" "DRAFT" "$(pdftext "$T/preview.pdf" >"$T/p.txt"; echo "$T/p.txt")"
if grep -q DRAFT "$T/decision_refusal.txt"; then fail "a final print has no watermark"; else pass "a final print has no watermark"; fi
expect_rc "decision_refusal in Russian" 0 $CD form "$n" decision_refusal --lang ru -o "$T/ru.pdf"
expect_grep "the Russian text" "Решение: в заявлении отказано" "$(pdftext "$T/ru.pdf" >"$T/ru.txt"; echo "$T/ru.txt")"
expect_rc "decision_refusal in Ukrainian" 0 $CD form "$n" decision_refusal --lang uk -o "$T/uk.pdf"
expect_grep "the Ukrainian text" "Рішення: у заяві відмовлено" "$(pdftext "$T/uk.pdf" >"$T/uk.txt"; echo "$T/uk.txt")"
three=$(q "SELECT number FROM cases WHERE state = 'withdrawn' ORDER BY id LIMIT 3" | tr '\n' ' ')
before=$(q "SELECT count(*) FROM audit WHERE purpose = 'print'")
expect_rc "a batch of three" 0 $CD form --batch withdrawal_confirmation -o "$T/batch.pdf" $three
expect_eq "the batch has three pages" "$(pdfinfo "$T/batch.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')" 3
after=$(q "SELECT count(*) FROM audit WHERE purpose = 'print'")
expect_eq "each case and person read for the batch is audited as print" "$((after - before))" 6
expect_rc "an unknown form" 3 $CD form "$n" no_such_form -o "$T/x.pdf"
expect_rc "an unknown case" 3 $CD form RP-TBS-2026-999999 acknowledgement -o "$T/x.pdf"
expect_rc "no -o" 2 $CD form "$n" acknowledgement

# ---- the lint names file and line
cat >"$T/bad.ini" <<'INI'
[form]
title = A letter

[text.body]
text = Dear {person.surname},
height = 20

[text.oops]
text = Your {field.shoe_size} is noted.
colour = red
INI
expect_rc "a template with an unknown field fails the lint" 6 $CD form lint "$T/bad.ini"
expect_grep "naming file and line of the field" "bad.ini:9: unknown placeholder {field.shoe_size}" "$T/err"
expect_grep "and the unknown key" "bad.ini:10: unknown key 'colour'" "$T/err"
printf '[form]\ntitle = x\nfont = NoSuchFont.ttf\n' >"$T/font.ini"
expect_rc "a missing font file fails the lint" 6 $CD form lint "$T/font.ini"
expect_grep "naming the font" "font.ini:3: font file 'NoSuchFont.ttf' not found" "$T/err"
printf '[form]\ntitle = x\n[text.a]\nheight = 5\ntext = %s\n' "$(printf 'word %.0s' $(seq 1 150))" >"$T/long.ini"
expect_rc "text too long for its box fails the lint" 6 $CD form lint "$T/long.ini"
expect_grep "naming the block" "long.ini:5: the text of \[text.a\] overflows" "$T/err"
