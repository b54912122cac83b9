/*
 * mrz.c - reading and checking ICAO Doc 9303 machine-readable zones; see mrz.h.
 *
 * One table says where every field of every format stands; the parser, the check digits,
 * the OCR suggestion and print/mrz_make.c's writer all read it, so a position is typed
 * once.  The input is decoded as UTF-8 only to count and show characters: everything
 * outside A-Z, 0-9 and `<` becomes '?' before the fields are read.
 */
#include "model/identity/mrz.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/utf8.h"

/* ---- the layout table ------------------------------------------------------------------ */

static const struct mrz_layout layouts[] = {
	[MRZ_TD1] = { MRZ_TD1, 3, 30,
		      .name = { 3, 1, 30 }, .number = { 1, 6, 9 }, .number_check = { 1, 15, 1 },
		      .nationality = { 2, 16, 3 }, .dob = { 2, 1, 6 }, .dob_check = { 2, 7, 1 },
		      .sex = { 2, 8, 1 }, .expiry = { 2, 9, 6 }, .expiry_check = { 2, 15, 1 },
		      .opt1 = { 1, 16, 15 }, .opt2 = { 2, 19, 11 }, .composite = { 2, 30, 1 },
		      .comp = { { 1, 6, 25 }, { 2, 1, 7 }, { 2, 9, 7 }, { 2, 19, 11 } }, .n_comp = 4,
		      .overflow = 1 },
	[MRZ_TD2] = { MRZ_TD2, 2, 36,
		      .name = { 1, 6, 31 }, .number = { 2, 1, 9 }, .number_check = { 2, 10, 1 },
		      .nationality = { 2, 11, 3 }, .dob = { 2, 14, 6 }, .dob_check = { 2, 20, 1 },
		      .sex = { 2, 21, 1 }, .expiry = { 2, 22, 6 }, .expiry_check = { 2, 28, 1 },
		      .opt1 = { 2, 29, 7 }, .composite = { 2, 36, 1 },
		      .comp = { { 2, 1, 10 }, { 2, 14, 7 }, { 2, 22, 14 } }, .n_comp = 3, .overflow = 1 },
	[MRZ_TD3] = { MRZ_TD3, 2, 44,
		      .name = { 1, 6, 39 }, .number = { 2, 1, 9 }, .number_check = { 2, 10, 1 },
		      .nationality = { 2, 11, 3 }, .dob = { 2, 14, 6 }, .dob_check = { 2, 20, 1 },
		      .sex = { 2, 21, 1 }, .expiry = { 2, 22, 6 }, .expiry_check = { 2, 28, 1 },
		      .opt1 = { 2, 29, 14 }, .opt1_check = { 2, 43, 1 }, .composite = { 2, 44, 1 },
		      .comp = { { 2, 1, 10 }, { 2, 14, 7 }, { 2, 22, 22 } }, .n_comp = 3 },
	[MRZ_MRVA] = { MRZ_MRVA, 2, 44,
		       .name = { 1, 6, 39 }, .number = { 2, 1, 9 }, .number_check = { 2, 10, 1 },
		       .nationality = { 2, 11, 3 }, .dob = { 2, 14, 6 }, .dob_check = { 2, 20, 1 },
		       .sex = { 2, 21, 1 }, .expiry = { 2, 22, 6 }, .expiry_check = { 2, 28, 1 },
		       .opt1 = { 2, 29, 16 } },
	[MRZ_MRVB] = { MRZ_MRVB, 2, 36,
		       .name = { 1, 6, 31 }, .number = { 2, 1, 9 }, .number_check = { 2, 10, 1 },
		       .nationality = { 2, 11, 3 }, .dob = { 2, 14, 6 }, .dob_check = { 2, 20, 1 },
		       .sex = { 2, 21, 1 }, .expiry = { 2, 22, 6 }, .expiry_check = { 2, 28, 1 },
		       .opt1 = { 2, 29, 8 } },
};

const struct mrz_layout *mrz_layout_of(enum mrz_format f)
{
	return &layouts[f];
}

const char *mrz_format_name(enum mrz_format f)
{
	static const char *const names[] = { "TD1", "TD2", "TD3", "MRV-A", "MRV-B" };
	return (unsigned)f < 5 ? names[f] : "?";
}

int mrz_format_lines(enum mrz_format f)
{
	return layouts[f].lines;
}

int mrz_format_length(enum mrz_format f)
{
	return layouts[f].len;
}

