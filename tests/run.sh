#!/bin/sh
# The test runner: every cmocka unit binary given as argument, then every tests/script/t_*.sh
# integration script, each counted case by case.  Ends with "N passed, N failed" and
# exits non-zero when anything failed or crashed.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp -d)
passed=0
failed=0

add() { passed=$((passed + $1)); failed=$((failed + $2)); }

for bin in "$@"; do
	name=$(basename "$bin")
	out="$log/$name.out"
	"$bin" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
	p=${p:-0}; f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed, or a sanitizer stopped it
	fi
	add "$p" "$f"
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name ($f failed, exit $rc):"; sed 's/^/    /' "$out" | tail -40
	else
		echo "ok   $name ($p)"
	fi
done

for script in tests/script/t_*.sh; do
	[ -f "$script" ] || continue
	name=$(basename "$script" .sh)
	out="$log/$name.out"
	sh "$script" >"$out" 2>&1
	rc=$?
	p=$(grep -c '^PASS: ' "$out")
	f=$(grep -c '^FAIL: ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "FAIL: $name exited $rc before its checks were done" >>"$out"
	fi
	add "$p" "$f"
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name ($f failed):"; grep -v '^PASS: ' "$out" | sed 's/^/    /' | tail -60
	else
		echo "ok   $name ($p)"
	fi
done

rm -rf "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
