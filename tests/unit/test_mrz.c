/*
 * test_mrz.c - unit tests for model/mrz.c and print/mrz_make.c: the ICAO Doc 9303
 * specimens of every format, every kind of fault (line length, characters, each check
 * digit, impossible dates, unknown codes), OCR suggestions found and refused as
 * ambiguous, name truncation, and parse(make(x)) == x over 1,000 pseudo-random records.
 *
 * Specimens: TD1 (Part 5), TD2 (Part 6), TD3 (Part 4), MRV-A and MRV-B (Part 7), as
 * Doc 9303 prints them; every check digit was recomputed (by test_check_digits and by
 * hand) and all of them verify, so none needed fixing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/base/caldate.h"
#include "model/identity/mrz.h"
#include "print/mrz_make.h"

#define TD1_1 "I<UTOD231458907<<<<<<<<<<<<<<<"
#define TD1_2 "7408122F1204159UTO<<<<<<<<<<<6"
#define TD1_3 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
#define TD2_1 "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
#define TD2_2 "D231458907UTO7408122F1204159<<<<<<<6"
#define TD3_1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define TD3_2 "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
#define MRVA_1 "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define MRVA_2 "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"
#define MRVB_1 "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
#define MRVB_2 "L8988901C4XXX4009078F9612109<<<<<<<<"

static long today;

static int setup(void **state)
{
	(void)state;
	setenv("CASEDESK_DATA", "data", 0);
	today = cd_date_to_days(2026, 3, 2);
	return 0;
}

static void parse_ok(const char *text, struct mrz_result *r)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(mrz_parse_on(text, today, r, &err), CD_OK);
}

static const struct mrz_check *check(const struct mrz_result *r, const char *name)
{
	for (int i = 0; i < r->n_checks; i++)
		if (strcmp(r->checks[i].name, name) == 0)
			return &r->checks[i];
	fail_msg("no check %s", name);
	return NULL;
}

static const struct mrz_problem *problem(const struct mrz_result *r, const char *field)
{
	for (int i = 0; i < r->n_problems; i++)
		if (strcmp(r->problems[i].field, field) == 0)
			return &r->problems[i];
	fail_msg("no problem in %s (%d problems)", field, r->n_problems);
	return NULL;
}

static int has_problem(const struct mrz_result *r, const char *field)
{
	for (int i = 0; i < r->n_problems; i++)
		if (strcmp(r->problems[i].field, field) == 0)
			return 1;
	return 0;
}

/* Recomputes every check digit of lines in format f, so that a test can change one field alone. */
static void fix_checks(char lines[3][45], enum mrz_format f)
{
	const struct mrz_layout *lo = mrz_layout_of(f);
	char buf[140];
	size_t n = 0;
#define AT(sp) (&lines[(sp).line - 1][(sp).col - 1])
	*AT(lo->number_check) = (char)('0' + mrz_check_digit(AT(lo->number), 9));
	*AT(lo->dob_check) = (char)('0' + mrz_check_digit(AT(lo->dob), 6));
	*AT(lo->expiry_check) = (char)('0' + mrz_check_digit(AT(lo->expiry), 6));
	if (lo->opt1_check.len)
		*AT(lo->opt1_check) = (char)('0' + mrz_check_digit(AT(lo->opt1), (size_t)lo->opt1.len));
	if (lo->composite.len) {
		for (int i = 0; i < lo->n_comp; i++) {
			memcpy(buf + n, AT(lo->comp[i]), (size_t)lo->comp[i].len);
			n += (size_t)lo->comp[i].len;
		}
		*AT(lo->composite) = (char)('0' + mrz_check_digit(buf, n));
	}
#undef AT
}

static void join(char *text, size_t size, char lines[3][45], int n)
{
	text[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t len = strlen(text);
		snprintf(text + len, size - len, "%s\n", lines[i]);
	}
}

static void test_check_digits(void **state)
{
	(void)state;
	assert_int_equal(mrz_check_digit("D23145890", 9), 7);
	assert_int_equal(mrz_check_digit("L898902C3", 9), 6);
	assert_int_equal(mrz_check_digit("740812", 6), 2);
	assert_int_equal(mrz_check_digit("120415", 6), 9);
	assert_int_equal(mrz_check_digit("ZE184226B<<<<<", 14), 1);
	assert_int_equal(mrz_check_digit("<<<", 3), 0);
	assert_int_equal(mrz_check_digit("D23145890734", 12), 9);
	assert_int_equal(mrz_check_digit("ab1", 3), -1);
}

