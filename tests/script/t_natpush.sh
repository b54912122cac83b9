#!/bin/sh
# t_natpush.sh - the push's meaning under its set-based path (national schema 3,
# cd_push_staged; since schema 8 cd_push_stage and cd_push_batch, what `sync` sends) against
# a real PostgreSQL: ONE batch that mixes ops already on the tier
# (sent by a copy of the store, as after a crash between the commit and the mark) with new
# ones; a person created and corrected, a case opened and moved three times in that batch
# (each row written once, row_version counting the ops that changed it); a field changed on
# the tier meanwhile, followed in the same batch by another op on that row (the conflict
# keeps the tier's value and records ours, the other field still applies); the same batch
# sent again changes nothing.
. tests/script/lib.sh
. tests/script/pg_lib.sh

pg_start
pg_createdb national
DB=$(pg_conninfo national)
export CASEDESK_TODAY=2026-03-02
A=$T/tbs.casedesk
nat() { pg_sql national "$1"; }
ops_of() { sqlite3 "$1" "SELECT count(*) FROM outbox"; }
"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }
"$CD" --store "$A" init --office TBS --training >/dev/null || { fail "init"; exit 0; }

P=$("$CD" --store "$A" --user clerk person add --surname Beridze --given Nino --dob 1988 --sex F --nationality GEO)
expect_rc "a first sync" 0 "$CD" --store "$A" --user admin sync --db "$DB"
BASE=$(ops_of "$A")

# The tier's value moves on (another office's change, written here by hand).
nat "UPDATE persons SET surname = 'Beridze-Tier', row_version = row_version + 1 WHERE number = '$P'" >/dev/null
# Ops 1..k of the batch: reach the tier through a copy of the store (committed, never marked here).
"$CD" --store "$A" --user caseworker person correct "$P" --field surname --value Beridse --reason "passport" >/dev/null
"$CD" --store "$A" --user caseworker person correct "$P" --field given --value Nina --reason "passport" >/dev/null
Q=$("$CD" --store "$A" --user clerk person add --surname Lomidze --given Tamar --dob 1995 --sex F --nationality GEO)
cp "$A" "$T/copy.casedesk"
expect_rc "the copy pushes the first ops" 0 "$CD" --store "$T/copy.casedesk" --user admin sync --db "$DB"
FIRST=$(nat 'SELECT count(*) FROM ops')
# The rest: new ops in the same batch as those.
"$CD" --store "$A" --user caseworker person correct "$Q" --field given --value Tamara --reason "passport" >/dev/null
C=$("$CD" --store "$A" --user clerk case new residence --person "$Q")
"$CD" --store "$A" --user caseworker case move "$C" request_documents --set missing_documents=passport \
	--set documents_due=2026-04-01 >/dev/null 2>&1
"$CD" --store "$A" --user caseworker case move "$C" documents_received >/dev/null 2>&1
"$CD" --store "$A" --user caseworker case move "$C" request_documents --set missing_documents=visa \
	--set documents_due=2026-05-01 >/dev/null 2>&1
ALL=$(ops_of "$A")
NEW=$((ALL - FIRST))
[ "$NEW" -ge 5 ] || fail "the store made the ops this test needs" "only $NEW ops after the copy's"
cp "$A" "$T/before.casedesk"

expect_rc "one batch of ops already there and new ones" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_grep "counts each once" " $((ALL - BASE)) ops sent ($NEW new to the national tier, $((ALL - BASE - NEW)) already there)" "$T/out"
expect_eq "the tier holds every op once" "$(nat "SELECT count(*) || ',' || count(DISTINCT uuid) FROM ops")" "$ALL,$ALL"
# (row_version 4: the tier's change, the surname op's surname_latin, which the tier had not changed, and the given name)
expect_eq "the conflict kept the tier's value, the other fields applied" \
	"$(nat "SELECT surname || ' ' || surname_latin || ' ' || given || ' ' || row_version FROM persons WHERE number = '$P'")" \
	"Beridze-Tier BERIDSE Nina 4"