/* ---- characters and check digits --------------------------------------------------------- */

static int mrz_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c == '<')
		return 0;
	return -1;
}

int mrz_check_digit(const char *s, size_t n)
{
	static const int w[3] = { 7, 3, 1 };
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int v = mrz_value(s[i]);
		if (v < 0)
			return -1;
		sum = (sum + v * w[i % 3]) % 10;
	}
	return sum;
}

/* The same, counting characters outside the alphabet (the parser's '?') as 0. */
static int check_digit_lenient(const char *s, size_t n)
{
	static const int w[3] = { 7, 3, 1 };
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int v = mrz_value(s[i]);
		sum = (sum + (v < 0 ? 0 : v) * w[i % 3]) % 10;
	}
	return sum;
}

/* ICAO Doc 9303 Part 3 codes that are not ISO 3166-1, and the specimen state Utopia. */
static const char *const icao_codes[] = {
	"D", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "UNA", "UNK", "UNO", "UTO", "XBA", "XCC",
	"XCE", "XCO", "XDC", "XEC", "XES", "XIM", "XMP", "XOM", "XPO", "XXA", "XXB", "XXC", "XXX",
};

int mrz_icao_special(const char *code)
{
	for (size_t i = 0; i < sizeof icao_codes / sizeof icao_codes[0]; i++)
		if (strcmp(code, icao_codes[i]) == 0)
			return 1;
	return 0;
}

/* OCR confusions: what a character in a digit field, or a letter field, most likely was. */
static char as_digit(char c)
{
	switch (c) {
	case 'O': case 'Q': case 'D': return '0';
	case 'I': return '1';
	case 'B': return '8';
	case 'S': return '5';
	case 'Z': return '2';
	case 'G': return '6';
	default: return 0;
	}
}

static char as_letter(char c)
{
	switch (c) {
	case '0': return 'O';
	case '1': return 'I';
	case '8': return 'B';
	case '5': return 'S';
	case '2': return 'Z';
	case '6': return 'G';
	default: return 0;
	}
}

/* In a field that may hold both: the other reading of a confusable character. */
static char swap_partner(char c)
{
	char d = as_digit(c);
	if (d && c != 'Q' && c != 'D')
		return d;
	return as_letter(c);
}

/* ---- problems ---------------------------------------------------------------------------- */

static void add_problem(struct mrz_result *r, const char *field, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add_problem(struct mrz_result *r, const char *field, int line, int column, const char *fmt, ...)
{
	va_list ap;
	struct mrz_problem *p;

	if (r->n_problems >= MRZ_MAX_PROBLEMS) {
		r->problems_dropped++;
		return;
	}
	p = &r->problems[r->n_problems++];
	snprintf(p->field, sizeof p->field, "%s", field);
	p->line = line;
	p->column = column;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof p->message, fmt, ap);
	va_end(ap);
}

/* A field's name for people. */
static const char *label(const char *field)
{
	static const struct { const char *key, *text; } labels[] = {
		{ MRZ_F_CODE, N_("document code") },
		{ MRZ_F_ISSUER, N_("issuing state") },
		{ MRZ_F_NAME, N_("name") },
		{ MRZ_F_NUMBER, N_("document number") },
		{ MRZ_F_NATIONALITY, N_("nationality") },
		{ MRZ_F_DOB, N_("date of birth") },
		{ MRZ_F_SEX, N_("sex") },
		{ MRZ_F_EXPIRY, N_("expiry date") },
		{ MRZ_F_OPTIONAL, N_("optional data") },
		{ MRZ_F_OPTIONAL2, N_("optional data (line 2)") },
		{ MRZ_F_COMPOSITE, N_("composite") },
	};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(field, labels[i].key) == 0)
			return _(labels[i].text);
	return field;
}

/* ---- one parse of lines already in the alphabet ------------------------------------------ */

static const char *at(const struct mrz_result *r, struct mrz_span sp)
{
	return &r->lines[sp.line - 1][sp.col - 1];
}