static void test_td1_specimen(void **state)
{
	struct mrz_result r;
	(void)state;
	parse_ok(TD1_1 "\n" TD1_2 "\n" TD1_3 "\n", &r);
	assert_int_equal(r.format, MRZ_TD1);
	assert_true(r.valid);
	assert_int_equal(r.n_problems, 0);
	assert_string_equal(r.doc_code, "I");
	assert_string_equal(r.issuer, "UTO");
	assert_string_equal(r.surname, "ERIKSSON");
	assert_string_equal(r.given, "ANNA MARIA");
	assert_string_equal(r.number, "D23145890");
	assert_string_equal(r.nationality, "UTO");
	assert_string_equal(r.dob, "1974-08-12");
	assert_int_equal(r.sex, 'F');
	assert_string_equal(r.expiry, "2012-04-15");
	assert_string_equal(r.optional1, "");
	assert_string_equal(r.optional2, "");
	assert_int_equal(r.n_checks, 4);
	const struct mrz_check *c = check(&r, MRZ_F_COMPOSITE);
	assert_int_equal(c->line, 2);
	assert_int_equal(c->column, 30);
	assert_int_equal(c->found, '6');
	assert_int_equal(c->expected, '6');
	assert_false(r.name_truncated);
	assert_false(r.has_suggestion);
}

static void test_td2_specimen(void **state)
{
	struct mrz_result r;
	(void)state;
	parse_ok(TD2_1 "\r\n" TD2_2 "\r\n", &r);
	assert_int_equal(r.format, MRZ_TD2);
	assert_true(r.valid);
	assert_string_equal(r.surname, "ERIKSSON");
	assert_string_equal(r.given, "ANNA MARIA");
	assert_string_equal(r.number, "D23145890");
	assert_string_equal(r.dob, "1974-08-12");
	assert_string_equal(r.expiry, "2012-04-15");
	assert_int_equal(r.n_checks, 4);
	assert_int_equal(check(&r, MRZ_F_COMPOSITE)->column, 36);
}

static void test_td3_specimen(void **state)
{
	struct mrz_result r;
	(void)state;
	parse_ok(TD3_1 "\n" TD3_2, &r);
	assert_int_equal(r.format, MRZ_TD3);
	assert_true(r.valid);
	assert_string_equal(r.doc_code, "P");
	assert_string_equal(r.number, "L898902C3");
	assert_string_equal(r.optional1, "ZE184226B");
	assert_int_equal(r.n_checks, 5);
	const struct mrz_check *c = check(&r, MRZ_F_OPTIONAL);
	assert_int_equal(c->column, 43);
	assert_int_equal(c->expected, '1');
	assert_true(c->ok);
	assert_int_equal(check(&r, MRZ_F_NUMBER)->column, 10);
	assert_int_equal(check(&r, MRZ_F_DOB)->column, 20);
	assert_int_equal(check(&r, MRZ_F_EXPIRY)->column, 28);
	assert_int_equal(check(&r, MRZ_F_COMPOSITE)->column, 44);
}

static void test_mrv_specimens(void **state)
{
	struct mrz_result r;
	(void)state;
	parse_ok(MRVA_1 "\n" MRVA_2 "\n", &r);
	assert_int_equal(r.format, MRZ_MRVA);
	assert_true(r.valid);
	assert_string_equal(r.doc_code, "V");
	assert_string_equal(r.number, "L8988901C");
	assert_string_equal(r.nationality, "XXX");
	assert_string_equal(r.dob, "1940-09-07");
	assert_string_equal(r.expiry, "1996-12-10");
	assert_string_equal(r.optional1, "6ZE184226B");
	assert_int_equal(r.n_checks, 3);

	parse_ok(MRVB_1 "\n" MRVB_2 "\n", &r);
	assert_int_equal(r.format, MRZ_MRVB);
	assert_true(r.valid);
	assert_string_equal(r.given, "ANNA MARIA");
	assert_string_equal(r.optional1, "");
	assert_int_equal(r.n_checks, 3);
}

