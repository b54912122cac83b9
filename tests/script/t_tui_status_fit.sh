#!/bin/sh
# t_tui_status_fit.sh - what a border crossing's desks saw at 80x24 (issue 15, tried by
# hand in brief border8), driven for real in tmux:
#
#  - the status line's "N unsynced" counts this desk's own registration at once (it was
#    read only when another desk committed, so a kit's clerk saw "175 unsynced" after
#    registering three people);
#  - on a field kit whose numbers run low, the status line fits 80 columns by dropping
#    whole parts (the roles, the checks pending): "2/10 numbers" is never cut to
#    "2/10 number", and no part is cut mid-word;
#  - the Conflicts screen shows a case's whole number (RP-TBS-2026-000001: the column cut
#    it to RP-TBS-2026-0000) and when the conflict was queued (the stored time with its
#    milliseconds pushed it off the line: "queued 2026-03-05T").
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
export CASEDESK_TODAY=2026-03-02
O=$T/office.casedesk
S=$T/kit.casedesk
"$CD" --store "$O" init --office TBS --training >/dev/null 2>&1 || { fail "init a training office"; exit 0; }
"$CD" --store "$O" --user admin kit new "$S" --office TBS --block 10 --name K07 >/dev/null 2>&1 ||
	{ fail "kit new"; exit 0; }
kit() { "$CD" --store "$S" "$@"; }
q() { sqlite3 "$S" "$1"; }
i=0
for g in Ali Omar Samir Nabil Rami Karim Lina Amal; do
	i=$((i + 1))
	p=$(kit --user clerk person add --surname Darwish --given "$g" --dob "198$i-01-0$i" --sex M \
		--nationality SYR 2>/dev/null) || fail "person $g on the kit"
	last=$p
done
C=$(kit --user caseworker case new residence --person "$last" 2>/dev/null) || { fail "case new on the kit"; exit 0; }
expect_eq "the kit has 2 person numbers left" \
	"$(q "SELECT last - first + 1 - used FROM (SELECT first, last, (SELECT count(*) FROM person) AS used FROM number_blocks WHERE series = 'person')")" 2
UNSENT=$(kit --user admin ops list --unsent 2>/dev/null | tail -n +2 | wc -l)

# A conflict on the case's field, queued as model/store/apply.c writes it.
CU=$(q "SELECT uuid FROM cases WHERE number = '$C'")
q "INSERT INTO conflicts(uuid, entity, entity_uuid, field, base, theirs, ours, op_uuid, origin, origin_office, at)
   VALUES (lower(hex(randomblob(16))), 'case', '$CU', 'field.permit_reason', 'null', '\"education\"',
   '\"family\"', 'op-1', 'kit-origin', 'TBS', '2026-03-05T21:56:04.111Z')"

start sup supervisor
tm resize-window -t sup -x 80 -y 24
wait_for sup "Worklist|worklist" || exit 0
see "the status line shows the kit's numbers whole" sup "2/10 numbers"
see "  and the ops waiting" sup " $UNSENT unsynced"
screen sup >"$T/screen"
status=$(tail -n 1 "$T/screen")
case "$status" in
*"(supervisor)"*) fail "  the roles give way at 80 columns" "$status" ;;
*) pass "  the roles give way at 80 columns" ;;
esac
# The line ends with a whole part: the numbers, the checks pending, the sync or the clock.
if echo "$status" | sed 's/ *$//' | grep -Eq '(numbers|pending|unsynced|online [0-9:-]+|offline [0-9:-]+|[0-9][0-9]:[0-9][0-9])$'
then pass "  no part is cut mid-word"
else fail "  no part is cut mid-word" "$status"; fi

keys sup F7
see "the Conflicts screen shows the case's whole number" sup "^ $C +field\\.permit_re"
see "  and when it was queued, to the minute" sup "queued 2026-03-05 21:56"
keys sup Escape

# A registration at this desk: the count rises at once (no other desk commits meanwhile).
keys sup F4
wait_for sup "Register a person" || exit 0
type_text sup "Haddad"
keys sup Tab
type_text sup "Omar"
keys sup Tab Tab Tab
type_text sup "1990-04-12"
keys sup Tab
type_text sup "M"
keys sup Tab
type_text sup "SYR"
keys sup F5
wait_for sup "registered P-TBS-" || exit 0
see "the desk's own registration is counted in the status line at once" sup " $((UNSENT + 1)) unsynced" 3
see "  and the kit's numbers with it" sup "1/10 numbers" 3
quit sup
