#!/bin/sh
# t_tui_enrol.sh - the enrolment screen (issue 6), driven in tmux with the real helper and
# libfprint's virtual_image driver, set up as tests/script/t_enrol.sh does: a finger captured, an
# exception recorded, F5 stores both; then a helper that hangs and one that crashes: the
# screen says so in words, stays responsive and stores nothing; and Esc cancels a capture.
# Then the duplicate search: the same finger under another name is named on the screen, a
# different finger is not.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
FPTOOL=${CASEDESK_TOOLS:-$(pwd)/build/asan/tests/tool}/tool_fpimage
HELPER=$(dirname "$CD")/casedesk-enrol
S=$T/bio.casedesk
export CASEDESK_TODAY=2026-03-02
unset CASEDESK_ENROL CASEDESK_ENROL_FAULT CASEDESK_KEY FP_VIRTUAL_IMAGE
SOCK=$T/fp.sock
FEED=""
feed() { "$FPTOOL" feed "$SOCK" "$1" 250 & FEED=$!; }
unfeed() { [ -n "$FEED" ] && kill "$FEED" 2>/dev/null; wait "$FEED" 2>/dev/null; FEED=""; }
trap 'unfeed; tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
cli() { "$CD" --store "$S" "$@"; }
rows() { sqlite3 "$S" "SELECT count(*) FROM biometric WHERE person_id = (SELECT id FROM person WHERE number='$1')"; }

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
P1=$(cli --user clerk person add --surname Alpha --given Person --dob 1980 --sex X --nationality XXA)
P2=$(cli --user clerk person add --surname Bravo --given Person --dob 1981 --sex X --nationality XXA)
P3=$(cli --user clerk person add --surname Charlie --given Person --dob 1982 --sex X --nationality XXA)
head -c 32 /dev/urandom >"$T/key"
chmod 600 "$T/key"
BIO="CASEDESK_KEY=$T/key FP_VIRTUAL_IMAGE=$SOCK CASEDESK_ENROL=$HELPER"

# open_enrol SESSION [SURNAME NUMBER]: search the surname (Alpha), open the person ($P1),
# then `b`.
open_enrol() {
	_who=${2:-Alpha} _num=${3:-$P1}
	wait_for "$1" "Worklist" || return 1
	keys "$1" /
	wait_for "$1" "Find:" || return 1
	type_text "$1" "$_who"
	wait_for "$1" "^ $_num " || return 1
	keys "$1" Enter
	wait_for "$1" "^ Person $_num" || return 1
	keys "$1" b
	wait_for "$1" "^ Biometrics — $_num"
}

# ---- 1. a finger, an exception, F5: two rows; the person screen says enrolled
t_enrol() {
	# shellcheck disable=SC2086 # one word per variable
	start bio clerk $BIO CASEDESK_ENROL_TIMEOUT_MS=45000
	open_enrol bio || return
	see "the finger map shows the ten fingers, not taken" bio "> right thumb +right index .* right little" || return
	see "and the left hand" bio "left thumb +left index .* left little" || return
	feed 11
	keys bio Enter
	see "Enter captures the right thumb and shows its quality" bio "^ +quality [0-9]+ " 60 || { unfeed; return; }
	unfeed
	keys bio Right
	wait_for bio "> right index" || return
	keys bio x
	wait_for bio "Reason \(missing" || return
	type_text bio "amputated"
	keys bio Enter
	see "x records an exception" bio "quality [0-9]+ +exception:" || return
	see "with its reason (the cell's second line)" bio "^ +amputated *$" || return
	expect_eq "nothing is stored before F5" "$(rows "$P1")" 0
	keys bio F5
	see "F5 says what it stored" bio "stored 1 capture and 1 exception" || return
	expect_eq "the store has the two rows" "$(rows "$P1")" 2
	expect_eq "the exception with its reason" \
		"$(sqlite3 "$S" "SELECT position || '|' || exception FROM biometric WHERE exception IS NOT NULL")" "right_index|amputated"
	keys bio Left
	wait_for bio "> right thumb" || return
	feed 11
	keys bio v
	see "v verifies the finger 1:1 against the stored template: match" bio "right thumb: match" 60 || { unfeed; return; }
	unfeed
	keys bio Escape
	see "Esc after saving goes straight back; the person is enrolled" bio "Biometrics +enrolled" || return
	quit bio
}

# ---- 2. faults: the screen says what happened, stays responsive, stores nothing
t_fault() {
	_fault=$1 _pat=$2
	before=$(rows "$P1")
	# shellcheck disable=SC2086 # one word per variable
	start "f$_fault" clerk $BIO CASEDESK_ENROL_FAULT="$_fault" CASEDESK_ENROL_TIMEOUT_MS=1000
	open_enrol "f$_fault" || return
	keys "f$_fault" Right Right
	wait_for "f$_fault" "> right middle" || return
	keys "f$_fault" Enter
	see "$_fault: the screen says what happened in words" "f$_fault" "$_pat" 20 || return
	see "$_fault: the finger shows the failure and how to retry" "f$_fault" "failed: r retries" || return
	keys "f$_fault" x
	wait_for "f$_fault" "Reason \(missing" || return
	type_text "f$_fault" "bandaged"
	keys "f$_fault" Enter
	see "$_fault: an exception can still be recorded" "f$_fault" "exception:" || return
	see "$_fault: with its reason" "f$_fault" "^ +bandaged *$" || return
	keys "f$_fault" "?"
	see "$_fault: the screen is still responsive (? opens the help)" "f$_fault" "bio-capture|capture the highlighted finger" || return
	keys "f$_fault" Space
	wait_for "f$_fault" "^ Biometrics — $P1" || return
	keys "f$_fault" Escape
	see "$_fault: leaving unsaved asks first" "f$_fault" "not saved: y leaves and stores nothing" || return
	keys "f$_fault" y
	wait_for "f$_fault" "^ Person $P1" || return
	expect_eq "$_fault: nothing was stored" "$(rows "$P1")" "$before"
	quit "f$_fault"
}