expect_eq "the conflict records base, theirs and ours, once" \
	"$(nat "SELECT count(*) || ':' || min(base #>> '{}') || '|' || min(theirs #>> '{}') || '|' || min(ours #>> '{}') FROM conflicts")" \
	"1:Beridze|Beridze-Tier|Beridse"
expect_eq "a person created and corrected in one batch: the last value, row_version 2" \
	"$(nat "SELECT given || ' ' || row_version FROM persons WHERE number = '$Q'")" "Tamara 2"
expect_eq "a case opened and moved three times in it: the last state, row_version 4" \
	"$(nat "SELECT state || ' ' || row_version FROM cases WHERE number = '$C'")" "awaiting_documents 4"
expect_eq "the high-water mark is the last op" \
	"$(nat "SELECT high_water FROM origins WHERE office = 'TBS'")" "$ALL"
expect_eq "every op is marked sent" "$(sqlite3 "$A" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')" 0

# The same batch again (the store from before the sync): nothing changes on the tier.
SNAP="SELECT (SELECT count(*) FROM ops) || ',' || (SELECT count(*) FROM conflicts) || ',' ||
	(SELECT string_agg(number || ':' || row_version, ';' ORDER BY number) FROM persons) || ',' ||
	(SELECT string_agg(number || ':' || state || ':' || row_version, ';' ORDER BY number) FROM cases)"
S1=$(nat "$SNAP")
expect_rc "the same batch sent again" 0 "$CD" --store "$T/before.casedesk" --user admin sync --db "$DB"
expect_grep "is taken as already there" "(0 new to the national tier, $((ALL - BASE)) already there), 0 conflicts" "$T/out"
expect_eq "and changes nothing on the tier" "$(nat "$SNAP")" "$S1"

# The same ops through schema 2's cd_push (one op at a time, as before schema 3) on a second
# database, in the same batches with the same change on the tier between them: the same rows,
# row versions and conflicts.
pg_createdb old
"$CD" national init --db "$(pg_conninfo old)" >/dev/null
batch() {
	sqlite3 "$A" "SELECT json_group_array(json_object('uuid', uuid, 'seq', origin_seq, 'at', at, 'entity', entity,
	 'entity_uuid', entity_uuid, 'op', op, 'payload', json(payload))) FROM (SELECT * FROM outbox
	 WHERE origin = '$ORIGIN' AND origin_seq BETWEEN $1 AND $2 ORDER BY origin_seq)" >"$T/batch.json"
	pg_sql old "SELECT inserted FROM cd_push('$ORIGIN', 'TBS', 'TBS', 'office', '$(sed "s/'/''/g" "$T/batch.json")'::jsonb)" >/dev/null
}
ORIGIN=$(sqlite3 "$A" "SELECT value FROM settings WHERE key = 'store_uuid'")
batch 1 "$BASE"
pg_sql old "UPDATE persons SET surname = 'Beridze-Tier', row_version = row_version + 1 WHERE number = '$P'" >/dev/null
batch $((BASE + 1)) "$FIRST"
batch 1 "$ALL"
ROWS="SELECT (SELECT string_agg(concat_ws('|', number, surname, given, surname_latin, given_latin, dob, nationality, sex,
	birth_place, origin_office, row_version), ';' ORDER BY number) FROM persons) || ',' || (SELECT string_agg(concat_ws('|',
	number, office, workflow, workflow_version, state, person_uuid, row_version), ';' ORDER BY number) FROM cases) || ',' ||
	(SELECT string_agg(concat_ws('|', entity, entity_uuid, field, base, theirs, ours, op_uuid), ';' ORDER BY op_uuid, field)
	FROM conflicts)"
expect_eq "schema 2's push, op by op, gives the same rows and conflicts" "$(pg_sql old "$ROWS")" "$(nat "$ROWS")"

# A batch that does not follow its own numbers is refused whole (CD002), nothing kept.
nat "BEGIN; SELECT cd_push_prepare();
 INSERT INTO cd_stage VALUES (0, gen_random_uuid(), $((ALL + 1)), now(), 'person', gen_random_uuid()::text, 'insert', '{}', NULL),
  (1, gen_random_uuid(), $((ALL + 3)), now(), 'person', gen_random_uuid()::text, 'insert', '{}', NULL);
 SELECT * FROM cd_push_staged('$ORIGIN', 'TBS', 'TBS', 'office'); COMMIT" >/dev/null 2>"$T/pgerr"
