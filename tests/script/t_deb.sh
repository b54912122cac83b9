#!/bin/sh
# The Debian package (issue 17; README, "Installing the Debian package"), tried as root as CI
# is: `make deb` builds it and lintian finds no error; `apt-get install ./casedesk_*.deb`
# puts casedesk on the PATH setgid to the group casedesk (through dpkg-statoverride), makes
# the store folder /var/lib/casedesk (root:casedesk 2770) and ships the timers disabled; an
# OS account made here, not in the group, makes a store there through the installed program,
# registers a person and reads it back.  `apt-get remove` then `apt-get purge` leave the store
# byte for byte; a reinstall after the purge opens it again (the group was kept); a purge
# with the folder empty removes the folder and the statoverride.
#
# The test leaves the machine as it found it: what the package's postinst made that purge
# keeps on purpose (the group, the account casedesk-jobs, the biometric key) is removed here
# when it was not there before.  What it made is written to $STATE as it goes, so a run that
# was killed is cleaned up by the next.  A casedesk package installed by anyone else is never
# touched: the test skips.
. tests/script/lib.sh
ROOT=$(pwd)
VERSION=$(sed -n 's/^VERSION := *//p' Makefile)
CHANGELOG=$(sed -n '1s/^casedesk (\([^)]*\)).*/\1/p' debian/changelog)
expect_eq "debian/changelog's version is the Makefile's VERSION" "$CHANGELOG" "$VERSION"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: t_deb needs root (apt-get install of the package, useradd); CI runs it as root"
	exit 0
fi
for tool in dpkg apt-get dpkg-statoverride useradd userdel runuser sha256sum; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: t_deb needs $tool (a Debian system)"; exit 0; }
done

STATE=/var/tmp/casedesk-t_deb.state
DIR=/var/lib/casedesk
KEY=/etc/casedesk/biometric.key
APT="env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300"

# Undo what $STATE says this test made, in an order that works whatever step it stopped at.
undo() {
	[ -f "$STATE" ] || return 0
	if grep -qx package "$STATE" && dpkg-query -W -f='${Status}' casedesk 2>/dev/null | grep -q installed; then
		$APT purge casedesk >/dev/null 2>&1
	fi
	while read -r what arg; do
		case $what in
		account) userdel "$arg" 2>/dev/null; getent group "$arg" >/dev/null && groupdel "$arg" 2>/dev/null ;;
		store) rm -rf "$arg" "$arg"-* "$arg".* ;;
		esac
	done <"$STATE"
	grep -qx dir "$STATE" && { rm -rf "$DIR/forms"; rmdir "$DIR" 2>/dev/null; }
	if grep -qx jobs "$STATE"; then userdel casedesk-jobs 2>/dev/null; groupdel casedesk-jobs 2>/dev/null; fi
	grep -qx key "$STATE" && rm -f "$KEY"
	grep -qx etc "$STATE" && rmdir /etc/casedesk 2>/dev/null
	grep -qx group "$STATE" && groupdel casedesk 2>/dev/null
	[ -z "$(dpkg-statoverride --list /usr/bin/casedesk 2>/dev/null)" ] || ! grep -qx package "$STATE" ||
		dpkg-statoverride --remove /usr/bin/casedesk 2>/dev/null
	rm -f "$STATE"
}
if [ -f "$STATE" ]; then
	echo "a previous run left $STATE: cleaning up after it"
	undo
fi
if dpkg-query -W -f='${Status}' casedesk 2>/dev/null | grep -q "install ok installed"; then
	echo "SKIP: a casedesk package is installed on this machine; t_deb installs and purges it, so it runs only where none is"
	exit 0
fi
trap 'undo; rm -rf "$T"' EXIT
: >"$STATE"
# What exists before the package comes: only what the package makes is removed afterwards.
getent group casedesk >/dev/null || echo group >>"$STATE"
getent passwd casedesk-jobs >/dev/null || echo jobs >>"$STATE"
[ -e "$KEY" ] || echo key >>"$STATE"
[ -e /etc/casedesk ] || echo etc >>"$STATE"
[ -e "$DIR" ] || echo dir >>"$STATE"

