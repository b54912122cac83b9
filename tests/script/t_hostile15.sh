#!/bin/sh
# t_hostile15.sh - issue 15 tried by a hostile user and a careless caseworker (helper
# hostile15), against the real binary, real stores and a real PostgreSQL (pg_lib.sh).  Each
# section is one attack on a promise: "nothing lost, nothing duplicated, nothing silently
# overwritten", and that a rule holds against sqlite3 on a kit's file, a variable or a file.
#
#  1. numbers: a tampered kit renumbers a person it already sent, by an update op, to a
#     number inside another kit's block; the tier must refuse it as it refuses such an insert.
#  2. carried ops: a trusted kit's bundle carries a forged op under another kit's origin at
#     a high sequence; that kit's genuine ops, imported next, must not be dropped as "already
#     had" (nothing lost).
#  3. the tier named by the store: on a real store (setgid casedesk, as root only), a clerk
#     must not point sync (or a national search) at a database of their own with --db; the
#     variable CASEDESK_NATIONAL_DB is ignored there too.  (Last: it needs root.)
#  4. the national search: only the roles that read persons; audited in the store and on
#     the tier.
#  5. a name with an escape sequence, bundled from another office: never printed raw.
#  6. the conflict queue: supervisors only.
#  7. a "resolve" op of an origin the office never trusted, carried in a trusted kit's
#     bundle: must not close the office's conflict nor overwrite the value.
#  8. a kit's file copied to a second laptop: the copy's registrations are not dropped as
#     "already had" by a bundle, nor marked sent by a sync.
#  9. a tampered kit's bundle at its office: a number from its returned (void) range, and
#     one from the office's own next numbers, must not be taken.
. tests/script/lib.sh
. tests/script/pg_lib.sh

pg_start
pg_createdb national
pg_createdb other
DB=$(pg_conninfo national)
OTHER=$(pg_conninfo other)
export CASEDESK_TODAY=2026-03-10
q() { sqlite3 "$1" "$2"; }
nat() { pg_sql national "$1"; }
origin_of() { q "$1" "SELECT value FROM settings WHERE key = 'store_uuid'"; }
unsent() { q "$1" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL"; }
field() { sed -n "s/^$1 *//p" "$2"; }
SEQ=0
person() {
	SEQ=$((SEQ + 1))
	$CD --store "$1" --user clerk person add --surname "Surname$SEQ" --given "Given$SEQ" --dob "1970-01-$((10 + SEQ % 18))" \
		--sex F --nationality UKR --force 2>>"$T/reg.err"
}
# resign IN OUT SEED: as t_bundle.sh: IN without its signature, signed again with SEED.
resign() {
	grep -v '^signature ' "$1" >"$T/rs.body"
	python3 -c 'import sys, base64; sys.stdout.buffer.write(bytes.fromhex("302e020100300506032b657004220420") + base64.b64decode(sys.argv[1]))' "$3" >"$T/rs.der"
	openssl pkey -inform DER -in "$T/rs.der" -out "$T/rs.pem" 2>/dev/null
	openssl dgst -sha256 -binary "$T/rs.body" >"$T/rs.dg"
	sig=$(openssl pkeyutl -sign -rawin -inkey "$T/rs.pem" -in "$T/rs.dg" | base64 -w0)
	{ cat "$T/rs.body"; printf 'signature ed25519 %s\n' "$sig"; } >"$2"
	rm -f "$T/rs.body" "$T/rs.der" "$T/rs.pem" "$T/rs.dg"
}

$CD national init --db "$DB" >/dev/null || { fail "national init"; exit 0; }

# ---- 1. numbers: a renumbering update op from a tampered kit --------------------------------
O=$T/office.casedesk K1=$T/k01.casedesk K2=$T/k02.casedesk
$CD --store "$O" init --office TBS --training >/dev/null 2>&1 || { fail "init"; exit 0; }
$CD --store "$O" --user admin national use --db "$DB" >/dev/null 2>&1 || fail "national use"
$CD --store "$O" --user admin kit new "$K1" --office TBS --block 10 --name K01 >/dev/null 2>&1 || fail "kit new K01"
$CD --store "$O" --user admin kit new "$K2" --office TBS --block 10 --name K02 >/dev/null 2>&1 || fail "kit new K02"
P1=$(person "$K1")
expect_rc "K01 registers $P1 and syncs" 0 $CD --store "$K1" --user admin sync
PU=$(q "$K1" "SELECT uuid FROM person WHERE number = '$P1'")
K2LAST=$(q "$K2" "SELECT printf('P-TBS-%06d', last) FROM number_blocks WHERE series = 'person'")
# sqlite3 on the kit's file: an update op renumbering the person into K02's block.
q "$K1" "INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)
SELECT '0190d000-0000-7000-8000-00000000f001', '$(origin_of "$K1")', (SELECT max(origin_seq) FROM outbox) + 1,
 '2026-03-10T11:00:00.000Z', 'person', '$PU', 'update',
 json_object('fields', json_object('number', json_object('base', 1, 'old', '$P1', 'new', '$K2LAST')))"
$CD --store "$K1" --user admin sync >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -ne 0 ]; then pass "a renumbering into K02's block is refused by the tier (exit $rc)"; else fail "a renumbering into K02's block is refused by the tier" "the sync was accepted"; fi
expect_eq "  the tier keeps the person's number" "$(nat "SELECT number FROM persons WHERE uuid = '$PU'")" "$P1"
expect_eq "  and no person holds K02's number" "$(nat "SELECT count(*) FROM persons WHERE number = '$K2LAST'")" 0
# K02 registers up to its block's last number and sends them: never refused for a number
# it was leased.
for i in 1 2 3 4 5 6 7 8 9 10; do P2=$(person "$K2"); done
expect_eq "K02 issues $K2LAST, its own block's last" "$P2" "$K2LAST"
expect_rc "  and the tier takes it from K02" 0 $CD --store "$K2" --user admin sync
expect_eq "  nothing of K02's waits" "$(unsent "$K2")" 0
# Renumbered onto a number the tier holds: the database's own refusal must not be shown with
# the number in it (numbers, names and birth dates never in an error text).
Q1=$(person "$K1")
$CD --store "$K1" --user admin sync >/dev/null 2>&1
q "$K1" "INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)
SELECT '0190d000-0000-7000-8000-00000000f003', '$(origin_of "$K1")', (SELECT max(origin_seq) FROM outbox) + 1,
 '2026-03-10T12:00:00.000Z', 'person', '$PU', 'update',
 json_object('fields', json_object('number', json_object('base', 2, 'old', '$(nat "SELECT number FROM persons WHERE uuid = '$PU'")', 'new', '$Q1')))"
