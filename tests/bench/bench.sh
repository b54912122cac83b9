#!/bin/sh
# bench.sh - `make bench`: builds (or reuses) the benchmark's demo store, times the build
# with the wall clock, then runs build/bench on it.  Run from the repository root.
#
#   BENCH_PERSONS=N   people in the store (default 1000000); the cache is named after N:
#                     build/bench-1M.casedesk, build/bench-20k.casedesk ...
#   BENCH_STEPS=N     transitions and raw commits to time (default 2000)
#   BENCH_BIO_GALLERY=N, BENCH_BIO_DISTINCT=N   the biometric section's 1:N gallery (default
#                     10000 templates) and the distinct fingers enrolled to fill it (60)
#
# The store is cached with a side file (build/bench-TAG.time: seconds, when, and a checksum
# of app/demo.c) holding the wall time of the `casedesk demo` that built it.  A cached store is reused when it passes
# `casedesk store check`; otherwise it is rebuilt.  The demo itself builds under a name of
# its own and renames the store and its seal keys only when complete, so an interrupted
# build is never reused.
set -eu

cd "$(dirname "$0")/../.."
export CASEDESK_DATA="${CASEDESK_DATA:-./data}"
persons="${BENCH_PERSONS:-1000000}"
case "$persons" in
'' | *[!0-9]* | 0*)
	echo "bench: BENCH_PERSONS must be a positive whole number, not '$persons'" >&2
	exit 2
	;;
esac
case "$persons" in
*000000) tag="$((persons / 1000000))M" ;;
*000) tag="$((persons / 1000))k" ;;
*) tag="$persons" ;;
esac
store="build/bench-$tag.casedesk"
timefile="build/bench-$tag.time"
mkdir -p build

# Which demo generator built the cached store, to warn when the cache is older than it.
demo_checksum() { cksum <app/demo.c | cut -d' ' -f1; }

secs=""
built_at=""
state=""
if [ -f "$store" ]; then
	echo "bench: checking the cached store $store (casedesk store check) ..."
	if ./casedesk --store "$store" store check; then
		state=reused
		if [ -f "$timefile" ]; then
			read -r secs built_at demo_sum <"$timefile" || true
		fi
		echo "bench: reusing $store, built ${built_at:-at an unrecorded time} in ${secs:-an unrecorded} s"
		if [ "${demo_sum:-}" != "$(demo_checksum)" ]; then
			echo "bench: note: app/demo.c changed since this store was built; its build time is the old" \
				"demo's. To rebuild: rm $store $timefile"
		fi
	else
		echo "bench: $store fails its check: building it again"
	fi
fi

if [ -z "$state" ]; then
	rm -f "$store" "$store-wal" "$store-shm" "$timefile" "$store.duplicates.tsv" "$store.seal.key" \
		"$store.seal-escrow.key" "$store-damaged"
	echo "bench: building $store: casedesk demo --persons $persons --seed 1 --seed-duplicates 1 (1M people take minutes)"
	t0=$(date +%s.%N)
	# 1% of the people are seeded duplicates (issue 5); the truth lands in STORE.duplicates.tsv.
	./casedesk --store "$store" demo --persons "$persons" --seed 1 --seed-duplicates 1
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	echo "$secs $built_at $(demo_checksum)" >"$timefile"
	state=built
	echo "bench: built $store in $secs s (wall)"
fi

./build/bench "$store" "$persons" "${secs:--}" "$state" "$built_at" || exit 1

# The terminal as a caseworker sees it: the real casedesk in a pseudo-terminal, at the
# README's minimum (80x24: three runs, the first may read a cold store from disk) and on a
# large screen (200x50: two runs, where more rows and columns are drawn per key).  Queries
# are typed a key at a time.
echo
echo "TUI (casedesk in a pseudo-terminal, typing searches key by key)"
printf '%-44s %10s %14s\n' figure value target
runs="80x24:1 80x24:2 80x24:3 200x50:1 200x50:2"
for r in $runs; do
	./build/tool_ttybench --size "${r%%:*}" ./casedesk "$store" Шевч kovalen ivanov mohamm "AL HA" \
		>"build/ttybench.${r%%:*}.${r##*:}" || exit 1
