#!/bin/sh
# An office server with thin clients (issue 12 item 1; README "An office server with thin
# clients"), tried as root as CI is: `make install` into a temporary PREFIX puts casedesk
# setgid `casedesk`; two OS accounts made with useradd share a store in a folder only that
# group may enter.  Each runs sqlite3 on the store (refused) and casedesk (works); the
# environment that could redirect a setgid program is ignored; a PDF written for the user is
# the user's own (uid, gid, 0600); core dumps are off; the group is dropped before the
# enrolment helper runs; the biometric key is the group's.
. tests/script/lib.sh
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: t_install needs root (useradd, groupadd, a setgid install); CI runs it as root"
	exit 0
fi
for tool in useradd userdel setpriv runuser sqlite3; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is installed"; exit 0; }
done
ROOT=$(pwd)
A=cdta$$; B=cdtb$$
KEY=/etc/casedesk/biometric.key
made_key=""; made_etc=""
started=""
cleanup() {
	for p in $started; do kill "$p" 2>/dev/null; done
	userdel "$A" 2>/dev/null; userdel "$B" 2>/dev/null
	[ -n "$made_key" ] && rm -f "$KEY"
	[ -n "$made_etc" ] && rmdir /etc/casedesk 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"
P=$T/prefix
if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS nice make -s -C "$ROOT" install PREFIX="$P" >"$T/install.log" 2>&1; then
	fail "make install PREFIX=$P" "$(tail -5 "$T/install.log")"; exit 0
fi
CDI=$P/bin/casedesk
expect_eq "installed setgid to the group casedesk" "$(stat -c '%G %a' "$CDI")" "casedesk 2755"
expect_eq "the helper beside it, not setgid" "$(stat -c '%a' "$P/bin/casedesk-enrol")" 755
expect_eq "data under PREFIX/share/casedesk" "$(test -f "$P/share/casedesk/workflows/asylum.ini" && echo yes)" yes
expect_eq "catalogues under PREFIX/share/locale" "$(test -f "$P/share/locale/uk/LC_MESSAGES/casedesk.mo" && echo yes)" yes

useradd -M -U -s /bin/sh "$A" && useradd -M -U -s /bin/sh "$B" || { fail "useradd"; exit 0; }
UA=$(id -u "$A"); GA=$(id -g "$A")
# as USER CMD...: run as the account, its own groups only, umask 077 like a careful login.
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups sh -c 'umask 077; exec "$@"' sh "$@"; }

# The store's folder: the group casedesk and no one else.
D=$T/srv
install -d -o root -g casedesk -m 2770 "$D"
S=$D/office.casedesk
expect_rc "the first account makes the store through casedesk" 0 as "$A" "$CDI" --store "$S" init --office ABC
expect_rc "and adds the second" 0 as "$A" "$CDI" --store "$S" user add "$B" --role clerk --role caseworker --workflows all
expect_eq "the store belongs to the group, not to others" "$(stat -c '%G' "$S"; stat -c '%a' "$S" | cut -c3)" "casedesk
0"
expect_rc "sqlite3 on the store as a user fails" 1 as "$B" sqlite3 "$S" "UPDATE users SET roles=15"
expect_grep "because the folder is the group's" "unable to open\|authorization denied\|Permission denied" "$T/err"
expect_rc "cat on the store as a user fails" 1 as "$B" cat "$S"
# Every desk seals: the seal key is the group's (an auditor found only init's account could).
expect_eq "the seal key belongs to the group, read and written by it only" "$(stat -c '%G %a' "$S.seal.key")" "casedesk 660"
expect_rc "cat on the seal key as a user fails" 1 as "$B" cat "$S.seal.key"
expect_rc "the admin seals every 2 rows" 0 as "$A" "$CDI" --store "$S" audit policy --rows 2 --minutes 60
seals_before=$(sqlite3 "$S" "SELECT count(*) FROM audit_seal")
for i in 1 2 3; do as "$B" "$CDI" --store "$S" user list >/dev/null 2>&1; as "$B" "$CDI" --store "$S" search Nobody >/dev/null 2>&1; done
expect_eq "the second account's reads were sealed by its own desk" \
	"$(sqlite3 "$S" "SELECT count(*) > $seals_before FROM audit_seal")" 1
