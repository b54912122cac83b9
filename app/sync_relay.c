/*
 * sync_relay.c - `sync`'s relay (sync_relay.h): a kit's ops that reached this store in a
 * bundle go on to the national tier at this store's sync, under the kit's origin (its store
 * uuid, office, name and kind) and its own sequence numbers, so the tier holds them as if
 * the kit had pushed them itself.  Kept apart from cmd_sync.c, whose push and pull loops
 * other work tunes.
 *
 * Why it cannot lose or duplicate: the tier inserts an op once (its uuid), and takes a batch
 * only if it starts at or under the origin's mark + 1.  So each origin starts from the
 * tier's own mark: ops at or under it are on the tier already (the kit synced, or another
 * office relayed them) and are only marked relayed here; the rest go in seq order, and a
 * batch is marked relayed only after the tier acknowledged its commit.  An origin whose
 * waiting ops start past the mark (the ops before went another way and have not reached the
 * tier yet) waits, with a line saying so, and the sync goes on: the next sync tries again.
 * Ops this store pulled from the tier are never kept for relay (bundle.c keeps only ops
 * that came by hand), so nothing goes back where it came from.
 */
#include "app/sync_relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/national/national_push.h"
#include "model/national/national_relay.h"
#include "model/store/oplog.h"

/* One origin's waiting ops, batch by batch.  *held gets what still waits afterwards. */
static int relay_origin(struct cli *c, struct cd_national *n, const struct cd_relay_origin *o, size_t batch,
			struct cd_push_op *ops, struct relay_totals *t)
{
	struct cd_push_origin origin = { .store_uuid = o->origin, .office = o->office, .name = o->name,
					 .kind = o->kind };
	struct cd_op_batch b = { 0 };
	int64_t hw = 0, marked = 0, left = o->waiting;
	int rc;

	if ((rc = national_origin_high_water(n, o->origin, &hw, &c->err)))
		return rc;
	/* At or under the tier's mark: there already, by another path. */
	if (o->first <= hw) {
		if ((rc = oplog_relay_mark(c->store, &c->actor, o->origin, hw, &marked, &c->err)))
			return rc;
		t->relayed += marked;
		left -= marked;
	}
	for (;;) {
		size_t k = 0;
		if ((rc = oplog_relay_batch(c->store, o->origin, hw, batch, &b, &c->err)))
			break;
		/* Only what follows the tier's mark without a gap may go. */
		while (k < b.n && b.rows[k].seq == hw + 1 + (int64_t)k) {
			const struct cd_op_row *r = &b.rows[k];
			ops[k] = (struct cd_push_op){ .uuid = r->uuid, .seq = r->seq, .at = r->at, .entity = r->entity,
						      .entity_uuid = r->entity_uuid, .op = r->op, .payload = b.payloads[k],
						      .name_keys = b.name_keys[k] };
			k++;
		}
		if (!k) {
			if (b.n)
				fprintf(stderr,
					_("sync: %lld ops of %s (office %s) wait: the national tier has its ops up to %lld "
					  "and the next one here is %lld; they go once the ops between reach the tier\n"),
					(long long)left, o->name, o->office, (long long)hw, (long long)b.rows[0].seq);
			break;
		}
		struct cd_push_result res;
		if ((rc = national_push(n, &origin, ops, k, &res, &c->err))) {
			if (rc != CD_EREFUSED)
				break;
			/* Refused (another path moved the tier meanwhile, or a genuine clash): this origin
			 * waits for the next sync; the others still go. */
			fprintf(stderr, _("sync: the ops of %s (office %s) wait for the next sync: %s\n"), o->name, o->office,
				c->err.msg);
			cd_error_clear(&c->err);
			rc = CD_OK;
			break;
		}
		if ((rc = oplog_relay_mark(c->store, &c->actor, o->origin, b.rows[k - 1].seq, &marked, &c->err)))
			break;
		t->relayed += marked;
		t->inserted += res.inserted;
		t->conflicts += res.conflicts;
		left -= marked;
		hw = b.rows[k - 1].seq;
		oplog_batch_release(&b);
	}
	oplog_batch_release(&b);
	if (!rc)
		t->held += left > 0 ? left : 0;
	return rc;
}

int sync_relay(struct cli *c, struct cd_national *n, size_t batch, struct relay_totals *t)
{
	struct cd_relay_origin *origins = NULL;
	struct cd_push_op *ops = NULL;
	size_t n_origins = 0;
	int rc;

	memset(t, 0, sizeof *t);
	if ((rc = oplog_relay_origins(c->store, &origins, &n_origins, &c->err)))
		return rc;
	if (!n_origins)
		goto out;
	if (!(ops = calloc(batch, sizeof *ops))) {
		rc = cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	t->origins = (int64_t)n_origins;
	for (size_t i = 0; i < n_origins && !rc; i++)
		rc = relay_origin(c, n, &origins[i], batch, ops, t);
	if (!rc && !c->json)
		printf(_("relayed %lld ops of %lld other stores that came in bundles (%lld new to the national tier, "
			 "%lld conflicts kept the national value); %lld wait\n"),
		       (long long)t->relayed, (long long)t->origins, (long long)t->inserted, (long long)t->conflicts,
		       (long long)t->held);
out:
	free(ops);
	free(origins);
	return rc;
}
