#!/bin/sh
# Languages: LANG picks a catalogue, LANGUAGE overrides LANG, the settings file overrides both;
# catalogues are built by make from locale/*.po.
. tests/script/lib.sh
export CASEDESK_LOCALEDIR=${CASEDESK_LOCALEDIR:-$(pwd)/build/locale}
for l in en ru uk ka ro; do
	[ -f "$CASEDESK_LOCALEDIR/$l/LC_MESSAGES/casedesk.mo" ] && pass "catalogue $l is built" || fail "catalogue $l is built"
done
# A Russian locale of our own (no root, no system change): gettext needs a real locale to translate.
if localedef -i ru_RU -f UTF-8 "$T/ru_RU.UTF-8" 2>"$T/localedef.err"; then
	export LOCPATH=$T
	LANG=ru_RU.UTF-8 $CD frobnicate 2>"$T/ru.err"
	expect_grep "LANG=ru_RU gives Russian" "неизвестная команда frobnicate" "$T/ru.err"
	LANG=ru_RU.UTF-8 LANGUAGE=uk $CD frobnicate 2>"$T/uk.err"
	expect_grep "LANGUAGE=uk overrides LANG" "невідома команда frobnicate" "$T/uk.err"
	printf '[ui]\nlanguage = ka\n' >"$T/casedesk.ini"
	CASEDESK_CONFIG=$T/casedesk.ini LANG=ru_RU.UTF-8 LANGUAGE=uk $CD frobnicate 2>"$T/ka.err"
	expect_grep "the settings file overrides both" "უცნობი ბრძანება frobnicate" "$T/ka.err"
	printf '[ui]\nlanguage = ../../etc\n' >"$T/bad.ini"
	expect_rc "a bad language setting is refused" 6 env CASEDESK_CONFIG="$T/bad.ini" $CD --help
	expect_grep "naming the file" "bad.ini" "$T/err"
else
	fail "localedef can build ru_RU.UTF-8" "$(cat "$T/localedef.err")"
fi
