/*
 * test_kit.c - field kits' leased blocks of numbers (issue 15): the lease arithmetic of
 * model/store/kit_range.c without a file (overlaps refused, a new lease after everything
 * leased, the office skipping leased blocks, a kit's numbers running across blocks split by
 * a topup, what is left and what goes back), and on real store files that a registration
 * rolled back takes no number from a kit's block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/store/kit.h"
#include "model/store/person.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "workflow/registration.h"
#include "tests/unit/store_dir.h"

static int setup(void **state)
{
	(void)state;
	store_dir_make("kit");
	setenv("CASEDESK_TODAY", "2026-03-10", 1);
	return 0;
}

static void test_overlaps(void **state)
{
	const struct kit_range r[] = { { 3, 12, 0 }, { 14, 23, 16 } };
	(void)state;
	assert_true(kit_range_overlaps(r, 2, 12, 13));
	assert_false(kit_range_overlaps(r, 2, 13, 13));
	assert_false(kit_range_overlaps(r, 2, 1, 2));
	assert_true(kit_range_overlaps(r, 2, 20, 30));   /* returned numbers are never leased again */
	assert_true(kit_range_overlaps(r, 2, 1, 100));
	assert_false(kit_range_overlaps(r, 0, 1, 100));
}

static void test_lease_first(void **state)
{
	const struct kit_range r[] = { { 14, 23, 0 }, { 3, 12, 0 } };
	(void)state;
	assert_int_equal(kit_lease_first(NULL, 0, 0), 1);
	assert_int_equal(kit_lease_first(NULL, 0, 2), 3);
	assert_int_equal(kit_lease_first(r, 2, 2), 24);    /* after every block, in any order */
	assert_int_equal(kit_lease_first(r, 2, 40), 41);   /* after the office's own numbers */
	/* A lease so placed never overlaps. */
	assert_false(kit_range_overlaps(r, 2, kit_lease_first(r, 2, 13), kit_lease_first(r, 2, 13) + 9));
}

static void test_office_skips(void **state)
{
	const struct kit_range r[] = { { 14, 23, 16 }, { 3, 12, 0 } };
	(void)state;
	assert_int_equal(kit_office_next(NULL, 0, 0), 1);
	assert_int_equal(kit_office_next(r, 2, 1), 2);
	assert_int_equal(kit_office_next(r, 2, 2), 13);
	/* Blocks next to each other, given out of order, and a returned one: all skipped. */
	assert_int_equal(kit_office_next(r, 2, 12), 13);
	assert_int_equal(kit_office_next(r, 2, 13), 24);
	const struct kit_range adjacent[] = { { 11, 20, 0 }, { 1, 10, 0 } };
	assert_int_equal(kit_office_next(adjacent, 2, 0), 21);
}

static void test_kit_next_across_topups(void **state)
{
	const struct kit_range r[] = { { 3, 12, 0 }, { 14, 23, 0 } };
	const struct kit_range back[] = { { 3, 12, 8 } };
	(void)state;
	assert_int_equal(kit_kit_next(r, 2, 0), 3);
	assert_int_equal(kit_kit_next(r, 2, 5), 6);
	assert_int_equal(kit_kit_next(r, 2, 12), 14);   /* the topup's block after the first */
	assert_int_equal(kit_kit_next(r, 2, 23), 0);    /* spent */
	assert_int_equal(kit_kit_next(NULL, 0, 0), 0);  /* no block: nothing to issue */
	assert_int_equal(kit_kit_next(back, 1, 6), 7);
	assert_int_equal(kit_kit_next(back, 1, 7), 0);  /* returned from 8 on */
}

static void test_left_and_unused(void **state)
{
	const struct kit_range r[] = { { 3, 12, 0 }, { 14, 23, 0 } };
	struct kit_range u;
	int64_t left, total;
	(void)state;
	kit_range_left(r, 1, 9, &left, &total);
	assert_int_equal(left, 3);
	assert_int_equal(total, 10);
	assert_false(kit_range_low(left, total));
	kit_range_left(r, 1, 10, &left, &total);
	assert_int_equal(left, 2);
	assert_true(kit_range_low(left, total));       /* a fifth left: the kit warns */
	kit_range_left(r, 2, 10, &left, &total);        /* after a topup */
	assert_int_equal(left, 12);
	assert_int_equal(total, 20);
	assert_false(kit_range_low(left, total));
	kit_range_left(r, 2, 12, &left, &total);        /* the first block spent: counted no more */
	assert_int_equal(left, 10);
	assert_int_equal(total, 10);
	kit_range_left(r, 2, 23, &left, &total);
	assert_int_equal(left, 0);
	assert_int_equal(total, 10);
	assert_true(kit_range_low(left, total));
	assert_false(kit_range_low(0, 0));

	/* What goes back: the part of each block above the counter, split at the counter. */
	assert_true(kit_range_unused(&r[0], 7, &u));
	assert_int_equal(u.first, 8);
	assert_int_equal(u.last, 12);
	assert_true(kit_range_unused(&r[1], 7, &u));
	assert_int_equal(u.first, 14);
	assert_int_equal(u.last, 23);
	assert_false(kit_range_unused(&r[0], 12, &u));
	const struct kit_range back = { 3, 12, 8 };
	assert_false(kit_range_unused(&back, 7, &u));  /* given back already */
}

