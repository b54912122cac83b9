/*
 * oplog.h - the op log: the outbox read as the unit of sync (issue 15, deliverable 3).
 *
 * Every change a store makes is one op, written in the change's own transaction
 * (store_internal.h: struct cd_op and op_record for the writers in model/store):
 *   uuid          the idempotency key: the national tier inserts it once, however often sent
 *   origin        the uuid of the store that made it (the store_uuid setting)
 *   origin_seq    1, 2, 3 ... per origin, gapless: a rolled back change takes no number,
 *                 so a receiver that has seq N knows it has everything up to N
 *   entity, entity_uuid, op   what changed and how (insert, update, transition, assign ...)
 *   at            the wall clock, for people to read; nothing may depend on its order
 *   payload       {"fields":{"surname":{"base":3,"old":"X","new":"Y"}, ...}, ...}: per field the
 *                 row version the change was made on (0 for an insert), the value before
 *                 (null for an insert) and the value after.  Other rows are named by uuid only;
 *                 what is not a field (a transition's name, a reason, what a merge moved)
 *                 follows "fields" at the top.  Settings keep no row version (an office's
 *                 own, never merged): their base is 0.  Ops written before schema 16 keep
 *                 the payload they had (no "fields").
 * An op is never changed or deleted (schema 16's triggers): only sent_at and acked_at are
 * set, once each, and the payload of a purged or anonymised person's or case's op is
 * erased to {"purged":true} (retention.c), the row and its seq kept.
 */
#ifndef CD_OPLOG_H
#define CD_OPLOG_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* One op as `ops list` shows it: no personal data (no payload). */
struct cd_op_row {
	char uuid[40];
	char origin[40];
	int64_t seq;
	char at[32];
	char entity[24];
	char entity_uuid[80];
	char op[24];
	char sent_at[32];          /* "" when not sent */
	char acked_at[32];         /* "" when not acknowledged */
};

/* Called for each op in seq order; a non-zero return stops the walk and is returned. */
typedef int (*cd_op_cb)(void *ctx, const struct cd_op_row *op);

/* Walks this store's ops (all of them, or only those not sent); admins only (CD_EREFUSED). */
int oplog_list(struct cd_store *s, const struct cd_actor *actor, int unsent_only, cd_op_cb cb, void *ctx,
	       struct cd_error *err);

/*
 * One op with its payload (values: personal data), into *row and *payload (malloc'd, the
 * caller frees); admins only, with a purpose that goes into the audit row (CD_EINPUT
 * without one).  CD_ENOTFOUND when no op has that uuid.
 */
int oplog_show(struct cd_store *s, const struct cd_actor *actor, const char *uuid, const char *purpose,
	       struct cd_op_row *row, char **payload, struct cd_error *err);

/*
 * `store check`: ops of each origin numbered 1..N without a gap or a repeat; *gaps is the
 * count of ops not at their place (0: whole; a number missing displaces every op after
 * it), *first_bad the first number that is missing (0 when whole).
 */
int oplog_check(struct cd_store *s, int64_t *gaps, int64_t *first_bad, struct cd_error *err);

/*
 * `store check`: every op's own signature (opsig.h, schema 27), in the outbox, held_ops and
 * relay_ops: this store's ops by its own key (bundle_key), another origin's by the key this
 * store trusts it with (trusted_origins, as bundle import does).  No signature is allowed
 * where schema 27 allows it: this store's ops numbered before its first signed one (made
 * before 27), other origins' ops (pulled from the tier, or made before their origin was at
 * 27).  An own op without one numbered after a signed one, a signature that does not hold
 * or is not of its form, is a finding.  Signatures of origins whose key is not known here
 * are counted, not checked.  Reads only; fills err on a store error only.
 */
struct oplog_sig_report {
	int64_t verified;          /* signatures that hold */
	int64_t unsigned_ok;       /* no signature, where the schema allows none */
	int64_t unknown;           /* signed by an origin whose key this store does not know */
	int64_t bad;               /* findings */
	/* The first finding (outbox before held_ops before relay_ops, then the lowest number):
	 * never its payload. */
	int64_t first_seq;
	char first_origin[40];
	char first_table[12];      /* "outbox", "held_ops" or "relay_ops" */
	char first_why[160];       /* what is wrong with it, as opsig_verify_key says */
};
int oplog_sig_check(struct cd_store *s, struct oplog_sig_report *r, struct cd_error *err);

/* This store's origin uuid (the store_uuid setting). */
const char *oplog_origin(const struct cd_store *s);

