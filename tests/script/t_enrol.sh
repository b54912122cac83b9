#!/bin/sh
# Biometric enrolment end to end: casedesk starts casedesk-enrol, which drives libfprint's
# own virtual_image driver (a real libfprint device whose "sensor" is a unix socket).
# tool_fpimage plays the finger: it draws a synthetic print for a seed and writes it to
# the socket, one touch every 250 ms.  Then the helper's faults: missing, crashing,
# hanging, garbage, no device - each with a clear message, exit 8 and nothing stored.
. tests/script/lib.sh
FPTOOL=${CASEDESK_TOOLS:-$(pwd)/build/asan/tests/tool}/tool_fpimage
HELPER=$(dirname "$CD")/casedesk-enrol
S=$T/bio.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=clerk CASEDESK_TODAY=2026-03-02
export FP_VIRTUAL_IMAGE=$T/fp.sock CASEDESK_ENROL_TIMEOUT_MS=20000
# GLib inside the helper is not ours to leak-check; the helper leaves with _exit anyway.
unset CASEDESK_ENROL CASEDESK_ENROL_FAULT


FEED=""
feed() { "$FPTOOL" feed "$FP_VIRTUAL_IMAGE" "$1" 250 & FEED=$!; }
unfeed() { [ -n "$FEED" ] && kill "$FEED" 2>/dev/null; wait "$FEED" 2>/dev/null; FEED=""; }
trap 'unfeed; rm -rf "$T"' EXIT
rows() { sqlite3 "$S" "SELECT count(*) FROM biometric"; }

$CD init --office TBS --training >/dev/null
P1=$($CD person add --surname Alpha --given Person --dob 1980 --sex X --nationality XXA)
P2=$($CD person add --surname Bravo --given Person --dob 1981 --sex X --nationality XXA)
P3=$($CD person add --surname Charlie --given Person --dob 1982 --sex X --nationality XXA)
"$FPTOOL" face "$T/face.ppm" ok && "$FPTOOL" face "$T/blank.ppm" blank && "$FPTOOL" face "$T/small.ppm" small &&
	"$FPTOOL" face "$T/noface.ppm" noface

# ---- the key: outside the store, owner-only
export CASEDESK_KEY=$T/key
expect_rc "no key: refused before any device" 4 $CD enrol "$P1" --fingers right_index
expect_grep "and says how to make one" "no biometric key" "$T/err"
head -c 32 /dev/urandom >"$T/key"
chmod 640 "$T/key"
expect_rc "a key open to the group is refused" 4 $CD enrol "$P1" --fingers right_index
expect_grep "the refusal names the mode" "open to group or others (mode 640)" "$T/err"
chmod 600 "$T/key"
expect_eq "refusals stored nothing" "$(rows)" 0
expect_rc "unknown person" 3 $CD enrol P-TBS-999999 --fingers right_index
expect_rc "unknown finger" 2 $CD enrol "$P1" --fingers right_pinky
expect_rc "bad exception" 2 $CD enrol "$P1" --exception left_thumb

# ---- enrolment: two fingers, an exception and a photo in one session
feed 11
expect_rc "enrol two fingers, an exception and a face" 0 $CD enrol "$P1" --fingers right_index,left_index \
	--exception "left_thumb=amputated" --face "$T/face.ppm"
unfeed
expect_grep "the summary names the fingers and their quality" "right_index q[0-9]" "$T/out"
expect_grep "the helper's progress is shown" "place the finger" "$T/err"
expect_grep "the first enrolment has nobody to search against, says so and goes on" \
	"nobody else in this office has these fingers enrolled" "$T/err"
expect_eq "four rows, written together" "$(rows)" 4
expect_eq "the exception has a reason and no template" \
	"$(sqlite3 "$S" "SELECT exception, quality IS NULL, template IS NULL FROM biometric WHERE position='left_thumb'")" "amputated|1|1"
expect_eq "every template is sealed (CDB1 header)" \
	"$(sqlite3 "$S" "SELECT count(*) FROM biometric WHERE template IS NOT NULL AND hex(substr(template,1,4)) = '43444231'")" 3