static void test_td1_long_number(void **state)
{
	struct mrz_result r;
	char lines[3][45] = { "I<UTOD23145890<7349<<<<<<<<<<<", TD1_2, TD1_3 }, text[200];
	(void)state;
	fix_checks(lines, MRZ_TD1);
	/* fix_checks wrote the 9-character check at column 15; a long number keeps `<` there */
	lines[0][14] = '<';
	{
		const struct mrz_layout *lo = mrz_layout_of(MRZ_TD1);
		char buf[80];
		size_t n = 0;
		for (int i = 0; i < lo->n_comp; i++) {
			memcpy(buf + n, &lines[lo->comp[i].line - 1][lo->comp[i].col - 1], (size_t)lo->comp[i].len);
			n += (size_t)lo->comp[i].len;
		}
		lines[1][29] = (char)('0' + mrz_check_digit(buf, n));
	}
	join(text, sizeof text, lines, 3);
	parse_ok(text, &r);
	assert_true(r.valid);
	assert_string_equal(r.number, "D23145890734");
	const struct mrz_check *c = check(&r, MRZ_F_NUMBER);
	assert_int_equal(c->line, 1);
	assert_int_equal(c->column, 19);
	assert_int_equal(c->expected, '9');
	assert_string_equal(r.optional1, "");

	/* and mrz_make writes the same line 1 */
	struct mrz_doc d = { .format = MRZ_TD1, .doc_code = "I", .issuer = "UTO", .surname = "ERIKSSON",
			     .given = "ANNA MARIA", .number = "D23145890734", .nationality = "UTO", .dob = "1974-08-12",
			     .sex = 'F', .expiry = "2012-04-15" };
	struct mrz_text t;
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(mrz_make(&d, &t, &err), CD_OK);
	assert_string_equal(t.lines[0], lines[0]);
	assert_string_equal(t.lines[1], lines[1]);
	assert_string_equal(t.lines[2], lines[2]);
}

static void test_make_specimens(void **state)
{
	struct mrz_text t;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	struct mrz_doc d = { .format = MRZ_TD1, .doc_code = "I", .issuer = "UTO", .surname = "ERIKSSON",
			     .given = "ANNA MARIA", .number = "D23145890", .nationality = "UTO", .dob = "1974-08-12",
			     .sex = 'F', .expiry = "2012-04-15" };
	assert_int_equal(mrz_make(&d, &t, &err), CD_OK);
	assert_int_equal(t.n_lines, 3);
	assert_string_equal(t.lines[0], TD1_1);
	assert_string_equal(t.lines[1], TD1_2);
	assert_string_equal(t.lines[2], TD1_3);

	d.format = MRZ_TD2;
	assert_int_equal(mrz_make(&d, &t, &err), CD_OK);
	assert_string_equal(t.lines[0], TD2_1);
	assert_string_equal(t.lines[1], TD2_2);

	d.format = MRZ_TD3;
	d.doc_code = "P";
	d.number = "L898902C3";
	d.optional1 = "ZE184226B";
	assert_int_equal(mrz_make(&d, &t, &err), CD_OK);
	assert_string_equal(t.lines[0], TD3_1);
	assert_string_equal(t.lines[1], TD3_2);

	struct mrz_doc v = { .format = MRZ_MRVA, .doc_code = "V", .issuer = "UTO", .surname = "ERIKSSON",
			     .given = "ANNA-MARIA", .number = "L8988901C", .nationality = "XXX", .dob = "1940-09-07",
			     .sex = 'F', .expiry = "1996-12-10", .optional1 = "6ZE184226B" };
	assert_int_equal(mrz_make(&v, &t, &err), CD_OK);
	assert_string_equal(t.lines[0], MRVA_1);
	assert_string_equal(t.lines[1], MRVA_2);
	v.format = MRZ_MRVB;
	v.optional1 = NULL;
	assert_int_equal(mrz_make(&v, &t, &err), CD_OK);
	assert_string_equal(t.lines[0], MRVB_1);
	assert_string_equal(t.lines[1], MRVB_2);

	/* refusals name the field, never its value */
	v.issuer = "ZZZ";
	assert_int_equal(mrz_make(&v, &t, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "issuing_state"));
	assert_null(strstr(err.msg, "ZZZ"));
	v.issuer = "UTO";
	v.doc_code = "P";
	assert_int_equal(mrz_make(&v, &t, &err), CD_EINPUT);
	v.doc_code = "V";
	v.number = "L8988901C4";   /* MRV has no overflow */
	assert_int_equal(mrz_make(&v, &t, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "document_number"));
	v.number = "L8988901C";
	v.surname = "Eriksson";
	assert_int_equal(mrz_make(&v, &t, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "name"));
	v.surname = "ERIKSSON";
	v.dob = "1974-02-30";
	assert_int_equal(mrz_make(&v, &t, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "birth_date"));
	v.dob = "1974";
	v.expiry = "2030-01";
	assert_int_equal(mrz_make(&v, &t, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "expiry_date"));
}

