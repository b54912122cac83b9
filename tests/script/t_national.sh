#!/bin/sh
# The national tier's database (issue 15, deliverable 1) against a real PostgreSQL started
# for this run (tests/script/pg_lib.sh): `national init` creates the schema and a second run
# changes nothing; two inits at once run the migration once; `national status` counts origins
# and ops; a schema from the future and a database of someone else's are refused untouched;
# a wrong port is said in words; a password is never taken and never echoed; a store names
# its national database (`national use`, admins only) and --db / CASEDESK_NATIONAL_DB
# override it.
. tests/script/lib.sh
. tests/script/pg_lib.sh

# Every statement logged with the client's application_name: what casedesk sets up is seen.
pg_start -c log_statement=all -c log_line_prefix=app=%a:
pg_createdb national
DB=$(pg_conninfo national)
# The national schema's latest version (national_schema.c), and one newer than it.
LATEST=11
NEWER=$((LATEST + 1))

# ---- init, twice, status
expect_rc "national init creates the schema" 0 $CD national init --db "$DB"
expect_grep "and says it did, naming the database but no password" \
	"national tier (database national on 127.0.0.1:$PG_PORT as casedesk): schema created at version $LATEST" "$T/out"
expect_eq "schema_version holds version $LATEST" "$(pg_sql national 'SELECT max(version) FROM schema_version')" $LATEST
expect_eq "every table of version $LATEST is there" \
	"$(pg_sql national "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")" \
	"cases,conflicts,number_blocks,number_voids,ops,origins,persons,reads,schema_version"
expect_eq "pg_trgm and btree_gist are installed" \
	"$(pg_sql national "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'")" \
	"btree_gist,pg_trgm"
expect_eq "names have a trigram GIN index, name keys a GIN index" \
	"$(pg_sql national "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'persons' AND indexdef LIKE '%USING gin%'")" \
	"persons_name_keys,persons_names_trgm"
expect_grep "casedesk names itself to the server and sets a statement timeout" \
	"app=casedesk:.*statement: SET statement_timeout = '300s'" "$PG_DIR/server.log"
expect_rc "national init again" 0 $CD national init --db "$DB"
expect_grep "is a no-op" "schema version $LATEST already; nothing to do" "$T/out"
expect_eq "and applies nothing twice" "$(pg_sql national 'SELECT count(*) FROM schema_version')" $LATEST

expect_rc "national status" 0 $CD national status --db "$DB"
expect_grep "prints the schema version" "^schema version: $LATEST$" "$T/out"
expect_grep "and the counts" "^ops: 0, persons: 0, cases: 0, number blocks: 0, open conflicts: 0$" "$T/out"
expect_grep "and no origin yet" "^0 origins$" "$T/out"

# What sync will write, written here by hand: an origin with two ops, one pushed twice.
O=0190a1b2-0000-7000-8000-000000000001
pg_sql national "INSERT INTO origins (store_uuid, office, name, kind, high_water) VALUES ('$O', 'TBS', 'K07', 'kit', 2)" >/dev/null
for n in 1 2 2; do
	pg_sql national "INSERT INTO ops (uuid, origin, origin_seq, entity, entity_uuid, op, at, payload)
		VALUES ('0190a1b2-0000-7000-8000-00000000010$n', '$O', $n, 'person', gen_random_uuid(), 'create', now(),
		'{\"surname\":{\"base\":null,\"old\":null,\"new\":\"X\"}}') ON CONFLICT (uuid) DO NOTHING" >/dev/null
done
expect_rc "status after ops arrived" 0 $CD national status --db "$DB"
expect_grep "counts the ops once each (the op uuid is the idempotency key)" "^ops: 2, persons: 0" "$T/out"
expect_grep "names the origin, its high-water mark and its ops" \
	"^  TBS K07 (kit, $O): high-water 2, 2 ops, last sync never$" "$T/out"
expect_rc "status --json" 0 $CD --json national status --db "$DB"
expect_eq "as JSON too" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["schema_version"], d["ops"], d["origins"][0]["high_water"])' "$T/out")" \
	"$LATEST 2 2"
