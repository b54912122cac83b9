#!/bin/sh
# The settings file (casedesk.ini) against its table: each kind of mistake is refused with
# exit 6 naming file and line, for every command; `casedesk config` shows each setting in
# force and where it came from.  Also office.ini, read by the same reader.
. tests/script/lib.sh
export CASEDESK_CONFIG=$T/casedesk.ini
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8

# refused CASE-NAME FILE-TEXT PATTERN: exit 6 and the message names file and line.
refused() {
	printf "$2" >"$CASEDESK_CONFIG"
	expect_rc "$1: exit 6" 6 "$CD" --help
	expect_grep "$1: names file and line" "casedesk.ini:$3" "$T/err"
	expect_rc "$1: casedesk config is refused too" 6 "$CD" config
}
refused "a misspelt key in [ui]" '[ui]\nlangauge = uk\n' "2: unknown key 'langauge' in \[ui\]"
refused "a misspelt key in [duplicates]" '; mine\n[duplicates]\nwarn = 50\nwarm = 10\n' \
	"4: unknown key 'warm' in \[duplicates\]"
refused "an unknown section" '[ui]\nlanguage = uk\n\n[dupes]\nwarn = 10\n' "4: unknown section \[dupes\]"
refused "a number that is not one" '[duplicates]\nwarn = ten\n' "2: \[duplicates\] warn: give a whole number"
refused "a number out of range" '[duplicates]\nblock = 101\n' "2: \[duplicates\] block: give a whole number"
refused "a number with words after it" '[duplicates]\nblock = 90 percent\n' "2: \[duplicates\] block"
refused "warn above block" '[duplicates]\nwarn = 90\nblock = 60\n' "3: \[duplicates\] warn (90) is above block (60)"
refused "a language that is no code" '[ui]\nlanguage = ../etc\n' "2: \[ui\] language"
refused "an unknown action in [keys]" '[keys]\nsearch = F8\nfrobnicate = x\n' "3: unknown action .frobnicate."
refused "an unknown key name in [keys]" '[keys]\nsearch = F99\n' "2: unknown key .F99."
refused "a key given twice" '[duplicates]\nwarn = 50\nwarn = 55\n' "3: duplicate key 'warn'"
refused "a line that is no setting" '[ui]\nlanguage uk\n' "2: expected \[section\], key = value"
refused "a key before any section" 'language = uk\n' "1: key 'language' comes before any \[section\]"

# The refusal is in the user's language: the file is read again once messages are translated.
export CASEDESK_LOCALEDIR=${CASEDESK_LOCALEDIR:-$(pwd)/build/locale}
if localedef -i ru_RU -f UTF-8 "$T/ru_RU.UTF-8" 2>/dev/null; then
	printf '[ui]\nlanguage uk\n' >"$CASEDESK_CONFIG"
	LOCPATH=$T LANG=ru_RU.UTF-8 expect_rc "a refusal under LANG=ru_RU" 6 env LOCPATH="$T" LANG=ru_RU.UTF-8 "$CD" --help
	expect_grep "is in Russian, with file and line" "casedesk.ini:2: ожидается \[section\]" "$T/err"
else
	pass "no ru_RU locale can be made here: the Russian refusal is not checked"
fi

# What is in force, and from where.
rm -f "$CASEDESK_CONFIG"
expect_rc "no settings file is fine" 0 "$CD" config
expect_grep "config says the file is not there" "casedesk.ini (from CASEDESK_CONFIG), not there" "$T/out"
expect_grep "the default warn" "^duplicates.warn = 60 *default " "$T/out"
expect_grep "the default block" "^duplicates.block = 90 *default " "$T/out"
expect_grep "the language from the environment" "^ui.language = C.UTF-8 *environment (LANG) " "$T/out"
expect_grep "every setting has its help" "registration lists candidate duplicates" "$T/out"
LANGUAGE=uk expect_rc "LANGUAGE is environment too" 0 "$CD" config
# (in Ukrainian now: the catalogue translates "environment"; the variable's name stays)
expect_grep "and named so" "^ui.language = uk .*(LANGUAGE) " "$T/out"
printf '# office desk 3\n[ui]\nlanguage = ka ; Georgian\n\n[duplicates]\nblock = 95\n[keys]\nsearch = / F8\n' >"$CASEDESK_CONFIG"
expect_rc "a good settings file" 0 "$CD" config
expect_grep "the file's language with its line" "^ui.language = ka *$CASEDESK_CONFIG:3 " "$T/out"
# (the origin word is in Georgian now, as the file asks; a default names no file and line)
expect_grep "warn stays the default" "^duplicates.warn = 60 " "$T/out"
if grep "^duplicates.warn" "$T/out" | grep -q "$CASEDESK_CONFIG"; then fail "and is not said to come from the file"; else pass "and is not said to come from the file"; fi
expect_grep "block from the file with its line" "^duplicates.block = 95 *$CASEDESK_CONFIG:6 " "$T/out"
expect_grep "a key binding with its line" "^keys.search = / F8 *$CASEDESK_CONFIG:8 " "$T/out"
expect_rc "config takes no words" 2 "$CD" config extra

# office.ini, the letterhead: a mistake in it names file and line when a form is printed.
unset CASEDESK_CONFIG
export CASEDESK_STORE=$T/office.casedesk CASEDESK_USER=supervisor
mkdir -p "$T/data"
cp -r "$CASEDESK_DATA"/. "$T/data/"
export CASEDESK_DATA=$T/data
"$CD" demo --persons 40 --seed 7 >/dev/null 2>&1 || fail "demo store for the letterhead"
case_no=$(sqlite3 "$CASEDESK_STORE" "SELECT number FROM cases WHERE workflow_id = 'residence' ORDER BY id LIMIT 1")
form=acknowledgement
"$CD" form "$case_no" "$form" -o "$T/f.pdf" >/dev/null 2>&1 || fail "the form prints with the shipped office.ini"
printf '[office]\nname = Test office\nnmae = typo\n' >"$T/data/forms/office.ini"
expect_rc "a misspelt key in office.ini is refused" 6 "$CD" form "$case_no" "$form" -o "$T/f.pdf" --force
expect_grep "naming file and line" "office.ini:3: unknown key 'nmae' in \[office\]" "$T/err"
printf '[office]\nname = Test office\n[offices]\n' >"$T/data/forms/office.ini"
expect_rc "an unknown section in office.ini is refused" 6 "$CD" form "$case_no" "$form" -o "$T/f.pdf" --force
expect_grep "naming its line" "office.ini:3: unknown section \[offices\]" "$T/err"
printf '[office]\nname = Test office\nname = again\n' >"$T/data/forms/office.ini"
expect_rc "a key given twice in office.ini is refused" 6 "$CD" form "$case_no" "$form" -o "$T/f.pdf" --force
expect_grep "naming both lines" "office.ini:3: duplicate key 'name' in \[office\] (first at line 2)" "$T/err"
