#!/usr/bin/env python3
"""gw_server.py - a stand-in for a country's check gateway (issue 16), for tests and the bench.

Python's standard library only: http.server's ThreadingHTTPServer (HTTP/1.1, keep-alive)
behind ssl with client certificates REQUIRED (mutual TLS).  It serves the documented API:

    POST /v1/documents/check  {"number","issuer","kind"}
    POST /v1/persons/match    {"surname","given","dob","nationality","threshold"}

Command line:

    python3 tests/script/gw_server.py --cert SERVER.pem --key SERVER.key --client-ca CA.pem
        --port-file FILE [--port N] [--log FILE] [--delay-ms N] [--slow-ms N] [--token T]

    --cert/--key   the server's certificate and key (PEM)
    --client-ca    the CA a client certificate must be signed by (CERT_REQUIRED)
    --port-file    written (atomically) with the port once listening; --port 0 (default)
                   lets the system choose.  Wait for this file, then connect.
    --log          JSON lines, one per event, flushed as they happen:
                     {"event":"connection","conn":N,"connections":N}
                     {"event":"handshake_failed","error":"...","handshake_failures":N}
                     {"event":"request","conn":N,"path":"/v1/...","key":"<Idempotency-Key>",
                      "key_count":N,"requests":N,"connections":N,"purpose":"...",
                      "auth":"<Authorization or null>","answer":"HIT|CLEAR|E503|..."}
                   key_count is how many requests carried that key so far (a retry counts 2);
                   the last line's "requests"/"connections" are the totals.
    --delay-ms N   every answer waits N ms first (the bench: 100)
    --slow-ms N    how long SLOW* waits (default 3000)
    --token T      require "Authorization: Bearer T" (else 401)

The answer is chosen by the document number or the surname (its prefix, upper case):
    HIT*      200 hit (document: list SLTD; person: two matches)
    SLOW*     clear after --slow-ms (for the client's time-out)
    E503*     503 with Retry-After: 7          E503DATE*  503 with an HTTP-date 120 s ahead
    E429*     429 with Retry-After: 30         E500*      500, no Retry-After
    FLAKY*    503 (Retry-After: 1) the first time a key is seen, clear after that
    RESET*    the connection is reset without an answer
    BADJSON*  200 with a body that is not JSON
    HUGE*     200 with a 1 MiB body (Content-Length says so)
    STREAM*   200 with a 1 MiB body and no Content-Length (read until the connection closes)
    E400*     400 (final)
    anything else: 200 clear.
A request without Idempotency-Key or X-Purpose, or whose body is not JSON, gets 400.
Stops on SIGTERM or SIGINT.
"""
import argparse, email.utils, http.server, json, os, signal, socket, ssl, struct, sys, threading, time

lock = threading.Lock()
stats = {"connections": 0, "requests": 0, "handshake_failures": 0, "keys": {}}
log_file = None


