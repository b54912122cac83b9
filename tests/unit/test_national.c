/*
 * test_national.c - what model/national decides without a server: which connection
 * strings it takes (never one with a password, in any spelling libpq reads), that its
 * refusals never quote the string, and that the schema's migrations are a gapless list.
 * Connecting, migrating and refusing a newer schema run against a real PostgreSQL in
 * tests/script/t_national.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/base/error.h"
#include "model/national/national.h"
#include "model/national/national_push.h"
#include "model/national/national_schema.h"

static void refused_silently(const char *conninfo, int code)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(national_conninfo_check(conninfo, &err), code);
	assert_null(strstr(err.msg, "S3cret"));
}

static void test_passwords_are_refused(void **state)
{
	(void)state;
	struct cd_error err = CD_ERROR_INIT;
	refused_silently("host=h dbname=d password=S3cret", CD_EINPUT);
	assert_non_null(strstr((national_conninfo_check("host=h password=S3cret", &err), err.msg), "~/.pgpass"));
	refused_silently("host=h dbname=d PASSWORD = 'S3cret'", CD_EINPUT);
	refused_silently("postgresql://u:S3cret@h:5432/d", CD_EINPUT);
	refused_silently("postgres://u:S3cret@h/d?sslmode=require", CD_EINPUT);
	refused_silently("postgresql://u@h/d?password=S3cret", CD_EINPUT);
	/* A malformed string: libpq's parse error quotes it, so the password check comes first. */
	refused_silently("host=h password S3cret", CD_EINPUT);
}

static void test_good_and_bad_strings(void **state)
{
	(void)state;
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(national_conninfo_check("host=127.0.0.1 port=5432 dbname=national user=casedesk", &err), CD_OK);
	assert_int_equal(national_conninfo_check("postgresql://casedesk@127.0.0.1:5432/national", &err), CD_OK);
	/* A colon after '@' is the port, not a password. */
	assert_int_equal(national_conninfo_check("postgresql://casedesk@[::1]:5432/national", &err), CD_OK);
	assert_int_equal(national_conninfo_check("service=national", &err), CD_OK);
	assert_int_equal(national_conninfo_check("host=h nonsense", &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "not valid"));
	assert_int_equal(national_conninfo_check("host=h colour=blue", &err), CD_EINPUT);
	assert_int_equal(national_conninfo_check("", &err), CD_EUSAGE);
	assert_int_equal(national_conninfo_check(NULL, &err), CD_EUSAGE);
	assert_non_null(strstr(err.msg, "national use --db"));
}

static void test_migrations_are_gapless(void **state)
{
	(void)state;
	assert_true(national_schema_latest() >= 1);
	for (int v = 0; v < national_schema_latest(); v++)
		assert_non_null(national_schema_migration(v));
	assert_null(national_schema_migration(national_schema_latest()));
	assert_null(national_schema_migration(-1));
	/* Version 1 is what sync stands on: the op uuid is the idempotency key. */
	assert_non_null(strstr(national_schema_migration(0), "uuid uuid PRIMARY KEY"));
	assert_non_null(strstr(national_schema_migration(0), "UNIQUE (origin, origin_seq)"));
}

/* A push batch's size follows the link: a batch is lost whole when the link drops. */
static void test_batch_size_follows_the_link(void **state)
{
	(void)state;
	size_t size = NATIONAL_PUSH_FIRST;
	/* Loopback: 1,000 ops back in 50 ms.  At most double at a time, up to the most. */
	size = national_push_next_size(size, size, 50);
	assert_int_equal(size, 2 * NATIONAL_PUSH_FIRST);
	for (int i = 0; i < 10; i++)
		size = national_push_next_size(size, size, 50);
	assert_int_equal(size, NATIONAL_PUSH_MOST);
	/* 64 kbit/s: 8 kB/s, an op of 430 bytes about 54 ms: 1,000 ops take 54 s.  At most half
	 * at a time, down to what takes about the aim (37 ops: the fewest). */
	size = NATIONAL_PUSH_FIRST;
	size = national_push_next_size(size, size, (int64_t)size * 54);
	assert_int_equal(size, NATIONAL_PUSH_FIRST / 2);
	for (int i = 0; i < 10; i++)
		size = national_push_next_size(size, size, (int64_t)size * 54);
	assert_int_equal(size, NATIONAL_PUSH_FEWEST);
	/* 1 Mbit/s: an op 3.4 ms, the aim's 2 s about 580 ops: the size settles there. */
	size = NATIONAL_PUSH_FIRST;
	for (int i = 0; i < 10; i++)
		size = national_push_next_size(size, size, (int64_t)size * 34 / 10);
	assert_in_range(size, 560, 600);
	/* Nothing sent, or no time measured: no division by zero, no leap past the most. */
	assert_int_equal(national_push_next_size(800, 0, 0), 800);
	assert_int_equal(national_push_next_size(800, 800, 0), 1600);
	assert_int_equal(national_push_next_size(0, 0, 100), NATIONAL_PUSH_FEWEST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwords_are_refused),
		cmocka_unit_test(test_good_and_bad_strings),
		cmocka_unit_test(test_migrations_are_gapless),
		cmocka_unit_test(test_batch_size_follows_the_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
