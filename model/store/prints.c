/* prints.c - the record of decision letters printed; see prints.h. */
#include "model/store/prints.h"

#include <stdio.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/store_internal.h"

int prints_count(struct cd_store *s, const char *case_number, const char *form_id, int *n, char first[11],
		 struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*n = 0;
	first[0] = '\0';
	if ((rc = st_prepare(s, "SELECT count(*), min(p.at) FROM print_record p JOIN cases c ON c.id = p.case_id"
				" WHERE c.number = ?1 AND p.form = ?2", &st, err)))
		return rc;
	st_bind_text(st, 1, case_number);
	st_bind_text(st, 2, form_id);
	if ((rc = st_row(s, st, _("reading the record of printed letters"), err)) > 0) {
		*n = sqlite3_column_int(st, 0);
		if (sqlite3_column_text(st, 1))
			snprintf(first, 11, "%.10s", (const char *)sqlite3_column_text(st, 1));
		rc = CD_OK;
	} else if (rc == 0) {
		rc = CD_OK;
	} else {
		rc = CD_ESTORE;
	}
	st_finish(s, st);
	return rc;
}

int prints_record(struct cd_store *s, const struct cd_actor *actor, const char *form_id,
		  const char *const *numbers, size_t n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char at[40];
	int rc;

	if ((rc = store_begin(s, err)))
		return rc;
	store_now(s, at, sizeof at);
	if ((rc = st_prepare(s, "INSERT INTO print_record(case_id, form, at, user_name)"
				" SELECT id, ?2, ?3, ?4 FROM cases WHERE number = ?1", &st, err)))
		goto out;
	for (size_t i = 0; i < n && rc == CD_OK; i++) {
		sqlite3_reset(st);
		st_bind_text(st, 1, numbers[i]);
		st_bind_text(st, 2, form_id);
		st_bind_text(st, 3, at);
		st_bind_text(st, 4, actor->name);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = st_fail(s, _("recording a printed letter"), err);
	}
out:
	st_finish(s, st);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}
