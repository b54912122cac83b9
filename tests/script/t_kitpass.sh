#!/bin/sh
# t_kitpass.sh - field kits (issue 12, item 9): one OS account shared by several casedesk
# users, where the passphrase is the door.  The real binary on real store files: init --kit,
# passphrases from a file descriptor (never argv or the environment), wrong ones refused
# (exit 4) with the same words for a user that does not exist, five in a row lock the name
# in the store, the lock's end moved with sqlite3 instead of waiting for it, store set-kit
# on an existing store, and the TUI's login and idle lock driven in tmux.
. tests/script/lib.sh
. tests/script/tui_lib.sh
S=$T/kit.casedesk
unset CASEDESK_USER CASEDESK_STORE
# Every command with no terminal at all (setsid: no controlling terminal), so that a test that
# forgot --passphrase-fd fails instead of waiting for a keyboard.
kit() { setsid -w "$CD" --store "$S" "$@"; }
# as USER PASS CMD...: CMD as USER, the passphrase a line on standard input (--passphrase-fd 0).
as() {
	_u=$1 _p=$2
	shift 2
	printf '%s\n' "$_p" | kit --user "$_u" --passphrase-fd 0 "$@"
}
audit_count() { sqlite3 "$S" "SELECT count(*) FROM audit WHERE action = '$1' AND user_name = '$2'"; }

CHIEF="the chief keeps the kit"
BOB="bob walks to the border post"

# ---- making a kit
expect_rc "init --kit with --training is a usage error" 2 kit --user chief init --kit --training --office TBS
printf 'short\n' >"$T/short"
expect_rc "init --kit refuses a short passphrase" 6 kit --user chief --passphrase-fd 3 init --kit --office TBS 3<"$T/short"
expect_grep "saying how long one must be" "at least 10 characters" "$T/err"
if [ ! -e "$S" ]; then pass "and leaves no store behind"; else fail "and leaves no store behind"; fi
printf 'chief\n' >"$T/name"
expect_rc "the user name is no passphrase" 6 kit --user chiefchief --passphrase-fd 3 init --kit --office TBS 3<"$T/name"
printf '%s\n' "$CHIEF" | kit --user chief --passphrase-fd 0 init --kit --office TBS >"$T/out" 2>"$T/err"
expect_eq "init --kit --user chief, the passphrase from a descriptor" "$?" 0
expect_grep "names the first admin" "chief is its first admin" "$T/out"
expect_eq "the store says it is a kit" "$(sqlite3 "$S" "SELECT value FROM settings WHERE key = 'kit'")" 1
sqlite3 "$S" "SELECT passphrase FROM users WHERE name = 'chief'" >"$T/hash"
expect_grep "the hash is scrypt with its parameters and salt" '^scrypt\$ln=15,r=8,p=1\$[0-9a-f]\{32\}\$[0-9a-f]\{64\}$' "$T/hash"
if sqlite3 "$S" .dump | grep -q "$CHIEF"; then fail "the passphrase is nowhere in the store"; else pass "the passphrase is nowhere in the store"; fi

# ---- who acts
expect_rc "without --user a kit refuses (usage)" 2 kit case list
expect_grep "asking who you are" "field kit shared by several users" "$T/err"
expect_rc "without a passphrase and no terminal: a usage error, nothing waits" 2 kit --user chief case list
expect_grep "pointing at --passphrase-fd" "passphrase-fd" "$T/err"
expect_rc "a passphrase in the environment is not read" 2 env CASEDESK_PASSPHRASE="$CHIEF" PASSPHRASE="$CHIEF" \
	setsid -w "$CD" --store "$S" --user chief case list
