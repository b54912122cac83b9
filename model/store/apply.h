/*
 * apply.h - ops made by another store, applied to this one (issue 15: `sync`'s pull and
 * `bundle import` both come here, so the rules are one).
 *
 * An op (model/store/oplog.h: uuid, origin, origin_seq, entity, entity_uuid, op kind, and a
 * payload {"fields":{F:{"base":V,"old":O,"new":N}}, ...}) is applied per field, three ways:
 *   this store's value == old    -> the new value is written (the row version is raised)
 *   this store's value == new    -> nothing to do (the change came here another way)
 *   otherwise                    -> a conflict: this store's value is kept, the op's value
 *                                   goes to the conflict queue (conflicts.h) for a supervisor
 * An insert of an entity this store does not have creates it; of one it has, is compared
 * field by field as above.  A step (transition) whose "from" state is not the case's state
 * here is a conflict on the case's state, never a second transition.
 *
 * Idempotent: an op whose uuid this store has already applied (or made) under its origin and
 * seq changes nothing and says so.  An op whose origin and seq were applied here under
 * another uuid is refused (CD_EREFUSED): two stores use one identity (a kit's file copied) or
 * the op is forged; it is never "already had".  Per origin this store remembers the highest
 * origin_seq applied without a gap (op_origin_high_water: it rises only over ops applied
 * here, contiguously); an origin's own ops (a bundle) past that mark are refused (naming the
 * missing number), so they are applied in their order and none is skipped.  A scoped op (a
 * pull, or an op a bundle carries: only what the sender's scope held) may jump numbers and
 * is judged by its uuid and seq alone; it never moves the mark past ops not applied here, so
 * a forged "op 50 of kit A" cannot make kit A's real ops 1 to 49 look had.  Nothing depends
 * on the ops' wall clock ("at").
 *
 * By hand (via set): an insert of a person or case numbered in this office's series, at a
 * store that leased blocks to kits, must hold a number of a block leased to its origin and
 * not returned, not held already, never the office's own (CD_EREFUSED: the bundle is
 * refused whole, nothing lost, the office's numbering untouched).  From anywhere: an update
 * that changes a number is refused (numbers never change once issued).  Decisions (resolve,
 * review, merge, purge ...) carried from an origin this store does not know (not trusted
 * here, not a kit it made, never seen from the national tier) are recorded as skipped.
 *
 * Decisions travel: a conflict's resolution ("resolve") made elsewhere also closes this
 * store's open conflict on the same field between the same two values, and a duplicate
 * review dismissed elsewhere ("review", on that store's person) closes this store's open
 * review of the same pair, each in the origin's supervisor's name, at the origin's time.
 *
 * Every op applied is written in this store like a local change (its event, its audit row
 * with the purpose "sync", and a row in the applied-ops record), all in one transaction
 * with the op: applied whole or not at all.  An applied op is not re-sent as this store's
 * own: it keeps its origin.
 */
#ifndef CD_APPLY_H
#define CD_APPLY_H

#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* One op as it arrives (from the national tier or a bundle); the strings are borrowed. */
struct cd_remote_op {
	const char *uuid;          /* the idempotency key */
	const char *origin;        /* the uuid of the store that made it */
	int64_t origin_seq;        /* 1, 2, 3 ... per origin */
	const char *origin_office; /* the office code of that store */
	const char *entity;        /* person, document, alias, family, address, case, check ... */
	const char *entity_uuid;
	const char *op;            /* insert, update, transition, assign ... */
	const char *at;            /* informational */
	const char *payload;       /* the JSON payload as oplog.h describes it */
	int scoped;                /* 1: from a pull that sends only the ops in this store's scope
	                            * (sync): a jump in its origin's numbers is not a gap, only
	                            * their order is kept; 0: the origin's every op (a bundle) */
	const char *via;           /* the store whose bundle brought it (its own ops too); NULL: the
	                            * national tier.  An op that came by hand must have a number
	                            * leased to its origin, and a decision carried from an origin
	                            * this store does not know is not honoured (op_apply) */
};

enum cd_apply_outcome {
	APPLY_APPLIED,             /* every field written (or already equal) */
	APPLY_CONFLICTED,          /* written where it could be; n_conflicts fields queued */
	APPLY_ALREADY,             /* this op was applied (or made) here before: nothing done */
	APPLY_SKIPPED,             /* recorded (and counted in the high-water mark) but not applied:
				    * a purged payload, one from before schema 16, an office's own
				    * users or settings, a biometric, a merge; applied_ops says why */
};

struct cd_apply_result {
	enum cd_apply_outcome outcome;
	int n_fields;              /* fields written */
	int n_conflicts;           /* fields sent to the conflict queue */
	int n_closed;              /* a resolution's: conflicts here it closed (the same two values) */
};

/*
 * Applies one op in its own transaction (or inside the caller's, when one is open: a
 * bundle or a pull batch is applied whole).  Refused: an op of this store's own origin
 * (CD_EREFUSED: it would be applied twice), an op past a gap in its origin's sequence, a
 * malformed payload (CD_EINPUT naming the op's uuid and the member, never a value).
 * `actor` is the user running the sync or import (audit rows name them).
 */
int op_apply(struct cd_store *s, const struct cd_actor *actor, const struct cd_remote_op *op,
	     struct cd_apply_result *res, struct cd_error *err);

/* A long run of ops (a pull's batches) begins (on 1) or ends (0): a larger page cache
 * meanwhile.  CD_ESTORE when the store refused the setting (the run still works). */
int apply_long_run(struct cd_store *s, int on);
/* The highest origin_seq of `origin` applied here without a gap (0: none). */
int op_origin_high_water(struct cd_store *s, const char *origin, int64_t *seq, struct cd_error *err);

/*
 * For conflicts.c: a resolution's value put in place in the caller's transaction, as a
 * local change of `field` (its event, the search index for a person); write 0 only checks
 * that the row and field exist.  `ours` is the value it replaces (for the event).
 */
int apply_resolution(struct cd_store *s, const struct cd_actor *actor, const char *entity, const char *entity_uuid,
		     const char *field, const char *ours, const char *value, int write, struct cd_error *err);
/*
 * Whether `value` of `entity`.`field` holds what no desk may type there (text.h: a control
 * character, with newline and tab only in a case's fields and a check's clearing reason; bad
 * UTF-8): such a value from another store is not taken but queued as a conflict (op_apply),
 * and a resolution may not take it (conflicts.c).  0 for NULL.
 */
int apply_value_plants(const char *entity, const char *field, const char *value);
/* The row version of an entity named by uuid here (0: no such row). */
int apply_row_version(struct cd_store *s, const char *entity, const char *entity_uuid, int64_t *version,
		      struct cd_error *err);

#endif
