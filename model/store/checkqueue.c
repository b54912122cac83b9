/*
 * checkqueue.c - the queue of checks asked of the check gateway; see checkqueue.h.  Apart
 * from checks.c (which records answers by hand) because a queued check has its own life -
 * tries, backoff, a reason it waits - while its answer lands in the same rows and is read
 * by the same guard (checks_current, CHECKS_ANSWER_ORDER).
 */
#include "model/store/checkqueue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/base/i18n.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

/* A pending network check that no hand answer for its list came after (k: checks). */
#define NOT_SUPERSEDED                                                                     \
	" NOT EXISTS (SELECT 1 FROM checks h WHERE h.case_id = k.case_id AND h.list = k.list" \
	" AND h.id > k.id AND h.source != 'network')"

#define BACKOFF_FIRST_S 30
#define BACKOFF_MAX_S 3600
#define RETRY_AFTER_MAX_S 86400

long checkqueue_backoff(int attempts, long retry_after_s, unsigned jitter)
{
	long d = BACKOFF_FIRST_S;

	if (retry_after_s >= 0)
		return retry_after_s < 1 ? 1 : retry_after_s > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S : retry_after_s;
	for (int i = 1; i < attempts && d < BACKOFF_MAX_S; i++)
		d *= 2;
	if (d > BACKOFF_MAX_S)
		d = BACKOFF_MAX_S;
	/* Full backoff halved, plus up to the other half at random. */
	return d / 2 + (long)(jitter % (unsigned)(d - d / 2 + 1));
}

/* One queued row; document_id 0: waiting for a document (not due). */
static int insert_check(struct cd_store *s, int64_t case_id, int64_t person_id, const char *list, int kind,
			int64_t document_id, const char *purpose, const char *asked_at, int64_t next_try,
			struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37];
	int rc;

	if ((rc = st_prepare(s, "INSERT INTO checks(uuid, case_id, person_id, list, asked_at, result, source,"
				" kind, document_id, purpose, next_try, reason)"
				" VALUES (?1,?2,?3,?4,?5,'pending','network',?6,?7,?8,?9,?10)", &st, err)))
		return rc;
	cd_uuid7(uuid);
	st_bind_text(st, 1, uuid);
	sqlite3_bind_int64(st, 2, case_id);
	sqlite3_bind_int64(st, 3, person_id);
	st_bind_text(st, 4, list);
	st_bind_text(st, 5, asked_at);
	st_bind_text(st, 6, kind == CQ_DOCUMENT ? "document" : "person");
	if (document_id || kind == CQ_PERSON) {
		if (document_id)
			sqlite3_bind_int64(st, 7, document_id);
		sqlite3_bind_int64(st, 9, next_try);
	} else {
		/* Stored untranslated, as all store text; shown through _() where read. */
		st_bind_text(st, 10, N_("no identity document entered yet"));
	}
	st_bind_text(st, 8, purpose);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("queueing a check"), err);
	st_finish(s, st);
	return rc;
}

