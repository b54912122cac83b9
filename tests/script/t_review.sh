#!/bin/sh
# t_review.sh - duplicates across offices (issue 15, deliverable 6) through the real binary:
# Ірина Коваленко is registered at TBS (store A) and, with the same date of birth and
# passport, at KUT (store B); a dissimilar person is registered at TBS too.  A's ops are
# carried to B in a signed bundle; the import queues exactly one review row (the pair), with
# the passport's score, and none for the other person.  Supervisors only; list and show
# audited; dismiss and merge decided once; sqlite3 on the file cannot change a decision.
. tests/script/lib.sh
export CASEDESK_TODAY=2026-03-02
A=$T/a.casedesk B=$T/b.casedesk
cd_as() { st=$1 who=$2; shift 2; "$CD" --store "$st" --user "$who" "$@"; }
field() { sed -n "s/^$1 *//p" "$2"; }

"$CD" --store "$A" init --office TBS --training >/dev/null || { fail "init A"; exit 0; }
"$CD" --store "$B" init --office KUT --training >/dev/null || { fail "init B"; exit 0; }
PA=$(cd_as "$A" clerk person add --surname Коваленко --given Ірина --dob 1991-07-04 --sex F --nationality UKR)
cd_as "$A" clerk document add "$PA" --number FB123456 --issuer UKR --kind passport >/dev/null
QA=$(cd_as "$A" clerk person add --surname Okonkwo --given Chidi --dob 1970-01-15 --sex M --nationality NGA)
PB=$(cd_as "$B" clerk person add --surname Коваленко --given Ірина --dob 1991-07-04 --sex F --nationality UKR)
cd_as "$B" clerk document add "$PB" --number FB123456 --issuer UKR --kind passport >/dev/null
[ -n "$PA" ] && [ -n "$PB" ] && [ -n "$QA" ] && pass "registered at both offices" || fail "registered at both offices"

cd_as "$A" admin bundle key >"$T/keyA"
expect_rc "B trusts A" 0 cd_as "$B" admin bundle trust --origin "$(field origin "$T/keyA")" --office TBS \
	--key "$(field key "$T/keyA")"
expect_rc "A exports a bundle" 0 cd_as "$A" admin bundle export -o "$T/a.bundle"
expect_eq "nothing in review before the import" "$(sqlite3 "$B" "SELECT count(*) FROM dupe_review")" 0
expect_rc "B imports it" 0 cd_as "$B" admin bundle import "$T/a.bundle" -o "$T/ack.bundle"

UA=$(sqlite3 "$B" "SELECT uuid FROM person WHERE number = '$PA'")
UB=$(sqlite3 "$B" "SELECT uuid FROM person WHERE number = '$PB'")
expect_eq "one pair queued in B" "$(sqlite3 "$B" "SELECT count(*) FROM dupe_review")" 1
expect_eq "  the arrived person and B's own" \
	"$(sqlite3 "$B" "SELECT person_uuid || ' ' || candidate_uuid || ' ' || origin_office FROM dupe_review")" "$UA $UB TBS"
expect_eq "  scored by the passport (100, raised when the document came)" "$(sqlite3 "$B" "SELECT score FROM dupe_review")" 100
expect_eq "  the dissimilar person queued nothing" \
	"$(sqlite3 "$B" "SELECT count(*) FROM dupe_review r JOIN person p ON p.uuid = r.person_uuid WHERE p.number = '$QA'")" 0
if sqlite3 "$B" "SELECT reasons FROM dupe_review" | grep -q "Коваленко\|Ірина\|FB123456"; then
	fail "  the reasons name nobody"
else
	pass "  the reasons name nobody"
fi

expect_rc "review list is refused to a clerk" 4 cd_as "$B" clerk review list
expect_rc "review list as a supervisor" 0 cd_as "$B" supervisor review list
expect_grep "  names the arrived person" "$PA" "$T/out"
expect_grep "  and the local one" "$PB" "$T/out"
expect_grep "  and the office it came from" "TBS" "$T/out"
expect_eq "  audited, both persons, purpose duplicate review" \
	"$(sqlite3 "$B" "SELECT count(*) FROM audit WHERE purpose = 'duplicate review' AND user_name = 'supervisor'")" 2
expect_rc "review list --json" 0 cd_as "$B" supervisor --json review list
expect_eq "  is JSON with the score" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["score"])' "$T/out")" 100
ID=$(sqlite3 "$B" "SELECT id FROM dupe_review")
expect_rc "review show ID" 0 cd_as "$B" supervisor review show "$ID"
expect_grep "  side by side" "Коваленко" "$T/out"
expect_rc "review show: no such row" 3 cd_as "$B" supervisor review show 999
expect_rc "dismiss without a reason" 6 cd_as "$B" supervisor review dismiss "$ID"
expect_rc "dismiss by a caseworker" 4 cd_as "$B" caseworker review dismiss "$ID" --reason "two people"
if sqlite3 "$B" "UPDATE dupe_review SET decision = 'dismissed', decided_by = 'clerk', decided_at = 'x', reason = 'r'" 2>/dev/null; then
	fail "sqlite3 cannot decide a row as a clerk"
else
	pass "sqlite3 cannot decide a row as a clerk"
fi
if sqlite3 "$B" "DELETE FROM dupe_review" 2>/dev/null; then fail "sqlite3 cannot delete a row"; else pass "sqlite3 cannot delete a row"; fi
expect_rc "merge: B's person survives" 0 cd_as "$B" supervisor review merge "$ID" --reason "same passport, same person"
expect_eq "  the arrived record is merged into B's" \
	"$(sqlite3 "$B" "SELECT b.number FROM person a JOIN person b ON b.id = a.merged_into WHERE a.uuid = '$UA'")" "$PB"
expect_eq "  the decision recorded" "$(sqlite3 "$B" "SELECT decision || ' ' || decided_by FROM dupe_review")" "merged supervisor"
expect_eq "  and an event on B's person" \
	"$(sqlite3 "$B" "SELECT count(*) FROM event e JOIN person p ON p.id = e.person_id WHERE e.kind = 'duplicate_reviewed' AND p.uuid = '$UB'")" 1
expect_rc "decided once: dismiss afterwards is refused" 4 cd_as "$B" supervisor review dismiss "$ID" --reason "again"
if sqlite3 "$B" "UPDATE dupe_review SET decision = 'dismissed'" 2>/dev/null; then
	fail "sqlite3 cannot change a decided row"
else
	pass "sqlite3 cannot change a decided row"
fi
expect_rc "review list: nothing open" 0 cd_as "$B" supervisor review list
expect_grep "  says so" "no possible duplicate" "$T/out"
expect_rc "review list --all shows the decided row" 0 cd_as "$B" supervisor review list --all
expect_grep "  with its decision" "merged" "$T/out"
expect_rc "store check on B" 0 cd_as "$B" admin store check