done
pick() { sed -n "s/^$1 //p" "build/ttybench.$2"; }
for r in $runs; do
	run="${r%%:*}.${r##*:}"
	label="${r%%:*} run ${r##*:}"
	printf '%-44s %10s %14s\n' "$label: start-up to first drawn worklist" "$(pick startup_ms $run) ms" "< 150 ms"
	printf '%-44s %10s %14s\n' "$label: keystroke to redraw, p50" "$(pick key_to_redraw_p50_ms $run) ms" ""
	printf '%-44s %10s %14s\n' "$label: keystroke to redraw, p99" "$(pick key_to_redraw_p99_ms $run) ms" "< 10 ms"
	printf '%-44s %10s %14s\n' "$label: bytes to the terminal per key, mean" "$(pick bytes_per_key_mean $run) B" "< 1 KB"
	printf '%-44s %10s %14s\n' "$label: bytes to the terminal per key, p99" "$(pick bytes_per_key_p99 $run) B" ""
	printf '%-44s %10s %14s\n' "$label: peak resident memory" "$(pick peak_rss_mb $run) MB" "< 40 MB"
done

# Forms and statistics (issue 7): 1,000 decision letters in one PDF, and each report over
# the whole store, timed as whole commands (they are what an office runs).  The letters are
# grants for granted cases (residence and work permits: a grant prints only for those), in
# three runs with the median quoted: a shared machine is noisy.
echo
echo "Forms and statistics (whole commands, wall time)"
printf '%-44s %10s %14s\n' figure value target
sh tests/bench/bench_forms.sh "$store" 3 || exit 1
for report in asylum-applicants asylum-decisions first-permits workload; do
	t0=$(date +%s.%N)
	CASEDESK_USER=supervisor ./casedesk --store "$store" report "$report" --from 2020-01-01 --to 2026-12-31 \
		--format csv -o "build/bench-$report.csv" >/dev/null 2>&1
	rc=$?
	t1=$(date +%s.%N)
	printf '%-44s %10s\n' "report $report, csv (exit $rc)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }')"
done
rm -f build/bench-*.csv

# Workflows (issue 11): a lint-clean workflow of 10,000 states (tests/bench/gen_workflow.awk,
# a chain: the worst case for reachability), linted (read, checked, built) as a whole command.
# Loading was quadratic (15 s on every `case show`); it is linear now.
echo
echo "Workflows (whole commands, wall time)"
printf '%-44s %10s %14s\n' figure value target
awk -v n=10000 -f tests/bench/gen_workflow.awk >build/bench-wf10k.ini
for run in 1 2 3; do
	rc=0
	t0=$(date +%s.%N)
	./casedesk workflow lint build/bench-wf10k.ini >/dev/null 2>&1 || rc=$?
	t1=$(date +%s.%N)
	printf '%-44s %10s %14s\n' "run $run: load and lint 10,000 states (exit $rc)" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f ms", (b - a) * 1000 }')" "< 1000 ms"
done
rm -f build/bench-wf10k.ini

# Field kits (issue 12, item 9): one passphrase check, the kit's only door, on its own
# store in /tmp (tests/bench/bench_kdf.c): scrypt alone, and the whole check for a known and
# an unknown user.
./build/bench_kdf 21 || exit 1

# External checks (issue 16): 1,000 checks against a loopback gateway answering in 100 ms, in parallel and one at a time.
sh tests/bench/bench_gateway.sh 1000 100 || echo "bench: the gateway bench failed; going on"
# The same through the store: 1,000 queued checks drained by `check run`, and by `check run --parallel 1`.
sh tests/bench/bench_checkrun.sh 1000 100 || echo "bench: the check run bench failed; going on"

# Names (issue 5): fuzzy search and the duplicate check, with recall of the seeded duplicates
# (tests/bench/bench_names.c; a store built before --seed-duplicates has no STORE.duplicates.tsv:
# then only search is measured), and the same queries through PostgreSQL pg_trgm
# (tests/bench/bench_pg.sh; skipped with the reason when PostgreSQL cannot be installed or started).
./build/bench_names "$store" "$store.duplicates.tsv" build/bench-names.queries.tsv || exit 1

# Biometrics (issue 6): the helper's round trip for a capture, 1:1 verify, and 1:N search
# against 10,000 enrolled templates, through the release casedesk-enrol and libfprint's
# virtual_image driver, on a store and key of its own (tests/bench/bench_bio.c; about 3 minutes).
./build/bench_bio ./casedesk-enrol "${BENCH_BIO_GALLERY:-10000}" "${BENCH_BIO_DISTINCT:-60}" || exit 1
echo
sh .ci/deps --bench || echo "bench: could not install the --bench packages (PostgreSQL); going on"
sh tests/bench/bench_pg.sh "$store" build/bench-names.queries.tsv || echo "bench: the PostgreSQL comparison failed; going on"
sh tests/bench/bench_national.sh "$store" || echo "bench: the national tier's bench failed; going on"
