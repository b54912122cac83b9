#!/bin/sh
# t_sync_faults.sh - sync with the national tier under faults t_sync.sh does not make (issue
# 15, deliverable 9), against a real PostgreSQL (tests/script/pg_lib.sh) and the real binary:
#  1. the connection cut mid-push (the backend terminated from psql, the server still up),
#     then a sync: the tier's ops equal the store's, none twice;
#  2. kits whose clocks are days wrong (CASEDESK_TODAY days back and ahead; the office's
#     right): the tier's result is the same as with right clocks, each origin's ops in seq
#     order, no conflict made or hidden by a clock;
#  3. an office and two kits editing different fields of one person: merged everywhere, no
#     conflict; the same field on two kits: one conflict, both values kept;
#  4. the issue's "Done when" at a smaller scale (60 people, not 300): an office, two kits
#     over three simulated days, one person the office already has registered again on a
#     kit, a case edited at the office and on a kit; every number unique on the tier, no op
#     lost, the conflict queued; a SIGKILL during sync and a second sync leave the same
#     counts; a bundle carried by hand gives an office the rows the network gives another.
#     (The duplicate in review is the review queue's test, not this one.)
# Waits are for a state (a row on the tier, a backend in pg_stat_activity), never a guess.
. tests/script/lib.sh
. tests/script/pg_lib.sh

pg_start
pg_createdb national
DB=$(pg_conninfo national)
export CASEDESK_TODAY=2026-03-02
q() { sqlite3 "$1" "$2"; }
nat() { pg_sql national "$1"; }
origin_of() { q "$1" "SELECT value FROM settings WHERE key = 'store_uuid'"; }
ops_of() { q "$1" "SELECT count(*) FROM outbox"; }
unsent() { q "$1" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL"; }
sync_() { "$CD" --store "$1" --user admin sync --db "$DB" >"$T/sync.out" 2>&1; }
# wait_for WHAT CMD...: up to 30 s for CMD to succeed (a state, polled), else a failure.
wait_for() {
	what=$1; shift
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -ge 600 ]; then fail "waited 30 s for $what"; return 1; fi
		sleep 0.05
	done
	return 0
}

"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }

# ---- 1. the connection cut mid-push: the backend terminated, the server up ----------------
C=$T/cut.casedesk
"$CD" --store "$C" init --office CUT --training >/dev/null || { fail "init CUT"; exit 0; }
OC=$(origin_of "$C")
# 2,000 ops written straight into the op log (as t_sync.sh does), sent one per transaction:
# a push long enough to be cut in the middle.
q "$C" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)
SELECT printf('0190b000-0002-7000-8000-%012x', i), '$OC', (SELECT coalesce(max(origin_seq), 0) FROM outbox) + i,
 '2026-03-02T10:00:00.000Z', 'setting', 'cut' || i, 'update', json_object('fields', json_object('value', json_object('base', 0, 'old', NULL, 'new', i)))
FROM n"
COPS=$(ops_of "$C")
"$CD" --store "$C" --user admin sync --db "$DB" --batch 1 >"$T/cut.out" 2>"$T/cut.err" &
pid=$!
backend_pushing() {
	[ "$(nat "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'casedesk'")" -ge 1 ] &&
	[ "$(nat "SELECT count(*) FROM ops WHERE origin = '$OC'")" -ge 1 ]
}
wait_for "the push's backend and its first ops on the tier" backend_pushing
TERM_N=$(nat "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'casedesk'")
wait "$pid"; rc=$?
CUT_AT=$(nat "SELECT count(*) FROM ops WHERE origin = '$OC'")
# The push stages one batch on a second connection while the first applies another: both go.
if [ "$TERM_N" -ge 1 ] && [ "$TERM_N" -le 2 ]; then pass "the push's casedesk backends terminated ($TERM_N)"
else fail "the push's casedesk backends terminated" "got $TERM_N, wanted 1 or 2"; fi
if [ "$CUT_AT" -lt "$COPS" ]; then
	pass "the push was cut in the middle ($CUT_AT of $COPS ops on the tier)"
	expect_eq "the cut push fails" "$([ "$rc" -ne 0 ] && echo failed || echo "exit $rc")" failed
	expect_grep "saying so in words, naming the national tier" "national tier" "$T/cut.err"
	# The last batch's commit may have reached the tier with the cut reply lost: at most one
	# batch (one op here) on the tier that the store has not marked.
	MARKED=$(q "$C" 'SELECT count(*) FROM outbox_state WHERE sent_at IS NOT NULL')
	expect_eq "the store marked sent what the tier holds (or one batch less)" \
		"$([ "$MARKED" -le "$CUT_AT" ] && [ "$MARKED" -ge $((CUT_AT - 1)) ] && echo ok || echo "$MARKED marked, $CUT_AT on the tier")" ok
