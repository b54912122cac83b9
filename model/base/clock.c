/*
 * clock.c - the monotonic clock in milliseconds (clock.h): one place for what the sync's
 * batch sizing, the enrolment helper's client and its camera each measured by hand.
 */
#include "model/base/clock.h"

#include <time.h>

int64_t cd_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
