#!/bin/sh
# Statistics for Eurostat as SDMX-CSV, checked against the store itself: on a demo store
# (2000 people, seed 3) with a few cases added for the definitions, every observation of
# asylum-applicants, asylum-decisions and first-permits is recomputed here in SQL, by
# queries written apart from model/store/stats.c (window functions and aggregate tables
# where the program loops), and compared cell by cell with the file; every code is checked
# against Eurostat's code lists kept below; every total is checked against the sum of its
# parts; --round 5 is checked cell by cell.  Then the definitions one by one: family
# members are applicants, a subsequent application only follows a final decision, EU
# citizens hold no first permit.
. tests/script/lib.sh
S=$T/sdmx.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=caseworker
PY=/usr/bin/python3
cd "$T" 2>/dev/null || exit 1
OLDPWD_=$OLDPWD
q() { sqlite3 "$S" "$1"; }
$CD demo --persons 2000 --seed 3 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
# The demo may hold subsequent applications of its own: the scenario adds exactly one.
$CD report asylum-applicants --from 2000-01-01 --to 2099-12-31 --format csv -o "$T/demo-applicants.csv" >/dev/null 2>&1 ||
	fail "the demo's applicants before the scenario"
DEMO_SUBSEQUENT=$(awk -F, 'NR > 1 && $4 == "subsequent" { s += $5 } END { print s + 0 }' "$T/demo-applicants.csv")
$CD report asylum-applicants --from 2000-01-01 --to 2099-12-31 --format sdmx-csv --geo DE -o "$T/demo-applicants.sdmx.csv" \
	>/dev/null 2>&1 || fail "the demo's applicants before the scenario, as sdmx-csv"
# demo_cell KEY: the demo's own count in the cell the scenario adds to (0 when it has none).
# (SDMX-CSV lines end in CR LF: the CR is no part of the number.)
demo_cell() { grep "^ESTAT:MIGR_ASYAPPCTZM(1.0),M,PER,$1," "$T/demo-applicants.sdmx.csv" | tr -d '\r' | awk -F, '{ print $NF }' | head -1 | grep . || echo 0; }

# ---- the definitions, as cases: A withdrawn then B (subsequent); C undecided then D (first-time);
# a child included in B's application
P1=$($CD person add --surname Sdmxtest --given Una --dob 1990-05-05 --sex F --nationality SYR 2>"$T/err")
P2=$($CD person add --surname Sdmxtest --given Dos --dob 2001-02 --sex X --nationality GRC 2>>"$T/err")
K1=$($CD person add --surname Sdmxtest --given Nino --dob 2019 --sex M --nationality SYR 2>>"$T/err")
A=$($CD case new asylum --person "$P1" 2>>"$T/err")
$CD case move "$A" withdraw --set withdrawal_date=2026-01-02 >/dev/null 2>>"$T/err"
B=$($CD case new asylum --person "$P1" 2>>"$T/err")
C=$($CD case new asylum --person "$P2" 2>>"$T/err")
D=$($CD case new asylum --person "$P2" 2>>"$T/err")
$CD family link "$P1" "$K1" --relation child >/dev/null 2>>"$T/err"
# relatives linked to B's applicant whom no application includes: a spouse (abroad, say) and an adult son
W1=$($CD person add --surname Sdmxtest --given Esposa --dob 1988-01-01 --sex F --nationality SYR 2>>"$T/err")
S1=$($CD person add --surname Sdmxtest --given Hijo --dob 2000-01-01 --sex M --nationality SYR 2>>"$T/err")
$CD family link "$P1" "$W1" --relation spouse >/dev/null 2>>"$T/err"
$CD family link "$P1" "$S1" --relation child >/dev/null 2>>"$T/err"
[ -n "$B" ] && [ -n "$D" ] && pass "scenario cases made" || fail "scenario cases made" "$(cat "$T/err")"

FROM=2000-01-01 TO=2099-12-31
for r in asylum-applicants asylum-decisions first-permits; do
	expect_rc "$r as sdmx-csv" 0 $CD report "$r" --from $FROM --to $TO --format sdmx-csv --geo DE -o "$T/$r.sdmx.csv"
	expect_rc "$r as sdmx-csv, rounded" 0 $CD report "$r" --from $FROM --to $TO --format sdmx-csv --geo DE --round 5 -o "$T/$r.r5.csv"
	expect_rc "$r as csv" 0 $CD report "$r" --from $FROM --to $TO --format csv -o "$T/$r.csv"
