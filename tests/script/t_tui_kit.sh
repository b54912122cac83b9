#!/bin/sh
# t_tui_kit.sh - a field kit's status word at 80x24 (issue 15, "Field kits"): a kit with a
# fifth of its numbers or fewer left says "2/10 numbers" on the status line; registering in
# the terminal itself brings the word up; an office store never shows it.
. tests/script/lib.sh
. tests/script/tui_lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
O=$T/office.casedesk
S=$T/kit.casedesk
export CASEDESK_TODAY=2026-03-02
"$CD" --store "$O" init --office TBS --training >/dev/null || { fail "init a training store"; exit 0; }
"$CD" --store "$O" --user admin kit new "$S" --office TBS --block 10 >/dev/null || { fail "kit new"; exit 0; }
for s in BONDAR MELNYK SHEVCHUK TKACHENKO KRAVETS OLIYNYK LYSENKO; do
	"$CD" --store "$S" --user clerk person add --surname "$s" --given ANNA --dob 1980 --sex F --nationality UKR \
		>/dev/null 2>&1 || fail "register $s in the kit"
done

start80() {
	start "$@"
	tm resize-window -t "$1" -x 80 -y 24
}

# 3 of 10 left: no word yet; an eighth person registered at this desk brings it up.
start80 kit clerk
wait_for kit "unsynced" || exit 0
expect_eq "3 of 10 left: no numbers word" "$(grep -c 'numbers' "$T/screen")" "0"
keys kit F4
wait_for kit "Register a person" || exit 0
type_text kit "MARCHENKO"; keys kit Tab
type_text kit "OLHA"; keys kit Tab
type_text kit "MARCHENKO"; keys kit Tab
type_text kit "OLHA"; keys kit Tab
type_text kit "1971-05"; keys kit Tab
type_text kit "F"; keys kit Tab
type_text kit "UKR"
wait_for kit "Nationality \(AAA\) +UKR" || exit 0
keys kit F5
see "registered in the kit" kit "^ Person P-TBS-000008"
see "2 of 10 left: the status line says so" kit "2/10 numbers"
see "  and names the kit with its office" kit "^ TBS/K[0-9]+ │ "
quit kit

# The office store never shows it.
S=$O
start80 office clerk
wait_for office "unsynced" || exit 0
expect_eq "an office store shows no numbers word" "$(grep -c 'numbers' "$T/screen")" "0"
quit office
