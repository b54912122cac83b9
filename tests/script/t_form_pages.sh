#!/bin/sh
# Long letters and data sheets (issue 14): thirty refusal grounds go on over a second page,
# numbered "Page 1 of 2" / "Page 2 of 2" in the letter's language, none cut, the body never
# shrunk below 9 pt and the signature after the last text; in a batch the numbering is per
# letter.  On the card sheet each label stays on the row of its value however long the
# surname; a sheet that must be one page (pages = 1) refuses what does not fit, naming it.
. tests/script/lib.sh
S=$T/pages.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=supervisor
if ! command -v pdftotext >/dev/null 2>&1; then fail "pdftotext (poppler-utils) is installed"; exit 0; fi
$CD demo --persons 300 --seed 5 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
# A refusal names the court of appeal, which the office sets (or the letter is refused).
for kv in "appeal_court=Tbilisi City Court" "appeal_court_address=Agmashenebeli Alley 64, Tbilisi" appeal_limit=30d; do
	$CD --user admin office set "${kv%%=*}" "${kv#*=}" >/dev/null || fail "office set ${kv%%=*}"
done
q() { sqlite3 "$S" "$1"; }
# words FILE: "page yMin xMin word" for every word of the PDF (pdftotext -bbox), in points.
words() {
	pdftotext -bbox "$1" - 2>/dev/null | awk '
		/<page / { p++ }
		/<word / { w = $0; sub(/.*">/, "", w); sub(/<\/word>.*/, "", w)
			match($0, /yMin="[0-9.]+"/); y = substr($0, RSTART + 6, RLENGTH - 7)
			match($0, /xMin="[0-9.]+"/); x = substr($0, RSTART + 6, RLENGTH - 7)
			match($0, /yMax="[0-9.]+"/); y2 = substr($0, RSTART + 6, RLENGTH - 7)
			printf "%d %.2f %.2f %.2f %s\n", p, y, x, y2 - y, w }'
}

# ---- thirty grounds
n=$(q "SELECT number FROM cases WHERE workflow_id = 'asylum' AND state = 'proposed' ORDER BY id LIMIT 1")
[ -n "$n" ] || { fail "the demo store has an asylum case with a proposed decision"; exit 0; }
r=""
for i in $(seq 1 30); do
	r="$r($i) Ground $i: the account of the events in the home region does not agree with the country information on file for the period concerned. "
done
expect_rc "a rejection with thirty grounds is recorded" 0 $CD case move "$n" reject --set rejection_type=unfounded \
	--set rejection_grounds=not_credible,no_persecution --set "rejection_reasoning=$r"
expect_rc "the refusal prints" 0 $CD form "$n" decision_refusal -o "$T/long.pdf"
expect_eq "on two pages" "$(pdfinfo "$T/long.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')" 2
pdftotext -layout "$T/long.pdf" "$T/long.txt" 2>/dev/null
expect_grep "page 1 says 'Page 1 of 2'" "Page 1 of 2" "$T/long.txt"
expect_grep "page 2 says 'Page 2 of 2'" "Page 2 of 2" "$T/long.txt"
expect_grep "page 2 opens with the case and '(continued)'" "Case $n - Decision: application refused (continued)" "$T/long.txt"
tr '\n' ' ' <"$T/long.txt" | tr -s ' ' >"$T/long.flat"
missing=""
for i in $(seq 1 30); do grep -q "($i) Ground $i:" "$T/long.flat" || missing="$missing $i"; done
expect_eq "every ground is there" "$missing" ""
words "$T/long.pdf" >"$T/long.words"
# DejaVu Sans' box is 1.164 em: 9 pt is 10.47 pt high.
small=$(awk '$5 == "Ground" && $4 < 10.4 { print }' "$T/long.words" | head -3)
expect_eq "no ground is set below 9 pt" "$small" ""
expect_eq "the grounds keep the letter's size (10.5 pt)" \
	"$(awk '$5 == "Ground" { printf "%.1f\n", $4 / 1.1636 }' "$T/long.words" | sort -u)" 10.5
last=$(awk '$5 == "(30)" { print $1, $2 }' "$T/long.words")
sig=$(awk '$5 ~ /^____/ { print $1, $2 }' "$T/long.words")
if [ -n "$last" ] && [ -n "$sig" ] && [ "${sig%% *}" -eq 2 ] && [ "${last%% *}" -eq 2 ] &&
	awk -v a="${last#* }" -v b="${sig#* }" 'BEGIN { exit !(b > a) }'; then
	pass "the signature is after the last ground, on page 2"
else
	fail "the signature is after the last ground, on page 2" "last ground: $last, signature: $sig"
fi

# in the letter's language, not the desk's
expect_rc "the refusal prints in Ukrainian" 0 env LANGUAGE=en $CD form "$n" decision_refusal --lang uk -o "$T/long-uk.pdf"
pdftotext -layout "$T/long-uk.pdf" "$T/long-uk.txt" 2>/dev/null
expect_grep "in Ukrainian: 'Сторінка 2 з 2'" "Сторінка 2 з 2" "$T/long-uk.txt"
expect_grep "and '(продовження)'" "(продовження)" "$T/long-uk.txt"

# ---- a batch: the numbering is per letter
other=$(q "SELECT number FROM cases WHERE state = 'refused' ORDER BY id LIMIT 1")
expect_rc "a batch of the long letter and a short one" 0 $CD form --batch decision_refusal -o "$T/batch.pdf" "$n" "$other"
expect_eq "three pages" "$(pdfinfo "$T/batch.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')" 3
pdftotext -layout "$T/batch.pdf" "$T/batch.txt" 2>/dev/null
expect_eq "numbered per letter" "$(grep -o 'Page [0-9] of [0-9]' "$T/batch.txt" | tr '\n' ,)" \
	"Page 1 of 2,Page 2 of 2,Page 1 of 1,"

# ---- the card sheet with a sixty-letter surname
c=$(q "SELECT number FROM cases WHERE state = 'granted' AND workflow_id = 'residence' ORDER BY id LIMIT 1")
p=$(q "SELECT p.number FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$c'")
long=Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh
expect_eq "the surname has sixty letters" "${#long}" 60
expect_rc "the surname is corrected" 0 env CASEDESK_USER=caseworker $CD person correct "$p" --field surname \
	--value "$long" --reason "test of a long name"
expect_rc "the card sheet prints" 0 $CD form "$c" residence_card_data -o "$T/card.pdf"
expect_eq "on one page" "$(pdfinfo "$T/card.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')" 1
pdftotext -layout "$T/card.pdf" "$T/card.txt" 2>/dev/null
expect_grep "the surname wraps" "^Surname (as written)  *Abcdefghij" "$T/card.txt"
words "$T/card.pdf" >"$T/card.words"
sex=$(q "SELECT p.sex FROM person p WHERE p.number = '$p'")
# the word right of the label column (x > 75 mm = 212 pt) on the label's line
beside() { awk -v lab="$1" '$5 == lab && !y { y = $2 } $3 > 212 && y && $2 == y && !v { v = $5 } END { print v }' "$T/card.words"; }
expect_eq "the Sex label's value is on its row" "$(beside Sex)" "$sex"
nat=$(q "SELECT p.nationality FROM person p WHERE p.number = '$p'")
expect_grep "the nationality beside its label" "^Nationality  *.*($nat)" "$T/card.txt"
expect_eq "the date of birth on the row of its label" "$(beside Date)" \
	"$(q "SELECT p.dob FROM person p WHERE p.number = '$p'")"
# and the visa sticker, in rows too
v=$(q "SELECT number FROM cases WHERE state = 'issued' ORDER BY id LIMIT 1")
expect_rc "the visa sticker sheet prints" 0 $CD form "$v" visa_sticker_data -o "$T/visa.pdf"
words "$T/visa.pdf" >"$T/card.words"
expect_eq "on the sticker the Sex label's value is on its row" "$(beside Sex)" \
	"$(q "SELECT p.sex FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$v'")"

# ---- a sheet of one page refuses what does not fit, naming the row
mkdir -p "$T/data" && cp -r "$CASEDESK_DATA/." "$T/data/"
sed -i 's/^y = 82$/y = 160/' "$T/data/forms/residence_card_data.ini"
expect_rc "rows that overrun the MRZ on a one-page sheet: refused" 6 env CASEDESK_DATA="$T/data" \
	$CD form "$c" residence_card_data -o "$T/over.pdf"
expect_grep "naming the row" "\[rows.holder\] row\.[0-9]* (.*) does not fit on the one page" "$T/err"
expect_eq "and no file is written" "$(ls "$T/over.pdf" 2>/dev/null)" ""
expect_rc "form lint reports it" 6 env CASEDESK_DATA="$T/data" $CD form lint "$T/data/forms/residence_card_data.ini"
expect_grep "lint names the row" "residence_card_data.ini:[0-9]*: \[rows.holder\] row\.[0-9]* (" "$T/err"
expect_rc "the shipped sheet passes the lint" 0 $CD form lint data/forms/residence_card_data.ini data/forms/visa_sticker_data.ini
# a letter (no pages = 1) goes on instead: no lint problem for text that needs a second page
printf '[form]\ntitle = x\n[text.a]\ntext = %s\n[text.sig]\ny = 250\ntext = signature\n' \
	"$(printf 'line\\n%.0s' $(seq 1 150))" >"$T/letter.ini"
expect_rc "a letter that needs a second page passes the lint" 0 $CD form lint "$T/letter.ini"
printf '[form]\ntitle = x\npages = 1\n[text.a]\ntext = %s\n' "$(printf 'line\\n%.0s' $(seq 1 150))" >"$T/sheet.ini"
expect_rc "a one-page sheet whose text needs a second page fails the lint" 6 $CD form lint "$T/sheet.ini"
expect_grep "naming the block" "sheet.ini:[0-9]*: \[text.a\] does not fit on the one page" "$T/err"
printf '[form]\ntitle = x\n[rows.r]\nrow.1 = no bar here\nrow.x = A | b\n' >"$T/rows.ini"
expect_rc "a row without '|' and a bad row key fail the lint" 6 $CD form lint "$T/rows.ini"
expect_grep "the row without '|'" "rows.ini:4: row.1 in \[rows.r\] is 'Label | value'" "$T/err"
expect_grep "the bad key" "rows.ini:5: unknown key 'row.x'" "$T/err"
