#!/bin/sh
# t_tui_assign.sh - assignment in the terminal at 80x24: a caseworker takes a case from the
# worklist's unassigned tab with `a` and finds it under `m` at once; a supervisor (F9 on a
# training store) hands one over with `h` from the picker; on the case screen the header
# says who took the case, and `a` and `r` take and release it.  Each check waits for the
# screen (tui_lib.sh) and compares it, or the store behind it.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
S=$T/assign.casedesk
export CASEDESK_TODAY=2026-03-02
cli() { "$CD" --store "$S" "$@"; }
holder() { sqlite3 "$S" "SELECT coalesce(u.name, '-') FROM cases c LEFT JOIN users u ON u.id = c.assignee_id WHERE c.number = '$1'"; }

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
cli --user admin user add ivan --role caseworker --workflows all >/dev/null
P=$(cli --user clerk person add --surname Doe --given John --dob 1980 --sex M --nationality GBR)
C1=$(cli --user clerk case new residence --person "$P")
C2=$(cli --user clerk case new residence --person "$P")
C3=$(cli --user clerk case new residence --person "$P")
expect_eq "three unassigned cases" "$(holder "$C1") $(holder "$C2") $(holder "$C3")" "- - -"

# 80x24, the README's minimum.
start80() {
	start "$@"
	tm resize-window -t "$1" -x 80 -y 24
}

t_worklist() {
	start80 wl caseworker
	wait_for wl "Worklist" || return
	keys wl '?'
	see "? lists a (take) among the worklist's keys" wl "^  a +take the case" || return
	see "? lists h (hand over)" wl "^  h +hand it over \(supervisors\)" || return
	see "? lists r (release)" wl "^  r +release the case" || return
	keys wl Escape
	wait_for wl "Worklist" || return
	keys wl u
	see "u shows the unassigned tab" wl "Worklist — unassigned — all workflows — 3 cases" || return
	keys wl h
	see "h: a caseworker is told only a supervisor hands over" wl "only a supervisor hands a case over" || return
	keys wl a
	see "a takes the highlighted case, the message line says so" wl "$C1: taken by caseworker" || return
	see "the unassigned tab follows at once" wl "Worklist — unassigned — all workflows — 2 cases" || return
	unseen "the taken case has left the tab" wl "^ $C1 " || return
	expect_eq "the store holds it for the caseworker" "$(holder "$C1")" caseworker
	keys wl m
	see "m: the case is under my cases" wl "^ $C1 " || return
	see "and only it" wl "Worklist — my cases — all workflows — 1 case" || return
	keys wl F9
	see "F9 acts as the supervisor" wl "now acting as supervisor" || return
	keys wl t
	see "t: the office's cases" wl "Worklist — office — all workflows — 3 cases" || return
	keys wl h
	see "h opens the picker for the highlighted case" wl "Hand $C1 to:" || return
	see "the picker lists a caseworker who may hold it" wl "  ivan *$" || return
	see "and the supervisor" wl "  supervisor *$" || return
	unseen "not the holder, nor the admin and the clerk (no casework role)" wl "  (caseworker|admin|clerk) *$" 1 || return
	keys wl Escape
	see "Esc cancels the hand-over" wl "hand-over cancelled; nothing changed" || return
	expect_eq "the case stays where it was" "$(holder "$C1")" caseworker
	keys wl h
	wait_for wl "Hand $C1 to:" || return
	keys wl Enter
	see "Enter hands it over, the message line says from whom to whom" wl \
		"$C1: handed over from caseworker to ivan" || return
	unseen "the picker closes" wl "Hand $C1 to:" || return
	expect_eq "the store holds it for ivan" "$(holder "$C1")" ivan
	keys wl r
	see "r: the supervisor releases it" wl "$C1: released \(it was held by ivan\)" || return
	expect_eq "nobody holds it now" "$(holder "$C1")" -
	quit wl
}

t_case_screen() {
	start80 cs caseworker
	wait_for cs "Worklist" || return
	keys cs t
	wait_for cs "Worklist — office" || return
	keys cs Down Enter
	see "the case screen opens" cs "^ $C2 — " || return
	see "the header says nobody has taken it" cs "Assignee +nobody has taken this case" || return
	keys cs a
	see "a on the case screen takes it" cs "$C2: taken by caseworker" || return
	see "the header follows" cs "Assignee +taken by caseworker" || return
	see "the history shows the take" cs "caseworker +took the case" || return
	keys cs r
	see "r releases it" cs "Assignee +nobody has taken this case" || return
	expect_eq "the store holds nobody" "$(holder "$C2")" -
	keys cs h
	see "h: a caseworker may not hand over" cs "only a supervisor hands a case over" || return
	keys cs F9
	wait_for cs "now acting as supervisor" || return
	keys cs h
	see "the supervisor's h opens the picker on the case screen" cs "Hand $C2 to:" || return
	see "the picker offers the caseworker too (nobody holds the case)" cs "  caseworker *$" || return
	keys cs Down Enter
	see "and hands it over" cs "$C2: handed to ivan" || return
	see "the header says who holds it" cs "Assignee +taken by ivan" || return
	see "the history says who handed it to whom" cs "supervisor +handed the case over from|supervisor +handed the case to ivan" || return
	keys cs h
	wait_for cs "Hand $C2 to:" || return
	keys cs Down Enter
	see "a supervisor picking themselves takes it" cs "$C2: handed over from ivan to supervisor" || return
	see "the header says who holds it" cs "Assignee +taken by supervisor" || return
	quit cs
}

t_worklist
t_case_screen
