#!/bin/sh
# t_tui_admin.sh - the admin screen (issue 13 item 9), driven for real at 80x24 in tmux: F6
# then A opens it; it lists users with roles, OS account and whether they may act; d
# disables the highlighted user (the store says so, and that user can no longer act), d
# again enables them; r changes roles; Tab shows the office's settings and Enter edits one,
# which the next printed form's letterhead shows.  A caseworker may look but not change, and
# their open desk stops once an admin disables them.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
S=$T/office.casedesk
cli() { "$CD" --store "$S" "$@"; }
cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
active_of() { sqlite3 "$S" "SELECT active FROM users WHERE name = '$1'"; }

start adm admin
tm resize-window -t adm -x 80 -y 24
wait_for adm "Worklist|worklist" || exit 0
keys adm F6
wait_for adm "Reports" || exit 0
keys adm A
see "F6 then A opens the admin screen" adm "^ Administration — users and the office's settings"
see "it lists users with roles, OS account and whether they may act" adm "^ caseworker +caseworker +- +active"
screen adm >"$T/screen"
if awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$T/screen"; then
	pass "it fits 80 columns"
else
	fail "it fits 80 columns"; dump_screen
fi

# The users are listed by name: admin, caseworker, clerk, supervisor.  Down to caseworker.
keys adm Down
wait_for adm "^ caseworker" || exit 0
keys adm d
see "d disables the highlighted user" adm "disabled caseworker: they cannot act until enabled"
see "and the list shows them disabled" adm "^ caseworker +caseworker +- +disabled"
expect_eq "the store has them inactive" "$(active_of caseworker)" 0
expect_rc "a disabled user cannot act" 4 cli --user caseworker case list
expect_grep "and is told an admin can enable them" "disabled and cannot act; an admin can enable it" "$T/err"
keys adm d
see "d again enables them" adm "enabled caseworker: they can act again"
expect_eq "the store has them active again" "$(active_of caseworker)" 1

# Own account: refused, with the model's reason.
keys adm Up
wait_for adm "^ admin" || exit 0
keys adm d
see "an admin cannot disable their own account" adm "you cannot disable your own account"
expect_eq "and stays active" "$(active_of admin)" 1

# Roles: r on clerk, replace with "clerk caseworker".
keys adm Down Down
keys adm r
wait_for adm "Roles of clerk:" || exit 0
# No ^U: the roles as they stand are selected, the first key typed replaces them.
type_text adm "clerk caseworker"
keys adm Enter
see "r replaces the roles" adm "changed the roles of clerk"
expect_eq "in the store" "$(cli --user admin --json user list | grep -o '"name":"clerk","os_account":null,"roles":"[^"]*"')" \
	'"name":"clerk","os_account":null,"roles":"clerk, caseworker"'

# The office tab: set the name, the letterhead follows.
keys adm Tab
see "Tab shows the office's settings" adm "Office TBS — letterhead: the package's"
keys adm Enter
wait_for adm "^ name:" || exit 0
type_text adm "Migration Office Riverside"
keys adm Enter
see "Enter saves a setting" adm "office setting name saved"
see "and the letterhead is the store's now" adm "letterhead: this store's settings"
expect_eq "office show says so" "$(cli --user admin --json office show | grep -o '"name":"[^"]*"')" \
	'"name":"Migration Office Riverside"'
quit adm

# A caseworker may look, not change.
start cw caseworker
tm resize-window -t cw -x 80 -y 24
wait_for cw "Worklist|worklist" || exit 0
keys cw F6
wait_for cw "Reports" || exit 0
keys cw A
see "a caseworker sees the screen" cw "only an admin may change users"
keys cw Down d
see "and is refused a change" cw "only an admin may enable or disable users"
expect_eq "nothing changed" "$(active_of clerk)" 1
# Disabled while their desk is open: the desk stops at the next change it sees.
expect_rc "(an admin disables the caseworker meanwhile)" 0 cli --user admin user disable caseworker
expect_eq "the open desk of a disabled user stops, refused" "$(wait_exit cw)" 4
expect_grep "saying an admin can enable them" "disabled and cannot act; an admin can enable it" "$T/cw.err"

