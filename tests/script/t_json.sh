#!/bin/sh
# Every --json output and every outbox payload is JSON (issue 11, item 6): on a store whose
# names hold quotes, backslashes, tabs and characters beyond the BMP, every read command that
# takes --json is run and its output parsed with python3's json module (strict: no raw
# control characters, valid UTF-8); then a range of writes, after which every outbox row
# (read with the sqlite3 command line) must parse and carry what it changed.
. tests/script/lib.sh
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02 CASEDESK_STORE=$S

# json_ok NAME FILE [PYTHON-CHECK]: FILE is one JSON document; the check sees it as `d`.
json_ok() {
	if python3 - "$2" "${3:-True}" <<'PY' >"$T/py" 2>&1
import json, sys
raw = open(sys.argv[1], 'rb').read()
d = json.loads(raw.decode('utf-8', 'strict'))
assert eval(sys.argv[2], {'d': d}), 'check failed: ' + sys.argv[2]
PY
	then pass "$1"; else fail "$1" "$(tail -1 "$T/py")" "$(head -c 300 "$2")"; fi
}

# run_json NAME CODE CHECK CMD...: runs CMD with --json, expects the exit code, parses stdout.
run_json() {
	name=$1 code=$2 check=$3; shift 3
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$code" ]; then
		fail "$name: exit code" "exit $got, wanted $code" "$(head -3 "$T/err")"
		return
	fi
	json_ok "$name" "$T/out" "$check"
}

run_json "init --json" 0 "d['training'] is True and d['office'] == 'TBS'" $CD --json init --office TBS --training

# ---- people whose names need escaping
QS='O"Brien\Back'          # a quote and a backslash
QG='Anne "Nan"'
P1=$($CD --user clerk person add --surname "$QS" --given "$QG" --surname-latin OBRIENBACK --given-latin ANNE \
	--dob 1980-05-06 --sex F --nationality IRL --birth-place 'Cork "city"')
case "$P1" in P-TBS-*) pass "a name with a quote and a backslash is registered";; *) fail "quote name registered" "$P1";; esac
P2=$($CD --user clerk person add --surname "𠀀𠀁" --given "李" --surname-latin LI --given-latin WEI \
	--dob 1992-11-03 --sex M --nationality CHN)
case "$P2" in P-TBS-*) pass "a name beyond the BMP is registered";; *) fail "beyond-BMP name registered" "$P2";; esac
P3=$($CD --user clerk person add --surname "Шевченко" --given "Олександр" --surname-latin SHEVCHENKO \
	--given-latin OLEKSANDR --dob 1987-04 --sex M --nationality UKR)
P4=$($CD --user clerk person add --surname "Шевченко" --given "Олександр" --surname-latin SHEVCHENKO \
	--given-latin OLEKSANDR --dob 1987-04 --sex M --nationality UKR --force 2>/dev/null)
# A tab where a field may hold one; if input checks refuse it, the store gets it the way old
# data or another tool would: the output must stay JSON whatever the store holds.
$CD --user clerk person alias "$P1" --surname "Tab	Name" --given "X\\Y" >/dev/null 2>&1 ||
	$CD --user clerk person alias "$P1" --surname 'Back\slash "q"' --given 'X\Y' >/dev/null 2>&1
sqlite3 "$S" "UPDATE person SET birth_place = 'Cork' || char(9) || '\"city\"' || char(10) || 'x' WHERE number = '$P3'"
sqlite3 "$S" "UPDATE person SET birth_place = CAST(X'41EDA08042C0AF43FF' AS TEXT) WHERE number = '$P4'"
$CD --user clerk document add "$P1" --number "IE 123 456" --issuer IRL --expires 2031-01-01 >/dev/null 2>&1
$CD --user clerk document add "$P2" --number E7654321 --issuer CHN >/dev/null 2>&1
$CD --user clerk family link "$P1" "$P2" --relation spouse >/dev/null 2>&1
$CD --user clerk document add "$P4" --number FE2 --issuer UKR >/dev/null 2>&1

