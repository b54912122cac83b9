#!/bin/sh
# t_sync_deadline.sh - a case's deadline travels with it (issue 15): a case opened at the
# office and pulled by a kit, stepped on either side and synced through a real PostgreSQL,
# shows the same deadline in both stores - the clock the store that took the step worked
# out from its workflow (a new 90-day clock on lodging, a stopped clock while documents are
# awaited, the days left resumed on their arrival).  Before the ops carried the clock a
# pulled case had none: a kit's worklist sorted the office's cases last and showed none of
# them overdue.  The case is opened, and in its state since, when the store that took the
# step says, not when the op arrived (the statistics count applications by that day).  A step held back by a conflict keeps this store's clock; the conflict names
# the user who took the office's step, and when (ops carry their user).
. tests/script/lib.sh
. tests/script/pg_lib.sh

pg_start
pg_createdb national
DB=$(pg_conninfo national)
O=$T/tbs.casedesk
K=$T/k07.casedesk
clock() { sqlite3 "$1" "SELECT coalesce(due_day, '-') || '/' || coalesce(frozen_left, '-') FROM cases WHERE number = '$2'"; }
at() { d=$1; shift; CASEDESK_TODAY=$d "$CD" "$@"; }

"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }
at 2026-03-02 --store "$O" init --office TBS --training >/dev/null || { fail "init"; exit 0; }
at 2026-03-02 --store "$O" --user admin national use --db "$DB" >/dev/null || fail "national use"
P=$(at 2026-03-02 --store "$O" --user clerk person add --surname Beridze --given Nino --dob 1988 --sex F --nationality GEO)
C=$(at 2026-03-02 --store "$O" --user clerk case new residence --person "$P")
OPENED=$(clock "$O" "$C")
case $OPENED in */-) [ "${OPENED%/-}" != - ] && pass "the office's case has a running 90-day clock ($OPENED)" ;;
*) fail "the office's case has a running clock" "$OPENED" ;; esac
expect_rc "the office syncs" 0 at 2026-03-02 --store "$O" --user admin sync
expect_rc "kit new" 0 at 2026-03-02 --store "$O" --user admin kit new "$K" --office TBS --block 20 --name K07
expect_rc "the kit syncs, the day after" 0 at 2026-03-03 --store "$K" --user admin sync
expect_eq "the kit shows the office's case with its deadline" "$(clock "$K" "$C")" "$OPENED"
when() { sqlite3 "$1" "SELECT substr(opened_at, 1, 10) || ' ' || substr(state_since, 1, 10) FROM cases WHERE number = '$2'"; }
expect_eq "  opened, and in its state since, when the office says (the statistics count by it)" \
	"$(when "$K" "$C")" "2026-03-02 2026-03-02"
expect_rc "  which the kit's worklist sorts by" 0 at 2026-03-02 --store "$K" --user caseworker case list
expect_grep "  and says" "$C .*days left" "$T/out"

# The office asks for documents on day 10: the clock stops with 80 days left.
expect_rc "the office asks for documents" 0 at 2026-03-12 --store "$O" --user caseworker case move "$C" request_documents \
	--set missing_documents=passport --set documents_due=2026-04-01
STOPPED=$(clock "$O" "$C")
expect_eq "  its clock stops with what is left" "$STOPPED" "-/80"
at 2026-03-12 --store "$O" --user admin sync >/dev/null 2>&1 || fail "the office's sync"
at 2026-03-12 --store "$K" --user admin sync >/dev/null 2>&1 || fail "the kit's sync"
expect_eq "the kit's copy stops too" "$(clock "$K" "$C")" "$STOPPED"

# The documents arrive at the kit on day 20: the clock resumes there with its 80 days.
expect_rc "the kit takes the documents in" 0 at 2026-03-22 --store "$K" --user caseworker case move "$C" documents_received
RESUMED=$(clock "$K" "$C")
case $RESUMED in */-) pass "  its clock resumes ($RESUMED)" ;; *) fail "  its clock resumes" "$RESUMED" ;; esac
at 2026-03-22 --store "$K" --user admin sync >/dev/null 2>&1 || fail "the kit's second sync"
at 2026-03-23 --store "$O" --user admin sync >/dev/null 2>&1 || fail "the office's third sync, the day after"
expect_eq "the office's case has the kit's deadline" "$(clock "$O" "$C")" "$RESUMED"
expect_eq "  and the kit's day it entered its state" "$(when "$O" "$C")" "2026-03-02 2026-03-22"

# The same step on both sides: the office's is a conflict at the kit, whose clock stays.
at 2026-03-25 --store "$O" --user caseworker case move "$C" withdraw --set withdrawal_date=2026-03-25 >/dev/null 2>&1
expect_eq "the office records a withdrawal: its clock ends" "$(clock "$O" "$C")" "-/-"
at 2026-03-26 --store "$K" --user caseworker case move "$C" request_documents --set missing_documents=visa \
	--set documents_due=2026-04-30 >/dev/null 2>&1 || fail "the kit asks for documents again"
KIT=$(clock "$K" "$C")
at 2026-03-26 --store "$O" --user admin sync >/dev/null 2>&1 || fail "the office's fourth sync"
at 2026-03-26 --store "$K" --user admin sync >/dev/null 2>&1
expect_eq "a step the kit's state held back brings no clock" "$(clock "$K" "$C")" "$KIT"
expect_eq "  the state is in the kit's conflict queue" \
	"$(sqlite3 "$K" "SELECT count(*) FROM conflicts WHERE field = 'state' AND resolved_at IS NULL")" 1
CID=$(sqlite3 "$K" "SELECT id FROM conflicts WHERE field = 'state' AND resolved_at IS NULL")
expect_rc "  conflict show at the kit" 0 at 2026-03-26 --store "$K" --user supervisor conflict show "$CID"
expect_grep "  names who made theirs at the office, and when" "theirs made by caseworker at 2026-03-25T" "$T/out"

# An op without a clock (made before the ops carried one) leaves the clock as it is.
expect_eq "ops carry the clock" "$(sqlite3 "$O" "SELECT count(*) FROM outbox WHERE entity = 'case'
	AND json_type(payload, '\$.due_day') IS NOT NULL")" \
	"$(sqlite3 "$O" "SELECT count(*) FROM outbox WHERE entity = 'case' AND op IN ('insert', 'transition')")"
