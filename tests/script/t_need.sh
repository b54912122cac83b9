#!/bin/sh
# t_need.sh - need-to-know (README "Need-to-know"), tried as an insider would: a matrix of
# user (role x workflows) x case (workflow) x command on the command line, break-glass,
# users and their workflows, an OS account that is no casedesk user, and in the TUI the
# refusal and the supervisor's break-glass prompt.  Real store files, the real binary.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02
cli() { "$CD" --store "$S" "$@"; }
q() { sqlite3 "$S" "$1"; }

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
# PA has an asylum case and a visa case; PV only a visa case.
PA=$(cli --user clerk person add --surname Doe --given Jane --dob 1975 --sex F --nationality XXA)
PV=$(cli --user clerk person add --surname Roe --given Richard --dob 1980 --sex M --nationality GBR)
cli --user clerk document add "$PA" --number XA1234567 --issuer UNO --expires 2031-01-01 >/dev/null
A=$(cli --user clerk case new asylum --person "$PA")
AV=$(cli --user clerk case new visa --person "$PA")
V=$(cli --user clerk case new visa --person "$PV")
cli --user clerk case move "$A" register --set made_on=2026-03-01 --set language_of_procedure=en \
	--note "fled in 2025" --no-print >/dev/null

# ---- users hold workflows
expect_rc "training users keep every workflow" 0 cli --user admin --json user list
expect_grep "clerk: all" '"name":"clerk"[^}]*"workflows":"all"' "$T/out"
expect_rc "user add --workflows" 0 cli --user admin user add vclerk --role clerk --workflows visa
expect_rc "a visa supervisor" 0 cli --user admin user add vsup --role supervisor --workflows visa
expect_rc "an asylum caseworker" 0 cli --user admin user add acw --role caseworker --workflows asylum,visa
expect_rc "a user with no workflow yet" 0 cli --user admin user add fresh --role caseworker
expect_grep "and told so" "reads no case" "$T/out"
expect_rc "an unknown workflow is refused" 6 cli --user admin user add typo --role clerk --workflows asylm
expect_grep "naming what the office runs" "runs asylum, residence, visa, work" "$T/err"
expect_rc "a malformed list is refused" 6 cli --user admin user add typo --role clerk --workflows "visa;asylum"
expect_rc "only an admin adds users" 4 cli --user supervisor user add x1 --role clerk --workflows visa
expect_rc "user list shows workflows" 0 cli --user admin user list
expect_grep "in its own column" "^acw .*caseworker .*asylum,visa$" "$T/out"
expect_grep "none for the new one" "^fresh .*none$" "$T/out"

# ---- the matrix: user x case x command.  may USER CASE: 1 when USER's workflows hold it.
may() {
	case "$1:$2" in
	clerk:* | acw:* | supervisor:*) echo 1 ;;
	vclerk:"$A" | vsup:"$A" | fresh:*) echo 0 ;;
	*) echo 1 ;;
	esac
}
for u in clerk vclerk vsup acw fresh; do
	for k in "$A" "$V"; do
		if [ "$(may "$u" "$k")" = 1 ]; then
			expect_rc "$u: case show $k" 0 cli --user "$u" case show "$k"
			expect_rc "$u: case history $k" 0 cli --user "$u" case history "$k"
			expect_rc "$u: form of $k" 0 cli --user "$u" form "$k" acknowledgement -o "$T/$u-$k.pdf"
			expect_rc "$u: case list" 0 cli --user "$u" case list --all
			expect_grep "$u: case list has $k" "^$k " "$T/out"
		else
			expect_rc "$u: case show $k refused" 4 cli --user "$u" case show "$k"
			expect_grep "$u: the refusal names the rule" "need-to-know" "$T/err"
			if grep -q -e Doe -e DOE -e fled "$T/err" "$T/out"; then
				fail "$u: the refusal holds no personal data" "$(cat "$T/err")"
			else
				pass "$u: the refusal holds no personal data"
			fi
			expect_rc "$u: case history $k refused" 4 cli --user "$u" case history "$k"
			if grep -q fled "$T/out"; then fail "$u: no note of $k shown"; else pass "$u: no note of $k shown"; fi
			expect_rc "$u: case show --json $k refused" 4 cli --user "$u" --json case show "$k"
			expect_grep "$u: as a JSON error" '"kind":"refused"' "$T/out"
			expect_rc "$u: form of $k refused" 4 cli --user "$u" form "$k" acknowledgement -o "$T/$u-$k.pdf"
			if [ -e "$T/$u-$k.pdf" ]; then fail "$u: no form of $k written"; else pass "$u: no form of $k written"; fi
			expect_rc "$u: case move $k refused" 4 cli --user "$u" case move "$k" withdraw \
				--set withdrawal_date=2026-03-02 --no-print
			expect_rc "$u: case list" 0 cli --user "$u" case list --all
			if grep -q "^$k " "$T/out"; then fail "$u: case list hides $k"; else pass "$u: case list hides $k"; fi
			expect_rc "$u: case list --workflow of another unit" 0 cli --user "$u" case list --all --workflow asylum
			expect_eq "$u: lists nothing of it" "$(grep -c . "$T/out")" 0
		fi
	done
