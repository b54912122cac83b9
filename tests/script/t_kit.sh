#!/bin/sh
# Field kits and their leased blocks of numbers (issue 15, "Field kits"), through the real
# binary on real store files: `kit new` from a training office store, registering in the
# kit until its block runs low (the warning) and out (the refusal saying how to get more),
# `kit topup`, the office's own numbers skipping the leased blocks, `kit return` (void
# events, marked at the office, never reissued), the year turn, and the rules held against
# sqlite3 on the file.
. tests/script/lib.sh
O=$T/office.casedesk
K=$T/k07.casedesk
export CASEDESK_TODAY=2026-03-10
q() { sqlite3 "$1" "$2" 2>&1; }
off() { $CD --store "$O" "$@"; }
kit() { $CD --store "$K" "$@"; }

SURNAMES="Bondar Melnyk Shevchuk Tkachenko Kravets Oliynyk Lysenko Marchenko Rudenko Savchenko Polishchuk Moroz Pavlenko Boyko Zinchenko"
GIVENS="Anna Bohdan Vira Denys Yevhen Zoya Ihor Kateryna Lev Mariya Nazar Olha Petro Roman Sofiya"
# register STORE I: person I of the lists (distinct names and births), and a residence case.
register() {
	s=$(echo $SURNAMES | cut -d' ' -f"$2") g=$(echo $GIVENS | cut -d' ' -f"$2")
	p=$($CD --store "$1" --user clerk person add --surname "$s" --given "$g" --dob "19$((60 + $2))-0$((1 + $2 % 9))-1$(($2 % 9))" \
		--sex F --nationality UKR 2>>"$T/reg.err") || return 1
	$CD --store "$1" --user caseworker case new residence --person "$p" 2>>"$T/reg.err" >/dev/null || return 1
	echo "$p"
}

off init --office TBS --training >/dev/null 2>&1
register "$O" 1 >/dev/null && register "$O" 2 >/dev/null
expect_eq "the office numbered two people itself" "$(q "$O" "SELECT max(number) FROM person")" "P-TBS-000002"

# ---- kit new
expect_rc "an office clerk may not make a kit" 4 off --user clerk kit new "$K" --office TBS --block 10
expect_rc "another office's code is refused" 6 off --user admin kit new "$K" --office XYZ --block 10
expect_rc "kit new from the office store" 0 off --user admin kit new "$K" --office TBS --block 10 --name K07
expect_grep "leases the case numbers after the office's own" "RP-TBS-2026-000003..RP-TBS-2026-000012" "$T/out"
expect_grep "and the person numbers" "P-TBS-000003..P-TBS-000012" "$T/out"
expect_eq "the kit holds no person" "$(q "$K" "SELECT count(*) FROM person")" "0"
expect_eq "nor case" "$(q "$K" "SELECT count(*) FROM cases")" "0"
expect_eq "but the office's users" "$(q "$K" "SELECT group_concat(name) FROM (SELECT name FROM users ORDER BY name)")" \
	"$(q "$O" "SELECT group_concat(name) FROM (SELECT name FROM users ORDER BY name)")"
expect_eq "and its installed workflows, text and version" "$(q "$K" "SELECT count(*) FROM workflow_def")" \
	"$(q "$O" "SELECT count(*) FROM workflow_def")"
expect_eq "marked as a kit of its office store" "$(q "$K" "SELECT value FROM settings WHERE key='kit_parent_uuid'")" \
	"$(q "$O" "SELECT value FROM settings WHERE key='store_uuid'")"
expect_eq "named" "$(q "$K" "SELECT value FROM settings WHERE key='kit_name'")" "K07"
expect_eq "the office records the lease" "$(q "$O" "SELECT count(*) FROM number_blocks WHERE kit_name='K07' AND series='case:RP' AND first=3 AND last=12")" "1"
expect_rc "the name is the kit's alone" 4 off --user admin kit new "$T/other.casedesk" --office TBS --block 10 --name K07

# ---- the office's own numbers skip the leased block
p=$(register "$O" 3)
expect_eq "the office's next person number skips the leased block" "$p" "P-TBS-000013"
expect_eq "its next case number too" "$(q "$O" "SELECT max(number) FROM cases")" "RP-TBS-2026-000013"

