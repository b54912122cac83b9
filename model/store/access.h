/*
 * access.h - who read whose personal data, and what the store holds about one person.
 *
 * Two jobs that share one idea, the subject: the person a row of personal data is about.
 *
 * 1. Reads of many people at once (search results, case lists) are audited here, so that
 *    search.c and cases.c write them the same way: one summary row saying what was shown
 *    (for a search the SHA-256 of the query, never its text; how many people), and, for a
 *    list of at most ACCESS_NAMED_MAX people, one row per person naming them, so that a
 *    subject access request can say "you were in a list shown to X".  A bigger list is
 *    only counted: a million rows of audit for `case list --all` would cost more than
 *    they tell.
 * 2. Subject access (GDPR art. 15): everything held about one person gathered into named
 *    tables (bio-data, aliases, documents, family, addresses, biometrics as metadata only,
 *    cases with their fields and history, reads from the audit trail, disclosures, lost or
 *    stolen list sources, retention) that app/ writes as JSON (access_json) and print/
 *    draws as PDF (print/subject_access.h).  The tables are SQL result sets with their
 *    column names, so adding a column to the export is one line of SQL.
 *
 * Reading who read a person (the audit trail) and exporting a person are for supervisors
 * and admins, checked here so that no front-end can differ; both are audited themselves.
 */
#ifndef CD_ACCESS_H
#define CD_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* Lists and searches of at most this many people name each one in the audit trail. */
#define ACCESS_NAMED_MAX 50

/*
 * Audits one list of people shown (one transaction): a summary row (action, `entity`,
 * and `detail` in the entity_uuid column: "sha256=HEX shown=N" or "shown=N people=M"),
 * then, when n_ids <= ACCESS_NAMED_MAX, a row (action, "person", the person's uuid) for
 * each distinct id in ids[].  ids may hold repeats (one person, two cases).
 */
int access_audit_list(struct cd_store *s, const struct cd_actor *actor, const char *action, const char *entity,
		      const char *detail, const int64_t *ids, size_t n_ids, const char *purpose,
		      struct cd_error *err);

/* The lower-case hex SHA-256 of `text` (64 characters + NUL): how a query is audited. */
void access_sha256_hex(const char *text, char out[65]);

/* Supervisors and admins may read the audit trail and export a person; CD_EREFUSED otherwise. */
int access_may_audit(const struct cd_actor *actor, struct cd_error *err);

/* One value of a gathered table: text (NULL for SQL NULL), or an integer. */
struct access_cell {
	char *text;
	long long num;
	int is_num;
};

/* One SQL result set: its columns by name and its rows (cells[row * n_cols + col]). */
struct access_table {
	const char *key;        /* "person", "documents" ...: the JSON member */
	const char *title;      /* N_(): the PDF heading, shown through _() */
	int single;             /* one row at most: a JSON object, not an array */
	size_t n_cols, n_rows;
	char **cols;
	struct access_cell *cells;
};

struct access_report {
	const char *kind;       /* "subject_access" or "audit_trail": the JSON member of the facts below */
	char person_number[32];
	char made_at[32], made_by[64], office[8];
	struct access_table *tables;
	size_t n_tables;
};

/*
 * Everything held about person `ref` (number or uuid; a merged number leads to its
 * survivor, whose record holds the merged one's data).  Audited first (action "export",
 * purpose "subject access"), so the export lists itself among the reads.
 * CD_EREFUSED for a user who is not a supervisor or admin; CD_ENOTFOUND for no such person.
 */
int access_export(struct cd_store *s, const struct cd_actor *actor, const char *ref, struct access_report **out,
		  struct cd_error *err);

/*
 * The audit trail's reads of person `ref` (the "reads" table of the export alone), oldest
 * first; audited itself (action "view", entity "person_audit", `purpose`).
 */
int access_reads(struct cd_store *s, const struct cd_actor *actor, const char *ref, const char *purpose,
		 struct access_report **out, struct cd_error *err);

void access_report_free(struct access_report *r);

/* A table of the report by key, or NULL. */
const struct access_table *access_table_get(const struct access_report *r, const char *key);
/* The cell of `col` (by name) in `row`, or NULL when there is no such column. */
const struct access_cell *access_cell(const struct access_table *t, size_t row, const char *col);

/* The whole report as one JSON object, written into an open writer. */
struct json_writer;
void access_json(const struct access_report *r, struct json_writer *w);

#endif