expect_eq "no template is stored in clear (libfprint's print names its driver)" \
	"$(sqlite3 "$S" "SELECT count(*) FROM biometric WHERE instr(template, CAST('virtual_image' AS BLOB)) > 0 OR instr(template, CAST('P6' AS BLOB)) = 1")" 0
expect_eq "the device is recorded" "$(sqlite3 "$S" "SELECT device FROM biometric WHERE position='right_index'")" "finger:virtual_image"
expect_eq "an event per capture and exception" \
	"$(sqlite3 "$S" "SELECT count(*) FROM event WHERE kind IN ('biometric','biometric_exception')")" 4
expect_eq "an audit row per capture" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE entity='biometric' AND action='change'")" 4
expect_eq "the outbox carries no template" \
	"$(sqlite3 "$S" "SELECT count(*) FROM outbox WHERE entity='biometric' AND payload LIKE '%template%'")" 0
expect_rc "person show" 0 $CD --user caseworker person show "$P1"
expect_grep "the guard's view: enrolled" "enrolled" "$T/out"

feed 22
expect_rc "enrol a second person" 0 $CD enrol "$P2" --fingers right_index
unfeed
expect_grep "the second enrolment first searches the office for its finger" \
	"right_index: place the finger for the duplicate search" "$T/err"
expect_grep "a different finger: no match, and says so" "matches none of the 1 other person who has" "$T/err"
if grep -q "already enrolled" "$T/err" "$T/out"; then fail "a different finger: no duplicate warning"; else pass "a different finger: no duplicate warning"; fi
expect_eq "the search is an event on the person" \
	"$(sqlite3 "$S" "SELECT count(*) FROM event e JOIN person p ON p.id = e.person_id WHERE e.kind='biometric_search' AND p.number='$P2' AND e.note='duplicate check: no match'")" 1

# ---- 1:1 verification through libfprint's verify
feed 11
expect_rc "the same finger matches" 0 $CD --user caseworker enrol verify "$P1" --finger right_index
unfeed
expect_grep "says match" "^match" "$T/out"
feed 22
expect_rc "another finger does not match (exit 4)" 4 $CD --user caseworker enrol verify "$P1" --finger right_index
unfeed
expect_grep "says no match" "no match" "$T/out"
expect_rc "no template to verify against" 3 $CD --user caseworker enrol verify "$P3" --finger right_index
expect_eq "each verification is audited" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action='verify' AND entity='biometric'")" 2
expect_eq "and is an event" "$(sqlite3 "$S" "SELECT group_concat(note, ',') FROM event WHERE kind='biometric_verify'")" "match,no match"

# ---- 1:N search through libfprint's identify
feed 22
expect_rc "search finds the second person" 0 $CD --user caseworker enrol search --finger right_index
unfeed
expect_grep "by person number" "^$P2 (searched 2" "$T/out"
feed 33
expect_rc "an unknown finger finds nobody (exit 3)" 3 $CD --user caseworker enrol search --finger right_index
unfeed
expect_eq "each search is audited (and the enrolment's duplicate search)" \
	"$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE action='search'")" 3
expect_eq "and whom it named" "$(sqlite3 "$S" "SELECT count(*) FROM audit a JOIN person p ON p.uuid = a.entity_uuid WHERE a.action='view' AND p.number='$P2' AND a.purpose='casework'")" 1

# ---- a store copied without its key holds no usable biometric
head -c 32 /dev/urandom >"$T/other.key"
chmod 600 "$T/other.key"
feed 11
expect_rc "another key cannot open the templates" 4 env CASEDESK_KEY="$T/other.key" $CD --user caseworker enrol verify "$P1" --finger right_index
unfeed
expect_grep "and says why" "does not open with this biometric key" "$T/err"

