/*
 * oplog.c - the op log (oplog.h): the builder every writer in model/store uses to say what
 * a change did field by field (struct cd_op, store_internal.h), the one call that writes a
 * change's event, audit row and op together, and the admin's reads of the log and the
 * `store check` of its numbering and of every op's signature.
 *
 * Why the fields are a JSON payload and not a child table: an op is one immutable unit
 * that travels whole (the national tier keeps it as one row, inserted ON CONFLICT (uuid)
 * DO NOTHING, and a bundle carries it as one line); the append-only and erasure rules are
 * then one trigger on one row; erasing a purged person's values is one update; and the
 * readers that already look into the outbox (access.c, retention.c) keep working.
 * SQLite's json_each reads the fields where a query needs them.
 */
#include "model/store/oplog.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "model/base/i18n.h"
#include "model/store/opsig.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

/* ---- the builder --------------------------------------------------------------------- */

void op_init(struct cd_op *op, int64_t base)
{
	memset(op, 0, sizeof *op);
	buf_init(&op->buf, CD_BUF_MAX_DEFAULT);
	op->base = base;
	json_init(&op->w, &op->buf);
	json_object(&op->w);
	json_key(&op->w, "fields");
	json_object(&op->w);
	op->in_fields = 1;
}

void op_release(struct cd_op *op)
{
	buf_release(&op->buf);
}

static void field_open(struct cd_op *op, const char *field)
{
	if (!op->in_fields) {
		/* A field after the top-level members: a writer's mistake, reported by op_write. */
		if (!op->rc)
			op->rc = cd_error_set(&op->err, CD_EINTERNAL,
					      _("internal error: op field %s written after its other members; "
						"please report it"), field);
		return;
	}
	op->n_fields++;
	json_key(&op->w, field);
	json_object(&op->w);
	json_kv_int(&op->w, "base", op->base);
}

