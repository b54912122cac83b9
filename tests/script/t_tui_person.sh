#!/bin/sh
# t_tui_person.sh - the person screen's edits (issue 13, deliverable 3), driven for real in
# tmux at 80x24: add a document (and a listed one, which asks why before it goes on), an
# alias, correct the surname with a reason, expire a document, add an address, link a
# relative found by name and open them with Enter.  Each check waits for the screen, and
# then asks the store (or `person show`) whether the change is there.
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
P=$(cli --user clerk person add --surname Shevchenko --given Taras --dob 1980-03-09 --sex M --nationality UKR)
R=$(cli --user clerk person add --surname Bondarenko --given Olha --dob 1984 --sex F --nationality UKR)
K=$(cli --user clerk person add --surname Melnyk --given Ivan --dob 2010 --sex M --nationality UKR)
printf 'number,issuer,kind,reported\nEB777777,UKR,passport,2025-11-01\n' >"$T/lost.csv"
cli --user supervisor lostdocs import "$T/lost.csv" --source test >/dev/null

start pe caseworker
tm resize-window -t pe -x 80 -y 24
wait_for pe "Worklist" || exit 0
keys pe /
wait_for pe "Find:" || exit 0
type_text pe "Shevchenko"
wait_for pe "^ $P " || exit 0
keys pe Enter
see "the person screen opens" pe "^ Person $P" || exit 0
see "no document yet" pe "none on file"

# ---- a document, the lost/stolen check asking why --------------------------------------------
keys pe d
see "d opens the document form" pe "Add a document" || exit 0
type_text pe "FB555666"
# "Issued by" holds the nationality as a suggestion: typing replaces it, never appends.
keys pe Tab
type_text pe "MDA"
keys pe F5
see "the document is saved and shown, the issuer typed over the suggestion" pe "passport +FB555666 +MDA" || exit 0
expect_eq "the document is in the store" "$(q "SELECT count(*) FROM document WHERE number = 'FB555666'")" "1"
keys pe d
wait_for pe "Add a document" || exit 0
type_text pe "EB777777"
keys pe F5
see "a listed document is refused and shown" pe "EB777777 of UKR" || exit 0
see "and a reason is asked" pe "Reason to go on"
expect_eq "nothing saved yet" "$(q "SELECT count(*) FROM document WHERE number = 'EB777777'")" "0"
type_text pe "owner here with police report"
keys pe F5
see "with a reason it is saved" pe "passport +EB777777" || exit 0
expect_eq "the reason is on its event" \
	"$(q "SELECT note FROM event WHERE kind = 'document_added' ORDER BY id DESC LIMIT 1")" "owner here with police report"

# ---- an alias ------------------------------------------------------------------------------
keys pe n
see "n opens the alias form" pe "Add an alias" || exit 0
type_text pe "Шевченко"
keys pe Tab
type_text pe "Тарас"
keys pe Tab C-u
type_text pe "previous"
keys pe F5
see "the alias is shown" pe "Also known +Шевченко, Тарас +\(previous\)" || exit 0

# ---- a correction of the surname, with a reason --------------------------------------------------
keys pe e
see "e opens the correction form" pe "Correct bio-data" || exit 0
keys pe C-u
type_text pe "Shevchuk"
keys pe Tab Tab Tab Tab Tab Tab Tab Tab
type_text pe "passport shows Shevchuk"
keys pe F5
see "the corrected surname is shown" pe "Name +Shevchuk, Taras" || exit 0
see "with its Latin form derived again" pe "ICAO Latin +SHEVCHUK, TARAS"
expect_eq "the event holds old, new and reason" \
	"$(q "SELECT old_value || '>' || new_value || ': ' || note FROM event WHERE kind = 'person_corrected' AND field = 'surname'")" \
	"Shevchenko>Shevchuk: passport shows Shevchuk"
cli --user caseworker search Shevchuk >"$T/found"
expect_grep "search finds the corrected name" "^$P" "$T/found"

# ---- a stale correction: another desk changed the person --------------------------------------
keys pe e
wait_for pe "Correct bio-data" || exit 0
cli --user supervisor person correct "$P" --field birth_place --value Kyiv --reason "birth certificate" >/dev/null
keys pe Tab Tab Tab Tab C-u
type_text pe "X"
keys pe Tab Tab Tab Tab
type_text pe "self-declared"
keys pe F5
see "a stale save is refused, the input kept" pe "another desk changed this person" || exit 0
keys pe C-r
see "^R reads the new version" pe "read version 3" || exit 0
keys pe F5
see "then it saves" pe "bio-data corrected" || exit 0
expect_eq "both changes are kept" "$(q "SELECT sex || ' ' || birth_place || ' v' || row_version FROM person WHERE number = '$P'")" "X Kyiv v4"

# ---- expire the highlighted document ----------------------------------------------------------
keys pe x
see "x opens the expiry form for the highlighted document" pe "Document FB555666" || exit 0
# The form reads top to bottom: the day first (today, selected), Tab to the reason.
see "the expiry day comes first" pe "Expires on \* +2026-03-02" || exit 0
keys pe Tab
type_text pe "reported lost"
keys pe F5
see "the document now expires today" pe "FB555666 +MDA +expires 2026-03-02" || exit 0

# ---- an address --------------------------------------------------------------------------------
keys pe w
see "w opens the address form" pe "Add an address" || exit 0
type_text pe "1 Rustaveli Ave"
keys pe Tab
type_text pe "Tbilisi"
keys pe Tab
type_text pe "geo"
keys pe F5
see "the address is shown" pe "Addresses +residence +1 Rustaveli Ave, Tbilisi +GEO" || exit 0

# ---- link a relative found by name, then open them -----------------------------------------------
keys pe l
see "l opens the link form" pe "Link a relative" || exit 0
type_text pe "Bondarenko"
keys pe Enter
see "the search shows the relative" pe "$R +BONDARENKO, OLHA" || exit 0
keys pe Enter
type_text pe "spouse"
keys pe Enter
see "the relative is linked and shown" pe "Family +spouse +$R" || exit 0
expect_eq "linked both ways" "$(q "SELECT count(*) FROM family")" "2"
keys pe l
wait_for pe "Link a relative" || exit 0
type_text pe "$K"
keys pe Enter Enter
type_text pe "child"
keys pe Enter
see "a relative linked by person number" pe "child +$K +MELNYK, IVAN" || exit 0
screen pe >"$T/screen"
if awk 'length($0) > 80 { bad = 1 } END { exit !bad }' "$T/screen"; then fail "the screen fits 80 columns"; else pass "the screen fits 80 columns"; fi
see "the name stays at the top at 80x24" pe "Name +Shevchuk, Taras"
keys pe Down Down
wait_for pe "Family" || exit 0
keys pe Enter
see "Enter on the family row opens the relative" pe "^ Person $R" || exit 0
see "who shows the link back" pe "Family +spouse +$P"
keys pe Escape
see "Esc comes back to the person" pe "^ Person $P"
quit pe

# ---- a clerk adds, but does not correct -----------------------------------------------------------
start cl clerk
tm resize-window -t cl -x 80 -y 24
wait_for cl "Worklist" || exit 0
keys cl /
wait_for cl "Find:" || exit 0
type_text cl "Melnyk"
wait_for cl "^ $K " || exit 0
keys cl Enter
wait_for cl "^ Person $K" || exit 0
keys cl e
see "a clerk is told who corrects bio-data" cl "for caseworkers and supervisors"
if grep -q "Correct bio-data" "$T/screen"; then fail "no correction form for a clerk"; else pass "no correction form for a clerk"; fi
quit cl
