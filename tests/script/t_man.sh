#!/bin/sh
# t_man.sh - the man pages (issue 17): each renders without a warning (man --warnings and
# groff -ww), and none can drift from the code: casedesk(1) names every command of
# app/main.c's table, every option the commands take, every exit code of
# model/base/error.h and every CASEDESK_ variable read; casedesk.ini(5) is what
# `casedesk config --man` writes from the settings table now; casedesk-workflow(5) names
# every key, type, guard and role workflow/wf_load.c accepts, and its example lints clean.
# The pages are built by `make man` (make check runs it) into build/man/.
. "$(dirname "$0")/lib.sh"

M=build/man
for page in casedesk.1 casedesk-enrol.1 casedesk.ini.5 casedesk-workflow.5; do
	if [ ! -f "$M/$page" ]; then
		fail "$M/$page is built" "run make man"
		continue
	fi
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$M/$page" >"$T/page" 2>"$T/warn"
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$T/warn" ] && [ -s "$T/page" ]; then
		pass "$page renders with man -l and no warning"
	else
		fail "$page renders with man -l and no warning" "exit $rc" "$(head -5 "$T/warn")"
	fi
	groff -ww -man -z "$M/$page" 2>"$T/warn"
	if [ ! -s "$T/warn" ]; then pass "$page: groff -ww says nothing"; else fail "$page: groff -ww says nothing" "$(head -5 "$T/warn")"; fi
done

P1=$M/casedesk.1
# Every command of the table has its own subsection.
missing=
for cmd in $(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", cmd_[a-z_]*,.*/\1/p' app/main.c); do
	grep -q "^\.SS $cmd\$" "$P1" || missing="$missing $cmd"
done
expect_eq "casedesk(1) has a subsection for every command of app/main.c" "${missing:-none}" none
# An exit code listed for each value of enum cd_code, between EXIT STATUS and the next section.
sed -n '/^\.SH EXIT STATUS/,/^\.SH ENVIRONMENT/p' "$P1" >"$T/exit"
missing=
for n in $(sed -n 's/^[[:space:]]*CD_[A-Z]* = \([0-9]*\),.*/\1/p' model/base/error.h); do
	grep -q "^\.B $n\$" "$T/exit" || missing="$missing $n"
done
expect_eq "casedesk(1) lists every exit code of error.h" "${missing:-none}" none
# Every option a command takes (cli_take, cli_flag) and the global ones (main.c).
opts=$( (grep -ho 'cli_\(take\|flag\)(c, "-[^"]*"' app/*.c | sed 's/.*"\(.*\)"/\1/'
	sed -n 's/.*strcmp(a, "\(--[a-z-]*\)").*/\1/p' app/main.c) | sort -u)
missing=
for o in $opts; do
	roff=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$roff\([^a-z-]\|$\)" "$P1" || missing="$missing $o"
done
expect_eq "casedesk(1) names every option the commands take ($(echo $opts | wc -w))" "${missing:-none}" none
# Every CASEDESK_ variable the program reads.
vars=$(grep -rho '\(cd_env\|getenv\)("CASEDESK_[A-Z_]*")' app model workflow print screens | sed 's/.*"\(.*\)".*/\1/' | sort -u)
missing=
for v in $vars; do
	grep -q "^\.B $v\$" "$P1" || missing="$missing $v"
done
expect_eq "casedesk(1) describes every CASEDESK_ variable read ($(echo $vars | wc -w))" "${missing:-none}" none

# casedesk.ini(5) is the program's own account of its settings table, as built now.
CASEDESK_CONFIG=$T/none.ini LC_ALL=C.UTF-8 LANGUAGE= "$CD" config --man >"$T/ini.5" 2>"$T/err"
sed '/^\.TH /s/"casedesk [^"]*"/"casedesk"/' "$M/casedesk.ini.5" >"$T/built.5"
if [ -s "$T/ini.5" ] && cmp -s "$T/ini.5" "$T/built.5"; then
	pass "build/man/casedesk.ini.5 is what casedesk config --man writes"
else
	fail "build/man/casedesk.ini.5 is what casedesk config --man writes" "$(diff "$T/ini.5" "$T/built.5" | head -5)"
fi
# Each row of app/config.c's table: its section, its key (or a map's name = value) and help.
missing=
sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", \([a-zA-Z_"]*\), CFG_[A-Z]*, "[^"]*",.*/\1 \2/p' app/config.c >"$T/rows"
[ -s "$T/rows" ] || missing=" (no rows read from app/config.c)"
while read -r section key; do
	grep -q "^\.SS \[$section\]\$" "$M/casedesk.ini.5" || missing="$missing [$section]"
	case $key in
	NULL) ;;
	*) key=$(echo "$key" | tr -d '"')
	   grep -q "^\\\\fB$key\\\\fR = " "$M/casedesk.ini.5" || missing="$missing $section.$key" ;;
	esac
done <"$T/rows"
expect_eq "casedesk.ini(5) has every row of the settings table ($(wc -l <"$T/rows"))" "${missing:-none}" none

# casedesk-workflow(5): every name in wf_load.c's key and value tables, in bold.
P5=$M/casedesk-workflow.5
names=$(awk '/^static const char \*const (workflow|state|transition|retention|field|rule)_keys\[\]/ ||
	/^static const char \*const (type|guard|role)_names\[\]/ { on = 1 }
	on { print } on && /NULL \};/ { on = 0 }' workflow/wf_load.c | grep -o '"[a-z_]*"' | tr -d '"' | sort -u)
missing=
for k in $names; do
	grep -q "^\.B[RI]* \(.*[ \"]\)\{0,1\}$k\([ \",]\|\$\)" "$P5" || missing="$missing $k"
done
expect_eq "casedesk-workflow(5) names every key, type, guard and role wf_load.c accepts ($(echo $names | wc -w))" \
	"${missing:-none}" none
grep -q '^#define CHOICE_KEY "choice\."' workflow/wf_load.c && expect_grep "casedesk-workflow(5) names choice.ID labels" '^\.BI choice\. ID' "$P5"
# The example is a workflow the lint passes without a warning.
sed -n '/^\.SH EXAMPLE/,/^\.RE/p' "$P5" | sed '1,3d;$d' >"$T/example.ini"
expect_rc "casedesk-workflow(5)'s example lints" 0 "$CD" workflow lint "$T/example.ini"
if grep -q warning "$T/out" "$T/err"; then fail "the example draws no warning" "$(cat "$T/err")"; else pass "the example draws no warning"; fi

# make install puts the pages and the completion where man and bash-completion look.
if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s install-docs DESTDIR="$T/dest" PREFIX=/usr >"$T/install.log" 2>&1; then
	for f in share/man/man1/casedesk.1 share/man/man1/casedesk-enrol.1 share/man/man5/casedesk.ini.5 share/man/man5/casedesk-workflow.5 \
		share/bash-completion/completions/casedesk; do
		if [ -f "$T/dest/usr/$f" ]; then pass "make install: /usr/$f"; else fail "make install: /usr/$f"; fi
	done
	MANPATH=$T/dest/usr/share/man LC_ALL=C.UTF-8 MANWIDTH=80 man casedesk.ini >"$T/page" 2>"$T/warn"
	expect_grep "man casedesk.ini finds the installed page" "lock_minutes" "$T/page"
else
	fail "make install-docs" "$(tail -5 "$T/install.log")"
fi
