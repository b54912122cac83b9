#!/bin/sh
# t_kit_national.sh - the national tier as the authority for numbers (issue 15, "Field
# kits"), against a real PostgreSQL (pg_lib.sh): two kits leased from one tier never meet;
# a kit tops up at sync when a fifth of a block is left, and from 1 December takes next
# year's block and numbers with it after New Year without a sync; `kit return` voids reach
# the tier through the op log; the tier refuses a number outside its origin's blocks, one
# issued twice and a void one, in words, and the store keeps those ops unsent; an office
# with no tier still leases from its own numbers.
. tests/script/lib.sh
. tests/script/pg_lib.sh

pg_start
pg_createdb national
DB=$(pg_conninfo national)
export CASEDESK_TODAY=2026-03-10
O=$T/office.casedesk
K1=$T/k01.casedesk
K2=$T/k02.casedesk
q() { sqlite3 "$1" "$2"; }
nat() { pg_sql national "$1"; }
origin_of() { q "$1" "SELECT value FROM settings WHERE key = 'store_uuid'"; }
unsent() { q "$1" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL"; }
SEQ=0
# person STORE: registers a person (distinct names) and a residence case; prints the person's number.
person() {
	SEQ=$((SEQ + 1))
	p=$($CD --store "$1" --user clerk person add --surname "Surname$SEQ" --given "Given$SEQ" --dob "1970-01-$((10 + SEQ % 18))" \
		--sex F --nationality UKR --force 2>>"$T/reg.err") || return 1
	$CD --store "$1" --user caseworker case new residence --person "$p" >/dev/null 2>>"$T/reg.err" || return 1
	echo "$p"
}
# forge STORE NUMBER: a person insert op with NUMBER written straight into the op log, as a
# store that numbers wrongly would send it.
forge() {
	q "$1" "INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)
SELECT printf('0190d000-0000-7000-8000-%012x', abs(random()) % 100000000000), '$(origin_of "$1")',
 (SELECT max(origin_seq) FROM outbox) + 1, '2026-03-10T10:00:00.000Z', 'person',
 printf('0190e000-0000-7000-8000-%012x', abs(random()) % 100000000000), 'insert',
 json_object('fields', json_object('number', json_object('base', 0, 'old', NULL, 'new', '$2'),
  'surname', json_object('base', 0, 'old', NULL, 'new', 'Forged'), 'given', json_object('base', 0, 'old', NULL, 'new', 'F'),
  'surname_latin', json_object('base', 0, 'old', NULL, 'new', 'FORGED'), 'given_latin', json_object('base', 0, 'old', NULL, 'new', 'F'),
  'sex', json_object('base', 0, 'old', NULL, 'new', 'M'), 'dob', json_object('base', 0, 'old', NULL, 'new', '1990'),
  'nationality', json_object('base', 0, 'old', NULL, 'new', 'GEO')))"
}

$CD national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }
$CD --store "$O" init --office TBS --training >/dev/null 2>&1 || { fail "init"; exit 0; }
person "$O" >/dev/null && person "$O" >/dev/null
expect_rc "the office names its national database" 0 $CD --store "$O" --user admin national use --db "$DB"

# ---- two kits leased from the tier
expect_rc "kit new leases from the tier the store names" 0 $CD --store "$O" --user admin kit new "$K1" --office TBS --block 10 --name K01
expect_grep "above the office's own block (3..1002, leased first)" "P-TBS-001003..P-TBS-001012" "$T/out"
expect_grep "case numbers too" "RP-TBS-2026-001003..RP-TBS-2026-001012" "$T/out"
expect_grep "and says so" "leased from the national tier" "$T/out"
expect_rc "a second kit, --national naming the tier" 0 $CD --store "$O" --user admin kit new "$K2" --office TBS --block 10 --name K02 --national "$DB"
expect_grep "after the first kit's block" "P-TBS-001013..P-TBS-001022" "$T/out"
expect_eq "the tier holds both kits' blocks, by holder" \
	"$(nat "SELECT string_agg(holder_name || ':' || prefix || ':' || year || ':' || first || '-' || last, ',' ORDER BY first, prefix) FROM number_blocks WHERE prefix IN ('P', 'RP')")" \
	"TBS:P:0:3-1002,TBS:RP:2026:3-1002,K01:P:0:1003-1012,K01:RP:2026:1003-1012,K02:P:0:1013-1022,K02:RP:2026:1013-1022"