/* Copies a span, dropping trailing fillers. */
static void take_trimmed(const struct mrz_result *r, struct mrz_span sp, char *dst, size_t size)
{
	size_t n = (size_t)sp.len;
	const char *s = at(r, sp);
	while (n > 0 && s[n - 1] == '<')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A field of letters: reports the first digit (OCR confusion or not) by its column. */
static int letters_only(struct mrz_result *r, const char *field, struct mrz_span sp)
{
	const char *s = at(r, sp);
	for (int i = 0; i < sp.len; i++)
		if (s[i] >= '0' && s[i] <= '9') {
			add_problem(r, field, sp.line, sp.col + i, _("%s at line %d, column %d: '%c' where a letter is expected"),
				    label(field), sp.line, sp.col + i, s[i]);
			return 0;
		}
	return 1;
}

static void read_code(struct mrz_result *r, const char *field, struct mrz_span sp, char *norm, char *raw)
{
	char code[4];

	memcpy(raw, at(r, sp), 3);
	raw[3] = '\0';
	take_trimmed(r, sp, code, sizeof code);
	snprintf(norm, 4, "%s", strcmp(code, "D") == 0 ? "DEU" : code);
	if (strchr(raw, '?') || !letters_only(r, field, sp))
		return;
	if (!code[0]) {
		add_problem(r, field, sp.line, sp.col, _("%s at line %d, column %d is empty"), label(field), sp.line,
			    sp.col);
		return;
	}
	if (strcmp(code, "D") == 0 || mrz_icao_special(code))
		return;
	if (strlen(code) == 3 && strchr(code, '<') == NULL && (!r->codes_checked || country_known(code)))
		return;
	add_problem(r, field, sp.line, sp.col, _("%s at line %d, column %d: %s is neither an ISO 3166 nor an ICAO code"),
		    label(field), sp.line, sp.col, raw);
}

static void read_name(struct mrz_result *r, const struct mrz_layout *lo)
{
	const char *s = at(r, lo->name);
	int n = lo->name.len, split = -1;
	char *dst = r->surname;
	size_t cap = sizeof r->surname, k = 0;

	letters_only(r, MRZ_F_NAME, lo->name);
	r->name_truncated = s[n - 1] != '<';
	for (int i = 0; i + 1 < n; i++)
		if (s[i] == '<' && s[i + 1] == '<') {
			split = i;
			break;
		}
	r->surname[0] = r->given[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i == split) {
			dst[k] = '\0';
			dst = r->given;
			cap = sizeof r->given;
			k = 0;
			i++;
			continue;
		}
		if (s[i] == '<') {
			/* a filler is a space, runs of them one space, none at either end */
			if (k > 0 && dst[k - 1] != ' ' && k + 1 < cap)
				dst[k++] = ' ';
			continue;
		}
		if (k + 1 < cap)
			dst[k++] = s[i];
	}
	while (k > 0 && dst[k - 1] == ' ')
		k--;
	dst[k] = '\0';
	if (!r->surname[0] && !r->given[0])
		add_problem(r, MRZ_F_NAME, lo->name.line, lo->name.col, _("name at line %d, column %d is empty"),
			    lo->name.line, lo->name.col);
}

/* Records a check digit found at `pos` over `data` (n characters); returns whether it holds. */
static int add_check(struct mrz_result *r, const char *name, struct mrz_span pos, const char *data, size_t n,
		     int filler_ok)
{
	struct mrz_check *c;
	char found = r->lines[pos.line - 1][pos.col - 1];
	char expected = (char)('0' + check_digit_lenient(data, n));
	int ok = found == expected;

	/* Doc 9303 Part 4: an unused personal number may carry `<` as its check digit. */
	if (!ok && filler_ok && found == '<' && expected == '0')
		ok = 1;
	if (r->n_checks < MRZ_MAX_CHECKS) {
		c = &r->checks[r->n_checks++];
		c->name = name;
		c->line = pos.line;
		c->column = pos.col;
		c->found = found;
		c->expected = expected;
		c->ok = ok;
	}
	if (!ok)
		add_problem(r, name, pos.line, pos.col, _("%s check digit at line %d, column %d is %c, expected %c"),
			    label(name), pos.line, pos.col, found, expected);
	return ok;
}

static int today_ymd(long today, int *y, int *m, int *d)
{
	cd_days_to_date(today, y, m, d);
	return *y * 10000 + *m * 100 + *d;
}

/*
 * A YYMMDD date.  Birth dates may leave the month and day unknown (`<<` or `XX`), or the
 * whole date; expiry dates are full (or entirely unknown: some documents do not expire).
 */
