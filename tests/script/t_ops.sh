#!/bin/sh
# t_ops.sh - the op log through the real binary (issue 15, deliverable 3): `ops list` and
# `ops show` for an admin only, the list without personal data, `show` only with a purpose
# and audited; ops hold against sqlite3 on the file; `store check` finds a gap in the
# numbering made by hand in a training store and refuses changes until it is whole.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02
cli() { "$CD" --store "$S" "$@"; }
q() { sqlite3 "$S" "$1"; }
attempt() {
	if sqlite3 "$S" "$2" >"$T/sq.out" 2>&1; then fail "refused by the store: $1" "sqlite3 accepted: $2"
	else pass "refused by the store: $1"; fi
}

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
P=$(cli --user clerk person add --surname Ковальчук --given Ірина --dob 1991-07-04 --sex F --nationality UKR)
cli --user caseworker person correct "$P" --field surname --value Коваленко --reason "passport seen" >/dev/null
C=$(cli --user clerk case new residence --person "$P")

expect_rc "ops list as an admin" 0 cli --user admin ops list
expect_grep "the list has the correction" "person     update" "$T/out"
if grep -q "Коваль" "$T/out"; then fail "the list carries no personal data" "$(cat "$T/out")"
else pass "the list carries no personal data"; fi
expect_rc "ops list is refused to a caseworker" 4 cli --user caseworker ops list
expect_rc "ops list --unsent --json" 0 cli --user admin --json ops list --unsent
expect_eq "every op is waiting, as valid JSON" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out")" \
	"$(q "SELECT count(*) FROM outbox")"
q "UPDATE outbox SET sent_at = '2026-03-02T10:00:00Z' WHERE origin_seq = 1"
cli --user admin --json ops list --unsent >"$T/unsent.json"
expect_eq "a sent op is not listed with --unsent" "$(python3 -c 'import json,sys; print(min(o["seq"] for o in json.load(open(sys.argv[1]))))' "$T/unsent.json")" 2

U=$(q "SELECT uuid FROM outbox WHERE entity = 'person' AND op = 'update'")
expect_rc "ops show without a purpose is refused" 6 cli --user admin ops show "$U"
expect_rc "ops show with a purpose" 0 cli --user admin --purpose "sync support ticket 7" ops show "$U"
expect_grep "show has the old value" "Ковальчук" "$T/out"
expect_grep "show has the base version" '"base":1' "$T/out"
expect_eq "the read is audited with its purpose" \
	"$(q "SELECT count(*) FROM audit WHERE action = 'read' AND purpose = 'sync support ticket 7' AND entity_uuid = (SELECT uuid FROM person)")" 1
expect_rc "ops show --json" 0 cli --user admin --purpose "sync support" --json ops show "$U"
expect_eq "its payload is JSON inside the op" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["payload"]["fields"]["surname"]["new"])' "$T/out")" "Коваленко"
expect_rc "an unknown op" 3 cli --user admin --purpose "x" ops show 01234567-0000-7000-8000-000000000000

# ---- the rules hold against sqlite3 -------------------------------------------------------------
attempt "an op's payload is not rewritten" "UPDATE outbox SET payload = '{}' WHERE origin_seq = 2"
attempt "an op is not deleted" "DELETE FROM outbox WHERE origin_seq = 2"
attempt "an op is not renumbered" "UPDATE outbox SET origin_seq = 99 WHERE origin_seq = 2"
attempt "a sent op is not sent again" "UPDATE outbox SET sent_at = 'later' WHERE origin_seq = 1"
attempt "a row version does not go down" "UPDATE cases SET row_version = 0"

# ---- store check and a gap made by hand -----------------------------------------------------------
expect_rc "store check with whole numbering" 0 cli --user admin store check
N=$(q "SELECT max(origin_seq) FROM outbox")
q "DROP TRIGGER outbox_no_delete; DELETE FROM outbox WHERE origin_seq = 2"
expect_rc "store check finds the gap" 7 cli --user admin store check
expect_grep "and says where" "numbering is broken from op 2" "$T/err"
expect_rc "a damaged store takes no change" 7 cli --user clerk person add --surname Test --given T --dob 1990 --sex M --nationality GEO
expect_eq "no op was added" "$(q "SELECT max(origin_seq) FROM outbox")" "$N"
