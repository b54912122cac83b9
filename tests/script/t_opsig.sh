#!/bin/sh
# t_opsig.sh - carried ops signed one by one by their origin (issue 15, trust; schema 27,
# bundle format 3) through the real binary, with training stores: an office O and kits A, B
# and D that O made (kit new makes the office and each kit trust the other's key), A and B
# trusting each other, D trusting A, E (another office) trusting B.
#  - every op a store writes is signed by its own key (made with its first op);
#  - A's op goes to B in A's bundle (held there with its signature), B carries it to O: O
#    checks it with A's key ("verified by their origin's key"), and carries it on to D, which
#    checks it too (a relay of a relay);
#  - forged: B's held copy of A's op edited with sqlite3 (a new surname) and B's bundle made
#    again: O refuses it whole, naming the op, K01 and its office, and O is unchanged (its
#    dump compared); the signature stripped instead: O does not apply the op and says so,
#    and A's own bundle brings it later;
#  - a store whose key A's op does not know (E, trusting B only) applies it on B's word;
#  - a format 2 bundle (an older store's) is still read; one carrying another origin's op
#    without its signature does not pass that op off to a store that knows its origin.
. tests/script/lib.sh
export CASEDESK_TODAY=2026-03-02
O=$T/o.casedesk A=$T/ka.casedesk B=$T/kb.casedesk D=$T/kd.casedesk E=$T/e.casedesk
cd_as() { st=$1 who=$2; shift 2; "$CD" --store "$st" --user "$who" "$@"; }
q() { sqlite3 "$1" "$2"; }
field() { sed -n "s/^$1 *//p" "$2"; }
same_store() { # same_store NAME STORE BEFORE: the store's dump is what it was
	sqlite3 "$2" .dump >"$T/after.dump"
	if cmp -s "$3" "$T/after.dump"; then pass "$1"; else fail "$1" "$(diff "$3" "$T/after.dump" | head -5)"; fi
}
# resign IN OUT SEED: IN without its signature line, signed again with the private seed SEED, as
# the store holding that key would (t_bundle.sh does the same).
resign() {
	grep -v '^signature ' "$1" >"$T/rs.body"
	python3 -c 'import sys, base64; sys.stdout.buffer.write(bytes.fromhex("302e020100300506032b657004220420") + base64.b64decode(sys.argv[1]))' "$3" >"$T/rs.der"
	openssl pkey -inform DER -in "$T/rs.der" -out "$T/rs.pem" 2>/dev/null
	openssl dgst -sha256 -binary "$T/rs.body" >"$T/rs.dg"
	sig=$(openssl pkeyutl -sign -rawin -inkey "$T/rs.pem" -in "$T/rs.dg" | base64 -w0)
	{ cat "$T/rs.body"; printf 'signature ed25519 %s\n' "$sig"; } >"$2"
	rm -f "$T/rs.body" "$T/rs.der" "$T/rs.pem" "$T/rs.dg"
}
key_of() { cd_as "$1" admin bundle key >"$T/key.$2"; }
# trust FROM TO (letters): TO accepts FROM's bundles and knows FROM's key
trust() {
	cd_as "$(store_of "$2")" admin bundle trust --origin "$(field origin "$T/key.$1")" --office "$(field office "$T/key.$1")" \
		--key "$(field key "$T/key.$1")" >/dev/null || fail "trust $1 -> $2"
}
store_of() { eval "echo \$$1"; }

"$CD" --store "$O" init --office TBS --training >/dev/null || { fail "init O"; exit 0; }
"$CD" --store "$E" init --office BTM --training >/dev/null || { fail "init E"; exit 0; }
for k in A:K01 B:K02 D:K03; do
	cd_as "$O" admin kit new "$(store_of "${k%%:*}")" --office TBS --block 50 --name "${k#*:}" >/dev/null 2>&1 ||
		{ fail "kit new ${k#*:}"; exit 0; }