else
	fail "the push was cut in the middle" "all $COPS ops arrived before the terminate (rc $rc)"
fi
expect_rc "sync again after the cut" 0 "$CD" --store "$C" --user admin sync --db "$DB" --batch 100
expect_eq "the tier holds every op of the store, each once" \
	"$(nat "SELECT count(*) || ',' || count(DISTINCT uuid) || ',' || count(DISTINCT origin_seq) FROM ops WHERE origin = '$OC'")" \
	"$COPS,$COPS,$COPS"
expect_eq "every op marked sent" "$(unsent "$C")" 0
expect_eq "the high-water mark is the last op" "$(nat "SELECT high_water FROM origins WHERE store_uuid = '$OC'")" "$COPS"

# ---- 2. kits whose clocks are days wrong ------------------------------------------------
# The same work done twice, each time on its own national database: once with every clock
# right, once with the first kit's clock a week ahead and then, set back, a week behind
# (its later ops stamped earlier), and the second kit's a week behind.  The tier's rows,
# its conflicts and each origin's ops must come out the same.
# clocks DIR DB K1_FIRST K1_THEN K2: the work; the tier's result in DIR/result.
clocks() {
	d=$1 nname=$2 k1a=$3 k1b=$4 k2=$5
	mkdir -p "$d"
	pg_createdb "$nname"
	ndb=$(pg_conninfo "$nname")
	"$CD" national init --db "$ndb" >/dev/null || fail "national init $nname"
	"$CD" --store "$d/o" init --office TBS --training >/dev/null || fail "init the office in $d"
	"$CD" --store "$d/o" --user admin kit new "$d/k1" --office TBS --block 20 >/dev/null 2>&1 || fail "kit new in $d"
	"$CD" --store "$d/o" --user admin kit new "$d/k2" --office TBS --block 20 >/dev/null 2>&1 || fail "kit new in $d"
	p0=$("$CD" --store "$d/o" --user clerk person add --surname Aliyev --given Rashad --dob 1985 --sex M --nationality AZE)
	c0=$("$CD" --store "$d/o" --user clerk case new residence --person "$p0")
	for s in o k1 k2; do "$CD" --store "$d/$s" --user admin sync --db "$ndb" >/dev/null 2>&1 || fail "first sync of $s in $d"; done
	p1=$(CASEDESK_TODAY=$k1a "$CD" --store "$d/k1" --user clerk person add --surname Huseynov --given Elvin --dob 1992 --sex M --nationality AZE)
	CASEDESK_TODAY=$k1a "$CD" --store "$d/k1" --user clerk case new residence --person "$p1" >/dev/null || fail "kit 1 opens a case in $d"
	CASEDESK_TODAY=$k1b "$CD" --store "$d/k1" --user caseworker person correct "$p1" --field given --value Elwin --reason "card" >/dev/null ||
		fail "kit 1 corrects its own person later with an earlier clock, in $d"
	CASEDESK_TODAY=$k1b "$CD" --store "$d/k1" --user caseworker person correct "$p0" --field surname --value Aliyeu --reason "card" >/dev/null ||
		fail "kit 1 corrects the office's person in $d"
	p2=$(CASEDESK_TODAY=$k2 "$CD" --store "$d/k2" --user clerk person add --surname Karimova --given Aysel --dob 1999 --sex F --nationality AZE)
	CASEDESK_TODAY=$k2 "$CD" --store "$d/k2" --user caseworker person correct "$p0" --field surname --value Aliev --reason "she said" >/dev/null ||
		fail "kit 2 corrects the office's person in $d"
	CASEDESK_TODAY=$k2 "$CD" --store "$d/k2" --user caseworker person correct "$p2" --field dob --value 1998 --reason "card" >/dev/null ||
		fail "kit 2 corrects its own person in $d"
	"$CD" --store "$d/o" --user caseworker person correct "$p0" --field given --value Rashid --reason "passport" >/dev/null ||
		fail "the office corrects its person in $d"
	# The kit with the earliest clock syncs last: a clock-ordered merge would put it first.
	for s in o k1 k2 o k1 k2; do "$CD" --store "$d/$s" --user admin sync --db "$ndb" >/dev/null 2>&1 || fail "sync of $s in $d"; done
	{
		echo "persons:"; pg_sql "$nname" "SELECT number, surname, given, dob, row_version FROM persons ORDER BY number"
		echo "cases:"; pg_sql "$nname" "SELECT number, state, row_version FROM cases ORDER BY number"
		echo "conflicts:"; pg_sql "$nname" "SELECT g.name, c.field, c.base, c.theirs, c.ours FROM conflicts c JOIN origins g ON g.store_uuid = c.origin ORDER BY 1, 2"
		echo "ops:"; pg_sql "$nname" "SELECT g.name, string_agg(o.entity || ' ' || o.op, ',' ORDER BY o.origin_seq) FROM ops o JOIN origins g ON g.store_uuid = o.origin GROUP BY g.name ORDER BY 1"
		for s in o k1 k2; do echo "$s:"; sqlite3 "$d/$s" "SELECT number, surname, given, dob FROM person ORDER BY number"; done
	} >"$d/result"
}
clocks "$T/right" natright 2026-03-02 2026-03-02 2026-03-02
clocks "$T/wrong" natwrong 2026-03-09 2026-02-23 2026-02-23
expect_eq "the wrong clocks are in the kits' ops" \
	"$(q "$T/wrong/k1" "SELECT group_concat(DISTINCT substr(at, 1, 10)) FROM outbox") / $(q "$T/wrong/k2" "SELECT group_concat(DISTINCT substr(at, 1, 10)) FROM outbox")" \
	"2026-03-09,2026-02-23 / 2026-02-23"
