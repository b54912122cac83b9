#!/bin/sh
# Files casedesk writes with personal data (model/base/outfile.c): created 0600 whatever the
# umask, never replacing a file without --force, never following a symbolic link (not even
# with --force), forms printed on a move never written through a link planted in forms/,
# and an unwritable path said in words with the path and the reason.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_STORE=$S CASEDESK_TODAY=2026-03-02
umask 000     # the files must be 0600 all the same
$CD init --office TBS --training >/dev/null 2>&1 || { fail "a training store"; exit 0; }
P=$($CD --user clerk person add --surname Petrenko --given Iryna --dob 1988-05-02 --sex F --nationality UKR)
$CD --user clerk document add "$P" --number FP1234567 --issuer UKR --expires 2031-01-01 >/dev/null
C=$($CD --user clerk case new residence --person "$P")
mode() { stat -c %a "$1"; }

# ---- forms printed on a move: a link planted in forms/ is not followed
mkdir -p "$T/forms"
echo "precious" >"$T/victim"
ln -s "$T/victim" "$T/forms/$C-acknowledgement.pdf"
expect_rc "a step that prints a form" 0 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=family
expect_eq "the link's target is untouched" "$(cat "$T/victim")" precious
expect_eq "the link is still a link" "$(test -L "$T/forms/$C-acknowledgement.pdf" && echo link)" link
expect_grep "the form went to the next free name" "printed $T/forms/$C-acknowledgement-2.pdf" "$T/out"
expect_eq "a form printed on a move is 0600 at umask 000" "$(mode "$T/forms/$C-acknowledgement-2.pdf")" 600
expect_eq "and is a PDF" "$(head -c 5 "$T/forms/$C-acknowledgement-2.pdf")" "%PDF-"

# ---- form -o
F=$T/ack.pdf
expect_rc "form -o writes a new file" 0 $CD --user caseworker form "$C" acknowledgement -o "$F"
expect_eq "form -o: 0600 at umask 000" "$(mode "$F")" 600
cp "$F" "$T/ack.before"
expect_rc "form -o refuses an existing file" 2 $CD --user caseworker form "$C" acknowledgement -o "$F"
expect_grep "and says --force" "already exists; add --force" "$T/err"
echo "old" >"$T/old.pdf"; chmod 644 "$T/old.pdf"
expect_rc "form --force replaces it" 0 $CD --user caseworker form "$C" acknowledgement -o "$T/old.pdf" --force
expect_eq "replaced by a PDF" "$(head -c 5 "$T/old.pdf")" "%PDF-"
expect_eq "replaced file is 0600" "$(mode "$T/old.pdf")" 600
expect_eq "no temporary left beside it" "$(ls -A "$T" | grep -c '^\.old\.pdf\.')" 0
ln -s "$T/victim" "$T/link.pdf"
expect_rc "a link at -o is refused" 4 $CD --user caseworker form "$C" acknowledgement -o "$T/link.pdf"
expect_rc "a link at -o is refused even with --force" 4 $CD --user caseworker form "$C" acknowledgement -o "$T/link.pdf" --force
expect_grep "and says it is a link" "symbolic link" "$T/err"
expect_eq "the link's target is untouched by --force" "$(cat "$T/victim")" precious
ln -s "$T/nowhere.pdf" "$T/dangling.pdf"
expect_rc "a dangling link at -o is refused" 4 $CD --user caseworker form "$C" acknowledgement -o "$T/dangling.pdf"
expect_eq "and nothing is made where it points" "$(test -e "$T/nowhere.pdf" && echo made)" ""
expect_rc "form --batch refuses an existing file" 2 $CD --user caseworker form --batch acknowledgement -o "$F" "$C"
expect_rc "form --batch --force replaces it" 0 $CD --user caseworker form --batch acknowledgement -o "$F" --force "$C"

# ---- unwritable paths: the path and the reason in words (no "libharu error 0x1017")
expect_rc "a missing folder" 6 $CD --user caseworker form "$C" acknowledgement -o "$T/no/such/dir/a.pdf"
expect_grep "names the path and the reason" "cannot write $T/no/such/dir/a.pdf: No such file or directory" "$T/err"
expect_rc "a folder that is a file" 6 $CD --user caseworker form "$C" acknowledgement -o "$T/victim/a.pdf"
expect_grep "says not a directory" "cannot write $T/victim/a.pdf: Not a directory" "$T/err"
# A folder the user may not write: as root (CI) the check runs as nobody on a copy of the store.
mkdir -m 777 "$T/pub" && mkdir -m 555 "$T/pub/ro"
cp "$S" "$T/pub/s.casedesk" && chmod 666 "$T/pub/s.casedesk"
chmod 755 "$T"
if [ "$(id -u)" -eq 0 ]; then as_other="setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=$T"; else as_other=""; fi
expect_rc "a folder without write permission" 6 $as_other $CD --store "$T/pub/s.casedesk" --user caseworker \
	form "$C" acknowledgement -o "$T/pub/ro/a.pdf"
