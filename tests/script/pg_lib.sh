# pg_lib.sh - a real PostgreSQL for the national tier's tests (issue 15), sourced after
# lib.sh.  pg_start makes a throwaway cluster in its own directory under /tmp and starts it
# on 127.0.0.1 at a free port (and a unix socket in that directory); the EXIT trap stops it
# and removes the directory, and lib.sh's $T with it.  Every run has its own directory and
# port, so two runs at once do not meet.
#
# Debian's PostgreSQL (15 on Debian 12; `make check` installs it through .ci/deps): when its
# binaries are missing the script FAILS saying so - a missing server is a broken machine,
# not a reason to skip.  PostgreSQL refuses to run as root: as root, the server runs as the
# postgres user on a directory it owns (as tests/bench/bench_pg.sh does).
#
#   pg_start [OPTION...]   starts the server (OPTIONs go to postgres: -c log_statement=all);
#                          sets PG_PORT, PG_DIR (the server's log is $PG_DIR/server.log), PG_BIN, PG_USER
#   pg_conninfo DB         the connection string for database DB (over TCP, no password: trust)
#   pg_createdb DB         creates database DB
#   pg_sql DB SQL          runs SQL in DB with psql, prints rows unaligned (-At), stops on an error
#   pg_free_port           a loopback TCP port nothing listens on
#   pg_stop                stops the server (the trap calls it)

PG_DIR=""
PG_PORT=""
PG_USER=casedesk
PG_AS=""

pg_stop() {
	if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
		$PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	fi
	[ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
	PG_DIR=""
}
trap 'pg_stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

pg_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Stops the script: the server is not there and the checks cannot run.
pg_broken() {
	fail "PostgreSQL for the national tier's tests" "$@"
	exit 1
}

pg_start() {
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ] || [ ! -x "$PG_BIN/psql" ]; then
		pg_broken "PostgreSQL's binaries (initdb, pg_ctl, psql under /usr/lib/postgresql/*/bin) are missing:" \
			"install Debian's postgresql (sh .ci/deps does; make check runs it)"
	fi
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || pg_broken "running as root and there is no postgres user to run the server"
		PG_AS="runuser -u postgres --"
	fi
	PG_DIR=$(mktemp -d /tmp/casedesk-pg.XXXXXX) || pg_broken "cannot make a directory under /tmp"
	chmod 755 "$PG_DIR"
	[ -n "$PG_AS" ] && chown postgres "$PG_DIR"
	if ! $PG_AS "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U "$PG_USER" -E UTF8 --locale=C.UTF-8 --no-sync \
		>"$PG_DIR/initdb.log" 2>&1; then
		pg_broken "initdb failed:" "$(tail -n 5 "$PG_DIR/initdb.log")"
	fi
	# A port free a moment ago may be taken by the time the server binds it: try a few.
	for attempt in 1 2 3 4 5; do
		PG_PORT=$(pg_free_port)
		if $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
			-o "-k $PG_DIR -p $PG_PORT -h 127.0.0.1 -F -c max_connections=40 -c shared_buffers=32MB $*" \
			start >/dev/null 2>&1; then
			return 0
		fi
	done
	pg_broken "the server did not start:" "$(tail -n 5 "$PG_DIR/server.log" 2>/dev/null)"
}

pg_conninfo() {
	echo "host=127.0.0.1 port=$PG_PORT user=$PG_USER dbname=$1"
}

pg_sql() {
	db=$1; shift
	"$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$(pg_conninfo "$db")" -c "$*"
}

pg_createdb() {
	pg_sql postgres "CREATE DATABASE \"$1\"" || pg_broken "cannot create database $1"
}
