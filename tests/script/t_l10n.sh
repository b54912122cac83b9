#!/bin/sh
# t_l10n.sh - every word in the user's language (issue 13, deliverable 7): the shipped
# workflows lint clean with every title, label and choice label in en, ru, uk, ka, ro; the
# CLI shows titles, not ids, in Ukrainian; a LANG naming a locale this machine lacks still
# reads and draws UTF-8 (C.UTF-8 for characters), keeps Ukrainian messages, and says once
# which locale is missing; in the TUI, Шевченко can be typed into search.
. tests/script/lib.sh
export CASEDESK_LOCALEDIR=${CASEDESK_LOCALEDIR:-$(pwd)/build/locale}
unset LANGUAGE LC_ALL LC_MESSAGES LC_CTYPE
export LANG=C.UTF-8
S=$T/office.casedesk
export CASEDESK_TODAY=2026-03-02
cli() { "$CD" --store "$S" "$@"; }

# ---- lint: clean, and not one warning (a missing translation is one, naming line and language)
expect_rc "the shipped workflows lint" 0 "$CD" workflow lint data/workflows/*.ini
expect_grep "all four clean" "^4 files clean" "$T/out"
if grep -q "warning" "$T/out" "$T/err"; then fail "with no warning" "$(grep warning "$T/out" "$T/err" | head -5)"
else pass "with no warning"; fi
for l in ru uk ka ro; do
	for wf in data/workflows/*.ini; do
		n_title=$(grep -c '^title = ' "$wf") n_label=$(grep -c '^label = ' "$wf") n_choice=$(grep -c '^choice\.[a-z0-9_]* = ' "$wf")
		n_tr=$(grep -c "^title\[$l\] = \|^label\[$l\] = \|^choice\.[a-z0-9_]*\[$l\] = " "$wf")
		expect_eq "$wf: every title, label and choice label in $l" "$n_tr" "$((n_title + n_label + n_choice))"
	done
	expect_eq "forms index: every form title in $l" "$(grep -c "^title\[$l\] = " data/forms/index.ini)" \
		"$(grep -c '^title = ' data/forms/index.ini)"
done
for wf in data/workflows/*.ini; do
	n_choices=$(sed -n 's/^choices = //p' "$wf" | tr ',' '\n' | grep -c .)
	expect_eq "$wf: every choice has a label" "$(grep -c '^choice\.[a-z0-9_]* = ' "$wf")" "$n_choices"
done
# A missing translation in a copy: lint names its file, line and language.
sed '/^title\[ka\] = მიღების დადასტურება და განხილვის დაწყება$/d' data/workflows/residence.ini >"$T/residence.ini"
line=$(grep -n '^\[transition.confirm_receipt\]' "$T/residence.ini" | cut -d: -f1)
expect_rc "a copy missing one Georgian step title still lints (a warning)" 0 "$CD" workflow lint "$T/residence.ini"
expect_grep "naming file, line and language" "residence.ini:$((line + 1)): warning: \[transition.confirm_receipt\] has no title\[ka\]" "$T/err"

# ---- the CLI in Ukrainian: titles and choice labels, never the ids
cli init --office TBS --training >/dev/null 2>&1 || { fail "init a training store"; exit 0; }
P=$(cli --user clerk person add --surname "Шевченко" --given "Тарас" --surname-latin SHEVCHENKO --given-latin TARAS \
	--dob 1981-03 --sex M --nationality UKR 2>/dev/null)
cli --user clerk document add "$P" --number XP100 --issuer UKR --expires 2031-01-01 >/dev/null 2>&1
K=$(cli --user clerk case new residence --person "$P" 2>/dev/null)
expect_rc "a step with a choice" 0 cli --user caseworker case move "$K" confirm_receipt --set permit_reason=family
expect_grep "the step's answer names the new state by its title" "is now Admissibility and assessment" "$T/out"
expect_rc "case show in Ukrainian (LANGUAGE=uk)" 0 env LANGUAGE=uk "$CD" --store "$S" --user caseworker case show "$K"
expect_grep "the state's Ukrainian title" "Перевірка прийнятності та розгляд" "$T/out"
expect_grep "the steps' Ukrainian titles" "Витребувати в заявника відсутні документи -> Очікування документів від заявника" "$T/out"
expect_grep "the field's Ukrainian label and its choice's" "Підстава для видачі дозволу *Сімейні обставини" "$T/out"
if grep -q ": assessment\|-> awaiting_documents\| family$" "$T/out"; then fail "no state, step or choice id shown" "$(cat "$T/out")"
else pass "no state, step or choice id shown"; fi
expect_rc "case history in Ukrainian" 0 env LANGUAGE=uk "$CD" --store "$S" --user caseworker case history "$K"
expect_grep "the step and states by their titles" "Підтвердити отримання і розпочати розгляд: Заяву подано -> Перевірка прийнятності та розгляд" "$T/out"
expect_rc "case list in Ukrainian" 0 env LANGUAGE=uk "$CD" --store "$S" --user caseworker case list
expect_grep "the state's title" "^$K .*Перевірка прийнятності" "$T/out"
expect_rc "--json keeps the ids" 0 env LANGUAGE=uk "$CD" --store "$S" --user caseworker --json case show "$K"
expect_grep "the state id" '"state":"assessment"' "$T/out"
expect_grep "the field's value as stored" '"permit_reason":"family"' "$T/out"

expect_rc "form list in Ukrainian" 0 env LANGUAGE=uk "$CD" form list
expect_grep "each form's id and its Ukrainian title" "^decision_grant  *Рішення: заяву задоволено" "$T/out"

# ---- a LANG this machine lacks: C.UTF-8 for characters, Ukrainian messages, said once
missing=uk_UA.UTF-8
if locale -a 2>/dev/null | grep -qi '^uk_UA\.utf-\?8$'; then
	missing=xx_YY.UTF-8   # generated here: take a name surely missing, mapped to uk below
fi
lang_env() { if [ "$missing" = uk_UA.UTF-8 ]; then env LANG=$missing "$@"; else env LANG=$missing LANGUAGE=uk "$@"; fi; }
expect_rc "case show with LANG=$missing (not generated here)" 0 lang_env "$CD" --store "$S" --user caseworker case show "$K"
expect_grep "messages still in Ukrainian" "стан: Перевірка прийнятності та розгляд" "$T/out"
# The notice is in the user's language too (uk.po): look for its Ukrainian words.
expect_eq "the missing locale is named once" "$(grep -c "локаль $missing не встановлена" "$T/err")" 1
expect_grep "with how to add it" "locale-gen $missing або dpkg-reconfigure locales" "$T/err"
expect_rc "an installed LANG says nothing" 0 env LANG=C.UTF-8 "$CD" --store "$S" --user caseworker case show "$K"
if grep -q "is not installed" "$T/err"; then fail "no notice when the locale exists" "$(cat "$T/err")"
else pass "no notice when the locale exists"; fi

# ---- the TUI with that LANG: Ukrainian, the notice in its message line, Шевченко typed into search
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI test needs tmux (.ci/deps installs it)"
	exit 0
fi
. tests/script/tui_lib.sh
if [ "$missing" = uk_UA.UTF-8 ]; then start uk caseworker LC_ALL= LANG=$missing
else start uk caseworker LC_ALL= LANG=$missing LANGUAGE=uk; fi
see "the TUI starts in Ukrainian" uk "Перелік справ" || exit 0
see "and says which locale is missing" uk "локаль $missing не встановлена" || exit 0
keys uk /
see "search opens in Ukrainian" uk "Пошук:" || exit 0
type_text uk "Шевченко"
see "Шевченко typed with the missing locale finds the person" uk "^ $P +Шевченко +Тарас" || exit 0
keys uk Enter
see "and opens them" uk "^ [^ ]+ $P" || exit 0
quit uk