static void test_germany_and_icao_codes(void **state)
{
	struct mrz_text t;
	struct mrz_result r;
	struct cd_error err = CD_ERROR_INIT;
	char text[200];
	(void)state;
	struct mrz_doc d = { .format = MRZ_TD1, .doc_code = "AR", .issuer = "DEU", .surname = "MUELLER",
			     .given = "ANNA", .number = "Y0123456", .nationality = "XXA", .dob = "1990-01-31",
			     .sex = 'X', .expiry = "2030-06-30", .optional2 = "ABC" };
	assert_int_equal(mrz_make(&d, &t, &err), CD_OK);
	assert_memory_equal(t.lines[0], "ARD<<", 5);
	join(text, sizeof text, t.lines, 3);
	parse_ok(text, &r);
	assert_true(r.valid);
	assert_string_equal(r.issuer, "DEU");
	assert_string_equal(r.issuer_raw, "D<<");
	assert_string_equal(r.nationality, "XXA");
	assert_int_equal(r.sex, 'X');
	assert_string_equal(r.doc_code, "AR");
	assert_string_equal(r.optional2, "ABC");

	const char *codes[] = { "XXB", "XXC", "XXX", "EUE", "UNO", "UNA", "UNK", "XBA", "XIM", "XCC", "XCO",
				"XEC", "XPO", "XES", "XMP", "XOM", "XDC", "GBD", "GBN", "GBO", "GBP", "GBS", "GBR" };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		d.nationality = codes[i];
		assert_int_equal(mrz_make(&d, &t, &err), CD_OK);
		join(text, sizeof text, t.lines, 3);
		parse_ok(text, &r);
		assert_true(r.valid);
		assert_string_equal(r.nationality, codes[i]);
	}
}

static void test_unknown_code(void **state)
{
	struct mrz_result r;
	char lines[3][45] = { TD3_1, TD3_2 }, text[200];
	(void)state;
	memcpy(&lines[0][2], "ZZZ", 3);
	memcpy(&lines[1][10], "QQQ", 3);
	join(text, sizeof text, lines, 2);
	parse_ok(text, &r);
	assert_false(r.valid);
	const struct mrz_problem *p = problem(&r, MRZ_F_ISSUER);
	assert_int_equal(p->line, 1);
	assert_int_equal(p->column, 3);
	assert_non_null(strstr(p->message, "issuing state"));
	assert_non_null(strstr(p->message, "ZZZ"));
	p = problem(&r, MRZ_F_NATIONALITY);
	assert_int_equal(p->line, 2);
	assert_int_equal(p->column, 11);
	/* codes are outside every check digit: all checks still hold */
	for (int i = 0; i < r.n_checks; i++)
		assert_true(r.checks[i].ok);
	assert_false(r.has_suggestion);
}

static void test_wrong_length(void **state)
{
	struct mrz_result r;
	struct cd_error err = CD_ERROR_INIT;
	char line2[60];
	(void)state;
	snprintf(line2, sizeof line2, "%.43s", TD3_2);
	char text[200];
	snprintf(text, sizeof text, "%s\n%s\n", TD3_1, line2);
	parse_ok(text, &r);
	assert_int_equal(r.format, MRZ_TD3);
	assert_false(r.valid);
	const struct mrz_problem *p = problem(&r, MRZ_F_LINE);
	assert_int_equal(p->line, 2);
	assert_string_equal(p->message, "line 2 has 43 characters, TD3 lines have 44");

	/* not an MRZ at all */
	assert_int_equal(mrz_parse_on(TD3_1, today, &r, &err), CD_EINPUT);
	assert_int_equal(mrz_parse_on("", today, &r, &err), CD_EINPUT);
	assert_int_equal(mrz_parse_on(TD1_1 "\n" TD1_2 "\n" TD1_3 "\n" TD1_3 "\n", today, &r, &err), CD_EINPUT);
	assert_int_equal(mrz_parse_on("HELLO\nWORLD\n", today, &r, &err), CD_EINPUT);
	assert_int_equal(mrz_parse_on(TD3_1 TD3_2 "\n" TD3_2 "\n", today, &r, &err), CD_EINPUT);
	/* blank lines and trailing blanks are no problem */
	parse_ok("\n\n" TD3_1 "  \r\n\n" TD3_2 "\t\n\n", &r);
	assert_true(r.valid);
}

