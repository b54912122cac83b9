/*
 * test_deadline.c - unit tests for workflow/deadline.c: the state of a deadline and its
 * words in English (the C locale's plural: one, and everything else); the catalogues'
 * plurals are tests/script/t_locale.sh's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "workflow/deadline.h"

static void expect(long due, long frozen, long today, enum deadline_width wd, enum deadline_state want_state,
		   const char *want)
{
	char buf[64];
	assert_int_equal(deadline_text(due, frozen, today, wd, buf, sizeof buf), want_state);
	assert_string_equal(buf, want);
}

static void test_running(void **state)
{
	(void)state;
	expect(101, -1, 100, DL_LONG, DL_RUNNING, "1 day left");
	expect(102, -1, 100, DL_LONG, DL_RUNNING, "2 days left");
	expect(100, -1, 100, DL_LONG, DL_RUNNING, "0 days left");
	expect(121, -1, 100, DL_SHORT, DL_RUNNING, "21 d left");
}

static void test_overdue(void **state)
{
	(void)state;
	expect(99, -1, 100, DL_LONG, DL_OVERDUE, "1 day overdue");
	expect(95, -1, 100, DL_LONG, DL_OVERDUE, "5 days overdue");
	expect(95, -1, 100, DL_SHORT, DL_OVERDUE, "5 d overdue");
}

static void test_stopped_and_none(void **state)
{
	(void)state;
	/* A stopped clock says the days it keeps, whatever the due day says. */
	expect(50, 1, 100, DL_LONG, DL_STOPPED, "clock stopped, 1 day left");
	expect(-1, 40, 100, DL_LONG, DL_STOPPED, "clock stopped, 40 days left");
	expect(-1, 40, 100, DL_SHORT, DL_STOPPED, "stopped, 40 d");
	expect(-1, -1, 100, DL_LONG, DL_NONE, "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_running),
		cmocka_unit_test(test_overdue),
		cmocka_unit_test(test_stopped_and_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
