#!/bin/sh
# t_storecheck_sig.sh - `store check` verifies every op's signature (issue 15, trust; schema
# 27) through the real binary on a training store:
#  - a store that registered a person checks clean, and --json gives the signature counts;
#  - the person's surname changed in the outbox payload with sqlite3: the schema's triggers
#    refuse the edit, so the test drops the trigger first, as a hostile user with sqlite3 on
#    the file would; `store check` then exits non-zero naming the op (its number and origin),
#    never the surname; the store refuses changes until it is repaired, as for any finding;
#  - a signature taken away (the other trigger dropped too) is found the same way;
#  - a second clean check goes through the checkpoint and still finds an edit made after it.
. tests/script/lib.sh
export CASEDESK_TODAY=2026-03-02
S=$T/s.casedesk
cli() { "$CD" --store "$S" "$@"; }
q() { sqlite3 "$S" "$1"; }

cli init --office TBS --training >/dev/null || { fail "init"; exit 0; }
cli --user clerk person add --surname Koval --given Anna --dob 1990-01-02 --sex F --nationality UKR >/dev/null ||
	fail "person add"
cli --user clerk person add --surname Bondar --given Olena --dob 1985-05-06 --sex F --nationality UKR >/dev/null ||
	fail "person add 2"
ORIGIN=$(q "SELECT value FROM settings WHERE key = 'store_uuid'")
# Copies of the store as it is now: its WAL written into the file first, its seal key beside it.
q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
copy_to() { cp "$T/clean.casedesk" "$1" && cp "$T/clean.casedesk.seal.key" "$1.seal.key"; }
cp "$S" "$T/clean.casedesk" && cp "$S.seal.key" "$T/clean.casedesk.seal.key"

expect_rc "a clean store checks" 0 cli --user admin store check
expect_grep "  and says its op signatures hold" "2 op signatures hold" "$T/out"
expect_rc "store check --json" 0 cli --user admin --json store check
expect_grep "  gives the verified count" '"op_signatures_verified":2' "$T/out"
expect_grep "  and no bad one" '"op_signatures_bad":0' "$T/out"

# The edit as the schema stands is refused; a hostile user drops the trigger first.
if q "UPDATE outbox SET payload = replace(payload, '\"Koval\"', '\"Kowal\"') WHERE origin_seq = 1" 2>/dev/null; then
	fail "the outbox trigger refuses a payload edit"
else
	pass "the outbox trigger refuses a payload edit"
fi
q "DROP TRIGGER outbox_no_update; UPDATE outbox SET payload = replace(payload, '\"Koval\"', '\"Kowal\"') WHERE origin_seq = 1"
expect_eq "  with the trigger dropped, the surname is changed" \
	"$(q "SELECT count(*) FROM outbox WHERE origin_seq = 1 AND payload LIKE '%\"Kowal\"%'")" 1
expect_rc "store check finds the edited op" 7 cli --user admin store check
expect_grep "  names it by number and origin" "the first: op 1 of origin $ORIGIN in outbox" "$T/err"
expect_grep "  and says what is wrong" "not the content that was signed" "$T/err"
if grep -q "Kowal\|Koval" "$T/err" "$T/out"; then fail "  without the surname" "$(cat "$T/err")"; else pass "  without the surname"; fi
expect_rc "the damaged store refuses a change" 7 cli --user clerk person add --surname Melnyk --given Iryna \
	--dob 1970 --sex F --nationality UKR
expect_grep "  saying it was found damaged" "damaged" "$T/err"
expect_eq "  and nothing was added" "$(q "SELECT count(*) FROM person")" 2
expect_rc "it stays damaged at the next check" 7 cli --user admin store check

# A signature taken away (both triggers dropped): an own op after a signed one.
S=$T/strip.casedesk
copy_to "$S"
q "DROP TRIGGER outbox_no_update; DROP TRIGGER outbox_sig_fixed; UPDATE outbox SET sig = NULL, sig_commit = NULL WHERE origin_seq = 2"
expect_rc "store check finds a signature taken away" 7 cli --user admin store check
expect_grep "  naming the op" "op 2 of origin $ORIGIN in outbox: it has no signature" "$T/err"

# Checked clean once (the checkpoint left), then a member the payload digest does not cover
# edited: the checkpoint no longer holds, every op is verified again and the edit found.
S=$T/cp.casedesk
copy_to "$S"
expect_rc "a clean check leaves its checkpoint" 0 cli --user admin store check
expect_eq "  (the setting)" "$(q "SELECT value LIKE '2 %' FROM settings WHERE key = 'opsig_checked'")" 1
q "DROP TRIGGER outbox_no_update; UPDATE outbox SET op = 'update' WHERE origin_seq = 1"
expect_rc "an edit under the checkpoint is found" 7 cli --user admin store check
expect_grep "  naming the op" "op 1 of origin $ORIGIN in outbox: its signature does not match" "$T/err"
