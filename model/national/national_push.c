/*
 * national_push.c - the push of one batch of ops to the national tier (national_push.h).
 * It owns how a batch travels: COPYed into a working table and pushed by one call
 * (cd_push_batch, national schema 8) inside one transaction, so that the batch, the apply
 * and the high-water mark commit together and the store may mark the batch sent as soon as
 * this returns CD_OK.  COPY and a set-based apply, rather than a jsonb array walked op by
 * op (cd_push, schema 2): a backlog of a million ops goes near COPY's pace.  The call
 * stages the batch before it takes the tier's push lock, so a caller with two connections
 * sends batch N+1 while the tier applies N and N+1's staging runs meanwhile
 * (national_push.h).
 */
#include "model/national/national_push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/national/national_internal.h"

/* Appends s to b as a field of COPY's text format: backslash, tab, newline and carriage
 * return escaped (JSON from the store holds backslashes of its own). */
static void copy_text(struct cd_buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *esc = NULL;
		switch (*s) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		buf_add(b, run, (size_t)(s - run));
		buf_puts(b, esc);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
}

/* The name keys as a text[] literal ({"KVLNK","IRN"}), escaped for COPY; \N when none. */
static void copy_keys(struct cd_buf *b, const char *keys)
{
	if (!keys || !*keys) {
		buf_puts(b, "\\N");
		return;
	}
	struct cd_buf lit = CD_BUF_INIT;
	buf_puts(&lit, "{");
	int first = 1;
	for (const char *p = keys; *p;) {
		size_t len = strcspn(p, " ");
		if (len) {
			buf_puts(&lit, first ? "\"" : ",\"");
			first = 0;
			for (size_t i = 0; i < len; i++) {
				if (p[i] == '"' || p[i] == '\\')
					buf_puts(&lit, "\\");
				buf_add(&lit, &p[i], 1);
			}
			buf_puts(&lit, "\"");
		}
		p += len;
		p += strspn(p, " ");
	}
	buf_puts(&lit, "}");
	copy_text(b, buf_str(&lit));
	if (lit.failed)
		b->failed = 1;
	buf_release(&lit);
}

/* The batch as COPY rows of cd_batch: ord, uuid, seq, at, entity, entity_uuid, op, payload,
 * name_keys. */
static void batch_copy(struct cd_buf *b, const struct cd_push_op *ops, size_t n_ops)
{
	for (size_t i = 0; i < n_ops; i++) {
		const struct cd_push_op *o = &ops[i];
		buf_printf(b, "%zu\t", i);
		copy_text(b, o->uuid);
		buf_printf(b, "\t%lld\t", (long long)o->seq);
		copy_text(b, o->at);
		buf_puts(b, "\t");
		copy_text(b, o->entity);
		buf_puts(b, "\t");
		copy_text(b, o->entity_uuid);
		buf_puts(b, "\t");
		copy_text(b, o->op);
		buf_puts(b, "\t");
		/* The payload is JSON the store's own writer made: it travels as it is. */
		copy_text(b, o->payload && *o->payload ? o->payload : "{}");
		buf_puts(b, "\t");
		copy_keys(b, o->name_keys);
		buf_puts(b, "\n");
	}
}

/* Whether s is a uuid as casedesk writes every one (cd_uuid7): lower-case hexadecimal,
 * 8-4-4-4-12.  PostgreSQL's uuid type also reads upper case and hyphens elsewhere, so one
 * uuid could reach the tier written two ways: two entities to the staging (national schema
 * 9 refuses an odd entity uuid; an op's own uuid is read into a uuid column before any
 * check of the tier's could see its text, so it is judged here). */
static int canonical_uuid(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return 0;
		}
	}
	return i == 36;
}

/* What the store's user is to do when the tier refuses an op no casedesk writes: the op
 * log is append-only, so the batch is refused every time until the office looks at it. */
static const char *not_written_by_casedesk(void)
{
	return _("casedesk never writes such an op: this store's file was changed outside casedesk or is damaged. "
		 "Nothing of the batch was taken; sync stops here. Run `casedesk store check` and call the office's "
		 "administrator, who keeps the file for investigation");
}

/* A failed statement of the push: cd_push_batch's own refusals (SQLSTATE CDnnn) are
 * sentences for people already; those of an op no casedesk writes (CD016 a number, CD017 a
 * uuid, CD018 a control character, national schema 9) say what to do. */
