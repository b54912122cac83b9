# lib.sh - helpers for the integration scripts: a fresh temp dir, the binary under test,
# and checks that print "PASS: name" or "FAIL: name" for tests/run.sh to count.
set -u
CD=${CASEDESK_BIN:-$(pwd)/casedesk}
export CASEDESK_DATA=${CASEDESK_DATA:-$(pwd)/data}
T=$(mktemp -d /tmp/casedesk-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
# ASan: leaks and uses of a returned function's stack are reported and fail the run; options
# the environment carries come after ours and win.
export ASAN_OPTIONS="detect_stack_use_after_return=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
# Cairo 1.16 loses a buffer subsetting CFF fonts (tests/lsan.supp says which).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; shift; [ $# -gt 0 ] && printf '    %s\n' "$@"; return 0; }

# expect_rc NAME CODE CMD...: runs CMD, checks its exit code; output kept in $T/out, $T/err.
expect_rc() {
	name=$1 want=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then pass "$name"; else fail "$name" "exit $got, wanted $want" "$(head -5 "$T/err")"; fi
}

# expect_grep NAME PATTERN FILE: the file holds a line matching the pattern.
expect_grep() {
	if grep -q -- "$2" "$3"; then pass "$1"; else fail "$1" "no line matching '$2' in:" "$(head -10 "$3")"; fi
}

expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', wanted '$3'"; fi
}

# no_gateway STORE: installs the workflows of $CASEDESK_DATA without their `network.` lines (each
# version raised by 60): an office with no check gateway, whose caseworkers answer every
# check by hand.  A list the workflow asks of the gateway is the gateway's to answer while
# pending (t_checks_hand_network.sh), so the tests that decide cases by hand-recorded
# checks set their store up as such an office.
no_gateway() {
	mkdir -p "$T/nogw" || return 1
	for f in "$CASEDESK_DATA"/workflows/*.ini; do
		awk '/^network\./ { next } /^version *=/ && !done { sub(/[0-9]+/, $3 + 60); done = 1 } { print }' \
			"$f" >"$T/nogw/${f##*/}" || return 1
	done
	"$CD" --store "$1" --user admin workflow install "$T/nogw"/*.ini >/dev/null
}