expect_eq "held by the office's and the kits' store uuids" \
	"$(nat "SELECT count(*) FROM number_blocks WHERE holder IN ('$(origin_of "$O")', '$(origin_of "$K1")', '$(origin_of "$K2")')")" \
	"$(nat "SELECT count(*) FROM number_blocks")"
expect_eq "no two blocks of a series meet" \
	"$(nat "SELECT count(*) FROM number_blocks a JOIN number_blocks b ON a.id < b.id AND a.office = b.office
	  AND a.prefix = b.prefix AND a.year = b.year AND a.first <= b.last AND b.first <= a.last")" 0
nat "INSERT INTO number_blocks (office, prefix, year, first, last, holder) VALUES ('TBS', 'P', 0, 20, 30, '$(origin_of "$K1")')" >/dev/null 2>"$T/pgerr"
expect_grep "and the tier itself refuses an overlapping block" "conflicting key value violates exclusion constraint" "$T/pgerr"
expect_eq "the office records its own block and both kits'" \
	"$(q "$O" "SELECT group_concat(kit_name || ':' || first, ',') FROM number_blocks WHERE series = 'person'")" "TBS:3,K01:1003,K02:1013"
expect_eq "and numbers from its own block now" "$(person "$O")" "P-TBS-000003"
expect_rc "its sync is accepted: numbers from before its block too" 0 $CD --store "$O" --user admin sync
expect_eq "the tier holds the office's three" "$(nat "SELECT count(*) FROM persons WHERE origin = '$(origin_of "$O")'")" 3

# ---- registering on the kits and syncing: accepted; no top-up while more than a fifth is left
for i in 1 2 3; do person "$K1" >/dev/null || fail "register on K01" "$(tail -2 "$T/reg.err")"; done
for i in 1 2; do person "$K2" >/dev/null || fail "register on K02" "$(tail -2 "$T/reg.err")"; done
expect_rc "K01 syncs" 0 $CD --store "$K1" --user admin sync
expect_eq "with no lease while 7 of 10 are left" "$(grep -c 'leased from the national tier' "$T/out")" 0
expect_rc "K02 syncs" 0 $CD --store "$K2" --user admin sync
expect_eq "the tier holds the kits' persons at their block's numbers" \
	"$(nat "SELECT string_agg(number, ',' ORDER BY number) FROM persons")" \
	"P-TBS-000001,P-TBS-000002,P-TBS-000003,P-TBS-001003,P-TBS-001004,P-TBS-001005,P-TBS-001013,P-TBS-001014"

# ---- top-up at sync when a fifth is left
for i in 4 5 6 7 8; do person "$K1" >/dev/null || fail "register on K01 ($i)"; done
: >"$T/reg.err"
$CD --store "$K1" --user admin kit status >"$T/status" 2>&1
expect_grep "K01 has 2 of 10 person numbers left" "P-TBS-001003..P-TBS-001012  (2 of 10 left)" "$T/status"
person "$K1" >/dev/null 2>&1
expect_grep "and warns at a fifth left" "numbers P-TBS-NNNNNN left" "$T/reg.err"
expect_rc "K01 syncs with a fifth left" 0 $CD --store "$K1" --user admin sync
expect_grep "and leases the next person block, above K02's" "leased from the national tier: P-TBS-001023..P-TBS-001032" "$T/out"
expect_grep "and the next case block" "leased from the national tier: RP-TBS-2026-001023..RP-TBS-2026-001032" "$T/out"
expect_eq "the kit holds it" "$(q "$K1" "SELECT count(*) FROM number_blocks WHERE series = 'person' AND first = 1023 AND last = 1032")" 1
expect_eq "the tier too, for K01" "$(nat "SELECT holder_name FROM number_blocks WHERE prefix = 'P' AND first = 1023")" K01
for i in 1 2 3; do person "$K1" >/dev/null || fail "register on K01 past its first block" "$(tail -2 "$T/reg.err")"; done
expect_eq "the kit numbers on into its new block" "$(q "$K1" "SELECT max(number) FROM person")" "P-TBS-001024"
expect_rc "and its sync is accepted" 0 $CD --store "$K1" --user admin sync
expect_eq "nothing waits" "$(unsent "$K1")" 0

