#!/bin/sh
# t_relay.sh - a bundle carried by hand does what the network does (issue 15): against a
# real PostgreSQL (pg_lib.sh), an office (TBS) and two kits (K07, K08).
#  - relay: K07's bundle imported at the office reaches the tier at the office's sync, under
#    K07's origin (its uuid, office, name, kind) and its own numbers; the office's next sync
#    relays nothing; K07 syncing directly afterwards adds no op twice and the counts equal
#    K07's op log; K08 pulls them.  Kit to kit: K08 imports K07's next bundle and relays it.
#    An office whose waiting ops start past the tier's mark (the ops before went another
#    way) holds them back, says so, and the sync succeeds; once the tier has caught up they
#    are marked relayed without being sent.  Ops pulled from the tier are never relayed.
#  - resolutions travel: a conflict resolved at the office closes at the kit after a sync
#    (and on the tier, by schema 5's trigger), and after a bundle; a duplicate review
#    dismissed on the kit closes at the office after both sync.
. tests/script/lib.sh
. tests/script/pg_lib.sh

pg_start
pg_createdb national
DB=$(pg_conninfo national)
export CASEDESK_TODAY=2026-03-02
O=$T/tbs.casedesk K=$T/k07.casedesk K2=$T/k08.casedesk
q() { sqlite3 "$1" "$2"; }
nat() { pg_sql national "$1"; }
cd_as() { st=$1 who=$2; shift 2; "$CD" --store "$st" --user "$who" "$@"; }
origin_of() { q "$1" "SELECT value FROM settings WHERE key = 'store_uuid'"; }
own_ops() { q "$1" "SELECT count(*) FROM outbox WHERE origin = (SELECT value FROM settings WHERE key = 'store_uuid')"; }
field() { sed -n "s/^$1 *//p" "$2"; }
# trust FROM TO: TO accepts FROM's bundles
trust() {
	cd_as "$1" admin bundle key >"$T/key"
	cd_as "$2" admin bundle trust --origin "$(field origin "$T/key")" --office TBS --key "$(field key "$T/key")" \
		>/dev/null || fail "trust $1 -> $2"
}

"$CD" national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }
"$CD" --store "$O" init --office TBS --training >/dev/null || { fail "init TBS"; exit 0; }
cd_as "$O" admin kit new "$K" --office TBS --block 50 --name K07 >/dev/null 2>&1 || { fail "kit new K07"; exit 0; }
cd_as "$O" admin kit new "$K2" --office TBS --block 50 --name K08 >/dev/null 2>&1 || { fail "kit new K08"; exit 0; }
trust "$K" "$O"
trust "$K" "$K2"
trust "$O" "$K"
trust "$K2" "$K"
OK=$(origin_of "$K")
expect_rc "the office syncs first" 0 cd_as "$O" admin sync --db "$DB"

# ---- relay: K07's bundle -> the office -> the office's sync
cd_as "$K" clerk person add --surname Lomidze --given Tamar --dob 1995 --sex F --nationality GEO >/dev/null
P2=$(cd_as "$K" clerk person add --surname Gelashvili --given Nika --dob 1990-05 --sex M --nationality GEO)
cd_as "$K" clerk case new residence --person "$P2" >/dev/null
N1=$(own_ops "$K")
expect_rc "K07 exports a bundle" 0 cd_as "$K" admin bundle export -o "$T/k1.bundle"
expect_grep "  naming the kit for the tier" "^name K07$" "$T/k1.bundle"
expect_rc "the office imports it" 0 cd_as "$O" admin bundle import "$T/k1.bundle" -o "$T/k1.ack"
expect_eq "  its $N1 ops wait for relay with their payloads" \
	"$(q "$O" "SELECT count(*) || ':' || count(payload) || ':' || min(origin_seq) || '-' || max(origin_seq) || ':' || origin_name || ':' || origin_kind FROM relay_ops WHERE relayed_at IS NULL")" \
	"$N1:$N1:1-$N1:K07:kit"
