#!/bin/sh
# t_tui_decide.sh - decisions checked and confirmed, nothing typed lost (issue 13, items 4
# and 6), at 80x24 in tmux: a grant with its dates reversed is refused as the field is
# left and again on save; a decision shows its summary and asks, and Esc keeps the input;
# Esc and F10 on a half-filled registration ask; a prefilled field is replaced by typing;
# a choice is picked from its list by its label; a long text wraps in its field.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
S=$T/office.casedesk
export CASEDESK_TODAY=2026-12-04
cli() { "$CD" --store "$S" "$@"; }
field_of() { sqlite3 "$S" "SELECT value FROM case_field f JOIN cases c ON c.id = f.case_id WHERE c.number = '$1' AND f.name = '$2'"; }
state_of() { sqlite3 "$S" "SELECT state FROM cases WHERE number = '$1'"; }
check_clear() {
	for _l in sis sltd national_watchlist; do
		cli --user caseworker check record "$1" --list "$_l" --result clear >/dev/null || fail "check $_l recorded on $1"
	done
}
# start80 NAME USER: a desk at the README's minimum size.
start80() {
	start "$@"
	tm resize-window -t "$1" -x 80 -y 24 2>/dev/null || tm set-option -t "$1" default-size 80x24 >/dev/null 2>&1
}

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
# (an office with no check gateway answers its checks by hand: lib.sh, no_gateway)
no_gateway "$S" || fail "an office with no check gateway"
person() { cli --user clerk person add "$@"; }
PA=$(person --surname Alpha --given Ann --dob 1980 --sex F --nationality UKR)
PB=$(person --surname Bravo --given Ben --dob 1981 --sex M --nationality UKR)
PC=$(person --surname Charlie --given Cid --dob 1982 --sex M --nationality UKR)
for p in "$PA" "$PB" "$PC"; do cli --user clerk document add "$p" --number "D$p" --issuer UKR --expires 2031-01-01 >/dev/null; done
# Letters go to a postal address (issue 14): a decision letter without one is not printed.
for p in "$PA" "$PB" "$PC"; do cli --user clerk person address "$p" --line "1 Main Street" >/dev/null; done
CA=$(cli --user clerk case new residence --person "$PA")
CB=$(cli --user clerk case new residence --person "$PB")
CC=$(cli --user clerk case new residence --person "$PC")
# A: proposed, for the supervisor to grant
cli --user caseworker case move "$CA" confirm_receipt --set permit_reason=family >/dev/null
check_clear "$CA"
cli --user caseworker case move "$CA" propose_decision --set proposed_outcome=grant --set "proposal_reason=in order" >/dev/null
# B: documents asked once (due 2026-12-10) and received: asking again prefills the form
cli --user caseworker case move "$CB" request_documents --set "missing_documents=proof of address" \
	--set documents_due=2026-12-10 --no-print >/dev/null
cli --user clerk case move "$CB" documents_received >/dev/null
# C: in assessment, for a proposal picked from the list
cli --user caseworker case move "$CC" confirm_receipt --set permit_reason=other >/dev/null
check_clear "$CC"
expect_eq "the test store is as planned" "$(state_of "$CA") $(state_of "$CB") $(state_of "$CC")" "proposed assessment assessment"

# ---- 1. the grant: dates reversed refused as the field is left and on save; the summary asks
t_grant() {
	start80 sup supervisor
	wait_for sup "Worklist" || return
	open_case sup "$CA" "$PA" || return
	choose_step sup grant
	wait_for sup "Valid from" || return
	type_text sup "2026-12-10"
	keys sup Tab
	type_text sup "2025-12-09"
	keys sup Tab
	see "a reversed date is refused as the field is left, naming both fields" sup \
		"Valid until must be after Valid from \(2026-12-10\)"
	keys sup F5
	see "and again on save" sup "nothing was saved — Valid until must be"
	unseen "no summary for a refused form" sup "Confirm:" 1
	expect_eq "nothing saved" "$(state_of "$CA")" "proposed"
	# Back to the field: entering it selects the text, so typing replaces it.
	keys sup BTab
	wait_for sup "Valid until" || return
	type_text sup "2027-12-09"
	keys sup F5
	see "a decision shows its summary" sup "^ Confirm: "
	see "with the values" sup "Valid until: 2027-12-09"
	see "and where the case goes" sup "The case goes to: "
	expect_eq "nothing saved while it asks" "$(state_of "$CA")" "proposed"
	keys sup Escape
	see "Esc goes back to the form" sup "not saved; your input is kept"
	see "with the input kept" sup "2027-12-09"
	unseen "the summary is gone" sup "^ Confirm: " 5
	keys sup F5
	wait_for sup "^ Confirm: " || return
	keys sup Enter
	see "Enter saves the decision" sup "Grant the permit done"
	expect_eq "the case is granted" "$(state_of "$CA")" "card_pending"
	expect_eq "with the dates typed" "$(field_of "$CA" valid_from) $(field_of "$CA" valid_until)" "2026-12-10 2027-12-09"
	quit sup
}