done

expect_eq "refused reads are audited" "$(q "SELECT count(*) > 0 FROM audit WHERE action='refused' AND user_name='vclerk'")" 1
# Statistics: a small cell names a person (one Syrian applicant in a month), so a report is
# for users who work on every workflow it counts (an auditor's finding).
expect_rc "vclerk: the asylum applicants report is refused" 4 cli --user vclerk report asylum-applicants \
	--from 2026-01-01 --to 2026-12-31 --format csv -o "$T/vclerk-asy.csv"
expect_grep "naming the rule" "need-to-know" "$T/err"
if [ -e "$T/vclerk-asy.csv" ]; then fail "vclerk: no report file"; else pass "vclerk: no report file"; fi
expect_rc "vclerk: the workload report (every workflow) is refused" 4 cli --user vclerk report workload \
	--from 2026-01-01 --to 2026-12-31 --format csv -o "$T/vclerk-wl.csv"
expect_rc "clerk (all workflows): the asylum applicants report" 0 cli --user clerk report asylum-applicants \
	--from 2026-01-01 --to 2026-12-31 --format csv -o "$T/clerk-asy.csv"
expect_rc "vclerk cannot open an asylum case" 4 cli --user vclerk case new asylum --person "$PV"
expect_grep "naming the rule" "need-to-know" "$T/err"
expect_eq "and none was opened" "$(q "SELECT count(*) FROM cases")" 3
expect_rc "but a visa case" 0 cli --user vclerk case new visa --person "$PV"
V2=$(cat "$T/out")
expect_rc "which they then read" 0 cli --user vclerk case show "$V2"

# Search and person show: who a person is, for everyone; the case only as another unit's.
expect_rc "vclerk: search by name finds the person" 0 cli --user vclerk search Doe
expect_grep "with her number" "^$PA " "$T/out"
expect_rc "vclerk: search by document finds the person" 0 cli --user vclerk search XA1234567
expect_grep "by the document" "^$PA " "$T/out"
expect_rc "vclerk: search by the asylum number" 0 cli --user vclerk --json search "$A"
expect_grep "says: a case in another unit" '"why":"a case in another unit"' "$T/out"
if grep -q -e "$PA" -e Doe -e DOE -e asylum "$T/out"; then
	fail "vclerk: ... naming no one and no workflow" "$(cat "$T/out")"
else
	pass "vclerk: ... naming no one and no workflow"
fi
expect_rc "acw: search by the asylum number" 0 cli --user acw search "$A"
expect_grep "finds her" "^$PA .*case $A" "$T/out"
expect_rc "vclerk: person show" 0 cli --user vclerk person show "$PA"
expect_grep "shows who she is" "Doe, Jane" "$T/out"
expect_grep "and her document" "XA1234567" "$T/out"
expect_grep "her visa case" "^  $AV " "$T/out"
expect_grep "the asylum case as another unit's" "a case in another unit" "$T/out"
if grep -q -e "$A" -e asylum "$T/out"; then fail "vclerk: no asylum number or workflow" "$(cat "$T/out")"; else pass "vclerk: no asylum number or workflow"; fi
expect_rc "vclerk: person show --json" 0 cli --user vclerk --json person show "$PA"
expect_grep "marks it other_unit" '"other_unit":true' "$T/out"
if grep -q '"state"[^,]*,[^}]*"other_unit"' "$T/out" || grep -q "$A" "$T/out"; then
	fail "vclerk: JSON carries no state or number of it" "$(cat "$T/out")"
else
	pass "vclerk: JSON carries no state or number of it"
fi
REF=$(q "SELECT uuid FROM cases WHERE number='$A'")
expect_rc "acw: person show lists the asylum case" 0 cli --user acw person show "$PA"
expect_grep "by number" "^  $A " "$T/out"

# ---- break the glass
expect_rc "a clerk cannot break the glass" 4 cli --user vclerk case show "$A" --break-glass "the applicant is here"
expect_grep "only a supervisor" "only a supervisor" "$T/err"
expect_rc "a purpose of one word is refused" 2 cli --user vsup case show "$A" --break-glass "why"
expect_eq "and nothing is recorded" "$(q 'SELECT count(*) FROM break_glass')" 0
expect_rc "a supervisor breaks the glass" 0 cli --user vsup case show "$A" --break-glass "applicant at the desk asks about her letter"
expect_grep "and reads the case" "^$A " "$T/out"
expect_rc "also by its ref from person show" 0 cli --user vsup case history "$REF" --break-glass "checking the dates she gives"
expect_grep "its history" "fled in 2025" "$T/out"
expect_eq "both are flagged for review" "$(q "SELECT count(*) FROM break_glass WHERE user_name='vsup' AND reviewed_at IS NULL")" 2
expect_eq "and audited with their purpose" \
	"$(q "SELECT count(*) FROM audit WHERE action='break_glass' AND user_name='vsup' AND purpose='applicant at the desk asks about her letter'")" 1
