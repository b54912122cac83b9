/*
 * enrolment.h - the policy of a biometric enrolment, in one place for `casedesk enrol` and
 * the enrolment screen: before the first finger captured that other people of the office
 * have enrolled, one more touch of it is matched against theirs (bio_duplicate_search);
 *   - nobody else has that finger: no search yet, the next finger may have a gallery;
 *   - a hit is a warning naming the other record (recorded on both for a supervisor), not
 *     a refusal; no match: searched, done;
 *   - a search that cannot be made (a helper fault) is said and not tried again: the
 *     helper may be dead, so it is stopped and the capture goes on with a fresh one;
 *   - a search the caseworker cancels is as if not made: the next capture searches again.
 * The front-ends say what happened and start helpers their own way; they decide nothing.
 */
#ifndef CD_ENROLMENT_H
#define CD_ENROLMENT_H

#include "model/base/error.h"
#include "model/store/biometric.h"
#include "model/store/store.h"

enum enr_search_state { ENR_PENDING, ENR_CLEAR, ENR_HIT, ENR_FAILED };

struct enr_policy {
	enum enr_search_state state;
	int nobody_yet;                /* a finger was captured with nobody to search it against */
	struct bio_duplicate found;    /* the search made (ENR_CLEAR, ENR_HIT) */
	char failure[CD_ERRMSG_MAX];   /* why it could not be made (ENR_FAILED) */
};
#define ENR_POLICY_INIT { ENR_PENDING, 0, { 0 }, "" }

/* Whether the capture of a finger must first be searched: none made yet, a reader there. */
int enr_search_due(const struct enr_policy *p, const struct bio_helper *h);

enum enr_next {
	ENR_CAPTURE,         /* go on with the capture (whatever the search found) */
	ENR_RESTART,         /* the search failed: *h was stopped; start a fresh helper, then capture */
	ENR_CANCELLED,       /* *cancel was set during the search: *h was stopped; capture nothing */
};

/*
 * The duplicate search before capturing `finger` of `person_ref`; updates `p` as the policy
 * above says.  `cancel` (may be NULL) is the front-end's flag, set by its progress callback
 * when the caseworker cancels.
 */
enum enr_next enr_search(struct enr_policy *p, struct cd_store *s, const struct cd_actor *actor,
			 const struct bio_key *key, struct bio_helper **h, const char *person_ref,
			 const char *finger, const int *cancel);

/* The outcome for --json: "failed", "none" (no search made), "match" or "no match". */
const char *enr_search_outcome(const struct enr_policy *p);

#endif
