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

/*
 * Who asylum applications include (stats.h, struct stats_applicant): dep holds every
 * family member included in an application, once, under the earliest application (by
 * opening, then id) of a parent that includes them.  No case records whom an application
 * includes, and a family link alone says nothing of where the relative is (relatives
 * abroad are linked too, for reunification), so the rule is the narrowest one the store
 * supports: a child of the applicant (family relation 'child'), a minor on the day the
 * application was opened (Directive 2013/32/EU art. 7(3): a minor's application may be
 * made by the parent), with no asylum case of their own.  A spouse or adult child counts
 * only with a case of their own: an adult is included only with their written consent
 * (art. 7(2)), which casedesk does not record.  Age as stats_age_group: a birth date of
 * year and month from the 15th, of a year only from 1 July; none: not a minor.
 * Indexed lookups only (cases_person, family's unique key): a quadratic join took a
 * minute on 20,000 people.
 */
/* Whether asylum case c is a subsequent application (stats.h). */
#define SUBSEQUENT(c)                                                                          \
	"EXISTS (SELECT 1 FROM cases e WHERE e.person_id = " c ".person_id"                         \
	" AND e.workflow_id = 'asylum' AND e.id <> " c ".id AND e.closed_at IS NOT NULL"            \
	" AND e.closed_at <= " c ".opened_at AND e.state <> 'transferred')"

/* A birth date as the day age counts from (stats_age_group): year only 1 July, year and month the 15th. */
#define DOB_DAY(d)                                                                             \
	"(CASE length(" d ") WHEN 4 THEN " d " || '-07-01' WHEN 7 THEN " d " || '-15'"              \
	" ELSE substr(" d ", 1, 10) END)"

#define APPLICATIONS_CTE                                                                       \
	"WITH dep AS (SELECT rid AS person_id, cid AS app_id FROM ("                               \
	"  SELECT f.relative_id AS rid, a.id AS cid, row_number() OVER ("                           \
	"   PARTITION BY f.relative_id ORDER BY a.opened_at, a.id) AS n"                            \
	"  FROM family f JOIN cases a ON a.person_id = f.person_id AND a.workflow_id = 'asylum'"    \
	"  JOIN person r ON r.id = f.relative_id"                                                   \
	"  WHERE f.relation = 'child' AND r.dob GLOB '[0-9][0-9][0-9][0-9]*'"                       \
	"  AND " DOB_DAY("r.dob") " <= substr(a.opened_at, 1, 10)"                                  \
	"  AND date(" DOB_DAY("r.dob") ", '+18 years') > substr(a.opened_at, 1, 10)"                \
	"  AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.person_id = f.relative_id"                 \
	"   AND o.workflow_id = 'asylum')) WHERE n = 1)"

#define APPLICANTS_SELECT                                                                      \
	APPLICATIONS_CTE                                                                           \
	" SELECT substr(c.opened_at, 1, 10), p.nationality, p.sex, p.dob, " SUBSEQUENT("c") ","     \
	"  0, c.opened_at, c.id"                                                                    \
	"  FROM cases c JOIN person p ON p.id = c.person_id WHERE c.workflow_id = 'asylum'"         \
	"  AND substr(c.opened_at, 1, 10) BETWEEN ?1 AND ?2"                                       \
	" UNION ALL"                                                                               \
	" SELECT substr(c.opened_at, 1, 10), p.nationality, p.sex, p.dob, " SUBSEQUENT("c") ","     \
	"  1, c.opened_at, c.id"                                                                    \
	"  FROM dep d JOIN cases c ON c.id = d.app_id JOIN person p ON p.id = d.person_id"          \
	"  WHERE substr(c.opened_at, 1, 10) BETWEEN ?1 AND ?2"