# The package, built as `make deb` builds it (a release build: about a minute here).
start=$(date +%s)
if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$ROOT" deb >"$T/deb.log" 2>&1; then
	pass "make deb builds the package and lintian reports no error"
else
	fail "make deb builds the package and lintian reports no error" "$(tail -15 "$T/deb.log")"; exit 0
fi
echo "make deb took $(($(date +%s) - start)) s"
grep '^[EW]: ' "$T/deb.log" | sed 's/^/lintian: /'
expect_eq "and no warning either (every program has its man page)" "$(grep -c '^W: ' "$T/deb.log")" 0
DEB=$(ls "$ROOT"/build/casedesk_"$VERSION"_*.deb 2>/dev/null | head -1)
expect_eq "named casedesk_VERSION_ARCH.deb" "$(basename "$DEB")" "casedesk_${VERSION}_$(dpkg --print-architecture).deb"
dpkg-deb -c "$DEB" >"$T/contents"
expect_grep "the program is packed without its group (postinst sets it)" " root/root .* ./usr/bin/casedesk$" "$T/contents"
# The man pages and completion come through make install.
expect_grep "the package holds casedesk(1)" "usr/share/man/man1/casedesk.1" "$T/contents"
expect_grep "and casedesk-enrol(1)" "usr/share/man/man1/casedesk-enrol.1" "$T/contents"
expect_grep "and the bash completion" "usr/share/bash-completion/completions/casedesk$" "$T/contents"

echo package >>"$STATE"
if $APT install --no-install-recommends "$DEB" >"$T/apt.log" 2>&1; then
	pass "apt-get install ./casedesk_*.deb"
else
	fail "apt-get install ./casedesk_*.deb" "$(tail -10 "$T/apt.log")"; exit 0
fi
expect_eq "casedesk on the PATH is /usr/bin/casedesk" "$(env -i PATH=/usr/local/bin:/usr/bin:/bin sh -c 'command -v casedesk')" /usr/bin/casedesk
expect_eq "setgid to the group casedesk" "$(stat -c '%U %G %a' /usr/bin/casedesk)" "root casedesk 2755"
expect_eq "through dpkg-statoverride, so upgrades keep it" "$(dpkg-statoverride --list /usr/bin/casedesk)" "root casedesk 2755 /usr/bin/casedesk"
expect_eq "the helper is not setgid" "$(stat -c '%G %a' /usr/bin/casedesk-enrol)" "root 755"
expect_rc "the group casedesk exists" 0 getent group casedesk
if grep -qx group "$STATE"; then pass "(made by the postinst: it was missing before)"; fi
expect_eq "the store folder is the group's only" "$(stat -c '%U %G %a' "$DIR")" "root casedesk 2770"
expect_eq "the biometric key is the group's to read" "$(stat -c '%U %G %a' "$KEY")" "root casedesk 640"
expect_eq "the timers' account is not in the group" "$(id -nG casedesk-jobs | tr ' ' '\n' | grep -cx casedesk)" 0
expect_eq "the units are installed" "$(ls /lib/systemd/system/casedesk-* | xargs -n1 basename | tr '\n' ' ')" \
	"casedesk-check.service casedesk-check.timer casedesk-sync.service casedesk-sync.timer "
expect_eq "and the timers shipped disabled" "$(systemctl is-enabled casedesk-sync.timer casedesk-check.timer 2>&1 | tr '\n' ' ')" "disabled disabled "
if command -v systemd-analyze >/dev/null 2>&1; then
	expect_rc "systemd-analyze verify finds nothing wrong in the units" 0 systemd-analyze verify --man=no \
		/lib/systemd/system/casedesk-sync.service /lib/systemd/system/casedesk-sync.timer \
		/lib/systemd/system/casedesk-check.service /lib/systemd/system/casedesk-check.timer
	if [ -s "$T/err" ]; then fail "  without a warning" "$(head -5 "$T/err")"; else pass "  without a warning"; fi
