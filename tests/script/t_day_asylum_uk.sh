#!/bin/sh
# t_day_asylum_uk.sh - issue 13's second "done when": an asylum refusal in Ukrainian, at
# 80x24 in tmux on an empty training store, with no CLI or sqlite3 between the store's
# creation and the final checks.  LANG names uk_UA.UTF-8, which this machine may lack:
# the UI stays Ukrainian (the messages) and reads UTF-8.  A clerk registers the applicant in
# Cyrillic, opens an asylum case from the person screen, registers the application,
# enrols a finger (the virtual reader, as t_tui_enrol.sh) and lodges it; F9 to the
# caseworker, who records the checks, the Dublin check, the interview and proposes a
# rejection; F9 to the supervisor, who picks two grounds of rejection from their Ukrainian
# labels (typing a few letters filters, Space marks), confirms the summary and rejects.
# Then the store holds the grounds' ids and the printed refusal letter their Ukrainian
# labels (pdftotext).
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
FPTOOL=${CASEDESK_TOOLS:-$(pwd)/build/asan/tests/tool}/tool_fpimage
HELPER=$(dirname "$CD")/casedesk-enrol
S=$T/office.casedesk
export CASEDESK_TODAY=2026-12-04
unset CASEDESK_ENROL CASEDESK_ENROL_FAULT CASEDESK_KEY FP_VIRTUAL_IMAGE
SOCK=$T/fp.sock
FEED=""
feed() { "$FPTOOL" feed "$SOCK" "$1" 250 & FEED=$!; }
unfeed() { [ -n "$FEED" ] && kill "$FEED" 2>/dev/null; wait "$FEED" 2>/dev/null; FEED=""; }
trap 'unfeed; tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
LOCALEDIR=${CASEDESK_LOCALEDIR:-$(pwd)/build/locale}

"$CD" --store "$S" init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
# (an office with no check gateway answers its checks by hand: lib.sh, no_gateway)
no_gateway "$S" || fail "an office with no check gateway"
# A refusal says where and how long to appeal (issue 14): the office's settings.
for kv in "appeal_court=Tbilisi City Court" "appeal_court_address=Agmashenebeli Alley 64" appeal_limit=30d; do
	"$CD" --store "$S" --user admin office set "${kv%%=*}" "${kv#*=}" >/dev/null || fail "office set ${kv%%=*}"
done
head -c 32 /dev/urandom >"$T/key"
chmod 600 "$T/key"

# The desk: Ukrainian, from a LANG the machine may lack (LC_ALL empty: LANG decides).
start day clerk LC_ALL= LANG=uk_UA.UTF-8 LANGUAGE=uk CASEDESK_LOCALEDIR="$LOCALEDIR" \
	CASEDESK_KEY="$T/key" FP_VIRTUAL_IMAGE="$SOCK" CASEDESK_ENROL="$HELPER" CASEDESK_ENROL_TIMEOUT_MS=45000
tm resize-window -t day -x 80 -y 24 2>/dev/null || tm set-option -t day default-size 80x24 >/dev/null 2>&1

# choose TITLE: highlights the step whose (Ukrainian) title starts with TITLE and presses
# Enter; titles are cut at 80 columns, so a prefix names them.
choose() {
	wait_for day "^   [+-] $1" || return 1
	_k=$(awk -v want="$1" '/^   [+-] / { if (index(substr($0, 6), want) == 1) { print n + 0; exit } n++ }' "$T/screen")
	_n=$(grep -c '^   [+-] ' "$T/screen")
	_keys=""
	while [ "$_n" -gt 0 ]; do _keys="$_keys Up"; _n=$((_n - 1)); done
	while [ "$_k" -gt 0 ]; do _keys="$_keys Down"; _k=$((_k - 1)); done
	# shellcheck disable=SC2086 # one word per key
	keys day $_keys Enter
}

# reopen: the case screen after F9 reads as the user now acting, without leaving it.
reopen() {
	wait_for day "^ $CN — "
}