static void test_bad_characters(void **state)
{
	struct mrz_result r;
	(void)state;
	/* é (U+00E9, two bytes) where the name has an E: still 44 characters */
	parse_ok("P<UTO\xc3\x89RIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_2, &r);
	assert_false(r.valid);
	assert_int_equal(r.n_problems, 1);
	const struct mrz_problem *p = problem(&r, MRZ_F_LINE);
	assert_int_equal(p->line, 1);
	assert_int_equal(p->column, 6);
	assert_non_null(strstr(p->message, "U+00C9"));

	/* an escape character is shown as U+001B, never as itself */
	parse_ok("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<\x1b\n" TD3_2, &r);
	p = problem(&r, MRZ_F_LINE);
	assert_int_equal(p->column, 44);
	assert_non_null(strstr(p->message, "U+001B"));
	assert_null(strchr(p->message, '\x1b'));

	/* a byte that is not UTF-8, and a lowercase letter */
	parse_ok("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<\xff\n" TD3_2, &r);
	assert_non_null(strstr(problem(&r, MRZ_F_LINE)->message, "0xFF"));
	parse_ok("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nl898902C36UTO7408122F1204159ZE184226B<<<<<10", &r);
	p = problem(&r, MRZ_F_LINE);
	assert_int_equal(p->line, 2);
	assert_int_equal(p->column, 1);
	assert_non_null(strstr(p->message, "'l'"));
	assert_int_equal(check(&r, MRZ_F_NUMBER)->found, '6');
	assert_false(check(&r, MRZ_F_NUMBER)->ok);
}

struct fault {
	const char *check;
	int column;       /* of the check digit on line 2 of the TD3 specimen */
	char found, expected;
};

static void test_each_check_digit_wrong(void **state)
{
	static const struct fault faults[] = {
		{ MRZ_F_NUMBER, 10, '5', '6' },
		{ MRZ_F_DOB, 20, '3', '2' },
		{ MRZ_F_EXPIRY, 28, '0', '9' },
		{ MRZ_F_OPTIONAL, 43, '7', '1' },
		{ MRZ_F_COMPOSITE, 44, '4', '0' },
	};
	struct mrz_result r;
	char text[200], l2[45];
	(void)state;
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		memcpy(l2, TD3_2, sizeof l2);
		l2[faults[i].column - 1] = faults[i].found;
		snprintf(text, sizeof text, "%s\n%s\n", TD3_1, l2);
		parse_ok(text, &r);
		assert_false(r.valid);
		const struct mrz_check *c = check(&r, faults[i].check);
		assert_false(c->ok);
		assert_int_equal(c->line, 2);
		assert_int_equal(c->column, faults[i].column);
		assert_int_equal(c->found, faults[i].found);
		assert_int_equal(c->expected, faults[i].expected);
		const struct mrz_problem *p = problem(&r, faults[i].check);
		char want[100];
		snprintf(want, sizeof want, "check digit at line 2, column %d is %c, expected %c", faults[i].column,
			 faults[i].found, faults[i].expected);
		assert_non_null(strstr(p->message, want));
		/* a wrong check digit alone has no OCR reading that fixes it */
		assert_false(r.has_suggestion);
	}
	/* TD1's and MRV's check digits */
	parse_ok(TD1_1 "\n" "7408123F1204159UTO<<<<<<<<<<<6" "\n" TD1_3 "\n", &r);
	assert_false(check(&r, MRZ_F_DOB)->ok);
	assert_int_equal(check(&r, MRZ_F_DOB)->column, 7);
	assert_false(check(&r, MRZ_F_COMPOSITE)->ok);
	parse_ok(MRVB_1 "\n" "L8988901C4XXX4009078F9612108<<<<<<<<" "\n", &r);
	assert_false(check(&r, MRZ_F_EXPIRY)->ok);
	assert_int_equal(check(&r, MRZ_F_EXPIRY)->expected, '9');
}

static void test_unused_optional_check(void **state)
{
	struct mrz_result r;
	char lines[3][45] = { TD3_1, TD3_2 }, text[200];
	(void)state;
	memcpy(&lines[1][28], "<<<<<<<<<<<<<<", 14);
	fix_checks(lines, MRZ_TD3);
	assert_int_equal(lines[1][42], '0');
	join(text, sizeof text, lines, 2);
	parse_ok(text, &r);
	assert_true(r.valid);
	lines[1][42] = '<';
	fix_checks(lines, MRZ_TD3);
	lines[1][42] = '<';
	join(text, sizeof text, lines, 2);
	parse_ok(text, &r);
	assert_true(r.valid);
	assert_string_equal(r.optional1, "");
}

static void set_date_and_parse(const char *dob, const char *expiry, struct mrz_result *r)
{
	char lines[3][45] = { TD3_1, TD3_2 }, text[200];
	if (dob)
		memcpy(&lines[1][13], dob, 6);
	if (expiry)
		memcpy(&lines[1][21], expiry, 6);
	fix_checks(lines, MRZ_TD3);
	join(text, sizeof text, lines, 2);
	parse_ok(text, r);
}

