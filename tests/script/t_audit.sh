#!/bin/sh
# The audit trail that proves itself, on real store files: seals, the key moving forward,
# the escrow, and every kind of tampering `audit verify` must find (a changed row, deleted
# last rows, a case's history deleted, a chain recomputed without the key, seals removed).
# Tampering is done the way an insider would: sqlite3 on the file, triggers dropped.
. tests/script/lib.sh
S=$T/office.casedesk
K=$S.seal.key
E=$S.seal-escrow.key
export CASEDESK_STORE=$S CASEDESK_TODAY=2026-03-02

# A copy of the store with its key file beside it, to tamper with; prints the copy's path.
copy() {
	rm -f "$T/$1" "$T/$1.seal.key"
	sqlite3 "$S" ".backup '$T/$1'"
	cp -p "$K" "$T/$1.seal.key"
	echo "$T/$1"
}
# The key hex in a key or escrow file.
keyof() { sed -n 's/^key //p' "$1"; }
# Recomputes the audit chain from row $2 on, without any key (what anyone can do).
rechain() {
	prev=$(sqlite3 "$1" "SELECT coalesce((SELECT hash FROM audit WHERE id < $2 ORDER BY id DESC LIMIT 1), 'genesis')")
	sqlite3 -separator '|' "$1" "SELECT id, at, user_name, action, entity, coalesce(entity_uuid, ''), purpose FROM audit WHERE id >= $2 ORDER BY id" >"$T/rows"
	: >"$T/fix.sql"
	while IFS='|' read -r id at user action entity uuid purpose; do
		h=$(printf '%s|%s|%s|%s|%s|%s|%s' "$prev" "$at" "$user" "$action" "$entity" "$uuid" "$purpose" | sha256sum | cut -c1-64)
		echo "UPDATE audit SET prev_hash='$prev', hash='$h' WHERE id=$id;" >>"$T/fix.sql"
		prev=$h
	done <"$T/rows"
	sqlite3 "$1" "DROP TRIGGER IF EXISTS audit_no_update; $(cat "$T/fix.sql") CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
}

# ---- init escrows the first key and seals the empty trail
expect_rc "init" 0 $CD init --office TBS --training
expect_grep "init names the escrow file" "$E" "$T/out"
expect_grep "and says it goes to the safe" "office safe" "$T/out"
expect_eq "the escrow file is its owner's alone" "$(stat -c %a "$E")" 600
expect_eq "the key file is its owner's alone" "$(stat -c %a "$K")" 600
expect_eq "init wrote seal 0" "$(sqlite3 "$S" 'SELECT group_concat(epoch) FROM audit_seal')" 0
expect_eq "the key file has moved past the escrowed key" "$(grep -c "$(keyof "$E")" "$K")" 0
expect_rc "a fresh store verifies" 0 $CD --user admin audit verify
expect_rc "audit init on a sealed store is refused" 4 $CD --user admin audit init

# ---- work, then the rows are not yet sealed (a warning), then sealed (ok)
P1=$($CD --user clerk person add --surname Kovalenko --given Olena --dob 1985 --sex F --nationality UKR)
P2=$($CD --user clerk person add --surname Beridze --given Giorgi --dob 1979 --sex M --nationality GEO)
$CD --user clerk document add "$P1" --number AB1234567 --issuer UKR --expires 2035-01-01 >/dev/null
C=$($CD --user clerk case new residence --person "$P1")
C2=$($CD --user clerk case new residence --person "$P2")
expect_rc "a case moves" 0 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=other
$CD --user caseworker person show "$P1" >/dev/null
$CD --user caseworker person show "$P2" >/dev/null
expect_rc "rows not yet sealed are a warning (exit 9)" 9 $CD --user supervisor audit verify
expect_grep "the warning says how many" "audit rows and .* history events are not yet sealed" "$T/out"
expect_rc "a clerk may not verify the trail" 4 $CD --user clerk audit verify
expect_rc "nor a caseworker" 4 $CD --user caseworker audit verify
expect_rc "a supervisor may not seal" 4 $CD --user supervisor audit seal
old=$(keyof "$K")
expect_rc "an admin seals" 0 $CD --user admin audit seal
expect_eq "the key file moved forward: the old key is no longer in it" "$(grep -c "$old" "$K")" 0
expect_eq "the key file is still 0600 after the move" "$(stat -c %a "$K")" 600
expect_eq "no new-file is left beside it" "$(ls "$S".seal.key.new 2>/dev/null | wc -l)" 0
expect_rc "a sealed clean store verifies" 0 $CD --user admin audit verify
expect_grep "it names the rows and the time range checked" "audit rows checked: .* (ids 1 to .*), from 2026-03-02T.* to 2026-03-02T" "$T/out"
expect_rc "the escrow verifies from the start" 0 $CD --user admin audit verify --escrow "$E"
expect_grep "every seal's MAC was checked" "each MAC checked from the first epoch with the escrow key: 2" "$T/out"
expect_rc "--json verify" 0 $CD --user admin --json audit verify --escrow "$E"
expect_grep "json says ok with the counts" '"result":"ok".*"seals":2,"seal_macs_checked":2' "$T/out"
expect_rc "store check runs the verification too" 0 $CD --user admin store check
expect_grep "store check says the trail is whole" "audit trail whole" "$T/out"

