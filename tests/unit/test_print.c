/*
 * test_print.c - unit tests for the pure parts of forms and statistics: placeholder
 * expansion, RFC 4180 CSV quoting, Eurostat age groups with partial dates of birth,
 * Code 39 encoding, report tables and the MRZ a form builds from its values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/identity/mrz.h"
#include "model/store/stats.h"
#include "print/barcode.h"
#include "model/base/csv.h"
#include "print/form.h"
#include "print/placeholder.h"
#include "print/report.h"

static int n_unknown;
static char last_unknown[64];
static void on_unknown(void *ctx, const char *name, size_t pos)
{
	(void)ctx;
	(void)pos;
	n_unknown++;
	snprintf(last_unknown, sizeof last_unknown, "%s", name);
}

static void test_placeholders(void **state)
{
	(void)state;
	struct ph_vars v = PH_VARS_INIT;
	struct cd_buf b = CD_BUF_INIT;
	assert_int_equal(ph_set(&v, "person.surname", "Шевченко"), 0);
	assert_int_equal(ph_set(&v, "case.number", "RP-TBS-2026-000001"), 0);
	assert_int_equal(ph_set(&v, "field.valid_until", NULL), 0);
	assert_int_equal(ph_set(&v, "case.number", "RP-TBS-2026-000002"), 0);   /* replaces */
	n_unknown = 0;
	int unknown = ph_expand("{person.surname}, case {case.number} until {field.valid_until}.", &v, &b, on_unknown, NULL);
	assert_int_equal(unknown, 0);
	assert_string_equal(buf_str(&b), "Шевченко, case RP-TBS-2026-000002 until .");
	buf_reset(&b);
	unknown = ph_expand("{{literal} {nope.x} {Bad} {unclosed", &v, &b, on_unknown, NULL);
	assert_int_equal(unknown, 1);
	assert_int_equal(n_unknown, 1);
	assert_string_equal(last_unknown, "nope.x");
	assert_string_equal(buf_str(&b), "{literal}  {Bad} {unclosed");
	assert_int_equal(ph_scan("{a} {{b} {c.d} {}", NULL, NULL), 2);
	buf_release(&b);
	ph_vars_release(&v);
}

static void test_csv_quoting(void **state)
{
	(void)state;
	struct cd_buf b = CD_BUF_INIT;
	csv_field(&b, "plain");
	buf_puts(&b, "|");
	csv_field(&b, "a,b");
	buf_puts(&b, "|");
	csv_field(&b, "say \"hi\"");
	buf_puts(&b, "|");
	csv_field(&b, "two\nlines");
	buf_puts(&b, "|");
	csv_field(&b, NULL);
	assert_string_equal(buf_str(&b), "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
	buf_release(&b);

	char path[] = "/tmp/test_print_csv.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w+");
	const char *rec[] = { "x", "y,z", "" };
	assert_int_equal(csv_record(f, rec, 3), 0);
	rewind(f);
	char line[64] = "";
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "x,\"y,z\",\r\n");
	fclose(f);
	unlink(path);
}

static long day(const char *s)
{
	long d = 0;
	assert_int_equal(cd_days_parse(s, "test", &d, NULL), 0);
	return d;
}

static void test_age_groups(void **state)
{
	(void)state;
	long at = day("2026-06-30");
	assert_string_equal(stats_age_group("2012-07-01", at), "under_14");   /* 13 until tomorrow */
	assert_string_equal(stats_age_group("2012-06-30", at), "14_17");      /* 14 today */
	assert_string_equal(stats_age_group("2008-07-01", at), "14_17");
	assert_string_equal(stats_age_group("2008-06-30", at), "18_34");
	assert_string_equal(stats_age_group("1991-06-30", at), "35_64");
	assert_string_equal(stats_age_group("1961-07-01", at), "35_64");
	assert_string_equal(stats_age_group("1961-06-30", at), "65_plus");
	/* a year only counts from 1 July: 2012 is 13 on 30 June 2026, 14 on 1 July */
	assert_string_equal(stats_age_group("2012", at), "under_14");
	assert_string_equal(stats_age_group("2012", day("2026-07-01")), "14_17");
	/* year and month count from the 15th */
	assert_string_equal(stats_age_group("2012-06", day("2026-06-14")), "under_14");
	assert_string_equal(stats_age_group("2012-06", day("2026-06-15")), "14_17");
	assert_string_equal(stats_age_group("", at), "unknown");
	assert_string_equal(stats_age_group(NULL, at), "unknown");
	assert_string_equal(stats_age_group("2030-01-01", at), "unknown");   /* born after the application */
}

