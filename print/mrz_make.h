/*
 * mrz_make.h - writing the machine-readable zone of a document the office issues
 * (ICAO Doc 9303): residence permits as TD1, visas as MRV-A or MRV-B; TD2 and TD3 too.
 * model/mrz.c reads what this writes: both use the one layout table in model/mrz.h.
 *
 * The input is already in Doc 9303's Latin alphabet (casedesk keeps an ICAO Latin form
 * of every name): capitals A-Z, spaces and hyphens (written as `<`), apostrophes
 * (dropped, Doc 9303 Part 3 4.6).  Germany is written D<<, every other state as its code.
 *
 * Names that do not fit are truncated (see mrz_make.c for the rules followed) and then
 * end in a letter, Doc 9303's sign that a name was cut.
 */
#ifndef CD_MRZ_MAKE_H
#define CD_MRZ_MAKE_H

#include "model/base/error.h"
#include "model/identity/mrz.h"

struct mrz_doc {
	enum mrz_format format;
	const char *doc_code;      /* 1-2 letters: "I", "IR", "AR" for TD1/TD2, "P" for TD3, "V"/"VA" for visas */
	const char *issuer;        /* alpha-3 or ICAO code; DEU is written D */
	const char *surname;       /* primary identifier, required */
	const char *given;         /* secondary identifiers; NULL or "" when none */
	const char *number;        /* A-Z 0-9; longer than 9 only in TD1 and TD2 (Doc 9303 Part 5/6 overflow) */
	const char *nationality;   /* as issuer */
	const char *dob;           /* "YYYY-MM-DD", "YYYY-MM", "YYYY", or "" / NULL when unknown */
	char sex;                  /* 'M', 'F' or 'X' (written `<`) */
	const char *expiry;        /* "YYYY-MM-DD", or "" / NULL for no expiry */
	const char *optional1;     /* A-Z 0-9 `<` (spaces written `<`); NULL or "" when unused */
	const char *optional2;     /* TD1 line 2 only */
};

struct mrz_text {
	int n_lines, len;
	char lines[MRZ_MAX_LINES][MRZ_MAX_LEN + 1];
	int name_truncated;        /* the name did not fit and was cut */
};

/*
 * Writes the MRZ of `d` into `out`.  CD_EINPUT naming the field (never its value) when a
 * field cannot be written: a character outside the alphabet, a date that does not exist,
 * an unknown country code, a number or optional data too long for the format.
 */
int mrz_make(const struct mrz_doc *d, struct mrz_text *out, struct cd_error *err);

/*
 * The name field alone: surname and given names in `width` characters, truncated by the
 * rules in mrz_make.c.  Returns 1 when truncated, 0 when it fit, -1 when a name holds a
 * character that cannot be written (or the surname is empty).
 */
int mrz_make_name(const char *surname, const char *given, char *field, int width);

#endif
