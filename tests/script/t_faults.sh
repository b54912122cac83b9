#!/bin/sh
# Faults: SIGKILL in the middle of a stream of transitions, and eight desks writing at once.
. tests/script/lib.sh
MOVER=${CASEDESK_TOOLS:-$(pwd)/build/asan/tests/tool}/tool_mover
S=$T/faults.casedesk
export CASEDESK_STORE=$S

$CD init --office TBS --training >/dev/null
cases=""
i=0
for name in Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel; do
	i=$((i + 1))
	p=$($CD --user clerk person add --surname "$name" --given Person --dob 1980 --sex X --nationality XXA)
	$CD --user clerk document add "$p" --number "AB00000$i" --issuer XXA --expires 2035-01-01 >/dev/null
	c=$($CD --user clerk case new residence --person "$p")
	$CD --user caseworker case move "$c" confirm_receipt --set permit_reason=other >/dev/null
	cases="$cases $c"
done
set -- $cases

# ---- kill -9 mid-stream, five times, each after the mover has committed a few steps
for round in 1 2 3 4 5; do
	: >"$T/mover.out"
	"$MOVER" "$S" 0 "$@" >>"$T/mover.out" 2>"$T/mover.err" &
	pid=$!
	# Wait for progress, not for time: kill once it has committed at least 3*round steps.
	want=$((3 * round))
	n=0
	while [ "$n" -lt "$want" ] && kill -0 "$pid" 2>/dev/null; do
		n=$(wc -l <"$T/mover.out")
		[ "$n" -lt "$want" ] && sleep 0.02
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ "$n" -ge "$want" ]; then pass "round $round: the mover committed $n steps before SIGKILL"; else fail "mover ran" "$(cat "$T/mover.err")"; fi
	expect_rc "round $round: store check after SIGKILL" 0 $CD store check
done
expect_eq "integrity_check says ok" "$(sqlite3 "$S" 'PRAGMA integrity_check')" ok
mismatch=$(sqlite3 "$S" "SELECT count(*) FROM cases c WHERE state IS NOT (SELECT to_state FROM event e WHERE e.case_id=c.id AND to_state IS NOT NULL ORDER BY id DESC LIMIT 1)")
expect_eq "every case's state matches its last event" "$mismatch" 0
versions=$(sqlite3 "$S" "SELECT count(*) FROM cases c WHERE row_version != (SELECT max(row_version) FROM event e WHERE e.case_id=c.id)")
expect_eq "every case's row version matches its last event" "$versions" 0

# ---- eight processes moving cases at once through the CLI
before=$(sqlite3 "$S" "SELECT count(*) FROM event WHERE kind='transition'")
i=0
for c in "$@"; do
	i=$((i + 1))
	(
		errors=0
		for k in 1 2 3 4 5 6 7 8 9 10; do
			state=$($CD --user clerk --json case show "$c" 2>>"$T/w$i.err" | sed -n 's/.*"state":"\([a-z_]*\)".*/\1/p')
			if [ "$state" = awaiting_documents ]; then
				$CD --user clerk case move "$c" documents_received >/dev/null 2>>"$T/w$i.err" || errors=$((errors + 1))
			else
				$CD --user caseworker case move "$c" request_documents --set missing_documents=x \
					--set documents_due=2026-12-31 >/dev/null 2>>"$T/w$i.err" || errors=$((errors + 1))
			fi
		done
		echo "$errors" >"$T/w$i.rc"
	) &
done
wait
total_errors=0
for i in 1 2 3 4 5 6 7 8; do total_errors=$((total_errors + $(cat "$T/w$i.rc" 2>/dev/null || echo 100))); done
expect_eq "eight writers: no errors shown" "$total_errors" 0
shown=$(cat "$T"/w*.err 2>/dev/null | grep -c -i "locked\|busy")
expect_eq "nobody saw 'database is locked'" "$shown" 0
after=$(sqlite3 "$S" "SELECT count(*) FROM event WHERE kind='transition'")
expect_eq "eight writers: no lost event (80 transitions)" "$((after - before))" 80
expect_rc "store check after the writers" 0 $CD store check
