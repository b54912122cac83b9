/*
 * retention.c - the retention plan and the purge (see retention.h for what goes and what
 * stays, and why).
 *
 * The plan reads every case not yet purged, once, ordered by person, so that whether a
 * person may go with a case (no other case of theirs still kept) is decided in one pass.
 * The purge is one transaction per person: a crash leaves people either untouched or
 * done, and the next run finds the rest.  Event rows are never deleted; their personal
 * free text is blanked through the one update the append-only trigger allows (schema
 * 9 -> 10), after the case or person is marked purged.
 */
#include "model/store/retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/roles.h"
#include "model/store/stats.h"
#include "model/store/store_internal.h"

/* What the purge leaves in place of a name: it says why the name is not there. */
#define PURGED_NAME "PURGED"
#define ANONYMISED_NAME "ANONYMISED"
/* People purged per transaction (see retention_run). */
#define RUN_BATCH 200
/* What an outbox row of a purged person or case keeps of its payload. */
#define PURGED_PAYLOAD "{\"purged\":true}"

/* One case not yet purged, as the plan reads it. */
struct row {
	int64_t id, person_id;
	char number[40], person_number[32], workflow_id[32];
	long opened, closed;             /* day numbers; closed -1: still open */
	const struct ret_rule *rule;     /* NULL: kept (no rule, or still open) */
	long due_day;
	enum ret_scope scope;
};

static const struct ret_rule *rule_of(const struct ret_rule *rules, size_t n, const char *workflow_id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rules[i].workflow_id, workflow_id) == 0)
			return &rules[i];
	return NULL;
}