static void read_date(struct mrz_result *r, const char *field, struct mrz_span sp, long today, char *out)
{
	const char *s = at(r, sp);
	int part[3], known[3], is_dob = strcmp(field, MRZ_F_DOB) == 0;
	int ty, tm, td, now = today_ymd(today, &ty, &tm, &td);

	out[0] = '\0';
	for (int i = 0; i < 3; i++) {
		char a = s[2 * i], b = s[2 * i + 1];
		int col = sp.col + 2 * i;
		known[i] = 1;
		part[i] = 0;
		if (a >= '0' && a <= '9' && b >= '0' && b <= '9') {
			part[i] = (a - '0') * 10 + (b - '0');
			continue;
		}
		if ((a == '<' && b == '<') || (is_dob && a == 'X' && b == 'X')) {
			known[i] = 0;
			continue;
		}
		if (a == '?' || b == '?')
			return;   /* reported as a character outside the alphabet */
		char bad = (a >= '0' && a <= '9') ? b : a;
		int bcol = (a >= '0' && a <= '9') ? col + 1 : col;
		add_problem(r, field, sp.line, bcol, _("%s at line %d, column %d: '%c' where a digit is expected"),
			    label(field), sp.line, bcol, bad);
		return;
	}
	if (!known[0] && !known[1] && !known[2])
		return;
	if (!known[0] || (!known[1] && known[2]) || (!is_dob && (!known[1] || !known[2]))) {
		add_problem(r, field, sp.line, sp.col, _("%s at line %d, columns %d-%d: only the month and day may be unknown%s"),
			    label(field), sp.line, sp.col, sp.col + 5,
			    is_dob ? _(", the day only with the month") : _(" in a date of birth"));
		return;
	}
	if (known[1] && (part[1] < 1 || part[1] > 12)) {
		add_problem(r, field, sp.line, sp.col + 2, _("%s at line %d, column %d: month %02d does not exist"),
			    label(field), sp.line, sp.col + 2, part[1]);
		return;
	}
	int year = 2000 + part[0];
	if (is_dob) {
		int ymd = year * 10000 + (known[1] ? part[1] : 1) * 100 + (known[2] ? part[2] : 1);
		if (ymd > now)
			year -= 100;
	} else if (year > ty + 50) {
		year -= 100;
	}
	if (known[2] && (part[2] < 1 || part[2] > cd_days_in_month(year, part[1]))) {
		add_problem(r, field, sp.line, sp.col + 4, _("%s at line %d, column %d: day %02d does not exist in month %02d"),
			    label(field), sp.line, sp.col + 4, part[2], part[1]);
		return;
	}
	if (known[2])
		snprintf(out, 11, "%04d-%02d-%02d", year, part[1], part[2]);
	else if (known[1])
		snprintf(out, 11, "%04d-%02d", year, part[1]);
	else
		snprintf(out, 11, "%04d", year);
}

/*
 * Reads every field of r->lines (already cut or padded to the format and in the alphabet
 * plus '?'), appending problems to the ones already there.  owner[][] (may be NULL) gets,
 * for each position of data covered by one check, that check's index.
 */
