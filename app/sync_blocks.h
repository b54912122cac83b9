/*
 * sync_blocks.h - the national tier as the authority for numbers, seen from the command
 * line (issue 15, "Field kits"): the lease function kit.c is given when a kit is leased
 * from the tier (`kit new|topup --national`, or a store that names its national database),
 * and the top-up every `casedesk sync` runs.  It joins model/store/kit.h and
 * model/national/national_blocks.h, which know nothing of each other.
 */
#ifndef CD_SYNC_BLOCKS_H
#define CD_SYNC_BLOCKS_H

#include "model/national/national.h"
#include "model/store/kit.h"
#include "app/cli.h"

/* kit_lease_fn over the national tier: ctx is the struct cd_national *. */
int sync_blocks_lease(void *ctx, const char *kind, const char *block_uuid, const char *holder_uuid, const char *office,
		      struct kit_block *k, int64_t size, int64_t floor, struct cd_error *err);

/* The case number prefixes of the workflows installed in the store, each once (*out the
 * caller frees; the strings are the registry's). */
int sync_blocks_prefixes(struct cli *c, const char ***out, size_t *n);

/*
 * In a sync, after the push: a kit leased from the tier takes the blocks it is due (a fifth
 * or less left, none for the year, next year's from 1 December: kit_sync_topup), an office
 * its own series' (kit_office_topup), and says which, on stdout (stderr under --json, whose stdout is the sync's one object).
 */
int sync_blocks(struct cli *c, struct cd_national *n);

#endif
