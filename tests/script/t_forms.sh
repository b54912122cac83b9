#!/bin/sh
# Forms as PDF on a demo store: every shipped template printed for a suitable case and read
# back with pdftotext (fields, names in Cyrillic and Georgian, the MRZ checked by
# `casedesk mrz parse`), preview watermark, batch, languages, the "print" audit, the lint.
. tests/script/lib.sh
S=$T/forms.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=supervisor
if ! command -v pdftotext >/dev/null 2>&1; then fail "pdftotext (poppler-utils) is installed"; exit 0; fi
$CD form list >/dev/null 2>&1
$CD demo --persons 300 --seed 5 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
# Refusals say where and how long to appeal: the office's settings (issue 14).
for kv in "appeal_court=Tbilisi City Court" "appeal_court_address=Agmashenebeli Alley 64, Tbilisi" appeal_limit=30d \
	"employment_service=State Employment Agency" "employment_service_address=Tamarashvili Street 15, Tbilisi"; do
	$CD --user admin office set "${kv%%=*}" "${kv#*=}" >/dev/null || fail "office set ${kv%%=*}"
done
q() { sqlite3 "$S" "$1"; }
# pdftext FILE: the PDF's text (poppler's warnings, if any, are not the test's business)
pdftext() { pdftotext -layout "$1" - 2>/dev/null; }