static void test_series(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	char series[32];
	int year;
	(void)state;
	assert_int_equal(kit_series_split("case:RP:2026", series, sizeof series, &year, &err), CD_OK);
	assert_string_equal(series, "case:RP");
	assert_int_equal(year, 2026);
	assert_int_equal(kit_series_split("person", series, sizeof series, &year, &err), CD_OK);
	assert_string_equal(series, "person");
	assert_int_equal(year, 0);
	assert_int_equal(kit_series_split("case:RP:2026", series, 4, &year, &err), CD_EINTERNAL);
}

/* A kit leased 5 person numbers; a registration refused for its document, and one rolled
 * back by hand, take none of them; the sixth is refused with the way to get more. */
static void test_rollback_takes_no_number(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *office = NULL, *kit = NULL;
	struct cd_actor admin, clerk;
	struct cd_person p;
	struct kit_blocks b = { 0 };
	struct kit_lease_opts lo = { .office = "TBS", .block = 5 };
	char kit_path[160], escrow[4200];
	(void)state;

	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &office, &err), CD_OK);
	assert_int_equal(user_resolve(office, "admin", &admin, &err), CD_OK);
	assert_int_equal(user_resolve(office, "clerk", &clerk, &err), CD_OK);
	struct cd_person_input in = { .surname = "Bondar", .given = "Anna", .surname_latin = "BONDAR",
				      .given_latin = "ANNA", .sex = "F", .dob = "1980", .nationality = "UKR" };
	assert_int_equal(person_add(office, &clerk, &in, &p, &err), CD_OK);
	assert_string_equal(p.number, "P-TBS-000001");

	snprintf(kit_path, sizeof kit_path, "%s/kit.casedesk", dir);
	assert_int_equal(kit_make(office, &clerk, kit_path, &lo, &b, escrow, sizeof escrow, &err), CD_EREFUSED);
	assert_int_equal(kit_make(office, &admin, kit_path, &lo, &b, escrow, sizeof escrow, &err), CD_OK);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.v[0].first, 2);
	assert_int_equal(b.v[0].last, 6);
	kit_blocks_release(&b);

	assert_int_equal(store_open(kit_path, &kit, &err), CD_OK);
	/* Refused inside its transaction (an issuer that is no country): no number burnt. */
	struct cd_dupe_thresholds th = { DUPES_WARN_DEFAULT, DUPES_BLOCK_DEFAULT };
	struct reg_verdict v = REG_VERDICT_INIT;
	struct reg_document doc = { .kind = "passport", .number = "FA123456", .issuer = "QQQ" };
	in.surname = "Melnyk";
	in.surname_latin = "MELNYK";
	assert_int_not_equal(registration_add(kit, &clerk, &in, &doc, &th, NULL, &v, &p, &err), CD_OK);
	registration_verdict_release(&v);
	/* Rolled back by hand after the number was taken. */
	assert_int_equal(store_begin(kit, &err), CD_OK);
	in.surname = "Shevchuk";
	in.surname_latin = "SHEVCHUK";
	assert_int_equal(person_add(kit, &clerk, &in, &p, &err), CD_OK);
	assert_string_equal(p.number, "P-TBS-000002");
	store_rollback(kit);

	int64_t left, total;
	assert_int_equal(kit_block_status(kit, "person", 0, &left, &total, &err), CD_OK);
	assert_int_equal(left, 5);
	assert_int_equal(total, 5);
	static const char *const surnames[] = { "TKACHENKO", "KRAVETS", "OLIYNYK", "LYSENKO", "MARCHENKO" };
	for (int i = 0; i < 5; i++) {
		char want[16];
		in.surname = in.surname_latin = surnames[i];
		assert_int_equal(person_add(kit, &clerk, &in, &p, &err), CD_OK);
		snprintf(want, sizeof want, "P-TBS-%06d", 2 + i);
		assert_string_equal(p.number, want);
	}
	assert_int_equal(kit_block_status(kit, "person", 0, &left, &total, &err), CD_OK);
	assert_int_equal(left, 0);
	in.surname = in.surname_latin = "RUDENKO";
	assert_int_equal(person_add(kit, &clerk, &in, &p, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "kit topup"));

	/* The office's own next number skips the kit's block. */
	in.surname = in.surname_latin = "SAVCHENKO";
	assert_int_equal(person_add(office, &clerk, &in, &p, &err), CD_OK);
	assert_string_equal(p.number, "P-TBS-000007");
	/* The office store is no kit: its status says nothing is left to warn about. */
	assert_int_equal(kit_block_status(office, "person", 0, &left, &total, &err), CD_OK);
	assert_int_equal(total, 0);

	store_close(kit);
	store_close(office);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_lease_first),
		cmocka_unit_test(test_office_skips),
		cmocka_unit_test(test_kit_next_across_topups),
		cmocka_unit_test(test_left_and_unused),
		cmocka_unit_test(test_series),
		cmocka_unit_test_setup_teardown(test_rollback_takes_no_number, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
