/*
 * review.h - the duplicate review queue (issue 15, deliverable 6): a person who arrives from
 * another office's store (op_apply inserting a person, or a document that names one) is run
 * through dupes_find against this store's own persons; each of them scoring at or above
 * the warn threshold is queued here, the arrived person and the local one by uuid, with
 * the score and dupes' reasons (levels, never a name).  A supervisor dismisses a pair or
 * merges it (merge.h), once, with a reason; the row stays (schema 21's triggers hold that
 * against any writer, sqlite3 on the file included).
 *
 * The rows name people: listing and showing are for supervisors and audited ("duplicate
 * review").  The count of open rows names nobody.
 */
#ifndef CD_REVIEW_H
#define CD_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

struct bio_key;

struct cd_review {
	int64_t id;                   /* the short reference people type */
	char uuid[37];
	char person_uuid[37];         /* the arrived person */
	char person_number[32];
	char candidate_uuid[37];      /* this store's person it may be */
	char candidate_number[32];
	int score;
	char reasons[256];
	char origin_office[16];
	char queued_at[32];
	char decided_by[64];          /* "" while open */
	char decided_at[32];
	char decision[12];            /* dismissed, merged, "" */
	char reason[256];
	/* Filled by review_show only (the pair side by side): names, date of birth, nationality. */
	char *person_names, *candidate_names;
	char person_dob[11], candidate_dob[11];
	char person_nat[4], candidate_nat[4];
};

/*
 * The warn threshold arrivals are queued at (1-100): the settings file's [duplicates] warn,
 * handed over by the program at start; DUPES_WARN_DEFAULT until then.  Out of range: ignored.
 */
void review_set_warn(int warn);
int review_warn(void);

/*
 * For op_apply, inside its transaction, after it inserted a row of `entity` (person or
 * document; others are ignored) with id `row_id` for an op from `origin_office`: queues
 * each local person (neither the arrived one nor one merged away) that dupes_find scores at
 * or above the threshold.  A pair already queued and undecided has its score raised when
 * the new one is higher (the person's passport came after the person); a decided pair
 * stays decided.  *queued (may be NULL) receives how many rows were added or raised.
 */
int review_on_arrival(struct cd_store *s, const char *entity, int64_t row_id, const char *origin_office,
		      const char *now, int *queued, struct cd_error *err);

/* Open rows (all: decided too), best score first then oldest; supervisors; audited. */
int review_list(struct cd_store *s, const struct cd_actor *actor, int all, struct cd_review **out, size_t *n,
		struct cd_error *err);
void review_free(struct cd_review *rows, size_t n);
void review_clear(struct cd_review *r);

/* How many rows are open (no names: for the status line and the worklist). */
int review_open_count(struct cd_store *s, int64_t *n, struct cd_error *err);

/* One row by its number or uuid, with both persons' names; supervisors; audited. */
int review_show(struct cd_store *s, const struct cd_actor *actor, const char *ref, struct cd_review *out,
		struct cd_error *err);

/*
 * Decides an open row (CD_EREFUSED when decided, or not a supervisor; CD_EINPUT without a
 * reason).  Dismiss: the pair are two people.  Merge: merge_person with this store's person
 * as the survivor (keep_arrived: the arrived one), in the same transaction as the decision;
 * `key` as merge_person takes it.  Each writes an event on the surviving/local person.
 */
int review_dismiss(struct cd_store *s, const struct cd_actor *actor, const char *ref, const char *reason,
		   struct cd_error *err);
int review_merge(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key, const char *ref,
		 int keep_arrived, const char *reason, char survivor[32], char duplicate[32], struct cd_error *err);

/*
 * A merge made at another store (its "merge" op: `dup` merged into `surv`, by `by` - "name
 * (OFFICE)" - at `at`) settles the pair this store has open in review, either way round, as a
 * merge here would: the same merge made here (merge.h merge_person_applied: the duplicate's
 * rows move to the survivor, and its old number leads there) and the pair closed as merged,
 * decided by `by` at `at` with the origin's reason, so that no supervisor merges it twice.
 * *settled 0 and nothing changed when no such pair is open here, or the merge cannot be made
 * here as it was there (either record merged already here, others merged into the duplicate,
 * or its sealed templates would need the biometric key): a supervisor decides it by hand.
 * Inside the caller's transaction (op_apply).
 */
int review_settle_merged(struct cd_store *s, const struct cd_actor *actor, const char *dup, const char *surv,
			 const char *by, const char *at, const char *reason, int *settled, struct cd_error *err);

#endif
