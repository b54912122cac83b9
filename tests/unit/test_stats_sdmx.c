/*
 * test_stats_sdmx.c - the pure parts of the Eurostat output: citizenship, sex and age in
 * Eurostat's codes, the EU and EEA lists, --round 5 cell by cell, and report tables that
 * find their rows through a hash (thousands of SDMX cells) and still sort and total.
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

#include "model/base/outfile.h"
#include "print/report.h"

static void test_citizen_codes(void **state)
{
	(void)state;
	setenv("CASEDESK_DATA", "data", 0);
	assert_string_equal(eurostat_citizen("SYR"), "SY");
	assert_string_equal(eurostat_citizen("UKR"), "UA");
	assert_string_equal(eurostat_citizen("GRC"), "EL");   /* not GR */
	assert_string_equal(eurostat_citizen("GBR"), "UK");   /* not GB */
	assert_string_equal(eurostat_citizen("GBD"), "UK");
	assert_string_equal(eurostat_citizen("D"), "DE");
	assert_string_equal(eurostat_citizen("UNK"), "XK");   /* ICAO's code for Kosovo (UNMIK) */
	assert_string_equal(eurostat_citizen("XXA"), "STLS");
	assert_string_equal(eurostat_citizen("XXX"), "UNK");
	assert_string_equal(eurostat_citizen("XXB"), "UNK");
	assert_string_equal(eurostat_citizen(""), "UNK");
	assert_string_equal(eurostat_citizen(NULL), "UNK");
	assert_true(eurostat_in_eu27("EL"));
	assert_false(eurostat_in_eu27("GR"));
	assert_false(eurostat_in_eu27("UK"));
	assert_false(eurostat_in_eu27("NO"));
	assert_true(eurostat_in_eea_ch("NO"));
	assert_true(eurostat_in_eea_ch("CH"));
	assert_false(eurostat_in_eea_ch("UA"));
	assert_true(eurostat_geo_ok("DE"));
	assert_false(eurostat_geo_ok("GR"));
	assert_string_equal(eurostat_sex("X"), "UNK");
	assert_string_equal(eurostat_sex("F"), "F");
	assert_string_equal(eurostat_age("under_14"), "Y_LT14");
	assert_string_equal(eurostat_age("14_17"), "Y14-17");
	assert_string_equal(eurostat_age("65_plus"), "Y_GE65");
	assert_string_equal(eurostat_age("unknown"), "UNK");
}

static char *slurp(const char *p)
{
	static char buf[4096];
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_round_each_cell(void **state)
{
	(void)state;
	static const char *const cols[] = { "DATAFLOW", "x", "OBS_VALUE" };
	struct report r = { 0 };
	struct cd_error err = { 0 };
	char dir[] = "/tmp/cd-test-sdmx.XXXXXX", p1[64], p5[64];
	assert_non_null(mkdtemp(dir));
	snprintf(p1, sizeof p1, "%s/a.csv", dir);
	snprintf(p5, sizeof p5, "%s/b.csv", dir);
	struct rtable *t = report_add_table(&r, "sdmx", "", cols, 3, 2);
	assert_non_null(t);
	t->sdmx = 1;
	const double v[] = { 1, 2, 3, 7, 8, 12, 13 };
	const char *names[] = { "a", "b", "c", "d", "e", "f", "TOTAL" };
	for (size_t i = 0; i < 6; i++) {
		const char *l[] = { "F", names[i] };
		rtable_add(t, l, 2, v[i]);
		const char *tl[] = { "F", "TOTAL" };
		rtable_add(t, tl, 2, v[i]);
	}
	assert_int_equal(report_has_sdmx(&r), 1);
	assert_int_equal(report_write_sdmx(&r, p1, 1, 0, &err), CD_OK);
	assert_int_equal(report_write_sdmx(&r, p5, 5, 0, &err), CD_OK);
	assert_string_equal(slurp(p1), "DATAFLOW,x,OBS_VALUE\r\nF,a,1\r\nF,TOTAL,33\r\nF,b,2\r\nF,c,3\r\nF,d,7\r\n"
				       "F,e,8\r\nF,f,12\r\n");
	/* Each cell on its own: the total 33 is 35, not the sum of the rounded parts (30). */
	assert_string_equal(slurp(p5), "DATAFLOW,x,OBS_VALUE\r\nF,a,0\r\nF,TOTAL,35\r\nF,b,0\r\nF,c,5\r\nF,d,5\r\n"
				       "F,e,10\r\nF,f,10\r\n");
	/* No overwrite without force. */
	assert_int_not_equal(report_write_sdmx(&r, p5, 5, 0, &err), CD_OK);
	report_release(&r);
	struct report none = { 0 };
	assert_int_equal(report_write_sdmx(&none, p1, 1, OUTFILE_FORCE, &err), CD_EUSAGE);
	unlink(p1);
	unlink(p5);
	rmdir(dir);
}

static void test_hashed_rows(void **state)
{
	(void)state;
	static const char *const cols[] = { "a", "b", "n" };
	struct report r = { 0 };
	struct rtable *t = report_add_table(&r, "t", "T", cols, 3, 2);
	char a[16], b[16];
	/* 20,000 distinct rows, each added to three times, some after a sort. */
	for (int pass = 0; pass < 3; pass++) {
		for (int i = 0; i < 20000; i++) {
			snprintf(a, sizeof a, "k%d", i % 157);
			snprintf(b, sizeof b, "%d", i);
			const char *l[] = { a, b };
			rtable_add(t, l, 2, 1);
		}
		if (pass == 1)
			rtable_sort(t);
	}
	assert_int_equal(t->n_rows, 20000);
	assert_true(rtable_total(t, 2) == 60000.0);
	for (size_t i = 0; i < t->n_rows; i++)
		assert_true(t->cells[i * 3 + 2].num == 3.0);
	const char *labels[] = { "T", "U", "N" };
	rtable_set_labels(t, labels);
	assert_string_equal(t->labels[1], "U");
	report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_citizen_codes),
		cmocka_unit_test(test_round_each_cell),
		cmocka_unit_test(test_hashed_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
