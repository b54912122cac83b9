#!/bin/sh
# Retention (issue 12 item 7) on a training store whose clock travels: a demo office of
# 2014-2015 plus people made here, then eleven years on.  `retention plan` lists what is
# due; `retention run` (admins only) purges it with its biometrics, leaving the statistics
# exactly as they were (every report compared byte for byte), the trail whole, the store
# file without the purged name, and the cases still inside their period untouched.
. tests/script/lib.sh
FPTOOL=${CASEDESK_TOOLS:-$(pwd)/build/asan/tests/tool}/tool_fpimage
S=$T/ret.casedesk
export CASEDESK_STORE=$S CASEDESK_TODAY=2015-06-01 CASEDESK_KEY=$T/key CASEDESK_CONFIG=$T/none.ini
unset CASEDESK_ENROL CASEDESK_ENROL_FAULT
q() { sqlite3 "$S" "$1"; }
as() { u=$1; shift; CASEDESK_USER=$u "$@"; }
head -c 32 /dev/urandom >"$T/key"
chmod 600 "$T/key"
"$FPTOOL" face "$T/face.ppm" ok || fail "a face photo to enrol"

$CD demo --persons 300 --seed 5 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
# (an office with no check gateway answers its checks by hand: lib.sh, no_gateway)
no_gateway "$S" || fail "an office with no check gateway"
# An asylum case from made to granted on day $1 for person $2; extra words go in its texts.
decide() {
	day=$1 p=$2 words=$3
	c=$(CASEDESK_TODAY=$day as clerk $CD case new asylum --person "$p") || return 1
	export CASEDESK_TODAY=$day
	as clerk $CD case move "$c" register --set made_on=$day --set language_of_procedure=en >/dev/null &&
	as clerk $CD case move "$c" lodge --set lodged_on=$day --note "$words lodged in person" >/dev/null &&
	as caseworker $CD case move "$c" start_dublin_check >/dev/null &&
	as caseworker $CD case move "$c" no_dublin_case --set eurodac_result=no_hit >/dev/null &&
	for l in sis sltd national_watchlist eurodac; do
		as caseworker $CD check record "$c" --list $l --result clear >/dev/null || return 1
	done &&
	as caseworker $CD case move "$c" propose_decision --set proposed_outcome=refugee_status \
		--set "proposal_reason=$words told a consistent account" >/dev/null &&
	as supervisor $CD case move "$c" grant_refugee_status >/dev/null || { export CASEDESK_TODAY=2015-06-01; return 1; }
	export CASEDESK_TODAY=2015-06-01
	echo "$c"
}
person() { as clerk $CD person add --surname "$1" --given "$2" --dob "$3" --sex F --nationality SYR; }

OLD=$(person Quixotewxyz Zamboniqrst 1990-08-20)
as clerk $CD document add "$OLD" --number QX1234567 --issuer SYR --expires 2030-01-01 >/dev/null
expect_rc "enrol the old applicant's face" 0 as clerk $CD enrol "$OLD" --face "$T/face.ppm"
OLDC=$(decide 2015-06-01 "$OLD" "Quixotewxyz") || fail "decide the old case"
# Eighteen on the day of application, seventeen by the year of birth alone (mid-year):
# the purge keeps year and month, so the age group the report counted stays.
YNG=$(person Youngapplicant Eighteen 1997-03-01)
as clerk $CD document add "$YNG" --number YN3333333 --issuer SYR --expires 2030-01-01 >/dev/null
as clerk $CD enrol "$YNG" --face "$T/face.ppm" >/dev/null 2>&1
YNGC=$(decide 2015-06-01 "$YNG" "Youngapplicant") || fail "decide the young applicant's case"
# A duplicate record of the same applicant, merged into theirs: it goes with them.
DUP=$(person Quixotewxyz Zamboniqrsx 1990-08-20 2>/dev/null)
expect_rc "merge a duplicate into the old applicant" 0 as supervisor $CD person merge "$OLD" "$DUP" --reason "same person"
KEEP=$(person Keepnameabc Stayhere 1985)
as clerk $CD document add "$KEEP" --number KP7654321 --issuer SYR --expires 2030-01-01 >/dev/null
expect_rc "enrol the recent applicant's face" 0 as clerk $CD enrol "$KEEP" --face "$T/face.ppm"
KEEPC=$(decide 2020-01-10 "$KEEP" "Keepnameabc") || fail "decide the recent case"
# Two cases: a visa refused long ago, an asylum case decided recently.
TWO=$(person Twocasesdef Visaasylum 1979)
as clerk $CD document add "$TWO" --number TW1111111 --issuer SYR --expires 2030-01-01 >/dev/null
as clerk $CD enrol "$TWO" --face "$T/face.ppm" >/dev/null 2>&1
TWOV=$(as clerk $CD case new visa --person "$TWO")
as clerk $CD case move "$TWOV" withdraw --set withdrawal_date=2015-06-01 --note "Twocasesdef changed plans" >/dev/null ||
	fail "withdraw the old visa application"
