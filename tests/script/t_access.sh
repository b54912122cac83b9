#!/bin/sh
# t_access.sh - every read of a person audited with its purpose, and a subject access
# request answered from it (issue 12, items 5 and 8): a person read by show, search,
# case show and a printed form; `person export` (JSON and PDF) lists every one of those
# reads; `audit show --person` lists the same; searches keep only the query's hash; lists
# are counted, and name the people when they are few; the TUI audits a settled search
# once, not once per key.  Real store files, the real binary.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02
cli() { "$CD" --store "$S" "$@"; }
q() { sqlite3 "$S" "$1"; }

cli init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
P1=$(cli --user clerk person add --surname "Шевченко" --given "Олександр" --surname-latin SHEVCHENKO \
	--given-latin OLEKSANDR --dob 1987-04 --sex M --nationality UKR)
P2=$(cli --user clerk person add --surname "Шевчук" --given "Марія" --surname-latin SHEVCHUK --given-latin MARIIA \
	--dob 1990-02 --sex F --nationality UKR)
cli --user clerk document add "$P1" --number "FE123456" --issuer UKR --expires 2031-01-01 >/dev/null
cli --user clerk person alias "$P1" --surname Schewtschenko --given Alexander >/dev/null
C1=$(cli --user clerk case new residence --person "$P1")
U1=$(q "SELECT uuid FROM person WHERE number = '$P1'")
U2=$(q "SELECT uuid FROM person WHERE number = '$P2'")

# ---- reads, each with its purpose
expect_rc "person show with a purpose" 0 cli --user caseworker --purpose "interview preparation" person show "$P1"
QUERY="Шевч"
expect_rc "search" 0 cli --user caseworker search "$QUERY"
expect_grep "the search finds both" "$P2" "$T/out"
expect_rc "case show" 0 cli --user caseworker case show "$C1"
expect_rc "a form printed" 0 cli --user caseworker form "$C1" acknowledgement -o "$T/ack.pdf"

# ---- a search keeps the query's hash and how many were shown, never the query
HASH=$(printf '%s' "$QUERY" | sha256sum | cut -c1-64)
expect_eq "one search row for the query, with its hash and count" \
	"$(q "SELECT count(*) FROM audit WHERE action='search' AND entity='query' AND entity_uuid='sha256=$HASH shown=2'")" 1
expect_eq "the query's text is nowhere in the audit table" \
	"$(sqlite3 "$S" 'SELECT * FROM audit' | grep -c "$QUERY")" 0
expect_eq "the search names both people shown" \
	"$(q "SELECT count(*) FROM audit WHERE action='search' AND entity='person' AND entity_uuid IN ('$U1','$U2')")" 2
expect_eq "with the purpose given (the default: casework)" \
	"$(q "SELECT DISTINCT purpose FROM audit WHERE action='search'")" casework

# ---- lists are counted, and name the people when they are few
expect_rc "case list --all" 0 cli --user caseworker --purpose "weekly review" case list --all
expect_eq "a list row with how many cases and people" \
	"$(q "SELECT count(*) FROM audit WHERE action='list' AND entity='case_list' AND entity_uuid='shown=1 people=1' AND purpose='weekly review'")" 1
expect_eq "and a row naming the person listed" \
	"$(q "SELECT count(*) FROM audit WHERE action='list' AND entity='person' AND entity_uuid='$U1'")" 1
expect_rc "a search under --json is audited too" 0 cli --user caseworker --json search "Schewtsch"
expect_eq "its own row" "$(q "SELECT count(*) FROM audit WHERE action='search' AND entity='query'")" 2

# ---- who may read the trail
expect_rc "a clerk may not read who saw a person" 4 cli --user clerk audit show --person "$P1"
expect_grep "and is told why" "supervisor or an admin" "$T/err"
expect_rc "nor a caseworker" 4 cli --user caseworker audit show --person "$P1"
expect_rc "nor export a person" 4 cli --user caseworker person export "$P1" -o "$T/cw.json"
if [ -e "$T/cw.json" ]; then fail "a refused export leaves no file"; else pass "a refused export leaves no file"; fi
expect_rc "audit show needs --person" 2 cli --user supervisor audit show
expect_rc "audit show of no one" 3 cli --user supervisor audit show --person P-TBS-999999

