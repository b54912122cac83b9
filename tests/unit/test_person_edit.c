/*
 * test_person_edit.c - the person's edits through the C API on a temporary store
 * (model/store/person_edit.h and the adds of person.h): correcting bio-data (NFC, the
 * Latin form derived again, the search index, the row version), expiring a document,
 * addresses, aliases, a listed document forced with a reason; and each refusal, which
 * writes nothing.
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

#include "model/store/lostdocs.h"
#include "model/store/person.h"
#include "model/store/person_edit.h"
#include "model/store/search.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

static int setup(void **state)
{
	(void)state;
	store_dir_make("person-edit");
	setenv("CASEDESK_TODAY", "2026-03-02", 1);
	return 0;
}

static void add(struct cd_store *s, const struct cd_actor *a, struct cd_person *p)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person_input in = { .surname = "Ковальчук", .given = "Ірина", .sex = "F", .dob = "1991-07",
				      .nationality = "UKR" };
	assert_int_equal(person_add(s, a, &in, p, &err), CD_OK);
}

/* 1 when a search for `query` finds person `number`. */
static int found(struct cd_store *s, const struct cd_actor *a, const char *query, const char *number)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_search_hit *hits;
	size_t n;
	int yes = 0;
	assert_int_equal(search_people(s, a, query, 20, &hits, &n, &err), CD_OK);
	for (size_t i = 0; i < n; i++)
		yes |= strcmp(hits[i].number, number) == 0;
	search_hits_free(hits, n);
	return yes;
}

