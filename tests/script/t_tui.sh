#!/bin/sh
# t_tui.sh - the caseworker's terminal, driven for real: casedesk runs in tmux on a store
# this script builds with the command line, send-keys types, capture-pane reads, and every
# check compares the screen's text (or the store behind it).  No sleeping and hoping: each
# wait polls the screen until what it waits for shows, and fails with the last screen.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02
cli() { "$CD" --store "$S" "$@"; }
persons() { sqlite3 "$S" "SELECT count(*) FROM person"; }
state_of() { sqlite3 "$S" "SELECT state || ' v' || row_version FROM cases WHERE number='$1'"; }

# ---- the store: people and cases whose numbers and names the checks know
cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
# (an office with no check gateway answers its checks by hand: lib.sh, no_gateway)
no_gateway "$S" || fail "an office with no check gateway"
sqlite3 "$S" "INSERT INTO users(uuid, name, roles, created_at) VALUES ('u-both', 'both', 6, '2026-01-01')"
person() { cli --user clerk person add "$@"; }
P1=$(person --surname "Шевченко" --given "Олександр" --surname-latin SHEVCHENKO --given-latin OLEKSANDR \
	--dob 1987-04 --sex M --nationality UKR)
P2=$(person --surname "Шевчук" --given "Марія" --surname-latin SHEVCHUK --given-latin MARIIA --dob 1990-02 \
	--sex F --nationality UKR)
P3=$(person --surname Doe --given John --dob 1980 --sex M --nationality GBR)
P4=$(person --surname Smith --given Anna --dob 1985-05-05 --sex F --nationality USA)
P5=$(person --surname Okafor --given Chidi --dob 1979 --sex M --nationality NGA)
P6=$(person --surname Evilname --given Mallory --dob 1970 --sex X --nationality XXA)
P7=$(person --surname "王" --given "小明" --surname-latin WANG --given-latin XIAOMING --dob 1995 --sex M --nationality CHN)
P8=$(person --surname "ბერიძე" --given "ნინო" --surname-latin BERIDZE --given-latin NINO --dob 1993 --sex F \
	--nationality GEO)
for p in "$P1 UKR" "$P3 GBR" "$P4 USA" "$P5 NGA"; do
	cli --user clerk document add "${p% *}" --number "X${p% *}" --issuer "${p#* }" --expires 2031-01-01 >/dev/null
done
for p in "$P1" "$P3" "$P7" "$P8"; do
	cli --user clerk person alias "$p" --surname Widecheck --given Test >/dev/null
done
C1=$(cli --user caseworker case new residence --person "$P1" --assign caseworker)   # 3: required fields
C3=$(cli --user clerk case new residence --person "$P3")                       # 4: four-eyes
C4=$(cli --user clerk case new residence --person "$P4")                       # 5: conflict
C5=$(cli --user caseworker case new residence --person "$P5" --assign caseworker)   # 6: resize
C6=$(cli --user clerk case new visa --person "$P6")                            # 7: escapes
cli --user caseworker case move "$C3" confirm_receipt --set permit_reason=other >/dev/null
for l in sis sltd national_watchlist; do cli --user caseworker check record "$C3" --list $l --result clear >/dev/null; done
# A proposal sent back: its fields are set, so propose_decision is open again (on a case
# whose fields were never set, fields_complete lists it as blocked; see the report).
cli --user caseworker case move "$C3" propose_decision --set proposed_outcome=refuse --set "proposal_reason=first look" >/dev/null
cli --user supervisor case move "$C3" return_for_assessment --set "supervisor_note=look again" >/dev/null
# Names the command line refuses (control characters), written straight into the store.
sqlite3 "$S" "UPDATE person SET surname = 'Evil' || char(27) || '[2Jname',
	given = 'Mal' || char(27) || ']0;pwned' || char(7) || 'lory',
	surname_latin = 'EVIL' || char(27) || '[2JNAME' WHERE number = '$P6'"
