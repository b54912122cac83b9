#!/bin/sh
# t_border15.sh - issue 15's "Done when", tried as a border crossing would, on one machine,
# through the real binary, a real PostgreSQL (pg_lib.sh) and the real TUI (tmux, 80x24):
#
#  - the national tier (`national init`), an office store BRD using it, two kits made from
#    the office (`kit new`), each with its leased block; all sync once (the kits take the
#    office's persons and cases with them);
#  - offline, over three simulated days (CASEDESK_TODAY), the kits register 300 people (150
#    each, a passport and a residence case each) with `person add`, `document add` and
#    `case new`, one process each as a clerk would; one of kit B's is a person the office
#    registered meanwhile, typed slightly differently (Hadad Omer for Haddad Omar, same
#    birth date, same passport number);
#  - the office and kit B change the same field of one person (a conflict) while kit A
#    changes another field of that person (merged); the office and kit B take the same step
#    on one case with different values (conflicts on the case's fields);
#  - run 1, the network: every store syncs in the order a crossing would (office, kit A,
#    kit B, then again); kit B's first sync is SIGKILLed in the middle of its push (the
#    tier is made to hold kit B's ops past a point until the kill: a trigger waits on an
#    advisory lock this script holds; the kill comes once the push is seen waiting there,
#    never after a guessed sleep), and the next sync completes it;
#  - run 2, by hand: the same stores and tier as they were before any sync (copies made
#    then: `sqlite3 .backup`, `CREATE DATABASE ... TEMPLATE`), but kit B's ops go by bundle
#    (`bundle export` on the kit, `bundle import` at the office, the acknowledgement back);
#  - after each run: every person and case number unique across the office, both kits and
#    the tier; nothing lost (persons, cases and ops counted in the stores and on the tier);
#    no op twice; the duplicate in the office's review queue (`review list`), the conflict
#    in its conflict queue (`conflict list`), both on the TUI's Duplicates (d) and Conflicts
#    (F7) screens; and run 2's end state the same as run 1's.
#
# Checks named "[relay]" hold because the office passes a kit's bundled ops on to the tier at
# its next sync (issue 15 deliverable 7 with 4; app/sync_relay.c): without it kit B's ops
# would reach the office by hand but never the tier, so never kit A.  Checks named
# "[carry-back]" hold because the office's bundle carries what it applied from other stores
# (kit A's people, arrived by its pull) to kit B, which has no link (bundle format 2).
. tests/script/lib.sh
. tests/script/pg_lib.sh
. tests/script/tui_lib.sh
trap 'tm kill-server >/dev/null 2>&1; pg_stop; rm -rf "$T"' EXIT
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI checks need tmux (.ci/deps installs it)"
	exit 0
fi

pg_start
pg_createdb nat
export CASEDESK_TODAY=2026-03-02
q() { sqlite3 "$1" "$2"; }
origin_of() { q "$1" "SELECT value FROM settings WHERE key = 'store_uuid'"; }
ops_of() { q "$1" "SELECT count(*) FROM outbox"; }
# as STORE USER CMD...: one casedesk command in a store, as a training user.
as() { st=$1 who=$2; shift 2; "$CD" --store "$st" --user "$who" "$@"; }
# sync STORE DB: one sync; its output in $T/sync.out; a failure names the store.
sync_() {
	"$CD" --store "$1" --user admin sync --db "$2" >"$T/sync.out" 2>&1 ||
		fail "sync of $(basename "$1")" "$(tail -5 "$T/sync.out")"
}
# wait_state WHAT CMD...: up to 60 s for CMD to succeed (a state, polled), else a failure.
wait_state() {
	what=$1; shift
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -ge 1200 ]; then fail "waited 60 s for $what"; return 1; fi
		sleep 0.05
	done
	return 0
}