expect_eq "the tier has no op of K07 yet" "$(nat "SELECT count(*) FROM ops WHERE origin = '$OK'")" 0
expect_rc "the office syncs" 0 cd_as "$O" admin sync --db "$DB"
expect_grep "  and says it relayed them" "relayed $N1 ops of 1 other stores that came in bundles ($N1 new to the national tier" "$T/out"
expect_eq "the tier holds K07's ops under K07's origin, its own numbers 1..$N1" \
	"$(nat "SELECT count(*) || ':' || min(origin_seq) || '-' || max(origin_seq) FROM ops WHERE origin = '$OK'")" "$N1:1-$N1"
expect_eq "  the origin is the kit: office, kind, name, high-water mark" \
	"$(nat "SELECT office || ':' || kind || ':' || name || ':' || high_water FROM origins WHERE store_uuid = '$OK'")" \
	"TBS:kit:K07:$N1"
expect_eq "  the uuids are K07's own" \
	"$(nat "SELECT string_agg(uuid::text, ',' ORDER BY origin_seq) FROM ops WHERE origin = '$OK'")" \
	"$(q "$K" "SELECT group_concat(uuid, ',') FROM (SELECT uuid FROM outbox ORDER BY origin_seq)")"
expect_eq "  K07's person is on the tier, from K07" \
	"$(nat "SELECT count(*) FROM persons WHERE number = '$P2' AND origin = '$OK'")" 1
expect_eq "  the office dropped the values it relayed" \
	"$(q "$O" "SELECT count(*) FROM relay_ops WHERE relayed_at IS NULL OR payload IS NOT NULL")" 0
expect_eq "  the office pulled nothing into relay" \
	"$(q "$O" "SELECT count(*) FROM relay_ops WHERE origin <> '$OK'")" 0
expect_rc "the office syncs again" 0 cd_as "$O" admin sync --db "$DB"
if grep -q "^relayed" "$T/out"; then fail "  relays nothing twice" "$(cat "$T/out")"; else pass "  relays nothing twice"; fi
expect_eq "  the tier still holds $N1 ops of K07" "$(nat "SELECT count(*) FROM ops WHERE origin = '$OK'")" "$N1"

# K07 then syncs directly, with one op more: the tier takes what it has as already there.
cd_as "$K" clerk person add --surname Beridze --given Levan --dob 1979 --sex M --nationality GEO >/dev/null
expect_rc "K07 syncs directly afterwards" 0 cd_as "$K" admin sync --db "$DB"
expect_grep "  only its new op is new to the tier" "$(own_ops "$K") ops sent (1 new to the national tier, $N1 already there)" "$T/out"
expect_eq "  no op twice: the tier's ops of K07 equal K07's op log" \
	"$(nat "SELECT count(*) || ':' || count(DISTINCT origin_seq) || ':' || max(origin_seq) FROM ops WHERE origin = '$OK'")" \
	"$(own_ops "$K"):$(own_ops "$K"):$(own_ops "$K")"
expect_eq "  the persons once each" "$(nat "SELECT count(*) FROM persons WHERE origin = '$OK'")" 3
expect_rc "K08 syncs" 0 cd_as "$K2" admin sync --db "$DB"
expect_eq "  and has K07's persons" \
	"$(q "$K2" "SELECT count(*) FROM person WHERE surname IN ('Lomidze', 'Gelashvili', 'Beridze')")" 3
expect_eq "  none of which it relays (pulled, not carried)" "$(q "$K2" "SELECT count(*) FROM relay_ops")" 0

