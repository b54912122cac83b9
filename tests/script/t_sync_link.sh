#!/bin/sh
# t_sync_link.sh - a push's batches follow the link.  A batch is one transaction and is lost
# whole when the link drops, so over a slow line sync sends smaller batches: the first takes
# 500 ops, and each next one aims at about two seconds of sending and applying at the rate
# the one before went (at most half or double the one before, 50 to 10,000 ops;
# national_push_next_size, whose arithmetic test_national checks).  The second batch is read
# while the first is on its way (two are in flight), so the first answer sizes the third.
# Here the line is real: a relay on loopback (slowlink.py) paces the store's bytes to 32 kB/s
# on their way to a real PostgreSQL, so a 500-op batch (about 190 kB) cannot take less than
# five seconds: the third batch must be half the first, the fourth smaller again, and none
# after as big as the third.  Each batch is one transaction on the tier: the ops' xmin tells the batches
# apart.  --batch N still fixes the size.
. tests/script/lib.sh
. tests/script/pg_lib.sh
. tests/bench/gen_ops.sql.sh

export CASEDESK_TODAY=2026-03-04
pg_start
pg_createdb national
pg_createdb fixed
DB=$(pg_conninfo national)
"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }
"$CD" national init --db "$(pg_conninfo fixed)" >/dev/null || { fail "national init (fixed)"; exit 0; }

"$CD" --store "$T/kit.casedesk" init --office TBS --training >/dev/null || { fail "init"; exit 0; }
gen_registrations "$T/kit.casedesk" 200 7 TBS || { fail "the store's ops"; exit 0; }
cp "$T/kit.casedesk" "$T/fixed.casedesk"
OPS=$(sqlite3 "$T/kit.casedesk" "SELECT count(*) FROM outbox")
BYTES=$(sqlite3 "$T/kit.casedesk" "SELECT sum(length(payload)) FROM outbox WHERE origin_seq <= 500")
expect_eq "the kit's backlog: 1,600 ops, the payloads of its first 500 alone over 100 kB" \
	"$OPS $([ "$BYTES" -ge 100000 ] && echo big || echo "$BYTES bytes")" "1600 big"

python3 tests/script/slowlink.py "$T/port" "$PG_PORT" 32768 &
relay=$!
trap 'kill $relay 2>/dev/null; pg_stop; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/port" ]; do   # the relay writes its port once it listens
	i=$((i + 1))
	if [ $i -ge 600 ]; then fail "the slow line's relay did not listen within 30 s"; exit 0; fi
	sleep 0.05
done
SLOW="host=127.0.0.1 port=$(cat "$T/port") user=$PG_USER dbname=national"

expect_rc "sync over a 32 kB/s line" 0 "$CD" --store "$T/kit.casedesk" --user admin sync --db "$SLOW"
expect_grep "  sends every op" ": $OPS ops sent ($OPS new to the national tier, 0 already there)" "$T/out"
# The batches in their order: ops per transaction, by the first op's number.
pg_sql national "SELECT count(*) FROM ops GROUP BY xmin::text ORDER BY min(origin_seq)" | tr '\n' ' ' >"$T/sizes"
set -- $(cat "$T/sizes")
expect_eq "  the first two batches: 500 ops each (the second read before any answer)" "$1 ${2:-none}" "500 500"
expect_eq "  the third: half the first (whose 500 ops took five seconds or more)" "${3:-none}" 250
# The fourth follows the second, which took its five seconds and more beside the first:
# smaller than the third, and never below half of it (125).
if [ -n "${4:-}" ] && [ "$4" -ge 125 ] && [ "$4" -lt 250 ]; then pass "  the fourth: smaller again ($4 ops)"
else fail "  the fourth: smaller again" "batches: $(cat "$T/sizes")"; fi
# The later ones follow the line's pace (about 150 ops of two seconds here, less when a batch
# waits for the one before): never back up to the third's size.
shift 4
bigger=""
for n in "$@"; do [ "$n" -lt 250 ] || bigger="$bigger $n"; done
expect_eq "  none after it as big as the third (batches: $(cat "$T/sizes"))" "$bigger" ""
expect_eq "  every op on the tier once" "$(pg_sql national 'SELECT count(*), count(DISTINCT uuid) FROM ops')" "$OPS|$OPS"

# --batch fixes the size, on any line.
expect_rc "sync --batch 700" 0 "$CD" --store "$T/fixed.casedesk" --user admin sync --db "$(pg_conninfo fixed)" --batch 700
expect_eq "  batches of 700, the last the rest" \
	"$(pg_sql fixed "SELECT count(*) FROM ops GROUP BY xmin::text ORDER BY min(origin_seq)" | tr '\n' ' ')" "700 700 200 "
