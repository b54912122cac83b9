/*
 * sync_blocks.c - the tier's leases for kits and the top-up at sync (sync_blocks.h).  Kept
 * out of cmd_sync.c, which calls sync_blocks() once, so that the push stays one file's.
 */
#include "app/sync_blocks.h"

#include <stdio.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/national/national_blocks.h"

int sync_blocks_lease(void *ctx, const char *kind, const char *block_uuid, const char *holder_uuid, const char *office,
		      struct kit_block *k, int64_t size, int64_t floor, struct cd_error *err)
{
	struct national_lease_req r = { .block_uuid = block_uuid, .holder_uuid = holder_uuid, .holder_name = k->kit_name,
					.kind = kind, .office = office, .series = k->series, .year = k->year,
					.size = size, .floor = floor };
	return national_lease((struct cd_national *)ctx, &r, &k->first, &k->last, err);
}

/* RP-TBS-2026-000500 or P-TBS-000500. */
static void number_of(const char *office, const struct kit_block *k, int64_t n, char *buf, size_t size)
{
	if (strncmp(k->series, "case:", 5) == 0)
		snprintf(buf, size, "%s-%s-%04d-%06lld", k->series + 5, office, k->year, (long long)n);
	else
		snprintf(buf, size, "P-%s-%06lld", office, (long long)n);
}

int sync_blocks(struct cli *c, struct cd_national *n)
{
	struct kit_blocks b = { 0 };
	FILE *out = c->json ? stderr : stdout;
	int rc = kit_sync_topup(c->store, &c->actor, sync_blocks_lease, n, &b, &c->err);
	for (size_t i = 0; i < b.n; i++) {
		char lo[48], hi[48];
		number_of(store_office(c->store), &b.v[i], b.v[i].first, lo, sizeof lo);
		number_of(store_office(c->store), &b.v[i], b.v[i].last, hi, sizeof hi);
		fprintf(out, _("leased from the national tier: %s..%s\n"), lo, hi);
	}
	kit_blocks_release(&b);
	return rc;
}