# ---- registering in the kit: 8 people and cases, the warning at 2 left
warned_early=0
for i in 4 5 6 7 8 9 10; do
	register "$K" "$i" >/dev/null || fail "register in the kit ($i)" "$(tail -3 "$T/reg.err")"
	grep -q "numbers of" "$T/reg.err" && warned_early=1
done
expect_eq "no warning while more than a fifth is left" "$warned_early" "0"
: >"$T/reg.err"
p=$(register "$K" 11)
expect_eq "the eighth person in the kit" "$p" "P-TBS-000010"
expect_grep "the kit warns at 2 of 10 left, in the numbers' own form" "has 2 of 10 numbers P-TBS-NNNNNN left" "$T/reg.err"
expect_grep "and says how to get more" "kit topup" "$T/reg.err"
expect_eq "the kit's case numbers are its block's" "$(q "$K" "SELECT min(number) || ' ' || max(number) FROM cases")" \
	"RP-TBS-2026-000003 RP-TBS-2026-000010"
register "$K" 12 >/dev/null && register "$K" 13 >/dev/null
expect_eq "ten registered, the block spent" "$(q "$K" "SELECT count(*) FROM person")" "10"
expect_rc "the eleventh is refused" 4 kit --user clerk person add --surname Pavlenko --given Petro --dob 1975-05-05 --sex M --nationality UKR
expect_grep "saying how to get more numbers" "kit topup --kit KITFILE --block N" "$T/err"
expect_eq "nothing was written for it" "$(q "$K" "SELECT count(*) FROM person")" "10"

# ---- topup
expect_rc "topup from the office" 0 off --user admin kit topup --kit "$K" --block 10
expect_grep "a new block after the office's own numbers" "P-TBS-000014..P-TBS-000023" "$T/out"
expect_eq "the kit records its new lease" "$(q "$K" "SELECT count(*) FROM number_blocks WHERE series='person'")" "2"
p=$(register "$K" 14)
expect_eq "the kit continues in its new block" "$p" "P-TBS-000014"
expect_eq "every number unique across office and kit" \
	"$( (q "$O" "SELECT number FROM person UNION ALL SELECT number FROM cases"; q "$K" "SELECT number FROM person UNION ALL SELECT number FROM cases") | sort | uniq -d | wc -l)" "0"

# ---- a refused registration takes no number (the refusal rolls the transaction back)
expect_rc "a case for nobody is refused" 3 kit --user caseworker case new residence --person P-TBS-999999
p=$(register "$K" 15)
expect_eq "the next registration takes the next number" "$p" "P-TBS-000015"

# ---- return unused numbers
expect_rc "kit return, with the office store" 0 kit --user admin kit return --office-store "$O"
expect_grep "the person numbers returned from 16" "P-TBS-000016..P-TBS-000023" "$T/out"
expect_eq "one void event a returned range" "$(q "$K" "SELECT count(*) FROM event WHERE kind='void'")" \
	"$(q "$K" "SELECT count(*) FROM number_blocks WHERE returned IS NOT NULL")"
expect_eq "naming the range" "$(q "$K" "SELECT note FROM event WHERE kind='void' AND field='person'")" "P-TBS-000016..P-TBS-000023"
expect_eq "the office marks the same blocks returned" "$(q "$O" "SELECT count(*) FROM number_blocks WHERE returned IS NOT NULL")" \
	"$(q "$K" "SELECT count(*) FROM number_blocks WHERE returned IS NOT NULL")"
expect_rc "the kit issues no returned number" 4 kit --user clerk person add --surname Moroz --given Olha --dob 1971-01-01 --sex F --nationality UKR
expect_rc "returning twice changes nothing" 0 kit --user admin kit return --office-store "$O"
expect_grep "says so" "no unused numbers" "$T/out"
p=$(register "$O" 12)
expect_eq "the office never reissues a returned number" "$p" "P-TBS-000024"

