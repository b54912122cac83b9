# gw_lib.sh - the check gateway's test stand-in (tests/script/gw_server.py) for the scripts:
# sourced after lib.sh (it uses $T).
#
#   gw_certs              makes, in $T/pki: ca.pem (+ca.key), server.pem/server.key
#                         (127.0.0.1 and localhost, signed by ca), client.pem/client.key
#                         (signed by ca), and a second, wrong CA wrongca.pem with
#                         wrongserver.pem/wrongserver.key signed by it.  EC P-256 keys.
#   gw_start NAME [ARGS]  starts the server (ARGS go to gw_server.py, e.g. --delay-ms 100)
#                         with $T/pki's server certificate and ca as the client CA, logging
#                         to $T/gw-NAME.log; waits for its port file (never a fixed sleep)
#                         and sets GW_URL (https://127.0.0.1:PORT), GW_PORT, GW_PID, GW_LOG.
#                         GW_SERVER_CERT/GW_SERVER_KEY override the certificate it serves.
#   gw_stop               stops the server started last and waits for it.
GW_PY=${GW_PY:-python3}
GW_SERVER=${GW_SERVER:-$(pwd)/tests/script/gw_server.py}
GW_PKI=$T/pki

gw_certs() {
	mkdir -p "$GW_PKI" || return 1
	(
		cd "$GW_PKI" || exit 1
		ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
		openssl req -x509 $ec -keyout ca.key -out ca.pem -days 30 -subj "/CN=casedesk test gateway CA" 2>/dev/null &&
		openssl req -x509 $ec -keyout wrongca.key -out wrongca.pem -days 30 -subj "/CN=some other CA" 2>/dev/null &&
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext &&
		printf 'extendedKeyUsage=clientAuth\n' >client.ext &&
		openssl req -new $ec -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
			-extfile server.ext -out server.pem 2>/dev/null &&
		openssl req -new $ec -keyout wrongserver.key -out wrongserver.csr -subj "/CN=localhost" 2>/dev/null &&
		openssl x509 -req -in wrongserver.csr -CA wrongca.pem -CAkey wrongca.key -CAcreateserial -days 30 \
			-extfile server.ext -out wrongserver.pem 2>/dev/null &&
		openssl req -new $ec -keyout client.key -out client.csr -subj "/CN=casedesk office TST" 2>/dev/null &&
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
			-extfile client.ext -out client.pem 2>/dev/null
	)
}

gw_start() {
	name=$1; shift
	GW_LOG=$T/gw-$name.log
	pf=$T/gw-$name.port
	rm -f "$pf" "$GW_LOG"
	"$GW_PY" "$GW_SERVER" --cert "${GW_SERVER_CERT:-$GW_PKI/server.pem}" --key "${GW_SERVER_KEY:-$GW_PKI/server.key}" \
		--client-ca "$GW_PKI/ca.pem" --port-file "$pf" --log "$GW_LOG" "$@" 2>"$T/gw-$name.err" &
	GW_PID=$!
	# Wait for the port file (written once the server listens), or for the server to die.
	i=0
	while [ ! -s "$pf" ]; do
		if ! kill -0 "$GW_PID" 2>/dev/null; then
			echo "gw_start: the server exited: $(tail -3 "$T/gw-$name.err")" >&2
			return 1
		fi
		i=$((i + 1))
		if [ "$i" -gt 1000 ]; then
			echo "gw_start: no port file after 10 s" >&2
			return 1
		fi
		sleep 0.01
	done
	GW_PORT=$(cat "$pf")
	GW_URL=https://127.0.0.1:$GW_PORT
}

gw_stop() {
	if [ -n "${GW_PID:-}" ]; then
		kill "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
		GW_PID=
	fi
}

# gw_requests LOG: requests the server saw.  gw_connections LOG: TLS connections it accepted.
# gw_key_count LOG KEY: requests that carried Idempotency-Key KEY.
gw_requests() { grep -c '"event":"request"' "$1"; }
gw_connections() { grep -c '"event":"connection"' "$1"; }
gw_key_count() { grep '"event":"request"' "$1" | grep -c "\"key\":\"$2\""; }
