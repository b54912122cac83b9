#!/bin/sh
# t_completion.sh - bash completion (data/completion/casedesk, issue 17), driven the way
# bash drives it: the file sourced, COMP_WORDS and COMP_CWORD set, _casedesk called,
# COMPREPLY read.  A command, an option, a workflow id, form and report names, and case
# numbers from a store by prefix - only those the user may open, no audit row written -
# and the lists cannot drift from app/main.c's table or the options the commands take.
. "$(dirname "$0")/lib.sh"

COMPLETION=$(pwd)/data/completion/casedesk
S=$T/c.casedesk
"$CD" --store "$S" demo --persons 200 --seed 3 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
"$CD" --store "$S" --user admin user add vera --role caseworker --workflows visa >/dev/null 2>&1

# complete WORD...: the words bash would offer for the last WORD, one a line, in $T/words.
complete_line() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _casedesk;
		printf "%s\n" "${COMPREPLY[@]}"' completion "$COMPLETION" "$CD" "$@" >"$T/words" 2>"$T/err"
}
words() { tr '\n' ' ' <"$T/words" | sed 's/ $//'; }

complete_line ca
expect_eq "a command: ca -> case" "$(words)" "case"
complete_line case ''
expect_eq "case's subcommands" "$(words)" "new show history list move assign"
complete_line case list --w
expect_eq "an option: case list --w -> --workflow" "$(words)" "--workflow"
complete_line --sto
expect_eq "a global option: --sto -> --store" "$(words)" "--store"
complete_line person add --sex ''
expect_eq "an option's values: --sex" "$(words)" "M F X"
complete_line --store "$S" case new r
expect_eq "a workflow id from the store: case new r -> residence" "$(words)" "residence"
complete_line case list --workflow ''
expect_eq "workflow ids without a store: data/workflows" "$(words)" "asylum residence visa work"
complete_line report asylum-
expect_eq "report names" "$(words)" "asylum-applicants asylum-decisions"
complete_line form --batch decision_g
expect_eq "a form id: form --batch decision_g" "$(words)" "decision_grant"

# Case numbers by prefix, with the line's --store and --user (both spellings bash gives).
sqlite3 "$S" "SELECT number FROM cases WHERE number LIKE 'AS-%' ORDER BY number LIMIT 3" >"$T/as"
first=$(head -1 "$T/as")
prefix=${first%?}   # all but the last digit: that number and up to nine more
sqlite3 "$S" "SELECT number FROM cases WHERE substr(number, 1, length('$prefix')) = '$prefix' ORDER BY number" >"$T/want"
complete_line --store "$S" --user caseworker case show "$prefix"
if [ -s "$T/want" ] && cmp -s "$T/words" "$T/want"; then
	pass "a case-number prefix completes to the store's numbers ($(wc -l <"$T/want"))"
else
	fail "a case-number prefix completes to the store's numbers" "got: $(words)" "want: $(tr '\n' ' ' <"$T/want")"
fi
complete_line --store = "$S" --user = caseworker check record "$first"
expect_eq "--store=FILE --user=NAME as bash splits them; check record" "$(words)" "$first"
complete_line --store "$S" --user caseworker case show "$(echo "$prefix" | tr 'A-Z' 'a-z')"
expect_eq "a prefix in small letters finds the same numbers" "$(wc -l <"$T/words")" "$(wc -l <"$T/want")"

# Need-to-know: vera works on visa only; no asylum number is offered to her.
complete_line --store "$S" --user vera case show AS
expect_eq "need-to-know: no number of another unit's workflow" "$(words)" ""
complete_line --store "$S" --user vera case show ''
others=$(grep -vc '^SV-' "$T/words")
if [ -s "$T/words" ] && [ "$others" -eq 0 ]; then pass "need-to-know: only visa numbers for a visa caseworker ($(wc -l <"$T/words"))"
else fail "need-to-know: only visa numbers for a visa caseworker" "$(head -3 "$T/words")"; fi

# A number list shows no personal data: no audit row, no read recorded.
before=$(sqlite3 "$S" "SELECT count(*) FROM audit")
"$CD" --store "$S" --user caseworker complete cases AS >/dev/null 2>&1
expect_eq "complete cases writes no audit row" "$(sqlite3 "$S" "SELECT count(*) FROM audit")" "$before"
# Every number with an empty prefix, up to 200 (a demo of 200 persons holds fewer cases).
"$CD" --store "$S" --user caseworker complete cases '' >"$T/all" 2>&1
expect_eq "an empty prefix offers every number, at most 200" "$(wc -l <"$T/all")" \
	"$(sqlite3 "$S" "SELECT min(count(*), 200) FROM cases")"

# A field kit asks a passphrase before it tells who acts: completion asks none, offers nothing.
K=$T/k.casedesk
printf 'correct horse battery\ncorrect horse battery\n' |
	"$CD" --store "$K" --user chief --passphrase-fd 0 init --kit --office TBS >/dev/null 2>&1
expect_rc "a field kit: complete cases asks nothing" 0 "$CD" --store "$K" --user chief complete cases ''
expect_eq "a field kit: no case numbers" "$(cat "$T/out")" ""

# The script's lists against the code: every command of the table, every option taken.
missing=
for cmd in $(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", cmd_[a-z_]*,.*/\1/p' app/main.c); do
	complete_line "$cmd"
	grep -qx "$cmd" "$T/words" || missing="$missing $cmd"
done
expect_eq "every command of app/main.c completes" "${missing:-none}" none
opts=$(grep -ho 'cli_\(take\|flag\)(c, "-[^"]*"' app/*.c | sed 's/.*"\(.*\)"/\1/' | sort -u)
missing=
for o in $opts; do
	grep -q -- "[ ']$o[ ']" "$COMPLETION" || missing="$missing $o"
done
expect_eq "the script offers every option the commands take ($(echo $opts | wc -w))" "${missing:-none}" none
