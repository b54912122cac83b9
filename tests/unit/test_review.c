/*
 * test_review.c - the duplicate review queue (model/store/review.h) filled by op_apply, with
 * two real training stores in one process as test_apply.c has them: A (office KIT) registers
 * people, B (office TBS) applies A's op log.  A person registered in both with the same name,
 * date of birth and passport queues one row in B when A's person op arrives, scored as
 * dupes_find scores the pair, raised to 100 by the passport's op; a dissimilar person queues
 * nothing; the warn threshold is honoured; a local person merged away is no candidate; a
 * dismissal is made once, by a supervisor, with a reason, and sqlite3 on the file can
 * neither change a decided row nor delete one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/store/apply.h"
#include "model/store/dupes.h"
#include "model/store/merge.h"
#include "model/store/person.h"
#include "model/store/person_edit.h"
#include "model/store/review.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

static char path_b[160];

static int setup(void **state)
{
	(void)state;
	store_dir_make("review");
	snprintf(path_b, sizeof path_b, "%s/b.casedesk", dir);
	setenv("CASEDESK_TODAY", "2026-03-02", 1);
	return 0;
}

/* Everything of `from` that `to` has not applied yet, in order. */
static void sync_all(struct cd_store *from, struct cd_store *to)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_apply_result res;
	struct cd_actor admin;
	sqlite3_stmt *st;
	int64_t hw = 0;
	store_actor(to, "admin", &admin);
	assert_int_equal(op_origin_high_water(to, from->uuid, &hw, &err), CD_OK);
	assert_int_equal(sqlite3_prepare_v2(from->db, "SELECT uuid, origin, origin_seq, entity, entity_uuid, op, at,"
					    " payload FROM outbox WHERE origin_seq > ?1 ORDER BY origin_seq", -1, &st,
					    NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, hw);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct cd_remote_op op = { .uuid = (const char *)sqlite3_column_text(st, 0),
					   .origin = (const char *)sqlite3_column_text(st, 1),
					   .origin_seq = sqlite3_column_int64(st, 2), .origin_office = from->office,
					   .entity = (const char *)sqlite3_column_text(st, 3),
					   .entity_uuid = (const char *)sqlite3_column_text(st, 4),
					   .op = (const char *)sqlite3_column_text(st, 5),
					   .at = (const char *)sqlite3_column_text(st, 6),
					   .payload = (const char *)sqlite3_column_text(st, 7) };
		int rc = op_apply(to, &admin, &op, &res, &err);
		if (rc)
			print_message("op_apply: %s\n", err.msg);
		assert_int_equal(rc, CD_OK);
	}
	sqlite3_finalize(st);
}

static const struct cd_person_input IRYNA = { .surname = "Коваленко", .given = "Ірина", .sex = "F",
					      .dob = "1991-07-04", .nationality = "UKR" };
static const struct cd_person_input CHIDI = { .surname = "Okonkwo", .given = "Chidi", .sex = "M",
					      .dob = "1970-01-15", .nationality = "NGA" };

static void add(struct cd_store *s, const struct cd_person_input *in, const char *passport, struct cd_person *p)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor clerk;
	store_actor(s, "clerk", &clerk);
	assert_int_equal(person_add(s, &clerk, in, p, &err), CD_OK);
	if (passport)
		assert_int_equal(document_add(s, &clerk, p->number, "passport", passport, "UKR", NULL, NULL, 0, &err),
				 CD_OK);
}