if pg_sql national "INSERT INTO ops (uuid, origin, origin_seq, entity, entity_uuid, op, at, payload)
	VALUES (gen_random_uuid(), '$O', 2, 'person', gen_random_uuid(), 'create', now(), '{}')" >/dev/null 2>&1; then
	fail "an origin's sequence number is taken once" "a second op with origin_seq 2 went in"
else
	pass "an origin's sequence number is taken once"
fi

# Number blocks: one number is never leased twice (an exclusion constraint), next door is fine.
pg_sql national "INSERT INTO number_blocks (office, prefix, year, \"first\", \"last\", holder)
	VALUES ('TBS', 'RP', 2026, 500, 999, '$O')" >/dev/null
if pg_sql national "INSERT INTO number_blocks (office, prefix, year, \"first\", \"last\", holder)
	VALUES ('TBS', 'RP', 2026, 999, 1200, gen_random_uuid())" >/dev/null 2>"$T/pgerr"; then
	fail "a block overlapping a leased one is refused" "number 999 was leased twice"
else
	expect_grep "a block overlapping a leased one is refused" "conflicting key value violates exclusion constraint" "$T/pgerr"
fi
expect_rc "the next block, and the same numbers of another year, are leased" 0 pg_sql national \
	"INSERT INTO number_blocks (office, prefix, year, \"first\", \"last\", holder) VALUES
	 ('TBS', 'RP', 2026, 1000, 1499, '$O'), ('TBS', 'RP', 2027, 500, 999, '$O')"

# ---- two inits at once on an empty database: the migration runs once
pg_createdb race
RACE=$(pg_conninfo race)
$CD national init --db "$RACE" >"$T/race1" 2>&1 &
p1=$!
$CD national init --db "$RACE" >"$T/race2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
expect_eq "two inits at once both succeed" "$r1 $r2" "0 0"
expect_eq "one of them created the schema, the other found it" \
	"$(cat "$T/race1" "$T/race2" | grep -c -e "schema created at version $LATEST" -e "upgraded from version [0-9]* to $LATEST" -e 'nothing to do')" 2
expect_eq "and each version is recorded once" "$(pg_sql race 'SELECT count(*) FROM schema_version')" $LATEST

# ---- a schema from the future is refused, untouched
pg_sql national "INSERT INTO schema_version (version, program) VALUES ($NEWER, 'casedesk from the future')" >/dev/null
expect_rc "init on a newer schema is refused" 4 $CD national init --db "$DB"
expect_grep "saying so in words" "has schema version $NEWER, newer than this casedesk understands ($LATEST); upgrade casedesk" "$T/err"
expect_rc "status on a newer schema is refused too" 4 $CD national status --db "$DB"
expect_eq "and nothing was changed" "$(pg_sql national 'SELECT count(*) FROM schema_version')" $NEWER
pg_sql national "DELETE FROM schema_version WHERE version = $NEWER" >/dev/null

# ---- someone else's database is left alone
pg_createdb other
pg_sql other "CREATE TABLE invoices (id integer)" >/dev/null
expect_rc "a database with tables of its own is refused" 4 $CD national init --db "$(pg_conninfo other)"
expect_grep "and left untouched" "holds 1 tables but no casedesk national schema" "$T/err"
expect_eq "no schema_version table was made there" \
	"$(pg_sql other "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_version'")" 0
pg_createdb empty
expect_rc "status on an empty database" 4 $CD national status --db "$(pg_conninfo empty)"
expect_grep "says to run national init" "no casedesk schema yet (version 0 of $LATEST): run \`casedesk national init" "$T/err"