expect_grep "says permission denied, naming the path" "cannot write $T/pub/ro/a.pdf: Permission denied" "$T/err"
if grep -q "libharu" "$T/err"; then fail "no libharu error numbers for a path"; else pass "no libharu error numbers for a path"; fi

# ---- report -o, CSV and XLSX
for fmt in csv xlsx; do
	R=$T/report.$fmt
	expect_rc "report $fmt writes a new file" 0 $CD --user supervisor report workload --from 2026-01-01 --to 2026-12-31 --format $fmt -o "$R"
	expect_eq "report $fmt: 0600 at umask 000" "$(mode "$R")" 600
	expect_rc "report $fmt refuses an existing file" 2 $CD --user supervisor report workload --from 2026-01-01 --to 2026-12-31 --format $fmt -o "$R"
	expect_rc "report $fmt --force replaces it" 0 $CD --user supervisor report workload --from 2026-01-01 --to 2026-12-31 --format $fmt -o "$R" --force
	ln -s "$T/victim" "$T/link.$fmt"
	expect_rc "report $fmt: a link is refused even with --force" 4 $CD --user supervisor report workload --from 2026-01-01 --to 2026-12-31 --format $fmt -o "$T/link.$fmt" --force
	expect_eq "report $fmt: the link's target is untouched" "$(cat "$T/victim")" precious
	expect_rc "report $fmt: a missing folder" 6 $CD --user supervisor report workload --from 2026-01-01 --to 2026-12-31 --format $fmt -o "$T/no/r.$fmt"
	expect_grep "report $fmt: names the path and the reason" "cannot write $T/no/r.$fmt: No such file or directory" "$T/err"
done
expect_eq "the xlsx is a zip" "$(head -c 2 "$T/report.xlsx")" "PK"
expect_eq "no private xlsx folder is left in /tmp" "$(find /tmp -maxdepth 1 -name 'casedesk-xlsx-*' -user "$(id -u)" -newer "$S" | wc -l)" 0

# ---- demo's duplicates file
D=$T/demo.casedesk
expect_rc "demo writes its duplicates file" 0 $CD --store "$D" demo --persons 40 --seed 3 --seed-duplicates 10
expect_eq "duplicates file is 0600 at umask 000" "$(mode "$D.duplicates.tsv")" 600
rm -f "$D" "$D.seal.key" "$D.seal-escrow.key"   # the store and its seal keys (model/store/audit.c)
expect_rc "demo refuses to replace a duplicates file" 2 $CD --store "$D" demo --persons 40 --seed 3 --seed-duplicates 10
expect_eq "and made no store" "$(test -e "$D" && echo made)" ""
expect_rc "demo --force replaces it" 0 $CD --store "$D" demo --persons 40 --seed 3 --seed-duplicates 10 --force
rm -f "$D" "$D.duplicates.tsv" "$D.seal.key" "$D.seal-escrow.key"
ln -s "$T/victim" "$D.duplicates.tsv"
expect_rc "demo refuses a link even with --force" 4 $CD --store "$D" demo --persons 40 --seed 3 --seed-duplicates 10 --force
expect_eq "the link's target is untouched by demo" "$(cat "$T/victim")" precious

# ---- a path is the user's words: a success message shows its control characters, never runs them
EVIL=$(printf 'Evil\033]2;pwned\007')
expect_rc "a report to a path with ESC in it" 0 $CD --store "$S" --user supervisor report workload --from 2026-01-01 \
	--to 2026-12-31 --format csv -o "$T/r$EVIL.csv"
if grep -q "$(printf '\033')" "$T/out"; then fail "the report's message prints the ESC raw" "$(od -c "$T/out" | head -3)"; else pass "the report's message shows ESC as text"; fi
expect_rc "a form to a path with ESC in it" 0 $CD --store "$S" --user caseworker form "$C" acknowledgement -o "$T/f$EVIL.pdf"
if grep -q "$(printf '\033')" "$T/out"; then fail "the form's message prints the ESC raw" "$(od -c "$T/out" | head -3)"; else pass "the form's message shows ESC as text"; fi
