#!/bin/sh
# t_bundle.sh - bundles carried by hand (issue 15, deliverable 7) through the real binary,
# with training stores A (the sender), B (the receiver), C (a third store) and D (a store
# that trusts nobody): keys and trust for admins only; export 0600, never over a file or
# through a link; every bad bundle refused with the file and what is wrong named and the
# receiving store unchanged (sqlite3 dumps compared): not trusted, cut at many points, one
# byte changed, two ops swapped (also re-signed with A's own key), signed by C claiming to
# be A, a gap before its first op; acknowledgements signed by a trusted receiver only,
# marking the sender's ops acknowledged so that the next export starts after them.
#
# B applies A's ops through op_apply (model/store/apply.h), all in one transaction; then
# the acknowledgement is written, a replay changes nothing, every refusal of an
# acknowledgement leaves A unchanged, and acked_at set makes the next export start after it.
. tests/script/lib.sh
export CASEDESK_TODAY=2026-03-02
A=$T/a.casedesk B=$T/b.casedesk C=$T/c.casedesk D=$T/d.casedesk
cd_as() { st=$1 who=$2; shift 2; "$CD" --store "$st" --user "$who" "$@"; }
dump() { sqlite3 "$1" .dump >"$2"; }
same_store() { # same_store NAME STORE BEFORE: the store's dump is what it was
	sqlite3 "$2" .dump >"$T/after.dump"
	if cmp -s "$3" "$T/after.dump"; then pass "$1"; else fail "$1" "$(diff "$3" "$T/after.dump" | head -5)"; fi
}
field() { sed -n "s/^$1 *//p" "$2"; }
# resign IN OUT SEED: IN without its signature line, signed again with the private seed SEED
# (base64 of 32 bytes) by openssl, as a store holding that key would: Ed25519 over the
# SHA-256 of every byte before the signature line.
resign() {
	grep -v '^signature ' "$1" >"$T/rs.body"
	python3 -c 'import sys, base64; sys.stdout.buffer.write(bytes.fromhex("302e020100300506032b657004220420") + base64.b64decode(sys.argv[1]))' "$3" >"$T/rs.der"
	openssl pkey -inform DER -in "$T/rs.der" -out "$T/rs.pem" 2>/dev/null
	openssl dgst -sha256 -binary "$T/rs.body" >"$T/rs.dg"
	sig=$(openssl pkeyutl -sign -rawin -inkey "$T/rs.pem" -in "$T/rs.dg" | base64 -w0)
	{ cat "$T/rs.body"; printf 'signature ed25519 %s\n' "$sig"; } >"$2"
	rm -f "$T/rs.body" "$T/rs.der" "$T/rs.pem" "$T/rs.dg"
}

for s in A:TBS B:KUT C:ALT D:DDD; do
	eval "st=\$${s%%:*}"
	"$CD" --store "$st" init --office "${s#*:}" --training >/dev/null || { fail "init ${s%%:*}"; exit 0; }
done
P=$(cd_as "$A" clerk person add --surname Ковальчук --given Ірина --dob 1991-07-04 --sex F --nationality UKR)
cd_as "$A" caseworker person correct "$P" --field surname --value Коваленко --reason "passport seen" >/dev/null
cd_as "$A" clerk document add "$P" --number FB123456 --issuer UKR --kind passport >/dev/null
NA=$(sqlite3 "$A" "SELECT count(*) FROM outbox")
if [ "$NA" -ge 3 ]; then pass "A has $NA ops to carry"; else fail "A has ops to carry" "only $NA"; fi

# ---- keys and trust --------------------------------------------------------------------
expect_rc "bundle key as an admin" 0 cd_as "$A" admin bundle key
cp "$T/out" "$T/keyA"
KA=$(field key "$T/keyA") OA=$(field origin "$T/keyA")
expect_eq "  the origin is the store's uuid" "$OA" "$(sqlite3 "$A" "SELECT value FROM settings WHERE key = 'store_uuid'")"
expect_grep "  with a fingerprint" '^fingerprint [0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}$' "$T/keyA"
expect_grep "  and the trust command for the other side" "bundle trust --origin $OA --office TBS --key" "$T/keyA"
SEEDA=$(sqlite3 "$A" "SELECT private_key FROM bundle_key")
if grep -qF "$SEEDA" "$T/keyA"; then fail "  the private key is never printed"; else pass "  the private key is never printed"; fi
cd_as "$A" admin bundle key >"$T/keyA2"
expect_eq "  the key is made once and kept" "$(field key "$T/keyA2")" "$KA"
expect_rc "bundle key is refused to a clerk" 4 cd_as "$A" clerk bundle key
for s in B C; do
	eval "st=\$$s"
	cd_as "$st" admin bundle key >"$T/key$s"
done
KB=$(field key "$T/keyB") OB=$(field origin "$T/keyB") KC=$(field key "$T/keyC") OC=$(field origin "$T/keyC")
SEEDC=$(sqlite3 "$C" "SELECT private_key FROM bundle_key")