$CD --store "$K1" --user admin sync >"$T/out" 2>"$T/err"
echo "    (a renumbering onto $Q1: exit $?: $(head -c 300 "$T/err"))"
if grep -q "$Q1" "$T/err"; then fail "  the refusal does not name the number" "$(head -c 300 "$T/err")"; else pass "  the refusal does not name the number"; fi

# ---- 2. a forged carried op under another kit's origin ------------------------------------
BO=$T/bo.casedesk BA=$T/ba.casedesk BB=$T/bb.casedesk
for s in BO:BRD BA:BRA BB:BRB; do
	eval "st=\$${s%%:*}"
	$CD --store "$st" init --office "${s#*:}" --training >/dev/null 2>&1 || { fail "init ${s%%:*}"; exit 0; }
	$CD --store "$st" --user admin bundle key >"$T/key${s%%:*}"
done
trust() { $CD --store "$1" --user admin bundle trust --origin "$(field origin "$T/key$2")" --office "$(field office "$T/key$2")" --key "$(field key "$T/key$2")" >/dev/null; }
trust "$BO" BA; trust "$BO" BB
OBA=$(field origin "$T/keyBA") OBB=$(field origin "$T/keyBB")
PA=$($CD --store "$BA" --user clerk person add --surname Aliyev --given Rashad --dob 1985-05-05 --sex M --nationality AZE)
$CD --store "$BA" --user clerk document add "$PA" --number C01234567 --issuer AZE --kind passport >/dev/null
PAU=$(q "$BA" "SELECT uuid FROM person WHERE number = '$PA'")
NBA=$(q "$BA" "SELECT count(*) FROM outbox")
$CD --store "$BB" --user clerk person add --surname Kitbee --given Bo --dob 1999-12-12 --sex M --nationality SWE >/dev/null
$CD --store "$BB" --user admin bundle export -o "$T/bb.bundle" >/dev/null
# Kit B (its owner has its key: sqlite3 on a training kit, root on a real one) adds one op
# "of kit A", number 50, and signs the bundle again as itself.
python3 - "$T/bb.bundle" "$T/bb-forged.raw" "$OBA" <<'EOF'
import sys, json, re
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
ops = [i for i, l in enumerate(lines) if l.startswith('{')]
op = json.loads(lines[ops[0]])
op['origin'] = sys.argv[3]
op['seq'] = 50
op['uuid'] = '0190d000-0000-7000-8000-00000000f002'
op['entity_uuid'] = '0190e000-0000-7000-8000-00000000f002'
op['office'] = 'BRA'
op['payload']['fields']['number']['new'] = 'P-BRA-000050'
text = json.dumps(op, ensure_ascii=False, separators=(',', ':'))
lines.insert(ops[-1] + 1, text)
out = []
for l in lines:
    if l.startswith('carried '):
        l = 'carried 1'
    out.append(l)
