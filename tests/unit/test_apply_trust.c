/*
 * test_apply_trust.c - what an op arriving from elsewhere may claim (model/store/apply.h,
 * holes found by issue 15's hostile review), against one real training store (office TBS):
 *  - identity: "already had" only for the very op (uuid, origin, seq); another op under an
 *    origin and seq applied here is refused, in words, never counted as had;
 *  - the mark: a carried op's jump ("op 50 of kit A" carried by kit B) does not move kit A's
 *    mark, so kit A's own ops 1, 2 ... still apply; the mark rises over ops applied in a run;
 *  - decisions: a resolution carried from an origin this store does not know is skipped
 *    (the value stays); from a trusted origin it applies;
 *  - numbers: an insert by hand must hold a number leased to its origin, not returned, not
 *    held, never the office's own; an update never changes a number.
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
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

#define KIT_A "0190d000-0000-7000-8000-00000000000a"
#define KIT_B "0190d000-0000-7000-8000-00000000000b"
#define STRANGER "0190d000-0000-7000-8000-0000000bad07"

static int setup(void **state)
{
	(void)state;
	store_dir_make("apply-trust");
	setenv("CASEDESK_TODAY", "2026-03-02", 1);
	return 0;
}

static int64_t mark(struct cd_store *s, const char *origin)
{
	struct cd_error err = CD_ERROR_INIT;
	int64_t hw = -1;
	assert_int_equal(op_origin_high_water(s, origin, &hw, &err), CD_OK);
	return hw;
}

/* Applies `op` as the training admin, `err` cleared first. */
static int apply_as_admin(struct cd_store *s, const struct cd_remote_op *op, struct cd_apply_result *res,
			  struct cd_error *err)
{
	struct cd_actor admin;
	*err = (struct cd_error)CD_ERROR_INIT;
	store_actor(s, "admin", &admin);
	return op_apply(s, &admin, op, res, err);
}

/* Applies a person insert (uuid "...-0000000001NN" of entity "...-0000000002NN") of `origin`
 * at `seq` with `number`, brought by `via` (NULL: the national tier); scoped when carried. */
static int insert(struct cd_store *s, const char *uuid, const char *origin, int64_t seq, const char *entity,
		  const char *number, const char *via, struct cd_apply_result *res, struct cd_error *err)
{
	char payload[512];
	snprintf(payload, sizeof payload,
		 "{\"fields\":{\"number\":{\"base\":0,\"old\":null,\"new\":\"%s\"},"
		 "\"surname\":{\"base\":0,\"old\":null,\"new\":\"Kim\"},\"given\":{\"base\":0,\"old\":null,\"new\":\"Anna\"},"
		 "\"surname_latin\":{\"base\":0,\"old\":null,\"new\":\"KIM\"},"
		 "\"given_latin\":{\"base\":0,\"old\":null,\"new\":\"ANNA\"},\"sex\":{\"base\":0,\"old\":null,\"new\":\"F\"},"
		 "\"dob\":{\"base\":0,\"old\":null,\"new\":\"1990-01-02\"},"
		 "\"nationality\":{\"base\":0,\"old\":null,\"new\":\"UKR\"}}}",
		 number);
	struct cd_remote_op op = { .uuid = uuid, .origin = origin, .origin_seq = seq, .origin_office = "TBS",
				   .entity = "person", .entity_uuid = entity, .op = "insert", .at = "2026-03-02T10:00:00Z",
				   .payload = payload, .scoped = via && strcmp(via, origin) != 0, .via = via };
	return apply_as_admin(s, &op, res, err);
}