expect_rc "bundle trust is refused to a clerk" 4 cd_as "$B" clerk bundle trust --origin "$OA" --office TBS --key "$KA"
expect_rc "bundle trust: a key that is not one" 6 cd_as "$B" admin bundle trust --origin "$OA" --office TBS --key "abc"
expect_rc "bundle trust: an origin that is not a uuid" 6 cd_as "$B" admin bundle trust --origin "x" --office TBS --key "$KA"
expect_rc "bundle trust: without --key" 2 cd_as "$B" admin bundle trust --origin "$OA" --office TBS
expect_rc "B trusts A" 0 cd_as "$B" admin bundle trust --origin "$OA" --office TBS --key "$KA"
expect_grep "  naming the fingerprint" "$(field fingerprint "$T/keyA")" "$T/out"
expect_rc "  the same again changes nothing" 0 cd_as "$B" admin bundle trust --origin "$OA" --office TBS --key "$KA"
expect_rc "  another key for A is refused" 4 cd_as "$B" admin bundle trust --origin "$OA" --office TBS --key "$KC"
expect_rc "  a store does not trust itself" 4 cd_as "$B" admin bundle trust --origin "$OB" --office KUT --key "$KB"
expect_eq "  one trusted origin in B" "$(sqlite3 "$B" "SELECT count(*) FROM trusted_origins")" 1
expect_eq "  and an audit row for it" "$(sqlite3 "$B" "SELECT count(*) FROM audit WHERE entity = 'trusted_origin'")" 1
expect_rc "C trusts A (to be asked later)" 0 cd_as "$C" admin bundle trust --origin "$OA" --office TBS --key "$KA"

# ---- export ------------------------------------------------------------------------------
expect_rc "export is refused to a clerk" 4 cd_as "$A" clerk bundle export -o "$T/x.bundle"
expect_rc "export -o FILE" 0 cd_as "$A" admin bundle export -o "$T/a1.bundle"
expect_grep "  says what it holds" "ops 1 to $NA ($NA) of origin $OA" "$T/out"
expect_eq "  the file is 0600" "$(stat -c %a "$T/a1.bundle")" 600
expect_eq "  its header" "$(sed -n '1,2p;7,10p' "$T/a1.bundle" | tr '\n' ' ')" \
	"casedesk-bundle 3 kind ops first 1 last $NA count $NA acked 0 "
expect_eq "  one op a line" "$(grep -c '^{' "$T/a1.bundle")" "$NA"
expect_grep "  signed at the end" '^signature ed25519 ' "$T/a1.bundle"
expect_eq "  nothing marked sent or acknowledged" \
	"$(sqlite3 "$A" "SELECT count(*) FROM outbox_state WHERE sent_at IS NOT NULL OR acked_at IS NOT NULL")" 0
expect_eq "  the export is audited" "$(sqlite3 "$A" "SELECT count(*) FROM audit WHERE action = 'export' AND entity = 'bundle'")" 1
expect_rc "export over an existing file without --force" 2 cd_as "$A" admin bundle export -o "$T/a1.bundle"
ln -s "$T/target" "$T/link.bundle"
expect_rc "export through a symbolic link" 4 cd_as "$A" admin bundle export -o "$T/link.bundle" --force
if [ -e "$T/target" ]; then fail "  nothing written through the link"; else pass "  nothing written through the link"; fi
expect_rc "export again, without an acknowledgement, with --force" 0 cd_as "$A" admin bundle export -o "$T/a2.bundle"
expect_eq "  the second bundle starts at the same first op" "$(field first "$T/a2.bundle")" 1
expect_rc "export --force replaces a file" 0 cd_as "$A" admin bundle export -o "$T/a2.bundle" --force
expect_eq "  still 0600" "$(stat -c %a "$T/a2.bundle")" 600
expect_rc "a store with no op exports nothing" 0 cd_as "$D" admin bundle export -o "$T/d.bundle"
if [ -e "$T/d.bundle" ]; then fail "  and writes no file"; else pass "  and writes no file"; fi

# ---- refusals: B (or D) unchanged every time ------------------------------------------
dump "$B" "$T/b0.dump"
dump "$D" "$T/d0.dump"
expect_rc "import into a store that does not trust A" 4 cd_as "$D" admin bundle import "$T/a1.bundle"
expect_grep "  names the file, the origin and that it is not trusted" "a1.bundle: origin $OA (office TBS) is not trusted here" "$T/err"
same_store "  D unchanged" "$D" "$T/d0.dump"
expect_rc "import is refused to a clerk" 4 cd_as "$B" clerk bundle import "$T/a1.bundle"
expect_rc "import of a file that is not there" 3 cd_as "$B" admin bundle import "$T/none.bundle"
printf 'hello\n' >"$T/hello.bundle"
expect_rc "import of a file that is not a bundle" 6 cd_as "$B" admin bundle import "$T/hello.bundle"
expect_grep "  says so, naming it" "hello.bundle: not a casedesk bundle" "$T/err"

size=$(stat -c %s "$T/a1.bundle")
hdr=$(grep -b -- '^--$' "$T/a1.bundle" | cut -d: -f1)
op2=$(grep -b '^{' "$T/a1.bundle" | sed -n 2p | cut -d: -f1)
sigat=$(grep -b '^signature ' "$T/a1.bundle" | cut -d: -f1)
for cut in 5 40 "$hdr" $((hdr + 3)) $((hdr + 50)) "$op2" $((op2 + 7)) "$sigat" $((sigat + 30)) $((size - 1)); do
	head -c "$cut" "$T/a1.bundle" >"$T/cut.bundle"
	expect_rc "a bundle cut at byte $cut of $size is refused" 6 cd_as "$B" admin bundle import "$T/cut.bundle"
	expect_grep "  naming the file" "cut.bundle" "$T/err"
	same_store "  B unchanged" "$B" "$T/b0.dump"
