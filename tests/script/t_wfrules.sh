#!/bin/sh
# Workflow rules a user cannot bend: the rules a store applies come only from versions an
# admin installed into it (CASEDESK_DATA pointing at a doctored copy changes nothing),
# titles with control characters are refused and never reach a terminal raw, and
# four-eyes pairs a decision with the step that proposed it, by someone else.
. tests/script/lib.sh
export CASEDESK_TODAY=2026-03-02
me=$(id -un)
q() { sqlite3 "$R" "$1"; }

# ---- 1. a real store (no --training: you act as your OS account, its first admin)
# The shipped workflows' version (raised as the files change), and the next two.
WV=$(sed -n 's/^version = \([0-9]*\).*/\1/p' "$CASEDESK_DATA/workflows/asylum.ini" | head -1)
WV1=$((WV + 1)) WV2=$((WV + 2))
R=$T/real.casedesk
expect_rc "init a real store" 0 $CD --store "$R" init --office ABC
expect_eq "init installed the shipped workflows" \
	"$(q "SELECT group_concat(workflow_id || ':' || version, ' ') FROM (SELECT * FROM workflow_def ORDER BY workflow_id)")" \
	"$(for w in asylum residence visa work; do
		printf '%s:%s ' $w "$(sed -n 's/^version = \([0-9]*\).*/\1/p' "$CASEDESK_DATA/workflows/$w.ini" | head -1)"
	done | sed 's/ $//')"
expect_eq "each install is audited" "$(q "SELECT count(*) FROM audit WHERE entity = 'workflow' AND action = 'install' AND user_name = (SELECT name FROM users WHERE os_account = '$me')")" 4

# The clerk's attack: a copy of data/ with asylum.ini rewritten as a new version that lets
# a clerk grant refugee status alone, from any state, with no guards.
mkdir -p "$T/evil"
cp -r "$CASEDESK_DATA"/. "$T/evil/"
awk '
	/^version = / && !v { print "version = 9"; v = 1; next }
	/^\[transition\.grant_refugee_status\]/ { g = 1 }
	/^\[/ && !/grant_refugee_status/ { g = 0 }
	g && /^from = / { print "from = *"; next }
	g && /^role = / { print "role = clerk"; next }
	g && /^(guards|four_eyes) = / { next }
	{ print }' "$CASEDESK_DATA/workflows/asylum.ini" >"$T/evil/workflows/asylum.ini"
expect_rc "the doctored file is a valid workflow" 0 $CD workflow lint "$T/evil/workflows/asylum.ini"
# Make the OS account a clerk (as the office's admin would for a clerk's account).
q "UPDATE users SET roles = 1 WHERE os_account = '$me'"
P=$(env CASEDESK_DATA="$T/evil" $CD --store "$R" person add --surname Doe --given Jane --dob 1975 --sex F --nationality XXA 2>"$T/err")
N=$(env CASEDESK_DATA="$T/evil" $CD --store "$R" case new asylum --person "$P" 2>"$T/err")
case "$N" in AS-ABC-*) pass "the clerk opens an asylum case";; *) fail "the clerk opens an asylum case" "$N" "$(cat "$T/err")";; esac
expect_eq "on the installed version, not the doctored one" "$(q "SELECT workflow_version FROM cases WHERE number = '$N'")" "$WV"
expect_eq "the doctored version is not in the store" "$(q "SELECT count(*) FROM workflow_def WHERE version = 9")" 0
expect_rc "the clerk cannot grant with CASEDESK_DATA pointing at the copy" 4 \
	env CASEDESK_DATA="$T/evil" $CD --store "$R" case move "$N" grant_refugee_status
expect_grep "the installed rules say why" "not open from the state «Application made, to be registered»\|«Grant refugee status» needs the role" "$T/err"
expect_eq "the case is not decided" "$(q "SELECT state || coalesce(closed_at, '') FROM cases WHERE number = '$N'")" made
expect_rc "the clerk cannot install the doctored version" 4 \
	env CASEDESK_DATA="$T/evil" $CD --store "$R" workflow install "$T/evil/workflows/asylum.ini"