static int push_failed(struct cd_national *n, PGresult *r, int64_t first, int64_t last, const char *what,
		       struct cd_error *err)
{
	if (r && PQresultStatus(r) == PGRES_FATAL_ERROR) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *constraint = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
		if (state && (strcmp(state, "CD016") == 0 || strcmp(state, "CD017") == 0 || strcmp(state, "CD018") == 0))
			return cd_error_set(err, CD_EREFUSED,
					    _("the national tier (%s) refused the batch of ops %lld to %lld: %s. %s"), n->where,
					    (long long)first, (long long)last, primary ? primary : "?", not_written_by_casedesk());
		if (state && strncmp(state, "CD", 2) == 0)
			return cd_error_set(err, CD_EREFUSED, _("the national tier (%s) refused the batch of ops %lld to %lld: %s"),
					    n->where, (long long)first, (long long)last, primary ? primary : "?");
		/* The tier holds an op of this store's under the same number but another uuid: two
		 * stores share one identity - a kit's file copied to a second machine. */
		if (state && strcmp(state, "23505") == 0 && constraint && strcmp(constraint, "ops_origin_origin_seq_key") == 0)
			return cd_error_set(err, CD_EREFUSED,
					    _("the national tier (%s) holds other ops under this store's numbers %lld to %lld: "
					      "two stores are using one identity (a kit's file copied to a second machine?). "
					      "These ops were not sent; keep using one of the two and ask the office to make a new "
					      "kit for the other"),
					    n->where, (long long)first, (long long)last);
	}
	return nat_check(n, r, what, err);
}

/* Reads what answers are left, so that the connection is free for a ROLLBACK; a COPY the
 * server still waits for ends there (the caller rolls it back). */
static void drain(struct cd_national *n)
{
	PGresult *r;
	while ((r = PQgetResult(n->conn))) {
		ExecStatusType st = PQresultStatus(r);
		PQclear(r);
		if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || PQstatus(n->conn) != CONNECTION_OK)
			break;
	}
}

int national_push_encode(const struct cd_push_op *ops, size_t n_ops, struct cd_push_batch *pb, struct cd_error *err)
{
	/* A batch of 5,000 ops is a few megabytes; the cap only stops a runaway.  The buffer
	 * of the batch before is reused: its size fits the next. */
	if (!pb->copy.max)
		buf_init(&pb->copy, 1024u << 20);
	buf_reset(&pb->copy);
	pb->n = n_ops;
	pb->first = n_ops ? ops[0].seq : 0;
	pb->last = n_ops ? ops[n_ops - 1].seq : 0;
	pb->sent = 0;
	snprintf(pb->what, sizeof pb->what, _("pushing ops %lld to %lld"), (long long)pb->first, (long long)pb->last);
	/* Settings are named by their key, every other entity by its uuid. */
	for (size_t i = 0; i < n_ops; i++) {
		int op_ok = canonical_uuid(ops[i].uuid);
		if (!op_ok || (strcmp(ops[i].entity, "setting") != 0 && !canonical_uuid(ops[i].entity_uuid)))
			return cd_error_set(err, CD_EREFUSED,
					    _("op %lld of this store: its %s is not written as casedesk writes uuids (lower "
					      "case, 8-4-4-4-12 hexadecimal digits), so the national tier could take one uuid "
					      "for two. %s"),
					    (long long)ops[i].seq, op_ok ? _("entity's uuid") : _("uuid"),
					    not_written_by_casedesk());
	}
	batch_copy(&pb->copy, ops, n_ops);
	if (pb->copy.failed)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory building a batch of %zu ops"), n_ops);
	return CD_OK;
}

/* The apply and the commit as one simple query, the origin's values quoted as literals:
 * PostgreSQL runs the COMMIT only if the apply succeeded (the rest of a query string is
 * skipped after an error), and the client needs no round trip between the two. */
static int apply_sql(struct cd_national *n, const struct cd_push_origin *origin, struct cd_buf *sql, const char *what,
		     struct cd_error *err)
{
	const char *vals[4] = { origin->store_uuid, origin->office, origin->name, origin->kind };
	char *lits[4] = { NULL, NULL, NULL, NULL };
	int rc = CD_OK;