static void parse_fields(struct mrz_result *r, long today, signed char owner[MRZ_MAX_LINES][MRZ_MAX_LEN])
{
	const struct mrz_layout *lo = &layouts[r->format];
	struct mrz_span code = { 1, 1, 2 }, issuer = { 1, 3, 3 }, num_check = lo->number_check;
	char buf[MRZ_MAX_LEN * 3 + 1];
	size_t n = 0;
	int over_len = 0;   /* characters of a long number in the optional data, with its check digit */

	if (owner)
		memset(owner, -1, sizeof(signed char) * MRZ_MAX_LINES * MRZ_MAX_LEN);

	/* document code: a letter, then a letter or `<` */
	const char *dc = at(r, code);
	if (!(dc[0] >= 'A' && dc[0] <= 'Z') && dc[0] != '?')
		add_problem(r, MRZ_F_CODE, 1, 1, _("document code at line 1, column 1: '%c' where a letter is expected"), dc[0]);
	else if (dc[1] != '<' && !(dc[1] >= 'A' && dc[1] <= 'Z') && dc[1] != '?')
		add_problem(r, MRZ_F_CODE, 1, 2, _("document code at line 1, column 2: '%c' where a letter or < is expected"),
			    dc[1]);
	take_trimmed(r, code, r->doc_code, sizeof r->doc_code);

	read_code(r, MRZ_F_ISSUER, issuer, r->issuer, r->issuer_raw);
	read_name(r, lo);

	/* document number, and a long one's overflow into the optional data (TD1, TD2) */
	const char *num = at(r, lo->number), *opt = at(r, lo->opt1);
	memcpy(buf, num, 9);
	n = 9;
	if (lo->overflow && *at(r, lo->number_check) == '<' && opt[0] != '<') {
		int k = 0;
		while (k < lo->opt1.len && opt[k] != '<')
			k++;
		/* the number goes on up to the next filler; its last character is the check digit */
		for (int i = 0; i + 1 < k; i++)
			buf[n++] = opt[i];
		num_check = (struct mrz_span){ lo->opt1.line, lo->opt1.col + k - 1, 1 };
		over_len = k < lo->opt1.len ? k + 1 : k;
	}
	{
		size_t m = n;
		while (m > 0 && buf[m - 1] == '<')
			m--;
		if (m >= sizeof r->number)
			m = sizeof r->number - 1;
		memcpy(r->number, buf, m);
		r->number[m] = '\0';
	}
	if (owner) {
		for (int i = 0; i < 9; i++)
			owner[lo->number.line - 1][lo->number.col - 1 + i] = (signed char)r->n_checks;
		for (int i = 0; i < (int)n - 9; i++)
			owner[lo->opt1.line - 1][lo->opt1.col - 1 + i] = (signed char)r->n_checks;
	}
	add_check(r, MRZ_F_NUMBER, num_check, buf, n, 0);

	read_code(r, MRZ_F_NATIONALITY, lo->nationality, r->nationality, r->nationality_raw);

	read_date(r, MRZ_F_DOB, lo->dob, today, r->dob);
	add_check(r, MRZ_F_DOB, lo->dob_check, at(r, lo->dob), 6, 0);

	char sx = *at(r, lo->sex);
	r->sex = sx == 'M' || sx == 'F' ? sx : 'X';
	if (sx != 'M' && sx != 'F' && sx != '<' && sx != 'X' && sx != '?')
		add_problem(r, MRZ_F_SEX, lo->sex.line, lo->sex.col, _("sex at line %d, column %d: '%c' is not M, F or <"),
			    lo->sex.line, lo->sex.col, sx);

	read_date(r, MRZ_F_EXPIRY, lo->expiry, today, r->expiry);
	add_check(r, MRZ_F_EXPIRY, lo->expiry_check, at(r, lo->expiry), 6, 0);

	/* optional data: after a long number's overflow and the filler that ends it */
	struct mrz_span o1 = lo->opt1;
	o1.col += over_len;
	o1.len -= over_len;
	r->optional1[0] = '\0';
	if (o1.len > 0)
		take_trimmed(r, o1, r->optional1, sizeof r->optional1);
	if (lo->opt1_check.len) {
		if (owner)
			for (int i = 0; i < lo->opt1.len; i++)
				owner[lo->opt1.line - 1][lo->opt1.col - 1 + i] = (signed char)r->n_checks;
		add_check(r, MRZ_F_OPTIONAL, lo->opt1_check, opt, (size_t)lo->opt1.len, 1);
	}
	r->optional2[0] = '\0';
	if (lo->opt2.len)
		take_trimmed(r, lo->opt2, r->optional2, sizeof r->optional2);

	if (lo->composite.len) {
		n = 0;
		for (int i = 0; i < lo->n_comp; i++) {
			memcpy(buf + n, at(r, lo->comp[i]), (size_t)lo->comp[i].len);
			n += (size_t)lo->comp[i].len;
		}
		add_check(r, MRZ_F_COMPOSITE, lo->composite, buf, n, 0);
	}
}

/* ---- field types, for the OCR suggestion -------------------------------------------------- */

enum { T_ANY, T_ALPHA, T_DIGIT, T_DATE };

static void mark(unsigned char type[MRZ_MAX_LINES][MRZ_MAX_LEN], struct mrz_span sp, unsigned char t)
{
	for (int i = 0; i < sp.len; i++)
		type[sp.line - 1][sp.col - 1 + i] = t;
}

