#!/bin/sh
# t_natsearch.sh - one search for the country (issue 15, deliverable 8) against a real
# PostgreSQL (tests/script/pg_lib.sh): two offices (TBS, BTM) register persons - one with a
# Cyrillic name, whose ICAO form is pushed with it, one under a spelling variant - and sync;
# `search --national` from TBS finds BTM's person by another spelling and by a typo, ranked
# first and scored as the local search scores; the person's cases at the other office are
# listed (person show --national), the national record of a person the store does not hold
# is shown read-only, without documents; a case of a workflow the reader does not work on is
# counted, never named; an admin alone may not read national persons; every read is audited
# in the local store; a wrong port and a server that never answers fail in words, exit 7.
. tests/script/lib.sh
. tests/script/pg_lib.sh
. tests/script/tui_lib.sh
LISTENER=""
trap 'tm kill-server >/dev/null 2>&1; pg_stop; [ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null; rm -rf "$T"' EXIT

pg_start
pg_createdb national
DB=$(pg_conninfo national)
export CASEDESK_TODAY=2026-03-02
A=$T/tbs.casedesk
B=$T/btm.casedesk
q() { sqlite3 "$1" "$2"; }

"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }
for s in "$A:TBS" "$B:BTM"; do
	"$CD" --store "${s%%:*}" init --office "${s##*:}" --training >/dev/null || { fail "init ${s##*:}"; exit 0; }
done

# ---- BTM registers a Ukrainian in Cyrillic, a German spelling of another, and an asylum case
PB=$("$CD" --store "$B" --user clerk person add --surname Шевченко --given Олександр --dob 1987-04-12 --sex M --nationality UKR)
PB2=$("$CD" --store "$B" --user clerk person add --surname Schewtschenko --given Taras --dob 1990 --sex M --nationality DEU)
CB=$("$CD" --store "$B" --user clerk case new asylum --person "$PB")
CB2=$("$CD" --store "$B" --user clerk case new visa --person "$PB")
# TBS has a Shevchuk, a near name that must rank under the one meant.
PA=$("$CD" --store "$A" --user clerk person add --surname Shevchuk --given Oleksandr --dob 1987 --sex M --nationality UKR)
for s in "$B" "$A"; do
	"$CD" --store "$s" --user admin sync --db "$DB" >/dev/null || fail "sync $s"
done

# ---- the search: another spelling, a typo, the same ranking as locally
expect_rc "search --national by the ICAO form of a Cyrillic name" 0 \
	"$CD" --store "$A" --user clerk search --national --db "$DB" "Shevchenko Oleksandr"
expect_grep "finds BTM's person, marked with its office, first" "^$PB  *BTM " "$(head -1 "$T/out" >"$T/first"; echo "$T/first")"
expect_grep "scored as an exact ICAO name" "^$PB  *BTM .*100  name: exact ICAO" "$T/out"
expect_rc "by a German spelling" 0 "$CD" --store "$A" --user clerk search --national --db "$DB" "Schewtschenko Oleksandr"
head -1 "$T/out" >"$T/first"
expect_grep "the person meant first, as a variant (as the local search says)" "^$PB  *BTM .* 92  name: variant" "$T/first"
expect_rc "by a typo and a year" 0 "$CD" --store "$A" --user clerk search --national --db "$DB" "Shevchenmo Oleksandr 1987"
head -1 "$T/out" >"$T/first"
expect_grep "first, with the typo said" "^$PB  *BTM .*name: 1 typo; dob: year" "$T/first"
expect_rc "in Cyrillic" 0 "$CD" --store "$A" --user clerk --json search --national --db "$DB" "Шевченко"
expect_grep "json: number, office, held here (pulled by sync), score" "\"number\":\"$PB\",.*\"office\":\"BTM\",\"local\":1,\"score\":" "$T/out"
expect_grep "the German-registered one by its key too" "\"number\":\"$PB2\"" "$T/out"
if grep -q -i "document\|passport" "$T/out"; then fail "no documents in the national hits" "$(cat "$T/out")"; else pass "no documents in the national hits"; fi
# The same query locally at BTM ranks the same person first with the same score.
"$CD" --store "$B" --user clerk search "Schewtschenko Oleksandr" | head -1 >"$T/local"
"$CD" --store "$A" --user clerk search --national --db "$DB" "Schewtschenko Oleksandr" | head -1 >"$T/nat"
expect_eq "ranked and scored like the local search" \
	"$(sed 's/^\([^ ]*\) .* \([0-9]*\)  name: \(.*\)$/\1 \2 \3/' "$T/local")" \
	"$(sed 's/^\([^ ]*\) .* \([0-9]*\)  name: \(.*\)$/\1 \2 \3/' "$T/nat")"