if cmp -s "$T/right/result" "$T/wrong/result"; then
	pass "the tier and the three stores come out the same whatever the kits' clocks"
else
	fail "the tier and the three stores come out the same whatever the kits' clocks" "$(diff "$T/right/result" "$T/wrong/result" | head -20)"
fi

for dbn in natright natwrong; do
	expect_eq "each origin's ops arrived in their seq order ($dbn)" \
		"$(pg_sql "$dbn" "SELECT count(*) FROM ops a JOIN ops b ON a.origin = b.origin AND a.origin_seq < b.origin_seq AND a.server_seq > b.server_seq")" 0
done
expect_eq "the clash on the office's person is one conflict, with right clocks and wrong" \
	"$(pg_sql natright "SELECT count(*) FROM conflicts WHERE field = 'surname'")$(pg_sql natwrong "SELECT count(*) FROM conflicts WHERE field = 'surname'")" 11

# ---- 3. an office and two kits editing one person ---------------------------------------
O=$T/office.casedesk
K1=$T/k1.casedesk
K2=$T/k2.casedesk
"$CD" --store "$O" init --office TBS --training >/dev/null || { fail "init TBS"; exit 0; }
"$CD" --store "$O" --user admin kit new "$K1" --office TBS --block 100 >/dev/null 2>&1 || fail "kit new K1"
"$CD" --store "$O" --user admin kit new "$K2" --office TBS --block 100 >/dev/null 2>&1 || fail "kit new K2"
PM=$("$CD" --store "$O" --user clerk person add --surname Mamedova --given Leyla --dob 1990-05-05 --sex F --nationality AZE)
UM=$(q "$O" "SELECT uuid FROM person WHERE number = '$PM'")
expect_rc "the office syncs its person" 0 sync_ "$O"
expect_rc "the first kit syncs and pulls it" 0 sync_ "$K1"
expect_rc "the second kit syncs and pulls it" 0 sync_ "$K2"
expect_eq "both kits know the person" "$(q "$K1" "SELECT count(*) FROM person WHERE uuid = '$UM'")$(q "$K2" "SELECT count(*) FROM person WHERE uuid = '$UM'")" 11
"$CD" --store "$O" --user caseworker person correct "$PM" --field given --value Leila --reason "passport seen" >/dev/null || fail "office edits given"
"$CD" --store "$K1" --user caseworker person correct "$PM" --field surname --value Mammadova --reason "passport seen" >/dev/null || fail "kit 1 edits surname"
"$CD" --store "$K2" --user caseworker person correct "$PM" --field birth_place --value Baku --reason "she said" >/dev/null || fail "kit 2 edits birth_place"
for round in 1 2; do
	for s in "$O" "$K1" "$K2"; do sync_ "$s" || fail "sync round $round of $(basename "$s")" "$(cat "$T/sync.out")"; done