# ---- the office, its kits, one sync each before the kits go out ------------------------
R0=$T/before
mkdir -p "$R0"
O=$R0/office.casedesk KA=$R0/kit-a.casedesk KB=$R0/kit-b.casedesk
DB=$(pg_conninfo nat)
expect_rc "the national tier is made" 0 "$CD" national init --db "$DB"
expect_rc "the office store" 0 "$CD" --store "$O" init --office BRD --training
as "$O" admin national use --db "$DB" >/dev/null 2>&1 || fail "the office names its national tier"
OFFICE_NAMES="Mamedova:Leyla Rahimi:Farid Nazari:Sima Karimi:Javad Hosseini:Laleh Ahmadi:Reza Sadeghi:Mina Jafari:Omid Rostami:Parisa Moradi:Kian"
i=0
for nm in $OFFICE_NAMES; do
	i=$((i + 1))
	p=$(as "$O" clerk person add --surname "${nm%%:*}" --given "${nm#*:}" --dob "197$((i % 10))-0$((1 + i % 9))-1$((i % 9))" \
		--sex F --nationality AZE --birth-place Ganja 2>>"$T/office.err") || { fail "the office registers ${nm%%:*}" "$(tail -2 "$T/office.err")"; continue; }
	as "$O" clerk document add "$p" --number "C$((7000000 + i))" --issuer AZE --kind passport >/dev/null 2>>"$T/office.err" ||
		fail "the office adds ${nm%%:*}'s passport"
	c=$(as "$O" clerk case new residence --person "$p" 2>>"$T/office.err") || fail "the office opens ${nm%%:*}'s case"
	[ $i = 1 ] && PM=$p
	[ $i = 2 ] && CK=$(echo "$c" | grep -o 'RP-BRD-[0-9-]*' | head -1)
done
expect_eq "the office registered ten people with a passport and a case" \
	"$(q "$O" "SELECT (SELECT count(*) FROM person) || ',' || (SELECT count(*) FROM document) || ',' || (SELECT count(*) FROM cases)")" "10,10,10"
expect_rc "kit A is made from the office with its block" 0 as "$O" admin kit new "$KA" --office BRD --block 200
expect_grep "  its leased case numbers" "RP-BRD-2026-" "$T/out"
expect_rc "kit B too" 0 as "$O" admin kit new "$KB" --office BRD --block 200
for s in "$O" "$KA" "$KB"; do sync_ "$s" "$DB"; done
for s in "$KA" "$KB"; do
	expect_eq "$(basename "$s" .casedesk) goes out with the office's persons and cases" \
		"$(q "$s" "SELECT (SELECT count(*) FROM person) || ',' || (SELECT count(*) FROM cases)")" "10,10"
done

# ---- three days offline ---------------------------------------------------------------
# The office registers, on day 1, a man the kits do not know of.
PH=$(CASEDESK_TODAY=2026-03-03 as "$O" clerk person add --surname Haddad --given Omar --dob 1984-02-03 --sex M --nationality SYR)
CASEDESK_TODAY=2026-03-03 as "$O" clerk document add "$PH" --number N0123456 --issuer SYR --kind passport >/dev/null ||
	fail "the office adds Haddad's passport"
CASEDESK_TODAY=2026-03-03 as "$O" clerk case new residence --person "$PH" >/dev/null || fail "the office opens Haddad's case"

