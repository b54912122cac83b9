#!/bin/sh
# t_tui_review.sh - the Duplicates screen (issue 15 deliverable 6), driven for real at 80x24
# in tmux: d on the worklist opens it; a caseworker is told it is for supervisors; a
# supervisor sees each pair that arrived by a real bundle (score, the arrived number and its
# office, this office's number) and the highlighted pair's names side by side; d dismisses
# and m merges, each asking a reason, and the store records both decisions.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
export CASEDESK_TODAY=2026-03-02
A=$T/a.casedesk S=$T/office.casedesk
cd_as() { st=$1 who=$2; shift 2; "$CD" --store "$st" --user "$who" "$@"; }
field() { sed -n "s/^$1 *//p" "$2"; }
q() { sqlite3 "$S" "$1"; }
"$CD" --store "$A" init --office KIT --training >/dev/null || { fail "init A"; exit 0; }
"$CD" --store "$S" init --office TBS --training >/dev/null || { fail "init the office"; exit 0; }
for st in "$A" "$S"; do
	cd_as "$st" clerk person add --surname Коваленко --given Ірина --dob 1991-07-04 --sex F --nationality UKR >"$T/p1"
	cd_as "$st" clerk document add "$(cat "$T/p1")" --number FB123456 --issuer UKR --kind passport >/dev/null
	cd_as "$st" clerk person add --surname Beridze --given Nino --dob 1985-02-11 --sex F --nationality GEO >"$T/p2"
	cp "$T/p1" "$T/${st##*/}.p1"
	cp "$T/p2" "$T/${st##*/}.p2"
done
cd_as "$A" admin bundle key >"$T/keyA"
cd_as "$S" admin bundle trust --origin "$(field origin "$T/keyA")" --office KIT --key "$(field key "$T/keyA")" >/dev/null
cd_as "$A" admin bundle export -o "$T/a.bundle" >/dev/null
cd_as "$S" admin bundle import "$T/a.bundle" -o "$T/ack.bundle" >/dev/null
expect_eq "two pairs queued by the import" "$(q "SELECT count(*) FROM dupe_review")" 2
A1=$(cat "$T/a.casedesk.p1") S1=$(cat "$T/office.casedesk.p1")

start cw caseworker
tm resize-window -t cw -x 80 -y 24
wait_for cw "Worklist|worklist" || exit 0
keys cw d
see "a caseworker is told the queue is for supervisors" cw "for supervisors"
quit cw

start sup supervisor
tm resize-window -t sup -x 80 -y 24
wait_for sup "Worklist|worklist" || exit 0
keys sup d
see "d on the worklist opens the Duplicates screen" sup "Possible duplicates from other stores \\(offices, kits\\) — 2 open"
see "the passport pair first: score, arrived, office, ours" sup "100 +$A1 +KIT +$S1"
see "  the pair's names side by side" sup "arrived \\(KIT\\): Коваленко, Ірина, born 1991-07-04"
screen sup >"$T/screen"
if awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$T/screen"; then pass "it fits 80 columns"
else fail "it fits 80 columns"; dump_screen; fi
keys sup m
see "m asks a reason" sup "Reason:"
type_text sup "same passport"
keys sup Enter
see "merged" sup "merged into $S1"
see "one left" sup "— 1 open"
expect_eq "the arrived record is merged into ours" \
	"$(q "SELECT b.number FROM person a JOIN person b ON b.id = a.merged_into WHERE a.number = '$A1'")" "$S1"
keys sup d
wait_for sup "Reason:" || exit 0
type_text sup "different mothers' names"
keys sup Enter
see "dismissed" sup "dismissed: two people"
see "none left" sup "No possible duplicate waiting"
expect_eq "both decided by the supervisor" \
	"$(q "SELECT group_concat(decision, ' ') FROM (SELECT decision FROM dupe_review WHERE decided_by = 'supervisor' ORDER BY id)")" \
	"merged dismissed"
quit sup
