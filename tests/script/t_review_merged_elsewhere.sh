#!/bin/sh
# t_review_merged_elsewhere.sh - a merge made at another office settles the pair this store
# has in review (issue 15, deliverables 6 and 7): Ірина Коваленко is registered at TBS (A)
# and at KUT (B) with the same passport; bundles both ways put the pair in review at both.
# A's supervisor merges it (B's record into A's); A's bundle brings the merge op to B, which
# makes the same merge (B's record and its passport go to the survivor, the old number leads
# there) and closes its review as merged by A's supervisor at TBS, at the merge's time - no
# supervisor at B merges it twice.  Before, B recorded the merge as skipped and left the pair
# open.  A merge op whose pair is not open here is still only recorded (skipped).
. tests/script/lib.sh
export CASEDESK_TODAY=2026-03-02
A=$T/a.casedesk B=$T/b.casedesk
cd_as() { st=$1 who=$2; shift 2; "$CD" --store "$st" --user "$who" "$@"; }
field() { sed -n "s/^$1 *//p" "$2"; }

"$CD" --store "$A" init --office TBS --training >/dev/null || { fail "init A"; exit 0; }
"$CD" --store "$B" init --office KUT --training >/dev/null || { fail "init B"; exit 0; }
PA=$(cd_as "$A" clerk person add --surname Коваленко --given Ірина --dob 1991-07-04 --sex F --nationality UKR)
cd_as "$A" clerk document add "$PA" --number FB123456 --issuer UKR --kind passport >/dev/null
PB=$(cd_as "$B" clerk person add --surname Коваленко --given Ірина --dob 1991-07-04 --sex F --nationality UKR)
cd_as "$B" clerk document add "$PB" --number FB123456 --issuer UKR --kind passport >/dev/null
CB=$(cd_as "$B" clerk case new visa --person "$PB")
[ -n "$PA" ] && [ -n "$PB" ] && [ -n "$CB" ] && pass "registered at both offices, a case at B" || fail "registered at both offices"

cd_as "$A" admin bundle key >"$T/keyA"
cd_as "$B" admin bundle key >"$T/keyB"
cd_as "$B" admin bundle trust --origin "$(field origin "$T/keyA")" --office TBS --key "$(field key "$T/keyA")" >/dev/null
cd_as "$A" admin bundle trust --origin "$(field origin "$T/keyB")" --office KUT --key "$(field key "$T/keyB")" >/dev/null
OA=$(field origin "$T/keyA") OB=$(field origin "$T/keyB")
cd_as "$A" admin bundle export -o "$T/a1.bundle" --for "$OB" >/dev/null
cd_as "$B" admin bundle export -o "$T/b1.bundle" --for "$OA" >/dev/null
expect_rc "B imports A's bundle" 0 cd_as "$B" admin bundle import "$T/a1.bundle" -o "$T/a1.ack"
expect_rc "A imports B's bundle" 0 cd_as "$A" admin bundle import "$T/b1.bundle" -o "$T/b1.ack"
cd_as "$A" admin bundle ack "$T/a1.ack" >/dev/null
cd_as "$B" admin bundle ack "$T/b1.ack" >/dev/null
UA=$(sqlite3 "$A" "SELECT uuid FROM person WHERE number = '$PA'") UB=$(sqlite3 "$B" "SELECT uuid FROM person WHERE number = '$PB'")
expect_eq "the pair in review at both offices" \
	"$(sqlite3 "$A" "SELECT count(*) FROM dupe_review WHERE decision IS NULL") $(sqlite3 "$B" "SELECT count(*) FROM dupe_review WHERE decision IS NULL")" "1 1"

IDA=$(sqlite3 "$A" "SELECT id FROM dupe_review")
expect_rc "A's supervisor merges it, A's record surviving" 0 \
	cd_as "$A" supervisor review merge "$IDA" --reason "same passport FB123456, same person"
MAT=$(sqlite3 "$A" "SELECT at FROM outbox WHERE op = 'merge'") MU=$(sqlite3 "$A" "SELECT uuid FROM outbox WHERE op = 'merge'")
expect_eq "  the merge op names who merged" "$(sqlite3 "$A" "SELECT json_extract(payload, '\$.by') FROM outbox WHERE op = 'merge'")" supervisor
expect_rc "A exports for B" 0 cd_as "$A" admin bundle export -o "$T/a2.bundle" --for "$OB"
sqlite3 "$B" .dump >"$T/b0.dump"
expect_rc "B imports it" 0 cd_as "$B" admin bundle import "$T/a2.bundle"
IDB=$(sqlite3 "$B" "SELECT id FROM dupe_review")
expect_eq "B's review is closed as merged, by A's supervisor at TBS, at the merge's time, with A's reason" \
	"$(sqlite3 "$B" "SELECT decision || '|' || decided_by || '|' || decided_at || '|' || reason FROM dupe_review")" \
	"merged|supervisor (TBS)|$MAT|same passport FB123456, same person"
