#!/bin/sh
# `casedesk mrz parse` on machine-readable zones: the ICAO specimens, a wrong check digit
# (exit 6, the message names field, position and expected digit), --json, OCR suggestions.
. tests/lib.sh

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