static void field_types(const struct mrz_result *r, unsigned char type[MRZ_MAX_LINES][MRZ_MAX_LEN])
{
	const struct mrz_layout *lo = &layouts[r->format];

	memset(type, T_ANY, MRZ_MAX_LINES * MRZ_MAX_LEN);
	mark(type, (struct mrz_span){ 1, 1, 5 }, T_ALPHA);
	mark(type, lo->name, T_ALPHA);
	mark(type, lo->nationality, T_ALPHA);
	mark(type, lo->sex, T_ALPHA);
	mark(type, lo->dob, T_DATE);
	mark(type, lo->expiry, T_DATE);
	for (int i = 0; i < r->n_checks; i++)
		mark(type, (struct mrz_span){ r->checks[i].line, r->checks[i].column, 1 }, T_DIGIT);
}

/* ---- the whole parse ------------------------------------------------------------------- */

static int all_checks_ok(const struct mrz_result *r)
{
	for (int i = 0; i < r->n_checks; i++)
		if (!r->checks[i].ok)
			return 0;
	return 1;
}

/* A fresh result holding only `lines` and the format, for a variant's parse. */
static void variant_parse(const struct mrz_result *orig, char lines[MRZ_MAX_LINES][MRZ_MAX_LEN + 1], long today,
			  struct mrz_result *v)
{
	memset(v, 0, sizeof *v);
	v->format = orig->format;
	v->n_lines = orig->n_lines;
	v->codes_checked = orig->codes_checked;
	memcpy(v->lines, lines, sizeof v->lines);
	parse_fields(v, today, NULL);
}

#define MAX_FORCED 8
#define MAX_CANDIDATES 40

/*
 * The OCR suggestion.  First every character of the wrong type for its field is read as
 * its usual confusion (a letter O in a date as 0, a digit 0 in a name as O); then, if check
 * digits still fail, up to 3 confusable characters are swapped in the fields those checks
 * cover where letters and digits are both allowed (document number, optional data).  The
 * fewest swaps that make every check digit right win; if two different readings tie, the
 * result is ambiguous and nothing is offered.
 */