# ---- audit show --person
expect_rc "a supervisor reads who saw the person" 0 cli --user supervisor audit show --person "$P1"
cp "$T/out" "$T/show.txt"
expect_grep "the person show, with its purpose" "caseworker .*view .*person .*$P1 .*interview preparation" "$T/show.txt"
expect_grep "the search that showed them" "caseworker .*search .*person .*$P1 .*casework" "$T/show.txt"
expect_grep "the case show" "caseworker .*view .*case .*$C1 .*casework" "$T/show.txt"
expect_grep "the printed form" "caseworker .*view .*person .*$P1 .*print" "$T/show.txt"
expect_grep "the list" "caseworker .*list .*person .*$P1 .*weekly review" "$T/show.txt"
expect_eq "reading the trail is audited itself" \
	"$(q "SELECT count(*) FROM audit WHERE user_name='supervisor' AND action='view' AND entity='person_audit' AND entity_uuid='$U1'")" 1
expect_rc "audit show --json" 0 cli --user admin --json audit show --person "$P1"
cp "$T/out" "$T/show.json"

# ---- person export: JSON
expect_rc "person export as JSON" 0 cli --user supervisor person export "$P1" -o "$T/p1.json"
expect_eq "created 0600" "$(stat -c %a "$T/p1.json")" 600
expect_rc "never overwrites" 2 cli --user supervisor person export "$P1" -o "$T/p1.json"
expect_grep "says how to" "\-\-force" "$T/err"
ln -s "$T/planted-target" "$T/link.json"
expect_rc "never writes through a planted link" 4 cli --user supervisor person export "$P1" -o "$T/link.json"
expect_rc "not even with --force" 4 cli --user supervisor person export "$P1" -o "$T/link.json" --force
if [ -e "$T/planted-target" ]; then fail "the link's target is not made"; else pass "the link's target is not made"; fi
if python3 - "$T/p1.json" "$T/show.json" "$P1" "$C1" >"$T/py.out" 2>&1 <<'EOF'
import json, sys
ex = json.load(open(sys.argv[1]))
show = json.load(open(sys.argv[2]))
p1, c1 = sys.argv[3], sys.argv[4]
def need(cond, what):
    if not cond:
        print("missing:", what); sys.exit(1)
need(ex["person"]["surname"] == "Шевченко" and ex["person"]["surname_latin"] == "SHEVCHENKO", "names in both forms")
need(any(a["surname"] == "Schewtschenko" for a in ex["aliases"]), "the alias")
need(any(d["number"] == "FE123456" for d in ex["documents"]), "the document")
need(any(c["number"] == c1 for c in ex["cases"]), "the case")
need(any(h["kind"] == "created" and h["case_number"] == c1 for h in ex["history"]), "the case's history")
need(any(s["recorded"] == "person_added" and s["user"] == "clerk" for s in ex["sources"]), "who registered")
reads = ex["reads"]
def has(user, action, entity, record, purpose):
    return any(r["user"] == user and r["action"] == action and r["entity"] == entity and r["record"] == record
               and r["purpose"] == purpose and r["at"] for r in reads)
need(has("caseworker", "view", "person", p1, "interview preparation"), "person show")
need(has("caseworker", "search", "person", p1, "casework"), "search")
need(has("caseworker", "view", "case", c1, "casework"), "case show")
need(has("caseworker", "view", "case", c1, "print"), "form: the case")
need(has("caseworker", "view", "person", p1, "print"), "form: the person")
need(has("caseworker", "list", "person", p1, "weekly review"), "case list")
need(has("supervisor", "export", "person", p1, "subject access"), "the export itself")
shown = {r["audit_id"] for r in show["reads"]}
need(shown <= {r["audit_id"] for r in reads}, "every read audit show listed")
need(len(shown) >= 7, "audit show's reads")
need(all("template" not in b for b in ex["biometrics"]), "no template")
print("ok", len(reads), "reads")
EOF
then pass "the JSON export holds the data and every read with user, time and purpose"
else fail "the JSON export holds the data and every read with user, time and purpose" "$(cat "$T/py.out")"; fi
expect_rc "--force replaces an export" 0 cli --user supervisor person export "$P1" -o "$T/p1.json" --force
expect_eq "still 0600" "$(stat -c %a "$T/p1.json")" 600
expect_eq "the export is audited with the purpose subject access" \
	"$(q "SELECT count(*) FROM audit WHERE action='export' AND entity_uuid='$U1' AND purpose='subject access'")" 2

