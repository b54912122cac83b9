/*
 * clock.h - milliseconds on the clock that never goes back (CLOCK_MONOTONIC), for timeouts
 * and for how long something took.  Wall-clock time never serves for either: a kit's clock
 * may be days wrong and may be set while a sync runs.
 */
#ifndef CD_BASE_CLOCK_H
#define CD_BASE_CLOCK_H

#include <stdint.h>

int64_t cd_monotonic_ms(void);

#endif