TWOA=$(decide 2024-03-01 "$TWO" "Twocasesdef") || fail "decide the second person's recent case"

export CASEDESK_TODAY=2026-06-01   # eleven years on
events=$(q "SELECT count(*) FROM event") audits=$(q "SELECT count(*) FROM audit")
for r in asylum-applicants asylum-decisions first-permits workload; do
	as supervisor $CD report $r --from 2000-01-01 --to 2099-12-31 --format csv -o "$T/before-$r.csv" >/dev/null ||
		fail "report $r before"
done

# ---- the plan
expect_rc "retention plan" 0 as admin $CD retention plan
expect_grep "lists the case decided eleven years ago as due, with its person" \
	"^2025-06-01 due purge  *person $OLDC *$OLD *asylum *2015-06-01" "$T/out"
expect_grep "the old visa goes alone: another case keeps its person" "due purge  *case  *$TWOV" "$T/out"
expect_grep "the recent case is listed with its own date" "^2030-01-10  *purge  *person $KEEPC" "$T/out"
expect_grep "residence permits come up for review" "due review  *review RP-" "$T/out"
expect_rc "retention plan --json" 0 as admin $CD --json retention plan --until 2026-06-01
expect_grep "as JSON: person, case, clock, due date, action" \
	"{\"person\":\"$OLD\",\"case\":\"$OLDC\",\"workflow\":\"asylum\",\"from\":\"decision\",\"started\":\"2015-06-01\",\"due_on\":\"2025-06-01\",\"due\":true,\"action\":\"purge\",\"scope\":\"person\"}" "$T/out"
if grep -q "$KEEPC" "$T/out"; then fail "--until leaves out what falls due later"; else pass "--until leaves out what falls due later"; fi
expect_rc "a clerk sees no plan" 4 as clerk $CD retention plan
expect_eq "reading the plan is audited" "$(q "SELECT count(*) FROM audit WHERE action = 'list' AND entity = 'retention' AND user_name = 'admin'")" 2

# ---- only an admin purges
expect_rc "a supervisor's retention run is refused" 4 as supervisor $CD retention run
expect_grep "saying who may" "only an admin" "$T/err"
expect_eq "and nothing was purged" "$(q "SELECT count(*) FROM person WHERE purged_at IS NOT NULL")" 0

expect_rc "retention run" 0 as admin $CD retention run
expect_grep "says how many cases went" "^cases purged: [1-9][0-9]*$" "$T/out"
expect_grep "and how many biometric records" "^biometric records deleted: [1-9][0-9]*$" "$T/out"