int checkqueue_case_opened(struct cd_store *s, const char *number, const struct cq_lists *lists,
			   struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], purpose[160], today[11];
	int64_t case_id = 0, person_id = 0, *docs = NULL;
	size_t n_docs = 0, cap = 0;
	int rc;

	if (s->bulk || !lists || !lists->n)
		return CD_OK;
	if ((rc = st_prepare(s, "SELECT id, person_id, workflow_id FROM cases WHERE number = ?1", &st, err)))
		return rc;
	st_bind_text(st, 1, number);
	if ((rc = st_row(s, st, _("reading a case"), err)) <= 0) {
		rc = rc < 0 ? CD_ESTORE : cd_error_set(err, CD_ENOTFOUND, _("no case %s"), number);
		goto out;
	}
	case_id = sqlite3_column_int64(st, 0);
	person_id = sqlite3_column_int64(st, 1);
	snprintf(purpose, sizeof purpose, "%s case %s opened", (const char *)sqlite3_column_text(st, 2), number);
	st_finish(s, st);
	st = NULL;
	store_now(s, now, sizeof now);
	snprintf(today, sizeof today, "%.10s", now);
	/* The person's identity documents not expired: each is asked about. */
	if ((rc = st_prepare(s, "SELECT id FROM document WHERE person_id = ?1 AND (expires IS NULL OR expires >= ?2)"
				" ORDER BY id", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, person_id);
	st_bind_text(st, 2, today);
	while ((rc = st_row(s, st, _("reading a person's documents"), err)) > 0) {
		ST_GROW(docs, n_docs, cap);
		docs[n_docs++] = sqlite3_column_int64(st, 0);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	rc = CD_OK;
	for (size_t i = 0; i < lists->n && !rc; i++) {
		if (lists->kinds[i] == CQ_PERSON) {
			rc = insert_check(s, case_id, person_id, lists->lists[i], CQ_PERSON, 0, purpose, now,
					  (int64_t)time(NULL), err);
			continue;
		}
		if (!n_docs)
			rc = insert_check(s, case_id, person_id, lists->lists[i], CQ_DOCUMENT, 0, purpose, now, 0, err);
		for (size_t d = 0; d < n_docs && !rc; d++)
			rc = insert_check(s, case_id, person_id, lists->lists[i], CQ_DOCUMENT, docs[d], purpose, now,
					  (int64_t)time(NULL), err);
	}
out:
	st_finish(s, st);
	free(docs);
	return rc;
}

int checkqueue_document_entered(struct cd_store *s, int64_t person_id, int64_t document_id,
				struct cd_error *err)
{
	struct pair { int64_t case_id; char list[64], purpose[160]; } *v = NULL;
	sqlite3_stmt *st = NULL;
	size_t count = 0, cap = 0;
	char now[32];
	int rc;

	if (s->bulk)
		return CD_OK;
	store_now(s, now, sizeof now);
	/* Read first, then write: the writes go to the table read. */
	if ((rc = st_prepare(s, "SELECT DISTINCT k.case_id, k.list, c.workflow_id, c.number FROM checks k"
				" JOIN cases c ON c.id = k.case_id WHERE c.person_id = ?1 AND c.closed_at IS NULL"
				" AND k.kind = 'document' ORDER BY k.case_id, k.list", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, person_id);
	while ((rc = st_row(s, st, _("reading a person's cases"), err)) > 0) {
		ST_GROW(v, count, cap);
		v[count].case_id = sqlite3_column_int64(st, 0);
		snprintf(v[count].list, sizeof v[count].list, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(v[count].purpose, sizeof v[count].purpose, "%s case %s: document entered",
			 (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3));
		count++;
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	rc = CD_OK;
	for (size_t i = 0; i < count && !rc; i++) {
		if ((rc = st_prepare(s, "UPDATE checks SET document_id = ?3, next_try = ?4, reason = NULL"
					" WHERE id = (SELECT id FROM checks WHERE case_id = ?1 AND list = ?2"
					"  AND kind = 'document' AND document_id IS NULL AND result = 'pending'"
					"  ORDER BY id LIMIT 1)", &st, err)))
			goto out;
		sqlite3_bind_int64(st, 1, v[i].case_id);
		st_bind_text(st, 2, v[i].list);
		sqlite3_bind_int64(st, 3, document_id);
		sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = st_fail(s, _("queueing a check"), err);
			goto out;
		}
		int filled = sqlite3_changes(s->db) == 1;   /* the check that waited for a document asks this one */
		st_finish(s, st);
		st = NULL;
		if (!filled)
			rc = insert_check(s, v[i].case_id, person_id, v[i].list, CQ_DOCUMENT, document_id, v[i].purpose, now,
					  (int64_t)time(NULL), err);
	}
out:
	st_finish(s, st);
	free(v);
	return rc;
}

void checkqueue_free(struct cq_check *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].purpose);
		free(v[i].number);
		free(v[i].issuer);
		free(v[i].doc_kind);
		free(v[i].surname);
		free(v[i].given);
		free(v[i].dob);
		free(v[i].nationality);
	}
	free(v);
}

static int may_run(const struct cd_actor *actor, struct cd_error *err)
{
	if (!(actor->roles & (CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR)))
		return cd_error_set(err, CD_EREFUSED, _("asking the check gateway needs the role caseworker or supervisor "
							 "(a service account is a user with the role caseworker)"));
	return CD_OK;
}

int checkqueue_due(struct cd_store *s, const struct cd_actor *actor, int64_t now, size_t limit,
		   struct cq_check **out, size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cq_check *v = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = may_run(actor, err)))
		return rc;
	if ((rc = store_begin(s, err)))
		return rc;
	/* Names as the lists hold them: the Latin (ICAO) form where there is one. */
	if ((rc = st_prepare(s, "SELECT k.id, k.uuid, k.list, c.number, k.kind, k.attempts, k.purpose,"
				" d.number, d.issuer, d.kind,"
				" coalesce(nullif(p.surname_latin, ''), p.surname), coalesce(nullif(p.given_latin, ''), p.given),"
				" p.dob, p.nationality, c.workflow_id, c.uuid"
				" FROM checks k JOIN cases c ON c.id = k.case_id JOIN person p ON p.id = c.person_id"
				" LEFT JOIN document d ON d.id = k.document_id"
				" WHERE k.source = 'network' AND k.result = 'pending' AND k.next_try IS NOT NULL"
				" AND k.next_try <= ?1 AND c.closed_at IS NULL AND (k.kind = 'person' OR d.id IS NOT NULL)"
				" AND" NOT_SUPERSEDED " ORDER BY k.next_try, k.id", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, now);
	while (count < limit && (rc = st_row(s, st, _("reading the check queue"), err)) > 0) {
		if (!cd_workflows_include(actor->workflows, (const char *)sqlite3_column_text(st, 14)))
			continue;   /* need-to-know: another desk's service account asks those */
		ST_GROW(v, count, cap);
		struct cq_check *c = &v[count++];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(st, 0);
		snprintf(c->uuid, sizeof c->uuid, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(c->list, sizeof c->list, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(c->case_number, sizeof c->case_number, "%s", (const char *)sqlite3_column_text(st, 3));
		c->kind = strcmp((const char *)sqlite3_column_text(st, 4), "document") == 0 ? CQ_DOCUMENT : CQ_PERSON;
		c->attempts = sqlite3_column_int(st, 5);
		c->purpose = st_dup_column(st, 6);
		if (c->kind == CQ_DOCUMENT) {
			c->number = st_dup_column(st, 7);
			c->issuer = st_dup_column(st, 8);
			c->doc_kind = st_dup_column(st, 9);
		} else {
			c->surname = st_dup_column(st, 10);
			c->given = st_dup_column(st, 11);
			c->dob = st_dup_column(st, 12);
			c->nationality = st_dup_column(st, 13);
		}
		/* Read to be sent: audited per case, with the list it is sent for. */
		char why[128];
		snprintf(why, sizeof why, "check run: list %s to the check gateway", c->list);
		if ((rc = store_add_audit(s, actor, "read", "case", (const char *)sqlite3_column_text(st, 15), why, err)))
			goto out;
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = store_commit(s, err)))
		goto done;
	*out = v;
	*n = count;
	return CD_OK;
out:
	st_finish(s, st);
	store_rollback(s);
done:
	checkqueue_free(v, count);
	return rc;
}

int checkqueue_next_due(struct cd_store *s, const struct cd_actor *actor, int64_t *when, struct cd_error *err)
{
	(void)actor;
	*when = 0;
	return st_count(s, "SELECT coalesce(min(k.next_try), 0) FROM checks k JOIN cases c ON c.id = k.case_id"
			" WHERE k.source = 'network' AND k.result = 'pending' AND k.next_try IS NOT NULL"
			" AND c.closed_at IS NULL AND" NOT_SUPERSEDED,
			_("reading the check queue"), when, err);
}

/* The queued check and its case, read inside the record's transaction. */
struct queued {
	char uuid[37], list[64], result[16], purpose[200], case_uuid[37], number[40];
	int64_t case_id, person_id;
	int closed;
};

static int queued_read(struct cd_store *s, int64_t id, struct queued *q, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(q, 0, sizeof *q);
	if ((rc = st_prepare(s, "SELECT k.uuid, k.list, coalesce(k.result, ''), coalesce(k.purpose, ''), c.uuid, c.number,"
				" c.id, c.person_id, c.closed_at IS NOT NULL FROM checks k JOIN cases c ON c.id = k.case_id"
				" WHERE k.id = ?1 AND k.source = 'network'", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = st_row(s, st, _("reading the check queue"), err)) > 0) {
		snprintf(q->uuid, sizeof q->uuid, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(q->list, sizeof q->list, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(q->result, sizeof q->result, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(q->purpose, sizeof q->purpose, "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(q->case_uuid, sizeof q->case_uuid, "%s", (const char *)sqlite3_column_text(st, 4));
		snprintf(q->number, sizeof q->number, "%s", (const char *)sqlite3_column_text(st, 5));
		q->case_id = sqlite3_column_int64(st, 6);
		q->person_id = sqlite3_column_int64(st, 7);
		q->closed = sqlite3_column_int(st, 8);
		rc = CD_OK;
	} else {
		rc = rc < 0 ? CD_ESTORE : cd_error_set(err, CD_ENOTFOUND, _("no queued check %lld"), (long long)id);
	}
	st_finish(s, st);
	return rc;
}

/* An answer is a change to the case: its row_version rises (see checks.c, bump_version). */
static int case_touch(struct cd_store *s, const struct cd_actor *actor, int64_t case_id, const char *at,
		      int64_t *version, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = st_prepare(s, "UPDATE cases SET row_version = row_version + 1, updated_at = ?2, updated_by = ?3"
				" WHERE id = ?1 RETURNING row_version", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, case_id);
	st_bind_text(st, 2, at);
	st_bind_text(st, 3, actor->name);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*version = sqlite3_column_int64(st, 0);
		rc = CD_OK;
	} else {
		rc = st_fail(s, _("saving the case"), err);
	}
	st_finish(s, st);
	return rc;
}

/* The disclosure: what was sent, to whom, why (no personal data in the row). */
static int disclose(struct cd_store *s, const struct cd_actor *actor, const struct queued *q, const char *gateway,
		    struct cd_error *err)
{
	char purpose[512];
	snprintf(purpose, sizeof purpose, "check gateway%s%.200s, list %s: %s", gateway && gateway[0] ? " " : "",
		 gateway ? gateway : "", q->list, q->purpose);
	return store_add_audit(s, actor, "disclose", "case", q->case_uuid, purpose, err);
}

int checkqueue_record(struct cd_store *s, const struct cd_actor *actor, int64_t id, const struct cq_answer *a,
		      int64_t now, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char at[32], note[400] = "";
	const char *result = NULL;
	int64_t version = 0;
	struct queued q;
	int rc;

	if ((rc = may_run(actor, err)))
		return rc;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = queued_read(s, id, &q, err)))
		goto out;
	if (strcmp(q.result, "pending") != 0) {
		/* Nothing written: this level ends without dooming a caller's group of answers. */
		if ((rc = store_commit(s, err)))
			return rc;
		return cd_error_set(err, CD_ECONFLICT, _("case %s: the check on %s was answered meanwhile (%s)"), q.number,
				    q.list, q.result);
	}
	store_now(s, at, sizeof at);
	switch (a->outcome) {
	case CQ_CLEAR:
		result = "clear";
		break;
	case CQ_HIT:
		result = "hit";
		snprintf(note, sizeof note, "list %s, reference %s%s%s", a->list && a->list[0] ? a->list : q.list,
			 a->reference && a->reference[0] ? a->reference : "-", a->checked_at && a->checked_at[0] ? ", checked " : "",
			 a->checked_at ? a->checked_at : "");
		break;
	case CQ_FAILED:
		result = "error";
		snprintf(note, sizeof note, "%s", a->reason && a->reason[0] ? a->reason : "refused by the gateway");
		break;
	case CQ_RETRY:
		break;
	default:
		rc = cd_error_set(err, CD_EINTERNAL, _("internal error: an answer with no outcome; please report it"));
		goto out;
	}
	if (!result) {
		if ((rc = st_prepare(s, "UPDATE checks SET attempts = attempts + 1, reason = ?2,"
					" next_try = ?3 + 0 WHERE id = ?1", &st, err)))
			goto out;
		int attempts = 0;
		{
			sqlite3_stmt *t = NULL;
			if ((rc = st_prepare(s, "SELECT attempts FROM checks WHERE id = ?1", &t, err)))
				goto out;
			sqlite3_bind_int64(t, 1, id);
			if (sqlite3_step(t) == SQLITE_ROW)
				attempts = sqlite3_column_int(t, 0);
			st_finish(s, t);
		}
		sqlite3_bind_int64(st, 1, id);
		st_bind_text(st, 2, a->reason && a->reason[0] ? a->reason : "not answered");
		sqlite3_bind_int64(st, 3, now + checkqueue_backoff(attempts + 1, a->retry_after_s, a->jitter));
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = st_fail(s, _("saving a check"), err);
			goto out;
		}
		/* Something reached the gateway (it answered, if badly): that was a disclosure. */
		if (a->http_status > 0 && (rc = disclose(s, actor, &q, a->gateway, err)))
			goto out;
		rc = store_commit(s, err);
		goto done;
	}
	if ((rc = st_prepare(s, "UPDATE checks SET result = ?2, answered_at = ?3, attempts = attempts + 1,"
				" next_try = NULL, reason = ?4, note = ?5, recorded_by = ?6 WHERE id = ?1", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	st_bind_text(st, 2, result);
	st_bind_text(st, 3, at);
	st_bind_text(st, 4, a->outcome == CQ_FAILED ? note : NULL);
	st_bind_text(st, 5, note[0] ? note : NULL);
	/* Who ran the ask is who recorded its answer: the four-eyes rule (checks_clear, and the
	 * trigger checks_clearing) keeps a supervisor who ran `check run` from clearing the hit
	 * it brought; a service account's hit any supervisor clears. */
	if (actor->user_id)
		sqlite3_bind_int64(st, 6, actor->user_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("saving a check"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = case_touch(s, actor, q.case_id, at, &version, err)))
		goto out;
	{
		struct cd_event ev = { .case_id = q.case_id, .person_id = q.person_id, .kind = "check", .field = q.list,
				       .old_value = "pending", .new_value = result, .note = note[0] ? note : NULL,
				       .row_version = version };
		if ((rc = store_add_event(s, actor, &ev, err)))
			goto out;
	}
	if ((a->outcome != CQ_FAILED || a->http_status > 0) && (rc = disclose(s, actor, &q, a->gateway, err)))
		goto out;
	rc = store_commit(s, err);
	goto done;
out:
	st_finish(s, st);
	st = NULL;
	store_rollback(s);
done:
	st_finish(s, st);
	return rc;
}

int checkqueue_requeue_row(struct cd_store *s, const struct cd_actor *actor, int64_t id, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], kind[16] = "", list[64] = "", purpose[200] = "";
	int64_t doc = 0, version = 0, case_id = 0, person_id = 0;
	int rc;

	if ((rc = st_prepare(s, "SELECT coalesce(k.kind, ''), k.list, coalesce(k.document_id, 0), coalesce(k.purpose, ''),"
				" c.id, c.person_id FROM checks k JOIN cases c ON c.id = k.case_id"
				" WHERE k.id = ?1 AND k.source = 'network' AND k.result = 'error'", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = st_row(s, st, _("reading a case's checks"), err)) > 0) {
		snprintf(kind, sizeof kind, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(list, sizeof list, "%s", (const char *)sqlite3_column_text(st, 1));
		doc = sqlite3_column_int64(st, 2);
		snprintf(purpose, sizeof purpose, "%s", (const char *)sqlite3_column_text(st, 3));
		case_id = sqlite3_column_int64(st, 4);
		person_id = sqlite3_column_int64(st, 5);
		rc = CD_OK;
	} else {
		rc = rc < 0 ? CD_ESTORE : cd_error_set(err, CD_EREFUSED, _("check %lld is no failed network check"),
						       (long long)id);
	}
	st_finish(s, st);
	if (rc)
		return rc;
	store_now(s, now, sizeof now);
	if ((rc = insert_check(s, case_id, person_id, list, strcmp(kind, "document") == 0 ? CQ_DOCUMENT : CQ_PERSON, doc,
			       purpose, now, (int64_t)time(NULL), err)) ||
	    (rc = case_touch(s, actor, case_id, now, &version, err)))
		return rc;
	/* Its own kind: a check asked again is no answer (store check compares answers with
	 * their `check` events). */
	struct cd_event ev = { .case_id = case_id, .person_id = person_id, .kind = "check_requeued", .field = list,
			       .old_value = "error", .new_value = "pending", .row_version = version };
	return store_add_event(s, actor, &ev, err);
}

int checkqueue_pending_count(struct cd_store *s, int64_t *n, struct cd_error *err)
{
	*n = 0;
	return st_count(s, "SELECT count(*) FROM checks k JOIN cases c ON c.id = k.case_id"
			" WHERE k.source = 'network' AND k.result = 'pending' AND c.closed_at IS NULL AND" NOT_SUPERSEDED,
			_("reading the check queue"), n, err);
}

void checkqueue_hits_free(struct cq_hit *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].source);
		free(v[i].note);
		free(v[i].answered_at);
	}
	free(v);
}

int checkqueue_hits(struct cd_store *s, const struct cd_actor *actor, struct cq_hit **out, size_t *n,
		    struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cq_hit *v = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!(actor->roles & CD_ROLE_SUPERVISOR))
		return cd_error_set(err, CD_EREFUSED, _("the hits to review are the supervisors'"));
	if ((rc = st_prepare(s, "SELECT c.number, k.list, k.source, k.note, k.answered_at, c.workflow_id"
				" FROM checks k JOIN cases c ON c.id = k.case_id"
				" WHERE k.result = 'hit' AND k.cleared_at IS NULL AND c.closed_at IS NULL"
				" ORDER BY k.answered_at, k.id", &st, err)))
		return rc;
	while ((rc = st_row(s, st, _("reading the checks' hits"), err)) > 0) {
		if (!cd_workflows_include(actor->workflows, (const char *)sqlite3_column_text(st, 5)))
			continue;
		ST_GROW(v, count, cap);
		struct cq_hit *h = &v[count++];
		memset(h, 0, sizeof *h);
		snprintf(h->case_number, sizeof h->case_number, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(h->list, sizeof h->list, "%s", (const char *)sqlite3_column_text(st, 1));
		h->source = st_dup_column(st, 2);
		h->note = st_dup_column(st, 3);
		h->answered_at = st_dup_column(st, 4);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = store_begin(s, err)))
		goto out;
	if ((rc = store_add_audit(s, actor, "list", "checks", NULL, "check hits to review", err))) {
		store_rollback(s);
		goto out;
	}
	if ((rc = store_commit(s, err)))
		goto out;
	*out = v;
	*n = count;
	return CD_OK;
out:
	st_finish(s, st);
	checkqueue_hits_free(v, count);
	return rc;
}
