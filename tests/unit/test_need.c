/*
 * test_need.c - need-to-know in the model (model/store/users.h): the rule holds in the
 * functions every front-end calls, so these tests call them directly on real store files.
 * The CLI matrix is tests/script/t_need.sh; the TUI's refusal and prompt are in it too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "model/store/cases.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/search.h"
#include "model/store/store.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"


static int setup(void **state)
{
	(void)state;
	store_dir_make("need");
	return 0;
}

static struct cd_store *fresh(void)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	unlink(path);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	return s;
}

static void as(struct cd_store *s, const char *name, struct cd_actor *a)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(user_resolve(s, name, a, &err), CD_OK);
}

/* One person with one case in workflow `wf` (pinned with a stub definition). */
static void make_case(struct cd_store *s, const struct cd_actor *a, const char *wf, const char *prefix,
		      char person[32], char number[40])
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person p;
	struct cd_person_input in = { .surname = "Ковальчук", .given = "Ірина", .surname_latin = "KOVALCHUK",
				      .given_latin = "IRYNA", .sex = "F", .dob = "1991-07", .nationality = "UKR" };
	char src[64];
	assert_int_equal(person_add(s, a, &in, &p, &err), CD_OK);
	memcpy(person, p.number, 32);
	snprintf(src, sizeof src, "[workflow]\nid = %s\n", wf);
	assert_int_equal(workflow_pin(s, wf, 1, src, &err), CD_OK);
	struct cd_case_new cn = { .workflow_id = wf, .workflow_version = 1, .prefix = prefix, .initial_state = "a",
				  .person_ref = p.number, .due_day = -1, .frozen_left = -1 };
	assert_int_equal(case_create(s, a, &cn, number, &err), CD_OK);
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