static void test_identity(void **state)
{
	struct cd_store *s = store_fresh();
	struct cd_apply_result res;
	struct cd_error err;
	(void)state;

	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000101", KIT_A, 1, "0190d000-0000-7000-8000-000000000201",
				"P-KIT-000001", KIT_A, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_APPLIED);
	/* The very op again: had. */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000101", KIT_A, 1, "0190d000-0000-7000-8000-000000000201",
				"P-KIT-000001", KIT_A, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_ALREADY);
	/* Another op as op 1 of kit A (a copied kit's file): refused in words, not had. */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000102", KIT_A, 1, "0190d000-0000-7000-8000-000000000202",
				"P-KIT-000001", KIT_A, &res, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "came with another identity than the op 1 applied here"));
	assert_non_null(strstr(err.msg, "a kit's file copied to a second machine?"));
	assert_null(strstr(err.msg, "P-KIT"));
	/* The applied op's uuid under another seq: refused too. */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000101", KIT_A, 2, "0190d000-0000-7000-8000-000000000201",
				"P-KIT-000001", KIT_A, &res, &err), CD_EREFUSED);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM applied_ops"), 1);
	store_close(s);
}

static void test_jump_keeps_mark(void **state)
{
	struct cd_store *s = store_fresh();
	struct cd_apply_result res;
	struct cd_error err;
	(void)state;

	/* Kit B carries "op 50 of kit A": applied (a data op a trusted carrier vouches for) ... */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000150", KIT_A, 50, "0190d000-0000-7000-8000-000000000250",
				"P-KIT-000050", KIT_B, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_APPLIED);
	/* ... but kit A's mark stays where kit A's own ops left it. */
	assert_int_equal(mark(s, KIT_A), 0);
	/* Kit A's own ops 1 and 2 are new, not had. */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000101", KIT_A, 1, "0190d000-0000-7000-8000-000000000201",
				"P-KIT-000001", KIT_A, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_APPLIED);
	/* Op 3 before 2: a gap in kit A's own. */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000103", KIT_A, 3, "0190d000-0000-7000-8000-000000000203",
				"P-KIT-000003", KIT_A, &res, &err), CD_EREFUSED);
	/* A carried op 3 jumps ahead (scoped): the mark stays at 1 ... */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000103", KIT_A, 3, "0190d000-0000-7000-8000-000000000203",
				"P-KIT-000003", KIT_B, &res, &err), CD_OK);
	assert_int_equal(mark(s, KIT_A), 1);
	/* ... and op 2 then closes the run: the mark rises over 2 and 3. */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000102", KIT_A, 2, "0190d000-0000-7000-8000-000000000202",
				"P-KIT-000002", KIT_A, &res, &err), CD_OK);
	assert_int_equal(mark(s, KIT_A), 3);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person"), 4);
	/* Ops 1 to 3 came after op 50 was held: applied, not held to carry on (a bundle carries
	 * each origin's ops rising; kit A's own bundle and the tier bring them on). */
	assert_int_equal(store_count(s, "SELECT count(*) FROM held_ops"), 1);
	assert_int_equal(store_count(s, "SELECT origin_seq FROM held_ops WHERE via = '" KIT_B "'"), 50);
	store_close(s);
}

static int resolve(struct cd_store *s, const char *uuid, const char *origin, int64_t seq, const char *via,
		   struct cd_apply_result *res, struct cd_error *err)
{
	struct cd_remote_op op = { .uuid = uuid, .origin = origin, .origin_seq = seq, .origin_office = "ZZZ",
				   .entity = "person", .entity_uuid = "0190d000-0000-7000-8000-000000000201",
				   .op = "resolve", .at = "2026-03-02T11:00:00Z",
				   .payload = "{\"fields\":{\"given\":{\"base\":1,\"old\":\"Anna\",\"new\":\"Mallory\"}},"
					      "\"resolution\":{\"ours\":\"Anna\",\"theirs\":\"Anne\",\"by\":\"mallory\","
					      "\"how\":\"typed\"},\"reason\":\"forged\"}",
				   .scoped = 1, .via = via };
	return apply_as_admin(s, &op, res, err);
}