done
for s in O A B D E; do key_of "$(store_of $s)" $s; done
# The office's own kits: kit new made their keys and each side trusts the other's.
expect_eq "the office knows the key of each kit it made" \
	"$(q "$O" "SELECT count(*) FROM trusted_origins t WHERE (origin, public_key) IN (VALUES ('$(field origin "$T/key.A")', '$(field key "$T/key.A")'), ('$(field origin "$T/key.B")', '$(field key "$T/key.B")'), ('$(field origin "$T/key.D")', '$(field key "$T/key.D")'))")" 3
expect_eq "  and each kit the office's" \
	"$(for k in A B D; do q "$(store_of $k)" "SELECT count(*) FROM trusted_origins WHERE origin = '$(field origin "$T/key.O")' AND public_key = '$(field key "$T/key.O")'"; done | tr -d '\n')" 111
trust A B; trust B A; trust A O; trust O A; trust B O; trust O B; trust D O; trust O D; trust A D; trust B E
OA=$(field origin "$T/key.A")

# ---- every op signed by its store's own key -----------------------------------------------
P=$(cd_as "$A" clerk person add --surname Abashidze --given Nino --dob 1992-04-01 --sex F --nationality GEO)
NA=$(q "$A" "SELECT count(*) FROM outbox")
expect_eq "kit A's $NA ops each signed, with a salted commitment" \
	"$(q "$A" "SELECT count(*) FROM outbox WHERE length(sig) = 88 AND length(sig_commit) = 96")" "$NA"
expect_eq "  the key is the one bundle key prints" "$(q "$A" "SELECT public_key FROM bundle_key")" "$(field key "$T/key.A")"
expect_eq "the office's own ops are signed too" "$(q "$O" "SELECT count(*) FROM outbox WHERE sig IS NULL")" 0

# ---- A -> B -> O -> D: verified by A's key at every hop ------------------------------------
expect_rc "A exports (format 3)" 0 cd_as "$A" admin bundle export -o "$T/a.bundle"
expect_eq "  format 3, every op line with its signature" \
	"$(sed -n 1p "$T/a.bundle") $(grep -c '"sig":"[^"]*","commit":"[0-9a-f]\{96\}"' "$T/a.bundle")" "casedesk-bundle 3 $NA"
expect_rc "B imports A's bundle" 0 cd_as "$B" admin bundle import "$T/a.bundle" -o "$T/a.ack"
expect_eq "  B holds A's $NA ops with A's signatures" \
	"$(q "$B" "SELECT count(*) FROM held_ops WHERE origin = '$OA' AND length(sig) = 88")" "$NA"
OB=$(field origin "$T/key.B") OO=$(field origin "$T/key.O") OD=$(field origin "$T/key.D")
expect_rc "B exports for O" 0 cd_as "$B" admin bundle export -o "$T/b.bundle" --for "$OO"
expect_eq "  carrying A's ops with A's signatures" "$(grep -c "\"origin\":\"$OA\".*\"sig\":" "$T/b.bundle")" "$NA"
cp "$T/b.bundle" "$T/b-first.bundle"
expect_rc "O imports B's bundle" 0 cd_as "$O" admin bundle import "$T/b.bundle"
expect_grep "  A's ops verified by A's key" "carried ops: $NA verified by their origin's key, 0 only vouched for" "$T/out"
expect_eq "  A's person is at O" "$(q "$O" "SELECT count(*) FROM person WHERE number = '$P'")" 1
expect_eq "  O holds them with A's signatures" "$(q "$O" "SELECT count(*) FROM held_ops WHERE origin = '$OA' AND length(sig) = 88")" "$NA"
expect_rc "O exports for D (a relay of a relay)" 0 cd_as "$O" admin bundle export -o "$T/o-d.bundle" --for "$OD"
expect_rc "D imports it" 0 cd_as "$D" admin bundle import "$T/o-d.bundle"
expect_grep "  A's ops verified by A's key at the far end" "carried ops: $NA verified by their origin's key" "$T/out"
expect_eq "  A's person is at D" "$(q "$D" "SELECT count(*) FROM person WHERE number = '$P'")" 1

# ---- E knows B but not A: A's ops on B's word, as before -----------------------------------
OE=$(field origin "$T/key.E")
cd_as "$B" admin bundle export -o "$T/b-e.bundle" >/dev/null
expect_rc "E (trusting B only) imports B's bundle" 0 cd_as "$E" admin bundle import "$T/b-e.bundle"
expect_grep "  A's ops only vouched for by B" "carried ops: 0 verified by their origin's key, $NA only vouched for" "$T/out"