open(sys.argv[2], 'w', encoding='utf-8').write('\n'.join(out))
EOF
resign "$T/bb-forged.raw" "$T/bb-forged.bundle" "$(q "$BB" "SELECT private_key FROM bundle_key")"
$CD --store "$BO" --user admin bundle import "$T/bb-forged.bundle" >"$T/forged.out" 2>"$T/forged.err"
echo "    (kit B's forged bundle at the office: exit $?: $(cat "$T/forged.out" "$T/forged.err" | head -2 | tr '\n' ' '))"
$CD --store "$BA" --user admin bundle export -o "$T/ba.bundle" >/dev/null
expect_rc "the office imports kit A's own bundle after it" 0 $CD --store "$BO" --user admin bundle import "$T/ba.bundle"
expect_eq "  kit A's person is there: nothing lost" "$(q "$BO" "SELECT count(*) FROM person WHERE uuid = '$PAU'")" 1
expect_eq "  every one of kit A's $NBA ops applied or refused in words, none counted as had" \
	"$(q "$BO" "SELECT count(*) FROM applied_ops WHERE origin = '$OBA' AND origin_seq <= $NBA")" "$NBA"

# ---- 4. the national search: only the roles that read persons, each read audited ---------
expect_rc "the office syncs (K01's and K02's persons come to it)" 0 $CD --store "$O" --user admin sync
expect_rc "an admin (no reading role) may not search nationally" 4 $CD --store "$O" --user admin search --national Surname
A0=$(q "$O" "SELECT count(*) FROM audit WHERE entity = 'national'")
expect_rc "a clerk searches nationally" 0 $CD --store "$O" --user clerk search --national Surname
expect_grep "  and finds K01's person" "Surname1 " "$T/out"
expect_eq "  the store's audit has the search, in the clerk's name" \
	"$(q "$O" "SELECT count(*) FROM audit WHERE entity = 'national' AND user_name = 'clerk' AND action = 'search'")" "$((A0 + 1))"
expect_eq "  the query's text is not in the audit" "$(q "$O" "SELECT count(*) FROM audit WHERE entity_uuid LIKE '%Surname%' OR purpose LIKE '%Surname%'")" 0
# The tier is read by every office: it must say who read what there, not only each store.
expect_eq "  the tier records the read too (a table of reads: who, which store, when)" \
	"$(nat "SELECT count(*) > 0 FROM information_schema.tables WHERE table_schema = 'public' AND table_name ~ '(audit|read)'")" t

# ---- 5. an escape sequence in a name from another office --------------------------------
EA=$T/ea.casedesk EB=$T/eb.casedesk
for s in EA:EAA EB:EBB; do
	eval "st=\$${s%%:*}"
	$CD --store "$st" init --office "${s#*:}" --training >/dev/null 2>&1 || { fail "init ${s%%:*}"; exit 0; }
	$CD --store "$st" --user admin bundle key >"$T/key${s%%:*}"