. tests/script/forms_lib.sh
# case_in_script FORM NAT: such a case, of a person of nationality NAT if there is one, else
# of one whose name is written in Cyrillic, Georgian or Armenian.
case_in_script() {
	where_for "$1"
	q "SELECT c.number FROM cases c JOIN person p ON p.id = c.person_id WHERE $w
		ORDER BY p.nationality = '$2' DESC, p.nationality IN ('UKR', 'RUS', 'GEO', 'ARM') DESC, c.id LIMIT 1"
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

# ---- a visa with limited territorial validity never prints as a uniform one (and back):
# the sticker producer would print "valid for all Schengen States" (review of issue 14)
n=$(case_for visa_sticker_data_ltv)
expect_rc "the uniform sticker sheet is refused for an LTV visa" 4 $CD form "$n" visa_sticker_data -o "$T/vs-ltv.pdf"
expect_grep "naming the state it is for" "only in visa:issued" "$T/err"
n=$(case_for visa_sticker_data)
expect_rc "the LTV sticker sheet is refused for a uniform visa" 4 $CD form "$n" visa_sticker_data_ltv -o "$T/vs-uni.pdf"

# ---- a refugee who holds no passport is still served the grant: the passport sentence is
# left out, not the letter refused (review of issue 14)
n=$(q "SELECT c.number FROM cases c WHERE c.state IN ('refugee_status', 'subsidiary_protection', 'humanitarian')
	AND NOT EXISTS (SELECT 1 FROM document d WHERE d.person_id = c.person_id) ORDER BY c.id LIMIT 1")
if [ -z "$n" ]; then fail "the demo store has a protection grant for a person without documents"; else
	expect_rc "the grant prints for $n, who has no passport" 0 $CD form "$n" decision_grant -o "$T/nopass.pdf"
	pdftext "$T/nopass.pdf" >"$T/nopass.txt"
	if grep -q "passport" "$T/nopass.txt"; then fail "no passport sentence without a passport"; else pass "no passport sentence without a passport"; fi
fi

# ---- the registration certificate says the holder may stay while the application is
# examined: never printed once it is decided for good (review of issue 14)
n=$(q "SELECT c.number FROM cases c WHERE c.state IN ('appeal_dismissed', 'rejected_final', 'refugee_status')
	AND EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'lodged_on') ORDER BY c.id LIMIT 1")
expect_rc "no registration certificate for the closed case $n" 4 $CD form "$n" asylum_registration_certificate -o "$T/cert-closed.pdf"

# ---- the Dublin transfer names the requested State by its name, never a code (asylum v6)
n=$(case_for dublin_transfer_decision)
st=$(q "SELECT value FROM case_field f JOIN cases c ON c.id = f.case_id WHERE c.number = '$n' AND f.name = 'requested_state'")
expect_grep "the transfer decision names the State in words" "The State [A-Z][a-z]" "$T/dublin_transfer_decision.txt"
if grep -q "The State $st " "$T/dublin_transfer_decision.txt"; then
	fail "not by its code ($st)"
else
	pass "not by its code ($st)"
fi

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
# (a preview: a card sheet is printed only for a granted case, and the MRZ is what says which field is missing)
expect_rc "residence_card_data refuses a case without valid_until" 6 $CD form "$n" residence_card_data --preview -o "$T/x.pdf"
expect_grep "naming the field" "valid_until" "$T/err"

# ---- the issuing State in the MRZ is the office's own once set (office set state)
expect_rc "office set state refuses what is no alpha-3 code" 6 $CD --user admin office set state Germany
expect_rc "office set state NLD" 0 $CD --user admin office set state NLD
n=$(case_for residence_card_data)
expect_rc "the card sheet prints" 0 $CD form "$n" residence_card_data -o "$T/card-nld.pdf"
pdftext "$T/card-nld.pdf" | grep -E '^[A-Z0-9<]{30}$' >"$T/td1-nld"
expect_grep "its MRZ names NLD as the issuing State" "^IRNLD" "$T/td1-nld"
expect_rc "and is still a valid TD1" 0 $CD mrz parse <"$T/td1-nld"

# ---- preview, batch, language, audit
n=$(case_for decision_refusal)
expect_rc "a preview" 0 $CD form "$n" decision_refusal -o "$T/preview.pdf" --preview
expect_grep "carries the DRAFT watermark" "DRAFT" "$(pdftext "$T/preview.pdf" >"$T/p.txt"; echo "$T/p.txt")"
if grep -q DRAFT "$T/decision_refusal.txt"; then fail "a final print has no watermark"; else pass "a final print has no watermark"; fi
expect_rc "decision_refusal in Russian" 0 $CD form "$n" decision_refusal --lang ru -o "$T/ru.pdf"
expect_grep "the Russian text" "Решение: в удовлетворении заявления отказано" "$(pdftext "$T/ru.pdf" >"$T/ru.txt"; echo "$T/ru.txt")"
expect_rc "decision_refusal in Ukrainian" 0 $CD form "$n" decision_refusal --lang uk -o "$T/uk.pdf"
expect_grep "the Ukrainian text" "Рішення: у задоволенні заяви відмовлено" "$(pdftext "$T/uk.pdf" >"$T/uk.txt"; echo "$T/uk.txt")"
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

# ---- every form in every language of the message catalogues (locale/*.po)
langs=$(ls locale/*.po | sed 's,.*/,,; s,\.po$,,' | sort)
# ini_value FILE SECTION KEY: the value as written (KEY may be title[ru]; no comment after it).
ini_value() {
	awk -v sec="[$2]" -v key="$3" '
		/^\[/ { here = ($0 == sec); next }
		here { k = $0; sub(/ *=.*/, "", k); if (k == key) { v = $0; sub(/^[^=]*= */, "", v); print v; exit } }' "$1"
}
# in_lang FILE SECTION KEY LANG: the text in that language, as casedesk picks it.
in_lang() {
	v=""
	[ "$4" != en ] && v=$(ini_value "$1" "$2" "$3[$4]")
	[ -n "$v" ] || v=$(ini_value "$1" "$2" "$3")
	printf '%s\n' "$v"
}
# has TXT NAME TEXT: the PDF text holds the first two words of TEXT (a title may wrap after them).
has() {
	want=$(printf '%s\n' "$3" | cut -d' ' -f1-2)
	if [ -n "$want" ] && grep -qF -- "$want" "$1"; then pass "$2"; else fail "$2" "no '$want' in $1"; fi
}
n_forms=0
for l in $langs; do
	case $l in ka) nat=GEO;; ru) nat=RUS;; uk) nat=UKR;; *) nat=ARM;; esac
	for f in $forms; do
		n=$(case_in_script "$f" "$nat")
		[ -n "$n" ] || { fail "$f: the demo store has a case for it"; continue; }
		expect_rc "$f prints in $l" 0 $CD form "$n" "$f" --lang "$l" -o "$T/$f.$l.pdf"
		pdftext "$T/$f.$l.pdf" >"$T/$f.$l.txt"
		n_forms=$((n_forms + 1))
		row=$(q "SELECT p.surname || '|' || p.surname_latin || '|' || p.nationality || '|' || c.workflow_id || '|' || c.state
			FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$n'")
		surname=${row%%|*} row=${row#*|} latin=${row%%|*} row=${row#*|} pnat=${row%%|*} row=${row#*|}
		wf=${row%%|*} st=${row#*|}
		has "$T/$f.$l.txt" "$f in $l: the title" "$(in_lang "data/forms/$f.ini" form title "$l")"
		case $pnat in
		UKR|RUS|GEO|ARM) has "$T/$f.$l.txt" "$f in $l: the surname in its own script ($pnat)" "$surname";;
		# Arabic script prints unshaped (print/form.c), so text extraction cannot match it;
		# the demo store has no Cyrillic, Georgian or Armenian case for a few forms.
		*) has "$T/$f.$l.txt" "$f in $l: the surname ($pnat, ICAO Latin)" "$latin";;
		esac
		has "$T/$f.$l.txt" "$f in $l: the workflow's title" "$(in_lang "data/workflows/$wf.ini" workflow title "$l")"
		if [ "$l" = en ]; then country=$(awk -F'\t' -v c="$pnat" '$1 == c { print $4 }' data/countries.tsv)
		else country=$(awk -F'\t' -v c="$pnat" -v l="$l" '$1 == c && $2 == l { print $3 }' data/country_names.tsv); fi
		has "$T/$f.$l.txt" "$f in $l: the nationality" "${country%% *}"
		if grep -q '{case.state_title}' "data/forms/$f.ini"; then
			has "$T/$f.$l.txt" "$f in $l: the state's title" "$(in_lang "data/workflows/$wf.ini" "state.$st" title "$l")"
		fi
	done
done
expect_eq "every form printed in every language" "$n_forms" "$(($(echo $forms | wc -w) * $(echo $langs | wc -w)))"
# The card and the sticker: each label beside its value, however long the text above.
for l in $langs; do
	for f in residence_card_data visa_sticker_data; do
		row=$(in_lang "data/forms/$f.ini" rows.holder row.11 "$l")
		nat_label=${row%% |*}
		code=$(grep -oE '\(([A-Z]{3})\)' "$T/$f.$l.txt" | head -1)
		if grep -qE "^$nat_label +.*$(printf '%s' "$code" | sed 's/[()]/\\&/g')" "$T/$f.$l.txt"; then
			pass "$f in $l: the nationality beside its label"
		else
			fail "$f in $l: the nationality beside its label" "$(grep -F "$nat_label" "$T/$f.$l.txt")"
		fi
	done
done

# ---- no template, letterhead or workflow lacks a language of the catalogues
# untranslated LANGS SECTIONS KEYS FILE...: "FILE [SECTION] KEY[LANG]" for every text with words
# (more than placeholders) in a matching section that has no KEY[LANG].
untranslated() {
	awk -v langs="$1" -v secs="$2" -v keys="$3" '
		function flush(   i, k) {
			for (k in base) for (i in L) if (L[i] != "en" && !((k "[" L[i] "]") in have))
				print FILENAME " [" sec "] " k "[" L[i] "]"
			delete base; delete have
		}
		BEGIN { split(langs, L, " ") }
		FNR == 1 && NR > 1 { flush() }
		/^\[/ { flush(); sec = substr($0, 2, index($0, "]") - 2); next }
		sec !~ secs { next }
		/^[a-z_.0-9]+(\[[a-z]+\])? *=/ {
			k = $0; sub(/ *=.*/, "", k); v = $0; sub(/^[^=]*= */, "", v)
			b = k; sub(/\[.*/, "", b)
			if (b !~ keys) next
			if (k != b) { have[k] = 1; next }
			gsub(/\{[a-z_.]+\}/, "", v)
			if (v ~ /[[:alpha:]]/) base[k] = 1
		}
		END { flush() }' $(shift 3; echo "$@")
}
templates_all=$(ls data/forms/*.ini | grep -v '/index\.ini$')
untranslated "$langs" '^(form|text\..*|rows\..*|office|words)$' '^(title|text|name|address|phone|row\.[0-9]+|page_number|continued)$' $templates_all >"$T/missing"
expect_eq "every form and the letterhead carry every language of locale/ ($(echo $langs))" "$(cat "$T/missing")" ""
untranslated "$langs" '^(workflow|state\..*)$' '^title$' data/workflows/*.ini >"$T/missing"
expect_eq "every workflow's title and state titles carry every language of locale/" "$(cat "$T/missing")" ""
sed '/^text\[ka\]/d' data/forms/withdrawal_confirmation.ini >"$T/no_ka.ini"
untranslated "$langs" '^(form|text\..*)$' '^(title|text)$' "$T/no_ka.ini" >"$T/missing"
expect_grep "and a template without Georgian is caught" "no_ka.ini \[text.body\] text\[ka\]" "$T/missing"
if grep -q "\[text.reference\] text\[ka\]" "$T/missing"; then pass "naming each block"; else fail "naming each block" "$(cat "$T/missing")"; fi
for l in $langs; do
	[ "$l" = en ] && continue
	expect_eq "country_names.tsv names every code in $l" \
		"$(awk -F'\t' -v l="$l" '!/^#/ && $2 == l { print $1 }' data/country_names.tsv | sort | tr '\n' ' ')" \
		"$(awk -F'\t' '!/^#/ && NF { print $1 }' data/countries.tsv | sort | tr '\n' ' ')"
done
# iniparser ends a value at ';' or '#': a text holding one would print cut short.
grep -nE '^(title|text|name|address|phone|row\.[0-9]+)(\[[a-z]+\])? *= *[^"].*[;#]' $templates_all >"$T/cut"
expect_eq "no form text is cut at a ';' or '#'" "$(cat "$T/cut")" ""

# ---- a store keeps each workflow version as its admin installed it, translations
# included: titles in other languages come with the installed text, not from data/.
# (It used to pin the text without translations and read them from data/ at run time.)
for wf in residence work visa asylum; do
	q "SELECT hex(source) FROM workflow_def WHERE workflow_id = '$wf'" | xxd -r -p >"$T/pinned"
	if cmp -s "$T/pinned" "data/workflows/$wf.ini"; then pass "$wf: the store keeps the file as installed"
	else fail "$wf: the store keeps the file as installed" "$(diff "data/workflows/$wf.ini" "$T/pinned" | head -5)"; fi
done
# The installed text rules, not data/: other English titles in the store are what users
# read, in Russian the store's own translation; steps go on.
n=$(q "SELECT number FROM cases WHERE workflow_id = 'visa' AND state = 'examination' ORDER BY id LIMIT 1")
v=$(q "SELECT workflow_version FROM cases WHERE number = '$n'")
q "UPDATE workflow_def SET source = replace(source, 'title = Application withdrawn', 'title = Withdrawn by the applicant')
	WHERE workflow_id = 'visa' AND version = $v"
expect_rc "a case on a kept version still moves" 0 env CASEDESK_USER=caseworker $CD case move "$n" withdraw --set withdrawal_date=2026-01-15
expect_rc "and prints in Russian" 0 $CD form "$n" withdrawal_confirmation --lang ru -o "$T/kept.pdf"
pdftext "$T/kept.pdf" >"$T/kept.txt"
expect_grep "with the workflow's title as the installed text translates it" "Краткосрочная виза" "$T/kept.txt"
expect_rc "the kept state title stays as kept" 0 env LANGUAGE=en $CD case show "$n"
expect_grep "(shown as the store has it)" "Withdrawn by the applicant" "$T/out"
expect_rc "in Russian with the store's translation" 0 env LANGUAGE=ru $CD case show "$n"
expect_grep "(the installed translation)" "Заявление отозвано" "$T/out"
printf '[form]\ntitle = x\n[text.a]\ntext = Reasons; and the rest\ntext[ru] = "Основания; и остальное"\n' >"$T/cut.ini"
expect_rc "a ';' inside a text fails the lint (iniparser would cut the text there)" 6 $CD form lint "$T/cut.ini"
expect_grep "naming the line" "cut.ini:4: ';' in text starts a comment" "$T/err"
if grep -q "cut.ini:5" "$T/err"; then fail "a quoted value keeps its ';'"; else pass "a quoted value keeps its ';'"; fi

# ---- a damaged country_names.tsv: the file and line are named, and nobody is registered
cp -r data "$T/data"
printf 'UKR\tru\n' >>"$T/data/country_names.tsv"
n=$(($(wc -l <data/country_names.tsv) + 1))
people=$(q "SELECT count(*) FROM person")
expect_rc "a damaged country_names.tsv refuses a registration" 6 env CASEDESK_DATA="$T/data" \
	$CD person add --surname Test --given Person --dob 1990 --sex F --nationality UKR
expect_grep "naming the file and line" "country_names.tsv:$n: expected code<TAB>language<TAB>name" "$T/err"
expect_eq "and nobody was registered" "$(q "SELECT count(*) FROM person")" "$people"

# ---- --lang names a language the form is written in, or is refused (it printed English before)
n=$(case_for decision_refusal)
expect_rc "--lang xx is refused" 2 $CD form "$n" decision_refusal --lang xx -o "$T/xx.pdf"
expect_grep "naming the languages the form has" "--lang xx: form decision_refusal is written in en, .*ka" "$T/err"
expect_rc "--lang RU (upper case) is refused too" 2 $CD form "$n" decision_refusal --lang RU -o "$T/xx.pdf"
if [ -e "$T/xx.pdf" ]; then fail "a refused --lang writes no PDF"; else pass "a refused --lang writes no PDF"; fi