def log(event):
    if log_file is None:
        return
    with lock:
        log_file.write(json.dumps(event, separators=(",", ":"), sort_keys=True) + "\n")
        log_file.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "gw-test"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(405, {"error": "POST only"})

    def do_POST(self):
        opts = self.server.opts
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        key = self.headers.get("Idempotency-Key")
        purpose = self.headers.get("X-Purpose")
        try:
            req = json.loads(raw.decode("utf-8"))
        except ValueError:
            req = None
        doc = self.path == "/v1/documents/check"
        person = self.path == "/v1/persons/match"
        what = ""
        if isinstance(req, dict):
            what = str(req.get("number") if doc else req.get("surname") or "").upper()
        answer = "CLEAR"
        for p in ("E503DATE", "E503", "E429", "E500", "E400", "HIT", "SLOW", "FLAKY", "RESET", "BADJSON", "HUGE", "STREAM"):
            if what.startswith(p):
                answer = p
                break
        with lock:
            stats["requests"] += 1
            count = stats["keys"][key] = stats["keys"].get(key, 0) + 1
            event = {"event": "request", "conn": self.conn_id, "path": self.path, "key": key, "key_count": count,
                     "requests": stats["requests"], "connections": stats["connections"], "purpose": purpose,
                     "auth": self.headers.get("Authorization"), "answer": answer,
                     "content_type": self.headers.get("Content-Type")}
        if not (doc or person):
            event["answer"] = "E404"
            log(event)
            return self.reply(404, {"error": "no such endpoint"})
        if not key or not purpose or not isinstance(req, dict):
            event["answer"] = "E400-MISSING"
            log(event)
            return self.reply(400, {"error": "Idempotency-Key, X-Purpose and a JSON object are required"})
        if opts.token and self.headers.get("Authorization") != "Bearer " + opts.token:
            event["answer"] = "E401"
            log(event)
            return self.reply(401, {"error": "bearer token required"})
        if answer == "FLAKY" and count > 1:
            answer = event["answer"] = "CLEAR"
        log(event)
        if opts.delay_ms:
            time.sleep(opts.delay_ms / 1000.0)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if answer == "SLOW":
            time.sleep(opts.slow_ms / 1000.0)
            answer = "CLEAR"
        if answer == "E503":
            return self.reply(503, {"error": "busy"}, [("Retry-After", "7")])
        if answer == "E503DATE":
            return self.reply(503, {"error": "busy"}, [("Retry-After", email.utils.formatdate(time.time() + 120, usegmt=True))])
        if answer == "E429":
            return self.reply(429, {"error": "slow down"}, [("Retry-After", "30")])
        if answer == "FLAKY":
            return self.reply(503, {"error": "busy"}, [("Retry-After", "1")])
        if answer == "E500":
            return self.reply(500, {"error": "broken"})
        if answer == "E400":
            return self.reply(400, {"error": "bad request"})
        if answer == "RESET":
            # SO_LINGER 0: close sends a TCP reset instead of an orderly end.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if answer == "BADJSON":
            return self.reply(200, b'{"result": "clear", "list": ')
        if answer == "HUGE":
            return self.reply(200, b'{"result":"clear","pad":"' + b"x" * (1 << 20) + b'"}')
        if answer == "STREAM":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b'{"result":"clear","pad":"')
                for _ in range(64):
                    self.wfile.write(b"x" * 16384)
                self.wfile.write(b'"}')
            except OSError:
                pass
            return
        if answer == "HIT":
            if doc:
                return self.reply(200, {"result": "hit", "list": "SLTD", "reference": "INTERPOL-SLTD-0042",
                                        "checked_at": now})
            return self.reply(200, {"result": "hit", "checked_at": now, "matches": [
                {"score": 93, "list": "EU-SANCTIONS", "reference": "OS-NK-0001"},
                {"score": 81, "list": "NATIONAL-WATCH", "reference": "NW-77"}]})
        if doc:
            return self.reply(200, {"result": "clear", "list": "SLTD", "reference": "", "checked_at": now})
        return self.reply(200, {"result": "clear", "matches": [], "checked_at": now})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the connection's own thread, so a slow or failing
        # client never holds up accept().
        try:
            # Headers and body go out in separate writes: without TCP_NODELAY the second
            # waits for the client's delayed ACK (40 ms) and every answer looks slow.
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            with lock:
                stats["handshake_failures"] += 1
                n = stats["handshake_failures"]
            log({"event": "handshake_failed", "error": str(e)[:200], "handshake_failures": n})
            return
        with lock:
            stats["connections"] += 1
            conn = stats["connections"]
        log({"event": "connection", "conn": conn, "connections": conn})
        handler_cls = type("H", (Handler,), {"conn_id": conn})
        try:
            handler_cls(tls, client_address, self)
        except (ssl.SSLError, OSError):
            pass
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        pass


def main():
    global log_file
    ap = argparse.ArgumentParser(description="test stand-in for the check gateway (mutual TLS)")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--client-ca", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--slow-ms", type=int, default=3000)
    ap.add_argument("--token")
    opts = ap.parse_args()
    if opts.log:
        log_file = open(opts.log, "a", encoding="utf-8")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(opts.cert, opts.key)
    ctx.load_verify_locations(opts.client_ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.set_alpn_protocols(["http/1.1"])
    srv = Server(("127.0.0.1", opts.port), Handler)
    srv.ctx = ctx
    srv.opts = opts
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, opts.port_file)

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    srv.serve_forever(poll_interval=0.1)
    srv.server_close()


if __name__ == "__main__":
    main()