static int same_text(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

void op_text(struct cd_op *op, const char *field, const char *old, const char *new_value)
{
	/* An update names what it changed; an insert names every field it set. */
	if (op->base > 0 && same_text(old, new_value))
		return;
	field_open(op, field);
	if (op->rc)
		return;
	json_kv_string(&op->w, "old", old);
	json_kv_string(&op->w, "new", new_value);
	json_object_end(&op->w);
}

void op_int(struct cd_op *op, const char *field, int has_old, int64_t old, int64_t new_value)
{
	if (op->base > 0 && has_old && old == new_value)
		return;
	field_open(op, field);
	if (op->rc)
		return;
	if (has_old)
		json_kv_int(&op->w, "old", old);
	else
		json_kv_null(&op->w, "old");
	json_kv_int(&op->w, "new", new_value);
	json_object_end(&op->w);
}

/* The uuid of person `pid` into `out`; 0 is none (""). */
static int person_uuid(struct cd_store *s, int64_t pid, char out[40], struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	out[0] = '\0';
	if (!pid)
		return CD_OK;
	if ((rc = st_prepare(s, "SELECT uuid FROM person WHERE id = ?1", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	int r = st_row(s, st, _("reading a person's uuid for the op log"), err);
	if (r > 0)
		snprintf(out, 40, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (r == 0)
		rc = cd_error_set(err, CD_EINTERNAL, _("internal error: person row %lld vanished inside its own "
						       "transaction; please report it"), (long long)pid);
	else
		rc = CD_ESTORE;
	st_finish(s, st);
	return rc;
}

void op_person(struct cd_store *s, struct cd_op *op, const char *field, int64_t old_pid, int64_t new_pid)
{
	char was[40], now[40];
	if (op->rc)
		return;
	if ((op->rc = person_uuid(s, old_pid, was, &op->err)) || (op->rc = person_uuid(s, new_pid, now, &op->err)))
		return;
	op_text(op, field, old_pid ? was : NULL, new_pid ? now : NULL);
}

struct json_writer *op_meta(struct cd_op *op, const char *key)
{
	if (op->in_fields) {
		json_object_end(&op->w);
		op->in_fields = 0;
	}
	json_key(&op->w, key);
	return &op->w;
}

void op_meta_text(struct cd_op *op, const char *key, const char *value)
{
	json_string(op_meta(op, key), value);
}

void op_clock(struct cd_op *op, long due_day, long frozen_left)
{
	/* Days since 1970-01-01, as cases.due_day keeps them; null: no clock (or a running one). */
	struct json_writer *w = op_meta(op, "due_day");
	if (due_day < 0)
		json_null(w);
	else
		json_int(w, due_day);
	w = op_meta(op, "frozen_left");
	if (frozen_left < 0)
		json_null(w);
	else
		json_int(w, frozen_left);
}

/*
 * The one writer of this store's outbox (store_internal.h): the op numbered, signed with this
 * store's key (opsig.h, schema 27; the key made on first need, inside this transaction, so a
 * store made before it had one - a training store, a kit - gets it with its first op) and
 * written, all in the change's own transaction.
 */
int store_add_outbox(struct cd_store *s, const char *entity, const char *entity_uuid,
		     const char *op, const struct json_writer *payload, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37], now[32], sig[OPSIG_SIG_B64], commit[OPSIG_COMMIT_HEX];
	int64_t seq = 0;
	int rc, r;

	if (s->bulk)
		return CD_OK;
	if (!payload)
		return cd_error_set(err, CD_EINTERNAL, _("internal error: an outbox row for %s without its payload; "
							 "please report it"), entity);
	if ((rc = json_done(payload, err)))
		return rc;
	if (!s->uuid[0])
		return cd_error_set(err, CD_EINTERNAL, _("store %s has no store_uuid setting, so its changes cannot be "
							 "numbered for sync; please report it"), s->path);
	/* The next number of this origin, taken under the write lock of the change's own
	 * transaction: a rollback gives it back, so the numbering has no gap. */
	if ((rc = st_prepare(s, "SELECT coalesce(max(origin_seq), 0) + 1 FROM outbox WHERE origin = ?1", &st, err)))
		return rc;
	st_bind_text(st, 1, s->uuid);
	if ((r = st_row(s, st, _("numbering the change for sync"), err)) > 0)
		seq = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	if (r <= 0)
		return r < 0 ? CD_ESTORE : st_fail(s, _("numbering the change for sync"), err);
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	struct opsig_op o = { uuid, s->uuid, seq, entity, entity_uuid, op, now, buf_str(payload->out) };
	if ((rc = opsig_sign_own(s, &o, sig, commit, err)))
		return rc;
	if ((rc = st_prepare(s, "INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload, sig,"
				" sig_commit) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, s->uuid);
	sqlite3_bind_int64(st, 3, seq);
	st_bind_text(st, 4, now);
	st_bind_text(st, 5, entity);
	st_bind_text(st, 6, entity_uuid);
	st_bind_text(st, 7, op);
	st_bind_text(st, 8, o.payload);
	st_bind_text(st, 9, sig);
	st_bind_text(st, 10, commit);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("queueing the change for sync"), err);
	st_finish(s, st);
	return rc;
}

int op_write(struct cd_store *s, struct cd_op *op, const char *entity, const char *entity_uuid, const char *kind,
	     struct cd_error *err)
{
	if (op->rc) {
		if (err)
			*err = op->err;
		return op->rc;
	}
	if (op->in_fields) {
		json_object_end(&op->w);
		op->in_fields = 0;
	}
	json_object_end(&op->w);
	return store_add_outbox(s, entity, entity_uuid, kind, &op->w, err);
}

int op_record(struct cd_store *s, const struct cd_actor *actor, const struct cd_event *ev, const char *purpose,
	      struct cd_op *op, const char *entity, const char *entity_uuid, const char *kind, struct cd_error *err)
{
	int rc;
	if (op->rc) {
		if (err)
			*err = op->err;
		return op->rc;
	}
	if (ev && (rc = store_add_event(s, actor, ev, err)))
		return rc;
	/* Demo history (bulk) keeps neither audit rows nor ops. */
	if (s->bulk)
		return CD_OK;
	if ((rc = store_add_audit(s, actor, "change", entity, entity_uuid, purpose, err)))
		return rc;
	/* Who made the change (the user's name, as the store's history and audit name them): a
	 * store the op reaches shows it beside a conflict the op makes there. */
	if (actor && actor->name[0])
		op_meta_text(op, "by", actor->name);
	return op_write(s, op, entity, entity_uuid, kind, err);
}

/* ---- reading the log ----------------------------------------------------------------- */

const char *oplog_origin(const struct cd_store *s)
{
	return s->uuid;
}

#define OP_COLUMNS "uuid, origin, origin_seq, at, entity, entity_uuid, op, coalesce(sent_at, ''), coalesce(acked_at, '')"
/* Ops read with OP_COLUMNS come from outbox_state, which tells when each was sent (schema
 * 28: a mark per acknowledged batch, outbox_sent, or sent_at as marked before). */
/* The highest seq of origin ?1 marked sent: what waits is above it (and has no sent_at). */
#define SENT_MARK_OF_1 "coalesce((SELECT max(upto_seq) FROM outbox_sent WHERE origin = ?1), 0)"

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, struct cd_op_row *r)
{
	copy_text(r->uuid, sizeof r->uuid, st, 0);
	copy_text(r->origin, sizeof r->origin, st, 1);
	r->seq = sqlite3_column_int64(st, 2);
	copy_text(r->at, sizeof r->at, st, 3);
	copy_text(r->entity, sizeof r->entity, st, 4);
	copy_text(r->entity_uuid, sizeof r->entity_uuid, st, 5);
	copy_text(r->op, sizeof r->op, st, 6);
	copy_text(r->sent_at, sizeof r->sent_at, st, 7);
	copy_text(r->acked_at, sizeof r->acked_at, st, 8);
}

static int admin_only(const struct cd_actor *actor, struct cd_error *err)
{
	if (actor && (actor->roles & CD_ROLE_ADMIN))
		return CD_OK;
	return cd_error_set(err, CD_EREFUSED, _("the op log is for admins; %s is not one"), actor ? actor->name : "?");
}

int oplog_list(struct cd_store *s, const struct cd_actor *actor, int unsent_only, cd_op_cb cb, void *ctx,
	       struct cd_error *err)
{
	static const char all_sql[] = "SELECT " OP_COLUMNS " FROM outbox_state ORDER BY origin = ?1 DESC, origin, origin_seq";
	/* What waits: this store's own ops above its mark (the range the index finds; scanning
	 * the view for sent_at IS NULL reads every op ever made). */
	static const char unsent_sql[] = "SELECT " OP_COLUMNS " FROM outbox_state WHERE origin = ?1"
					 " AND origin_seq > " SENT_MARK_OF_1 " AND sent_at IS NULL"
					 " ORDER BY origin = ?1 DESC, origin, origin_seq";
	sqlite3_stmt *st = NULL;
	struct cd_op_row row;
	int rc, r;

	if ((rc = admin_only(actor, err)) || (rc = st_prepare(s, unsent_only ? unsent_sql : all_sql, &st, err)))
		return rc;
	st_bind_text(st, 1, s->uuid);
	while ((r = st_row(s, st, _("reading the op log"), err)) > 0) {
		read_row(st, &row);
		if ((rc = cb(ctx, &row)))
			break;
	}
	if (r < 0)
		rc = CD_ESTORE;
	st_finish(s, st);
	return rc;
}

int oplog_show(struct cd_store *s, const struct cd_actor *actor, const char *uuid, const char *purpose,
	       struct cd_op_row *row, char **payload, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	*payload = NULL;
	if ((rc = admin_only(actor, err)))
		return rc;
	if (!purpose || !purpose[strspn(purpose, " \t")])
		return cd_error_set(err, CD_EINPUT, _("--purpose: an op shows the values it changed; say why you read it"));
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, "SELECT " OP_COLUMNS ", payload FROM outbox_state WHERE uuid = ?1", &st, err)))
		goto out;
	st_bind_text(st, 1, uuid);
	if ((r = st_row(s, st, _("reading the op log"), err)) <= 0) {
		rc = r < 0 ? CD_ESTORE
			   : cd_error_set(err, CD_ENOTFOUND, _("no op %s in this store; `casedesk ops list` lists them"),
					  uuid);
		goto out;
	}
	read_row(st, row);
	if (!(*payload = st_dup_column(st, 9))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	/* The read is audited as the entity's: a subject access export finds it there. */
	if ((rc = store_add_audit(s, actor, "read", row->entity, row->entity_uuid, purpose, err)))
		goto out;
	rc = store_commit(s, err);
	if (rc) {
		free(*payload);
		*payload = NULL;
	}
	return rc;
out:
	st_finish(s, st);
	store_rollback(s);
	free(*payload);
	*payload = NULL;
	return rc;
}

int oplog_check(struct cd_store *s, int64_t *gaps, int64_t *first_bad, struct cd_error *err)
{
	/* Per origin, seq n is the n-th op: any number missing or repeated moves the rest. */
	static const char sql[] =
		"SELECT coalesce(sum(n <> origin_seq), 0), coalesce(min(CASE WHEN n <> origin_seq THEN n END), 0)"
		" FROM (SELECT origin_seq, row_number() OVER (PARTITION BY origin ORDER BY origin_seq, id) AS n"
		" FROM outbox)";
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);

	*gaps = *first_bad = 0;
	if (rc)
		return rc;
	int r = st_row(s, st, _("checking the op log's numbering"), err);
	if (r > 0) {
		*gaps = sqlite3_column_int64(st, 0);
		*first_bad = sqlite3_column_int64(st, 1);
	} else {
		rc = r < 0 ? CD_ESTORE : st_fail(s, _("checking the op log's numbering"), err);
	}
	st_finish(s, st);
	return rc;
}

/* ---- store check: every op's signature ----------------------------------------------- */

/*
 * Why a checkpoint: Ed25519 verification costs ~100 us an op here (OpenSSL 3's own field
 * arithmetic is most of the time), so a store of a million ops would take minutes at every
 * check.  A clean check leaves the setting opsig_checked = "N MAC": the HMAC (opsig_mac, keyed
 * from this store's seed) of this store's own signed ops numbered up to N, in the table's
 * order, signed bytes and signature.  The next check recomputes that MAC (a few us an op)
 * and verifies only the ops after N; when it differs - an op changed, added, dropped or
 * moved, or the setting edited - it verifies every op again, so a wrong checkpoint costs time
 * and never hides a finding.  Only the store's own ops: another origin's ops are verified
 * every time, as their key is not this store's and a MAC from this store's seed would not be
 * as strong as their origin's signature against whoever holds this file.
 */

/* The key of one origin, loaded once for all its ops (NULL: not known here). */
struct sig_origin {
	char origin[40];
	struct opsig_key *key;
};

struct sig_walk {
	struct cd_store *s;
	struct oplog_sig_report *r;
	struct sig_origin *keys;
	size_t nk, cap;
	int table;                 /* 0 outbox, 1 held_ops, 2 relay_ops: the order findings rank in */
	int64_t own_from;          /* this store's first signed op (0: none signed) */
	/* outbox only: the checkpoint read (upto 0: none), the MACs of it and of the next one */
	int64_t upto, new_upto, deferred;
	struct opsig_mac *mac_old, *mac_new;
	int full;                  /* the second pass: verify this store's ops up to `upto` */
	struct cd_buf enc;
};

static const char *const sig_tables[] = { "outbox", "held_ops", "relay_ops" };

static void sig_finding(struct sig_walk *w, const char *origin, int64_t seq, const char *why)
{
	struct oplog_sig_report *r = w->r;
	int first = !r->bad++;
	int rank = 0;

	for (int i = 0; i < 3; i++)
		if (r->first_table[0] && strcmp(r->first_table, sig_tables[i]) == 0)
			rank = i;
	if (!first && (w->table > rank || (w->table == rank && seq >= r->first_seq)))
		return;
	r->first_seq = seq;
	snprintf(r->first_origin, sizeof r->first_origin, "%s", origin);
	snprintf(r->first_table, sizeof r->first_table, "%s", sig_tables[w->table]);
	snprintf(r->first_why, sizeof r->first_why, "%s", why);
}

/* The key `origin`'s signatures are checked with: this store's own, or the one it trusts
 * that origin with; *key NULL when none is known. */
static int sig_key(struct sig_walk *w, const char *origin, struct opsig_key **key, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct sig_origin *o;
	int rc = CD_OK, r;

	*key = NULL;
	for (size_t i = 0; i < w->nk; i++)
		if (strcmp(w->keys[i].origin, origin) == 0) {
			*key = w->keys[i].key;
			return CD_OK;
		}
	ST_GROW(w->keys, w->nk, w->cap);
	o = &w->keys[w->nk++];
	memset(o, 0, sizeof *o);
	snprintf(o->origin, sizeof o->origin, "%s", origin);
	if ((rc = st_prepare(w->s, strcmp(origin, w->s->uuid) == 0
					   ? "SELECT public_key FROM bundle_key WHERE id = 1 AND ?1 IS NOT NULL"
					   : "SELECT public_key FROM trusted_origins WHERE origin = ?1",
			     &st, err)))
		goto out;
	st_bind_text(st, 1, origin);
	if ((r = st_row(w->s, st, _("reading the keys ops are checked with"), err)) < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	/* A key that is not of its form checks nothing: its ops are findings, not an error. */
	if (r > 0) {
		struct cd_error ignored = CD_ERROR_INIT;
		if (opsig_key_load((const char *)sqlite3_column_text(st, 0), &o->key, &ignored) == CD_EINTERNAL) {
			*err = ignored;
			rc = CD_EINTERNAL;
			goto out;
		}
	}
	*key = o->key;
out:
	st_finish(w->s, st);
	return rc;
}

/* One signed op: its bytes, then the checkpoint's MAC or its signature checked. */
static int sig_one(struct sig_walk *w, const struct opsig_op *o, const char *sig, const char *commit,
		   struct cd_error *err)
{
	int own = strcmp(o->origin, w->s->uuid) == 0;
	int cover = own && w->table == 0 && w->mac_new;   /* under the checkpoint's MACs */
	unsigned char raw[64];
	struct opsig_key *key;
	struct cd_error why = CD_ERROR_INIT;
	int rc, v;

	if ((rc = sig_key(w, o->origin, &key, err)))
		return rc;
	if (!key) {
		if (w->full)
			return CD_OK;
		if (own)
			sig_finding(w, o->origin, o->seq, _("it is signed, but this store has no key to check it with"));
		else
			w->r->unknown++;
		return CD_OK;
	}
	if ((v = opsig_message(o, sig, commit, raw, &w->enc, &why)) == CD_EINTERNAL)
		goto internal;
	if (v) {
		/* Counted by the first pass already. */
		if (!w->full)
			sig_finding(w, o->origin, o->seq, why.msg);
		return CD_OK;
	}
	if (w->full) {
		/* Only what the first pass left to the checkpoint. */
		if (!(own && w->table == 0 && o->seq <= w->upto))
			return CD_OK;
	} else {
		if (cover) {
			opsig_mac_add(w->mac_new, &w->enc, sig);
			if (o->seq > w->new_upto)
				w->new_upto = o->seq;
		}
		if (cover && w->mac_old && o->seq <= w->upto) {
			opsig_mac_add(w->mac_old, &w->enc, sig);
			w->deferred++;
			return CD_OK;
		}
	}
	if ((v = opsig_verify_message(&w->enc, raw, key, &why)) == CD_EINTERNAL)
		goto internal;
	if (v)
		sig_finding(w, o->origin, o->seq, why.msg);
	else
		w->r->verified++;
	return CD_OK;
internal:
	*err = why;
	return CD_EINTERNAL;
}

/* Walks one table's ops (in the table's order: the checkpoint's MAC is of that order). */
static int sig_walk_table(struct sig_walk *w, const char *sql, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if ((rc = st_prepare(w->s, sql, &st, err)))
		return rc;
	while ((r = st_row(w->s, st, _("checking the ops' signatures"), err)) > 0) {
		struct opsig_op o = { (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
				      sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3),
				      (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
				      (const char *)sqlite3_column_text(st, 6), (const char *)sqlite3_column_text(st, 7) };
		const char *sig = (const char *)sqlite3_column_text(st, 8);
		const char *commit = (const char *)sqlite3_column_text(st, 9);

		if (!o.origin)
			o.origin = "";
		if (sig || commit) {
			if ((rc = sig_one(w, &o, sig, commit, err)))
				break;
			continue;
		}
		if (w->full)
			continue;
		/* Schema 27 on, every op this store writes is signed: after its first signed one,
		 * an unsigned one had its signature taken away. */
		if (w->table == 0 && w->own_from && o.seq > w->own_from && strcmp(o.origin, w->s->uuid) == 0)
			sig_finding(w, o.origin, o.seq, _("it has no signature, though this store signed the ops before it"));
		else
			w->r->unsigned_ok++;
	}
	if (r < 0 && !rc)
		rc = CD_ESTORE;
	st_finish(w->s, st);
	return rc;
}

/* The first of this store's signed ops, the checkpoint (opsig_checked) and the MACs. */
static int sig_start(struct sig_walk *w, struct cd_error *err)
{
	char priv[64] = "", cp[128];
	sqlite3_stmt *st = NULL;
	int rc, r;

	if ((rc = st_prepare(w->s, "SELECT coalesce(min(origin_seq), 0),"
				   " (SELECT private_key FROM bundle_key WHERE id = 1)"
				   " FROM outbox WHERE origin = ?1 AND sig IS NOT NULL",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, w->s->uuid);
	if ((r = st_row(w->s, st, _("checking the ops' signatures"), err)) > 0) {
		w->own_from = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			snprintf(priv, sizeof priv, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	st_finish(w->s, st);
	if (r <= 0)
		rc = r < 0 ? CD_ESTORE : st_fail(w->s, _("checking the ops' signatures"), err);
	/* No key or a damaged one: no checkpoint, every op verified (and found). */
	if (rc || !priv[0] || !w->own_from)
		goto out;
	{
		struct cd_error ignored = CD_ERROR_INIT;
		if (opsig_mac_new(priv, &w->mac_new, &ignored))
			goto out;
	}
	if ((r = st_setting_read(w->s, "opsig_checked", cp, sizeof cp, err)) < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	if (r > 0 && sscanf(cp, "%" SCNd64, &w->upto) == 1 && w->upto > 0) {
		struct cd_error ignored = CD_ERROR_INIT;
		if (opsig_mac_new(priv, &w->mac_old, &ignored))
			w->upto = 0;
	} else {
		w->upto = 0;
	}
out:
	OPENSSL_cleanse(priv, sizeof priv);
	return rc;
}

/* A clean check leaves its checkpoint for the next one. */
static int sig_checkpoint(struct sig_walk *w, struct cd_error *err)
{
	char hex[65], v[128];
	int rc;

	if (!w->mac_new || !w->new_upto || opsig_mac_hex(w->mac_new, hex))
		return CD_OK;
	snprintf(v, sizeof v, "%lld %s", (long long)w->new_upto, hex);
	if ((rc = store_begin(w->s, err)))
		return rc;
	if ((rc = st_setting_write(w->s, "opsig_checked", v, err))) {
		store_rollback(w->s);
		return rc;
	}
	return store_commit(w->s, err);
}

int oplog_sig_check(struct cd_store *s, struct oplog_sig_report *r, struct cd_error *err)
{
#define SIG_COLUMNS "uuid, origin, origin_seq, entity, entity_uuid, op, at, payload, sig, sig_commit"
	static const char *const sql[] = {
		"SELECT " SIG_COLUMNS " FROM outbox",
		"SELECT " SIG_COLUMNS " FROM held_ops",
		"SELECT " SIG_COLUMNS " FROM relay_ops",
	};
	struct sig_walk w = { .s = s, .r = r, .enc = CD_BUF_INIT };
	int rc;

	memset(r, 0, sizeof *r);
	if ((rc = sig_start(&w, err)) || (rc = sig_walk_table(&w, sql[0], err)))
		goto out;
	if (w.deferred) {
		char old[65], cp[128];
		int got = st_setting_read(s, "opsig_checked", cp, sizeof cp, err);
		const char *mac = got > 0 ? strchr(cp, ' ') : NULL;
		if (got < 0) {
			rc = CD_ESTORE;
			goto out;
		}
		if (!opsig_mac_hex(w.mac_old, old) && mac && strlen(mac + 1) == 64 && CRYPTO_memcmp(mac + 1, old, 64) == 0) {
			r->verified += w.deferred;
		} else {
			/* Not the ops the last check verified: verify them all again. */
			w.full = 1;
			if ((rc = sig_walk_table(&w, sql[0], err)))
				goto out;
			w.full = 0;
		}
	}
	for (w.table = 1; w.table < 3; w.table++)
		if ((rc = sig_walk_table(&w, sql[w.table], err)))
			goto out;
	if (!r->bad)
		rc = sig_checkpoint(&w, err);
out:
	for (size_t i = 0; i < w.nk; i++)
		opsig_key_free(w.keys[i].key);
	free(w.keys);
	opsig_mac_free(w.mac_old);
	opsig_mac_free(w.mac_new);
	buf_release(&w.enc);
	return rc;
#undef SIG_COLUMNS
}

/* ---- sync: the push's reads and marks ------------------------------------------------ */

void oplog_batch_release(struct cd_op_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->payloads[i]);
		free(b->name_keys[i]);
	}
	free(b->rows);
	free(b->payloads);
	free(b->name_keys);
	memset(b, 0, sizeof *b);
}

/* A person op carries the person's keys as the local search has them now (person_key,
 * cd_name_keys): the national tier searches with the same keys. */
#define BATCH_SELECT "SELECT " OP_COLUMNS ", payload," \
	" CASE WHEN o.entity = 'person' THEN (SELECT k.keys FROM person p JOIN person_key k ON k.rowid = p.id" \
	"  WHERE p.uuid = o.entity_uuid) END FROM outbox o WHERE o.origin = ?1 "

static int read_batch(struct cd_store *s, int64_t after, size_t limit, int sent_too, struct cd_op_batch *b,
		      struct cd_error *err)
{
	/* Above the mark every op goes, a sent_at or not: the tier takes a batch only when its
	 * ops follow each other, and a sent_at above the mark (written by hand, or kept from
	 * before schema 28 over an op that never went) would leave a hole it refuses at every
	 * sync.  What the tier holds already it takes as a no-op. */
	static const char unsent_sql[] = BATCH_SELECT "AND o.origin_seq > max(?2, " SENT_MARK_OF_1 ")"
					 " ORDER BY o.origin_seq LIMIT ?3";
	static const char all_sql[] = BATCH_SELECT "AND o.origin_seq > ?2 ORDER BY o.origin_seq LIMIT ?3";
	const char *sql = sent_too ? all_sql : unsent_sql;
	sqlite3_stmt *st = NULL;
	int rc, r;

	memset(b, 0, sizeof *b);
	if (!limit)
		return CD_OK;
	if (!(b->rows = calloc(limit, sizeof *b->rows)) || !(b->payloads = calloc(limit, sizeof *b->payloads)) ||
	    !(b->name_keys = calloc(limit, sizeof *b->name_keys))) {
		oplog_batch_release(b);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	/* One snapshot: a change made meanwhile waits for the next batch. */
	if ((rc = store_begin(s, err)))
		goto fail;
	if ((rc = st_prepare(s, sql, &st, err)))
		goto fail_txn;
	st_bind_text(st, 1, s->uuid);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	while ((r = st_row(s, st, _("reading the ops to send"), err)) > 0) {
		size_t i = b->n;
		read_row(st, &b->rows[i]);
		b->payloads[i] = st_dup_column(st, 9);
		b->name_keys[i] = sqlite3_column_type(st, 10) == SQLITE_NULL ? NULL : st_dup_column(st, 10);
		b->n++;
		if (!b->payloads[i] || (sqlite3_column_type(st, 10) != SQLITE_NULL && !b->name_keys[i])) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto fail_txn;
		}
	}
	if (r < 0) {
		rc = CD_ESTORE;
		goto fail_txn;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = store_commit(s, err)))
		goto fail;
	return CD_OK;
fail_txn:
	st_finish(s, st);
	store_rollback(s);
fail:
	oplog_batch_release(b);
	return rc;
}

int oplog_unsent_batch(struct cd_store *s, int64_t after, size_t limit, struct cd_op_batch *b, struct cd_error *err)
{
	return read_batch(s, after, limit, 0, b, err);
}

int oplog_own_batch(struct cd_store *s, int64_t after, size_t limit, struct cd_op_batch *b, struct cd_error *err)
{
	return read_batch(s, after, limit, 1, b, err);
}

int oplog_sent_upto(struct cd_store *s, int64_t *upto, struct cd_error *err)
{
	/* The mark, or an op marked sent row by row before schema 28 above it.  Only above it:
	 * nothing indexes sent_at, and under the mark (every op since 28) the scan would read
	 * the whole op log at every sync. */
	sqlite3_stmt *st = NULL;
	int rc, r;

	*upto = 0;
	if ((rc = st_prepare(s, "SELECT max(" SENT_MARK_OF_1 ", coalesce((SELECT max(origin_seq) FROM outbox"
				" WHERE origin = ?1 AND origin_seq > " SENT_MARK_OF_1 " AND sent_at IS NOT NULL), 0))",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, s->uuid);
	if ((r = st_row(s, st, _("reading which ops were sent"), err)) > 0)
		*upto = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	if (r <= 0)
		return r < 0 ? CD_ESTORE : cd_error_set(err, CD_ESTORE, _("reading which ops were sent: no answer"));
	return CD_OK;
}

/*
 * Marks an origin's ops up to `upto_seq` as gone to the national tier, in one transaction
 * with the audit row that says their values left this store: `sql` is the UPDATE (?1 now,
 * ?2 origin, ?3 upto_seq), `what` names the step in a failure.
 */
static int mark_upto(struct cd_store *s, const struct cd_actor *actor, const char *sql, const char *what,
		     const char *audit_table, const char *audit_ref, const char *audit_purpose, const char *origin,
		     int64_t upto_seq, int64_t *marked, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	if (marked)
		*marked = 0;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, sql, &st, err)))
		goto fail;
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, now);
	st_bind_text(st, 2, origin);
	sqlite3_bind_int64(st, 3, upto_seq);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, what, err);
		goto fail;
	}
	int64_t n = sqlite3_changes64(s->db);
	st_finish(s, st);
	st = NULL;
	if (n > 0 && (rc = store_add_audit(s, actor, "sync", audit_table, audit_ref, audit_purpose, err)))
		goto fail;
	if ((rc = store_commit(s, err)))
		return rc;
	if (marked)
		*marked = n;
	return CD_OK;
fail:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

int oplog_mark_sent(struct cd_store *s, const struct cd_actor *actor, const char *origin, int64_t upto_seq,
		    int64_t *marked, struct cd_error *err)
{
	/* The values of these ops left the store for the national tier.  One row, whatever the
	 * batch's size (schema 28): the mark rises to the last op at or under upto_seq, never
	 * past an op this store has not made.  To the last op, not the last one waiting: an op
	 * with a sent_at above the mark went in the batch too (read_batch), and under a mark
	 * that stopped short of it every sync would send it again. */
	static const char waiting_sql[] = "SELECT (SELECT count(*) FROM outbox WHERE origin = ?1 AND sent_at IS NULL"
					  "  AND origin_seq > " SENT_MARK_OF_1 " AND origin_seq <= ?2),"
					  " (SELECT max(origin_seq) FROM outbox WHERE origin = ?1 AND origin_seq <= ?2"
					  "  AND origin_seq > " SENT_MARK_OF_1 ")";
	sqlite3_stmt *st = NULL;
	int64_t n = 0, top = 0;
	char now[32];
	int rc, r;

	if (marked)
		*marked = 0;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, waiting_sql, &st, err)))
		goto fail;
	st_bind_text(st, 1, origin);
	sqlite3_bind_int64(st, 2, upto_seq);
	if ((r = st_row(s, st, _("marking ops sent"), err)) > 0) {
		n = sqlite3_column_int64(st, 0);
		top = sqlite3_column_int64(st, 1);
	}
	st_finish(s, st);
	st = NULL;
	if (r <= 0) {
		rc = r < 0 ? CD_ESTORE : cd_error_set(err, CD_ESTORE, _("marking ops sent: no answer"));
		goto fail;
	}
	if (top > 0) {
		if ((rc = st_prepare(s, "INSERT INTO outbox_sent(origin, upto_seq, at) VALUES (?1, ?2, ?3)", &st, err)))
			goto fail;
		store_now(s, now, sizeof now);
		st_bind_text(st, 1, origin);
		sqlite3_bind_int64(st, 2, top);
		st_bind_text(st, 3, now);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = st_fail(s, _("marking ops sent"), err);
			goto fail;
		}
		st_finish(s, st);
		st = NULL;
		if ((rc = store_add_audit(s, actor, "sync", "outbox", NULL, "sync", err)))
			goto fail;
	}
	if ((rc = store_commit(s, err)))
		return rc;
	if (marked)
		*marked = n;
	return CD_OK;