# ---- the triggers refuse delete as well as update
for sql in "DELETE FROM audit WHERE id > 2" "UPDATE audit SET purpose='x'" "DELETE FROM event WHERE id = 1" \
	"DELETE FROM audit_seal" "UPDATE audit_seal SET mac='x'"; do
	if sqlite3 "$S" "$sql" 2>/dev/null; then fail "refused: $sql"; else pass "refused: $sql"; fi
done

# ---- seals come by themselves: every N rows, and after T minutes
expect_rc "the seal policy is the admin's" 4 $CD --user supervisor audit policy --rows 3
expect_rc "policy needs a number" 2 $CD --user admin audit policy
expect_rc "policy: a seal every 3 rows" 0 $CD --user admin audit policy --rows 3
seals=$(sqlite3 "$S" 'SELECT count(*) FROM audit_seal')
for i in 1 2 3 4; do $CD --user caseworker person show "$P2" >/dev/null; done
after=$(sqlite3 "$S" 'SELECT count(*) FROM audit_seal')
if [ "$after" -gt "$seals" ]; then pass "rows written bring a seal ($seals -> $after)"; else fail "rows bring a seal" "$seals -> $after"; fi
$CD --user admin audit policy --rows 1000 --minutes 10 >/dev/null
seals=$(sqlite3 "$S" 'SELECT count(*) FROM audit_seal')
export CASEDESK_TODAY=2026-03-03
$CD --user caseworker person show "$P2" >/dev/null
expect_eq "a day later the next row brings a seal" "$(sqlite3 "$S" 'SELECT count(*) FROM audit_seal')" $((seals + 1))
X=$(copy backwards.casedesk)
CASEDESK_TODAY=2026-03-01 $CD --store "$X" --user caseworker person show "$P2" >/dev/null
expect_rc "time running backwards is a warning" 9 $CD --store "$X" --user admin audit verify
expect_grep "it names the row" "time runs backwards at audit row" "$T/out"
$CD --user caseworker person show "$P2" >/dev/null
$CD --user admin audit seal >/dev/null

# ---- eight desks writing at once, a seal every row: the key never goes backwards
$CD --user admin audit policy --rows 1 >/dev/null
for i in 1 2 3 4 5 6 7 8; do
	( for k in 1 2 3; do $CD --user caseworker person show "$P1" >/dev/null 2>>"$T/w.err"; done ) &
done
wait
expect_eq "eight desks: no errors" "$(cat "$T/w.err" | wc -l)" 0
expect_rc "eight desks sealing: the escrow still verifies every seal" 0 $CD --user admin audit verify --escrow "$E"
expect_eq "and the key file is at the epoch after the last seal" "$(sed -n 's/^epoch //p' "$K")" \
	"$(sqlite3 "$S" 'SELECT max(epoch) + 1 FROM audit_seal')"
$CD --user admin audit policy --rows 256 >/dev/null
$CD --user admin audit seal >/dev/null
expect_rc "all sealed, all clean" 0 $CD --user admin audit verify --escrow "$E"
last=$(sqlite3 "$S" 'SELECT max(id) FROM audit')

