#!/bin/sh
# t_tui_conflicts.sh - the Conflicts screen (issue 15 deliverable 5), driven for real at
# 80x24 in tmux: F7 opens it; it lists each open conflict with record, field, base, theirs,
# ours and the office it came from; t takes theirs, o keeps ours, e types a value, each
# asking a reason; the store then has the value, the conflict resolved and the resolution's
# op.  A caseworker is told the queue is for supervisors.  The open conflicts are queued
# with sqlite3 as model/store/apply.c writes them (no command applies another store's ops
# yet; tests/unit/test_apply.c queues real ones).
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02
cli() { "$CD" --store "$S" "$@"; }
q() { sqlite3 "$S" "$1"; }
cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
P=$(cli --user clerk person add --surname Ivanova --given Anna --dob 1991-07-04 --sex F --nationality UKR \
	--birth-place Lviv)
U=$(q "SELECT uuid FROM person")
queue() {
	q "INSERT INTO conflicts(uuid, entity, entity_uuid, field, base, theirs, ours, op_uuid, origin, origin_office, at)
	   VALUES (lower(hex(randomblob(16))), 'person', '$U', '$1', '$2', '$3', '$4', '${5:-op-$1}', 'kit-origin', 'KIT',
	   '2026-03-02T10:00:00Z')"
}
queue birth_place null '"Kyiv"' '"Lviv"'
queue given '"Anna"' '"Hanna"' '"Anna"'
queue surname '"Ivanova"' '"Ivanova-Petrova"' '"Ivanova"'

start cw caseworker
tm resize-window -t cw -x 80 -y 24
wait_for cw "Worklist|worklist" || exit 0
keys cw F7
see "a caseworker is told the queue is for supervisors" cw "for supervisors"
keys cw Escape /
type_text cw "Ivanova"
wait_for cw "$P" || exit 0
keys cw Enter
see "the person screen says which fields wait for a supervisor, without their values" cw \
	"Disputed +birth_place, given, surname: changed elsewhere"
if grep -q "Hanna\|Kyiv\|Ivanova-Petrova" "$T/screen"; then fail "  no other store's value shown to a caseworker"
else pass "  no other store's value shown to a caseworker"; fi
quit cw

start sup supervisor
tm resize-window -t sup -x 80 -y 24
wait_for sup "Worklist|worklist" || exit 0
keys sup F7
see "F7 opens the Conflicts screen" sup "Conflicts — 3 open"
see "a line has record, field, base, theirs, ours and who" sup "$P +birth_place +null +\"Kyiv\" +\"Lviv\" +KIT"
screen sup >"$T/screen"
if awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$T/screen"; then pass "it fits 80 columns"
else fail "it fits 80 columns"; dump_screen; fi

keys sup t
see "t asks a reason" sup "Reason:"
type_text sup "passport says Kyiv"
keys sup Enter
see "theirs taken" sup "resolved \\(theirs taken\\)"
see "two left" sup "Conflicts — 2 open"
expect_eq "the store has theirs" "$(q "SELECT birth_place FROM person")" Kyiv
expect_eq "the resolution is an op" "$(q "SELECT op FROM outbox ORDER BY origin_seq DESC LIMIT 1")" resolve

keys sup o
wait_for sup "Reason:" || exit 0
type_text sup "Anna is right"
keys sup Enter
see "ours kept" sup "resolved \\(ours kept\\)"
expect_eq "the store keeps ours" "$(q "SELECT given FROM person")" Anna

keys sup e
see "e asks the value" sup "Value:"
type_text sup "Petrova"
keys sup Enter
wait_for sup "Reason:" || exit 0
type_text sup "married name"
keys sup Enter
see "a typed value" sup "resolved \\(value typed\\)"
see "none left" sup "No open conflict"
expect_eq "the store has the typed value" "$(q "SELECT surname FROM person")" Petrova
expect_eq "three resolutions, by the supervisor" "$(q "SELECT count(*) FROM conflicts WHERE resolved_by = 'supervisor'")" 3
keys sup Escape /
type_text sup "Petrova"
wait_for sup "$P" || exit 0
keys sup Enter
see "once settled, the person screen opens" sup "^ Person $P"
unseen "  with nothing disputed" sup "Disputed" 1
quit sup

# A surname and its Latin spelling from one change: one decision settles both.
queue surname '"Petrova"' '"Petrenko"' '"Petrova"' op-rename
queue surname_latin '"PETROVA"' '"PETRENKO"' '"PETROVA"' op-rename
start sup2 supervisor
tm resize-window -t sup2 -x 80 -y 24
wait_for sup2 "Worklist|worklist" || exit 0
keys sup2 F7
see "the pair is two lines" sup2 "Conflicts — 2 open"
keys sup2 t
wait_for sup2 "Reason:" || exit 0
type_text sup2 "new passport"
keys sup2 Enter
see "taking theirs on the surname settles its Latin spelling, and says so" sup2 "conflicts 4 and 5 \\(surname_latin, the same change\\) resolved"
see "  none left" sup2 "No open conflict"
expect_eq "  the store has both of theirs" "$(q "SELECT surname || ' ' || surname_latin FROM person")" "Petrenko PETRENKO"
quit sup2
