/*
 * review.c - the duplicate review queue (review.h): filled by op_apply as persons arrive
 * from other offices, read and decided by supervisors.
 *
 * Why the check runs inside op_apply's transaction and not after a sync: a person applied
 * and never checked (a sync killed between the two) would be a duplicate nobody sees; in
 * one transaction the arrival and its review rows are durable together or not at all.
 * Why a pair's score may rise while it is open: a person's ops come one by one, the person
 * first and its passport later; the passport's number is the strongest evidence there is.
 */
#include "model/store/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/store/dupes.h"
#include "model/store/merge.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

static int warn_threshold = DUPES_WARN_DEFAULT;

void review_set_warn(int warn)
{
	if (warn >= 1 && warn <= 100)
		warn_threshold = warn;
}

int review_warn(void)
{
	return warn_threshold;
}

/* ---- the queue filled ---------------------------------------------------------------- */

/* Queues (or raises) one pair; *added 1 when a row was written. */
static int queue_pair(struct cd_store *s, const char *person_uuid, const char *cand_uuid, int score,
		      const char *why, const char *office, const char *now, int *added, struct cd_error *err)
{
	/* One statement a pair (a pull queues hundreds of thousands): a new pair is queued, a
	 * pair queued undecided with a lower score is raised, anything else stays. */
	static const char sql[] = "INSERT INTO dupe_review(uuid, person_uuid, candidate_uuid, score, reasons,"
				  " origin_office, queued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
				  " ON CONFLICT(person_uuid, candidate_uuid) DO UPDATE SET score = excluded.score,"
				  " reasons = excluded.reasons WHERE decision IS NULL AND score < excluded.score";
	sqlite3_stmt *st = NULL;
	char uuid[37];
	int rc;

	*added = 0;
	if ((rc = st_prepare(s, sql, &st, err)))
		return rc;
	cd_uuid7(uuid);
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, person_uuid);
	st_bind_text(st, 3, cand_uuid);
	sqlite3_bind_int(st, 4, score);
	st_bind_text(st, 5, why);
	st_bind_text(st, 6, office);
	st_bind_text(st, 7, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("queueing a possible duplicate"), err);
	else
		*added = sqlite3_changes(s->db) > 0;
	st_finish(s, st);
	return rc;
}

