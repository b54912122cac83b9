/*
 * test_checkqueue.c - the queue of network checks (model/store/checkqueue.h, issue 16) on a
 * real store with the shipped workflows installed: queued with the case and with each
 * document, due in order, the backoff and Retry-After, answers recorded (event, disclosure
 * audit row), a hit held for a supervisor, a failure re-queued, and the checks_clear guard
 * waiting for what is pending and saying why.  The network itself is tests/script
 * (t_checks_net.sh against a real HTTPS server).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "model/store/cases.h"
#include "model/store/checkqueue.h"
#include "model/store/checks.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/store.h"
#include "model/store/users.h"
#include "workflow/casework.h"
#include "tests/unit/store_dir.h"

struct fixture {
	struct cd_store *s;
	struct wf_registry *reg;
	struct cd_actor clerk, caseworker, supervisor, supervisor2, admin;
	char person[32], number[40];
};

static struct fixture fx;

static void as(const char *name, struct cd_actor *a)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(user_resolve(fx.s, name, a, &err), CD_OK);
}

static long long count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void text_of(const char *sql, char *buf, size_t size)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	buf[0] = '\0';
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void exec(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A training store, data/workflows installed, a person; with_document: a passport first. */
static int make(int with_document)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person p;
	struct cd_person_input in = { .surname = "Roe", .given = "Ann", .sex = "F", .dob = "1980",
				      .nationality = "UKR" };

	memset(&fx, 0, sizeof fx);
	store_dir_make("checkqueue");
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &fx.s, &err), CD_OK);
	as("clerk", &fx.clerk);
	as("caseworker", &fx.caseworker);
	as("supervisor", &fx.supervisor);
	as("admin", &fx.admin);
	if (registry_install_dir(fx.s, &fx.admin, "data/workflows", &err) != CD_OK ||
	    registry_open(fx.s, &fx.reg, &err) != CD_OK) {
		print_error("%s\n", err.msg);
		return -1;
	}
	assert_int_equal(person_add(fx.s, &fx.clerk, &in, &p, &err), CD_OK);
	memcpy(fx.person, p.number, sizeof fx.person);
	if (with_document)
		assert_int_equal(document_add(fx.s, &fx.clerk, fx.person, "passport", "FE1", "UKR", NULL, "2034-12-31", 0,
					      &err), CD_OK);
	assert_int_equal(cw_case_new(fx.s, fx.reg, &fx.clerk, "residence", fx.person, NULL, fx.number, &err), CD_OK);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return make(1);
}

static int setup_no_document(void **state)
{
	(void)state;
	return make(0);
}

static int teardown_fx(void **state)
{
	registry_free(fx.reg);
	store_close(fx.s);
	return teardown(state);
}

/* The queued check of `list` on the fixture's case: its row id. */
static int64_t check_id(const char *list)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT max(id) FROM checks WHERE source = 'network' AND list = '%s'", list);
	return count(sql);
}

static void record(int64_t id, enum cq_outcome o, long retry_after, const char *reason, int64_t now)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cq_answer a = { .outcome = o, .http_status = o == CQ_RETRY && retry_after < 0 ? 0 : 200,
			       .retry_after_s = retry_after, .list = o == CQ_HIT ? "SIS-II" : NULL,
			       .reference = o == CQ_HIT ? "REF-1" : NULL, .reason = reason, .jitter = 7 };
	if (checkqueue_record(fx.s, &fx.caseworker, id, &a, now, &err) != CD_OK)
		fail_msg("%s", err.msg);
}

/* Take the case to assessment, where propose_decision waits for the checks. */
static void to_assessment(void)
{
	struct cd_error err = CD_ERROR_INIT;
	struct wf_value v[] = { { "permit_reason", "family" } };
	struct cw_move mv = { .number = fx.number, .transition = "confirm_receipt", .values = v, .n_values = 1,
			      .today = -1 };
	if (cw_case_move(fx.s, fx.reg, &fx.caseworker, &mv, NULL, &err) != CD_OK)
		fail_msg("%s", err.msg);
}

static int propose(struct cd_error *err)
{
	struct wf_value v[] = { { "proposed_outcome", "grant" }, { "proposal_reason", "meets the conditions" } };
	struct cw_move mv = { .number = fx.number, .transition = "propose_decision", .values = v, .n_values = 2,
			      .today = -1 };
	return cw_case_move(fx.s, fx.reg, &fx.caseworker, &mv, NULL, err);
}

/* ---- queued with the case and with each document -------------------------------------- */