/* The score dupes_find gives `in` against the one person of `s` (no document). */
static int name_score(struct cd_store *s, const struct cd_person_input *in)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_dupe *d = NULL;
	size_t n = 0;
	assert_int_equal(dupes_find(s, in, NULL, &d, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	int score = d[0].score;
	dupes_free(d, n);
	return score;
}

static void test_arrival_queued(void **state)
{
	struct cd_store *a = store_at(path, "KIT"), *b = store_at(path_b, "TBS");
	struct cd_person pa, pb, qa;
	char sql[256];
	(void)state;

	review_set_warn(DUPES_WARN_DEFAULT);
	add(b, &IRYNA, "FB123456", &pb);
	int expected = name_score(b, &IRYNA);
	assert_true(expected >= DUPES_WARN_DEFAULT && expected < 100);
	add(a, &IRYNA, NULL, &pa);
	add(a, &CHIDI, NULL, &qa);
	sync_all(a, b);
	/* One row: A's Iryna against B's, scored as dupes_find scores the pair by name. */
	assert_int_equal(store_count(b, "SELECT count(*) FROM dupe_review"), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM dupe_review WHERE person_uuid = '%s' AND candidate_uuid = '%s'"
		 " AND score = %d AND origin_office = 'KIT' AND decision IS NULL", pa.uuid, pb.uuid, expected);
	assert_int_equal(store_count(b, sql), 1);
	/* The dissimilar person queued nothing. */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM dupe_review WHERE person_uuid = '%s'", qa.uuid);
	assert_int_equal(store_count(b, sql), 0);
	/* A's passport arrives: the same number raises the open pair to 100, no second row. */
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor clerk;
	store_actor(a, "clerk", &clerk);
	assert_int_equal(document_add(a, &clerk, pa.number, "passport", "FB123456", "UKR", NULL, NULL, 0, &err), CD_OK);
	sync_all(a, b);
	assert_int_equal(store_count(b, "SELECT count(*) FROM dupe_review"), 1);
	assert_int_equal(store_count(b, "SELECT score FROM dupe_review"), 100);
	/* The open count names nobody and is anyone's. */
	int64_t open = 0;
	assert_int_equal(review_open_count(b, &open, &err), CD_OK);
	assert_int_equal(open, 1);
	store_close(a);
	store_close(b);
}

static void test_threshold_and_merged(void **state)
{
	struct cd_store *a = store_at(path, "KIT"), *b = store_at(path_b, "TBS");
	struct cd_person pa, pb, pb2, ra;
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor sup;
	(void)state;

	add(b, &IRYNA, NULL, &pb);
	/* At warn 100 a match by name alone is not queued. */
	review_set_warn(100);
	add(a, &IRYNA, NULL, &pa);
	sync_all(a, b);
	assert_int_equal(store_count(b, "SELECT count(*) FROM dupe_review"), 0);
	review_set_warn(0);   /* out of range: ignored */
	assert_int_equal(review_warn(), 100);
	review_set_warn(DUPES_WARN_DEFAULT);
	/* A second Iryna in B, merged into the first: only the survivor is a candidate. */
	add(b, &IRYNA, NULL, &pb2);
	store_actor(b, "supervisor", &sup);
	struct cd_merge_summary m;
	assert_int_equal(merge_person(b, &sup, NULL, pb.number, pb2.number, "same person", &m, &err), CD_OK);
	struct cd_person_input again = IRYNA;
	again.given = "Iryna";
	add(a, &again, NULL, &ra);
	sync_all(a, b);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM dupe_review WHERE person_uuid = '%s'", ra.uuid);
	int64_t rows = store_count(b, sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM dupe_review WHERE candidate_uuid = '%s'", pb2.uuid);
	assert_int_equal(store_count(b, sql), 0);
	/* The earlier arrival (pa, not queued at 100) is B's person now, and a candidate. */
	assert_true(rows >= 1);
	store_close(a);
	store_close(b);
}

static void test_dismiss_once(void **state)
{
	struct cd_store *a = store_at(path, "KIT"), *b = store_at(path_b, "TBS");
	struct cd_person pa, pb;
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor sup, cw;
	struct cd_review *rows = NULL;
	size_t n = 0;
	(void)state;

	review_set_warn(DUPES_WARN_DEFAULT);
	add(b, &IRYNA, "FB123456", &pb);
	add(a, &IRYNA, "FB123456", &pa);
	sync_all(a, b);
	store_actor(b, "supervisor", &sup);
	store_actor(b, "caseworker", &cw);
	assert_int_equal(review_list(b, &cw, 0, &rows, &n, &err), CD_EREFUSED);
	cd_error_clear(&err);
	assert_int_equal(review_list(b, &sup, 0, &rows, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].person_number, pa.number);
	assert_string_equal(rows[0].candidate_number, pb.number);
	assert_int_equal(rows[0].score, 100);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)rows[0].id);
	review_free(rows, n);
	/* Listed: both persons audited with the purpose. */
	assert_int_equal(store_count(b, "SELECT count(*) FROM audit WHERE purpose = 'duplicate review'"), 2);

	assert_int_equal(review_dismiss(b, &cw, id, "two people", &err), CD_EREFUSED);
	cd_error_clear(&err);
	assert_int_equal(review_dismiss(b, &sup, id, "", &err), CD_EINPUT);
	cd_error_clear(&err);
	assert_int_equal(review_dismiss(b, &sup, id, "twins, checked by phone", &err), CD_OK);
	assert_int_equal(store_count(b, "SELECT count(*) FROM dupe_review WHERE decision = 'dismissed'"
				  " AND decided_by = 'supervisor' AND reason = 'twins, checked by phone'"), 1);
	assert_int_equal(store_count(b, "SELECT count(*) FROM event WHERE kind = 'duplicate_reviewed'"), 1);
	/* Once. */
	assert_int_equal(review_dismiss(b, &sup, id, "again", &err), CD_EREFUSED);
	cd_error_clear(&err);
	char survivor[32], duplicate[32];
	assert_int_equal(review_merge(b, &sup, NULL, id, 0, "after all", survivor, duplicate, &err), CD_EREFUSED);
	cd_error_clear(&err);
	assert_int_equal(store_count(b, "SELECT count(*) FROM person WHERE merged_into IS NOT NULL"), 0);
	/* sqlite3 on the file: a decided row does not change and does not go. */
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE dupe_review SET decision = 'merged'", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE dupe_review SET reason = 'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "DELETE FROM dupe_review", NULL, NULL, NULL), SQLITE_OK);
	/* Nor is a row queued decided. */
	assert_int_not_equal(sqlite3_exec(b->db, "INSERT INTO dupe_review(uuid, person_uuid, candidate_uuid, score,"
					  " reasons, queued_at, decision) VALUES ('u', 'p', 'c', 70, '', 'now',"
					  " 'dismissed')", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_equal(store_count(b, "SELECT count(*) FROM dupe_review WHERE decision = 'dismissed' AND reason ="
				  " 'twins, checked by phone'"), 1);
	store_close(a);
	store_close(b);
}

/*
 * A decision travels (issue 15): a pair registered at both offices is in review at both;
 * dismissed at A, A's decision is an op ("review") that closes B's row of the same pair,
 * in A's supervisor's name with A's reason and an event on B's person; a pair merged at A
 * is merged at B too when A's merge op arrives, and B's row closed as merged in A's
 * supervisor's name (this test said before that it stayed open for B's own merge: a
 * supervisor at B would have merged it a second time).
 */
static void test_decision_travels(void **state)
{
	struct cd_store *a = store_at(path, "KIT"), *b = store_at(path_b, "TBS");
	static const struct cd_person_input CHIDI_DOC = { .surname = "Okonkwo", .given = "Chidi", .sex = "M",
							  .dob = "1970-01-15", .nationality = "UKR" };
	struct cd_person pa, pb, qa, qb;
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor sup;
	char sql[512], survivor[32], duplicate[32];
	(void)state;

	review_set_warn(DUPES_WARN_DEFAULT);
	add(a, &IRYNA, "FB123456", &pa);
	add(a, &CHIDI_DOC, "FB999111", &qa);
	add(b, &IRYNA, "FB123456", &pb);
	add(b, &CHIDI_DOC, "FB999111", &qb);
	sync_all(a, b);
	sync_all(b, a);
	assert_int_equal(store_count(a, "SELECT count(*) FROM dupe_review WHERE decision IS NULL"), 2);
	assert_int_equal(store_count(b, "SELECT count(*) FROM dupe_review WHERE decision IS NULL"), 2);

	store_actor(a, "supervisor", &sup);
	snprintf(sql, sizeof sql, "SELECT id FROM dupe_review WHERE candidate_uuid = '%s'", pa.uuid);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)store_count(a, sql));
	assert_int_equal(review_dismiss(a, &sup, id, "different fathers' names", &err), CD_OK);
	assert_int_equal(store_count(a, "SELECT count(*) FROM outbox WHERE op = 'review' AND entity = 'person'"), 1);
	snprintf(sql, sizeof sql, "SELECT id FROM dupe_review WHERE candidate_uuid = '%s'", qa.uuid);
	snprintf(id, sizeof id, "%lld", (long long)store_count(a, sql));
	assert_int_equal(review_merge(a, &sup, NULL, id, 0, "the same man", survivor, duplicate, &err), CD_OK);
	assert_int_equal(store_count(a, "SELECT count(*) FROM outbox WHERE op = 'review'"), 2);

	int64_t events = store_count(b, "SELECT count(*) FROM event WHERE kind = 'duplicate_reviewed'");
	sync_all(a, b);
	/* B's row of the pair (either way round) closed in A's name. */
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM dupe_review WHERE person_uuid = '%s' AND candidate_uuid = '%s'"
		 " AND decision = 'dismissed' AND decided_by = 'supervisor (KIT)' AND reason = 'different fathers'' names'",
		 pa.uuid, pb.uuid);
	assert_int_equal(store_count(b, sql), 1);
	/* One event for the dismissal, one for the merged pair below. */
	assert_int_equal(store_count(b, "SELECT count(*) FROM event WHERE kind = 'duplicate_reviewed'"), events + 2);
	/* The merged pair is merged here too, as at A (B's record into A's), and closed as merged. */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM dupe_review WHERE candidate_uuid = '%s' AND decision = 'merged'"
		 " AND decided_by = 'supervisor (KIT)' AND reason = 'the same man'", qb.uuid);
	assert_int_equal(store_count(b, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person p JOIN person q ON q.id = p.merged_into"
		 " WHERE p.uuid = '%s' AND q.uuid = '%s'", qb.uuid, qa.uuid);
	assert_int_equal(store_count(b, sql), 1);
	assert_int_equal(store_count(b, "SELECT count(*) FROM dupe_review WHERE decision IS NULL"), 0);
	assert_int_equal(store_count(b, "SELECT count(*) FROM applied_ops WHERE note LIKE 'applied: the pair in review here is"
				  " merged%'"), 1);
	assert_int_equal(store_count(b, "SELECT count(*) FROM outbox WHERE op = 'merge'"), 0);
	/* sqlite3 on the file still cannot decide a row in a stranger's name (a new pair queued). */
	assert_int_equal(sqlite3_exec(b->db, "INSERT INTO dupe_review(uuid, person_uuid, candidate_uuid, score, reasons,"
				      " queued_at) VALUES ('x-open', 'p-x', 'c-x', 50, 'r', 'now')", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE dupe_review SET decision = 'dismissed', decided_by = 'x (KIT)',"
					  " decided_at = 'now', reason = 'r' WHERE decision IS NULL", NULL, NULL, NULL),
			     SQLITE_OK);
	store_close(a);
	store_close(b);
}