expect_grep "a gap inside a batch is refused" "must follow each other: op $((ALL + 3)) came where $((ALL + 2)) was due" "$T/pgerr"
expect_eq "and nothing of it is kept" "$(nat 'SELECT count(*) FROM ops')" "$ALL"
# The same through the push casedesk sends now (schema 8: staged outside the lock, applied under it).
nat "BEGIN; SELECT cd_push_prepare8();
 INSERT INTO cd_batch VALUES (0, gen_random_uuid(), $((ALL + 1)), now(), 'person', gen_random_uuid()::text, 'insert', '{}', NULL),
  (1, gen_random_uuid(), $((ALL + 3)), now(), 'person', gen_random_uuid()::text, 'insert', '{}', NULL);
 SELECT cd_push_stage('TBS'); SELECT * FROM cd_push_batch('$ORIGIN', 'TBS', 'TBS', 'office'); COMMIT" >/dev/null 2>"$T/pgerr"
expect_grep "schema 8: a gap inside a batch is refused" "must follow each other: op $((ALL + 3)) came where $((ALL + 2)) was due" "$T/pgerr"
expect_eq "schema 8: and nothing of it is kept" "$(nat 'SELECT count(*) FROM ops')" "$ALL"
# The push stages the batch itself, in the same call: working tables the login changed
# before it (a high-water mark 1,000 ahead, a forged name) count for nothing.
P1=$(nat "SELECT gen_random_uuid()")
# (A number inside the store's block: the tier checks it as any other.)
N1=$(nat "SELECT 'P-TBS-' || lpad((b.last)::text, 6, '0') FROM number_blocks b WHERE b.holder = '$ORIGIN' AND b.prefix = 'P'
 ORDER BY b.last DESC LIMIT 1")
nat "BEGIN; SELECT cd_push_prepare8();
 INSERT INTO cd_batch VALUES (0, gen_random_uuid(), $((ALL + 1)), now(), 'person', '$P1', 'insert',
  '{\"fields\": {\"number\": {\"old\": null, \"new\": \"$N1\"}, \"surname\": {\"old\": null, \"new\": \"Real\"}}}', NULL);
 SELECT cd_push_stage('TBS');
 UPDATE cd_meta SET last_seq = last_seq + 1000;
 UPDATE cd_ent SET newrow = jsonb_set(newrow, '{surname}', '\"Forged\"');
 SELECT * FROM cd_push_batch('$ORIGIN', 'TBS', 'TBS', 'office'); COMMIT" >/dev/null 2>"$T/pgerr"
expect_eq "schema 8: the working tables the login changed count for nothing" \
	"$(nat "SELECT (SELECT surname FROM persons WHERE uuid = '$P1'), (SELECT high_water FROM origins WHERE store_uuid = '$ORIGIN')")" \
	"Real|$((ALL + 1))"

# A kit that calls itself an office stays a kit to the tier (the kind its lease recorded):
# an office may number below its first block, a kit never (hostile16 found the kind taken
# from each push, so that a kit's number below its block went through).
KIT=$(nat "SELECT gen_random_uuid()")
nat "SELECT o_first FROM cd_lease(gen_random_uuid(), '$KIT', 'TBS', 'K07', 'kit', 'P', 0, 100, 500)" >/dev/null
nat "BEGIN; SELECT cd_push_prepare8();
 INSERT INTO cd_batch VALUES (0, gen_random_uuid(), 1, now(), 'person', gen_random_uuid()::text, 'insert',
  '{\"fields\": {\"number\": {\"old\": null, \"new\": \"P-TBS-000011\"}, \"surname\": {\"old\": null, \"new\": \"Below\"}}}', NULL);
 SELECT * FROM cd_push_batch('$KIT', 'TBS', 'K07', 'office'); COMMIT" >/dev/null 2>"$T/pgerr"
expect_grep "a kit calling itself an office is refused a number below its block" "outside every block" "$T/pgerr"
expect_eq "  and stays a kit" "$(nat "SELECT kind FROM origins WHERE store_uuid = '$KIT'")" kit