# ---- every read command that takes --json
run_json "person show: quote and backslash" 0 "d['surname'] == 'O\"Brien\\\\Back' and d['given'] == 'Anne \"Nan\"'" \
	$CD --user caseworker --json person show "$P1"
json_ok "person show: aliases and family listed" "$T/out" "len(d['aliases']) == 1 and d['family'][0]['relation'] == 'spouse'"
run_json "person show: beyond the BMP as it is" 0 "d['surname'] == '\U00020000\U00020001'" \
	$CD --user caseworker --json person show "$P2"
if grep -q "𠀀" "$T/out"; then pass "U+20000 written as UTF-8"; else fail "U+20000 written as UTF-8" "$(head -c 200 "$T/out")"; fi
run_json "person show: a tab and a new line in the store" 0 "d['birth_place'] == 'Cork\\t\"city\"\\nx'" \
	$CD --user caseworker --json person show "$P3"
run_json "person show: invalid UTF-8 in the store is replaced" 0 "d['birth_place'] == 'A\\ufffd\\ufffd\\ufffdB\\ufffd\\ufffdC\\ufffd'" \
	$CD --user caseworker --json person show "$P4"
run_json "search --json" 0 "any(h['surname'] == 'O\"Brien\\\\Back' for h in d)" $CD --user caseworker --json search OBRIENBACK
run_json "search --json beyond the BMP" 0 "isinstance(d, list)" $CD --user caseworker --json search "𠀀𠀁"
run_json "search --json with no hit" 0 "d == []" $CD --user caseworker --json search ZZZQQQXXX
run_json "workflow list --json" 0 "len(d) >= 1 and all('id' in w for w in d)" $CD --json workflow list
run_json "user list --json" 0 "any(u['name'] == 'clerk' for u in d)" $CD --user admin --json user list
run_json "user add --json" 0 "d['user'] == 'anna'" $CD --user admin --json user add anna --role clerk
run_json "store check --json" 0 "d['integrity'] == 'ok'" $CD --json store check
run_json "enrol duplicates --json" 0 "d == []" $CD --user supervisor --json enrol duplicates

C1=$($CD --user clerk case new residence --person "$P1")
run_json "case new --json" 0 "d['number'].startswith('RP-TBS-')" $CD --user clerk --json case new residence --person "$P2"
C2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["number"])' "$T/out")
run_json "case move --json" 0 "d['state'] == 'awaiting_documents'" $CD --user caseworker --json case move "$C1" \
	request_documents --set 'missing_documents=proof of "address" \ lease' --set documents_due=2026-04-01 \
	--note 'asked "at" the desk' --no-print
$CD --user clerk case move "$C1" documents_received --no-print >/dev/null 2>&1
# The first --set value equals the stored one, the second is new: the payload bug of issue 11.
run_json "case move, first value unchanged" 0 "d['row_version'] >= 4" $CD --user caseworker --json case move "$C1" \
	request_documents --set 'missing_documents=proof of "address" \ lease' --set documents_due=2026-05-01 --no-print
run_json "case show --json" 0 "d['fields']['missing_documents'] == 'proof of \"address\" \\\\ lease'" \
	$CD --user caseworker --json case show "$C1"
run_json "case history --json" 0 "any(h['new'] == '2026-05-01' for h in d)" $CD --user caseworker --json case history "$C1"
json_ok "case history: the note with quotes" "$T/out" "any(h['note'] == 'asked \"at\" the desk' for h in d)"
# A tab and an escape in a field, put in the store directly (input checks may refuse them).
sqlite3 "$S" "UPDATE case_field SET value = 'a' || char(9) || char(27) || '[2J' || char(1) WHERE name = 'missing_documents'"
run_json "case show --json: tab, escape and SOH in a field" 0 "d['fields']['missing_documents'] == 'a\t\x1b[2J\x01'" \
	$CD --user caseworker --json case show "$C1"