static void test_correct(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, cw, sup;
	struct cd_person p;
	struct cd_person_record *r;
	int64_t v = 0;
	(void)state;

	store_actor(s, "clerk", &clerk);
	store_actor(s, "caseworker", &cw);
	store_actor(s, "supervisor", &sup);
	add(s, &clerk, &p);
	assert_true(found(s, &cw, "Ковальчук", p.number));

	/* "Коваленко" typed with a decomposed й would be stored composed: NFC as at registration. */
	struct cd_person_fix fix[] = { { "surname", "Коваленко" }, { "dob", "1991-07-04" } };
	assert_int_equal(person_correct(s, &clerk, p.number, 1, fix, 2, "passport", &v, &err), CD_EREFUSED);
	assert_int_equal(person_correct(s, &cw, p.number, 1, fix, 2, "", &v, &err), CD_EINPUT);
	assert_int_equal(person_correct(s, &cw, p.number, 1, fix, 2, "passport seen", &v, &err), CD_OK);
	assert_int_equal(v, 2);
	assert_int_equal(person_load(s, &cw, p.number, NULL, &r, &err), CD_OK);
	assert_string_equal(r->person.surname, "Коваленко");
	assert_string_equal(r->person.surname_latin, "KOVALENKO");   /* derived again, Ukrainian rows */
	assert_string_equal(r->person.dob, "1991-07-04");
	assert_int_equal(r->person.row_version, 2);
	person_record_free(r);
	/* The search index follows: the new name is found, as written and in its Latin form. */
	assert_true(found(s, &cw, "Коваленко", p.number));
	assert_true(found(s, &cw, "KOVALENKO", p.number));
	/* One event a changed field, with old, new and the reason; one audit row; one outbox row. */
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'person_corrected' AND note = 'passport seen'"
				  " AND ((field = 'surname' AND old_value = 'Ковальчук' AND new_value = 'Коваленко')"
				  "  OR (field = 'surname_latin' AND old_value = 'KOVALCHUK' AND new_value = 'KOVALENKO')"
				  "  OR (field = 'dob' AND old_value = '1991-07' AND new_value = '1991-07-04'))"), 3);
	assert_int_equal(store_count(s, "SELECT count(*) FROM audit WHERE entity = 'person' AND purpose = 'correction'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox WHERE entity = 'person' AND op = 'update'"), 1);

	/* A stale version is refused, names no one, and writes nothing. */
	struct cd_person_fix sex = { "sex", "X" };
	assert_int_equal(person_correct(s, &sup, p.number, 1, &sex, 1, "self-declared", &v, &err), CD_ECONFLICT);
	assert_null(strstr(err.msg, "Коваленко"));
	assert_null(strstr(err.msg, "KOVALENKO"));
	assert_non_null(strstr(err.msg, "version 1, now 2"));
	assert_int_equal(store_count(s, "SELECT count(*) FROM person WHERE sex = 'X'"), 0);
	assert_int_equal(person_correct(s, &sup, p.number, 2, &sex, 1, "self-declared", &v, &err), CD_OK);
	assert_int_equal(v, 3);

	/* Refusals: bad date, bad name bytes, unknown field, a field twice, nothing changed. */
	struct cd_person_fix bad_date = { "dob", "1991-02-30" };
	assert_int_equal(person_correct(s, &cw, p.number, 0, &bad_date, 1, "x", NULL, &err), CD_EINPUT);
	struct cd_person_fix future = { "dob", "2027" };
	assert_int_equal(person_correct(s, &cw, p.number, 0, &future, 1, "x", NULL, &err), CD_EINPUT);
	struct cd_person_fix bad_bytes = { "given", "Ir\xc3\x28na" };
	assert_int_equal(person_correct(s, &cw, p.number, 0, &bad_bytes, 1, "x", NULL, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "given names"));
	struct cd_person_fix escape = { "surname", "A\x1b[2JB" };
	assert_int_equal(person_correct(s, &cw, p.number, 0, &escape, 1, "x", NULL, &err), CD_EINPUT);
	struct cd_person_fix unknown = { "height", "180" };
	assert_int_equal(person_correct(s, &cw, p.number, 0, &unknown, 1, "x", NULL, &err), CD_EINPUT);
	struct cd_person_fix twice[] = { { "sex", "F" }, { "sex", "M" } };
	assert_int_equal(person_correct(s, &cw, p.number, 0, twice, 2, "x", NULL, &err), CD_EINPUT);
	struct cd_person_fix unchanged = { "nationality", "UKR" };
	assert_int_equal(person_correct(s, &cw, p.number, 0, &unchanged, 1, "x", NULL, &err), CD_EINPUT);
	struct cd_person_fix nat = { "nationality", "QQQ" };
	assert_int_equal(person_correct(s, &cw, p.number, 0, &nat, 1, "x", NULL, &err), CD_EINPUT);
	struct cd_person_fix lower = { "surname_latin", "kovalenko" };
	assert_int_equal(person_correct(s, &cw, p.number, 0, &lower, 1, "x", NULL, &err), CD_EINPUT);
	assert_int_equal(person_correct(s, &cw, "P-TBS-999999", 0, &sex, 1, "x", NULL, &err), CD_ENOTFOUND);
	/* None of them moved the version or wrote an event. */
	assert_int_equal(store_count(s, "SELECT row_version FROM person"), 3);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'person_corrected'"), 4);
	/* A Latin form given with the name is taken as given. */
	struct cd_person_fix both[] = { { "given", "Iryna" }, { "given_latin", "IRINA" } };
	assert_int_equal(person_correct(s, &cw, p.number, 0, both, 2, "as in passport", NULL, &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person WHERE given = 'Iryna' AND given_latin = 'IRINA'"), 1);
	store_close(s);
}

static void test_documents(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, sup, admin;
	struct cd_person p;
	struct cd_lostdocs_import imp;
	char csv[160];
	FILE *f;
	(void)state;

	store_actor(s, "clerk", &clerk);
	store_actor(s, "supervisor", &sup);
	store_actor(s, "admin", &admin);
	add(s, &clerk, &p);
	assert_int_equal(document_add(s, &clerk, p.number, "passport", "FE 1234", "UKR", "2021-01-01", "2031-01-01", 0,
				      &err), CD_OK);
	assert_int_equal(document_expire(s, &clerk, p.number, "FE1234", NULL, "", &err), CD_EINPUT);
	assert_int_equal(document_expire(s, &clerk, p.number, "FE1234", "2026-02-31", "lost", &err), CD_EINPUT);
	assert_int_equal(document_expire(s, &clerk, p.number, "XX1", NULL, "lost", &err), CD_ENOTFOUND);
	assert_int_equal(document_expire(s, &admin, p.number, "FE1234", NULL, "lost", &err), CD_EREFUSED);
	assert_int_equal(document_expire(s, &clerk, p.number, "fe-1234", NULL, "reported lost", &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM document WHERE expires = '2026-03-02'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'document_expired' AND old_value = '2031-01-01'"
				  " AND new_value = '2026-03-02' AND note = 'reported lost'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM audit WHERE entity = 'document' AND purpose = 'correction'"), 1);
	/* A later date would lengthen it: refused. */
	assert_int_equal(document_expire(s, &clerk, p.number, "FE1234", "2026-06-01", "x", &err), CD_EINPUT);

	/* A listed document: refused without a reason, taken with one, the reason on its event. */
	snprintf(csv, sizeof csv, "%s/list.csv", dir);
	assert_non_null(f = fopen(csv, "w"));
	fputs("issuer,number,reported,kind\nUKR,EB777,2025-01-01,passport\n", f);
	fclose(f);
	assert_int_equal(lostdocs_import(s, &sup, csv, "test", &imp, &err), CD_OK);
	lostdocs_import_release(&imp);
	assert_int_equal(document_add_because(s, &clerk, p.number, "passport", "EB777", "UKR", NULL, NULL, NULL, &err),
			 CD_EREFUSED);
	assert_int_equal(document_add_because(s, &clerk, p.number, "passport", "EB777", "UKR", NULL, NULL, "  ", &err),
			 CD_EINPUT);
	assert_int_equal(store_count(s, "SELECT count(*) FROM document WHERE number = 'EB777'"), 0);
	assert_int_equal(document_add_because(s, &clerk, p.number, "passport", "EB777", "UKR", NULL, NULL,
					      "owner here, police report", &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'document_added'"
				  " AND note = 'owner here, police report'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'document_forced'"), 1);
	/* Not listed: no reason needed, none kept. */
	assert_int_equal(document_add_because(s, &clerk, p.number, "id", "ZZ1", "UKR", NULL, "2030-01-01", NULL, &err),
			 CD_OK);
	store_close(s);
}

static void test_alias_and_address(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, admin;
	struct cd_person p;
	struct cd_person_record *r;
	(void)state;

	store_actor(s, "clerk", &clerk);
	store_actor(s, "admin", &admin);
	add(s, &clerk, &p);
	/* An alias: bad bytes refused; "Müller" with a combining diaeresis stored composed. */
	assert_int_equal(alias_add(s, &clerk, p.number, "spelling", "M\xff", "Anna", &err), CD_EINPUT);
	assert_int_equal(alias_add(s, &clerk, p.number, "spelling", "Mu\xcc\x88ller", "Anna", &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM alias WHERE surname = 'M\xc3\xbcller' AND kind = 'spelling'"), 1);
	assert_true(found(s, &clerk, "MUELLER", p.number) || found(s, &clerk, "Müller", p.number));

	struct cd_address_input bad_kind = { .kind = "home", .line = "1 Main St" };
	assert_int_equal(address_add(s, &clerk, p.number, &bad_kind, &err), CD_EINPUT);
	struct cd_address_input no_line = { .line = "" };
	assert_int_equal(address_add(s, &clerk, p.number, &no_line, &err), CD_EINPUT);
	struct cd_address_input bad_country = { .line = "1 Main St", .country = "QQQ" };
	assert_int_equal(address_add(s, &clerk, p.number, &bad_country, &err), CD_EINPUT);
	struct cd_address_input bad_since = { .line = "1 Main St", .since = "2026-02-30" };
	assert_int_equal(address_add(s, &clerk, p.number, &bad_since, &err), CD_EINPUT);
	struct cd_address_input ok = { .kind = "stay", .line = "вул. Хрещатик 1", .city = "Київ", .country = "UKR",
				       .since = "2026-01-15" };
	assert_int_equal(address_add(s, &admin, p.number, &ok, &err), CD_EREFUSED);
	assert_int_equal(store_count(s, "SELECT count(*) FROM address"), 0);
	assert_int_equal(address_add(s, &clerk, p.number, &ok, &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM event WHERE kind = 'address_added'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM audit WHERE action = 'change' AND entity = 'address'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox WHERE entity = 'address'"), 1);
	assert_int_equal(person_load(s, &clerk, p.number, NULL, &r, &err), CD_OK);
	assert_int_equal(r->n_addresses, 1);
	assert_string_equal(r->addresses[0].kind, "stay");
	assert_string_equal(r->addresses[0].city, "Київ");
	assert_string_equal(r->addresses[0].country, "UKR");
	assert_string_equal(r->addresses[0].since, "2026-01-15");
	assert_int_equal(r->n_aliases, 1);
	person_record_free(r);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_correct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_and_address, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
