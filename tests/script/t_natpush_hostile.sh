#!/bin/sh
# t_natpush_hostile.sh - the national tier against what a tampered or broken store pushes
# (issue 15; hostile16 found the holes, tier7 closed them in national schema 9), on a real
# PostgreSQL, through psql as any client could and through the real binary from a store
# file changed by hand.  hostile16's other checks (the staging's working tables, the
# high-water mark, a case's person decided on its insert, the staging's locks, a kit
# calling itself an office, cd_push_tidy's search path) were closed on main and live in
# t_natpush.sh.  Each check here failed before schema 9:
#  1. an issued number comes back in another text form (a space, padding, a no-break
#     space, lower case) and was issued again: refused, CD016, naming the op and the form;
#  2. one uuid written two ways (upper case, hyphens elsewhere): an obscure error of the
#     staging, or two entities: refused, CD017 (the tier) or before sending (the client);
#  3. control characters (ESC, BEL, DEL, C1) in what an op carries reached the tier's
#     persons and every store that pulls: refused, CD018, naming the op and the field and
#     never the text; newline in a multi-line field, a backslash, U+2028 still taken;
#  4. a case moved to a person the tier does not hold failed the batch's COMMIT and every
#     later batch of the store: a conflict now, the case keeping the tier's person, until a
#     resolution after the person arrives moves it (and, from schema 11, whatever the
#     spelling of the person's uuid).
. tests/script/lib.sh
. tests/script/pg_lib.sh

export CASEDESK_TODAY=2026-03-04
pg_start
pg_createdb nat
DB=$(pg_conninfo nat)
"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }
ORIGIN=00000000-0000-7000-8000-00000000000a
ORIG="'$ORIGIN', 'TBS', 'TBS', 'office'"
P1=00000000-0001-7000-8000-000000000001
GHOST=00000000-0001-7000-8000-0000000000ff
ESC=$(printf '\033')

hw() { pg_sql "$1" "SELECT coalesce((SELECT high_water FROM origins WHERE store_uuid = '$ORIGIN'), 0)"; }
# Runs one batch (stdin: rows of cd_batch as INSERTs) in database $1 as casedesk sends it;
# prints the answer ("batch|inserted|conflicts|high_water") once committed, else the error.
push() {
	{
		echo "BEGIN; SELECT cd_push_prepare8();"
		cat
		echo "SELECT 'batch', inserted, conflicts, high_water FROM cd_push_batch($ORIG);"
		echo "COMMIT;"
	} | "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$(pg_conninfo "$1")" >"$T/push.out" 2>&1
	if grep -q ERROR "$T/push.out"; then grep -v '^batch' "$T/push.out"; else grep -v '^$' "$T/push.out"; fi
}
# row ORD SEQ ENTITY ENTITY_UUID OP PAYLOAD: one row of cd_batch (op uuid from SEQ and $OPU).
row() {
	printf '%s\n' "INSERT INTO cd_batch (ord, uuid, seq, at, entity, entity_uuid, op, payload, name_keys) VALUES ($1,\
 '00000000-${OPU:-0009}-7000-8000-$(printf %012x "$2")', $2, '2026-03-02T08:00:00Z', '$3', '$4', '$5', '$6', NULL);"
}
# pin DB UUID NUMBER-JSON [SURNAME-JSON]: a person's insert as the one op of a batch.
pin() {
	s=$(($(hw "$1") + 1))
	row 0 "$s" person "$2" insert "{\"fields\":{\"number\":{\"old\":null,\"new\":$3},\"surname\":{\"old\":null,\"new\":${4:-\"Beridze\"}}}}" |
		push "$1"
}
# one DB ENTITY UUID OP PAYLOAD: any op as the one op of a batch.
one() { row 0 $(($(hw "$1") + 1)) "$2" "$3" "$4" "$5" | push "$1"; }

case $(pin nat $P1 '"P-TBS-000001"') in
batch*) pass "a person numbered as casedesk numbers is taken" ;;
*) fail "the first person was not taken" "$(pin nat $P1 '"P-TBS-000001"')"; exit 0 ;;
esac