expect_eq "the test store is as planned" "$(persons) $(sqlite3 "$S" 'SELECT count(*) FROM cases')" "8 5"

# ---- 1. registering a person, then the same person again
t_registering() {
	start reg clerk
	wait_for reg "Worklist" || return
	keys reg F4
	see "F4 opens the surge form" reg "Register a person — surge form" || return
	type_text reg "Ковальчук"; keys reg Tab
	type_text reg "Ірина"; keys reg Tab
	type_text reg "KOVALCHUK"; keys reg Tab
	type_text reg "IRYNA"; keys reg Tab
	type_text reg "1991-07"; keys reg Tab
	type_text reg "F"; keys reg Tab
	type_text reg "UKR"
	wait_for reg "Nationality \(AAA\) +UKR" || return
	keys reg F5
	see "F5 registers and shows the person" reg "^ Person P-TBS-" || return
	see "the person screen has the Cyrillic name" reg "Name +Ковальчук, Ірина" || return
	see "and the ICAO Latin form" reg "ICAO Latin +KOVALCHUK, IRYNA" || return
	PK=$(sed -n 's/^ Person \(P-TBS-[0-9]*\).*/\1/p' "$T/screen")
	cli --user caseworker --json person show "$PK" >"$T/out" 2>&1
	expect_grep "the store has the person in both scripts" '"surname":"Ковальчук".*"surname_latin":"KOVALCHUK"' "$T/out"
	before=$(persons)
	keys reg F4
	wait_for reg "Register a person" || return
	type_text reg "Ковальчук"; keys reg Tab
	type_text reg "Ірина"; keys reg Tab
	type_text reg "KOVALCHUK"; keys reg Tab
	see "leaving the Latin surname shows the likely duplicate" reg "Possible duplicates \(1\)" || return
	see "with the person's number" reg "^    $PK +Ковальчук, Ірина" || return
	type_text reg "IRYNA"; keys reg Tab
	type_text reg "1991-07"; keys reg Tab
	type_text reg "F"; keys reg Tab
	type_text reg "UKR"
	wait_for reg "Nationality \(AAA\) +UKR" || return
	keys reg F5
	see "the first F5 says the duplicate blocks (score 90, the default block)" reg "1 person below scores 90 or more" || return
	expect_eq "and saves nothing" "$(persons)" "$before"
	keys reg F5
	see "a second F5 without a reason saves nothing" reg "not registered: a likely duplicate blocks it" || return
	expect_eq "nothing at all" "$(persons)" "$before"
	type_text reg "checked: another person"
	keys reg F5
	see "a typed reason registers all the same" reg "registered P-TBS-" || return
	wait_for reg "^ Person P-TBS-" || return
	PK2=$(sed -n 's/^ Person \(P-TBS-[0-9]*\).*/\1/p' "$T/screen")
	if [ -n "$PK2" ] && [ "$PK2" != "$PK" ]; then pass "as a new person"; else fail "as a new person" "'$PK2' after '$PK'"; fi
	expect_eq "one person more in the store" "$(persons)" "$((before + 1))"
	quit reg
}

# ---- 2. searching in Cyrillic, as the user types
t_searching() {
	start srch caseworker
	wait_for srch "Worklist" || return
	keys srch /
	wait_for srch "Find:" || return
	type_text srch "Шев"
	see "three Cyrillic letters find Шевченко" srch "^ $P1 +Шевченко +Олександр +SHEVCHENKO, OLEKSANDR" || return
	see "and Шевчук" srch "^ $P2 +Шевчук +Марія" || return
	type_text srch "че"
	unseen "more letters narrow the results" srch "Шевчук" || return
	see "the match stays" srch "^ $P1 +Шевченко" || return
	keys srch Enter
	see "Enter opens the person" srch "^ Person $P1" || return
	see "in both scripts" srch "Name +Шевченко, Олександр" || return
	quit srch
}

