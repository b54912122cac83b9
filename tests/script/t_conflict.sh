#!/bin/sh
# t_conflict.sh - the conflict queue through the real binary (issue 15, deliverable 5):
# `conflict list|show|resolve` for supervisors only; keep ours, take theirs or a typed value,
# each with a reason, each an op of its own ("resolve") in the op log; a conflict is resolved
# once; the queue holds against sqlite3 on the file.  No command here applies another
# store's ops yet (sync and bundle import call op_apply; tests/unit/test_apply.c queues real
# conflicts), so the open conflicts are queued with sqlite3, as apply.c writes them.
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
P=$(cli --user clerk person add --surname Ivanova --given Anna --dob 1991-07-04 --sex F --nationality UKR \
	--birth-place Lviv)
U=$(q "SELECT uuid FROM person")
queue() {   # queue FIELD BASE THEIRS OURS [OP]: an open conflict from office KIT on the person
	q "INSERT INTO conflicts(uuid, entity, entity_uuid, field, base, theirs, ours, op_uuid, origin, origin_office, at)
	   VALUES (lower(hex(randomblob(16))), 'person', '$U', '$1', '$2', '$3', '$4', '${5:-op-$1}', 'kit-origin', 'KIT',
	   '2026-03-02T10:00:00Z')"
}
queue birth_place null '"Kyiv"' '"Lviv"'
queue given '"Anna"' '"Hanna"' '"Anna"'
queue surname '"Ivanova"' '"Ivanova-Petrova"' '"Ivanova"'

expect_rc "conflict list is refused to a caseworker" 4 cli --user caseworker conflict list
expect_rc "conflict list as a supervisor" 0 cli --user supervisor conflict list
expect_grep "the list shows field, base, theirs, ours and who" 'birth_place *null *"Kyiv" *"Lviv" *KIT' "$T/out"
expect_eq "three open" "$(grep -c '^[0-9]' "$T/out")" 3
expect_eq "the listing is audited" "$(q "SELECT count(*) FROM audit WHERE purpose = 'conflict review'")" 3
expect_rc "conflict show 1" 0 cli --user supervisor conflict show 1
expect_grep "show names the person" "$P" "$T/out"
expect_rc "conflict list --json" 0 cli --user supervisor --json conflict list
expect_eq "the JSON has the values as JSON" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[0]["theirs"], d[0]["ours"], d[0]["base"])' "$T/out")" \
	"Kyiv Lviv None"

expect_rc "a resolution needs a reason" 6 cli --user supervisor conflict resolve 1 --keep theirs
expect_rc "--keep and --value together is a usage error" 2 cli --user supervisor conflict resolve 1 --keep ours \
	--value X --reason r
expect_rc "a caseworker may not resolve" 4 cli --user caseworker conflict resolve 1 --keep theirs --reason seen
OPS=$(q "SELECT count(*) FROM outbox")
expect_rc "take theirs" 0 cli --user supervisor conflict resolve 1 --keep theirs --reason "passport says Kyiv"
expect_eq "theirs is written" "$(q "SELECT birth_place FROM person")" Kyiv
expect_eq "the resolution is an op" "$(q "SELECT op || ' ' || json_extract(payload, '$.fields.birth_place.old') || '>'
	|| json_extract(payload, '$.fields.birth_place.new') FROM outbox ORDER BY origin_seq DESC LIMIT 1")" "resolve Lviv>Kyiv"
expect_eq "one op more" "$(q "SELECT count(*) FROM outbox")" $((OPS + 1))
expect_eq "the conflict names its op" "$(q "SELECT resolution_op = (SELECT uuid FROM outbox ORDER BY origin_seq DESC
	LIMIT 1) FROM conflicts WHERE id = 1")" 1
expect_rc "a resolved conflict is not resolved again" 4 cli --user supervisor conflict resolve 1 --keep ours --reason x
expect_rc "keep ours" 0 cli --user supervisor conflict resolve 2 --keep ours --reason "Anna is right"
expect_eq "ours stays" "$(q "SELECT given FROM person")" Anna
expect_eq "keeping ours is an op too, from theirs to ours" "$(q "SELECT json_extract(payload, '$.fields.given.old') || '>'
	|| json_extract(payload, '$.fields.given.new') FROM outbox ORDER BY origin_seq DESC LIMIT 1")" "Hanna>Anna"
expect_rc "a typed value" 0 cli --user supervisor conflict resolve 3 --value Petrova --reason "married name"
expect_eq "the typed value is written" "$(q "SELECT surname FROM person")" Petrova
expect_eq "and in the search index" "$(q "SELECT count(*) FROM person_fts WHERE person_fts MATCH 'Petrova'")" 1
expect_eq "  its Latin form follows, as in a correction (an op of its own), and the search finds it" \
	"$(q "SELECT surname_latin FROM person") $(q "SELECT count(*) FROM outbox WHERE op = 'update' AND json_extract(payload, '$.fields.surname_latin.new') = 'PETROVA'") $(cli --user clerk search Petrova | grep -c "$P")" \
	"PETROVA 1 1"