done
expect_grep "a cut before the last newline: the signature line does not end" "(byte $sigat) does not end" "$T/err"
head -c "$((op2 + 7))" "$T/a1.bundle" >"$T/cut.bundle"
cd_as "$B" admin bundle import "$T/cut.bundle" 2>"$T/err"
expect_grep "  a cut inside an op: the byte offset of its line" "(byte $op2) does not end" "$T/err"
head -c "$sigat" "$T/a1.bundle" >"$T/cut.bundle"
cd_as "$B" admin bundle import "$T/cut.bundle" 2>"$T/err"
expect_grep "  a cut before the signature: said so" "without its signature" "$T/err"
# A cut at a line boundary, re-signed by A itself: the count gives it away.
head -c "$op2" "$T/a1.bundle" >"$T/cut.bundle"
resign "$T/cut.bundle" "$T/cutsigned.bundle" "$SEEDA"
expect_rc "ops cut away and signed again by A: refused" 6 cd_as "$B" admin bundle import "$T/cutsigned.bundle"
expect_grep "  the header's count against the ops there" "the header says $NA ops, the file holds 1" "$T/err"
same_store "  B unchanged" "$B" "$T/b0.dump"

# One byte changed inside an op's values: only the signature can tell.
python3 - "$T/a1.bundle" "$T/altered.bundle" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'"new":"FB123456"') + 8
d[i] = ord('C')
open(sys.argv[2], 'wb').write(d)
EOF
expect_rc "one byte altered" 4 cd_as "$B" admin bundle import "$T/altered.bundle"
expect_grep "  the signature does not match A's key" "altered.bundle: the signature does not match the key trusted for origin $OA" "$T/err"
same_store "  B unchanged" "$B" "$T/b0.dump"
sed 's/^count .*/count 9/' "$T/a1.bundle" >"$T/altered2.bundle"
expect_rc "the header's count altered" 6 cd_as "$B" admin bundle import "$T/altered2.bundle"
same_store "  B unchanged" "$B" "$T/b0.dump"
printf 'x\n' | cat "$T/a1.bundle" - >"$T/trailing.bundle"
expect_rc "a line after the signature" 6 cd_as "$B" admin bundle import "$T/trailing.bundle"
expect_grep "  said so" "something follows the signature" "$T/err"

# Two ops swapped: out of order, also when A itself signed the swapped file.
L1=$(grep -n '^{' "$T/a1.bundle" | head -1 | cut -d: -f1)
awk -v a="$L1" -v b=$((L1 + 1)) 'NR == a { x = $0; next } NR == b { print; print x; next } { print }' "$T/a1.bundle" >"$T/swapped.bundle"
expect_rc "two ops swapped" 6 cd_as "$B" admin bundle import "$T/swapped.bundle"
expect_grep "  out of order, naming the line" "swapped.bundle: out of order: line $L1 (byte [0-9]*) holds op 2 where op 1 belongs" "$T/err"
resign "$T/swapped.bundle" "$T/swapsigned.bundle" "$SEEDA"
expect_rc "two ops swapped and signed by A's own key" 6 cd_as "$B" admin bundle import "$T/swapsigned.bundle"
expect_grep "  still out of order" "out of order: line $L1" "$T/err"
same_store "  B unchanged" "$B" "$T/b0.dump"

# Signed by C, claiming to be A.
resign "$T/a1.bundle" "$T/forged.bundle" "$SEEDC"
expect_rc "a bundle signed by C claiming A's origin" 4 cd_as "$B" admin bundle import "$T/forged.bundle"
expect_grep "  refused, naming the origin whose key does not match" "forged.bundle: the signature does not match the key trusted for origin $OA (office TBS)" "$T/err"
same_store "  B unchanged" "$B" "$T/b0.dump"
# C's own bundle (C has an op: its trust of A wrote none, so C registers a person).
cd_as "$C" clerk person add --surname Smith --given Jo --dob 1980-02-02 --sex M --nationality GBR >/dev/null
cd_as "$C" admin bundle export -o "$T/c1.bundle" >/dev/null
expect_rc "C's own bundle in B, which does not trust C" 4 cd_as "$B" admin bundle import "$T/c1.bundle"
expect_grep "  names C's origin, not trusted" "origin $OC (office ALT) is not trusted here" "$T/err"
expect_rc "A's own bundle back in A" 4 cd_as "$A" admin bundle import "$T/a1.bundle"
expect_grep "  made by this store" "made by this store itself" "$T/err"

# A gap before the first op: in a copy of A (same key, same origin), B trusted and A's first
# two ops acknowledged by B by hand (own_acks, schema 26: acknowledgements are per receiver),
# so the copy's next export for B starts at op 3, which B (having none of A's ops) cannot take.
cp "$A" "$T/a-copy.casedesk"
sqlite3 "$T/a-copy.casedesk" "INSERT INTO trusted_origins(origin, office, public_key, added_at) VALUES ('$OB', 'KUT', '$KB', '2026-03-02T09:00:00.000Z');
	INSERT INTO own_acks(receiver, acked_seq, acked_at) VALUES ('$OB', 2, '2026-03-02T09:00:00.000Z')"
cd_as "$T/a-copy.casedesk" admin bundle export -o "$T/gap.bundle" --for "$OB" >/dev/null
expect_eq "the export after an acknowledgement starts after it" "$(field first "$T/gap.bundle") $(field acked "$T/gap.bundle")" "3 2"
expect_rc "a bundle after a gap" 4 cd_as "$B" admin bundle import "$T/gap.bundle"
expect_grep "  names the missing ops and asks for the earlier bundle" \
	"gap.bundle: ops 1 to 2 of origin $OA (office TBS) are missing here: import the bundle that carries them first" "$T/err"
same_store "  B unchanged" "$B" "$T/b0.dump"