fi

# A second OS account, as README's office server has: its own login, never in the group.
A=cdeb$$
echo "account $A" >>"$STATE"
useradd -M -U -s /bin/sh "$A" || { fail "useradd $A"; exit 0; }
S=$DIR/t_deb-$$.casedesk
echo "store $S" >>"$STATE"
as() { (cd / && runuser -u "$A" -- env -i PATH=/usr/bin:/bin LANG=C.UTF-8 sh -c 'umask 077; exec "$@"' sh "$@"); }
expect_rc "the account cannot enter the store folder itself" 2 as ls "$DIR"
expect_rc "it makes a store there through the installed casedesk" 0 as casedesk --store "$S" init --office TDB
P=$(as casedesk --store "$S" person add --surname Bondarenko --given Iryna --dob 1988-04-05 --sex F --nationality UKR 2>"$T/err")
if [ -n "$P" ]; then pass "registers a person"; else fail "registers a person" "$(cat "$T/err")"; fi
expect_rc "reads the person back" 0 as casedesk --store "$S" person show "$P"
expect_grep "  by name" "Bondarenko" "$T/out"
expect_eq "the store is the group's, closed to others" "$(stat -c '%G' "$S"; stat -c '%a' "$S" | cut -c3)" "casedesk
0"
expect_rc "the account cannot read the store file" 1 as cat "$S"

# The sync service's command, as its account, on this store (no systemd here to start it):
# the account reaches the store through the setgid program and gets as far as the national
# tier, which this store does not name yet.
unit=/lib/systemd/system/casedesk-sync.service
JU=$(sed -n 's/^User=//p' "$unit"); JCMD=$(sed -n 's/^ExecStart=//p' "$unit")
expect_rc "the store's admin registers the timers' account" 0 as casedesk --store "$S" user add jobs \
	--role caseworker --workflows all --os-account "$JU"
expect_rc "the sync service's command as $JU opens the store" 2 \
	sh -c 'cd / && runuser -u "$1" -- env -i CASEDESK_STORE="$2" $3' sh "$JU" "$S" "$JCMD"
expect_grep "  and stops only at the national database the store does not name" "names no national database" "$T/err"
sums() { (cd "$DIR" && sha256sum "$(basename "$S")"*); }
sums >"$T/before"
expect_rc "apt-get remove casedesk" 0 $APT remove casedesk
expect_rc "the program is gone" 1 test -e /usr/bin/casedesk
sums >"$T/after-remove"
expect_rc "remove leaves the store and its files byte for byte" 0 cmp -s "$T/before" "$T/after-remove"
expect_rc "apt-get purge casedesk" 0 $APT purge casedesk
sums >"$T/after-purge"
expect_rc "purge leaves the store and its files byte for byte" 0 cmp -s "$T/before" "$T/after-purge"
expect_eq "and its folder, not empty, as it was" "$(stat -c '%U %G %a' "$DIR")" "root casedesk 2770"
expect_eq "purge drops the statoverride" "$(dpkg-statoverride --list /usr/bin/casedesk)" ""
expect_rc "purge keeps the group the store belongs to" 0 getent group casedesk
expect_rc "and the biometric key" 0 test -f "$KEY"

expect_rc "installed again" 0 $APT install --no-install-recommends "$DEB"
expect_rc "the account reads the person from the same store" 0 as casedesk --store "$S" person show "$P"
expect_grep "  by name" "Bondarenko" "$T/out"
rm -f "$S" "$S"-* "$S".*
rm -rf "$DIR/forms"
expect_rc "purged with the folder empty" 0 $APT purge casedesk
if grep -qx dir "$STATE"; then
	expect_rc "the empty folder goes with the package" 1 test -e "$DIR"
fi
