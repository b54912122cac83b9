/*
 * mrz_make.c - writing an MRZ from a document's fields; see mrz_make.h.
 *
 * Name truncation, following ICAO Doc 9303 Part 3 (4.6, "Truncation of names") as far as
 * a program can without a person's judgement:
 *   1. Words are joined by one `<`, surname and given names by `<<`.
 *   2. When that does not fit, the given names are cut first, from the end, keeping the
 *      surname whole.
 *   3. When the surname alone leaves no room for `<<` and one letter of the given names,
 *      the surname is cut too and the given names become their first letter.
 *   4. A cut never ends in a filler: the field's last character is a letter, which tells a
 *      reader the name was truncated.  When a cut would end on the `<` between two words,
 *      the word before gives up its last letter and the next word's first letter ends the
 *      field ("ANNA<MARIA" in 5 becomes "ANN<M").  Only when that word is a single letter
 *      is the field left one character short (ending in a filler).
 * Doc 9303 also lets an issuer shorten names to initials by judgement; this does not.
 */
#include "print/mrz_make.h"

#include <stdio.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"

/* Words of A-Z joined by single `<`; apostrophes dropped.  -1 on another character. */
static int name_component(const char *in, char *out, size_t size)
{
	size_t k = 0;
	int gap = 0;

	for (const char *p = in ? in : ""; *p; p++) {
		if (*p == '\'')
			continue;
		if (*p == ' ' || *p == '-' || *p == '<') {
			gap = k > 0;
			continue;
		}
		if (*p < 'A' || *p > 'Z')
			return -1;
		if (gap && k + 1 < size)
			out[k++] = '<';
		gap = 0;
		if (k + 1 < size)
			out[k++] = *p;
	}
	out[k] = '\0';
	return (int)k;
}

/* s cut to at most n characters, ending in a letter (rule 4); returns the length written. */
static int cut(const char *s, int n, char *out)
{
	int len = (int)strlen(s);

	if (len <= n) {
		memcpy(out, s, (size_t)len);
		return len;
	}
	if (s[n - 1] != '<') {
		memcpy(out, s, (size_t)n);
		return n;
	}
	/* the cut lands on a word boundary: s[n] starts the next word */
	if (n >= 3 && s[n - 3] != '<') {
		memcpy(out, s, (size_t)(n - 2));
		out[n - 2] = '<';
		out[n - 1] = s[n];
		return n;
	}
	memcpy(out, s, (size_t)(n - 1));
	return n - 1;
}

int mrz_make_name(const char *surname, const char *given, char *field, int width)
{
	char p[256], g[256];
	int lp = name_component(surname, p, sizeof p), lg = name_component(given, g, sizeof g), k = 0, truncated = 0;

	if (lp <= 0 || lg < 0 || width < 4)
		return -1;
	memset(field, '<', (size_t)width);
	if (lp + (lg ? 2 + lg : 0) <= width) {
		memcpy(field, p, (size_t)lp);
		if (lg)
			memcpy(field + lp + 2, g, (size_t)lg);
	} else if (lg && lp + 3 <= width) {
		memcpy(field, p, (size_t)lp);
		k = cut(g, width - lp - 2, field + lp + 2);
		(void)k;
		truncated = 1;
	} else if (lg) {
		k = cut(p, width - 3, field);
		field[k] = field[k + 1] = '<';
		field[k + 2] = g[0];
		truncated = 1;
	} else {
		cut(p, width, field);
		truncated = 1;
	}
	return truncated;
}

/* A country code as the MRZ writes it: DEU as D<<. */
static int put_code(char *dst, const char *code, const char *field, struct cd_error *err)
{
	size_t n = code ? strlen(code) : 0;

	if (code && strcmp(code, "DEU") == 0)
		code = "D";
	if (!code || n < 1 || n > 3 || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(code) ||
	    (!country_known(code) && !mrz_icao_special(code)))
		return cd_error_set(err, CD_EINPUT, _("%s: not a known country or ICAO code"), field);
	memcpy(dst, code, strlen(code));
	return CD_OK;
}

/* A date as YYMMDD with `<` for unknown parts; partial only where allowed. */
static int put_date(char *dst, const char *text, const char *field, int allow_partial, struct cd_error *err)
{
	struct cd_date d;
	struct cd_error e = CD_ERROR_INIT;

	if (!text || !*text)
		return CD_OK;   /* unknown: six fillers */
	if (cd_date_parse(text, field, allow_partial, &d, &e))
		return cd_error_set(err, CD_EINPUT, _("%s: not a date an MRZ can hold (YYYY-MM-DD%s)"), field,
				    allow_partial ? _(", YYYY-MM or YYYY") : "");
	char tmp[8];
	snprintf(tmp, sizeof tmp, "%02d", d.year % 100);
	memcpy(dst, tmp, 2);
	if (d.month) {
		snprintf(tmp, sizeof tmp, "%02d", d.month);
		memcpy(dst + 2, tmp, 2);
	}
	if (d.day) {
		snprintf(tmp, sizeof tmp, "%02d", d.day);
		memcpy(dst + 4, tmp, 2);
	}
	return CD_OK;
}

