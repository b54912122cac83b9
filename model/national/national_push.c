/*
 * national_push.c - the push of one batch of ops to the national tier (national_push.h).
 * It owns how a batch travels: as one jsonb array in one parameter of one statement, so
 * that the batch, the apply and the high-water mark commit together in one round trip and
 * the store may mark the batch sent as soon as this returns CD_OK.
 */
#include "model/national/national_push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/national/national_internal.h"

/* Appends ops as the jsonb array cd_push() reads: [{"uuid","seq","at","entity",
 * "entity_uuid","op","payload":{...},"name_keys":[...]}, ...]. */
static void batch_json(struct cd_buf *b, const struct cd_push_op *ops, size_t n_ops)
{
	buf_puts(b, "[");
	for (size_t i = 0; i < n_ops; i++) {
		const struct cd_push_op *o = &ops[i];
		buf_puts(b, i ? ",{\"uuid\":" : "{\"uuid\":");
		json_buf_string(b, o->uuid);
		buf_printf(b, ",\"seq\":%lld,\"at\":", (long long)o->seq);
		json_buf_string(b, o->at);
		buf_puts(b, ",\"entity\":");
		json_buf_string(b, o->entity);
		buf_puts(b, ",\"entity_uuid\":");
		json_buf_string(b, o->entity_uuid);
		buf_puts(b, ",\"op\":");
		json_buf_string(b, o->op);
		/* The payload is JSON the store's own writer made: it travels as it is. */
		buf_puts(b, ",\"payload\":");
		buf_puts(b, o->payload && *o->payload ? o->payload : "{}");
		if (o->name_keys && *o->name_keys) {
			buf_puts(b, ",\"name_keys\":[");
			const char *p = o->name_keys;
			int first = 1;
			while (*p) {
				size_t len = strcspn(p, " ");
				if (len) {
					if (!first)
						buf_puts(b, ",");
					first = 0;
					char key[128];
					snprintf(key, sizeof key, "%.*s", (int)(len < sizeof key - 1 ? len : sizeof key - 1), p);
					json_buf_string(b, key);
				}
				p += len;
				p += strspn(p, " ");
			}
			buf_puts(b, "]");
		}
		buf_puts(b, "}");
	}
	buf_puts(b, "]");
}

int national_push(struct cd_national *n, const struct cd_push_origin *origin, const struct cd_push_op *ops, size_t n_ops,
		  struct cd_push_result *res, struct cd_error *err)
{
	/* A batch of 500 ops is well under a megabyte; the cap only stops a runaway. */
	struct cd_buf b;
	PGresult *r = NULL;
	int rc = CD_OK;

	memset(res, 0, sizeof *res);
	buf_init(&b, 256u << 20);
	batch_json(&b, ops, n_ops);
	if (b.failed) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory building a batch of %zu ops"), n_ops);
		goto out;
	}
	const char *params[5] = { origin->store_uuid, origin->office, origin->name, origin->kind, buf_str(&b) };
	/* One statement outside BEGIN: its own transaction, committed when the answer comes. */
	r = PQexecParams(n->conn, "SELECT inserted, conflicts, high_water FROM cd_push($1::uuid, $2, $3, $4, $5::jsonb)",
			 5, NULL, params, NULL, NULL, 0);
	if (r && PQresultStatus(r) == PGRES_FATAL_ERROR) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		if (state && strncmp(state, "CD", 2) == 0) {
			/* cd_push's own refusals are sentences for people already. */
			rc = cd_error_set(err, CD_EREFUSED, _("the national tier (%s) refused the batch of ops %lld to %lld: %s"),
					  n->where, n_ops ? (long long)ops[0].seq : 0LL,
					  n_ops ? (long long)ops[n_ops - 1].seq : 0LL, primary ? primary : "?");
			goto out;
		}
	}
	char what[96];
	snprintf(what, sizeof what, _("pushing ops %lld to %lld"), n_ops ? (long long)ops[0].seq : 0LL,
		 n_ops ? (long long)ops[n_ops - 1].seq : 0LL);
	if ((rc = nat_check(n, r, what, err)))
		goto out;
	if (PQntuples(r) != 1) {
		rc = cd_error_set(err, CD_ESTORE, _("national tier (%s): %s: no answer"), n->where, what);
		goto out;
	}
	res->inserted = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	res->conflicts = (int)strtol(PQgetvalue(r, 0, 1), NULL, 10);
	res->high_water = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
out:
	PQclear(r);
	buf_release(&b);
	return rc;
}

/* ---- the pull ------------------------------------------------------------------------ */

void national_pull_release(struct cd_pull_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct cd_pull_op *o = &b->ops[i];
		free(o->uuid);
		free(o->origin);
		free(o->origin_office);
		free(o->entity);
		free(o->entity_uuid);
		free(o->op);
		free(o->at);
		free(o->payload);
	}
	free(b->ops);
	b->ops = NULL;
	b->n = 0;
}

int national_pull(struct cd_national *n, const char *self, const char *office, int64_t after, size_t limit,
		  struct cd_pull_batch *out, struct cd_error *err)
{
	static const char sql[] =
		"SELECT o.uuid, o.origin, g.office, o.entity, o.entity_uuid, o.op,"
		" to_char(o.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), o.payload::text, o.origin_seq, o.server_seq"
		" FROM ops o JOIN origins g ON g.store_uuid = o.origin"
		" WHERE o.server_seq > $1::bigint AND o.origin <> $2::uuid"
		" AND (o.entity IN ('person', 'document', 'alias', 'address', 'family')"
		"  OR (o.entity = 'case' AND EXISTS (SELECT 1 FROM cases c WHERE c.uuid::text = o.entity_uuid AND c.office = $3)))"
		" ORDER BY o.server_seq LIMIT $4::bigint";
	char after_s[24], limit_s[24];
	PGresult *r = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(after_s, sizeof after_s, "%lld", (long long)after);
	snprintf(limit_s, sizeof limit_s, "%zu", limit);
	const char *params[4] = { after_s, self, office, limit_s };
	r = PQexecParams(n->conn, sql, 4, NULL, params, NULL, NULL, 0);
	if ((rc = nat_check(n, r, _("reading the ops of other stores"), err)))
		goto out;
	int rows = PQntuples(r);
	if (rows > 0 && !(out->ops = calloc((size_t)rows, sizeof *out->ops))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (int i = 0; i < rows; i++) {
		struct cd_pull_op *o = &out->ops[i];
		char **cols[8] = { &o->uuid, &o->origin, &o->origin_office, &o->entity, &o->entity_uuid, &o->op, &o->at,
				   &o->payload };
		out->n++;
		for (int k = 0; k < 8; k++)
			if (!(*cols[k] = strdup(PQgetisnull(r, i, k) ? "" : PQgetvalue(r, i, k)))) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
		o->origin_seq = strtoll(PQgetvalue(r, i, 8), NULL, 10);
		o->server_seq = strtoll(PQgetvalue(r, i, 9), NULL, 10);
	}
out:
	PQclear(r);
	if (rc)
		national_pull_release(out);
	return rc;
}