static void test_dates(void **state)
{
	struct mrz_result r;
	(void)state;
	set_date_and_parse("74<<<<", NULL, &r);
	assert_true(r.valid);
	assert_string_equal(r.dob, "1974");
	set_date_and_parse("7408<<", NULL, &r);
	assert_true(r.valid);
	assert_string_equal(r.dob, "1974-08");
	set_date_and_parse("74XXXX", NULL, &r);
	assert_true(r.valid);
	assert_string_equal(r.dob, "1974");
	set_date_and_parse("<<<<<<", NULL, &r);
	assert_true(r.valid);
	assert_string_equal(r.dob, "");
	/* the century that does not put a birth in the future (today is 2026-03-02) */
	set_date_and_parse("260302", NULL, &r);
	assert_string_equal(r.dob, "2026-03-02");
	set_date_and_parse("260303", NULL, &r);
	assert_string_equal(r.dob, "1926-03-03");
	set_date_and_parse("000229", NULL, &r);
	assert_true(r.valid);
	assert_string_equal(r.dob, "2000-02-29");
	set_date_and_parse(NULL, "991231", &r);
	assert_string_equal(r.expiry, "1999-12-31");
	set_date_and_parse(NULL, "351231", &r);
	assert_string_equal(r.expiry, "2035-12-31");

	/* impossible dates name the field and the column */
	set_date_and_parse("741312", NULL, &r);
	assert_false(r.valid);
	const struct mrz_problem *p = problem(&r, MRZ_F_DOB);
	assert_int_equal(p->line, 2);
	assert_int_equal(p->column, 16);
	assert_non_null(strstr(p->message, "date of birth"));
	assert_non_null(strstr(p->message, "month 13"));
	assert_true(check(&r, MRZ_F_DOB)->ok);
	set_date_and_parse("740231", NULL, &r);
	p = problem(&r, MRZ_F_DOB);
	assert_int_equal(p->column, 18);
	assert_non_null(strstr(p->message, "day 31"));
	set_date_and_parse(NULL, "120230", &r);
	p = problem(&r, MRZ_F_EXPIRY);
	assert_int_equal(p->column, 26);
	set_date_and_parse(NULL, "1204<<", &r);
	assert_true(has_problem(&r, MRZ_F_EXPIRY));
	set_date_and_parse("74<<12", NULL, &r);
	assert_true(has_problem(&r, MRZ_F_DOB));
	set_date_and_parse("7408K2", NULL, &r);
	p = problem(&r, MRZ_F_DOB);
	assert_int_equal(p->column, 18);
	assert_non_null(strstr(p->message, "'K'"));
}

static void test_sex_and_names(void **state)
{
	struct mrz_result r;
	char lines[3][45] = { TD3_1, TD3_2 }, text[200];
	(void)state;
	lines[1][20] = 'Q';
	join(text, sizeof text, lines, 2);
	parse_ok(text, &r);
	assert_int_equal(problem(&r, MRZ_F_SEX)->column, 21);
	lines[1][20] = '<';
	join(text, sizeof text, lines, 2);
	parse_ok(text, &r);
	if (!r.valid)
		fail_msg("%d problems: %s", r.n_problems, r.problems[0].message);
	assert_int_equal(r.sex, 'X');

	/* several given names, a surname of two words, a truncated name */
	parse_ok("P<UTOVAN<DER<BERG<<JOANNA<MARIA<LOUISE<SOPHI\n" TD3_2 "\n", &r);
	assert_true(r.valid);
	assert_string_equal(r.surname, "VAN DER BERG");
	assert_string_equal(r.given, "JOANNA MARIA LOUISE SOPHI");
	assert_true(r.name_truncated);
	/* only a primary identifier */
	parse_ok("P<UTOERIKSSON<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n" TD3_2 "\n", &r);
	assert_true(r.valid);
	assert_string_equal(r.given, "");
}

static void test_ocr_suggestion_date(void **state)
{
	struct mrz_result r;
	(void)state;
	/* a letter O read in the date of birth, and I in the expiry date */
	parse_ok(TD3_1 "\nL898902C36UTO74O8122F12O4I59ZE184226B<<<<<10\n", &r);
	assert_false(r.valid);
	assert_true(r.has_suggestion);
	assert_string_equal(r.suggestion[0], TD3_1);
	assert_string_equal(r.suggestion[1], TD3_2);
	assert_int_equal(r.n_changes, 3);
	assert_int_equal(r.changes[0].line, 2);
	assert_int_equal(r.changes[0].column, 16);
	assert_int_equal(r.changes[0].from, 'O');
	assert_int_equal(r.changes[0].to, '0');
	assert_non_null(strstr(r.suggestion_note, "line 2, column 16: O -> 0"));
	/* never applied: the fields are what was read */
	assert_string_equal(r.dob, "");
}