done

cat >"$T/check.py" <<'PY'
import csv, sqlite3, sys
store, data, kind, path, rpath, frm, to = sys.argv[1:8]

# ---- Eurostat's code lists (CITIZEN: ISO 3166 alpha-2 with EL for GR, UK for GB, plus XK, STLS, UNK
# and the aggregates; SEX, AGE, ASYL_APP, DECISION, REASON, DURATION, UNIT, FREQ as in the dataflows)
ISO2 = set("""AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ
FK FM FO FR GA GD GE GF GG GH GI GL GM GN GP GQ GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN
MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT
PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL
TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW EL UK XK STLS UNK""".split())
EU27 = set("AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
EEA_CH = EU27 | {"IS", "LI", "NO", "CH"}
CIT_AGG = {"TOTAL", "EU27_2020", "EXT_EU27_2020"}
AGES = ["Y_LT14", "Y14-17", "Y18-34", "Y35-64", "Y_GE65", "UNK"]
LISTS = {
    "asylum-applicants": (["DATAFLOW", "freq", "unit", "citizen", "sex", "age", "asyl_app", "geo", "TIME_PERIOD", "OBS_VALUE"],
        {"DATAFLOW": {"ESTAT:MIGR_ASYAPPCTZM(1.0)"}, "freq": {"M"}, "unit": {"PER"}, "citizen": ISO2 | CIT_AGG,
         "sex": {"F", "M", "UNK", "T"}, "age": set(AGES) | {"Y_LT18", "TOTAL"}, "asyl_app": {"ASY_APP", "NASY_APP"},
         "geo": {"DE"}}, r"^\d{4}-(0[1-9]|1[0-2])$"),
    "asylum-decisions": (["DATAFLOW", "freq", "unit", "citizen", "sex", "age", "decision", "geo", "TIME_PERIOD", "OBS_VALUE"],
        {"DATAFLOW": {"ESTAT:MIGR_ASYDCFSTQ(1.0)"}, "freq": {"Q"}, "unit": {"PER"}, "citizen": ISO2 | CIT_AGG,
         "sex": {"F", "M", "UNK", "T"}, "age": set(AGES) | {"Y_LT18", "TOTAL"},
         "decision": {"TOTAL", "TOTAL_POS", "GENCONV", "HUMSTAT", "SUB_PROT", "REJECTED"}, "geo": {"DE"}}, r"^\d{4}-Q[1-4]$"),
    "first-permits": (["DATAFLOW", "freq", "reason", "duration", "citizen", "unit", "geo", "TIME_PERIOD", "OBS_VALUE"],
        {"DATAFLOW": {"ESTAT:MIGR_RESFIRST(1.0)"}, "freq": {"A"}, "reason": {"TOTAL", "FAM", "EDUC", "EMP", "OTH"},
         "duration": {"TOTAL", "M3-5", "M6-11", "M_GE12"}, "citizen": (ISO2 - EEA_CH) | CIT_AGG, "unit": {"PER"},
         "geo": {"DE"}}, r"^\d{4}$"),
}
import re
def result(ok, name, detail=""):
    print(("PASS: " if ok else "FAIL: ") + kind + ": " + name)
    if not ok and detail:
        print("    " + str(detail)[:600])

def read(p):
    rows = list(csv.reader(open(p, newline="")))
    return rows[0], {tuple(r[:-1]): int(r[-1]) for r in rows[1:]}, rows[1:]

head, got, raw = read(path)
cols, lists, period_re = LISTS[kind]
result(head == cols, "header is the dataflow's", head)
result(len(got) == len(raw), "no observation twice")

# ---- every code in the code lists
bad = [(cols[i], r[i]) for r in raw for i in range(len(cols) - 2) if r[i] not in lists[cols[i]]]
bad += [("TIME_PERIOD", r[-2]) for r in raw if not re.match(period_re, r[-2])]
result(not bad, "every code is in Eurostat's code lists (%d observations)" % len(raw), bad[:10])

# ---- the same figures recomputed from the store in SQL
db = sqlite3.connect("file:%s?mode=ro" % store, uri=True)
x = db.execute
x("CREATE TEMP TABLE cmap (a3 TEXT PRIMARY KEY, code TEXT)")
for line in open(data + "/countries.tsv", encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if not line.startswith("#") and len(f) > 1 and f[1]:
        x("INSERT INTO cmap VALUES (?, ?)", (f[0], f[1]))
for a3, code in [("GRC", "EL"), ("GBR", "UK"), ("GBD", "UK"), ("GBN", "UK"), ("GBO", "UK"), ("GBP", "UK"),
                 ("GBS", "UK"), ("D", "DE"), ("UNK", "XK"), ("XXA", "STLS")]:
    x("INSERT OR REPLACE INTO cmap VALUES (?, ?)", (a3, code))
x("CREATE TEMP TABLE eu (code TEXT PRIMARY KEY)")
x("CREATE TEMP TABLE eea (code TEXT PRIMARY KEY)")
for c in EU27: x("INSERT INTO eu VALUES (?)", (c,))
for c in EEA_CH: x("INSERT INTO eea VALUES (?)", (c,))
def age(day, dob):
    years = ("(CAST(substr({d},1,4) AS INT) - CAST(substr({b},1,4) AS INT) - (substr({d},6,5) < "
             "CASE length({b}) WHEN 4 THEN '07-01' WHEN 7 THEN substr({b},6,2) || '-15' ELSE substr({b},6,5) END))").format(d=day, b=dob)
    return ("CASE WHEN {b} NOT GLOB '[0-9][0-9][0-9][0-9]*' OR {y} < 0 THEN 'UNK' WHEN {y} < 14 THEN 'Y_LT14' "
            "WHEN {y} < 18 THEN 'Y14-17' WHEN {y} < 35 THEN 'Y18-34' WHEN {y} < 65 THEN 'Y35-64' ELSE 'Y_GE65' END").format(b=dob, y=years)
SEX = "CASE p.sex WHEN 'F' THEN 'F' WHEN 'M' THEN 'M' ELSE 'UNK' END"
CIT = "COALESCE((SELECT code FROM cmap WHERE a3 = p.nationality), 'UNK')"
# applications, and who each includes (a child of the applicant, a minor on the application day, with no
# asylum case of their own, under the earliest such application of a parent); the minor test in whole
# years counted here apart: the child's 18th birthday (year only: from 1 July; year and month: the 15th)
# falls after the application day
x("""CREATE TEMP TABLE appl AS SELECT c.id AS cid, c.person_id AS pid, c.opened_at AS opened, substr(c.opened_at, 1, 10) AS day,
     (SELECT count(*) FROM cases e WHERE e.person_id = c.person_id AND e.workflow_id = 'asylum' AND e.id <> c.id
      AND e.closed_at IS NOT NULL AND e.closed_at <= c.opened_at AND e.state <> 'transferred') > 0 AS subs
     FROM cases c WHERE c.workflow_id = 'asylum'""")
x("""CREATE TEMP TABLE fam AS SELECT rid, cid FROM (SELECT f.relative_id AS rid, a.cid,
       row_number() OVER (PARTITION BY f.relative_id ORDER BY a.opened, a.cid) AS n
     FROM family f JOIN appl a ON a.pid = f.person_id JOIN person r ON r.id = f.relative_id
     WHERE f.relation = 'child' AND %s IN ('Y_LT14', 'Y14-17')
     AND f.relative_id NOT IN (SELECT person_id FROM cases WHERE workflow_id = 'asylum')) WHERE n = 1""" % age("a.day", "r.dob"))
x("""CREATE TEMP TABLE who AS SELECT cid, pid FROM appl UNION ALL SELECT cid, rid FROM fam""")
x("CREATE TEMP TABLE agg (dim TEXT, code TEXT, parent TEXT)")
def aggregates(dim, codes, parents):
    for c in codes:
        for p in parents(c):
            x("INSERT INTO agg VALUES (?, ?, ?)", (dim, c, p))
aggregates("cit", ISO2, lambda c: [c, "TOTAL", "EU27_2020" if c in EU27 else "EXT_EU27_2020"])
aggregates("sex", ["F", "M", "UNK"], lambda c: [c, "T"])
aggregates("age", AGES, lambda c: [c, "TOTAL"] + (["Y_LT18"] if c in ("Y_LT14", "Y14-17") else []))
aggregates("app", ["0", "1"], lambda c: ["ASY_APP"] + (["NASY_APP"] if c == "0" else []))
aggregates("dec", ["GENCONV", "HUMSTAT", "SUB_PROT"], lambda c: [c, "TOTAL", "TOTAL_POS"])
aggregates("dec", ["REJECTED"], lambda c: [c, "TOTAL"])
aggregates("rsn", ["FAM", "EDUC", "EMP", "OTH"], lambda c: [c, "TOTAL"])
aggregates("dur", ["M3-5", "M6-11", "M_GE12"], lambda c: [c, "TOTAL"])
J = lambda dim, col, alias: " JOIN agg %s ON %s.dim = '%s' AND %s.code = o.%s" % (alias, alias, dim, alias, col)
if kind == "asylum-applicants":
    x("""CREATE TEMP TABLE obs AS SELECT substr(a.day, 1, 7) AS t, %s AS cit, %s AS sex, %s AS age, CAST(a.subs AS TEXT) AS app
         FROM who w JOIN appl a ON a.cid = w.cid JOIN person p ON p.id = w.pid WHERE a.day BETWEEN ? AND ?"""
      % (CIT, SEX, age("a.day", "p.dob")), (frm, to))
    q = ("SELECT 'ESTAT:MIGR_ASYAPPCTZM(1.0)', 'M', 'PER', c.parent, s.parent, g.parent, k.parent, 'DE', o.t, count(*) FROM obs o"
         + J("cit", "cit", "c") + J("sex", "sex", "s") + J("age", "age", "g") + J("app", "app", "k") + " GROUP BY 4, 5, 6, 7, 9")
elif kind == "asylum-decisions":
    x("""CREATE TEMP TABLE obs AS SELECT substr(e.at, 1, 4) || '-Q' || ((CAST(substr(e.at, 6, 2) AS INT) + 2) / 3) AS t,
         %s AS cit, %s AS sex, %s AS age,
         CASE e.to_state WHEN 'refugee_status' THEN 'GENCONV' WHEN 'humanitarian' THEN 'HUMSTAT'
              WHEN 'subsidiary_protection' THEN 'SUB_PROT' ELSE 'REJECTED' END AS dec
         FROM event e JOIN cases c ON c.id = e.case_id JOIN who w ON w.cid = c.id JOIN person p ON p.id = w.pid
         WHERE e.kind = 'transition' AND c.workflow_id = 'asylum' AND substr(e.at, 1, 10) BETWEEN ? AND ?
         AND e.to_state IN ('refugee_status', 'humanitarian', 'subsidiary_protection', 'rejected', 'inadmissible')"""
      % (CIT, SEX, age("substr(e.at, 1, 10)", "p.dob")), (frm, to))
    q = ("SELECT 'ESTAT:MIGR_ASYDCFSTQ(1.0)', 'Q', 'PER', c.parent, s.parent, g.parent, k.parent, 'DE', o.t, count(*) FROM obs o"
         + J("cit", "cit", "c") + J("sex", "sex", "s") + J("age", "age", "g") + J("dec", "dec", "k") + " GROUP BY 4, 5, 6, 7, 9")
else:
    x("""CREATE TEMP TABLE g AS SELECT e.id AS eid, e.at, c.id AS cid, c.workflow_id AS wf, c.person_id AS pid
         FROM event e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition'
         AND ((c.workflow_id IN ('residence', 'work') AND e.transition = 'grant')
          OR (c.workflow_id = 'asylum' AND e.to_state IN ('refugee_status', 'subsidiary_protection', 'humanitarian')))""")
    fld = lambda n: "(SELECT value FROM case_field f WHERE f.case_id = g.cid AND f.name = '%s')" % n
    x("""CREATE TEMP TABLE pm AS SELECT substr(g.at, 1, 4) AS t, %s AS cit,
         CASE g.wf WHEN 'work' THEN 'EMP' WHEN 'asylum' THEN 'OTH' ELSE CASE %s WHEN 'family' THEN 'FAM'
           WHEN 'education' THEN 'EDUC' WHEN 'remunerated_activities' THEN 'EMP' ELSE 'OTH' END END AS rsn,
         g.wf AS wf, %s AS vf, date(%s, '+1 day') AS vu
         FROM g JOIN person p ON p.id = g.pid
         WHERE g.eid = (SELECT min(eid) FROM g g2 WHERE g2.pid = g.pid) AND substr(g.at, 1, 10) BETWEEN ? AND ?"""
      % (CIT, fld("permit_reason"), fld("valid_from"), fld("valid_until")), (frm, to))
    months = ("CASE WHEN vf IS NULL OR vu IS NULL OR vu <= vf THEN CASE WHEN wf = 'asylum' THEN 12 ELSE -1 END ELSE "
              "(CAST(substr(vu,1,4) AS INT) - CAST(substr(vf,1,4) AS INT)) * 12 + CAST(substr(vu,6,2) AS INT) "
              "- CAST(substr(vf,6,2) AS INT) - (substr(vu,9,2) < substr(vf,9,2)) END")
    x("""CREATE TEMP TABLE obs AS SELECT t, cit, rsn, CASE WHEN m >= 12 THEN 'M_GE12' WHEN m >= 6 THEN 'M6-11' ELSE 'M3-5' END AS dur
         FROM (SELECT *, %s AS m FROM pm) WHERE m >= 3 AND cit NOT IN (SELECT code FROM eea)""" % months)
    q = ("SELECT 'ESTAT:MIGR_RESFIRST(1.0)', 'A', r.parent, d.parent, c.parent, 'PER', 'DE', o.t, count(*) FROM obs o"
         + J("rsn", "rsn", "r") + J("dur", "dur", "d") + J("cit", "cit", "c") + " GROUP BY 3, 4, 5, 8")
want = {tuple(r[:-1]): r[-1] for r in x(q)}
missing = [(k, v) for k, v in want.items() if got.get(k) != v]
extra = [(k, v) for k, v in got.items() if k not in want]
result(not missing and not extra, "every figure equals the store's, recomputed in SQL (%d cells)" % len(want),
       "differ: %s  extra: %s" % (missing[:5], extra[:5]))

# ---- every total is the sum of its parts (a cell not written is 0)
dims = {c: i for i, c in enumerate(cols[:-1])}
def check_sum(dim, parent, children):
    i = dims[dim]
    others = {k[:i] + k[i + 1:] for k in got}
    bad = []
    for o in others:
        key = lambda code: o[:i] + (code,) + o[i:]
        s = sum(got.get(key(c), 0) for c in children)
        if got.get(key(parent), 0) != s:
            bad.append((o, parent, got.get(key(parent), 0), s))
    return bad
codes = lambda dim: {k[dims[dim]] for k in got}
bad = []
plain = codes("citizen") - CIT_AGG
bad += check_sum("citizen", "TOTAL", plain)
bad += check_sum("citizen", "EU27_2020", plain & EU27)
bad += check_sum("citizen", "EXT_EU27_2020", plain - EU27)
if "sex" in dims:
    bad += check_sum("sex", "T", ["F", "M", "UNK"])
    bad += check_sum("age", "TOTAL", AGES)
    bad += check_sum("age", "Y_LT18", ["Y_LT14", "Y14-17"])
if "decision" in dims:
    bad += check_sum("decision", "TOTAL", ["GENCONV", "HUMSTAT", "SUB_PROT", "REJECTED"])
    bad += check_sum("decision", "TOTAL_POS", ["GENCONV", "HUMSTAT", "SUB_PROT"])
if "reason" in dims:
    bad += check_sum("reason", "TOTAL", ["FAM", "EDUC", "EMP", "OTH"])
    bad += check_sum("duration", "TOTAL", ["M3-5", "M6-11", "M_GE12"])
if "asyl_app" in dims:
    i = dims["asyl_app"]
    bad += [(k, v) for k, v in got.items() if k[i] == "NASY_APP" and v > got.get(k[:i] + ("ASY_APP",) + k[i + 1:], 0)]
result(not bad, "every total is the sum of its parts", bad[:5])

# ---- --round 5: each cell on its own, to the nearest 5
rhead, rgot, _ = read(rpath)
badr = [(k, v, rgot.get(k)) for k, v in got.items() if rgot.get(k) != (v + 2) // 5 * 5]
result(rhead == head and set(rgot) == set(got) and not badr, "--round 5 rounds every cell to the nearest 5", badr[:5])
result(any(v % 5 for v in got.values()), "the unrounded file is not rounded")
PY

for r in asylum-applicants asylum-decisions first-permits; do
	$PY "$T/check.py" "$S" "$CASEDESK_DATA" "$r" "$T/$r.sdmx.csv" "$T/$r.r5.csv" $FROM $TO >"$T/py.out" 2>&1
	grep -q '^PASS\|^FAIL' "$T/py.out" || fail "$r checked" "$(cat "$T/py.out")"
	cat "$T/py.out"
done

# ---- the definitions, one by one
A_ALL=$(grep ',TOTAL,T,TOTAL,ASY_APP,' "$T/asylum-applicants.sdmx.csv" | awk -F, '{ s += $NF } END { print s + 0 }')
A_NEW=$(grep ',TOTAL,T,TOTAL,NASY_APP,' "$T/asylum-applicants.sdmx.csv" | awk -F, '{ s += $NF } END { print s + 0 }')
CASES=$(q "SELECT count(*) FROM cases WHERE workflow_id = 'asylum'")
MEMBERS=$(q "SELECT count(DISTINCT f.relative_id) FROM family f JOIN cases c ON c.person_id = f.person_id AND c.workflow_id = 'asylum'
	JOIN (SELECT id, dob, CASE length(dob) WHEN 4 THEN dob || '-07-01' WHEN 7 THEN dob || '-15' ELSE dob END AS born
	 FROM person) r ON r.id = f.relative_id
	WHERE f.relation = 'child' AND r.dob GLOB '[0-9][0-9][0-9][0-9]*'
	AND date(born, '+18 years') > substr(c.opened_at, 1, 10) AND born <= substr(c.opened_at, 1, 10)
	AND f.relative_id NOT IN (SELECT person_id FROM cases WHERE workflow_id = 'asylum')")
expect_eq "applicants = asylum cases + family members included" "$A_ALL" $((CASES + MEMBERS))
[ "$MEMBERS" -gt 10 ] && pass "the demo's family members are counted ($MEMBERS)" || fail "family members in the demo" "$MEMBERS"
expect_eq "one subsequent applicant more: B, after A was withdrawn; D follows an undecided C" $((A_ALL - A_NEW)) $((DEMO_SUBSEQUENT + 1))
got=$(awk -F, 'NR > 1 && $4 == "subsequent" { s += $5 } END { print s + 0 }' "$T/asylum-applicants.csv")
expect_eq "the plain CSV counts subsequent applications the same way" "$got" $((DEMO_SUBSEQUENT + 1))
# the child of B's applicant, a Syrian boy under 14, this month
M=$(q "SELECT substr(opened_at, 1, 7) FROM cases WHERE number = '$B'")
# (the demo may have applicants of its own in this month's cells: the scenario adds to them)
expect_grep "the child is an applicant (SY, M, Y_LT14)" \
	"^ESTAT:MIGR_ASYAPPCTZM(1.0),M,PER,SY,M,Y_LT14,ASY_APP,DE,$M,$(( $(demo_cell "SY,M,Y_LT14,ASY_APP,DE,$M") + 1 ))[^0-9]*\$" \
	"$T/asylum-applicants.sdmx.csv"
SY_F=$(grep "^ESTAT:MIGR_ASYAPPCTZM(1.0),M,PER,SY,F,Y35-64,ASY_APP,DE,$M," "$T/asylum-applicants.sdmx.csv" | tr -d '\r' | awk -F, '{ print $NF }')
expect_eq "a spouse without a case of her own is no applicant (only Una, twice)" "$SY_F" $(( $(demo_cell "SY,F,Y35-64,ASY_APP,DE,$M") + 2 ))
SY_M=$(grep "^ESTAT:MIGR_ASYAPPCTZM(1.0),M,PER,SY,M,Y18-34,ASY_APP,DE,$M," "$T/asylum-applicants.sdmx.csv" | tr -d '\r' | awk -F, '{ print $NF }')
expect_eq "an adult child without a case of his own is no applicant" "${SY_M:-0}" "$(demo_cell "SY,M,Y18-34,ASY_APP,DE,$M")"
expect_grep "a Greek citizen is EL, sex X is UNK" \
	"^ESTAT:MIGR_ASYAPPCTZM(1.0),M,PER,EL,UNK,Y18-34,ASY_APP,DE,$M,$(( $(demo_cell "EL,UNK,Y18-34,ASY_APP,DE,$M") + 2 ))[^0-9]*\$" \
	"$T/asylum-applicants.sdmx.csv"
expect_grep "Greece is in EU27_2020" "^ESTAT:MIGR_ASYAPPCTZM(1.0),M,PER,EU27_2020,UNK,Y18-34,ASY_APP,DE,$M," "$T/asylum-applicants.sdmx.csv"

EUP=$(q "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id JOIN person p ON p.id = c.person_id
	WHERE e.transition = 'grant' AND c.workflow_id IN ('residence', 'work') AND p.nationality IN ('DEU', 'ROU', 'BGR', 'CZE', 'POL', 'FRA')")
[ "$EUP" -gt 0 ] && pass "the demo grants permits to EU citizens ($EUP)" || fail "EU citizens with permits in the demo"
if cut -d, -f5 "$T/first-permits.sdmx.csv" | grep -qxE 'DE|RO|BG|CZ|PL|FR|EU27_2020'; then fail "no EU citizen in first permits"; else pass "no EU citizen in first permits"; fi
if cut -d, -f2 "$T/first-permits.csv" | grep -qxE 'DEU|ROU|BGR|CZE|POL|FRA'; then fail "no EU citizen in the plain first-permits CSV"; else pass "no EU citizen in the plain first-permits CSV"; fi
if cut -d, -f1 "$T/first-permits.csv" | tail -n +2 | grep -qvxE '[0-9]{4}'; then fail "first permits by reference year"; else pass "first permits by reference year"; fi

# ---- refusals
expect_rc "sdmx-csv needs --geo" 2 $CD report asylum-applicants --from $FROM --to $TO --format sdmx-csv -o "$T/x.csv"
expect_grep "says so" "geo" "$T/err"
expect_rc "--geo GR is not Eurostat's code" 6 $CD report asylum-applicants --from $FROM --to $TO --format sdmx-csv --geo GR -o "$T/x.csv"
expect_rc "--round 3 refused" 2 $CD report asylum-applicants --from $FROM --to $TO --format sdmx-csv --geo DE --round 3 -o "$T/x.csv"
expect_rc "--round with xlsx refused" 2 $CD report asylum-applicants --from $FROM --to $TO --format xlsx --round 5 -o "$T/x.xlsx"
expect_rc "workload has no dataflow" 2 $CD report workload --from $FROM --to $TO --format sdmx-csv --geo DE -o "$T/x.csv"
# a transmission covers whole periods of the dataflow's frequency; xlsx and csv label a part truthfully
expect_rc "part of a month refused as sdmx-csv" 2 $CD report asylum-applicants --from 2026-03-15 --to 2026-04-10 --format sdmx-csv --geo DE -o "$T/x.csv"
expect_grep "the refusal names the whole months" "give --from 2026-03-01 --to 2026-04-30" "$T/err"
[ -e "$T/x.csv" ] && fail "nothing written for part of a month" || pass "nothing written for part of a month"
expect_rc "part of a quarter refused as sdmx-csv" 2 $CD report asylum-decisions --from 2026-02-01 --to 2026-04-30 --format sdmx-csv --geo DE -o "$T/x.csv"
expect_grep "the refusal names the whole quarters" "give --from 2026-01-01 --to 2026-06-30" "$T/err"
expect_rc "part of a year refused as sdmx-csv" 2 $CD report first-permits --from 2026-01-01 --to 2026-11-30 --format sdmx-csv --geo DE -o "$T/x.csv"
expect_rc "whole quarters taken as sdmx-csv" 0 $CD report asylum-decisions --from 2026-01-01 --to 2026-06-30 --format sdmx-csv --geo DE -o "$T/q.csv"
DAY=$(q "SELECT substr(opened_at, 1, 10) FROM cases WHERE number = '$B'")
expect_rc "part of a month as csv" 0 $CD report asylum-applicants --from 2000-01-01 --to "$DAY" --format csv -o "$T/part.csv"
WANT="$M-01..$DAY"
[ "$(q "SELECT date('$DAY', '+1 day') LIKE '%-01'")" = 1 ] && WANT=$M
expect_eq "the last month is labelled by the days it covers" "$(tail -n 1 "$T/part.csv" | cut -d, -f1)" "$WANT"
cd "$OLDPWD_" 2>/dev/null || true