# Acknowledgements read the other way are refused.
expect_rc "bundle ack on a bundle of ops" 6 cd_as "$A" admin bundle ack "$T/a1.bundle"
expect_grep "  says what it is" "a1.bundle is a bundle of ops, not an acknowledgement" "$T/err"

# ---- import, replay and acknowledgement --------------------------------------------------
PU=$(sqlite3 "$A" "SELECT uuid FROM person WHERE number = '$P'")
# With op_apply (apply.c merged): B applies A's ops, all in one transaction.
expect_rc "import A's bundle into B" 0 cd_as "$B" admin bundle import "$T/a1.bundle" -o "$T/ack1"
expect_grep "  $NA new" ": $NA new, 0 already had" "$T/out"
expect_eq "  B has A's person" "$(sqlite3 "$B" "SELECT count(*) FROM person WHERE uuid = '$PU'")" 1
dump "$B" "$T/b1.dump"
expect_grep "  the acknowledgement is written" "acknowledgement (ops up to $NA) written to $T/ack1" "$T/out"
expect_eq "  0600" "$(stat -c %a "$T/ack1")" 600
expect_eq "  and says B has A's ops up to $NA" "$(field kind "$T/ack1") $(field for "$T/ack1") $(field seq "$T/ack1")" "ack $OA $NA"
expect_rc "import again, the ack file there without --force" 2 cd_as "$B" admin bundle import "$T/a1.bundle" -o "$T/ack1"
same_store "  B unchanged" "$B" "$T/b1.dump"
expect_rc "import again (replay)" 0 cd_as "$B" admin bundle import "$T/a1.bundle"
expect_grep "  0 new, $NA already had" ": 0 new, $NA already had" "$T/out"
same_store "  B unchanged by the replay" "$B" "$T/b1.dump"
expect_rc "the bundle after the 'gap' now goes in (B has ops 1 and 2)" 0 cd_as "$B" admin bundle import "$T/gap.bundle"
expect_grep "  nothing new in it either" ": 0 new, $((NA - 2)) already had" "$T/out"
expect_rc "an acknowledgement imported as a bundle" 6 cd_as "$A" admin bundle import "$T/ack1"
dump "$A" "$T/a0.dump"
expect_rc "A reads B's acknowledgement before trusting B" 4 cd_as "$A" admin bundle ack "$T/ack1"
expect_grep "  B is not trusted" "origin $OB (office KUT) is not trusted here" "$T/err"
cd_as "$A" admin bundle trust --origin "$OB" --office KUT --key "$KB" >/dev/null
dump "$A" "$T/a0.dump"
resign "$T/ack1" "$T/ackforged" "$SEEDC"
expect_rc "an acknowledgement signed by C claiming B" 4 cd_as "$A" admin bundle ack "$T/ackforged"
sed "s/^seq .*/seq 99/" "$T/ack1" >"$T/ackaltered"
expect_rc "an acknowledgement altered" 4 cd_as "$A" admin bundle ack "$T/ackaltered"
resign "$T/ackaltered" "$T/ackbeyond" "$(sqlite3 "$B" "SELECT private_key FROM bundle_key")"
expect_rc "an acknowledgement of ops A never made (signed by B)" 4 cd_as "$A" admin bundle ack "$T/ackbeyond"
expect_grep "  says so" "acknowledges op 99, but this store has made only $NA" "$T/err"
head -c 100 "$T/ack1" >"$T/ackcut"
expect_rc "an acknowledgement cut short" 6 cd_as "$A" admin bundle ack "$T/ackcut"
same_store "  A unchanged by every refusal" "$A" "$T/a0.dump"
cd_as "$C" admin bundle trust --origin "$OB" --office KUT --key "$KB" >/dev/null
expect_rc "A's acknowledgement read by C" 4 cd_as "$C" admin bundle ack "$T/ack1"
expect_grep "  the ops of another store" "acknowledges the ops of another store (origin $OA)" "$T/err"
expect_rc "before it, store check counts A's ops as not yet synced" 0 cd_as "$A" admin store check
expect_grep "  all $NA of them" "$NA changes not yet synced" "$T/out"
expect_rc "A reads B's acknowledgement" 0 cd_as "$A" admin bundle ack "$T/ack1"
expect_grep "  up to $NA, the rest marked" "has this store's ops up to $NA (0 conflicts there); $NA ops marked acknowledged" "$T/out"
expect_eq "  every op acknowledged, none marked sent (the national tier has not got them)" \
	"$(sqlite3 "$A" "SELECT count(*) FROM outbox_state WHERE acked_at IS NULL OR sent_at IS NOT NULL")" 0
expect_rc "  store check" 0 cd_as "$A" admin store check
expect_grep "  counts none as not yet synced: B has them (the status line's count too)" " 0 changes not yet synced" "$T/out"
expect_eq "  while sync would still send them all to the national tier" \
	"$(sqlite3 "$A" "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL")" "$NA"
expect_rc "  twice changes nothing" 0 cd_as "$A" admin bundle ack "$T/ack1"
expect_grep "  0 marked" "0 ops marked acknowledged" "$T/out"
expect_rc "with every op acknowledged, export writes nothing" 0 cd_as "$A" admin bundle export -o "$T/a3.bundle"
expect_grep "  says so" "no op waiting for an acknowledgement" "$T/out"
cd_as "$A" clerk person add --surname Doe --given Ann --dob 1970-03-03 --sex F --nationality USA >/dev/null
cd_as "$A" admin bundle export -o "$T/a3.bundle" >/dev/null
expect_eq "the next export starts after the acknowledged ops" "$(field first "$T/a3.bundle") $(field acked "$T/a3.bundle")" "$((NA + 1)) $NA"
expect_rc "store check on A" 0 cd_as "$A" admin store check
expect_rc "store check on B" 0 cd_as "$B" admin store check