fail:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

int oplog_sync_record(struct cd_store *s, int ok, struct cd_error *err)
{
	char now[32];
	int rc;

	store_now(s, now, sizeof now);
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_setting_write(s, "sync_last_at", now, err)) ||
	    (rc = st_setting_write(s, "sync_last_ok", ok ? "1" : "0", err))) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int oplog_sync_status(struct cd_store *s, struct cd_sync_status *st, struct cd_error *err)
{
	sqlite3_stmt *q = NULL;
	char ok[8];
	int rc, r;

	memset(st, 0, sizeof *st);
	st->last_ok = -1;
	if ((rc = st_prepare(s, "SELECT count(*) FROM outbox WHERE origin = ?1 AND sent_at IS NULL AND origin_seq > " SENT_MARK_OF_1, &q, err)))
		return rc;
	st_bind_text(q, 1, s->uuid);
	r = st_row(s, q, _("counting the ops waiting to be sent"), err);
	if (r > 0)
		st->unsent = sqlite3_column_int64(q, 0);
	st_finish(s, q);
	if (r <= 0)
		return r < 0 ? CD_ESTORE : cd_error_set(err, CD_ESTORE, _("counting the ops waiting to be sent: no answer"));
	if ((r = st_setting_read(s, "sync_last_at", st->last_at, sizeof st->last_at, err)) < 0)
		return CD_ESTORE;
	if (r == 0)
		return CD_OK;
	if ((r = st_setting_read(s, "sync_last_ok", ok, sizeof ok, err)) < 0)
		return CD_ESTORE;
	st->last_ok = r > 0 && ok[0] == '1';
	return CD_OK;
}