expect_rc "a year that does not fit filters" 0 "$CD" --store "$A" --user clerk search --national --db "$DB" "Shevchenko 1960"
expect_grep "no one" "no one found in the national tier" "$T/out"

# ---- audited in the local store
expect_eq "each national search is an audited read with its purpose" \
	"$(q "$A" "SELECT count(*) FROM audit WHERE action = 'search' AND entity = 'national' AND purpose IS NOT NULL")" 6
expect_rc "an admin alone may not read national persons" 4 "$CD" --store "$A" --user admin search --national --db "$DB" "Shevchenko"
expect_grep "in words" "may not read persons from the national tier" "$T/err"
# ---- recorded on the tier too (national schema 7): who, which store, what left the tier
PBU=$(pg_sql national "SELECT uuid FROM persons WHERE number = '$PB'")
expect_eq "the tier records each national search under the store, office, user and purpose" \
	"$(pg_sql national "SELECT count(*) || ' ' || count(DISTINCT origin) || ' ' || min(office) || ' ' || min(user_name) FROM reads WHERE kind = 'search'")" \
	"6 1 TBS clerk"
expect_eq "  with the persons that left the tier (BTM's person among the candidates)" \
	"$(pg_sql national "SELECT count(*) > 0 FROM reads WHERE kind = 'search' AND persons @> ARRAY['$PBU'::uuid]")" t
expect_eq "  the refused admin read nothing there" "$(pg_sql national "SELECT count(*) FROM reads WHERE user_name = 'admin'")" 0
if pg_sql national "DELETE FROM reads" >"$T/del.out" 2>&1; then fail "  the record of reads refuses a DELETE"; else pass "  the record of reads refuses a DELETE"; fi
if pg_sql national "UPDATE reads SET user_name = 'x'" >"$T/del.out" 2>&1; then fail "  and an UPDATE"; else pass "  and an UPDATE"; fi

# ---- the person's cases at other offices
# A person BTM registers after TBS's last sync: TBS does not hold them.
PB3=$("$CD" --store "$B" --user clerk person add --surname Lomidze --given Tamar --dob 1995 --sex F --nationality GEO)
CB3=$("$CD" --store "$B" --user clerk case new residence --person "$PB3")
"$CD" --store "$B" --user admin sync --db "$DB" >/dev/null || fail "sync BTM again"
expect_rc "person show --national of a person this store does not hold" 0 \
	"$CD" --store "$A" --user caseworker person show --national --db "$DB" "$PB3"
expect_grep "the national record, read-only" "registered at BTM; national record, read-only" "$T/out"
expect_grep "with its case at the other office" "$CB3 .*BTM .*residence" "$T/out"
if grep -q "^documents" "$T/out"; then fail "no documents in a national record" "$(cat "$T/out")"; else pass "no documents in a national record"; fi
expect_eq "the store still does not hold them" "$(q "$A" "SELECT count(*) FROM person WHERE number = '$PB3'")" 0
"$CD" --store "$A" --user admin user add vclerk --role clerk --workflows visa >/dev/null 2>&1 || fail "user add vclerk"
expect_rc "a visa clerk asks" 0 "$CD" --store "$A" --user vclerk person show --national --db "$DB" "$PB"
if grep -q "$CB" "$T/out"; then fail "an asylum case is not named to a visa clerk" "$(cat "$T/out")"; else pass "an asylum case is not named to a visa clerk"; fi
expect_grep "but counted" "and 1 in workflows you do not work on" "$T/out"
expect_grep "the visa case is" "$CB2 .*BTM .*visa" "$T/out"
# A person TBS holds (pulled by sync): the local record, then the cases elsewhere.
expect_eq "sync pulled BTM's persons into TBS" "$(q "$A" "SELECT count(*) FROM person WHERE number = '$PB'")" 1
expect_rc "person show --national of a pulled person" 0 "$CD" --store "$A" --user caseworker person show --national --db "$DB" "$PB"
expect_grep "the local record first" "^documents:" "$T/out"
expect_grep "then the cases at other offices" "^cases at other offices:" "$T/out"
	expect_grep "listed" "$CB .*BTM .*asylum" "$T/out"
