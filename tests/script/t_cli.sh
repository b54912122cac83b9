#!/bin/sh
# The command line on real store files: a store's life, people, cases through a workflow,
# refusals, conflicts and machine-readable output.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02

# ---- a store's life
expect_rc "init makes a training store" 0 $CD --store "$S" init --office TBS --training
# (an office with no check gateway answers its checks by hand: lib.sh, no_gateway)
no_gateway "$S" || fail "an office with no check gateway"
expect_rc "init refuses to overwrite" 2 $CD --store "$S" init --office TBS --training
expect_grep "overwrite refusal says why" "never overwrites" "$T/err"
printf 'hello' >"$T/not-a-store"
expect_rc "a text file is refused" 7 $CD --store "$T/not-a-store" case list --user clerk
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
expect_rc "another SQLite file is refused" 7 $CD --store "$T/other.db" case list --user clerk
expect_grep "refusal names it" "not a casedesk store" "$T/err"
cp "$S" "$T/newer.casedesk"
sqlite3 "$T/newer.casedesk" "PRAGMA user_version=99;"
expect_rc "a newer store is refused" 7 $CD --store "$T/newer.casedesk" case list --user clerk
expect_grep "newer refusal says upgrade" "upgrade casedesk" "$T/err"
expect_rc "missing store" 7 $CD --store "$T/none.casedesk" case list --user clerk
expect_rc "unknown command" 2 $CD --store "$S" frobnicate
expect_rc "no --user on a training store" 2 env -u CASEDESK_USER $CD --store "$S" case list
expect_rc "unknown training user" 3 $CD --store "$S" --user nobody case list

R=$T/real.casedesk
expect_rc "init a real store" 0 $CD --store "$R" init --office ABC
expect_rc "a real store refuses --user" 2 $CD --store "$R" --user clerk case list
expect_rc "the OS account that made it is admin" 0 $CD --store "$R" user add anna --role caseworker --role clerk
expect_rc "user list" 0 $CD --store "$R" --json user list
expect_grep "anna is listed with her roles" '"name":"anna".*"roles":"clerk, caseworker"' "$T/out"
expect_rc "bad role" 6 $CD --store "$R" user add bob --role wizard
expect_rc "bad office code" 6 $CD --store "$T/x.casedesk" init --office tb1

# ---- people
export CASEDESK_STORE=$S
P1=$($CD --user clerk person add --surname "Шевченко" --given "Олександр" --surname-latin SHEVCHENKO \
	--given-latin OLEKSANDR --dob 1987-04 --sex M --nationality UKR --birth-place "Київ")
case "$P1" in P-TBS-*) pass "person add prints the number";; *) fail "person add prints the number" "$P1";; esac
P2=$($CD --user clerk person add --surname Müller --given Anna --surname-latin MUELLER --given-latin ANNA \
	--dob 1990-01-31 --sex F --nationality DEU)
P3=$($CD --user clerk person add --surname Doe --given Jane --dob 1975 --sex F --nationality XXA)
expect_eq "plain Latin names need no Latin form" "$($CD --user clerk --json person show "$P3" | grep -o '"surname_latin":"[A-Z]*"')" '"surname_latin":"DOE"'
expect_rc "impossible date" 6 $CD --user clerk person add --surname A --given B --dob 2026-02-30 --sex M --nationality UKR
expect_grep "the message names the field" "date of birth" "$T/err"
expect_rc "unknown country" 6 $CD --user clerk person add --surname A --given B --dob 1990 --sex M --nationality ZZZ
expect_grep "the message names nationality" "nationality" "$T/err"
expect_rc "bad sex" 6 $CD --user clerk person add --surname A --given B --dob 1990 --sex Q --nationality UKR
expect_rc "missing option" 2 $CD --user clerk person add --surname A --dob 1990 --sex M --nationality UKR
expect_rc "unknown option" 2 $CD --user clerk person add --surname A --given B --dob 1990 --sex M --nationality UKR --shoe 42
expect_rc "a script without a table needs a Latin form" 6 $CD --user clerk person add --surname "王" --given Ivan --dob 1990 --sex M --nationality CHN
ESC=$(printf 'Evil\033[2J')
expect_rc "control characters are refused" 6 $CD --user clerk person add --surname "$ESC" --given B --dob 1990 --sex M --nationality UKR
expect_grep "and named" "control character" "$T/err"
expect_eq "a refused person leaves no row" "$(sqlite3 "$S" 'SELECT count(*) FROM person')" 3
expect_rc "document add" 0 $CD --user clerk document add "$P1" --number "FE 123-456" --issuer UKR --expires 2030-01-01
expect_rc "bad document expiry" 6 $CD --user clerk document add "$P1" --number X1 --issuer UKR --expires 2030-13-01
expect_rc "alias add" 0 $CD --user clerk person alias "$P1" --surname Schewtschenko --given Alexander
expect_rc "search finds the alias" 0 $CD --user caseworker search Schewtsch
expect_grep "by its alias" "$P1" "$T/out"
expect_rc "family link" 0 $CD --user clerk family link "$P1" "$P2" --relation spouse
expect_rc "person show" 0 $CD --user caseworker person show "$P1"
expect_grep "shows the original script" "Шевченко, Олександр" "$T/out"
expect_grep "shows the document, normalised" "FE123456" "$T/out"
expect_grep "shows the spouse" "spouse" "$T/out"
expect_grep "biometrics status is honest" "not enrolled" "$T/out"
expect_rc "unknown person" 3 $CD --user caseworker person show P-TBS-999999
audits=$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action='view' AND entity='person' AND user_name='caseworker' AND purpose='casework'")
expect_eq "reading a person is audited with the purpose" "$audits" 1

