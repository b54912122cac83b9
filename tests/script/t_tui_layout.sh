#!/bin/sh
# t_tui_layout.sh - readable at 80x24 and beyond (issue 13 items 5 and 10), on the real TUI
# in tmux: the worklist, search and reports fit 80x24 and 200x50 without a line past the
# last column, the worklist keeps Person and Deadline at 80 and search Born and
# Nationality; `v` reads a blocked step's reason and a history note in full in a viewer
# that scrolls; the case history scrolls with PgDn/End and shows notes; help wraps; the
# reports screen shows titles, right-aligned numbers and a period, and its CSV export is
# byte for byte the CLI's for the same period, into the print folder, never replacing a file.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02
unset CASEDESK_PRINT_DIR
"$CD" --store "$S" init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
cli() { "$CD" --store "$S" "$@"; }
# Two namesakes: only the birth date and the nationality tell them apart.
P1=$(cli --user clerk person add --surname "Шевченко" --given "Олександр" --surname-latin SHEVCHENKO \
	--given-latin OLEKSANDR --dob 1987-04 --sex M --nationality UKR)
P2=$(cli --user clerk person add --surname "Шевченко" --given "Олександр" --surname-latin SHEVCHENKO \
	--given-latin OLEKSANDR --dob 1990-05-06 --sex M --nationality MDA)
cli --user clerk document add "$P1" --number XA123 --issuer UKR --expires 2031-01-01 >/dev/null
C1=$(cli --user caseworker case new residence --person "$P1" --assign caseworker)
mv_case() { cli --user caseworker case move "$C1" "$@" >/dev/null 2>&1 || fail "case move $*"; }
mv_case confirm_receipt --set permit_reason=family --note "the first note"
for i in 1 2 3; do
	mv_case request_documents --set missing_documents="passport copy $i" --set documents_due=2026-04-0$i --note "round $i"
	mv_case documents_received
done
# A note far longer than a screen: the viewer must scroll to its end.
long=$(awk 'BEGIN { for (i = 1; i <= 120; i++) printf "word%03d of a long note ", i; printf "ENDOFNOTE" }')
mv_case request_documents --set missing_documents="birth certificate" --set documents_due=2026-04-10 --note "$long"

# fits NAME SESSION COLS: no line of the screen is wider than COLS display columns.
fits() {
	screen "$2" >"$T/fit"
	w=$(wc -L <"$T/fit")
	if [ "$w" -le "$3" ]; then pass "$1 (widest line $w)"; else fail "$1" "a line is $w columns wide"; dump_screen; fi
}

size() { tm resize-window -t "$1" -x "$2" -y "$3"; }

# ---- the worklist and search at 80x24 and 200x50
t_lists() {
	start lists caseworker
	wait_for lists "Worklist" || return
	fits "the worklist fits 100 columns" lists 100
	size lists 80 24
	see "the worklist redraws at 80 columns" lists "^.{70}\? keys$" || return
	fits "the worklist fits 80 columns" lists 80
	see "with its Person and Deadline columns at 80" lists "Deadline +Person" || return
	see "and each row the person's name and the days left" lists "^ $C1 .*90 d +SHEVCHENKO, OLEKSANDR" || return
	size lists 200 50
	see "the worklist redraws at 200 columns" lists "^.{190}\? keys$" || return
	fits "the worklist fits 200 columns" lists 200
	keys lists t
	see "the office's cases show the assignee at 200" lists "Assignee +Person" || return
	fits "with the assignee it fits 200 columns too" lists 200
	size lists 80 24
	see "at 80 the office's cases keep the assignee, whole" lists "^ $C1 .* caseworker +SHEVCHENKO, OLEKSANDR" || return
	fits "the office's cases fit 80 columns" lists 80
	keys lists /
	wait_for lists "Find:" || return
	type_text lists "Шевченко"
	wait_for lists "^ $P2 " || return
	fits "search fits 80 columns" lists 80
	see "search shows Born and Nationality at 80" lists "Born +Nat\." || return
	see "which tell the namesakes apart" lists "^ $P1 .*1987-04 +UKR" || return
	see "the one and the other" lists "^ $P2 .*1990-05-06 +MDA" || return
	size lists 200 50
	see "search at 200 columns" lists "^ Search" || return
	fits "search fits 200 columns" lists 200
	see "and shows why a hit matched there" lists "Nat\. +Matched" || return
	quit lists
}

