#!/bin/sh
# t_setgid_gateway.sh - the check gateway under the setgid group (issues 9 and 16), as root
# as CI is; a hostile review found both holes (review18):
#  - the environment: libcurl reads SSLKEYLOGFILE (and proxies) with plain getenv, so a
#    caseworker could make `check run` append TLS secrets to any file of the group, the
#    store's seal key say.  A setgid casedesk drops every variable but a short list first.
#  - the settings: [gateway] from the user's own file let a caseworker send applicants' data
#    to a gateway of their own (or have every check answered "clear").  A setgid casedesk
#    takes [gateway] from root's /etc/casedesk/casedesk.ini only, refused unless root's.
. tests/script/lib.sh
. tests/script/gw_lib.sh
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: t_setgid_gateway needs root (useradd, a setgid copy, /etc/casedesk); CI runs it as root"
	exit 0
fi
SYS=/etc/casedesk/casedesk.ini
if [ -e "$SYS" ]; then
	echo "SKIP: $SYS exists on this machine; the test writes its own and will not clobber it"
	exit 0
fi
A=cdga$$; B=cdgb$$
made_group=""; made_etc=""
cleanup() {
	gw_stop
	userdel "$A" 2>/dev/null; userdel "$B" 2>/dev/null
	rm -f "$SYS"
	[ -n "$made_etc" ] && rmdir /etc/casedesk 2>/dev/null
	[ -n "$made_group" ] && groupdel casedesk 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
getent group casedesk >/dev/null || { groupadd --system casedesk && made_group=1; } || { fail "groupadd casedesk"; exit 0; }
[ -d /etc/casedesk ] || { mkdir -m 755 /etc/casedesk && made_etc=1; }
chmod 755 "$T"
gw_certs || { fail "certificates made with openssl"; exit 0; }
gw_start main || { fail "the test server starts"; exit 0; }
chmod -R a+rX "$T/pki"
# The release build (make check builds it first): LeakSanitizer cannot run in a setgid process.
[ -x ./casedesk ] || { fail "the release casedesk is built" "run make casedesk"; exit 0; }
cp ./casedesk "$T/casedesk" && chgrp casedesk "$T/casedesk" && chmod 2755 "$T/casedesk" || { fail "a setgid copy"; exit 0; }
useradd -M -U -s /bin/sh "$A" && useradd -M -U -s /bin/sh "$B" || { fail "useradd"; exit 0; }
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups sh -c 'umask 077; exec "$@"' sh "$@"; }
D=$T/srv; install -d -o root -g casedesk -m 2770 "$D"; S=$D/office.casedesk
as "$A" "$T/casedesk" --store "$S" init --office ABC >"$T/init.log" 2>&1 || { fail "init" "$(cat "$T/init.log")"; exit 0; }
as "$A" "$T/casedesk" --store "$S" user add "$B" --role clerk --role caseworker --workflows all >/dev/null 2>&1
mkdir -p "$T/home/.config/casedesk"
# B's own file names a gateway (this one, but it could be any), and a group-only file as its token.
cat >"$T/home/.config/casedesk/casedesk.ini" <<INI
[gateway]
url = $GW_URL
client_cert = $GW_PKI/client.pem
client_key = $GW_PKI/client.key
ca_file = $GW_PKI/ca.pem
token_file = $S.seal.key
INI
chown -R "$B" "$T/home"; usermod -d "$T/home" "$B"
P=$(as "$B" "$T/casedesk" --store "$S" person add --surname Melnyk --given Ira --dob 1989 --sex F --nationality UKR 2>/dev/null)
as "$B" "$T/casedesk" --store "$S" document add "$P" --number FK123456 --issuer UKR --expires 2031-01-01 >/dev/null 2>&1
as "$B" "$T/casedesk" --store "$S" case new residence --person "$P" >/dev/null 2>&1

# ---- the user's own [gateway] is not asked
expect_rc "check run with only the user's [gateway]: nothing asked (11)" 11 \
	as "$B" env SSLKEYLOGFILE="$S.seal.key" HTTPS_PROXY=http://127.0.0.1:9 "$T/casedesk" --store "$S" check run
expect_grep "says the user's [gateway] is not used" "\[gateway\] in $T/home/.config/casedesk/casedesk.ini is not used: on this server only $SYS" "$T/err"
expect_grep "and where the gateway is set" "no \[gateway\] url in $SYS: 3 checks wait" "$T/err"
expect_eq "the gateway was not asked" "$(gw_requests "$GW_LOG")" 0
expect_eq "SSLKEYLOGFILE wrote nothing into the seal key" "$(grep -c TRAFFIC_SECRET "$S.seal.key")" 0

# ---- root's file names the gateway: asked, with the environment's variables dropped
cat >"$SYS" <<INI
[gateway]
url = $GW_URL
client_cert = $GW_PKI/client.pem
client_key = $GW_PKI/client.key
ca_file = $GW_PKI/ca.pem
INI
chmod 644 "$SYS"
expect_rc "check run with root's file asks the gateway" 0 \
	as "$B" env SSLKEYLOGFILE="$S.seal.key" SSLKEYLOGFILE_ALT=x HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9 \
	"$T/casedesk" --store "$S" check run
expect_grep "three answered clear" "^asked 3: 3 clear" "$T/out"
expect_eq "the gateway saw three requests, past the proxy variables" "$(gw_requests "$GW_LOG")" 3
expect_eq "SSLKEYLOGFILE under setgid wrote no TLS secret into the seal key" "$(grep -c TRAFFIC_SECRET "$S.seal.key")" 0
expect_eq "no token from the user's file reached the gateway" "$(grep -c 'Bearer' "$GW_LOG")" 0
as "$A" "$T/casedesk" --store "$S" audit verify >"$T/out" 2>"$T/err"
expect_grep "the audit trail stays whole (unsealed rows aside)" "audit trail of .* is whole" "$T/err"

# ---- root's file writable by others is refused, saying how to mend it
chmod 666 "$SYS"
expect_rc "a root's file others may write is refused" 4 as "$B" "$T/casedesk" --store "$S" check run
expect_grep "saying why and how to mend it" "$SYS is not used: it must be a file of root's that nobody else may write.*chmod 644" "$T/err"
chmod 644 "$SYS"; chown "$B" "$SYS"
expect_rc "and so is one that is not root's" 4 as "$B" "$T/casedesk" --store "$S" check run
chown root "$SYS"
printf '[ui]\nlanguage = uk\n' >>"$SYS"
expect_rc "root's file holds [gateway] only" 6 as "$B" "$T/casedesk" --store "$S" check run
expect_grep "naming the line" "$SYS:[0-9]*: only \[gateway\] belongs here, not \[ui\]" "$T/err"