	for (int i = 0; i < 4 && !rc; i++)
		if (!(lits[i] = PQescapeLiteral(n->conn, vals[i], strlen(vals[i]))))
			rc = cd_error_set(err, CD_ESTORE, _("national tier (%s): %s: %s"), n->where, what,
					  PQerrorMessage(n->conn));
	if (!rc)
		buf_printf(sql, "SELECT inserted, conflicts, high_water FROM cd_push_batch(%s::uuid, %s, %s, %s); COMMIT",
			   lits[0], lits[1], lits[2], lits[3]);
	for (int i = 0; i < 4; i++)
		PQfreemem(lits[i]);
	if (!rc && sql->failed)
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	return rc;
}

/* The answer of the statement sent last (COPY's end): checked, then the connection
 * drained (a statement answers with one result, then NULL). */
static int take_answer(struct cd_national *n, const struct cd_push_batch *pb, struct cd_error *err)
{
	PGresult *r = PQgetResult(n->conn);
	int rc = push_failed(n, r, pb->first, pb->last, pb->what, err);
	PQclear(r);
	if (!rc)
		while ((r = PQgetResult(n->conn)))
			PQclear(r);
	return rc;
}

int national_push_send(struct cd_national *n, const struct cd_push_origin *origin, struct cd_push_batch *pb,
		       struct cd_error *err)
{
	struct cd_buf sql = CD_BUF_INIT;
	PGresult *r = NULL;
	int rc = CD_OK, open = 0;

	pb->sent = 0;
	if ((rc = apply_sql(n, origin, &sql, pb->what, err)))
		goto out;
	/* One transaction: the working tables and the batch's ticket (a batch sent while the
	 * one before it is still on its way waits for that one's ticket before it takes the
	 * tier's push lock: batches of one store are applied in their order), the COPY, then
	 * the push and the commit sent without waiting (national_push_wait reads their answers). */
	char *who = PQescapeLiteral(n->conn, origin->store_uuid, strlen(origin->store_uuid));
	char begin[160];
	snprintf(begin, sizeof begin, "BEGIN; SELECT cd_push_prepare8(); SELECT cd_push_ticket(%s::uuid, %lld)",
		 who ? who : "NULL", (long long)pb->last);
	PQfreemem(who);
	if ((rc = nat_exec(n, begin, pb->what, err)))
		goto out;
	open = 1;
	r = PQexec(n->conn, "COPY cd_batch (ord, uuid, seq, at, entity, entity_uuid, op, payload, name_keys) FROM STDIN");
	if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
		rc = nat_check(n, r, pb->what, err);
		if (!rc)
			rc = cd_error_set(err, CD_ESTORE, _("national tier (%s): %s: the server did not take the batch"),
					  n->where, pb->what);
		goto out;
	}
	PQclear(r);
	r = NULL;
	if (PQputCopyData(n->conn, pb->copy.data ? pb->copy.data : "", (int)pb->copy.len) != 1 ||
	    PQputCopyEnd(n->conn, NULL) != 1) {
		rc = nat_check(n, NULL, pb->what, err);
		goto out;
	}
	if ((rc = take_answer(n, pb, err)))
		goto out;
	if (!PQsendQuery(n->conn, buf_str(&sql))) {
		rc = nat_check(n, NULL, pb->what, err);
		goto out;
	}
	pb->sent = 1;
	open = 0;
out:
	PQclear(r);
	if (open) {
		drain(n);
		nat_rollback(n);
	}
	buf_release(&sql);
	return rc;
}

int national_push_wait(struct cd_national *n, struct cd_push_batch *pb, struct cd_push_result *res,
		       struct cd_error *err)
{
	PGresult *r = NULL;
	int rc = CD_OK;