# ---- the purged person
expect_rc "person show still answers for the number" 0 as clerk $CD person show "$OLD"
if grep -q "Quixotewxyz\|Zamboniqrst" "$T/out"; then fail "person show no longer shows the name" "$(cat "$T/out")"
else pass "person show no longer shows the name"; fi
expect_grep "but says it was purged" "PURGED" "$T/out"
expect_rc "the merged duplicate's number" 0 as clerk $CD person show "$DUP"
if grep -q "Quixotewxyz\|Zamboniqrsx" "$T/out"; then fail "no longer shows its name either"; else pass "no longer shows its name either"; fi
as clerk $CD search Quixotewxyz >"$T/search" 2>&1
if grep -q "$OLD" "$T/search"; then fail "search no longer finds the name"; else pass "search no longer finds the name"; fi
as clerk $CD search QX1234567 >"$T/search" 2>&1
if grep -q "$OLD" "$T/search"; then fail "nor the document number"; else pass "nor the document number"; fi
expect_eq "biometrics gone" "$(q "SELECT count(*) FROM biometric b JOIN person p ON p.id = b.person_id WHERE p.number = '$OLD'")" 0
expect_eq "documents gone" "$(q "SELECT count(*) FROM document d JOIN person p ON p.id = d.person_id WHERE p.number = '$OLD'")" 0
expect_eq "what the statistics count stays" "$(q "SELECT sex || nationality || dob FROM person WHERE number = '$OLD'")" "FSYR1990"
expect_eq "the year of birth alone where that keeps the age group" "$(q "SELECT dob FROM person WHERE number = '$OLD'")" "1990"
expect_eq "year and month where the year alone would move it" "$(q "SELECT dob FROM person WHERE number = '$YNG'")" "1997-03"
expect_eq "free-text fields gone, categories kept" \
	"$(q "SELECT group_concat(name) FROM (SELECT f.name FROM case_field f JOIN cases c ON c.id = f.case_id WHERE c.number = '$OLDC' ORDER BY 1)")" \
	"eurodac_result,proposed_outcome"
expect_eq "the history keeps every step" "$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$OLDC' AND e.kind = 'transition'")" 6
expect_eq "with no note or free text left" "$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$OLDC' AND (e.note IS NOT NULL OR e.new_value LIKE '%Quixotewxyz%')")" 0
expect_eq "its hand-recorded checks (notes, reasons) are gone" "$(q "SELECT count(*) FROM checks k JOIN cases c ON c.id = k.case_id WHERE c.number = '$OLDC'")" 0
expect_eq "a kept case keeps its checks" "$(q "SELECT count(*) > 0 FROM checks k JOIN cases c ON c.id = k.case_id WHERE c.number = '$KEEPC'")" 1
sqlite3 "$S" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
if grep -a -q "Quixotewxyz\|Zamboniqrst" "$S" "$S-wal" 2>/dev/null; then fail "the name is nowhere in the store file"
else pass "the name is nowhere in the store file"; fi

# ---- the trail
expect_eq "no event row deleted (the purge adds its own)" "$(q "SELECT count(*) >= $events FROM event")" 1
expect_eq "no audit row deleted" "$(q "SELECT count(*) > $audits FROM audit")" 1
expect_eq "the purge is audited" "$(q "SELECT count(*) FROM audit a JOIN person p ON p.uuid = a.entity_uuid WHERE p.number = '$OLD' AND a.action = 'purge' AND a.purpose = 'retention' AND a.user_name = 'admin'")" 1
expect_eq "and recorded as an event" "$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$OLDC' AND e.kind = 'retention' AND e.new_value = 'purge'")" 1
if sqlite3 "$S" "UPDATE event SET note = 'rewritten' WHERE case_id = (SELECT id FROM cases WHERE number = '$OLDC')" 2>/dev/null; then
	fail "a purged case's history still refuses new text"; else pass "a purged case's history still refuses new text"; fi
if sqlite3 "$S" "UPDATE event SET note = NULL WHERE case_id = (SELECT id FROM cases WHERE number = '$KEEPC')" 2>/dev/null; then
	fail "a kept case's notes cannot be blanked"; else pass "a kept case's notes cannot be blanked"; fi
if sqlite3 "$S" "UPDATE event SET to_state = 'rejected' WHERE case_id = (SELECT id FROM cases WHERE number = '$OLDC')" 2>/dev/null; then
	fail "a purged case's steps cannot be rewritten"; else pass "a purged case's steps cannot be rewritten"; fi