expect_rc "nothing open" 0 cli --user supervisor conflict list
expect_grep "the queue is empty" "no open conflict" "$T/out"
expect_rc "--all lists the resolved" 0 cli --user supervisor conflict list --all
expect_eq "three resolved" "$(grep -c 'resolved' "$T/out")" 3
expect_rc "an unknown conflict" 3 cli --user supervisor conflict show 99

# A surname and its Latin spelling changed in one edit are a pair: one decision settles both
# (else the person would keep a surname from one office and its spelling from the other).
LAT=$(q "SELECT surname_latin FROM person")
queue surname '"Petrova"' '"Petrenko"' '"Petrova"' op-rename
queue surname_latin "\"$LAT\"" '"PETRENKO"' "\"$LAT\"" op-rename
queue surname_latin '"X"' '"Y"' "\"$LAT\"" op-other
OPS=$(q "SELECT count(*) FROM outbox")
expect_rc "take theirs on the surname" 0 cli --user supervisor conflict resolve 4 --keep theirs --reason "new passport"
expect_grep "  says its pair was settled too" "conflict 5 on surname_latin, raised by the same change, resolved the same way" "$T/out"
expect_eq "  both written, both closed, an op each, the other change's conflict left open" \
	"$(q "SELECT surname || ' ' || surname_latin FROM person") $(q "SELECT group_concat(id || ':' || coalesce(resolution, 'open'), ',') FROM conflicts WHERE id >= 4") $(($(q "SELECT count(*) FROM outbox") - OPS))" \
	"Petrenko PETRENKO 4:theirs,5:theirs,6:open 2"
queue given '"Anna"' '"Hanna"' '"Anna"' op-given
queue given_latin '"ANNA"' '"HANNA"' '"ANNA"' op-given
expect_rc "a typed given name" 0 cli --user supervisor conflict resolve 7 --value Ganna --reason "as in the passport"
expect_grep "  says its Latin spelling was settled with the name's ICAO form" "conflict 8 on given_latin, raised by the same change, resolved with the name's Latin form GANNA" "$T/out"
expect_eq "  both closed, typed; the person found by the new name" \
	"$(q "SELECT group_concat(id || ':' || coalesce(resolution, 'open'), ',') FROM conflicts WHERE id >= 7") $(q "SELECT given || ' ' || given_latin FROM person") $(cli --user clerk search "Petrenko Ganna" | grep -c "$P")" \
	"7:typed,8:typed Ganna GANNA 1"
queue surname_latin '"PETRENKO"' '"PETRENKOVA"' '"PETRENKO"' op-latin
queue surname '"Petrenko"' '"Petrenkova"' '"Petrenko"' op-latin
expect_rc "a typed Latin spelling" 0 cli --user supervisor conflict resolve 9 --value PETRENKO --reason "ICAO as in the passport"
expect_grep "  leaves the name open, and says how to settle it" "conflict 10 on surname, raised by the same change, is still open" "$T/out"
expect_eq "  only the typed one closed" "$(q "SELECT group_concat(id || ':' || coalesce(resolution, 'open'), ',') FROM conflicts WHERE id >= 9")" "9:typed,10:open"
# A number never changes once issued: a number conflict keeps this store's.
queue number '"P-TBS-000001"' '"P-TBS-000777"' '"P-TBS-000001"' op-number
NID=$(q "SELECT id FROM conflicts WHERE field = 'number'")
expect_rc "a number conflict is not resolved by taking theirs" 4 cli --user supervisor conflict resolve "$NID" --keep theirs --reason "theirs"
expect_grep "  in words, saying what to do" "a number never changes once issued: keep this store's (--keep ours)" "$T/err"
expect_rc "  nor by a typed number" 4 cli --user supervisor conflict resolve "$NID" --value P-TBS-000999 --reason "typed"
expect_eq "  the number unchanged, the conflict open" "$(q "SELECT number FROM person") $(q "SELECT resolved_at IS NULL FROM conflicts WHERE id = $NID")" "$P 1"
expect_rc "  keeping ours settles it" 0 cli --user supervisor conflict resolve "$NID" --keep ours --reason "our number was issued first"

attempt "a resolved conflict's value" "UPDATE conflicts SET resolved_value = '\"X\"' WHERE id = 1"
attempt "what a conflict is about" "UPDATE conflicts SET theirs = '\"X\"' WHERE id = 1"
attempt "a conflict deleted" "DELETE FROM conflicts WHERE id = 1"
attempt "a conflict queued resolved" "INSERT INTO conflicts(uuid, entity, entity_uuid, field, op_uuid, origin, at,
	resolved_at) VALUES ('x', 'person', '$U', 'sex', 'o', 'k', 't', 't')"
queue sex '"F"' '"X"' '"F"'
attempt "a resolution by a caseworker" "UPDATE conflicts SET resolved_by = 'caseworker', resolved_at = 't',
	resolution = 'ours', reason = 'r' WHERE field = 'sex'"
attempt "a resolution without a reason" "UPDATE conflicts SET resolved_by = 'supervisor', resolved_at = 't',
	resolution = 'ours' WHERE field = 'sex'"
attempt "an applied op deleted" "INSERT INTO applied_ops VALUES ('u', 'o', 1, 't', 'applied', NULL);
	DELETE FROM applied_ops"
attempt "a high-water mark lowered" "INSERT INTO origins VALUES ('o', 'KIT', 5); UPDATE origins SET high_water = 4"