	memset(res, 0, sizeof *res);
	if (!pb->sent)
		return cd_error_set(err, CD_EINTERNAL, _("national tier (%s): %s: nothing was sent"), n->where, pb->what);
	pb->sent = 0;
	r = PQgetResult(n->conn);
	if ((rc = push_failed(n, r, pb->first, pb->last, pb->what, err)))
		goto out;
	if (PQntuples(r) != 1) {
		rc = cd_error_set(err, CD_ESTORE, _("national tier (%s): %s: no answer"), n->where, pb->what);
		goto out;
	}
	res->inserted = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	res->conflicts = (int)strtol(PQgetvalue(r, 0, 1), NULL, 10);
	res->high_water = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	PQclear(r);
	/* CD_OK only once the server acknowledged the commit: then the store may mark the batch. */
	r = PQgetResult(n->conn);
	if ((rc = nat_check(n, r, pb->what, err)))
		goto out;
	if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
		rc = cd_error_set(err, CD_ESTORE, _("national tier (%s): %s: the transaction was rolled back"), n->where,
				  pb->what);
out:
	PQclear(r);
	/* The rest of the answers (none when all went well), then the connection is idle. */
	drain(n);
	if (rc) {
		memset(res, 0, sizeof *res);
		if (PQtransactionStatus(n->conn) != PQTRANS_IDLE)
			nat_rollback(n);
	}
	return rc;
}

void national_push_batch_release(struct cd_push_batch *pb)
{
	buf_release(&pb->copy);
	memset(pb, 0, sizeof *pb);
}

int national_push(struct cd_national *n, const struct cd_push_origin *origin, const struct cd_push_op *ops, size_t n_ops,
		  struct cd_push_result *res, struct cd_error *err)
{
	struct cd_push_batch pb = { 0 };
	int rc;

	memset(res, 0, sizeof *res);
	if (!(rc = national_push_encode(ops, n_ops, &pb, err)) && !(rc = national_push_send(n, origin, &pb, err)))
		rc = national_push_wait(n, &pb, res, err);
	national_push_batch_release(&pb);
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

/*
 * The pull's query is sent (national_pull_send) and its rows taken (national_pull_take) in
 * two steps.  Why: a pull applies a batch for seconds while the tier would sit idle; with
 * the next batch's query sent before the batch is applied, the server's work and the rows'
 * transfer overlap the apply (national_pull_poll reads what arrived meanwhile, so the
 * server is not held up by a full socket).  The cursor is the tier's server_seq, so a batch
 * asked for before the last one committed here is the same batch: killed in between, the
 * rows read ahead are simply never applied, and the next pull asks again.
 */
int national_pull_send(struct cd_national *n, const char *self, const char *office, int64_t after, size_t limit,
		       struct cd_error *err)
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

	snprintf(after_s, sizeof after_s, "%lld", (long long)after);
	snprintf(limit_s, sizeof limit_s, "%zu", limit);
	const char *params[4] = { after_s, self, office, limit_s };
	if (!PQsendQueryParams(n->conn, sql, 4, NULL, params, NULL, NULL, 0))
		return nat_check(n, NULL, _("reading the ops of other stores"), err);
	return CD_OK;
}

void national_pull_poll(struct cd_national *n)
{
	/* Never blocks (libpq's socket is non-blocking); an error shows in national_pull_take. */
	PQconsumeInput(n->conn);
}

void national_pull_cancel(struct cd_national *n)
{
	PGresult *r;
	while ((r = PQgetResult(n->conn)))
		PQclear(r);
}

int national_pull_take(struct cd_national *n, struct cd_pull_batch *out, struct cd_error *err)
{
	PGresult *r = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	r = PQgetResult(n->conn);
	national_pull_cancel(n);   /* one query, one result: the connection is free again */
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

int national_pull(struct cd_national *n, const char *self, const char *office, int64_t after, size_t limit,
		  struct cd_pull_batch *out, struct cd_error *err)
{
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = national_pull_send(n, self, office, after, limit, err)))
		return rc;
	return national_pull_take(n, out, err);
}

size_t national_push_next_size(size_t current, size_t sent, int64_t elapsed_ms)
{
	double want;

	if (current < NATIONAL_PUSH_FEWEST)
		current = NATIONAL_PUSH_FEWEST;
	if (sent == 0)
		return current > NATIONAL_PUSH_MOST ? NATIONAL_PUSH_MOST : current;
	if (elapsed_ms < 1)
		elapsed_ms = 1;
	want = (double)sent * NATIONAL_PUSH_AIM_MS / (double)elapsed_ms;
	if (want > 2.0 * (double)current)
		want = 2.0 * (double)current;
	if (want < (double)current / 2.0)
		want = (double)current / 2.0;
	if (want < NATIONAL_PUSH_FEWEST)
		return NATIONAL_PUSH_FEWEST;
	if (want > NATIONAL_PUSH_MOST)
		return NATIONAL_PUSH_MOST;
	return (size_t)want;
}
