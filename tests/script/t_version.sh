#!/bin/sh
# t_version.sh - `casedesk --version` and `casedesk version` (issue 17): the Makefile's
# VERSION, the store schema of model/store/store.h, the national schema, and each library
# with the version its headers gave at build time, which for the libraries that have a .pc
# file is what pkg-config says now.
. "$(dirname "$0")/lib.sh"

want_version=$(sed -n 's/^VERSION *:= *//p' Makefile)
want_schema=$(sed -n 's/^#define CD_SCHEMA_VERSION \([0-9]*\).*/\1/p' model/store/store.h)

# No store needed, even with CASEDESK_STORE naming none.
CASEDESK_STORE=$T/none.casedesk expect_rc "--version runs without a store" 0 "$CD" --version
cp "$T/out" "$T/dashdash"
expect_eq "the first line is the program and the Makefile's VERSION" "$(head -1 "$T/dashdash")" "casedesk $want_version"
expect_grep "the store schema it writes" "^store schema $want_schema " "$T/dashdash"
expect_grep "the national schema it speaks" "^national schema [1-9][0-9]* " "$T/dashdash"
expect_rc "casedesk version" 0 "$CD" version
if cmp -s "$T/out" "$T/dashdash"; then pass "version and --version say the same"; else fail "version and --version say the same"; fi
for lib in SQLite ncursesw OpenSSL libunistring libcurl json-c libpq Cairo Pango libxlsxwriter libqrencode; do
	expect_grep "$lib is listed" "^  $lib " "$T/dashdash"
done

# The built version is the headers': pkg-config reads the same installed headers' .pc files.
built() { sed -n "s/^  $1  *\([^ ;]*\).*/\1/p" "$T/dashdash"; }
for pair in SQLite:sqlite3 libcurl:libcurl json-c:json-c Cairo:cairo Pango:pango OpenSSL:openssl; do
	name=${pair%%:*} pc=${pair#*:}
	expect_eq "$name: built with $pc $(pkg-config --modversion "$pc")" "$(built "$name")" "$(pkg-config --modversion "$pc")"
done
# Debian's xlsxwriter.pc says its soname (4): the header says the release.
lxw=$(sed -n 's/^#define LXW_VERSION "\(.*\)"/\1/p' /usr/include/xlsxwriter.h)
expect_eq "libxlsxwriter: built with $lxw" "$(built libxlsxwriter)" "$lxw"
# libqrencode's header has no version: the running one is told and said to be so.
expect_grep "libqrencode: running $(pkg-config --modversion libqrencode)" \
	"^  libqrencode  *$(pkg-config --modversion libqrencode) (running" "$T/dashdash"
# libpq: PostgreSQL's pg_config.h at build time.
pgv=$(sed -n 's/^#define PG_MAJORVERSION_NUM \([0-9]*\)/\1/p' /usr/include/postgresql/pg_config.h).$(sed -n 's/^#define PG_MINORVERSION_NUM \([0-9]*\)/\1/p' /usr/include/postgresql/pg_config.h)
expect_eq "libpq: built with $pgv" "$(built libpq)" "$pgv"

# --json: one document with the same facts.
expect_rc "version --json" 0 "$CD" --json version
if python3 - "$T/out" "$want_version" "$want_schema" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == sys.argv[2], d["version"]
assert d["store_schema"] == int(sys.argv[3])
names = [l["name"] for l in d["libraries"]]
assert "SQLite" in names and "OpenSSL" in names and "libcurl" in names, names
assert all(l["running"] for l in d["libraries"])
PY
then pass "--json holds the version, the schema and every library"; else fail "--json holds the version, the schema and every library" "$(cat "$T/out")"; fi

expect_rc "version takes no argument" 2 "$CD" version extra