static void suggest(struct mrz_result *r, int field_problems, long today)
{
	unsigned char type[MRZ_MAX_LINES][MRZ_MAX_LEN];
	signed char owner[MRZ_MAX_LINES][MRZ_MAX_LEN];
	char base[MRZ_MAX_LINES][MRZ_MAX_LEN + 1], best[MRZ_MAX_LINES][MRZ_MAX_LEN + 1];
	int n_forced = 0, len = layouts[r->format].len;
	int cand[MAX_CANDIDATES][2], n_cand = 0, found = 0, best_k = -1;
	struct mrz_result *v, scratch;

	v = &scratch;
	field_types(r, type);
	memcpy(base, r->lines, sizeof base);
	for (int l = 0; l < r->n_lines; l++)
		for (int c = 0; c < len; c++) {
			char ch = base[l][c], to = 0;
			if (type[l][c] == T_ALPHA)
				to = as_letter(ch);
			else if (type[l][c] == T_DIGIT || type[l][c] == T_DATE)
				to = as_digit(ch);
			if (!to)
				continue;
			if (n_forced == MAX_FORCED) {
				snprintf(r->suggestion_note, sizeof r->suggestion_note,
					 _("too many characters of the wrong type to suggest a reading"));
				return;
			}
			n_forced++;
			base[l][c] = to;
		}

	variant_parse(r, base, today, v);
	if (all_checks_ok(v)) {
		if (n_forced == 0 || v->n_problems >= field_problems)
			return;
		memcpy(best, base, sizeof best);
		found = 1;
		best_k = 0;
	} else {
		/* owners of positions, as the base reading has them */
		struct mrz_result tmp;
		memset(&tmp, 0, sizeof tmp);
		tmp.format = r->format;
		tmp.n_lines = r->n_lines;
		tmp.codes_checked = r->codes_checked;
		memcpy(tmp.lines, base, sizeof tmp.lines);
		parse_fields(&tmp, today, owner);
		int comp_fails = 0;
		for (int i = 0; i < tmp.n_checks; i++)
			if (strcmp(tmp.checks[i].name, MRZ_F_COMPOSITE) == 0 && !tmp.checks[i].ok)
				comp_fails = 1;
		const struct mrz_layout *lo = &layouts[r->format];
		for (int l = 0; l < r->n_lines; l++)
			for (int c = 0; c < len; c++) {
				if (type[l][c] != T_ANY || !swap_partner(base[l][c]))
					continue;
				int o = owner[l][c], take = 0;
				if (o >= 0) {
					take = !tmp.checks[o].ok;
				} else if (comp_fails) {
					for (int i = 0; i < lo->n_comp; i++)
						if (lo->comp[i].line == l + 1 && c + 1 >= lo->comp[i].col &&
						    c + 1 < lo->comp[i].col + lo->comp[i].len)
							take = 1;
				}
				if (!take)
					continue;
				if (n_cand == MAX_CANDIDATES) {
					snprintf(r->suggestion_note, sizeof r->suggestion_note,
						 _("too many possible confusions to suggest a reading"));
					return;
				}
				cand[n_cand][0] = l;
				cand[n_cand][1] = c;
				n_cand++;
			}
		int max_k = n_cand > 24 ? 1 : n_cand > 12 ? 2 : 3;
		for (int k = 1; k <= max_k && !found; k++) {
			int idx[3];
			for (int i = 0; i < k; i++)
				idx[i] = i;
			while (k <= n_cand) {
				char w[MRZ_MAX_LINES][MRZ_MAX_LEN + 1];
				memcpy(w, base, sizeof w);
				for (int i = 0; i < k; i++)
					w[cand[idx[i]][0]][cand[idx[i]][1]] = swap_partner(w[cand[idx[i]][0]][cand[idx[i]][1]]);
				variant_parse(r, w, today, v);
				if (all_checks_ok(v) && v->n_problems < field_problems) {
					if (found++ == 0)
						memcpy(best, w, sizeof best);
				}
				/* next combination of k out of n_cand */
				int i = k - 1;
				while (i >= 0 && idx[i] == n_cand - k + i)
					i--;
				if (i < 0)
					break;
				idx[i]++;
				for (int j = i + 1; j < k; j++)
					idx[j] = idx[j - 1] + 1;
			}
			if (found)
				best_k = k;
		}
	}
	if (!found) {
		snprintf(r->suggestion_note, sizeof r->suggestion_note,
			 _("no reading with the usual OCR confusions makes every check digit right"));
		return;
	}
	if (found > 1) {
		snprintf(r->suggestion_note, sizeof r->suggestion_note,
			 /* TRANSLATORS: the plural is the swapped characters' (the readings are 2 or more). */
			 ngettext("%d different readings with %d swapped character would make every check digit right; "
				  "none is offered",
				  "%d different readings with %d swapped characters would make every check digit right; "
				  "none is offered", (unsigned long)best_k),
			 found, best_k);
		return;
	}
	r->has_suggestion = 1;
	memcpy(r->suggestion, best, sizeof r->suggestion);
	r->n_changes = 0;
	size_t used = 0;
	r->suggestion_note[0] = '\0';
	for (int l = 0; l < r->n_lines; l++)
		for (int c = 0; c < len; c++) {
			if (r->lines[l][c] == best[l][c] || r->n_changes == MRZ_MAX_CHANGES)
				continue;
			r->changes[r->n_changes++] = (struct mrz_change){ l + 1, c + 1, r->lines[l][c], best[l][c] };
			if (used < sizeof r->suggestion_note) {
				int w = snprintf(r->suggestion_note + used, sizeof r->suggestion_note - used,
						 _("%sline %d, column %d: %c -> %c"), used ? "; " : "", l + 1, c + 1,
						 r->lines[l][c], best[l][c]);
				if (w > 0)
					used += (size_t)w;
			}
		}
}

/* ---- reading the text ---------------------------------------------------------------------- */

#define MRZ_READ_MAX 64   /* characters kept per line; longer lines are no MRZ */

struct raw_line {
	int len;                      /* characters (code points; a malformed byte counts as one) */
	char c[MRZ_READ_MAX];         /* in the alphabet, or '?' */
	unsigned cp[MRZ_READ_MAX];    /* what stood there; bit 31 set: a malformed byte */
};

int mrz_parse(const char *text, struct mrz_result *out, struct cd_error *err)
{
	return mrz_parse_on(text, cd_days_today(), out, err);
}