static void test_queued_when_the_case_opens(void **state)
{
	char buf[256];
	(void)state;

	/* residence.ini: network.sltd = document, network.sis and national_watchlist = person */
	assert_int_equal(count("SELECT count(*) FROM checks WHERE source = 'network' AND result = 'pending'"
			       " AND attempts = 0 AND next_try IS NOT NULL AND answered_at IS NULL"), 3);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sltd' AND kind = 'document'"
			       " AND document_id = (SELECT id FROM document)"), 1);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE kind = 'person' AND document_id IS NULL"
			       " AND list IN ('sis', 'national_watchlist')"), 2);
	text_of("SELECT purpose FROM checks WHERE list = 'sis'", buf, sizeof buf);
	char want[128];
	snprintf(want, sizeof want, "residence case %s opened", fx.number);
	assert_string_equal(buf, want);
	/* each its own uuid: the Idempotency-Key */
	assert_int_equal(count("SELECT count(DISTINCT uuid) FROM checks"), 3);
	int64_t n = 0;
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(checkqueue_pending_count(fx.s, &n, &err), CD_OK);
	assert_int_equal(n, 3);
}

static void test_document_entered_later(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	/* no document at opening: sltd waits for one, not due */
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sltd' AND document_id IS NULL"
			       " AND next_try IS NULL AND reason = 'no identity document entered yet'"), 1);
	struct cq_check *due = NULL;
	size_t n = 0;
	assert_int_equal(checkqueue_due(fx.s, &fx.caseworker, (int64_t)time(NULL) + 10, 100, &due, &n, &err), CD_OK);
	assert_int_equal(n, 2);
	checkqueue_free(due, n);
	/* the passport, entered: the waiting check asks about it (same row, same uuid) */
	char uuid[64];
	text_of("SELECT uuid FROM checks WHERE list = 'sltd'", uuid, sizeof uuid);
	assert_int_equal(document_add(fx.s, &fx.clerk, fx.person, "passport", "FE1", "UKR", NULL, "2034-12-31", 0, &err),
			 CD_OK);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sltd'"), 1);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sltd' AND document_id IS NOT NULL"
			       " AND next_try IS NOT NULL AND reason IS NULL"), 1);
	char again[64];
	text_of("SELECT uuid FROM checks WHERE list = 'sltd'", again, sizeof again);
	assert_string_equal(uuid, again);
	/* a second document: a check of its own */
	assert_int_equal(document_add(fx.s, &fx.clerk, fx.person, "id_card", "ID2", "UKR", NULL, "2033-01-01", 0, &err),
			 CD_OK);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sltd' AND kind = 'document'"), 2);
	assert_int_equal(count("SELECT count(DISTINCT document_id) FROM checks WHERE list = 'sltd'"), 2);
	/* the person lists are not asked again */
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sis'"), 1);
}

/* ---- due: in order, bounded, not the answered, not the closed ------------------------- */