# ---- the statistics
for r in asylum-applicants asylum-decisions first-permits workload; do
	as supervisor $CD report $r --from 2000-01-01 --to 2099-12-31 --format csv -o "$T/after-$r.csv" >/dev/null
	if cmp -s "$T/before-$r.csv" "$T/after-$r.csv"; then pass "$r is the same before and after"
	else fail "$r is the same before and after" "$(diff "$T/before-$r.csv" "$T/after-$r.csv" | head -5)"; fi
done
expect_eq "the demo's old asylum applicants went too" \
	"$(q "SELECT count(*) FROM cases WHERE workflow_id = 'asylum' AND closed_at < '2016' AND purged_at IS NULL")" 0
expect_rc "store check is ok after" 0 as admin $CD store check
# The erased texts leave the chain whole: their digest stays, their salt goes with them.
as admin $CD audit verify >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] || [ $rc -eq 9 ]; then pass "audit verify after the purge finds no tampering"
else fail "audit verify after the purge finds no tampering" "exit $rc" "$(grep -v '^ *ok' "$T/out" | head -5)"; fi
expect_grep "and notes the erased events" "[1-9][0-9]* history events' text erased by retention" "$T/out"
expect_eq "an erased event keeps its digest, not its salt" \
	"$(q "SELECT count(*) > 0 AND sum(e.text_digest IS NULL OR e.note IS NOT NULL) = 0 FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$OLDC' AND e.text_salt IS NULL")" 1
expect_eq "a kept case's events keep their salt" \
	"$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$KEEPC' AND e.text_salt IS NULL")" 0
if sqlite3 "$S" "UPDATE event SET text_salt = NULL WHERE case_id = (SELECT id FROM cases WHERE number = '$KEEPC')" 2>/dev/null; then
	fail "a kept case's text salt cannot be erased"; else pass "a kept case's text salt cannot be erased"; fi
if sqlite3 "$S" "UPDATE event SET text_digest = NULL WHERE case_id = (SELECT id FROM cases WHERE number = '$OLDC')" 2>/dev/null; then
	fail "a purged case's text digest cannot be removed"; else pass "a purged case's text digest cannot be removed"; fi

# ---- what is still inside its period
expect_rc "the recent applicant" 0 as clerk $CD person show "$KEEP"
expect_grep "keeps the name" "Keepnameabc" "$T/out"
expect_eq "and the face" "$(q "SELECT count(*) FROM biometric b JOIN person p ON p.id = b.person_id WHERE p.number = '$KEEP'")" 1
expect_eq "and the case's notes" "$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$KEEPC' AND e.note LIKE 'Keepnameabc%'")" 1
expect_rc "the person with a recent case" 0 as clerk $CD person show "$TWO"
expect_grep "keeps the name" "Twocasesdef" "$T/out"
expect_eq "the old visa case's notes are gone" "$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$TWOV' AND e.note IS NOT NULL")" 0
expect_eq "the recent case's are not" "$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$TWOA' AND e.note IS NOT NULL")" 1
expect_eq "the shared face stays" "$(q "SELECT count(*) FROM biometric b JOIN person p ON p.id = b.person_id WHERE p.number = '$TWO'")" 1

expect_rc "a second run" 0 as admin $CD --json retention run
expect_grep "finds nothing more" '"cases_purged":0,"people_purged":0' "$T/out"