# ---- one audit row changed, triggers dropped and put back
X=$(copy changed.casedesk)
sqlite3 "$X" "DROP TRIGGER audit_no_update; UPDATE audit SET purpose='nothing to see' WHERE id = 3;
	CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
expect_rc "a changed audit row is found (exit 10)" 10 $CD --store "$X" --user admin audit verify
expect_grep "naming the row" "first broken link: audit row 3 " "$T/out"
expect_rc "store check finds it too" 10 $CD --store "$X" --user admin store check
expect_grep "and says so" "audit row 3" "$T/out"

# ---- the last rows deleted (they were sealed)
X=$(copy cut.casedesk)
sqlite3 "$X" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > $((last - 3));"
expect_rc "deleted last rows are found" 10 $CD --store "$X" --user admin audit verify
expect_grep "the seal covers more than remains" "covers audit rows up to $last, but row $last no longer exists" "$T/out"
expect_rc "store check no longer says ok after DELETE FROM audit" 10 $CD --store "$X" store check

# ---- the last rows deleted together with the seals that covered them
X=$(copy cut2.casedesk)
sqlite3 "$X" "DROP TRIGGER audit_no_delete; DROP TRIGGER audit_seal_no_delete;
	DELETE FROM audit WHERE id > $((last - 3)); DELETE FROM audit_seal WHERE audit_id > $((last - 3));"
expect_rc "rows and their seals deleted are found" 10 $CD --store "$X" --user admin audit verify
expect_grep "the key file knows its epoch" "the seal key is at epoch .* but the store's last seal is" "$T/out"
expect_grep "and its head is gone" "the head recorded beside the key covers audit rows up to $last, but row $last no longer exists" "$T/out"

# ---- a case and its history deleted, the trigger put back
X=$(copy history.casedesk)
cid=$(sqlite3 "$X" "SELECT id FROM cases WHERE number = '$C2'")
sqlite3 "$X" "DROP TRIGGER event_no_delete; PRAGMA foreign_keys=OFF;
	DELETE FROM event WHERE case_id = $cid; DELETE FROM case_field WHERE case_id = $cid; DELETE FROM cases WHERE id = $cid;
	CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN SELECT RAISE(ABORT, 'event rows are append-only'); END;"
expect_eq "the case is gone" "$(sqlite3 "$X" "SELECT count(*) FROM cases WHERE number = '$C2'")" 0
expect_rc "a case's deleted history is found" 10 $CD --store "$X" --user admin audit verify
expect_grep "the history chain names the event" "first broken link in the history: event [0-9]" "$T/out"
expect_grep "and the gap" "history events .* are missing" "$T/out"

# ---- an event's note changed: the chain covers it through the event's text digest
nid=$(sqlite3 "$S" "SELECT min(id) FROM event WHERE text_digest IS NOT NULL AND kind = 'transition'")
X=$(copy note.casedesk)
sqlite3 "$X" "DROP TRIGGER event_no_update; UPDATE event SET note = 'nothing happened' WHERE id = $nid;"
expect_rc "a changed note is found (exit 10)" 10 $CD --store "$X" --user admin audit verify
expect_grep "naming the event" "event $nid: its note or values do not match their digest" "$T/out"
expect_eq "the chain itself holds: only the digest tells" "$(grep -c "first broken link" "$T/out")" 0
# ... and the note and its salt removed, as retention would, but the case is not purged
X=$(copy erased.casedesk)
sqlite3 "$X" "DROP TRIGGER event_no_update; UPDATE event SET note = NULL, old_value = NULL, new_value = NULL, text_salt = NULL WHERE id = $nid;"
expect_rc "text erased where no purge allows it is found" 10 $CD --store "$X" --user admin audit verify
expect_grep "naming the event and why" "event $nid: its text was erased, but its case is not purged" "$T/out"
if sqlite3 "$S" "UPDATE event SET note = NULL, old_value = NULL, new_value = NULL, text_salt = NULL WHERE id = $nid" 2>/dev/null
then fail "the trigger refuses to erase the text of a case not purged"
else pass "the trigger refuses to erase the text of a case not purged"; fi
# ... and with the case marked purged, the same erasure is retention's: a note, not tampering
sqlite3 "$X" "UPDATE cases SET purge_action = 'purge' WHERE id = (SELECT case_id FROM event WHERE id = $nid)"
expect_rc "erased text of a purged case verifies" 0 $CD --store "$X" --user admin audit verify
expect_grep "and is counted" "1 history events' text erased by retention" "$T/out"
expect_rc "--json on it" 0 $CD --store "$X" --user admin --json audit verify
expect_grep "json counts the erased events" '"events_erased":1' "$T/out"

