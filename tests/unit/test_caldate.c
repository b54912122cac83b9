/*
 * test_caldate.c - unit tests for model/caldate.c: parsing (partial dates, impossible
 * dates), day numbers, leap years, working days across weekends, month clamping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/base/caldate.h"

static long day(const char *text)
{
	long d = 0;
	struct cd_error err = CD_ERROR_INIT;

	assert_int_equal(cd_days_parse(text, "test", &d, &err), CD_OK);
	return d;
}

static void assert_day(long d, const char *expected)
{
	char buf[16];

	cd_days_format(d, buf, sizeof buf);
	assert_string_equal(buf, expected);
}

static void test_parse_full_and_partial(void **state)
{
	struct cd_date d;
	struct cd_error err = CD_ERROR_INIT;
	char buf[16];
	(void)state;

	assert_int_equal(cd_date_parse("1984-07-15", "birth_date", 0, &d, &err), CD_OK);
	assert_int_equal(d.year, 1984);
	assert_int_equal(d.month, 7);
	assert_int_equal(d.day, 15);
	assert_int_equal(d.precision, CD_DATE_DAY);

	assert_int_equal(cd_date_parse("1984", "birth_date", 1, &d, &err), CD_OK);
	assert_int_equal(d.precision, CD_DATE_YEAR);
	assert_int_equal(d.month, 0);
	cd_date_format(&d, buf, sizeof buf);
	assert_string_equal(buf, "1984");

	assert_int_equal(cd_date_parse("1984-07", "birth_date", 1, &d, &err), CD_OK);
	assert_int_equal(d.precision, CD_DATE_MONTH);
	cd_date_format(&d, buf, sizeof buf);
	assert_string_equal(buf, "1984-07");

	/* Partial dates refused where a full one is needed. */
	assert_int_equal(cd_date_parse("1984-07", "decision_date", 0, &d, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "decision_date"));
}