int review_on_arrival(struct cd_store *s, const char *entity, int64_t row_id, const char *origin_office,
		      const char *now, int *queued, struct cd_error *err)
{
	static const char doc_sql[] = "SELECT person_id, number FROM document WHERE id = ?1";
	static const char person_sql[] = "SELECT uuid, surname, given, surname_latin, given_latin, dob, nationality,"
					 " merged_into FROM person WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	struct cd_dupe *d = NULL;
	size_t nd = 0;
	int64_t person_id = 0;
	char *doc = NULL, *uuid = NULL, *sur = NULL, *giv = NULL, *sl = NULL, *gl = NULL, *dob = NULL, *nat = NULL;
	int rc = CD_OK, r, merged = 0;

	if (queued)
		*queued = 0;
	if (strcmp(entity, "person") == 0) {
		person_id = row_id;
	} else if (strcmp(entity, "document") == 0) {
		if ((rc = st_prepare(s, doc_sql, &st, err)))
			return rc;
		sqlite3_bind_int64(st, 1, row_id);
		if ((r = st_row(s, st, _("reading an arrived document"), err)) > 0) {
			person_id = sqlite3_column_int64(st, 0);
			doc = st_dup_column(st, 1);
		}
		st_finish(s, st);
		st = NULL;
		if (r < 0)
			return CD_ESTORE;
	}
	if (!person_id)
		goto out;
	if ((rc = st_prepare(s, person_sql, &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, person_id);
	if ((r = st_row(s, st, _("reading an arrived person"), err)) > 0) {
		uuid = st_dup_column(st, 0);
		sur = st_dup_column(st, 1);
		giv = st_dup_column(st, 2);
		sl = st_dup_column(st, 3);
		gl = st_dup_column(st, 4);
		dob = st_dup_column(st, 5);
		nat = st_dup_column(st, 6);
		merged = sqlite3_column_type(st, 7) != SQLITE_NULL;
	}
	st_finish(s, st);
	st = NULL;
	if (r < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	if (r == 0 || merged || !uuid)
		goto out;   /* a person merged away here is reviewed already */
	{
		struct cd_person_input in = { .surname = sur, .given = giv, .surname_latin = sl, .given_latin = gl,
					      .dob = dob, .nationality = nat };
		struct cd_error e2 = CD_ERROR_INIT;
		rc = dupes_find_from(s, &in, doc, warn_threshold, &d, &nd, &e2);
		if (rc == CD_EINPUT) {
			/* A date of birth this program would not take at registration came from another
			 * store: nothing to compare by it, and no reason to refuse the op. */
			in.dob = NULL;
			cd_error_clear(&e2);
			rc = dupes_find_from(s, &in, doc, warn_threshold, &d, &nd, &e2);
		}
		if (rc) {
			*err = e2;
			goto out;
		}
	}
	/* dupes_find read each listed person's row (numbers are unique): its uuid, and whether
	 * it was merged away, come with it. */
	for (size_t i = 0; i < nd && d[i].score >= warn_threshold; i++) {
		int added = 0;
		if (d[i].id == person_id || d[i].merged || !d[i].uuid[0])
			continue;   /* the arrived person itself, or one merged away */
		if ((rc = queue_pair(s, uuid, d[i].uuid, d[i].score, d[i].why, origin_office, now, &added, err)))
			goto out;
		if (queued)
			*queued += added;
	}
out:
	st_finish(s, st);
	dupes_free(d, nd);
	free(doc);
	free(uuid);
	free(sur);
	free(giv);
	free(sl);
	free(gl);
	free(dob);
	free(nat);
	return rc;
}

/* ---- the queue read ------------------------------------------------------------------ */

#define COLUMNS                                                                                           \
	"r.id, r.uuid, r.person_uuid, coalesce(a.number, ''), r.candidate_uuid, coalesce(b.number, ''),"    \
	" r.score, r.reasons, coalesce(r.origin_office, ''), r.queued_at, coalesce(r.decided_by, ''),"      \
	" coalesce(r.decided_at, ''), coalesce(r.decision, ''), coalesce(r.reason, ''),"                    \
	" trim(coalesce(a.surname, '') || ', ' || coalesce(a.given, ''), ', '), coalesce(a.dob, ''),"       \
	" coalesce(a.nationality, ''),"                                                                    \
	" trim(coalesce(b.surname, '') || ', ' || coalesce(b.given, ''), ', '), coalesce(b.dob, ''),"       \
	" coalesce(b.nationality, '')"                                                                     \
	" FROM dupe_review r LEFT JOIN person a ON a.uuid = r.person_uuid"                                 \
	" LEFT JOIN person b ON b.uuid = r.candidate_uuid"

static void copy(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, struct cd_review *r, int names)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy(r->uuid, sizeof r->uuid, st, 1);
	copy(r->person_uuid, sizeof r->person_uuid, st, 2);
	copy(r->person_number, sizeof r->person_number, st, 3);
	copy(r->candidate_uuid, sizeof r->candidate_uuid, st, 4);
	copy(r->candidate_number, sizeof r->candidate_number, st, 5);
	r->score = sqlite3_column_int(st, 6);
	copy(r->reasons, sizeof r->reasons, st, 7);
	copy(r->origin_office, sizeof r->origin_office, st, 8);
	copy(r->queued_at, sizeof r->queued_at, st, 9);
	copy(r->decided_by, sizeof r->decided_by, st, 10);
	copy(r->decided_at, sizeof r->decided_at, st, 11);
	copy(r->decision, sizeof r->decision, st, 12);
	copy(r->reason, sizeof r->reason, st, 13);
	if (names) {
		r->person_names = st_dup_column(st, 14);
		copy(r->person_dob, sizeof r->person_dob, st, 15);
		copy(r->person_nat, sizeof r->person_nat, st, 16);
		r->candidate_names = st_dup_column(st, 17);
		copy(r->candidate_dob, sizeof r->candidate_dob, st, 18);
		copy(r->candidate_nat, sizeof r->candidate_nat, st, 19);
	}
}

void review_clear(struct cd_review *r)
{
	if (!r)
		return;
	free(r->person_names);
	free(r->candidate_names);
	r->person_names = r->candidate_names = NULL;
}

void review_free(struct cd_review *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		review_clear(&rows[i]);
	free(rows);
}

static int supervisor(const struct cd_actor *actor, struct cd_error *err)
{
	if (actor && (actor->roles & CD_ROLE_SUPERVISOR))
		return CD_OK;
	return cd_error_set(err, CD_EREFUSED, _("the duplicate review queue is for supervisors; %s is not one"),
			    actor ? actor->name : "?");
}

/* Both persons of a row read: one audit row each. */
static int audit_pair(struct cd_store *s, const struct cd_actor *actor, const struct cd_review *r,
		      struct cd_error *err)
{
	int rc = store_add_audit(s, actor, "read", "person", r->person_uuid, "duplicate review", err);
	if (!rc)
		rc = store_add_audit(s, actor, "read", "person", r->candidate_uuid, "duplicate review", err);
	return rc;
}

int review_list(struct cd_store *s, const struct cd_actor *actor, int all, struct cd_review **out, size_t *n,
		struct cd_error *err)
{
	static const char open_sql[] = "SELECT " COLUMNS " WHERE r.decision IS NULL ORDER BY r.score DESC, r.id";
	static const char all_sql[] = "SELECT " COLUMNS " ORDER BY r.decision IS NOT NULL, r.score DESC, r.id";
	sqlite3_stmt *st = NULL;
	struct cd_review *rows = NULL;
	size_t cap = 0, got = 0;
	int rc, r;

	*out = NULL;
	*n = 0;
	if ((rc = supervisor(actor, err)) || (rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, all ? all_sql : open_sql, &st, err)))
		goto out;
	while ((r = st_row(s, st, _("reading the duplicate review queue"), err)) > 0) {
		ST_GROW(rows, got, cap);
		read_row(st, &rows[got++], 1);
	}
	if (r < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	for (size_t i = 0; i < got && !rc; i++)
		rc = audit_pair(s, actor, &rows[i], err);
	if (rc)
		goto out;
	if ((rc = store_commit(s, err)))
		goto out_nort;
	*out = rows;
	*n = got;
	return CD_OK;
out:
	st_finish(s, st);
	store_rollback(s);
out_nort:
	review_free(rows, got);
	return rc;
}

int review_open_count(struct cd_store *s, int64_t *n, struct cd_error *err)
{
	return st_count(s, "SELECT count(*) FROM dupe_review WHERE decision IS NULL", _("counting possible duplicates"), n, err);
}

/* The row `ref` names (its number or uuid), inside the caller's transaction. */
static int find(struct cd_store *s, const char *ref, struct cd_review *out, struct cd_error *err)
{
	static const char sql[] = "SELECT " COLUMNS " WHERE r.uuid = lower(?1)"
				  " OR (?1 GLOB '[0-9]*' AND ?1 NOT GLOB '*[^0-9]*' AND r.id = CAST(?1 AS INTEGER))";
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, ref);
	int r = st_row(s, st, _("reading the duplicate review queue"), err);
	if (r > 0)
		read_row(st, out, 1);
	else
		rc = r < 0 ? CD_ESTORE
			   : cd_error_set(err, CD_ENOTFOUND, _("no duplicate review %s in this store; `casedesk review "
							       "list` lists the open ones"), ref ? ref : "");
	st_finish(s, st);
	return rc;
}

int review_show(struct cd_store *s, const struct cd_actor *actor, const char *ref, struct cd_review *out,
		struct cd_error *err)
{
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = supervisor(actor, err)) || (rc = store_begin(s, err)))
		return rc;
	if ((rc = find(s, ref, out, err)) || (rc = audit_pair(s, actor, out, err)))
		goto out;
	if ((rc = store_commit(s, err)))
		goto out_nort;
	return CD_OK;