# ---- a wrong port is said in words, within the connect timeout
BAD=$(pg_free_port)
expect_rc "a port where no server listens" 7 timeout 60 $CD national status --db "host=127.0.0.1 port=$BAD user=casedesk dbname=national connect_timeout=5"
expect_grep "names host, port and database" "cannot connect to the national tier (database national on 127.0.0.1:$BAD as casedesk)" "$T/err"
expect_grep "and what PostgreSQL said" "Connection refused" "$T/err"
# A server that takes the connection and never answers: the connect timeout ends the wait.
HOLE=$(pg_free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); print("listening", flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' "$HOLE" >"$T/hole.out" 2>&1 &
hole=$!
for i in $(seq 100); do grep -q listening "$T/hole.out" 2>/dev/null && break; sleep 0.1; done
expect_rc "a server that never answers" 7 timeout 60 $CD national status --db "host=127.0.0.1 port=$HOLE user=casedesk dbname=national connect_timeout=2"
expect_grep "is given up within the connect timeout, in words" "no answer within the connect timeout" "$T/err"
kill "$hole" 2>/dev/null; wait "$hole" 2>/dev/null
expect_rc "a database that does not exist" 7 $CD national status --db "$(pg_conninfo nosuchdb)"
expect_grep "is named" 'database "nosuchdb" does not exist' "$T/err"
expect_rc "a connection string libpq cannot read" 6 $CD national status --db "host=127.0.0.1 nonsense"
expect_grep "is said to be one" "connection string is not valid" "$T/err"

# ---- a password is never taken, never echoed
for conn in "$DB password=Hunter2-secret" "postgresql://casedesk:Hunter2-secret@127.0.0.1:$PG_PORT/national" \
	"$DB PassWord = Hunter2-secret"; do
	expect_rc "a password in the connection string is refused" 6 $CD national status --db "$conn"
	expect_grep "and told where it goes" "~/.pgpass" "$T/err"
	if grep -q "Hunter2" "$T/out" "$T/err"; then fail "the password is not echoed" "$(cat "$T/err")"; else pass "the password is not echoed"; fi
done
printf '127.0.0.1:%s:national:casedesk:Hunter2-secret\n' "$PG_PORT" >"$T/pgpass"
chmod 600 "$T/pgpass"
expect_rc "~/.pgpass (PGPASSFILE) is where libpq finds one" 0 env PGPASSFILE="$T/pgpass" $CD national status --db "$DB"

# ---- a store names its national database
S=$T/office.casedesk
$CD init --office TBS --training >/dev/null 2>&1 --store "$S"
expect_rc "a store names none at first" 0 $CD --store "$S" --user admin national use
expect_grep "and says so" "names no national database" "$T/out"
expect_rc "status on it without --db" 2 $CD --store "$S" --user admin national status
expect_grep "says how to name one" "national use --db CONNINFO" "$T/err"
expect_rc "a clerk may not name it" 4 $CD --store "$S" --user clerk national use --db "$DB"
expect_rc "a password is not kept in the store" 6 $CD --store "$S" --user admin national use --db "$DB password=Hunter2-secret"
expect_grep "told where it goes" "~/.pgpass" "$T/err"
expect_rc "an admin names it" 0 $CD --store "$S" --user admin national use --db "$DB"
expect_rc "status reads it from the store" 0 $CD --store "$S" --user clerk national status
expect_grep "and connects there" "^national tier: database national on 127.0.0.1:$PG_PORT as casedesk$" "$T/out"
expect_rc "--db overrides the store's" 0 $CD --store "$S" --user clerk national status --db "$(pg_conninfo race)"
expect_grep "(race)" "database race on" "$T/out"
expect_rc "so does CASEDESK_NATIONAL_DB" 0 env CASEDESK_NATIONAL_DB="$(pg_conninfo race)" $CD --store "$S" --user clerk national status
expect_grep "(race, from the environment)" "database race on" "$T/out"
expect_eq "the change is audited" \
	"$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action = 'change' AND entity_uuid = 'national.db'" 2>&1)" 1
expect_rc "--none removes it" 0 $CD --store "$S" --user admin national use --none
expect_rc "and status asks for one again" 2 $CD --store "$S" --user admin national status
expect_rc "national with no subcommand" 2 $CD national
expect_grep "shows its usage" "usage: casedesk national init" "$T/err"
