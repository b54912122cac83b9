/*
 * demo_dice.c - the dice of `casedesk demo`: one xorshift64* stream, so that a --seed gives
 * the same store on every machine, and the office-hours instants drawn from it.  A leaf the
 * other demo files share (see demo_dice.h).
 */
#include <stdint.h>
#include <stdio.h>

#include "model/base/caldate.h"
#include "app/demo_dice.h"

/* xorshift64*: reproducible for a given --seed on every machine. */
static uint64_t rng_state;

void demo_seed(uint64_t seed)
{
	rng_state = seed;
}

uint64_t demo_rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}
unsigned demo_rnd_below(unsigned n) { return n ? (unsigned)(demo_rnd() % n) : 0; }
int demo_chance(unsigned percent) { return demo_rnd_below(100) < percent; }

void demo_iso_at(long day, char *buf, size_t size)
{
	int y, m, d;
	cd_days_to_date(day, &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02dT%02u:%02u:00.000Z", y, m, d, 8 + demo_rnd_below(9), demo_rnd_below(60));
}