static void test_ocr_suggestion_number(void **state)
{
	struct mrz_result r;
	(void)state;
	/* L898902C3 read as L8989O2C3: letters and digits are both allowed in the number */
	parse_ok(TD3_1 "\nL8989O2C36UTO7408122F1204159ZE184226B<<<<<10\n", &r);
	assert_false(r.valid);
	assert_false(check(&r, MRZ_F_NUMBER)->ok);
	assert_true(r.has_suggestion);
	assert_string_equal(r.suggestion[1], TD3_2);
	assert_int_equal(r.n_changes, 1);
	assert_int_equal(r.changes[0].column, 6);
	assert_string_equal(r.number, "L8989O2C3");

	/* a digit in the issuing state and in the name */
	parse_ok("P<UT0ERIKSS0N<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_2 "\n", &r);
	assert_false(r.valid);
	assert_true(has_problem(&r, MRZ_F_NAME));
	assert_true(r.has_suggestion);
	assert_string_equal(r.suggestion[0], TD3_1);
	assert_int_equal(r.n_changes, 2);
}

static void test_ocr_ambiguous(void **state)
{
	struct mrz_result r;
	(void)state;
	/* number AB12S5Z8X with check digit 0: three different single swaps
	 * (B->8, 2->Z, S->5) all give 0; MRV-B has no composite to decide */
	parse_ok(MRVB_1 "\nAB12S5Z8X0XXX4009078F9612109<<<<<<<<\n", &r);
	assert_false(r.valid);
	assert_false(check(&r, MRZ_F_NUMBER)->ok);
	assert_false(r.has_suggestion);
	assert_non_null(strstr(r.suggestion_note, "none is offered"));
}

static void test_truncation(void **state)
{
	char f[64];
	(void)state;
	memset(f, 0, sizeof f);
	assert_int_equal(mrz_make_name("ERIKSSON", "ANNA MARIA", f, 20), 0);
	assert_string_equal(f, "ERIKSSON<<ANNA<MARIA");
	memset(f, 0, sizeof f);
	assert_int_equal(mrz_make_name("ERIKSSON", "ANNA MARIA", f, 12), 1);
	assert_string_equal(f, "ERIKSSON<<AN");
	/* a cut on the boundary between two given names */
	memset(f, 0, sizeof f);
	assert_int_equal(mrz_make_name("ERIKSSON", "ANNA MARIA", f, 15), 1);
	assert_string_equal(f, "ERIKSSON<<ANN<M");
	/* the surname alone too long: cut, and the given names as one initial */
	memset(f, 0, sizeof f);
	assert_int_equal(mrz_make_name("ABCDEFGHIJKL", "ANNA", f, 10), 1);
	assert_string_equal(f, "ABCDEFG<<A");
	memset(f, 0, sizeof f);
	assert_int_equal(mrz_make_name("ABCDEFGHIJKL", NULL, f, 10), 1);
	assert_string_equal(f, "ABCDEFGHIJ");
	/* hyphens, runs of spaces and apostrophes */
	memset(f, 0, sizeof f);
	assert_int_equal(mrz_make_name(" O'NEIL-SMITH ", "JEAN  PAUL", f, 24), 0);
	assert_string_equal(f, "ONEIL<SMITH<<JEAN<PAUL<<");
	assert_int_equal(mrz_make_name("", "ANNA", f, 24), -1);
	assert_int_equal(mrz_make_name("MÜLLER", "ANNA", f, 24), -1);
}

/* ---- parse(make(x)) == x -------------------------------------------------------------------- */

static unsigned long rng = 20260302;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)((rng >> 33) % n);
}

static void random_name(char *out, size_t size, int words)
{
	size_t k = 0;
	for (int w = 0; w < words; w++) {
		if (w && k + 1 < size)
			out[k++] = rnd(3) ? ' ' : '-';
		int len = 1 + (int)rnd(9);
		for (int i = 0; i < len && k + 1 < size; i++)
			out[k++] = (char)('A' + rnd(26));
	}
	out[k] = '\0';
}

static void random_alnum(char *out, int len)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	for (int i = 0; i < len; i++)
		out[i] = a[rnd(36)];
	out[len] = '\0';
}

/* The name as parse gives it back: words separated by one space. */
static void spaced(const char *in, char *out)
{
	size_t k = 0;
	for (; *in; in++)
		out[k++] = *in == '-' ? ' ' : *in;
	out[k] = '\0';
}

