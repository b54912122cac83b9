#!/bin/sh
# Every libFuzzer target (tests/fuzz/fuzz_NAME.c, built as build/fuzz/fuzz_NAME by
# `make fuzz-bins`) for a bounded time from its kept corpus tests/fuzz/corpus/NAME/.
#
# In `make check` each runs FUZZ_SECONDS (default 3) so that all twelve stay under a minute;
# new inputs go to a temporary directory, never into the kept corpus.  `make fuzz` runs each
# for longer with FUZZ_MERGE=1, which merges the inputs that reach new code into the kept
# corpus (commit them).  FUZZ_TARGETS="csv pnm" picks some targets.  A crash leaves its input
# in build/fuzz/NAME-crash-*, named in the FAIL line: reproduce with `build/fuzz/fuzz_NAME FILE`,
# fix the bug and keep the input in the corpus.
. tests/script/lib.sh
DIR=${CASEDESK_FUZZ_DIR:-$(pwd)/build/fuzz}
SECS=${FUZZ_SECONDS:-3}
ART=$(pwd)/build/fuzz

# The longest input worth trying, per target: an MRZ is three lines of 44; the others take
# whole small files (a CSV list, an image, a protocol line).
max_len() {
	case $1 in
	mrz) echo 400 ;;
	bioclient) echo 2048 ;;
	pnm) echo 16384 ;;
	workflow | form) echo 24576 ;;
	*) echo 4096 ;;
	esac
}

names=${FUZZ_TARGETS:-$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c | sed 's/^fuzz_//'; done)}
mkdir -p "$ART"
for name in $names; do
	bin=$DIR/fuzz_$name
	seeds=tests/fuzz/corpus/$name
	if [ ! -x "$bin" ]; then
		fail "$name fuzzer ran" "no fuzzer binary at $bin: make fuzz-bins"
		continue
	fi
	if [ ! -d "$seeds" ]; then
		fail "$name fuzzer ran" "no kept corpus $seeds"
		continue
	fi
	new=$T/new-$name
	mkdir -p "$new"
	# -rss_limit_mb: a target that leaks or grows without bound fails here, not in CI's OOM killer.
	"$bin" -max_total_time="$SECS" -max_len="$(max_len "$name")" -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 -artifact_prefix="$ART/$name-" "$new" "$seeds" >"$T/log-$name" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$T/log-$name" | tail -1)
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$T/log-$name" | tail -1)
	if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
		pass "$name fuzzer ran $SECS s, $runs executions, no crash"
	else
		fail "$name fuzzer ran $SECS s: exit $rc${crash:+, input kept in $crash (reproduce: $bin $crash)}" \
			"$(grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x|abort' "$T/log-$name" | head -12)"
		continue
	fi
	if [ -n "${FUZZ_MERGE:-}" ]; then
		before=$(ls "$seeds" | wc -l)
		"$bin" -merge=1 -max_len="$(max_len "$name")" -timeout=10 "$seeds" "$new" >"$T/merge-$name" 2>&1 ||
			fail "$name corpus merged" "$(tail -5 "$T/merge-$name")"
		echo "$name: corpus $before -> $(ls "$seeds" | wc -l) inputs"
	fi
done
