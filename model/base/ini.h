/*
 * ini.h - THE reader for every INI file casedesk reads: workflows (data/workflows), form
 * templates, the forms index and the office letterhead (data/forms), and casedesk.ini.
 *
 * One pass over the text keeps every section and key with its value and its line, so that
 * every message can say FILE:LINE.  The grammar is iniparser 4.1's (iniparser_line), the
 * design card's INI library, and tests/unit/test_ini.c holds the two to the same values;
 * iniparser itself is not in the path because its dictionary finds and inserts by a linear
 * scan, which made every load quadratic in the file (10,000 states: 15 s).  Here sections
 * and keys are found through a hash index: a load is linear in the file's size.
 *
 * What the grammar is, line by line: blank lines and lines starting with ';' or '#' are
 * comments; "[name]" is a section (a comment may follow); "key = value" a key.  Names are
 * lowercased (as iniparser does); the value ends at ';' or '#' unless it is quoted ("..."
 * or '...'), and "" or '' is the empty value.  Anything else is a syntax error, and so are
 * continuation lines (a trailing backslash), a key before any section, a line longer
 * than INI_MAX_LINE, and a section or key given twice (iniparser would keep one silently).
 *
 * `key[lang]` (title[uk] beside title) is how a file translates a text: ini_key_lang()
 * parses such a name, ini_get_lang() finds the text in a language with the fallback to the
 * plain key.  Every caller goes through these two.
 */
#ifndef CD_INI_H
#define CD_INI_H

#include <stddef.h>

#include "model/base/error.h"

/* Workflow, form and settings files are small; anything bigger is a mistake. */
#define INI_MAX_BYTES (8 * 1024 * 1024)
/* iniparser 4.1 reads lines into a 1024-byte buffer. */
#define INI_MAX_LINE 1000

struct ini_key {
	char *name;        /* lowercased, as iniparser stores it */
	char *raw;         /* as written */
	char *value;       /* after iniparser's rules: unquoted, comment cut, trimmed */
	int line;
	char cut;          /* ';' or '#' when that character ended an unquoted value (and the
			      text after it was taken for a comment), else 0 */
};

struct ini_section {
	char *name;        /* lowercased */
	char *raw;
	int line;          /* of the [name] header */
	struct ini_key *keys;
	size_t n_keys, cap_keys;
};

struct ini_slot;

struct ini {
	char *path;        /* the file (or the name given for text), for messages */
	struct ini_section *sections;   /* in file order */
	size_t n_sections, cap_sections;
	int n_lines;
	int n_problems;    /* syntax errors and duplicates reported */
	struct ini_slot *index;         /* hash index over sections and section:key */
	size_t index_cap, index_used;
};

#define INI_INIT { 0 }

/* Called for each problem the reader finds (syntax, duplicates), with its line. */
typedef void (*ini_report_fn)(void *ctx, int line, const char *msg);

/*
 * Reads `text` (a leading UTF-8 byte order mark is skipped); `name` stands for the file in
 * messages.  Problems go to `report` (may be NULL) and are counted in ini->n_problems;
 * a line with a problem is left out, the rest is kept, so that lint reports every problem.
 * CD_EINTERNAL only when memory runs out.
 */
int ini_parse(struct ini *ini, const char *text, const char *name, ini_report_fn report, void *ctx);

/* Reads a whole file (at most INI_MAX_BYTES, no NUL bytes) into a new string. */
int ini_read_file(const char *path, char **text, struct cd_error *err);

/*
 * Reads and parses a file.  With `report` NULL the first problem fails the load as
 * "FILE:LINE: message" (CD_EINPUT); otherwise problems go to `report` and only a file
 * that cannot be read fails.  A missing file is CD_ENOTFOUND.
 */
int ini_load(struct ini *ini, const char *path, ini_report_fn report, void *ctx, struct cd_error *err);

void ini_release(struct ini *ini);

const struct ini_section *ini_section(const struct ini *ini, const char *section);
const struct ini_key *ini_key(const struct ini *ini, const char *section, const char *key);
/* The value of section:key, or NULL when the key is absent. */
const char *ini_get(const struct ini *ini, const char *section, const char *key);
/* The line of section:key, else of [section], else 1: every message has a line. */
int ini_line(const struct ini *ini, const char *section, const char *key);

/*
 * "title[ru]" -> 5 (the length of "title") with lang "ru"; 0 when the name carries no
 * language.  A language is 2 or 3 small letters (ISO 639-1, else 639-2), as in locale/.
 */
size_t ini_key_lang(const char *name, char lang[4]);

/*
 * The key `key[lang]` of the section, else the plain `key` (lang NULL or "": the plain key
 * only).  NULL when neither is there.
 */
const struct ini_key *ini_get_lang(const struct ini *ini, const char *section, const char *key,
				   const char *lang);

#endif
