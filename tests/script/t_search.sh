#!/bin/sh
# Names across scripts and duplicates on the command line: person add without Latin forms
# (ICAO transliteration by nationality), duplicate refusal (exit 4) and --force, the
# [duplicates] thresholds from the settings file, and search output with score and why.
. tests/script/lib.sh
export CASEDESK_STORE=$T/office.casedesk CASEDESK_TODAY=2026-03-02 CASEDESK_CONFIG=$T/none.ini
$CD init --office TBS --training >/dev/null 2>&1 || fail "init"

# ---- Latin forms derived
P1=$($CD --user clerk person add --surname Шевченко --given Олександр --dob 1987-04 --sex M --nationality UKR)
case "$P1" in P-TBS-*) pass "person add without Latin forms";; *) fail "person add without Latin forms" "$P1";; esac
$CD --user clerk --json person show "$P1" >"$T/show"
expect_grep "stored as the ICAO form, Ukrainian rows" '"surname_latin":"SHEVCHENKO","given_latin":"OLEKSANDR"' "$T/show"
P2=$($CD --user clerk person add --surname Георгій --given Гнатюк --dob 1990 --sex M --nationality UKR)
expect_grep "Ukrainian Г is H" '"surname_latin":"HEORHII"' "$($CD --user clerk --json person show "$P2" >"$T/s2"; echo "$T/s2")"
P3=$($CD --user clerk person add --surname Георгиев --given Иван --dob 1991 --sex M --nationality RUS)
expect_grep "Russian Г is G" '"surname_latin":"GEORGIEV"' "$($CD --user clerk --json person show "$P3" >"$T/s3"; echo "$T/s3")"
P4=$($CD --user clerk person add --surname Müller --given Jürgen --dob 1970 --sex M --nationality DEU)
expect_grep "German umlauts" '"surname_latin":"MUELLER","given_latin":"JUERGEN"' "$($CD --user clerk --json person show "$P4" >"$T/s4"; echo "$T/s4")"
expect_rc "a script without a table still needs a Latin form" 6 $CD --user clerk person add --surname 王 --given 伟 \
	--dob 1990 --sex M --nationality CHN
expect_grep "and says which option" "surname-latin" "$T/err"
expect_rc "given Latin forms are kept" 0 $CD --user clerk person add --surname 王 --given 伟 --surname-latin WANG \
	--given-latin WEI --dob 1990 --sex M --nationality CHN

# ---- duplicates
expect_rc "another spelling registers with a warning" 0 $CD --user clerk person add --surname SCHEWTSCHENKO \
	--given Alexander --dob 1987 --sex M --nationality UKR
expect_grep "the warning names the candidate, score and why" "possible duplicate: $P1  score [6-8][0-9]  (name: variant" "$T/err"
n=$(sqlite3 "$CASEDESK_STORE" "SELECT count(*) FROM person")
expect_rc "the same person again is refused" 4 $CD --user clerk person add --surname Шевченко --given Олександр \
	--dob 1987-04 --sex M --nationality UKR
expect_grep "the refusal lists the candidate" "possible duplicate: $P1  score 9[0-9]" "$T/err"
expect_grep "and says how to go on" "\-\-force" "$T/err"
if grep -q "Шевченко\|SHEVCHENKO" "$T/err"; then fail "no personal data in the messages"; else pass "no personal data in the messages"; fi
expect_eq "nothing was saved" "$(sqlite3 "$CASEDESK_STORE" "SELECT count(*) FROM person")" "$n"
expect_rc "--force registers anyway" 0 $CD --user clerk person add --surname Шевченко --given Олександр \
	--dob 1987-04 --sex M --nationality UKR --force
printf '[duplicates]\nwarn = 50\nblock = 70\n' >"$T/strict.ini"
expect_rc "a stricter block from the settings file" 4 env CASEDESK_CONFIG="$T/strict.ini" $CD --user clerk person add \
	--surname Shevtchenko --given Oleksandr --dob 1987 --sex M --nationality UKR
printf '[duplicates]\nwarn = 95\nblock = 99\n' >"$T/lax.ini"
expect_rc "a laxer one lets it through" 0 env CASEDESK_CONFIG="$T/lax.ini" $CD --user clerk person add \
	--surname Shevtchenko --given Oleksandr --dob 1987 --sex M --nationality UKR
printf '[duplicates]\nwarn = 90\nblock = 60\n' >"$T/bad.ini"
expect_rc "warn above block is refused" 6 env CASEDESK_CONFIG="$T/bad.ini" $CD --user clerk person add \
	--surname Nobody --given Else --dob 1950 --sex M --nationality UKR

# ---- search: score and why
expect_rc "search a variant" 0 $CD --user caseworker search "Schewtschenko Oleksandr"
expect_grep "the ICAO one first, as a variant" "^$P1 .* 92  name: variant" "$T/out"
expect_rc "search swapped" 0 $CD --user caseworker --json search "Oleksandr Shevchenko"
expect_grep "json has score and why" "\"number\":\"$P1\".*\"matched\":\"name\",\"detail\":null,\"score\":97,\"why\":\"name: exact ICAO, swapped\"" "$T/out"
expect_rc "search with a typo and a year" 0 $CD --user caseworker search "Shevchenmo 1987"
expect_grep "says 1 typo and dob" "^$P1 .*name: 1 typo; dob: year" "$T/out"
expect_rc "a year that does not fit filters" 0 $CD --user caseworker search "Shevchenko 1960"
expect_grep "no one" "no one found" "$T/out"
expect_rc "document add" 0 $CD --user clerk document add "$P2" --number "AB 123456" --issuer UKR
expect_rc "search document" 0 $CD --user caseworker search "ab123456"
expect_grep "why: document" "^$P2 .*100  document AB123456" "$T/out"
C=$($CD --user clerk case new residence --person "$P3")
expect_rc "search case" 0 $CD --user caseworker search "$C"
expect_grep "why: case" "^$P3 .*100  case $C" "$T/out"
expect_rc "alias in Cyrillic" 0 $CD --user clerk person alias "$P4" --surname Мюллер --given Юрген
expect_rc "search the alias by its ICAO form" 0 $CD --user caseworker search "Miuller"
expect_grep "finds the person" "^$P4 " "$T/out"
expect_rc "a document number not on file" 0 $CD --user caseworker search "AB 999999"
expect_grep "finds no one by name" "no one found" "$T/out"
