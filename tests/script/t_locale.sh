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

# ---- Plurals: each catalogue's Plural-Forms picks the form a count needs (ngettext).
# A case whose deadline is N days away, seen on the day that leaves N: 1, 2, 5, 21 in
# Russian (one, few, many, one again), 1, 2, 20 in Romanian (one, few, "de" after 20).
S=$T/plural.casedesk
$CD --store "$S" init --office TBS --training >/dev/null 2>&1
P=$($CD --store "$S" --user clerk person add --surname Doe --given Jane --dob 1980 --sex F --nationality GBR 2>/dev/null)
K=$($CD --store "$S" --user clerk case new residence --person "$P" 2>/dev/null)
due=$($CD --store "$S" --user caseworker --json case show "$K" 2>/dev/null | sed -n 's/.*"deadline":"\([0-9-]*\)".*/\1/p')
# left LOCALE N: the deadline's words in `case show` on the day N days before it.
left() {
	CASEDESK_TODAY=$(date -u -d "$due - $2 days" +%F) LANG=$1 \
		$CD --store "$S" --user caseworker case show "$K" 2>&1 | sed -n "s/.*$due (\(.*\))$/\1/p"
}
if [ -z "$due" ]; then
	fail "a case with a deadline for the plural checks" "case show gave no deadline"
elif localedef -i ro_RO -f UTF-8 "$T/ro_RO.UTF-8" 2>"$T/localedef.err" && [ -d "$T/ru_RU.UTF-8" ]; then
	export LOCPATH=$T
	expect_eq "English: 1 day left" "$(left C.UTF-8 1)" "1 day left"
	expect_eq "English: 2 days left" "$(left C.UTF-8 2)" "2 days left"
	expect_eq "Russian: 1 day left (one)" "$(left ru_RU.UTF-8 1)" "остался 1 день"
	expect_eq "Russian: 2 days left (few)" "$(left ru_RU.UTF-8 2)" "осталось 2 дня"
	expect_eq "Russian: 5 days left (many)" "$(left ru_RU.UTF-8 5)" "осталось 5 дней"
	expect_eq "Russian: 21 days left (one again)" "$(left ru_RU.UTF-8 21)" "остался 21 день"
	expect_eq "Romanian: 1 day left (one)" "$(left ro_RO.UTF-8 1)" "a rămas 1 zi"
	expect_eq "Romanian: 2 days left (few)" "$(left ro_RO.UTF-8 2)" "au rămas 2 zile"
	expect_eq "Romanian: 20 days left (de after 20)" "$(left ro_RO.UTF-8 20)" "au rămas 20 de zile"
	LANG=ru_RU.UTF-8 LANGUAGE=uk
	export LANG LANGUAGE
	expect_eq "Ukrainian: 3 days left (few)" "$(left ru_RU.UTF-8 3)" "залишилося 3 дні"
	unset LANGUAGE
else
	fail "localedef can build ro_RO.UTF-8" "$(cat "$T/localedef.err")"
fi
# Every catalogue says how its language counts, and every plural message has every form.
for l in en ru uk ro ka; do
	case $l in en | ka) want="nplurals=2" ;; *) want="nplurals=3" ;; esac
	expect_grep "$l.po declares its plural forms" "Plural-Forms: $want;" "locale/$l.po"
	if msgfmt -c -o /dev/null "locale/$l.po" 2>"$T/msgfmt.err" && ! msgattrib --untranslated --only-fuzzy locale/$l.po | grep -q msgid_plural; then
		pass "$l.po: every plural message translated in every form"
	else
		fail "$l.po: every plural message translated in every form" "$(head -5 "$T/msgfmt.err")"
	fi
done
