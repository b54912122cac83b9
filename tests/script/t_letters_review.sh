#!/bin/sh
# What a hostile review of the decision letters found (issue 14), each checked against the
# demo store (`demo` sets the office's appeal court and employment service): a letter says
# the state its decision led into, not the case's state now; a decision letter prints only
# when a step of the case printed it (else exit 4, not signed by whoever moved the case
# last); the signature keeps text of the letter with it on its page; a batch names a case
# once; the message counts letters and pages; a preview's DRAFT is in the letter's language;
# `-o -` is refused for a PDF.
. tests/script/lib.sh
if ! command -v pdftotext >/dev/null 2>&1; then fail "pdftotext (poppler-utils) is installed"; exit 0; fi
export CASEDESK_STORE=$T/d.casedesk CASEDESK_USER=supervisor
q() { sqlite3 "$CASEDESK_STORE" "$1"; }
pdftext() { pdftotext "$@" - 2>/dev/null; }
no_grep() { if grep -q -- "$2" "$3"; then fail "$1" "'$2' found in $3"; else pass "$1"; fi; }

expect_rc "the demo store" 0 $CD demo --persons 300 --seed 5
# An asylum case refused on the merits whose refusal was appealed since (its state now:
# "Appeal lodged with the court").
A=$(q "SELECT c.number FROM cases c WHERE c.workflow_id = 'asylum' AND c.state = 'appeal_lodged' AND EXISTS
	(SELECT 1 FROM event e WHERE e.case_id = c.id AND e.kind = 'transition' AND e.transition = 'reject') LIMIT 1")
[ -n "$A" ] && pass "the demo has an appealed refusal" || fail "the demo has an appealed refusal"

# ---- 1. the state decided, not the state now
expect_rc "the refusal of the appealed case prints" 0 $CD form "$A" decision_refusal -o "$T/ref.pdf"
pdftext "$T/ref.pdf" >"$T/ref.txt"
expect_grep "it says the state the refusal led into" "REFUSED (Rejected at first instance" "$T/ref.txt"
no_grep "not the appeal lodged since" "Appeal lodged with the court" "$T/ref.txt"
expect_rc "in Ukrainian too" 0 $CD form "$A" decision_refusal --lang uk -o "$T/ref-uk.pdf"
pdftext "$T/ref-uk.pdf" >"$T/ref-uk.txt"
expect_grep "the decided state's Ukrainian title" "ВІДМОВЛЕНО (" "$T/ref-uk.txt"
no_grep "no English state title on the Ukrainian sheet" "Rejected at first instance" "$T/ref-uk.txt"

# ---- 2. no step printed it: refused, not signed by whoever lodged the appeal
expect_rc "an inadmissibility decision for a case rejected on the merits is refused" 4 \
	$CD form "$A" inadmissibility_decision -o "$T/inad.pdf"
expect_grep "naming the case and the form" "no step of case $A produced form inadmissibility_decision" "$T/err"
[ -e "$T/inad.pdf" ] && fail "no letter is written" || pass "no letter is written"
expect_rc "a preview of it still prints, its gaps marked" 0 \
	$CD form "$A" inadmissibility_decision --preview -o "$T/inad-pre.pdf"

# ---- 3. the signature keeps text of the letter with it on its page
# A residence refusal whose reasoning grows by 5 words from 140 to 240: at some lengths the
# signature no longer fits under the last text of page 1 (it went over alone, or split its
# lines over both pages); its page must then hold text too, and all of the signature.
R=$(q "SELECT number FROM cases WHERE workflow_id = 'residence' AND state = 'proposed' ORDER BY id LIMIT 1")
[ -n "$R" ] && pass "the demo has a residence case with a proposed decision" || fail "a residence case proposed"
cp "$CASEDESK_STORE" "$T/base.casedesk"
alone="" split="" two=0
for nw in $(seq 140 5 240); do
	cp "$T/base.casedesk" "$T/long.casedesk"
	r=$(for i in $(seq 1 "$nw"); do printf 'reason%d ' "$i"; done)
	CASEDESK_STORE=$T/long.casedesk $CD case move "$R" refuse --set refusal_grounds=insufficient_resources \
		--set "refusal_reasoning=$r" --no-print >/dev/null || fail "refused with $nw words"
	rm -f "$T/long.pdf"
	CASEDESK_STORE=$T/long.casedesk $CD form "$R" decision_refusal -o "$T/long.pdf" >"$T/said" 2>&1 ||
		fail "the refusal with $nw words prints"
	pages=$(pdfinfo "$T/long.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	[ "$pages" = 2 ] && two=$((two + 1)) && cp "$T/said" "$T/said2"
	# the signature's page without its header, the signature and the page number
	pdftext -f "$pages" -l "$pages" "$T/long.pdf" | sed -n '/^____/q; p' | grep -v '(continued)$' |
		grep -q '[[:alnum:]]' || alone="$alone $nw"
	pdftext -f "$pages" -l "$pages" "$T/long.pdf" | sed -n '/^____/,$p' | grep -q "on behalf of" || split="$split $nw"
done
[ "$two" -gt 0 ] && pass "some of these letters take two pages" || fail "some of these letters take two pages"
expect_eq "the signature never stands alone on its page (reasoning of 140-240 words)" "$alone" ""
expect_eq "nor is it split over two pages" "$split" ""

# ---- 6. a preview's DRAFT in the letter's language, not the desk's
expect_rc "a Ukrainian desk previews an English letter" 0 \
	env LANGUAGE=uk $CD form "$A" decision_refusal --lang en --preview -o "$T/pre-en.pdf"
pdftext "$T/pre-en.pdf" >"$T/pre-en.txt"
expect_grep "its footer says DRAFT in English" "DRAFT - a preview, not a valid document" "$T/pre-en.txt"
no_grep "not in Ukrainian" "ЧЕРНЕТКА" "$T/pre-en.txt"
expect_rc "an English desk previews a Ukrainian letter" 0 \
	env LANGUAGE=en $CD form "$A" decision_refusal --lang uk --preview -o "$T/pre-uk.pdf"
pdftext "$T/pre-uk.pdf" >"$T/pre-uk.txt"
expect_grep "its footer says DRAFT in Ukrainian" "ЧЕРНЕТКА - попередній перегляд" "$T/pre-uk.txt"

# ---- 5. what was printed: letters and pages (it counted cases as pages)
expect_grep "a 2-page letter is said as 1 letter, 2 pages" "^$T/long.pdf: 1 letter, 2 pages of decision_refusal$" "$T/said2"

# ---- 4. a batch names each case once
expect_rc "a batch naming a case twice is refused" 2 $CD form --batch decision_refusal -o "$T/dup.pdf" "$A" "$A"
expect_grep "naming the case" "case $A is named twice in the batch" "$T/err"
[ -e "$T/dup.pdf" ] && fail "no file for the refused batch" || pass "no file for the refused batch"
expect_rc "the case once prints" 0 $CD form --batch decision_refusal -o "$T/once.pdf" "$A"

# ---- 7. a PDF is not written to "-"
mkdir "$T/cwd"
expect_rc "-o - is refused for a PDF" 2 sh -c 'cd "$1" && shift && "$@"' sh "$T/cwd" $CD form "$A" decision_refusal -o -
expect_grep "saying to give a file name" "give a file name" "$T/err"
[ -e "$T/cwd/-" ] && fail "no file named '-' is written" || pass "no file named '-' is written"
