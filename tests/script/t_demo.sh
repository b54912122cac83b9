#!/bin/sh
# The demo store: realistic people in many scripts, and a case in every state of every workflow.
. tests/script/lib.sh
S=$T/demo.casedesk
export CASEDESK_STORE=$S

expect_rc "demo builds a store" 0 $CD demo --persons 400 --seed 7
expect_rc "demo refuses to overwrite" 2 $CD demo --persons 10
expect_rc "demo needs a count" 2 $CD --store "$T/x.casedesk" demo
expect_rc "the demo store checks out" 0 $CD store check
for wf in data/workflows/*.ini; do
	id=$(sed -n 's/^id *= *\([a-z_]*\).*/\1/p' "$wf" | head -1)
	for state in $(sed -n 's/^\[state\.\([a-z0-9_]*\)\].*/\1/p' "$wf"); do
		n=$(sqlite3 "$S" "SELECT count(*) FROM cases WHERE workflow_id='$id' AND state='$state'")
		[ "$n" -gt 0 ] && pass "a case in $id/$state" || fail "a case in $id/$state" "none of the demo's cases is there"
	done
done
# By the first letter's code point, so the check does not depend on the machine's locale.
for script in Cyrillic:1024:1279 Georgian:4256:4351 Armenian:1328:1423 Arabic:1536:1791; do
	label=${script%%:*} range=${script#*:}
	lo=${range%%:*} hi=${range#*:}
	n=$(sqlite3 "$S" "SELECT count(*) FROM person WHERE unicode(surname) BETWEEN $lo AND $hi")
	[ "$n" -gt 0 ] && pass "names in $label script" || fail "names in $label script"
done
expect_eq "every name has an ICAO Latin form" "$(sqlite3 "$S" "SELECT count(*) FROM person WHERE surname_latin GLOB '*[^A-Z -]*' OR surname_latin = ''")" 0
expect_eq "year-only dates of birth" "$(sqlite3 "$S" "SELECT count(*) > 0 FROM person WHERE length(dob) = 4")" 1
expect_eq "year-month dates of birth" "$(sqlite3 "$S" "SELECT count(*) > 0 FROM person WHERE length(dob) = 7")" 1
expect_eq "families" "$(sqlite3 "$S" "SELECT count(*) > 0 FROM family WHERE relation = 'child'")" 1
# Before anyone reads the store: listing cases is audited (a "list" row).  The only audit
# rows so far: the admin installing the shipped workflows into the new store.
expect_eq "demo history is not audited as if someone saw it" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE entity <> 'workflow'")" 0
expect_eq "the shipped workflows were installed, audited" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE entity = 'workflow' AND action = 'install' AND user_name = 'admin'")" 4
expect_rc "overdue cases exist" 0 $CD --user caseworker --json case list --overdue --limit 1
expect_grep "and are listed" '"overdue":true' "$T/out"
expect_eq "nothing to sync from a demo" "$(sqlite3 "$S" "SELECT count(*) FROM outbox")" 0
expect_eq "the search index covers everyone" "$(sqlite3 "$S" "SELECT (SELECT count(*) FROM person_fts) = (SELECT count(*) FROM person)")" 1
$CD --store "$T/again.casedesk" demo --persons 400 --seed 7 >/dev/null
expect_eq "the same seed gives the same people" "$(sqlite3 "$T/again.casedesk" "SELECT group_concat(surname_latin) FROM person")" \
	"$(sqlite3 "$S" "SELECT group_concat(surname_latin) FROM person")"
