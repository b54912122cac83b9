/*
 * national_relay.h - what a store that relays another store's ops needs to ask the national
 * tier (issue 15: a kit's bundle carried to an office reaches the tier at the office's
 * sync, under the kit's origin).  The push itself is national_push with the kit's origin;
 * this is only where that origin stands on the tier, so that the relaying store sends from
 * the tier's mark on and holds back what would start past it.
 */
#ifndef CD_NATIONAL_RELAY_H
#define CD_NATIONAL_RELAY_H

#include <stdint.h>

#include "model/base/error.h"
#include "model/national/national.h"

/* The high-water mark the tier holds for store `origin` (a uuid); 0 when it has none. */
int national_origin_high_water(struct cd_national *n, const char *origin, int64_t *hw, struct cd_error *err);

#endif