done
trust "$EB" EA
# EA's owner drops the op log's guards (sqlite3 on a training store) and writes a title
# string and a clear-screen into a name its bundle carries.
q "$EA" "DROP TRIGGER outbox_no_update"
PE=$($CD --store "$EA" --user clerk person add --surname Wicked --given Cy --dob 1990-01-01 --sex F --nationality SWE)
q "$EA" "UPDATE outbox SET payload = replace(payload, '\"Wicked\"', '\"Wicked\\u001b]0;pwned\\u0007\\u001b[2J\"')"
$CD --store "$EA" --user admin bundle export -o "$T/ea.bundle" >/dev/null
$CD --store "$EB" --user admin bundle import "$T/ea.bundle" >"$T/out" 2>"$T/err"
ESC=$(printf '\033')
if grep -q "$ESC" "$T/out" "$T/err"; then fail "the import's messages carry no raw escape"; else pass "the import's messages carry no raw escape"; fi
if [ "$(q "$EB" "SELECT count(*) FROM person WHERE number = '$PE'")" = 1 ]; then
	$CD --store "$EB" --user clerk person show "$PE" >"$T/show" 2>&1
	$CD --store "$EB" --user clerk search Wicked >>"$T/show" 2>&1
	if grep -q "$ESC" "$T/show"; then fail "person show and search print no raw escape from another office's name"; else pass "person show and search print no raw escape from another office's name"; fi
else
	pass "the name with control characters was not stored ($(head -c 200 "$T/err"))"
fi

# ---- 6. the conflict queue is a supervisor's --------------------------------------------
expect_rc "a clerk may not list conflicts" 4 $CD --store "$O" --user clerk conflict list
expect_rc "a caseworker may not resolve one" 4 $CD --store "$O" --user caseworker conflict resolve 1 --keep ours --reason x

# ---- 7. a resolution from a store this office never trusted, carried by one it trusts -----
CO=$T/co.casedesk CA=$T/ca.casedesk CB=$T/cb.casedesk
for s in CO:CRO CA:CRA CB:CRB; do
	eval "st=\$${s%%:*}"
	$CD --store "$st" init --office "${s#*:}" --training >/dev/null 2>&1 || { fail "init ${s%%:*}"; exit 0; }
	$CD --store "$st" --user admin bundle key >"$T/key${s%%:*}"
done
trust "$CO" CA; trust "$CO" CB
PC=$($CD --store "$CA" --user clerk person add --surname Nazarov --given Timur --dob 1988-08-08 --sex M --nationality UZB)
PCU=$(q "$CA" "SELECT uuid FROM person WHERE number = '$PC'")
$CD --store "$CA" --user admin bundle export -o "$T/ca1.bundle" >/dev/null
$CD --store "$CO" --user admin bundle import "$T/ca1.bundle" -o "$T/ca1.ack" >/dev/null 2>&1 || fail "the office imports kit A's person"
$CD --store "$CA" --user admin bundle trust --origin "$(field origin "$T/keyCO")" --office CRO --key "$(field key "$T/keyCO")" >/dev/null
$CD --store "$CA" --user admin bundle ack "$T/ca1.ack" >/dev/null 2>&1
$CD --store "$CO" --user caseworker person correct "$PC" --field given --value Timour --reason "passport seen" >/dev/null
$CD --store "$CA" --user caseworker person correct "$PC" --field given --value Temur --reason "visa seen" >/dev/null
$CD --store "$CA" --user admin bundle export -o "$T/ca2.bundle" >/dev/null
$CD --store "$CO" --user admin bundle import "$T/ca2.bundle" >/dev/null 2>&1
open_given() { q "$CO" "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL AND entity_uuid = '$PCU' AND field = 'given'"; }
expect_eq "the office and kit A changed one name: its conflict open at the office" "$(open_given)" 1
COP=$(q "$CO" "SELECT op_uuid FROM conflicts WHERE entity_uuid = '$PCU' AND field = 'given'")
$CD --store "$CB" --user clerk person add --surname Bystander --given Bo --dob 1999-12-12 --sex M --nationality SWE >/dev/null
$CD --store "$CB" --user admin bundle export -o "$T/cb.bundle" >/dev/null
# Kit B carries a "resolve" op of an origin the office never heard of, naming a supervisor
# "mallory" who exists nowhere, and signs the bundle as itself.
python3 - "$T/cb.bundle" "$T/cb-forged.raw" "$PCU" "$COP" <<'PY'
import sys, json
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
ops = [i for i, l in enumerate(lines) if l.startswith('{')]
op = json.loads(lines[ops[0]])
op.update({'uuid': '0190d000-0000-7000-8000-00000000f007', 'origin': '0190d000-0000-7000-8000-0000000bad07',
           'seq': 1, 'office': 'ZZZ', 'entity': 'person', 'entity_uuid': sys.argv[3], 'op': 'resolve'})