# ---- forged on the way: B edits its held copy of A's op ------------------------------------
SEQ=$(q "$B" "SELECT origin_seq FROM held_ops WHERE origin = '$OA' AND entity = 'person' AND op = 'insert'")
q "$B" "DROP TRIGGER held_ops_update; UPDATE held_ops SET payload = replace(payload, 'Abashidze', 'Forgedze') WHERE origin = '$OA' AND origin_seq = $SEQ"
expect_eq "B's copy of A's op now says another surname" "$(q "$B" "SELECT count(*) FROM held_ops WHERE payload LIKE '%Forgedze%'")" 1
A2=$(cd_as "$A" clerk person add --surname Beridze --given Luka --dob 1988-11-11 --sex M --nationality GEO)
cd_as "$A" admin bundle export -o "$T/a2.bundle" >/dev/null
expect_rc "B imports A's next bundle" 0 cd_as "$B" admin bundle import "$T/a2.bundle"
expect_rc "B exports for O again" 0 cd_as "$B" admin bundle export -o "$T/b2.bundle" --for "$OO"
expect_grep "  the forged op in it" "Forgedze" "$T/b2.bundle"
POS=$(grep -n '^{' "$T/b2.bundle" | grep -n Forgedze | cut -d: -f1)
LINE=$(grep -n Forgedze "$T/b2.bundle" | cut -d: -f1)
q "$O" .dump >"$T/o1.dump"
ROWS1=$(q "$O" "SELECT (SELECT count(*) FROM person) || ':' || (SELECT count(*) FROM applied_ops) || ':' || (SELECT count(*) FROM held_ops) || ':' || (SELECT count(*) FROM audit)")
expect_rc "O refuses B's bundle with the forged op" 4 cd_as "$O" admin bundle import "$T/b2.bundle"
expect_grep "  naming the op, K01 of TBS and its key" "op $POS (line $LINE) claims to come from TBS/K01 but is not signed by K01's key" "$T/err"
expect_grep "  and the store that made the bundle" "the bundle was altered or forged by the store that made it (TBS/K02); it was not applied" "$T/err"
if grep -q "Forgedze\|Abashidze\|Beridze" "$T/err"; then fail "  no personal data in the message" "$(cat "$T/err")"; else pass "  no personal data in the message"; fi
expect_eq "  O's rows counted before and after: the same" \
	"$(q "$O" "SELECT (SELECT count(*) FROM person) || ':' || (SELECT count(*) FROM applied_ops) || ':' || (SELECT count(*) FROM held_ops) || ':' || (SELECT count(*) FROM audit)")" "$ROWS1"
same_store "  O unchanged" "$O" "$T/o1.dump"
expect_eq "  no forged surname at O" "$(q "$O" "SELECT count(*) FROM person WHERE surname = 'Forgedze'")" 0
expect_eq "  A's second person not at O either" "$(q "$O" "SELECT count(*) FROM person WHERE number = '$A2'")" 0

# A's op with its signature whole, but under another office: refused too.
sed "s/\"origin\":\"$OA\",\"seq\":1,\"office\":\"TBS\"/\"origin\":\"$OA\",\"seq\":1,\"office\":\"BTM\"/" "$T/b-first.bundle" >"$T/b-office.raw"
resign "$T/b-office.raw" "$T/b-office.bundle" "$(q "$B" "SELECT private_key FROM bundle_key")"
expect_eq "  (the office changed in B's bundle, signed again by B)" "$(grep -c '"office":"BTM"' "$T/b-office.bundle")" 1
expect_rc "O refuses an op of A under another office" 4 cd_as "$O" admin bundle import "$T/b-office.bundle"
expect_grep "  naming the office A is trusted as" "of TBS/K01 says it is of office BTM, but K01 is trusted here as office TBS" "$T/err"
same_store "  O unchanged" "$O" "$T/o1.dump"

