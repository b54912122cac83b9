#!/bin/sh
# t_natpush_diff.sh - the push casedesk sends (national schema 8 on: cd_push_stage outside the
# push lock, cd_push_batch under it) means what the set-based push of schema 3 meant
# (cd_push_staged, which t_natpush holds to the op-by-op cd_push), on a real PostgreSQL.
# For each seed tests/script/natpush_gen.py makes twelve random batches of two origins -
# persons and cases new, held, inserted twice, numbered alike, cases before their person or
# of none, fields changed on top of each other, old values that match the tier and ones that
# do not - and they are pushed both ways into two databases made alike.  Each batch's answer
# (inserted, conflicts, high-water mark, or its refusal) and then every person, case,
# conflict and origin must be the same.
. tests/script/lib.sh
. tests/script/pg_lib.sh

SEEDS=${NATPUSH_SEEDS:-40}
pg_start
pg_createdb template_nat
"$CD" national init --db "$(pg_conninfo template_nat)" >/dev/null || { fail "national init"; exit 0; }

dump() {
	"$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$(pg_conninfo "$1")" <<'SQL'
SELECT 'P', uuid, number, surname, given, surname_latin, given_latin, dob, nationality, sex, birth_place, origin_office,
 origin, row_version, name_keys FROM persons ORDER BY uuid;
SELECT 'C', uuid, number, office, workflow, workflow_version, state, person_uuid, origin, row_version FROM cases ORDER BY uuid;
SELECT 'K', entity, entity_uuid, field, base, theirs, ours, op_uuid, origin FROM conflicts
 ORDER BY op_uuid, field, base::text, theirs::text, ours::text;
SELECT 'O', store_uuid, high_water FROM origins ORDER BY 2;
SELECT 'N', count(*) FROM ops;
SQL
}

differ=0 persons=0 conflicts=0 refused=0
# After the seeds, seed 21 of the shifted streams (natpush_gen.py, NATPUSH_SHIFT): one entity
# inserted twice under two numbers, another inserted once under the second of them.
for seed in $(seq 1 "$SEEDS") shifted21; do
	case $seed in shifted*) seed=${seed#shifted}; export NATPUSH_SHIFT=1 ;; *) export NATPUSH_SHIFT=0 ;; esac
	for mode in STAGED BATCH; do
		"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -T template_nat "d_$mode" || { fail "createdb"; exit 0; }
		python3 tests/script/natpush_gen.py "$seed" "$mode" >"$T/$mode.sql"
		# Each batch's answer or first error; an aborted transaction's later statements say nothing new.
		"$PG_BIN/psql" -X -q -At "$(pg_conninfo "d_$mode")" -f "$T/$mode.sql" 2>&1 |
			sed -n -e 's/^psql:[^ ]* ERROR:/ERROR:/' -e '/^batch /p' -e '/^ERROR:/{/current transaction is aborted/!p}' >"$T/$mode.out"
		dump "d_$mode" >>"$T/$mode.out"
		"$PG_BIN/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "d_$mode"
	done
	if ! cmp -s "$T/STAGED.out" "$T/BATCH.out"; then
		differ=$((differ + 1))
		[ "$differ" -le 3 ] && fail "seed $seed: the two pushes differ" "$(diff "$T/STAGED.out" "$T/BATCH.out" | head -8)"
	fi
	persons=$((persons + $(grep -c '^P|' "$T/BATCH.out")))
	conflicts=$((conflicts + $(grep -c '^K|' "$T/BATCH.out")))
	refused=$((refused + $(grep -c '^ERROR:' "$T/BATCH.out")))
done
if [ "$differ" -eq 0 ]; then pass "$SEEDS seeds and a shifted one: both pushes give the same answers, persons, cases, conflicts and marks"
else fail "$differ of $((SEEDS + 1)) seeds differ"; fi
# The seeds must reach the paths they are for: rows made, conflicts queued, and few
# batches refused (a refused batch proves nothing about the apply).
if [ "$persons" -gt $((SEEDS * 3)) ] && [ "$conflicts" -gt "$SEEDS" ] && [ "$refused" -lt "$SEEDS" ]; then
	pass "the seeds reach the apply: $persons persons, $conflicts conflicts, $refused batches refused"
else
	fail "the seeds do not reach the apply: $persons persons, $conflicts conflicts, $refused batches refused"
fi
