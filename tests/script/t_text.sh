#!/bin/sh
# Text entering the store (issue 11, item 4): invalid UTF-8 and control characters are
# refused naming the field (exit 6) with the store unchanged; names are stored in NFC, so
# Müller typed composed or decomposed has one ICAO form in the store, `person show` and
# the MRZ; the JSON outputs that used to break on such input stay valid JSON.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02 CASEDESK_STORE=$S
$CD init --office TBS --training >/dev/null 2>&1 || fail "init"

SURR=$(printf 'Ab\355\240\200')             # ED A0 80: a surrogate
OVER3=$(printf 'Ab\340\200\257')            # E0 80 AF: overlong '/'
OVER4=$(printf 'Ab\360\200\200\257')        # F0 80 80 AF: overlong '/'
ESCT=$(printf 'a\033b')
BELT=$(printf 'a\007b')
C1T=$(printf 'a\302\233b')                  # U+009B, CSI in C1
COMPOSED=$(printf 'M\303\274ller')
DECOMPOSED=$(printf 'Mu\314\210ller')

rows() { sqlite3 "$S" "SELECT (SELECT count(*) FROM person)||'/'||(SELECT count(*) FROM event)||'/'||(SELECT count(*) FROM alias)||'/'||(SELECT count(*) FROM outbox)||'/'||(SELECT count(*) FROM lostdoc)"; }

# ---- names: bad bytes and control characters, each refused naming the field
before=$(rows)
expect_rc "a surname holding ED A0 80 is refused" 6 $CD --user clerk person add --surname "$SURR" --given B --dob 1990 --sex M --nationality UKR
expect_grep "naming the field and why" "surname: not valid UTF-8 at character 3" "$T/err"
expect_rc "an overlong 3-byte form is refused" 6 $CD --user clerk person add --surname A --given "$OVER3" --dob 1990 --sex M --nationality UKR
expect_grep "naming given names" "given names: not valid UTF-8" "$T/err"
expect_rc "an overlong 4-byte form is refused" 6 $CD --user clerk person add --surname "$OVER4" --given B --dob 1990 --sex M --nationality UKR
expect_rc "a C1 control in a name is refused" 6 $CD --user clerk person add --surname "$C1T" --given B --dob 1990 --sex M --nationality UKR
expect_grep "as a control character" "surname: contains a control character" "$T/err"
expect_rc "a bad place of birth is refused" 6 $CD --user clerk person add --surname A --given B --dob 1990 --sex M --nationality UKR --birth-place "$BELT"
expect_grep "naming the place of birth" "place of birth: contains a control character" "$T/err"
expect_rc "a bad Latin form is refused as text first" 6 $CD --user clerk person add --surname A --given B --surname-latin "$SURR" --dob 1990 --sex M --nationality UKR
expect_eq "refused people leave the store unchanged" "$(rows)" "$before"

# ---- Müller composed and decomposed: one ICAO form, stored in NFC
P1=$($CD --user clerk person add --surname "$COMPOSED" --given Anna --dob 1990-01-31 --sex F --nationality DEU)
P2=$($CD --user clerk person add --surname "$DECOMPOSED" --given Anna --dob 1971-05-02 --sex F --nationality DEU --force 2>/dev/null)
expect_eq "composed: MUELLER" "$(sqlite3 "$S" "SELECT surname_latin FROM person WHERE number='$P1'")" MUELLER
expect_eq "decomposed: MUELLER too" "$(sqlite3 "$S" "SELECT surname_latin FROM person WHERE number='$P2'")" MUELLER
expect_eq "the decomposed name is stored composed (NFC)" "$(sqlite3 "$S" "SELECT hex(surname) FROM person WHERE number='$P2'")" 4DC3BC6C6C6572
expect_rc "person show of the decomposed one" 0 $CD --user caseworker --json person show "$P2"
expect_grep "shows MUELLER" '"surname_latin":"MUELLER"' "$T/out"
$CD --user clerk document add "$P1" --number C01X00T47 --issuer DEU --expires 2031-01-01 >/dev/null 2>&1
$CD --user clerk document add "$P2" --number C01X00T48 --issuer DEU --expires 2031-01-01 >/dev/null 2>&1
$CD --user caseworker mrz make "$P1" >"$T/mrz1" 2>&1
$CD --user caseworker mrz make "$P2" >"$T/mrz2" 2>&1
expect_grep "the MRZ of the composed one says MUELLER" "MUELLER<<ANNA" "$T/mrz1"
expect_grep "the MRZ of the decomposed one says MUELLER" "MUELLER<<ANNA" "$T/mrz2"
expect_rc "an alias typed decomposed" 0 $CD --user clerk person alias "$P1" --surname "$(printf 'Mo\314\210ller')" --given Anna
expect_eq "is stored composed with its ICAO form" "$(sqlite3 "$S" "SELECT hex(surname)||' '||surname_latin FROM alias")" "4DC3B66C6C6572 MOELLER"
expect_rc "an alias with ESC is refused" 6 $CD --user clerk person alias "$P1" --surname "$ESCT" --given Anna
expect_grep "naming the alias field" "alias surname: contains a control character" "$T/err"