# ---- the office may shorten, never lengthen
printf '[retention]\nasylum = 12y\n' >"$T/long.ini"
CASEDESK_CONFIG=$T/long.ini expect_rc "a longer office period is refused" 6 as admin $CD retention plan
expect_grep "naming the setting and the workflow's line" "long.ini:2: \[retention\] asylum = 12y is longer than the workflow's period 120m (asylum.*:[0-9]*)" "$T/err"
printf '[retention]\nasylum = 5y\n' >"$T/short.ini"
CASEDESK_CONFIG=$T/short.ini expect_rc "a shorter one is taken" 0 as admin $CD retention plan
expect_grep "and brings the recent case forward" "^2025-01-10 due purge  *person $KEEPC" "$T/out"
printf '[retention]\nasylum = soon\n' >"$T/bad.ini"
CASEDESK_CONFIG=$T/bad.ini expect_rc "a malformed period is refused" 6 as admin $CD retention plan
expect_grep "naming file and line" "bad.ini:2: \[retention\] asylum: 'soon' is not a retention period" "$T/err"
printf '[retention]\nasilum = 5y\n' >"$T/typo.ini"
CASEDESK_CONFIG=$T/typo.ini expect_rc "a workflow without [retention] is refused" 6 as admin $CD retention plan
expect_grep "naming the line" "typo.ini:2: \[retention\] asilum: no workflow" "$T/err"

# ---- lint checks the section
sed -e 's/^period = 10y/period = 10x/' -e 's/^action = purge/action = burn/' -e 's/^from   = decision/from = lodging/' \
	"$CASEDESK_DATA/workflows/asylum.ini" >"$T/asylum.ini"
$CD workflow lint "$T/asylum.ini" >"$T/out" 2>"$T/err"
expect_grep "a bad period is named" "asylum.ini:[0-9]*: period: '10x' is not a retention period" "$T/err"
expect_grep "a bad action is named" "asylum.ini:[0-9]*: action is purge, anonymise or review, not 'burn'" "$T/err"
expect_grep "a bad clock start is named" "asylum.ini:[0-9]*: from is 'opened'" "$T/err"

# ---- a purge that fails half-way leaves the person as they were (one transaction each)
F=$T/fault.casedesk
export CASEDESK_STORE=$F CASEDESK_TODAY=2015-06-01
$CD init --office TBS --training >/dev/null
no_gateway "$CASEDESK_STORE" || fail "an office with no check gateway"
FP=$(person Faultyname Halfway 1992)
as clerk $CD document add "$FP" --number FL2222222 --issuer SYR --expires 2030-01-01 >/dev/null
as clerk $CD enrol "$FP" --face "$T/face.ppm" >/dev/null 2>&1
FPC=$(decide 2015-06-01 "$FP" "Faultyname") || fail "decide the case that will fail to purge"
sqlite3 "$F" "CREATE TRIGGER fault BEFORE DELETE ON biometric BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
export CASEDESK_TODAY=2026-06-01
expect_rc "a purge failing at the biometrics is a store error" 7 as admin $CD retention run
expect_eq "the name is still there" "$(sqlite3 "$F" "SELECT surname || given FROM person WHERE number = '$FP'")" "FaultynameHalfway"
expect_eq "the case is not marked" "$(sqlite3 "$F" "SELECT count(*) FROM cases WHERE purged_at IS NOT NULL")" 0
expect_eq "its notes and fields are all there" \
	"$(sqlite3 "$F" "SELECT (SELECT count(*) FROM event WHERE note LIKE 'Faultyname%') || ' ' || (SELECT count(*) FROM case_field)")" "1 6"
expect_eq "no purge was audited" "$(sqlite3 "$F" "SELECT count(*) FROM audit WHERE action = 'purge'")" 0
sqlite3 "$F" "DROP TRIGGER fault"
expect_rc "without the fault the next run purges" 0 as admin $CD retention run
expect_eq "name and face gone" "$(sqlite3 "$F" "SELECT surname || (SELECT count(*) FROM biometric) FROM person WHERE number = '$FP'")" "PURGED0"

