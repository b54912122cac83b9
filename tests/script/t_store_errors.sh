#!/bin/sh
# The store's errors said for what they are (issue 11): a read error in the middle of a query
# is exit 7, never a short list or "not found"; each way a store fails to open has its own
# sentence; bad numbers and dates are refused before any query.
. tests/script/lib.sh
TOOLS=${CASEDESK_TOOLS:-$(pwd)/build/asan/tests/tool}
SHIM=$TOOLS/vfs_fail.so
S=$T/errors.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=caseworker CASEDESK_TODAY=2026-03-02

$CD demo --persons 100 --seed 1 >/dev/null 2>"$T/demo.err" || fail "demo store" "$(cat "$T/demo.err")"

# ---- a read error at every read of a query, in turn
# The shim wraps SQLite's default VFS; an ASan binary wants its runtime first in LD_PRELOAD.
ASANLIB=$(ldd "$CD" 2>/dev/null | awk '/libasan/ { print $3 }')
PRELOAD=${ASANLIB:+$ASANLIB:}$SHIM
# Two people of one surname (the demo's most common one): a person to read and one to merge.
NAME=$(sqlite3 "$S" "SELECT surname_latin FROM person GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
person=$($CD search "$NAME" | head -1 | cut -d' ' -f1)
case=$($CD case list --all | head -1 | cut -d' ' -f1)
other=$($CD search "$NAME" | sed -n 2p | cut -d' ' -f1)
case "$person$other" in P-*P-*) pass "two people of one surname to work on" ;; *) fail "two people of one surname to work on" "'$person' '$other'" ;; esac
printf 'number,issuer,kind,reported\nZZ9999999,SYR,lost,2025-01-01\n' >"$T/lost.csv"
$CD --user admin lostdocs import "$T/lost.csv" >/dev/null 2>&1 || fail "lostdocs import" "$(cat "$T/err" 2>/dev/null)"
# scan NAME CMD...: the command without faults, then failing its 1st, 2nd ... read.  Every
# run must end with exit 7 and no output, or exit 0 and the whole output (a read SQLite
# itself retries, or one after the answer was complete).  Each run starts from the same
# store (a copy), so that commands that write give the same answer each time.
cp "$S" "$T/pristine"
# The store's seal key goes with it, as a backup's would: without it its audit trail cannot
# be verified (model/store/audit.c), and every `store check` verifies it.
cp "$S.seal.key" "$T/pristine.seal.key"
restore() { cp "$T/pristine" "$1"; cp "$T/pristine.seal.key" "$1.seal.key"; }
fresh() { rm -f "$S-wal" "$S-shm" "$S-damaged"; cp "$T/pristine" "$S"; }
scan() {
	name=$1; shift
	fresh
	LD_PRELOAD=$PRELOAD CASEDESK_READ_COUNT=$T/reads "$@" >"$T/base" 2>"$T/base.err"
	rc=$?
	reads=$(cat "$T/reads" 2>/dev/null || echo 0)
	if [ "$rc" -ne 0 ] || [ "$reads" -lt 5 ] || [ ! -s "$T/base" ]; then
		fail "$name: the command runs under the shim" "exit $rc, $reads reads" "$(head -3 "$T/base.err")"
		return
	fi
	n=1 bad="" store_errors=0
	while [ "$n" -le "$reads" ]; do
		fresh
		LD_PRELOAD=$PRELOAD CASEDESK_FAIL_READ=$n "$@" >"$T/o" 2>"$T/e"
		rc=$?
		if [ -e "$S-damaged" ]; then
			bad="$bad read $n: a read error marked the store damaged;"
		elif [ "$rc" -eq 7 ] && [ ! -s "$T/o" ]; then
			store_errors=$((store_errors + 1))
		elif [ "$rc" -ne 0 ] || ! cmp -s "$T/o" "$T/base"; then
			bad="$bad read $n: exit $rc, $(wc -l <"$T/o") of $(wc -l <"$T/base") lines, $(head -c 160 "$T/e");"
		fi
		n=$((n + 1))
	done
	if [ -z "$bad" ] && [ "$store_errors" -gt 0 ]; then
		pass "$name: each of $reads failed reads is exit 7 ($store_errors) or the whole answer"
	else
		fail "$name: a failed read gave a wrong answer" "$bad" "($store_errors of $reads were exit 7)"
	fi
}
if [ -f "$SHIM" ]; then
	scan "case list" $CD case list --all
	scan "search" $CD search OTHMAN
	scan "person show" $CD person show "$person"
	scan "case show" $CD case show "$case"
	scan "case history" $CD case history "$case"
	scan "user list" $CD user list
	scan "duplicates of a new person" $CD person add --surname Othman --given Aya --dob 1965-05-24 --sex F \
		--nationality SYR --force
	scan "case new" $CD case new residence --person "$person"
	scan "document add" $CD document add "$person" --number AB1234567 --issuer SYR --expires 2030-01-01
	scan "store check" $CD store check
	scan "lostdocs stats" $CD lostdocs stats
	scan "person merge" $CD --user supervisor person merge "$person" "$other" --reason "the same person"