static void test_code39(void **state)
{
	(void)state;
	char out[512];
	int n = code39_encode("A-1", out, sizeof out);
	/* start, 3 characters, stop: 5 x 9 elements and 4 gaps */
	assert_int_equal(n, 5 * 9 + 4);
	/* '*' = n w n n w n w n n ; gap ; 'A' = w n n n n w n n w */
	assert_memory_equal(out, "nwnnwnwnn" "n" "wnnnnwnnw", 19);
	/* every character has exactly 3 wide elements of its 9 */
	for (int c = 0; c < 5; c++) {
		int wide = 0;
		for (int k = 0; k < 9; k++)
			wide += out[c * 10 + k] == 'w';
		assert_int_equal(wide, 3);
	}
	assert_int_equal(code39_encode("rp-tbs-2026-000001", out, sizeof out), 20 * 10 - 1);   /* lower case as upper */
	assert_int_equal(code39_encode("Ä", out, sizeof out), -1);
	assert_int_equal(code39_encode("A*B", out, sizeof out), -1);
	assert_int_equal(code39_encode("ABCDEFGHIJ", out, 20), -1);   /* too small a buffer */
}

static void test_report_table(void **state)
{
	(void)state;
	struct report r = { 0 };
	const char *cols[] = { "month", "total", "x" };
	struct rtable *t = report_add_table(&r, "t", "T", cols, 3, 1);
	assert_non_null(t);
	const char *b[] = { "2026-02" }, *a[] = { "2026-01" };
	rtable_add(t, b, 1, 2);
	rtable_add(t, a, 1, 3);
	rtable_add(t, b, 2, 1);
	assert_int_equal(t->n_rows, 2);
	rtable_sort(t);
	assert_string_equal(t->cells[0].text, "2026-01");
	assert_true(rtable_total(t, 1) == 5);
	assert_true(t->cells[3 + 2].num == 1);
	report_release(&r);
}

static void test_form_mrz(void **state)
{
	(void)state;
	struct ph_vars v = PH_VARS_INIT;
	struct cd_error err = CD_ERROR_INIT;
	char lines[3][45];
	int n = 0;
	ph_set(&v, "office.state", "AUT");
	ph_set(&v, "person.surname_latin", "SHEVCHENKO");
	ph_set(&v, "person.given_latin", "OLEKSANDR");
	ph_set(&v, "person.nationality", "UKR");
	ph_set(&v, "person.dob", "1987-04");
	ph_set(&v, "person.sex", "M");
	ph_set(&v, "card.number", "R26000001");
	assert_int_equal(form_mrz_lines("td1", &v, lines, &n, &err), CD_EINPUT);   /* no valid_until yet */
	assert_non_null(strstr(err.msg, "field.valid_until"));
	ph_set(&v, "field.valid_until", "2031-03-01");
	assert_int_equal(form_mrz_lines("td1", &v, lines, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(strlen(lines[0]), 30);
	char text[100];
	snprintf(text, sizeof text, "%s\n%s\n%s\n", lines[0], lines[1], lines[2]);
	struct mrz_result res;
	assert_int_equal(mrz_parse(text, &res, &err), 0);
	assert_true(res.valid);
	assert_string_equal(res.surname, "SHEVCHENKO");
	assert_int_equal(form_mrz_lines("mrva", &v, lines, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(strlen(lines[0]), 44);
	ph_vars_release(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_age_groups),
		cmocka_unit_test(test_code39),
		cmocka_unit_test(test_report_table),
		cmocka_unit_test(test_form_mrz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
