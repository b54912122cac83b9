#!/bin/sh
# t_assign.sh - `casedesk case assign`: take (--me), hand over (a supervisor, to a user who
# may hold the case), release (--none); the rule's refusals and their exit codes; every
# change an event in the history, an audit row and an outbox row; `case list --mine` agrees.
. tests/script/lib.sh
S=$T/assign.casedesk
export CASEDESK_TODAY=2026-03-02
cli() { "$CD" --store "$S" "$@"; }
q() { sqlite3 "$S" "$1"; }

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
cli --user admin user add vera --role caseworker --workflows visa >/dev/null
cli --user admin user add olga --role caseworker --workflows all >/dev/null
q "UPDATE users SET active = 0 WHERE name = 'olga'"
P=$(cli --user clerk person add --surname Doe --given John --dob 1980 --sex M --nationality GBR)
C=$(cli --user clerk case new residence --person "$P")
C2=$(cli --user clerk case new residence --person "$P")
expect_eq "two unassigned cases to work with" "$(q "SELECT count(*) FROM cases WHERE assignee_id IS NULL")" 2
events() { q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$C' AND e.kind = 'assigned'"; }
holder() { q "SELECT coalesce(u.name, '-') || ' v' || c.row_version FROM cases c LEFT JOIN users u ON u.id = c.assignee_id WHERE c.number = '$C'"; }

# ---- take
expect_rc "a clerk cannot take a case (exit 4)" 4 cli --user clerk case assign "$C" --me
expect_grep "  and is told which roles take cases" "no caseworker or supervisor role" "$T/err"
expect_rc "a caseworker of another workflow cannot take it (need-to-know, exit 4)" 4 cli --user vera case assign "$C" --me
expect_grep "  the message names the rule" "need-to-know" "$T/err"
expect_rc "the caseworker takes the case" 0 cli --user caseworker case assign "$C" --me
expect_grep "  and is told so" "$C: taken by caseworker (version 2)" "$T/out"
expect_eq "  the store holds it" "$(holder)" "caseworker v2"
expect_rc "taking it again changes nothing (exit 0)" 0 cli --user caseworker case assign "$C" --me
expect_grep "  and says so" "caseworker holds it already; nothing changed" "$T/out"
expect_eq "  no second event" "$(events)" 1
expect_rc "the supervisor cannot take a case the caseworker holds (exit 4)" 4 cli --user supervisor case assign "$C" --me
expect_grep "  the message names the holder and who can hand it over" \
	"case $C is held by caseworker; a supervisor can hand it over" "$T/err"

# ---- case list agrees
cli --user caseworker case list --mine >"$T/mine"
expect_grep "case list --mine shows the taken case to its holder" "^$C .* caseworker " "$T/mine"
cli --user supervisor case list --mine >"$T/mine"
expect_eq "and not to the supervisor" "$(grep -c "^$C " "$T/mine")" 0
cli --user caseworker case list --unassigned >"$T/free"
expect_eq "case list --unassigned no longer shows it, but the other case" "$(grep -c "^$C " "$T/free") $(grep -c "^$C2 " "$T/free")" "0 1"
expect_rc "--mine and --unassigned together: usage (exit 2)" 2 cli --user caseworker case list --mine --unassigned
cli --user caseworker --json case list >"$T/all"
expect_grep "case list --json names the assignee" "\"number\":\"$C\",[^}]*\"assignee\":\"caseworker\"" "$T/all"

# ---- hand over
expect_rc "a caseworker cannot hand a case over (exit 4)" 4 cli --user caseworker case assign "$C" supervisor
expect_grep "  only a supervisor hands over" "only a supervisor hands a case over" "$T/err"
expect_rc "the supervisor cannot hand it to a clerk (exit 4)" 4 cli --user supervisor case assign "$C" clerk
expect_grep "  a clerk cannot hold a case" "clerk cannot hold a case" "$T/err"
expect_rc "nor to a user who does not exist (exit 3)" 3 cli --user supervisor case assign "$C" nosuchuser
expect_rc "nor to a user of another workflow (exit 4)" 4 cli --user supervisor case assign "$C" vera
expect_grep "  need-to-know names the workflow" "vera does not work on workflow residence" "$T/err"
expect_rc "nor to a disabled user (exit 4)" 4 cli --user supervisor case assign "$C" olga
expect_grep "  the message says the account is disabled" "user olga is disabled" "$T/err"
expect_eq "refusals changed nothing" "$(holder) $(events)" "caseworker v2 1"
expect_rc "the supervisor hands it over to themselves" 0 cli --user supervisor case assign "$C" supervisor
expect_grep "  and is told from whom to whom" "$C: handed over from caseworker to supervisor (version 3)" "$T/out"
cli --user supervisor case list --mine >"$T/mine"
expect_grep "case list --mine follows the hand-over" "^$C .* supervisor " "$T/mine"

# ---- a stale version is a conflict, naming who changed the case
expect_rc "a change against a stale version is refused (exit 5)" 5 \
	cli --user supervisor case assign "$C" caseworker --expect-version 2
expect_grep "  naming who changed what" "changed after you read it (version 2, now 3): supervisor took the case over from caseworker at " "$T/err"

# ---- release
expect_rc "the caseworker cannot release the supervisor's case (exit 4)" 4 cli --user caseworker case assign "$C" --none
expect_grep "  the message names the holder" "held by supervisor; only they or a supervisor may release it" "$T/err"
expect_rc "the holder releases it" 0 cli --user supervisor case assign "$C" --none --expect-version 3
expect_grep "  and is told nobody holds it" "nobody has taken it now (version 4)" "$T/out"
expect_eq "  the store holds nobody" "$(holder)" "- v4"
cli --user caseworker case assign "$C2" --me >/dev/null
expect_rc "a supervisor releases anyone's case" 0 cli --user supervisor --json case assign "$C2" --none
expect_grep "  --json says who held it" '"assignee":null,"previous":"caseworker","changed":true' "$T/out"

# ---- history, audit, outbox
cli --user caseworker case history "$C" >"$T/hist"
expect_grep "history: the take" "caseworker .* v2 .*took the case" "$T/hist"
expect_grep "history: the hand-over" "supervisor .* v3 .*handed the case over from caseworker to supervisor" "$T/hist"
expect_grep "history: the release" "supervisor .* v4 .*released the case" "$T/hist"
cli --user caseworker --json case history "$C" >"$T/hist"
expect_grep "history --json: old and new holder" '"kind":"assigned",[^}]*"field":"assignee","old":"caseworker","new":"supervisor"' "$T/hist"
expect_eq "three events, each with an audit row and an outbox row" \
	"$(events) $(q "SELECT count(*) FROM outbox WHERE op = 'assign' AND entity_uuid = (SELECT uuid FROM cases WHERE number = '$C')") $(q "SELECT count(*) FROM audit WHERE action = 'change' AND entity = 'case' AND entity_uuid = (SELECT uuid FROM cases WHERE number = '$C')")" \
	"3 3 4"
expect_eq "the refused need-to-know attempt is audited" \
	"$(q "SELECT count(*) FROM audit WHERE action = 'refused' AND user_name = 'vera'")" 1
expect_rc "the store still checks whole (history agrees with every case)" 0 cli --user admin store check

# ---- a holder named at opening (case new --assign) passes the same rule
cases() { q "SELECT count(*) FROM cases"; }
n0=$(cases)
expect_rc "a clerk cannot open a case in a caseworker's hands (exit 4)" 4 \
	cli --user clerk case new residence --person "$P" --assign caseworker
expect_grep "  only a supervisor hands a case over" "only a supervisor hands a case over" "$T/err"
expect_rc "nor in their own (exit 4)" 4 cli --user clerk case new residence --person "$P" --assign clerk
expect_grep "  a clerk takes no case" "no caseworker or supervisor role" "$T/err"
expect_rc "a supervisor cannot open one in an admin's hands (exit 4)" 4 \
	cli --user supervisor case new residence --person "$P" --assign admin
expect_grep "  an admin holds no case" "admin cannot hold a case" "$T/err"
expect_rc "nor in a disabled user's (exit 4)" 4 cli --user supervisor case new residence --person "$P" --assign olga
expect_grep "  the message says the account is disabled" "user olga is disabled" "$T/err"
expect_rc "nor in the hands of a user of another workflow (exit 4)" 4 \
	cli --user supervisor case new residence --person "$P" --assign vera
expect_grep "  need-to-know names the workflow" "vera does not work on workflow residence" "$T/err"
expect_rc "nor a user who does not exist (exit 3)" 3 cli --user supervisor case new residence --person "$P" --assign nosuchuser
expect_eq "the refusals opened no case" "$(cases)" "$n0"
expect_rc "a caseworker opens a case and holds it" 0 cli --user caseworker case new residence --person "$P" --assign caseworker
C3=$(cat "$T/out")
expect_rc "a supervisor opens one in the caseworker's hands" 0 \
	cli --user supervisor case new residence --person "$P" --assign caseworker
C4=$(cat "$T/out")
expect_eq "  both held by the caseworker" \
	"$(q "SELECT group_concat(u.name, ' ') FROM cases c JOIN users u ON u.id = c.assignee_id WHERE c.number IN ('$C3', '$C4')")" \
	"caseworker caseworker"
expect_rc "a clerk still opens a case for nobody in particular" 0 cli --user clerk case new residence --person "$P"

# ---- usage
expect_rc "no holder named: usage (exit 2)" 2 cli --user caseworker case assign "$C"
expect_rc "--me and --none together: usage (exit 2)" 2 cli --user caseworker case assign "$C" --me --none
expect_rc "an unknown case (exit 3)" 3 cli --user caseworker case assign RP-TBS-2026-999999 --me