else
	fail "the read-error shim is built" "no $SHIM (make $SHIM)"
fi
expect_eq "every scan left the store sound" "$(sqlite3 "$S" 'PRAGMA integrity_check')" ok

# ---- each open failure says what it is
expect_rc "a device (/dev/null) is refused" 7 $CD --store /dev/null case list
: >"$T/empty.casedesk"
expect_rc "an empty file is refused" 7 $CD --store "$T/empty.casedesk" case list
expect_grep "and called empty" "is an empty file" "$T/err"
cp "$S" "$T/magic.casedesk"
printf 'XXXXXXXXXXXXXXXX' | dd of="$T/magic.casedesk" conv=notrunc 2>/dev/null
expect_rc "a store whose first bytes were overwritten is refused" 7 $CD --store "$T/magic.casedesk" case list
expect_grep "as not SQLite, or overwritten" "not a SQLite file.*overwritten" "$T/err"
cp "$S" "$T/header.casedesk"
printf '\377\377\377' | dd of="$T/header.casedesk" bs=1 seek=16 conv=notrunc 2>/dev/null
expect_rc "a damaged header is refused" 7 $CD --store "$T/header.casedesk" case list
expect_grep "as a damaged header" "header of .* is damaged" "$T/err"
sqlite3 "$T/foreign.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
expect_rc "another program's SQLite file is refused" 7 $CD --store "$T/foreign.db" case list
expect_grep "as not casedesk's" "some other SQLite file" "$T/err"
cp "$S" "$T/newer.casedesk"
sqlite3 "$T/newer.casedesk" "PRAGMA user_version=99;"
expect_rc "a newer schema is refused" 7 $CD --store "$T/newer.casedesk" case list
expect_grep "as newer" "newer than this casedesk" "$T/err"

# Read-only file and folder, for real: as an account that is not root (root writes anyway).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	# (its own HOME: root's settings file is not nobody's to read)
	AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=$T"
else
	AS_USER=""
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$AS_USER" ]; then
	mkdir "$T/ro" "$T/rodir"
	chmod 755 "$T" "$T/ro" "$T/rodir"
	cp "$S" "$T/ro/file.casedesk"
	cp "$S" "$T/rodir/dir.casedesk"
	if [ -n "$AS_USER" ]; then
		chown 65534 "$T/ro" "$T/ro/file.casedesk" "$T/rodir/dir.casedesk"
	fi
	chmod 444 "$T/ro/file.casedesk"
	chmod 666 "$T/rodir/dir.casedesk"
	chmod 555 "$T/rodir"
	expect_rc "a read-only store file is refused" 7 $AS_USER $CD --store "$T/ro/file.casedesk" case list
	expect_grep "as read-only" "read-only for this account (mode 444, owner" "$T/err"
	expect_rc "a store in a read-only folder is refused" 7 $AS_USER $CD --store "$T/rodir/dir.casedesk" case list
	expect_grep "as a read-only folder" "folder .* is read-only for this account" "$T/err"
else
	pass "read-only file and folder: skipped (neither a plain account nor setpriv to become one)"