static void test_decisions(void **state)
{
	struct cd_store *s = store_fresh();
	struct cd_apply_result res;
	struct cd_error err;
	(void)state;

	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000101", KIT_A, 1, "0190d000-0000-7000-8000-000000000201",
				"P-KIT-000001", KIT_A, &res, &err), CD_OK);
	/* A resolution of a store never heard of, carried by kit B: skipped, the name kept. */
	assert_int_equal(resolve(s, "0190d000-0000-7000-8000-000000000301", STRANGER, 1, KIT_B, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_SKIPPED);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person WHERE given = 'Anna'"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM applied_ops WHERE outcome = 'skipped'"
				  " AND note LIKE '%a store this one does not know%'"), 1);
	/* The same from the national tier (no carrier): the tier introduced it; applied. */
	assert_int_equal(resolve(s, "0190d000-0000-7000-8000-000000000302", STRANGER, 2, NULL, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_APPLIED);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person WHERE given = 'Mallory'"), 1);
	/* A carried decision of an origin trusted here is honoured. */
	store_exec(s, "UPDATE person SET given = 'Anna'");
	store_exec(s, "INSERT INTO trusted_origins(origin, office, public_key, added_at) VALUES ('" KIT_A "', 'TBS', 'k', 'now')");
	assert_int_equal(resolve(s, "0190d000-0000-7000-8000-000000000303", KIT_A, 7, KIT_B, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_APPLIED);
	store_close(s);
}

static void test_numbers(void **state)
{
	struct cd_store *s = store_fresh();
	struct cd_apply_result res;
	struct cd_error err;
	struct cd_actor admin;
	(void)state;

	/* Kit A was leased P-TBS-000100..109 here and returned 105..109. */
	store_exec(s, "INSERT INTO number_blocks(uuid, series, year, first, last, kit_name, kit_uuid, leased_at, leased_by)"
		" VALUES ('blk-a', 'person', 0, 100, 109, 'K01', '" KIT_A "', 'now', 'admin');"
		"UPDATE number_blocks SET returned = 105, returned_at = 'now' WHERE uuid = 'blk-a'");
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000101", KIT_A, 1, "0190d000-0000-7000-8000-000000000201",
				"P-TBS-000101", KIT_A, &res, &err), CD_OK);
	/* Returned (void), the office's own, held already: refused, the number never named. */
	const char *bad[] = { "P-TBS-000106", "P-TBS-000001", "P-TBS-000101" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000102", KIT_A, 2,
					"0190d000-0000-7000-8000-000000000202", bad[i], KIT_A, &res, &err), CD_EREFUSED);
		assert_non_null(strstr(err.msg, "(kit K01 of office TBS) registers a person under a number this office"));
		assert_null(strstr(err.msg, "P-TBS"));
	}
	/* Another office's series is not this office's to judge. */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000102", KIT_A, 2, "0190d000-0000-7000-8000-000000000202",
				"P-KIT-000002", KIT_A, &res, &err), CD_OK);
	/* From the national tier (the authority on numbers): taken. */
	assert_int_equal(insert(s, "0190d000-0000-7000-8000-000000000103", KIT_A, 3, "0190d000-0000-7000-8000-000000000203",
				"P-TBS-000107", NULL, &res, &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person"), 3);
	/* An update that renumbers: refused by hand, skipped from the tier; never applied. */
	struct cd_remote_op up = { .uuid = "0190d000-0000-7000-8000-000000000104", .origin = KIT_A, .origin_seq = 4,
				   .origin_office = "TBS", .entity = "person",
				   .entity_uuid = "0190d000-0000-7000-8000-000000000201", .op = "update",
				   .payload = "{\"fields\":{\"number\":{\"base\":1,\"old\":\"P-TBS-000101\","
					      "\"new\":\"P-TBS-000102\"}}}",
				   .via = KIT_A };
	store_actor(s, "admin", &admin);
	assert_int_equal(op_apply(s, &admin, &up, &res, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "numbers never change once issued"));
	up.via = NULL;
	assert_int_equal(op_apply(s, &admin, &up, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_SKIPPED);
	assert_int_equal(store_count(s, "SELECT count(*) FROM person WHERE number = 'P-TBS-000101'"), 1);
	/* The office still numbers its own next person: nothing of its series was taken. */
	assert_int_equal(store_count(s, "SELECT count(*) FROM person WHERE number = 'P-TBS-000001'"), 0);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_jump_keeps_mark),
		cmocka_unit_test(test_decisions),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
