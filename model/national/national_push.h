/*
 * national_push.h - one batch of a store's ops pushed to the national tier (issue 15,
 * deliverable 4).  This side takes op rows with their payloads and knows nothing of the
 * store: app/cmd_sync.c reads the rows from the store (model/store/oplog.h) and marks
 * them sent once national_push has returned CD_OK, which is after PostgreSQL acknowledged
 * the batch's commit.
 *
 * A batch is ONE transaction (national_schema.c, version 8): COPY into a working table,
 * then SELECT cd_push_batch(...) (which stages what depends on the batch alone before it
 * takes the tier's push lock) and COMMIT.  In it the origin is upserted, its high-water
 * mark checked and moved, the ops above the mark inserted (those at or under it are had
 * already: a retry, each checked to be the very op) and each new one applied to the
 * national persons and cases three ways per field (a conflict keeps the server's value and
 * records ours).  A batch sent again after a crash between the commit and the store's mark
 * inserts nothing and moves nothing.
 */
#ifndef CD_NATIONAL_PUSH_H
#define CD_NATIONAL_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/buf.h"
#include "model/base/error.h"
#include "model/national/national.h"

/* One op as the store holds it; the strings are borrowed. */
struct cd_push_op {
	const char *uuid;
	int64_t seq;               /* origin_seq: a batch's seqs follow each other */
	const char *at;
	const char *entity, *entity_uuid, *op;
	const char *payload;       /* the op's JSON payload, as stored */
	const char *name_keys;     /* a person's search keys, blank-separated ("KVLNK IRN y1991"), or NULL */
};

/* Who pushes: the store's uuid, its office code, its name (a kit's K07), office or kit. */
struct cd_push_origin {
	const char *store_uuid, *office, *name, *kind;
};

struct cd_push_result {
	int inserted;              /* ops new to the tier (0 for a batch sent twice) */
	int conflicts;             /* fields the tier kept its own value for */
	int64_t high_water;        /* the origin's high-water mark after the batch */
};

/*
 * Pushes ops[0..n) (seqs following each other) in one transaction.  CD_OK only once the
 * server acknowledged the commit.  Refused by the tier (CD_EREFUSED): a batch that starts
 * past the origin's high-water mark + 1 (ops missing before it), or an op the tier holds
 * under another origin or number; and an op no casedesk writes (a number, a uuid or a
 * control character: national schema 9), an odd uuid already here before sending.  A lost connection or a failed statement: CD_ESTORE,
 * and nothing of the batch is kept (the transaction never committed) - or, if the commit
 * went through before the answer was lost, all of it, and sending it again is harmless.
 */
int national_push(struct cd_national *n, const struct cd_push_origin *origin, const struct cd_push_op *ops, size_t n_ops,
		  struct cd_push_result *res, struct cd_error *err);

/*
 * The same push in steps, so that a caller may overlap its own work with the tier's and
 * one batch's staging with another's apply (app/cmd_sync.c sends batch N+1 on a second
 * connection while the tier applies batch N on the first; cd_push_batch stages N+1 before
 * it waits for the push lock N holds):
 *  - national_push_encode: the batch as COPY rows into pb (the ops' strings are copied, the
 *    rows may be released after it); pb may be a batch used before (its buffer is reused);
 *  - national_push_send: the transaction opened, the rows COPYed, and the push and the
 *    commit sent without waiting for them (pb->sent);
 *  - national_push_wait: their answers.  CD_OK only once the server acknowledged the
 *    commit, exactly as national_push.  Nothing else may use the connection between a send
 *    and its wait.
 * national_push_batch_release frees pb.
 */
struct cd_push_batch {
	struct cd_buf copy;        /* the COPY rows */
	size_t n;
	int64_t first, last;       /* the batch's first and last seq */
	int sent;                  /* sent and not yet waited for */
	char what[96];             /* "pushing ops 1 to 5000", for messages */
};
int national_push_encode(const struct cd_push_op *ops, size_t n_ops, struct cd_push_batch *pb, struct cd_error *err);
int national_push_send(struct cd_national *n, const struct cd_push_origin *origin, struct cd_push_batch *pb,
		       struct cd_error *err);
int national_push_wait(struct cd_national *n, struct cd_push_batch *pb, struct cd_push_result *res,
		       struct cd_error *err);
void national_push_batch_release(struct cd_push_batch *pb);

/*
 * How many ops the next batch takes when the caller does not fix it (`sync` without
 * --batch).  A batch is one transaction: a link that drops loses the batch on its way,
 * so over a slow link it must be small (5,000 ops are 2 MB: four minutes at 64 kbit/s),
 * and over a fast one big enough that its fixed costs vanish.  The first batch takes
 * NATIONAL_PUSH_FIRST ops; after each batch the tier acknowledged, the next aims at
 * NATIONAL_PUSH_AIM_MS of sending and applying at the rate that batch went, at most
 * doubling or halving at a time, never fewer than NATIONAL_PUSH_FEWEST nor more than
 * NATIONAL_PUSH_MOST.  `sent` ops took `elapsed_ms` from being sent to being acknowledged.
 */
#define NATIONAL_PUSH_FIRST 500
#define NATIONAL_PUSH_FEWEST 50
#define NATIONAL_PUSH_MOST 10000
#define NATIONAL_PUSH_AIM_MS 2000
size_t national_push_next_size(size_t current, size_t sent, int64_t elapsed_ms);

/* ---- the pull: what other origins changed in this store's scope ------------------------- */

/* One op of another origin as the tier holds it (strings malloc'd, released with the batch). */
struct cd_pull_op {
	char *uuid, *origin, *origin_office, *entity, *entity_uuid, *op, *at, *payload;
	int64_t origin_seq;
	int64_t server_seq;        /* the tier's order: the pull's cursor */
};
struct cd_pull_batch {
	struct cd_pull_op *ops;
	size_t n;
};

/*
 * Up to `limit` ops after server_seq `after`, in server_seq order, of origins other than
 * `self` and in the scope of an office `office`: persons and their parts (documents,
 * aliases, addresses, family links) of every office, for search and de-duplication; cases
 * of this office only.  Pushes commit one at a time (cd_push's advisory lock), so server_seq
 * grows in commit order and a cursor never passes an op committed later.
 */
int national_pull(struct cd_national *n, const char *self, const char *office, int64_t after, size_t limit,
		  struct cd_pull_batch *out, struct cd_error *err);
void national_pull_release(struct cd_pull_batch *b);
/* national_pull in two steps, so the tier works while the caller applies (national_push.c):
 * send, then take (or cancel: a query sent is always taken or cancelled before the
 * connection is used again); poll reads rows arrived meanwhile, never blocking. */
int national_pull_send(struct cd_national *n, const char *self, const char *office, int64_t after, size_t limit,
		       struct cd_error *err);
int national_pull_take(struct cd_national *n, struct cd_pull_batch *out, struct cd_error *err);
void national_pull_poll(struct cd_national *n);
void national_pull_cancel(struct cd_national *n);

#endif
