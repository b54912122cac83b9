#!/bin/sh
# t_sync.sh - `casedesk sync` pushes a store's ops to the national tier (issue 15,
# deliverables 4 and 9) against a real PostgreSQL (tests/script/pg_lib.sh): two offices push,
# the national counts equal the stores' ops, a second sync sends nothing; a field changed
# on the tier meanwhile is a conflict that keeps the tier's value, a step from a state the
# tier's case has left is a conflict on the state; a batch sent again after its commit
# (the store copy from before it) inserts nothing; a batch past the tier's high-water mark
# is refused; a tier holding fewer ops than the store marked sent (another database, a mark
# written by hand) gets them again; SIGKILL of sync at random points, ten rounds, then a sync: every op once and
# every op marked sent; PostgreSQL stopped mid-run and started: the next sync completes;
# a wrong port fails in words and marks nothing.  The TUI's status line (80x24, tmux) shows
# the last sync's recorded outcome and the ops waiting, without connecting.
. tests/script/lib.sh
. tests/script/pg_lib.sh
. tests/script/tui_lib.sh
# Both libraries stop what they started on exit: the tmux server and PostgreSQL.
trap 'tm kill-server >/dev/null 2>&1; pg_stop; rm -rf "$T"' EXIT

pg_start
pg_createdb national
DB=$(pg_conninfo national)
export CASEDESK_TODAY=2026-03-02
A=$T/tbs.casedesk
B=$T/btm.casedesk
q() { sqlite3 "$1" "$2"; }
nat() { pg_sql national "$1"; }
origin_of() { q "$1" "SELECT value FROM settings WHERE key = 'store_uuid'"; }
ops_of() { q "$1" "SELECT count(*) FROM outbox"; }

"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }
for s in "$A:TBS" "$B:BTM"; do
	"$CD" --store "${s%%:*}" init --office "${s##*:}" --training >/dev/null || { fail "init ${s##*:}"; exit 0; }
done

# ---- two offices register, correct a name, take a step; sync both
PA=$("$CD" --store "$A" --user clerk person add --surname Ковальчук --given Ірина --dob 1991-07-04 --sex F --nationality UKR)
"$CD" --store "$A" --user caseworker person correct "$PA" --field surname --value Коваленко --reason "passport seen" >/dev/null
CA=$("$CD" --store "$A" --user clerk case new residence --person "$PA")
"$CD" --store "$A" --user caseworker case move "$CA" request_documents --set missing_documents=passport \
	--set documents_due=2026-04-01 >/dev/null 2>&1
PB=$("$CD" --store "$B" --user clerk person add --surname Beridze --given Nino --dob 1988 --sex F --nationality GEO)
CB=$("$CD" --store "$B" --user clerk case new residence --person "$PB")
"$CD" --store "$B" --user clerk person add --surname Abashidze --given Levan --dob 1979-02 --sex M --nationality GEO >/dev/null

expect_rc "sync of the first office" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_grep "says what it sent" "$(ops_of "$A") ops sent ($(ops_of "$A") new to the national tier, 0 already there)" "$T/out"
expect_rc "sync of the second office" 0 "$CD" --store "$B" --user admin sync --db "$DB"
TOTAL=$(( $(ops_of "$A") + $(ops_of "$B") ))
expect_eq "the national ops equal the stores' ops" "$(nat 'SELECT count(*) FROM ops')" "$TOTAL"
expect_eq "every op of both stores is marked sent" \
	"$(q "$A" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')$(q "$B" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')" 00
expect_eq "the tier holds the persons and cases" "$(nat 'SELECT count(*) FROM persons'),$(nat 'SELECT count(*) FROM cases')" "3,2"
expect_eq "with the corrected name" "$(nat "SELECT surname || ' ' || surname_latin || ' ' || row_version FROM persons WHERE number = '$PA'")" \
	"Коваленко KOVALENKO 2"
expect_eq "and the step taken" "$(nat "SELECT state FROM cases WHERE number = '$CA'")" "awaiting_documents"
expect_eq "persons carry the local search's name keys" \
	"$(nat "SELECT 'KVLNK' = ANY(name_keys) AND 'y1991' = ANY(name_keys) FROM persons WHERE number = '$PA'")" t
expect_eq "both origins with their high-water marks" \
	"$(nat "SELECT string_agg(office || ':' || kind || ':' || high_water, ',' ORDER BY office) FROM origins")" \
	"BTM:office:$(ops_of "$B"),TBS:office:$(ops_of "$A")"

