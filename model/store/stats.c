/*
 * stats.c - the SQL behind the reports (see stats.h).  Read-only; every query runs in
 * SQLite's own read transaction, so a report sees one consistent store even while desks
 * keep writing.
 */
#include "model/store/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/store/store_internal.h"

const char *stats_age_group(const char *dob, long at)
{
	struct cd_date d;
	if (!dob || cd_date_parse(dob, "dob", 1, &d, NULL) != CD_OK)
		return "unknown";
	int month = d.precision >= CD_DATE_MONTH ? d.month : 7;
	int day = d.precision == CD_DATE_DAY ? d.day : (d.precision == CD_DATE_MONTH ? 15 : 1);
	int y, m, dd;
	cd_days_to_date(at, &y, &m, &dd);
	int age = y - d.year;
	if (m < month || (m == month && dd < day))
		age--;
	if (age < 0)
		return "unknown";
	if (age < 14)
		return "under_14";
	if (age < 18)
		return "14_17";
	if (age < 35)
		return "18_34";
	if (age < 65)
		return "35_64";
	return "65_plus";
}

/* Finishes a step loop: SQLITE_DONE is fine, anything else a store error. */
static int step_end(struct cd_store *s, int step_rc, const char *doing, struct cd_error *err)
{
	if (step_rc == SQLITE_DONE)
		return CD_OK;
	return st_fail(s, doing, err);
}

#define APPLICANTS_FROM                                                                        \
	" FROM cases c JOIN person p ON p.id = c.person_id"                                    \
	" WHERE c.workflow_id = 'asylum' AND substr(c.opened_at, 1, 10) BETWEEN ?1 AND ?2"

int stats_asylum_applicants_count(struct cd_store *s, const char *from, const char *to, int64_t *n,
				  struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT count(*)" APPLICANTS_FROM, &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, from);
	st_bind_text(st, 2, to);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = st_fail(s, _("counting asylum applications"), err);
	st_finish(s, st);
	return rc;
}

int stats_asylum_applicants(struct cd_store *s, const char *from, const char *to, stats_applicant_fn fn,
			    void *ctx, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT substr(c.opened_at, 1, 10), p.nationality, p.sex, p.dob,"
			       " EXISTS (SELECT 1 FROM cases e WHERE e.person_id = c.person_id"
			       "  AND e.workflow_id = 'asylum' AND (e.opened_at < c.opened_at"
			       "   OR (e.opened_at = c.opened_at AND e.id < c.id)))"
			       APPLICANTS_FROM " ORDER BY c.opened_at, c.id",
			    &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, from);
	st_bind_text(st, 2, to);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_applicant r = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			sqlite3_column_int(st, 4),
		};
		if ((rc = fn(ctx, &r)))
			goto out;
	}
	rc = step_end(s, step, _("reading asylum applications"), err);
out:
	st_finish(s, st);
	return rc;
}

/* "?3, ?4, ..." for n parameters from `first`. */
static void params(struct cd_buf *b, int first, int n)
{
	for (int i = 0; i < n; i++)
		buf_printf(b, "%s?%d", i ? ", " : "", first + i);
}

int stats_decisions(struct cd_store *s, const char *workflow, const char *const *states, int n_states,
		    const char *from, const char *to, stats_decision_fn fn, void *ctx, struct cd_error *err)
{
	struct cd_buf sql = CD_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, step;

	buf_puts(&sql, "SELECT substr(e.at, 1, 4) || 'Q' || ((CAST(substr(e.at, 6, 2) AS INTEGER) + 2) / 3),"
		       " p.nationality, p.sex, e.to_state, count(*)"
		       " FROM event e JOIN cases c ON c.id = e.case_id JOIN person p ON p.id = c.person_id"
		       " WHERE e.kind = 'transition' AND c.workflow_id = ?1"
		       " AND substr(e.at, 1, 10) BETWEEN ?2 AND ?3 AND e.to_state IN (");
	params(&sql, 4, n_states);
	buf_puts(&sql, ") GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4");
	if (sql.failed)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	/* Built text: not cached (the cache keys on the caller's pointer), finalized by st_finish. */
	if ((rc = st_prepare(s, buf_str(&sql), &st, err)))
		goto out;
	st_bind_text(st, 1, workflow);
	st_bind_text(st, 2, from);
	st_bind_text(st, 3, to);
	for (int i = 0; i < n_states; i++)
		st_bind_text(st, 4 + i, states[i]);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_decision r = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			sqlite3_column_int64(st, 4),
		};
		if ((rc = fn(ctx, &r)))
			goto out;
	}
	rc = step_end(s, step, _("reading decisions"), err);