# 150 people a kit, 50 a day; kit B's 70th, on day 2, is Haddad again as a tired clerk would
# type him.  The others are no pair of duplicates (names keep letters only, digits would be
# dropped): a surname is two parts, each far from the others of its list (other consonants,
# not one typo away), the kits' second parts and given names their own, and kit A's birth
# years before kit B's.
people() { # people LETTER: day surname given dob sex nationality passport, one a line
	awk -v k="$1" 'BEGIN {
		split("Bar Del Fin Gor Hul Jak Kem Lom Mur Nev Pos Rud Sib Tov Wex", a, " ")
		split(k == "A" ? "achi ebru ifon odal uzem ypak aleg ovit imus erdy" : "angu eskar ithol obry unzig yvast ampel oxtur irwick etsam", b, " ")
		split(k == "A" ? "Aziz Bahar Dunya Elham Farah Gul Hamid Iman Jamil Karim Latif Mahsa" : "Nabil Ozra Parvin Qasim Rana Sahar Tariq Umar Vida Wahid Yasmin Zohra", g, " ")
		for (i = 0; i < 150; i++) {
			day = 3 + int(i / 50)
			if (k == "B" && i == 69) { printf "2026-03-04 Hadad Omer 1984-02-03 M SYR N0123456\n"; continue }
			printf "2026-03-0%d %s%s %s %d-%02d-%02d %s AFG %s%07d\n", day, a[1 + int(i / 10)], b[1 + i % 10], g[1 + i % 12],
				(k == "A" ? 1930 : 1975) + i % 45, 1 + i % 12, 1 + (i * 7) % 28, i % 2 ? "F" : "M", k == "A" ? "P" : "R", 1000000 + i
		}
	}'
}
# The 900 steps of the kits' registrations take the release build when make check has just
# built it (newer than every source file): the same commands at a fraction of ASan's cost
# (the tests of person add, document add and case new run them under ASan); every other
# step here, the syncs, bundles, the kill and the TUI among them, runs $CD.
BULK=$CD
if [ -x ./casedesk ] && [ -z "$(find app model screens workflow print -name '*.[ch]' -newer ./casedesk 2>/dev/null | head -n 1)" ]; then
	BULK=$(pwd)/casedesk
fi
bulk() { st=$1 who=$2; shift 2; "$BULK" --store "$st" --user "$who" "$@"; }
# register STORE LETTER: the kit's 150, one process a step; failures to $T/reg-LETTER.fail.
register() {
	: >"$T/reg-$2.fail"
	people "$2" | while read -r day sur giv dob sex nat doc; do
		p=$(CASEDESK_TODAY=$day bulk "$1" clerk person add --surname "$sur" --given "$giv" --dob "$dob" --sex "$sex" \
			--nationality "$nat" 2>>"$T/reg-$2.err") || { echo "person add $sur $giv ($day)" >>"$T/reg-$2.fail"; continue; }
		CASEDESK_TODAY=$day bulk "$1" clerk document add "$p" --number "$doc" --issuer "$nat" --kind passport >/dev/null 2>>"$T/reg-$2.err" ||
			echo "document add $p ($day)" >>"$T/reg-$2.fail"
		CASEDESK_TODAY=$day bulk "$1" clerk case new residence --person "$p" >/dev/null 2>>"$T/reg-$2.err" ||
			echo "case new $p ($day)" >>"$T/reg-$2.fail"
	done
}
# Two kits, two clerks: at once.
register "$KA" A &
rega=$!
register "$KB" B &
regb=$!
wait "$rega" "$regb"
for k in A B; do
	eval "st=\$K$k"
	expect_eq "kit $k registered 150 people, each with a passport and a case, no step refused" \
		"$(q "$st" "SELECT ((SELECT count(*) FROM person) - 10) || ',' || ((SELECT count(*) FROM document) - 10) || ',' || ((SELECT count(*) FROM cases) - 10)"),$(wc -l <"$T/reg-$k.fail")" "150,150,150,0"
	expect_eq "  over three days" "$(q "$st" "SELECT group_concat(d) FROM (SELECT DISTINCT substr(created_at, 1, 10) d FROM person ORDER BY d)")" \
		"2026-03-02,2026-03-03,2026-03-04,2026-03-05"
done
PD=$(q "$KB" "SELECT number FROM person WHERE surname = 'Hadad'")

# The same field of the office's first person changed at the office and on kit B; another
# field of hers on kit A.  The office's second case: the same step at the office and on
# kit B, with other values.
CASEDESK_TODAY=2026-03-04 as "$O" caseworker person correct "$PM" --field surname --value Mammadova --reason "passport seen" >/dev/null ||
	fail "the office corrects the surname"
