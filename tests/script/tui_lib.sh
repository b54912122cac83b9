# tui_lib.sh - helpers for driving the real casedesk TUI in tmux (STYLE.md habit 8): start
# a desk in a detached session on a private tmux server under $T, type into it, and wait for
# the screen to show (or stop showing) a pattern, polling capture-pane instead of sleeping.
# Sourced after tests/script/lib.sh, which gives $T, $CD, pass and fail.  Needs $S (the store).

export LC_ALL=C.UTF-8
unset TMUX
export TMUX_TMPDIR="$T"
TUI_SOCKET=casedesk-test
tm() { tmux -L "$TUI_SOCKET" -f /dev/null "$@"; }
# The tmux server dies with the test, whatever way the test ends.
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP

# start NAME USER [VAR=value...]: casedesk --store $S in a detached 100x30 session, acting as
# USER.  Its stderr goes to $T/NAME.err, its exit code to $T/NAME.rc when it ends.
start() {
	_name=$1 _user=$2
	shift 2
	rm -f "$T/$_name.rc" "$T/$_name.err"
	{
		echo "cd '$T'"
		echo "unset CASEDESK_STORE"
		for _v in CASEDESK_DATA CASEDESK_TODAY ASAN_OPTIONS UBSAN_OPTIONS LC_ALL; do
			eval "echo \"export $_v='\${$_v:-}'\""
		done
		echo "export CASEDESK_USER='$_user' CASEDESK_CONFIG='$T/no-such-config.ini'"
		for _v in "$@"; do echo "export '$_v'"; done
		echo "'$CD' --store '$S' 2>'$T/$_name.err'"
		echo "echo \$? >'$T/$_name.rc'"
	} >"$T/$_name.sh"
	tm new-session -d -s "$_name" -x 100 -y 30 "sh '$T/$_name.sh'"
}

# keys SESSION KEY...: tmux key names (Enter, Tab, F5, C-r, Up ...).
keys() {
	_s=$1
	shift
	tm send-keys -t "$_s" "$@"
}

# type SESSION TEXT: literal text, any script.
type_text() { tm send-keys -t "$1" -l "$2"; }

screen() { tm capture-pane -p -t "$1" 2>/dev/null; }

# poll SESSION PATTERN TIMEOUT SHOWN: 0 once the screen has (SHOWN=1) or lacks (SHOWN=0) a
# line matching the extended regex; the last screen stays in $T/screen.
poll() {
	_n=$(($3 * 10))
	while :; do
		screen "$1" >"$T/screen"
		if grep -Eq -- "$2" "$T/screen"; then [ "$4" = 1 ] && return 0; else [ "$4" = 0 ] && return 0; fi
		[ "$_n" -le 0 ] && return 1
		_n=$((_n - 1))
		sleep 0.1
	done
}

dump_screen() { sed 's/^/    | /' "$T/screen"; }

# wait_for SESSION PATTERN [TIMEOUT]: waits (15 s at most) until the screen shows the
# pattern; when it never does, a FAIL line with the last screen, and 1.
wait_for() {
	if poll "$1" "$2" "${3:-15}" 1; then return 0; fi
	fail "$1: screen shows /$2/" "not within ${3:-15} s; the last screen:"
	dump_screen
	return 1
}

# see NAME SESSION PATTERN [TIMEOUT]: a check that the screen comes to show the pattern.
see() {
	if poll "$2" "$3" "${4:-15}" 1; then pass "$1"; return 0; fi
	fail "$1" "the screen never showed /$3/ within ${4:-15} s; the last screen:"
	dump_screen
	return 1
}

# unseen NAME SESSION PATTERN [TIMEOUT]: a check that the pattern leaves the screen.
unseen() {
	if poll "$2" "$3" "${4:-15}" 0; then pass "$1"; return 0; fi
	fail "$1" "the screen still shows /$3/ after ${4:-15} s; the last screen:"
	dump_screen
	return 1
}

# wait_exit NAME: waits for the desk's exit code; prints it (empty after 15 s).
wait_exit() {
	_n=150
	while [ ! -s "$T/$1.rc" ] && [ "$_n" -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	cat "$T/$1.rc" 2>/dev/null
}

# quit NAME [KEY]: F10 (or KEY) quits; a check that it exits 0 with no sanitizer report.
quit() {
	keys "$1" "${2:-F10}"
	_rc=$(wait_exit "$1")
	if [ "$_rc" = 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$T/$1.err"; then
		pass "$1: quits cleanly"
	else
		fail "$1: quits cleanly" "exit '${_rc:-none}'" "$(head -30 "$T/$1.err" 2>/dev/null)"
		tm kill-session -t "$1" >/dev/null 2>&1
	fi
}

# open_case SESSION CASE PERSON: from anywhere, search the case number (its person's row)
# and open it: Enter on a case number's hit opens the case.
open_case() {
	keys "$1" /
	wait_for "$1" "Find:" || return 1
	type_text "$1" "$2"
	wait_for "$1" "^ $3 " || return 1
	keys "$1" Enter
	wait_for "$1" "^ $2 — "
}

# step_titles STEP: the English titles data/workflows give transition STEP (the case screen
# shows titles, not ids), then STEP itself, so a title may be given as well.
step_titles() {
	awk -v id="$1" '/^\[/ { ins = ($0 == "[transition." id "]") }
		ins && /^title *=/ { sub(/^title *= */, ""); sub(/ *;.*$/, ""); print }' "$CASEDESK_DATA"/workflows/*.ini
	printf '%s\n' "$1"
}

# choose_step SESSION STEP: highlights STEP (an id or a title) in the case screen's steps
# and presses Enter.
choose_step() {
	_n=150
	_k=
	while [ -z "$_k" ]; do
		screen "$1" >"$T/screen"
		_k=$(step_titles "$2" | awk 'NR == FNR { want[$0] = 1; next }
			/^   [+-] / { t = substr($0, 6); p = index(t, " → "); if (p) t = substr(t, 1, p - 1)
				if (t in want) { print n + 0; exit } n++ }' - "$T/screen")
		[ -n "$_k" ] && break
		if [ "$_n" -le 0 ]; then
			fail "$1: step $2 on the screen" "not within 15 s; the last screen:"
			dump_screen
			return 1
		fi
		_n=$((_n - 1))
		sleep 0.1
	done
	_n=$(grep -c '^   [+-] ' "$T/screen")
	_keys=""
	while [ "$_n" -gt 0 ]; do _keys="$_keys Up"; _n=$((_n - 1)); done
	while [ "$_k" -gt 0 ]; do _keys="$_keys Down"; _k=$((_k - 1)); done
	# shellcheck disable=SC2086 # one word per key
	keys "$1" $_keys Enter
}

# column_of TEXT FILE: the screen column (0-based, display cells) where TEXT starts on the
# first line that holds it; wide characters count two cells, as the terminal draws them.
column_of() {
	_line=$(grep -F -m1 -- "$1" "$2")
	_pre=${_line%%"$1"*}
	printf '%s' "$_pre" | wc -L
}