out:
	st_finish(s, st);
	buf_release(&sql);
	return rc;
}

int stats_permits_granted(struct cd_store *s, const char *const *workflows, int n_workflows,
			  const char *transition, const char *from, const char *to, stats_permit_fn fn,
			  void *ctx, struct cd_error *err)
{
	struct cd_buf sql = CD_BUF_INIT, in = CD_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, step;

	params(&in, 4, n_workflows);
	buf_printf(&sql,
		   "SELECT c.workflow_id, p.nationality,"
		   " (SELECT value FROM case_field f WHERE f.case_id = c.id AND f.name = 'permit_reason'),"
		   " (SELECT value FROM case_field f WHERE f.case_id = c.id AND f.name = 'valid_from'),"
		   " (SELECT value FROM case_field f WHERE f.case_id = c.id AND f.name = 'valid_until'),"
		   " NOT EXISTS (SELECT 1 FROM event e2 JOIN cases c2 ON c2.id = e2.case_id"
		   "  WHERE c2.person_id = c.person_id AND e2.kind = 'transition' AND e2.transition = ?1"
		   "  AND c2.workflow_id IN (%s) AND e2.id < e.id)"
		   " FROM event e JOIN cases c ON c.id = e.case_id JOIN person p ON p.id = c.person_id"
		   " WHERE e.kind = 'transition' AND e.transition = ?1 AND c.workflow_id IN (%s)"
		   " AND substr(e.at, 1, 10) BETWEEN ?2 AND ?3 ORDER BY e.id",
		   buf_str(&in), buf_str(&in));
	if (sql.failed) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	if ((rc = st_prepare(s, buf_str(&sql), &st, err)))
		goto out;
	st_bind_text(st, 1, transition);
	st_bind_text(st, 2, from);
	st_bind_text(st, 3, to);
	for (int i = 0; i < n_workflows; i++)
		st_bind_text(st, 4 + i, workflows[i]);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_permit r = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4), sqlite3_column_int(st, 5),
		};
		if ((rc = fn(ctx, &r)))
			goto out;
	}
	rc = step_end(s, step, _("reading granted permits"), err);
out:
	st_finish(s, st);
	buf_release(&sql);
	buf_release(&in);
	return rc;
}

int stats_open_cases(struct cd_store *s, long today, stats_open_fn fn, void *ctx, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT workflow_id, state, count(*),"
			       " sum(frozen_left IS NULL AND due_day IS NOT NULL AND due_day < ?1)"
			       " FROM cases WHERE closed_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2",
			    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, today);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_open r = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
		};
		if ((rc = fn(ctx, &r)))
			goto out;
	}
	rc = step_end(s, step, _("reading open cases"), err);
out:
	st_finish(s, st);
	return rc;
}

int stats_steps_by_user(struct cd_store *s, const char *from, const char *to, stats_step_fn fn, void *ctx,
			struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT e.user_name, c.workflow_id, e.transition, e.to_state, count(*),"
			       " sum(julianday(substr(e.at, 1, 10)) - julianday(substr(c.opened_at, 1, 10)))"
			       " FROM event e JOIN cases c ON c.id = e.case_id"
			       " WHERE e.kind = 'transition' AND substr(e.at, 1, 10) BETWEEN ?1 AND ?2"
			       " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
			    &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, from);
	st_bind_text(st, 2, to);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_step r = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			sqlite3_column_int64(st, 4), sqlite3_column_double(st, 5),
		};
		if ((rc = fn(ctx, &r)))
			goto out;
	}
	rc = step_end(s, step, _("reading steps"), err);
out:
	st_finish(s, st);
	return rc;
}
