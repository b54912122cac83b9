#!/bin/sh
# The MRZ parser under libFuzzer for a bounded time (FUZZ_SECONDS, default 20), from the
# seeds in tests/fuzz/corpus/mrz/.  New inputs go to a temporary directory, never into the
# committed seeds; a crash leaves its input in build/fuzz_mrz-crash-* to reproduce with
# `build/fuzz_mrz FILE`.  The binary comes from `make build/fuzz_mrz` via CASEDESK_FUZZ_MRZ.
. tests/script/lib.sh
FUZZ=${CASEDESK_FUZZ_MRZ:-$(pwd)/build/fuzz_mrz}
SECS=${FUZZ_SECONDS:-20}

if [ ! -x "$FUZZ" ]; then
	fail "mrz fuzzer ran" "no fuzzer binary at $FUZZ: make build/fuzz_mrz"
	exit 0
fi
mkdir -p "$T/corpus" build
"$FUZZ" -max_total_time="$SECS" -max_len=400 -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$(pwd)/build/fuzz_mrz-" "$T/corpus" tests/fuzz/corpus/mrz >"$T/log" 2>&1
rc=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$T/log" | tail -1)
if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
	pass "mrz fuzzer ran $SECS s, $runs executions, no crash"
else
	fail "mrz fuzzer ran $SECS s: exit $rc" "$(grep -E 'ERROR|SUMMARY|runtime error|Test unit written|abort' "$T/log" | head -8)"
fi
