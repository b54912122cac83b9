#!/bin/sh
# t_sync_concurrent.sh - three offices sync their backlogs to the national tier at the same
# moment, on a real PostgreSQL.  Each push stages batches outside the tier's push lock on a
# second connection (national schema 8), so three pushes meet in the staging, in the
# lock and in the GIN pending lists the staging cleans: every sync must end well, the tier
# must hold every op once, every person and case once, no conflict (the offices share no
# rows), each office's high-water mark at its last op, and a second round must send nothing.
. tests/script/lib.sh
. tests/script/pg_lib.sh
. tests/bench/gen_ops.sql.sh

export CASEDESK_TODAY=2026-03-04
pg_start
pg_createdb national
DB=$(pg_conninfo national)
nat() { pg_sql national "$1"; }
"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }

REGS=600    # 4,800 ops an office: five batches of 1,000, so that each push runs its pipeline
total=0
for o in TBS BTM KUT; do
	"$CD" --store "$T/$o.casedesk" init --office "$o" --training >/dev/null || { fail "init $o"; exit 0; }
	gen_registrations "$T/$o.casedesk" "$REGS" "$(printf '%d' "'$o")" "$o" || { fail "ops of $o"; exit 0; }
	total=$((total + $(sqlite3 "$T/$o.casedesk" "SELECT count(*) FROM outbox")))
done

for o in TBS BTM KUT; do
	"$CD" --store "$T/$o.casedesk" --user admin sync --db "$DB" --batch 1000 >"$T/$o.out" 2>"$T/$o.err" &
	eval "pid_$o=\$!"
done
for o in TBS BTM KUT; do
	eval "wait \$pid_$o"; rc=$?
	if [ "$rc" -eq 0 ]; then pass "$o's sync, beside two others, ends well"
	else fail "$o's sync, beside two others, ends well" "exit $rc" "$(head -3 "$T/$o.err")"; fi
done

expect_eq "the tier holds every op once" "$(nat 'SELECT count(*), count(DISTINCT uuid) FROM ops')" "$total|$total"
expect_eq "every person and case once" "$(nat 'SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM cases)')" \
	"$((3 * REGS))|$((3 * REGS))"
expect_eq "no conflict: the offices share no rows" "$(nat 'SELECT count(*) FROM conflicts')" 0
for o in TBS BTM KUT; do
	origin=$(sqlite3 "$T/$o.casedesk" "SELECT value FROM settings WHERE key = 'store_uuid'")
	last=$(sqlite3 "$T/$o.casedesk" "SELECT max(origin_seq) FROM outbox")
	expect_eq "$o's high-water mark is its last op" "$(nat "SELECT high_water FROM origins WHERE store_uuid = '$origin'")" "$last"
	expect_eq "$o marks every op sent" "$(sqlite3 "$T/$o.casedesk" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL")" 0
done
# Each case's five steps arrived in order: every case stands where its last step left it.
expect_eq "every case in the state of its last step" "$(nat "SELECT count(*) FROM cases WHERE state = 'proposed' AND row_version = 6")" \
	"$((3 * REGS))"
nat "CREATE EXTENSION IF NOT EXISTS pgstattuple" >/dev/null
expect_eq "the GIN pending lists were cleaned as the pushes went (at most a batch's worth left)" \
	"$(nat "SELECT (SELECT pending_pages FROM pgstatginindex('persons_names_trgm')) < 64")" "t"

for o in TBS BTM KUT; do
	expect_rc "a second sync of $o" 0 "$CD" --store "$T/$o.casedesk" --user admin sync --db "$DB"
done
expect_eq "sends nothing twice" "$(nat 'SELECT count(*) FROM ops')" "$total"