CASEDESK_TODAY=2026-03-04 as "$KB" caseworker person correct "$PM" --field surname --value Mamedova-Aliyeva --reason "as she said" >/dev/null ||
	fail "kit B corrects the same surname otherwise"
CASEDESK_TODAY=2026-03-05 as "$KA" caseworker person correct "$PM" --field birth_place --value Baku --reason "birth certificate" >/dev/null ||
	fail "kit A corrects the birth place"
CASEDESK_TODAY=2026-03-04 as "$O" caseworker case move "$CK" request_documents --set missing_documents=passport \
	--set documents_due=2026-04-01 >"$T/step.out" 2>&1 || fail "the office takes a step on $CK" "$(cat "$T/step.out")"
CASEDESK_TODAY=2026-03-05 as "$KB" caseworker case move "$CK" request_documents --set missing_documents=birth_certificate \
	--set documents_due=2026-04-15 >"$T/step.out" 2>&1 || fail "kit B takes the same step with other values" "$(cat "$T/step.out")"

# Every store and the tier as they are now, for the second run.
R2=$T/hand
mkdir -p "$R2"
for s in office kit-a kit-b; do q "$R0/$s.casedesk" ".backup '$R2/$s.casedesk'"; done
pg_sql postgres "CREATE DATABASE nathand TEMPLATE nat" || fail "the tier copied for the second run"

