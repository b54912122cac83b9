#!/bin/sh
# bench_pg.sh - issue 5: the same fuzzy name queries through PostgreSQL's pg_trgm (GIN index)
# on the same people, next to casedesk.  Called by tests/bench/bench.sh after build/bench_names.
#
#   usage: sh tests/bench/bench_pg.sh STORE QUERIES_TSV
#
# What is compared: the queries build/bench_names wrote (QUERIES_TSV: "SURNAME GIVEN" with a
# typo for 1000 random people, and each seeded duplicate's name as registered), each asking
# for the 10 best people; found = the expected person among them (the duplicate itself left
# out on both sides).  Time is per query at the client: casedesk's search_people in-process,
# PostgreSQL's through libpq over the unix socket (a prepared statement, so one round trip
# and no planning per query) - PostgreSQL pays the round trip, casedesk does not.
#
# What differs: casedesk scores a bounded set of candidates (trigram index over every
# spelling, skeleton keys, a typo pass) in C by skeleton key (spelling variants: SH/SCH,
# KH/H, V/W ...), trigram, prefix and Damerau-Levenshtein edit distance, word by word in
# either name order.  pg_trgm ranks by trigram similarity alone over one string
# (names = surname_latin || ' ' || given_latin), with similarity_threshold 0.3 as the `%`
# cut-off; the original-script names are loaded but not searched, as every query is Latin
# and adding them would only dilute the similarity.  Neither side gets the date of birth.
#
# The server: Debian's postgresql (sh .ci/deps --bench installs it), a throwaway cluster in
# build/pg (initdb as the postgres user when run as root), listening on a socket in build/pg
# and on 127.0.0.1 at a free port, stopped and removed on exit.  When it cannot be set up
# the script says why and exits 0: the rest of the bench goes on.
set -u

cd "$(dirname "$0")/../.."
store="$1"
queries="$2"
pgdir="$PWD/build/pg"

skip() {
	echo "bench_pg: skipped: $*"
	exit 0
}

[ -f "$queries" ] || skip "no queries file $queries (build/bench_names did not run)"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] || skip "PostgreSQL is not installed (sh .ci/deps --bench installs it)"
command -v psql >/dev/null 2>&1 || skip "psql is missing"
pkg-config --exists libpq 2>/dev/null || skip "libpq-dev is missing (sh .ci/deps --bench installs it)"

# The client, built here so `make` itself never needs libpq.
cc -std=gnu11 -O2 -Wall -o build/bench_pg_query tests/bench/bench_pg_query.c \
	$(pkg-config --cflags libpq) $(pkg-config --libs libpq) || skip "cannot build tests/bench/bench_pg_query.c"

# PostgreSQL refuses to run as root: run the server as the postgres user on a directory it owns.
as_pg=""
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || skip "running as root and there is no postgres user"
	as_pg="runuser -u postgres --"
fi

stop() {
	if [ -f "$pgdir/data/postmaster.pid" ]; then
		$as_pg "$bindir/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$pgdir"
}
trap stop EXIT
trap 'exit 1' INT TERM HUP

rm -rf "$pgdir"
mkdir -p "$pgdir" || skip "cannot create $pgdir"
[ -n "$as_pg" ] && chown postgres "$pgdir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
[ -n "$port" ] || port=55432

echo "bench_pg: PostgreSQL $("$bindir/postgres" --version | awk '{ print $3 }'): a cluster in $pgdir, port $port"
$as_pg "$bindir/initdb" -D "$pgdir/data" -A trust -U bench -E UTF8 --locale=C.UTF-8 --no-sync \
	>"$pgdir/initdb.log" 2>&1 || skip "initdb failed: $(tail -n 3 "$pgdir/initdb.log" | tr '\n' ' ')"
# Memory and durability as a bench of reads wants them; fsync off only speeds the load.
$as_pg "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
	-o "-k $pgdir -p $port -h 127.0.0.1 -F -c shared_buffers=512MB -c work_mem=64MB -c max_parallel_workers_per_gather=0" \
	start >/dev/null 2>&1 || skip "the server did not start: $(tail -n 3 "$pgdir/server.log" 2>/dev/null | tr '\n' ' ')"

conn="host=$pgdir port=$port user=bench dbname=postgres"
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$conn" "$@"; }

# The people, as SQLite has them; the duplicates are people too.
sqlite3 -csv "$store" "SELECT number, surname_latin, given_latin, surname, given FROM person" >"$pgdir/people.csv" ||
	skip "cannot export people from $store"
t0=$(date +%s.%N)
psql_ <<EOF || skip "loading into PostgreSQL failed"
CREATE EXTENSION pg_trgm;
CREATE TABLE people (number text PRIMARY KEY, surname_latin text, given_latin text, surname text, given text,
	names text GENERATED ALWAYS AS (surname_latin || ' ' || given_latin) STORED);
\copy people (number, surname_latin, given_latin, surname, given) FROM '$pgdir/people.csv' WITH (FORMAT csv)
CREATE INDEX people_names_trgm ON people USING gin (names gin_trgm_ops);
VACUUM ANALYZE people;
ALTER DATABASE postgres SET pg_trgm.similarity_threshold = 0.3;
EOF
t1=$(date +%s.%N)
echo "bench_pg: loaded $(psql_ -At -c 'SELECT count(*) FROM people') people and built the GIN index in" \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
echo
echo "Names (issue 5): casedesk vs PostgreSQL pg_trgm (GIN, similarity >= 0.3, top 10) on the same queries"
./build/bench_pg_query "$conn" "$queries" || skip "the queries failed"