run_json "case list --json" 0 "any(c['number'] == '$C1' for c in d)" $CD --user caseworker --json case list --all

printf 'number,issuer,kind,reported,source\nAB123456,UKR,passport,2025-11-02,"Interpol ""SLTD"" \\ 2025"\nbad,ZZZ,passport,2025-01-01,x\n' >"$T/lost.csv"
run_json "lostdocs import --json with a bad line" 6 "d['added'] == 1 and d['bad'] == 1 and d['problems']" \
	$CD --user supervisor --json lostdocs import "$T/lost.csv" --source 'desk "A"'
run_json "lostdocs check --json" 0 "d['listed'] and '\"SLTD\" \\\\' in d['entries'][0]['source']" \
	$CD --user clerk --json lostdocs check AB123456
run_json "lostdocs check --json, not listed" 4 "d['listed'] is False" $CD --user clerk --json lostdocs check ZZ999999
run_json "lostdocs stats --json" 0 "d['entries'] == 1 and d['last_import']['user'] == 'supervisor'" \
	$CD --user clerk --json lostdocs stats

printf 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n' >"$T/mrz.txt"
run_json "mrz parse --json" 0 "d['valid'] and d['sex'] == 'F'" $CD --json mrz parse <"$T/mrz.txt"
printf 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C37UTO7408122F1204159ZE184226B<<<<<10\n' >"$T/mrz-bad.txt"
run_json "mrz parse --json, a bad check digit" 6 "not d['valid'] and d['problems']" $CD --json mrz parse <"$T/mrz-bad.txt"
run_json "mrz make --json" 0 "len(d['lines']) == 3 or len(d['lines']) == 2" $CD --user clerk --json mrz make "$P1"
run_json "form --json" 0 "d['file'].endswith('.pdf')" $CD --user caseworker --json form "$C1" acknowledgement -o "$T/ack.pdf"
run_json "report --json" 0 "d['report'] == 'workload'" $CD --user supervisor --json report workload \
	--from 2026-01-01 --to 2026-12-31 -o "$T/w.csv"

# Errors under --json are one object too, whatever the message holds.
run_json "an error under --json" 3 "d['error']['kind'] and d['error']['code'] == 3" \
	$CD --user caseworker --json case show 'RP-"\x'
run_json "a usage error under --json" 2 "d['error']['code'] == 2" $CD --json frobnicate

# The demo store: its summary, and its people in many scripts through the list commands.
D=$T/demo.casedesk
run_json "demo --json" 0 "d['persons'] == 50 and d['seconds'] >= 0" $CD --store "$D" --json demo --persons 50
run_json "case list --json on the demo store" 0 "len(d) >= 20" $CD --store "$D" --user caseworker --json case list --all
run_json "search --json on the demo store" 0 "isinstance(d, list)" $CD --store "$D" --user caseworker --json search a
run_json "case show --json on a demo case" 0 "d['number']" $CD --store "$D" --user caseworker --json case show \
	"$(sqlite3 "$D" 'SELECT number FROM cases ORDER BY id LIMIT 1')"

# ---- more writes: aliases, merge and unmerge
$CD --user clerk person alias "$P2" --surname "𠀂" --given '"Wei"' --kind previous >/dev/null 2>&1
run_json "person alias --json" 0 "d['alias']['surname'] == 'Q\"\\\\'" $CD --user clerk --json person alias "$P3" --surname 'Q"\' --given B
run_json "document add --json" 0 "d['document']['issuer'] == 'UKR'" $CD --user clerk --json document add "$P3" --number FE1 --issuer UKR
run_json "family link --json" 0 "d['family']['relation'] == 'sibling'" $CD --user clerk --json family link "$P3" "$P1" --relation sibling
run_json "person merge --json" 0 "d['merged'] and d['duplicate'] == '$P4'" $CD --user supervisor --json person merge "$P3" "$P4" \
	--reason 'same "passport"'