static void test_parse_refuses_impossible(void **state)
{
	struct cd_date d;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(cd_date_parse("2026-02-30", "decision_date", 0, &d, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "decision_date"));
	/* The value is not repeated: dates of birth are personal data. */
	assert_null(strstr(err.msg, "2026-02-30"));
	assert_int_equal(cd_date_parse("2026-13-01", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("2026-00-10", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("2026-04-31", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("2026-4-3", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse(" 2026-04-03", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("2026-04-03x", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("0999", "f", 1, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("", "f", 1, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("2026/04/03", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("+026-04-03", "f", 0, &d, &err), CD_EINPUT);
}

static void test_leap_years(void **state)
{
	struct cd_date d;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(cd_days_in_month(2024, 2), 29);
	assert_int_equal(cd_days_in_month(2026, 2), 28);
	assert_int_equal(cd_days_in_month(1900, 2), 28);   /* divisible by 100 */
	assert_int_equal(cd_days_in_month(2000, 2), 29);   /* divisible by 400 */
	assert_int_equal(cd_days_in_month(2026, 4), 30);
	assert_int_equal(cd_days_in_month(2026, 13), 0);
	assert_int_equal(cd_date_parse("2024-02-29", "f", 0, &d, &err), CD_OK);
	assert_int_equal(cd_date_parse("2000-02-29", "f", 0, &d, &err), CD_OK);
	assert_int_equal(cd_date_parse("1900-02-29", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(cd_date_parse("2026-02-29", "f", 0, &d, &err), CD_EINPUT);
	assert_int_equal(day("2024-03-01") - day("2024-02-28"), 2);
	assert_int_equal(day("2025-03-01") - day("2025-02-28"), 1);
	assert_int_equal(day("2025-01-01") - day("2024-01-01"), 366);
}

static void test_day_numbers(void **state)
{
	int y, m, d;
	(void)state;

	assert_int_equal(cd_date_to_days(1970, 1, 1), 0);
	assert_int_equal(cd_date_to_days(1969, 12, 31), -1);
	assert_int_equal(cd_date_to_days(2000, 3, 1), 11017);
	assert_day(20000, "2024-10-04");
	/* Round trip over a wide range, including before 1970. */
	for (long n = -400000; n < 400000; n += 97) {
		cd_days_to_date(n, &y, &m, &d);
		assert_true(m >= 1 && m <= 12);
		assert_true(d >= 1 && d <= cd_days_in_month(y, m));
		assert_int_equal(cd_date_to_days(y, m, d), n);
	}
	cd_days_to_date(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(cd_days_weekday(0), 3);                   /* 1970-01-01 Thursday */
	assert_int_equal(cd_days_weekday(day("2026-03-02")), 0);   /* Monday */
	assert_int_equal(cd_days_weekday(day("2026-03-08")), 6);   /* Sunday */
	assert_int_equal(cd_days_weekday(-1), 2);                  /* Wednesday */
	assert_int_equal(cd_days_weekday(day("1900-01-01")), 0);   /* Monday */
}

/* The obvious day-by-day count, to check the fast one against. */
static long working_slow(long d, int n)
{
	int step = n < 0 ? -1 : 1;
	for (int left = n < 0 ? -n : n; left > 0;) {
		d += step;
		if (cd_days_weekday(d) < 5)
			left--;
	}
	return d;
}

static void test_working_days(void **state)
{
	(void)state;
	/* 2026-03-06 is a Friday. */
	assert_day(cd_days_add_working(day("2026-03-06"), 1), "2026-03-09");   /* Mon */
	assert_day(cd_days_add_working(day("2026-03-05"), 3), "2026-03-10");   /* Thu + 3 = Tue */
	assert_day(cd_days_add_working(day("2026-03-02"), 3), "2026-03-05");   /* Mon + 3 = Thu */
	/* Starting on a weekend counts from the next Monday as the first working day. */
	assert_day(cd_days_add_working(day("2026-03-07"), 1), "2026-03-09");   /* Sat + 1 = Mon */
	assert_day(cd_days_add_working(day("2026-03-08"), 3), "2026-03-11");   /* Sun + 3 = Wed */
	assert_day(cd_days_add_working(day("2026-03-02"), 5), "2026-03-09");
	assert_day(cd_days_add_working(day("2026-03-02"), 10), "2026-03-16");
	assert_day(cd_days_add_working(day("2026-03-02"), 0), "2026-03-02");
	assert_day(cd_days_add_working(day("2026-03-09"), -1), "2026-03-06"); /* Mon - 1 = Fri */
	for (long d = day("2026-01-01"); d < day("2026-01-15"); d++)
		for (int n = -23; n <= 23; n++)
			assert_int_equal(cd_days_add_working(d, n), working_slow(d, n));
}

static void test_months_clamp(void **state)
{
	(void)state;
	assert_day(cd_days_add_months(day("2026-01-31"), 1), "2026-02-28");
	assert_day(cd_days_add_months(day("2024-01-31"), 1), "2024-02-29");
	assert_day(cd_days_add_months(day("2026-03-31"), 1), "2026-04-30");
	assert_day(cd_days_add_months(day("2026-01-15"), 6), "2026-07-15");
	assert_day(cd_days_add_months(day("2026-08-31"), 6), "2027-02-28");
	assert_day(cd_days_add_months(day("2026-11-30"), 3), "2027-02-28");
	assert_day(cd_days_add_months(day("2026-03-31"), -1), "2026-02-28");
	assert_day(cd_days_add_months(day("2026-01-10"), -13), "2024-12-10");
	assert_day(cd_days_add_months(day("2026-01-10"), 0), "2026-01-10");
}

/* The clock is the clock: only a training store may pin today (store_today). */
static void test_today_ignores_the_environment(void **state)
{
	(void)state;
	setenv("CASEDESK_TODAY", "2001-02-14", 1);
	assert_true(cd_days_today() > day("2024-01-01"));
	unsetenv("CASEDESK_TODAY");
	assert_true(cd_days_today() > day("2024-01-01"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full_and_partial),
		cmocka_unit_test(test_parse_refuses_impossible),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_working_days),
		cmocka_unit_test(test_months_clamp),
		cmocka_unit_test(test_today_ignores_the_environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