# The status line: online since the last sync, nothing waiting.
if command -v tmux >/dev/null 2>&1; then
	S=$A start tuia clerk
	tm resize-window -t tuia -x 80 -y 24
	see "the status line says online, with nothing waiting" tuia "0 unsynced, online [0-9][0-9]:[0-9][0-9] "
	quit tuia
else
	fail "tmux is installed" "the status line test needs tmux (.ci/deps installs it)"
fi

# A field kit of the first office pushes as a kit, under its own name.
KIT=$T/kit.casedesk
"$CD" --store "$A" --user admin kit new "$KIT" --office TBS --block 10 >/dev/null 2>&1 || fail "kit new"
"$CD" --store "$KIT" --user clerk person add --surname Lomidze --given Tamar --dob 1995 --sex F --nationality GEO >/dev/null
expect_rc "a kit syncs" 0 "$CD" --store "$KIT" --user admin sync --db "$DB"
expect_eq "as an origin of kind kit, named by its name" \
	"$(nat "SELECT office || ':' || kind || ':' || name || ':' || high_water FROM origins WHERE store_uuid = '$(origin_of "$KIT")'")" \
	"TBS:kit:K01:$(ops_of "$KIT")"
expect_eq "its person is on the tier with a number from its block" \
	"$(nat "SELECT count(*) FROM persons WHERE surname = 'Lomidze' AND origin = '$(origin_of "$KIT")'")" 1
# The kit pulls the persons of every office, the office's own among them: its number rules
# are for the numbers it issues, not for the persons it is sent (schema 20).
PULLABLE=$(nat "SELECT count(*) FROM persons WHERE surname <> 'Lomidze'")
if [ "$PULLABLE" -gt 0 ]; then pass "the offices' persons are on the tier to pull ($PULLABLE)"; else fail "the offices' persons are on the tier to pull"; fi
expect_eq "and it pulled the office's persons, numbered outside its block" \
	"$(q "$KIT" "SELECT count(*) FROM person WHERE number NOT IN (SELECT number FROM person WHERE surname = 'Lomidze')")" \
	"$(nat "SELECT count(*) FROM persons WHERE surname <> 'Lomidze'")"
expect_rc "the office syncs the lease it made" 0 "$CD" --store "$A" --user admin sync --db "$DB"
TOTAL=$(( $(ops_of "$A") + $(ops_of "$B") + $(ops_of "$KIT") ))
expect_eq "the national ops equal the three stores' ops" "$(nat 'SELECT count(*) FROM ops')" "$TOTAL"

expect_rc "sync again" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_grep "sends nothing" " 0 ops sent" "$T/out"
expect_eq "and duplicates nothing" "$(nat 'SELECT count(*) FROM ops')" "$TOTAL"

# ---- a batch committed but not marked (a crash after the commit): the store from before it
"$CD" --store "$A" --user caseworker person correct "$PA" --field given --value Iryna --reason "spelling" >/dev/null
cp "$A" "$T/before.casedesk"
expect_rc "sync of a new correction" 0 "$CD" --store "$A" --user admin sync --db "$DB"
cp "$T/before.casedesk" "$A"
expect_rc "the same batch sent again" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_grep "is taken as already there" " 1 ops sent (0 new to the national tier, 1 already there)" "$T/out"
expect_eq "nothing twice on the tier" "$(nat 'SELECT count(*) FROM ops')" "$((TOTAL + 1))"
expect_eq "the field applied once" "$(nat "SELECT given || ' ' || row_version FROM persons WHERE number = '$PA'")" "Iryna 3"

# ---- conflicts: the tier's value moved on meanwhile (another office's op, written here by hand)
nat "UPDATE persons SET surname = 'Коваль', row_version = row_version + 1 WHERE number = '$PA';
     UPDATE cases SET state = 'withdrawn', row_version = row_version + 1 WHERE number = '$CA'" >/dev/null
"$CD" --store "$A" --user caseworker person correct "$PA" --field surname --value Ковалевська --reason "marriage" >/dev/null
"$CD" --store "$A" --user caseworker case move "$CA" documents_received >/dev/null 2>&1
expect_rc "sync with the tier's values moved on" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_grep "counts the conflicts" "2 conflicts kept the national value" "$T/out"
expect_eq "the surname is a conflict: base, theirs, ours" \
	"$(nat "SELECT base #>> '{}', theirs #>> '{}', ours #>> '{}' FROM conflicts WHERE field = 'surname'")" \
	"Коваленко|Коваль|Ковалевська"
