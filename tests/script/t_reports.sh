#!/bin/sh
# Statistics on a demo store: each report as CSV and XLSX; the XLSX read back with openpyxl
# (sheets, header, frozen row, totals, a chart per sheet); totals cross-checked against
# SQL counts on the same store; bad periods and names refused.
. tests/script/lib.sh
S=$T/reports.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=supervisor
PY=/usr/bin/python3   # Debian's, with python3-openpyxl (a pyenv python may shadow it)
$CD demo --persons 300 --seed 5 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
q() { sqlite3 "$S" "$1"; }
FROM=2000-01-01 TO=2099-12-31
# csv_sum FILE COLUMN-NAME: the sum of a column
csv_sum() { awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next } { s += $c } END { print s + 0 }' "$1" | tr -d '\r'; }

for r in asylum-applicants asylum-decisions first-permits workload; do
	expect_rc "$r as CSV" 0 $CD report "$r" --from $FROM --to $TO --format csv -o "$T/$r.csv"
	expect_rc "$r as XLSX" 0 $CD report "$r" --from $FROM --to $TO --format xlsx -o "$T/$r.xlsx"
	if head -1 "$T/$r.csv" | grep -q "$(printf '\r$')"; then pass "$r CSV lines end in CRLF"; else fail "$r CSV lines end in CRLF"; fi
done

# ---- totals against SQL
want=$(q "SELECT count(*) FROM cases WHERE workflow_id = 'asylum'")
expect_eq "asylum-applicants total = asylum cases" "$(csv_sum "$T/asylum-applicants.csv" total)" "$want"
ages=$(awk -F, 'NR > 1 { s += $6 + $7 + $8 + $9 + $10 + $11 } END { print s }' "$T/asylum-applicants.csv")
expect_eq "every applicant is in one age group" "$ages" "$want"
want=$(q "SELECT count(*) FROM cases c WHERE workflow_id = 'asylum' AND EXISTS (SELECT 1 FROM cases e
	WHERE e.person_id = c.person_id AND e.workflow_id = 'asylum' AND e.opened_at < c.opened_at)")
got=$(awk -F, 'NR > 1 && $4 == "subsequent" { s += $5 } END { print s + 0 }' "$T/asylum-applicants.csv")
expect_eq "subsequent applicants = people with an earlier asylum case" "$got" "$want"
want=$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition'
	AND c.workflow_id = 'asylum' AND e.to_state IN ('refugee_status', 'humanitarian', 'subsidiary_protection', 'rejected', 'inadmissible')")
expect_eq "asylum-decisions total = first-instance decision events" "$(csv_sum "$T/asylum-decisions.csv" total)" "$want"
want=$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition'
	AND c.workflow_id = 'asylum' AND e.to_state = 'subsidiary_protection'")
expect_eq "subsidiary protection counted" "$(csv_sum "$T/asylum-decisions.csv" subsidiary_protection)" "$want"
want=$(q "SELECT count(DISTINCT c.person_id) FROM event e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition'
	AND e.transition = 'grant' AND c.workflow_id IN ('residence', 'work')")
expect_eq "first-permits total = people granted a first permit" "$(csv_sum "$T/first-permits.csv" total)" "$want"
want=$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition'
	AND e.transition = 'grant' AND c.workflow_id = 'work'")
got=$(awk -F, 'NR > 1 && $2 == "remunerated_activities" { s += $3 } END { print s + 0 }' "$T/first-permits.csv")
if [ "$got" -ge "$want" ]; then pass "work permits count as remunerated activities"; else fail "work permits count as remunerated activities" "$got < $want"; fi
expect_eq "workload open = open cases" "$(csv_sum "$T/workload.csv" open)" "$(q "SELECT count(*) FROM cases WHERE closed_at IS NULL")"

# ---- a period restricts the counts
expect_rc "one month" 0 $CD report asylum-applicants --from 2026-03-01 --to 2026-03-31 --format csv -o "$T/march.csv"
want=$(q "SELECT count(*) FROM cases WHERE workflow_id = 'asylum' AND substr(opened_at, 1, 7) = '2026-03'")
expect_eq "one month counts that month's cases" "$(csv_sum "$T/march.csv" total)" "$want"

# ---- the XLSX read back
if $PY -c 'import openpyxl' 2>/dev/null; then
	for r in asylum-applicants asylum-decisions first-permits workload; do
		$PY - "$T/$r.xlsx" "$T/$r.csv" >"$T/py.out" 2>&1 <<'PY'
import csv, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
cached = openpyxl.load_workbook(sys.argv[1], data_only=True)
rows = list(csv.reader(open(sys.argv[2], newline='')))
ws, wc = wb.worksheets[0], cached.worksheets[0]
assert len(wb.worksheets) >= 2, "sheets"
assert [c.value for c in ws[1]] == rows[0], "header differs from the CSV"
assert ws.freeze_panes == "A2", "header row not frozen"
for sheet in wb.worksheets:
    assert len(sheet._charts) == 1, "no chart on " + sheet.title
last = [c.value for c in wc[wc.max_row]]
assert last[0] == "Total", "no totals row"
col = rows[0].index(next(h for h in rows[0] if h in ("total", "open")))
assert str(ws.cell(ws.max_row, col + 1).value).startswith("=SUM("), "totals are not formulas"
want = sum(float(r[col]) for r in rows[1:])
assert float(last[col]) == want, "total %s != %s" % (last[col], want)
print("ok", [s.title for s in wb.worksheets])
PY
		if grep -q '^ok' "$T/py.out"; then pass "$r XLSX: sheets, header, frozen row, totals, charts"; else fail "$r XLSX" "$(cat "$T/py.out")"; fi
	done
else
	fail "python3-openpyxl is installed"
fi

# ---- refusals
expect_rc "a reversed period" 6 $CD report workload --from 2026-05-01 --to 2026-01-01 --format csv -o "$T/x.csv"
expect_grep "says it is reversed" "period is reversed" "$T/err"
expect_rc "an empty period" 6 $CD report workload --from "" --to 2026-01-01 --format csv -o "$T/x.csv"
expect_grep "says it is empty" "period is empty" "$T/err"
expect_rc "no period" 6 $CD report workload --format csv -o "$T/x.csv"
expect_rc "an impossible date" 6 $CD report workload --from 2026-02-30 --to 2026-03-01 -o "$T/x.csv"
expect_rc "an unknown report" 2 $CD report nonsense --from $FROM --to $TO -o "$T/x.csv"
expect_grep "lists the reports" "asylum-applicants, asylum-decisions, first-permits, workload" "$T/err"
expect_rc "an unknown format" 2 $CD report workload --from $FROM --to $TO --format ods -o "$T/x.ods"