expect_rc "without the glass it stays closed" 4 cli --user vsup case show "$A"
expect_rc "a supervisor does not review their own" 4 cli --user vsup user glass
expect_rc "an admin lists them" 0 cli --user admin user glass
expect_grep "with who, case and purpose" "vsup .*$A .*applicant at the desk" "$T/out"
G=$(q "SELECT min(id) FROM break_glass")
expect_rc "an admin marks one reviewed" 0 cli --user admin user glass --reviewed "$G"
expect_eq "and it is audited" "$(q "SELECT count(*) FROM audit WHERE action='review' AND entity='break_glass'")" 1
expect_rc "the list holds the other" 0 cli --user admin --json user glass
expect_eq "one left" "$(grep -o '"id":' "$T/out" | wc -l)" 1

# ---- user set narrows and widens
expect_rc "user set --workflows" 0 cli --user admin user set vclerk --workflows visa,asylum
expect_rc "vclerk now reads the asylum case" 0 cli --user vclerk case show "$A"
expect_rc "user set narrows again" 0 cli --user admin user set vclerk --workflows visa
expect_rc "and it is refused again" 4 cli --user vclerk case show "$A"
expect_rc "only an admin sets users" 4 cli --user vsup user set vsup --workflows all
expect_rc "an unknown user" 3 cli --user admin user set ghost --workflows all
expect_eq "changes are audited" "$(q "SELECT count(*) FROM audit WHERE entity='user' AND action='change'")" 6

# ---- an OS account that is no casedesk user, on a real store (needs root to be another account)
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	D=$T/office
	mkdir -m 777 "$D"
	R=$D/real.casedesk
	expect_rc "init a real store" 0 "$CD" --store "$R" init --office ABC
	chmod 666 "$R"
	chmod 755 "$T"
	as_nobody() { runuser -u nobody -- env ASAN_OPTIONS="$ASAN_OPTIONS" CASEDESK_DATA="$CASEDESK_DATA" "$CD" --store "$R" "$@"; }
	for cmd in "user list" "store check" "case list" "search Doe" "person show P-ABC-000001"; do
		# shellcheck disable=SC2086 # the command's words
		expect_rc "not a user: $cmd refused" 4 as_nobody $cmd
		expect_grep "not a user: $cmd names what to ask" "not a casedesk user; ask an admin" "$T/err"
	done
	expect_rc "not a user: --version still works" 0 as_nobody --version
	expect_rc "not a user: --help still works" 0 as_nobody --help
	expect_rc "not a user: --user does not help" 2 as_nobody --user root user list
	expect_rc "the admin adds nobody" 0 "$CD" --store "$R" user add nobody --role clerk --workflows visa
	expect_rc "then user list works for them" 0 as_nobody user list
	expect_grep "and shows their workflows" "^nobody .*visa$" "$T/out"
fi

# ---- the TUI: the same refusal, and the supervisor's prompt
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
. tests/script/tui_lib.sh
# find_person SESSION: search Doe and open her person screen (the asylum case first).
find_person() {
	keys "$1" /
	wait_for "$1" "Find:" || return 1
	type_text "$1" "Doe"
	wait_for "$1" "^ $PA " || return 1
	keys "$1" Enter
	wait_for "$1" "^ Person $PA"
}
start vc vclerk
wait_for vc "Worklist"
if find_person vc; then
	see "tui vclerk: the asylum case is another unit's" vc "a case in another unit"
	if grep -q -e "$A" -e asylum "$T/screen"; then fail "tui vclerk: no asylum number shown" "$(cat "$T/screen")"; else pass "tui vclerk: no asylum number shown"; fi
	keys vc Enter
	see "tui vclerk: opening it is refused, naming the rule" vc "need-to-know"
	if grep -q "Purpose:" "$T/screen"; then fail "tui vclerk: a clerk is not offered the glass"; else pass "tui vclerk: a clerk is not offered the glass"; fi
fi
quit vc

before=$(q "SELECT count(*) FROM break_glass")
start sv vsup
wait_for sv "Worklist"
if find_person sv; then
	keys sv Enter
	see "tui vsup: asked why before the case opens" sv "Purpose:"
	if grep -q "fled" "$T/screen"; then fail "tui vsup: nothing of the case before the purpose"; else pass "tui vsup: nothing of the case before the purpose"; fi
	type_text sv "short"
	keys sv Enter
	see "tui vsup: a one-word purpose is refused" sv "say why in words"
	expect_eq "tui vsup: and nothing recorded" "$(q "SELECT count(*) FROM break_glass")" "$before"
	keys sv C-u
	type_text sv " she asks about the asylum letter at the desk"
	keys sv Enter
	see "tui vsup: the case opens behind broken glass" sv "^ $A — "
	see "tui vsup: and says it is recorded" sv "recorded for an admin's review"
	expect_eq "tui vsup: one break-glass row more" "$(q "SELECT count(*) FROM break_glass")" "$((before + 1))"
	keys sv Escape
	wait_for sv "^ Person $PA"
fi
quit sv