int oplog_pull_cursor(struct cd_store *s, int64_t *seq, struct cd_error *err)
{
	char v[32];
	int r = st_setting_read(s, "sync_pull_cursor", v, sizeof v, err);

	*seq = 0;
	if (r < 0)
		return CD_ESTORE;
	if (r > 0)
		*seq = strtoll(v, NULL, 10);
	return CD_OK;
}

int oplog_pull_cursor_set(struct cd_store *s, int64_t seq, struct cd_error *err)
{
	char v[32];
	int rc;

	snprintf(v, sizeof v, "%lld", (long long)seq);
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_setting_write(s, "sync_pull_cursor", v, err))) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* ---- relay: other stores' ops that came here by hand ----------------------------------- */

int oplog_relay_origins(struct cd_store *s, struct cd_relay_origin **out, size_t *n, struct cd_error *err)
{
	static const char sql[] = "SELECT origin, max(origin_office), max(origin_name), max(origin_kind),"
				  " min(origin_seq), max(origin_seq), count(*)"
				  " FROM relay_ops WHERE relayed_at IS NULL GROUP BY origin ORDER BY origin";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, r;

	*out = NULL;
	*n = 0;
	if ((rc = st_prepare(s, sql, &st, err)))
		return rc;
	while ((r = st_row(s, st, _("reading the ops waiting for relay"), err)) > 0) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct cd_relay_origin *p = realloc(*out, ncap * sizeof *p);
			if (!p) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				break;
			}
			*out = p;
			cap = ncap;
		}
		struct cd_relay_origin *o = &(*out)[(*n)++];
		memset(o, 0, sizeof *o);
		copy_text(o->origin, sizeof o->origin, st, 0);
		copy_text(o->office, sizeof o->office, st, 1);
		copy_text(o->name, sizeof o->name, st, 2);
		copy_text(o->kind, sizeof o->kind, st, 3);
		o->first = sqlite3_column_int64(st, 4);
		o->last = sqlite3_column_int64(st, 5);
		o->waiting = sqlite3_column_int64(st, 6);
	}
	if (r < 0)
		rc = CD_ESTORE;
	st_finish(s, st);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int oplog_relay_batch(struct cd_store *s, const char *origin, int64_t after, size_t limit, struct cd_op_batch *b,
		      struct cd_error *err)
{
	/* The columns of OP_COLUMNS (read_row), sent and acknowledged empty: these are not ours. */
	static const char sql[] =
		"SELECT o.uuid, o.origin, o.origin_seq, o.at, o.entity, o.entity_uuid, o.op, '', '', o.payload,"
		" CASE WHEN o.entity = 'person' THEN (SELECT k.keys FROM person p JOIN person_key k ON k.rowid = p.id"
		"  WHERE p.uuid = o.entity_uuid) END"
		" FROM relay_ops o WHERE o.origin = ?1 AND o.relayed_at IS NULL AND o.origin_seq > ?2"
		" ORDER BY o.origin_seq LIMIT ?3";
	sqlite3_stmt *st = NULL;
	int rc, r;