# ---- 1. an issued number in another text form ----------------------------------------------
P4=00000000-0001-7000-8000-000000000004
for num in '"P-TBS-000001 "' '"P-TBS-0000001"' '"P-TBS-000001\u00a0"' '"p-TBS-000001"' '"P-tbs-000001"' \
	'" P-TBS-000001"' '"P-TBS-+00001"' '1' 'null'; do
	out=$(pin nat $P4 "$num")
	case $out in
	*CD016*|*"is not written as casedesk issues numbers: P-OFFICE-NNNNNN is expected"*|*"without a number"*)
		pass "person number $num (person 1 holds P-TBS-000001) is refused" ;;
	*) fail "person number $num was not refused as a number no casedesk issues" "$out"
	   pg_sql nat "DELETE FROM persons WHERE uuid = '$P4'" >/dev/null 2>&1 ;;
	esac
done
s=$(($(hw nat) + 1))
out=$(row 0 "$s" case 00000000-0002-7000-8000-000000000004 insert "{\"fields\":{\"number\":{\"old\":null,\
\"new\":\"rp-TBS-2026-000001\"},\"person\":{\"old\":null,\"new\":\"$P1\"},\"workflow\":{\"old\":null,\"new\":\"residence\"},\
\"state\":{\"old\":null,\"new\":\"lodged\"}}}" | push nat)
case $out in
*"op $s of this store inserts a case whose number is not written"*"PREFIX-OFFICE-YYYY-NNNNNN is expected"*)
	pass "a case numbered rp-... is refused, naming the op ($s) and the form expected" ;;
*) fail "a case numbered rp-TBS-2026-000001 was not refused naming op $s" "$out" ;;
esac
expect_eq "  nothing of the refused batches reached the tier" \
	"$(pg_sql nat "SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM cases), (SELECT count(*) FROM ops)")" "1|0|1"
case $(pin nat 00000000-0001-7000-8000-000000000005 '"P-TBS-000002"') in
batch*) pass "P-TBS-000002 is taken" ;; *) fail "P-TBS-000002 was refused" ;; esac
case $(pin nat 00000000-0001-7000-8000-000000000006 '"P-TBS-1234567"') in
batch*) pass "a seven-digit number from 1,000,000 on is taken (P-TBS-1234567)" ;; *) fail "P-TBS-1234567 was refused" ;; esac

# ---- 2. one uuid written two ways ---------------------------------------------------------
UP=$(echo "$P1" | tr a-f A-F)
s=$(($(hw nat) + 1))
out=$(one nat person 00000000-0001-7000-8000-00000000000A update '{"fields":{"surname":{"old":"Beridze","new":"Nasser"}}}')
case $out in
*CD017*|*"op $s of this store names its person by a uuid not written as casedesk writes uuids"*)
	pass "an op naming its person in upper case is refused, naming the op ($s)" ;;
*) fail "an op naming its person in upper case was taken" "$out" ;;
esac
out=$(one nat person 0000-00000001-7000-8000-000000000001 update '{"fields":{"surname":{"old":"Beridze","new":"Nasser"}}}')
case $out in
*CD017*|*"not written as casedesk writes uuids"*) pass "an op naming its person with the hyphens elsewhere is refused" ;;
*) fail "an op naming person 1 with the hyphens elsewhere was taken" "$out" ;;
esac
expect_eq "  person 1 keeps its surname" "$(pg_sql nat "SELECT surname FROM persons WHERE uuid = '$P1'")" Beridze
out=$(one nat setting office.name update '{"fields":{"value":{"old":null,"new":"Tbilisi"}}}')
case $out in batch*) pass "a setting's op, named by its key, is taken" ;; *) fail "a setting's op was refused" "$out" ;; esac

# The real binary from a store whose file was changed by hand: both forms in one batch (the
# tier's staging would fail on them with a duplicate key) are refused before sending.
"$CD" --store "$T/s.casedesk" init --office TBS --training >/dev/null || { fail "init"; exit 0; }
"$CD" --store "$T/s.casedesk" --user admin person add --surname Beridze --given Nino --sex F --dob 1990-01-02 \
	--nationality GEO >/dev/null || { fail "person add"; exit 0; }
