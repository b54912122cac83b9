#!/bin/sh
# A lint-clean workflow of 10,000 states (tests/bench/gen_workflow.awk: a chain, the worst
# case for a reachability sweep) lints clean, loads, and carries a case through `case new`,
# `case show` (which lists the steps open now) and a move, in Russian too.  Loading used to
# be quadratic (15 s for this file on every `case show`); the time is a figure in
# `make bench`, not asserted here.
. tests/script/lib.sh
export CASEDESK_CONFIG=$T/none.ini CASEDESK_STORE=$T/big.casedesk CASEDESK_USER=caseworker
mkdir -p "$T/data"
cp -r "$CASEDESK_DATA"/. "$T/data/"
export CASEDESK_DATA=$T/data
awk -v n=10000 -f tests/bench/gen_workflow.awk >"$T/data/workflows/big.ini"
expect_eq "the generated file has 10,000 chained states and a withdrawal" \
	"$(grep -c '^\[state\.' "$T/data/workflows/big.ini")" 10001

expect_rc "it lints clean" 0 "$CD" workflow lint "$T/data/workflows/big.ini"
expect_grep "lint says so" "1 file clean" "$T/out"
# Rules come from the store: a file is used once an admin installed it.
expect_rc "a store" 0 "$CD" init --office TBS --training
expect_rc "the admin installs it" 0 "$CD" --user admin workflow install "$T/data/workflows/big.ini"
expect_rc "workflow list loads it with the shipped ones" 0 "$CD" workflow list
expect_grep "and lists it" "big" "$T/out"
expect_rc "dot draws it" 0 "$CD" workflow dot big
# 9,999 steps, a withdrawal from each of the 9,999 states that are not final, and the start.
expect_eq "every transition is an edge" "$(grep -c -- ' -> ' "$T/out")" 19999

P=$("$CD" --user clerk person add --surname Long --given Chain --dob 1990-01-01 --sex F --nationality DEU 2>"$T/err")
N=$("$CD" case new big --person "$P" 2>"$T/err")
case "$N" in BG-TBS-*) pass "a case on the big workflow";; *) fail "a case on the big workflow" "$N" "$(cat "$T/err")";; esac
expect_rc "case show loads it and lists the steps open" 0 "$CD" case show "$N"
expect_grep "the first state's title" "Step 0" "$T/out"
expect_grep "the first step is open" "t0" "$T/out"
expect_grep "so is the withdrawal" "withdraw" "$T/out"
expect_rc "a move along the chain" 0 "$CD" case move "$N" t0 --set note=first
expect_rc "case show after the move" 0 "$CD" case show "$N"
expect_grep "the case is in the second state" "Step 1" "$T/out"
LANGUAGE=ru expect_rc "case show in Russian" 0 env LANGUAGE=ru "$CD" case show "$N"
expect_grep "with the state's Russian title" "Шаг 1" "$T/out"

# The same file one state short of lint-clean: the last step's target is missing.
sed 's/^to = s9999$/to = s99999/' "$T/data/workflows/big.ini" >"$T/broken.ini"
expect_rc "a broken big workflow is refused" 6 "$CD" workflow lint "$T/broken.ini"
expect_grep "naming file and line" "broken.ini:[0-9]*: transition t9998 goes to unknown state 's99999'" "$T/err"
