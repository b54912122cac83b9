/*
 * test_merge.c - merging two records of one person and undoing it, through the C API on a
 * temporary store: what moves and what comes back, the refusals, templates re-sealed for
 * their new person; and the lost/stolen gate that document_add passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/store/biometric.h"
#include "model/store/lostdocs.h"
#include "model/store/merge.h"
#include "model/store/person.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"


static int setup(void **state)
{
	(void)state;
	store_dir_make("merge");
	setenv("CASEDESK_TODAY", "2026-03-02", 1);
	return 0;
}

static void add(struct cd_store *s, const struct cd_actor *a, const char *given, struct cd_person *p)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person_input in = { .surname = "Ковальчук", .given = given, .surname_latin = "KOVALCHUK",
				      .given_latin = "IRYNA", .sex = "F", .dob = "1991-07", .nationality = "UKR" };
	assert_int_equal(person_add(s, a, &in, p, &err), CD_OK);
}

static void test_merge_and_unmerge(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, sup;
	struct cd_person a, b, c;
	struct cd_merge_summary m;
	char surv[32], at[32];
	(void)state;

	store_actor(s, "clerk", &clerk);
	store_actor(s, "supervisor", &sup);
	add(s, &clerk, "Ірина", &a);
	add(s, &clerk, "Ирина", &b);
	add(s, &clerk, "Олена", &c);
	assert_int_equal(document_add(s, &clerk, b.number, "passport", "FE111", "UKR", NULL, NULL, 0, &err), CD_OK);
	assert_int_equal(alias_add(s, &clerk, b.number, "birth", "Петренко", "Ирина", &err), CD_OK);
	assert_int_equal(family_link(s, &clerk, b.number, c.number, "sibling", &err), CD_OK);
	assert_int_equal(family_link(s, &clerk, a.number, b.number, "sibling", &err), CD_OK);

	assert_int_equal(merge_person(s, &clerk, NULL, a.number, b.number, "same", &m, &err), CD_EREFUSED);
	assert_int_equal(merge_person(s, &sup, NULL, a.number, a.number, "same", &m, &err), CD_EINPUT);
	assert_int_equal(merge_person(s, &sup, NULL, a.number, b.number, "", &m, &err), CD_EINPUT);
	assert_int_equal(merge_person(s, &sup, NULL, a.number, "P-TBS-999999", "x", &m, &err), CD_ENOTFOUND);

	assert_int_equal(merge_person(s, &sup, NULL, a.number, b.number, "same passport", &m, &err), CD_OK);
	assert_int_equal(m.documents, 1);
	assert_int_equal(m.aliases, 2);   /* the birth name, and the duplicate's own names */
	assert_int_equal(m.family, 2);    /* b-c both ways; the a-b links stay with b */
	assert_int_equal(store_count(s, "SELECT count(*) FROM document WHERE person_id = 1"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM alias WHERE person_id = 1 AND kind = 'merged'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM family WHERE person_id = 1 AND relative_id = 1"), 0);
	assert_int_equal(store_count(s, "SELECT merged_into FROM person WHERE id = 2"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person_fts WHERE rowid = 2"), 0);
	assert_int_equal(merge_follow(s, b.number, surv, at, &err), 1);
	assert_string_equal(surv, a.number);
	assert_int_equal(merge_follow(s, a.number, surv, at, &err), 0);
	/* A merged duplicate, or a survivor into a merged one, is refused. */
	assert_int_equal(merge_person(s, &sup, NULL, c.number, b.number, "x", &m, &err), CD_EREFUSED);
	assert_int_equal(merge_person(s, &sup, NULL, b.number, c.number, "x", &m, &err), CD_EREFUSED);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'merge'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox WHERE op = 'merge'"), 1);

	assert_int_equal(merge_undo(s, &clerk, NULL, b.number, NULL, &m, &err), CD_EREFUSED);
	assert_int_equal(merge_undo(s, &sup, NULL, a.number, NULL, &m, &err), CD_EREFUSED);
	assert_int_equal(merge_undo(s, &sup, NULL, b.number, "wrong pair", &m, &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM document WHERE person_id = 2"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM alias WHERE person_id = 2"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM alias WHERE person_id = 1"), 0);
	assert_int_equal(store_count(s, "SELECT count(*) FROM family WHERE person_id = 2 OR relative_id = 2"), 4);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person WHERE merged_into IS NOT NULL"), 0);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person_fts WHERE rowid = 2"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'unmerge'"), 1);
	assert_int_equal(merge_undo(s, &sup, NULL, b.number, NULL, &m, &err), CD_EREFUSED);
	/* A second merge after the unmerge works, and its own event is the one undone. */
	assert_int_equal(merge_person(s, &sup, NULL, a.number, b.number, "again", &m, &err), CD_OK);
	assert_int_equal(merge_undo(s, &sup, NULL, b.number, NULL, &m, &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM document WHERE person_id = 2"), 1);
	store_close(s);
}

static void test_templates_are_resealed(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, sup;
	struct cd_person a, b;
	struct cd_merge_summary m;
	struct bio_key key = { .loaded = 1 };
	unsigned char *sealed = NULL, *plain = NULL;
	size_t sealed_n = 0, plain_n = 0;
	char aad[160];
	sqlite3_stmt *st;
	(void)state;

	memset(key.k, 7, sizeof key.k);
	store_actor(s, "clerk", &clerk);
	store_actor(s, "supervisor", &sup);
	add(s, &clerk, "Ірина", &a);
	add(s, &clerk, "Ирина", &b);
	snprintf(aad, sizeof aad, "casedesk-biometric-1|%s|finger|right_index", b.uuid);
	assert_int_equal(bio_seal(&key, aad, "tmpl", 4, &sealed, &sealed_n, &err), CD_OK);
	assert_int_equal(sqlite3_prepare_v2(s->db, "INSERT INTO biometric(uuid, person_id, modality, position, template,"
						   " device, captured_at) VALUES ('b1', 2, 'finger', 'right_index', ?1, 'test', 'x')",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, sealed, (int)sealed_n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	free(sealed);

	/* Without the key nothing moves. */
	assert_int_equal(merge_person(s, &sup, NULL, a.number, b.number, "same", &m, &err), CD_EREFUSED);
	assert_int_equal(store_count(s, "SELECT count(*) FROM biometric WHERE person_id = 2"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person WHERE merged_into IS NOT NULL"), 0);

	assert_int_equal(merge_person(s, &sup, &key, a.number, b.number, "same", &m, &err), CD_OK);
	assert_int_equal(m.biometrics, 1);
	assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT template FROM biometric WHERE uuid = 'b1'", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(aad, sizeof aad, "casedesk-biometric-1|%s|finger|right_index", a.uuid);
	assert_int_equal(bio_open(&key, aad, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), &plain,
				  &plain_n, &err), CD_OK);
	assert_memory_equal(plain, "tmpl", 4);
	free(plain);
	sqlite3_finalize(st);
	assert_int_equal(merge_undo(s, &sup, &key, b.number, NULL, &m, &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM biometric WHERE person_id = 2"), 1);
	store_close(s);
}

static void test_lostdocs_gate(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, sup;
	struct cd_person a;
	struct cd_lostdocs_import imp;
	char csv[160];
	FILE *f;
	(void)state;

	store_actor(s, "clerk", &clerk);
	store_actor(s, "supervisor", &sup);
	add(s, &clerk, "Ірина", &a);
	snprintf(csv, sizeof csv, "%s/list.csv", dir);
	assert_non_null(f = fopen(csv, "w"));
	fputs("issuer,number,reported,kind\nUKR,\"fe 111\",2025-01-01,passport\nUKR,FE222,2025-01-0", f);
	fclose(f);
	assert_int_equal(lostdocs_import(s, &clerk, csv, NULL, &imp, &err), CD_EREFUSED);
	lostdocs_import_release(&imp);
	assert_int_equal(lostdocs_import(s, &sup, csv, "test", &imp, &err), CD_OK);
	assert_int_equal(imp.added, 1);
	assert_int_equal(imp.bad, 1);
	assert_int_equal(imp.problems[0].line, 3);
	assert_null(strstr(imp.problems[0].message, "FE222"));
	lostdocs_import_release(&imp);

	assert_int_equal(document_add(s, &clerk, a.number, "passport", "FE-111", "UKR", NULL, NULL, 0, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "FE111 of UKR"));
	assert_int_equal(store_count(s, "SELECT count(*) FROM document"), 0);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'document_refused' AND person_id = 1"), 1);
	assert_int_equal(document_add(s, &clerk, a.number, "passport", "FE-111", "UKR", NULL, NULL, 1, &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'document_forced' AND person_id = 1"), 1);
	/* Forcing is the one call's, not the store's. */
	assert_int_equal(document_add(s, &clerk, a.number, "passport", "FE111", "UKR", NULL, NULL, 0, &err), CD_EREFUSED);
	/* In the caller's transaction a refusal is undone with it. */
	assert_int_equal(store_begin(s, &err), CD_OK);
	assert_int_equal(document_add(s, &clerk, a.number, "passport", "FE111", "UKR", NULL, NULL, 0, &err), CD_EREFUSED);
	store_rollback(s);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'document_refused'"), 2);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge_and_unmerge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_templates_are_resealed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lostdocs_gate, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