"$CD" --store "$T/s.casedesk" --user admin person add --surname Lomidze --given Levan --sex M --dob 1985 \
	--nationality GEO >/dev/null || { fail "person add"; exit 0; }
cp "$T/s.casedesk" "$T/clean.casedesk"
# tamper FILE SQL: what a hand with sqlite3 does to a store's op log.
tamper() { sqlite3 "$1" "DROP TRIGGER outbox_no_update; DROP TRIGGER outbox_sig_fixed; $2"; }
pg_createdb bin
BIN=$(pg_conninfo bin)
"$CD" national init --db "$BIN" >/dev/null || { fail "national init"; exit 0; }
tamper "$T/s.casedesk" "UPDATE outbox SET entity_uuid = (SELECT substr(o.entity_uuid, 1, 4) || '-' || substr(o.entity_uuid, 5, 4)
 || substr(o.entity_uuid, 10) FROM outbox o WHERE o.origin_seq = 1), entity = 'person', op = 'update',
 payload = '{\"fields\":{\"surname\":{\"base\":1,\"old\":\"Beridze\",\"new\":\"Nasser\"}}}' WHERE origin_seq = 2"
expect_rc "a store's op naming a uuid with the hyphens elsewhere: sync refuses (exit 4)" 4 \
	"$CD" --store "$T/s.casedesk" --user admin sync --db "$BIN"
expect_grep "  naming the op and what to do" \
	"op 2 of this store: its entity's uuid is not written as casedesk writes uuids.*Run \`casedesk store check\`" "$T/err"
expect_eq "  the tier got nothing" "$(pg_sql bin "SELECT count(*) FROM ops")" 0
cp "$T/clean.casedesk" "$T/u.casedesk"
tamper "$T/u.casedesk" "UPDATE outbox SET uuid = upper(uuid) WHERE origin_seq = 2"
expect_rc "an op whose own uuid is in upper case: sync refuses (exit 4)" 4 "$CD" --store "$T/u.casedesk" --user admin sync --db "$BIN"
expect_grep "  naming the op" "op 2 of this store: its uuid is not written as casedesk writes uuids" "$T/err"

# ---- 3. control characters ----------------------------------------------------------------
for c in 'ESC \u001b[31m' 'BEL \u0007' 'CR \r' 'newline \n' 'DEL \u007f' 'C1-CSI \u009b' 'C1-NEL \u0085'; do
	name=${c%% *} seq=${c#* }
	s=$(($(hw nat) + 1))
	out=$(pin nat 00000000-0001-7000-8000-000000000007 '"P-TBS-000007"' "\"Beri${seq}dze\"")
	case $out in
	*"op $s of this store: its field surname holds a control character (C0, DEL or C1)"*)
		case $out in
		*Beri*|*"$ESC"*) fail "the refusal of a surname with $name shows the text" "$out" ;;
		*) pass "a surname with $name is refused, naming the op ($s) and the field, not the text" ;;
		esac ;;
	*) fail "a surname with $name was not refused" "$out"
	   pg_sql nat "DELETE FROM persons WHERE uuid = '00000000-0001-7000-8000-000000000007'" >/dev/null 2>&1 ;;
	esac
done
s=$(($(hw nat) + 1))
out=$(one nat document 00000000-0003-7000-8000-000000000001 insert \
	'{"fields":{"person":{"old":null,"new":"'$P1'"},"issuer":{"old":null,"new":"GE\u001b]0;x\u0007O"}}}')
