/*
 * mrz.h - machine-readable zones of travel documents (ICAO Doc 9303, parts 3-7): reading
 * and checking the text of an MRZ.  Pure C: no store, no terminal.
 *
 * Formats: TD1 (3 lines of 30, identity cards and residence permits), TD2 (2 x 36),
 * TD3 (2 x 44, passports), MRV-A (2 x 44) and MRV-B (2 x 36) visas.  The format follows
 * from the number of lines, their length and the document code (V... is a visa).
 *
 * mrz_parse() reads every field, recomputes every check digit, checks dates and country
 * codes, and reports each problem by field, line and column (1-based).  When some check
 * digits fail and a reading with the usual OCR confusions swapped (O/0, I/1, B/8, S/5,
 * Z/2, G/6, and Q/0, D/0 in digit fields) makes every check digit right, that reading is
 * offered as a suggestion - never applied to the fields.
 *
 * Values use Doc 9303's alphabet: names are A-Z and spaces (the filler `<` read as a
 * space), dates are "YYYY-MM-DD", or "YYYY-MM" / "YYYY" when the MRZ leaves the day or
 * month unknown (`<<` or `XX`), or "" when the whole date is unknown.  Country codes are
 * normalised (Germany's `D<<` reads as DEU); the raw three characters are kept as well.
 * Problem messages name fields and positions and may show one offending character
 * (as U+XXXX when it is not printable ASCII), never a whole name or number.
 */
#ifndef CD_MRZ_H
#define CD_MRZ_H

#include <stddef.h>

#include "model/base/error.h"

enum mrz_format { MRZ_TD1, MRZ_TD2, MRZ_TD3, MRZ_MRVA, MRZ_MRVB };

#define MRZ_MAX_LINES 3
#define MRZ_MAX_LEN 44
#define MRZ_MAX_CHECKS 6
#define MRZ_MAX_PROBLEMS 16
#define MRZ_MAX_CHANGES 12

/* Field keys, stable for --json and tests ("document_number", "birth_date", ...). */
#define MRZ_F_LINE "line"
#define MRZ_F_CODE "document_code"
#define MRZ_F_ISSUER "issuing_state"
#define MRZ_F_NAME "name"
#define MRZ_F_NUMBER "document_number"
#define MRZ_F_NATIONALITY "nationality"
#define MRZ_F_DOB "birth_date"
#define MRZ_F_SEX "sex"
#define MRZ_F_EXPIRY "expiry_date"
#define MRZ_F_OPTIONAL "optional_data"
#define MRZ_F_OPTIONAL2 "optional_data_2"
#define MRZ_F_COMPOSITE "composite"

struct mrz_problem {
	char field[32];        /* one of the MRZ_F_* keys */
	int line, column;      /* 1-based; column 0 when the whole line is meant */
	char message[160];     /* translated, for people */
};

struct mrz_check {
	const char *name;      /* MRZ_F_NUMBER, MRZ_F_DOB, MRZ_F_EXPIRY, MRZ_F_OPTIONAL or MRZ_F_COMPOSITE */
	int line, column;      /* where the check digit stands */
	char found;            /* the character there ('?' for a character outside the alphabet) */
	char expected;         /* '0'..'9' */
	int ok;
};

/* One character of a suggestion: line/column 1-based. */
struct mrz_change {
	int line, column;
	char from, to;
};

struct mrz_result {
	enum mrz_format format;
	int n_lines;
	char lines[MRZ_MAX_LINES][MRZ_MAX_LEN + 1];  /* as read, cut or padded with `<` to the format's
						       * length; characters outside the alphabet as '?' */

	char doc_code[3];                /* "P", "V", "I", "ID", "AC" ... fillers dropped */
	char issuer[4], issuer_raw[4];   /* "DEU" and "D<<" */
	char surname[40], given[40];     /* primary and secondary identifiers, `<` read as spaces */
	int name_truncated;              /* the name field ends in a letter: Doc 9303's sign that it may
					  * have been truncated (a name that just fits looks the same) */
	char number[32];                 /* long TD1/TD2 numbers joined with their overflow */
	char nationality[4], nationality_raw[4];
	char dob[11];                    /* "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" */
	char sex;                        /* 'M', 'F' or 'X' (unspecified) */
	char expiry[11];                 /* "YYYY-MM-DD" or "" */
	char optional1[32];              /* TD1 line 1 (after a long number), TD2/TD3/MRV line 2; trailing fillers dropped */
	char optional2[32];              /* TD1 line 2 */

	struct mrz_check checks[MRZ_MAX_CHECKS];
	int n_checks;
	struct mrz_problem problems[MRZ_MAX_PROBLEMS];
	int n_problems;
	int problems_dropped;            /* problems beyond MRZ_MAX_PROBLEMS, not listed */
	int codes_checked;               /* 0 when the country list could not be read: codes were not checked */

	int valid;                       /* no problem at all, every check digit right */

	/* OCR suggestion: the corrected lines and what changed; never applied to the fields. */
	int has_suggestion;
	char suggestion[MRZ_MAX_LINES][MRZ_MAX_LEN + 1];
	struct mrz_change changes[MRZ_MAX_CHANGES];
	int n_changes;
	char suggestion_note[160];       /* what changed, or why no suggestion is offered (ambiguous) */
};

/*
 * Parses `text`: the lines of one MRZ separated by \n or \r\n (blank lines and trailing
 * blanks ignored).  CD_OK when it could be read as an MRZ, even an invalid one: out->valid
 * says whether it is, out->problems why not.  CD_EINPUT (err says why, without the text)
 * only when it is no MRZ at all: wrong number of lines, or lines far from any MRZ length.
 * Dates of birth take the century that does not put them in the future; expiry dates are
 * 20YY unless that is more than 50 years ahead.
 */
int mrz_parse(const char *text, struct mrz_result *out, struct cd_error *err);
/* The same with "today" given as a day number (model/caldate.h), for tests. */
int mrz_parse_on(const char *text, long today, struct mrz_result *out, struct cd_error *err);

/* The Doc 9303 check digit (weights 7-3-1, `<` = 0, A = 10 .. Z = 35) of s[0..n-1]: 0..9,
 * or -1 when s holds a character outside A-Z, 0-9, `<`. */
int mrz_check_digit(const char *s, size_t n);

/* "TD1", "TD2", "TD3", "MRV-A", "MRV-B". */
const char *mrz_format_name(enum mrz_format f);
/* Line count and line length of a format. */
int mrz_format_lines(enum mrz_format f);
int mrz_format_length(enum mrz_format f);

/* 1 when code (1-3 letters, fillers dropped) is an ICAO code outside ISO 3166 or the specimen UTO. */
int mrz_icao_special(const char *code);

/*
 * Where the fields stand, per format (shared with print/mrz_make.c).  Lines and columns
 * are 1-based; a span of length 0 is a field the format does not have.
 */
struct mrz_span {
	int line, col, len;
};

struct mrz_layout {
	enum mrz_format format;
	int lines, len;
	struct mrz_span name, number, number_check, nationality, dob, dob_check, sex, expiry, expiry_check;
	struct mrz_span opt1, opt1_check, opt2, composite;
	struct mrz_span comp[4];   /* what the composite check digit covers, in order */
	int n_comp;
	int overflow;              /* a number longer than 9 may go on in opt1 (TD1, TD2) */
};

const struct mrz_layout *mrz_layout_of(enum mrz_format f);

#endif
