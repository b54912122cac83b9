#!/bin/sh
# bench_gateway.sh - issue 16's bench: 1,000 checks through the gateway client
# (model/net/gateway.c, driven by build/tool_gateway) against the loopback test gateway
# (tests/script/gw_server.py, mutual TLS) answering each in 100 ms; all at once with the
# default concurrency, then one at a time (max_parallel 1), both measured in this run.
# Targets: the parallel drain under 4 s and at least 25 times faster than one at a time.
#
#   sh tests/bench/bench_gateway.sh [N] [DELAY_MS]     (defaults 1000 and 100)
#
# Prints one line: "bench: gateway N checks at D ms: parallel X s, one at a time Y s, Zx ...".
# Exits 1 when a check was not answered CLEAR (the numbers would mean nothing).
set -u
cd "$(dirname "$0")/../.."
n=${1:-1000}
delay=${2:-100}
tool=${BENCH_GW_TOOL:-build/tool_gateway}
T=$(mktemp -d /tmp/casedesk-gwbench.XXXXXX)
trap 'gw_stop; rm -rf "$T"' EXIT
. tests/script/gw_lib.sh

if [ ! -x "$tool" ]; then
	echo "bench: no $tool (make build/tool_gateway)" >&2
	exit 1
fi
gw_certs || { echo "bench: openssl could not make the test certificates" >&2; exit 1; }
gw_start bench --delay-ms "$delay" || exit 1
seq 1 "$n" | sed 's/^/doc:bench-/; s/$/:X1:DEU:passport/' >"$T/reqs"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
run() {
	"$tool" --base "$GW_URL" --ca "$GW_PKI/ca.pem" --cert "$GW_PKI/client.pem" --key "$GW_PKI/client.key" \
		--quiet "$@" <"$T/reqs" >"$T/out" 2>"$T/err"
	if ! grep -q "^clear=$n hit=0 retry=0 failed=0$" "$T/out"; then
		echo "bench: gateway: not every check came back clear: $(cat "$T/out") $(head -3 "$T/err")" >&2
		exit 1
	fi
}

c0=$(gw_connections "$GW_LOG")
t0=$(now_ms)
run
t1=$(now_ms)
conns=$(($(gw_connections "$GW_LOG") - c0))
run --parallel 1
t2=$(now_ms)
par=$((t1 - t0))
seq_ms=$((t2 - t1))
awk -v n="$n" -v d="$delay" -v p="$par" -v s="$seq_ms" -v c="$conns" 'BEGIN {
	r = s / (p > 0 ? p : 1)
	printf "bench: gateway %d checks at %d ms: parallel %.2f s over %d connections, one at a time %.2f s, %.1fx faster (targets < 4 s, >= 25x: %s)\n",
		n, d, p / 1000, c, s / 1000, r, (p < 4000 && r >= 25) ? "met" : "NOT met"
}'