static void test_due_order_and_bounds(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cq_check *due = NULL;
	size_t n = 0;
	int64_t now = (int64_t)time(NULL);
	char sql[256];
	(void)state;

	snprintf(sql, sizeof sql, "UPDATE checks SET next_try = %lld WHERE list = 'sis';"
		 "UPDATE checks SET next_try = %lld WHERE list = 'sltd';"
		 "UPDATE checks SET next_try = %lld WHERE list = 'national_watchlist'",
		 (long long)now - 50, (long long)now - 100, (long long)now + 3600);
	exec(sql);
	assert_int_equal(checkqueue_due(fx.s, &fx.caseworker, now, 100, &due, &n, &err), CD_OK);
	assert_int_equal(n, 2);   /* the watchlist's is not due for an hour */
	assert_string_equal(due[0].list, "sltd");   /* the longest due first */
	assert_int_equal(due[0].kind, CQ_DOCUMENT);
	assert_string_equal(due[0].number, "FE1");
	assert_string_equal(due[0].issuer, "UKR");
	assert_string_equal(due[1].list, "sis");
	assert_int_equal(due[1].kind, CQ_PERSON);
	assert_string_equal(due[1].surname, "ROE");
	assert_string_equal(due[1].nationality, "UKR");
	assert_string_equal(due[1].case_number, fx.number);
	checkqueue_free(due, n);
	/* reading them to send is audited, per case */
	assert_true(count("SELECT count(*) FROM audit WHERE action = 'read' AND purpose LIKE 'check run: list %'") >= 2);
	/* bounded */
	assert_int_equal(checkqueue_due(fx.s, &fx.caseworker, now, 1, &due, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(due[0].list, "sltd");
	checkqueue_free(due, n);
	/* a pending network check is the gateway's to answer: not by hand (review18) */
	assert_int_equal(cw_check_record(fx.s, fx.reg, &fx.caseworker, fx.number, "sltd", "clear", NULL, &err),
			 CD_EREFUSED);
	assert_non_null(strstr(err.msg, "the check on sltd waits for the check gateway (pending since "));
	assert_int_equal(cw_check_record(fx.s, fx.reg, &fx.supervisor, fx.number, "sltd", "clear", NULL, &err),
			 CD_EREFUSED);
	/* a store written before that rule may hold a hand answer after it: that one is not asked */
	exec("INSERT INTO checks(uuid, case_id, person_id, list, asked_at, answered_at, result, source, recorded_by)"
	     " SELECT '01900000-0000-7000-8000-000000000001', case_id, person_id, list, asked_at, asked_at, 'clear',"
	     " 'hand', (SELECT id FROM users WHERE name = 'caseworker') FROM checks WHERE list = 'sltd'");
	assert_int_equal(checkqueue_due(fx.s, &fx.caseworker, now, 100, &due, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(due[0].list, "sis");
	checkqueue_free(due, n);
	/* the next due: the earliest still pending */
	int64_t when = 0;
	assert_int_equal(checkqueue_next_due(fx.s, &fx.caseworker, &when, &err), CD_OK);
	assert_int_equal(when, now - 50);
	/* a clerk does not run the queue */
	assert_int_equal(checkqueue_due(fx.s, &fx.clerk, now, 100, &due, &n, &err), CD_EREFUSED);
}

/* ---- backoff: grows, jittered within bounds, Retry-After honoured --------------------- */

static void test_backoff(void **state)
{
	long prev_max = 0;
	(void)state;

	for (int attempts = 1; attempts <= 12; attempts++) {
		long full = 30;
		for (int i = 1; i < attempts && full < 3600; i++)
			full *= 2;
		if (full > 3600)
			full = 3600;
		long lo = checkqueue_backoff(attempts, -1, 0), hi = lo;
		for (unsigned j = 1; j < 5000; j += 7) {
			long d = checkqueue_backoff(attempts, -1, j * 2654435761u);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
			assert_true(d >= full / 2 && d <= full);
		}
		/* jittered: not one value (every desk would come back at once) */
		assert_true(hi > lo);
		assert_true(hi >= prev_max);   /* grows until the cap */
		prev_max = hi;
	}
	assert_int_equal(checkqueue_backoff(1, -1, 0), 15);
	assert_int_equal(checkqueue_backoff(30, -1, 0xffffffffu) <= 3600, 1);
	/* Retry-After is the gateway's word: taken as given, within 1 s and a day */
	assert_int_equal(checkqueue_backoff(1, 120, 12345), 120);
	assert_int_equal(checkqueue_backoff(9, 5, 12345), 5);
	assert_int_equal(checkqueue_backoff(1, 0, 1), 1);
	assert_int_equal(checkqueue_backoff(1, 999999, 1), 86400);
}

/* ---- answers ----------------------------------------------------------------------------- */

static void test_retry_keeps_reason_and_key(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	int64_t now = 1800000000, id = check_id("sis");
	char uuid[64], again[64], buf[256];
	(void)state;

	text_of("SELECT uuid FROM checks WHERE list = 'sis'", uuid, sizeof uuid);
	record(id, CQ_RETRY, -1, "gateway unreachable: connection refused", now);
	assert_int_equal(count("SELECT attempts FROM checks WHERE list = 'sis'"), 1);
	long long next = count("SELECT next_try FROM checks WHERE list = 'sis'");
	assert_true(next >= now + 15 && next <= now + 30);
	text_of("SELECT reason FROM checks WHERE list = 'sis'", buf, sizeof buf);
	assert_string_equal(buf, "gateway unreachable: connection refused");
	/* nothing reached the gateway: no disclosure, no event */
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'disclose'"), 0);
	assert_int_equal(count("SELECT count(*) FROM event WHERE kind = 'check'"), 0);
	/* a 503 with Retry-After: 120 s exactly; the gateway saw it, so it is a disclosure */
	record(id, CQ_RETRY, 120, "the gateway is busy (HTTP 503)", now);
	assert_int_equal(count("SELECT next_try FROM checks WHERE list = 'sis'"), now + 120);
	assert_int_equal(count("SELECT attempts FROM checks WHERE list = 'sis'"), 2);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'disclose'"), 1);
	/* the same check, the same uuid: the Idempotency-Key of every try */
	text_of("SELECT uuid FROM checks WHERE list = 'sis'", again, sizeof again);
	assert_string_equal(uuid, again);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sis'"), 1);
	/* the guard waits, and says why */
	to_assessment();
	assert_int_equal(propose(&err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "checks missing: sis, sltd, national_watchlist"));
	assert_non_null(strstr(err.msg, "check sis pending since "));
	assert_non_null(strstr(err.msg, "(2 tries: the gateway is busy (HTTP 503))"));
	assert_non_null(strstr(err.msg, "check sltd pending since "));
	assert_non_null(strstr(err.msg, "(not asked yet)"));
	/* the store keeps a try count from going back */
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db, "UPDATE checks SET attempts = 0 WHERE list = 'sis'", NULL, NULL, NULL),
				     SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db, "UPDATE checks SET purpose = 'x' WHERE list = 'sis'", NULL, NULL, NULL),
				     SQLITE_OK);
		sqlite3_close(db);
	}
}

