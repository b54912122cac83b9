#!/bin/sh
# t_admin.sh - administration on the command line (issue 13 item 9), real binary, real store
# files: init needs --office and prints the next steps; user set replaces roles and keeps
# the last admin; user disable/enable, a disabled account refused whichever way it comes;
# the office's settings set, checked and shown, and a form printed after `office set name`
# carries the new letterhead; an account that cannot open the store is told which
# permission is missing and how it is granted.
. tests/script/lib.sh
S=$T/office.casedesk
cli() { "$CD" --store "$S" "$@"; }

# ---- init
expect_rc "init without --office is a usage error" 2 "$CD" --store "$T/x.casedesk" init
expect_grep "saying what the code is, with an example" "office's code, 2 to 5 capital letters.*init --office TBS" "$T/err"
expect_rc "and makes no store" 1 test -e "$T/x.casedesk"
expect_rc "a real store with --office" 0 "$CD" --store "$T/real.casedesk" init --office ABC
expect_grep "init prints the next steps" "^Next steps:" "$T/out"
expect_grep "adding users" "casedesk user add NAME --role" "$T/out"
expect_grep "the workflows installed" "shipped workflows are installed (4)" "$T/out"
expect_grep "where the store is" "export CASEDESK_STORE=$T/real.casedesk" "$T/out"
expect_grep "how to start" "start: casedesk " "$T/out"
expect_grep "and the letterhead" "casedesk office set name" "$T/out"
expect_rc "a training store needs --office too (practice is on the office's own numbers)" 2 "$CD" --store "$S" init --training
expect_grep "saying what the code is" "init needs --office CODE" "$T/err"
expect_rc "a training store with its office" 0 "$CD" --store "$S" init --office TBS --training
expect_grep "and says how to act in it" "act as one with --user NAME" "$T/out"

# ---- users
expect_rc "user set by a non-admin is refused" 4 cli --user clerk user set caseworker --role admin
expect_rc "user set replaces the roles" 0 cli --user admin user set clerk --role caseworker --role supervisor
expect_eq "in the store" "$(sqlite3 "$S" "SELECT roles FROM users WHERE name = 'clerk'")" 6
expect_rc "an admin cannot take their own admin role" 4 cli --user admin user set admin --role caseworker
expect_grep "saying another admin can" "another admin can" "$T/err"
expect_rc "an admin cannot disable themselves" 4 cli --user admin user disable admin
expect_rc "disabling an unknown user" 3 cli --user admin user disable nobody
expect_rc "user disable" 0 cli --user admin user disable caseworker
expect_grep "says how to undo it" "casedesk user enable caseworker" "$T/out"
expect_eq "the store has them inactive" "$(sqlite3 "$S" "SELECT active FROM users WHERE name = 'caseworker'")" 0
expect_eq "audited" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action = 'disable' AND entity = 'user'")" 1
expect_rc "a disabled user cannot act" 4 cli --user caseworker case list
expect_grep "and is told an admin can enable them" "disabled and cannot act; an admin can enable it" "$T/err"
expect_rc "user list shows them disabled" 0 cli --user admin user list
expect_grep "marked" "^caseworker .*(disabled)" "$T/out"
expect_rc "user enable" 0 cli --user admin user enable caseworker
expect_rc "and they act again" 0 cli --user caseworker case list
expect_rc "the last admin keeps the role" 0 cli --user admin user set supervisor --role supervisor --role admin
expect_rc "(a second admin disables the first)" 0 cli --user supervisor user disable admin
expect_rc "the last active admin cannot demote themselves" 4 cli --user supervisor user set supervisor --role clerk
expect_rc "nor disable themselves" 4 cli --user supervisor user disable supervisor
expect_rc "(enable the first again)" 0 cli --user supervisor user enable admin

# ---- office settings
expect_rc "office show on a new store" 0 cli --user clerk office show
expect_grep "notes the letterhead comes from the data file" "data/forms/office.ini" "$T/out"
expect_rc "(supervisor is no admin now)" 0 cli --user admin user set supervisor --role supervisor
expect_rc "office set by a supervisor is refused" 4 cli --user supervisor office set name X
expect_rc "an unknown setting is refused" 6 cli --user admin office set colour red
expect_rc "a time limit that is no duration is refused" 6 cli --user admin office set appeal_limit "thirty days"
expect_grep "saying how to write one" "30d, 10wd, 4w, 1m" "$T/err"
expect_rc "a control character is refused" 6 cli --user admin office set name "$(printf 'A\033[31mB')"
expect_rc "office set name" 0 cli --user admin office set name "Migration Office Riverside"
expect_rc "office set address" 0 cli --user admin office set address "1 River Road, 2020 Town"
expect_rc "office set phone" 0 cli --user admin office set phone "+1 555 0100"
expect_rc "office set email" 0 cli --user admin office set email "desk@riverside.example"
expect_rc "office set appeal_court" 0 cli --user admin office set appeal_court "Administrative Court of Town"
expect_rc "office set appeal_limit" 0 cli --user admin office set appeal_limit 30d
expect_eq "each audited" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE entity = 'office'")" 6
expect_rc "office show --json" 0 cli --user clerk --json office show
expect_grep "the letterhead is the store's" '"letterhead":"store"' "$T/out"
expect_grep "with the time limit" '"appeal_limit":"30d"' "$T/out"
expect_grep "and the court" '"appeal_court":"Administrative Court of Town"' "$T/out"

