#!/bin/sh
# The lost/stolen documents list (issue 5) and merging two records of one person, through
# the command line on a real store file: imports good, bad and cut files; the check at
# `document add`, its override; `lostdocs check`; `person merge` and `person unmerge`.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02 CASEDESK_STORE=$S
$CD init --office TBS --training >/dev/null 2>&1
$CD --user clerk lostdocs stats >"$T/out" 2>"$T/err"
if grep -q "unknown command" "$T/err"; then
	fail "lostdocs is in app/main.c's command table" "apply the lines for app/main.c and app/cli.h (see the report)"
	exit 0
fi

# ---- a good file: RFC 4180 quoting, CRLF, numbers normalised, source column optional
printf 'number,issuer,kind,reported,source\r\n"AB 123-456",UKR,passport,2025-11-02,"Interpol SLTD, 2025"\r\nfe-777001,GEO,id_card,2026-01-15,\r\n' >"$T/good.csv"
expect_rc "a good file imports" 0 $CD --user supervisor lostdocs import "$T/good.csv"
expect_grep "and says how many" "2 added, 0 replaced, 0 bad" "$T/out"
expect_rc "a clerk may not import" 4 $CD --user clerk lostdocs import "$T/good.csv"
expect_rc "check a listed number, typed differently" 0 $CD --user clerk lostdocs check "ab123456"
expect_grep "names issuer, date and source" "AB123456 UKR passport reported 2025-11-02, source Interpol SLTD, 2025" "$T/out"
$CD --user clerk lostdocs check FE777001 >"$T/out" 2>&1
expect_grep "an empty source is the file's name" "source good.csv" "$T/out"
expect_rc "check with the issuer" 0 $CD --user clerk lostdocs check AB123456 --issuer UKR
expect_rc "listed for another issuer only" 4 $CD --user clerk lostdocs check AB123456 --issuer GEO
expect_rc "not listed" 4 $CD --user clerk lostdocs check ZZ000000
expect_grep "says so" "not listed" "$T/out"
expect_rc "check --json" 0 $CD --user clerk --json lostdocs check AB123456
expect_grep "json answer" '"listed":true' "$T/out"

# ---- a file with bad lines: the good ones go in, each bad one is named with line and field
cat >"$T/bad.csv" <<'CSV'
number,issuer,kind,reported,source
AB123456,UKR,passport,2025-12-01,national list

CC111,ZZZ,passport,2025-01-01,x
CC222,SYR,passport,2026-02-30,x
C*3,SYR,passport,2025-01-01,x
CC444,SYR,passport,2025-01-01
CC555,SYR,pass"port,2025-01-01,x
CC666,SYR,passport,2027-01-01,x
CC777,SYR,passport,2025-03-03,"multi
line source"
CC777,SYR,passport,2025-03-04,x
CSV
expect_rc "bad lines: exit 6" 6 $CD --user supervisor lostdocs import "$T/bad.csv"
expect_grep "good lines counted" "1 added, 1 replaced, 7 bad" "$T/out"
expect_grep "issuer named with file and line" "bad.csv:4: field issuer: ZZZ is not a country code" "$T/err"
expect_grep "impossible date" "bad.csv:5: field reported: that day does not exist" "$T/err"
expect_grep "number: characters" "bad.csv:6: field number" "$T/err"
expect_grep "field count" "bad.csv:7: 4 fields, the header has 5" "$T/err"
expect_grep "stray quote" "bad.csv:8: a quote" "$T/err"
expect_grep "future date" "bad.csv:9: field reported: a date in the future" "$T/err"
expect_grep "a line break in a quoted field is not a source" "bad.csv:10: field source" "$T/err"
if grep -q "CC\|C\*3" "$T/err"; then fail "the report never shows document numbers"; else pass "the report never shows document numbers"; fi
expect_rc "the replaced entry has the new date and source" 0 $CD --user clerk lostdocs check AB123456
expect_grep "replaced" "reported 2025-12-01, source national list" "$T/out"
expect_rc "after a multi-line record the lines still count right" 0 $CD --user clerk lostdocs check CC777
expect_grep "the right line went in" "reported 2025-03-04" "$T/out"
expect_rc "a bad line was not imported" 4 $CD --user clerk lostdocs check CC222

printf 'number,issuer,kind,reported\nEE1,UKR,passport,2025-01-01\nEE1,UKR,passport,2025-01-02\n' >"$T/rep.csv"
expect_rc "a repeat in one file" 6 $CD --user supervisor lostdocs import "$T/rep.csv"
expect_grep "is named" "rep.csv:3: the same number and issuer as an earlier line" "$T/err"

# ---- a cut file: the last line ends inside a quoted field
printf 'number,issuer,kind,reported,source\nDD100,UKR,passport,2025-05-05,ok\nDD200,UKR,passport,2025-05-05,"cut in the mid' >"$T/cut.csv"
expect_rc "a cut file: exit 6" 6 $CD --user supervisor lostdocs import "$T/cut.csv"
expect_grep "says where and why" "cut.csv:3: a quoted field opened on this line is not closed" "$T/err"
expect_rc "the lines before the cut are in" 0 $CD --user clerk lostdocs check DD100
expect_rc "the cut line is not" 4 $CD --user clerk lostdocs check DD200
printf 'number,issuer,kind,reported\nDD300,UKR,passport,2025-0' >"$T/cut2.csv"
expect_rc "a line cut outside quotes" 6 $CD --user supervisor lostdocs import "$T/cut2.csv"
expect_grep "hints that the file was cut" "cut2.csv:2: .*may have been cut short" "$T/err"
printf 'num,issuer\n' >"$T/hdr.csv"
expect_rc "a bad header imports nothing" 6 $CD --user supervisor lostdocs import "$T/hdr.csv"
expect_grep "and says why" "hdr.csv:1: header" "$T/err"
: >"$T/empty.csv"
expect_rc "an empty file" 6 $CD --user supervisor lostdocs import "$T/empty.csv"
expect_rc "a missing file" 6 $CD --user supervisor lostdocs import "$T/none.csv"
expect_eq "nothing of the list was lost" "$(sqlite3 "$S" "SELECT count(*) FROM lostdoc")" 5
expect_rc "stats" 0 $CD --user clerk lostdocs stats
expect_grep "stats line" "lost/stolen list: 5 documents of 3 issuers; last import .* by supervisor from cut2.csv" "$T/out"

