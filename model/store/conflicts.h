/*
 * conflicts.h - the conflict queue (issue 15, deliverable 5): a field another store changed
 * from a value this store no longer has (apply.h) waits here, this store's value kept,
 * until a supervisor keeps ours, takes theirs or types a value.  Nothing is lost: the row
 * stays with its base, theirs and ours after the resolution, and each resolution is an op
 * of its own (oplog.h) that syncs onward like any change, so every store ends on one value.
 *
 * Values are personal data: supervisors only, and every read is audited.
 */
#ifndef CD_CONFLICTS_H
#define CD_CONFLICTS_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

struct cd_conflict {
	int64_t id;                /* the short reference people type */
	char uuid[40];
	char entity[24];           /* person, case, document ... */
	char entity_uuid[80];
	char label[64];            /* the person's or case's number, "" when none */
	char field[96];            /* surname, state, field.decision ... */
	char *base, *theirs, *ours;   /* JSON text: "text", 3 or null */
	char op_uuid[40];
	char origin[40];
	char origin_office[16];    /* who: the office whose store made the op */
	char origin_kit[24];       /* and the kit, when it is one this store made (K01), else "" */
	char at[32];               /* when it was queued here */
	char by[64];               /* who made theirs: the op's user at its store ("" for an op of before) */
	char made_at[32];          /* and when, by that store's clock */
	char resolved_by[64];      /* "" while open */
	char resolved_at[32];
	char resolution[8];        /* ours, theirs, typed */
	char *resolved_value;      /* JSON text, NULL while open */
	char *reason;
	char resolution_op[40];
};

enum cd_conflict_choice {
	CONFLICT_KEEP_OURS,
	CONFLICT_TAKE_THEIRS,
	CONFLICT_TYPED,
};

/* Open conflicts (all: resolved too), oldest first, into *out (conflict_free); supervisors only. */
int conflict_list(struct cd_store *s, const struct cd_actor *actor, int all, struct cd_conflict **out, size_t *n,
		  struct cd_error *err);
void conflict_free(struct cd_conflict *rows, size_t n);

/*
 * The fields of one record with an open conflict, as "surname, surname_latin" into buf (""
 * when none).  Field names only, no values: anyone who may see the record may know that a
 * supervisor has a value of it to settle.
 */
int conflict_open_fields(struct cd_store *s, const char *entity_uuid, char *buf, size_t size, struct cd_error *err);

/* How many are open (no values: anyone may ask, for the status line and the menu). */
int conflict_open_count(struct cd_store *s, int64_t *n, struct cd_error *err);

/* One conflict by its number or uuid (free with conflict_free(out, 1) semantics: conflict_clear). */
int conflict_show(struct cd_store *s, const struct cd_actor *actor, const char *ref, struct cd_conflict *out,
		  struct cd_error *err);
void conflict_clear(struct cd_conflict *c);

struct cd_conflict_pair {
	int64_t id;                /* 0: the resolved conflict had no open pair */
	char field[96];            /* surname_latin for surname, and so on */
	int resolved;              /* 1: settled (its op in op_uuid); 0: left open */
	enum cd_conflict_choice how;   /* as the one asked for; TYPED: a typed name's Latin form */
	char value[128];           /* with TYPED: that Latin form */
	char op_uuid[40];
};

/*
 * Resolves an open conflict: a supervisor, with a reason (CD_EINPUT without one); `value` is
 * the typed text for CONFLICT_TYPED (NULL clears the field).  The value is written here when
 * it is not this store's already, and the resolution is one op ("resolve") naming both
 * values it replaces, so the store that made the other one takes it too.  A resolved
 * conflict is refused (CD_EREFUSED).  *op_uuid (may be NULL) receives the resolution's op.
 * A person's name and its Latin spelling changed in one edit are a pair: keeping ours or
 * taking theirs on one settles the other's open conflict the same way, in the same
 * transaction, as an op of its own; a typed surname or given name settles its Latin
 * spelling with the name's ICAO form, as a correction would; a typed Latin spelling leaves
 * the name open.  *paired (may be NULL) says which.
 */
int conflict_resolve(struct cd_store *s, const struct cd_actor *actor, const char *ref, enum cd_conflict_choice how,
		     const char *value, const char *reason, char op_uuid[40], struct cd_conflict_pair *paired,
		     struct cd_error *err);

#endif