static void test_answers_clear_and_hit(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	int64_t now = (int64_t)time(NULL);
	char buf[256];
	(void)state;

	to_assessment();
	record(check_id("sltd"), CQ_CLEAR, -1, NULL, now);
	record(check_id("national_watchlist"), CQ_CLEAR, -1, NULL, now);
	record(check_id("sis"), CQ_HIT, -1, NULL, now);
	/* answers are events on the case and disclosures with their purpose */
	assert_int_equal(count("SELECT count(*) FROM event WHERE kind = 'check' AND old_value = 'pending'"), 3);
	assert_int_equal(count("SELECT count(*) FROM event WHERE kind = 'check' AND field = 'sis' AND new_value = 'hit'"
			       " AND note = 'list SIS-II, reference REF-1'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'disclose' AND entity = 'case'"
			       " AND entity_uuid = (SELECT uuid FROM cases)"), 3);
	text_of("SELECT purpose FROM audit WHERE action = 'disclose' ORDER BY id LIMIT 1", buf, sizeof buf);
	char want[160];
	snprintf(want, sizeof want, "check gateway, list sltd: residence case %s opened", fx.number);
	assert_string_equal(buf, want);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE result IN ('clear','hit') AND next_try IS NULL"
			       " AND attempts = 1 AND answered_at IS NOT NULL"), 3);
	/* answered: not answered twice */
	struct cq_answer a = { .outcome = CQ_CLEAR, .retry_after_s = -1 };
	assert_int_equal(checkqueue_record(fx.s, &fx.caseworker, check_id("sis"), &a, now, &err), CD_ECONFLICT);
	/* the hit goes to the supervisors */
	struct cq_hit *hits = NULL;
	size_t n = 0;
	assert_int_equal(checkqueue_hits(fx.s, &fx.caseworker, &hits, &n, &err), CD_EREFUSED);
	assert_int_equal(checkqueue_hits(fx.s, &fx.supervisor, &hits, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].case_number, fx.number);
	assert_string_equal(hits[0].list, "sis");
	assert_string_equal(hits[0].source, "network");
	checkqueue_hits_free(hits, n);
	/* a hit is an answer: the proposal goes (checks_answered); the grant waits (checks_clear) */
	assert_int_equal(propose(&err), CD_OK);
	struct wf_value g[] = { { "valid_from", "2027-01-01" }, { "valid_until", "2028-01-01" } };
	struct cw_move mv = { .number = fx.number, .transition = "grant", .values = g, .n_values = 2, .today = -1 };
	assert_int_equal(cw_case_move(fx.s, fx.reg, &fx.supervisor, &mv, NULL, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "a hit on sis holds the case"));
	/* the supervisor clears it with a reason (nobody recorded a network hit: any supervisor may) */
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sis", "another person, born 1961", &err),
			 CD_OK);
	assert_int_equal(checkqueue_hits(fx.s, &fx.supervisor, &hits, &n, &err), CD_OK);
	assert_int_equal(n, 0);
	checkqueue_hits_free(hits, n);
	assert_int_equal(cw_case_move(fx.s, fx.reg, &fx.supervisor, &mv, NULL, &err), CD_OK);
	int64_t pending = -1;
	assert_int_equal(checkqueue_pending_count(fx.s, &pending, &err), CD_OK);
	assert_int_equal(pending, 0);
}

