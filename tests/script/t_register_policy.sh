#!/bin/sh
# t_register_policy.sh - one duplicate rule for both front-ends (workflow/registration.h):
# the command line (`person add`) and the registration screen (driven in tmux) get the same
# person and the same [duplicates] settings, and must reach the same verdict: refused
# without a reason, registered with the reason (or --force) written on the registration
# event; and under settings where the same score only warns, registered by both.
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
last_note() { sqlite3 "$S" "SELECT coalesce(note, '') FROM event WHERE kind = 'person_added' ORDER BY id DESC LIMIT 1"; }
NEW="--surname Ковальчук --given Ірина --surname-latin KOVALCHUK --given-latin IRYNA --dob 1991-07 --sex F --nationality UKR"
printf '[duplicates]\nwarn = 60\nblock = 90\n' >"$T/block.ini"
printf '[duplicates]\nwarn = 60\nblock = 100\n' >"$T/warn.ini"

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
# shellcheck disable=SC2086 # one word per argument
PK=$(cli --user clerk person add $NEW)
[ -n "$PK" ] && pass "the first registration" || { fail "the first registration"; exit 0; }

# type_person SESSION: the same person as $NEW, into the surge form.
type_person() {
	keys "$1" F4
	wait_for "$1" "Register a person — surge form" || return 1
	type_text "$1" "Ковальчук"; keys "$1" Tab
	type_text "$1" "Ірина"; keys "$1" Tab
	type_text "$1" "KOVALCHUK"; keys "$1" Tab
	type_text "$1" "IRYNA"; keys "$1" Tab
	type_text "$1" "1991-07"; keys "$1" Tab
	type_text "$1" "F"; keys "$1" Tab
	type_text "$1" "UKR"
	wait_for "$1" "Nationality \(AAA\) +UKR"
}

# ---- block = 90: the score of the same person (95) blocks, in both front-ends
before=$(persons)
# shellcheck disable=SC2086
expect_rc "block: the command line refuses the duplicate (exit 4)" 4 env CASEDESK_CONFIG="$T/block.ini" \
	"$CD" --store "$S" --user clerk person add $NEW
expect_grep "naming the candidate" "possible duplicate: $PK  score 9[0-9]" "$T/err"
expect_eq "and registers nobody" "$(persons)" "$before"

t_block_screen() {
	start blk clerk CASEDESK_CONFIG="$T/block.ini"
	wait_for blk "Worklist" || return
	type_person blk || return
	keys blk F5
	see "block: the screen's first F5 says the candidate blocks" blk "1 person below scores 90 or more" || return
	see "and asks for a reason" blk "Reason to register" || return
	keys blk F5
	see "block: a second F5 without a reason is refused" blk "not registered: a likely duplicate blocks it" || return
	expect_eq "and registers nobody" "$(persons)" "$before"
	type_text blk "twins; passports seen"
	keys blk F5
	see "block: with a typed reason the screen registers" blk "registered P-TBS-" || return
	expect_eq "one person more" "$(persons)" "$((before + 1))"
	last_note >"$T/note"
	expect_grep "the reason is on the registration event" \
		"^duplicate block overridden ($PK score 9[0-9]; block 90): twins; passports seen$" "$T/note"
	quit blk
}
t_block_screen

before=$(persons)
# shellcheck disable=SC2086
expect_rc "block: --force registers on the command line" 0 env CASEDESK_CONFIG="$T/block.ini" \
	"$CD" --store "$S" --user clerk person add $NEW --force
expect_eq "one person more" "$(persons)" "$((before + 1))"
last_note >"$T/note"
expect_grep "--force is on the registration event" \
	"^duplicate block overridden ($PK score 9[0-9].*; block 90): forced from the command line$" "$T/note"

# ---- block = 100: the same score only warns; both register, with no reason asked
before=$(persons)
# shellcheck disable=SC2086
expect_rc "warn: the command line registers" 0 env CASEDESK_CONFIG="$T/warn.ini" \
	"$CD" --store "$S" --user clerk person add $NEW
expect_grep "listing the candidates" "possible duplicate: $PK  score 9[0-9]" "$T/err"
expect_eq "one person more" "$(persons)" "$((before + 1))"
expect_eq "no override on the event" "$(last_note)" ""

t_warn_screen() {
	before=$(persons)
	start wrn clerk CASEDESK_CONFIG="$T/warn.ini"
	wait_for wrn "Worklist" || return
	type_person wrn || return
	keys wrn F5
	see "warn: the screen's first F5 shows the candidates" wrn "possible duplicates below" || return
	if grep -q "Reason to register" "$T/screen"; then
		fail "warn: no reason is asked" "the screen asks for one:"
		dump_screen
	else
		pass "warn: no reason is asked"
	fi
	keys wrn F5
	see "warn: the second F5 registers" wrn "registered P-TBS-" || return
	expect_eq "one person more" "$(persons)" "$((before + 1))"
	expect_eq "no override on the event" "$(last_note)" ""
	quit wrn
}
t_warn_screen

# ---- a real store: a user's own settings file may make the check stricter, never looser
# (an auditor switched the block off for one account with `block = 100`).
R=$T/real.casedesk
"$CD" --store "$R" init --office TBS >/dev/null 2>&1 || fail "init a real store"
"$CD" --store "$R" person add --surname Petrenko --given Olha --dob 1990-03-04 --sex F --nationality UKR >/dev/null
printf '[duplicates]\nwarn = 100\nblock = 100\n' >"$T/loose.ini"
expect_rc "real store: block = 100 in the user's file does not let a duplicate through" 4 \
	env CASEDESK_CONFIG="$T/loose.ini" "$CD" --store "$R" person add --surname Petrenko --given Olha \
	--dob 1990-03-04 --sex F --nationality UKR
expect_grep "the office's threshold is named" "scores 90 or more" "$T/err"
expect_eq "nobody was registered" "$(sqlite3 "$R" "SELECT count(*) FROM person")" 1
printf '[duplicates]\nwarn = 50\nblock = 80\n' >"$T/strict.ini"
"$CD" --store "$R" person add --surname Kovalenko --given Ivan --dob 1980 --sex M --nationality UKR >/dev/null
expect_rc "real store: a stricter file is followed" 4 env CASEDESK_CONFIG="$T/strict.ini" "$CD" --store "$R" \
	person add --surname Kovalenko --given Ivan --dob 1980 --sex M --nationality UKR
expect_grep "at its own threshold" "scores 80 or more" "$T/err"