fi

# Read-only file system and a full disk: only where a mount namespace can be made (root).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	mkdir "$T/src" "$T/mnt"
	cp "$S" "$T/src/s.casedesk"
	unshare -m sh -c "mount --bind '$T/src' '$T/mnt' && mount -o remount,bind,ro '$T/mnt' &&
		'$CD' --store '$T/mnt/s.casedesk' case list" >"$T/out" 2>"$T/err"
	expect_eq "a store on a read-only file system is refused" "$?" 7
	expect_grep "as a read-only file system" "read-only file system" "$T/err"
	# A tmpfs just big enough for the store, then filled: the first write finds no room.
	size=$(( ($(stat -c %s "$S") / 1024) + 256 ))
	unshare -m sh -c "mount -t tmpfs -o size=${size}k tmpfs '$T/mnt' && cp '$S' '$T/mnt/s.casedesk' &&
		'$CD' --store '$T/mnt/s.casedesk' case list >/dev/null &&
		dd if=/dev/zero of='$T/mnt/fill' bs=4k 2>/dev/null; sync;
		'$CD' --store '$T/mnt/s.casedesk' --user clerk person add --surname Full --given Disk --dob 1980 \
			--sex X --nationality XXA --force" >"$T/out" 2>"$T/err"
	expect_eq "a write on a full disk is exit 7" "$?" 7
	expect_grep "and says the disk is full" "disk holding the store is full" "$T/err"
else
	pass "read-only file system and full disk: skipped (no mount namespace)"
fi

# ---- the date of birth is checked before any query
for dob in 2024-2-3 -1 "1980' OR 1" 19800101 2024-02-30; do
	expect_rc "person add --dob '$dob' is exit 6" 6 $CD --user clerk person add --surname Test --given Dob \
		--dob "$dob" --sex X --nationality XXA
	expect_grep "naming --dob ('$dob')" "\-\-dob" "$T/err"
done
expect_rc "a good partial date still registers" 0 $CD --user clerk person add --surname Test --given Dob \
	--dob 1980-02 --sex X --nationality XXA --force

# ---- numbers are read whole, or refused
for limit in 12abc abc -3 0 " 5" 99999999999999999999; do
	expect_rc "case list --limit '$limit' is refused" 2 $CD case list --limit "$limit"
done
expect_eq "case list --limit 3 gives 3" "$($CD case list --all --limit 3 | wc -l)" 3
head -c 32 /dev/urandom >"$T/key" && chmod 600 "$T/key"
expect_rc "CASEDESK_ENROL_TIMEOUT_MS=30s is refused" 6 env CASEDESK_ENROL_TIMEOUT_MS=30s CASEDESK_ENROL=/bin/true \
	CASEDESK_KEY="$T/key" $CD --user caseworker enrol search --finger right_index
expect_grep "naming the variable" "CASEDESK_ENROL_TIMEOUT_MS" "$T/err"

# ---- a demo killed half-way leaves no store under the real name; store check finds what
# it left (people without a search index: the index is built once, at the end)
K=$T/killed.casedesk
$CD --store "$K" demo --persons 2000000 --seed 3 >/dev/null 2>&1 &
pid=$!
part=""
# Wait for progress, not for time: the part file holding people (one batch committed).
while kill -0 "$pid" 2>/dev/null; do
	part=$(ls "$K".demo-*.part 2>/dev/null | head -1)
	if [ -n "$part" ] && [ "$(sqlite3 "$part" 'SELECT count(*) FROM person' 2>/dev/null || echo 0)" -gt 0 ]; then
		break
	fi
	sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -n "$part" ]; then pass "the demo built under its own name ($(basename "$part"))"; else fail "the demo built under its own name"; fi
if [ -e "$K" ]; then fail "a killed demo leaves no store under the real name" "$(ls -l "$K")"; else pass "a killed demo leaves no store under the real name"; fi
expect_rc "store check finds the half-built store damaged" 7 $CD --store "$part" store check
expect_grep "because its search index does not match the people" "search index does not match the people" "$T/err"
expect_rc "a completed demo is under the real name" 0 $CD --store "$K" demo --persons 50 --seed 3
expect_eq "and nothing else is left beside it but its seal keys" "$(ls "$K"* | grep -v part | tr '\n' ' ')" \
	"$K $K.seal-escrow.key $K.seal.key "