expect_grep "installing needs the admin" "needs the role admin" "$T/err"
expect_eq "still not in the store" "$(q "SELECT count(*) FROM workflow_def WHERE version = 9")" 0
expect_rc "workflow list shows the installed versions" 0 env CASEDESK_DATA="$T/evil" $CD --store "$R" workflow list
expect_grep "asylum v$WV" "^asylum  *v$WV " "$T/out"

# The admin: a changed file with a version number already installed is refused.
q "UPDATE users SET roles = 8 WHERE os_account = '$me'"
sed "s/^version = 9\$/version = $WV/" "$T/evil/workflows/asylum.ini" >"$T/same3.ini"
expect_rc "a doctored version with the same number is refused" 6 $CD --store "$R" workflow install "$T/same3.ini"
expect_grep "saying to raise the version" "installed already with other rules; raise .version." "$T/err"
expect_rc "the shipped file again is nothing new" 0 $CD --store "$R" workflow install "$CASEDESK_DATA/workflows/asylum.ini"
expect_grep "and says so" "installed already" "$T/out"
# New translations of an installed version are not new rules: the text is replaced.
sed 's/^title\[ru\] = Международная защита (убежище)$/title[ru] = Международная защита/' \
	"$CASEDESK_DATA/workflows/asylum.ini" >"$T/asylum_ru.ini"
expect_rc "new translations for version $WV" 0 $CD --store "$R" workflow install "$T/asylum_ru.ini"
expect_grep "replace its text" "translations updated" "$T/out"
# A real new version: new cases start on it, running ones keep theirs.
sed "s/^version = $WV .*/version = $WV1/" "$CASEDESK_DATA/workflows/asylum.ini" >"$T/asylum4.ini"
expect_rc "the admin installs version $WV1" 0 $CD --store "$R" workflow install "$T/asylum4.ini"
expect_eq "an audited event" "$(q "SELECT count(*) FROM audit WHERE entity = 'workflow' AND entity_uuid = 'asylum:$WV1' AND action = 'install'")" 1
q "UPDATE users SET roles = 1 WHERE os_account = '$me'"
N2=$($CD --store "$R" case new asylum --person "$P" 2>"$T/err")
expect_eq "a new case starts on the newest version" "$(q "SELECT workflow_version FROM cases WHERE number = '$N2'")" "$WV1"
expect_eq "the running case keeps its own" "$(q "SELECT workflow_version FROM cases WHERE number = '$N'")" "$WV"
q "UPDATE users SET roles = 8 WHERE os_account = '$me'"

# ---- 2. control characters: refused by lint naming the line, never printed raw
awk '/^title = International protection/ { printf "title = Asylum\033]2;pwned\007\033[2J\n"; next } { print }' \
	"$T/asylum4.ini" | sed "s/^version = $WV1\$/version = $WV2/" >"$T/esc.ini"
line=$(grep -n '^title = Asylum' "$T/esc.ini" | cut -d: -f1)
expect_rc "lint refuses ESC in a title" 6 $CD workflow lint "$T/esc.ini"
expect_grep "naming file and line" "esc.ini:$line: key 'title' in \[workflow\]: title: contains a control character" "$T/err"
expect_rc "and so does install" 6 $CD --store "$R" workflow install "$T/esc.ini"
# Lint quotes what it found (an unknown role, as written): the report is shown, not executed.
sed 's/^role = supervisor$/role = boss'"$(printf '\033')"'[2J/' "$T/esc.ini" >"$T/esc2.ini"
expect_rc "lint reports a role holding ESC" 6 $CD workflow lint "$T/esc2.ini"
if grep -q "$(printf '\033')" "$T/err"; then fail "the lint report holds no raw ESC"; else pass "the lint report holds no raw ESC"; fi
expect_grep "but shows it" "unknown role 'boss\\\\x1b\[2J'" "$T/err"
expect_eq "nothing installed" "$(q "SELECT count(*) FROM workflow_def WHERE version = $WV2")" 0
# Texts that reach the store anyway (a doctored file) are shown, not executed.
q "UPDATE cases SET state = 'made' || char(27) || ']2;pwned' || char(7) WHERE number = '$N'"
q "UPDATE users SET roles = 1 WHERE os_account = '$me'"
expect_rc "case show on a doctored state" 0 $CD --store "$R" case show "$N"
if grep -q "$(printf '\033')" "$T/out"; then fail "case show prints no raw ESC"; else pass "case show prints no raw ESC"; fi
expect_grep "but shows it as text" 'made\\x1b\]2;pwned\\x07' "$T/out"
q "UPDATE workflow_def SET source = replace(source, 'title = International protection (asylum)',
	'title = Asylum' || char(27) || '[2J') WHERE workflow_id = 'asylum' AND version = $WV1"