# ---- anonymise: names replaced, the record kept (an office whose visa files say so)
D=$T/data
cp -r "$CASEDESK_DATA" "$D"
sed -i 's/^action = purge$/action = anonymise/' "$D/workflows/visa.ini"
A=$T/anon.casedesk
export CASEDESK_STORE=$A CASEDESK_DATA=$D CASEDESK_TODAY=2015-06-01
$CD init --office TBS --training >/dev/null
no_gateway "$CASEDESK_STORE" || fail "an office with no check gateway"
ANON=$(person Anonymouse Replaceme 1970)
as clerk $CD document add "$ANON" --number AN5555555 --issuer SYR --expires 2030-01-01 >/dev/null
ANONV=$(as clerk $CD case new visa --person "$ANON")
as clerk $CD case move "$ANONV" withdraw --set withdrawal_date=2015-06-01 --note "kept note" >/dev/null
# A correction keeps the old and the new name in its event: anonymisation must take both.
expect_rc "the surname corrected before" 0 as caseworker $CD person correct "$ANON" --field surname \
	--value Anonymoose --reason "typed from the passport again"
expect_rc "an address on file before" 0 as caseworker $CD person address "$ANON" --line "12 Secretstreet, Hidetown"
export CASEDESK_TODAY=2026-06-01
expect_rc "anonymise is planned" 0 as admin $CD retention plan
expect_grep "for the person" "due anonymise person $ANONV" "$T/out"
expect_rc "and run" 0 as admin $CD --json retention run
expect_grep "counted as anonymised" '"people_anonymised":1' "$T/out"
expect_rc "the anonymised person" 0 as clerk $CD person show "$ANON"
if grep -q "Anonymouse\|Replaceme" "$T/out"; then fail "has no name any more"; else pass "has no name any more"; fi
expect_grep "but a placeholder" "ANONYMISED" "$T/out"
expect_grep "and keeps the record" "AN5555555" "$T/out"
if grep -q "Secretstreet" "$T/out"; then fail "keeps no address"; else pass "keeps no address"; fi
expect_rc "the anonymised person exported" 0 as supervisor $CD person export "$ANON" -o "$T/anon.json" --format json
if grep -q "Secretstreet" "$T/anon.json"; then fail "and the export holds no address"; else pass "and the export holds no address"; fi
expect_eq "no address row is left" "$(sqlite3 "$A" "SELECT count(*) FROM address")" 0
expect_eq "and no event holds the address" "$(sqlite3 "$A" "SELECT count(*) FROM event WHERE coalesce(note,'') || coalesce(old_value,'') || coalesce(new_value,'') LIKE '%Secretstreet%'")" 0
# The op log (schema 16): the ops keep their numbers, the anonymised person's values go.
expect_eq "no op holds the names or the address" "$(sqlite3 "$A" "SELECT count(*) FROM outbox WHERE payload LIKE '%Anonymo%' OR payload LIKE '%Replaceme%' OR payload LIKE '%Secretstreet%'")" 0
expect_eq "the erased ops are kept, numbered" "$(sqlite3 "$A" "SELECT count(*) = max(origin_seq) AND sum(payload = '{\"purged\":true}') >= 3 FROM outbox")" 1
expect_rc "store check agrees (the anonymised are not in the search index)" 0 as admin $CD store check
expect_eq "the case's history keeps its note" "$(sqlite3 "$A" "SELECT count(*) FROM event WHERE note = 'kept note'")" 1
expect_eq "no event keeps the old or the corrected name" \
	"$(sqlite3 "$A" "SELECT count(*) FROM event WHERE coalesce(note,'') || coalesce(old_value,'') || coalesce(new_value,'') LIKE '%Anonymo%'")" 0
expect_eq "the corrections themselves are still in the history, emptied" \
	"$(sqlite3 "$A" "SELECT count(*) || ' ' || sum(note IS NULL AND text_digest IS NOT NULL) FROM event WHERE kind = 'person_corrected'")" "2 2"
as admin $CD audit verify >"$T/out" 2>"$T/err"
rc=$?
# 9: whole, with the warning that rows written since the last seal are not sealed yet.
if [ $rc -eq 0 ] || [ $rc -eq 9 ]; then pass "audit verify after the anonymisation finds no tampering"
else fail "audit verify after the anonymisation finds no tampering" "exit $rc" "$(grep -v '^ *ok' "$T/out" | head -5)"; fi
expect_eq "and the plan is done with it" "$(as admin $CD retention plan | grep -c "$ANONV")" 0