# ---- search
expect_rc "search Cyrillic" 0 $CD --user caseworker search "Шевч"
expect_grep "finds by original script" "$P1" "$T/out"
expect_rc "search Latin" 0 $CD --user caseworker --json search shevchenko
expect_grep "finds by ICAO form" "\"number\":\"$P1\".*\"matched\":\"name\"" "$T/out"
expect_rc "search document" 0 $CD --user caseworker --json search "fe123456"
expect_grep "finds by document number" '"matched":"document","detail":"FE123456"' "$T/out"

# ---- a residence case from lodging to grant
C=$($CD --user clerk case new residence --person "$P1")
case "$C" in RP-TBS-2026-0000*) pass "case number has prefix, office and year";; *) fail "case number format" "$C";; esac
C2=$($CD --user clerk case new residence --person "$P2")
expect_eq "case numbers do not repeat" "$(echo "$C2" | cut -d- -f4)" 000002
expect_rc "unknown workflow" 3 $CD --user clerk case new nosuch --person "$P1"
expect_grep "  names the ones installed (a name mistyped is likelier than one missing)" \
	"no workflow nosuch is installed in this store (installed: asylum, residence, visa, work)" "$T/err"
expect_rc "case for unknown person" 3 $CD --user clerk case new residence --person P-TBS-424242
expect_rc "case show" 0 $CD --user caseworker --json case show "$C"
expect_grep "deadline is 90 days from lodging" '"deadline":"2026-05-31"' "$T/out"
expect_grep "lists open steps" '"id":"confirm_receipt","to":"assessment","allowed":true' "$T/out"
expect_rc "a step not open from this state" 4 $CD --user supervisor case move "$C" grant --set valid_from=2026-04-01
expect_grep "and why" "«Grant the permit» is not open from the state «Application lodged»" "$T/err"
expect_rc "wrong role" 4 $CD --user supervisor case move "$C" confirm_receipt --set permit_reason=family
expect_grep "names the step by its title and the role needed" "«Confirm receipt and start the assessment» needs the role clerk, caseworker" "$T/err"
expect_rc "required field missing" 6 $CD --user caseworker case move "$C" confirm_receipt
expect_grep "names the field" "permit_reason" "$T/err"
expect_rc "bad choice value" 6 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=tourism
expect_rc "unknown transition" 6 $CD --user caseworker case move "$C" teleport
expect_eq "refusals changed nothing" "$(sqlite3 "$S" "SELECT state||row_version FROM cases WHERE number='$C'")" lodged1
expect_rc "confirm receipt" 0 $CD --user caseworker case move "$C" confirm_receipt --set permit_reason=family
expect_grep "a step that names a form prints it" "printed $T/forms/$C-acknowledgement.pdf" "$T/out"
if command -v pdftotext >/dev/null 2>&1; then
	pdftotext "$T/forms/$C-acknowledgement.pdf" "$T/ack.txt" 2>/dev/null
	expect_grep "the acknowledgement names the case" "$C" "$T/ack.txt"
	expect_grep "and the person in their own script" "Олександр Шевченко\|Шевченко" "$T/ack.txt"
fi
expect_rc "documents_present guard blocks without a document" 4 $CD --user caseworker case move "$C2" confirm_receipt --set permit_reason=family
expect_grep "and says so" "no valid identity document" "$T/err"

# clock stops while waiting on the applicant, resumes after
CASEDESK_TODAY=2026-03-12 expect_rc "request documents" 0 $CD --user caseworker case move "$C" request_documents \
	--set "missing_documents=proof of address" --set documents_due=2026-04-01