static void test_roundtrip(void **state)
{
	static const enum mrz_format formats[] = { MRZ_TD1, MRZ_TD2, MRZ_TD3, MRZ_MRVA, MRZ_MRVB };
	static const char *const codes[] = { "UTO", "DEU", "FRA", "UKR", "SYR", "XXA", "XXB", "GBN", "EUE", "TUR" };
	int truncated = 0, long_numbers = 0;
	(void)state;
	for (int i = 0; i < 1000; i++) {
		char surname[80], given[80], number[20], dob[11], expiry[11], opt1[20], opt2[20], text[200], want[80];
		struct mrz_doc d;
		struct mrz_text t;
		struct mrz_result r;
		struct cd_error err = CD_ERROR_INIT;
		enum mrz_format f = formats[rnd(5)];
		const struct mrz_layout *lo = mrz_layout_of(f);

		memset(&d, 0, sizeof d);
		d.format = f;
		d.doc_code = f == MRZ_MRVA || f == MRZ_MRVB ? (rnd(2) ? "V" : "VD") : f == MRZ_TD3 ? "P" : (rnd(2) ? "I" : "AR");
		d.issuer = codes[rnd(10)];
		d.nationality = codes[rnd(10)];
		random_name(surname, sizeof surname, 1 + (int)rnd(3));
		random_name(given, sizeof given, (int)rnd(4));
		d.surname = surname;
		d.given = given;
		int nlen = 1 + (int)rnd(9);
		if (lo->overflow && rnd(4) == 0)
			nlen = 10 + (int)rnd(f == MRZ_TD1 ? 5 : 2);
		random_alnum(number, nlen);
		long_numbers += nlen > 9;
		d.number = number;
		int y = 1950 + (int)rnd(75), m = 1 + (int)rnd(12), dd = 1 + (int)rnd((unsigned)cd_days_in_month(y, m));
		switch (rnd(5)) {
		case 0: snprintf(dob, sizeof dob, "%04d", y); break;
		case 1: snprintf(dob, sizeof dob, "%04d-%02d", y, m); break;
		case 2: dob[0] = '\0'; break;
		default: snprintf(dob, sizeof dob, "%04d-%02d-%02d", y, m, dd);
		}
		d.dob = dob;
		d.sex = "MFX"[rnd(3)];
		y = 2000 + (int)rnd(60);
		snprintf(expiry, sizeof expiry, "%04d-%02d-%02d", y, m, dd > 28 ? 28 : dd);
		d.expiry = expiry;
		int room = lo->opt1.len - (nlen > 9 ? nlen - 9 + 2 : 0);
		int olen = room > 0 ? (int)rnd((unsigned)room + 1) : 0;
		random_alnum(opt1, olen);
		if (olen > 2)
			opt1[1] = '<';   /* an inner filler survives; only trailing ones are dropped */
		d.optional1 = opt1;
		if (lo->opt2.len) {
			random_alnum(opt2, (int)rnd(12));
			d.optional2 = opt2;
		}

		assert_int_equal(mrz_make(&d, &t, &err), CD_OK);
		assert_int_equal(t.n_lines, lo->lines);
		join(text, sizeof text, t.lines, t.n_lines);
		parse_ok(text, &r);
		if (!r.valid)
			fail_msg("record %d (%s) does not parse back valid: %s\n%s", i, mrz_format_name(f),
				 r.n_problems ? r.problems[0].message : "", text);
		assert_int_equal(r.format, f);
		assert_string_equal(r.doc_code, d.doc_code);
		assert_string_equal(r.issuer, d.issuer);
		assert_string_equal(r.nationality, d.nationality);
		assert_string_equal(r.number, number);
		assert_string_equal(r.dob, dob);
		assert_string_equal(r.expiry, expiry);
		assert_int_equal(r.sex, d.sex);
		assert_string_equal(r.optional1, opt1);
		if (lo->opt2.len)
			assert_string_equal(r.optional2, opt2);
		if (!t.name_truncated) {
			spaced(surname, want);
			assert_string_equal(r.surname, want);
			spaced(given, want);
			assert_string_equal(r.given, want);
		} else {
			truncated++;
			/* a truncated name is a prefix of the name, word by word */
			spaced(surname, want);
			assert_true(strncmp(want, r.surname, strlen(r.surname) - 1) == 0);
		}
	}
	assert_true(truncated > 10);
	assert_true(long_numbers > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_digits),
		cmocka_unit_test(test_td1_specimen),
		cmocka_unit_test(test_td2_specimen),
		cmocka_unit_test(test_td3_specimen),
		cmocka_unit_test(test_mrv_specimens),
		cmocka_unit_test(test_td1_long_number),
		cmocka_unit_test(test_make_specimens),
		cmocka_unit_test(test_germany_and_icao_codes),
		cmocka_unit_test(test_unknown_code),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_bad_characters),
		cmocka_unit_test(test_each_check_digit_wrong),
		cmocka_unit_test(test_unused_optional_check),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_sex_and_names),
		cmocka_unit_test(test_ocr_suggestion_date),
		cmocka_unit_test(test_ocr_suggestion_number),
		cmocka_unit_test(test_ocr_ambiguous),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_roundtrip),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