# ---- person export: PDF
expect_rc "person export as PDF" 0 cli --user admin person export "$P1" -o "$T/p1.pdf"
expect_eq "the PDF is 0600" "$(stat -c %a "$T/p1.pdf")" 600
if command -v pdftotext >/dev/null 2>&1; then
	pdftotext "$T/p1.pdf" "$T/p1.txt" 2>/dev/null
	expect_grep "the PDF has the name in Cyrillic" "Шевченко" "$T/p1.txt"
	expect_grep "and in Latin" "SHEVCHENKO" "$T/p1.txt"
	expect_grep "and the reads with their purpose" "purpose: interview preparation" "$T/p1.txt"
	expect_grep "the search among them" "action: search" "$T/p1.txt"
	expect_grep "the printed form among them" "purpose: print" "$T/p1.txt"
else
	fail "pdftotext is installed" "poppler-utils (.ci/deps installs it)"
fi
expect_rc "--format pdf whatever the name" 0 cli --user admin person export "$P1" -o "$T/p1.out" --format pdf
expect_eq "is a PDF" "$(head -c 5 "$T/p1.out")" "%PDF-"
expect_rc "a bad format" 2 cli --user admin person export "$P1" -o "$T/p1.x" --format docx

# ---- a big list is counted, not named
D=$T/demo.casedesk
# 100 people give more than ACCESS_NAMED_MAX (50) people with cases (80 gave exactly 50 once
# the demo recorded every list a workflow names).
"$CD" --store "$D" demo --persons 100 --seed 3 >/dev/null 2>&1 || fail "demo store"
before=$(sqlite3 "$D" "SELECT count(*) FROM audit")
expect_rc "case list --all --limit 1000000 on 100 people" 0 "$CD" --store "$D" --user caseworker case list --all --limit 1000000
lines=$(wc -l <"$T/out")
people=$(sqlite3 "$D" "SELECT count(DISTINCT person_id) FROM cases")
expect_eq "the list shows more than 50 people" "$([ "$people" -gt 50 ] && echo more)" more
expect_eq "one row counts every case and person shown" \
	"$(sqlite3 "$D" "SELECT entity_uuid FROM audit WHERE action='list' AND entity='case_list'")" "shown=$lines people=$people"
expect_eq "and no row names them (more than 50)" "$(sqlite3 "$D" "SELECT count(*) FROM audit")" "$((before + 1))"

# ---- the TUI: a settled search is audited once, not once per key
if command -v tmux >/dev/null 2>&1; then
	. tests/script/tui_lib.sh
	queries() { q "SELECT count(*) FROM audit WHERE action='search' AND entity='query'"; }
	lists() { q "SELECT count(*) FROM audit WHERE action='list' AND entity='case_list'"; }
	s0=$(queries)
	l0=$(lists)
	start desk caseworker
	if wait_for desk "Worklist"; then
		expect_eq "opening the worklist is one list row" "$(lists)" "$((l0 + 1))"
		keys desk m
		wait_for desk "Worklist — my cases"
		expect_eq "choosing another list is another row" "$(lists)" "$((l0 + 2))"
		keys desk t
		wait_for desk "Worklist — office"
		C2=$(cli --user clerk case new visa --person "$P2")
		see "another desk's case shows (the list refreshed)" desk "^ $C2 "
		expect_eq "a refresh writes no list row" "$(lists)" "$((l0 + 3))"
		keys desk /
		wait_for desk "Find:"
		type_text desk "Шев"
		see "three letters show both" desk "^ $P2 "
		type_text desk "че"
		unseen "more letters narrow the list" desk "^ $P2 "
		expect_eq "typing writes no search row" "$(queries)" "$s0"
		keys desk Enter
		see "Enter opens the person" desk "^ Person $P1"
		H=$(printf '%s' "Шевче" | sha256sum | cut -c1-64)
		expect_eq "opening a result audits the settled query once" "$(queries)" "$((s0 + 1))"
		expect_eq "with the hash of what was typed and one person shown" \
			"$(q "SELECT count(*) FROM audit WHERE entity='query' AND entity_uuid='sha256=$H shown=1'")" 1
		keys desk Escape
		wait_for desk "Find:"
		keys desk Escape
		wait_for desk "Worklist"
		expect_eq "going back does not audit it again" "$(queries)" "$((s0 + 1))"
		quit desk
	fi
else
	fail "tmux is installed" "the TUI checks need tmux (.ci/deps installs it)"
fi

expect_rc "the store is whole after all of it" 0 cli store check