static void test_workflow_lists(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(cd_workflows_parse("asylum, visa", out, sizeof out), 0);
	assert_string_equal(out, "asylum,visa");
	assert_int_equal(cd_workflows_parse("all", out, sizeof out), 0);
	assert_string_equal(out, "*");
	assert_int_equal(cd_workflows_parse("none", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(cd_workflows_parse("asylum;drop", out, sizeof out), -1);
	assert_int_equal(cd_workflows_parse("Asylum", out, sizeof out), -1);
	assert_true(cd_workflows_include("asylum,visa", "visa"));
	assert_false(cd_workflows_include("asylum,visa", "vis"));
	assert_false(cd_workflows_include("asylum,visas", "visa"));
	assert_true(cd_workflows_include("*", "work"));
	assert_false(cd_workflows_include("", "work"));
}

/* A store from before need-to-know: its users keep every workflow, none loses access. */
static void test_migration_keeps_access(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1, .schema_version = 7 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_actor a;
	(void)state;
	unlink(path);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(store_schema_version(s), CD_SCHEMA_VERSION);
	as(s, "clerk", &a);
	assert_string_equal(a.workflows, "*");
	store_close(s);
}

static void test_reads_outside_workflows_are_refused(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor admin, clerk, vclerk;
	struct cd_case *k = NULL;
	struct cd_history_row *h = NULL;
	struct cd_case_row *rows = NULL;
	struct cd_person_record *r = NULL;
	struct cd_search_hit *hits = NULL;
	struct cd_case_filter f = { .include_closed = 1 };
	size_t n = 0;
	char person[32], asylum[40], visa[40], vperson[32];
	(void)state;
	as(s, "admin", &admin);
	as(s, "clerk", &clerk);
	make_case(s, &clerk, "asylum", "AS", person, asylum);
	make_case(s, &clerk, "visa", "SV", vperson, visa);
	assert_int_equal(user_add(s, &admin, "vclerk", CD_ROLE_CLERK, NULL, "visa", &err), CD_OK);
	as(s, "vclerk", &vclerk);
	assert_string_equal(vclerk.workflows, "visa");

	assert_int_equal(case_load(s, &vclerk, asylum, "casework", &k, &err), CD_EREFUSED);
	assert_null(k);
	assert_non_null(strstr(err.msg, "need-to-know"));
	assert_null(strstr(err.msg, "KOVALCHUK"));
	assert_int_equal(case_history(s, &vclerk, asylum, "casework", &h, &n, &err), CD_EREFUSED);
	assert_int_equal(case_load(s, &vclerk, visa, "casework", &k, &err), CD_OK);
	case_free(k);
	/* The refused reads are audited, the allowed one as a view. */
	assert_int_equal(count("SELECT count(*) FROM audit WHERE user_name = 'vclerk' AND action = 'refused'"), 2);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE user_name = 'vclerk' AND action = 'view'"), 1);
	/* Nor does a visa clerk open an asylum case. */
	{
		struct cd_case_new cn = { .workflow_id = "asylum", .workflow_version = 1, .prefix = "AS",
					  .initial_state = "a", .person_ref = person, .due_day = -1, .frozen_left = -1 };
		char num[40];
		assert_int_equal(case_create(s, &vclerk, &cn, num, &err), CD_EREFUSED);
		assert_int_equal(count("SELECT count(*) FROM cases"), 2);
	}

	assert_int_equal(case_list(s, &vclerk, &f, &rows, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].number, visa);
	case_list_free(rows, n);

	/* Who the person is, yes; the asylum case only as "a case in another unit". */
	assert_int_equal(person_load(s, &vclerk, person, "casework", &r, &err), CD_OK);
	assert_string_equal(r->person.surname_latin, "KOVALCHUK");
	assert_int_equal(r->n_cases, 1);
	assert_true(r->cases[0].other_unit);
	assert_string_equal(r->cases[0].number, "");
	assert_null(r->cases[0].workflow_id);
	assert_null(r->cases[0].state);
	person_record_free(r);

	/* The asylum number names no one to a visa clerk, and its own person to a clerk of all. */
	assert_int_equal(search_people(s, &vclerk, asylum, 10, &hits, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_true(hits[0].other_unit);
	assert_string_equal(hits[0].number, "");
	assert_string_equal(hits[0].surname_latin, "");
	search_hits_free(hits, n);
	assert_int_equal(search_people(s, &clerk, asylum, 10, &hits, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].number, person);
	search_hits_free(hits, n);

	/* A user with no workflows reads no case. */
	assert_int_equal(user_add(s, &admin, "newbie", CD_ROLE_CASEWORKER, NULL, NULL, &err), CD_OK);
	struct cd_actor newbie;
	as(s, "newbie", &newbie);
	assert_int_equal(case_load(s, &newbie, visa, NULL, &k, &err), CD_EREFUSED);
	store_close(s);
}

static void test_break_glass(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor admin, clerk, vsup, vclerk;
	struct cd_case *k = NULL;
	struct cd_glass *g = NULL;
	size_t n = 0;
	char person[32], asylum[40];
	(void)state;
	as(s, "admin", &admin);
	as(s, "clerk", &clerk);
	make_case(s, &clerk, "asylum", "AS", person, asylum);
	assert_int_equal(user_add(s, &admin, "vsup", CD_ROLE_SUPERVISOR, NULL, "visa", &err), CD_OK);
	assert_int_equal(user_add(s, &admin, "vclerk", CD_ROLE_CLERK, NULL, "visa", &err), CD_OK);
	as(s, "vsup", &vsup);
	as(s, "vclerk", &vclerk);

	vclerk.break_glass = "the applicant is at the desk";
	assert_int_equal(case_load(s, &vclerk, asylum, "casework", &k, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "only a supervisor"));
	vsup.break_glass = "why";
	assert_int_equal(case_load(s, &vsup, asylum, "casework", &k, &err), CD_EUSAGE);
	assert_int_equal(count("SELECT count(*) FROM break_glass"), 0);

	vsup.break_glass = "the applicant is at the desk with a letter";
	assert_int_equal(case_load(s, &vsup, asylum, "casework", &k, &err), CD_OK);
	assert_string_equal(k->number, asylum);
	case_free(k);
	assert_int_equal(count("SELECT count(*) FROM break_glass WHERE user_name = 'vsup' AND reviewed_at IS NULL"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'break_glass' AND user_name = 'vsup'"
			       " AND purpose = 'the applicant is at the desk with a letter'"), 1);

	assert_int_equal(user_glass_list(s, &vsup, 0, &g, &n, &err), CD_EREFUSED);
	assert_int_equal(user_glass_list(s, &admin, 0, &g, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(g[0].case_number, asylum);
	assert_int_equal(user_glass_review(s, &admin, g[0].id, &err), CD_OK);
	assert_int_equal(user_glass_review(s, &admin, g[0].id, &err), CD_ENOTFOUND);
	user_glass_list_free(g, n);
	assert_int_equal(user_glass_list(s, &admin, 0, &g, &n, &err), CD_OK);
	assert_int_equal(n, 0);
	user_glass_list_free(g, n);
	store_close(s);
}

static void test_user_set(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor admin, clerk, c2;
	(void)state;
	as(s, "admin", &admin);
	as(s, "clerk", &clerk);
	assert_int_equal(user_set(s, &clerk, "clerk", 0, "all", &err), CD_EREFUSED);
	assert_int_equal(user_set(s, &admin, "clerk", 0, "asylum,visa", &err), CD_OK);
	as(s, "clerk", &c2);
	assert_string_equal(c2.workflows, "asylum,visa");
	assert_int_equal(c2.roles, CD_ROLE_CLERK);
	assert_int_equal(user_set(s, &admin, "clerk", CD_ROLE_CASEWORKER, NULL, &err), CD_OK);
	as(s, "clerk", &c2);
	assert_int_equal(c2.roles, CD_ROLE_CASEWORKER);
	assert_string_equal(c2.workflows, "asylum,visa");
	assert_int_equal(user_set(s, &admin, "ghost", 0, "all", &err), CD_ENOTFOUND);
	assert_int_equal(user_set(s, &admin, "clerk", 0, "a;b", &err), CD_EINPUT);
	assert_int_equal(user_set(s, &admin, "admin", CD_ROLE_CLERK, NULL, &err), CD_EREFUSED);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE entity = 'user' AND action = 'change'"), 2);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workflow_lists),
		cmocka_unit_test_setup_teardown(test_migration_keeps_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_outside_workflows_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_break_glass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_set, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
