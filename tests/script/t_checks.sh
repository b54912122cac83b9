#!/bin/sh
# t_checks.sh - checks recorded by hand (issue 13, item 1): `casedesk check record|clear|list`
# on a real store file, the checks_clear guard naming the lists missing or held by a hit, the
# rules kept by the store itself, and the case screen's c key at 80x24 in tmux.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02 CASEDESK_STORE=$S
cli() { "$CD" --store "$S" "$@"; }

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
# An office with no check gateway: its residence workflow asks no list of the network, so
# its checks are answered by hand (a list the gateway is asked about is the gateway's to
# answer while pending: t_checks_hand_network.sh).
sed -e '/^network\./d' -e 's/^version = [0-9]*/version = 70/' data/workflows/residence.ini >"$T/residence.ini"
cli --user admin workflow install "$T/residence.ini" >/dev/null || { fail "install residence without network lists"; exit 0; }
P=$(cli --user clerk person add --surname Roe --given Ann --dob 1980 --sex F --nationality UKR)
cli --user clerk document add "$P" --number "FE 1" --issuer UKR --expires 2030-01-01 >/dev/null
C=$(cli --user clerk case new residence --person "$P")
cli --user caseworker case move "$C" confirm_receipt --set permit_reason=family >/dev/null
propose() { cli --user caseworker case move "$C" propose_decision --set proposed_outcome=grant --set "proposal_reason=meets the conditions"; }
grant() { cli --user supervisor case move "$C" grant --set valid_from=2026-04-01 --set valid_until=2028-03-31; }

# ---- the guard names what is missing
expect_rc "no checks: the proposal is refused" 4 propose
expect_grep "naming every list missing" "checks missing: sis, sltd, national_watchlist" "$T/err"
expect_rc "case show gives the same reason" 0 cli --user caseworker case show "$C"
expect_grep "for the blocked step" "propose_decision.*checks missing: sis, sltd, national_watchlist" "$T/out"

# ---- usage and refusals
expect_rc "--result is clear or hit" 2 cli --user caseworker check record "$C" --list sis --result maybe
expect_rc "--list is required" 2 cli --user caseworker check record "$C" --result clear
expect_rc "--reason is required" 2 cli --user supervisor check clear "$C" --list sis
expect_rc "a list the workflow does not name" 6 cli --user caseworker check record "$C" --list interpol --result clear
expect_grep "is named, with the lists allowed" "not checked against list 'interpol'; its workflow names: sis, sltd, national_watchlist" "$T/err"
expect_rc "a clerk does not record checks" 4 cli --user clerk check record "$C" --list sis --result clear
expect_rc "no such case" 3 cli --user caseworker check record RP-TBS-2026-999999 --list sis --result clear
expect_rc "a note with a control character" 6 cli --user caseworker check record "$C" --list sis --result clear --note "$(printf 'x\033[2J')"
expect_eq "refusals recorded nothing" "$(sqlite3 "$S" "SELECT count(*) FROM checks WHERE source != 'network'")" 0

# ---- a hit holds the case until a supervisor clears it
expect_rc "caseworker records a hit" 0 cli --user caseworker check record "$C" --list sis --result hit --note "name and year match"
expect_rc "sltd clear" 0 cli --user caseworker check record "$C" --list sltd --result clear
expect_rc "national_watchlist clear" 0 cli --user caseworker check record "$C" --list national_watchlist --result clear
expect_rc "a hit is an answer: the proposal goes (checks_answered)" 0 propose
expect_rc "the hit holds the grant" 4 grant
expect_grep "naming the list with the hit" "a hit on sis holds the case until a supervisor clears it" "$T/err"
expect_rc "a hit is not answered away" 4 cli --user caseworker check record "$C" --list sis --result clear
expect_grep "the refusal says how it ends" "check clear $C --list sis --reason" "$T/err"
expect_rc "a caseworker does not clear a hit" 4 cli --user caseworker check clear "$C" --list sis --reason "not her"
expect_rc "a clearing needs a reason" 6 cli --user supervisor check clear "$C" --list sis --reason " "
expect_rc "no hit on sltd to clear" 4 cli --user supervisor check clear "$C" --list sltd --reason "nothing"
expect_rc "the supervisor clears the hit" 0 cli --user supervisor check clear "$C" --list sis --reason "other person, born 1961"
expect_rc "check list" 0 cli --user caseworker --json check list "$C"
expect_grep "shows the cleared hit with who and why" '"list":"sis","required":true,"result":"cleared","by":"caseworker".*"note":"name and year match","cleared_by":"supervisor",.*"clear_reason":"other person, born 1961"' "$T/out"
expect_grep "and says the case is clear" '"clear":true' "$T/out"
expect_rc "now the grant goes" 0 grant

