/*
 * cases.h - cases as the store keeps them: number, workflow and the version it started
 * on, state, deadline clock, typed field values, history.  The rules of which step is
 * allowed live in workflow/; this file only stores a step atomically and refuses a stale
 * one (optimistic locking on row_version), saying who changed what.
 */
#ifndef CD_CASES_H
#define CD_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

struct cd_field_value {
	char *name;
	char *value;
};

struct cd_case {
	int64_t id;
	char uuid[37];
	char number[40];
	char *workflow_id;
	int workflow_version;
	int64_t person_id;
	char person_number[32];
	char *person_surname_latin, *person_given_latin;
	char *state;
	char *state_since;
	char *entered_by;           /* who made the step into the current state */
	char *assignee;             /* user name or NULL */
	char *opened_at, *closed_at;
	long due_day;               /* -1: none */
	long frozen_left;           /* -1: clock running (or none) */
	int64_t row_version;
	char *updated_at, *updated_by;
	struct cd_field_value *fields;
	size_t n_fields;
};

struct cd_case_new {
	const char *workflow_id;
	int workflow_version;
	const char *prefix;         /* RP */
	const char *initial_state;
	const char *person_ref;     /* number or uuid */
	long due_day, frozen_left;  /* the clock of the initial state, -1 for none */
	const char *assignee;       /* user name, NULL for unassigned */
	const char *at;             /* NULL: now; demo passes its own */
};

/* Creates a case; writes its number (RP-TBS-2026-000123) to number_out. */
int case_create(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_new *in,
		char number_out[40], struct cd_error *err);

/*
 * Loads a case (by number or uuid) with its fields.  A purpose writes an audit row (see
 * person_load).  Need-to-know (users.h): a case outside the actor's workflows is
 * CD_EREFUSED, unless the actor is a supervisor with a break_glass purpose: then the read
 * is recorded for review (a re-read with purpose NULL records nothing, as ever).
 */
int case_load(struct cd_store *s, const struct cd_actor *actor, const char *number, const char *purpose,
	      struct cd_case **out, struct cd_error *err);
void case_free(struct cd_case *c);
/* The value of a field, or NULL. */
const char *case_field(const struct cd_case *c, const char *name);

struct cd_case_step {
	const char *number;
	int64_t expected_version;   /* the row_version the user saw; a different one is a conflict */
	const char *transition;     /* NULL for a note or a field change only */
	const char *to_state;       /* NULL: stays */
	int final;                  /* closes the case */
	long due_day, frozen_left;  /* the clock after the step */
	const char *const *names;   /* field values set in this step */
	const char *const *values;
	size_t n_values;
	const char *note;
	const char *at;             /* NULL: now */
};

/*
 * Stores one step (state, clock, field values, note) as one transaction with an event per
 * change, an audit row and an outbox row.  CD_ECONFLICT when the case moved since
 * expected_version, naming who changed it, when and how; nothing is written then.
 */
int case_step(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_step *step,
	      int64_t *new_version, struct cd_error *err);

/*
 * Who holds a case (cases.assignee_id).  case_assign sets it, or clears it with assignee
 * NULL, as one transaction with an event ("assigned": field assignee, old and new user),
 * an audit row and an outbox row; the row version moves.  CD_ECONFLICT when the case moved
 * since expected_version (0: the version read now), naming who changed it.  Need-to-know:
 * the actor and the receiving user (who must exist and be active) both work on the case's
 * workflow; a closed case is refused.  Who may take, hand over or release is the rule of
 * workflow/assign.h, which callers go through.  Setting the holder it has already writes
 * nothing (changed = 0).
 */
struct cd_case_assign {
	const char *number;
	int64_t expected_version;
	const char *assignee;       /* user name; NULL: nobody */
};
struct cd_case_assigned {
	char number[40];
	char before[64], after[64]; /* user names, "" for nobody */
	int64_t row_version;        /* after the change */
	int changed;
};
int case_assign(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_assign *in,
		struct cd_case_assigned *out, struct cd_error *err);

struct cd_history_row {
	char *at, *user, *kind, *transition, *from_state, *to_state, *field, *old_value,
		*new_value, *note;
	int64_t row_version;
};

