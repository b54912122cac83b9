#!/bin/sh
# Statistics on a demo store: each report as CSV and XLSX; the XLSX read back with openpyxl
# (title and period on every sheet, titled headers, frozen row, number formats, totals,
# charts of aggregates); totals cross-checked against SQL counts on the same store and
# against the SDMX-CSV; bad periods and names refused.
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

# ---- totals against SQL (the definitions: tests/script/t_sdmx.sh checks every cell)
# Applicants are persons: the applicant of each asylum case and the spouse or children
# included in it (no asylum case of their own).  This used to count cases only.
cases=$(q "SELECT count(*) FROM cases WHERE workflow_id = 'asylum'")
# incl F C: family row F names a relative application C includes - the applicant's child, a minor on the
# day C was opened (18th birthday after it; a year of birth alone from 1 July, year and month the 15th)
incl() {
	born="(CASE length(r.dob) WHEN 4 THEN r.dob || '-07-01' WHEN 7 THEN r.dob || '-15' ELSE r.dob END)"
	echo "$1.relation = 'child' AND EXISTS (SELECT 1 FROM person r WHERE r.id = $1.relative_id
	 AND r.dob GLOB '[0-9][0-9][0-9][0-9]*' AND $born <= substr($2.opened_at, 1, 10)
	 AND date($born, '+18 years') > substr($2.opened_at, 1, 10))"
}
members=$(q "SELECT count(DISTINCT f.relative_id) FROM family f JOIN cases c ON c.person_id = f.person_id AND c.workflow_id = 'asylum'
	WHERE $(incl f c) AND f.relative_id NOT IN (SELECT person_id FROM cases WHERE workflow_id = 'asylum')")
want=$((cases + members))
expect_eq "asylum-applicants total = asylum cases + family members included" "$(csv_sum "$T/asylum-applicants.csv" total)" "$want"
ages=$(awk -F, 'NR > 1 { s += $6 + $7 + $8 + $9 + $10 + $11 } END { print s }' "$T/asylum-applicants.csv")
expect_eq "every applicant is in one age group" "$ages" "$want"
# Subsequent: after a final decision on an earlier application (APD art. 2(q)); an earlier
# case still open does not make one (this used to count any earlier case).
want=$(q "SELECT count(*) FROM cases c WHERE workflow_id = 'asylum' AND EXISTS (SELECT 1 FROM cases e
	WHERE e.person_id = c.person_id AND e.workflow_id = 'asylum' AND e.id <> c.id AND e.closed_at <= c.opened_at
	AND e.state <> 'transferred')")
fam=$(q "WITH first AS (SELECT f.relative_id AS rid, (SELECT c.id FROM cases c JOIN family g ON g.person_id = c.person_id
	 AND $(incl g c) WHERE g.relative_id = f.relative_id AND c.workflow_id = 'asylum'
	 ORDER BY c.opened_at, c.id LIMIT 1) AS cid FROM family f WHERE f.relative_id NOT IN (SELECT person_id FROM cases
	 WHERE workflow_id = 'asylum') GROUP BY 1)
	SELECT count(*) FROM first x JOIN cases c ON c.id = x.cid WHERE EXISTS (SELECT 1 FROM cases e
	WHERE e.person_id = c.person_id AND e.workflow_id = 'asylum' AND e.id <> c.id AND e.closed_at <= c.opened_at
	AND e.state <> 'transferred')")
got=$(awk -F, 'NR > 1 && $4 == "subsequent" { s += $5 } END { print s + 0 }' "$T/asylum-applicants.csv")
expect_eq "subsequent applicants = applications after a final decision on an earlier one" "$got" "$((want + fam))"
# Decisions cover persons too: the applicant and the family members included.
want=$(q "SELECT count(*) + (SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id JOIN family f ON f.person_id = c.person_id
	AND $(incl f c) AND f.relative_id NOT IN (SELECT person_id FROM cases WHERE workflow_id = 'asylum')
	WHERE e.kind = 'transition' AND c.workflow_id = 'asylum'
	AND e.to_state IN ('refugee_status', 'humanitarian', 'subsidiary_protection', 'rejected', 'inadmissible')
	AND c.id = (SELECT c2.id FROM cases c2 JOIN family g ON g.person_id = c2.person_id AND $(incl g c2)
	 WHERE g.relative_id = f.relative_id AND c2.workflow_id = 'asylum' ORDER BY c2.opened_at, c2.id LIMIT 1))
	FROM event e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition'
	AND c.workflow_id = 'asylum' AND e.to_state IN ('refugee_status', 'humanitarian', 'subsidiary_protection', 'rejected', 'inadmissible')")