# The signature stripped as well: no longer a forgery O can see, so the op is not applied.
SEQ2=$(q "$B" "SELECT origin_seq FROM held_ops WHERE origin = '$OA' AND entity = 'person' AND op = 'insert' AND payload LIKE '%Beridze%'")
q "$B" "DROP TRIGGER held_ops_sig_fixed; UPDATE held_ops SET payload = replace(payload, 'Beridze', 'Strippedze'), sig = NULL, sig_commit = NULL WHERE origin = '$OA' AND origin_seq = $SEQ2; UPDATE held_ops SET payload = replace(payload, 'Forgedze', 'Abashidze') WHERE origin = '$OA' AND origin_seq = $SEQ"
cd_as "$B" admin bundle export -o "$T/b3.bundle" --for "$OO" >/dev/null
expect_rc "O imports B's bundle with A's op unsigned" 0 cd_as "$O" admin bundle import "$T/b3.bundle"
expect_grep "  saying the unsigned op of a known origin was not applied" \
	"1 carried ops of origins whose key is known here came without their signature (pulled from the national tier, or made before their origin signed its ops): not applied" "$T/out"
expect_eq "  the stripped surname is not at O" "$(q "$O" "SELECT count(*) FROM person WHERE surname = 'Strippedze' OR number = '$A2'")" 0
expect_rc "A's own bundle brings it to O" 0 cd_as "$O" admin bundle import "$T/a2.bundle"
expect_eq "  A's second person at O as A made it" "$(q "$O" "SELECT surname FROM person WHERE number = '$A2'")" Beridze

# ---- format 2: a bundle of an older store ----------------------------------------------------
# A's first bundle as a format 2 store would have written it: no op signatures.
grep -v '^signature ' "$T/a.bundle" | sed -e '1s/ 3$/ 2/' -e 's/,"sig":"[^"]*","commit":"[^"]*"//' >"$T/a-v2.raw"
resign "$T/a-v2.raw" "$T/a-v2.bundle" "$(q "$A" "SELECT private_key FROM bundle_key")"
expect_eq "  it is format 2 and holds no signature" "$(sed -n 1p "$T/a-v2.bundle") $(grep -c '"sig"' "$T/a-v2.bundle")" "casedesk-bundle 2 0"
expect_rc "a format 2 bundle imports (D, which trusts A)" 0 cd_as "$D" admin bundle import "$T/a-v2.bundle"
expect_grep "  its ops already had, none refused" ": 0 new, $NA already had" "$T/out"
F=$T/f.casedesk
"$CD" --store "$F" init --office BTM --training >/dev/null
key_of "$F" F
trust A F
expect_rc "a format 2 bundle imports into a new store" 0 cd_as "$F" admin bundle import "$T/a-v2.bundle"
expect_grep "  all $NA new" ": $NA new, 0 already had" "$T/out"
# B's first bundle for O as format 2: A's ops carried without signatures.
grep -v '^signature ' "$T/b-first.bundle" | sed -e '1s/ 3$/ 2/' -e 's/,"sig":"[^"]*","commit":"[^"]*"//' >"$T/b-v2.raw"
resign "$T/b-v2.raw" "$T/b-v2.bundle" "$(q "$B" "SELECT private_key FROM bundle_key")"
G=$T/g.casedesk
"$CD" --store "$G" init --office BTM --training >/dev/null
key_of "$G" G
trust B G
expect_rc "a format 2 bundle with carried ops imports (G, trusting B only)" 0 cd_as "$G" admin bundle import "$T/b-v2.bundle"
expect_grep "  A's ops on B's word" "carried ops: 0 verified by their origin's key, $NA only vouched for" "$T/out"
expect_eq "  A's person is at G" "$(q "$G" "SELECT count(*) FROM person WHERE number = '$P'")" 1
trust B F
expect_rc "the same into F, which knows A's key" 0 cd_as "$F" admin bundle import "$T/b-v2.bundle"
expect_grep "  A's unsigned ops not passed off as A's" "$NA carried ops of origins whose key is known here came without their signature" "$T/out"

for s in O A B D E F G; do expect_rc "store check on $s" 0 cd_as "$(store_of $s)" admin store check; done