/*
 * The case's events, oldest first.  A purpose writes an audit row; NULL re-reads silently.
 * Need-to-know as case_load.
 */
int case_history(struct cd_store *s, const struct cd_actor *actor, const char *number, const char *purpose,
		 struct cd_history_row **out, size_t *n, struct cd_error *err);
void case_history_free(struct cd_history_row *rows, size_t n);

struct cd_case_filter {
	const char *workflow;       /* NULL: all */
	const char *state;          /* NULL: all */
	int overdue_only;
	int64_t assignee_id;        /* 0: anyone */
	int unassigned_only;
	int include_closed;
	long today;
	int limit;                  /* 0: no limit */
};

struct cd_case_row {
	char number[40];
	char *workflow_id, *state, *assignee, *person_name;
	long due_day, frozen_left;
	int closed;
	int64_t person_id;          /* whose case: what the list's audit names */
	int64_t row_version;        /* what a change from the list (assignment) expects */
};

/*
 * Open cases, overdue first (earliest due day first, no deadline last); only those of the
 * actor's workflows (need-to-know).  Not audited: a list a front-end shows goes through
 * case_list_read, or case_list_audit when the user (not a refresh) asked for it.
 */
int case_list(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_filter *f,
	      struct cd_case_row **out, size_t *n, struct cd_error *err);
/*
 * Audits a list of cases shown (model/store/access.h): a "list" row with how many cases
 * and people it showed, and a "list" row per person when they are ACCESS_NAMED_MAX or fewer.
 */
int case_list_audit(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_row *rows, size_t n,
		    const char *purpose, struct cd_error *err);
/* case_list, then case_list_audit with `purpose`. */
int case_list_read(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_filter *f,
		   const char *purpose, struct cd_case_row **out, size_t *n, struct cd_error *err);
void case_list_free(struct cd_case_row *rows, size_t n);

/*
 * What the workflow guards need to know about a case's person.  The case's checks are
 * model/store/checks.h's (checks_current), which builds on this file.
 */
struct cd_case_facts {
	int documents_present;      /* an identity document not expired on `today` */
	int biometrics_enrolled;
};
int case_facts(struct cd_store *s, const struct cd_case *c, long today, struct cd_case_facts *out,
	       struct cd_error *err);

/* Per workflow and state: open cases and overdue ones, for reports and the demo summary. */
struct cd_case_count {
	char *workflow_id, *state;
	int64_t open, overdue, closed;
};
int case_counts(struct cd_store *s, long today, struct cd_case_count **out, size_t *n, struct cd_error *err);
void case_counts_free(struct cd_case_count *rows, size_t n);

/*
 * Workflow versions a store uses are kept in it, so running cases keep theirs even when
 * data/workflows/ changes.  Pinning the same id and version with other text is refused.
 */
int workflow_pin(struct cd_store *s, const char *id, int version, const char *source, struct cd_error *err);
/* The kept text of a version; CD_ENOTFOUND when this store never used it.  free() it. */
int workflow_source(struct cd_store *s, const char *id, int version, char **source, struct cd_error *err);

/*
 * Shell completion (issue 17): calls fn with each case number starting with `prefix`
 * (ASCII letters taken as upper case) that `actor` may open (need-to-know: the actor's
 * workflows; no glass), in number order, at most `limit`.  One bounded range scan of the
 * number index, fast on a million cases.  Not audited: a number names no one (see
 * app/cmd_complete.c).
 */
int case_number_complete(struct cd_store *s, const struct cd_actor *actor, const char *prefix, size_t limit,
			 void (*fn)(void *ctx, const char *number), void *ctx, struct cd_error *err);

#endif

/* ---- store-wide checks and the rows the guards read ---------------------------------- */

/*
 * Counts cases whose state differs from the to_state of their last event: 0 in a healthy
 * store, whatever process died when.
 */
int case_consistency(struct cd_store *s, int64_t *mismatched, struct cd_error *err);

/*
 * Records a biometric capture or exception for a person.  `synthetic` marks demo rows
 * that carry no template, so they can never be mistaken for a real enrolment's data.
 */
int biometric_record(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		     const char *modality, const char *position, int quality, const void *tmpl,
		     size_t tmpl_len, const char *device, int synthetic, struct cd_error *err);
