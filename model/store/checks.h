/*
 * checks.h - a case's checks against other registers (SIS, Interpol SLTD, the national
 * watchlist ...): recording an answer, a supervisor clearing a hit, and reading them.
 *
 * One row of the `checks` table is one answer.  Recording again for a list adds a row and
 * the newest one counts (but see CHECKS_ANSWER_ORDER: a hit holds, a queued check is waited
 * for), so every answer stays as it came (and as an event in the case's history); a network
 * check (model/store/checkqueue.h) is a row queued as 'pending' and answered later.  Which lists a case needs is the workflow's (`checks =` in its
 * file): the caller passes them in and a list outside them is refused here, so no
 * front-end can differ.  Every change is one transaction with its event, audit row and
 * outbox row; need-to-know applies as for any read or write of the case (cases.h).
 */
#ifndef CD_CHECKS_H
#define CD_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/checkqueue.h"   /* CHECKS_ANSWER_ORDER */
#include "model/store/store.h"

/* A note on an answer and a clearing's reason: a few lines, not a document. */
#define CHECK_TEXT_MAX 2000

/* The answer for one list (CHECKS_ANSWER_ORDER). */
struct cd_check {
	int64_t id;
	char *list;
	char *result;               /* clear, hit (by hand); pending, error (network) */
	char *source;               /* hand, demo (later: network) */
	char *recorded_by;          /* user name, NULL for rows from before schema 12 */
	char *note;
	char *answered_at;
	char *cleared_by, *cleared_at, *clear_reason;   /* a hit a supervisor cleared; else NULL */
	/* A network check (source "network", model/store/checkqueue.h); hand rows: NULL, 0. */
	char *asked_at;             /* queued: "pending since" */
	char *kind;                 /* document, person */
	char *reason;               /* why the last try did not answer (pending, error) */
	int attempts;
	int64_t next_try;           /* Unix seconds of the next try; 0: not asked again */
};



/* What to record or clear on a case. */
struct cd_check_answer {
	const char *number;         /* the case: number or uuid */
	const char *list;
	const char *result;         /* record: "clear" or "hit" */
	const char *text;           /* record: the note (NULL or "": none); clear: the reason */
	const char *source;         /* record: "hand" (the demo passes "demo") */
	const char *const *lists;   /* the lists the case's workflow names */
	size_t n_lists;
	const char *at;             /* NULL: now (demo history passes its own time) */
};

/*
 * Records an answer for a list: caseworkers and supervisors (CD_EREFUSED for others, and
 * for a closed case).  A list the workflow does not name is CD_EINPUT naming the lists it
 * does; a result other than clear or hit, or a note that is not text, CD_EINPUT.  It
 * replaces the list's answer, except a hit not yet cleared, which only a supervisor's
 * clearing ends (CD_EREFUSED): otherwise a hit could be answered away without a reason.
 */
int checks_record(struct cd_store *s, const struct cd_actor *actor, const struct cd_check_answer *a,
		  struct cd_error *err);

/*
 * A supervisor clears the list's hit with a reason (a.text, not empty): the case may go
 * on.  CD_EREFUSED for other roles, when the list's answer is no uncleared hit, or when
 * the actor recorded that hit (four eyes: another supervisor clears it).
 *
 * Recording and clearing raise the case's row_version in the same transaction, so a move
 * decided on the case as read before the answer came is refused as a conflict.
 */
int checks_clear(struct cd_store *s, const struct cd_actor *actor, const struct cd_check_answer *a,
		 struct cd_error *err);

/*
 * The newest answer per list for case row `case_id`, by list; no audit (the guards read
 * it for a case already read).
 */
int checks_current(struct cd_store *s, int64_t case_id, struct cd_check **out, size_t *n, struct cd_error *err);

/*
 * checks_current for the case `number` as `actor` reads it: need-to-know as case_load, and
 * with a purpose an audit row ("view", "case_checks").
 */
int checks_read(struct cd_store *s, const struct cd_actor *actor, const char *number, const char *purpose,
		struct cd_check **out, size_t *n, struct cd_error *err);

/*
 * A supervisor re-queues the list's failed network check on case `a->number` (its answer
 * 'error'): a new pending check asking the same, tried at once (model/store/checkqueue.h).
 * CD_EREFUSED for other roles, or when the list's answer is no failed network check.
 */
int checks_requeue(struct cd_store *s, const struct cd_actor *actor, const struct cd_check_answer *a,
		   struct cd_error *err);

void checks_free(struct cd_check *rows, size_t n);

#endif
