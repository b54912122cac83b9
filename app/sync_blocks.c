/*
 * sync_blocks.c - the tier's leases for kits and the top-up at sync (sync_blocks.h).  Kept
 * out of cmd_sync.c, which calls sync_blocks() once, so that the push stays one file's.
 */
#include "app/sync_blocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/national/national_blocks.h"
#include "workflow/workflow.h"

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

int sync_blocks_prefixes(struct cli *c, const char ***out, size_t *n)
{
	const char **p = NULL;
	size_t count, used = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = cli_load_workflows(c)))
		return rc;
	count = registry_count(c->reg);
	if (count && !(p = calloc(count, sizeof *p)))
		return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
	for (size_t i = 0; i < count; i++) {
		const char *prefix = registry_at(c->reg, i)->prefix;
		size_t j = 0;
		while (j < used && strcmp(p[j], prefix) != 0)
			j++;
		if (j == used)
			p[used++] = prefix;
	}
	*out = p;
	*n = used;
	return CD_OK;
}

int sync_blocks(struct cli *c, struct cd_national *n)
{
	struct kit_blocks b = { 0 };
	FILE *out = c->json ? stderr : stdout;
	const char **prefixes = NULL;
	size_t n_prefixes = 0;
	int is_kit = 0;
	int rc = kit_leased_is(c->store, &is_kit, NULL, 0, &c->err);
	if (!rc && is_kit)
		rc = kit_sync_topup(c->store, &c->actor, sync_blocks_lease, n, &b, &c->err);
	else if (!rc && !(rc = sync_blocks_prefixes(c, &prefixes, &n_prefixes)))
		rc = kit_office_topup(c->store, &c->actor, sync_blocks_lease, n, prefixes, n_prefixes, &b, &c->err);
	free(prefixes);
	for (size_t i = 0; i < b.n; i++) {
		char lo[48], hi[48];
		number_of(store_office(c->store), &b.v[i], b.v[i].first, lo, sizeof lo);
		number_of(store_office(c->store), &b.v[i], b.v[i].last, hi, sizeof hi);
		fprintf(out, _("leased from the national tier: %s..%s\n"), lo, hi);
	}
	kit_blocks_release(&b);
	return rc;
}