case $out in
*"op $s of this store: its field issuer holds a control character"*) pass "a document's field with an escape sequence is refused" ;;
*) fail "a document's field with an escape sequence was taken (every store pulling gets it)" "$out" ;;
esac
out=$(one nat case 00000000-0002-7000-8000-000000000009 transition '{"fields":{},"note":"ok\u001b[2J"}')
case $out in
*"its member note holds a control character"*) pass "a note with an escape sequence is refused" ;;
*) fail "a note with an escape sequence was taken" "$out" ;;
esac
out=$(one nat person "$P1" update '{"fields":{"sur\u001bname":{"old":null,"new":"x"}}}')
case $out in
*"its field name holds a control character"*) pass "a field name with ESC is refused without echoing it" ;;
*) fail "a field name with ESC: not refused as such" "$out" ;;
esac
out=$(pin nat 00000000-0001-7000-8000-000000000008 '"P-TBS-000008"' '"Back\\\\nslash\u2028Line"')
case $out in batch*) pass "a backslash before an n, and U+2028 (the stores take both at entry), are taken" ;;
*) fail "a surname with a backslash and U+2028 was refused" "$out" ;; esac
out=$(one nat case 00000000-0002-7000-8000-000000000009 update '{"fields":{"field.note":{"old":null,"new":"line 1\nline\t2"}},"note":"a\nb"}')
case $out in batch*) pass "newline and tab in a case's field and a note (multi-line, as at a desk) are taken" ;;
*) fail "newline and tab in a case's field were refused" "$out" ;; esac
expect_eq "  no persons row holds a control character" \
	"$(pg_sql nat "SELECT count(*) FROM persons WHERE surname ~ '[[:cntrl:]]'")" 0

cp "$T/clean.casedesk" "$T/c.casedesk"
tamper "$T/c.casedesk" "UPDATE outbox SET payload = replace(payload, '\"Lomidze\"', '\"Lom\\u001b[31midze\"') WHERE origin_seq = 2"
pg_createdb bin2
"$CD" national init --db "$(pg_conninfo bin2)" >/dev/null || { fail "national init"; exit 0; }
expect_rc "a store's surname with ESC: sync refuses (exit 4)" 4 "$CD" --store "$T/c.casedesk" --user admin sync --db "$(pg_conninfo bin2)"
expect_grep "  naming op 2 and the field, and what to do" \
	"op 2 of this store: its field surname holds a control character.*casedesk never writes such an op" "$T/err"
if grep -q "$ESC\|Lom" "$T/err"; then fail "  the message shows the text"; else pass "  the message shows nothing of the text"; fi

# ---- 4. a case moved to a person the tier does not hold -------------------------------------
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -T nat move || { fail "createdb move"; exit 0; }
C8=00000000-0002-7000-8000-000000000008
out=$(one move case $C8 insert "{\"fields\":{\"number\":{\"old\":null,\"new\":\"RP-TBS-2026-000008\"},\
\"person\":{\"old\":null,\"new\":\"$P1\"},\"workflow\":{\"old\":null,\"new\":\"residence\"},\
\"workflow_version\":{\"old\":null,\"new\":7},\"state\":{\"old\":null,\"new\":\"lodged\"}}}")
case $out in batch*) ;; *) fail "case 8 was not made" "$out"; exit 0 ;; esac
mv_seq=$(($(hw move) + 1))
out=$(one move case $C8 update "{\"fields\":{\"person\":{\"old\":\"$P1\",\"new\":\"$GHOST\"},\"state\":{\"old\":\"lodged\",\
\"new\":\"assessment\"}}}")
case $out in
batch*) pass "a case moved to a person the tier does not hold: the batch commits ($out)" ;;
*) fail "a case moved to a person the tier does not hold refuses the batch (and every later one)" "$out" ;;
esac
expect_eq "  the batch's answer counts the conflict (sync prints it)" "$(echo "$out" | cut -d'|' -f2,3)" "1|1"
expect_eq "  the case keeps the tier's person, its other field taken" \
	"$(pg_sql move "SELECT person_uuid, state FROM cases WHERE uuid = '$C8'")" "$P1|assessment"
expect_eq "  a conflict: case, person, base, theirs the tier's, ours the pushed, the op and its store" \
	"$(pg_sql move "SELECT c.entity, c.field, c.base #>> '{}', c.theirs #>> '{}', c.ours #>> '{}', o.origin_seq, c.origin
	 FROM conflicts c JOIN ops o ON o.uuid = c.op_uuid WHERE c.entity_uuid = '$C8' AND c.resolved_at IS NULL")" \
	"case|person|$P1|$P1|$GHOST|$mv_seq|$ORIGIN"
