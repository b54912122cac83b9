/*
 * wf_ini.h - INI plumbing for the workflow engine (internal to workflow/).
 *
 * iniparser reads the values but lowercases names, silently keeps one of two duplicate
 * keys and knows no line numbers.  This scanner walks the same text line by line with
 * iniparser's own rules, so that every message can name FILE:LINE, duplicates are
 * caught, and a line iniparser would reject is reported before iniparser sees it.
 */
#ifndef CD_WF_INI_H
#define CD_WF_INI_H

#include <stddef.h>

#include <iniparser/iniparser.h>

#include "model/base/error.h"

/* Workflow and form index files are small; anything bigger is a mistake. */
#define WF_INI_MAX_BYTES (1024 * 1024)
/* iniparser 4.1 reads lines into a 1024-byte buffer. */
#define WF_INI_MAX_LINE 1000

struct wf_ini_key {
	char *name;        /* lowercased, as iniparser stores it */
	char *raw;         /* as written */
	int line;
};

struct wf_ini_section {
	char *name;        /* lowercased */
	char *raw;
	int line;          /* of the first [name] header */
	struct wf_ini_key *keys;
	size_t n_keys, cap_keys;
};

struct wf_ini_scan {
	struct wf_ini_section *sections;
	size_t n_sections, cap_sections;
	/*
	 * The text with every line iniparser would refuse blanked out, so that the rest
	 * can still be loaded and checked: lint reports every problem, not just the first.
	 */
	char *clean;
};

/* Called for each problem the scanner finds (syntax, duplicates). */
typedef void (*wf_ini_report_fn)(void *ctx, int line, const char *msg);

/*
 * Scans `text`; problems go to `report`, and *n_syntax counts the lines iniparser would
 * refuse (blanked in scan->clean).  CD_EINTERNAL only when memory runs out.
 */
int wf_ini_scan(const char *text, struct wf_ini_scan *scan, wf_ini_report_fn report, void *ctx,
		int *n_syntax);
void wf_ini_scan_release(struct wf_ini_scan *scan);

const struct wf_ini_section *wf_ini_section(const struct wf_ini_scan *scan, const char *name);
/* The line of "section:key", else of [section], else 1: every message has a line. */
int wf_ini_line(const struct wf_ini_scan *scan, const char *section, const char *key);

/* Reads a whole file (at most WF_INI_MAX_BYTES, no NUL bytes) into a new string. */
int wf_ini_read_file(const char *path, char **text, struct cd_error *err);

/* Hands text to iniparser, which only reads paths (memfd, else an unlinked temp file). */
dictionary *wf_ini_load_text(const char *text, struct cd_error *err);

/* Text after a UTF-8 byte order mark, which iniparser would take for part of a key. */
const char *wf_ini_skip_bom(const char *text);

#endif