int stats_asylum_applicants_count(struct cd_store *s, const char *from, const char *to, int64_t *n,
				  struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT count(*) FROM (" APPLICANTS_SELECT ")", &st, err);
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
	int rc = st_prepare(s, APPLICANTS_SELECT " ORDER BY 7, 8, 6", &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, from);
	st_bind_text(st, 2, to);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_applicant r = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
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

	/* One row per person covered: the applicant, then the family members the application includes. */
	struct cd_buf in = CD_BUF_INIT;
	params(&in, 4, n_states);
	buf_printf(&sql, APPLICATIONS_CTE
		   " SELECT substr(at, 1, 4) || 'Q' || ((CAST(substr(at, 6, 2) AS INTEGER) + 2) / 3),"
		   "  nationality, sex, to_state, substr(at, 1, 10), dob, fm FROM ("
		   " SELECT e.id AS eid, 0 AS fm, e.at, e.to_state, p.nationality, p.sex, p.dob"
		   "  FROM event e JOIN cases c ON c.id = e.case_id JOIN person p ON p.id = c.person_id"
		   "  WHERE e.kind = 'transition' AND c.workflow_id = ?1"
		   "  AND substr(e.at, 1, 10) BETWEEN ?2 AND ?3 AND e.to_state IN (%s)"
		   " UNION ALL SELECT e.id, 1, e.at, e.to_state, p.nationality, p.sex, p.dob"
		   "  FROM dep d JOIN cases c ON c.id = d.app_id JOIN event e ON e.case_id = c.id"
		   "  JOIN person p ON p.id = d.person_id"
		   "  WHERE e.kind = 'transition' AND c.workflow_id = ?1"
		   "  AND substr(e.at, 1, 10) BETWEEN ?2 AND ?3 AND e.to_state IN (%s))"
		   " ORDER BY eid, fm",
		   buf_str(&in), buf_str(&in));
	buf_release(&in);
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
			1, (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
			sqlite3_column_int(st, 6),
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

int stats_first_permits(struct cd_store *s, const char *from, const char *to, stats_first_permit_fn fn, void *ctx,
			struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "WITH g AS (SELECT e.id AS eid, e.at, c.id AS case_id, c.workflow_id, c.person_id,"
			       "  CASE WHEN c.workflow_id = 'asylum' THEN e.to_state END AS status"
			       "  FROM event e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition'"
			       "  AND ((c.workflow_id IN ('residence', 'work') AND e.transition = 'grant')"
			       "   OR (c.workflow_id = 'asylum'"
			       "    AND e.to_state IN ('refugee_status', 'subsidiary_protection', 'humanitarian'))))"
			       " SELECT substr(g.at, 1, 10), g.workflow_id, g.status, p.nationality, p.sex, p.dob,"
			       " (SELECT value FROM case_field f WHERE f.case_id = g.case_id AND f.name = 'permit_reason'),"
			       " (SELECT value FROM case_field f WHERE f.case_id = g.case_id AND f.name = 'valid_from'),"
			       " (SELECT value FROM case_field f WHERE f.case_id = g.case_id AND f.name = 'valid_until'),"
			       " NOT EXISTS (SELECT 1 FROM g g2 WHERE g2.person_id = g.person_id AND g2.eid < g.eid)"
			       " FROM g JOIN person p ON p.id = g.person_id"
			       " WHERE substr(g.at, 1, 10) BETWEEN ?1 AND ?2 ORDER BY g.eid",
			    &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, from);
	st_bind_text(st, 2, to);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_first_permit r;
		const char **f[] = { &r.day, &r.workflow, &r.status, &r.citizenship, &r.sex, &r.dob,
				     &r.permit_reason, &r.valid_from, &r.valid_until };
		for (int i = 0; i < 9; i++)
			*f[i] = (const char *)sqlite3_column_text(st, i);
		r.first = sqlite3_column_int(st, 9);
		if ((rc = fn(ctx, &r)))
			goto out;
	}
	rc = step_end(s, step, _("reading granted permits"), err);
out:
	st_finish(s, st);
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