op['payload'] = {'fields': {'given': {'base': 2, 'old': 'Timour', 'new': 'Mallory'}},
                 'resolution': {'ours': 'Temur', 'theirs': 'Timour', 'by': 'mallory', 'op': sys.argv[4], 'how': 'typed'},
                 'reason': 'forged'}
lines.insert(ops[-1] + 1, json.dumps(op, ensure_ascii=False, separators=(',', ':')))
lines = ['carried 1' if l.startswith('carried ') else l for l in lines]
open(sys.argv[2], 'w', encoding='utf-8').write('\n'.join(lines))
PY
resign "$T/cb-forged.raw" "$T/cb-forged.bundle" "$(q "$CB" "SELECT private_key FROM bundle_key")"
$CD --store "$CO" --user admin bundle import "$T/cb-forged.bundle" >"$T/out" 2>"$T/err"
echo "    (kit B's bundle with a foreign resolution: exit $?: $(cat "$T/out" "$T/err" | head -2 | tr '\n' ' '))"
expect_eq "a resolution from an origin never trusted here leaves the conflict open" "$(open_given)" 1
expect_eq "  and the name as the office had it" "$(q "$CO" "SELECT given FROM person WHERE uuid = '$PCU'")" Timour

# ---- 8. a careless caseworker copies a kit's file to a second laptop ----------------------
# Both copies are one origin with one block: they issue the same numbers and the same op
# sequence with different ops.  Neither path may drop the second copy's registrations as
# "already had", nor take them as the first's: each must be refused, in words, and kept.
DO=$T/do.casedesk DK=$T/dk.casedesk
$CD --store "$DO" init --office DUP --training >/dev/null 2>&1 || { fail "init DO"; exit 0; }
$CD --store "$DO" --user admin bundle key >"$T/keyDO"
$CD --store "$DO" --user admin kit new "$DK" --office DUP --block 20 --name D01 >/dev/null 2>&1 || fail "kit new D01"
$CD --store "$DK" --user admin bundle key >"$T/keyDK"
trust "$DO" DK
cp "$DK" "$T/dk2.casedesk"; DK2=$T/dk2.casedesk
N1=$($CD --store "$DK" --user clerk person add --surname Copyone --given Ann --dob 1980-01-01 --sex F --nationality SYR)
N2=$($CD --store "$DK2" --user clerk person add --surname Copytwo --given Bea --dob 1981-02-02 --sex F --nationality IRQ)
expect_eq "the two copies issue one number to two people (what the copy does)" "$N1" "$N2"
$CD --store "$DK" --user admin bundle export -o "$T/dk.bundle" >/dev/null
$CD --store "$DK2" --user admin bundle export -o "$T/dk2.bundle" >/dev/null
$CD --store "$DO" --user admin bundle import "$T/dk.bundle" >/dev/null 2>&1 || fail "the office imports the first copy's bundle"
$CD --store "$DO" --user admin bundle import "$T/dk2.bundle" >"$T/out" 2>"$T/err"
rc=$?
echo "    (the second copy's bundle: exit $rc: $(cat "$T/out" "$T/err" | head -2 | tr '\n' ' '))"
if [ "$rc" -ne 0 ] || [ "$(q "$DO" "SELECT count(*) FROM person WHERE surname = 'Copytwo'")" = 1 ]; then
	pass "the second copy's registration is refused in words or kept, never counted as had"
else
	fail "the second copy's registration is refused in words or kept, never counted as had" "$(cat "$T/out")"