# ---- kit to kit: K08 imports K07's next bundle and relays it
expect_rc "K07 takes the office's acknowledgement" 0 cd_as "$K" admin bundle ack "$T/k1.ack"
cd_as "$K" clerk person add --surname Kapanadze --given Eka --dob 2001 --sex F --nationality GEO >/dev/null
expect_rc "K07 exports its ops not acknowledged" 0 cd_as "$K" admin bundle export -o "$T/k2.bundle"
F2=$(field first "$T/k2.bundle") L2=$(field last "$T/k2.bundle")
expect_rc "K08 imports K07's bundle" 0 cd_as "$K2" admin bundle import "$T/k2.bundle"
expect_eq "  one op new to K08, waiting for relay" "$(q "$K2" "SELECT count(*) FROM relay_ops WHERE relayed_at IS NULL")" 1
expect_rc "K08 syncs" 0 cd_as "$K2" admin sync --db "$DB"
expect_grep "  relaying it" "relayed 1 ops of 1 other stores that came in bundles (1 new to the national tier" "$T/out"
expect_eq "  the tier has K07's ops up to $L2, under K07" \
	"$(nat "SELECT count(*) || ':' || max(origin_seq) || ':' || (SELECT high_water FROM origins WHERE store_uuid = '$OK') FROM ops WHERE origin = '$OK'")" \
	"$L2:$L2:$L2"
expect_eq "  K07's person registered last is on the tier" \
	"$(nat "SELECT count(*) FROM persons WHERE surname = 'Kapanadze' AND origin = '$OK'")" 1

# ---- a batch that would start past the tier's mark waits; it is never refused for good
cd_as "$K" clerk person add --surname Tsiklauri --given Ana --dob 1985 --sex F --nationality GEO >/dev/null
cd_as "$K" clerk person add --surname Jgenti --given Dato --dob 1987 --sex M --nationality GEO >/dev/null
expect_rc "K07 exports again" 0 cd_as "$K" admin bundle export -o "$T/k3.bundle" --force
expect_rc "the office imports it" 0 cd_as "$O" admin bundle import "$T/k3.bundle"
W=$(q "$O" "SELECT count(*) FROM relay_ops WHERE relayed_at IS NULL")
# The one after the tier's mark went another way, to somewhere that has not reached this
# tier yet: marked relayed here by hand, so the office's next waiting op starts past the mark.
GAP=$((L2 + 1))
q "$O" "UPDATE relay_ops SET relayed_at = '2026-03-02T00:00:00Z', payload = NULL WHERE origin_seq = $GAP"
BELOW=$(q "$O" "SELECT count(*) FROM relay_ops WHERE relayed_at IS NULL AND origin_seq < $GAP")
ABOVE=$(q "$O" "SELECT count(*) FROM relay_ops WHERE relayed_at IS NULL AND origin_seq > $GAP")
[ "$ABOVE" -gt 0 ] && pass "ops wait past a gap ($BELOW under the tier's mark, $ABOVE past op $GAP)" || fail "ops wait past a gap"
expect_rc "the office's sync succeeds" 0 cd_as "$O" admin sync --db "$DB"
expect_grep "  saying K07's ops wait for the ones before" \
	"sync: $ABOVE ops of K07 (office TBS) wait: the national tier has its ops up to $L2 and the next one here is $((GAP + 1))" "$T/err"
expect_grep "  the ones the tier has are marked, none sent, the rest counted as waiting" \
	"relayed $BELOW ops of 1 other stores that came in bundles (0 new to the national tier, 0 conflicts kept the national value); $ABOVE wait$" "$T/out"
expect_eq "  nothing past the gap reached the tier" "$(nat "SELECT max(origin_seq) FROM ops WHERE origin = '$OK'")" "$L2"
expect_rc "the office's sync again" 0 cd_as "$O" admin sync --db "$DB"
expect_grep "  still waits, never refused" "; $ABOVE wait$" "$T/out"
expect_rc "K07 syncs directly" 0 cd_as "$K" admin sync --db "$DB"
expect_rc "the office syncs again" 0 cd_as "$O" admin sync --db "$DB"
expect_grep "  its waiting ops are found on the tier, nothing sent" \
	"relayed $ABOVE ops of 1 other stores that came in bundles (0 new to the national tier" "$T/out"
expect_eq "  none waits now" "$(q "$O" "SELECT count(*) FROM relay_ops WHERE relayed_at IS NULL")" 0
expect_eq "  the tier's ops of K07 equal K07's op log" \
	"$(nat "SELECT count(*) FROM ops WHERE origin = '$OK'")" "$(own_ops "$K")"

