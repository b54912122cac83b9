/*
 * test_assign.c - taking, handing over and releasing a case: the rule (workflow/assign.h)
 * on its own, then through the store on real files: each change one event with the old
 * and new holder, an audit row and an outbox row; need-to-know for the actor and the
 * receiver; a desk that read an older version is told who changed the case, and a write
 * that fails half-way leaves nothing behind.  The CLI is tests/script/t_assign.sh, the
 * screens tests/script/t_tui_assign.sh.
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
#include <sqlite3.h>

#include "model/store/cases.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/store.h"
#include "model/store/users.h"
#include "workflow/assign.h"
#include "tests/unit/store_dir.h"

static char number[40];

static int setup(void **state)
{
	(void)state;
	store_dir_make("assign");
	return 0;
}

static void as(struct cd_store *s, const char *name, struct cd_actor *a)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(user_resolve(s, name, a, &err), CD_OK);
}

static void sql(const char *text)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long long count(const char *fmt, const char *arg)
{
	char text[512];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;
	snprintf(text, sizeof text, fmt, arg);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, text, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

#define EVENTS "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE c.number = '%s' AND e.kind = 'assigned'"
#define AUDITS "SELECT count(*) FROM audit WHERE action = 'change' AND entity = 'case' AND entity_uuid = (SELECT uuid FROM cases WHERE number = '%s')"
#define OUTBOX "SELECT count(*) FROM outbox WHERE op = 'assign' AND entity_uuid = (SELECT uuid FROM cases WHERE number = '%s')"
#define VERSION "SELECT row_version FROM cases WHERE number = '%s'"

/* A training store (clerk, caseworker, supervisor, admin: every workflow), vera (caseworker,
 * visa only), ivan (caseworker, every workflow), and one unassigned residence case. */
static struct cd_store *fresh(void)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_actor admin, clerk;
	struct cd_person p;
	struct cd_person_input in = { .surname = "Doe", .given = "John", .sex = "M", .dob = "1980",
				      .nationality = "GBR" };

	unlink(path);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	as(s, "admin", &admin);
	as(s, "clerk", &clerk);
	assert_int_equal(user_add(s, &admin, "vera", CD_ROLE_CASEWORKER, NULL, "visa", &err), CD_OK);
	assert_int_equal(user_add(s, &admin, "ivan", CD_ROLE_CASEWORKER, NULL, "all", &err), CD_OK);
	assert_int_equal(person_add(s, &clerk, &in, &p, &err), CD_OK);
	assert_int_equal(workflow_pin(s, "residence", 1, "[workflow]\nid = residence\n", &err), CD_OK);
	struct cd_case_new cn = { .workflow_id = "residence", .workflow_version = 1, .prefix = "RP",
				  .initial_state = "lodged", .person_ref = p.number, .due_day = -1, .frozen_left = -1 };
	assert_int_equal(case_create(s, &clerk, &cn, number, &err), CD_OK);
	return s;
}

static char *holder(struct cd_store *s)
{
	static char name[64];
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor admin;
	struct cd_case *c = NULL;
	as(s, "admin", &admin);
	assert_int_equal(case_load(s, &admin, number, NULL, &c, &err), CD_OK);
	snprintf(name, sizeof name, "%s", c->assignee ? c->assignee : "-");
	case_free(c);
	return name;
}

/* ---- the rule alone ------------------------------------------------------------------------ */