# ---- carrying on what came from elsewhere (format 2) -------------------------------------
# An office O holds kit KA's ops (KA's bundle, by hand) and its own; kit KB, with no link,
# gets them in O's bundle, each under its own origin, as the network's pull would bring them.
O=$T/o.casedesk KA=$T/ka.casedesk KB=$T/kb.casedesk
for s in O:BRD KA:BRA KB:BRB; do
	eval "st=\$${s%%:*}"
	"$CD" --store "$st" init --office "${s#*:}" --training >/dev/null || { fail "init ${s%%:*}"; exit 0; }
	cd_as "$st" admin bundle key >"$T/key${s%%:*}"
done
origin() { field origin "$T/key$1"; }
trust() { cd_as "$1" admin bundle trust --origin "$(origin "$2")" --office "$(field office "$T/key$2")" --key "$(field key "$T/key$2")" >/dev/null; }
trust "$O" KA; trust "$O" KB; trust "$KA" O; trust "$KB" O
OKA=$(origin KA) OKB=$(origin KB) OO=$(origin O)
PA1=$(cd_as "$KA" clerk person add --surname Aliyev --given Rashad --dob 1985-05-05 --sex M --nationality AZE)
PA2=$(cd_as "$KA" clerk person add --surname Huseynova --given Leyla --dob 1990-09-09 --sex F --nationality AZE)
cd_as "$O" clerk person add --surname Office --given Ola --dob 1975-01-01 --sex F --nationality NOR >/dev/null
cd_as "$KB" clerk person add --surname Kitbee --given Bo --dob 1999-12-12 --sex M --nationality SWE >/dev/null
NKA=$(sqlite3 "$KA" "SELECT count(*) FROM outbox") NO=$(sqlite3 "$O" "SELECT count(*) FROM outbox")
cd_as "$KA" admin bundle export -o "$T/ka.bundle" >/dev/null
expect_rc "O imports kit A's bundle" 0 cd_as "$O" admin bundle import "$T/ka.bundle" -o "$T/ka.ack"
expect_eq "  O holds kit A's $NKA ops, brought by kit A" "$(sqlite3 "$O" "SELECT count(*) FROM held_ops WHERE origin = '$OKA' AND via = '$OKA'")" "$NKA"
# O corrects kit A's person: its own op on a record another store made, which the bundle
# must put after that record's insert.
expect_rc "O corrects a person kit A registered" 0 cd_as "$O" caseworker person correct "$PA1" --field given --value Rashid --reason "passport seen"
NO=$(sqlite3 "$O" "SELECT count(*) FROM outbox")
expect_rc "O exports for kit B" 0 cd_as "$O" admin bundle export -o "$T/o-kb.bundle" --for "$OKB"
expect_grep "  saying it carries kit A's ops" "and $NKA ops of other stores held here" "$T/out"
expect_eq "  format 2: O's own $NO ops, kit A's $NKA carried, addressed to kit B" \
	"$(sed -n 1p "$T/o-kb.bundle") $(field count "$T/o-kb.bundle") $(field carried "$T/o-kb.bundle") $(field to "$T/o-kb.bundle")" \
	"casedesk-bundle 3 $NO $NKA $OKB"
expect_eq "  each under its own origin" "$(grep -c "\"origin\":\"$OKA\"" "$T/o-kb.bundle") $(grep -c "\"origin\":\"$OO\"" "$T/o-kb.bundle")" "$NKA $NO"
expect_rc "export --for a store not trusted" 6 cd_as "$O" admin bundle export -o "$T/x2.bundle" --for "$OA"
PU1=$(sqlite3 "$KA" "SELECT uuid FROM person WHERE number = '$PA1'") PU2=$(sqlite3 "$KA" "SELECT uuid FROM person WHERE number = '$PA2'")
expect_rc "kit B imports O's bundle" 0 cd_as "$KB" admin bundle import "$T/o-kb.bundle" -o "$T/o-kb.ack"
expect_grep "  $((NO + NKA)) new, $NKA of them carried" ": $((NO + NKA)) new, 0 already had" "$T/out"
expect_eq "  kit B holds kit A's two persons, by uuid, and O's" \
	"$(sqlite3 "$KB" "SELECT count(*) FROM person WHERE uuid IN ('$PU1', '$PU2')") $(sqlite3 "$KB" "SELECT count(*) FROM person")" "2 4"
expect_eq "  with O's correction of kit A's person" "$(sqlite3 "$KB" "SELECT given FROM person WHERE uuid = '$PU1'")" Rashid
expect_eq "  kit A's ops applied under kit A's origin and seqs" \
	"$(sqlite3 "$KB" "SELECT count(*) || ',' || min(origin_seq) || ',' || max(origin_seq) FROM applied_ops WHERE origin = '$OKA'")" "$NKA,1,$NKA"
expect_eq "  none of them kept for relay, none in kit B's own op log" \
	"$(sqlite3 "$KB" "SELECT (SELECT count(*) FROM relay_ops WHERE origin = '$OKA') + (SELECT count(*) FROM outbox WHERE origin <> '$OKB')")" 0
