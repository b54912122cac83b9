/*
 * test_clock.c - the monotonic clock in milliseconds (model/base/clock.h): it never goes
 * back, and it moves by at least what a sleep of known length took.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "model/base/clock.h"

static void test_never_back_and_moves(void **state)
{
	(void)state;
	int64_t before = cd_monotonic_ms(), last = before;
	for (int i = 0; i < 1000; i++) {
		int64_t now = cd_monotonic_ms();
		assert_true(now >= last);
		last = now;
	}
	/* nanosleep sleeps at least what it is asked: 30 ms later the clock is 30 ms on. */
	struct timespec nap = { 0, 30 * 1000000L };
	while (nanosleep(&nap, &nap) != 0)
		;
	assert_true(cd_monotonic_ms() - before >= 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_back_and_moves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