# ---- a spent kit refuses, saying how to get more
K3=$T/k03.casedesk
$CD --store "$O" --user admin kit new "$K3" --office TBS --block 1 --name K03 >/dev/null 2>&1 || fail "kit new K03"
person "$K3" >/dev/null || fail "register on K03"
expect_rc "a spent kit refuses a new person" 4 $CD --store "$K3" --user clerk person add --surname Spent --given Kit --dob 1980 --sex M --nationality UKR
expect_grep "saying how to get more: sync, or kit topup" "or sync" "$T/err"
expect_rc "a sync tops it up" 0 $CD --store "$K3" --user admin sync
expect_rc "and it registers again" 0 $CD --store "$K3" --user clerk person add --surname Spent --given Kit --dob 1980 --sex M --nationality UKR

# ---- next year's block from 1 December, used after New Year without a sync
CASEDESK_TODAY=2026-11-30 $CD --store "$K2" --user admin sync >"$T/out" 2>&1
expect_eq "no 2027 block on 30 November" "$(grep -c 'RP-TBS-2027' "$T/out")" 0
CASEDESK_TODAY=2026-12-01 $CD --store "$K2" --user admin sync >"$T/out" 2>&1
expect_grep "on 1 December the sync leases next year's case numbers" "leased from the national tier: RP-TBS-2027-000001..RP-TBS-2027-000010" "$T/out"
expect_eq "case numbers only for the new year" "$(grep -c ': P-TBS-' "$T/out")" 0
CASEDESK_TODAY=2026-12-05 $CD --store "$K2" --user admin sync >"$T/out" 2>&1
expect_eq "once: the next sync leases none" "$(grep -c 'leased from the national tier' "$T/out")" 0
pk=$(CASEDESK_TODAY=2027-01-02 $CD --store "$K2" --user clerk person add --surname Newyear --given Eve --dob 1990 --sex F --nationality UKR)
expect_rc "offline over New Year, the kit numbers a case for 2027" 0 env CASEDESK_TODAY=2027-01-02 $CD --store "$K2" --user caseworker case new residence --person "$pk"
expect_grep "from its 2027 block" "RP-TBS-2027-000001" "$T/out"
expect_rc "which the tier accepts" 0 env CASEDESK_TODAY=2027-01-03 $CD --store "$K2" --user admin sync
expect_eq "the tier holds the 2027 case" "$(nat "SELECT count(*) FROM cases WHERE number = 'RP-TBS-2027-000001'")" 1

# ---- kit return: void ops through the op log to the tier
expect_rc "K02 returns its unused numbers" 0 $CD --store "$K2" --user admin kit return --office-store "$O"
expect_eq "one void op a returned range, in the op log" "$(q "$K2" "SELECT count(*) FROM outbox WHERE entity = 'number_block' AND op = 'void'")" \
	"$(q "$K2" "SELECT count(*) FROM event WHERE kind = 'void'")"
expect_eq "waiting to be sent" "$(q "$K2" "SELECT count(*) FROM outbox_state WHERE op = 'void' AND sent_at IS NULL")" \
	"$(q "$K2" "SELECT count(*) FROM event WHERE kind = 'void'")"
expect_rc "a bundle of the kit's ops" 0 $CD --store "$K2" --user admin bundle export -o "$T/k2.bundle"
expect_eq "carries the void ops too" "$(grep -c '"number_block".*"void"\|"void".*"number_block"' "$T/k2.bundle")" \
	"$(q "$K2" "SELECT count(*) FROM event WHERE kind = 'void'")"
expect_rc "the return reaches the tier at sync" 0 env CASEDESK_TODAY=2027-01-03 $CD --store "$K2" --user admin sync
expect_eq "the tier records the ranges void" \
	"$(nat "SELECT string_agg(prefix || ':' || year || ':' || first || '-' || last, ',' ORDER BY prefix, year) FROM number_voids WHERE holder_name = 'K02' AND prefix IN ('P', 'RP')")" \
	"P:0:1016-1022,RP:2026:1015-1022,RP:2027:2-10"
expect_eq "and marks K02's blocks returned, all nine (five series, two years)" \
	"$(nat "SELECT count(*) FROM number_blocks WHERE holder_name = 'K02' AND returned IS NOT NULL")" 9
expect_rc "the office's own return ops are taken too, once" 0 $CD --store "$O" --user admin sync
expect_eq "no range recorded twice" "$(nat "SELECT count(*) FROM number_voids")" 9