out:
	store_rollback(s);
out_nort:
	review_clear(out);
	return rc;
}

/* ---- the queue decided --------------------------------------------------------------- */

/*
 * The decision as an op of its own ("review", on this store's person of the pair: persons'
 * ops reach every office), so that a store with the same pair open closes it (apply.c)
 * rather than leaving it open twice.  No fields: nothing of the person changes by it.
 */
static int decision_op(struct cd_store *s, const struct cd_actor *actor, const struct cd_review *r,
		       const char *decision, const char *reason, struct cd_error *err)
{
	struct cd_op op;
	int rc;

	op_init(&op, 0);
	struct json_writer *w = op_meta(&op, "review");
	json_object(w);
	json_kv_string(w, "person", r->person_uuid);
	json_kv_string(w, "candidate", r->candidate_uuid);
	json_kv_string(w, "decision", decision);
	json_kv_string(w, "by", actor->name);
	json_kv_string(w, "reason", reason);
	json_object_end(w);
	rc = op_record(s, actor, NULL, "duplicate review", &op, "person", r->candidate_uuid, "review", err);
	op_release(&op);
	return rc;
}

static int decide(struct cd_store *s, const struct cd_actor *actor, const struct cd_review *r,
		  const char *decision, const char *reason, const char *survivor, struct cd_error *err)
{
	static const char sql[] = "UPDATE dupe_review SET decision = ?2, decided_by = ?3, decided_at = ?4,"
				  " reason = ?5 WHERE id = ?1 AND decision IS NULL";
	sqlite3_stmt *st = NULL;
	char now[32], note[160];
	int64_t pid = 0;
	int rc;

	store_now(s, now, sizeof now);
	if ((rc = st_prepare(s, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, r->id);
	st_bind_text(st, 2, decision);
	st_bind_text(st, 3, actor->name);
	st_bind_text(st, 4, now);
	st_bind_text(st, 5, reason);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("recording the duplicate review's decision"), err);
	else if (sqlite3_changes(s->db) != 1)
		rc = cd_error_set(err, CD_ECONFLICT, _("duplicate review %lld was decided meanwhile"), (long long)r->id);
	st_finish(s, st);
	st = NULL;
	if (rc)
		return rc;
	/* The event goes on this store's person (or the survivor): the history shows the review. */
	if ((rc = st_prepare(s, "SELECT id FROM person WHERE uuid = ?1 OR number = ?1", &st, err)))
		return rc;
	st_bind_text(st, 1, survivor ? survivor : r->candidate_uuid);
	int got = st_row(s, st, _("reading a reviewed person"), err);
	if (got > 0)
		pid = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	if (got < 0)
		return CD_ESTORE;
	snprintf(note, sizeof note, "duplicate review %lld (%s, score %d): %s", (long long)r->id,
		 r->origin_office[0] ? r->origin_office : "?", r->score, decision);
	struct cd_event ev = { .person_id = pid, .kind = "duplicate_reviewed", .field = "dupe_review",
			       .new_value = decision, .note = note };
	if ((rc = store_add_event(s, actor, &ev, err)))
		return rc;
	return decision_op(s, actor, r, decision, reason, err);
}

static int open_row(struct cd_store *s, const struct cd_actor *actor, const char *ref, const char *reason,
		    struct cd_review *r, struct cd_error *err)
{
	int rc;
	if ((rc = supervisor(actor, err)))
		return rc;
	if (!reason || !*reason)
		return cd_error_set(err, CD_EINPUT, _("a duplicate review is decided with a reason (--reason TEXT)"));
	if ((rc = find(s, ref, r, err)))
		return rc;
	if (r->decision[0])
		return cd_error_set(err, CD_EREFUSED, _("duplicate review %lld was decided already: %s by %s at %s"),
				    (long long)r->id, r->decision, r->decided_by, r->decided_at);
	return CD_OK;
}

int review_dismiss(struct cd_store *s, const struct cd_actor *actor, const char *ref, const char *reason,
		   struct cd_error *err)
{
	struct cd_review r = { 0 };
	int rc;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = open_row(s, actor, ref, reason, &r, err)) ||
	    (rc = decide(s, actor, &r, "dismissed", reason, NULL, err))) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, err);
