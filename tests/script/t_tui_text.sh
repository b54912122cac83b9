#!/bin/sh
# t_tui_text.sh - text typed into the terminal reaches the store as the command line's does
# (issue 11, item 4): a name typed decomposed (u + U+0308, as some keyboards and input
# methods send it) is stored in NFC with the same ICAO form as one typed composed.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02
"$CD" --store "$S" init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }

start reg clerk
if wait_for reg "Worklist"; then
	keys reg F4
	if see "F4 opens the surge form" reg "Register a person — surge form"; then
		type_text reg "$(printf 'Mu\314\210ller')"; keys reg Tab
		type_text reg "Anna"; keys reg Tab
		keys reg Tab                       # the Latin forms are derived
		keys reg Tab
		type_text reg "1990-01-31"; keys reg Tab
		type_text reg "F"; keys reg Tab
		type_text reg "DEU"
		wait_for reg "Nationality \(AAA\) +DEU" && keys reg F5
		if see "F5 registers the person" reg "^ Person P-TBS-"; then
			see "the person screen shows MUELLER" reg "ICAO Latin +MUELLER, ANNA"
			expect_eq "the store has the name in NFC" \
				"$(sqlite3 "$S" "SELECT hex(surname) || ' ' || surname_latin FROM person")" "4DC3BC6C6C6572 MUELLER"
		fi
	fi
	quit reg
fi