expect_rc "nor one in the arguments" 2 kit --user chief --passphrase "$CHIEF" case list
expect_rc "the right passphrase acts" 0 as chief "$CHIEF" user add bob --role caseworker
expect_rc "a wrong one is refused (exit 4)" 4 as chief "the chief lost the kit" case list
expect_grep "with the words of the door" "wrong user name or passphrase" "$T/err"
cp "$T/err" "$T/err.known"
expect_rc "an unknown user is refused the same way" 4 as nobody "the chief lost the kit" case list
if cmp -s "$T/err" "$T/err.known"; then pass "in the very same words"; else fail "in the very same words" "$(cat "$T/err")"; fi
expect_rc "a user without a passphrase cannot act" 4 as bob "$BOB" case list
printf '%s\n%s\n' "$CHIEF" "$BOB" | kit --user chief --passphrase-fd 0 user passphrase bob >"$T/out" 2>"$T/err"
expect_eq "the admin sets bob's passphrase (two lines on one descriptor)" "$?" 0
expect_eq "audited" "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE purpose = 'passphrase set by an admin'")" 1
expect_rc "bob acts with it" 0 as bob "$BOB" case list
printf '%s\n%s\n' "$BOB" "chief please let me in" | kit --user bob --passphrase-fd 0 user passphrase chief >"$T/out" 2>"$T/err"
expect_eq "bob may not set the chief's" "$?" 4
printf '%s\n%s\n' "$BOB" "bob rides to the border" | kit --user bob --passphrase-fd 0 user passphrase bob >"$T/out" 2>"$T/err"
expect_eq "bob changes his own, giving the old one" "$?" 0
BOB="bob rides to the border"
expect_rc "the old one no longer opens" 4 as bob "bob walks to the border post" case list
expect_rc "the new one does" 0 as bob "$BOB" case list

# ---- five wrong in a row lock the name, in the store
for i in 1 2 3 4 5; do as bob "bob guesses wrong $i" case list >/dev/null 2>"$T/err.$i"; done
expect_grep "the fifth wrong passphrase says the name is now locked" "bob is now locked until" "$T/err.5"
expect_rc "the sixth, the right one, is refused still" 4 as bob "$BOB" case list
expect_grep "saying until when" "bob is locked until [0-9-]* [0-9:]*" "$T/err"
# Seven: before bob had a passphrase, his old one after the change, and these five.
expect_eq "each failure is in the audit trail" "$(audit_count login_failed bob)" 7
expect_eq "and the lock" "$(audit_count lock bob)" 1
expect_eq "and the refusal while locked" "$(audit_count login_refused bob)" 1
# nobody failed once above: the fourth failure here is the fifth in a row.
for i in 1 2 3 4; do as nobody "nobody guesses $i" case list >/dev/null 2>"$T/err.n$i"; done
expect_grep "an unknown name locks alike: the lock does not tell who exists" "nobody is now locked until" "$T/err.n4"
expect_eq "the lock lasts the default 15 minutes" \
	"$(sqlite3 "$S" "SELECT locked_until - strftime('%s','now') BETWEEN 890 AND 901 FROM login_lock WHERE name = 'bob'")" 1
# The lock's end moved into the past, as if its 15 minutes had gone by.
sqlite3 "$S" "UPDATE login_lock SET locked_until = strftime('%s','now') - 1 WHERE name = 'bob'"
expect_rc "once the lock is over the right passphrase acts again" 0 as bob "$BOB" case list
expect_rc "and a wrong one counts from one again" 4 as bob "bob guesses once more" case list
expect_grep "(not locked by it)" "^casedesk: wrong user name or passphrase$" "$T/err"

# ---- an existing store made a kit
R=$T/real.casedesk
ME=$(id -un)
expect_rc "a real store" 0 setsid -w "$CD" --store "$R" init --office TBS
expect_rc "set-kit refuses an admin without a passphrase" 4 setsid -w "$CD" --store "$R" store set-kit
printf '%s\n' "my own long passphrase" >"$T/mine"
expect_rc "the admin sets their own (the login account proves who on a real store)" 0 \
	setsid -w "$CD" --store "$R" --passphrase-fd 3 user passphrase "$ME" 3<"$T/mine"