static long day_of(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	long day;
	if (!t || cd_days_parse(t, "date", &day, NULL) != CD_OK)
		return -1;
	return day;
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

static int is_due(const struct row *r, long today)
{
	return r->rule && r->due_day <= today;
}

/*
 * Whether every case of the person in rows[first..end) is due today with an action in
 * `mask` (1 << RET_PURGE ...): then no case keeps the person.
 */
static int all_due(const struct row *rows, size_t first, size_t end, long today, unsigned mask)
{
	for (size_t i = first; i < end; i++)
		if (!is_due(&rows[i], today) || !(mask & (1u << rows[i].rule->action)))
			return 0;
	return 1;
}

/* Reads every case not yet purged, with its rule, due day and scope as of `today`. */
static int load_rows(struct cd_store *s, const struct ret_rule *rules, size_t n_rules, long today,
		     struct row **out, size_t *n_out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*n_out = 0;
	if ((rc = st_prepare(s, "SELECT c.id, c.person_id, c.number, p.number, c.workflow_id,"
				" substr(c.opened_at, 1, 10), substr(c.closed_at, 1, 10)"
				" FROM cases c JOIN person p ON p.id = c.person_id"
				" WHERE c.purged_at IS NULL ORDER BY c.person_id, c.id", &st, err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		ST_GROW(rows, n, cap);
		struct row *r = &rows[n++];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		r->person_id = sqlite3_column_int64(st, 1);
		copy_text(r->number, sizeof r->number, st, 2);
		copy_text(r->person_number, sizeof r->person_number, st, 3);
		copy_text(r->workflow_id, sizeof r->workflow_id, st, 4);
		r->opened = day_of(st, 5);
		r->closed = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : day_of(st, 6);
		r->rule = r->closed >= 0 ? rule_of(rules, n_rules, r->workflow_id) : NULL;
		if (r->rule) {
			long start = r->rule->from == RET_FROM_OPENED ? r->opened : r->closed;
			if (start < 0) {
				r->rule = NULL;   /* a date the store cannot read: kept, never guessed */
				continue;
			}
			r->due_day = cd_days_add_months(start, r->rule->months) + r->rule->days;
		}
	}
	if (step != SQLITE_DONE) {
		rc = st_fail(s, _("reading cases for retention"), err);
		goto out;
	}
	/* Scopes, one person at a time (the rows come ordered by person). */
	for (size_t first = 0, end; first < n; first = end) {
		for (end = first + 1; end < n && rows[end].person_id == rows[first].person_id; end++)
			;
		for (size_t i = first; i < end; i++) {
			struct row *r = &rows[i];
			if (!r->rule)
				continue;
			/* As of the day this case falls due: will its person go with it then? */
			long when = r->due_day > today ? r->due_day : today;
			int purge_all = all_due(rows, first, end, when, 1u << RET_PURGE);
			int anon_all = all_due(rows, first, end, when, (1u << RET_PURGE) | (1u << RET_ANONYMISE));
			if (r->rule->action == RET_REVIEW)
				r->scope = RET_SCOPE_REVIEW;
			else if (r->rule->action == RET_PURGE)
				r->scope = purge_all ? RET_SCOPE_PERSON : RET_SCOPE_CASE;
			else
				r->scope = anon_all && !purge_all ? RET_SCOPE_PERSON : RET_SCOPE_WAIT;
		}
	}
	*out = rows;
	*n_out = n;
	rows = NULL;
out:
	st_finish(s, st);
	free(rows);
	return rc;
}

static int by_due(const void *a, const void *b)
{
	const struct ret_item *x = a, *y = b;
	if (x->due_day != y->due_day)
		return x->due_day < y->due_day ? -1 : 1;
	return strcmp(x->case_number, y->case_number);
}

int retention_plan(struct cd_store *s, const struct cd_actor *actor, const struct ret_rule *rules, size_t n_rules,
		   long today, long until, struct ret_item **out, size_t *n_out, struct cd_error *err)
{
	struct row *rows = NULL;
	struct ret_item *items = NULL;
	size_t n_rows = 0, n = 0, cap = 0;
	int rc;

	*out = NULL;
	*n_out = 0;
	if ((rc = load_rows(s, rules, n_rules, today, &rows, &n_rows, err)))
		return rc;
	for (size_t i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];
		if (!r->rule || (until >= 0 && r->due_day > until))
			continue;
		ST_GROW(items, n, cap);
		struct ret_item *it = &items[n++];
		memset(it, 0, sizeof *it);
		snprintf(it->person_number, sizeof it->person_number, "%s", r->person_number);
		snprintf(it->case_number, sizeof it->case_number, "%s", r->number);
		snprintf(it->workflow_id, sizeof it->workflow_id, "%s", r->workflow_id);
		cd_days_format(r->rule->from == RET_FROM_OPENED ? r->opened : r->closed, it->started,
			       sizeof it->started);
		it->due_day = r->due_day;
		it->due = r->due_day <= today;
		it->action = r->rule->action;
		it->scope = r->scope;
	}
	if (n > 1)
		qsort(items, n, sizeof *items, by_due);
	/* The plan shows whose cases the office holds: a read, audited like the others. */
	if (actor) {
		char purpose[64];
		snprintf(purpose, sizeof purpose, "retention plan: %zu cases", n);
		if ((rc = store_begin(s, err)))
			goto out;
		if ((rc = store_add_audit(s, actor, "list", "retention", NULL, purpose, err))) {
			store_rollback(s);
			goto out;
		}
		if ((rc = store_commit(s, err)))
			goto out;
	}
	*out = items;
	*n_out = n;
	items = NULL;
out:
	free(items);
	free(rows);
	return rc;
}

/* ---- the purge ----------------------------------------------------------------------- */

static int in_list(const char *const *keep, const char *name)
{
	for (size_t i = 0; keep && keep[i]; i++)
		if (name && strcmp(keep[i], name) == 0)
			return 1;
	return 0;
}

/* Runs one statement with an integer ?1 (and optional text ?2, ?3); counts changed rows. */
static int run1(struct cd_store *s, const char *sql, int64_t id, const char *t2, const char *t3, long *changed,
		const char *doing, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (t2)
		st_bind_text(st, 2, t2);
	if (t3)
		st_bind_text(st, 3, t3);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, doing, err);
	else if (changed)
		*changed += sqlite3_changes(s->db);
	st_finish(s, st);
	return rc;
}

/* The one text column of one row, into buf. */
static int text_of(struct cd_store *s, const char *sql, int64_t id, char *buf, size_t size, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		copy_text(buf, size, st, 0);
	else
		rc = st_fail(s, _("reading a record for retention"), err);
	st_finish(s, st);
	return rc;
}

/* The purge's own trail: an event, an audit row, and an outbox row telling the national tier. */
static int record(struct cd_store *s, const struct cd_actor *actor, const char *entity, const char *uuid,
		  int64_t case_id, int64_t person_id, const char *workflow_id, const char *action,
		  struct cd_error *err)
{
	struct cd_op op;
	int rc;

	struct cd_event ev = { .case_id = case_id, .person_id = person_id, .kind = "retention",
			       .field = workflow_id, .new_value = action };
	/* No field: the op tells the national tier to do the same purge or anonymisation. */
	op_init(&op, 0);
	op_meta_text(&op, "action", action);
	if (workflow_id)
		op_meta_text(&op, "workflow", workflow_id);
	if (!(rc = store_add_event(s, actor, &ev, err)) &&
	    !(rc = store_add_audit(s, actor, action, entity, uuid, "retention", err)))
		rc = op_write(s, &op, entity, uuid, action, err);
	op_release(&op);
	return rc;
}

/*
 * A case's own personal data: free-text and other unkept fields, attachments, the notes
 * and unkept field values of its history.  The case row stays, marked.
 */
static int purge_case(struct cd_store *s, const struct cd_actor *actor, const struct row *r, const char *now,
		      struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37] = "";
	char **names = NULL;
	int64_t *ids = NULL;
	int *keep = NULL;
	size_t n = 0, cap = 0, kcap = 0, n_names = 0, ncap = 0;
	int rc;

	if ((rc = text_of(s, "SELECT uuid FROM cases WHERE id = ?1", r->id, uuid, sizeof uuid, err)))
		return rc;
	/* Marked first: the trigger lets the history's notes be blanked only for a purged case. */
	if ((rc = run1(s, "UPDATE cases SET purged_at = ?2, purge_action = 'purge' WHERE id = ?1", r->id, now, NULL,
		       NULL, _("marking a case purged"), err)))
		return rc;
	if ((rc = st_prepare(s, "SELECT name FROM case_field WHERE case_id = ?1", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, r->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (in_list(r->rule->keep, name))
			continue;
		ST_GROW(names, n_names, ncap);
		if (!(names[n_names] = st_dup_column(st, 0))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		n_names++;
	}
	st_finish(s, st);
	st = NULL;
	for (size_t i = 0; i < n_names && !rc; i++)
		rc = run1(s, "DELETE FROM case_field WHERE case_id = ?1 AND name = ?2", r->id, names[i], NULL, NULL,
			  _("purging a case's fields"), err);
	if (rc || (rc = run1(s, "DELETE FROM attachment WHERE case_id = ?1", r->id, NULL, NULL, NULL,
			     _("purging a case's attachments"), err)))
		goto out;
	/* Hand-recorded checks carry a caseworker's note and a supervisor's reason: the rows go
	 * (an answer cannot be rewritten, schema 12); the history keeps that they were made. */
	if ((rc = run1(s, "DELETE FROM checks WHERE case_id = ?1", r->id, NULL, NULL, NULL,
		       _("purging a case's checks"), err)))
		goto out;
	/* The history: which rows carry personal text, decided here, blanked one by one. */
	if ((rc = st_prepare(s, "SELECT id, kind, field FROM event WHERE case_id = ?1 AND (note IS NOT NULL"
				" OR (kind = 'field' AND (old_value IS NOT NULL OR new_value IS NOT NULL)))",
			     &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, r->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ST_GROW(ids, n, cap);
		if (kcap < cap) {
			int *g = realloc(keep, cap * sizeof *keep);
			if (!g) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			keep = g;
			kcap = cap;
		}
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		ids[n] = sqlite3_column_int64(st, 0);
		keep[n] = !kind || strcmp(kind, "field") != 0 ||
			  in_list(r->rule->keep, (const char *)sqlite3_column_text(st, 2));
		n++;
	}
	st_finish(s, st);
	st = NULL;
	/* Erasing is all of an event's texts and their salt (the chain keeps their digest,
	 * which cannot be split): a kept field's change goes only when it carries a note.
	 * Events written before schema 10 have no digest and cannot be erased (their link
	 * covers the texts themselves); they keep their text. */
	for (size_t i = 0; i < n && !rc; i++)
		rc = run1(s, keep[i] ? "UPDATE event SET note = NULL, old_value = NULL, new_value = NULL, text_salt = NULL"
				       " WHERE id = ?1 AND note IS NOT NULL AND text_digest IS NOT NULL"
				     : "UPDATE event SET note = NULL, old_value = NULL, new_value = NULL, text_salt = NULL"
				       " WHERE id = ?1 AND text_digest IS NOT NULL",
			  ids[i], NULL, NULL, NULL, _("blanking the notes of a purged case"), err);
	if (!rc)
		rc = record(s, actor, "case", uuid, r->id, r->person_id, r->workflow_id, "purge", err);
out:
	st_finish(s, st);
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	free(ids);
	free(keep);
	return rc;
}

/*
 * The date of birth the statistics still need: the year alone, or year and month, when
 * that gives every case of the person the same age group (stats_age_group, at the day
 * the case was opened) as the full date; the date as it is otherwise.
 */
static int coarse_dob(struct cd_store *s, int64_t pid, const char *dob, char out[11], struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	long *days = NULL;
	size_t n = 0, cap = 0;
	int rc;

	snprintf(out, 11, "%s", dob);
	/* Every day an age is taken on: applications and decisions of the person's own cases,
	 * and of the applications that include them as a family member (stats.h). */
	if ((rc = st_prepare(s, "SELECT substr(opened_at, 1, 10) FROM cases WHERE person_id = ?1"
			       " UNION SELECT substr(e.at, 1, 10) FROM event e JOIN cases c ON c.id = e.case_id"
			       "  WHERE c.person_id = ?1 AND e.kind = 'transition'"
			       " UNION SELECT substr(c.opened_at, 1, 10) FROM family f JOIN cases c ON c.person_id = f.person_id"
			       "  WHERE f.relative_id = ?1 AND f.relation IN ('spouse', 'child')"
			       " UNION SELECT substr(e.at, 1, 10) FROM family f JOIN cases c ON c.person_id = f.person_id"
			       "  JOIN event e ON e.case_id = c.id"
			       "  WHERE f.relative_id = ?1 AND f.relation IN ('spouse', 'child') AND e.kind = 'transition'",
			    &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long d = day_of(st, 0);
		if (d < 0)
			continue;
		ST_GROW(days, n, cap);
		days[n++] = d;
	}
	for (size_t len = 4; len <= 7 && len < strlen(dob); len += 3) {
		char cand[11];
		int same = 1;
		snprintf(cand, sizeof cand, "%.*s", (int)len, dob);
		for (size_t i = 0; i < n && same; i++)
			same = strcmp(stats_age_group(cand, days[i]), stats_age_group(dob, days[i])) == 0;
		if (same) {
			snprintf(out, 11, "%s", cand);
			break;
		}
	}
out:
	st_finish(s, st);
	free(days);
	return rc;
}

/* The person's own data, and that of every duplicate merged into them. */
static int purge_person(struct cd_store *s, const struct cd_actor *actor, int64_t pid, int anonymise,
			const char *now, struct ret_result *res, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if ((rc = st_prepare(s, "SELECT id FROM person WHERE id = ?1 OR merged_into = ?1 ORDER BY id = ?1 DESC",
			     &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ST_GROW(ids, n, cap);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	st_finish(s, st);
	st = NULL;
	for (size_t i = 0; i < n && !rc; i++) {
		int64_t id = ids[i];
		char uuid[37] = "", dob[11] = "", kept[11];
		if ((rc = text_of(s, "SELECT uuid FROM person WHERE id = ?1", id, uuid, sizeof uuid, err)) ||
		    (rc = text_of(s, "SELECT dob FROM person WHERE id = ?1", id, dob, sizeof dob, err)))
			break;
		if (anonymise) {
			rc = run1(s, "UPDATE person SET surname = ?2, given = '', surname_latin = ?2, given_latin = '',"
				     " purged_at = ?3, purge_action = 'anonymise', updated_at = ?3,"
				     " row_version = row_version + 1 WHERE id = ?1",
				  id, ANONYMISED_NAME, now, NULL, _("anonymising a person"), err);
			if (!rc)
				rc = run1(s, "DELETE FROM alias WHERE person_id = ?1", id, NULL, NULL, NULL,
					  _("anonymising a person's aliases"), err);
			/* Where someone lived identifies them and counts for no statistic: addresses go.
			 * Documents stay (kind, issuer, dates: identity papers counted), as before. */
			if (!rc)
				rc = run1(s, "DELETE FROM address WHERE person_id = ?1", id, NULL, NULL, NULL,
					  _("anonymising a person's addresses"), err);
			/* The person's own history (corrections hold the old and the new name). */
			if (!rc)
				rc = run1(s, "UPDATE event SET note = NULL, old_value = NULL, new_value = NULL,"
					     " text_salt = NULL WHERE case_id IS NULL AND person_id = ?1"
					     " AND text_digest IS NOT NULL AND (note IS NOT NULL OR old_value IS NOT NULL"
					     " OR new_value IS NOT NULL)",
					  id, NULL, NULL, NULL, _("blanking the history of an anonymised person"), err);
		} else {
			if ((rc = coarse_dob(s, id, dob, kept, err)))
				break;
			static const char *const gone[] = {
				"DELETE FROM alias WHERE person_id = ?1",
				"DELETE FROM document WHERE person_id = ?1",
				"DELETE FROM address WHERE person_id = ?1",
				/* Kept: an asylum applicant's link to a spouse or child their application
				 * includes, which the statistics count as an applicant (stats.h). */
				"DELETE FROM family WHERE (person_id = ?1 OR relative_id = ?1)"
				" AND NOT (relation IN ('spouse', 'child') AND EXISTS (SELECT 1 FROM cases c"
				"  WHERE c.person_id = family.person_id AND c.workflow_id = 'asylum')"
				"  AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.person_id = family.relative_id"
				"  AND o.workflow_id = 'asylum'))",
				"DELETE FROM attachment WHERE person_id = ?1",
			};
			rc = run1(s, "UPDATE person SET surname = ?2, given = '', surname_latin = ?2, given_latin = '',"
				     " birth_place = NULL, dob = ?3, purge_action = 'purge',"
				     " row_version = row_version + 1 WHERE id = ?1",
				  id, PURGED_NAME, kept, NULL, _("purging a person"), err);
			if (!rc)
				rc = run1(s, "UPDATE person SET purged_at = ?2, updated_at = ?2 WHERE id = ?1", id, now,
					  NULL, NULL, _("purging a person"), err);
			for (size_t k = 0; k < sizeof gone / sizeof gone[0] && !rc; k++)
				rc = run1(s, gone[k], id, NULL, NULL, NULL, _("purging a person's records"), err);
			if (!rc)
				rc = run1(s, "DELETE FROM biometric WHERE person_id = ?1", id, NULL, NULL,
					  &res->biometrics, _("purging a person's biometrics"), err);
			if (!rc)
				rc = run1(s, "UPDATE event SET note = NULL, old_value = NULL, new_value = NULL,"
					     " text_salt = NULL WHERE case_id IS NULL AND person_id = ?1"
					     " AND note IS NOT NULL AND text_digest IS NOT NULL",
					  id, NULL, NULL, NULL, _("blanking the notes of a purged person"), err);
		}
		/* Not found by any search: the index rows go rather than index a placeholder. */
		if (!rc)
			rc = run1(s, "DELETE FROM person_fts WHERE rowid = ?1", id, NULL, NULL, NULL,
				  _("updating the search index"), err);
		if (!rc)
			rc = run1(s, "DELETE FROM person_key WHERE rowid = ?1", id, NULL, NULL, NULL,
				  _("updating the search index"), err);
		if (!rc)
			rc = record(s, actor, "person", uuid, 0, id, NULL, anonymise ? "anonymise" : "purge", err);
		if (!rc && i == 0)
			*(anonymise ? &res->anonymised : &res->people) += 1;
	}
out:
	st_finish(s, st);
	free(ids);
	return rc;
}

/* A case anonymised with its person: marked, so the plan no longer lists it. */
static int anonymise_case(struct cd_store *s, const struct cd_actor *actor, const struct row *r, const char *now,
			  struct cd_error *err)
{
	char uuid[37] = "";
	int rc = text_of(s, "SELECT uuid FROM cases WHERE id = ?1", r->id, uuid, sizeof uuid, err);
	if (!rc)
		rc = run1(s, "UPDATE cases SET purged_at = ?2, purge_action = 'anonymise' WHERE id = ?1", r->id, now,
			  NULL, NULL, _("marking a case anonymised"), err);
	if (!rc)
		rc = record(s, actor, "case", uuid, r->id, r->person_id, r->workflow_id, "anonymise", err);
	return rc;
}

/* One person's due cases, and the person when no case keeps them: all or nothing. */
static int purge_group(struct cd_store *s, const struct cd_actor *actor, const struct row *rows, size_t first,
		       size_t end, long today, struct ret_result *res, struct cd_error *err)
{
	char now[32];
	int rc, person = 0, anon = 0, any = 0;

	for (size_t i = first; i < end; i++)
		if (is_due(&rows[i], today) && (rows[i].scope == RET_SCOPE_PERSON || rows[i].scope == RET_SCOPE_CASE))
			any = 1;
	if (!any)
		return CD_OK;
	store_now(s, now, sizeof now);
	if ((rc = store_begin(s, err)))
		return rc;
	for (size_t i = first; i < end && !rc; i++) {
		const struct row *r = &rows[i];
		if (!is_due(r, today))
			continue;
		if (r->rule->action == RET_PURGE && r->scope != RET_SCOPE_WAIT) {
			rc = purge_case(s, actor, r, now, err);
			res->cases += rc == CD_OK;
			person |= r->scope == RET_SCOPE_PERSON;
		} else if (r->rule->action == RET_ANONYMISE && r->scope == RET_SCOPE_PERSON) {
			rc = anonymise_case(s, actor, r, now, err);
			anon = 1;
		}
	}
	if (!rc && (person || anon))
		rc = purge_person(s, actor, rows[first].person_id, !person, now, res, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/*
 * Op payloads of purged or anonymised people and cases: the national tier learns of the
 * purge from the purge's own op; the values the older ops carried go, sent or not (an
 * unsent op of a purged person still goes out, as {"purged":true}, so the origin's
 * numbering stays whole).  An op names its record as its entity, or by uuid in its
 * "person" or "case" field (schema 16; "person" and "case" at the top in older ops).
 * One pass over the ops per run, and again on the next run should this one stop before it.
 */
#define GONE_PERSON "(SELECT uuid FROM person WHERE purge_action IS NOT NULL)"
#define GONE_CASE "(SELECT uuid FROM cases WHERE purge_action IS NOT NULL)"
#define ERASE_PAYLOADS(table)                                                                               \
	"UPDATE " table " SET payload = '" PURGED_PAYLOAD "'"                                                   \
	" WHERE payload IS NOT NULL AND payload <> '" PURGED_PAYLOAD "' AND op NOT IN ('purge', 'anonymise') AND (" \
	" entity_uuid IN " GONE_PERSON " OR entity_uuid IN " GONE_CASE                                          \
	" OR (json_valid(payload) AND (json_extract(payload, '$.person') IN " GONE_PERSON                       \
	"  OR json_extract(payload, '$.fields.person.new') IN " GONE_PERSON                                     \
	"  OR json_extract(payload, '$.case') IN " GONE_CASE                                                    \
	"  OR json_extract(payload, '$.fields.case.new') IN " GONE_CASE ")))"
static int purge_outbox(struct cd_store *s, struct cd_error *err)
{
	/* This store's own ops; other stores' ops held here to carry on by bundle (schema 25);
	 * other stores' ops waiting here to be relayed to the tier (schema 23: one already
	 * relayed keeps no payload). */
	static const char *const erase[] = { ERASE_PAYLOADS("outbox"), ERASE_PAYLOADS("held_ops"),
					     ERASE_PAYLOADS("relay_ops") };
	int rc = store_begin(s, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof erase / sizeof erase[0] && !rc; i++)
		rc = st_exec(s, erase[i], err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int retention_run(struct cd_store *s, const struct cd_actor *actor, const struct ret_rule *rules,
		  size_t n_rules, struct ret_result *res, struct cd_error *err)
{
	struct row *rows = NULL;
	size_t n = 0;
	long today = store_today(s);
	int rc;

	memset(res, 0, sizeof *res);
	if (!actor || !(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin may purge what retention makes due; "
							"`casedesk retention plan` lists it"));
	/* Deleted content is overwritten, not merely unlinked from the b-tree. */
	if ((rc = st_exec(s, "PRAGMA secure_delete = ON", err)))
		return rc;
	if ((rc = load_rows(s, rules, n_rules, today, &rows, &n, err)))
		return rc;
	/*
	 * People in batches of RUN_BATCH per transaction: each person is still all or nothing
	 * (a failure rolls back the whole batch), but the store pays one durable commit per
	 * batch instead of one per person, and a desk waits at most one batch for the lock.
	 */
	int open = 0, in_batch = 0;
	for (size_t first = 0, end; first < n && !rc; first = end) {
		for (end = first + 1; end < n && rows[end].person_id == rows[first].person_id; end++)
			;
		if (!open && (rc = store_begin(s, err)))
			break;
		open = 1;
		if ((rc = purge_group(s, actor, rows, first, end, today, res, err)))
			break;
		if (++in_batch == RUN_BATCH) {
			open = in_batch = 0;
			rc = store_commit(s, err);
		}
	}
	if (open && rc)
		store_rollback(s);
	else if (open)
		rc = store_commit(s, err);
	if (!rc)
		rc = purge_outbox(s, err);
	if (!rc && (res->cases || res->people || res->anonymised)) {
		/* Merged segments: a deleted row's terms otherwise live on in older segments. */
		rc = st_exec(s, "INSERT INTO person_fts(person_fts) VALUES ('optimize');"
				"INSERT INTO person_key(person_key) VALUES ('optimize')", err);
		if (!rc) {
			sqlite3_stmt *st = NULL;
			if (st_prepare(s, "PRAGMA wal_checkpoint(TRUNCATE)", &st, NULL) == CD_OK &&
			    sqlite3_step(st) == SQLITE_ROW)
				res->checkpointed = sqlite3_column_int(st, 0) == 0;
			st_finish(s, st);
		}
	}
	free(rows);
	return rc;
}
