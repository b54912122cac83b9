#!/bin/sh
# t_tui_kit_name.sh - the status line's kit name (TBS/K01) is read once, when the TUI starts
# (screens/ui.c): the status refresh that follows every change to the store does not ask for
# it again.  The proof at 80x24: the name is renamed in the file by sqlite3 and a person is
# registered from the command line; the status line shows the new unsynced count (it was
# refreshed) and still the old name; the next start shows the new one.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
	fail "sqlite3 is installed" "this test renames the kit in the file with sqlite3"
	exit 0
fi
O=$T/office.casedesk
S=$T/kit.casedesk
export CASEDESK_TODAY=2026-03-02
"$CD" --store "$O" init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
"$CD" --store "$O" --user admin kit new "$S" --office TBS --block 10 --name K01 >/dev/null || { fail "kit new"; exit 0; }
add() {
	"$CD" --store "$S" --user clerk person add --surname "$1" --given ANNA --dob 1980 --sex F --nationality UKR \
		>/dev/null 2>&1 || fail "register $1 in the kit"
}
add BONDAR

start80() {
	start "$@"
	tm resize-window -t "$1" -x 80 -y 24
}

start80 kit clerk
wait_for kit "^ TBS/K01 │ .* 1 unsynced" || exit 0
pass "the kit's name and its one unsynced op at start"
sqlite3 "$S" "UPDATE settings SET value = 'K99' WHERE key = 'kit_name'" || fail "rename the kit by sqlite3"
add MELNYK
see "a registration elsewhere refreshes the status line" kit " 2 unsynced"
expect_eq "  which keeps the name read at start" "$(grep -c '^ TBS/K01 │ ' "$T/screen")" "1"
quit kit

start80 kit2 clerk
see "the next start reads the new name" kit2 "^ TBS/K99 │ .* 2 unsynced"
quit kit2