dump "$KB" "$T/kb1.dump"
expect_rc "kit B imports it twice" 0 cd_as "$KB" admin bundle import "$T/o-kb.bundle"
expect_grep "  nothing new" ": 0 new, $((NO + NKA)) already had" "$T/out"
same_store "  kit B unchanged" "$KB" "$T/kb1.dump"
expect_eq "the acknowledgement gives back O's held position" "$(field held "$T/o-kb.ack")" "$(sqlite3 "$O" "SELECT max(pos) FROM held_ops")"
expect_rc "O reads kit B's acknowledgement" 0 cd_as "$O" admin bundle ack "$T/o-kb.ack"
expect_rc "O's next export for kit B" 0 cd_as "$O" admin bundle export -o "$T/o-kb2.bundle" --for "$OKB"
expect_grep "  has nothing left to carry" "no op waiting for an acknowledgement" "$T/out"
# Kit B's next bundle to O: its own ops only, kit A's not carried back (as kit B's or at all).
cd_as "$KB" clerk person add --surname Lindqvist --given Bea --dob 2001-01-01 --sex F --nationality SWE >/dev/null 2>&1
NKB=$(sqlite3 "$KB" "SELECT count(*) FROM outbox")
expect_rc "kit B exports for O" 0 cd_as "$KB" admin bundle export -o "$T/kb.bundle"
expect_eq "  its own $NKB ops, nothing carried" "$(field count "$T/kb.bundle") $(field carried "$T/kb.bundle")" "$NKB 0"
expect_eq "  every op line of kit B's origin" "$(grep -c '^{' "$T/kb.bundle") $(grep -c "\"origin\":\"$OKB\"" "$T/kb.bundle")" "$NKB $NKB"
expect_eq "  kit A's ops in none" "$(grep -c "\"uuid\":\"\\($(sqlite3 "$KA" "SELECT group_concat(uuid, '\\|') FROM outbox")\\)\"" "$T/kb.bundle")" 0
expect_rc "O imports kit B's bundle" 0 cd_as "$O" admin bundle import "$T/kb.bundle" -o "$T/kb.ack"
expect_grep "  all $NKB new" ": $NKB new, 0 already had" "$T/out"
# O's bundle for every store it trusts: kit A may lack kit B's ops (brought by kit B).
expect_rc "O exports for every store it trusts" 0 cd_as "$O" admin bundle export -o "$T/o-all.bundle"
expect_eq "  carrying kit B's $NKB ops, not kit A's back" \
	"$(field carried "$T/o-all.bundle") $(grep -c "\"origin\":\"$OKB\"" "$T/o-all.bundle") $(grep -c "\"origin\":\"$OKA\"" "$T/o-all.bundle")" "$NKB $NKB 0"
# O's own ops are in it too: kit B acknowledged them, kit A never did (acknowledgements are
# per receiver, schema 26).  This test said before that kit A got none of them - "an own op is
# acknowledged once" - and so kit A, with no link, never learnt of O's person.
expect_eq "  and O's own $NO ops, which kit A never acknowledged" \
	"$(field first "$T/o-all.bundle") $(field count "$T/o-all.bundle") $(field acked "$T/o-all.bundle")" "1 $NO 0"
expect_rc "kit A imports it" 0 cd_as "$KA" admin bundle import "$T/o-all.bundle" -o "$T/o-ka.ack"
expect_eq "  kit A holds kit B's two persons and O's" "$(sqlite3 "$KA" "SELECT count(*) FROM person")" 5
expect_rc "O reads kit A's acknowledgement" 0 cd_as "$O" admin bundle ack "$T/o-ka.ack"
expect_eq "  O keeps each receiver's acknowledgement of its own ops" \
	"$(sqlite3 "$O" "SELECT group_concat(acked_seq, ' ') FROM (SELECT acked_seq FROM own_acks WHERE receiver IN ('$OKA', '$OKB') ORDER BY receiver = '$OKB')")" "$NO $NO"
# Refusals hold for the carried part: two of kit B's carried ops swapped, re-signed by O.
SEEDO=$(sqlite3 "$O" "SELECT private_key FROM bundle_key")
L1=$(grep -n "\"origin\":\"$OKB\"" "$T/o-all.bundle" | head -1 | cut -d: -f1)
awk -v a="$L1" -v b=$((L1 + 1)) 'NR == a { x = $0; next } NR == b { print; print x; next } { print }' "$T/o-all.bundle" >"$T/o-swap.raw"
resign "$T/o-swap.raw" "$T/o-swap.bundle" "$SEEDO"
dump "$KA" "$T/ka1.dump"
expect_rc "carried ops swapped (signed by O)" 6 cd_as "$KA" admin bundle import "$T/o-swap.bundle"
expect_grep "  out of order, naming kit B's origin" "out of order: line $((L1 + 1)) (byte [0-9]*) holds op 1 of origin $OKB after its op 2" "$T/err"
grep -v "\"origin\":\"$OKB\",\"seq\":$NKB," "$T/o-all.bundle" >"$T/o-cut.raw"
resign "$T/o-cut.raw" "$T/o-cut.bundle" "$SEEDO"
expect_rc "a carried op cut away (signed by O)" 6 cd_as "$KA" admin bundle import "$T/o-cut.bundle"
expect_grep "  the header's carried against the file" "the header says $NKB ops of other origins, the file holds $((NKB - 1))" "$T/err"
sed "s/\"origin\":\"$OKB\",\"seq\":1,/\"origin\":\"$OKB\",\"seq\":1,/" "$T/o-all.bundle" | python3 -c 'import sys; d=sys.stdin.read(); i=d.index("Kitbee"); sys.stdout.write(d[:i]+"Kitbaa"+d[i+6:])' >"$T/o-alt.bundle"
expect_rc "a carried op altered" 4 cd_as "$KA" admin bundle import "$T/o-alt.bundle"
same_store "  kit A unchanged by every refusal" "$KA" "$T/ka1.dump"
# A format 1 bundle (before carrying) still goes in: A's first bundle, rewritten as one.
grep -v '^\(carried\|held\) ' "$T/a1.bundle" | sed -e '1s/ 3$/ 1/' -e 's/,"sig":"[^"]*","commit":"[^"]*"//' >"$T/a1v1.raw"
resign "$T/a1v1.raw" "$T/a1v1.bundle" "$SEEDA"
expect_rc "a format 1 bundle imports (C, which trusts A)" 0 cd_as "$C" admin bundle import "$T/a1v1.bundle" -o "$T/a1v1.ack"
expect_grep "  all $NA new" ": $NA new, 0 already had" "$T/out"
expect_eq "  its acknowledgement is format 1, with no held" "$(sed -n 1p "$T/a1v1.ack") $(grep -c '^held ' "$T/a1v1.ack")" "casedesk-bundle 1 0"
for s in O KA KB; do eval "st=\$$s"; expect_rc "store check on $s" 0 cd_as "$st" admin store check; done