expect_eq "asylum-decisions total = persons covered by first-instance decisions" "$(csv_sum "$T/asylum-decisions.csv" total)" "$want"
pos=$(awk -F, 'NR > 1 { s += $7 + $8 + $9 } END { print s + 0 }' "$T/asylum-decisions.csv")
expect_eq "total positive = Geneva Convention + humanitarian + subsidiary protection" "$(csv_sum "$T/asylum-decisions.csv" total_positive)" "$pos"
# Every format says the same: the plain CSV's totals against the SDMX-CSV's TOTAL cells.
sdmx_total() { awk -F, -v pat="$2" '$0 ~ pat { s += $NF } END { print s + 0 }' "$1"; }
$CD report asylum-applicants --from $FROM --to $TO --format sdmx-csv --geo DE -o "$T/a.sdmx" >/dev/null 2>&1
$CD report asylum-decisions --from $FROM --to $TO --format sdmx-csv --geo DE -o "$T/d.sdmx" >/dev/null 2>&1
$CD report first-permits --from $FROM --to $TO --format sdmx-csv --geo DE -o "$T/p.sdmx" >/dev/null 2>&1
expect_eq "applicants: CSV total = SDMX TOTAL" "$(csv_sum "$T/asylum-applicants.csv" total)" "$(sdmx_total "$T/a.sdmx" ',TOTAL,T,TOTAL,ASY_APP,')"
expect_eq "decisions: CSV total = SDMX TOTAL" "$(csv_sum "$T/asylum-decisions.csv" total)" "$(sdmx_total "$T/d.sdmx" ',TOTAL,T,TOTAL,TOTAL,')"
expect_eq "first permits: CSV total = SDMX TOTAL" "$(csv_sum "$T/first-permits.csv" total)" "$(sdmx_total "$T/p.sdmx" ',TOTAL,TOTAL,TOTAL,PER,')"
got=$(awk -F, 'NR > 1 && $3 == "remunerated_activities" { s += $4 } END { print s + 0 }' "$T/first-permits.csv")
if [ "$got" -gt 0 ]; then pass "work permits count as remunerated activities"; else fail "work permits count as remunerated activities" "$got"; fi
expect_eq "workload open = open cases" "$(csv_sum "$T/workload.csv" open)" "$(q "SELECT count(*) FROM cases WHERE closed_at IS NULL")"

# ---- a period restricts the counts
expect_rc "one month" 0 $CD report asylum-applicants --from 2026-03-01 --to 2026-03-31 --format csv -o "$T/march.csv"
got=$(awk -F, 'NR > 1 && $1 != "2026-03" { n++ } END { print n + 0 }' "$T/march.csv")
expect_eq "one month counts that month's applications only" "$got" 0
want=$(q "SELECT count(*) FROM cases WHERE workflow_id = 'asylum' AND substr(opened_at, 1, 7) = '2026-03'")
if [ "$(csv_sum "$T/march.csv" total)" -ge "$want" ]; then pass "one month counts that month's cases"; else fail "one month counts that month's cases"; fi

# ---- the XLSX read back: title and period on every sheet, titled headers, number formats,
# totals, and charts only of aggregates (a sheet per citizenship top ten, per month ...)
if $PY -c 'import openpyxl' 2>/dev/null; then
	for r in asylum-applicants asylum-decisions first-permits workload; do
		$PY - "$T/$r.xlsx" "$T/$r.csv" >"$T/py.out" 2>&1 <<'PY'
import csv, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
cached = openpyxl.load_workbook(sys.argv[1], data_only=True)
rows = list(csv.reader(open(sys.argv[2], newline='')))
ws, wc = wb.worksheets[0], cached.worksheets[0]
assert len(wb.worksheets) >= 2, "sheets"
assert "sdmx" not in wb.sheetnames, "the SDMX observations are no sheet"
head = [c.value for c in ws[4]][:len(rows[0])]
assert len(head) == len(rows[0]) and all(head), "header row 4 has a title per column"
assert not any("_" in h for h in head), "headers are titles, not snake_case: %s" % head
codes = [c.value for row in ws.iter_rows(min_row=5, max_row=ws.max_row - 1) for c in row if isinstance(c.value, str)]
assert "workload" in sys.argv[1] or not any("_" in v for v in codes), "label cells in words, not codes: %s" % [v for v in codes if "_" in v][:3]
if "asylum-decisions" in sys.argv[1]:
    assert "Age group" in head and any(v == "Under 14" for v in codes), "decisions by age group"
if "asylum-applicants" in sys.argv[1]:
    assert any(v == "first-time" for v in codes), "applicant type in words"
for sheet in wb.worksheets:
    assert sheet["A1"].value, "no title on " + sheet.title
    assert "2000-01-01" in str(sheet["A2"].value) and "2099-12-31" in str(sheet["A2"].value), "no period on " + sheet.title
    assert sheet.freeze_panes == "A5", "header row not frozen on " + sheet.title
charted = [s.title for s in wb.worksheets if s._charts]
assert charted, "no chart"
if r"%s" % sys.argv[1].split("/")[-1] != "workload.xlsx":
    assert not ws._charts, "a chart with one bar per row of the detail"
    assert "by citizenship" in wb.sheetnames and wb["by citizenship"]._charts, "no chart by citizenship"
    assert wb["by citizenship"].max_row <= 4 + 11 + 1, "more than the ten largest and the rest"
col = rows[0].index(next(h for h in rows[0] if h in ("total", "open")))
assert ws.cell(5, col + 1).number_format == "#,##0", "number format " + ws.cell(5, col + 1).number_format
last = [c.value for c in wc[wc.max_row]]
assert last[0] == "Total", "no totals row"
assert str(ws.cell(ws.max_row, col + 1).value).startswith("=SUM("), "totals are not formulas"
want = sum(float(r[col]) for r in rows[1:])
assert float(last[col]) == want, "total %s != %s" % (last[col], want)
print("ok", [s.title for s in wb.worksheets], charted)
PY
		if grep -q '^ok' "$T/py.out"; then pass "$r XLSX: title, period, titled header, number format, totals, charts of aggregates"; else fail "$r XLSX" "$(cat "$T/py.out")"; fi
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
expect_grep "names sdmx-csv" "sdmx-csv" "$T/err"
