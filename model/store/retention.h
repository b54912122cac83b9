/*
 * retention.h - how long the store keeps a case and its person, and the purge when that
 * time is over (GDPR art. 5(1)(e), storage limitation).
 *
 * The rules come from the workflows' [retention] sections (workflow/, which this layer
 * does not know), handed in as plain data: for each workflow, which day starts the clock
 * (the day the case was opened, or the day it reached a final state), how long it runs,
 * and what then happens (purge, anonymise, or list for review).  Only closed cases are
 * ever due: a case still being decided is never purged.
 *
 * A purge empties, it does not delete: the person and case rows stay with what the
 * statistics count (sex, nationality, the coarsest date of birth that keeps every age
 * group the reports computed, the workflow, states and dates, the case fields named as
 * kept), so the Eurostat totals are the same before and after; names, aliases,
 * documents, addresses, family links, biometrics, attachments, free-text case fields,
 * the notes of the history and the outbox payloads go, with SQLite's secure_delete on.
 * The trail stays: no event or audit row is deleted, and the purge writes its own.
 */
#ifndef CD_RETENTION_H
#define CD_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

enum ret_from { RET_FROM_OPENED, RET_FROM_DECISION };
enum ret_action { RET_PURGE, RET_ANONYMISE, RET_REVIEW };

struct ret_rule {
	const char *workflow_id;
	enum ret_from from;
	int months, days;                /* the period: months first, then days */
	enum ret_action action;
	const char *const *keep;         /* case fields the statistics need (NULL-terminated, or NULL) */
};

enum ret_scope {
	RET_SCOPE_PERSON,                /* the person goes with the case: no other case keeps them */
	RET_SCOPE_CASE,                  /* only the case's own data: another case of theirs is still kept */
	RET_SCOPE_WAIT,                  /* anonymise waits until no other case keeps the person */
	RET_SCOPE_REVIEW,                /* listed for a person to decide; nothing is done */
};

struct ret_item {
	char person_number[32];
	char case_number[40];
	char workflow_id[32];
	char started[11];                /* YYYY-MM-DD: the day the clock started */
	long due_day;                    /* the day the action falls due */
	int due;                         /* due_day <= today */
	enum ret_action action;
	enum ret_scope scope;
};

/*
 * Every closed case not yet purged that a rule covers, with when it falls due and what
 * then happens, nearest first (`until` >= 0: only those due by that day).  With an
 * actor, the listing is audited (action list, entity retention, how many cases).
 */
int retention_plan(struct cd_store *s, const struct cd_actor *actor, const struct ret_rule *rules, size_t n_rules,
		   long today, long until, struct ret_item **out, size_t *n, struct cd_error *err);

struct ret_result {
	long cases;                      /* cases purged */
	long people;                     /* people purged */
	long anonymised;                 /* people anonymised */
	long biometrics;                 /* biometric records deleted */
	int checkpointed;                /* the write-ahead log was emptied after the purge */
};

/*
 * Purges and anonymises what is due today; admins only (CD_EREFUSED otherwise).  Each
 * person all or nothing with their events, audit rows and outbox rows (a few hundred
 * people share one transaction, so one failure stops the run with that batch undone); then the
 * search indexes are merged (so no freed segment keeps a purged name) and the
 * write-ahead log is checkpointed.
 */
int retention_run(struct cd_store *s, const struct cd_actor *actor, const struct ret_rule *rules,
		  size_t n_rules, struct ret_result *res, struct cd_error *err);

#endif