static void test_rule(void **state)
{
	struct cd_actor clerk = { .name = "clerk", .roles = CD_ROLE_CLERK };
	struct cd_actor cw = { .name = "cw", .roles = CD_ROLE_CASEWORKER };
	struct cd_actor sup = { .name = "sup", .roles = CD_ROLE_SUPERVISOR };
	struct cd_actor admin = { .name = "root", .roles = CD_ROLE_ADMIN };
	struct cd_error err = CD_ERROR_INIT;
	enum cw_assign_kind k;
	(void)state;

	/* take */
	assert_int_equal(cw_assign_rule(&cw, CW_WANT_ME, "N", NULL, NULL, 0, &k, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_TAKE);
	assert_int_equal(cw_assign_rule(&clerk, CW_WANT_ME, "N", NULL, NULL, 0, &k, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "you hold no caseworker or supervisor role (yours: clerk), so you cannot take a case");
	assert_int_equal(cw_assign_rule(&cw, CW_WANT_ME, "N", "bob", NULL, 0, &k, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "case N is held by bob; a supervisor can hand it over");
	assert_int_equal(cw_assign_rule(&sup, CW_WANT_ME, "N", "bob", NULL, 0, &k, &err), CD_EREFUSED);
	assert_int_equal(cw_assign_rule(&cw, CW_WANT_ME, "N", "cw", NULL, 0, &k, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_KEEP);
	/* naming oneself for an unassigned case is a take, not a hand-over */
	assert_int_equal(cw_assign_rule(&cw, CW_WANT_USER, "N", NULL, "cw", CD_ROLE_CASEWORKER, &k, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_TAKE);
	/* hand over: supervisors only (an admin is not one), to a caseworker or supervisor */
	assert_int_equal(cw_assign_rule(&cw, CW_WANT_USER, "N", "cw", "ivan", CD_ROLE_CASEWORKER, &k, &err),
			 CD_EREFUSED);
	assert_string_equal(err.msg, "only a supervisor hands a case over; you can take an unassigned case or release your own");
	assert_int_equal(cw_assign_rule(&cw, CW_WANT_USER, "N", "bob", "cw", CD_ROLE_CASEWORKER, &k, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "case N is held by bob; a supervisor can hand it over");
	assert_int_equal(cw_assign_rule(&admin, CW_WANT_USER, "N", NULL, "ivan", CD_ROLE_CASEWORKER, &k, &err),
			 CD_EREFUSED);
	assert_int_equal(cw_assign_rule(&sup, CW_WANT_USER, "N", "cw", "ivan", CD_ROLE_CASEWORKER, &k, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_HANDOVER);
	assert_int_equal(cw_assign_rule(&sup, CW_WANT_USER, "N", "cw", "sup", CD_ROLE_SUPERVISOR, &k, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_HANDOVER);
	assert_int_equal(cw_assign_rule(&sup, CW_WANT_USER, "N", NULL, "clerk", CD_ROLE_CLERK, &k, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "clerk cannot hold a case (roles: clerk); hand it to a caseworker or a supervisor");
	/* release: the holder, or a supervisor */
	assert_int_equal(cw_assign_rule(&cw, CW_WANT_NONE, "N", "cw", NULL, 0, &k, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_RELEASE);
	assert_int_equal(cw_assign_rule(&cw, CW_WANT_NONE, "N", "bob", NULL, 0, &k, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "case N is held by bob; only they or a supervisor may release it");
	assert_int_equal(cw_assign_rule(&sup, CW_WANT_NONE, "N", "bob", NULL, 0, &k, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_RELEASE);
	assert_int_equal(cw_assign_rule(&clerk, CW_WANT_NONE, "N", NULL, NULL, 0, &k, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_KEEP);
	assert_int_equal(cw_may_hand_over(&sup, &err), CD_OK);
	assert_int_equal(cw_may_hand_over(&cw, &err), CD_EREFUSED);
}

/* ---- through the store ----------------------------------------------------------------------- */

static void test_take_hand_over_release(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor cw, sup;
	struct cd_case_assigned done;
	enum cw_assign_kind k;
	struct cd_store *s = fresh();
	struct cd_history_row *h = NULL;
	size_t n = 0;
	(void)state;

	as(s, "caseworker", &cw);
	as(s, "supervisor", &sup);
	assert_int_equal(cw_case_assign(s, &cw, number, CW_WANT_ME, NULL, 0, &k, &done, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_TAKE);
	assert_true(done.changed);
	assert_int_equal(done.row_version, 2);
	assert_string_equal(done.before, "");
	assert_string_equal(done.after, "caseworker");
	assert_string_equal(holder(s), "caseworker");
	/* again: nothing written */
	assert_int_equal(cw_case_assign(s, &cw, number, CW_WANT_ME, NULL, 0, &k, &done, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_KEEP);
	assert_false(done.changed);
	assert_int_equal(count(VERSION, number), 2);
	assert_int_equal(count(EVENTS, number), 1);
	/* the supervisor cannot take it, but hands it over */
	assert_int_equal(cw_case_assign(s, &sup, number, CW_WANT_ME, NULL, 0, &k, &done, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "is held by caseworker; a supervisor can hand it over"));
	assert_int_equal(cw_case_assign(s, &sup, number, CW_WANT_USER, "ivan", 2, &k, &done, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_HANDOVER);
	assert_string_equal(done.before, "caseworker");
	assert_string_equal(done.after, "ivan");
	/* the caseworker no longer holds it: may not release it */
	assert_int_equal(cw_case_assign(s, &cw, number, CW_WANT_NONE, NULL, 0, &k, &done, &err), CD_EREFUSED);
	assert_int_equal(cw_case_assign(s, &sup, number, CW_WANT_NONE, NULL, 0, &k, &done, &err), CD_OK);
	assert_int_equal(k, CW_ASSIGN_RELEASE);
	assert_int_equal(done.row_version, 4);
	assert_string_equal(holder(s), "-");
	/* three changes: three events, audit rows (and the one of the case's opening), outbox rows */
	assert_int_equal(count(EVENTS, number), 3);
	assert_int_equal(count(AUDITS, number), 4);
	assert_int_equal(count(OUTBOX, number), 3);
	assert_int_equal(case_history(s, &cw, number, NULL, &h, &n, &err), CD_OK);
	assert_int_equal(n, 4);
	assert_string_equal(h[1].kind, "assigned");
	assert_string_equal(h[1].user, "caseworker");
	assert_null(h[1].old_value);
	assert_string_equal(h[1].new_value, "caseworker");
	assert_string_equal(h[2].old_value, "caseworker");
	assert_string_equal(h[2].new_value, "ivan");
	assert_int_equal(h[2].row_version, 3);
	assert_string_equal(h[3].old_value, "ivan");
	assert_null(h[3].new_value);
	{
		char said[256];
		cw_assign_event_text(h[1].user, h[1].old_value, h[1].new_value, said, sizeof said);
		assert_string_equal(said, "took the case");
		cw_assign_event_text(h[2].user, h[2].old_value, h[2].new_value, said, sizeof said);
		assert_string_equal(said, "handed the case over from caseworker to ivan");
		cw_assign_event_text(h[3].user, h[3].old_value, h[3].new_value, said, sizeof said);
		assert_string_equal(said, "released the case (held by ivan)");
	}
	case_history_free(h, n);
	/* the list's filters agree */
	{
		struct cd_case_filter f = { .unassigned_only = 1, .today = store_today(s) };
		struct cd_case_row *rows;
		size_t nr;
		assert_int_equal(case_list(s, &cw, &f, &rows, &nr, &err), CD_OK);
		assert_int_equal(nr, 1);
		assert_int_equal(rows[0].row_version, 4);
		case_list_free(rows, nr);
		assert_int_equal(cw_case_assign(s, &cw, number, CW_WANT_ME, NULL, rows ? 4 : 0, &k, &done, &err), CD_OK);
		assert_int_equal(case_list(s, &cw, &f, &rows, &nr, &err), CD_OK);
		assert_int_equal(nr, 0);
		case_list_free(rows, nr);
		struct cd_case_filter mine = { .assignee_id = cw.user_id, .today = store_today(s) };
		assert_int_equal(case_list(s, &cw, &mine, &rows, &nr, &err), CD_OK);
		assert_int_equal(nr, 1);
		assert_string_equal(rows[0].assignee, "caseworker");
		case_list_free(rows, nr);
	}
	store_close(s);
}

static void test_need_to_know_and_receivers(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor vera, sup;
	struct cd_case_assigned done;
	enum cw_assign_kind k;
	struct cd_store *s = fresh();
	(void)state;

	as(s, "vera", &vera);
	as(s, "supervisor", &sup);
	/* vera works on visas: she may neither take a residence case nor receive one */
	assert_int_equal(cw_case_assign(s, &vera, number, CW_WANT_ME, NULL, 0, &k, &done, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "need-to-know"));
	assert_int_equal(cw_case_assign(s, &sup, number, CW_WANT_USER, "vera", 0, &k, &done, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "vera does not work on workflow residence (need-to-know), so case RP-TBS-2026-000001 "
				     "cannot be given to them; an admin can run `casedesk user set vera --workflows ...`");
	/* the model holds it for any caller, the rule aside */
	struct cd_case_assign in = { .number = number, .assignee = "vera" };
	assert_int_equal(case_assign(s, &vera, &in, &done, &err), CD_EREFUSED);
	assert_int_equal(case_assign(s, &sup, &in, &done, &err), CD_EREFUSED);
	/* a user who does not exist, and one disabled */
	assert_int_equal(cw_case_assign(s, &sup, number, CW_WANT_USER, "nosuch", 0, &k, &done, &err), CD_ENOTFOUND);
	sql("UPDATE users SET active = 0 WHERE name = 'ivan'");
	assert_int_equal(cw_case_assign(s, &sup, number, CW_WANT_USER, "ivan", 0, &k, &done, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "user ivan is disabled; an admin can enable the account");
	/* candidates: active, caseworker or supervisor, working on residence; not the holder */
	{
		char **names;
		size_t n;
		assert_int_equal(cw_assign_candidates(s, "residence", "supervisor", &names, &n, &err), CD_OK);
		assert_int_equal(n, 1);
		assert_string_equal(names[0], "caseworker");
		cw_assign_candidates_free(names, n);
		assert_int_equal(cw_assign_candidates(s, "visa", NULL, &names, &n, &err), CD_OK);
		assert_int_equal(n, 3);
		assert_string_equal(names[0], "caseworker");
		assert_string_equal(names[1], "supervisor");
		assert_string_equal(names[2], "vera");
		cw_assign_candidates_free(names, n);
	}
	/* a closed case takes no assignment */
	sql("UPDATE cases SET closed_at = '2026-03-01T00:00:00Z'");
	assert_int_equal(cw_case_assign(s, &sup, number, CW_WANT_ME, NULL, 0, &k, &done, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "is closed"));
	assert_int_equal(count(EVENTS, number), 0);
	assert_string_equal(holder(s), "-");
	store_close(s);
}

/* Two desks on one store: the second, still at the version it read, is told who changed the case. */
static void test_concurrent_change(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor cw, sup;
	struct cd_case_assigned done;
	enum cw_assign_kind k;
	struct cd_store *a = fresh(), *b = NULL;
	struct cd_case *seen = NULL;
	(void)state;

	assert_int_equal(store_open(path, &b, &err), CD_OK);
	as(a, "caseworker", &cw);
	as(b, "supervisor", &sup);
	assert_int_equal(case_load(b, &sup, number, NULL, &seen, &err), CD_OK);
	assert_null(seen->assignee);
	/* desk A takes it */
	assert_int_equal(cw_case_assign(a, &cw, number, CW_WANT_ME, NULL, 0, &k, &done, &err), CD_OK);
	/* desk B, which saw it unassigned, would hand it to ivan: refused, nothing written */
	assert_int_equal(cw_case_assign(b, &sup, number, CW_WANT_USER, "ivan", seen->row_version, &k, &done, &err),
			 CD_ECONFLICT);
	assert_non_null(strstr(err.msg, "was changed after you read it (version 1, now 2): caseworker took the case at "));
	assert_int_equal(k, CW_ASSIGN_KEEP);
	assert_int_equal(cw_case_assign(b, &sup, number, CW_WANT_NONE, NULL, seen->row_version, &k, &done, &err),
			 CD_ECONFLICT);
	assert_string_equal(holder(a), "caseworker");
	assert_int_equal(count(EVENTS, number), 1);
	/* the model alone refuses a stale version the same way */
	struct cd_case_assign in = { .number = number, .expected_version = 1, .assignee = NULL };
	assert_int_equal(case_assign(b, &sup, &in, &done, &err), CD_ECONFLICT);
	/* any change since (here a note) is a conflict for assignment too, naming it */
	struct cd_case_step note = { .number = number, .note = "called the applicant", .due_day = -1, .frozen_left = -1 };
	int64_t v = 0;
	assert_int_equal(case_step(a, &cw, &note, &v, &err), CD_OK);
	assert_int_equal(v, 3);
	assert_int_equal(cw_case_assign(a, &cw, number, CW_WANT_NONE, NULL, 2, &k, &done, &err), CD_ECONFLICT);
	assert_non_null(strstr(err.msg, "(version 2, now 3): caseworker made a change (note)"));
	assert_int_equal(cw_case_assign(a, &cw, number, CW_WANT_NONE, NULL, 3, &k, &done, &err), CD_OK);
	/* a release and a hand-over are said as such, not as a changed field */
	assert_int_equal(cw_case_assign(b, &sup, number, CW_WANT_ME, NULL, 3, &k, &done, &err), CD_ECONFLICT);
	assert_non_null(strstr(err.msg, "(version 3, now 4): caseworker released the case at "));
	assert_int_equal(cw_case_assign(b, &sup, number, CW_WANT_USER, "ivan", 4, &k, &done, &err), CD_OK);
	assert_int_equal(cw_case_assign(a, &cw, number, CW_WANT_ME, NULL, 4, &k, &done, &err), CD_ECONFLICT);
	assert_non_null(strstr(err.msg, "(version 4, now 5): supervisor handed the case to ivan at "));
	case_free(seen);
	store_close(b);
	store_close(a);
}

/* A write that fails half-way (the event refused) leaves the case as it was. */
static void test_failure_leaves_nothing(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor cw;
	struct cd_case_assigned done;
	enum cw_assign_kind k;
	struct cd_store *s = fresh();
	(void)state;

	store_close(s);
	sql("CREATE TRIGGER test_fail_event BEFORE INSERT ON event WHEN NEW.kind = 'assigned'"
	    " BEGIN SELECT RAISE(ABORT, 'injected'); END");
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	as(s, "caseworker", &cw);
	assert_int_equal(cw_case_assign(s, &cw, number, CW_WANT_ME, NULL, 0, &k, &done, &err), CD_ESTORE);
	assert_false(done.changed);
	store_close(s);
	sql("DROP TRIGGER test_fail_event");
	assert_int_equal(count(VERSION, number), 1);
	assert_int_equal(count("SELECT count(*) FROM cases WHERE number = '%s' AND assignee_id IS NULL", number), 1);
	assert_int_equal(count(AUDITS, number), 1);
	assert_int_equal(count(OUTBOX, number), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test_setup_teardown(test_take_hand_over_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_need_to_know_and_receivers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_leaves_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