# ---- the year turn
K2=$T/k08.casedesk
expect_rc "a second kit" 0 off --user admin kit new "$K2" --office TBS --block 5
expect_grep "named K01 by default" "K01" "$T/out"
pk=$(CASEDESK_TODAY=2027-01-04 $CD --store "$K2" --user clerk person add --surname Zinchenko --given Sofiya --dob 1980-02-02 --sex F --nationality UKR)
expect_rc "in the new year a kit without its block refuses a case" 4 env CASEDESK_TODAY=2027-01-04 $CD --store "$K2" --user caseworker case new residence --person "$pk"
expect_grep "and says so, in the numbers' own form" "no numbers RP-TBS-2027-NNNNNN (a block is leased per year)" "$T/err"
CASEDESK_TODAY=2026-12-10 $CD --store "$K2" --user clerk person show "$pk" >/dev/null 2>"$T/err"
expect_grep "in December the kit says next year's block is missing" "no numbers [A-Z]*-TBS-2027-NNNNNN yet" "$T/err"
CASEDESK_TODAY=2026-11-30 $CD --store "$K2" --user clerk person show "$pk" >/dev/null 2>"$T/err"
expect_eq "not in November" "$(grep -c '2027-NNNNNN yet' "$T/err")" "0"
expect_rc "next year's block is leased before the year turns" 0 off --user admin kit topup --kit "$K2" --block 5 --year 2027
expect_grep "numbered for 2027" "RP-TBS-2027-000001..RP-TBS-2027-000005" "$T/out"
expect_eq "case numbers only: person numbers are not counted per year" "$(grep -c ' P-TBS-' "$T/out")" "0"
CASEDESK_TODAY=2026-12-10 $CD --store "$K2" --user clerk person show "$pk" >/dev/null 2>"$T/err"
expect_eq "nor once next year's blocks are leased" "$(grep -c 'for 2027 yet' "$T/err")" "0"
expect_rc "two years ahead is refused" 6 off --user admin kit topup --kit "$K2" --block 5 --year 2028
CASEDESK_TODAY=2027-01-04 $CD --store "$K2" --user caseworker case new residence --person "$pk" >"$T/out" 2>"$T/err"
expect_grep "then the kit numbers its cases in 2027" "RP-TBS-2027-000001" "$T/out"
expect_rc "a kit of another office store is refused" 4 $CD --store "$K" --user admin kit topup --kit "$K2" --block 5

# ---- the rules hold against sqlite3 on the file
q "$O" "UPDATE number_blocks SET last = last + 1 WHERE id = 1" >"$T/e1"
expect_grep "a block's range cannot be edited" "changes only when" "$T/e1"
q "$K" "DELETE FROM number_blocks WHERE id = 1" >"$T/e2"
expect_grep "nor a block deleted" "are kept" "$T/e2"
q "$O" "INSERT INTO number_blocks(uuid, series, year, first, last, kit_name, kit_uuid, leased_at, leased_by)
	VALUES ('x', 'case:RP', 2026, 10, 20, 'K99', 'x', 'now', 'me')" >"$T/e3"
expect_grep "an overlapping block is refused" "overlaps" "$T/e3"
q "$O" "UPDATE number_blocks SET returned = NULL, returned_at = NULL WHERE returned IS NOT NULL" >"$T/e4"
expect_grep "a returned block stays returned" "changes only when" "$T/e4"
q "$K" "INSERT INTO person(uuid, number, surname, given, surname_latin, given_latin, sex, dob, nationality, created_at, updated_at)
	VALUES ('y', 'P-TBS-000500', 'A', 'B', 'A', 'B', 'F', '1990', 'UKR', 'now', 'now')" >"$T/e5"
expect_grep "a kit numbers a person only from its blocks" "only from a block" "$T/e5"
q "$K" "INSERT INTO cases(uuid, number, workflow_id, workflow_version, person_id, office, state, state_since,
	entered_by, opened_at, updated_at, updated_by) VALUES ('z', 'RP-TBS-2026-000900', 'residence', 5, 1, 'TBS', 'lodged',
	'now', 'x', 'now', 'now', 'x')" >"$T/e6"
expect_grep "and a case only from its blocks" "only from a block" "$T/e6"
expect_eq "the office's store check is clean" "$(off --user admin store check >/dev/null 2>&1; echo $?)" "0"
expect_eq "the kit's too" "$(kit --user admin store check >/dev/null 2>&1; echo $?)" "0"