int mrz_parse_on(const char *text, long today, struct mrz_result *out, struct cd_error *err)
{
	struct raw_line raw[MRZ_MAX_LINES];
	int n_lines = 0, maxlen = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	const unsigned char *end = p + strlen((const char *)p);
	struct cd_error cerr = CD_ERROR_INIT;

	memset(out, 0, sizeof *out);
	while (p < end) {
		const unsigned char *eol = memchr(p, '\n', (size_t)(end - p));
		const unsigned char *e = eol ? eol : end;
		const unsigned char *q = e;
		while (q > p && (q[-1] == '\r' || q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q > p) {
			if (n_lines == MRZ_MAX_LINES)
				return cd_error_set(err, CD_EINPUT,
						    _("not an MRZ: an MRZ has 2 or 3 lines, the text has more"));
			struct raw_line *rl = &raw[n_lines++];
			rl->len = 0;
			while (p < q) {
				unsigned cp;
				wchar_t wc;
				/* (q is the line's end, never a continuation byte: the decoder stops there.) */
				size_t k = utf8_decode(p, &wc);
				cp = (unsigned)wc;
				if (k == 0) {
					cp = 0x80000000u | *p;
					k = 1;
				}
				if (rl->len == MRZ_READ_MAX)
					return cd_error_set(err, CD_EINPUT,
							    _("not an MRZ: line %d is longer than any MRZ line"), n_lines);
				rl->cp[rl->len] = cp;
				rl->c[rl->len] = (cp < 0x80 && mrz_value((char)cp) >= 0) ? (char)cp : '?';
				rl->len++;
				p += k;
			}
			if (rl->len > maxlen)
				maxlen = rl->len;
		}
		p = eol ? eol + 1 : end;
	}
	if (n_lines < 2)
		return cd_error_set(err, CD_EINPUT, _("not an MRZ: an MRZ has 2 or 3 lines, the text has %d"), n_lines);

	/* the format: three lines are TD1; two lines are 36 or 44 long, a visa if V... */
	if (n_lines == 3) {
		out->format = MRZ_TD1;
	} else {
		int wide = maxlen >= 40, visa = raw[0].len > 0 && raw[0].c[0] == 'V';
		out->format = wide ? (visa ? MRZ_MRVA : MRZ_TD3) : (visa ? MRZ_MRVB : MRZ_TD2);
	}
	const struct mrz_layout *lo = &layouts[out->format];
	for (int l = 0; l < n_lines; l++)
		if (raw[l].len < lo->len - 10 || raw[l].len > lo->len + 10)
			return cd_error_set(err, CD_EINPUT,
					    ngettext("not an MRZ: line %d has %d character, %s lines have %d",
						     "not an MRZ: line %d has %d characters, %s lines have %d",
						     (unsigned long)raw[l].len), l + 1,
					    raw[l].len, mrz_format_name(out->format), lo->len);
	out->n_lines = n_lines;
	out->codes_checked = countries_load(&cerr) == CD_OK;

	for (int l = 0; l < n_lines; l++) {
		if (raw[l].len != lo->len)
			add_problem(out, MRZ_F_LINE, l + 1, 0,
				    ngettext("line %d has %d character, %s lines have %d", "line %d has %d characters, %s lines have %d",
					     (unsigned long)raw[l].len), l + 1,
				    raw[l].len, mrz_format_name(out->format), lo->len);
		memset(out->lines[l], '<', (size_t)lo->len);
		out->lines[l][lo->len] = '\0';
		for (int c = 0; c < raw[l].len && c < lo->len; c++)
			out->lines[l][c] = raw[l].c[c];
	}
	for (int l = 0; l < n_lines; l++)
		for (int c = 0; c < raw[l].len; c++) {
			unsigned cp = raw[l].cp[c];
			if (raw[l].c[c] != '?')
				continue;
			if (cp & 0x80000000u)
				add_problem(out, MRZ_F_LINE, l + 1, c + 1,
					    _("line %d, column %d: byte 0x%02X is not UTF-8 text; an MRZ holds only A-Z, 0-9 and <"),
					    l + 1, c + 1, cp & 0xffu);
			else if (cp > 0x20 && cp < 0x7f)
				add_problem(out, MRZ_F_LINE, l + 1, c + 1,
					    _("line %d, column %d: '%c' is not allowed; an MRZ holds only A-Z, 0-9 and <"),
					    l + 1, c + 1, (char)cp);
			else
				add_problem(out, MRZ_F_LINE, l + 1, c + 1,
					    _("line %d, column %d: U+%04X is not allowed; an MRZ holds only A-Z, 0-9 and <"),
					    l + 1, c + 1, cp);
		}

	int before = out->n_problems + out->problems_dropped;
	parse_fields(out, today, NULL);
	int field_problems = out->n_problems + out->problems_dropped - before;
	out->valid = out->n_problems == 0 && out->problems_dropped == 0 && all_checks_ok(out);
	if (field_problems > 0)
		suggest(out, field_problems, today);
	return CD_OK;
}