out=$(one move case $C8 update '{"fields":{"state":{"old":"assessment","new":"proposed"}}}')
case $out in batch*) pass "  the store's next batch goes through" ;; *) fail "  the store's next batch is refused" "$out" ;; esac
out=$(one move case $C8 update "{\"fields\":{\"person\":{\"old\":\"$P1\",\"new\":null}}}")
case $out in batch*) pass "  a case moved to no person: a conflict too, the batch commits" ;;
*) fail "  a case moved to no person refuses the batch" "$out" ;; esac
expect_eq "  the case keeps its person, two conflicts open" \
	"$(pg_sql move "SELECT (SELECT person_uuid FROM cases WHERE uuid = '$C8'),
	 (SELECT count(*) FROM conflicts WHERE entity_uuid = '$C8' AND resolved_at IS NULL)")" "$P1|2"
pg_sql move "UPDATE conflicts SET resolved_by = 'test', resolved_at = now() WHERE entity_uuid = '$C8' AND ours = 'null'" >/dev/null
# A supervisor keeps ours before the person is on the tier: the tier still cannot take it.
resolve() {
	one move case $C8 resolve "{\"fields\":{\"person\":{\"base\":2,\"old\":\"$P1\",\"new\":\"$GHOST\"}},\
\"resolution\":{\"ours\":\"$GHOST\",\"theirs\":\"$P1\",\"by\":\"supervisor\",\"how\":\"ours\"}}"
}
out=$(resolve)
case $out in batch*) pass "  a resolution keeping the pushed person, before the person arrives, commits" ;;
*) fail "  a resolution keeping the pushed person is refused" "$out" ;; esac
expect_eq "  the case keeps the tier's person and one conflict stays open" \
	"$(pg_sql move "SELECT (SELECT person_uuid FROM cases WHERE uuid = '$C8'),
	 (SELECT count(*) FROM conflicts WHERE entity_uuid = '$C8' AND resolved_at IS NULL)")" "$P1|1"
case $(pin move $GHOST '"P-TBS-000255"' '"Haddad"') in
batch*) pass "  the person arrives in a later batch" ;; *) fail "  the person's batch is refused" ;; esac
expect_eq "  which moves nothing by itself: the conflict is a supervisor's" \
	"$(pg_sql move "SELECT (SELECT person_uuid FROM cases WHERE uuid = '$C8'),
	 (SELECT count(*) FROM conflicts WHERE entity_uuid = '$C8' AND resolved_at IS NULL)")" "$P1|1"
out=$(resolve)
expect_eq "  the resolution then moves the case and closes the conflict" \
	"$(pg_sql move "SELECT (SELECT person_uuid FROM cases WHERE uuid = '$C8'),
	 (SELECT count(*) FROM conflicts WHERE entity_uuid = '$C8' AND resolved_at IS NULL)")" "$GHOST|0"
expect_eq "  every batch of the store was taken: its mark is its last op" "$(hw move)" \
	"$(pg_sql move "SELECT max(origin_seq) FROM ops WHERE origin = '$ORIGIN'")"
# The person uuid spelt as PostgreSQL's uuid type also reads it (capitals in braces): before
# schema 11 the move found no op of its own, went through, and the COMMIT failed on the
# foreign key - the store's every later batch with it.
SPELT="{00000000-0001-7000-8000-0000000000FE}"
out=$(one move case $C8 update "{\"fields\":{\"person\":{\"old\":\"$GHOST\",\"new\":\"$SPELT\"}}}")
case $out in batch*) pass "  a move to a person not held, its uuid in capitals and braces: a conflict, the batch commits" ;;
*) fail "  a move to a person not held, its uuid in capitals and braces, refuses the batch" "$out" ;; esac
expect_eq "  the case keeps its person; the conflict keeps the pushed spelling" \
	"$(pg_sql move "SELECT (SELECT person_uuid FROM cases WHERE uuid = '$C8'),
	 (SELECT c.ours #>> '{}' FROM conflicts c WHERE c.entity_uuid = '$C8' AND c.resolved_at IS NULL)")" "$GHOST|$SPELT"
out=$(one move case $C8 update '{"fields":{"state":{"old":"proposed","new":"assessment"}}}')
case $out in batch*) pass "  and the store's next batch goes through" ;; *) fail "  the store's next batch is refused" "$out" ;; esac