expect_rc "casedesk as that user works" 0 as "$B" "$CDI" --store "$S" user list
chmod 2775 "$D"
expect_rc "a real store in a folder open to others is refused" 4 as "$B" "$CDI" --store "$S" user list
expect_grep "saying how to close it" "closed to others" "$T/err"
chmod 2770 "$D"
expect_rc "a file named to casedesk is read with the user's rights, not the group's" 6 as "$B" "$CDI" workflow lint "$S"
expect_grep "so the store cannot be read through lint" "cannot open: Permission denied" "$T/err"

# Environment that could redirect a setgid program is ignored.
mkdir -p "$T/fake/workflows"
printf '[ui]\nlanguage = not-a-code!\n' >"$T/bad.ini"
chmod -R a+rX "$T/fake" "$T/bad.ini"
# (Workflows come from the store whatever the variable says; forms are still read from data/.)
expect_rc "CASEDESK_DATA ignored under setgid" 0 as "$B" env CASEDESK_DATA="$T/fake" "$CDI" form list
expect_grep "the installed forms are used" "acknowledgement" "$T/out"
cp "$CDI" "$T/plain-casedesk"     # the same program, not setgid: it honours the variable
expect_rc "(control: without setgid CASEDESK_DATA is honoured)" 3 env CASEDESK_DATA="$T/fake" "$T/plain-casedesk" form list
if grep -q acknowledgement "$T/out"; then fail "the control lists no form from an empty folder"; else pass "the control lists no form from an empty folder"; fi
expect_rc "CASEDESK_CONFIG ignored under setgid" 0 as "$B" env CASEDESK_CONFIG="$T/bad.ini" "$CDI" --store "$S" user list
expect_rc "(control: without setgid CASEDESK_CONFIG is read)" 6 env CASEDESK_CONFIG="$T/bad.ini" "$T/plain-casedesk" --help

# A PDF written for the user: the user's uid and gid, 0600.
PB=$($CDI --version >/dev/null; as "$B" "$CDI" --store "$S" person add --surname Kovalenko --given Olha --dob 1991-02-03 --sex F --nationality UKR)
as "$B" "$CDI" --store "$S" document add "$PB" --number FK7654321 --issuer UKR --expires 2031-01-01 >/dev/null
CB=$(as "$B" "$CDI" --store "$S" case new residence --person "$PB")
mkdir -m 700 "$T/home-a" && chown "$A:$A" "$T/home-a"
# A's PDF: B lacks rights to other users' folders, so the form is A's; give A the roles.
as "$A" "$CDI" --store "$S" user add "$A-cw" --role caseworker --os-account "$A" >/dev/null 2>&1 || true
# A real office's letters carry its own letterhead, never the package's example address.
expect_rc "no letter before the office has a letterhead of its own" 6 as "$A" "$CDI" --store "$S" form "$CB" acknowledgement -o "$T/home-a/ack.pdf"
expect_grep "  saying how to set one" "office set name" "$T/err"
as "$A" "$CDI" --store "$S" office set name "Migration Office Test Town" >/dev/null
as "$A" "$CDI" --store "$S" office set address "1 Station Road, Test Town" >/dev/null
expect_rc "the user prints a form into a folder of their own" 0 as "$A" "$CDI" --store "$S" form "$CB" acknowledgement -o "$T/home-a/ack.pdf"
# A subject access export is the user's file too: it cannot replace the store, nor land in the
# group's folder (an auditor's finding: it once wrote with the group's rights).
cp "$S" "$T/store-before"
if as "$A" "$CDI" --store "$S" person export "$PB" -o "$S" --force >"$T/out" 2>"$T/err"; then
	fail "an export over the store is refused" "$(cat "$T/out")"
else
	pass "an export over the store is refused"
fi
expect_rc "and the store is still the store" 0 cmp -s "$S" "$T/store-before"
if as "$A" "$CDI" --store "$S" person export "$PB" -o "$D/x.json" >"$T/out" 2>"$T/err"; then
	fail "an export into the group's folder is refused" "$(cat "$T/out")"
else
	pass "an export into the group's folder is refused"