fi
# The office's own identity in a trusted kit's bundle (a copy of the office's file, or a forgery):
# never taken as the office's own op that came back, never applied.
python3 - "$T/dk.bundle" "$T/dk-own.raw" "$(origin_of "$DO")" <<'PY'
import sys, json
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
ops = [i for i, l in enumerate(lines) if l.startswith('{')]
op = json.loads(lines[ops[0]])
op.update({'uuid': '0190d000-0000-7000-8000-00000000f008', 'origin': sys.argv[3], 'seq': 1, 'office': 'DUP'})
lines.insert(ops[-1] + 1, json.dumps(op, ensure_ascii=False, separators=(',', ':')))
lines = ['carried 1' if l.startswith('carried ') else l for l in lines]
open(sys.argv[2], 'w', encoding='utf-8').write('\n'.join(lines))
PY
resign "$T/dk-own.raw" "$T/dk-own.bundle" "$(q "$DK" "SELECT private_key FROM bundle_key")"
AO=$(q "$DO" "SELECT count(*) FROM applied_ops")
expect_rc "an op under the office's own identity, carried in a kit's bundle, is refused" 4 \
	$CD --store "$DO" --user admin bundle import "$T/dk-own.bundle"
expect_grep "  saying two stores use one identity" "came back with another identity than its own op 1" "$T/err"
expect_eq "  nothing applied" "$(q "$DO" "SELECT count(*) FROM applied_ops")" "$AO"
# By the network: both copies sync to the tier.
pg_createdb dupnat
DUPDB=$(pg_conninfo dupnat)
$CD national init --db "$DUPDB" >/dev/null || fail "national init dupnat"
expect_rc "the first copy syncs" 0 $CD --store "$DK" --user admin sync --db "$DUPDB"
$CD --store "$DK2" --user admin sync --db "$DUPDB" >"$T/out" 2>"$T/err"
rc=$?
echo "    (the second copy's sync: exit $rc: $(head -c 300 "$T/err"))"
if [ "$rc" -ne 0 ] || [ "$(pg_sql dupnat "SELECT count(*) FROM persons WHERE surname = 'Copytwo'")" = 1 ]; then
	pass "the second copy's sync is refused in words or its person kept"
else
	fail "the second copy's sync is refused in words or its person kept" "$(head -3 "$T/out")"
fi
expect_grep "  the refusal says two stores share one identity, and what to do, not the database's words" \
	"two stores are using one identity (a kit's file copied to a second machine?). These ops were not sent" "$T/err"
expect_eq "  the second copy's op is not marked sent unless the tier has it" \
	"$(q "$DK2" "SELECT count(*) FROM outbox_state WHERE sent_at IS NOT NULL")" \
	"$(pg_sql dupnat "SELECT count(*) FROM ops WHERE uuid::text IN ($(q "$DK2" "SELECT group_concat(quote(uuid)) FROM outbox"))")"

# ---- 9. a tampered kit's numbers by hand: outside its block, or returned void ------------
# The office leased the block and holds the returns: a bundle's insert with a number the kit
# was never leased (the office's own next) or gave back must not be taken, else the office
# cannot register its next person (its number taken) and a void number is issued.
VO=$T/vo.casedesk VK=$T/vk.casedesk
$CD --store "$VO" init --office VVV --training >/dev/null 2>&1 || { fail "init VO"; exit 0; }
$CD --store "$VO" --user admin kit new "$VK" --office VVV --block 5 --name V1 >/dev/null 2>&1 || fail "kit new V1"
$CD --store "$VK" --user admin bundle key >"$T/keyVK"
trust "$VO" VK
$CD --store "$VK" --user clerk person add --surname Early --given One --dob 1990-01-01 --sex M --nationality SWE >/dev/null
$CD --store "$VK" --user admin kit return --office-store "$VO" >/dev/null 2>&1 || fail "kit return"
# sqlite3 on the kit: the returned block made live again, one person numbered from the void
# range, one renumbered to the office's own next number (op log and row alike).
q "$VK" "DROP TRIGGER number_blocks_update; UPDATE number_blocks SET returned = NULL, returned_at = NULL; DROP TRIGGER outbox_no_update"
VOID=$($CD --store "$VK" --user clerk person add --surname Voidnum --given Two --dob 1990-02-02 --sex M --nationality SWE)
OWN=$(q "$VO" "SELECT printf('P-VVV-%06d', max(last) + 1) FROM number_blocks WHERE series = 'person'")
OUTN=$($CD --store "$VK" --user clerk person add --surname Outside --given Three --dob 1990-03-03 --sex M --nationality SWE)
q "$VK" "UPDATE outbox SET payload = replace(payload, '\"$OUTN\"', '\"$OWN\"'); UPDATE person SET number = '$OWN' WHERE number = '$OUTN'"
$CD --store "$VK" --user admin bundle export -o "$T/vk.bundle" >/dev/null
$CD --store "$VO" --user admin bundle import "$T/vk.bundle" >"$T/out" 2>"$T/err"
echo "    (the tampered kit's bundle: exit $?: $(cat "$T/out" "$T/err" | head -1))"
expect_eq "the office holds no person at the void number $VOID" "$(q "$VO" "SELECT count(*) FROM person WHERE number = '$VOID'")" 0
expect_eq "nor one of the kit's at the office's own next number $OWN" "$(q "$VO" "SELECT count(*) FROM person WHERE number = '$OWN' AND surname = 'Outside'")" 0
expect_rc "the office registers its next person" 0 $CD --store "$VO" --user clerk person add --surname Office --given Own --dob 1970-01-01 --sex F --nationality NOR