done
merged="Mammadova|Leila|Baku"
expect_eq "the tier holds the three edits merged" "$(nat "SELECT surname, given, birth_place FROM persons WHERE uuid = '$UM'")" "$merged"
for s in "$O" "$K1" "$K2"; do
	expect_eq "$(basename "$s") holds the three edits merged" "$(q "$s" "SELECT surname || '|' || given || '|' || birth_place FROM person WHERE uuid = '$UM'")" "$merged"
	expect_eq "  and no conflict queued there" "$(q "$s" "SELECT count(*) FROM conflicts")" 0
done
expect_eq "no conflict on the tier for different fields" "$(nat "SELECT count(*) FROM conflicts WHERE entity_uuid = '$UM'")" 0

# The same field changed differently on both kits.
"$CD" --store "$K1" --user caseworker person correct "$PM" --field given --value Leyla --reason "as on her card" >/dev/null || fail "kit 1 edits given"
"$CD" --store "$K2" --user caseworker person correct "$PM" --field given --value Leylah --reason "as she wrote it" >/dev/null || fail "kit 2 edits given"
for round in 1 2; do
	for s in "$K1" "$K2" "$O"; do sync_ "$s" || fail "sync round $round of $(basename "$s")" "$(cat "$T/sync.out")"; done
done
expect_eq "one conflict on the tier, both values kept" \
	"$(nat "SELECT count(*) || '|' || string_agg(theirs #>> '{}' || '>' || (ours #>> '{}'), ',') FROM conflicts WHERE entity_uuid = '$UM' AND field = 'given'")" \
	"1|Leyla>Leylah"
expect_eq "the tier kept the first value it had" "$(nat "SELECT given FROM persons WHERE uuid = '$UM'")" Leyla
expect_eq "the second kit kept its own value (not overwritten silently)" "$(q "$K2" "SELECT given FROM person WHERE uuid = '$UM'")" Leylah
expect_rc "the second kit's supervisor lists its queue" 0 "$CD" --store "$K2" --user supervisor conflict list
expect_grep "  the conflict on given, base, theirs and ours" "$PM *given *\"Leila\" *\"Leyla\" *\"Leylah\"" "$T/out"
# The pull brings the other kit's op to the office and the first kit too: each queues the
# same conflict the other way round (theirs the second kit's value), nothing overwritten.
for s in "$O" "$K1"; do
	expect_eq "$(basename "$s") queues it with both values" \
		"$(q "$s" "SELECT count(*) || '|' || max(theirs) || '|' || max(ours) FROM conflicts WHERE entity_uuid = '$UM' AND field = 'given'")" \
		'1|"Leylah"|"Leyla"'
	expect_eq "  and keeps the tier's value" "$(q "$s" "SELECT given FROM person WHERE uuid = '$UM'")" Leyla
done

# ---- 4. the "Done when", smaller: an office, two kits, 60 people over three days ---------
pg_createdb natdone
DD=$(pg_conninfo natdone)
"$CD" national init --db "$DD" >/dev/null || fail "national init natdone"
OD=$T/done-office.casedesk
KA=$T/done-ka.casedesk
KB=$T/done-kb.casedesk
syncd() { "$CD" --store "$1" --user admin sync --db "$DD" >"$T/sync.out" 2>&1 || fail "sync of $(basename "$1")" "$(cat "$T/sync.out")"; }
"$CD" --store "$OD" init --office BRD --training >/dev/null || { fail "init BRD"; exit 0; }
"$CD" --store "$OD" --user admin kit new "$KA" --office BRD --block 100 >/dev/null 2>&1 || fail "kit new KA"
"$CD" --store "$OD" --user admin kit new "$KB" --office BRD --block 100 >/dev/null 2>&1 || fail "kit new KB"
for i in 1 2 3 4 5; do
	"$CD" --store "$OD" --user clerk person add --surname "Office$i" --given Known --dob "198$i" --sex M --nationality SYR >/dev/null 2>&1 || fail "office registers $i"
done
PK=$("$CD" --store "$OD" --user clerk person add --surname Haddad --given Omar --dob 1984-02-03 --sex M --nationality SYR)
CK=$("$CD" --store "$OD" --user clerk case new residence --person "$PK")
syncd "$OD"; syncd "$KA"; syncd "$KB"
expect_eq "both kits pulled the office's persons and case" \
	"$(q "$KA" "SELECT count(*) FROM person"),$(q "$KA" "SELECT count(*) FROM cases") $(q "$KB" "SELECT count(*) FROM person"),$(q "$KB" "SELECT count(*) FROM cases")" "6,1 6,1"
# A second office store, as the office was now: it gets the second kit's work by hand.
sqlite3 "$OD" ".backup '$T/done-office2.casedesk'"
OD2=$T/done-office2.casedesk

# Offline: ten people a kit a day over three days, a case for the first of each day; the
# first kit registers again, on day 2, the person the office already has.
for day in 03 04 05; do
	for k in A B; do
		eval "st=\$K$k"
		for i in 1 2 3 4 5 6 7 8 9 10; do
			p=$(CASEDESK_TODAY=2026-03-$day "$CD" --store "$st" --user clerk person add --surname "Kit$k$day" --given "Person$i" \
				--dob "19$((70 + i))" --sex F --nationality AFG 2>/dev/null) || fail "kit $k registers person $i on day $day"
			[ "$i" = 1 ] && { CASEDESK_TODAY=2026-03-$day "$CD" --store "$st" --user clerk case new residence --person "$p" >/dev/null ||
				fail "kit $k opens a case on day $day"; }
		done
	done
	[ "$day" = 04 ] && { CASEDESK_TODAY=2026-03-04 "$CD" --store "$KA" --user clerk person add --surname Haddad --given Omar \
		--dob 1984-02-03 --sex M --nationality SYR --force >/dev/null 2>&1 || fail "kit A registers the office's person again"; }
done
# The office's case edited at the office and on a kit: two steps from the same state.
"$CD" --store "$OD" --user caseworker case move "$CK" request_documents --set missing_documents=passport \
	--set documents_due=2026-04-01 >"$T/step.out" 2>&1 || fail "the office takes a step on $CK" "$(cat "$T/step.out")"
CASEDESK_TODAY=2026-03-05 "$CD" --store "$KA" --user caseworker case move "$CK" request_documents --set missing_documents=birth_certificate \
	--set documents_due=2026-04-15 >"$T/step.out" 2>&1 || fail "kit A takes the step too, with other values" "$(cat "$T/step.out")"

# The bundle: kit B to the second office store, trusted both ways.
"$CD" --store "$KB" --user admin bundle key >"$T/keykb" || fail "bundle key on kit B"
"$CD" --store "$OD2" --user admin bundle key >"$T/keyod2" || fail "bundle key on the second office store"
key() { sed -n "s/^$1 *//p" "$2"; }
expect_rc "the office trusts kit B" 0 "$CD" --store "$OD2" --user admin bundle trust --origin "$(key origin "$T/keykb")" --office BRD --key "$(key key "$T/keykb")"
expect_rc "kit B trusts the office" 0 "$CD" --store "$KB" --user admin bundle trust --origin "$(key origin "$T/keyod2")" --office BRD --key "$(key key "$T/keyod2")"
expect_rc "kit B exports its ops" 0 "$CD" --store "$KB" --user admin bundle export -o "$T/kb.bundle"
expect_rc "the office imports them" 0 "$CD" --store "$OD2" --user admin bundle import "$T/kb.bundle" -o "$T/kb.ack"
expect_rc "kit B takes the acknowledgement" 0 "$CD" --store "$KB" --user admin bundle ack "$T/kb.ack"

# The network: kit A syncs, kit B's sync is killed in the middle (its backend waiting on a
# lock a psql session holds on the tier's ops), then every store syncs twice.
syncd "$KA"
PGAPPNAME=locker "$PG_BIN/psql" -X -q "$DD" -c "BEGIN; LOCK TABLE ops IN EXCLUSIVE MODE; SELECT pg_sleep(60)" >/dev/null 2>&1 &
lockpid=$!
locked() { [ "$(pg_sql natdone "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'locker' AND l.granted AND l.relation = 'ops'::regclass")" = 1 ]; }
wait_for "the locker's lock" locked
"$CD" --store "$KB" --user admin sync --db "$DD" --batch 5 >/dev/null 2>&1 &
pid=$!
# (One backend waits on the locker; with two batches on their way the second waits its turn.)
blocked() { [ "$(pg_sql natdone "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'casedesk' AND wait_event_type = 'Lock'")" -ge 1 ]; }
wait_for "kit B's sync waiting on the tier" blocked
kill -9 "$pid"; wait "$pid" 2>/dev/null
pg_sql natdone "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'locker'" >/dev/null
wait "$lockpid" 2>/dev/null
# The killed client's backend runs on to the end of what it was sent, then goes.
gone() { [ "$(pg_sql natdone "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'casedesk'")" = 0 ]; }
wait_for "the killed sync's backend to end" gone
# The killed client's batches may still commit once the lock is gone (the backends had them
# all): at most the two on their way, none of it marked sent in the kit.
KILLED=$(pg_sql natdone "SELECT count(*) FROM ops o JOIN origins g ON g.store_uuid = o.origin WHERE g.name = 'K02'")
expect_eq "the killed sync left at most two batches of kit B on the tier, none marked sent" \
	"$([ "$KILLED" -le 10 ] && echo ok || echo "$KILLED ops"),$(q "$KB" "SELECT count(*) FROM outbox_state WHERE sent_at IS NOT NULL")" "ok,0"
syncd "$KB"
expect_grep "the next sync of kit B sends every op, the killed batch as already there" \
	": $(ops_of "$KB") ops sent ($(( $(ops_of "$KB") - KILLED )) new to the national tier, $KILLED already there)" "$T/sync.out"
for round in 1 2; do syncd "$OD"; syncd "$KA"; syncd "$KB"; done

OPS=$(( $(ops_of "$OD") + $(ops_of "$KA") + $(ops_of "$KB") ))
expect_eq "nothing lost: the tier's ops are the three stores' ops" "$(pg_sql natdone "SELECT count(*) FROM ops")" "$OPS"
expect_eq "every op of every store marked sent" "$(unsent "$OD")$(unsent "$KA")$(unsent "$KB")" 000
expect_eq "every person on the tier, each number once (6 + 61)" \
	"$(pg_sql natdone "SELECT count(*) || ',' || count(DISTINCT number) FROM persons")" "67,67"
expect_eq "every case, each number once (1 + 6)" \
	"$(pg_sql natdone "SELECT count(*) || ',' || count(DISTINCT number) FROM cases")" "7,7"
for s in "$OD" "$KA" "$KB"; do
	expect_eq "$(basename "$s") holds every person" "$(q "$s" "SELECT count(*) || ',' || count(DISTINCT number) FROM person")" "67,67"
done
# The tier holds a case's state, not its fields (national cases): the state is the same on
# both sides, so the clash on the fields is queued where the fields are, in the stores.
expect_eq "the case's state on the tier is the step both took" "$(pg_sql natdone "SELECT state FROM cases WHERE number = '$CK'")" awaiting_documents
for s in "$OD" "$KA"; do
	expect_eq "$(basename "$s") queues the clash on the fields, both values kept" \
		"$(q "$s" "SELECT count(*) || '|' || group_concat(field || ':' || theirs || '/' || ours, ',') FROM (SELECT c.field, CASE WHEN c.theirs < c.ours THEN c.theirs ELSE c.ours END AS theirs, CASE WHEN c.theirs < c.ours THEN c.ours ELSE c.theirs END AS ours FROM conflicts c JOIN cases k ON k.uuid = c.entity_uuid WHERE k.number = '$CK' ORDER BY c.field)")" \
		'2|field.documents_due:"2026-04-01"/"2026-04-15",field.missing_documents:"birth_certificate"/"passport"'
done
expect_rc "and in kit A's queue" 0 "$CD" --store "$KA" --user supervisor conflict list
expect_grep "  the office's value and the kit's" "$CK *field.missing_documents *null *\"passport\" *\"birth_certificate\"" "$T/out"
# A SIGKILL and a second sync leave the same counts: sync once more, nothing changes.
before="$(pg_sql natdone "SELECT (SELECT count(*) FROM ops) || ',' || (SELECT count(*) FROM persons) || ',' || (SELECT count(*) FROM cases) || ',' || (SELECT count(*) FROM conflicts)")"
syncd "$KB"; syncd "$OD"
expect_eq "another sync changes no count" \
	"$(pg_sql natdone "SELECT (SELECT count(*) FROM ops) || ',' || (SELECT count(*) FROM persons) || ',' || (SELECT count(*) FROM cases) || ',' || (SELECT count(*) FROM conflicts)")" "$before"

# The bundle gave the second office store the rows the network gave the first.
kb_rows() {
	sqlite3 "$1" "SELECT p.uuid, p.number, p.surname, p.given, p.dob, p.sex, p.nationality, p.row_version FROM person p
		WHERE p.surname LIKE 'KitB%' ORDER BY p.number;
		SELECT c.uuid, c.number, p.number, c.state, c.row_version FROM cases c JOIN person p ON p.id = c.person_id
		WHERE p.surname LIKE 'KitB%' ORDER BY c.number"
}
kb_rows "$OD" >"$T/net.rows"; kb_rows "$OD2" >"$T/hand.rows"
expect_eq "kit B's 30 persons and 3 cases reached both offices" "$(wc -l <"$T/net.rows") $(wc -l <"$T/hand.rows")" "33 33"
if cmp -s "$T/net.rows" "$T/hand.rows"; then pass "the bundle gave the same rows as the network"
else fail "the bundle gave the same rows as the network" "$(diff "$T/net.rows" "$T/hand.rows" | head -10)"; fi