# ---- 3. a case from the worklist, moved with a required field
t_moving_a_case() {
	start cw caseworker
	wait_for cw "Worklist — my cases" || return
	wait_for cw "^ $C1 " || return
	row=$(grep -n "^ $C1 " "$T/screen" | cut -d: -f1)
	k=3; downs=""
	while [ "$k" -lt "$row" ]; do downs="$downs Down"; k=$((k + 1)); done
	# shellcheck disable=SC2086
	keys cw $downs Enter
	see "Enter on the worklist opens the case" cw "^ $C1 — Residence permit" || return
	see "the case shows the state" cw "State +Application lodged" || return
	choose_step cw confirm_receipt || return
	see "Enter on a step opens its form" cw "Step: Confirm receipt" || return
	# (A choice is picked from its list now, so no bad value can be typed into it: the
	# problem shown is the empty required field's.)
	keys cw Tab
	see "leaving a field without its value shows the problem" cw "Reason for the permit \* +required" || return
	keys cw BTab
	type_text cw "fam"
	keys cw Tab
	unseen "fixing it clears the problem" cw "required" || return
	keys cw F5
	see "F5 takes the step" cw "$C1: Confirm receipt and start the assessment done, now Admissibility" || return
	see "the screen shows the new state" cw "State +Admissibility and assessment" || return
	cli --user caseworker --json case show "$C1" >"$T/out" 2>&1
	expect_grep "the store agrees" '"state":"assessment"' "$T/out"
	expect_grep "with the field" '"permit_reason"' "$T/out"
	quit cw
}

# ---- 4. four-eyes: who proposed may not decide, even holding both roles
t_four_eyes() {
	start both both
	wait_for both "Worklist" || return
	open_case both "$C3" "$P3" || return
	choose_step both propose_decision || return
	wait_for both "Step: Propose a decision" || return
	see "the form holds the earlier proposal" both "Proposed outcome \* +Refuse" || return
	keys both C-u
	type_text both "grant"; keys both Tab C-u
	type_text both "meets the conditions"
	wait_for both "Reasons for the proposal \* +meets the conditions" || return
	keys both C-s
	# A proposal shows its summary and asks first (confirm = yes): Enter says yes.
	wait_for both "^ Confirm: Propose a decision" || return
	keys both Enter
	see "^S saves too (flow control is off), and both proposes" both "Propose a decision done, now Decision proposed" || return
	see "the decision shows as blocked by four-eyes" both "^   - Grant the permit → .*four-eyes" || return
	v=$(state_of "$C3")
	choose_step both grant || return
	see "Enter on it says why" both "^ Grant the permit is blocked: .*four-eyes" || return
	see "naming the step it pairs with" both "Grant the permit is blocked: four-eyes rule: needs «Propose a decision» by someone else" || return
	unseen "and opens no form" both "Step: Grant" || return
	expect_eq "the case is unchanged in the store" "$(state_of "$C3")" "$v"
	expect_eq "still proposed" "${v% *}" proposed
	quit both
}