expect_grep "and the visa one" "$CB2 .*BTM .*visa" "$T/out"
expect_rc "person show --national --json" 0 "$CD" --store "$A" --user caseworker --json person show --national --db "$DB" "$PB"
expect_grep "json: cases_elsewhere" "\"cases_elsewhere\":\[{\"number\":\"$CB\",\"office\":\"BTM\",\"workflow\":\"asylum\"" "$T/out"
expect_rc "TBS's own person has no cases elsewhere" 0 "$CD" --store "$A" --user caseworker person show --national --db "$DB" "$PA"
expect_eq "none" "$(sed -n '/^cases at other offices:/{n;p}' "$T/out")" "  none"
expect_rc "a number the tier does not hold" 3 "$CD" --store "$A" --user caseworker person show --national --db "$DB" P-XXX-000001
expect_eq "a person's record and cases read from the tier are recorded there, each naming the person" \
	"$(pg_sql national "SELECT count(*) FILTER (WHERE kind = 'cases' AND persons @> ARRAY['$PBU'::uuid]) > 0 AND count(*) FILTER (WHERE kind = 'record') > 0 FROM reads WHERE user_name IN ('caseworker', 'vclerk')")" t

# ---- the TUI (80x24): ^N on the search screen, N on the person screen
"$CD" --store "$A" --user admin national use --db "$DB" >/dev/null 2>&1 || fail "national use"
if command -v tmux >/dev/null 2>&1; then
	S=$A start tuin clerk
	tm resize-window -t tuin -x 80 -y 24
	wait_for tuin "Worklist" >/dev/null
	keys tuin F3
	type_text tuin "Shevchenko Oleksandr"
	see "the search screen says ^N asks the national tier (the store names one)" tuin "\\^N asks the national tier the same"
	keys tuin C-n
	see "^N lists the national hits, each with its office" tuin "$PB .*office BTM"
	see "TBS's own person marked with its office" tuin "$PA .*office TBS"
	see "and says how many" tuin "national tier: [0-9]+ found"
	keys tuin C-u
	type_text tuin "Lomidze Tamar"
	keys tuin C-n
	see "a person this store does not hold is found" tuin "$PB3 .*office BTM"
	keys tuin Enter
	see "opening them says read-only, with the record and the cases" tuin "registered at BTM; national record, read-only"
	see "their case at BTM" tuin "$CB3 \\(residence"
	keys tuin Escape
	keys tuin C-u
	type_text tuin "Shevchenko Oleksandr"
	wait_for tuin "$PB" >/dev/null
	keys tuin Enter
	wait_for tuin "SHEVCHENKO" >/dev/null
	keys tuin N
	see "N on the person screen: the cases at other offices" tuin "Cases at other offices: $CB \\(asylum, [a-z_]+\\), $CB2"
	quit tuin
else
	fail "tmux is installed" "the TUI checks need tmux (.ci/deps installs it)"
fi

# ---- the tier unreachable: in words, exit 7, within the timeout
BAD=$(pg_free_port)
expect_rc "a wrong port fails" 7 "$CD" --store "$A" --user clerk search --national \
	--db "host=127.0.0.1 port=$BAD user=casedesk dbname=national connect_timeout=3" "Shevchenko"
expect_grep "saying so" "cannot connect to the national tier (database national on 127.0.0.1:$BAD as casedesk)" "$T/err"
# A server that takes the connection and never answers: the connect timeout ends the wait.
SILENT=$(pg_free_port)
python3 -c "import socket,time,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $SILENT)); s.listen(5)
print('up', flush=True)
c=[s.accept() for _ in range(3)]
time.sleep(120)" >"$T/listener" 2>&1 &
LISTENER=$!
while ! grep -q up "$T/listener" 2>/dev/null; do :; done
expect_rc "a server that never answers: exit 7, no hang" 7 timeout 60 "$CD" --store "$A" --user clerk person show --national \
	--db "host=127.0.0.1 port=$SILENT user=casedesk dbname=national connect_timeout=2" "$PB"
expect_grep "after the connect timeout, in words" "no answer within the connect timeout" "$T/err"