$CD --store "$R" workflow list >"$T/out" 2>"$T/err"
if grep -q "$(printf '\033')" "$T/out" "$T/err"; then fail "workflow list prints no raw ESC"; else pass "workflow list prints no raw ESC"; fi
expect_grep "a doctored installed text is refused, naming where" "asylum version $WV1 (installed in the store):[0-9]*: key 'title'" "$T/err"

# ---- 3. four-eyes that means it (a training store: one user per role)
S=$T/train.casedesk
export CASEDESK_STORE=$S
expect_rc "a training store" 0 $CD init --office TBS --training
# (an office with no check gateway answers its checks by hand: lib.sh, no_gateway)
no_gateway "$S" || fail "an office with no check gateway"
sqlite3 "$S" "INSERT INTO users(uuid, name, roles, created_at) VALUES ('u-both', 'both', 6, '2026-01-01'),
	('u-both2', 'both2', 6, '2026-01-01')"
P=$($CD --user clerk person add --surname Roe --given Ann --dob 1980 --sex F --nationality UKR)
$CD --user clerk document add "$P" --number "FE 1" --issuer UKR --expires 2030-01-01 >/dev/null
C=$($CD --user clerk case new residence --person "$P")
expect_rc "confirm receipt" 0 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=family
for l in sis sltd national_watchlist; do $CD --user caseworker check record "$C" --list $l --result clear >/dev/null; done
expect_rc "both proposes" 0 $CD --user both case move "$C" propose_decision \
	--set proposed_outcome=grant --set "proposal_reason=meets the conditions"
expect_rc "the same user proposing and deciding is refused" 4 $CD --user both case move "$C" grant \
	--set valid_from=2026-05-01 --set valid_until=2027-04-30
expect_grep "naming the pairing" "needs «Propose a decision» by someone else; you took that step yourself" "$T/err"
expect_rc "case show names the reason before you try" 0 $CD --user both case show "$C"
expect_grep "in the list of steps" "grant .*blocked: four-eyes rule: needs «Propose a decision» by someone else" "$T/out"
expect_rc "another user decides" 0 $CD --user both2 case move "$C" grant \
	--set valid_from=2026-05-01 --set valid_until=2027-04-30
# A decision without its paired step: visa inadmissibility needs a proposal first.
V=$($CD --user clerk case new visa --person "$P")
expect_rc "a decision without the paired step is refused" 4 $CD --user caseworker case move "$V" declare_inadmissible \
	--set inadmissibility_reason=fee_not_paid
expect_grep "saying which step it needs" "needs «Propose to return the application as inadmissible» by someone else first" "$T/err"
expect_rc "the clerk proposes" 0 $CD --user clerk case move "$V" propose_inadmissibility --set inadmissibility_reason=fee_not_paid
expect_rc "the caseworker decides" 0 $CD --user caseworker case move "$V" declare_inadmissible
expect_eq "decided by two people" "$(sqlite3 "$S" "SELECT group_concat(user_name, ',') FROM (SELECT user_name FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '$V' AND e.kind = 'transition' ORDER BY e.id)")" "clerk,caseworker"

# ---- 4. the shipped workflows lint clean, with no four-eyes warnings
expect_rc "shipped workflows lint clean" 0 $CD workflow lint "$CASEDESK_DATA"/workflows/*.ini
expect_eq "with no warnings" "$(grep -c warning "$T/err" "$T/out" | awk -F: '{ s += $2 } END { print s }')" 0

# ---- 5. checks that apply no rules need no store: form lint reads the package's workflows
expect_rc "form lint without a store" 0 env -u CASEDESK_STORE $CD form lint "$CASEDESK_DATA/forms/decision_grant.ini"