out:
	review_clear(&r);
	return rc;
}

int review_merge(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key, const char *ref,
		 int keep_arrived, const char *reason, char survivor[32], char duplicate[32], struct cd_error *err)
{
	struct cd_review r = { 0 };
	struct cd_merge_summary sum;
	int rc;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = open_row(s, actor, ref, reason, &r, err)))
		goto fail;
	const char *keep = keep_arrived ? r.person_uuid : r.candidate_uuid;
	const char *drop = keep_arrived ? r.candidate_uuid : r.person_uuid;
	if ((rc = merge_person(s, actor, key, keep, drop, reason, &sum, err)) ||
	    (rc = decide(s, actor, &r, "merged", reason, keep, err)))
		goto fail;
	if ((rc = store_commit(s, err)))
		goto out;
	snprintf(survivor, 32, "%s", sum.survivor);
	snprintf(duplicate, 32, "%s", sum.duplicate);
	goto out;
fail:
	store_rollback(s);
out:
	review_clear(&r);
	return rc;
}

/* ---- a merge made elsewhere ----------------------------------------------------------- */

int review_settle_merged(struct cd_store *s, const struct cd_actor *actor, const char *dup, const char *surv,
			 const char *by, const char *at, const char *reason, int *settled, struct cd_error *err)
{
	/* The open row of the pair (either way round), and whether the merge can be made here
	 * as it was there: both records here and not merged, none merged into the duplicate,
	 * no sealed template of the duplicate to move (that needs the biometric key). */
	static const char find_sql[] =
		"SELECT r.id, r.score, coalesce(r.origin_office, ''),"
		" (SELECT count(*) FROM person p WHERE p.uuid IN (?1, ?2) AND p.merged_into IS NULL),"
		" (SELECT count(*) FROM person p JOIN person d ON p.merged_into = d.id WHERE d.uuid = ?1),"
		" (SELECT count(*) FROM biometric b JOIN person d ON b.person_id = d.id WHERE d.uuid = ?1"
		"  AND b.template IS NOT NULL AND b.synthetic = 0)"
		" FROM dupe_review r WHERE r.decision IS NULL"
		" AND ((r.person_uuid = ?1 AND r.candidate_uuid = ?2) OR (r.person_uuid = ?2 AND r.candidate_uuid = ?1))"
		" ORDER BY r.id LIMIT 1";
	static const char close_sql[] = "UPDATE dupe_review SET decision = 'merged', decided_by = ?2, decided_at = ?3,"
					" reason = ?4 WHERE id = ?1 AND decision IS NULL";
	struct cd_merge_summary sum;
	struct cd_error ignored = CD_ERROR_INIT;
	sqlite3_stmt *st = NULL;
	char why[600], note[200], office[8] = "";
	int64_t id = 0, pid = 0;
	int rc, r, ok = 0, score = 0;

	*settled = 0;
	if ((rc = st_prepare(s, find_sql, &st, err)))
		return rc;
	st_bind_text(st, 1, dup);
	st_bind_text(st, 2, surv);
	if ((r = st_row(s, st, _("reading the duplicate review of a pair"), err)) > 0) {
		id = sqlite3_column_int64(st, 0);
		score = sqlite3_column_int(st, 1);
		snprintf(office, sizeof office, "%s", (const char *)sqlite3_column_text(st, 2));
		ok = sqlite3_column_int(st, 3) == 2 && sqlite3_column_int(st, 4) == 0 && sqlite3_column_int(st, 5) == 0;
	}
	st_finish(s, st);
	st = NULL;
	if (r < 0)
		return CD_ESTORE;
	if (!id || !ok)
		return CD_OK;
	/* The reason as the merge event's note: the origin's, when it is one line of clean text. */
	if (!reason || !*reason || strlen(reason) > 400 || text_check(reason, "reason", TEXT_LINE, &ignored))
		reason = "merged at another office";
	snprintf(why, sizeof why, "merged at %s: %s", by, reason);
	if (text_check(why, "reason", TEXT_LINE, &ignored))
		snprintf(why, sizeof why, "%s", "merged at another office");
	if ((rc = merge_person_applied(s, actor, surv, dup, why, &sum, err)))
		return rc;
	/* Decided by who merged there (schema 23's marker: the decider need not be a user here). */
	if ((rc = st_exec(s, "INSERT INTO applying(op) VALUES ('review')", err)))
		return rc;
	if ((rc = st_prepare(s, close_sql, &st, err)))
		goto unmark;
	sqlite3_bind_int64(st, 1, id);
	st_bind_text(st, 2, by);
	st_bind_text(st, 3, at);
	st_bind_text(st, 4, reason);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("closing a duplicate review merged at another office"), err);
	st_finish(s, st);
	st = NULL;
	if (rc)
		goto unmark;
	if ((rc = st_prepare(s, "SELECT id FROM person WHERE uuid = ?1", &st, err)))
		goto unmark;
	st_bind_text(st, 1, surv);
	if ((r = st_row(s, st, _("reading a reviewed person"), err)) > 0)
		pid = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	if (r < 0) {
		rc = CD_ESTORE;
		goto unmark;
	}
	snprintf(note, sizeof note, "duplicate review %lld (%s, score %d): merged at %s", (long long)id,
		 office[0] ? office : "?", score, by);
	struct cd_event ev = { .person_id = pid, .kind = "duplicate_reviewed", .field = "dupe_review",
			       .new_value = "merged", .note = note };
	if ((rc = store_add_event(s, actor, &ev, err)))
		goto unmark;
	*settled = 1;
unmark: {
	struct cd_error e2 = CD_ERROR_INIT;
	int rc2 = st_exec(s, "DELETE FROM applying", &e2);
	if (!rc && rc2) {
		rc = rc2;
		*err = e2;
	}
}
	return rc;
}