# ---- 3. a real store: the tier is the one its admin named, not a clerk's --db ---------------
# As t_setgid_gateway.sh: a setgid copy of the release build, two OS accounts, the store in a
# casedesk directory.  A clerk's own tier (any PostgreSQL they reach) must not receive the
# store's ops (every person's values), nor feed it ops.
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the real store part needs root (useradd, a setgid copy); CI runs it as root"
	exit 0
fi
[ -x ./casedesk ] || { fail "the release casedesk is built" "run make casedesk"; exit 0; }
UA=cdha$$; UB=cdhb$$; made_group=""
cleanup() { userdel "$UA" 2>/dev/null; userdel "$UB" 2>/dev/null; [ -n "$made_group" ] && groupdel casedesk 2>/dev/null; pg_stop; rm -rf "$T"; }
trap cleanup EXIT
getent group casedesk >/dev/null || { groupadd --system casedesk && made_group=1; } || { fail "groupadd casedesk"; exit 0; }
chmod 755 "$T"
cp ./casedesk "$T/casedesk" && chgrp casedesk "$T/casedesk" && chmod 2755 "$T/casedesk" || { fail "a setgid copy"; exit 0; }
useradd -M -U -s /bin/sh "$UA" && useradd -M -U -s /bin/sh "$UB" || { fail "useradd"; exit 0; }
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups sh -c 'umask 077; exec "$@"' sh "$@"; }
D=$T/srv; install -d -o root -g casedesk -m 2770 "$D"; S=$D/office.casedesk
unset CASEDESK_TODAY
as "$UA" "$T/casedesk" --store "$S" init --office ABC >"$T/init.log" 2>&1 || { fail "init" "$(cat "$T/init.log")"; exit 0; }
as "$UA" "$T/casedesk" --store "$S" user add "$UB" --role clerk --workflows all >/dev/null 2>&1
as "$UA" "$T/casedesk" --store "$S" national use --db "$DB" >/dev/null 2>&1 || fail "the admin names the national database"
as "$UB" "$T/casedesk" --store "$S" person add --surname Melnyk --given Ira --dob 1989-02-03 --sex F --nationality UKR >/dev/null 2>&1 ||
	fail "the clerk registers a person"
$CD national init --db "$OTHER" >/dev/null || fail "national init of the clerk's own tier"
expect_rc "a clerk's sync --db to a tier of their own is refused" 4 as "$UB" "$T/casedesk" --store "$S" sync --db "$OTHER"
expect_grep "  saying the admin names the tier" "national use" "$T/err"
expect_eq "  the clerk's tier got no op" "$(pg_sql other "SELECT count(*) FROM ops")" 0
expect_rc "a clerk's national search --db on their own tier is refused" 4 as "$UB" "$T/casedesk" --store "$S" search --national Melnyk --db "$OTHER"
expect_rc "CASEDESK_NATIONAL_DB is not read under setgid: the clerk's sync goes to the named tier" 0 \
	as "$UB" env CASEDESK_NATIONAL_DB="$OTHER" "$T/casedesk" --store "$S" sync
expect_eq "  the clerk's tier still got no op" "$(pg_sql other "SELECT count(*) FROM ops")" 0
expect_eq "  the named tier got the person" "$(nat "SELECT count(*) FROM persons WHERE surname = 'Melnyk'")" 1
expect_rc "the admin may still give --db (an admin names the tier anyway)" 0 as "$UA" "$T/casedesk" --store "$S" national status --db "$DB"