# ---- the case: the viewer, the history
t_case() {
	start case clerk
	wait_for case "Worklist" || return
	size case 80 24
	open_case case "$C1" "$P1" || return
	fits "the case screen fits 80 columns" case 80
	see "a blocked step shows its title, cut at the edge" case "^   - Documents not provided in time: assess as it stands → Admissibility and" || return
	# The first step open now is highlighted: Down to the blocked one, then v.
	keys case Down v
	see "v opens the blocked step's reason in the viewer" case "why Documents not provided in time" || return
	see "in full" case "^ «Documents not provided in time: assess as it stands» needs the role" || return
	keys case Escape
	see "Esc closes the viewer" case "^ $C1 — " || return
	see "the history shows a note on its line" case "Documents received|Ask the applicant for missing documents: " || return
	see "the history says which entries show" case "History \(latest first\) — 1-[0-9]+ of [0-9]+" || return
	keys case NPage
	see "PgDn scrolls the history to older entries" case "History \(latest first\) — [2-9][0-9]*-[0-9]+ of" || return
	keys case End
	see "End shows the first entries" case "Confirm receipt and start the assessment: Appl" || return
	fits "the scrolled history fits 80 columns" case 80
	# Home highlights the latest entry (a field of the last step); Down to the step with the note.
	keys case Home Down Down v
	see "v on a highlighted entry opens it" case "history entry 16 of 18" || return
	see "with its note" case "^ Note:" || return
	see "the viewer says it scrolls" case "lines 1-[0-9]+ of [0-9]+" || return
	unseen "the end of the note is further down" case "ENDOFNOTE" 1
	keys case End
	see "End scrolls the viewer to the note's end" case "ENDOFNOTE" || return
	fits "the viewer wraps to 80 columns" case 80
	keys case Home
	see "Home back to its start" case "word001 of a long note" || return
	keys case Escape
	see "back on the case" case "^ $C1 — " || return
	# The message line's last message, in full from anywhere: F8.
	# Up past the latest history entry goes back to the steps.
	keys case Up Up Up Down Enter
	see "Enter on a blocked step says why" case "Documents not provided in time: assess as it stands is blocked" || return
	# Too long for the two message lines (here on a 40-column terminal): the end says F8.
	size case 40 24
	see "a message longer than two lines points to F8" case "F8 reads all" || return
	size case 80 24
	keys case F8
	see "F8 reads the last message in the viewer" case "The last message" || return
	see "whole" case "needs the role caseworker" || return
	keys case Escape
	# Help wraps its lines instead of cutting them.
	keys case '?'
	see "help opens" case "Keys" || return
	see "a long help line wraps onto the next" case "^ +\(opens its form\); in a" || return
	fits "help fits 80 columns" case 80
	keys case x
	quit case
}

# ---- the reports screen
t_reports() {
	start rep caseworker
	wait_for rep "Worklist" || return
	size rep 80 24
	keys rep F6
	see "F6 opens the reports" rep "^ Reports — 2026-01-01 to 2026-03-02" || return
	see "over the current quarter by default" rep "Period +2026-01-01 to 2026-03-02" || return
	see "reports by title" rep "open and overdue cases per workflow and state" || return
	see "workflows and states by title, not id" rep "Residence permit +Waiting for the applicant's documents" || return
	fits "the reports fit 80 columns" rep 80
	hdr=$(grep -E -m1 "Open +Overdue +Closed" "$T/screen" | wc -L)
	all=$(grep -m1 "^ all " "$T/screen" | wc -L)
	expect_eq "numbers right-aligned: the totals end under the header's end" "$all" "$hdr"
	# workload is the fourth report.
	keys rep Down Down Down c
	see "c exports the highlighted report as CSV and names the file" rep "exported .*workload-2026-01-01-2026-03-02\.csv" || return
	f=$T/forms/workload-2026-01-01-2026-03-02.csv
	cli --user caseworker report workload --from 2026-01-01 --to 2026-03-02 --format csv -o "$T/cli.csv" >/dev/null
	if cmp -s "$f" "$T/cli.csv"; then pass "the file is byte for byte the CLI's export"; else
		fail "the file is byte for byte the CLI's export" "$(diff "$f" "$T/cli.csv" 2>&1 | head)"; fi
	keys rep c
	see "exporting again never replaces: a second name" rep "workload-2026-01-01-2026-03-02-2\.csv" || return
	keys rep x
	see "x exports XLSX" rep "workload-2026-01-01-2026-03-02\.xlsx" || return
	expect_eq "an XLSX file (a zip)" "$(head -c 2 "$T/forms/workload-2026-01-01-2026-03-02.xlsx")" "PK"
	# Another period: d, type both days over the ones shown (no ^U: typing replaces), Enter.
	keys rep d
	type_text rep "2026-02-01"
	keys rep Tab
	type_text rep "2026-02-28"
	keys rep Enter
	see "d sets another period" rep "Period +2026-02-01 to 2026-02-28" || return
	keys rep c
	see "exported over it" rep "workload-2026-02-01-2026-02-28\.csv" || return
	cli --user caseworker report workload --from 2026-02-01 --to 2026-02-28 --format csv -o "$T/cli2.csv" >/dev/null
	if cmp -s "$T/forms/workload-2026-02-01-2026-02-28.csv" "$T/cli2.csv"; then pass "that file too is the CLI's"; else
		fail "that file too is the CLI's"; fi
	keys rep d C-u
	type_text rep "2026-03-01"
	keys rep Tab C-u
	type_text rep "2026-02-01"
	keys rep Enter
	see "a reversed period is refused" rep "the period is reversed" || return
	keys rep Escape
	see "Esc keeps the old period" rep "Period +2026-02-01 to 2026-02-28" || return
	size rep 200 50
	see "the reports at 200 columns" rep "^.{190}\? keys$" || return
	fits "the reports fit 200 columns" rep 200
	quit rep
	# Need-to-know as in the CLI: a clerk working on visa only may not export workload.
	cli --user admin user add visaclerk --role clerk --workflows visa >/dev/null 2>&1
	start nk visaclerk
	if wait_for nk "Worklist"; then
		keys nk F6
		see "a report outside one's workflows is marked" nk "not yours: need-to-know" || return
		keys nk Down Down Down c
		see "and not exported" nk "not exported: report workload counts the cases of every workflow" || return
		quit nk
	fi
}

t_lists
t_case
t_reports