# ---- 5. two desks, one case: a conflict caught, the input kept, nothing lost
t_conflict() {
	start deskA caseworker
	start deskB clerk
	wait_for deskA "Worklist" || return
	wait_for deskB "Worklist" || return
	open_case deskA "$C4" "$P4" || return
	open_case deskB "$C4" "$P4" || return
	choose_step deskA request_documents || return
	wait_for deskA "Step: Ask the applicant" || return
	type_text deskA "proof of address"; keys deskA Tab
	type_text deskA "2026-04-01"
	wait_for deskA "2026-04-01" || return
	choose_step deskB confirm_receipt || return
	wait_for deskB "Step: Confirm receipt" || return
	type_text deskB "family"
	keys deskB F5
	see "desk B takes a step" deskB "Confirm receipt and start the assessment done, now Admissibility" || return
	see "desk A notices within the poll" deskA "clerk changed this case meanwhile" 5 || return
	see "and marks the form stale" deskA "Another desk changed this case" || return
	keys deskA F5
	see "A's save is refused as a conflict naming B" deskA "changed after you read it .*clerk took step" || return
	see "the whole refusal shows, over two lines if need be" deskA "confirm_receipt \(lodged -> assessment\)" || return
	see "A's input is still on screen" deskA "Missing documents \* +proof of address" || return
	see "all of it" deskA "Documents due by \* +2026-04-01" || return
	expect_eq "the refused save changed nothing" "$(state_of "$C4")" "assessment v2"
	keys deskA C-r
	see "^R takes the new version, keeping the input" deskA "read version 2; your input is kept" || return
	keys deskA F5
	see "then F5 saves" deskA "Ask the applicant for missing documents done, now Waiting for the applicant" || return
	steps=$(sqlite3 "$S" "SELECT group_concat(user_name || ':' || transition, ' ') FROM
		(SELECT e.user_name, e.transition FROM event e JOIN cases c ON c.id = e.case_id
		 WHERE c.number = '$C4' AND e.kind = 'transition' ORDER BY e.id)")
	expect_eq "the history has both steps" "$steps" "clerk:confirm_receipt caseworker:request_documents"
	expect_eq "and A's field" "$(sqlite3 "$S" "SELECT value FROM case_field f JOIN cases c ON c.id = f.case_id
		WHERE c.number = '$C4' AND f.name = 'missing_documents'")" "proof of address"
	quit deskA
	quit deskB
}

# ---- 6. a resize in mid-form
t_resize() {
	start rsz caseworker
	wait_for rsz "Worklist" || return
	open_case rsz "$C5" "$P5" || return
	choose_step rsz confirm_receipt || return
	wait_for rsz "Step: Confirm receipt" || return
	type_text rsz "educ"
	keys rsz Tab
	wait_for rsz "Reason for the permit \* +Education" || return
	tm resize-window -t rsz -x 80 -y 24
	see "the screen redraws at 80 columns" rsz "^.{70}\? keys$" || return
	see "the form and the typed text survive" rsz "Reason for the permit \* +Education" || return
	see "the status line is on the new last line" rsz "TBS │ caseworker" || return
	if [ "$(wc -l <"$T/screen")" -eq 24 ] && tail -1 "$T/screen" | grep -q 'TBS │'; then
		pass "24 rows, the status line last"
	else
		fail "24 rows, the status line last"
		dump_screen
	fi
	tm resize-window -t rsz -x 120 -y 40
	see "and again at 120 columns" rsz "^.{110}\? keys$" || return
	keys rsz F5
	see "F5 saves after the resizes" rsz "Confirm receipt and start the assessment done, now Admissibility" || return
	expect_eq "with the typed value" "$(sqlite3 "$S" "SELECT value FROM case_field f JOIN cases c ON c.id = f.case_id
		WHERE c.number = '$C5' AND f.name = 'permit_reason'")" education
	quit rsz
}

# ---- 7. a name holding escape sequences is shown, never executed
t_escapes() {
	start esc caseworker
	wait_for esc "Worklist" || return
	keys esc /
	wait_for esc "Find:" || return
	type_text esc "Evilname"
	see "the search shows ESC as ^[" esc "^ $P6 +Evil\^\[\[2Jname" || return
	see "the screen was not cleared" esc "^ Search — names in any script" || return
	see "the status line is still there" esc "TBS │ caseworker" || return
	keys esc Enter
	see "the person screen shows both sequences visibly" esc "Name +Evil\^\[\[2Jname, Mal\^\[\]0;pwned\^Glory" || return
	see "the Latin form too" esc "ICAO Latin +EVIL\^\[\[2JNAME, MALLORY" || return
	see "and the rest of the screen stands" esc "^ Person $P6" || return
	keys esc Enter
	see "Enter opens their case" esc "^ $C6 — " || return
	see "the case shows the person visibly" esc "Person +$P6  EVIL\^\[\[2JNAME, MALLORY" || return
	title=$(tm display-message -p -t esc '#{pane_title}')
	case "$title" in *pwned*) fail "no OSC title reached the terminal" "pane title '$title'" ;;
	*) pass "no OSC title reached the terminal" ;; esac
	tm capture-pane -p -e -t esc >"$T/raw"
	if grep -q "$(printf '\033')\[2J\|$(printf '\033')\]0" "$T/raw"; then
		fail "no raw escape in the pane"
	else
		pass "no raw escape in the pane"
	fi
	quit esc
}