/* Optional data: A-Z 0-9 `<`, spaces written `<`. */
static int put_optional(char *dst, const char *text, int room, const char *field, struct cd_error *err)
{
	int n = text ? (int)strlen(text) : 0;

	if (n > room)
		return cd_error_set(err, CD_EINPUT,
				    ngettext("%s: %d character, this format has room for %d",
					     "%s: %d characters, this format has room for %d", (unsigned long)n), field, n, room);
	for (int i = 0; i < n; i++) {
		char c = text[i] == ' ' ? '<' : text[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<'))
			return cd_error_set(err, CD_EINPUT, _("%s: only A-Z, 0-9, < and spaces can be written"), field);
		dst[i] = c;
	}
	return CD_OK;
}

static char *pos(struct mrz_text *t, struct mrz_span sp)
{
	return &t->lines[sp.line - 1][sp.col - 1];
}

static void put_check(struct mrz_text *t, struct mrz_span at, const char *data, size_t n)
{
	t->lines[at.line - 1][at.col - 1] = (char)('0' + mrz_check_digit(data, n));
}

int mrz_make(const struct mrz_doc *d, struct mrz_text *out, struct cd_error *err)
{
	const struct mrz_layout *lo;
	int rc, visa;
	size_t nlen;
	struct cd_error lerr = CD_ERROR_INIT;

	memset(out, 0, sizeof *out);
	if ((unsigned)d->format > MRZ_MRVB)
		return cd_error_set(err, CD_EINPUT, _("mrz: unknown format"));
	if ((rc = countries_load(&lerr)))
		return cd_error_set(err, rc, "%s", lerr.msg);
	lo = mrz_layout_of(d->format);
	out->n_lines = lo->lines;
	out->len = lo->len;
	for (int l = 0; l < lo->lines; l++) {
		memset(out->lines[l], '<', (size_t)lo->len);
		out->lines[l][lo->len] = '\0';
	}

	/* document code: a letter, then a letter or nothing; V... is a visa and only a visa */
	const char *code = d->doc_code ? d->doc_code : "";
	visa = d->format == MRZ_MRVA || d->format == MRZ_MRVB;
	if (strlen(code) < 1 || strlen(code) > 2 || code[0] < 'A' || code[0] > 'Z' ||
	    (code[1] && (code[1] < 'A' || code[1] > 'Z')) || (code[0] == 'V') != visa)
		return cd_error_set(err, CD_EINPUT, _("document_code: 1 or 2 letters, starting with V for a visa and only then"));
	memcpy(out->lines[0], code, strlen(code));
	if ((rc = put_code(&out->lines[0][2], d->issuer, "issuing_state", err)) ||
	    (rc = put_code(pos(out, lo->nationality), d->nationality, "nationality", err)))
		return rc;

	int t = mrz_make_name(d->surname, d->given, pos(out, lo->name), lo->name.len);
	if (t < 0)
		return cd_error_set(err, CD_EINPUT, _("name: the surname is required; names take only A-Z, spaces, hyphens and apostrophes"));
	out->name_truncated = t;

	/* document number, with a long one's overflow into the optional data (TD1, TD2) */
	const char *num = d->number ? d->number : "";
	nlen = strlen(num);
	if (nlen == 0 || strspn(num, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != nlen)
		return cd_error_set(err, CD_EINPUT, _("document_number: 1 or more of A-Z and 0-9"));
	int over = 0;   /* characters of opt1 taken by the overflow */
	if (nlen <= 9) {
		memcpy(pos(out, lo->number), num, nlen);
		put_check(out, lo->number_check, pos(out, lo->number), 9);
	} else {
		if (!lo->overflow || (int)nlen - 9 + 1 > lo->opt1.len)
			return cd_error_set(err, CD_EINPUT,
					    ngettext("document_number: %zu character does not fit a %s MRZ",
						     "document_number: %zu characters do not fit a %s MRZ", (unsigned long)nlen), nlen,
					    mrz_format_name(d->format));
		char *o = pos(out, lo->opt1);
		memcpy(pos(out, lo->number), num, 9);
		memcpy(o, num + 9, nlen - 9);
		o[nlen - 9] = (char)('0' + mrz_check_digit(num, nlen));
		over = (int)(nlen - 9) + 1;
		if (over < lo->opt1.len)
			over++;   /* the filler that ends the number */
	}

	if ((rc = put_date(pos(out, lo->dob), d->dob, "birth_date", 1, err)) ||
	    (rc = put_date(pos(out, lo->expiry), d->expiry, "expiry_date", 0, err)))
		return rc;
	put_check(out, lo->dob_check, pos(out, lo->dob), 6);
	put_check(out, lo->expiry_check, pos(out, lo->expiry), 6);

	if (d->sex != 'M' && d->sex != 'F' && d->sex != 'X')
		return cd_error_set(err, CD_EINPUT, _("sex: M, F or X"));
	*pos(out, lo->sex) = d->sex == 'X' ? '<' : d->sex;

	if ((rc = put_optional(pos(out, lo->opt1) + over, d->optional1, lo->opt1.len - over, "optional_data", err)))
		return rc;
	if (d->optional2 && *d->optional2 && !lo->opt2.len)
		return cd_error_set(err, CD_EINPUT, _("optional_data_2: only TD1 has a second optional data field"));
	if (lo->opt2.len && (rc = put_optional(pos(out, lo->opt2), d->optional2, lo->opt2.len, "optional_data_2", err)))
		return rc;
	if (lo->opt1_check.len) {
		/* Doc 9303 Part 4: an unused personal number field has a filler as its check digit */
		const char *o = pos(out, lo->opt1);
		int used = 0;
		for (int i = 0; i < lo->opt1.len; i++)
			used |= o[i] != '<';
		if (used)
			put_check(out, lo->opt1_check, o, (size_t)lo->opt1.len);
	}
	if (lo->composite.len) {
		char buf[MRZ_MAX_LEN * 3];
		size_t n = 0;
		for (int i = 0; i < lo->n_comp; i++) {
			memcpy(buf + n, pos(out, lo->comp[i]), (size_t)lo->comp[i].len);
			n += (size_t)lo->comp[i].len;
		}
		put_check(out, lo->composite, buf, n);
	}
	return CD_OK;
}