/* A document's hit is not hidden by another document's clear that came after it. */
static void test_hit_holds_over_later_clear(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	int64_t now = (int64_t)time(NULL);
	(void)state;

	assert_int_equal(document_add(fx.s, &fx.clerk, fx.person, "id_card", "ID2", "UKR", NULL, "2033-01-01", 0, &err),
			 CD_OK);
	int64_t first = count("SELECT min(id) FROM checks WHERE list = 'sltd'");
	int64_t second = count("SELECT max(id) FROM checks WHERE list = 'sltd'");
	assert_true(first < second);
	/* the second answered clear, the first still pending: the list waits */
	record(second, CQ_CLEAR, -1, NULL, now);
	struct cd_check *rows = NULL;
	size_t n = 0;
	assert_int_equal(checks_read(fx.s, &fx.caseworker, fx.number, NULL, &rows, &n, &err), CD_OK);
	assert_int_equal(n, 3);
	assert_string_equal(rows[2].list, "sltd");
	assert_string_equal(rows[2].result, "pending");
	checks_free(rows, n);
	/* then the first is a hit: the hit is the list's answer */
	record(first, CQ_HIT, -1, NULL, now);
	assert_int_equal(checks_read(fx.s, &fx.caseworker, fx.number, NULL, &rows, &n, &err), CD_OK);
	assert_string_equal(rows[2].result, "hit");
	checks_free(rows, n);
}

static void test_failed_and_requeued(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	int64_t now = (int64_t)time(NULL);
	char buf[256];
	(void)state;

	to_assessment();
	record(check_id("national_watchlist"), CQ_FAILED, -1, "the gateway refused the request (HTTP 400)", now);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'national_watchlist' AND result = 'error'"
			       " AND next_try IS NULL AND reason = 'the gateway refused the request (HTTP 400)'"), 1);
	assert_int_equal(propose(&err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "check national_watchlist failed: the gateway refused the request (HTTP 400)"));
	/* not due any more */
	struct cq_check *due = NULL;
	size_t n = 0;
	assert_int_equal(checkqueue_due(fx.s, &fx.caseworker, now + 100000, 100, &due, &n, &err), CD_OK);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(due[i].list, "national_watchlist");
	checkqueue_free(due, n);
	/* a supervisor re-queues it: a new check asking the same */
	assert_int_equal(checks_requeue(fx.s, &fx.caseworker, &(struct cd_check_answer){ .number = fx.number, .list = "national_watchlist" }, &err), CD_EREFUSED);
	assert_int_equal(checks_requeue(fx.s, &fx.supervisor, &(struct cd_check_answer){ .number = fx.number, .list = "sis" }, &err), CD_EREFUSED);
	assert_int_equal(checks_requeue(fx.s, &fx.supervisor, &(struct cd_check_answer){ .number = fx.number, .list = "national_watchlist" }, &err), CD_OK);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'national_watchlist' AND result = 'pending'"
			       " AND attempts = 0 AND next_try IS NOT NULL"), 1);
	text_of("SELECT group_concat(kind || ':' || new_value) FROM event WHERE kind LIKE 'check%' AND field = 'national_watchlist'",
		buf, sizeof buf);
	assert_string_equal(buf, "check:error,check_requeued:pending");
	/* store check: every answer has its event, none without */
	int64_t mismatched = -1;
	assert_int_equal(store_checks_trail_check(fx.s, &mismatched, &err), CD_OK);
	assert_int_equal(mismatched, 0);
	/* re-queued, it is pending again: a caseworker does not answer it by hand, nor a
	 * supervisor without a note saying how it was checked */
	assert_int_equal(cw_check_record(fx.s, fx.reg, &fx.caseworker, fx.number, "national_watchlist", "clear",
					 "asked by telephone", &err), CD_EREFUSED);
	assert_int_equal(cw_check_record(fx.s, fx.reg, &fx.supervisor, fx.number, "national_watchlist", "clear",
					 "", &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "or by a supervisor by hand with a note"));
	/* failed again: a caseworker does not answer it by hand; a supervisor may */
	record(check_id("national_watchlist"), CQ_FAILED, -1, "the gateway refused the request (HTTP 400)", now);
	assert_int_equal(cw_check_record(fx.s, fx.reg, &fx.caseworker, fx.number, "national_watchlist", "clear",
					 "asked by telephone", &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "refused the check on national_watchlist for good; a supervisor"));
	assert_int_equal(cw_check_record(fx.s, fx.reg, &fx.supervisor, fx.number, "national_watchlist", "clear",
					 "asked by telephone", &err), CD_OK);
	int64_t pending = -1;
	assert_int_equal(checkqueue_pending_count(fx.s, &pending, &err), CD_OK);
	assert_int_equal(pending, 2);   /* sis and sltd */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queued_when_the_case_opens, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_document_entered_later, setup_no_document, teardown_fx),
		cmocka_unit_test_setup_teardown(test_due_order_and_bounds, setup, teardown_fx),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test_setup_teardown(test_retry_keeps_reason_and_key, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_answers_clear_and_hit, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_hit_holds_over_later_clear, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_failed_and_requeued, setup, teardown_fx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