/* ---- a pull's batch, checked against dupes.c's copy of the name keys -------------------- */

/* The rows of `s`'s review queue as person numbers, score and reasons, one per line. */
static char *reviews(struct cd_store *s)
{
	sqlite3_stmt *st;
	size_t len = 0, cap = 1;
	char *out = calloc(1, 1);
	assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT p.number || '|' || c.number || '|' || r.score || '|' || r.reasons"
					    " FROM dupe_review r JOIN person p ON p.uuid = r.person_uuid"
					    " JOIN person c ON c.uuid = r.candidate_uuid ORDER BY 1", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);
		size_t k = strlen(row);
		while (len + k + 2 > cap)
			cap *= 2;
		out = realloc(out, cap);
		assert_non_null(out);
		memcpy(out + len, row, k);
		len += k;
		out[len++] = '\n';
		out[len] = 0;
	}
	sqlite3_finalize(st);
	return out;
}

static const char *const SURNAMES[] = { "Shevchenko", "Kovalenko", "Beridze", "Mohammadi", "Haddad", "Petrenko" };
static const char *const GIVENS[] = { "Olena", "Irina", "Levan", "Reza", "Fatima", "Oksana", "Dmytro" };

/* A crowd of people with shared names and near dates: many candidates for every lookup. */
static void crowd(struct cd_store *s, int n)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor clerk;
	store_actor(s, "clerk", &clerk);
	for (int i = 0; i < n; i++) {
		char dob[16];
		struct cd_person p;
		snprintf(dob, sizeof dob, i % 4 ? "%d-%02d-%02d" : "%d", 1980 + i % 7, 1 + i % 12, 1 + i % 28);
		struct cd_person_input in = { .surname = SURNAMES[i % 6], .given = GIVENS[(i / 6) % 7], .sex = "F",
					      .dob = dob, .nationality = i % 3 ? "UKR" : "GEO" };
		assert_int_equal(person_add(s, &clerk, &in, &p, &err), CD_OK);
	}
}