	memset(b, 0, sizeof *b);
	if (!limit)
		return CD_OK;
	if (!(b->rows = calloc(limit, sizeof *b->rows)) || !(b->payloads = calloc(limit, sizeof *b->payloads)) ||
	    !(b->name_keys = calloc(limit, sizeof *b->name_keys))) {
		oplog_batch_release(b);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	if ((rc = st_prepare(s, sql, &st, err)))
		goto fail;
	st_bind_text(st, 1, origin);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	while ((r = st_row(s, st, _("reading the ops waiting for relay"), err)) > 0) {
		size_t i = b->n;
		read_row(st, &b->rows[i]);
		b->payloads[i] = st_dup_column(st, 9);
		b->name_keys[i] = sqlite3_column_type(st, 10) == SQLITE_NULL ? NULL : st_dup_column(st, 10);
		b->n++;
		if (!b->payloads[i] || (sqlite3_column_type(st, 10) != SQLITE_NULL && !b->name_keys[i])) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto fail;
		}
	}
	if (r < 0) {
		rc = CD_ESTORE;
		goto fail;
	}
	st_finish(s, st);
	return CD_OK;
fail:
	st_finish(s, st);
	oplog_batch_release(b);
	return rc;
}

int oplog_relay_mark(struct cd_store *s, const struct cd_actor *actor, const char *origin, int64_t upto_seq,
		     int64_t *marked, struct cd_error *err)
{
	/* Another store's values left this one for the national tier. */
	return mark_upto(s, actor, "UPDATE relay_ops SET relayed_at = ?1, payload = NULL"
				   " WHERE origin = ?2 AND origin_seq <= ?3 AND relayed_at IS NULL",
			 _("marking relayed ops"), "relay_ops", origin, "sync (relay)", origin, upto_seq, marked, err);
}