# ---- a conflict resolved at the office closes at the kit (sync) and on the tier
expect_rc "the office syncs" 0 cd_as "$O" admin sync --db "$DB"
PO=$(cd_as "$O" clerk person add --surname Ivanova --given Anna --dob 1991-07-04 --sex F --nationality UKR)
cd_as "$O" admin sync --db "$DB" >/dev/null 2>&1
cd_as "$K" admin sync --db "$DB" >/dev/null 2>&1
expect_eq "K07 has the office's person" "$(q "$K" "SELECT count(*) FROM person WHERE number = '$PO'")" 1
cd_as "$O" caseworker person correct "$PO" --field surname --value Petrova --reason "marriage" >/dev/null
cd_as "$K" caseworker person correct "$PO" --field surname --value Sidorova --reason "passport" >/dev/null
cd_as "$O" admin sync --db "$DB" >/dev/null 2>&1
cd_as "$K" admin sync --db "$DB" >/dev/null 2>&1
cd_as "$O" admin sync --db "$DB" >/dev/null 2>&1
open_c() { q "$1" "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL AND field = '$2'"; }
expect_eq "the surname is a conflict at the office, at K07 and on the tier" \
	"$(open_c "$O" surname):$(open_c "$K" surname):$(nat "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL AND field = 'surname'")" \
	"1:1:1"
expect_rc "the office's conflict list" 0 cd_as "$O" supervisor conflict list
expect_grep "  names the kit the other value came from, with its office" '"Sidorova" *"Petrova" *TBS/K07 ' "$T/out"
CID=$(q "$O" "SELECT id FROM conflicts WHERE resolved_at IS NULL AND field = 'surname'")
expect_rc "the office's supervisor keeps the office's value" 0 \
	cd_as "$O" supervisor conflict resolve "$CID" --keep ours --reason "marriage certificate seen"
expect_eq "  and its Latin form with it (the same change's pair), as an op of its own" \
	"$(open_c "$O" surname_latin):$(q "$O" "SELECT resolution || ':' || reason FROM conflicts WHERE field = 'surname_latin'"):$(q "$O" "SELECT count(*) FROM outbox WHERE op = 'resolve'")" \
	"0:ours:marriage certificate seen:2"