# ---- 2. a prefilled field is replaced by the first key typed
t_prefill() {
	start80 pre caseworker
	wait_for pre "Worklist" || return
	open_case pre "$CB" "$PB" || return
	choose_step pre request_documents
	wait_for pre "Documents due" || return
	see "the form is prefilled from the case" pre "2026-12-10"
	keys pre Tab
	type_text pre "2026-12-20"
	see "typing replaced it" pre " 2026-12-20 "
	unseen "nothing was appended" pre "2026-12-102026" 1
	# moving the cursor first keeps the text for editing
	keys pre BTab Tab End BSpace
	type_text pre "1"
	see "End, then editing, keeps it" pre " 2026-12-21 "
	keys pre F5
	see "saved" pre "Ask the applicant for missing documents done"
	expect_eq "the store has the typed date" "$(field_of "$CB" documents_due)" "2026-12-21"
	quit pre
}

# ---- 3. a choice picked from its list by its label; leaving the typed form asks
t_choice() {
	start80 pick caseworker
	wait_for pick "Worklist" || return
	open_case pick "$CC" "$PC" || return
	choose_step pick propose_decision
	wait_for pick "Proposed" || return
	type_text pick "ref"
	see "typing opens the list, filtered" pick "^ Pick .*type to filter"
	unseen "the filter hides the other choices" pick "^    [Gg]rant" 5
	keys pick Enter
	see "Enter picks; the form shows the choice" pick "[Rr]efuse"
	unseen "the list is closed" pick "^ Pick " 5
	# A long text wraps in its field and grows, at 80 columns too
	type_text pick "The applicant has not shown sufficient means of subsistence for the whole period of the stay asked here."
	see "a long text starts beside its label" pick "Reasons for the proposal \* +The applicant has"
	see "and wraps onto lines of its own under it" pick "^ {31}.*asked here\."
	keys pick Escape
	see "Esc on a typed form asks" pick "Discard what you typed\? y/n"
	keys pick n
	see "n keeps the input" pick "asked here\."
	keys pick F10
	see "F10 asks too" pick "Discard what you typed\? y/n"
	keys pick n
	see "and n stays" pick "your input is kept"
	keys pick Escape
	wait_for pick "Discard what you typed" || return
	keys pick y
	see "y discards the step" pick "step cancelled; nothing was saved"
	expect_eq "nothing was saved" "$(state_of "$CC")" "assessment"
	quit pick
}

# ---- 4. a half-filled registration asks before Esc or F10 loses it
t_register() {
	start80 reg clerk
	wait_for reg "Worklist" || return
	keys reg F4
	wait_for reg "Register a person" || return
	type_text reg "Halfway"
	keys reg Escape
	see "Esc on a half-filled registration asks" reg "Discard what you typed\? y/n"
	keys reg n
	see "n keeps the form and the text" reg "Halfway"
	keys reg F10
	see "F10 asks too" reg "Discard what you typed\? y/n"
	keys reg n
	see "still registering" reg "Register a person"
	keys reg F1
	see "F1 lists the editing keys" reg "\^U .*clear the field"
	keys reg Escape
	wait_for reg "Register a person" || return
	keys reg Escape
	wait_for reg "Discard what you typed" || return
	keys reg y
	see "y goes back" reg "Worklist"
	expect_eq "nobody registered" "$(sqlite3 "$S" "SELECT count(*) FROM person WHERE surname = 'Halfway'")" 0
	# an empty form leaves without asking
	keys reg F4
	wait_for reg "Register a person" || return
	keys reg Escape
	see "an empty form leaves at once" reg "Worklist"
	quit reg
}

t_grant
t_prefill
t_choice
t_register