# A purged record's values go from the held ops too: kit A's visa applicant withdrawn in 2015,
# purged at O eleven years on; O's next bundle carries those ops as {"purged":true} only.
PG=$(CASEDESK_TODAY=2015-06-01 cd_as "$KA" clerk person add --surname Oldvisa --given Gone --dob 1980-01-01 --sex F --nationality SYR)
CG=$(CASEDESK_TODAY=2015-06-01 cd_as "$KA" clerk case new visa --person "$PG")
CASEDESK_TODAY=2015-06-01 cd_as "$KA" clerk case move "$CG" withdraw --set withdrawal_date=2015-06-01 --note "changed plans" >/dev/null 2>&1
PGU=$(sqlite3 "$KA" "SELECT uuid FROM person WHERE number = '$PG'")
cd_as "$KA" admin bundle export -o "$T/ka2.bundle" >/dev/null
# (imported the same day: a case's closing date here is the day this store applied its step)
expect_rc "O imports kit A's old visa case" 0 env CASEDESK_TODAY=2015-06-01 "$CD" --store "$O" --user admin bundle import "$T/ka2.bundle"
expect_eq "  held with its values" "$(sqlite3 "$O" "SELECT count(*) FROM held_ops WHERE payload LIKE '%Oldvisa%'")" 1
expect_eq "  and waiting for relay with its values" "$(sqlite3 "$O" "SELECT count(*) FROM relay_ops WHERE payload LIKE '%Oldvisa%'")" 1
for i in 1 2; do CASEDESK_TODAY=2026-06-01 cd_as "$O" admin retention run >/dev/null 2>&1; done
expect_eq "after O's retention runs, the person purged and no held op keeps the name" \
	"$(sqlite3 "$O" "SELECT count(*) FROM person WHERE uuid = '$PGU' AND purged_at IS NOT NULL") $(sqlite3 "$O" "SELECT count(*) FROM held_ops WHERE payload LIKE '%Oldvisa%'")" "1 0"
expect_eq "  nor does an op waiting for relay (it goes to the tier as {\"purged\":true})" \
	"$(sqlite3 "$O" "SELECT count(*) FROM relay_ops WHERE payload LIKE '%Oldvisa%'") $(sqlite3 "$O" "SELECT count(*) FROM relay_ops WHERE entity_uuid = '$PGU' AND payload = '{\"purged\":true}'")" "0 1"
expect_rc "O exports for kit B" 0 cd_as "$O" admin bundle export -o "$T/o-kb3.bundle" --for "$OKB"
# (the person's op only: the case is of kit A's office BRA, and kit B is of BRB - out of its scope)
expect_eq "  the old person's op carried, without the name" "$(grep -c '"payload":{"purged":true}' "$T/o-kb3.bundle") $(grep -c Oldvisa "$T/o-kb3.bundle")" "1 0"
# Schema 27: the erased op keeps kit A's signature and the digest it covers, its salt gone with
# the values; kit B, now knowing kit A's key, checks the stub by that digest.
expect_eq "  O's held and relay copies keep kit A's signature, the salt dropped" \
	"$(sqlite3 "$O" "SELECT length(sig) || ':' || length(sig_commit) FROM held_ops WHERE entity_uuid = '$PGU' AND entity = 'person'") $(sqlite3 "$O" "SELECT length(sig) || ':' || length(sig_commit) FROM relay_ops WHERE entity_uuid = '$PGU' AND entity = 'person'")" \
	"88:64 88:64"
trust "$KB" KA
expect_rc "kit B imports it" 0 cd_as "$KB" admin bundle import "$T/o-kb3.bundle"
expect_grep "  the erased op verified by kit A's key" "carried ops: [1-9][0-9]* verified by their origin's key, 0 only vouched" "$T/out"
expect_eq "  recorded as skipped, the person not made" \
	"$(sqlite3 "$KB" "SELECT count(*) FROM applied_ops a JOIN held_ops h USING (uuid) WHERE h.entity_uuid = '$PGU' AND a.origin = '$OKA' AND a.outcome = 'skipped'") $(sqlite3 "$KB" "SELECT count(*) FROM person WHERE uuid = '$PGU'")" \
	"$(sqlite3 "$O" "SELECT count(*) FROM held_ops WHERE entity_uuid = '$PGU'") 0"

