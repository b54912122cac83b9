/*
 * demo_dice.h - the dice of `casedesk demo` (app/demo_dice.c): one xorshift64* stream,
 * reproducible for a given --seed on every machine.
 */
#ifndef CD_APP_DEMO_DICE_H
#define CD_APP_DEMO_DICE_H

#include <stddef.h>
#include <stdint.h>

/* The dice: xorshift64*, reproducible for a given --seed on every machine. */
void demo_seed(uint64_t seed);
uint64_t demo_rnd(void);
unsigned demo_rnd_below(unsigned n);
int demo_chance(unsigned percent);
/* An instant on `day` during office hours, as "YYYY-MM-DDTHH:MM:00.000Z". */
void demo_iso_at(long day, char *buf, size_t size);

#endif
