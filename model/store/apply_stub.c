/*
 * apply_stub.c - TEMPORARY, DELETE AT MERGE: the bundles branch builds against apply.h
 * while the apply branch implements it.  op_apply refuses every op ("not yet"), so an
 * import applies nothing; op_origin_high_water reads the highest seq of the origin this
 * store holds in its op log, enough for bundle import's replay and gap checks to be tested.
 * The lead deletes this file when model/store/apply.c is merged.
 */
#include "model/store/apply.h"

#include "model/base/i18n.h"
#include "model/store/store_internal.h"

int op_apply(struct cd_store *s, const struct cd_actor *actor, const struct cd_remote_op *op,
	     struct cd_apply_result *res, struct cd_error *err)
{
	(void)s;
	(void)actor;
	(void)op;
	(void)res;
	return cd_error_set(err, CD_EREFUSED, "op_apply: not yet (apply_stub.c: the apply branch implements it)");
}

int op_origin_high_water(struct cd_store *s, const char *origin, int64_t *seq, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT coalesce(max(origin_seq), 0) FROM outbox WHERE origin = ?1", &st, err);
	int r;

	*seq = 0;
	if (rc)
		return rc;
	st_bind_text(st, 1, origin);
	if ((r = st_row(s, st, "reading an origin's high-water mark", err)) > 0)
		*seq = sqlite3_column_int64(st, 0);
	else
		rc = r < 0 ? CD_ESTORE : st_fail(s, "reading an origin's high-water mark", err);
	st_finish(s, st);
	return rc;
}