expect_eq "  nothing left open in review" "$(sqlite3 "$B" "SELECT count(*) FROM dupe_review WHERE decision IS NULL")" 0
expect_eq "  B's record merged into A's, as at A" \
	"$(sqlite3 "$B" "SELECT q.uuid FROM person p JOIN person q ON q.id = p.merged_into WHERE p.uuid = '$UB'")" "$UA"
expect_eq "  B's case and passport went with it to the survivor" \
	"$(sqlite3 "$B" "SELECT p.uuid FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$CB'") $(sqlite3 "$B" "SELECT count(*) FROM document d JOIN person p ON p.id = d.person_id WHERE p.uuid = '$UA'")" \
	"$UA 2"
expect_eq "  the merge op recorded as applied here, not skipped" \
	"$(sqlite3 "$B" "SELECT outcome FROM applied_ops WHERE uuid = '$MU'")" applied
expect_eq "  and not made B's own op (it keeps its origin)" "$(sqlite3 "$B" "SELECT count(*) FROM outbox WHERE op = 'merge'")" 0
expect_rc "B's old number still finds the person" 0 cd_as "$B" clerk person show "$PB"
expect_grep "  leading to the survivor" "$PB was merged into $PA" "$T/err"
expect_rc "B's supervisor cannot merge it twice" 4 cd_as "$B" supervisor review merge "$IDB" --reason "again"
expect_grep "  decided already, by A's supervisor" "decided already: merged by supervisor (TBS)" "$T/err"
expect_rc "the review op that followed the merge changes nothing more" 0 cd_as "$B" admin bundle import "$T/a2.bundle"
expect_grep "  nothing new" ": 0 new," "$T/out"
expect_rc "store check on B" 0 cd_as "$B" admin store check

# A third store C gets both records from A's bundle (B's carried): the pair queued on arrival
# is settled by A's merge op in the same import.
C=$T/c.casedesk
"$CD" --store "$C" init --office ALT --training >/dev/null || fail "init C"
cd_as "$C" admin bundle key >"$T/keyC"
cd_as "$C" admin bundle trust --origin "$OA" --office TBS --key "$(field key "$T/keyA")" >/dev/null
cd_as "$A" admin bundle trust --origin "$(field origin "$T/keyC")" --office ALT --key "$(field key "$T/keyC")" >/dev/null
cd_as "$A" admin bundle export -o "$T/a-c.bundle" --for "$(field origin "$T/keyC")" >/dev/null
expect_rc "C imports A's ops, the merge among them" 0 cd_as "$C" admin bundle import "$T/a-c.bundle"
expect_eq "  the pair queued and closed as merged by A's supervisor, none open" \
	"$(sqlite3 "$C" "SELECT outcome FROM applied_ops WHERE uuid = '$MU'") $(sqlite3 "$C" "SELECT count(*) || ' ' || group_concat(decided_by) FROM dupe_review WHERE decision = 'merged'") $(sqlite3 "$C" "SELECT count(*) FROM dupe_review WHERE decision IS NULL")" \
	"applied 1 supervisor (TBS) 0"
# D has only A's record (A's own bundle of before the merge, B's record never carried to D):
# no pair to settle, the merge op is recorded as skipped, as before.
D=$T/d.casedesk
"$CD" --store "$D" init --office DDD --training >/dev/null || fail "init D"
cd_as "$D" admin bundle trust --origin "$OA" --office TBS --key "$(field key "$T/keyA")" >/dev/null
expect_rc "D imports A's first bundle" 0 cd_as "$D" admin bundle import "$T/a1.bundle"
expect_rc "D imports A's bundle with the merge" 0 cd_as "$D" admin bundle import "$T/a2.bundle"
expect_eq "  no pair here: the merge recorded as skipped, nobody merged" \
	"$(sqlite3 "$D" "SELECT outcome FROM applied_ops WHERE uuid = '$MU'") $(sqlite3 "$D" "SELECT count(*) FROM person WHERE merged_into IS NOT NULL")" "skipped 0"
expect_rc "store check on C" 0 cd_as "$C" admin store check