# ---- every change an event and an audit row; a list read audited
expect_rc "case history in text" 0 cli --user caseworker case history "$C"
expect_grep "a check's list, result and note" "check sis: hit — name and year match$" "$T/out"
expect_grep "a clearing's reason" "check sis: cleared — other person, born 1961$" "$T/out"
expect_eq "three answers and a clearing in the history" \
	"$(sqlite3 "$S" "SELECT group_concat(kind || ':' || field || ':' || coalesce(new_value, ''), ' ') FROM event WHERE kind LIKE 'check%'")" \
	"check:sis:hit check:sltd:clear check:national_watchlist:clear check_cleared:sis:cleared"
expect_eq "the clearing's reason is its note" "$(sqlite3 "$S" "SELECT note FROM event WHERE kind = 'check_cleared'")" "other person, born 1961"
expect_eq "an audit row per change" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action = 'change' AND entity = 'check'")" 4
expect_eq "the list read is audited" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action = 'view' AND entity = 'case_checks'")" 1
expect_rc "the history shows the checks" 0 cli --user caseworker --json case history "$C"
expect_grep "with the note" '"kind":"check","transition":null,"from":null,"to":null,"field":"sis","old":null,"new":"hit"' "$T/out"

# ---- replacing an answer keeps the earlier one
expect_rc "sltd answered again (a hit now)" 0 cli --user supervisor check record "$C" --list sltd --result hit
expect_eq "both answers kept" "$(sqlite3 "$S" "SELECT group_concat(result, ',') FROM checks WHERE list = 'sltd' AND source != 'network' ORDER BY id")" "clear,hit"
expect_rc "check list shows the newest" 0 cli --user caseworker check list "$C"
expect_grep "sltd is a hit now" "^sltd  *hit " "$T/out"
expect_eq "the columns line up: 'cleared' heads the column the row's '-' is in" \
	"$(awk 'NR == 1 { h = index($0, "cleared") } /^sltd/ { r = length($0) } END { print (h == r && h > 0) }' "$T/out")" 1
expect_grep "the time to the minute" "^sltd  *hit  *supervisor  *2026-03-02 [0-9][0-9]:[0-9][0-9] " "$T/out"
expect_grep "and the case held" "1 list holds the case" "$T/out"
expect_rc "who recorded a hit does not clear it" 4 cli --user supervisor check clear "$C" --list sltd --reason "mine"
expect_grep "saying who may" "you recorded the hit on sltd yourself; a supervisor other than supervisor clears it" "$T/err"
expect_eq "the replacement is an event with the old answer" "$(sqlite3 "$S" "SELECT old_value || '>' || new_value FROM event WHERE kind = 'check' ORDER BY id DESC LIMIT 1")" "clear>hit"

# ---- the rules hold against sqlite3 on the file
if sqlite3 "$S" "UPDATE checks SET result = 'clear' WHERE list = 'sltd'" 2>/dev/null; then
	fail "an answer cannot be changed in place"
else pass "an answer cannot be changed in place"; fi
if sqlite3 "$S" "UPDATE checks SET cleared_by = (SELECT id FROM users WHERE name = 'caseworker'), cleared_at = 'x', clear_reason = 'r' WHERE id = (SELECT max(id) FROM checks WHERE list = 'sltd')" 2>/dev/null; then
	fail "only a supervisor clears, even in sqlite3"
else pass "only a supervisor clears, even in sqlite3"; fi
if sqlite3 "$S" "UPDATE checks SET cleared_by = (SELECT id FROM users WHERE name = 'supervisor'), cleared_at = 'x', clear_reason = '' WHERE id = (SELECT max(id) FROM checks WHERE list = 'sltd')" 2>/dev/null; then
	fail "a clearing needs a reason, even in sqlite3"