expect_eq "the tier kept its value" "$(nat "SELECT surname FROM persons WHERE number = '$PA'")" "Коваль"
expect_eq "the step from a state the case has left is a conflict on the state" \
	"$(nat "SELECT theirs #>> '{}', ours #>> '{}' FROM conflicts WHERE field = 'state'")" "withdrawn|assessment"
expect_eq "never a second transition" "$(nat "SELECT state FROM cases WHERE number = '$CA'")" "withdrawn"
expect_eq "the conflicts name the op and the origin" \
	"$(nat "SELECT count(*) FROM conflicts c JOIN ops o ON o.uuid = c.op_uuid WHERE c.origin = '$(origin_of "$A")'")" 2

# ---- the tier refuses a batch that does not follow its high-water mark.  casedesk sends from
# the tier's mark on, so the batch is put to the tier directly, as a broken client would
# (one transaction: the staging tables empty at each commit).
HW=$(nat "SELECT high_water FROM origins WHERE store_uuid = '$(origin_of "$A")'")
expect_rc "a batch that does not follow the tier's high-water mark" 1 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$DB" \
	-c "SELECT cd_push_prepare8(); INSERT INTO cd_batch (ord, uuid, seq, at, entity, entity_uuid, op, payload)
	    VALUES (0, gen_random_uuid(), $((HW + 5)), now(), 'setting', 'office_name', 'set', '{}');
	    SELECT * FROM cd_push_batch('$(origin_of "$A")', 'TBS', 'TBS', 'office')"
expect_grep "is refused in words" "this batch starts at op $((HW + 5)), but the national tier holds this store's ops up to $HW only (ops $((HW + 1)) to $((HW + 4)) are missing)" "$T/err"
expect_eq "and takes nothing" "$(nat "SELECT high_water FROM origins WHERE store_uuid = '$(origin_of "$A")'")" "$HW"

# ---- a tier that holds fewer of a store's ops than the store marked sent (restored from an
# older backup, another national database named since, a mark written by hand): the ops from
# the tier's mark on go again, sent or not, and the tier takes what it has as a no-op.
"$CD" --store "$A" --user clerk person add --surname Gap --given Test --dob 1990 --sex M --nationality GEO >/dev/null
pg_createdb national2
DB2=$(pg_conninfo national2)
"$CD" national init --db "$DB2" >/dev/null || fail "national init of a second tier"
expect_rc "sync to a tier that holds none of this store's ops" 0 "$CD" --store "$A" --user admin sync --db "$DB2"
expect_grep "says it sends the sent ops again" "holds this store's ops up to 0 only, though ops up to $HW were marked sent here; sending ops 1 to $HW again" "$T/err"
expect_eq "the second tier holds every op of the store" "$(pg_sql national2 "SELECT count(*) FROM ops WHERE origin = '$(origin_of "$A")'")" "$(ops_of "$A")"
expect_eq "and nothing waits" "$(q "$A" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')" 0
expect_rc "back to the first tier, which lacks the newest op" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_eq "it has it now" "$(nat "SELECT count(*) FROM ops WHERE origin = '$(origin_of "$A")'")" "$(ops_of "$A")"
"$CD" --store "$A" --user clerk person add --surname Forged --given Mark --dob 1990 --sex M --nationality GEO >/dev/null
q "$A" "INSERT INTO outbox_sent(origin, upto_seq, at) SELECT origin, max(origin_seq), 'by hand' FROM outbox GROUP BY origin"
expect_eq "a mark written by hand over an op never sent" "$(q "$A" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')" 0
expect_rc "does not keep it from the tier" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_eq "which holds every op of the store" "$(nat "SELECT count(*) FROM ops WHERE origin = '$(origin_of "$A")'")" "$(ops_of "$A")"
expect_eq "a second sync sends nothing again" "$("$CD" --store "$A" --user admin sync --db "$DB" 2>&1 | grep -c 'again')" 0

# ---- a wrong port: fails within the connect timeout, in words, nothing marked
K=$T/kill.casedesk
"$CD" --store "$K" init --office KIL --training >/dev/null
# Registrations' ops written straight into the op log, 300 at a time (CLI registrations one by
# one would take minutes here): person inserts as the store writes them.
ORIGIN=$(origin_of "$K")
add_ops() {
	q "$K" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300),
	base(b) AS (SELECT coalesce(max(origin_seq), 0) FROM outbox)
INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)
SELECT printf('0190b000-0000-7000-8000-%012x', b + i), '$ORIGIN', b + i,
 '2026-03-02T10:00:00.000Z', 'person', printf('0190c000-0000-7000-8000-%012x', b + i), 'insert',
 json_object('fields', json_object('number', json_object('base', 0, 'old', NULL, 'new', printf('P-KIL-%06d', b + i)),
  'surname', json_object('base', 0, 'old', NULL, 'new', 'Surname' || i), 'given', json_object('base', 0, 'old', NULL, 'new', 'Given'),
  'surname_latin', json_object('base', 0, 'old', NULL, 'new', 'SURNAME' || i), 'given_latin', json_object('base', 0, 'old', NULL, 'new', 'GIVEN'),
  'sex', json_object('base', 0, 'old', NULL, 'new', 'M'), 'dob', json_object('base', 0, 'old', NULL, 'new', '1990'),
  'nationality', json_object('base', 0, 'old', NULL, 'new', 'GEO')))
FROM n, base"
}
add_ops
BAD=$(pg_free_port)
expect_rc "--batch 0 is a usage error" 2 "$CD" --store "$K" --user admin sync --db "$DB" --batch 0
expect_rc "sync to a port nothing listens on fails" 7 "$CD" --store "$K" --user admin sync --db "host=127.0.0.1 port=$BAD user=casedesk dbname=national connect_timeout=3"
expect_grep "saying so in words" "cannot connect to the national tier (database national on 127.0.0.1:$BAD as casedesk)" "$T/err"
expect_eq "and marks nothing sent" "$(q "$K" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NOT NULL')" 0
if command -v tmux >/dev/null 2>&1; then
	S=$K start tuik clerk
	tm resize-window -t tuik -x 80 -y 24
	see "the status line says offline, with the ops waiting" tuik "300 unsynced, offline [0-9][0-9]:[0-9][0-9] "
	quit tuik
fi

# ---- SIGKILL at random points of syncs of 3,300 ops, ten rounds: each round adds 300 ops
# to what the killed ones left and kills the sync after a random short delay.
for round in 1 2 3 4 5 6 7 8 9 10; do
	add_ops
	"$CD" --store "$K" --user admin sync --db "$DB" --batch 5 >/dev/null 2>&1 &
	pid=$!
	sleep "$(python3 -c 'import random; print(round(random.uniform(0.01, 0.2), 3))')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$(nat "SELECT count(*) FROM ops WHERE origin = '$ORIGIN'") $(q "$K" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NOT NULL')" >>"$T/rounds"
done
# How far the killed syncs got (the tier's ops, the store's marked ops), for a failure's report.
ROUNDS=$(tr '\n' ';' <"$T/rounds")
add_ops
KOPS=$(ops_of "$K")
expect_rc "after ten killed syncs, a sync completes" 0 "$CD" --store "$K" --user admin sync --db "$DB" --batch 100 --progress
expect_grep "saying how far it is with --progress" "^sync: [1-9][0-9]*/[1-9][0-9]* ops$" "$T/err"
expect_eq "the tier holds every op of the store (rounds: $ROUNDS)" "$(nat "SELECT count(*) FROM ops WHERE origin = '$ORIGIN'")" "$KOPS"
expect_eq "each once, at its own number" \
	"$(nat "SELECT count(DISTINCT uuid) || ',' || count(DISTINCT origin_seq) || ',' || max(origin_seq) FROM ops WHERE origin = '$ORIGIN'")" \
	"$KOPS,$KOPS,$KOPS"
expect_eq "one national person per registration" "$(nat "SELECT count(*) FROM persons WHERE number LIKE 'P-KIL-%'")" "$KOPS"
expect_eq "every op is marked sent" "$(q "$K" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')" 0
expect_eq "the high-water mark is the last op" "$(nat "SELECT high_water FROM origins WHERE store_uuid = '$ORIGIN'")" "$KOPS"

# ---- PostgreSQL stopped in the middle of a sync, then started
P2=$T/pg.casedesk
"$CD" --store "$P2" init --office PGS --training >/dev/null
O2=$(origin_of "$P2")
q "$P2" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)
SELECT printf('0190b000-0001-7000-8000-%012x', i), '$O2', (SELECT coalesce(max(origin_seq), 0) FROM outbox) + i,
 '2026-03-02T10:00:00.000Z', 'setting', 'key' || i, 'update', json_object('fields', json_object('value', json_object('base', 0, 'old', NULL, 'new', i)))