# ---- notes, field values, purposes: refused, store unchanged, JSON still JSON
C=$($CD --user clerk case new residence --person "$P1")
before=$(rows)
expect_rc "--note with ESC is refused" 6 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=family --note "$ESCT"
expect_grep "naming the note" "note: contains a control character at character 2" "$T/err"
expect_rc "--note with BEL is refused" 6 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=family --note "$BELT"
expect_rc "--note with invalid UTF-8 is refused" 6 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=family --note "$SURR"
expect_eq "the refused notes changed nothing" "$(rows)" "$before"
expect_eq "the case did not move" "$(sqlite3 "$S" "SELECT state||row_version FROM cases WHERE number='$C'")" lodged1
expect_rc "confirm receipt" 0 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=family
$CD --user clerk document add "$P1" --number FE123 --issuer UKR --expires 2031-01-01 >/dev/null 2>&1
before=$(rows)
expect_rc "a --set text value with ESC is refused" 6 $CD --user caseworker case move "$C" request_documents \
	--set "missing_documents=$ESCT" --set documents_due=2026-04-01
expect_grep "naming the field" "missing_documents" "$T/err"
expect_rc "a --set text value with bad UTF-8 is refused" 6 $CD --user caseworker case move "$C" request_documents \
	--set "missing_documents=$OVER3" --set documents_due=2026-04-01
expect_eq "the refused values changed nothing" "$(rows)" "$before"
expect_rc "a --set value typed decomposed" 0 $CD --user caseworker case move "$C" request_documents \
	--set "missing_documents=$DECOMPOSED" --set documents_due=2026-04-01 --note "$(printf 'two\nlines')"
expect_eq "is stored composed" "$(sqlite3 "$S" "SELECT hex(value) FROM case_field WHERE name='missing_documents'")" 4DC3BC6C6C6572
expect_eq "a note may span lines" "$(sqlite3 "$S" "SELECT count(*) FROM event WHERE note = 'two' || char(10) || 'lines'")" 1
audits=$(sqlite3 "$S" "SELECT count(*) FROM audit")
expect_rc "--purpose with ESC is refused" 6 $CD --user caseworker --purpose "$ESCT" --json case history "$C"
expect_grep "naming the purpose" "purpose: contains a control character" "$T/err"
expect_rc "--purpose with invalid UTF-8 is refused" 6 $CD --user caseworker --purpose "$SURR" person show "$P1"
expect_eq "no audit row for refused purposes" "$(sqlite3 "$S" "SELECT count(*) FROM audit")" "$audits"
expect_rc "case history --json" 0 $CD --user caseworker --json case history "$C"
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" 2>/dev/null; then
	pass "case history --json parses"
else
	fail "case history --json parses" "$(head -c 300 "$T/out")"
fi

# ---- the lost/stolen list: --source, the file's source column
printf 'number,issuer,kind,reported,source\nAB1,UKR,passport,2025-11-02,%s\n' "$ESCT" >"$T/esc.csv"
printf 'number,issuer,kind,reported,source\nAB2,UKR,passport,2025-11-02,%s\n' "$SURR" >"$T/bad.csv"
printf 'number,issuer,kind,reported\nAB3,UKR,passport,2025-11-02\n' >"$T/ok.csv"
before=$(rows)
expect_rc "--source with ESC is refused" 6 $CD --user supervisor lostdocs import "$T/ok.csv" --source "$ESCT"
expect_grep "naming --source" "\-\-source: contains a control character" "$T/err"
expect_rc "--source with invalid UTF-8 is refused" 6 $CD --user supervisor lostdocs import "$T/ok.csv" --source "$SURR"
expect_rc "a source column with ESC is refused" 6 $CD --user supervisor lostdocs import "$T/esc.csv"
expect_grep "naming its line and field" "esc.csv\|line 2\|:2" "$T/err"
expect_grep "and why" "field source: contains a control character" "$T/err"
expect_rc "a source column with invalid UTF-8 is refused" 6 $CD --user supervisor lostdocs import "$T/bad.csv"
expect_grep "and why" "field source: not valid UTF-8" "$T/err"
expect_eq "no entry from the refused lines" "$(sqlite3 "$S" "SELECT count(*) FROM lostdoc")" 0
expect_rc "a source typed decomposed imports" 0 $CD --user supervisor lostdocs import "$T/ok.csv" --source "$DECOMPOSED"
expect_eq "and is stored composed" "$(sqlite3 "$S" "SELECT hex(source) FROM lostdoc")" 4DC3BC6C6C6572
expect_rc "lostdocs check --json" 0 $CD --user clerk --json lostdocs check AB3
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" 2>/dev/null; then
	pass "lostdocs check --json parses"
else
	fail "lostdocs check --json parses" "$(head -c 300 "$T/out")"
fi
