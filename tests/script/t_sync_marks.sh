#!/bin/sh
# t_sync_marks.sh - what a store says it sent against what the national tier holds, with
# sent_at written by hand (sqlite3 may still set it once on an op; schema 27's rows keep
# theirs) over ops above the mark of ops sent, against a real PostgreSQL (pg_lib.sh):
#  1. the tier holds more of the store's ops than the store marked (a sync killed after the
#     tier's commit, before its mark: the store copy from before that sync), one op inside
#     them marked sent by hand, a new op made: sync sends every op in order - a batch with
#     a hole is refused by the tier, and every sync after it was refused the same way, so
#     the new op never reached the tier;
#  2. the last op marked sent by hand above the mark, the tier lacking it: sync sends it,
#     the mark covers it, and the next sync sends nothing - not the same op each time.
. tests/script/lib.sh
. tests/script/pg_lib.sh

pg_start
pg_createdb national
DB=$(pg_conninfo national)
export CASEDESK_TODAY=2026-03-02
q() { sqlite3 "$1" "$2"; }
nat() { pg_sql national "$1"; }
origin_of() { q "$1" "SELECT value FROM settings WHERE key = 'store_uuid'"; }
ops_of() { q "$1" "SELECT count(*) FROM outbox"; }
tier_ops() { nat "SELECT count(*) || ',' || count(DISTINCT origin_seq) || ',' || coalesce(max(origin_seq), 0) FROM ops WHERE origin = '$(origin_of "$1")'"; }
add() { "$CD" --store "$1" --user clerk person add --surname "$2" --given Nino --dob 1988 --sex F --nationality GEO >/dev/null 2>&1; }

"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }

# ---- 1. the tier ahead of the store's mark, a hole written by hand inside what it holds
A=$T/tbs.casedesk
"$CD" --store "$A" init --office TBS --training >/dev/null || { fail "init"; exit 0; }
for s in Beridze Lomidze Abashidze Tsereteli; do add "$A" "$s"; done
cp "$A" "$T/tbs.before"
expect_rc "the first sync" 0 "$CD" --store "$A" --user admin sync --db "$DB"
cp "$T/tbs.before" "$A"   # the sync's marks lost: killed after the tier's commit
MADE=$(ops_of "$A")
q "$A" "UPDATE outbox SET sent_at = '2026-03-02T12:00:00.000Z' WHERE origin_seq = $((MADE - 1))"
add "$A" Gelashvili
expect_rc "sync with an op marked sent by hand among those the tier holds" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_eq "the tier holds every op of the store, each once" "$(tier_ops "$A")" "$(ops_of "$A"),$(ops_of "$A"),$(ops_of "$A")"
expect_eq "nothing waits" "$(q "$A" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NULL')" 0
expect_rc "a second sync" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_grep "sends nothing" "^sync with .*: 0 ops sent" "$T/out"

# ---- 2. the last op marked sent by hand above the mark, never sent
B=$T/btm.casedesk
"$CD" --store "$B" init --office BTM --training >/dev/null || { fail "init"; exit 0; }
add "$B" Kovalenko
expect_rc "the first sync" 0 "$CD" --store "$B" --user admin sync --db "$DB"
add "$B" Shevchenko
add "$B" Bondarenko
q "$B" "UPDATE outbox SET sent_at = '2026-03-02T12:00:00.000Z' WHERE origin_seq = (SELECT max(origin_seq) FROM outbox)"
expect_rc "sync with the last op marked sent by hand" 0 "$CD" --store "$B" --user admin sync --db "$DB"
expect_eq "the tier holds every op of the store" "$(tier_ops "$B")" "$(ops_of "$B"),$(ops_of "$B"),$(ops_of "$B")"
expect_eq "the mark covers the last op" "$(q "$B" 'SELECT max(upto_seq) FROM outbox_sent')" "$(ops_of "$B")"
expect_rc "a second sync" 0 "$CD" --store "$B" --user admin sync --db "$DB"
expect_grep "sends nothing" "^sync with .*: 0 ops sent" "$T/out"