FROM n"
P2OPS=$(ops_of "$P2")
"$CD" --store "$P2" --user admin sync --db "$DB" --batch 20 >"$T/pgstop.out" 2>"$T/pgstop.err" &
pid=$!
# Wait until the first batches have arrived, then stop the server at once.
i=0
while [ "$(nat "SELECT count(*) FROM ops WHERE origin = '$O2'" 2>/dev/null || echo 0)" -eq 0 ] && [ $i -lt 300 ]; do
	i=$((i + 1)); sleep 0.05
done
$PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
wait "$pid"; rc=$?
if [ "$rc" -ne 0 ]; then
	expect_grep "the sync cut off by the server's stop says so" "national tier" "$T/pgstop.err"
else
	pass "the sync finished before the server stopped (nothing to check of the cut)"
fi
$PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
	-o "-k $PG_DIR -p $PG_PORT -h 127.0.0.1 -F -c max_connections=40 -c shared_buffers=32MB" start >/dev/null 2>&1 ||
	fail "PostgreSQL starts again"
expect_rc "after the server is back, sync completes" 0 "$CD" --store "$P2" --user admin sync --db "$DB" --batch 20
expect_eq "with every op once" "$(nat "SELECT count(*) || ',' || count(DISTINCT origin_seq) FROM ops WHERE origin = '$O2'")" "$P2OPS,$P2OPS"
expect_eq "and every op marked sent" "$(q "$P2" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')" 0

# ---- a national schema newer than this casedesk: refused, nothing sent or marked
"$CD" --store "$P2" --user clerk person add --surname Later --given Op --dob 1990 --sex M --nationality GEO >/dev/null
N0=$(nat 'SELECT count(*) FROM ops')
nat "INSERT INTO schema_version (version, program) VALUES (99, 'casedesk from the future')" >/dev/null
expect_rc "sync against a newer national schema is refused" 4 "$CD" --store "$P2" --user admin sync --db "$DB"
expect_grep "saying to upgrade casedesk" "newer than this casedesk understands" "$T/err"
expect_eq "nothing was sent" "$(nat 'SELECT count(*) FROM ops')" "$N0"
expect_eq "nothing was marked" "$(q "$P2" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')" 1
nat "DELETE FROM schema_version WHERE version = 99" >/dev/null

# ---- the pull: other offices' ops applied with op_apply (model/store/apply.h), in scope:
# persons of every office, this office's cases.
PU=$(nat "SELECT uuid FROM persons WHERE number = '$PA'")
expect_rc "the second office syncs and pulls" 0 "$CD" --store "$B" --user admin sync --db "$DB"
expect_grep "saying what it pulled" "^pulled [1-9][0-9]* ops of other stores" "$T/out"
expect_eq "it has the other office's person (persons of every office)" \
	"$(q "$B" "SELECT count(*) FROM person WHERE uuid = '$PU'")" 1
expect_eq "but not the other office's case (cases of its own office only)" \
	"$(q "$B" "SELECT count(*) FROM cases WHERE number = '$CA'")" 0
expect_rc "a second pull" 0 "$CD" --store "$B" --user admin sync --db "$DB"
expect_grep "pulls nothing again" "^pulled 0 ops" "$T/out"
# The same field of the same person changed differently on both offices.
"$CD" --store "$A" --user caseworker person correct "$PA" --field given --value Irina --reason "spelling" >/dev/null
"$CD" --store "$B" --user caseworker person correct "$PA" --field given --value Ira --reason "as she said" >/dev/null
expect_rc "the first office syncs its change" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_rc "the second office syncs its own" 0 "$CD" --store "$B" --user admin sync --db "$DB"
expect_eq "one conflict on the tier, both values kept" \
	"$(nat "SELECT theirs #>> '{}', ours #>> '{}' FROM conflicts WHERE field = 'given' AND entity_uuid = '$PU'")" "Irina|Ira"
expect_eq "the tier keeps its value" "$(nat "SELECT given FROM persons WHERE uuid = '$PU'")" "Irina"
expect_eq "and the second office keeps its own (its conflict queued locally)" \
	"$(q "$B" "SELECT given FROM person WHERE uuid = '$PU'")" "Ira"