# ---- 8. ? shows the keys of the screen below it
t_help() {
	start help caseworker
	wait_for help "Worklist" || return
	keys help '?'
	see "? opens the help" help "Keys — any key closes this help" || return
	see "with the worklist's m" help "^  m +my cases( |$)" || return
	see "t" help "^  t +the whole office's cases( |$)" || return
	see "u" help "^  u +cases nobody has taken yet( |$)" || return
	see "f" help "^  f +next workflow filter" || return
	see "and every key, even on a short screen" help " F5 \^S +save( |$)" || return
	keys help x
	unseen "any key closes it" help "Keys — any key closes" || return
	see "back on the worklist" help "^ Worklist" || return
	# A training store lets one trainee play every role: F9 acts as the next user.
	keys help F9
	see "F9 switches to the supervisor on a training store" help "│ supervisor \(supervisor\) │" || return
	keys help F9 F9 F9
	see "and round to the caseworker again" help "│ caseworker \(caseworker\) │" || return
	quit help
}

# ---- a document reader typing the MRZ (keyboard wedge): the form fills itself
t_wedge() {
	start wedge clerk
	wait_for wedge "Worklist" || return
	keys wedge F4
	wait_for wedge "Register a person" || return
	# A reader types fast: each line in one go, Enter after it (the ICAO TD3 specimen).
	type_text wedge "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"; keys wedge Enter
	type_text wedge "L898902C36UTO7408122F1204159ZE184226B<<<<<10"; keys wedge Enter
	see "the MRZ is read and checked" wedge "TD3 read: every check digit right" || return
	see "the Latin surname fills itself" wedge "Surname, ICAO Latin +ERIKSSON" || return
	see "given names, split at <" wedge "Given, ICAO Latin +ANNA MARIA" || return
	see "the date of birth" wedge "Date of birth +1974-08-12" || return
	see "the full form opens with the document number" wedge "Document number +L898902C3" || return
	see "and its expiry" wedge "Expires \(YYYY-MM-DD\) +2012-04-15" || return
	unseen "no MRZ line is left in a field" wedge "<<<<<" 3 || return
	keys wedge Escape
	# The form holds what the reader typed: leaving it asks first (issue 13, item 6).
	wait_for wedge "Discard what you typed\? y/n" || return
	keys wedge y
	wait_for wedge "Worklist" || return
	keys wedge F4
	wait_for wedge "Register a person" || return
	# A misread check digit (the number's 6 read as 5): said by field, nothing filled in silence.
	type_text wedge "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"; keys wedge Enter
	type_text wedge "L898902C35UTO7408122F1204159ZE184226B<<<<<10"; keys wedge Enter
	see "a wrong check digit is named" wedge "TD3 read with [0-9]+ problem" || return
	# F10 over what the reader typed asks first; y quits.
	keys wedge F10
	wait_for wedge "Discard what you typed\? y/n" || return
	quit wedge y
}