# ---- 1. the clerk registers the applicant in Cyrillic and opens an asylum case
t_clerk() {
	wait_for day "Перелік справ" || return 1
	keys day F4
	wait_for day "Реєстрація особи" || return 1
	type_text day "Шевченко"; keys day Tab
	type_text day "Тарас"; keys day Tab Tab Tab
	type_text day "1984-03-09"; keys day Tab
	type_text day "M"; keys day Tab
	type_text day "UKR"
	keys day F5
	see "the person is registered, in Cyrillic" day "Шевченко, Тарас" || return 1
	wait_for day "P-TBS-[0-9]+" || return 1
	PN=$(grep -Eo 'P-TBS-[0-9]+' "$T/screen" | head -1)
	"$CD" --store "$S" --user clerk person address "$PN" --line "вул. Шота Руставелі, 12" --city Tbilisi >/dev/null ||
		fail "the address is recorded"
	# Lodging needs the fingerprints (Eurodac): the right thumb from the virtual reader.
	keys day b
	wait_for day "^ [^ ]+ — $PN" || return 1
	feed 11
	keys day Enter
	see "the enrolment screen captures a finger" day "якість [0-9]+ " 60 || { unfeed; return 1; }
	unfeed
	keys day F5
	see "F5 stores the finger" day "У справі: 1 " || return 1
	keys day Escape
	see "back on the person screen, enrolled" day "^ Біометрія +внесено" || return 1
	keys day c
	wait_for day "Нова справа" || return 1
	keys day 1
	see "the case opens, its state in Ukrainian" day "^ Стан +Заяву зроблено, підлягає реєстрації" || return 1
	CN=$(grep -Eo 'AS-TBS-[0-9]+-[0-9]+' "$T/screen" | head -1)
	choose "Зареєструвати заяву" || return 1
	see "the step's form has Ukrainian labels" day "Дата звернення із заявою" || return 1
	type_text day "2026-12-01"; keys day Tab
	type_text day "українська"
	keys day F5
	see "registered" day "^ Стан +Зареєстровано, очікується подання" || return 1
	choose "Оформити подання заяви" || return 1
	wait_for day "Дата подання заяви" || return 1
	type_text day "2026-12-03"
	keys day F5
	see "lodged" day "^ Стан +Заяву подано" || return 1
	# A clerk cannot hold a case: it opened unassigned, for a caseworker to take.
	see "nobody holds the case the clerk opened" day "^ Виконавець +справу ще ніхто не взяв" || return 1
}

# ---- 2. the caseworker: checks, the Dublin check, the interview, a proposal to reject
t_caseworker() {
	keys day F9
	see "F9 acts as the caseworker" day "│ caseworker \(caseworker\) │" || return 1
	reopen || return 1
	keys day a
	see "a takes the case" day "^ Виконавець +.*caseworker" || return 1
	for _l in 1 2 3 4; do
		keys day c
		wait_for day "^ .*(sis|sltd|national_watchlist|eurodac)" || return 1
		keys day F5
		wait_for day "recorded as clear|записано|зафіксовано результат" || return 1
	done
	see "the case screen shows every check answered" day "eurodac (clear|пройдено)" || return 1
	choose "Розпочати дублінську перевірку" || return 1
	wait_for day "^  Примітка" || return 1
	keys day F5
	see "the Dublin check starts" day "^ Стан +Дублінська перевірка" || return 1
	choose "Інша держава не є відповідальною" || return 1
	wait_for day "Результат перевірки за Euro" || return 1
	type_text day "немає"
	see "the Eurodac result is picked from its Ukrainian labels" day "^ +Збігів немає" || return 1
	keys day Enter
	see "the form shows the label, not the id" day "Результат перевірки за Euro.* Збігів немає" || return 1
	keys day F5
	see "no other State responsible: admissibility" day "^ Стан +Перевірка прийнятності|^ Стан +Прийнятн" || return 1
	choose "Заява прийнятна: запросити" || return 1
	wait_for day "Дата співбесіди" || return 1
	type_text day "2026-12-10"; keys day Tab
	type_text day "українська"
	keys day F5
	see "the interview is scheduled" day "^ Стан +Призначено особисту співбесіду" || return 1
	choose "Зафіксувати проведення співбесіди" || return 1
	wait_for day "Дата проведення співбесіди" || return 1
	type_text day "2026-12-04"
	keys day F5
	see "the interview took place: assessment" day "^ Стан +Розгляд заяви" || return 1
	choose "Запропонувати рішення першої інстанції" || return 1
	wait_for day "Запропоноване рішення" || return 1
	type_text day "відхил"
	see "the proposed outcome is filtered by its Ukrainian label" day "^ +Відхилення заяви" || return 1
	unseen "the other outcomes are filtered out" day "^ +Статус біженця" 5 || return 1
	keys day Enter
	wait_for day "Запропоноване рішення \\* +Відхилення заяви" || return 1
	type_text day "Твердження непослідовні; країна походження безпечна."
	keys day F5
	see "a proposal shows its summary first" day "Запропоноване рішення: Відхилення заяви" || return 1
	keys day Enter
	see "the proposal is saved" day "^ Стан +Рішення запропоновано" || return 1
}