# ---- below the threshold after the retries: kept with its score
feed 1011     # a sparse print: few minutiae, a poor score
expect_rc "a low-quality finger is kept" 0 $CD enrol "$P3" --fingers right_middle --quality 95 --retries 1
unfeed
expect_grep "with a warning and its score" "kept with quality [0-9]*, below the threshold, after 2 attempts" "$T/err"
expect_eq "one row, with its score" "$(sqlite3 "$S" "SELECT count(*) FROM biometric WHERE position='right_middle' AND quality < 95 AND template IS NOT NULL")" 1

# ---- face photos that fail their checks: the reason, exit 6, nothing stored
before=$(rows)
expect_rc "a blank photo is refused" 6 $CD enrol "$P3" --face "$T/blank.ppm"
expect_grep "as blank" "blank" "$T/err"
expect_rc "a small photo is refused" 6 $CD enrol "$P3" --face "$T/small.ppm"
expect_grep "as too small" "smaller than 300x300" "$T/err"
expect_rc "a photo without a face region is refused" 6 $CD enrol "$P3" --face "$T/noface.ppm"
expect_grep "saying so" "no face-sized" "$T/err"
expect_eq "refused photos stored nothing" "$(rows)" "$before"

# ---- faults: each a clear message, exit 8, nothing stored (the fault switch simulates hardware faults)
before=$(rows)
expect_rc "helper missing" 8 env CASEDESK_ENROL="$T/no-such-helper" $CD enrol "$P3" --fingers right_index
expect_grep "says it is missing" "enrolment helper .* is missing" "$T/err"
feed 11
expect_rc "helper crashes mid-capture" 8 env CASEDESK_ENROL_FAULT=crash $CD enrol "$P3" --fingers right_index,left_index
expect_grep "says it crashed" "crashed (signal 6) during capturing right_index" "$T/err"
start=$(date +%s)
expect_rc "helper hangs past the timeout" 8 env CASEDESK_ENROL_FAULT=hang CASEDESK_ENROL_TIMEOUT_MS=1000 $CD enrol "$P3" --fingers right_index
expect_grep "says it did not answer" "did not answer in time" "$T/err"
took=$(( $(date +%s) - start ))
# Two deadlines of 1 s + 3 s grace: the duplicate search's touch (the enrolment goes on
# without it), then the capture's.
expect_grep "the hung duplicate search is said and skipped" "duplicate search could not be made" "$T/err"
if [ "$took" -le 25 ]; then pass "the hung helper was killed within the deadlines (${took}s)"; else fail "hung helper killed in time" "took ${took}s"; fi
expect_rc "helper writes garbage mid-capture" 8 env CASEDESK_ENROL_FAULT=garbage $CD enrol "$P3" --fingers right_index
expect_grep "says it is not the protocol" "not its protocol" "$T/err"
expect_rc "helper writes garbage at once" 8 env CASEDESK_ENROL_FAULT=early $CD enrol "$P3" --fingers right_index
expect_grep "also in words" "not its protocol" "$T/err"
unfeed
expect_rc "no fingerprint reader" 8 env -u FP_VIRTUAL_IMAGE $CD enrol "$P3" --fingers right_index
expect_grep "says there is no device" "no device" "$T/err"
expect_eq "no fault stored anything" "$(rows)" "$before"
if grep -q -e "$(printf '\001')" -e "<html>" "$T/err"; then fail "the garbage is not echoed"; else pass "the garbage is not echoed"; fi

# ---- the helper's own protocol: garbage in, 105 out, and it keeps serving
{
	printf 'not json\n{"cmd":"capture","modality":"finger","fingers":[["x"]]}\n{"id":"a","cmd":"frobnicate"}\n'
	head -c 3000 /dev/urandom | tr '\n' 'x'
	printf '\n{"id":7,"cmd":"status"}\n{"id":8,"cmd":"quit"}\n'
} | env -u FP_VIRTUAL_IMAGE timeout 20 "$HELPER" >"$T/proto" 2>/dev/null
expect_eq "the helper exits 0 on quit" "$?" 0
expect_eq "four bad lines, four 105 answers" "$(grep -c '"error":105' "$T/proto")" 4
expect_grep "then answers status" '{"id":7,"error":0,"busy":false' "$T/proto"
expect_grep "and quit" '{"id":8,"error":0}' "$T/proto"
printf '{"id":1,"cmd":"discover"}\n' | env -u FP_VIRTUAL_IMAGE timeout 20 "$HELPER" >"$T/proto" 2>/dev/null
expect_grep "discover without a reader: 100, and the face-file device" '"error":100,"devices":\["face:file"\]' "$T/proto"

