#!/bin/sh
# The layout's rules (README, "Layout"): which folder may include which, private headers,
# which layer owns sqlite3, curses and libfprint, no two modules that need each other (from
# the includes and from the objects' symbols), and no unbounded C string functions.
# tests/lint/layout.py does the reading; each of its PASS:/FAIL: lines counts as a check.
cd "$(dirname "$0")/../.." || exit 1
python3 tests/lint/layout.py "${CASEDESK_OBJDIR:-build/asan}"
