#!/bin/sh
# t_push_pipe.sh - the push of a large backlog (issue 15's bench path) where it can fail,
# against a real PostgreSQL:
#  - national schema 6 checks the numbers of a whole INSERT at once: ONE reused person
#    number among 2,000 ops of one batch refuses the batch whole (CD012, the same sentence
#    as the row-by-row check of schema 4), and nothing of it reaches the tier;
#  - the pipelined push (app/cmd_sync.c push_all: batch N+1 read while N is applied): a
#    batch refused after an earlier one committed leaves exactly the earlier one marked sent
#    in the store, the tier holds exactly it, and the batch after the refused one is never
#    sent; a second sync stops at the same batch and changes nothing;
#  - without the refusal every batch of a pipelined push lands, each marked once.
# The ops are written straight into the op logs by tests/bench/gen_ops.sql.sh (the shape the
# CLI writes), because thousands of registrations through the CLI would take minutes.
. tests/script/lib.sh
. tests/script/pg_lib.sh
. tests/bench/gen_ops.sql.sh

pg_start
pg_createdb national
DB=$(pg_conninfo national)
export CASEDESK_TODAY=2026-03-04
nat() { pg_sql national "$1"; }
unsent() { sqlite3 "$1" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL"; }
sent_upto() { sqlite3 "$1" "SELECT coalesce(max(origin_seq), 0) FROM outbox_state WHERE sent_at IS NOT NULL"; }
origin_of() { sqlite3 "$1" "SELECT value FROM settings WHERE key = 'store_uuid'"; }
on_tier() { nat "SELECT count(*) || ',' || coalesce(max(origin_seq), 0) FROM ops WHERE origin = '$(origin_of "$1")'"; }
"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }

# Office AAA puts person P-BTM-000001 on the tier (a number of a series nobody leased).
A=$T/aaa.casedesk
"$CD" --store "$A" init --office AAA --training >/dev/null || { fail "init of AAA"; exit 0; }
gen_registrations "$A" 1 1 BTM 0 || { fail "writing AAA's person"; exit 0; }
expect_rc "AAA pushes its person" 0 "$CD" --store "$A" --user admin sync --db "$DB"
expect_eq "the tier holds the number" "$(nat "SELECT count(*) FROM persons WHERE number = 'P-BTM-000001'")" 1

# ---- one batch of 2,001 ops, op 1,201 a person numbered P-BTM-000001 again
B=$T/bbb.casedesk
"$CD" --store "$B" init --office BBB --training >/dev/null || { fail "init of BBB"; exit 0; }
gen_registrations "$B" 150 2 XYZ && gen_registrations "$B" 1 3 BTM 0 && gen_registrations "$B" 100 4 QQQ ||
	{ fail "writing BBB's ops"; exit 0; }
expect_eq "BBB holds 2,001 unsent ops" "$(unsent "$B")" 2001
expect_rc "the batch is refused" 4 "$CD" --store "$B" --user admin sync --db "$DB" --batch 5000
expect_grep "with the row-by-row check's sentence" \
	"refused the batch of ops 1 to 2001: number P-BTM-000001 is issued already, to another person: a number is never issued twice" "$T/err"
expect_eq "nothing of the batch is on the tier" "$(on_tier "$B")" "0,0"
expect_eq "no person or case of it either" \
	"$(nat "SELECT count(*) FROM persons WHERE number LIKE 'P-XYZ-%' OR number LIKE 'P-QQQ-%'")" 0
expect_eq "every op stays unsent in the store" "$(unsent "$B")" 2001

# ---- the same ops in batches of 500: 1..500, 501..1000, 1001..1500 commit, 1501..2000 is refused
expect_rc "the pipelined push stops at the refused batch" 4 "$CD" --store "$B" --user admin sync --db "$DB" --batch 500
expect_grep "naming it" "refused the batch of ops 1001 to 1500: number P-BTM-000001 is issued already" "$T/err"
expect_eq "the batches before it are marked sent, up to their last op exactly" "$(sent_upto "$B")" 1000
expect_eq "and the refused batch and the one after it are not" "$(unsent "$B")" 1001
expect_eq "the tier holds exactly the committed batches" "$(on_tier "$B")" "1000,1000"
expect_eq "their persons and cases applied" \
	"$(nat "SELECT count(*) FROM persons WHERE number LIKE 'P-XYZ-%'")/$(nat "SELECT count(*) FROM cases WHERE number LIKE 'RP-XYZ-%'")" \
	"125/125"
expect_rc "a second sync is refused at the same batch" 4 "$CD" --store "$B" --user admin sync --db "$DB" --batch 500
expect_grep "the same one" "refused the batch of ops 1001 to 1500" "$T/err"
expect_eq "and changes nothing" "$(sent_upto "$B"),$(unsent "$B"),$(on_tier "$B")" "1000,1001,1000,1000"

# ---- without the reused number every batch goes, pipelined, each marked once
C=$T/ccc.casedesk
"$CD" --store "$C" init --office CCC --training >/dev/null || { fail "init of CCC"; exit 0; }
gen_registrations "$C" 300 5 CCX || { fail "writing CCC's ops"; exit 0; }
expect_rc "2,400 ops in batches of 700" 0 "$CD" --store "$C" --user admin sync --db "$DB" --batch 700
expect_grep "all of them new" "2400 ops sent (2400 new to the national tier, 0 already there)" "$T/out"
expect_eq "all marked sent" "$(unsent "$C"),$(sent_upto "$C")" "0,2400"
expect_eq "all on the tier once" "$(on_tier "$C"),$(nat "SELECT count(*) FROM persons WHERE number LIKE 'P-CCX-%'")" \
	"2400,2400,300"