else pass "a clearing needs a reason, even in sqlite3"; fi
expect_rc "the store checks out" 0 cli --user admin store check

# ---- need-to-know: a user whose workflows leave out residence
cli --user admin user add vera --role caseworker --workflows visa >/dev/null
expect_rc "another unit's case: recording refused" 4 cli --user vera check record "$C" --list sis --result clear
expect_grep "by the need-to-know rule" "need-to-know" "$T/err"
expect_rc "and reading its checks" 4 cli --user vera check list "$C"

# ---- workflow lint: checks_clear needs the lists named
sed '/^checks = /d' data/workflows/residence.ini >"$T/nolists.ini"
expect_rc "lint refuses checks_clear without checks =" 6 cli workflow lint "$T/nolists.ini"
cat "$T/out" "$T/err" >"$T/lint"
expect_grep "naming the file and line" "$T/nolists.ini:[0-9]*: transition .* has the guard checks_\(clear\|answered\), but \[workflow\] names no lists" "$T/lint"

# ---- the case screen: c records a check, and the missing lists shrink (80x24)
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI checks need tmux (.ci/deps installs it)"
	exit 0
fi
P2=$(cli --user clerk person add --surname Tui --given Check --dob 1981 --sex M --nationality GBR)
C2=$(cli --user caseworker case new residence --person "$P2" --assign caseworker)
start desk caseworker
tm resize-window -t desk -x 80 -y 24
open_case desk "$C2" "$P2" || exit 0
see "the case shows the lists missing (no gateway asked)" desk "^ Checks +missing: sis, sltd, national_watchlist"
keys desk c
see "c opens the check form" desk "Record a check"
see "offering a missing list" desk "List +< sis >"
keys desk Tab
keys desk h
see "h makes it a hit" desk "Result +< hit >"
keys desk c
see "c a clear again" desk "Result +< clear >"
keys desk Tab
type_text desk "checked at the counter"
keys desk F5
see "the missing list shrinks" desk "^ Checks +sis clear — missing: sltd, national_watchlist"
expect_eq "recorded in the store as the caseworker's" \
	"$(sqlite3 "$S" "SELECT k.list || ':' || k.result || ':' || u.name || ':' || k.note FROM checks k JOIN users u ON u.id = k.recorded_by JOIN cases c ON c.id = k.case_id WHERE c.number = '$C2'")" \
	"sis:clear:caseworker:checked at the counter"
keys desk c
see "the next offered is the next missing" desk "List +< sltd >"
keys desk Right
see "Right moves to another list" desk "List +< national_watchlist >"
keys desk Escape
see "Esc records nothing" desk "nothing was recorded"
keys desk C
see "C: a caseworker does not clear" desk "clearing a hit needs the role supervisor"
screen desk >"$T/screen"
expect_eq "no line wider than 80 columns" "$(while IFS= read -r l; do printf '%s\n' "$l" | wc -L; done <"$T/screen" | awk '$1 > 80 { n++ } END { print n + 0 }')" 0
quit desk

# ---- C: a supervisor clears a hit with a reason
cli --user caseworker check record "$C2" --list sltd --result hit --note "number on the list" >/dev/null
start sup supervisor
tm resize-window -t sup -x 80 -y 24
open_case sup "$C2" "$P2" || exit 0
see "the hit shows" sup "^ Checks +sis clear, sltd HIT — missing: national_watchlist"
keys sup C
see "C opens the clearing form on the hit" sup "List +sltd"
keys sup F5
see "a reason is required" sup "cleared with a reason: say why"
type_text sup "the number belongs to another passport"
keys sup F5
see "the hit is cleared" sup "^ Checks +sis clear, sltd cleared — missing: national_watchlist"
expect_eq "cleared in the store by the supervisor, with the reason" \
	"$(sqlite3 "$S" "SELECT u.name || ':' || k.clear_reason FROM checks k JOIN users u ON u.id = k.cleared_by JOIN cases c ON c.id = k.case_id WHERE c.number = '$C2'")" \
	"supervisor:the number belongs to another passport"
keys sup C
see "no hit left to clear" sup "no hit to clear on this case"
quit sup