/* ---- sync (issue 15, deliverable 4): what the push reads and marks ----------------------- */

/* This store's own unsent ops, first ones first, with what the national tier needs. */
struct cd_op_batch {
	struct cd_op_row *rows;
	char **payloads;           /* the op's JSON payload (personal data) */
	char **name_keys;          /* a person op's person's search keys now ("KVLNK IRN y1991"), else NULL */
	size_t n;
};

/*
 * Up to `limit` of this store's own ops above its mark of ops sent, in origin_seq order,
 * after seq `after` (0: from the first); a sent_at above the mark (by hand, or from before
 * schema 28) does not keep an op back, so the ops follow each other.  Only this store's
 * origin: ops applied from other stores keep theirs and are never sent back.  Release with
 * oplog_batch_release.
 */
int oplog_unsent_batch(struct cd_store *s, int64_t after, size_t limit, struct cd_op_batch *b, struct cd_error *err);
void oplog_batch_release(struct cd_op_batch *b);

/*
 * Up to `limit` of this store's own ops after seq `after`, sent or not, in seq order: what a
 * national tier that lost ops this store marked sent (restored from an older backup, or
 * another tier named since) is sent again.
 */
int oplog_own_batch(struct cd_store *s, int64_t after, size_t limit, struct cd_op_batch *b, struct cd_error *err);

/* The highest seq of this store's own ops marked sent (0: none). */
int oplog_sent_upto(struct cd_store *s, int64_t *upto, struct cd_error *err);

/*
 * Marks `origin`'s ops up to `upto_seq` sent, in one transaction with an audit row (the
 * values left the store, purpose "sync").  Call it only after the national tier
 * acknowledged their commit: a crash before it makes the next sync send them again, which
 * the tier takes as a no-op.  *marked gets the count newly marked (may be NULL).
 */
int oplog_mark_sent(struct cd_store *s, const struct cd_actor *actor, const char *origin, int64_t upto_seq,
		    int64_t *marked, struct cd_error *err);

/* The last sync's outcome as `sync` recorded it, and what waits: the TUI's status line reads
 * this and never connects to the national tier. */
struct cd_sync_status {
	int64_t unsent;            /* this store's own ops not sent */
	int last_ok;               /* 1: the last sync reached the tier and finished; 0: it failed; -1: never synced */
	char last_at[32];          /* when it ended ("2026-03-02T10:00:00.000Z"), "" when never */
};
int oplog_sync_status(struct cd_store *s, struct cd_sync_status *st, struct cd_error *err);
/* The pull's cursor: the national tier's server_seq of the last op pulled (0: none yet), a
 * setting; set it in the transaction that applied the ops up to it. */
int oplog_pull_cursor(struct cd_store *s, int64_t *seq, struct cd_error *err);
int oplog_pull_cursor_set(struct cd_store *s, int64_t seq, struct cd_error *err);
/* Records a sync's outcome (ok: 1 finished, 0 failed) at the store's now. */
int oplog_sync_record(struct cd_store *s, int ok, struct cd_error *err);

/* ---- relay (app/sync_relay.c): other stores' ops that came here by hand ------------------ */

/*
 * An op another store made that came here in a bundle (never one pulled from the national
 * tier) waits in relay_ops (schema 23) with its payload until this store's sync has pushed
 * it to the tier under its own origin: the origin's office, name and kind as the bundle
 * named them.  One row per origin that has ops waiting.
 */
struct cd_relay_origin {
	char origin[40];
	char office[16];
	char name[32];
	char kind[8];              /* kit or office */
	int64_t first, last;       /* the seqs waiting (first..last; a gap is possible) */
	int64_t waiting;
};
int oplog_relay_origins(struct cd_store *s, struct cd_relay_origin **out, size_t *n, struct cd_error *err);

/*
 * Up to `limit` of `origin`'s ops waiting for relay after seq `after`, in seq order, with
 * their payloads and (person ops) the person's search keys here, as oplog_unsent_batch.
 */
int oplog_relay_batch(struct cd_store *s, const char *origin, int64_t after, size_t limit, struct cd_op_batch *b,
		      struct cd_error *err);

/*
 * Marks `origin`'s waiting ops up to `upto_seq` relayed (the tier has them, by this store or
 * another path) and drops their values, in one transaction with an audit row.  *marked
 * (may be NULL) gets how many.
 */
int oplog_relay_mark(struct cd_store *s, const struct cd_actor *actor, const char *origin, int64_t upto_seq,
		     int64_t *marked, struct cd_error *err);

#endif