expect_rc "then set-kit, with a lock of one minute" 0 setsid -w "$CD" --store "$R" store set-kit --lock-minutes 1
expect_eq "audited" "$(sqlite3 "$R" "SELECT count(*) FROM audit WHERE purpose = 'made a field kit'")" 1
expect_rc "now the login account alone no longer acts" 2 setsid -w "$CD" --store "$R" case list
expect_rc "--user and the passphrase do" 0 setsid -w "$CD" --store "$R" --user "$ME" --passphrase-fd 3 case list 3<"$T/mine"
for i in 1 2 3 4 5; do
	printf 'wrong %s\n' "$i" | setsid -w "$CD" --store "$R" --user "$ME" --passphrase-fd 0 case list >/dev/null 2>&1
done
expect_eq "the store's lock_minutes sets the lock's length" \
	"$(sqlite3 "$R" "SELECT locked_until - strftime('%s','now') BETWEEN 50 AND 61 FROM login_lock WHERE name = '$ME'")" 1

# ---- the TUI: the login, then the idle lock (3 seconds here), and another user's login
if ! command -v tmux >/dev/null 2>&1; then
	fail "tmux is installed" "the TUI tests need tmux (.ci/deps installs it)"
	exit 0
fi
sqlite3 "$S" "DELETE FROM login_lock"
# The command line at a terminal: the passphrase is asked there, and what is typed is not echoed.
{
	echo "export CASEDESK_DATA='$CASEDESK_DATA' ASAN_OPTIONS='$ASAN_OPTIONS' UBSAN_OPTIONS='$UBSAN_OPTIONS'"
	echo "'$CD' --store '$S' --user chief case list"
	echo "echo \"rc=\$?\""
	echo "sleep 60"
} >"$T/prompt.sh"
tm new-session -d -s prompt -x 100 -y 10 "sh '$T/prompt.sh'"
see "the command line asks for the passphrase at the terminal" prompt "^passphrase of chief:"
type_text prompt "$CHIEF"
if poll prompt "keeps the kit" 1 1; then fail "and does not echo it"; else pass "and does not echo it"; fi
keys prompt Enter
see "then acts" prompt "^rc=0"
tm kill-session -t prompt >/dev/null 2>&1
printf '[ui]\nlock_minutes = 0.05\n' >"$T/lock.ini"
start desk bob "CASEDESK_CONFIG=$T/lock.ini"
see "a kit's TUI opens on its login" desk "field kit of office TBS: log in"
unseen "with nothing behind it" desk "Worklist" 1
see "the user name filled in from --user" desk "User: +bob"
type_text desk "bob guesses wrong"
keys desk Enter
see "a wrong passphrase is refused on the screen" desk "wrong user name or passphrase"
if grep -q "guesses" "$T/screen"; then fail "and the passphrase was never shown"; else pass "and the passphrase was never shown"; fi
type_text desk "$BOB"
if poll desk "rides" 1 1; then fail "nothing typed in the passphrase is echoed"; else pass "nothing typed in the passphrase is echoed"; fi
keys desk Enter
see "the right one opens the worklist" desk "Worklist"
see "as bob" desk "bob \(caseworker\)"
see "the status line says it is a kit of its office" desk "^ TBS/kit │ bob \(caseworker\)"
see "idle, the screen locks" desk "locked \(idle\); bob was working here" 20
unseen "covering the worklist" desk "Worklist" 1
type_text desk "$BOB"
keys desk Enter
see "bob's passphrase lifts the lock" desk "bob \(caseworker\)"
see "it locks again" desk "locked \(idle\)" 20
keys desk Tab BSpace BSpace BSpace
type_text desk "chief"
keys desk Tab
type_text desk "$CHIEF"
keys desk Enter
see "another user's login ends bob's session" desk "chief \(admin\)"
quit desk

# A store that is no kit: the idle lock covers the screen, and Enter lifts it.
P=$T/plain.casedesk
"$CD" --store "$P" init --training --office TBS >/dev/null 2>&1
S=$P
start plain caseworker "CASEDESK_CONFIG=$T/lock.ini"
see "a training store opens on its worklist" plain "Worklist"
see "  its status line names the office alone" plain "^ TBS │ caseworker"
see "idle, its screen locks too" plain "The screen is locked. Press Enter"
unseen "covering the worklist" plain "Worklist" 1
keys plain Enter
see "Enter lifts it" plain "Worklist"
quit plain
