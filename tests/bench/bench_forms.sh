#!/bin/sh
# bench_forms.sh STORE [RUNS] - `make bench`'s letters: 1,000 decision_grant letters for
# granted cases of STORE in one PDF (form --batch), RUNS times (default 3); prints each
# run's wall and CPU seconds and the median wall time against the target of 3 s.  Run from
# the repository root; bench.sh calls it with the bench store, and it runs on its own on any
# store with 1,000 granted cases (`casedesk demo --persons 15000` has them).
set -eu
store=$1
runs=${2:-3}
out=build/bench-letters.pdf
cases=$(sqlite3 "$store" "SELECT number FROM cases WHERE workflow_id IN ('residence', 'work')
	AND state IN ('card_pending', 'granted') ORDER BY id LIMIT 1000")
n=$(printf '%s\n' $cases | grep -c .)
walls=""
for run in $(seq 1 "$runs"); do
	rm -f "$out"
	# bash's `time` is not everywhere: the wall clock around, and the CPU from /usr/bin/time when there
	t0=$(date +%s.%N)
	rc=0
	if [ -x /usr/bin/time ]; then
		CASEDESK_USER=supervisor /usr/bin/time -f '%U %S' -o build/bench-letters.time ./casedesk --store "$store" \
			form --batch decision_grant -o "$out" $cases >/dev/null 2>&1 || rc=$?
		cpu=$(awk '{ printf "%.2f", $1 + $2 }' build/bench-letters.time)
	else
		CASEDESK_USER=supervisor ./casedesk --store "$store" form --batch decision_grant -o "$out" $cases \
			>/dev/null 2>&1 || rc=$?
		cpu=-
	fi
	t1=$(date +%s.%N)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	walls="$walls $wall"
	printf '%-44s %10s %14s\n' "run $run: $n decision letters in one PDF (exit $rc)" "$wall s" "cpu $cpu s"
done
median=$(printf '%s\n' $walls | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
printf '%-44s %10s %14s\n' "median: $n decision letters in one PDF" "$median s" "< 3 s"
rm -f "$out" build/bench-letters.time
