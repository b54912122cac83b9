/*
 * sync_relay.h - the relay step of `casedesk sync` (app/sync_relay.c).
 */
#ifndef CD_SYNC_RELAY_H
#define CD_SYNC_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "model/national/national.h"
#include "app/cli.h"

struct relay_totals {
	int64_t origins;           /* other stores with ops waiting here */
	int64_t relayed;           /* ops handed to the tier (or found there) and marked */
	int64_t inserted;          /* of them, new to the tier */
	int64_t conflicts;         /* fields the tier kept its value for */
	int64_t held;              /* ops still waiting (a gap before them on the tier, or refused) */
};

/*
 * Pushes the ops of other stores that came here in bundles to the national tier, each under
 * its own origin, in seq order, in batches of `batch`; prints one line (not with --json).
 * An origin whose ops would start past the tier's mark for it waits, and the sync goes on.
 */
int sync_relay(struct cli *c, struct cd_national *n, size_t batch, struct relay_totals *t);

#endif