# ---- a bundle for one store is cut to its scope, as the network's pull is -----------------
# Kit A (office BRA) opens a case; O holds it.  Kit B (office BRB) gets kit A's person but not
# the case; kit S, of kit A's office BRA, gets both; a bundle for no one store says what it
# carries unfiltered.
KS=$T/ks.casedesk
"$CD" --store "$KS" init --office BRA --training >/dev/null || fail "init KS"
cd_as "$KS" admin bundle key >"$T/keyKS"
trust "$O" KS; trust "$KS" O
OKS=$(origin KS)
PS=$(cd_as "$KA" clerk person add --surname Scoped --given Sam --dob 1988-08-08 --sex M --nationality IRQ)
CS=$(cd_as "$KA" clerk case new visa --person "$PS")
PSU=$(sqlite3 "$KA" "SELECT uuid FROM person WHERE number = '$PS'") CSU=$(sqlite3 "$KA" "SELECT uuid FROM cases WHERE number = '$CS'")
NCS=$(sqlite3 "$KA" "SELECT count(*) FROM outbox WHERE entity = 'case' AND entity_uuid = '$CSU'")
cd_as "$KA" admin bundle export -o "$T/ka3.bundle" --force >/dev/null
expect_rc "O imports kit A's case" 0 cd_as "$O" admin bundle import "$T/ka3.bundle"
expect_eq "  O holds its $NCS case ops" "$(sqlite3 "$O" "SELECT count(*) FROM held_ops WHERE entity_uuid = '$CSU'")" "$NCS"
expect_rc "O exports for kit B (office BRB)" 0 cd_as "$O" admin bundle export -o "$T/o-kb4.bundle" --for "$OKB"
expect_grep "  saying it is cut to kit B's office" "cut to the receiver's scope (office BRB)" "$T/out"
expect_grep "  and that O's own op on kit A's old case (its purge) goes without its content" \
	"1 of this store's own ops are on cases of other offices than BRB: they go without their content" "$T/out"
expect_eq "  kit A's new person in it, its case of BRA not" \
	"$(grep -c "\"entity_uuid\":\"$PSU\"" "$T/o-kb4.bundle") $(grep -c "\"entity_uuid\":\"$CSU\"" "$T/o-kb4.bundle")" "1 0"
expect_eq "  no case op with its content at all: O's own is a stub, in its place in O's seqs" \
	"$(grep '^{' "$T/o-kb4.bundle" | grep '"entity":"case"' | grep -vc '"payload":{"out_of_scope":true}}$') $(grep -c "\"origin\":\"$OO\".*\"payload\":{\"out_of_scope\":true}}\$" "$T/o-kb4.bundle")" "0 1"
expect_rc "kit B imports it" 0 cd_as "$KB" admin bundle import "$T/o-kb4.bundle" -o "$T/o-kb4.ack"
expect_eq "  kit B has the person, not the case" \
	"$(sqlite3 "$KB" "SELECT count(*) FROM person WHERE uuid = '$PSU'") $(sqlite3 "$KB" "SELECT count(*) FROM cases WHERE uuid = '$CSU'")" "1 0"
expect_eq "  O's stub recorded as skipped, out of scope, never kept for relay to the tier" \
	"$(sqlite3 "$KB" "SELECT count(*) FROM applied_ops WHERE origin = '$OO' AND outcome = 'skipped' AND note LIKE 'skipped: out of this store''s scope%'") $(sqlite3 "$KB" "SELECT count(*) FROM relay_ops r JOIN held_ops h USING (uuid) WHERE h.payload = '{\"out_of_scope\":true}'")" "1 0"
expect_rc "O exports for kit S (office BRA, kit A's)" 0 cd_as "$O" admin bundle export -o "$T/o-ks.bundle" --for "$OKS"
expect_eq "  the case in it" "$(grep -c "\"entity_uuid\":\"$CSU\"" "$T/o-ks.bundle")" "$NCS"
expect_rc "kit S imports it" 0 cd_as "$KS" admin bundle import "$T/o-ks.bundle"
expect_eq "  kit S has the case, of office BRA" "$(sqlite3 "$KS" "SELECT office FROM cases WHERE uuid = '$CSU'")" BRA
expect_eq "  and O's purge of kit A's old BRA case whole, not a stub" \
	"$(grep -c '"payload":{"out_of_scope":true}' "$T/o-ks.bundle")" 0
# Kit B never carries O's stub on, not even in a bundle for every store it trusts, kit S among
# them, whose scope holds that case (kit S would record it as skipped and never take the op
# whole from the tier).
trust "$KB" KS
expect_rc "kit B exports for every store it trusts" 0 cd_as "$KB" admin bundle export -o "$T/kb-ks.bundle"
expect_eq "  O's ops carried, the stub kit B holds not among them" \
	"$(sqlite3 "$KB" "SELECT count(*) FROM held_ops WHERE payload = '{\"out_of_scope\":true}'") $(grep -c "\"origin\":\"$OO\"" "$T/kb-ks.bundle" | grep -cv '^0$') $(grep -c out_of_scope "$T/kb-ks.bundle")" "1 1 0"
expect_rc "O exports for every store it trusts" 0 cd_as "$O" admin bundle export -o "$T/o-all2.bundle"
expect_grep "  saying it is not cut to a receiver's scope, with the cases' office" \
	"not cut to a receiver's scope (no --for ORIGIN): [0-9]* of the carried ops are cases (of offices BRA)" "$T/out"
expect_eq "  the case in it" "$(grep -c "\"entity_uuid\":\"$CSU\"" "$T/o-all2.bundle")" "$NCS"
for s in O KB KS; do eval "st=\$$s"; expect_rc "store check on $s" 0 cd_as "$st" admin store check; done
