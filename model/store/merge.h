/*
 * merge.h - two records of one person made one, and undone (supervisor only).
 *
 * A merge moves the duplicate's cases, documents, aliases, addresses, checks, attachments,
 * biometrics (re-sealed for the survivor: a template is bound to its person) and family
 * links to the survivor, adds the duplicate's names as an alias of the survivor, and marks
 * the duplicate (person.merged_into, merged_at): its row stays, so its number still leads
 * to the survivor.  One transaction with a `merge` event whose new_value is a JSON record
 * of every row id that moved; an unmerge reads that event and moves back exactly those rows.
 */
#ifndef CD_MERGE_H
#define CD_MERGE_H

#include "model/base/error.h"
#include "model/store/store.h"

struct bio_key;

struct cd_merge_summary {
	char survivor[32], duplicate[32];     /* person numbers */
	long cases, documents, aliases, family, biometrics, other;  /* other: addresses, checks, attachments */
};

/*
 * Merges `duplicate` into `survivor`.  CD_EREFUSED: the actor is not a supervisor, the
 * duplicate is merged already, the survivor is itself merged, others are merged into the
 * duplicate, or sealed templates must move and `key` is NULL; CD_EINPUT: the same person
 * twice or no reason.  `key` may be NULL when the duplicate has no sealed template.
 */
int merge_person(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key, const char *survivor,
		 const char *duplicate, const char *reason, struct cd_merge_summary *out, struct cd_error *err);
/*
 * The same merge, made here because another store's merge op arrived (review.c settles the
 * pair this store has in review): no role asked (the merge was decided at its origin), no
 * op of this store's own written (the arrived op is recorded as applied and keeps its
 * origin), and no key: the caller makes sure no sealed template has to move.
 */
int merge_person_applied(struct cd_store *s, const struct cd_actor *actor, const char *survivor, const char *duplicate,
			 const char *reason, struct cd_merge_summary *out, struct cd_error *err);

/*
 * Undoes the last merge of `duplicate` from its event: moves back what moved, removes the
 * alias it added, clears the mark.  CD_EREFUSED when not a supervisor, not merged, or the
 * survivor has since been merged itself; CD_ECONFLICT when a recorded row is no longer with
 * the survivor (nothing is changed then).
 */
int merge_undo(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key, const char *duplicate,
	       const char *reason, struct cd_merge_summary *out, struct cd_error *err);

/*
 * Follows a merged record: 1 when `ref` (number or uuid) was merged, with the survivor's
 * number and the time of the merge; 0 when it was not (or is no person); -1 on a store
 * error, with err filled.
 */
int merge_follow(struct cd_store *s, const char *ref, char survivor[32], char merged_at[32], struct cd_error *err);

#endif
