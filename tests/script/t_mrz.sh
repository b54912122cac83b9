#!/bin/sh
# `casedesk mrz parse` on machine-readable zones: the ICAO specimens, a wrong check digit
# (exit 6, the message names field, position and expected digit), --json, OCR suggestions.
. tests/script/lib.sh

TD3="P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
L898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1="I<UTOD231458907<<<<<<<<<<<<<<<
7408122F1204159UTO<<<<<<<<<<<6
ERIKSSON<<ANNA<MARIA<<<<<<<<<<"

mrz() { printf '%s\n' "$1" >"$T/in"; shift; expect_rc "$@" <"$T/in"; }

mrz "$TD3" "TD3 specimen is valid" 0 $CD mrz parse
expect_grep "format is shown" "^format  *TD3" "$T/out"
expect_grep "surname is shown" "^surname  *ERIKSSON" "$T/out"
expect_grep "given names are shown" "^given names  *ANNA MARIA" "$T/out"
expect_grep "document number is shown" "^document number  *L898902C3" "$T/out"
expect_grep "date of birth is shown" "^date of birth  *1974-08-12" "$T/out"
expect_grep "expiry is shown" "^expiry date  *2012-04-15" "$T/out"
expect_grep "composite check is shown" "composite .*line 2, column 44: found 0, expected 0  ok" "$T/out"
expect_grep "result valid" "^result  *valid" "$T/out"

mrz "$TD1" "TD1 specimen is valid" 0 $CD mrz parse
expect_grep "TD1 format" "^format  *TD1" "$T/out"
printf 'I<UTOD231458907<<<<<<<<<<<<<<<\r\n7408122F1204159UTO<<<<<<<<<<<6\r\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\r\n' >"$T/in"
expect_rc "CRLF lines are read" 0 $CD mrz parse <"$T/in"

BAD=$(printf '%s\n' "$TD3" | sed '2s/^L898902C36/L898902C35/')
mrz "$BAD" "a wrong check digit is exit 6" 6 $CD mrz parse
expect_grep "the message names field, position and expected digit" \
	"document number check digit at line 2, column 10 is 5, expected 6" "$T/err"
expect_grep "the check is marked wrong" "document number .*found 5, expected 6  WRONG" "$T/out"
if grep -q ERIKSSON "$T/err"; then fail "the error carries no name" "$(cat "$T/err")"; else pass "the error carries no name"; fi

mrz "$TD3" "--json on a valid MRZ" 0 $CD mrz parse --json
expect_grep "json has the fields" '"format":"TD3","valid":true' "$T/out"
expect_grep "json has the number" '"document_number":"L898902C3"' "$T/out"
expect_grep "json has the checks" '{"name":"composite","line":2,"column":44,"found":"0","expected":"0","ok":true}' "$T/out"
mrz "$BAD" "--json on an invalid MRZ" 6 $CD --json mrz parse
first=$(head -1 "$T/out")
case "$first" in
*'"valid":false'*'"problems":[{"field":"document_number","line":2,"column":10,'*) pass "json lists the problem by field and position";;
*) fail "json lists the problem by field and position" "$first";;
esac

OCR=$(printf '%s\n' "$TD3" | sed '2s/7408122/74O8122/')
mrz "$OCR" "an OCR confusion is invalid" 6 $CD mrz parse
expect_grep "and a reading is suggested" "line 2, column 16: O -> 0" "$T/out"
expect_grep "the suggested line" "^  *L898902C36UTO7408122F1204159ZE184226B<<<<<10" "$T/out"

printf 'P<UTO\033[31mERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n' >"$T/in"
expect_rc "control characters are refused" 6 $CD mrz parse <"$T/in"
expect_grep "and shown as a code point" "U+001B" "$T/out"
if grep -q "$(printf '\033')" "$T/out" "$T/err"; then fail "no raw escape in the output"; else pass "no raw escape in the output"; fi

mrz "$(printf '%s\n' "$TD3" | sed '2s/.$//')" "a short line is exit 6" 6 $CD mrz parse
expect_grep "the length is named" "line 2 has 43 characters, TD3 lines have 44" "$T/out"
mrz "hello" "not an MRZ is exit 6" 6 $CD mrz parse
mrz "$TD3" "an extra word is a usage error" 2 $CD mrz parse extra
mrz "$TD3" "no subcommand is a usage error" 2 $CD mrz

# ---- mrz make: the zone of a stored document, read back by mrz parse
S=$T/mrz.casedesk
$CD --store "$S" init --office TBS --training >/dev/null
P=$($CD --store "$S" --user clerk person add --surname Шевченко --given Олександр --dob 1987-04-12 --sex M --nationality UKR)
$CD --store "$S" --user clerk document add "$P" --number FE123456 --issuer UKR --expires 2031-05-01 >/dev/null
expect_rc "mrz make writes a passport's zone" 0 $CD --store "$S" --user caseworker mrz make "$P"
expect_grep "with the ICAO Latin name" "^P<UKRSHEVCHENKO<<OLEKSANDR<" "$T/out"
cp "$T/out" "$T/td3"
expect_grep "with its number" "^FE123456" "$T/td3"
expect_rc "which mrz parse reads as valid" 0 $CD mrz parse <"$T/td3"
expect_rc "as a TD1 card" 0 $CD --store "$S" --user caseworker mrz make "$P" --format td1 --code IR
cp "$T/out" "$T/td1"
expect_rc "also valid" 0 $CD mrz parse <"$T/td1"
expect_rc "an unknown format" 2 $CD --store "$S" --user caseworker mrz make "$P" --format td9
expect_rc "a person without documents" 3 $CD --store "$S" --user caseworker mrz make "$($CD --store "$S" --user clerk person add --surname Doe --given Jo --dob 1990 --sex X --nationality XXA)"
