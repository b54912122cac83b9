/*
 * national_blocks.h - the national tier as the authority for numbers (issue 15, "Field
 * kits"): a block of a series leased from PostgreSQL (cd_lease(), national schema 4).  The
 * tier keeps every block of every office and kit, never two meeting (an exclusion
 * constraint), and refuses at push a number that is void, issued twice or outside the
 * blocks its origin holds (a trigger on its op log) - so this side only asks for blocks.
 * It knows nothing of the store: app/ writes the block into the store that holds it.
 */
#ifndef CD_NATIONAL_BLOCKS_H
#define CD_NATIONAL_BLOCKS_H

#include <stdint.h>

#include "model/base/error.h"
#include "model/national/national.h"

struct national_lease_req {
	const char *block_uuid;      /* the block's uuid, the same in the store: a retry returns the block made */
	const char *holder_uuid;     /* the store (kit or office) that will issue its numbers */
	const char *holder_name;     /* K07, or the office's code */
	const char *kind;            /* "kit" or "office" */
	const char *office;          /* the office code numbers carry: RP-TBS-... */
	const char *series;          /* "person" or "case:RP" */
	int year;                    /* 0 for "person" */
	int64_t size;                /* how many numbers */
	int64_t floor;               /* the block begins above this (the leasing store's own numbers) */
};

/*
 * Leases the next block of the series in its own transaction: above every block and void
 * of the series and above r->floor.  *first and *last get the range.  A refusal by the
 * tier is CD_EREFUSED, a lost connection CD_ESTORE (nothing leased, or - if the commit
 * went through - a block burnt that the same block uuid returns when asked again).
 */
int national_lease(struct cd_national *n, const struct national_lease_req *r, int64_t *first, int64_t *last,
		   struct cd_error *err);

#endif