# ---- a store found damaged refuses changes until a clean check
D=$T/damaged.casedesk
restore "$D"
sqlite3 "$D" "DELETE FROM person_fts WHERE rowid IN (SELECT rowid FROM person_fts LIMIT 3)"
expect_rc "store check finds a search index missing people" 7 $CD --store "$D" store check
expect_grep "says how to repair it" "store check --rebuild-index" "$T/err"
expect_rc "the damage is recorded beside the store" 0 test -s "$D-damaged"
expect_rc "a change to the damaged store is refused" 7 $CD --store "$D" --user clerk person add --surname Late \
	--given Change --dob 1980 --sex X --nationality XXA --force
expect_grep "saying what was found and what to do" "found damaged .* README" "$T/err"
# Every read is audited, and an audit row is a change: a damaged store is not read either.
expect_rc "reading it is refused too (every read writes its audit row)" 7 $CD --store "$D" case list --all
expect_grep "for the same reason" "found damaged" "$T/err"
expect_rc "the index is rebuilt and the check is clean" 0 $CD --store "$D" store check --rebuild-index
expect_rc "the mark is gone" 1 test -e "$D-damaged"
expect_rc "changes are taken again" 0 $CD --store "$D" --user clerk person add --surname Late --given Change \
	--dob 1980 --sex X --nationality XXA --force
# A case that disagrees with its history: a backup is the repair, and the mark stays until a clean check.
sqlite3 "$D" "UPDATE cases SET state = 'nowhere' WHERE id = (SELECT min(id) FROM cases)"
expect_rc "store check finds a case that disagrees with its history" 7 $CD --store "$D" store check
expect_grep "and points to a backup" "restore it from a backup" "$T/err"
expect_rc "a change is refused" 7 $CD --store "$D" --user clerk person add --surname Late --given Again \
	--dob 1980 --sex X --nationality XXA --force
restore "$D"
expect_rc "after restoring, the check is clean" 0 $CD --store "$D" store check
expect_rc "and changes are taken" 0 $CD --store "$D" --user clerk person add --surname Late --given Again \
	--dob 1980 --sex X --nationality XXA --force
# Pages overwritten in the middle of the file: SQLite's integrity check finds it, a backup is the repair.
restore "$D"
rm -f "$D-damaged"
# A leaf page of the history (the event table), its cell pointers overwritten.
page=$(sqlite3 "$D" "SELECT pageno FROM dbstat WHERE name = 'event' AND pagetype = 'leaf' LIMIT 1")
python3 -c "
import sys
f = open(sys.argv[1], 'r+b')
f.seek(4096 * (int(sys.argv[2]) - 1) + 8); f.write(b'\xff' * 64)
" "$D" "$page"
expect_rc "store check finds pages overwritten" 7 $CD --store "$D" store check
expect_grep "in SQLite's integrity check" "integrity check: .*page" "$T/err"
expect_rc "a change is refused" 7 $CD --store "$D" --user clerk person add --surname Late --given Third \
	--dob 1980 --sex X --nationality XXA --force
restore "$D"
expect_rc "the backup restored, the check is clean again" 0 $CD --store "$D" store check
# The mark names the store it was made for: a new store under the same name is not refused for it.
sqlite3 "$D" "DELETE FROM person_key WHERE rowid IN (SELECT rowid FROM person_key LIMIT 1)"
expect_rc "store check marks the store again" 7 $CD --store "$D" store check
rm -f "$D" "$D-wal" "$D-shm" "$D.seal.key" "$D.seal-escrow.key"
expect_rc "a new store is made under the damaged one's name" 0 $CD --store "$D" init --office TBS --training
expect_rc "and takes changes: the old mark is not its own" 0 $CD --store "$D" --user clerk person add --surname New \
	--given Store --dob 1980 --sex X --nationality XXA