fi
expect_rc "and nothing was made there" 1 test -e "$D/x.json"
expect_eq "the PDF is the user's: uid, gid, 0600" "$(stat -c '%u %g %a' "$T/home-a/ack.pdf")" "$UA $GA 600"
expect_rc "casedesk cannot write into a folder only the group may (the group is not lent)" 6 \
	as "$A" "$CDI" --store "$S" form "$CB" acknowledgement -o "$D/planted.pdf"
expect_grep "and says why, naming the path" "cannot write $D/planted.pdf: Permission denied" "$T/err"

# No core dumps: the running program's limit is 0 and it is not dumpable (its /proc files are root's).
mkfifo "$T/fifo"
setpriv --reuid="$A" --regid="$A" --init-groups "$CDI" mrz parse <"$T/fifo" >/dev/null 2>&1 &
pid=$!; started="$started $pid"
exec 3>"$T/fifo"
i=0; while [ $i -lt 200 ] && [ "$(readlink /proc/$pid/exe 2>/dev/null)" != "$CDI" ]; do i=$((i + 1)); sleep 0.05; done
# main() sets the limit just after exec: wait (bounded) for it rather than race it.
core() { awk '/^Max core file size/ {print $5 " " $6}' /proc/$pid/limits 2>/dev/null; }
i=0; while [ $i -lt 200 ] && [ "$(core)" != "0 0" ]; do i=$((i + 1)); sleep 0.05; done
expect_eq "core file size limit is 0" "$(core)" "0 0"
expect_eq "not dumpable: its /proc entries belong to root" "$(stat -c %u /proc/$pid/status)" 0
expect_eq "while it runs as the user" "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" "$UA"
exec 3>&-
wait $pid || :

# The group is dropped before the enrolment helper runs; the key is the group's (root:casedesk 0640).
if [ -e "$KEY" ]; then
	echo "SKIP: $KEY exists on this machine; the helper's ids are not checked"
else
	[ -d /etc/casedesk ] || { mkdir -m 755 /etc/casedesk && made_etc=1; }
	head -c 32 /dev/urandom >"$KEY" && made_key=1
	chown root:casedesk "$KEY" && chmod 640 "$KEY"
	expect_rc "the key cannot be read by the user" 1 as "$A" cat "$KEY"
	# Nor probed through --store: the group is lent only inside its own folder (an auditor read
	# "is not a SQLite file" for the key, so it was opened with the group's rights).
	expect_rc "--store on the key is refused before it is opened" 4 as "$A" "$CDI" --store "$KEY" case list
	if grep -q "SQLite" "$T/err"; then fail "and says nothing of what the key holds" "$(cat "$T/err")"; else pass "and says nothing of what the key holds"; fi
	echo "P3" >"$T/home-a/face.ppm"; chown "$A" "$T/home-a/face.ppm"
	setpriv --reuid="$A" --regid="$A" --init-groups env CASEDESK_ENROL_FAULT=hang:capture "$CDI" --store "$S" \
		enrol "$PB" --face "$T/home-a/face.ppm" >"$T/enrol.out" 2>&1 &
	pid=$!; started="$started $pid"
	helper=""; i=0
	while [ $i -lt 200 ] && [ -z "$helper" ]; do
		helper=$(cat /proc/$pid/task/*/children 2>/dev/null | tr ' ' '\n' | grep . | head -1)
		[ -n "$helper" ] && [ "$(readlink /proc/$helper/exe 2>/dev/null)" != "$P/bin/casedesk-enrol" ] && helper=""
		i=$((i + 1)); sleep 0.05
	done
	if [ -z "$helper" ]; then
		fail "the helper starts (so the key was read through the group)" "$(cat "$T/enrol.out")"
	else
		pass "the helper starts (so the key was read through the group)"
		started="$started $helper"
		expect_eq "the helper has the user's gid only (real, effective, saved, fs)" \
			"$(awk '/^Gid:/ {print $2, $3, $4, $5}' /proc/$helper/status)" "$GA $GA $GA $GA"
		expect_eq "and not the group casedesk among its groups" \
			"$(awk '/^Groups:/' /proc/$helper/status | grep -cw "$(getent group casedesk | cut -d: -f3)")" 0
		kill "$helper" 2>/dev/null
	fi
	wait $pid 2>/dev/null || :
fi