CASEDESK_TODAY=2026-03-12 $CD --user caseworker --json case show "$C" >"$T/show"
expect_grep "clock stopped with days frozen" '"clock_stopped":true,"days_left":80' "$T/show"
CASEDESK_TODAY=2026-04-11 expect_rc "documents received 30 days later" 0 $CD --user clerk case move "$C" documents_received
CASEDESK_TODAY=2026-04-11 $CD --user caseworker --json case show "$C" >"$T/show"
expect_grep "clock resumes: 80 days from the restart" '"deadline":"2026-06-30","clock_stopped":false,"days_left":80' "$T/show"

expect_rc "checks_clear blocks with no checks run" 4 $CD --user caseworker case move "$C" propose_decision \
	--set proposed_outcome=grant --set "proposal_reason=meets the conditions"
expect_grep "honestly, naming the lists" "checks missing: sis, sltd, national_watchlist" "$T/err"
for l in sis sltd national_watchlist; do
	CASEDESK_TODAY=2026-04-11 $CD --user caseworker check record "$C" --list $l --result clear >/dev/null
done
expect_rc "case show lists propose_decision" 0 $CD --user caseworker --json case show "$C"
expect_grep "as open: its own fields come with its form" '"id":"propose_decision","to":"proposed","allowed":true' "$T/out"
expect_rc "propose" 0 $CD --user caseworker case move "$C" propose_decision \
	--set proposed_outcome=grant --set "proposal_reason=meets the conditions"
sqlite3 "$S" "INSERT INTO users(uuid, name, roles, created_at) VALUES ('u-both', 'both', 6, '2026-01-01')"
$CD --user both case move "$C" return_for_assessment --set supervisor_note=x >/dev/null 2>&1
$CD --user both case move "$C" propose_decision --set proposed_outcome=grant --set "proposal_reason=again" >/dev/null 2>&1
expect_rc "four-eyes: who proposed may not decide" 4 $CD --user both case move "$C" grant \
	--set valid_from=2026-05-01 --set valid_until=2027-04-30
expect_grep "four-eyes says why" "four-eyes" "$T/err"
V=$($CD --user supervisor --json case show "$C" | sed -n 's/.*"row_version":\([0-9]*\).*/\1/p')
$CD --user caseworker case move "$C" return_for_assessment --set supervisor_note=x >/dev/null 2>&1 # caseworker may not: no change
expect_rc "stale version is a conflict" 5 $CD --user supervisor case move "$C" grant --expect-version $((V - 1)) \
	--set valid_from=2026-05-01 --set valid_until=2027-04-30
expect_grep "conflict says who changed what" "both took step propose_decision" "$T/err"
expect_rc "grant by another user" 0 $CD --user supervisor case move "$C" grant --expect-version "$V" \
	--set valid_from=2026-05-01 --set valid_until=2027-04-30 --note "all in order"
expect_rc "history" 0 $CD --user caseworker --json case history "$C"
expect_grep "history has the field change with old and new" '"field":"permit_reason","old":null,"new":"family"' "$T/out"
expect_grep "history has the transition and who" '"user":"supervisor","kind":"transition","transition":"grant","from":"proposed","to":"card_pending"' "$T/out"
expect_eq "every change has an outbox row" "$(sqlite3 "$S" "SELECT count(*) > 5 FROM outbox WHERE entity='case'")" 1

# ---- lists and deadlines
C3=$($CD --user clerk case new visa --person "$P3")
CASEDESK_TODAY=2026-06-01 expect_rc "overdue list" 0 $CD --user caseworker --json case list --overdue
expect_grep "the visa case is overdue" "\"number\":\"$C3\".*\"overdue\":true" "$T/out"
CASEDESK_TODAY=2026-06-01 $CD --user caseworker case list >"$T/list"
expect_eq "overdue first" "$(head -1 "$T/list" | cut -d' ' -f1)" "$C3"
expect_rc "list by workflow" 0 $CD --user caseworker --json case list --workflow residence
expect_grep "filter holds" "$C2" "$T/out"
if grep -q "$C3" "$T/out"; then fail "filter excludes other workflows"; else pass "filter excludes other workflows"; fi

# ---- workflows
expect_rc "workflow list" 0 $CD workflow list
for w in residence work visa asylum; do expect_grep "ships $w" "^$w " "$T/out"; done
expect_rc "shipped workflows lint clean" 0 $CD workflow lint data/workflows/*.ini
if command -v dot >/dev/null 2>&1; then
	for w in residence work visa asylum; do
		$CD workflow dot $w >"$T/$w.dot" && dot -Tsvg "$T/$w.dot" >"$T/$w.svg" 2>"$T/err" && grep -q '<svg' "$T/$w.svg" \
			&& pass "dot renders $w" || fail "dot renders $w" "$(head -3 "$T/err")"
	done
fi
expect_rc "store check" 0 $CD store check
expect_grep "store check reports" "integrity ok" "$T/out"