run_json "person unmerge --json" 0 "d['unmerged']" $CD --user supervisor --json person unmerge "$P4" --reason 'not the same'

# ---- every outbox row parses and says what it changed
sqlite3 "$S" "SELECT entity, op, hex(payload) FROM outbox ORDER BY id" >"$T/outbox"
python3 - "$T/outbox" "$C1" >"$T/py" 2>&1 <<'PY'
import json, sys
# Since schema 16 (the op log) a payload is {"fields":{NAME:{"base","old","new"}}, ...}:
# "f:NAME" is a field, a bare NAME a top-level member.
need = {
    ('person', 'insert'): ['f:number', 'f:surname', 'f:given', 'f:dob', 'f:nationality'],
    ('document', 'insert'): ['f:person', 'f:kind', 'f:number', 'f:issuer'],
    ('alias', 'insert'): ['f:person', 'f:kind', 'f:surname', 'f:given'],
    ('family', 'insert'): ['f:person', 'f:relative', 'f:relation'],
    ('case', 'insert'): ['f:number', 'f:person', 'f:workflow', 'f:state'],
    ('case', 'transition'): ['number', 'transition', 'f:state', 'fields'],
    ('person', 'merge'): ['survivor', 'f:merged_into', 'moved', 'reason'],
    ('person', 'unmerge'): ['survivor', 'f:merged_into', 'moved'],
    ('user', 'insert'): ['f:name', 'f:roles'],
}
rows, moves = 0, []
for line in open(sys.argv[1], encoding='ascii'):
    entity, op, hexed = line.rstrip('\n').split('|')
    d = json.loads(bytes.fromhex(hexed).decode('utf-8', 'strict'))
    assert isinstance(d, dict) and d, f'{entity} {op}: empty payload'
    assert isinstance(d.get('fields'), dict), f'{entity} {op}: no fields in {d}'
    for f in d['fields'].values():
        assert set(f) == {'base', 'old', 'new'}, f'{entity} {op}: a field without base, old and new in {d}'
    for k in need.get((entity, op), ['?']):
        if k.startswith('f:'):
            assert k[2:] in d['fields'], f'{entity} {op}: no field {k[2:]} in {d}'
        else:
            assert k in d, f'{entity} {op}: no {k} in {d}'
    if entity == 'case' and op == 'transition' and d['number'] == sys.argv[2]:
        moves.append({k[6:]: v['new'] for k, v in d['fields'].items() if k.startswith('field.')})
    rows += 1
# The second request_documents changed documents_due only: the unchanged first value is left out.
assert moves[0] == {'missing_documents': 'proof of "address" \\ lease', 'documents_due': '2026-04-01'}, moves[0]
assert moves[2] == {'documents_due': '2026-05-01'}, moves[2]
print(rows)
PY
if [ $? -eq 0 ]; then pass "every outbox payload parses and names what changed ($(cat "$T/py") rows)"
else fail "every outbox payload parses and names what changed" "$(tail -3 "$T/py")"; fi
expect_eq "the quote-and-backslash alias is in its payload" \
	"$(sqlite3 "$S" "SELECT json_extract(payload, '$.fields.surname.new') FROM outbox WHERE entity = 'alias' AND json_extract(payload, '$.fields.surname.new') = 'Q\"\\'")" 'Q"\'
expect_eq "the alias beyond the BMP is in its payload" \
	"$(sqlite3 "$S" "SELECT json_extract(payload, '$.fields.surname.new') FROM outbox WHERE entity = 'alias' AND json_extract(payload, '$.fields.kind.new') = 'previous'")" '𠀂'
expect_eq "the merge payload names the moved document by uuid" \
	"$(sqlite3 "$S" "SELECT json_extract(payload, '$.moved.document[0]') = (SELECT uuid FROM document WHERE number = 'FE2') FROM outbox WHERE op = 'merge'")" 1
