/*
 * test_access.c - reads of many people audited through model/store/access.h: a search
 * keeps its query's hash, not its text; lists name their people up to ACCESS_NAMED_MAX
 * and only count them beyond; who may read the trail; an export never carries a template.
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

#include "model/base/buf.h"
#include "model/base/json.h"
#include "model/store/access.h"
#include "model/store/cases.h"
#include "model/store/person.h"
#include "model/store/search.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"


static int setup(void **state)
{
	(void)state;
	store_dir_make("access");
	return 0;
}

static struct cd_store *fresh(void)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	return s;
}

static void actor(struct cd_store *s, const char *name, struct cd_actor *a)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(user_resolve(s, name, a, &err), CD_OK);
}

static int64_t count(struct cd_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void add(struct cd_store *s, const struct cd_actor *a, const char *surname, struct cd_person *p)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person_input in = { .surname = surname, .given = "Ірина", .surname_latin = NULL,
				      .given_latin = NULL, .sex = "F", .dob = "1991-07", .nationality = "UKR" };
	assert_int_equal(person_add(s, a, &in, p, &err), CD_OK);
	assert_int_equal(person_resolve(s, p->number, &p->id, &err), CD_OK);
}

static void test_search_keeps_the_hash(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor clerk;
	struct cd_person p;
	struct cd_search_hit *hits;
	size_t n;
	char hex[65], sql[256];
	(void)state;

	actor(s, "clerk", &clerk);
	add(s, &clerk, "Ковальчук", &p);
	/* The raw search writes nothing: search as you type audits once it settles. */
	int64_t before = count(s, "SELECT count(*) FROM audit");
	assert_int_equal(search_people(s, &clerk, "Коваль", 10, &hits, &n, &err), CD_OK);
	search_hits_free(hits, n);
	assert_int_equal(count(s, "SELECT count(*) FROM audit"), before);
	assert_int_equal(search_read(s, &clerk, "Коваль", 10, "casework", &hits, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	search_hits_free(hits, n);
	access_sha256_hex("Коваль", hex);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE entity_uuid = 'sha256=%s shown=1'", hex);
	assert_int_equal(count(s, sql), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE instr(entity_uuid || purpose, 'Коваль') > 0"), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE action = 'search' AND entity_uuid = '%s'", p.uuid);
	assert_int_equal(count(s, sql), 1);
	store_close(s);
}

static void test_lists_name_few_and_count_many(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor clerk;
	struct cd_person p;
	int64_t ids[ACCESS_NAMED_MAX + 1];
	(void)state;

	actor(s, "clerk", &clerk);
	add(s, &clerk, "Ковальчук", &p);
	for (size_t i = 0; i < ACCESS_NAMED_MAX + 1; i++)
		ids[i] = p.id;
	/* One person on many rows is named once. */
	assert_int_equal(access_audit_list(s, &clerk, "list", "case_list", "shown=3 people=1", ids, 3, "t", &err), CD_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE action = 'list'"), 2);
	/* Past the limit only the summary is written. */
	assert_int_equal(access_audit_list(s, &clerk, "list", "case_list", "shown=51 people=51", ids,
					   ACCESS_NAMED_MAX + 1, "t", &err), CD_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE action = 'list'"), 3);
	store_close(s);
}

static void test_trail_for_supervisors_and_no_templates(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor clerk, caseworker, supervisor;
	struct cd_person p;
	struct access_report *r;
	static const unsigned char tmpl[] = "TEMPLATE-BYTES-SECRET";
	(void)state;

	actor(s, "clerk", &clerk);
	actor(s, "caseworker", &caseworker);
	actor(s, "supervisor", &supervisor);
	add(s, &clerk, "Ковальчук", &p);
	assert_int_equal(biometric_record(s, &clerk, p.number, "finger", "right_index", 80, tmpl, sizeof tmpl,
					  "test-reader", 0, &err), CD_OK);
	assert_int_equal(access_reads(s, &caseworker, p.number, "casework", &r, &err), CD_EREFUSED);
	assert_int_equal(access_export(s, &clerk, p.number, &r, &err), CD_EREFUSED);
	assert_int_equal(access_export(s, &supervisor, "P-TBS-000404", &r, &err), CD_ENOTFOUND);
	assert_int_equal(access_export(s, &supervisor, p.number, &r, &err), CD_OK);
	const struct access_table *bio = access_table_get(r, "biometrics");
	assert_non_null(bio);
	assert_int_equal(bio->n_rows, 1);
	assert_null(access_cell(bio, 0, "template"));
	assert_int_equal(access_cell(bio, 0, "template_held")->num, 1);
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	json_init(&w, &b);
	access_json(r, &w);
	assert_int_equal(json_done(&w, &err), CD_OK);
	assert_null(strstr(buf_str(&b), "TEMPLATE-BYTES"));
	assert_non_null(strstr(buf_str(&b), "\"action\":\"export\""));
	buf_release(&b);
	access_report_free(r);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_keeps_the_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists_name_few_and_count_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trail_for_supervisors_and_no_templates, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