# ---- 3. the supervisor rejects, the grounds picked from their Ukrainian labels
t_supervisor() {
	keys day F9
	see "F9 acts as the supervisor" day "│ supervisor \(supervisor\) │" || return 1
	reopen || return 1
	choose "Відхилити заяву" || return 1
	wait_for day "Вид відхилення" || return 1
	type_text day "явно"
	see "the kind of rejection is filtered by its label" day "^ +Заява явно необґрунтована" || return 1
	keys day Escape
	wait_for day "Вид відхилення" || return 1
	type_text day "необґр"
	wait_for day "^ +Заява необґрунтована" || return 1
	keys day Down Up
	keys day Enter
	see "the form shows the kind's label" day "Вид відхилення \\* +Заява необґрунтована" || return 1
	# The grounds: a multiple choice; typing filters by the Ukrainian label, Space marks.
	type_text day "недостов"
	see "the grounds list opens, filtered by the Ukrainian label" day "^ +\[ \] +Твердження заявника недостовірні" || return 1
	unseen "the other grounds are filtered out" day "Безпечна країна походження" 5 || return 1
	keys day Space
	see "Space marks the ground" day "^ +\[x\] +Твердження заявника недостовірні" || return 1
	keys day BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
	type_text day "безпечн"
	see "a second filter finds another ground" day "^ +\[ \] +Безпечна країна походження" || return 1
	keys day Space
	see "Space marks it too" day "^ +\[x\] +Безпечна країна походження" || return 1
	keys day Enter
	see "Enter takes the set: the form shows the labels" day "Підстави відхилення \\* +Твердження заявника недостов" || return 1
	unseen "no ids on the form" day "not_credible|safe_country" 1 || return 1
	type_text day "Заявник не навів послідовних і правдоподібних відомостей про переслідування."
	keys day F5
	see "the decision shows its summary" day "Підстави відхилення: Твердження заявника недостовірні" || return 1
	see "with both grounds in Ukrainian" day "Безпечна країна походження \(ст. 36–37" || return 1
	unseen "and no ids" day "not_credible|safe_country_of_origin|unfounded" 1 || return 1
	keys day Enter
	see "the rejection is saved" day "^ Стан +Відхилено в першій інстанції" || return 1
	see "and the refusal letter printed" day "decision_refusal|надруковано" || return 1
}

# ---- 4. what the store holds and what the letter says (the CLI and sqlite3 only from here)
t_after() {
	field_of() { sqlite3 "$S" "SELECT value FROM case_field f JOIN cases c ON c.id = f.case_id WHERE c.number = '$CN' AND f.name = '$1'"; }
	expect_eq "the store holds the rejected state" "$(sqlite3 "$S" "SELECT state FROM cases WHERE number = '$CN'")" rejected
	expect_eq "the store holds the grounds' ids, in the file's order" "$(field_of rejection_grounds)" \
		"not_credible, safe_country_of_origin"
	expect_eq "the kind of rejection as its id" "$(field_of rejection_type)" unfounded
	expect_eq "the proposal as its id" "$(field_of proposed_outcome)" rejected
	expect_eq "the reasoning as typed" "$(field_of rejection_reasoning)" \
		"Заявник не навів послідовних і правдоподібних відомостей про переслідування."
	LETTER=$T/forms/$CN-decision_refusal.pdf
	if ! command -v pdftotext >/dev/null 2>&1; then
		fail "pdftotext is installed" "the letter's text is read with poppler-utils"
		return 1
	fi
	pdftotext "$LETTER" "$T/letter.txt" 2>/dev/null || { fail "the refusal letter was printed" "no $LETTER"; return 1; }
	tr '\n' ' ' <"$T/letter.txt" | tr -s ' ' >"$T/letter1.txt"
	expect_grep "the letter is in Ukrainian" "Підстави:" "$T/letter1.txt"
	expect_grep "it names the first ground by its Ukrainian label" \
		"Твердження заявника недостовірні (ст. 4(5) Директиви 2011/95/ЄС)" "$T/letter1.txt"
	expect_grep "and the second" "Безпечна країна походження (ст. 36–37 Директиви 2013/32/ЄС)" "$T/letter1.txt"
	expect_grep "and the reasoning" "Заявник не навів послідовних" "$T/letter1.txt"
	if grep -Eq "not_credible|safe_country_of_origin|unfounded" "$T/letter1.txt"; then
		fail "no ids in the letter" "$(grep -Eo '.{30}(not_credible|safe_country_of_origin|unfounded).{10}' "$T/letter1.txt")"
	else
		pass "no ids in the letter"
	fi
}

if t_clerk && t_caseworker && t_supervisor; then
	quit day
	t_after
else
	fail "the day ran to its end" "it stopped at the check above"
fi