# ---- every document entered is checked
P1=$($CD --user clerk person add --surname Test --given Anna --dob 1990 --sex F --nationality UKR)
expect_rc "a listed document is refused" 4 $CD --user clerk document add "$P1" --number "ab 123 456" --issuer UKR
expect_grep "refusal names number, issuer, date, source" "document AB123456 of UKR is on the lost/stolen list (reported 2025-12-01, source national list)" "$T/err"
expect_eq "not added" "$(sqlite3 "$S" "SELECT count(*) FROM document")" 0
expect_eq "the refusal is an event" "$(sqlite3 "$S" "SELECT count(*) FROM event WHERE kind='document_refused'")" 1
expect_eq "and an audit row" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action='refused' AND entity='lostdoc'")" 1
expect_rc "the same number of another issuer is fine" 0 $CD --user clerk document add "$P1" --number AB123456 --issuer GEO
expect_rc "--force adds it" 0 $CD --user clerk document add "$P1" --number AB123456 --issuer UKR --force
expect_eq "the override is an event" "$(sqlite3 "$S" "SELECT count(*) FROM event WHERE kind='document_forced'")" 1
expect_eq "and an audit row" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action='override'")" 1
if sqlite3 "$S" "SELECT coalesce(note,'')||coalesce(new_value,'') FROM event" | grep -q AB123456; then
	fail "events do not copy the number"; else pass "events do not copy the number"; fi

# ---- merging two records of one person
P2=$($CD --user clerk person add --surname Test --given Anne --dob 1990 --sex F --nationality UKR --force 2>/dev/null)
P3=$($CD --user clerk person add --surname Other --given Bob --dob 1960 --sex M --nationality UKR --force 2>/dev/null)
$CD --user clerk document add "$P2" --number XY999 --issuer UKR >/dev/null
$CD --user clerk person alias "$P2" --surname Tesst --given Ann >/dev/null
$CD --user clerk family link "$P2" "$P3" --relation parent >/dev/null
C=$($CD --user clerk case new residence --person "$P2")
expect_rc "a caseworker may not merge" 4 $CD --user caseworker person merge "$P1" "$P2" --reason same
expect_rc "a person with itself" 6 $CD --user supervisor person merge "$P1" "$P1" --reason same
expect_rc "merge needs --reason" 2 $CD --user supervisor person merge "$P1" "$P2"
expect_rc "merge" 0 $CD --user supervisor person merge "$P1" "$P2" --reason "same passport"
expect_grep "says what moved" "1 case, 1 document, 2 aliases, 2 family links" "$T/out"
expect_rc "an already merged duplicate" 4 $CD --user supervisor person merge "$P3" "$P2" --reason again
expect_eq "the case moved" "$(sqlite3 "$S" "SELECT p.number FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number='$C'")" "$P1"
expect_rc "the duplicate's number leads to the survivor" 0 $CD --user caseworker person show "$P2"
expect_grep "with a note" "was merged into $P1" "$T/err"
expect_grep "showing the survivor" "^$P1 " "$T/out"
expect_grep "its names are an alias" "Test, Anne" "$T/out"
expect_eq "one merge event with what moved" "$(sqlite3 "$S" "SELECT json_extract(new_value, '\$.cases[0]') || '/' || note FROM event WHERE kind='merge'")" "1/same passport"
expect_eq "an audit row" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action='merge'")" 1
expect_eq "an outbox row" "$(sqlite3 "$S" "SELECT count(*) FROM outbox WHERE op='merge'")" 1
expect_rc "a merged record takes no new case" 4 $CD --user clerk case new residence --person "$P2"
expect_grep "and says where to act" "was merged into $P1" "$T/err"
expect_rc "nor a new document" 4 $CD --user clerk document add "$P2" --number ZX9988776 --issuer UKR
expect_rc "unmerge by a caseworker" 4 $CD --user caseworker person unmerge "$P2"
expect_rc "unmerge" 0 $CD --user supervisor person unmerge "$P2"
expect_eq "the case is back" "$(sqlite3 "$S" "SELECT p.number FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number='$C'")" "$P2"
expect_eq "the merge alias is gone" "$(sqlite3 "$S" "SELECT count(*) FROM alias WHERE kind='merged'")" 0
expect_eq "the family links are back" "$(sqlite3 "$S" "SELECT count(*) FROM family f JOIN person p ON p.id IN (f.person_id, f.relative_id) WHERE p.number='$P2'")" 2
expect_eq "unmerge is an event" "$(sqlite3 "$S" "SELECT count(*) FROM event WHERE kind='unmerge'")" 1
expect_rc "unmerge of a record not merged" 4 $CD --user supervisor person unmerge "$P2"
expect_rc "store check after all this" 0 $CD store check