# ---- a row changed and the SHA-256 chain recomputed without the key
X=$(copy rechained.casedesk)
sqlite3 "$X" "DROP TRIGGER audit_no_update; UPDATE audit SET user_name='supervisor' WHERE id = 3;"
rechain "$X" 3
expect_rc "the recomputed chain links up again by itself" 0 sqlite3 "$X" \
	"SELECT 1 WHERE (SELECT count(*) FROM audit a JOIN audit b ON b.id = a.id + 1 WHERE b.prev_hash != a.hash) = 0"
expect_rc "a recomputed chain is found by the seals" 10 $CD --store "$X" --user admin audit verify
expect_grep "the seal names the rewritten row" "seal [0-9]*: audit row [0-9]* is not the one that was sealed" "$T/out"
expect_eq "the chain itself holds: only the seals tell" "$(grep -c "first broken link" "$T/out")" 0

# ... and the seals' heads rewritten too, and the key file's head: only the MACs are left,
# and they need keys that no longer exist; the escrow finds it.
heads=$(sqlite3 "$X" "SELECT 'UPDATE audit_seal SET audit_hash = ''' || a.hash || ''' WHERE epoch = ' || s.epoch || ';' FROM audit_seal s JOIN audit a ON a.id = s.audit_id")
sqlite3 "$X" "DROP TRIGGER audit_seal_no_update; $heads"
newhead=$(sqlite3 "$X" "SELECT hash FROM audit WHERE id = (SELECT audit_id FROM audit_seal ORDER BY epoch DESC LIMIT 1)")
sed -i "s/^head \([0-9]*\) [0-9a-f]* /head \1 $newhead /" "$X.seal.key"
expect_rc "with the escrow, the forged seals are found" 10 $CD --store "$X" --user admin audit verify --escrow "$E"
expect_grep "by their MAC" "seal [0-9]* is bad: its MAC does not match" "$T/out"

# ---- the key and the escrow
expect_rc "an escrow of another store is refused" 0 $CD --store "$T/other.casedesk" init --office TBS --training
expect_rc "... as bad input" 6 $CD --user admin audit verify --escrow "$T/other.casedesk.seal-escrow.key"
expect_rc "a key file that is not one" 6 $CD --user admin audit verify --escrow "$K"
X=$(copy nokey.casedesk)
rm "$X.seal.key"
expect_rc "a missing key file is a failure" 10 $CD --store "$X" --user admin audit verify
expect_grep "naming it" "seal key file .* is missing" "$T/out"
cp -p "$E" "$T/escrow-copy"
expect_rc "no second first key" 4 $CD --user admin audit init
expect_rc "the escrow file is untouched" 0 cmp "$E" "$T/escrow-copy"
if ln -s "$T/target" "$T/link.casedesk.seal-escrow.key" && $CD --store "$T/link.casedesk" init --office TBS --training >/dev/null 2>&1; then
	fail "init refuses to write the escrow through a planted link"
else
	pass "init refuses to write the escrow through a planted link"
fi
expect_eq "the link's target was not created" "$(ls "$T/target" 2>/dev/null | wc -l)" 0
expect_eq "and the store was not left behind without its keys" "$(ls "$T/link.casedesk" 2>/dev/null | wc -l)" 0

# ---- the demo store is sealed and verifies
D=$T/demo.casedesk
expect_rc "demo" 0 $CD --store "$D" demo --persons 30 --seed 3
expect_grep "demo names its escrow" "$D.seal-escrow.key" "$T/out"
expect_rc "the demo's history verifies with its escrow" 0 $CD --store "$D" --user admin audit verify --escrow "$D.seal-escrow.key"
expect_grep "its events were checked" "history events checked: [1-9]" "$T/out"