expect_rc "the office syncs" 0 cd_as "$O" admin sync --db "$DB"
expect_eq "  the tier's conflict is closed, by whom, with the value" \
	"$(nat "SELECT count(*) FILTER (WHERE resolved_at IS NULL) || ':' || max(resolved_by) || ':' || max(resolved_value #>> '{}') FROM conflicts WHERE field = 'surname'")" \
	"0:supervisor (TBS):Petrova"
expect_eq "  the tier keeps the resolved value and queued no new conflict" \
	"$(nat "SELECT surname || surname_latin FROM persons WHERE number = '$PO'"):$(nat "SELECT count(*) FROM conflicts WHERE field LIKE 'surname%'")" "PetrovaPETROVA:2"
expect_eq "  none is open there" "$(nat "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL")" 0
expect_rc "K07 syncs" 0 cd_as "$K" admin sync --db "$DB"
expect_eq "  K07's conflict is closed in the office supervisor's name, with the reason" \
	"$(q "$K" "SELECT resolved_by || ':' || reason || ':' || json_extract(resolved_value, '$') || ':' || (resolution_op IS NOT NULL) FROM conflicts WHERE field = 'surname'")" \
	"supervisor (TBS):marriage certificate seen:Petrova:1"
expect_eq "  and K07 holds the resolved value" "$(q "$K" "SELECT surname FROM person WHERE number = '$PO'")" Petrova
expect_eq "  no conflict is open anywhere" \
	"$(q "$O" "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL")$(q "$K" "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL")" 00

# ... and after a bundle: the same through files, K08 and the office with no network between.
cd_as "$K2" admin sync --db "$DB" >/dev/null 2>&1
cd_as "$O" caseworker person correct "$PO" --field given --value Hanna --reason "spelling" >/dev/null
cd_as "$K2" caseworker person correct "$PO" --field given --value Ganna --reason "passport" >/dev/null
trust "$O" "$K2"
trust "$K2" "$O"
expect_rc "the office's bundle to K08" 0 cd_as "$O" admin bundle export -o "$T/o1.bundle"
expect_rc "  imported at K08" 0 cd_as "$K2" admin bundle import "$T/o1.bundle"
expect_rc "K08's bundle to the office" 0 cd_as "$K2" admin bundle export -o "$T/k8.bundle"
expect_rc "  imported at the office" 0 cd_as "$O" admin bundle import "$T/k8.bundle"
expect_eq "the given name is a conflict at both" "$(open_c "$O" given):$(open_c "$K2" given)" "1:1"
CID=$(q "$O" "SELECT id FROM conflicts WHERE resolved_at IS NULL AND field = 'given'")
expect_rc "the office resolves it with a typed value" 0 \
	cd_as "$O" supervisor conflict resolve "$CID" --value Anna --reason "birth certificate"
expect_rc "the office's next bundle" 0 cd_as "$O" admin bundle export -o "$T/o2.bundle"
expect_rc "  imported at K08" 0 cd_as "$K2" admin bundle import "$T/o2.bundle"
expect_eq "  K08's conflict is closed, typed, with the office's value" \
	"$(q "$K2" "SELECT resolved_by || ':' || resolution || ':' || json_extract(resolved_value, '$') FROM conflicts WHERE field = 'given'")" \
	"supervisor (TBS):typed:Anna"
expect_eq "  and K08 holds it" "$(q "$K2" "SELECT given FROM person WHERE number = '$PO'")" Anna

# ---- a duplicate review dismissed on the kit closes at the office
cd_as "$O" clerk person add --surname Коваленко --given Ірина --dob 1988-02-03 --sex F --nationality UKR >/dev/null
cd_as "$K" clerk person add --surname Коваленко --given Ірина --dob 1988-02-03 --sex F --nationality UKR >/dev/null
cd_as "$O" admin sync --db "$DB" >/dev/null 2>&1
cd_as "$K" admin sync --db "$DB" >/dev/null 2>&1
cd_as "$O" admin sync --db "$DB" >/dev/null 2>&1
open_r() { q "$1" "SELECT count(*) FROM dupe_review WHERE decision IS NULL"; }
expect_eq "the pair is in review at the office and at K07" "$(open_r "$O"):$(open_r "$K")" "1:1"
RID=$(q "$K" "SELECT id FROM dupe_review WHERE decision IS NULL")
expect_rc "K07's supervisor dismisses it" 0 cd_as "$K" supervisor review dismiss "$RID" --reason "different fathers' names"
expect_eq "  the decision is an op" "$(q "$K" "SELECT count(*) FROM outbox WHERE op = 'review'")" 1
expect_rc "K07 syncs" 0 cd_as "$K" admin sync --db "$DB"
expect_rc "the office syncs" 0 cd_as "$O" admin sync --db "$DB"
expect_eq "  the office's review is closed as dismissed, in K07's supervisor's name, with the reason" \
	"$(q "$O" "SELECT decision || ':' || decided_by || ':' || reason FROM dupe_review")" \
	"dismissed:supervisor (TBS):different fathers' names"
expect_eq "  with an event in the person's history" \
	"$(q "$O" "SELECT count(*) FROM event WHERE kind = 'duplicate_reviewed'")" 1

# Every op of the three stores is on the tier once.
for s in "$O" "$K" "$K2"; do cd_as "$s" admin sync --db "$DB" >/dev/null 2>&1; done
expect_eq "the tier's ops equal the three stores' own ops" "$(nat "SELECT count(*) FROM ops")" \
	"$(( $(own_ops "$O") + $(own_ops "$K") + $(own_ops "$K2") ))"