/* Both search indexes of a store, row by row, as text. */
static const char *index_text(struct cd_store *s)
{
	static char out[2][65536];
	static int which;
	sqlite3_stmt *st;
	size_t len = 0;
	which ^= 1;
	out[which][0] = 0;
	assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT k.rowid || ':' || k.keys || ':' || f.names FROM person_key k"
					    " JOIN person_fts f ON f.rowid = k.rowid ORDER BY k.rowid", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && len + 512 < sizeof out[which])
		len += (size_t)snprintf(out[which] + len, sizeof out[which] - len, "%s\n",
					(const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out[which];
}

/*
 * Two persons arriving in one batch that duplicate each other, and one duplicating a local
 * person: with the copy of the name keys (as a pull makes it) both reviews are queued, and
 * the queue is the one the FTS5 index gives without the copy.
 */
static void test_batch_cached(void **state)
{
	static const struct cd_person_input OLENA = { .surname = "Шевчук", .given = "Олена", .sex = "F",
						      .dob = "1985-03-12", .nationality = "UKR" };
	static const struct cd_person_input OLENA2 = { .surname = "Shevchuck", .given = "Olena", .sex = "F",
						       .dob = "1985-03-12", .nationality = "UKR" };
	char path_c[192];
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *a = store_at(path, "KIT"), *b = store_at(path_b, "TBS"), *c;
	struct cd_person l, lc, x1, x2, y;
	char sql[256];
	(void)state;

	snprintf(path_c, sizeof path_c, "%s/c.casedesk", dir);
	c = store_at(path_c, "TBS");
	review_set_warn(DUPES_WARN_DEFAULT);
	add(b, &IRYNA, NULL, &l);
	add(c, &IRYNA, NULL, &lc);
	crowd(b, 40);
	crowd(c, 40);
	add(a, &OLENA, NULL, &x1);
	add(a, &OLENA2, NULL, &x2);
	add(a, &IRYNA, NULL, &y);
	crowd(a, 60);
	/* B: the batch in one transaction, against the copy; the arrived persons' index rows
	 * wait for the batch's end (dupes_index_flush). */
	int64_t keyed = store_count(b, "SELECT count(*) FROM person_key");
	assert_int_equal(store_begin(b, &err), CD_OK);
	assert_int_equal(dupes_cache_begin(b, &err), CD_OK);
	sync_all(a, b);
	assert_int_equal(store_count(b, "SELECT count(*) FROM person_key"), keyed);
	assert_int_equal(dupes_index_flush(b, &err), CD_OK);
	dupes_cache_end(b);
	assert_int_equal(store_commit(b, &err), CD_OK);
	/* C: op by op, against the FTS5 index. */
	sync_all(a, c);
	/* Both indexes whole and the same: every arrived person found by name. */
	assert_int_equal(store_count(b, "SELECT count(*) FROM person_key"), keyed + 63);
	assert_string_equal(index_text(b), index_text(c));
	snprintf(sql, sizeof sql, "SELECT count(*) FROM dupe_review WHERE person_uuid = '%s' AND candidate_uuid = '%s'",
		 x2.uuid, x1.uuid);
	assert_int_equal(store_count(b, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM dupe_review WHERE person_uuid = '%s' AND candidate_uuid = '%s'",
		 y.uuid, l.uuid);
	assert_int_equal(store_count(b, sql), 1);
	char *qb = reviews(b), *qc = reviews(c);
	assert_true(strlen(qb) > 0);
	assert_string_equal(qb, qc);
	free(qb);
	free(qc);
	store_close(a);
	store_close(b);
	store_close(c);
}

/*
 * A person renamed in the batch that brought it, after it was scored as a candidate: the
 * copy reads it again (its keys computed, its index rows still waiting), so a later arrival
 * under the new name is scored against the new name, and the index holds the new name
 * only - the queue and the index as op by op without the copy.
 */
static void test_batch_renamed(void **state)
{
	static const struct cd_person_input X = { .surname = "Shevchenko", .given = "Olena", .sex = "F",
						  .dob = "1985-03-12", .nationality = "UKR" };
	static const struct cd_person_input Z = { .surname = "Bondarenko", .given = "Olena", .sex = "F",
						  .dob = "1985-03-12", .nationality = "UKR" };
	char path_c[192];
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *a = store_at(path, "KIT"), *b = store_at(path_b, "TBS"), *c;
	struct cd_person x, y, z;
	struct cd_actor cw;
	char sql[256];
	(void)state;

	snprintf(path_c, sizeof path_c, "%s/c.casedesk", dir);
	c = store_at(path_c, "TBS");
	review_set_warn(DUPES_WARN_DEFAULT);
	crowd(b, 30);
	crowd(c, 30);
	add(a, &X, NULL, &x);
	add(a, &X, NULL, &y);   /* scores x: x's words are held */
	struct cd_person_fix fix[] = { { "surname", "Bondarenko" } };
	store_actor(a, "caseworker", &cw);
	assert_int_equal(person_correct(a, &cw, x.number, 0, fix, 1, "passport seen", NULL, &err), CD_OK);
	add(a, &Z, NULL, &z);
	assert_int_equal(store_begin(b, &err), CD_OK);
	assert_int_equal(dupes_cache_begin(b, &err), CD_OK);
	sync_all(a, b);
	assert_int_equal(dupes_index_flush(b, &err), CD_OK);
	dupes_cache_end(b);
	assert_int_equal(store_commit(b, &err), CD_OK);
	sync_all(a, c);
	/* z and x now share every name and the date of birth: the top score. */
	snprintf(sql, sizeof sql, "SELECT score FROM dupe_review WHERE person_uuid = '%s' AND candidate_uuid = '%s'",
		 z.uuid, x.uuid);
	assert_int_equal(store_count(b, sql), store_count(c, sql));
	assert_true(store_count(b, sql) >= 90);
	char *qb = reviews(b), *qc = reviews(c);
	assert_string_equal(qb, qc);
	free(qb);
	free(qc);
	assert_string_equal(index_text(b), index_text(c));
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person_fts WHERE person_fts MATCH '%s' AND rowid ="
		 " (SELECT id FROM person WHERE uuid = '%s')", "Shevchenko", x.uuid);
	assert_int_equal(store_count(b, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person_fts WHERE person_fts MATCH '%s' AND rowid ="
		 " (SELECT id FROM person WHERE uuid = '%s')", "Bondarenko", x.uuid);
	assert_int_equal(store_count(b, sql), 1);
	store_close(a);
	store_close(b);
	store_close(c);
}

/* dupes_find with the copy finds what it finds without, typos and swaps included; a person
 * added while the copy is held is found once noted. */
static void test_cache_same_rows(void **state)
{
	static const struct cd_person_input Q[] = {
		{ .surname = "Shevchenko", .given = "Olena", .dob = "1981-02-02", .nationality = "UKR" },
		{ .surname = "Shevchanko", .given = "Olena", .dob = "1981-02-02", .nationality = "UKR" },
		{ .surname = "Kovalenko", .given = "Irnia", .dob = "1982-03", .nationality = "UKR" },
		{ .surname = "Levan", .given = "Beridze", .dob = "1984", .nationality = "GEO" },
		{ .surname = "Mohamadi", .given = "Reza", .dob = "1983-04-04", .nationality = "GEO" },
		{ .surname = "Petrenko", .given = "Dmytro", .nationality = "UKR" },
		{ .surname = "Хаддад", .given = "Фатима", .dob = "1985-05-05", .nationality = "UKR" },
	};
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *b = store_at(path_b, "TBS");
	(void)state;

	crowd(b, 300);
	for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++) {
		struct cd_dupe *d1 = NULL, *d2 = NULL;
		size_t n1 = 0, n2 = 0;
		assert_int_equal(dupes_cache_begin(b, &err), CD_OK);
		assert_int_equal(dupes_find(b, &Q[i], NULL, &d1, &n1, &err), CD_OK);
		dupes_cache_end(b);
		assert_int_equal(dupes_find(b, &Q[i], NULL, &d2, &n2, &err), CD_OK);
		assert_int_equal(n1, n2);
		for (size_t k = 0; k < n1; k++) {
			assert_string_equal(d1[k].number, d2[k].number);
			assert_int_equal(d1[k].score, d2[k].score);
			assert_string_equal(d1[k].why, d2[k].why);
		}
		dupes_free(d1, n1);
		dupes_free(d2, n2);
	}
	/* Held while a person is added: found once noted. */
	static const struct cd_person_input NEW = { .surname = "Tsereteli", .given = "Nino", .sex = "F", .dob = "1990-01-01",
						    .nationality = "GEO" };
	struct cd_person p;
	struct cd_dupe *d = NULL;
	size_t n = 0;
	assert_int_equal(dupes_cache_begin(b, &err), CD_OK);
	add(b, &NEW, NULL, &p);
	assert_int_equal(dupes_cache_note(b, p.id, &err), CD_OK);
	assert_int_equal(dupes_find(b, &NEW, NULL, &d, &n, &err), CD_OK);
	dupes_cache_end(b);
	assert_true(n >= 1);
	assert_string_equal(d[0].number, p.number);
	dupes_free(d, n);
	store_close(b);
}

/* dupes_find_from lists exactly the head of dupes_find's list at its floor, with each
 * person's row id, uuid and merged state as the person table holds them (the review queue
 * takes the uuid from there instead of a lookup by number). */
static void test_find_from_head(void **state)
{
	static const struct cd_person_input Q[] = {
		{ .surname = "Shevchenko", .given = "Olena", .dob = "1981-02-02", .nationality = "UKR" },
		{ .surname = "Kovalenko", .given = "Irnia", .dob = "1982-03", .nationality = "UKR" },
		{ .surname = "Mohamadi", .given = "Reza", .dob = "1983-04-04", .nationality = "GEO" },
		{ .surname = "Petrenko", .given = "Dmytro", .nationality = "UKR" },
	};
	static const int floors[] = { 0, DUPES_FLOOR, 55, DUPES_WARN_DEFAULT, 75, 100 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *b = store_at(path_b, "TBS");
	size_t listed = 0, narrowed = 0;
	char sql[400];
	(void)state;

	crowd(b, 300);
	for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++) {
		struct cd_dupe *all = NULL;
		size_t nall = 0;
		assert_int_equal(dupes_find(b, &Q[i], NULL, &all, &nall, &err), CD_OK);
		listed += nall;
		for (size_t k = 0; k < nall; k++) {
			snprintf(sql, sizeof sql, "SELECT count(*) FROM person WHERE id = %lld AND number = '%s' AND uuid = '%s'"
				 " AND (merged_into IS NOT NULL) = %d", (long long)all[k].id, all[k].number, all[k].uuid,
				 all[k].merged);
			assert_int_equal(store_count(b, sql), 1);
		}
		for (size_t f = 0; f < sizeof floors / sizeof floors[0]; f++) {
			struct cd_dupe *d = NULL;
			size_t n = 0, head = 0;
			assert_int_equal(dupes_find_from(b, &Q[i], NULL, floors[f], &d, &n, &err), CD_OK);
			while (head < nall && all[head].score >= floors[f])
				head++;
			assert_int_equal(n, head);
			narrowed += nall - head;
			for (size_t k = 0; k < n; k++) {
				assert_string_equal(d[k].number, all[k].number);
				assert_string_equal(d[k].uuid, all[k].uuid);
				assert_int_equal(d[k].score, all[k].score);
				assert_string_equal(d[k].why, all[k].why);
			}
			dupes_free(d, n);
		}
		dupes_free(all, nall);
	}
	assert_true(listed > 0);
	assert_true(narrowed > 0);   /* some floor left people out: the test compared something */
	store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arrival_queued),
		cmocka_unit_test(test_threshold_and_merged),
		cmocka_unit_test(test_dismiss_once),
		cmocka_unit_test(test_decision_travels),
		cmocka_unit_test(test_batch_cached),
		cmocka_unit_test(test_batch_renamed),
		cmocka_unit_test(test_cache_same_rows),
		cmocka_unit_test(test_find_from_head),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
