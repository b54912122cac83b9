/*
 * checkqueue.h - the queue of checks asked of the country's check gateway (issue 16):
 * queued when a case is opened (the person) or a document entered (the document), per the
 * lists the workflow asks over the network (`network.LIST = document|person`); picked when
 * due; answered, retried with backoff, or failed.
 *
 * A queued check is a row of the `checks` table like a hand-recorded answer (checks.h):
 * source 'network', result 'pending', its uuid the Idempotency-Key of every try.  Its
 * answer is written once into that row: CLEAR or HIT becomes the list's answer (an event on
 * the case, and an audit row "disclose": what was sent to an outside party, with its
 * purpose); RETRY keeps it pending with the reason and the next try; FAILED ends it as
 * 'error' with the reason (a supervisor re-queues it or records the list by hand).
 *
 * This module knows nothing of the network (model/net/gateway.h): app/cmd_checkrun.c
 * takes the due checks, asks them, and records each answer here as it comes.
 */
#ifndef CD_CHECKQUEUE_H
#define CD_CHECKQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/*
 * Which row is a list's answer, as an ORDER BY over rows `x` of one case and list: an
 * uncleared hit holds whatever came after it; else a network check still pending that no
 * hand answer came after (every queued check of a list is waited for: a document's hit
 * must not hide behind another's clear); else the newest row.
 */
#define CHECKS_ANSWER_ORDER(x)                                                                        \
	" CASE WHEN " x ".result = 'hit' AND " x ".cleared_at IS NULL THEN 2"                           \
	" WHEN " x ".result = 'pending' AND " x ".source = 'network' AND NOT EXISTS (SELECT 1 FROM checks h" \
	"  WHERE h.case_id = " x ".case_id AND h.list = " x ".list AND h.id > " x ".id"                  \
	"  AND h.source != 'network') THEN 1 ELSE 0 END DESC, " x ".id DESC"

enum cq_kind { CQ_DOCUMENT = 1, CQ_PERSON = 2 };   /* as cd_gw_kind and WF_NET_* */

/* The lists a workflow asks of the network, as its file names them; strings borrowed. */
struct cq_lists {
	const char *const *lists;
	const int *kinds;            /* CQ_DOCUMENT or CQ_PERSON for lists[i] */
	size_t n;
};

/*
 * Queues the case's network checks (the case `number`, just opened, inside the caller's
 * transaction): each person list once; each document list once per identity document of
 * the person not expired - or, with none, once waiting for one ("no identity document
 * entered yet"), which the next document entered fills.  X-Purpose: "<workflow> case
 * <number> opened".  Nothing in a bulk store.
 */
int checkqueue_case_opened(struct cd_store *s, const char *number, const struct cq_lists *lists,
			   struct cd_error *err);

/*
 * A document `document_id` was entered for person `person_id` (inside the caller's
 * transaction): every open case of the person that asks a list about documents gets it
 * asked - a check waiting for a document takes this one, else a new one is queued.
 */
int checkqueue_document_entered(struct cd_store *s, int64_t person_id, int64_t document_id,
				struct cd_error *err);

/* One due check with what to ask (personal data: sent, never printed or logged). */
struct cq_check {
	int64_t id;
	char uuid[37];
	char list[64];
	char case_number[40];
	int kind;                    /* CQ_DOCUMENT, CQ_PERSON */
	int attempts;                /* tries so far */
	char *purpose;
	char *number, *issuer, *doc_kind;              /* CQ_DOCUMENT */
	char *surname, *given, *dob, *nationality;     /* CQ_PERSON */
};

/*
 * Up to `limit` checks due at `now` (Unix seconds: next_try <= now), the longest due first,
 * of open cases of the workflows `actor` works on, not since answered by hand.  Reading
 * them (to send) is audited as one "read" row of the run.  Caseworkers and supervisors
 * (a service account is a user with the caseworker role).
 */
int checkqueue_due(struct cd_store *s, const struct cd_actor *actor, int64_t now, size_t limit,
		   struct cq_check **out, size_t *n, struct cd_error *err);
void checkqueue_free(struct cq_check *v, size_t n);

/* When the next check falls due: *when Unix seconds, 0 when none is queued. */
int checkqueue_next_due(struct cd_store *s, const struct cd_actor *actor, int64_t *when, struct cd_error *err);

enum cq_outcome { CQ_CLEAR = 1, CQ_HIT, CQ_RETRY, CQ_FAILED };   /* as cd_gw_outcome */

/* What the gateway said about one check; strings borrowed (NULL: none). */
struct cq_answer {
	enum cq_outcome outcome;
	long http_status;            /* 0: no HTTP answer (nothing reached the gateway) */
	long retry_after_s;          /* RETRY: the gateway's Retry-After, -1 when none */
	const char *list;            /* HIT: the list that answered */
	const char *reference;       /* HIT: its reference */
	const char *checked_at;
	const char *reason;          /* RETRY, FAILED: what went wrong */
	unsigned jitter;             /* RETRY: a random number for the backoff's jitter */
	const char *gateway;         /* the gateway asked, host:port (never the URL: it may carry
	                                credentials), named in the disclosure row; NULL: not said */
};

/*
 * Records the answer for queued check `id` at `now` (Unix seconds), in one transaction.
 * CLEAR/HIT: the list's answer, an event on the case and a "disclose" audit row naming the
 * gateway ("check gateway HOST:PORT, list L: PURPOSE", so that an auditor can tell a
 * gateway that should not have been asked); RETRY:
 * tries + 1, the reason, next_try = now + checkqueue_backoff(); FAILED: 'error' with the
 * reason, not asked again.  A check no longer pending (answered meanwhile) is CD_ECONFLICT.
 */
int checkqueue_record(struct cd_store *s, const struct cd_actor *actor, int64_t id, const struct cq_answer *a,
		      int64_t now, struct cd_error *err);

/*
 * Seconds until the next try after the `attempts`-th failed one: Retry-After when the
 * gateway gave one (at least 1, at most a day); else exponential, 30 s doubling to at most
 * an hour, with jitter: a value in [d/2, d] picked by `jitter`, so that a gateway coming
 * back is not met by every desk at once.
 */
long checkqueue_backoff(int attempts, long retry_after_s, unsigned jitter);

/*
 * Queues check row `id` (a failed network check) again: a new pending row asking the same,
 * tried at once, an event on the case.  For checks_requeue (model/store/checks.h), which
 * holds the rules (supervisor, need-to-know, the list's answer a failure); inside its
 * transaction.
 */
int checkqueue_requeue_row(struct cd_store *s, const struct cd_actor *actor, int64_t id, struct cd_error *err);

/* How many checks wait for the gateway (pending on open cases), for the status line. */
int checkqueue_pending_count(struct cd_store *s, int64_t *n, struct cd_error *err);

/* A hit no supervisor has cleared yet: the supervisors' review list. */
struct cq_hit {
	char case_number[40];
	char list[64];
	char *source, *note, *answered_at;
};

/*
 * Every uncleared hit on an open case of the workflows `actor` works on, oldest first
 * (supervisors; CD_EREFUSED for others), audited as one "list" row.
 */
int checkqueue_hits(struct cd_store *s, const struct cd_actor *actor, struct cq_hit **out, size_t *n,
		    struct cd_error *err);
void checkqueue_hits_free(struct cq_hit *v, size_t n);

#endif
