#!/bin/sh
# bench_checkrun.sh - issue 16's bench through the whole path an office uses: N checks
# queued in a store (model/store/checkqueue.h) drained by `casedesk check run` - each answer
# recorded as it comes (event, disclosure audit row) - against the loopback test gateway
# (tests/script/gw_server.py, mutual TLS) answering each in DELAY ms; first with the
# configured concurrency, then `check run --parallel 1`, both measured in this run.
# Targets: the parallel drain under 4 s and at least 25 times faster than one at a time.
# (bench_gateway.sh measures the client alone, without the store.)
#
#   sh tests/bench/bench_checkrun.sh [N] [DELAY_MS]     (defaults 1000 and 100)
set -u
cd "$(dirname "$0")/../.."
n=${1:-1000}
delay=${2:-100}
CD=${BENCH_CASEDESK:-$(pwd)/casedesk}
T=$(mktemp -d /tmp/casedesk-crbench.XXXXXX)
trap 'gw_stop; rm -rf "$T"' EXIT
. tests/script/gw_lib.sh
export CASEDESK_DATA=$(pwd)/data CASEDESK_TODAY=2026-03-02
S=$T/bench.casedesk
cli() { "$CD" --store "$S" "$@"; }

gw_certs || { echo "bench: openssl could not make the test certificates" >&2; exit 1; }
gw_start bench --delay-ms "$delay" || exit 1
export CASEDESK_CONFIG=$T/casedesk.ini
printf '[gateway]\nurl = %s\nclient_cert = %s\nclient_key = %s\nca_file = %s\nparallel = 64\n' \
	"$GW_URL" "$GW_PKI/client.pem" "$GW_PKI/client.key" "$GW_PKI/ca.pem" >"$CASEDESK_CONFIG"
cli init --office TBS --training >/dev/null || exit 1
P=$(cli --user clerk person add --surname Bench --given Mark --dob 1980 --sex M --nationality DEU) || exit 1
C=$(cli --user caseworker case new residence --person "$P") || exit 1
# The queue: N person checks of the case, as checkqueue_case_opened writes them (fresh uuids).
queue() {
	sqlite3 "$S" "WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < $n)
		INSERT INTO checks(uuid, case_id, person_id, list, asked_at, result, source, kind, purpose, next_try)
		SELECT lower(hex(randomblob(16))), c.id, c.person_id, 'sis', '2026-03-02T09:00:00.000Z', 'pending',
		 'network', 'person', 'residence case ' || c.number || ' opened', 0 FROM cases c, i
		WHERE c.number = '$C'" || exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
run() {
	cli --user caseworker check run "$@" >"$T/out" 2>"$T/err"
	if ! grep -q "^asked $n: $n clear, 0 hit, 0 to retry, 0 failed" "$T/out"; then
		echo "bench: check run: not every check came back clear: $(cat "$T/out") $(head -3 "$T/err")" >&2
		exit 1
	fi
}

# The case's own three checks first, so that only the N queued here remain.
cli --user caseworker check run >/dev/null 2>&1
queue
t0=$(now_ms)
run
t1=$(now_ms)
queue
t2=$(now_ms)
run --parallel 1
t3=$(now_ms)
par=$((t1 - t0))
seq_ms=$((t3 - t2))
awk -v n="$n" -v d="$delay" -v p="$par" -v s="$seq_ms" 'BEGIN {
	r = s / (p > 0 ? p : 1)
	printf "bench: check run %d queued checks at %d ms: parallel %.2f s, --parallel 1 %.2f s, %.1fx faster (targets < 4 s, >= 25x: %s)\n",
		n, d, p / 1000, s / 1000, r, (p < 4000 && r >= 25) ? "met" : "NOT met"
}'