# ---- 3. Esc cancels a capture while the reader still waits for a finger: no touch comes,
# so the cancel must reach the helper at once (model/store/biometric.c, read_msg), well before the
# helper's own 20 s timeout would end the capture as "nothing captured in time".
t_cancel() {
	before=$(rows "$P1")
	# shellcheck disable=SC2086 # one word per variable
	start cancel clerk $BIO CASEDESK_ENROL_TIMEOUT_MS=20000
	open_enrol cancel || return
	keys cancel Enter
	see "the capture shows its live status" cancel "^ +place finger" || return
	see "and says Esc cancels" cancel "capturing the right thumb \([0-9]+ s\) — Esc cancels" || return
	keys cancel Escape
	# "cancelling..." may already have given way to the result when the screen is read.
	see "Esc is taken at once while the capture runs" cancel "cancelling\.\.\.|cancelled \(code 103\)" || return
	see "Esc cancels the running capture" cancel "cancelled \(code 103\)" 10 || return
	see "the finger is back to retry" cancel "failed: r retries" || return
	expect_eq "cancelling stored nothing" "$(rows "$P1")" "$before"
	quit cancel
}

# ---- 4. no key: the CLI's message, status only; no reader: exceptions still possible
t_degraded() {
	start nokey clerk CASEDESK_KEY="$T/no-such.key" FP_VIRTUAL_IMAGE="$SOCK" CASEDESK_ENROL="$HELPER"
	open_enrol nokey || return
	see "no key: the screen opens read-only and says why" nokey "no biometric key" || return
	see "status only" nokey "No biometric key: status only" || return
	keys nokey Enter
	see "no key: a capture is refused" nokey "no biometric key" || return
	quit nokey
	start noreader clerk CASEDESK_KEY="$T/key" CASEDESK_ENROL="$HELPER"
	open_enrol noreader || return
	keys noreader Enter
	see "no reader: a clear message" noreader "no fingerprint reader is connected" || return
	see "and the reader line says so" noreader "Reader: none" || return
	keys noreader Right Right Right Right x
	wait_for noreader "Reason \(missing" || return
	type_text noreader "injured"
	keys noreader Enter
	see "no reader: an exception is still recorded" noreader "^ +injured *$" || return
	keys noreader Escape
	see "leaving asks; enrolment can be finished later" noreader "not saved: y leaves and stores nothing" || return
	keys noreader n
	see "any other key stays" noreader "still here" || return
	keys noreader F10
	see "F10 with something unsaved asks too" noreader "not saved: y leaves and stores nothing" || return
	quit noreader y
}

# ---- 5. the duplicate search: P2 gives P1's right thumb (seed 11), P3 a finger of its own
t_duplicate() {
	# shellcheck disable=SC2086 # one word per variable
	start dup clerk $BIO CASEDESK_ENROL_TIMEOUT_MS=45000
	open_enrol dup Bravo "$P2" || return
	see "before any capture the screen says the first finger is matched against the office" dup \
		"Duplicate search: the first finger captured is first matched" || return
	feed 11
	keys dup Enter
	see "the same finger under another name is named, with the person's name" dup \
		"These fingers are already enrolled for $P1 \(Alpha, Person\)" 60 || { unfeed; return; }
	see "and the capture goes on" dup "^ +quality [0-9]+ " 60 || { unfeed; return; }
	unfeed
	keys dup F5
	see "F5 stores it and repeats the warning" dup "stored 1 capture and .*the same fingers as $P1" || return
	see "the warning stays on the screen" dup "These fingers are already enrolled for $P1" || return
	expect_eq "the candidate is on both records" \
		"$(sqlite3 "$S" "SELECT group_concat(p.number || '>' || e.new_value, ' ') FROM event e JOIN person p ON p.id = e.person_id WHERE e.kind='biometric_duplicate' ORDER BY e.id")" \
		"$P2>$P1 $P1>$P2"
	keys dup Escape
	see "the person screen shows the possible duplicate" dup "possible duplicate: $P1 has the same right_thumb" || return
	quit dup

	start clear clerk $BIO CASEDESK_ENROL_TIMEOUT_MS=45000
	open_enrol clear Charlie "$P3" || return
	feed 33
	keys clear Enter
	see "a finger of its own: the search says it matched none" clear \
		"the right thumb matches none of the 2 other people" 60 || { unfeed; return; }
	see "and the capture goes on" clear "^ +quality [0-9]+ " 60 || { unfeed; return; }
	unfeed
	unseen "no duplicate warning" clear "already enrolled" 1 || return
	keys clear F5
	see "F5 stores it" clear "stored 1 capture and 0 exceptions for $P3" || return
	expect_eq "no candidate for P3" \
		"$(sqlite3 "$S" "SELECT count(*) FROM event e JOIN person p ON p.id = e.person_id WHERE e.kind='biometric_duplicate' AND p.number='$P3'")" 0
	keys clear Escape
	quit clear
}

t_enrol
t_fault hang "did not answer in time"
t_fault crash "crashed \(signal 6\)"
t_cancel
t_degraded
t_duplicate