# ---- the letterhead on a printed form
if command -v pdftotext >/dev/null 2>&1; then
	P=$(cli --user clerk person add --surname Doe --given Jane --dob 1990-01-01 --sex F --nationality GBR)
	C=$(cli --user caseworker case new residence --person "$P")
	expect_rc "a form prints" 0 cli --user caseworker form "$C" acknowledgement -o "$T/ack.pdf"
	pdftotext "$T/ack.pdf" "$T/ack.txt" 2>/dev/null
	expect_grep "its letterhead is the office's name" "^Migration Office Riverside" "$T/ack.txt"
	expect_grep "its address" "1 River Road, 2020 Town" "$T/ack.txt"
	expect_grep "phone and email" "+1 555 0100 - desk@riverside.example" "$T/ack.txt"
	if grep -q "Tbilisi Road" "$T/ack.txt"; then
		fail "and nothing of the package's letterhead"
	else
		pass "and nothing of the package's letterhead"
	fi
	expect_rc "removing the name" 0 cli --user admin office set name ""
	expect_rc "the form again" 0 cli --user caseworker form "$C" acknowledgement -o "$T/ack2.pdf"
	pdftotext "$T/ack2.pdf" "$T/ack2.txt" 2>/dev/null
	expect_grep "falls back to the package's letterhead" "Tbilisi Road" "$T/ack2.txt"
else
	fail "pdftotext is installed" "poppler-utils: .ci/deps installs it"
fi

# ---- an account that cannot open the store: a real second account where root can become one
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=$T"
	mkdir "$T/d"
	cp "$S" "$T/d/s.casedesk"
	chmod 755 "$T"
	chmod 700 "$T/d"
	expect_rc "a folder the account cannot enter" 7 $AS "$CD" --store "$T/d/s.casedesk" --user clerk case list
	expect_grep "names the folder and the missing permission" "the account nobody cannot open the store .*the folder $T/d is closed to this account (mode 700, owner root, group root): it may not" "$T/err"
	expect_grep "and how it is granted: the group casedesk, the setgid install" "chgrp casedesk $T/d; chmod 2770 $T/d; and run the casedesk that .make install. installs setgid" "$T/err"
	if grep -q "adduser\|usermod\|group root," "$T/err"; then fail "never advises joining root's group, no stray \",:\""; else pass "never advises joining root's group, no stray \",:\""; fi
	chmod 755 "$T/d"
	chmod 600 "$T/d/s.casedesk"
	expect_rc "a store file the account cannot read" 7 $AS "$CD" --store "$T/d/s.casedesk" --user clerk case list
	expect_grep "names the file" "the store file $T/d/s.casedesk is closed to this account (mode 600, owner root, group root): casedesk reads" "$T/err"
	if getent group casedesk >/dev/null 2>&1; then
		chgrp casedesk "$T/d/s.casedesk"
		chmod 660 "$T/d/s.casedesk"
		expect_rc "a store of the group casedesk, opened by a plain build" 7 $AS "$CD" --store "$T/d/s.casedesk" --user clerk case list
		expect_grep "says the setgid program is not the one running" "not the installed one: .make install. as root installs casedesk setgid" "$T/err"
		expect_grep "and names the group" "adduser nobody casedesk" "$T/err"
	fi
	chmod 666 "$T/d/s.casedesk"
	chmod 777 "$T/d"
	# SQLite's "unable to open database file": the -shm beside the store belongs to another account.
	sqlite3 "$T/d/s.casedesk" "PRAGMA journal_mode" >/dev/null
	: >"$T/d/s.casedesk-wal"
	: >"$T/d/s.casedesk-shm"
	chmod 600 "$T/d/s.casedesk-wal" "$T/d/s.casedesk-shm"
	expect_rc "a -wal file of another account" 7 $AS "$CD" --store "$T/d/s.casedesk" --user clerk case list
	expect_grep "names it, not SQLite's words" "s.casedesk-wal, which SQLite keeps beside the store, is closed to this account" "$T/err"
	if grep -q "unable to open database file" "$T/err"; then fail "without \"unable to open database file\""; else pass "without \"unable to open database file\""; fi
else
	# Without a second account: the folder made read-only for this one.
	mkdir "$T/d" && cp "$S" "$T/d/s.casedesk" && chmod 555 "$T/d"
	expect_rc "a read-only folder" 7 "$CD" --store "$T/d/s.casedesk" --user clerk case list
	expect_grep "names the folder" "the folder $T/d is read-only for this account" "$T/err"
	chmod 755 "$T/d"
fi

# ---- a field kit: the passphrase is the door, and a disabled user's right one opens nothing
K=$T/kit.casedesk
kit() { setsid -w "$CD" --store "$K" "$@"; }
CHIEF="the chief keeps the kit"
BOB="bob walks to the border post"
printf '%s\n' "$CHIEF" | kit --user chief --passphrase-fd 0 init --kit --office TBS >/dev/null 2>&1
printf '%s\n' "$CHIEF" | kit --user chief --passphrase-fd 0 user add bob --role caseworker --workflows all >/dev/null 2>&1
printf '%s\n%s\n' "$CHIEF" "$BOB" | kit --user chief --passphrase-fd 0 user passphrase bob >/dev/null 2>&1
printf '%s\n' "$BOB" | kit --user bob --passphrase-fd 0 case list >"$T/out" 2>"$T/err"
expect_eq "(bob acts on the kit)" "$?" 0
printf '%s\n' "$CHIEF" | kit --user chief --passphrase-fd 0 user disable bob >/dev/null 2>&1
printf '%s\n' "$BOB" | kit --user bob --passphrase-fd 0 case list >"$T/out" 2>"$T/err"
expect_eq "a disabled kit user with the right passphrase is refused" "$?" 4
expect_grep "told an admin can enable them" "disabled and cannot act; an admin can enable it" "$T/err"
printf '%s\n' "wrong wrong wrong wrong" | kit --user bob --passphrase-fd 0 case list >"$T/out" 2>"$T/err"
expect_grep "a wrong passphrase still says only that (the name's state is not told)" "wrong user name or passphrase" "$T/err"