# ---- the tier refuses wrong numbers; the store keeps the ops unsent
K4=$T/k04.casedesk
$CD --store "$O" --user admin kit new "$K4" --office TBS --block 10 --name K04 >/dev/null 2>&1 || fail "kit new K04"
P4=$(person "$K4")
forge "$K4" P-TBS-000900
W=$(unsent "$K4")
expect_rc "a kit's number outside its blocks is refused by the tier" 4 $CD --store "$K4" --user admin sync
expect_grep "saying why" "number P-TBS-000900 lies outside every block of numbers this store was leased" "$T/err"
expect_eq "and the store's ops stay unsent, nothing lost" "$(unsent "$K4")" "$W"
expect_eq "the tier took none of the batch" "$(nat "SELECT count(*) FROM persons WHERE number IN ('$P4', 'P-TBS-000900')")" 0

K5=$T/k05.casedesk
$CD --store "$O" --user admin kit new "$K5" --office TBS --block 10 --name K05 >/dev/null 2>&1 || fail "kit new K05"
P5=$(person "$K5")
expect_rc "K05 syncs its person" 0 $CD --store "$K5" --user admin sync
forge "$K5" "$P5"
expect_rc "a number issued twice is refused by the tier" 4 $CD --store "$K5" --user admin sync
expect_grep "saying why" "number $P5 is issued already, to another person: a number is never issued twice" "$T/err"
expect_eq "and the op stays unsent" "$(unsent "$K5")" 1
expect_eq "the tier holds the number once" "$(nat "SELECT count(*) FROM persons WHERE number = '$P5'")" 1

forge "$K2" P-TBS-001020
expect_rc "a void number is refused by the tier" 4 env CASEDESK_TODAY=2027-01-03 $CD --store "$K2" --user admin sync
expect_grep "saying why" "number P-TBS-001020 was returned unused (by K02) and is void" "$T/err"
expect_eq "and stays unsent" "$(unsent "$K2")" 1

# ---- the office's own block spent: refused, and a sync leases the next
sqlite3 "$O" "UPDATE counters SET value = 1002 WHERE name = 'person'"
expect_rc "an office whose own block is spent refuses a new person" 4 $CD --store "$O" --user clerk person add --surname Office --given Spent --dob 1980 --sex M --nationality UKR
expect_grep "saying to sync" "takes its numbers P-TBS-NNNNNN from blocks leased by the national tier, and holds no unused one: run \`casedesk sync\`" "$T/err"
expect_rc "the office's sync" 0 $CD --store "$O" --user admin sync
NEXT=$(nat "SELECT first FROM number_blocks WHERE holder = '$(origin_of "$O")' AND prefix = 'P' ORDER BY first DESC LIMIT 1")
expect_eq "leases its next block above every kit's" "$(nat "SELECT max(last) < $NEXT FROM number_blocks WHERE prefix = 'P' AND holder <> '$(origin_of "$O")'")" t
expect_grep "and says so" "leased from the national tier: P-TBS-00$NEXT" "$T/out"
expect_eq "the office numbers on in it" "$(person "$O")" "P-TBS-00$NEXT"
expect_rc "accepted by the tier" 0 $CD --store "$O" --user admin sync

# ---- an office without a tier works as before
F=$T/offline.casedesk
FK=$T/offline-kit.casedesk
$CD --store "$F" init --office OFL --training >/dev/null 2>&1 || fail "init OFL"
person "$F" >/dev/null
expect_rc "an office with no national database leases a kit from its own numbers" 0 $CD --store "$F" --user admin kit new "$FK" --office OFL --block 5
expect_grep "after its own" "P-OFL-000002..P-OFL-000006" "$T/out"
expect_eq "and says nothing of a tier" "$(grep -c 'national tier' "$T/out")" 0
person "$FK" >/dev/null || fail "register on the offline kit"
expect_eq "the kit registers" "$(q "$FK" "SELECT number FROM person")" P-OFL-000002
expect_eq "the office skips the kit's block" "$(person "$F")" P-OFL-000007
expect_rc "and the offline kit returns its numbers" 0 $CD --store "$FK" --user admin kit return --office-store "$F"
expect_rc "a sync of a kit with no tier fails in words" 2 $CD --store "$FK" --user admin sync
expect_grep "naming what to do" "names no national database" "$T/err"