# ---- the end state, the same checks after either run -----------------------------------
# end_state RUN NATDB OFFICE KA KB RELAY CARRY: RELAY is "[relay] " when the checks on kit B's
# ops reaching the tier need the office's relay (run 2), CARRY "[carry-back] " when those on
# kit B holding the others' records need the office's bundle to carry them; else empty.
end_state() {
	run=$1 ndb=$2 o=$3 ka=$4 kb=$5 rl=$6 rk=$7
	nsql() { pg_sql "$ndb" "$1"; }
	# Every number once across the office, both kits and the tier.
	for what in "person:persons" "cases:cases"; do
		lt=${what%%:*} nt=${what##*:}
		{ q "$o" "SELECT number FROM $lt"; q "$ka" "SELECT number FROM $lt"; q "$kb" "SELECT number FROM $lt"; nsql "SELECT number FROM $nt"; } |
			sort -u >"$T/$run.$nt.numbers"
		expect_eq "$run: every $nt number once across the office, both kits and the tier (311 issued)" "$(wc -l <"$T/$run.$nt.numbers")" 311
		for s in "$o" "$ka" "$kb"; do
			expect_eq "$run:   $(basename "$s" .casedesk) holds no $nt number twice" "$(q "$s" "SELECT count(*) - count(DISTINCT number) FROM $lt")" 0
		done
		# The uuid of each number the same wherever it is (one record, not two with a number).
		{ q "$o" "SELECT number || ' ' || uuid FROM $lt"; q "$ka" "SELECT number || ' ' || uuid FROM $lt"
		  q "$kb" "SELECT number || ' ' || uuid FROM $lt"; nsql "SELECT number || ' ' || uuid FROM $nt"; } | sort -u >"$T/$run.$nt.pairs"
		expect_eq "$run:   each $nt number names one record everywhere" "$(wc -l <"$T/$run.$nt.pairs")" 311
	done
	# Nothing lost.
	OPS=$(( $(ops_of "$o") + $(ops_of "$ka") + $(ops_of "$kb") ))
	expect_eq "$rl$run: the tier's ops are the three stores' ops, each once" \
		"$(nsql "SELECT count(*) || ',' || count(DISTINCT uuid) || ',' || count(DISTINCT (origin, origin_seq)) FROM ops")" "$OPS,$OPS,$OPS"
	expect_eq "$rl$run: the tier holds every person and case (311 each)" \
		"$(nsql "SELECT (SELECT count(*) FROM persons) || ',' || (SELECT count(*) FROM cases)")" "311,311"
	# Each store holds every person and case, and exactly the tier's ops: its own and those
	# it applied (a kit is not sent the office's leases of numbers to other kits: not its
	# scope).  The office's label is the run's, kit A's needs the relay by hand, kit B's the
	# carrying back of what the office applied (see the top).
	for s in "$o::$rl" "$ka:$rl:$rl" "$kb:$rk:$rl$rk"; do
		lb=${s#*:} s=${s%%:*}
		lo=${lb#*:} lb=${lb%%:*} nm=$(basename "$s" .casedesk)
		expect_eq "$lb$run: $nm holds every person and case" "$(q "$s" "SELECT (SELECT count(*) FROM person) || ',' || (SELECT count(*) FROM cases)")" "311,311"
		q "$s" "SELECT uuid FROM outbox UNION ALL SELECT uuid FROM applied_ops" | sort >"$T/$run.have"
		scope=
		[ "$s" = "$o" ] || scope="WHERE entity <> 'number_block'"
		nsql "SELECT uuid || ' ' || entity || ' ' || op FROM ops $scope" | sort >"$T/$run.tier"
		missing=$(cut -d' ' -f1 "$T/$run.tier" | comm -23 - "$T/$run.have" | wc -l)
		extra=$(cut -d' ' -f1 "$T/$run.tier" | comm -13 - "$T/$run.have" | wc -l)
		[ "$s" = "$o" ] || extra=$(cut -d' ' -f1 "$T/$run.tier" | comm -13 - "$T/$run.have" | while read -r u; do
			[ "$(nsql "SELECT count(*) FROM ops WHERE uuid = '$u' AND entity = 'number_block'")" = 1 ] || echo "$u"; done | wc -l)
		expect_eq "$lo$run: $nm holds exactly the tier's ops in its scope, its own or applied (none missing, none the tier lacks)" "$missing,$extra" "0,0"
		[ "$missing" = 0 ] || cut -d' ' -f1 "$T/$run.tier" | comm -23 - "$T/$run.have" | join - "$T/$run.tier" | cut -d' ' -f2- | sort | uniq -c | sed 's/^/    missing:/'
	done
	# No op twice: the office applied each of the others' ops once, and the persons' row
	# versions on the tier are the office's (a field applied twice would raise one).
	expect_eq "$run: the office applied each op of the kits once" \
		"$(q "$o" "SELECT count(*) - count(DISTINCT origin || '/' || origin_seq) FROM applied_ops")" 0
	q "$o" "SELECT uuid || ' ' || row_version FROM person ORDER BY uuid" >"$T/$run.o.rv"
	nsql "SELECT uuid || ' ' || row_version FROM persons ORDER BY uuid" >"$T/$run.n.rv"
	if cmp -s "$T/$run.o.rv" "$T/$run.n.rv"; then pass "$rl$run: every person's row version the same at the office and on the tier"
	else fail "$rl$run: every person's row version the same at the office and on the tier" "$(diff "$T/$run.o.rv" "$T/$run.n.rv" | head -6)"; fi
	# The edits: the different fields merged, the same field kept apart.
	expect_eq "$run: the office keeps its surname and has kit A's birth place (merged)" \
		"$(q "$o" "SELECT surname || '|' || birth_place FROM person WHERE number = '$PM'")" "Mammadova|Baku"
	expect_eq "$rl$run: so does the tier" "$(nsql "SELECT surname || '|' || birth_place FROM persons WHERE number = '$PM'")" "Mammadova|Baku"
	expect_eq "$run: the step both took is the case's state at the office" "$(q "$o" "SELECT state FROM cases WHERE number = '$CK'")" awaiting_documents
	# The queues at the office.
	as "$o" supervisor conflict list >"$T/$run.conflicts" 2>&1 || fail "$run: conflict list at the office" "$(cat "$T/$run.conflicts")"
	expect_grep "$run: conflict list shows the surname: base, theirs (kit B), ours (the office)" \
		"$PM *surname *\"Mamedova\" *\"Mamedova-Aliyeva\" *\"Mammadova\"" "$T/$run.conflicts"
	expect_grep "$run: and the case's field, both values kept" \
		"$CK *field.missing_documents *null *\"birth_certificate\" *\"passport\"" "$T/$run.conflicts"
	# The surname and the Latin one made from it, the case's two fields.
	expect_eq "$run: four open conflicts at the office, none on kit A's birth place" \
		"$(q "$o" "SELECT count(*) || ',' || sum(field = 'birth_place') FROM conflicts WHERE resolved_at IS NULL")" "4,0"
	expect_eq "$rl$run: the tier holds the surname's conflict, both values" \
		"$(nsql "SELECT count(*) || '|' || string_agg((theirs #>> '{}') || '>' || (ours #>> '{}'), ',') FROM conflicts WHERE field = 'surname'")" \
		"1|Mammadova>Mamedova-Aliyeva"
	as "$o" supervisor review list >"$T/$run.review" 2>&1 || fail "$run: review list at the office" "$(cat "$T/$run.review")"
	expect_grep "$run: review list pairs kit B's Hadad with the office's Haddad" "$PD.*$PH\|$PH.*$PD" "$T/$run.review"
	expect_eq "$run: scored by the passport, the only pair queued" \
		"$(q "$o" "SELECT count(*) || ',' || max(score) FROM dupe_review r JOIN person a ON a.uuid = r.person_uuid JOIN person b ON b.uuid = r.candidate_uuid WHERE a.number IN ('$PD', '$PH') AND b.number IN ('$PD', '$PH')"),$(q "$o" "SELECT count(*) FROM dupe_review")" "1,100,1"

	# Both on the TUI at 80x24, as the office's supervisor.
	S=$o start "tui$run" supervisor
	tm resize-window -t "tui$run" -x 80 -y 24
	wait_for "tui$run" "Worklist|worklist" || return 0
	keys "tui$run" F7
	see "$run: F7 shows the Conflicts screen with four open" "tui$run" "Conflicts — 4 open"
	see "$run:   the surname's line: base, theirs, ours, office" "tui$run" "$PM +surname +\"Mamedova\" +\"Mamedova-A[^ ]* +\"Mammadova\" +BRD"
	keys "tui$run" F2
	wait_for "tui$run" "Worklist|worklist" || return 0
	keys "tui$run" d
	see "$run: d shows the Duplicates screen with the pair" "tui$run" "Possible duplicates from other stores \\(offices, kits\\) — 1 open"
	see "$run:   the passport's score, the kit's number and office, the office's number" "tui$run" "100 +$PD +BRD/K[0-9][0-9] +$PH"
	see "$run:   the names side by side" "tui$run" "Hadad, Omer, born 1984-02-03"
	screen "tui$run" >"$T/screen"
	if [ "$(wc -L <"$T/screen")" -le 80 ]; then pass "$run:   it fits 80 columns"
	else fail "$run:   it fits 80 columns"; dump_screen; fi
	quit "tui$run"
}

# ---- run 1: the network, a SIGKILL in kit B's push --------------------------------------
net() { pg_sql nat "$1"; }
OB=$(origin_of "$KB")
sync_ "$O" "$DB"
sync_ "$KA" "$DB"
KB_BEFORE=$(net "SELECT count(*) FROM ops WHERE origin = '$OB'")
KB_UNSENT=$(q "$KB" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL")
# The tier holds kit B's ops past the first 100 of this push until this script lets go.
net "CREATE FUNCTION t15_hold() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
	IF NEW.origin = '$OB' AND (SELECT count(*) FROM ops WHERE origin = NEW.origin) >= $((KB_BEFORE + 100)) THEN
		PERFORM pg_advisory_xact_lock_shared(15015);
	END IF;
	RETURN NEW; END \$\$;
	CREATE TRIGGER t15_hold BEFORE INSERT ON ops FOR EACH ROW EXECUTE FUNCTION t15_hold()" >/dev/null || fail "the hold on the tier"
PGAPPNAME=holder "$PG_BIN/psql" -X -q "$DB" -c "SELECT pg_advisory_lock(15015), pg_sleep(120)" >/dev/null 2>&1 &
holder=$!
held() { [ "$(net "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'holder' AND l.locktype = 'advisory' AND l.granted")" = 1 ]; }
wait_state "the holder's lock" held
"$CD" --store "$KB" --user admin sync --db "$DB" --batch 5 >"$T/killed.out" 2>&1 &
pid=$!
# (Held at the hold's own lock: the push's second connection waits on the push lock too.)
waiting() { [ "$(net "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 15015 AND NOT granted")" = 1 ]; }
wait_state "kit B's push held on the tier" waiting
kill -9 "$pid"
wait "$pid" 2>/dev/null; krc=$?
net "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'holder'" >/dev/null
wait "$holder" 2>/dev/null
# The killed client's backend runs on to the end of the batch it was given, then goes.
gone() { [ "$(net "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'casedesk'")" = 0 ]; }
wait_state "the killed sync's backend to end" gone
net "DROP TRIGGER t15_hold ON ops; DROP FUNCTION t15_hold()" >/dev/null || fail "the hold taken off the tier"
ON_TIER=$(( $(net "SELECT count(*) FROM ops WHERE origin = '$OB'") - KB_BEFORE ))
MARKED=$(( KB_UNSENT - $(q "$KB" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL") ))
expect_eq "kit B's sync was killed by SIGKILL (exit 137)" "$krc" 137
if [ "$ON_TIER" -ge 100 ] && [ "$ON_TIER" -lt "$KB_UNSENT" ]; then
	pass "  in the middle of its push ($ON_TIER of $KB_UNSENT ops on the tier)"
else
	fail "  in the middle of its push" "$ON_TIER of $KB_UNSENT ops on the tier"
fi
# Two batches are on their way at once (one applied, the next staged and waiting its turn).
expect_eq "  the kit marked sent what the tier acknowledged, at most two batches less" \
	"$([ "$MARKED" -le "$ON_TIER" ] && [ "$MARKED" -ge $((ON_TIER - 10)) ] && echo ok || echo "$MARKED marked, $ON_TIER on the tier")" ok
expect_rc "kit B syncs again" 0 "$CD" --store "$KB" --user admin sync --db "$DB"
expect_grep "  sending the rest, what the tier had as already there" \
	": $((KB_UNSENT - MARKED)) ops sent ($((KB_UNSENT - ON_TIER)) new to the national tier, $((ON_TIER - MARKED)) already there)" "$T/out"
for s in "$O" "$KA" "$KB" "$O" "$KA" "$KB"; do sync_ "$s" "$DB"; done
expect_eq "net: every op of every store marked sent" \
	"$(q "$O" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL")$(q "$KA" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL")$(q "$KB" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL")" 000
end_state net nat "$O" "$KA" "$KB" "" ""
counts() { # counts NATDB: the tier's counts, then each store's
	pg_sql "$1" "SELECT (SELECT count(*) FROM ops) || ',' || (SELECT count(*) FROM persons) || ',' || (SELECT count(*) FROM cases) || ',' || (SELECT count(*) FROM conflicts)"
	for s in "$O" "$KA" "$KB"; do q "$s" "SELECT (SELECT count(*) FROM outbox) || ',' || (SELECT count(*) FROM applied_ops) || ',' || (SELECT count(*) FROM person) || ',' || (SELECT count(*) FROM cases) || ',' || (SELECT count(*) FROM conflicts) || ',' || (SELECT count(*) FROM dupe_review)"; done
}
counts nat >"$T/counts1"
for s in "$KB" "$O" "$KA"; do sync_ "$s" "$DB"; done
counts nat >"$T/counts2"
expect_eq "net: another round of syncs changes no count" "$(tr '\n' ' ' <"$T/counts2")" "$(tr '\n' ' ' <"$T/counts1")"

# ---- run 2: kit B's ops carried by hand ------------------------------------------------
O=$R2/office.casedesk KA=$R2/kit-a.casedesk KB=$R2/kit-b.casedesk
DH=$(pg_conninfo nathand)
sync_ "$O" "$DH"
sync_ "$KA" "$DH"
as "$KB" admin bundle key >"$T/key.kb" || fail "kit B's bundle key"
as "$O" admin bundle key >"$T/key.o" || fail "the office's bundle key"
key() { sed -n "s/^$1 *//p" "$2"; }
expect_rc "hand: the office trusts kit B's key" 0 as "$O" admin bundle trust --origin "$(key origin "$T/key.kb")" --office BRD --key "$(key key "$T/key.kb")"
expect_rc "hand: kit B trusts the office's" 0 as "$KB" admin bundle trust --origin "$(key origin "$T/key.o")" --office BRD --key "$(key key "$T/key.o")"
expect_rc "hand: kit B exports its ops" 0 as "$KB" admin bundle export -o "$T/kb.bundle"
expect_rc "hand: the office imports them" 0 as "$O" admin bundle import "$T/kb.bundle" -o "$T/kb.ack"
expect_rc "hand: kit B reads the acknowledgement" 0 as "$KB" admin bundle ack "$T/kb.ack"
expect_eq "hand: every op of kit B acknowledged" "$(q "$KB" "SELECT count(*) FROM outbox WHERE acked_at IS NULL")" 0
# The office, then kit A, sync: the office passes kit B's ops on (relay), kit A pulls them.
for s in "$O" "$KA" "$O" "$KA"; do sync_ "$s" "$DH"; done
expect_eq "hand: every op of the office and kit A marked sent" \
	"$(q "$O" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL")$(q "$KA" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL")" 00
# What the office has goes back to kit B by hand too, as the network's pull brings it.
expect_rc "hand: the office exports its ops for kit B" 0 as "$O" admin bundle export -o "$T/o.bundle"
expect_rc "hand: kit B imports them" 0 as "$KB" admin bundle import "$T/o.bundle" -o "$T/o.ack"
expect_rc "hand: the office reads kit B's acknowledgement" 0 as "$O" admin bundle ack "$T/o.ack"
end_state hand nathand "$O" "$KA" "$KB" "[relay] " "[carry-back] "

# ---- the same end state by hand as by the network --------------------------------------
office_state() { # the office's records and queues, by uuid (numbers and row versions included)
	q "$1" "SELECT uuid, number, surname, given, dob, birth_place, row_version, merged_into IS NULL FROM person ORDER BY uuid;
		SELECT uuid, number, state, row_version FROM cases ORDER BY uuid;
		SELECT entity_uuid, field, base, theirs, ours, resolved_at IS NULL FROM conflicts ORDER BY entity_uuid, field;
		SELECT person_uuid, candidate_uuid, score, decision IS NULL FROM dupe_review ORDER BY person_uuid"
}
office_state "$R0/office.casedesk" >"$T/net.office"
office_state "$R2/office.casedesk" >"$T/hand.office"
if cmp -s "$T/net.office" "$T/hand.office"; then pass "the office's persons, cases, conflicts and review the same by hand as by the network"
else fail "the office's persons, cases, conflicts and review the same by hand as by the network" "$(diff "$T/net.office" "$T/hand.office" | head -10)"; fi
tier_state() {
	pg_sql "$1" "SELECT uuid, number, surname, given, dob, birth_place, row_version FROM persons ORDER BY uuid;
		SELECT uuid, number, state, row_version FROM cases ORDER BY uuid;
		SELECT entity_uuid, field, base, theirs, ours FROM conflicts ORDER BY entity_uuid, field"
}
tier_state nat >"$T/net.tier"
tier_state nathand >"$T/hand.tier"
if cmp -s "$T/net.tier" "$T/hand.tier"; then pass "[relay] the tier's persons, cases and conflicts the same by hand as by the network"
else fail "[relay] the tier's persons, cases and conflicts the same by hand as by the network" "$(diff "$T/net.tier" "$T/hand.tier" | head -10)"; fi
