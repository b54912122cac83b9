/*
 * dupes.h - likely duplicates of a person about to be registered: the same person
 * registered before under another spelling, another script, a swapped name order, a
 * partial date of birth, or with the same identity document.
 *
 * Each candidate gets a score from 0 to 100 and the reasons behind it:
 *   name (up to 60): surname and given names compared word by word at the levels search
 *       uses (exact ICAO, as written, variant by skeleton key, typo), either order;
 *   date of birth (up to 25): exact, equal partial dates, one a part of the other, the same
 *       year, a year apart;
 *   nationality (10): the same;
 *   document (100): the same document number is near-certain whatever the rest says.
 * What counts as a warning and what refuses registration is the caller's (settings file
 * [duplicates] warn and block; defaults below).
 */
#ifndef CD_DUPES_H
#define CD_DUPES_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/person.h"
#include "model/store/store.h"

#define DUPES_WARN_DEFAULT 60
#define DUPES_BLOCK_DEFAULT 90
/* Candidates below this score are not reported at all. */
#define DUPES_FLOOR 40
#define DUPES_MAX 20

struct cd_dupe_thresholds {
	int warn;                      /* at or above: shown as a possible duplicate */
	int block;                     /* at or above: registration refused unless forced */
};

struct cd_dupe {
	char number[32];
	char *surname, *given, *surname_latin, *given_latin;
	char dob[11];
	char nationality[4];
	int score;
	int64_t id;                    /* its row, its uuid, and whether it was merged away: */
	char uuid[40];                 /* read with the rest, so that the review queue does */
	int merged;                    /* not look the person up again by number */
	char why[256];                 /* "name: variant; dob: year; nationality" (translated: room
					* for UTF-8) */
};

/*
 * Up to DUPES_MAX people scoring DUPES_FLOOR or more against `in` (its Latin forms may be
 * NULL: derived as person_add derives them), best first.  `doc_number` may be NULL.
 */
int dupes_find(struct cd_store *s, const struct cd_person_input *in, const char *doc_number,
	       struct cd_dupe **out, size_t *n, struct cd_error *err);
/* The same, listing only people scoring `floor` or more (below DUPES_FLOOR: DUPES_FLOOR):
 * exactly the head of dupes_find's list that scores `floor` or more, the order being total
 * (score, then number).  Why: the review queue takes only pairs at its threshold, and each
 * person listed costs a row read; a pull lists hundreds of thousands below it. */
int dupes_find_from(struct cd_store *s, const struct cd_person_input *in, const char *doc_number, int floor,
		    struct cd_dupe **out, size_t *n, struct cd_error *err);
void dupes_free(struct cd_dupe *d, size_t n);

/*
 * The name-key index held in memory for a long run of checks (a pull of many persons):
 * between begin and end, dupes_find answers its lookups over the skeleton keys (person_key)
 * from a copy read once, the same rows in the same order as FTS5 gives them, instead of a
 * query each.  Whoever changes a person's keys meanwhile says so with dupes_cache_note
 * (the person's keys are computed again from the person's rows), before the next dupes_find.  One store
 * at a time; end drops the copy (also after a failed or rolled-back run).
 */
int dupes_cache_begin(struct cd_store *s, struct cd_error *err);
int dupes_cache_note(struct cd_store *s, int64_t person_id, struct cd_error *err);
void dupes_cache_end(struct cd_store *s);

/*
 * While the copy is held, a person's search index rows (person_fts, person_key) may wait:
 * dupes_index_defer(s, id) returns 1 when it took the person (the caller then writes no
 * index rows), 0 when the caller must refresh them itself (no copy held).  Why: a writing
 * statement inside a transaction opens a statement savepoint (its journal), and FTS5
 * writes out what it holds at each savepoint once its table was written in the
 * transaction: a person's index rows written op by op cost a segment each and their
 * merging.  dupes_index_flush writes every waiting person's rows
 * (as person_fts_refresh would, from the rows as they are now) in one pass; whoever commits
 * the run's transaction calls it first, so the index is whole when the transaction commits.
 * dupes_find flushes before any lookup it must leave to FTS5.  End drops what still waits
 * (after a rolled-back run nothing should be written).
 */
int dupes_index_defer(struct cd_store *s, int64_t person_id);
int dupes_index_flush(struct cd_store *s, struct cd_error *err);

/*
 * Fingerprint duplicates: pairs of records whose fingers matched when one of them was
 * enrolled (bio_duplicate_search in biometric.h writes a biometric_duplicate event on both).
 * Each pair is a candidate for a supervisor's merge (merge.h); it drops out of the list once
 * either record is merged.  With `person_ref`, the pairs of that person (`person` is it);
 * with NULL, the office's, each pair once.  Latest finding first.  A `purpose` writes an
 * audit row (the list names people); NULL reads without one.
 */
struct cd_bio_dupe {
	char person[32], other[32];    /* person numbers */
	char finger[16];               /* the finger that matched */
	char at[32];                   /* when (the latest finding of the pair) */
	char user[64];                 /* who enrolled */
};
int dupes_biometric(struct cd_store *s, const struct cd_actor *actor, const char *person_ref, const char *purpose,
		    struct cd_bio_dupe **out, size_t *n, struct cd_error *err);

#endif