# ---- the same fingers under another name (1:N at enrolment feeds duplicate detection)
P4=$($CD person add --surname Delta --given Person --dob 1984 --sex X --nationality XXA)
P5=$($CD person add --surname Echo --given Person --dob 1985 --sex X --nationality XXA)
feed 11       # P1's right index, given again under P4's name
expect_rc "the same finger under another name is enrolled (a warning, not a refusal)" 0 $CD enrol "$P4" --fingers right_index
unfeed
expect_grep "the warning names the other record and its name" \
	"these fingers are already enrolled for $P1 (Alpha, Person): the right_index matches" "$T/err"
expect_grep "the summary says so too" "^$P4: possible duplicate of $P1 (the same right_index)" "$T/out"
expect_eq "P4's enrolment is stored" "$(sqlite3 "$S" "SELECT count(*) FROM biometric b JOIN person p ON p.id = b.person_id WHERE p.number='$P4'")" 1
expect_eq "a duplicate event on each record, naming the other" \
	"$(sqlite3 "$S" "SELECT group_concat(p.number || '>' || e.new_value || '/' || e.field, ' ') FROM event e JOIN person p ON p.id = e.person_id WHERE e.kind='biometric_duplicate' ORDER BY e.id")" \
	"$P4>$P1/right_index $P1>$P4/right_index"
expect_eq "the search and whom it named are audited, for the enrolment" \
	"$(sqlite3 "$S" "SELECT count(*) FROM audit a JOIN person p ON p.uuid = a.entity_uuid WHERE a.action='view' AND a.purpose='enrolment' AND p.number='$P1'")" 1
expect_rc "the office's fingerprint duplicates" 0 $CD --user supervisor enrol duplicates
expect_grep "list the pair once" "^$P1 *$P4 *right_index" "$T/out"
expect_eq "and nothing else" "$(wc -l <"$T/out")" 1
expect_grep "with the way to the merge" "casedesk person merge" "$T/err"
expect_rc "person show of either record" 0 $CD --user supervisor person show "$P1"
expect_grep "shows the candidate" "possible duplicate: $P4 has the same right_index" "$T/out"
expect_rc "and in JSON" 0 $CD --user supervisor --json person show "$P4"
expect_grep "as biometric_duplicates" "\"biometric_duplicates\":\[{\"number\":\"$P1\",\"finger\":\"right_index\"" "$T/out"
expect_rc "the supervisor merges the two records" 0 $CD --user supervisor person merge "$P1" "$P4" --reason "same fingers"
expect_rc "the list after the merge" 0 $CD --user supervisor enrol duplicates
expect_grep "has nothing left to look at" "no fingerprint duplicates to look at" "$T/out"

# ---- a helper fault during the duplicate search: said, and the enrolment goes on
feed 11
expect_rc "the helper crashes in the search: the enrolment still succeeds" 0 \
	env CASEDESK_ENROL_FAULT=crash:identify $CD enrol "$P5" --fingers right_index
unfeed
expect_grep "and says the search could not be made" "duplicate search could not be made (the enrolment helper crashed" "$T/err"
expect_eq "P5's finger is stored" "$(sqlite3 "$S" "SELECT count(*) FROM biometric b JOIN person p ON p.id = b.person_id WHERE p.number='$P5'")" 1
expect_eq "no duplicate is recorded for a search never made" \
	"$(sqlite3 "$S" "SELECT count(*) FROM event e JOIN person p ON p.id = e.person_id WHERE p.number='$P5' AND e.kind IN ('biometric_duplicate','biometric_search')")" 0