# ---- 9. monochrome: a vt100 and NO_COLOR
t_monochrome() {
	start mono caseworker TERM=vt100 NO_COLOR=1
	see "the worklist draws on a vt100" mono "^ Worklist — my cases" || return
	see "with its rows" mono "^ $C1 +Residenc.* +Admissibility" || return
	tm capture-pane -p -e -t mono >"$T/raw"
	if grep -Eq "$(printf '\033')\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48|9[0-7]|10[0-7])(;[0-9;]*)?m" "$T/raw"; then
		fail "NO_COLOR draws no colour" "$(grep -c . "$T/raw") lines; colour codes in: $(grep -n "$(printf '\033')\[" "$T/raw" | head -3 | cat -v)"
	else
		pass "NO_COLOR draws no colour"
	fi
	# A vt100 has no F10 that tmux can send; ^Q quits (the terminal's flow control is off).
	quit mono C-q
}

# ---- 10. a keymap in config; a broken one names file and line
t_keymap() {
	printf '[keys]\nsearch = F8\n' >"$T/keys.ini"
	start keymap caseworker "CASEDESK_CONFIG=$T/keys.ini"
	wait_for keymap "Worklist" || return
	keys keymap F8
	see "the keymap makes F8 open search" keymap "^ Search — names" || return
	keys keymap Escape
	wait_for keymap "^ Worklist" || return
	keys keymap '?'
	see "the help shows the new key" keymap "^  F8 +search people" || return
	keys keymap x
	wait_for keymap "^ Worklist" || return
	quit keymap
	printf '[keys]\nsearch = F8\nfrobnicate = x\n' >"$T/bad.ini"
	start badkeys caseworker "CASEDESK_CONFIG=$T/bad.ini"
	expect_eq "an unknown action stops casedesk with 6" "$(wait_exit badkeys)" 6
	expect_grep "naming file and line" "bad.ini:3: unknown action .frobnicate." "$T/badkeys.err"
	CASEDESK_USER=caseworker expect_rc "without a terminal the TUI refuses" 2 "$CD" --store "$S" tui </dev/null
	expect_grep "and says what to use" "needs a terminal" "$T/err"
	# The keymap is read first: a broken one is reported even outside a terminal (CI, scripts).
	CASEDESK_USER=caseworker CASEDESK_CONFIG=$T/bad.ini expect_rc "a broken keymap outside a terminal: 6" 6 \
		"$CD" --store "$S" tui </dev/null
	expect_grep "naming file and line there too" "bad.ini:3" "$T/err"
}

# ---- 11. wide characters keep the columns straight
t_wide_characters() {
	start wide caseworker
	wait_for wide "Worklist" || return
	keys wide /
	wait_for wide "Find:" || return
	type_text wide "Widecheck"
	wait_for wide "^ $P8 " || return
	for p in "$P1" "$P3" "$P7" "$P8"; do
		grep "^ $p " "$T/screen" >"$T/row.$p"
	done
	# Column positions follow the width (screens/columns.c): each cell starts where its
	# header does, whatever script the cells before it are in.
	given=$(column_of "Given names" "$T/screen")
	latin=$(column_of "Latin (ICAO)" "$T/screen")
	born=$(column_of "Born" "$T/screen")
	expect_eq "a Latin name's given names start under their header" "$(column_of John "$T/row.$P3")" "$given"
	expect_eq "after a Chinese surname too" "$(column_of "小明" "$T/row.$P7")" "$given"
	expect_eq "after a Georgian surname too" "$(column_of "ნინო" "$T/row.$P8")" "$given"
	expect_eq "after a Cyrillic surname too" "$(column_of "Олександр" "$T/row.$P1")" "$given"
	expect_eq "the Latin column after Chinese given names" "$(column_of "WANG, XIAOMING" "$T/row.$P7")" "$latin"
	expect_eq "and after Latin ones" "$(column_of "DOE, JOHN" "$T/row.$P3")" "$latin"
	expect_eq "the birth date column after Chinese" "$(column_of 1995 "$T/row.$P7")" "$born"
	quit wide
}

# Each scenario stops at its first failed step: what follows would only fail after it.
t_registering
t_searching
t_moving_a_case
t_four_eyes
t_conflict
t_resize
t_escapes
t_help
t_wedge
t_monochrome
t_keymap
t_wide_characters

expect_rc "the store is whole after all of it" 0 "$CD" --store "$S" store check
